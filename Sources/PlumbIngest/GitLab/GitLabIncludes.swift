import Foundation
import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// One entry of an `include:` keyword, as written.
struct GitLabInclude {
  enum Kind: String {
    case local, remote, project, template, component
  }

  /// The entry: a string, or a mapping such as `{local: …, rules: …}`.
  let entry: YAMLNode
  let kind: Kind
  /// The path, URL, project, template name or component address.
  let value: String
  /// The node `value` was read from.
  let valueNode: YAMLNode
}

/// Reads `include:` values: a string, a list of strings and mappings, or one mapping.
enum GitLabIncludeParser {
  static func parse(_ node: YAMLNode, problems: inout [Diagnostic]) -> [GitLabInclude] {
    switch node.kind {
    case .scalar:
      if node.isNull { return [] }
      return entry(node, problems: &problems).map { [$0] } ?? []
    case .mapping:
      return entry(node, problems: &problems).map { [$0] } ?? []
    case .sequence:
      if node.isGitLabReference {
        problems.append(invalid(node, "'!reference' is not supported in 'include'"))
        return []
      }
      return node.elements.compactMap { entry($0, problems: &problems) }
    }
  }

  private static let mapKinds: [GitLabInclude.Kind] = [.local, .remote, .project, .template, .component]

  private static func entry(_ node: YAMLNode, problems: inout [Diagnostic]) -> GitLabInclude? {
    switch node.kind {
    case .scalar:
      guard node.scalarType == .string, let text = node.string?.trimmingCharacters(in: .whitespaces), !text.isEmpty
      else {
        problems.append(invalid(node, "an 'include' entry must be a path, a URL or a mapping"))
        return nil
      }
      let lower = text.lowercased()
      let kind: GitLabInclude.Kind = lower.hasPrefix("https://") || lower.hasPrefix("http://") ? .remote : .local
      return GitLabInclude(entry: node, kind: kind, value: text, valueNode: node)
    case .mapping:
      for kind in mapKinds {
        guard let valueNode = node[kind.rawValue] else { continue }
        guard valueNode.kind == .scalar, valueNode.scalarType == .string,
          let text = valueNode.string?.trimmingCharacters(in: .whitespaces), !text.isEmpty
        else {
          problems.append(invalid(valueNode, "'include: \(kind.rawValue)' must be a non-empty string"))
          return nil
        }
        return GitLabInclude(entry: node, kind: kind, value: text, valueNode: valueNode)
      }
      problems.append(
        invalid(node, "an 'include' entry needs one of 'local', 'remote', 'project', 'template' or 'component'"))
      return nil
    case .sequence:
      problems.append(invalid(node, "an 'include' entry must be a path, a URL or a mapping, not a list"))
      return nil
    }
  }

  private static func invalid(_ node: YAMLNode, _ message: String) -> Diagnostic {
    Diagnostic(code: "gitlab.include-invalid", message: message, location: node.location)
  }
}

/// Where a local include points.
struct GitLabLocalResolution {
  /// Absolute paths of the files to include, in order.
  var absolute: [String] = []
  /// The same, relative to the root.
  var relative: [String] = []
  /// Whether the include was a wildcard pattern.
  var isPattern = false
  /// Why some or all of it could not be followed.
  var problems: [Diagnostic] = []
}

/// Resolves `include: local:` paths against the repository root (the ingest root). Caches the
/// matches of wildcard patterns, which need a directory walk.
struct GitLabIncludeResolver {
  private var patternCache: [String: [String]] = [:]

  mutating func resolveLocal(
    _ include: GitLabInclude, includingFile: String, context: IngestContext
  ) -> GitLabLocalResolution {
    var resolution = GitLabLocalResolution()
    let written = include.value
    let location = include.valueNode.location
    if written.contains("$") {
      resolution.problems.append(
        Diagnostic(
          code: "gitlab.include-variable", severity: .warning,
          message: "local include '\(written)' uses variables; it is not followed",
          location: location))
      return resolution
    }
    var path = Substring(written)
    while path.hasPrefix("/") { path = path.dropFirst() }
    let root = context.root
    let prefix = root.hasSuffix("/") ? root : root + "/"
    guard !path.isEmpty else {
      resolution.problems.append(
        Diagnostic(code: "gitlab.include-invalid", message: "local include '\(written)' names no file", location: location))
      return resolution
    }
    let relativePath = String(path)

    if GitLabGlob.isPattern(relativePath) {
      resolution.isPattern = true
      if relativePath.split(separator: "/").contains("..") {
        resolution.problems.append(outsideRoot(written, root: root, location: location))
        return resolution
      }
      let matches: [String]
      if let cached = patternCache[relativePath] {
        matches = cached
      } else {
        matches = GitLabGlob.files(matching: relativePath, under: root.hasSuffix("/") ? String(root.dropLast()) : root)
        patternCache[relativePath] = matches
      }
      for match in matches {
        let absolute = IngestContext.standardize(prefix + match)
        guard context.isInsideRoot(absolute) else {
          resolution.problems.append(outsideRoot(match, root: root, location: location))
          continue
        }
        resolution.absolute.append(absolute)
        resolution.relative.append(context.relative(absolute))
      }
      if matches.isEmpty {
        resolution.problems.append(
          Diagnostic(
            code: "gitlab.include-missing",
            message: "local include pattern '\(written)' matches no file under the repository root",
            location: location,
            notes: [Diagnostic.Note(message: "local includes are resolved against '\(root)'", location: nil)]))
      }
      return resolution
    }

    let absolute = IngestContext.standardize(prefix + relativePath)
    guard absolute.hasPrefix(prefix), context.isInsideRoot(absolute) else {
      resolution.problems.append(outsideRoot(written, root: root, location: location))
      return resolution
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), !isDirectory.boolValue else {
      var notes = [Diagnostic.Note(message: "local includes are resolved against the repository root '\(root)'", location: nil)]
      // A common mistake: the path is relative to the including file, or the root is not the repository.
      let sibling = IngestContext.standardize(
        (includingFile as NSString).deletingLastPathComponent + "/" + relativePath)
      if sibling != absolute && FileManager.default.fileExists(atPath: sibling) {
        notes.append(
          Diagnostic.Note(
            message: "'\(context.relative(sibling))' exists relative to the including file; pass the repository folder as the root",
            location: nil))
      }
      resolution.problems.append(
        Diagnostic(
          code: "gitlab.include-missing",
          message: isDirectory.boolValue && FileManager.default.fileExists(atPath: absolute)
            ? "local include '\(written)' is a directory, not a file"
            : "local include '\(written)' does not exist",
          location: location, notes: notes))
      return resolution
    }
    resolution.absolute = [absolute]
    resolution.relative = [context.relative(absolute)]
    return resolution
  }

  private func outsideRoot(_ path: String, root: String, location: SourceLocation) -> Diagnostic {
    Diagnostic(
      code: "gitlab.include-outside-root",
      message: "local include '\(path)' points outside the repository root '\(root)'; it is not read",
      location: location)
  }
}

/// A GitLab file's documents: an optional `spec:` header, then the configuration.
struct GitLabDocuments {
  /// The header document's `spec` value.
  var spec: YAMLNode?
  /// The configuration's root node (a mapping when valid).
  var config: YAMLNode?
  var problems: [Diagnostic] = []

  init(_ input: LoadedInput) {
    let documents = input.documents
    guard let first = documents.first else { return }
    var configIndex = 0
    if documents.count >= 2, first.root.kind == .mapping, let spec = first.root["spec"] {
      self.spec = spec
      configIndex = 1
    }
    let configRoot = documents[configIndex].root
    for extra in documents.dropFirst(configIndex + 1) where !(extra.root.kind == .scalar && extra.root.isNull) {
      problems.append(
        Diagnostic(
          code: "gitlab.extra-document", severity: .warning,
          message: "GitLab reads one configuration document (after an optional 'spec' header); this document is ignored",
          location: extra.root.location))
    }
    if configRoot.kind == .mapping {
      config = configRoot
    } else if !(configRoot.kind == .scalar && configRoot.isNull) {
      problems.append(
        Diagnostic(
          code: "gitlab.invalid-config",
          message: "a GitLab CI configuration must be a mapping of keywords and jobs",
          location: configRoot.location))
    }
  }
}

/// One include as the pipeline records it.
struct GitLabIncludeRecord {
  let include: GitLabInclude
  /// The root-relative path of a local include that exists.
  var resolved: String?
  /// The matches of a local wildcard pattern.
  var files: [String]?

  /// The `.located` map of the pipeline's `includes` attribute: the entry's own keys as views,
  /// then `kind`, `value`, `resolved` and `files`.
  var value: Value {
    var map = ValueMap()
    if include.entry.kind == .mapping {
      for pair in include.entry.pairs { map[GitLabMap.keyText(pair.key)] = .yaml(pair.value) }
    }
    map["kind"] = .located(.string(include.kind.rawValue), include.entry.location)
    map["value"] = .yaml(include.valueNode)
    if let resolved {
      map["resolved"] = .located(.string(resolved), include.valueNode.location)
    }
    if let files {
      map["files"] = .list(files.map { .located(.string($0), include.valueNode.location) })
    }
    return .located(.map(map), include.entry.location)
  }
}

/// The configuration of one pipeline after `include:` processing: GitLab deep-merges each
/// included file (itself processed the same way) in order, then the including file's own content
/// over them, so the including file wins.
struct GitLabMergedConfig {
  /// Top-level keys (global keywords and jobs) after merging.
  var top = GitLabMap()
  /// The last (winning) place each top-level key was written: its key and value nodes.
  var definitions: [String: (key: YAMLNode, value: YAMLNode)] = [:]
  /// Every include met, in processing order (nested ones after their parent).
  var includes: [GitLabIncludeRecord] = []
  /// Include entries that are not fetched (remote, project, template, component).
  var unfetched: [YAMLNode] = []
  /// The root file's header `spec`, config root and `include` node.
  var spec: YAMLNode?
  var configRoot: YAMLNode?
  var rootInclude: YAMLNode?
  var diagnostics: [Diagnostic] = []
}

/// Builds a ``GitLabMergedConfig`` from a root file, following local includes.
struct GitLabConfigMerger {
  private(set) var result = GitLabMergedConfig()
  private var includeCount = 0
  private var reportedLimit = false

  mutating func merge(
    root input: LoadedInput, context: inout IngestContext, resolver: inout GitLabIncludeResolver
  ) {
    mergeFile(input, isRoot: true, stack: [input.absolutePath], context: &context, resolver: &resolver)
  }

  private mutating func mergeFile(
    _ input: LoadedInput, isRoot: Bool, stack: [String],
    context: inout IngestContext, resolver: inout GitLabIncludeResolver
  ) {
    let documents = GitLabDocuments(input)
    result.diagnostics.append(contentsOf: documents.problems)
    if isRoot {
      result.spec = documents.spec
      result.configRoot = documents.config
    }
    guard let config = documents.config else { return }

    if let includeNode = config["include"] {
      if isRoot { result.rootInclude = includeNode }
      for include in GitLabIncludeParser.parse(includeNode, problems: &result.diagnostics) {
        var record = GitLabIncludeRecord(include: include)
        guard include.kind == .local else {
          result.includes.append(record)
          result.unfetched.append(include.entry)
          continue
        }
        let resolution = resolver.resolveLocal(include, includingFile: input.absolutePath, context: context)
        result.diagnostics.append(contentsOf: resolution.problems)
        if resolution.isPattern {
          record.files = resolution.relative
        } else {
          record.resolved = resolution.relative.first
        }
        result.includes.append(record)
        for absolute in resolution.absolute {
          if let position = stack.firstIndex(of: absolute) {
            let cycle = (stack[position...].map { context.relative($0) } + [context.relative(absolute)])
              .map { "'\($0)'" }.joined(separator: " -> ")
            result.diagnostics.append(
              Diagnostic(
                code: "gitlab.include-cycle",
                message: "include cycle: \(cycle); the include is not followed",
                location: include.valueNode.location))
            continue
          }
          if includeCount >= GitLabKeywords.maxIncludes {
            if !reportedLimit {
              reportedLimit = true
              result.diagnostics.append(
                Diagnostic(
                  code: "gitlab.include-limit",
                  message: "more than \(GitLabKeywords.maxIncludes) files included; the rest are not followed",
                  location: include.valueNode.location))
            }
            break
          }
          includeCount += 1
          let included = context.load(absolute)
          context.markConsumed(included, as: .gitlabCI)
          mergeFile(included, isRoot: false, stack: stack + [absolute], context: &context, resolver: &resolver)
        }
      }
    }

    for pair in config.pairs {
      let key = GitLabMap.keyText(pair.key)
      if key == "include" { continue }
      result.definitions[key] = (pair.key, pair.value)
      if let existing = result.top.entry(key) {
        result.top.set(key, keyNode: pair.key, value: GitLabNode.deepMerge(existing.value, .yaml(pair.value)))
      } else {
        result.top.set(key, keyNode: pair.key, value: .yaml(pair.value))
      }
    }
  }

  /// The absolute paths of the local files `input` includes directly (for telling root files
  /// from included ones); problems are ignored here, they are reported when the root is built.
  static func directLocalIncludes(
    of input: LoadedInput, context: IngestContext, resolver: inout GitLabIncludeResolver
  ) -> [String] {
    guard let config = GitLabDocuments(input).config, let includeNode = config["include"] else { return [] }
    var ignored: [Diagnostic] = []
    var found: [String] = []
    for include in GitLabIncludeParser.parse(includeNode, problems: &ignored) where include.kind == .local {
      found.append(
        contentsOf: resolver.resolveLocal(include, includingFile: input.absolutePath, context: context).absolute)
    }
    return found
  }
}
