/// Untrusted text (a key name from a file, a server's answer) as a diagnostic message quotes it.
public enum MessageText {
  /// `text` with line breaks, tabs and every scalar `TerminalText.isHidden` names (controls,
  /// bidirectional overrides, invisible formatting) shown as `<U+XXXX>`, so one message stays one
  /// line and cannot steer a terminal; cut to `limit` scalars with `…`.
  public static func shown(_ text: String, limit: Int = 64) -> String {
    var out = String.UnicodeScalarView()
    for (index, scalar) in text.unicodeScalars.enumerated() {
      if index == limit {
        out.append("…")
        break
      }
      // Tab and line feed too, which `TerminalText` keeps in a document: a message is one line.
      if TerminalText.isHidden(scalar) || scalar == "\t" || scalar == "\n" {
        out.append(contentsOf: TerminalText.spelling(scalar).unicodeScalars)
      } else {
        out.append(scalar)
      }
    }
    return String(out)
  }
}
