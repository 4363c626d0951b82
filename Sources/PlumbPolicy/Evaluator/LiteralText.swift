import PlumbDiagnostics

/// Literal (code-point exact) text search for the `split` and `replace` functions, on UTF-8
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
}
