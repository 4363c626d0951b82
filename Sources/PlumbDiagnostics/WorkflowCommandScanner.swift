/// Finds where a CI log would read a workflow command in text Plumb writes, scalar by scalar.
///
/// The GitHub Actions runner (`ActionCommand` in actions/runner) reads every line a step prints,
/// on standard output and standard error; lines end at LF, CR or CRLF. A line whose text, after
/// leading white space, starts with `::` is a workflow command (`::add-mask::…`,
/// `::stop-commands::…`), and a line that contains `##[` anywhere is one in the legacy form. The
/// runner compares with .NET's culture-sensitive `StartsWith` and `IndexOf`, which skip
/// default-ignorable code points, so `:`U+200B`:` counts as `::`.
///
/// Fed every scalar that is written raw, in order, the scanner says which ones must be written
/// in a neutral spelling instead: the second `:` of a line-leading `::` and the `[` of `##[`
/// (white space before, and default-ignorable code points anywhere, are looked through). Each
/// output format spells the neutralised scalar its own way: `<U+003A>`/`<U+005B>` in text,
/// `&#58;`/`&#91;` in HTML and XML, `\u005b` in JSON, `\:`/`\[` in Markdown.
public struct WorkflowCommandScanner: Sendable {
  /// Nothing but white space and ignorable scalars since the line began.
  private var atLineStart: Bool
  /// The line's first visible scalar was `:`, and nothing visible followed it yet.
  private var afterLeadingColon = false
  /// `#`s just written, ignorable scalars between them looked through (at most 2 counted).
  private var hashes = 0

  /// A scanner at the start of a line (`atLineStart`), or in the middle of one.
  public init(atLineStart: Bool = true) {
    self.atLineStart = atLineStart
  }

  /// Whether `scalar`, about to be written raw, must be written in a neutral spelling instead.
  /// A neutralised scalar counts as written (in its spelling, which ends every pattern).
  public mutating func mustNeutralize(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case "\n", "\r", "\u{85}", "\u{2028}", "\u{2029}":
      atLineStart = true
      afterLeadingColon = false
      hashes = 0
      return false
    default: break
    }
    if scalar.properties.isDefaultIgnorableCodePoint { return false }
    if atLineStart && scalar.properties.isWhitespace { return false }
    var neutral = false
    if scalar == ":" {
      if afterLeadingColon {
        neutral = true
        afterLeadingColon = false
      } else {
        afterLeadingColon = atLineStart
      }
    } else {
      afterLeadingColon = false
    }
    if scalar == "[" && hashes >= 2 { neutral = true }
    hashes = scalar == "#" ? min(hashes + 1, 2) : 0
    atLineStart = false
    return neutral
  }

  /// Records that something Plumb spelled itself (a visible `<U+…>`, an entity) was written:
  /// it ends every pattern.
  public mutating func wroteOther() {
    afterLeadingColon = false
    hashes = 0
    atLineStart = false
  }
}

/// Values inside a GitHub Actions workflow command (`::error file=…,title=…::message`), the
/// `github` output format's annotations.
public enum WorkflowCommandText {
  /// The command's message: `%`, CR and LF percent-encoded as `@actions/core` does (GitHub shows
  /// the line breaks), hidden scalars shown as `<U+XXXX>`, and the `[` of `##[` as `<U+005B>`
  /// (there is no escape the runner would undo), so the data can neither end the command nor
  /// start another.
  public static func data(_ text: String) -> String { escape(text, property: false) }

  /// A property value (`file`, `title`): as ``data(_:)``, and `:` and `,` percent-encoded.
  public static func property(_ text: String) -> String { escape(text, property: true) }

  static func escape(_ text: String, property: Bool) -> String {
    var out = String.UnicodeScalarView()
    var scanner = WorkflowCommandScanner(atLineStart: false)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "%": out.append(contentsOf: "%25".unicodeScalars)
      case "\r": out.append(contentsOf: "%0D".unicodeScalars)
      case "\n": out.append(contentsOf: "%0A".unicodeScalars)
      case ":" where property: out.append(contentsOf: "%3A".unicodeScalars)
      case "," where property: out.append(contentsOf: "%2C".unicodeScalars)
      default:
        if TerminalText.isHidden(scalar) || scanner.mustNeutralize(scalar) {
          out.append(contentsOf: TerminalText.spelling(scalar).unicodeScalars)
        } else {
          out.append(scalar)
          continue
        }
      }
      scanner.wroteOther()
    }
    return String(out)
  }
}
