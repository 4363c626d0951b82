import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// A container image reference, `[registry/]path[:tag][@digest]`, split the way Docker does: the
/// first path component is a registry when it has a `.` or a `:` or is `localhost` (or is a
/// variable); otherwise the registry is Docker Hub (`docker.io`). A `:` after the last `/`
/// starts the tag; `@` starts the digest.
struct GitLabImageReference: Equatable {
  /// The repository, registry included as written, without tag or digest.
  var name: String
  /// The registry host (`docker.io` when none is written).
  var registry: String
  /// Whether the registry was written (false for the Docker Hub default).
  var registryWritten: Bool
  /// The tag, or nil. An empty tag (`image:`) is nil.
  var tag: String?
  /// The digest (`sha256:…`), or nil.
  var digest: String?
  /// UTF-8 byte ranges of the parts within the text that was parsed.
  var nameRange: Range<Int>
  var registryRange: Range<Int>?
  var tagRange: Range<Int>?
  var digestRange: Range<Int>?

  init(parsing text: String) {
    let bytes = Array(text.utf8)
    var start = 0
    var end = bytes.count
    while start < end && (bytes[start] == 0x20 || bytes[start] == 0x09) { start += 1 }
    while end > start && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
    func string(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    var repositoryEnd = end
    digest = nil
    digestRange = nil
    if let at = bytes[start..<end].lastIndex(of: UInt8(ascii: "@")) {
      let range = (at + 1)..<end
      if !range.isEmpty {
        digest = string(range)
        digestRange = range
      }
      repositoryEnd = at
    }
    let lastSlash = bytes[start..<repositoryEnd].lastIndex(of: UInt8(ascii: "/"))
    tag = nil
    tagRange = nil
    if let colon = bytes[((lastSlash ?? start - 1) + 1)..<repositoryEnd].lastIndex(of: UInt8(ascii: ":")) {
      let range = (colon + 1)..<repositoryEnd
      if !range.isEmpty {
        tag = string(range)
        tagRange = range
      }
      repositoryEnd = colon
    }
    nameRange = start..<repositoryEnd
    name = string(nameRange)
    if let firstSlash = bytes[start..<repositoryEnd].firstIndex(of: UInt8(ascii: "/")) {
      let first = string(start..<firstSlash)
      if first.contains(".") || first.contains(":") || first == "localhost" || first.contains("$") {
        registry = first
        registryWritten = true
        registryRange = start..<firstSlash
        return
      }
    }
    registry = "docker.io"
    registryWritten = false
    registryRange = nil
  }

  /// The `image_ref` value for the image written at `node` (a string scalar): `raw`, `name`,
  /// `registry`, `tag`, `digest` (missing when absent), plus `expanded` (the text after
  /// variable expansion, when it differs) and `dynamic` (whether variables remain unresolved).
  /// Parts point at their exact characters when the scalar is written verbatim on one line.
  static func value(for node: YAMLNode, variables: (String) -> String?) -> Value {
    let raw = node.string ?? ""
    let expansion = GitLabVariables.expand(raw, lookup: variables)
    let reference = GitLabImageReference(parsing: expansion.text)
    let whole = node.location
    // Sub-spans only when the parsed text is the written text, byte for byte.
    let base: Int? = expansion.text == raw ? GitLabImageReference.verbatimStart(of: node, text: raw) : nil
    func located(_ text: String, _ range: Range<Int>?) -> Value {
      guard let base, let range else { return .located(.string(text), whole) }
      let span = node.tree.source.span(from: base + range.lowerBound, to: base + range.upperBound)
      return .located(.string(text), SourceLocation(path: whole.path, span: span, usedAt: whole.usedAt))
    }
    var map = ValueMap()
    map["raw"] = .yaml(node)
    map["name"] = located(reference.name, reference.nameRange)
    map["registry"] = located(reference.registry, reference.registryRange)
    if let tag = reference.tag { map["tag"] = located(tag, reference.tagRange) }
    if let digest = reference.digest { map["digest"] = located(digest, reference.digestRange) }
    if expansion.text != raw { map["expanded"] = .located(.string(expansion.text), whole) }
    map["dynamic"] = .located(.bool(expansion.unresolved), whole)
    return .located(.map(map), whole)
  }

  /// The byte offset in the file where the scalar's decoded text starts, when the source holds
  /// that text verbatim on one line (plain or quoted without escapes), else nil.
  static func verbatimStart(of node: YAMLNode, text: String) -> Int? {
    guard node.kind == .scalar, !node.isAlias else { return nil }
    let range = node.byteRange
    let source = node.tree.source.bytes
    guard range.lowerBound >= 0, range.upperBound <= source.count else { return nil }
    let quoted = node.style == .singleQuoted || node.style == .doubleQuoted
    guard node.style == .plain || quoted else { return nil }
    let start = range.lowerBound + (quoted ? 1 : 0)
    let end = range.upperBound - (quoted ? 1 : 0)
    guard start <= end else { return nil }
    let written = source[start..<end]
    return written.elementsEqual(text.utf8) ? start : nil
  }
}

/// GitLab's `$NAME` / `${NAME}` variable expansion, as far as the configuration defines the
/// variables (predefined `CI_*` variables stay unresolved).
enum GitLabVariables {
  /// `text` with the variables `lookup` knows replaced (their values expanded too, up to 10
  /// levels), and whether any `$` variable stayed unresolved.
  static func expand(_ text: String, lookup: (String) -> String?, depth: Int = 0) -> (text: String, unresolved: Bool) {
    guard text.utf8.contains(UInt8(ascii: "$")) else { return (text, false) }
    let bytes = Array(text.utf8)
    var output: [UInt8] = []
    output.reserveCapacity(bytes.count)
    var unresolved = false
    var index = 0
    func isNameByte(_ byte: UInt8) -> Bool {
      (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
    }
    while index < bytes.count {
      let byte = bytes[index]
      guard byte == UInt8(ascii: "$"), index + 1 < bytes.count else {
        output.append(byte)
        index += 1
        continue
      }
      let next = bytes[index + 1]
      if next == UInt8(ascii: "$") {
        output.append(contentsOf: [byte, next])
        index += 2
        continue
      }
      var nameStart = index + 1
      var nameEnd = nameStart
      var end = nameStart
      if next == UInt8(ascii: "{") {
        nameStart = index + 2
        nameEnd = nameStart
        while nameEnd < bytes.count && isNameByte(bytes[nameEnd]) { nameEnd += 1 }
        guard nameEnd < bytes.count, bytes[nameEnd] == UInt8(ascii: "}"), nameEnd > nameStart else {
          output.append(byte)
          index += 1
          unresolved = true
          continue
        }
        end = nameEnd + 1
      } else {
        while nameEnd < bytes.count && isNameByte(bytes[nameEnd]) { nameEnd += 1 }
        guard nameEnd > nameStart else {
          output.append(byte)
          index += 1
          continue
        }
        end = nameEnd
      }
      let name = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self)
      if depth < 10, let value = lookup(name) {
        let inner = expand(value, lookup: lookup, depth: depth + 1)
        output.append(contentsOf: inner.text.utf8)
        unresolved = unresolved || inner.unresolved
      } else {
        output.append(contentsOf: bytes[index..<end])
        unresolved = true
      }
      index = end
    }
    return (String(decoding: output, as: UTF8.self), unresolved)
  }
}
