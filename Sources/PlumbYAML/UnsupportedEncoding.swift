/// A text encoding other than UTF-8 that a file starts in, which the loader refuses.
///
/// Found the way YAML 1.2 (§5.2) detects encodings: a byte order mark, or the NUL bytes around the
/// file's first character when it is ASCII text in UTF-16 or UTF-32 without one. libyaml reads
/// UTF-8 and UTF-16; Plumb reads UTF-8 only, since every offset, span and fix edit counts the
/// file's UTF-8 bytes.
struct UnsupportedEncoding: Equatable, CustomStringConvertible {
  /// "UTF-16" or "UTF-32".
  var name: String
  var littleEndian: Bool
  /// Whether it was found from a byte order mark (otherwise from NUL bytes).
  var byteOrderMark: Bool
  /// The bytes that gave it away: the byte order mark, or the first character.
  var signatureLength: Int

  /// The encoding `bytes` start in, or nil for UTF-8 (with or without a byte order mark) and
  /// anything that does not look like UTF-16 or UTF-32.
  static func detect(_ bytes: [UInt8]) -> UnsupportedEncoding? {
    let b = Array(bytes.prefix(4)) + [UInt8](repeating: 0xAA, count: max(0, 4 - bytes.count))
    let four = bytes.count >= 4
    // UTF-32 first: its little-endian byte order mark starts like UTF-16's.
    if four && b[0] == 0x00 && b[1] == 0x00 && b[2] == 0xFE && b[3] == 0xFF {
      return UnsupportedEncoding(name: "UTF-32", littleEndian: false, byteOrderMark: true, signatureLength: 4)
    }
    if four && b[0] == 0xFF && b[1] == 0xFE && b[2] == 0x00 && b[3] == 0x00 {
      return UnsupportedEncoding(name: "UTF-32", littleEndian: true, byteOrderMark: true, signatureLength: 4)
    }
    if bytes.count >= 2 && b[0] == 0xFE && b[1] == 0xFF {
      return UnsupportedEncoding(name: "UTF-16", littleEndian: false, byteOrderMark: true, signatureLength: 2)
    }
    if bytes.count >= 2 && b[0] == 0xFF && b[1] == 0xFE {
      return UnsupportedEncoding(name: "UTF-16", littleEndian: true, byteOrderMark: true, signatureLength: 2)
    }
    if four && b[0] == 0x00 && b[1] == 0x00 && b[2] == 0x00 && b[3] != 0x00 {
      return UnsupportedEncoding(name: "UTF-32", littleEndian: false, byteOrderMark: false, signatureLength: 4)
    }
    if four && b[0] != 0x00 && b[1] == 0x00 && b[2] == 0x00 && b[3] == 0x00 {
      return UnsupportedEncoding(name: "UTF-32", littleEndian: true, byteOrderMark: false, signatureLength: 4)
    }
    if bytes.count >= 2 && b[0] == 0x00 && b[1] != 0x00 {
      return UnsupportedEncoding(name: "UTF-16", littleEndian: false, byteOrderMark: false, signatureLength: 2)
    }
    if bytes.count >= 2 && b[0] != 0x00 && b[1] == 0x00 {
      return UnsupportedEncoding(name: "UTF-16", littleEndian: true, byteOrderMark: false, signatureLength: 2)
    }
    return nil
  }

  /// "UTF-32 little-endian (it starts with a UTF-32 byte order mark)" and the like.
  var description: String {
    let order = littleEndian ? "little-endian" : "big-endian"
    if byteOrderMark { return "\(name) \(order) (it starts with a \(name) \(order) byte order mark)" }
    let shape = name == "UTF-16" ? "two bytes, one of them NUL" : "four bytes, three of them NUL"
    return "\(name) \(order) (no byte order mark, but its first character is \(shape))"
  }
}
