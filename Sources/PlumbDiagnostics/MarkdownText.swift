/// Text for GitHub-flavoured Markdown (pull-request comments, job summaries, scorecards, fix
/// bundles, SARIF help), scalar by scalar.
public enum MarkdownText {
  /// Characters that could start or end Markdown, HTML or math markup: backslash-escaped.
  static let special: Set<Unicode.Scalar> = ["\\", "`", "*", "_", "[", "]", "<", ">", "|", "~", "&", "$", "#", "!"]

  /// Inline text that stays on one line (a table cell, a list item, a heading): Markdown, HTML
  /// and `$` math punctuation backslash-escaped, line breaks as `<br>`, hidden scalars shown as
  /// `<U+XXXX>`, and no workflow command in a log (`::` at the start: `:\:`; `[` is always
  /// escaped).
  public static func inline(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    var scanner = WorkflowCommandScanner()
    appendEscaped(TerminalText.visibleLines(text), to: &out, scanner: &scanner, lineBreak: "<br>")
    return String(out)
  }

  /// Prose written as Markdown (a rule's rationale or remediation): its code spans are kept,
  /// everything else is escaped as in ``inline(_:)``, except that line breaks stay line breaks.
  /// Links, HTML and emphasis in the prose are shown as text, not interpreted.
  public static func prose(_ text: String) -> String {
    let scalars = Array(TerminalText.visibleLines(text).unicodeScalars)
    var out = String.UnicodeScalarView()
    var scanner = WorkflowCommandScanner()
    var plain = String.UnicodeScalarView()
    var index = 0
    while index < scalars.count {
      guard scalars[index] == "`" else {
        plain.append(scalars[index])
        index += 1
        continue
      }
      var run = index
      while run < scalars.count && scalars[run] == "`" { run += 1 }
      let fence = run - index
      if let close = closingFence(scalars, from: run, length: fence) {
        appendEscaped(String(plain), to: &out, scanner: &scanner, lineBreak: "\n")
        plain = String.UnicodeScalarView()
        out.append(contentsOf: codeSpan(String(String.UnicodeScalarView(scalars[run..<close]))).unicodeScalars)
        scanner.wroteOther()
        index = close + fence
      } else {
        plain.append(contentsOf: scalars[index..<run])
        index = run
      }
    }
    appendEscaped(String(plain), to: &out, scanner: &scanner, lineBreak: "\n")
    return String(out)
  }

  /// A code span showing `text` literally, on one line (the fence is longer than any backtick run
  /// inside), safe in a table cell (`|` escaped, as GitHub requires even inside code spans). A
  /// code span cannot escape, so hidden scalars and the `[` of `##[` are shown as `<U+XXXX>`.
  ///
  /// Text with both a backslash and a `|` is escaped as ``inline(_:)`` instead: a table row is cut
  /// into cells before code spans are read, and `\\|` there is an escaped backslash and a cell
  /// border.
  public static func codeSpan(_ text: String) -> String {
    if text.unicodeScalars.contains("\\") && text.unicodeScalars.contains("|") { return inline(text) }
    // An empty span would be a bare backtick run, which could pair with a later one.
    if text.isEmpty { return "` `" }
    var flat = String.UnicodeScalarView()
    var scanner = WorkflowCommandScanner(atLineStart: false)
    for scalar in text.replacingNewlines(with: " ").unicodeScalars {
      if TerminalText.isHidden(scalar) || scanner.mustNeutralize(scalar) {
        flat.append(contentsOf: TerminalText.spelling(scalar).unicodeScalars)
        scanner.wroteOther()
      } else if scalar == "|" {
        flat.append(contentsOf: "\\|".unicodeScalars)
      } else {
        flat.append(scalar)
      }
    }
    var longest = 0
    var run = 0
    for scalar in flat {
      run = scalar == "`" ? run + 1 : 0
      longest = max(longest, run)
    }
    let fence = String(repeating: "`", count: longest + 1)
    let padded = flat.first == "`" || flat.last == "`" ? " \(String(flat)) " : String(flat)
    return fence + padded + fence
  }

  /// `[text](url)` when `url` is a link Plumb may emit (``LinkTarget/isAllowed(_:)``: `http`,
  /// `https` or relative), else `text` alone. `text` is Markdown already.
  public static func link(_ text: String, to url: String?) -> String {
    guard let url, LinkTarget.isAllowed(url) else { return text }
    return "[\(text)](\(destination(url)))"
  }

  /// A URL as a Markdown link destination: space, `(`, `)`, `<`, `>`, `[`, `]`, `|`, `` ` ``, `\`
  /// and anything not printable ASCII percent-encoded (UTF-8), so the destination can neither end
  /// the link or its table cell, nor open a code span, nor hold a `##[`.
  public static func destination(_ url: String) -> String {
    var out = ""
    for byte in url.utf8 {
      switch byte {
      case UInt8(ascii: " "), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"),
        UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "|"), UInt8(ascii: "`"), UInt8(ascii: "\\"), 0x00...0x1F,
        0x7F...0xFF:
        out += "%" + TerminalText.hex(UInt32(byte), width: 2)
      default:
        out.unicodeScalars.append(Unicode.Scalar(byte))
      }
    }
    return out
  }

  /// Appends `text` (hidden scalars already shown) escaped; line breaks become `lineBreak`.
  static func appendEscaped(
    _ text: String, to out: inout String.UnicodeScalarView, scanner: inout WorkflowCommandScanner, lineBreak: String
  ) {
    for scalar in text.unicodeScalars {
      if scalar == "\n" {
        out.append(contentsOf: lineBreak.unicodeScalars)
        if lineBreak == "\n" { _ = scanner.mustNeutralize(scalar) } else { scanner.wroteOther() }
      } else if special.contains(scalar) || scanner.mustNeutralize(scalar) {
        out.append("\\")
        out.append(scalar)
        scanner.wroteOther()
      } else {
        out.append(scalar)
      }
    }
  }

  /// The index of the backtick run of exactly `length` that closes a code span opened before
  /// `start`, or nil.
  static func closingFence(_ scalars: [Unicode.Scalar], from start: Int, length: Int) -> Int? {
    var index = start
    while index < scalars.count {
      guard scalars[index] == "`" else {
        index += 1
        continue
      }
      var run = index
      while run < scalars.count && scalars[run] == "`" { run += 1 }
      if run - index == length { return index }
      index = run
    }
    return nil
  }
}
