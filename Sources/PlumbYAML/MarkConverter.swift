import PlumbDiagnostics

/// Converts libyaml marks to UTF-8 byte offsets.
///
/// libyaml's `mark.index` counts characters (Unicode scalars), not bytes, and does not count a
/// leading byte order mark. Marks arrive almost in order, so a cursor that walks forward (or back)
/// from the previous mark converts each one in amortised O(1). Pure-ASCII files take a shortcut;
/// in other files, a mark within the run of ASCII bytes around the cursor (known from one scan
/// ahead, eight bytes at a time) is the cursor plus the distance, without walking.
struct MarkConverter {
  private let bytes: UnsafeBufferPointer<UInt8>
  private let base: Int
  private let ascii: Bool
  private var charIndex = 0
  private var byteOffset: Int
  /// Bytes `asciiStart..<asciiEnd` are all ASCII, and the cursor (`byteOffset`) lies within or
  /// at the end of that run.
  private var asciiStart: Int
  private var asciiEnd: Int
  /// How far ahead of the cursor the run of ASCII bytes is looked for (bounds the work a walk back
  /// can make the scan repeat).
  private static let lookahead = 256

  init(bytes: UnsafeBufferPointer<UInt8>, source: SourceFile) {
    self.bytes = bytes
    self.base = source.hasByteOrderMark ? 3 : 0
    self.ascii = source.isASCII
    self.byteOffset = base
    self.asciiStart = base
    self.asciiEnd = base
  }

  @inline(__always)
  mutating func offset(ofCharacterIndex index: Int) -> Int {
    if ascii { return min(base + index, bytes.count) }
    // Within the ASCII run every character is one byte (and none is followed by a stray
    // continuation byte, which the walk would skip: the target byte itself must be in the run).
    let target = byteOffset &+ (index &- charIndex)
    if target >= asciiStart && target < asciiEnd {
      charIndex = index
      byteOffset = target
      return target
    }
    return walk(to: index)
  }

  @inline(never)
  private mutating func walk(to index: Int) -> Int {
    let count = bytes.count
    // Local copies keep the cursor in registers; runs of ASCII are skipped up to 8 bytes at a time.
    var char = charIndex
    var byte = byteOffset
    if index > char && byte >= asciiStart && asciiEnd - byte > 1 {
      // Over the known ASCII run at once, up to its last byte (which the walk below steps, with
      // any continuation bytes after it): each byte there is one character.
      let skip = min(index - char, asciiEnd - byte - 1)
      byte += skip
      char += skip
    }
    while char < index && byte < count {
      if count - byte >= 8 {
        // The next `step` bytes all ASCII: they are `step` one-byte characters (then any stray
        // continuation bytes are skipped, exactly as the byte-by-byte walk below does).
        let step = min(index - char, 8)
        let word = UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress! + byte).loadUnaligned(as: UInt64.self))
        let mask: UInt64 = step == 8 ? 0x8080_8080_8080_8080 : 0x8080_8080_8080_8080 & ((1 << (8 * UInt64(step))) - 1)
        if word & mask == 0 {
          byte += step
          char += step
          while byte < count && bytes[byte] & 0xC0 == 0x80 { byte += 1 }
          continue
        }
      }
      byte += 1
      while byte < count && bytes[byte] & 0xC0 == 0x80 { byte += 1 }
      char += 1
    }
    while char > index && byte > base {
      byte -= 1
      while byte > base && bytes[byte] & 0xC0 == 0x80 { byte -= 1 }
      char -= 1
    }
    charIndex = char
    byteOffset = byte
    // The ASCII run from the cursor on, up to `lookahead` bytes.
    asciiStart = byte
    asciiEnd = bytes.asciiRunEnd(from: byte, to: min(count, byte + Self.lookahead))
    return byte
  }
}
