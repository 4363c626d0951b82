import Testing

@testable import PlumbDiagnostics

@Suite struct ByteSearchTests {
  func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

  @Test func findsEveryOccurrenceLeftToRightWithoutOverlaps() {
    #expect(bytes("a,b,,c").occurrences(of: bytes(",")) == [1, 3, 4])
    #expect(bytes("aaaa").occurrences(of: bytes("aa")) == [0, 2])
    #expect(bytes("aaa").occurrences(of: bytes("aa")) == [0])
    // A candidate whose first byte matches but the rest does not is skipped one byte at a time.
    #expect(bytes("ppplumb:ignore x plumb:ignore").occurrences(of: bytes("plumb:ignore")) == [2, 17])
  }

  @Test func emptyNeedlesAndShortHaystacksFindNothing() {
    #expect(bytes("abc").occurrences(of: []) == [])
    #expect(bytes("ab").occurrences(of: bytes("abc")) == [])
    #expect([UInt8]().occurrences(of: bytes("a")) == [])
    #expect(bytes("abc").occurrences(of: bytes("abc")) == [0])
  }

  @Test func findsTheFirstOccurrenceFromAnOffset() {
    let haystack = bytes("ab ab abc")
    haystack.withUnsafeBufferPointer { buffer in
      #expect(buffer.firstOffset(of: bytes("ab")) == 0)
      #expect(buffer.firstOffset(of: bytes("ab"), from: 1) == 3)
      #expect(buffer.firstOffset(of: bytes("abc")) == 6)
      #expect(buffer.firstOffset(of: bytes("abc"), from: 7) == nil)
      #expect(buffer.firstOffset(of: bytes("abd")) == nil)
      #expect(buffer.firstOffset(of: []) == nil)
    }
  }

  /// The ASCII run from an offset, eight bytes at a time: equal to a byte-by-byte scan for every
  /// start, limit and position of the first non-ASCII byte.
  @Test func asciiRunEndsAtTheFirstNonASCIIByteOrTheLimit() {
    for length in 0..<24 {
      for highAt in [nil] + (0..<length).map(Optional.some) {
        var data = [UInt8](repeating: UInt8(ascii: "a"), count: length)
        if let highAt { data[highAt] = 0xC3 }
        data.withUnsafeBufferPointer { buffer in
          for start in 0...length {
            for limit in start...length {
              let expected = (start..<limit).first { data[$0] >= 0x80 } ?? limit
              #expect(buffer.asciiRunEnd(from: start, to: limit) == expected)
            }
          }
        }
      }
    }
  }
}

