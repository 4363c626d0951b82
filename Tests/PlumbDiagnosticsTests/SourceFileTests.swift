import Testing
import TestSupport

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

/// The line table is built eight bytes at a time; it must equal a byte-by-byte scan on every mix
/// of LF, CR, CRLF (also split across words), non-ASCII bytes and lengths.
@Suite struct SourceFileLineTableTests {
  func naiveLineStarts(_ bytes: [UInt8]) -> (starts: [Int], ascii: Bool) {
    let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    var starts = [0]
    var index = bom ? 3 : 0
    var ascii = true
    while index < bytes.count {
      if bytes[index] >= 0x80 { ascii = false }
      if bytes[index] == 0x0A {
        starts.append(index + 1)
      } else if bytes[index] == 0x0D {
        if index + 1 < bytes.count && bytes[index + 1] == 0x0A { index += 1 }
        starts.append(index + 1)
      }
      index += 1
    }
    return (starts, ascii)
  }

  @Test func lineTableMatchesAByteByByteScan() {
    var random = SplitMix64(state: 0x5EED_F11E)
    let alphabet: [UInt8] = [0x0A, 0x0D, 0x0D, 0x0A, 0x20, 0x61, 0x7B, 0xC3, 0xA9, 0xFF, 0x80, 0x09]
    for length in 0..<200 {
      for _ in 0..<20 {
        var bytes = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
        // Mostly-plain text too: long runs without breaks, as real files have.
        if random.next() % 2 == 0 { bytes = bytes.map { $0 == 0x0A || $0 == 0x0D || $0 >= 0x80 ? (random.next() % 4 == 0 ? $0 : 0x78) : $0 } }
        if random.next() % 8 == 0 { bytes = [0xEF, 0xBB, 0xBF] + bytes }
        let source = SourceFile(path: "t", bytes: bytes)
        let expected = naiveLineStarts(bytes)
        #expect(source.lineStarts == expected.starts, "\(bytes)")
        #expect(source.isASCII == expected.ascii, "\(bytes)")
      }
    }
  }
}

/// Columns are counted eight bytes at a time, from the line's start or from a checkpoint: on
/// random bytes (stray continuation bytes, a byte order mark, long and short lines) every offset
/// must give the plain count.
@Suite struct SourceFileColumnCountTests {
  @Test func columnsMatchAPlainCountOnRandomBytes() {
    var random = SplitMix64(state: 0xC01_0A45)
    let alphabet: [UInt8] = [0x61, 0x61, 0x61, 0x20, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80, 0xFF, 0x0A, 0x0D]
    for round in 0..<12 {
      let length = [10, 600, 5000, 9000, 13000][round % 5]
      var bytes = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
      // Long lines: most line breaks dropped.
      if round % 2 == 0 { bytes = bytes.map { $0 == 0x0A || $0 == 0x0D ? (random.next() % 200 == 0 ? $0 : 0x62) : $0 } }
      if round % 3 == 0 { bytes = [0xEF, 0xBB, 0xBF] + bytes }
      let source = SourceFile(path: "r", bytes: bytes)
      for offset in stride(from: 0, through: bytes.count + 1, by: 1) {
        let clamped = min(offset, bytes.count)
        let line = source.lineIndex(ofOffset: clamped)
        var start = source.lineStarts[line]
        if line == 0 && source.hasByteOrderMark { start = min(3, clamped) }
        let column = 1 + bytes[start..<clamped].filter { $0 & 0xC0 != 0x80 }.count
        let position = source.position(ofOffset: offset)
        if position != SourcePosition(line: line + 1, column: column, offset: clamped) {
          Issue.record("round \(round), offset \(offset): \(position), column should be \(column)")
          return
        }
      }
    }
  }
}
