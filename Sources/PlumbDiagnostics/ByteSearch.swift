import Foundation

extension Array where Element == UInt8 {
  /// Every start offset of `needle` in these bytes, left to right, not overlapping (`memchr` to
  /// each candidate's first byte, then a compare: inputs can be large plans). Empty for an empty
  /// needle.
  public func occurrences(of needle: [UInt8]) -> [Int] {
    guard !needle.isEmpty, count >= needle.count else { return [] }
    var found: [Int] = []
    withUnsafeBufferPointer { bytes in
      guard let base = bytes.baseAddress else { return }
      let last = bytes.count - needle.count
      var offset = 0
      while offset <= last {
        guard let hit = memchr(base + offset, Int32(needle[0]), last - offset + 1) else { break }
        let position = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
        if bytes[position..<(position + needle.count)].elementsEqual(needle) {
          found.append(position)
          offset = position + needle.count
        } else {
          offset = position + 1
        }
      }
    }
    return found
  }
}
