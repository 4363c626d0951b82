import PlumbDiagnostics

/// Converts libyaml marks to UTF-8 byte offsets.
///
/// libyaml's `mark.index` counts characters (Unicode scalars), not bytes, and does not count a
/// leading byte order mark. Marks arrive almost in order, so a cursor that walks forward (or back)
/// from the previous mark converts each one in amortised O(1). Pure-ASCII files take a shortcut.
struct MarkConverter {
  private let bytes: UnsafeBufferPointer<UInt8>
  private let base: Int
  private let ascii: Bool
  private var charIndex = 0
  private var byteOffset: Int

  init(bytes: UnsafeBufferPointer<UInt8>, source: SourceFile) {
    self.bytes = bytes
    self.base = source.hasByteOrderMark ? 3 : 0
    self.ascii = source.isASCII
    self.byteOffset = base
  }

  mutating func offset(ofCharacterIndex index: Int) -> Int {
    if ascii { return min(base + index, bytes.count) }
    let count = bytes.count
    while charIndex < index && byteOffset < count {
      byteOffset += 1
      while byteOffset < count && bytes[byteOffset] & 0xC0 == 0x80 { byteOffset += 1 }
      charIndex += 1
    }
    while charIndex > index && byteOffset > base {
      byteOffset -= 1
      while byteOffset > base && bytes[byteOffset] & 0xC0 == 0x80 { byteOffset -= 1 }
      charIndex -= 1
    }
    return byteOffset
  }
}
