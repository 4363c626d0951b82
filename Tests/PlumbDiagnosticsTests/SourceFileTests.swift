import Testing

@testable import PlumbDiagnostics

/// Columns from checkpoints must equal a plain count from the line's start, everywhere.
@Suite struct SourceFilePositionTests {
  func naive(_ source: SourceFile, _ offset: Int) -> SourcePosition {
    let clamped = max(0, min(offset, source.bytes.count))
    let line = source.lineIndex(ofOffset: clamped)
    var start = source.lineStarts[line]
    if line == 0 && source.hasByteOrderMark { start = min(3, clamped) }
    let column = 1 + source.bytes[start..<clamped].filter { $0 & 0xC0 != 0x80 }.count
    return SourcePosition(line: line + 1, column: column, offset: clamped)
  }

  @Test func checkpointedColumnsMatchACountFromTheLineStart() {
    // Multibyte text on long lines (a one-line plan), a byte order mark, CR, LF and CRLF.
    var text = "\u{FEFF}{\"a\": \"é\"}\r\n"
    for i in 0..<300 { text += "\"k\(i)\": \"Zoë Müller 😀 \(i)\", " }
    text += "\r[1]\n" + String(repeating: "x", count: 700) + "ü\n"
    let source = SourceFile(path: "t.json", text: text)
    for offset in 0...(source.bytes.count + 2) where source.position(ofOffset: offset) != naive(source, offset) {
      Issue.record("offset \(offset): \(source.position(ofOffset: offset)) != \(naive(source, offset))")
      return
    }
    let ascii = SourceFile(path: "a.json", text: String(repeating: "{\"a\": 1}\n", count: 200))
    #expect((0...ascii.bytes.count).allSatisfy { ascii.position(ofOffset: $0) == naive(ascii, $0) })
  }
}
