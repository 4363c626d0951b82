/// Literal (code-point exact) text search for the `split` and `replace` functions, on UTF-8
/// bytes: an occurrence of a valid UTF-8 needle always starts and ends on scalar boundaries, so
/// the results are valid strings. Foundation's versions of both go through NSString and cost
/// several times more on the short strings rules pass them.
enum LiteralText {
  /// The byte offsets where `needle` occurs in `haystack`, left to right, not overlapping.
  static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
    guard !needle.isEmpty, needle.count <= haystack.count else { return [] }
    var found: [Int] = []
    var position = 0
    let first = needle[0]
    let last = haystack.count - needle.count
    while position <= last {
      if haystack[position] == first && haystack[position..<(position + needle.count)].elementsEqual(needle) {
        found.append(position)
        position += needle.count
      } else {
        position += 1
      }
    }
    return found
  }

  /// `text` cut at every occurrence of `separator` (empty pieces kept, as
  /// `components(separatedBy:)` does).
  static func split(_ text: String, separator: String) -> [String] {
    let bytes = Array(text.utf8)
    let needle = Array(separator.utf8)
    var pieces: [String] = []
    var start = 0
    for offset in occurrences(of: needle, in: bytes) {
      pieces.append(String(decoding: bytes[start..<offset], as: UTF8.self))
      start = offset + needle.count
    }
    pieces.append(String(decoding: bytes[start...], as: UTF8.self))
    return pieces
  }

  /// `text` with every occurrence of `old` replaced by `new`.
  static func replacing(_ old: String, with new: String, in text: String) -> String {
    let bytes = Array(text.utf8)
    let needle = Array(old.utf8)
    let found = occurrences(of: needle, in: bytes)
    if found.isEmpty { return text }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var start = 0
    for offset in found {
      out += bytes[start..<offset]
      out += new.utf8
      start = offset + needle.count
    }
    out += bytes[start...]
    return String(decoding: out, as: UTF8.self)
  }
}
