import Foundation
import PlumbDiagnostics
import PlumbYAML

/// Finds `# plumb:ignore …` comments in the bytes of loaded YAML inputs.
///
/// Only real YAML comments count: the text `plumb:ignore` inside a quoted or block scalar (a `run:`
/// script, a description) is content, not a comment, and is skipped. Files without the marker cost
/// one byte search; files with it are re-parsed once to tell comments from content.
public struct InlineIgnoreScanner: Sendable {
  /// The marker after `#`.
  public static let marker = "plumb:ignore"

  /// Creates a scanner.
  public init() {}

  /// The ignore comments of `sources`, and diagnostics for comments that name no rule.
  public func scan(_ sources: [SourceFile]) -> (ignores: [InlineIgnore], diagnostics: [Diagnostic]) {
    var ignores: [InlineIgnore] = []
    var diagnostics: [Diagnostic] = []
    for source in sources.sorted(by: { $0.path < $1.path }) {
      // Non-overlapping occurrences are all of them: no proper prefix of the marker is a suffix.
      let hits = source.bytes.occurrences(of: Array(InlineIgnoreScanner.marker.utf8))
      guard !hits.isEmpty else { continue }
      var scalarRanges: [Range<Int>]?
      for hit in hits {
        guard let hash = commentStart(source, markerAt: hit) else { continue }
        if scalarRanges == nil { scalarRanges = InlineIgnoreScanner.scalarRanges(source) }
        if scalarRanges!.contains(where: { $0.contains(hash) }) { continue }
        let (ignore, problem) = parse(source, hash: hash, marker: hit)
        if let ignore { ignores.append(ignore) }
        if let problem { diagnostics.append(problem) }
      }
    }
    return (ignores, diagnostics)
  }

  /// Parses one comment line that starts at `hash`.
  func parse(_ source: SourceFile, hash: Int, marker: Int) -> (InlineIgnore?, Diagnostic?) {
    let lineIndex = source.lineIndex(ofOffset: hash)
    var end = lineIndex + 1 < source.lineStarts.count ? source.lineStarts[lineIndex + 1] : source.bytes.count
    while end > hash && (source.bytes[end - 1] == 0x0A || source.bytes[end - 1] == 0x0D) { end -= 1 }
    let location = SourceLocation(path: source.path, span: source.span(from: hash, to: end))
    let rest = source.text(from: marker + InlineIgnoreScanner.marker.utf8.count, to: end)
    // The marker must be a word of its own: `plumb:ignored` is not an ignore.
    if let first = rest.unicodeScalars.first, first != " " && first != "\t" { return (nil, nil) }
    let idsText: Substring
    var reason: String?
    if let separator = rest.range(of: "--") {
      idsText = rest[..<separator.lowerBound]
      let text = rest[separator.upperBound...].trimmingCharacters(in: .whitespaces)
      reason = text.isEmpty ? nil : text
    } else {
      idsText = rest[...]
    }
    let ids = idsText.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).map(String.init)
    guard !ids.isEmpty else {
      return (
        nil,
        Diagnostic(
          code: "ignore.malformed",
          message: "inline ignore names no rule: write '# plumb:ignore rule_id -- reason'; it suppresses nothing",
          location: location)
      )
    }
    let malformed = ids.filter { id in !id.unicodeScalars.allSatisfy { $0 == "_" || $0 == "-" || $0.properties.isAlphabetic || ("0"..."9").contains($0) } }
    if let bad = malformed.first {
      return (
        nil,
        Diagnostic(
          code: "ignore.malformed",
          message: "inline ignore has '\(bad)' where a rule id belongs: write '# plumb:ignore rule_id -- reason'",
          location: location)
      )
    }
    return (
      InlineIgnore(path: source.path, line: lineIndex + 1, rules: ids, reason: reason, location: location), nil
    )
  }

  /// The offset of the `#` that opens a comment holding the marker at `marker`, if it does: only
  /// blanks between them, and the `#` at the start of the line or after a blank.
  func commentStart(_ source: SourceFile, markerAt marker: Int) -> Int? {
    let bytes = source.bytes
    var index = marker - 1
    while index >= 0 && (bytes[index] == 0x20 || bytes[index] == 0x09) { index -= 1 }
    guard index >= 0, bytes[index] == UInt8(ascii: "#") else { return nil }
    let hash = index
    if hash == 0 { return hash }
    let before = bytes[hash - 1]
    guard before == 0x20 || before == 0x09 || before == 0x0A || before == 0x0D || (hash == 3 && source.hasByteOrderMark)
    else { return nil }
    return hash
  }

  /// The byte ranges of every scalar (keys and values) of the file: `#` inside them is content.
  static func scalarRanges(_ source: SourceFile) -> [Range<Int>] {
    let result = YAMLLoader().load(source)
    var ranges: [Range<Int>] = []
    var stack = result.documents.map(\.root)
    while let node = stack.popLast() {
      if node.isAlias { continue }
      switch node.kind {
      case .scalar:
        if node.byteRange.count > 0 { ranges.append(node.byteRange) }
      case .sequence:
        stack.append(contentsOf: node.elements)
      case .mapping:
        for pair in node.pairs {
          stack.append(pair.key)
          stack.append(pair.value)
        }
      }
    }
    return ranges
  }
}
