import Foundation
import PlumbDiagnostics

/// Literal (code-point exact) text search for `in` on strings and the `split` and `replace` functions, on UTF-8
/// bytes: an occurrence of a valid UTF-8 needle always starts and ends on scalar boundaries, so
/// the results are valid strings. Foundation's versions of both go through NSString and cost
/// several times more on the short strings rules pass them.
enum LiteralText {
  /// `text` cut at every occurrence of `separator` (empty pieces kept, as
  /// `components(separatedBy:)` does).
  static func split(_ text: String, separator: String) -> [String] {
    let bytes = Array(text.utf8)
    let needle = Array(separator.utf8)
    var pieces: [String] = []
    var start = 0
    for offset in bytes.occurrences(of: needle) {
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
    let found = bytes.occurrences(of: needle)
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

  /// Whether `needle` occurs in `text`, as Foundation's `contains` answers (an empty needle is
  /// not contained; non-ASCII text compares by canonical equivalence, so `e` is not found inside
  /// a decomposed `é`). ASCII text, which is nearly all a rule sees, is searched byte by byte
  /// instead of being bridged to NSString: the same answer for a fraction of the cost.
  static func contains(_ text: String, _ needle: String) -> Bool {
    if needle.isEmpty { return false }
    var text = text
    var needle = needle
    let ascii: Bool? = text.withUTF8 { haystack -> Bool? in
      needle.withUTF8 { needle -> Bool? in
        guard isASCII(haystack), isASCII(needle) else { return nil }
        return haystack.firstOffset(of: needle) != nil
      }
    }
    return ascii ?? text.contains(needle)
  }

  /// Whether every byte is below 0x80.
  static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    bytes.asciiRunEnd(from: 0, to: bytes.count) == bytes.count
  }
}
