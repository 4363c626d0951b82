import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// `permissions:` of a workflow or job, normalised for rules.
struct Permissions {
  /// `missing`, `read-all`, `write-all`, `none` (`{}`), `scoped` or `invalid`.
  var kind: String
  /// Located names of the scopes granted `write` (every known scope for `write-all`).
  var writeScopes: [Value]
  /// Where the kind was derived from (the `permissions` value, or the owner when missing).
  var location: SourceLocation

  /// The `GITHUB_TOKEN` scopes GitHub documents (`models` only takes `read`/`none`).
  static let knownScopes: [String] = [
    "actions", "attestations", "checks", "contents", "deployments", "discussions", "id-token", "issues",
    "models", "packages", "pages", "pull-requests", "repository-projects", "security-events", "statuses",
  ]
  private static let knownScopeSet = Set(knownScopes)
  /// What `write-all` grants `write` to.
  static let writeAllScopes = knownScopes.filter { $0 != "models" }

  /// Reads `node` (nil when the key is absent; `owner` locates a missing kind).
  static func read(
    _ node: YAMLNode?, owner: SourceLocation, diagnose: (Diagnostic) -> Void
  ) -> Permissions {
    guard let node else { return Permissions(kind: "missing", writeScopes: [], location: owner) }
    switch node.kind {
    case .scalar:
      if node.scalarEquals("read-all") {
        return Permissions(kind: "read-all", writeScopes: [], location: node.location)
      }
      if node.scalarEquals("write-all") {
        let scopes = writeAllScopes.map { Value.located(.string($0), node.location) }
        return Permissions(kind: "write-all", writeScopes: scopes, location: node.location)
      }
      diagnose(
        Diagnostic(
          code: "github.invalid-permissions",
          message: "'permissions' must be 'read-all', 'write-all' or a mapping of scopes, not '\(node.rawText)'",
          location: node.location))
      return Permissions(kind: "invalid", writeScopes: [], location: node.location)
    case .sequence:
      diagnose(
        Diagnostic(
          code: "github.invalid-permissions",
          message: "'permissions' must be 'read-all', 'write-all' or a mapping of scopes, not a list",
          location: node.location))
      return Permissions(kind: "invalid", writeScopes: [], location: node.location)
    case .mapping:
      if node.count == 0 { return Permissions(kind: "none", writeScopes: [], location: node.location) }
      var writes: [Value] = []
      for pair in node.pairs {
        let scope = pair.key.string ?? pair.key.rawText
        if !knownScopeSet.contains(scope) {
          diagnose(
            Diagnostic(
              code: "github.unknown-permission", severity: .warning,
              message: "unknown permission scope '\(scope)'", location: pair.key.location))
        }
        if pair.value.scalarEquals("write") {
          writes.append(.located(.string(scope), pair.key.location))
        } else if !pair.value.scalarEquals("read") && !pair.value.scalarEquals("none") {
          diagnose(
            Diagnostic(
              code: "github.invalid-permissions",
              message: "permission '\(scope)' must be 'read', 'write' or 'none', not '\(pair.value.rawText)'",
              location: pair.value.location))
        }
      }
      return Permissions(kind: "scoped", writeScopes: writes, location: node.location)
    }
  }

  /// Adds `permissions_kind` and `write_scopes` to `attributes`.
  func store(in attributes: inout ValueMap) {
    attributes["permissions_kind"] = .located(.string(kind), location)
    attributes["write_scopes"] = .located(.list(writeScopes), location)
  }
}

/// `runs-on:` as a list of labels: a string, a list, or `{group, labels}`.
struct RunnerLabels {
  var labels: [Value] = []
  var group: Value?
  var texts: [String] = []

  static func read(_ node: YAMLNode, diagnose: (Diagnostic) -> Void) -> RunnerLabels {
    var result = RunnerLabels()
    func add(_ element: YAMLNode) {
      guard element.kind == .scalar, !element.isNull, let text = element.string else {
        diagnose(
          Diagnostic(
            code: "github.invalid-runs-on", message: "a runner label must be a string", location: element.location))
        return
      }
      result.labels.append(.located(.string(text), element.location))
      result.texts.append(text)
    }
    switch node.kind {
    case .scalar:
      add(node)
    case .sequence:
      for element in node.elements { add(element) }
    case .mapping:
      for pair in node.pairs {
        if pair.key.scalarEquals("labels") {
          if pair.value.kind == .sequence {
            for element in pair.value.elements { add(element) }
          } else {
            add(pair.value)
          }
        } else if pair.key.scalarEquals("group") {
          if let text = pair.value.string, pair.value.kind == .scalar {
            result.group = .located(.string(text), pair.value.location)
          }
        } else {
          diagnose(
            Diagnostic(
              code: "github.invalid-runs-on", severity: .warning,
              message: "unknown key '\(pair.key.rawText)' in 'runs-on' (expected 'group' or 'labels')",
              location: pair.key.location))
        }
      }
    }
    return result
  }

  /// Whether a label is `self-hosted` (labels are case-insensitive).
  var selfHosted: Bool { texts.contains { $0.lowercased() == "self-hosted" } }
}
