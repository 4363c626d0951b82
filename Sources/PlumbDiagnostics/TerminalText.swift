/// Text for terminals and CI logs: what Plumb prints for people (the `text` report, diagnostics
/// with their source lines, `plumb score`, `explain`, `graph`, `parse`, `fix` summaries, messages
/// on standard error).
///
/// Inputs are written by whoever opens a pull request, so nothing taken from them may act on the
/// terminal or the CI runner:
/// - hidden scalars (``isHidden(_:)``: controls, bidirectional overrides, line separators,
///   invisible formatting) are shown as `<U+XXXX>`;
/// - a line can never start a GitHub Actions workflow command: the second `:` of a line-leading
///   `::` is shown as `<U+003A>`, and the `[` of `##[` as `<U+005B>` (see
///   ``WorkflowCommandScanner``).
///
/// Everything works on Unicode scalars, never on `Character`s: a `"` followed by a combining mark
/// is one `Character` but still a `"`.
public enum TerminalText {
  /// Whether `scalar` is invisible or misleading on a terminal or a rendered page, and is shown as
  /// `<U+XXXX>` instead: C0 controls other than tab and line feed (so CR, ESC and NUL), DEL, C1
  /// controls; the bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E,
  /// U+200F, U+202A–U+202E, U+2066–U+2069; "Trojan Source"); the line and paragraph separators
  /// U+2028 and U+2029; and invisible formatting that can hide text (U+200B zero width space,
  /// U+2060–U+2064, U+206A–U+206F, U+FEFF, U+FFF9–U+FFFB). Zero width joiners and variation
  /// selectors, which emoji and many scripts need, are kept.
  public static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09, 0x0A: false
    case 0x00...0x1F, 0x7F...0x9F: true
    case 0x061C, 0x200B, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E: true
    case 0x2060...0x2064, 0x2066...0x206F, 0xFEFF, 0xFFF9...0xFFFB: true
    default: false
    }
  }

  /// `<U+XXXX>`: how a hidden or neutralised scalar is shown (four to six hexadecimal digits).
  public static func spelling(_ scalar: Unicode.Scalar) -> String {
    "<U+" + hex(scalar.value, width: 4) + ">"
  }

  /// `text` with hidden scalars shown as `<U+XXXX>`; tab and line feed are kept.
  public static func visible(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isHidden) else { return text }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if isHidden(scalar) {
        out.append(contentsOf: spelling(scalar).unicodeScalars)
      } else {
        out.append(scalar)
      }
    }
    return String(out)
  }

  /// `text` with every line break (CRLF, CR, LF) as LF and hidden scalars shown: a bare CR could
  /// otherwise overwrite a terminal line, and a runner reads it as a line break.
  public static func visibleLines(_ text: String) -> String {
    visible(text.replacingNewlines(with: "\n"))
  }

  /// `text` on one line: line breaks become `separator`, hidden scalars are shown.
  public static func oneLine(_ text: String, separator: String = " ") -> String {
    visible(text.replacingNewlines(with: separator))
  }

  /// A whole document for a terminal or a CI log, made safe line by line: hidden scalars shown
  /// (CR included, so lines end only at LF), and no line can start a workflow command.
  ///
  /// With `allowingColor`, ANSI colour sequences (`ESC [ digits ; … m`, which Plumb writes itself)
  /// are kept; every other escape sequence is shown as text. Applying it twice changes nothing.
  public static func guarded(_ document: String, allowingColor: Bool = false) -> String {
    if isPlainSafe(document) { return document }
    var out = String.UnicodeScalarView()
    var scanner = WorkflowCommandScanner()
    let scalars = Array(document.unicodeScalars)
    var index = 0
    while index < scalars.count {
      let scalar = scalars[index]
      if allowingColor && scalar == "\u{1B}", let end = colorSequenceEnd(scalars, from: index) {
        out.append(contentsOf: scalars[index..<end])
        scanner.wroteOther()
        index = end
        continue
      }
      if scalar == "\n" {
        _ = scanner.mustNeutralize(scalar)
        out.append(scalar)
      } else if isHidden(scalar) {
        out.append(contentsOf: spelling(scalar).unicodeScalars)
        scanner.wroteOther()
      } else if scanner.mustNeutralize(scalar) {
        out.append(contentsOf: spelling(scalar).unicodeScalars)
      } else {
        out.append(scalar)
      }
      index += 1
    }
    return String(out)
  }

  /// Whether `document` is printable ASCII (tab and LF allowed) with no `##` and no line that
  /// starts (after spaces and tabs) with `:`: then ``guarded(_:allowingColor:)`` has nothing to do.
  static func isPlainSafe(_ document: String) -> Bool {
    var lineStart = true
    var previous: UInt8 = 0
    for byte in document.utf8 {
      switch byte {
      case 0x0A:
        lineStart = true
      case 0x09, 0x20:
        break
      case 0x21...0x7E:
        if lineStart && byte == UInt8(ascii: ":") { return false }
        if byte == UInt8(ascii: "#") && previous == UInt8(ascii: "#") { return false }
        lineStart = false
      default:
        return false
      }
      previous = byte
    }
    return true
  }

  /// The end of the ANSI colour sequence (SGR: `ESC [`, digits and `;`, `m`) starting at `start`.
  static func colorSequenceEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
    guard start + 2 < scalars.count, scalars[start + 1] == "[" else { return nil }
    var index = start + 2
    while index < scalars.count, ("0"..."9").contains(scalars[index]) || scalars[index] == ";" { index += 1 }
    guard index < scalars.count, scalars[index] == "m", index - start <= 16 else { return nil }
    return index + 1
  }

  /// How many terminal cells `scalar` takes when printed as it is: 0 for combining marks and
  /// other zero-width formatting, 2 for East Asian wide characters and emoji, else 1. (A hidden
  /// scalar is printed as its ``spelling(_:)`` instead.)
  public static func cellWidth(_ scalar: Unicode.Scalar) -> Int {
    let properties = scalar.properties
    switch properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: break
    }
    if properties.isDefaultIgnorableCodePoint { return 0 }
    if properties.isEmojiPresentation { return 2 }
    switch scalar.value {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
      0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60,
      0xFFE0...0xFFE6, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
      return 2
    default:
      return 1
    }
  }

  /// How many terminal cells `text` takes (hidden scalars counted as their spelling).
  public static func width(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { $0 + (isHidden($1) ? spelling($1).utf8.count : cellWidth($1)) }
  }

  /// `value` in upper-case hexadecimal, zero-padded to `width` digits.
  public static func hex(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }
}

extension String {
  /// Every CRLF, CR or LF replaced by `replacement` (scalar by scalar).
  public func replacingNewlines(with replacement: String) -> String {
    guard unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) else { return self }
    var out = String.UnicodeScalarView()
    var previousWasCR = false
    for scalar in unicodeScalars {
      defer { previousWasCR = scalar == "\r" }
      if scalar == "\n" {
        if !previousWasCR { out.append(contentsOf: replacement.unicodeScalars) }
      } else if scalar == "\r" {
        out.append(contentsOf: replacement.unicodeScalars)
      } else {
        out.append(scalar)
      }
    }
    return String(out)
  }
}
