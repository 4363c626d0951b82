import PlumbDiagnostics
import PlumbFiles
import PlumbYAML

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The repository's Plumb configuration, `.plumb.yaml` at the ingest root.
///
/// ```yaml
/// repository: acme/platform          # links pipelines to the component of this repository
/// rules: [policy/rules]                # more rule and policy directories, relative to the root
/// pack: strict                         # the policy pack `plumb check` uses
/// links:
///   component_tags: [component, service]
///   owner_tags: [owner, team]
/// ```
///
/// Unknown keys and wrong types are diagnostics at their node. Later sections (rule and policy
/// directories, waivers) extend this file.
public struct PlumbConfigurationFile: Sendable {
  /// The file name looked for at the root.
  public static let name = ".plumb.yaml"

  /// `repository:`.
  public var repository: String?
  /// `rules:` directories (or files) with more rules, packs and scorecards, relative to the root.
  public var ruleDirectories: [String] = []
  /// `pack:`.
  public var pack: String?
  /// `links.component_tags`.
  public var componentTagKeys: [String]?
  /// `links.owner_tags`.
  public var ownerTagKeys: [String]?
  /// Problems found in the file.
  public var diagnostics: [Diagnostic] = []

  /// Reads `<root>/.plumb.yaml`; a missing file gives an empty configuration. The file is the
  /// repository's: it is read only if it is a regular file inside the root, and each `rules:` entry
  /// must resolve inside the root (a diagnostic otherwise, and the entry is dropped).
  public static func read(root: String) -> PlumbConfigurationFile {
    var config = PlumbConfigurationFile()
    let path = root.hasSuffix("/") ? root + name : root + "/" + name
    // Anything there, even a dangling symbolic link or a FIFO, is read (and refused with a reason).
    guard exists(path) else { return config }
    let boundary = ReadBoundary(root: root)
    let result = YAMLLoader().load(path: path, displayPath: name, within: boundary)
    config.diagnostics = result.diagnostics
    guard let document = result.documents.first?.root, document.kind == .mapping else { return config }
    for pair in document.pairs {
      switch pair.key.string {
      case "repository":
        config.repository = config.string(pair.value)
      case "pack":
        config.pack = config.string(pair.value)
      case "rules":
        config.ruleDirectories = config.paths(pair.value, inside: boundary, root: root)
      case "links":
        for link in pair.value.pairs {
          switch link.key.string {
          case "component_tags": config.componentTagKeys = config.strings(link.value)
          case "owner_tags": config.ownerTagKeys = config.strings(link.value)
          default: config.unknown(link.key, in: "links")
          }
        }
      default:
        config.unknown(pair.key, in: nil)
      }
    }
    return config
  }

  /// Applies the file's settings to ingest options.
  public func apply(to options: inout IngestOptions) {
    if let repository { options.repository = repository }
    if let componentTagKeys { options.componentTagKeys = componentTagKeys }
    if let ownerTagKeys { options.ownerTagKeys = ownerTagKeys }
  }

  /// Whether anything is at `path` (without following a symbolic link).
  private static func exists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
  }

  /// The `rules:` entries, relative to the root, that resolve inside the root (one that does not
  /// exist yet is kept: reading it reports it as missing).
  private mutating func paths(_ node: YAMLNode, inside boundary: ReadBoundary, root: String) -> [String] {
    guard node.kind == .sequence else { return strings(node) ?? [] }
    var kept: [String] = []
    for element in node.elements {
      guard let text = string(element) else { continue }
      let absolute = IngestContext.standardize(text.hasPrefix("/") ? text : root + "/" + text)
      if boundary.containsResolving(absolute) == false {
        diagnostics.append(
          Diagnostic(
            code: "config.outside-root",
            message: "rules path '\(text)' resolves outside the root '\(root)'; it is not read", location: element.location))
        continue
      }
      kept.append(text)
    }
    return kept
  }

  private mutating func string(_ node: YAMLNode) -> String? {
    if node.scalarType == .string, let text = node.string { return text }
    diagnostics.append(Diagnostic(code: "config.type", message: "expected a string", location: node.location))
    return nil
  }

  private mutating func strings(_ node: YAMLNode) -> [String]? {
    guard node.kind == .sequence else {
      diagnostics.append(Diagnostic(code: "config.type", message: "expected a list of strings", location: node.location))
      return nil
    }
    return node.elements.compactMap { string($0) }
  }

  private mutating func unknown(_ key: YAMLNode, in section: String?) {
    let name = key.string ?? key.rawText
    let place = section.map { " in '\($0)'" } ?? ""
    diagnostics.append(
      Diagnostic(code: "config.unknown-key", message: "unknown key '\(name)'\(place)", location: key.location))
  }
}
