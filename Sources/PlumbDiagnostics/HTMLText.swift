/// Text for HTML element content and quoted attribute values (the scorecard dashboard).
public enum HTMLText {
  /// `text` escaped for HTML text or a double- or single-quoted attribute value, scalar by scalar
  /// (so `"` followed by a combining mark is still escaped): `&`, `<`, `>`, `"` and `'` become
  /// character references; hidden scalars (``TerminalText/isHidden(_:)``) are shown as the text
  /// `<U+XXXX>` (HTML would turn `&#x85;` into `…` and a raw bidirectional override would reorder
  /// the page); `:` and `[` that would start a workflow command in a log become `&#58;` and `&#91;`,
  /// which a browser shows unchanged. The text is taken to start a line.
  public static func escape(_ text: String) -> String {
    if !needsEscape(text) { return text }
    var out = ""
    out.reserveCapacity(text.utf8.count + 16)
    var scanner = WorkflowCommandScanner()
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default:
        if TerminalText.isHidden(scalar) {
          out += spelled(scalar)
        } else if scanner.mustNeutralize(scalar) {
          out += "&#\(scalar.value);"
        } else {
          out.unicodeScalars.append(scalar)
          continue
        }
      }
      scanner.wroteOther()
    }
    return out
  }

  /// `&lt;U+XXXX&gt;`: a scalar shown as its ``TerminalText/spelling(_:)`` in HTML or XML text.
  static func spelled(_ scalar: Unicode.Scalar) -> String {
    "&lt;" + TerminalText.spelling(scalar).dropFirst().dropLast() + "&gt;"
  }

  /// Whether ``escape(_:)`` would change `text` (printable ASCII without `&<>"'`, `:` or `##`).
  static func needsEscape(_ text: String) -> Bool {
    var previous: UInt8 = 0
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"),
        UInt8(ascii: ":"):
        return true
      case UInt8(ascii: "#") where previous == UInt8(ascii: "#"):
        return true
      case 0x20...0x7E:
        break
      default:
        return true
      }
      previous = byte
    }
    return false
  }
}
