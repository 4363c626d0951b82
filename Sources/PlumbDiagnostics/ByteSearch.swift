import Foundation

extension Array where Element == UInt8 {
  /// Every start offset of `needle` in these bytes, left to right, not overlapping (`memchr` to
  /// each candidate's first byte, then a compare: inputs can be large plans). Empty for an empty
  /// needle.
  public func occurrences(of needle: [UInt8]) -> [Int] {
    guard !needle.isEmpty, count >= needle.count else { return [] }
    var found: [Int] = []
    withUnsafeBufferPointer { bytes in
      var offset = 0
      while let position = bytes.firstOffset(of: needle, from: offset) {
        found.append(position)
        offset = position + needle.count
      }
    }
    return found
  }
}

extension UnsafeBufferPointer where Element == UInt8 {
  /// The first start offset of `needle` at or after `start` in these bytes (`memchr` to each
  /// candidate's first byte, then a compare); nil when there is none or `needle` is empty.
  public func firstOffset(of needle: [UInt8], from start: Int = 0) -> Int? {
    needle.withUnsafeBufferPointer { firstOffset(of: $0, from: start) }
  }

  /// ``firstOffset(of:from:)`` for a needle that is itself a buffer (a string's UTF-8 storage).
  public func firstOffset(of needle: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> Int? {
    guard !needle.isEmpty, start >= 0, let base = baseAddress, let needleBase = needle.baseAddress,
      count - start >= needle.count
    else { return nil }
    let last = count - needle.count
    let first = Int32(needle[0])
    var offset = start
    while offset <= last {
      guard let hit = memchr(base + offset, first, last - offset + 1) else { return nil }
      let position = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
      if memcmp(base + position, needleBase, needle.count) == 0 { return position }
      offset = position + 1
    }
    return nil
  }

  /// The end of the run of ASCII bytes (below 0x80) that starts at `start`, looking no further
  /// than `limit`: the first non-ASCII offset in `start..<limit`, or `limit`. Eight bytes at a time.
  @inlinable
  public func asciiRunEnd(from start: Int, to limit: Int) -> Int {
    guard let base = baseAddress else { return start }
    var end = start
    while end + 8 <= limit
      && UnsafeRawPointer(base + end).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0
    {
      end += 8
    }
    while end < limit && base[end] < 0x80 { end += 1 }
    return end
  }
}
