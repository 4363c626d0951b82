/// Untrusted text (a key name from a file, a server's answer) as a diagnostic message quotes it.
public enum MessageText {
  /// `text` with line breaks, other control characters and bidirectional overrides shown as
  /// `<U+XXXX>` (so one message stays one line and cannot steer a terminal), cut to `limit`
  /// characters with `…`.
  public static func shown(_ text: String, limit: Int = 64) -> String {
    var out = String.UnicodeScalarView()
    for (index, scalar) in text.unicodeScalars.enumerated() {
      if index == limit {
        out.append("…")
        break
      }
      switch scalar.value {
      case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069:
        let hex = String(scalar.value, radix: 16, uppercase: true)
        out.append(contentsOf: "<U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex)>".unicodeScalars)
      default:
        out.append(scalar)
      }
    }
    return String(out)
  }
}
