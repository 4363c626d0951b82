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

  @Test func lineTableHandlesEveryLineBreakStyle() {
    let source = SourceFile(path: "x", text: "a\nb\r\nc\rd")
    #expect(source.lineStarts == [0, 2, 5, 7])
    #expect(source.lineText(2) == "b")
    #expect(source.lineText(4) == "d")
    #expect(source.position(ofOffset: 7) == SourcePosition(line: 4, column: 1, offset: 7))
  }
}
