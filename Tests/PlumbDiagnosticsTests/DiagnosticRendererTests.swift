import Testing

@testable import PlumbDiagnostics

@Suite struct DiagnosticRendererTests {
  @Test func rendersLocationSourceLineAndCaretUnderTheColumn() {
    let source = SourceFile(path: "ci.yml", text: "jobs:\n  build:\n    runs-on: [self-hosted\n")
    let diagnostic = Diagnostic(
      code: "yaml.syntax", message: "did not find expected ',' or ']'",
      location: SourceLocation(path: "ci.yml", span: source.span(from: 28, to: 28)))
    let text = DiagnosticRenderer(sources: [source]).render(diagnostic)
    #expect(
      text == """
        ci.yml:3:14: error: did not find expected ',' or ']' [yaml.syntax]
          |
        3 |     runs-on: [self-hosted
          |              ^

        """)
  }

  @Test func underlinesOneLineSpansAndCountsColumnsInScalars() {
    let source = SourceFile(path: "a.yaml", text: "név: wörld\n")
    // "wörld" starts at byte 6 (n, é=2, v, :, space) and is 6 bytes long.
    let location = SourceLocation(path: "a.yaml", span: source.span(from: 6, to: 12))
    #expect(location.span.start.column == 6)
    #expect(location.span.end.column == 11)
    let text = DiagnosticRenderer(sources: [source]).render(
      Diagnostic(code: "x.y", severity: .warning, message: "bad value", location: location))
    #expect(
      text == """
        a.yaml:1:6: warning: bad value [x.y]
          |
        1 | név: wörld
          |      ^~~~~

        """)
  }

  @Test func rendersNotesAndDiagnosticsWithoutLocation() {
    let text = DiagnosticRenderer().render(
      Diagnostic(
        code: "io.missing", message: "no such file", location: nil,
        notes: [Diagnostic.Note(message: "given here", location: nil)]))
    #expect(text == "error: no such file [io.missing]\nnote: given here\n")
  }

  @Test func leavesLinesOfExactlyTheMaximumWidthUncropped() {
    let text = "k: " + String(repeating: "x", count: DiagnosticRenderer.maxSnippetWidth - 3)
    let source = SourceFile(path: "a.yaml", text: text + "\n")
    let snippet = DiagnosticRenderer(sources: [source]).snippet(
      SourceLocation(path: "a.yaml", span: source.span(from: 3, to: 5)))
    #expect(snippet == "  |\n1 | \(text)\n  |    ^~\n")
  }

  /// A minified file is one line of megabytes: only the columns around the span are looked at,
  /// and what is shown is the same window as for a short line with the same neighbourhood.
  @Test func aMegabyteLineShowsTheSameWindowAsItsNeighbourhood() throws {
    let before = String(repeating: "{\"k\":\"v\"},", count: 100_000) + "##"
    let after = String(repeating: "[1,2],", count: 100_000)
    let text = before + "[\"QUOTA\"]" + after
    let source = SourceFile(path: "plan.json", text: text + "\n")
    let start = before.utf8.count + 2  // the Q
    let snippet = DiagnosticRenderer(sources: [source]).snippet(
      SourceLocation(path: "plan.json", span: source.span(from: start, to: start + 5)))
    let lines = snippet.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == 4)
    let shown = String(lines[1].dropFirst(4))
    #expect(shown.hasPrefix("…") && shown.hasSuffix("…"), "\(shown)")
    #expect(shown.unicodeScalars.count <= DiagnosticRenderer.maxSnippetWidth + 2)
    #expect(!snippet.contains("##["))
    // The caret sits under the Q, and the underline covers QUOTA.
    let caretLine = String(lines[2].dropFirst(4))
    let indent = caretLine.prefix { $0 == " " }.count
    #expect(Array(shown)[indent] == "Q", "\(shown)\n\(caretLine)")
    #expect(caretLine.hasSuffix("^~~~~"))
    // The same window as a short line holding only the span's neighbourhood, cut likewise.
    let short = String(before.suffix(1_000)) + "[\"QUOTA\"]" + String(after.prefix(1_000))
    let shortSource = SourceFile(path: "s.json", text: short + "\n")
    let shortStart = 1_000 + 2
    let shortSnippet = DiagnosticRenderer(sources: [shortSource]).snippet(
      SourceLocation(path: "s.json", span: shortSource.span(from: shortStart, to: shortStart + 5)))
    #expect(shortSnippet.split(separator: "\n", omittingEmptySubsequences: false)[1].dropFirst(4) == Substring(shown))
  }

  @Test func cropsLongLinesAroundTheCaretOnBothSides() throws {
    // 100 'a', then the 5-scalar value "héllo" at column 101, then 200 'b': 305 columns.
    let text = String(repeating: "a", count: 100) + "héllo" + String(repeating: "b", count: 200)
    let source = SourceFile(path: "min.json", text: text)
    let location = SourceLocation(path: "min.json", span: source.span(from: 100, to: 106))
    #expect(location.span.start.column == 101)
    #expect(location.span.end.column == 106)
    let lines = DiagnosticRenderer(sources: [source]).snippet(location).split(separator: "\n", omittingEmptySubsequences: false)
    try #require(lines.count == 4)
    // Window: 60 columns before the caret, 160 in all, `…` at both cut ends.
    let shown = "…" + String(repeating: "a", count: 60) + "héllo" + String(repeating: "b", count: 95) + "…"
    #expect(lines[1] == "1 | \(shown)")
    #expect(lines[2] == "  | " + String(repeating: " ", count: 61) + "^~~~~")
    // The caret sits under the 'h' in terminal columns (scalars).
    let shownScalars = Array(lines[1].unicodeScalars)
    let caretColumn = Array(lines[2].unicodeScalars).firstIndex(of: "^")
    #expect(caretColumn.map { shownScalars[$0] } == "h")
  }

  @Test func cropsOnlyTheEndWhenTheCaretIsNearTheStart() {
    let text = "run: " + String(repeating: "z", count: 300)
    let source = SourceFile(path: "w.yml", text: text)
    let snippet = DiagnosticRenderer(sources: [source]).snippet(
      SourceLocation(path: "w.yml", span: source.span(from: 5, to: 305)))
    let shown = "run: " + String(repeating: "z", count: 155) + "…"
    // The underline stops at the window's edge.
    #expect(snippet == "  |\n1 | \(shown)\n  |      ^" + String(repeating: "~", count: 154) + "\n")
  }

  @Test func cropsOnlyTheStartWhenTheCaretIsNearTheEnd() {
    let text = "\t" + String(repeating: "y", count: 250) + "!"
    let source = SourceFile(path: "t.txt", text: text)
    // The '!' is column 252 (the tab is one column, four cells wide): 255 cells in all.
    let location = SourceLocation(path: "t.txt", span: source.span(from: 251, to: 252))
    #expect(location.span.start.column == 252)
    let snippet = DiagnosticRenderer(sources: [source]).snippet(location)
    let shown = "…" + String(repeating: "y", count: 159) + "!"
    #expect(snippet == "  |\n1 | \(shown)\n  | " + String(repeating: " ", count: 160) + "^\n")
  }

  @Test func lineTableHandlesEveryLineBreakStyle() {
    let source = SourceFile(path: "x", text: "a\nb\r\nc\rd")
    #expect(source.lineStarts == [0, 2, 5, 7])
    #expect(source.lineText(2) == "b")
    #expect(source.lineText(4) == "d")
    #expect(source.position(ofOffset: 7) == SourcePosition(line: 4, column: 1, offset: 7))
  }
}
