/// Text for XML 1.0 element content and double-quoted attribute values (the JUnit report).
public enum XMLText {
  /// `text` escaped for XML element content (`attribute: false`) or a double-quoted attribute
  /// value, scalar by scalar.
  ///
  /// - `&`, `<` and `>` become entities (so `]]>` cannot occur); in attributes `"` and `'` too,
  ///   and tab, line feed and carriage return become character references, which
  ///   attribute-value normalisation keeps. In content a carriage return becomes `&#13;`.
  /// - Scalars XML 1.0 cannot carry even as a reference (C0 controls other than tab, LF and CR;
  ///   U+FFFE, U+FFFF) are shown as the text `<U+XXXX>`. Other hidden scalars
  ///   (``TerminalText/isHidden(_:)``: DEL, C1 controls, bidirectional overrides…) become
  ///   character references (`&#x202E;`): the value is kept, and no raw control reaches a
  ///   terminal that shows the file.
  /// - `:` and `[` that would start a workflow command in a CI log become `&#58;` and `&#91;`
  ///   (the same value). The text is taken to start a line.
  public static func escape(_ text: String, attribute: Bool = false) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    var scanner = WorkflowCommandScanner()
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"" where attribute: out += "&quot;"
      case "'" where attribute: out += "&apos;"
      case "\n" where attribute: out += "&#10;"
      case "\r": out += "&#13;"
      case "\t" where attribute: out += "&#9;"
      default:
        if !isAllowed(scalar) {
          out += HTMLText.spelled(scalar)
        } else if TerminalText.isHidden(scalar) {
          out += "&#x" + TerminalText.hex(scalar.value, width: 1) + ";"
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

  /// Whether XML 1.0 allows `scalar` in a document (its `Char` production).
  public static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09, 0x0A, 0x0D: true
    case 0x00...0x1F, 0xFFFE, 0xFFFF: false
    default: true
    }
  }
}
