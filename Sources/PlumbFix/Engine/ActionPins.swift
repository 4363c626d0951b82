import Foundation
import PlumbDiagnostics
import PlumbFiles
import PlumbGraph
import PlumbYAML

/// Commit SHAs that actions' tags are known to point at, without asking the network:
/// `.plumb/action-pins.yaml` (a mapping `owner/repo@tag: <40-hex sha>`), and pins written elsewhere
/// in the same repository (`uses: owner/repo@<sha> # <tag>`).
///
/// Keys are `owner/repo@tag` with `owner/repo` lower-cased (GitHub names are case-insensitive);
/// a subdirectory action (`owner/repo/path@tag`) uses its repository's pin.
public struct ActionPins: Sendable, Equatable {
  /// `owner/repo@tag` → sha.
  public private(set) var pins: [String: String] = [:]
  /// Problems with the pins file.
  public private(set) var diagnostics: [Diagnostic] = []

  /// The conventional location of the pins file, relative to the repository root.
  public static let fileName = ".plumb/action-pins.yaml"

  /// No pins.
  public init() {}

  /// Pins from a mapping (tests).
  public init(_ pins: [String: String]) {
    for (key, sha) in pins { if let key = Self.normalizedKey(key) { self.pins[key] = sha.lowercased() } }
  }

  /// `owner/repo@tag` with the repository lower-cased and any subdirectory dropped; nil when malformed.
  public static func normalizedKey(_ reference: String) -> String? {
    guard let at = reference.firstIndex(of: "@") else { return nil }
    let name = reference[..<at].split(separator: "/", omittingEmptySubsequences: false)
    let tag = reference[reference.index(after: at)...]
    guard name.count >= 2, !name[0].isEmpty, !name[1].isEmpty, !tag.isEmpty else { return nil }
    return (name[0] + "/" + name[1]).lowercased() + "@" + tag
  }

  static func isSHA(_ text: String) -> Bool {
    text.utf8.count == 40 && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) }
  }

  /// Reads the pins file at `root` and the pins in `graph`'s workflows and actions. The file wins
  /// over pins found in the repository; a tag found pinned to two different SHAs is left out.
  public static func load(root: String, graph: DocumentGraph?) -> ActionPins {
    var result = ActionPins()
    if let graph { result.collect(from: graph) }
    let path = (root as NSString).appendingPathComponent(fileName)
    var info = stat()
    // The pins file is the repository's: read only as a regular file inside the root.
    if lstat(path, &info) == 0 {
      let loaded = YAMLLoader().load(path: path, displayPath: fileName, within: ReadBoundary(root: root))
      result.diagnostics += loaded.diagnostics
      if let root = loaded.documents.first?.root {
        if root.kind != .mapping && !root.isNull {
          result.diagnostics.append(
            Diagnostic(
              code: "fix.pins", message: "\(fileName) must be a mapping of 'owner/repo@tag: sha'", location: root.location))
        }
        for pair in root.pairs {
          let key = pair.key.string ?? ""
          let sha = pair.value.string ?? ""
          guard let normalized = normalizedKey(key), isSHA(sha) else {
            result.diagnostics.append(
              Diagnostic(
                code: "fix.pins", severity: .warning,
                message: "ignored: '\(pair.key.rawText): \(pair.value.rawText)' is not 'owner/repo@tag: <40-hex sha>'",
                location: pair.key.location))
            continue
          }
          result.pins[normalized] = sha.lowercased()
        }
      }
    }
    return result
  }

  /// Pins written as `uses: owner/repo@<sha> # <tag>` in the graph's steps and jobs.
  mutating func collect(from graph: DocumentGraph) {
    var found: [String: Set<String>] = [:]
    for entity in graph.entities(ofKind: EntityKinds.githubStep) + graph.entities(ofKind: EntityKinds.githubJob) {
      let ref = entity.attributes["uses_ref"]
      guard ref["kind"].string == "repository", ref["ref_kind"].string == "sha",
        let owner = ref["owner"].string, let repo = ref["repo"].string, let sha = ref["ref"].string,
        let uses = entity.attributes["uses"].node
      else { continue }
      guard let tag = Self.versionComment(after: uses) else { continue }
      found[(owner + "/" + repo).lowercased() + "@" + tag, default: []].insert(sha.lowercased())
    }
    for (key, shas) in found where shas.count == 1 { pins[key] = shas.first! }
  }

  /// The tag in a `# v1.2.3` (or `# tag=v1.2.3`, `# pin@v1.2.3`) comment after a node on its line.
  static func versionComment(after node: YAMLNode) -> String? {
    let source = node.tree.source
    let lines = Lines(source.bytes)
    let end = lines.lineEnd(node.byteRange.upperBound)
    let rest = lines.text(node.byteRange.upperBound..<end)
    guard let hash = rest.firstIndex(of: "#") else { return nil }
    var comment = rest[rest.index(after: hash)...].trimmingCharacters(in: .whitespaces)
    for prefix in ["tag=", "pin@", "ratchet:"] where comment.hasPrefix(prefix) { comment.removeFirst(prefix.count) }
    if let at = comment.lastIndex(of: "@"), comment.hasPrefix("ratchet") || comment.contains("/") {
      comment = String(comment[comment.index(after: at)...])
    }
    let tag = comment.split(separator: " ").first.map(String.init) ?? ""
    guard let first = tag.first, first == "v" || first.isNumber,
      tag.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "_" })
    else { return nil }
    return tag
  }

  /// The SHA `owner/repo@tag` is pinned to, if known.
  public func sha(for reference: String) -> String? {
    normalizedKey(reference).flatMap { pins[$0] }
  }

  func normalizedKey(_ reference: String) -> String? { Self.normalizedKey(reference) }

  /// The longest tag of `repository` known to point at `sha` (`v4.2.2` rather than `v4`), for the
  /// comment written after a pin.
  public func longestTag(repository: String, sha: String) -> String? {
    let prefix = repository.lowercased() + "@"
    return pins.filter { $0.key.hasPrefix(prefix) && $0.value == sha.lowercased() }
      .map { String($0.key.dropFirst(prefix.count)) }
      .max { ($0.count, $1) < ($1.count, $0) }
  }

  /// The pins as a policy value (`param.action_pins` of the rules that declare it).
  public var parameterEntries: [(String, String)] { pins.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
}
