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
    return out
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
    let place = location.map { "\($0): " } ?? ""
    let suffix = code.map { " [\($0)]" } ?? ""
    return "\(place)\(paint(label + ":", severity)) \(message)\(suffix)\n"
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

  /// The source line and a caret line, or "" when the file is unknown.
  ///
  /// Tabs are expanded to four spaces. A line wider than ``maxSnippetWidth`` columns is cropped
  /// to a window of that width around the caret (`…` at the cut ends), keeping the caret under
  /// the same character; an underline running past the window is cut at its edge.
  public func snippet(_ location: SourceLocation?) -> String {
    guard let location, let source = sources[location.path] else { return "" }
    let line = location.span.start.line
    let text = source.lineText(line)
    let gutter = String(line)
    let pad = String(repeating: " ", count: gutter.count)
    // Expand tabs so the caret lines up with what a terminal shows: one cell per column.
    var cells: [Unicode.Scalar] = []
    cells.reserveCapacity(text.utf8.count)
    var caretIndent = 0
    var column = 1
    var underline = 1
    let sameLine = location.span.end.line == line
    for scalar in text.unicodeScalars {
      let width = scalar == "\t" ? 4 : 1
      if column < location.span.start.column {
        caretIndent += width
      } else if sameLine && column < location.span.end.column && column > location.span.start.column {
        underline += width
      }
      if scalar == "\t" {
        cells.append(contentsOf: repeatElement(" ", count: 4))
      } else {
        cells.append(scalar)
      }
      column += 1
    }
    var lower = 0
    var upper = cells.count
    if cells.count > Self.maxSnippetWidth {
      lower = max(0, min(caretIndent - Self.croppedContextBefore, cells.count - Self.maxSnippetWidth))
      upper = min(cells.count, lower + Self.maxSnippetWidth)
      // The marker never runs past the visible text (it may sit one past its end, at a line break).
      underline = max(1, min(underline, upper - caretIndent))
    }
    var visible = String.UnicodeScalarView()
    if lower > 0 { visible.append("…") }
    visible.append(contentsOf: cells[lower..<upper])
    if upper < cells.count { visible.append("…") }
    let indent = caretIndent - lower + (lower > 0 ? 1 : 0)
    let marker = "^" + String(repeating: "~", count: max(0, underline - 1))
    return "\(pad) |\n\(gutter) | \(String(visible))\n\(pad) | \(String(repeating: " ", count: indent))\(marker)\n"
  }
}
