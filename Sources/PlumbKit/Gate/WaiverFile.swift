import Foundation
import PlumbConfig
import PlumbDiagnostics
import PlumbFiles
import PlumbPolicy
import PlumbYAML

/// The repository's waiver file, `.plumb-waivers.yaml` at the root (or `--waivers PATH`).
///
/// ```yaml
/// waivers:
///   - rule: template_injection                 # required, a known rule id
///     entity: "github:.github/workflows/ci.yml#jobs.build*"   # entity id or glob
///     path: ".github/workflows/*.yml"           # and/or a glob over the finding's file
///     reason: "the title is sanitised by the wrapper action"  # required
///     owner: "@acme/platform"                   # owner and/or approved_by: required
///     approved_by: alice
///     expires: 2026-03-31                       # required, the last day it applies
///     ticket: SEC-1234                          # optional
/// ```
///
/// Every problem is an error at its node: a waiver file that does not load is a policy error.
public struct WaiverFile: Sendable {
  /// The file name looked for at the root (named once, with Plumb's other own files).
  public static let defaultName = PlumbConfiguration.waiverFileName
  /// The keys an entry may have.
  public static let keys = ["rule", "entity", "path", "fingerprint", "reason", "owner", "approved_by", "expires", "ticket"]

  /// The valid entries, in file order.
  public var waivers: [Waiver] = []
  /// Problems, all errors.
  public var diagnostics: [Diagnostic] = []
  /// The file's text, for showing its lines.
  public var source: SourceFile?

  /// An empty waiver file.
  public init() {}

  /// Loads the waiver file: `explicitPath` (an error if missing), else `configuredPath` (absolute,
  /// `waivers:` in `.plumb.yaml`; an error if missing; read only inside the root), else
  /// `<root>/.plumb-waivers.yaml` if it exists. `knownRules` are the rule ids a waiver may name
  /// (nil: not checked, because the rules did not compile and the list would be incomplete).
  public static func load(
    explicitPath: String?, configuredPath: String? = nil, root: String, knownRules: Set<String>?
  ) -> WaiverFile {
    let path: String
    let display: String
    // The file named with `--waivers` is the user's choice; the default one is the repository's,
    // read only if it is inside the root. Anything at the path, even a dangling symbolic link or a
    // FIFO, is read (and refused with a reason): a waiver file never vanishes.
    let boundary: ReadBoundary?
    if let explicitPath {
      path = IngestPaths.absolute(explicitPath)
      display = IngestPaths.display(path, root: root)
      boundary = nil
      guard IngestPaths.exists(path) else {
        var file = WaiverFile()
        file.diagnostics.append(
          Diagnostic(code: "waiver.missing", message: "no such waiver file: '\(explicitPath)'", location: nil))
        return file
      }
    } else if let configuredPath {
      // `waivers:` in `.plumb.yaml`: the repository's choice, so read only inside the root.
      path = configuredPath
      display = IngestPaths.display(path, root: root)
      boundary = ReadBoundary(root: root)
      guard IngestPaths.exists(path) else {
        var file = WaiverFile()
        file.diagnostics.append(
          Diagnostic(
            code: "waiver.missing",
            message: "no such waiver file: '\(MessageText.shown(display, limit: 200))' (named by 'waivers' in \(PlumbConfiguration.fileName))",
            location: nil))
        return file
      }
    } else {
      path = (root.hasSuffix("/") ? root : root + "/") + defaultName
      display = defaultName
      boundary = ReadBoundary(root: root)
      guard IngestPaths.exists(path) else { return WaiverFile() }
    }
    return parse(YAMLLoader().load(path: path, displayPath: display, within: boundary), knownRules: knownRules)
  }

  /// Reads waivers from YAML text (tests).
  public static func parse(text: String, path: String = defaultName, knownRules: Set<String>?) -> WaiverFile {
    parse(YAMLLoader().load(text: text, path: path), knownRules: knownRules)
  }

  static func parse(_ result: YAMLLoadResult, knownRules: Set<String>?) -> WaiverFile {
    var file = WaiverFile()
    file.source = result.source
    file.diagnostics = result.diagnostics
    guard !result.hasErrors else { return file }
    guard let root = result.documents.first?.root, !root.isNull else { return file }
    if result.documents.count > 1 {
      file.error("waiver.type", "a waiver file holds one YAML document", result.documents[1].root.location)
    }
    let entries: YAMLNode
    if root.kind == .sequence {
      entries = root
    } else if root.kind == .mapping {
      for pair in root.pairs where pair.key.string != "waivers" {
        file.unknownKey(pair.key, known: ["waivers"], in: "the waiver file")
      }
      guard let list = root["waivers"] else {
        file.error("waiver.type", "expected a 'waivers:' list", headLocation(root))
        return file
      }
      if list.isNull { return file }
      guard list.kind == .sequence else {
        file.error("waiver.type", "'waivers' must be a list of waivers", list.location)
        return file
      }
      entries = list
    } else {
      file.error("waiver.type", "expected a 'waivers:' list", root.location)
      return file
    }
    for entry in entries.elements {
      if let waiver = file.entry(entry, knownRules: knownRules) { file.waivers.append(waiver) }
    }
    return file
  }

  private mutating func entry(_ node: YAMLNode, knownRules: Set<String>?) -> Waiver? {
    guard node.kind == .mapping else {
      error("waiver.type", "a waiver must be a mapping with 'rule', a selector, 'reason', 'owner' and 'expires'", node.location)
      return nil
    }
    var strings: [String: (String, SourceLocation)] = [:]
    var valid = true
    for pair in node.pairs {
      guard let key = pair.key.string, WaiverFile.keys.contains(key) else {
        unknownKey(pair.key, known: WaiverFile.keys, in: "a waiver")
        valid = false
        continue
      }
      guard pair.value.kind == .scalar, !pair.value.isNull, let text = pair.value.string else {
        error("waiver.type", "'\(key)' must be a string", pair.value.location)
        valid = false
        continue
      }
      let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
      if trimmed.isEmpty {
        error("waiver.type", "'\(key)' must not be empty", pair.value.location)
        valid = false
        continue
      }
      if key == "expires" && pair.value.scalarType != .string {
        error("waiver.invalid-date", "'expires' must be a date written YYYY-MM-DD, found '\(text)'", pair.value.location)
        valid = false
        continue
      }
      strings[key] = (trimmed, pair.value.location)
    }
    let head = WaiverFile.headLocation(node)
    func require(_ key: String, _ why: String) {
      if strings[key] == nil && !node.pairs.contains(where: { $0.key.string == key }) {
        error("waiver.missing-field", "waiver is missing '\(key)' (\(why))", head)
        valid = false
      }
    }
    require("rule", "the rule id it waives")
    require("reason", "why the finding is accepted")
    require("expires", "the last day it applies, YYYY-MM-DD")
    if strings["owner"] == nil && strings["approved_by"] == nil
      && !node.pairs.contains(where: { $0.key.string == "owner" || $0.key.string == "approved_by" })
    {
      error("waiver.missing-field", "waiver is missing 'owner' or 'approved_by' (who answers for it)", head)
      valid = false
    }
    if strings["entity"] == nil && strings["path"] == nil && strings["fingerprint"] == nil
      && !node.pairs.contains(where: { ["entity", "path", "fingerprint"].contains($0.key.string ?? "") })
    {
      error(
        "waiver.missing-selector",
        "waiver has no selector: give 'entity' (an id or glob), 'path' (a glob) or 'fingerprint'", head)
      valid = false
    }
    if let knownRules, let (rule, location) = strings["rule"], !knownRules.contains(rule) {
      let hint = suggestion(for: rule, among: knownRules.sorted()).map { "; did you mean '\($0)'?" } ?? ""
      error("waiver.unknown-rule", "waiver names unknown rule '\(rule)'\(hint)", location)
      valid = false
    }
    var expires: ISODate?
    if let (text, location) = strings["expires"] {
      expires = ISODate(text)
      if expires == nil {
        error("waiver.invalid-date", "'expires' must be a date written YYYY-MM-DD, found '\(text)'", location)
        valid = false
      }
    }
    guard valid, let rule = strings["rule"]?.0, let reason = strings["reason"]?.0, let expires else { return nil }
    return Waiver(
      rule: rule, entity: strings["entity"].map { Glob.entity($0.0) }, path: strings["path"].map { Glob.path($0.0) },
      fingerprint: strings["fingerprint"]?.0, reason: reason, owner: strings["owner"]?.0,
      approvedBy: strings["approved_by"]?.0, expires: expires, ticket: strings["ticket"]?.0, location: head,
      expiresLocation: strings["expires"]?.1)
  }

  private mutating func error(_ code: String, _ message: String, _ location: SourceLocation?) {
    diagnostics.append(Diagnostic(code: code, message: message, location: location))
  }

  private mutating func unknownKey(_ key: YAMLNode, known: [String], in place: String) {
    let name = key.string ?? key.rawText
    let hint = suggestion(for: name, among: known).map { "; did you mean '\($0)'?" } ?? ""
    error("waiver.unknown-key", "unknown key '\(name)' in \(place)\(hint)", key.location)
  }

  /// The node's first line, from its start: where an entry-level error points.
  static func headLocation(_ node: YAMLNode) -> SourceLocation {
    let source = node.tree.source
    let start = node.byteRange.lowerBound
    let line = source.lineIndex(ofOffset: start)
    var end = line + 1 < source.lineStarts.count ? source.lineStarts[line + 1] : source.bytes.count
    while end > start && (source.bytes[end - 1] == 0x0A || source.bytes[end - 1] == 0x0D) { end -= 1 }
    end = min(max(end, start), node.byteRange.upperBound)
    return SourceLocation(path: source.path, span: source.span(from: start, to: end))
  }
}
