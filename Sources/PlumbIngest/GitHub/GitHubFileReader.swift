import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// What reading one workflow or action file produced, before it goes into the graph.
struct GitHubFileReader {
  /// The file's path relative to the root (ids and local references are built from it).
  let path: String
  var entities: [Entity] = []
  var edges: [Edge] = []
  var diagnostics: [Diagnostic] = []
  var references: [LocalReference] = []
  /// Taint flows per step entity id (`TaintAnalysis`), set before the steps are read.
  var stepFlows: [String: [TaintFlow]] = [:]

  init(path: String) {
    self.path = path
  }

  // MARK: Helpers

  mutating func diagnose(
    _ code: String, _ message: String, at location: SourceLocation, severity: DiagnosticSeverity = .error,
    notes: [Diagnostic.Note] = []
  ) {
    diagnostics.append(
      Diagnostic(code: "github." + code, severity: severity, message: message, location: location, notes: notes))
  }

  mutating func connect(_ from: EntityID, _ type: String, _ to: EntityID, at location: SourceLocation?) {
    edges.append(Edge(from: from, type: type, to: to, location: location))
  }

  /// The root mapping of a file that holds one document (a workflow, an action file).
  ///
  /// Diagnoses `empty-<kind>` for a file that loaded cleanly but has no document (a file that
  /// failed to load has its loader errors already), warns that documents after the first are
  /// ignored, and diagnoses `invalid-<kind>` for a root that is not a mapping.
  ///
  /// - Parameters:
  ///   - input: The loaded file.
  ///   - kind: What the file holds, in codes and messages (`workflow`, `action`).
  ///   - article: The indefinite article before `kind` in messages (`a`, `an`).
  /// - Returns: The first document's root when it is a mapping, else nil.
  mutating func singleMappingRoot(_ input: LoadedInput, kind: String, article: String) -> YAMLNode? {
    guard let document = input.documents.first else {
      if let source = input.result.source, !input.result.hasErrors {
        diagnose(
          "empty-\(kind)", "the \(kind) file has no document",
          at: SourceLocation(path: path, span: source.span(from: 0, to: 0)))
      }
      return nil
    }
    if input.documents.count > 1 {
      diagnose(
        "multiple-documents", "\(article) \(kind) file holds one document; the documents after the first are ignored",
        at: input.documents[1].root.location, severity: .warning)
    }
    let root = document.root
    guard root.kind == .mapping else {
      diagnose("invalid-\(kind)", "\(article) \(kind) must be a mapping", at: root.location)
      return nil
    }
    return root
  }

  /// A key's text (its decoded string, or its source for a non-string key).
  static func keyText(_ node: YAMLNode) -> String { node.string ?? node.rawText }

  /// The location from `start`'s first byte to `end`'s last (a key and its value).
  static func location(from start: YAMLNode, to end: YAMLNode) -> SourceLocation {
    let source = start.tree.source
    let lower = min(start.byteRange.lowerBound, end.byteRange.lowerBound)
    let upper = max(start.byteRange.upperBound, end.byteRange.upperBound)
    return SourceLocation(path: source.path, span: source.span(from: lower, to: upper), usedAt: start.useSpan ?? end.useSpan)
  }

  /// The directory local `uses: ./…` paths are relative to: the repository root, i.e. what comes
  /// before `.github/` in the file's path; the ingest root when the file is not under `.github/`.
  var repositoryRoot: String {
    if path.hasPrefix(".github/") { return "" }
    if let range = path.range(of: "/.github/", options: .backwards) { return String(path[..<range.lowerBound]) }
    return ""
  }

  /// `root/path` normalised enough for ids (`.` segments and doubled slashes removed).
  func joinedWithRepositoryRoot(_ local: String) -> String {
    var parts: [Substring] = repositoryRoot.split(separator: "/")
    for part in local.split(separator: "/") where part != "." { parts.append(part) }
    return parts.joined(separator: "/")
  }

  /// A one-line summary of `text`: its first non-blank line, at most 60 characters.
  static func summary(_ text: String) -> String {
    // The first line that is not blank, from its first non-blank character (without splitting
    // the whole script into lines: scripts can be long).
    guard let first = text.firstIndex(where: { !$0.isWhitespace }) else { return "" }
    let end = text[first...].firstIndex(where: \.isNewline) ?? text.endIndex
    var result = String(text[first..<end])
    while result.last?.isWhitespace == true { result.removeLast() }
    if result.count > 60 { result = String(result.prefix(59)) + "…" }
    return result
  }

  /// Warns about a key GitHub does not define in `section` (a typo, or a newer feature).
  mutating func checkKey(_ key: YAMLNode, _ name: String, known: Set<String>, section: String) {
    guard !known.contains(name) else { return }
    diagnose("unknown-key", "unknown key '\(name)' in \(section)", at: key.location, severity: .warning)
  }

  static let workflowKeys: Set<String> = [
    "name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs",
  ]
  static let jobKeys: Set<String> = [
    "name", "permissions", "needs", "if", "runs-on", "snapshot", "environment", "concurrency", "outputs", "env",
    "defaults", "steps", "timeout-minutes", "strategy", "continue-on-error", "container", "services", "uses", "with",
    "secrets",
  ]
  static let stepKeys: Set<String> = [
    "id", "if", "name", "uses", "run", "working-directory", "shell", "with", "env", "continue-on-error",
    "timeout-minutes", "background", "wait", "wait-all", "cancel", "parallel",
  ]
  static let actionKeys: Set<String> = ["name", "author", "description", "inputs", "outputs", "runs", "branding"]

  // MARK: Expressions

  /// Adds the expressions of `node` (recursing into collections) to `into`, tagged with `field`.
  mutating func collectExpressions(_ node: YAMLNode, field: String, into result: inout [Value]) {
    switch node.kind {
    case .scalar:
      for found in ExpressionScanner.scan(node) {
        if !found.terminated {
          diagnose(
            "unterminated-expression", "expression '${{' in '\(field)' is not closed with '}}'", at: found.location,
            severity: .warning)
        }
        result.append(Self.expressionValue(text: found.text, field: field, implicit: false, at: found.location))
      }
    case .sequence:
      for (position, element) in node.elements.enumerated() {
        collectExpressions(element, field: "\(field)[\(position)]", into: &result)
      }
    case .mapping:
      for pair in node.pairs {
        collectExpressions(pair.value, field: field + "." + Self.keyText(pair.key), into: &result)
      }
    }
  }

  /// Adds an `if:` condition: its `${{ … }}` expressions, or the whole text when it has none
  /// (GitHub reads a bare `if` as an expression).
  mutating func collectCondition(_ node: YAMLNode, into result: inout [Value]) {
    guard node.kind == .scalar, !node.isNull, let text = node.string else {
      if node.kind != .scalar {
        diagnose("invalid-if", "'if' must be a string expression", at: node.location)
      }
      return
    }
    if text.contains("${{") {
      collectExpressions(node, field: "if", into: &result)
      return
    }
    var lower = text.startIndex
    var upper = text.endIndex
    while lower < upper && text[lower].isWhitespace { lower = text.index(after: lower) }
    while upper > lower && text[text.index(before: upper)].isWhitespace { upper = text.index(before: upper) }
    let trimmed = String(text[lower..<upper])
    guard !trimmed.isEmpty else { return }
    var location = node.location
    if let from = UsesReference.sourceOffset(of: trimmed, in: node) {
      location = SourceLocation(
        path: node.tree.source.path, span: node.tree.source.span(from: from, to: from + trimmed.utf8.count),
        usedAt: node.useSpan)
    }
    result.append(Self.expressionValue(text: trimmed, field: "if", implicit: true, at: location))
  }

  static func expressionValue(text: String, field: String, implicit: Bool, at location: SourceLocation) -> Value {
    var map = ValueMap()
    map["text"] = .string(text)
    map["field"] = .string(field)
    map["contexts"] = .list(ExpressionScanner.contexts(in: text).map(Value.string))
    map["implicit"] = .bool(implicit)
    return .located(.map(map), location)
  }

  // MARK: Images

  /// A container image reference (`image[:tag][@digest]`, optionally `docker://`), as a map; nil
  /// for a YAML null (`container: null`, `~` or nothing: GitHub runs the job without a container,
  /// the way `${{ … }}` evaluating to null or an empty string does) and for an empty string.
  static func imageValue(_ node: YAMLNode, field: String) -> Value? {
    guard node.kind == .scalar, !node.isNull, let text = node.string, !text.isEmpty else { return nil }
    let image = text.hasPrefix("docker://") ? String(text.dropFirst("docker://".count)) : text
    guard let parsed = UsesReference.parseDocker(raw: text, image: image) else { return nil }
    var map = ValueMap()
    map["field"] = .string(field)
    map["raw"] = .string(text)
    if let name = parsed.image { map["image"] = .string(name) }
    if let tag = parsed.tag { map["tag"] = .string(tag) }
    if let digest = parsed.digest { map["digest"] = .string(digest) }
    return .located(.map(map), node.location)
  }
}
