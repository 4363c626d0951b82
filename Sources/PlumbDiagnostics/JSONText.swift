/// JSON string literals (RFC 8259): one implementation for every JSON Plumb writes.
///
/// Besides what JSON requires (quote, backslash, C0 controls), hidden scalars
/// (``TerminalText/isHidden(_:)``: DEL, C1 controls, bidirectional overrides, line separators…)
/// are written as `\uXXXX`, and the `[` of a `##[` as `\u005b`: the value is the same, and a JSON
/// report printed to a terminal or a CI log carries no raw control and no workflow command.
public enum JSONText {
  /// `text` as a JSON string literal.
  public static func quoted(_ text: String) -> String {
    var out = ""
    appendQuoted(text, to: &out)
    return out
  }

  /// Appends `text` as a JSON string literal to `out`.
  public static func appendQuoted(_ text: String, to out: inout String) {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count + 2)
    appendQuoted(text, to: &bytes)
    out += String(decoding: bytes, as: UTF8.self)
  }

  /// Appends `text` as a JSON string literal, UTF-8 encoded, to `bytes`.
  public static func appendQuoted(_ text: String, to bytes: inout [UInt8]) {
    bytes.append(UInt8(ascii: "\""))
    var text = text
    text.withUTF8 { utf8 in
      // Most strings need no escape and are appended whole.
      if !needsEscape(utf8) {
        bytes.append(contentsOf: utf8)
        return
      }
      var scanner = WorkflowCommandScanner(atLineStart: false)
      for scalar in String(decoding: utf8, as: UTF8.self).unicodeScalars {
        switch scalar {
        case "\"": bytes.append(contentsOf: #"\""#.utf8)
        case "\\": bytes.append(contentsOf: #"\\"#.utf8)
        case "\n": bytes.append(contentsOf: #"\n"#.utf8)
        case "\r": bytes.append(contentsOf: #"\r"#.utf8)
        case "\t": bytes.append(contentsOf: #"\t"#.utf8)
        case "\u{08}": bytes.append(contentsOf: #"\b"#.utf8)
        case "\u{0C}": bytes.append(contentsOf: #"\f"#.utf8)
        default:
          if scalar.value < 0x20 || TerminalText.isHidden(scalar) || scanner.mustNeutralize(scalar) {
            bytes.append(contentsOf: ("\\u" + hex4(scalar.value)).utf8)
          } else {
            bytes.append(contentsOf: String(scalar).utf8)
            continue
          }
        }
        scanner.wroteOther()
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }

  /// Whether a string's UTF-8 bytes may need an escape: a quote, a backslash, a control, `##`, or
  /// a lead byte of a hidden or default-ignorable scalar (U+0080–U+009F, U+00AD, U+034F, U+061C,
  /// U+115F/U+1160/U+17B4/U+180B…, U+200B–U+206F, U+3164, U+FE00…U+FFFB, supplementary
  /// ignorables). Accented Latin, Greek, Cyrillic and CJK text stays on the fast path.
  static func needsEscape(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
    var previous: UInt8 = 0
    for byte in utf8 {
      switch byte {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x00...0x1F, 0x7F: return true
      case UInt8(ascii: "#") where previous == UInt8(ascii: "#"): return true
      case 0xC2, 0xCD, 0xD8, 0xE1, 0xE2, 0xE3, 0xEF, 0xF0, 0xF3: return true
      default: break
      }
      previous = byte
    }
    return false
  }

  /// Valid JSON text (from `JSONEncoder` or `JSONSerialization`) with hidden scalars and the `[` of
  /// `##[` written as `\uXXXX`, as ``appendQuoted(_:to:)-(_,inout String)`` writes them. Sound
  /// for any valid JSON: outside strings JSON is ASCII without `#`, so every scalar changed is
  /// inside a string.
  public static func hardened(_ json: String) -> String {
    if !containsRisk(json) { return json }
    var out = String.UnicodeScalarView()
    var scanner = WorkflowCommandScanner(atLineStart: false)
    for scalar in json.unicodeScalars {
      if TerminalText.isHidden(scalar) && scalar.value >= 0x20 {
        out.append(contentsOf: ("\\u" + hex4(scalar.value)).unicodeScalars)
        scanner.wroteOther()
      } else if scalar.value >= 0x20 && scanner.mustNeutralize(scalar) {
        out.append(contentsOf: ("\\u" + hex4(scalar.value)).unicodeScalars)
      } else {
        out.append(scalar)
        if scalar.value < 0x20 { scanner.wroteOther() }
      }
    }
    return String(out)
  }

  /// Whether `json` holds a hidden scalar (other than the white space JSON itself uses) or a `##[`.
  static func containsRisk(_ json: String) -> Bool {
    var scanner = WorkflowCommandScanner(atLineStart: false)
    for scalar in json.unicodeScalars {
      if scalar.value < 0x20 {
        scanner.wroteOther()
        continue
      }
      if TerminalText.isHidden(scalar) || scanner.mustNeutralize(scalar) { return true }
    }
    return false
  }

  static func hex4(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }
}
