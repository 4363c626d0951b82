/// Line-level facts about a text, on its UTF-8 bytes: where lines start and end, which line
/// break the file uses, and whether it ends with one. LF, CRLF and CR are each one break.
public struct Lines: Sendable {
  /// The text.
  public let bytes: [UInt8]

  /// Wraps `bytes`.
  public init(_ bytes: [UInt8]) {
    self.bytes = bytes
  }

  static let lf: UInt8 = 0x0A
  static let cr: UInt8 = 0x0D

  /// The file's line break: the first one written (CRLF, LF or CR), LF when there is none.
  public var newline: String {
    var i = 0
    while i < bytes.count {
      if bytes[i] == Self.lf { return "\n" }
      if bytes[i] == Self.cr { return i + 1 < bytes.count && bytes[i + 1] == Self.lf ? "\r\n" : "\r" }
      i += 1
    }
    return "\n"
  }

  /// Whether the text ends with a line break (an empty text does not).
  public var endsWithNewline: Bool {
    guard let last = bytes.last else { return false }
    return last == Self.lf || last == Self.cr
  }

  /// The offset where the line holding `offset` starts.
  public func lineStart(_ offset: Int) -> Int {
    var i = min(offset, bytes.count)
    while i > 0 && bytes[i - 1] != Self.lf && bytes[i - 1] != Self.cr { i -= 1 }
    return i
  }

  /// The offset of the line break ending the line holding `offset` (the text's end on the last line).
  public func lineEnd(_ offset: Int) -> Int {
    var i = max(0, offset)
    while i < bytes.count && bytes[i] != Self.lf && bytes[i] != Self.cr { i += 1 }
    return i
  }

  /// The offset just past the line break at `lineEnd` (the same offset at the end of the text).
  public func afterBreak(_ lineEnd: Int) -> Int {
    guard lineEnd < bytes.count else { return lineEnd }
    if bytes[lineEnd] == Self.cr && lineEnd + 1 < bytes.count && bytes[lineEnd + 1] == Self.lf { return lineEnd + 2 }
    return lineEnd + 1
  }

  /// The start of the line before the one starting at `lineStart`, or nil on the first line.
  public func previousLineStart(_ lineStart: Int) -> Int? {
    guard lineStart > 0 else { return nil }
    var end = lineStart - 1
    if bytes[end] == Self.lf && end > 0 && bytes[end - 1] == Self.cr { end -= 1 }
    return self.lineStart(end)
  }

  /// The start of the line after the one holding `offset`, or nil on the last line.
  public func nextLineStart(_ offset: Int) -> Int? {
    let end = lineEnd(offset)
    guard end < bytes.count else { return nil }
    return afterBreak(end)
  }

  /// Whether the line starting at `lineStart` holds only spaces and tabs.
  public func isBlank(_ lineStart: Int) -> Bool {
    var i = lineStart
    while i < bytes.count && bytes[i] != Self.lf && bytes[i] != Self.cr {
      if bytes[i] != 0x20 && bytes[i] != 0x09 { return false }
      i += 1
    }
    return true
  }

  /// The first byte of the line that is not a space or tab (the line end when there is none).
  public func firstNonSpace(_ lineStart: Int) -> Int {
    var i = lineStart
    while i < bytes.count && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
    return i
  }

  /// The number of spaces that indent the line starting at `lineStart`.
  public func indentation(_ lineStart: Int) -> Int {
    var i = lineStart
    if i == 0 && bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { i = 3 }
    let from = i
    while i < bytes.count && bytes[i] == 0x20 { i += 1 }
    return i - from
  }

  /// Whether the line starting at `lineStart` holds only a `#` comment (after indentation).
  public func isCommentLine(_ lineStart: Int) -> Bool {
    let first = firstNonSpace(lineStart)
    return first < bytes.count && bytes[first] == UInt8(ascii: "#")
  }

  /// The offset just past the last byte before `offset` that is not white space or a line break.
  public func endOfContent(before offset: Int) -> Int {
    var i = min(offset, bytes.count)
    while i > 0 {
      let b = bytes[i - 1]
      if b != 0x20 && b != 0x09 && b != Self.lf && b != Self.cr { break }
      i -= 1
    }
    return i
  }

  /// The text of a byte range.
  public func text(_ range: Range<Int>) -> String {
    String(decoding: bytes[range], as: UTF8.self)
  }

  /// The 0-based line number of `offset` (for diagnostics and tests).
  public func lineNumber(_ offset: Int) -> Int {
    var line = 0
    var i = 0
    while i < min(offset, bytes.count) {
      if bytes[i] == Self.lf {
        line += 1
      } else if bytes[i] == Self.cr && !(i + 1 < bytes.count && bytes[i + 1] == Self.lf) {
        line += 1
      }
      i += 1
    }
    return line
  }
}
