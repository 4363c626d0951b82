/// JSON string literals (RFC 8259): one implementation for every JSON Plumb writes.
public enum JSONText {
  /// `text` as a JSON string literal: quote, backslash and C0 controls escaped.
  public static func quoted(_ text: String) -> String {
    var out = ""
    appendQuoted(text, to: &out)
    return out
  }

  /// Appends `text` as a JSON string literal to `out`.
  public static func appendQuoted(_ text: String, to out: inout String) {
    out += "\""
    // Most strings need no escape: appended whole rather than scalar by scalar. (The UTF-8 bytes
    // of a non-ASCII scalar are all 0x80 or above, so a byte test finds every escape.)
    if !text.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }) {
      out += text
      out += "\""
      return
    }
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out += "\""
  }
}
