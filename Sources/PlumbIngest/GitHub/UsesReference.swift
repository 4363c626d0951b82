import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// A parsed `uses:` value: a repository action or reusable workflow (`owner/repo[/path]@ref`), a
/// local one (`./path`) or a Docker image (`docker://image[:tag][@digest]`).
struct UsesReference: Equatable {
  enum Kind: String {
    case repository
    case local
    case docker
  }

  /// The text as written (decoded).
  var raw: String
  var kind: Kind
  var owner: String?
  var repo: String?
  /// Repository: the subdirectory after `owner/repo/`. Local: the path without `./` or a trailing
  /// slash.
  var path: String?
  /// The text after `@` (repository) — nil when there is none.
  var ref: String?
  /// Byte offset of `ref` inside `raw`'s UTF-8, when present.
  var refOffset: Int?
  /// Docker: the image without `docker://`, tag and digest.
  var image: String?
  var tag: String?
  var digest: String?

  /// `sha`, `short-sha`, `version-tag`, `branch-or-tag` or `none`.
  var refKind: String { UsesReference.classify(ref) }

  /// Parses `text` (surrounding whitespace ignored, as GitHub does); nil when it is no valid
  /// `uses:` form (empty, inner spaces, `owner` without `repo`, a local path with `@ref`).
  static func parse(_ written: String) -> UsesReference? {
    let text = trimmed(written)
    guard !text.isEmpty, !text.utf8.contains(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D })
    else { return nil }
    if text.hasPrefix("docker://") {
      return parseDocker(raw: text, image: String(text.dropFirst("docker://".count)))
    }
    // `./path` (the checked-out workspace) and `$/path` (GitHub's self-repository syntax).
    // `$/path` may carry an `@ref` (zizmor accepts it; the running commit is used anyway).
    if text.hasPrefix("./") || text == "." || text.hasPrefix("$/") {
      var rest = Substring(text.dropFirst(text == "." ? 1 : 2))
      var ref: String?
      var refOffset: Int?
      if let at = rest.firstIndex(of: "@") {
        guard text.hasPrefix("$/") else { return nil }
        ref = String(rest[rest.index(after: at)...])
        refOffset = text.utf8.distance(from: text.utf8.startIndex, to: rest.utf8.index(after: at))
        rest = rest[..<at]
      }
      while rest.hasSuffix("/") { rest = rest.dropLast() }
      return UsesReference(raw: text, kind: .local, path: String(rest), ref: ref, refOffset: refOffset)
    }
    var name = Substring(text)
    var ref: String?
    var refOffset: Int?
    if let at = text.utf8.firstIndex(of: UInt8(ascii: "@")) {
      name = text[..<at]
      let after = text.utf8.index(after: at)
      ref = String(text[after...])
      refOffset = text.utf8.distance(from: text.utf8.startIndex, to: after)
    }
    let parts = name.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count >= 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
    var path: String?
    if parts.count > 2 {
      let rest = parts[2...].joined(separator: "/")
      if !rest.isEmpty { path = rest }
    }
    return UsesReference(
      raw: text, kind: .repository, owner: String(parts[0]), repo: String(parts[1]), path: path, ref: ref,
      refOffset: refOffset)
  }

  static func trimmed(_ text: String) -> String {
    guard let first = text.utf8.first, let last = text.utf8.last,
      first == 0x20 || first == 0x09 || first == 0x0A || first == 0x0D || last == 0x20 || last == 0x09
        || last == 0x0A || last == 0x0D
    else { return text }
    return String(text.trimmingPrefix { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
  }

  /// Splits `image[:tag][@digest]`; a `:` before the last `/` is a registry port, not a tag, and
  /// nothing inside a `${{ … }}` expression splits.
  static func parseDocker(raw: String, image fullImage: String) -> UsesReference? {
    guard !fullImage.isEmpty else { return nil }
    let bytes = Array(fullImage.utf8)
    var firstAt: Int?  // the first `@` starts the digest
    var lastColon: Int?
    var lastSlash: Int?
    var index = 0
    var inExpression = false
    while index < bytes.count {
      let byte = bytes[index]
      if !inExpression && byte == UInt8(ascii: "$") && index + 2 < bytes.count && bytes[index + 1] == UInt8(ascii: "{")
        && bytes[index + 2] == UInt8(ascii: "{")
      {
        inExpression = true
        index += 3
        continue
      }
      if inExpression {
        if byte == UInt8(ascii: "}") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "}") {
          inExpression = false
          index += 2
          continue
        }
      } else {
        switch byte {
        case UInt8(ascii: "@"):
          if firstAt == nil { firstAt = index }
        case UInt8(ascii: ":"):
          if firstAt == nil { lastColon = index }  // a digest's `sha256:` is no tag
        case UInt8(ascii: "/"):
          if firstAt == nil { lastSlash = index }
        default: break
        }
      }
      index += 1
    }
    var end = bytes.count
    var digest: String?
    if let at = firstAt {
      digest = String(decoding: bytes[(at + 1)...], as: UTF8.self)
      end = at
    }
    var tag: String?
    if let colon = lastColon, lastSlash.map({ colon > $0 }) ?? true {
      tag = String(decoding: bytes[(colon + 1)..<end], as: UTF8.self)
      end = colon
    }
    guard end > 0 else { return nil }
    return UsesReference(
      raw: raw, kind: .docker, image: String(decoding: bytes[..<end], as: UTF8.self), tag: tag, digest: digest)
  }

  /// Classifies a git ref as written after `@`.
  static func classify(_ ref: String?) -> String {
    guard let ref else { return "none" }
    let bytes = Array(ref.utf8)
    let allHex = !bytes.isEmpty && bytes.allSatisfy(isHex)
    if allHex && bytes.count == 40 { return "sha" }
    if allHex && bytes.count >= 7 && bytes.count < 40 { return "short-sha" }
    if isVersionTag(bytes) { return "version-tag" }
    return "branch-or-tag"
  }

  private static func isHex(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
  }

  private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

  /// `v?\d+(\.\d+)*` optionally followed by a suffix that starts with `-` or `+`
  /// (`v4`, `1.2.3`, `v2.0.0-beta.1`, `v1+build`).
  static func isVersionTag(_ bytes: [UInt8]) -> Bool {
    var index = 0
    if index < bytes.count && bytes[index] == UInt8(ascii: "v") { index += 1 }
    func digits() -> Bool {
      let start = index
      while index < bytes.count && isDigit(bytes[index]) { index += 1 }
      return index > start
    }
    guard digits() else { return false }
    while index < bytes.count && bytes[index] == UInt8(ascii: ".") {
      index += 1
      guard digits() else { return false }
    }
    if index == bytes.count { return true }
    guard bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+"), index + 1 < bytes.count else {
      return false
    }
    for byte in bytes[(index + 1)...] {
      let ok =
        isDigit(byte) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == UInt8(ascii: ".")
        || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "_")
      if !ok { return false }
    }
    return true
  }

  /// The `uses_ref` attribute: a map located at the `uses` node; `ref` is located at its exact
  /// bytes when the text is written verbatim in the source (no escapes, no folding).
  func value(node: YAMLNode) -> Value {
    var map = ValueMap()
    map["raw"] = .string(raw)
    map["kind"] = .string(kind.rawValue)
    switch kind {
    case .repository:
      if let owner { map["owner"] = .string(owner) }
      if let repo { map["repo"] = .string(repo) }
      if let path { map["path"] = .string(path) }
      if let ref { map["ref"] = refValue(ref, node: node) }
      map["ref_kind"] = .string(refKind)
      if let version = Self.commentVersion(after: node) { map["comment_version"] = .string(version) }
    case .local:
      map["prefix"] = .string(raw.hasPrefix("$/") ? "$/" : "./")
      map["path"] = .string(path ?? "")
      if let ref { map["ref"] = refValue(ref, node: node) }
      map["ref_kind"] = .string(refKind)
    case .docker:
      if let image { map["image"] = .string(image) }
      if let tag { map["tag"] = .string(tag) }
      if let digest { map["digest"] = .string(digest) }
    }
    return .located(.map(map), node.location)
  }

  /// The version in a comment on the line a plain `uses:` scalar ends (`@<sha> # v4.2.2`, `# tag=v4`):
  /// the first word after `#` that reads as a version (`v` and digits and dots, at most 40 bytes).
  static func commentVersion(after node: YAMLNode) -> String? {
    guard node.kind == .scalar, node.style == .plain else { return nil }
    return node.tree.source.bytes.withUnsafeBufferPointer { bytes -> String? in
      var index = node.byteRange.upperBound
      guard index <= bytes.count else { return nil }
      while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
      guard index < bytes.count, bytes[index] == UInt8(ascii: "#") else { return nil }
      var end = index
      while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D, end - index < 200 { end += 1 }
      let comment = String(decoding: UnsafeBufferPointer(rebasing: bytes[(index + 1)..<end]), as: UTF8.self)
      for word in comment.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "=" || $0 == "," }) {
        var text = Substring(word)
        if text.first == "v" || text.first == "V" { text = text.dropFirst() }
        guard let first = text.first, first.isASCII, first.isNumber, text.count <= 40,
          text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") })
        else { continue }
        return String(word)
      }
      return nil
    }
  }

  /// `ref`, located at its exact bytes when the text is written verbatim.
  private func refValue(_ ref: String, node: YAMLNode) -> Value {
    guard let refOffset, let start = UsesReference.sourceOffset(of: raw, in: node) else { return .string(ref) }
    let from = start + refOffset
    let span = node.tree.source.span(from: from, to: from + ref.utf8.count)
    return .located(.string(ref), SourceLocation(path: node.tree.source.path, span: span, usedAt: node.useSpan))
  }

  /// The byte offset where `text` is written inside the scalar `node`'s source, when it is
  /// written there verbatim (a plain or quoted scalar without escapes, or one line of a block
  /// scalar); nil otherwise.
  static func sourceOffset(of text: String, in node: YAMLNode) -> Int? {
    let wanted = Array(text.utf8)
    guard !wanted.isEmpty else { return nil }
    let range = node.byteRange
    return node.tree.source.bytes.withUnsafeBufferPointer { bytes -> Int? in
      let upper = min(range.upperBound, bytes.count)
      var start = max(0, range.lowerBound)
      // Skip a quote or a block scalar header.
      switch node.style {
      case .singleQuoted, .doubleQuoted: start += 1
      case .literal, .folded:
        while start < upper && bytes[start] != 0x0A && bytes[start] != 0x0D { start += 1 }
      default: break
      }
      guard upper - start >= wanted.count else { return nil }
      var index = start
      while index + wanted.count <= upper {
        if bytes[index] == wanted[0] {
          var matched = true
          for offset in 1..<wanted.count where bytes[index + offset] != wanted[offset] {
            matched = false
            break
          }
          if matched { return index }
        }
        index += 1
      }
      return nil
    }
  }
}
