/// Renders diagnostics as text: `path:line:column: severity: message`, then the offending source
/// line and a caret under the column (with `~` under the rest of a one-line span).
public struct DiagnosticRenderer: Sendable {
  /// Source files by path, used to print the offending line. Diagnostics whose file is unknown
  /// are printed without a snippet.
  public var sources: [String: SourceFile]
  /// Whether to use ANSI colours.
  public var colored: Bool

  /// Creates a renderer.
  public init(sources: [SourceFile] = [], colored: Bool = false) {
    var byPath: [String: SourceFile] = [:]
    for source in sources { byPath[source.path] = source }
    self.sources = byPath
    self.colored = colored
  }

  /// Renders one diagnostic and its notes; the result ends with a newline.
  ///
  /// Paths, messages and source lines come from the inputs: hidden scalars are shown as
  /// `<U+XXXX>`, a message's further lines are indented, and no line can start a CI workflow
  /// command (``TerminalText/guarded(_:allowingColor:)``).
  public func render(_ diagnostic: Diagnostic) -> String {
    var out = header(
      location: diagnostic.location,
      label: diagnostic.severity.rawValue,
      message: diagnostic.message,
      code: diagnostic.code,
      severity: diagnostic.severity
    )
    out += snippet(diagnostic.location)
    for note in diagnostic.notes {
      out += header(location: note.location, label: "note", message: note.message, code: nil, severity: .note)
      out += snippet(note.location)
    }
    return TerminalText.guarded(out, allowingColor: colored)
  }

  /// Renders several diagnostics, in the order given.
  public func render(_ diagnostics: [Diagnostic]) -> String {
    diagnostics.map(render).joined()
  }

  private func header(
    location: SourceLocation?,
    label: String,
    message: String,
    code: String?,
    severity: DiagnosticSeverity
  ) -> String {
    let place = location.map { TerminalText.oneLine($0.description) + ": " } ?? ""
    let suffix = code.map { " [\(TerminalText.oneLine($0))]" } ?? ""
    let text = TerminalText.visibleLines(message).replacingNewlines(with: "\n    ")
    return "\(place)\(paint(label + ":", severity)) \(text)\(suffix)\n"
  }

  private func paint(_ text: String, _ severity: DiagnosticSeverity) -> String {
    guard colored else { return text }
    let code: String
    switch severity {
    case .error: code = "1;31"
    case .warning: code = "1;33"
    case .note: code = "1;36"
    }
    return "\u{1B}[\(code)m\(text)\u{1B}[0m"
  }

  /// Source lines wider than this many columns are cropped around the caret, with `…` marking
  /// what was cut, so minified JSON or long `run:` lines don't flood the terminal.
  public static let maxSnippetWidth = 160
  /// Columns kept before the caret when a long line is cropped.
  static let croppedContextBefore = 60
  /// Columns looked at on each side of the span: a window of ``maxSnippetWidth`` cells lies well
  /// inside them unless zero-width marks crowd it, and a multi-megabyte minified line costs what
  /// its shown part costs, not its length, for each finding shown on it.
  static let scannedColumnsAround = 4 * maxSnippetWidth

  /// The source line and a caret line, or "" when the file is unknown.
  ///
  /// Tabs are expanded to four spaces; hidden scalars (``TerminalText/isHidden(_:)``) and the `[`
  /// of a `##[` are shown as `<U+XXXX>`. The caret stays under its character whatever the line
  /// holds: columns are counted in terminal cells (a combining mark takes none, a wide character
  /// two, a shown `<U+XXXX>` eight). A line wider than ``maxSnippetWidth`` cells is cropped to a
  /// window of that width around the caret (`…` at the cut ends); an underline running past the
  /// window is cut at its edge.
  public func snippet(_ location: SourceLocation?) -> String {
    guard let location, let source = sources[location.path] else { return "" }
    let line = location.span.start.line
    let text = source.lineText(line)
    let gutter = String(line)
    let pad = String(repeating: " ", count: gutter.count)
    // Each column (a Unicode scalar) as it is shown, with its width in cells.
    var pieces: [(shown: Substring.UnicodeScalarView, width: Int)] = []
    var caretIndent = 0
    var underline = 0
    var total = 0
    var column = 1
    let sameLine = location.span.end.line == line
    let firstColumn = max(1, location.span.start.column - Self.scannedColumnsAround)
    let spanColumns = sameLine ? min(max(0, location.span.end.column - location.span.start.column), Self.scannedColumnsAround) : 0
    let lastColumn = location.span.start.column + spanColumns + Self.scannedColumnsAround
    let cutBefore = firstColumn > 1
    var cutAfter = false
    var scanner = WorkflowCommandScanner(atLineStart: false)
    for scalar in text.unicodeScalars {
      if column < firstColumn {
        column += 1
        continue
      }
      if column > lastColumn {
        cutAfter = true
        break
      }
      let shown: String
      if scalar == "\t" {
        shown = "    "
        scanner.wroteOther()
      } else if TerminalText.isHidden(scalar) || scanner.mustNeutralize(scalar) {
        shown = TerminalText.spelling(scalar)
        scanner.wroteOther()
      } else {
        shown = String(scalar)
      }
      let width = scalar == "\t" || shown.unicodeScalars.count > 1 ? shown.unicodeScalars.count : TerminalText.cellWidth(scalar)
      if column < location.span.start.column {
        caretIndent += width
      } else if column == location.span.start.column || (sameLine && column < location.span.end.column) {
        underline += width
      }
      pieces.append((Substring(shown).unicodeScalars, width))
      total += width
      column += 1
    }
    underline = max(1, underline)
    var lower = 0
    var upper = total
    if total > Self.maxSnippetWidth {
      lower = max(0, min(caretIndent - Self.croppedContextBefore, total - Self.maxSnippetWidth))
      upper = min(total, lower + Self.maxSnippetWidth)
    }
    // The marker never runs past the visible text (it may sit one past its end, at a line break).
    underline = max(1, min(underline, max(1, upper - caretIndent)))
    // Columns not scanned are cut like the window's edges (a `##` before the first one scanned
    // is behind the `…`, so no `##[` can form).
    let leftCut = lower > 0 || cutBefore
    var visible = String.UnicodeScalarView()
    if leftCut { visible.append("…") }
    var cell = 0
    for piece in pieces {
      let start = cell
      cell += piece.width
      if start < lower {
        // A wide piece cut by the window's left edge: its visible cells as spaces.
        if cell > lower { visible.append(contentsOf: String(repeating: " ", count: cell - lower).unicodeScalars) }
        continue
      }
      if cell > upper {
        if start < upper { visible.append(contentsOf: String(repeating: " ", count: upper - start).unicodeScalars) }
        break
      }
      visible.append(contentsOf: piece.shown)
    }
    if upper < total || cutAfter { visible.append("…") }
    let indent = caretIndent - lower + (leftCut ? 1 : 0)
    let marker = "^" + String(repeating: "~", count: max(0, underline - 1))
    return "\(pad) |\n\(gutter) | \(String(visible))\n\(pad) | \(String(repeating: " ", count: indent))\(marker)\n"
  }
}
