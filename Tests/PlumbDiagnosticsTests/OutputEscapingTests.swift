import Foundation
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

@testable import PlumbDiagnostics

/// The escapers every output uses (one per target language), each on the characters its language
/// treats specially, followed by a combining mark (one `Character`, still the special scalar).
@Suite struct OutputEscapingTests {
  static let combining = "\u{0301}"

  // MARK: Workflow commands

  /// What the GitHub Actions runner would read as a workflow command in `text`: a line (LF, CR,
  /// CRLF) that starts with `::` after white space, or holds `##[`; default-ignorable scalars are
  /// skipped (its culture-sensitive comparison ignores them).
  static func commandLines(_ text: String) -> [String] {
    var lines: [String] = []
    var current = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if scalar == "\n" || scalar == "\r" {
        lines.append(String(current))
        current = String.UnicodeScalarView()
      } else {
        current.append(scalar)
      }
    }
    lines.append(String(current))
    return lines.filter { line in
      let visible = line.unicodeScalars.filter { !$0.properties.isDefaultIgnorableCodePoint }
      let trimmed = visible.drop { $0.properties.isWhitespace }
      return trimmed.starts(with: "::".unicodeScalars) || String(String.UnicodeScalarView(visible)).contains("##[")
    }
  }

  @Test func theScannerNeutralisesLineLeadingColonsAndLegacyBrackets() {
    var scanner = WorkflowCommandScanner()
    let line = Array(" \t\u{200B}::add-mask::x ##[error]".unicodeScalars)
    let neutral = line.indices.filter { scanner.mustNeutralize(line[$0]) }
    #expect(neutral.map { line[$0] } == [":", "["])
    #expect(neutral == [4, 19])
    // Mid-line `::` is data; ignorable scalars between the marks do not hide them.
    var mid = WorkflowCommandScanner()
    #expect(!"a::b".unicodeScalars.contains { mid.mustNeutralize($0) })
    var split = WorkflowCommandScanner()
    #expect("#\u{AD}#\u{200B}[".unicodeScalars.filter { split.mustNeutralize($0) } == ["["])
    var colons = WorkflowCommandScanner()
    #expect(":\u{2060}:x".unicodeScalars.filter { colons.mustNeutralize($0) } == [":"])
    var spaced = WorkflowCommandScanner()
    #expect(!": :x".unicodeScalars.contains { spaced.mustNeutralize($0) })
  }

  // MARK: Terminal text

  @Test func terminalTextShowsHiddenScalarsAndGuardsEveryLine() {
    #expect(TerminalText.visible("a\u{1B}[2Jb\u{202E}c\u{0}d\r\u{85}") == "a<U+001B>[2Jb<U+202E>c<U+0000>d<U+000D><U+0085>")
    #expect(TerminalText.visible("tab\tand\nline") == "tab\tand\nline")
    let hostile = "ok\n  ::add-mask::secret\n\u{3000}::warning::x\nsee ##[error]y\r::set-output name=a::b"
    let guarded = TerminalText.guarded(hostile)
    #expect(Self.commandLines(guarded).isEmpty, "\(guarded)")
    #expect(guarded == "ok\n  :<U+003A>add-mask::secret\n\u{3000}:<U+003A>warning::x\nsee ##<U+005B>error]y<U+000D>::set-output name=a::b")
    #expect(TerminalText.guarded(guarded) == guarded)
    #expect(!Self.commandLines(hostile).isEmpty)
  }

  @Test func guardingKeepsColourButShowsEveryOtherEscapeSequence() {
    let text = "\u{1B}[1;31merror:\u{1B}[0m x \u{1B}]0;title\u{7}\u{1B}[2J"
    #expect(TerminalText.guarded(text, allowingColor: true) == "\u{1B}[1;31merror:\u{1B}[0m x <U+001B>]0;title<U+0007><U+001B>[2J")
    #expect(TerminalText.guarded(text).hasPrefix("<U+001B>[1;31merror:"))
  }

  @Test func cellWidthsCountCombiningMarksAndWideCharacters() {
    #expect(TerminalText.width("e\u{0301}") == 1)
    #expect(TerminalText.width("日本") == 4)
    #expect(TerminalText.width("a\u{1B}") == 9)
  }

  // MARK: HTML

  @Test func htmlEscapesEverySpecialScalarEvenBeforeACombiningMark() {
    for (special, entity) in [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\"", "&quot;"), ("'", "&#39;")] {
      #expect(HTMLText.escape(special + Self.combining) == entity + Self.combining, "\(special)")
    }
    #expect(HTMLText.escape("\"\u{0301} onmouseover=alert(1) x=\"") == "&quot;\u{0301} onmouseover=alert(1) x=&quot;")
    #expect(HTMLText.escape("<script>\u{202E}") == "&lt;script&gt;&lt;U+202E&gt;")
    #expect(HTMLText.escape("x\n::add-mask::y ##[z") == "x\n:&#58;add-mask::y ##&#91;z")
    #expect(HTMLText.escape("plain text 123") == "plain text 123")
  }

  // MARK: XML

  @Test func xmlStaysWellFormedWithEveryScalar() throws {
    var hostile = String.UnicodeScalarView()
    for value in 0..<0x100 { hostile.append(Unicode.Scalar(UInt8(value))) }
    hostile.append(contentsOf: "\"\u{0301}'\u{0301}<\u{0301}]]>\u{202E}\u{FFFE}\u{FFFF}\n::x ##[y".unicodeScalars)
    let text = String(hostile)
    let document = "<?xml version=\"1.0\"?>\n<a b=\"\(XMLText.escape(text, attribute: true))\">\(XMLText.escape(text))</a>"
    let parser = XMLParser(data: Data(document.utf8))
    let collector = XMLCollector()
    parser.delegate = collector
    #expect(parser.parse(), "\(String(describing: parser.parserError))")
    // The value is kept, except what XML cannot carry at all, which is shown as <U+XXXX>.
    let expected = String(String.UnicodeScalarView(text.unicodeScalars.flatMap { scalar -> [Unicode.Scalar] in
      XMLText.isAllowed(scalar) ? [scalar] : Array(TerminalText.spelling(scalar).unicodeScalars)
    }))
    #expect(collector.attribute == expected.replacingOccurrences(of: "\r", with: "\r"))
    #expect(collector.text.replacingOccurrences(of: "\r\n", with: "\n") == expected.replacingOccurrences(of: "\r\n", with: "\n"))
    #expect(Self.commandLines(document).isEmpty)
    #expect(!document.unicodeScalars.contains { TerminalText.isHidden($0) })
  }

  // MARK: JSON

  @Test func jsonEscapesHiddenScalarsAndLegacyCommandsWithoutChangingTheValue() throws {
    let value = "a\"\u{0301}\\\u{1B}\u{7F}\u{85}\u{202E}\u{2028}x ##[error] #\u{AD}#[ ok é 日本"
    let quoted = JSONText.quoted(value)
    #expect(!quoted.unicodeScalars.contains { TerminalText.isHidden($0) })
    #expect(!quoted.contains("##["))
    #expect(Self.commandLines(quoted).isEmpty)
    let decoded = try JSONSerialization.jsonObject(with: Data("[\(quoted)]".utf8)) as? [String]
    #expect(decoded == [value])
    // Bytes and String agree.
    var bytes: [UInt8] = []
    JSONText.appendQuoted(value, to: &bytes)
    #expect(String(decoding: bytes, as: UTF8.self) == quoted)
    #expect(JSONText.quoted("plain é 日本") == "\"plain é 日本\"")
  }

  @Test func hardenedJSONKeepsEveryValue() throws {
    let object: [String: Any] = ["k\u{202E}": ["##[x", "\u{1B}\u{85}", "#\u{200B}#[y"], "n": 1]
    let raw = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self)
    let hardened = JSONText.hardened(raw)
    #expect(!hardened.unicodeScalars.contains { TerminalText.isHidden($0) && $0 != "\n" })
    #expect(Self.commandLines(hardened).isEmpty)
    let again = try JSONSerialization.jsonObject(with: Data(hardened.utf8)) as? NSDictionary
    #expect(again == object as NSDictionary)
  }

  // MARK: Markdown

  @Test func markdownEscapesMarkupScalarsBeforeCombiningMarks() {
    for special in MarkdownText.special {
      let escaped = MarkdownText.inline(String(special) + Self.combining)
      #expect(escaped == "\\" + String(special) + Self.combining, "\(special)")
    }
    #expect(MarkdownText.inline("a\nb\r\nc") == "a<br>b<br>c")
    #expect(MarkdownText.inline("::add-mask::x") == ":\\:add-mask::x")
    #expect(MarkdownText.inline("\u{1B}[31m") == "\\<U+001B\\>\\[31m")
  }

  @Test func codeSpansCannotBeClosedOrCarryCommands() {
    #expect(MarkdownText.codeSpan("a`b") == "``a`b``")
    #expect(MarkdownText.codeSpan("`x`") == "`` `x` ``")
    #expect(MarkdownText.codeSpan("a|b\nc") == "`a\\|b c`")
    #expect(MarkdownText.codeSpan("") == "` `")
    #expect(MarkdownText.codeSpan("a\\|b") == "a\\\\\\|b")
    #expect(MarkdownText.codeSpan("x ##[error] \u{202E}") == "`x ##<U+005B>error] <U+202E>`")
  }

  @Test func proseKeepsCodeSpansAndEscapesTheRest() {
    #expect(MarkdownText.prose("Set `a_b: *x` or see [here](javascript:alert(1)).") == "Set `a_b: *x` or see \\[here\\](javascript:alert(1)).")
    #expect(MarkdownText.prose("line one\n::add-mask::two") == "line one\n:\\:add-mask::two")
    #expect(MarkdownText.prose("unclosed ` tick") == "unclosed \\` tick")
  }

  // MARK: Links

  @Test func onlyHTTPAndRelativeLinksAreEmitted() {
    for allowed in ["https://plumb.dev/rules/x", "HTTP://a.b/c", "docs/rules/x.md", "../x.md", "#anchor", "/abs/path", "x.md?y=1:2"] {
      #expect(LinkTarget.isAllowed(allowed), "\(allowed)")
    }
    for refused in [
      "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)", "java\nscript:x",
      "data:text/html,<script>", "vbscript:x", "file:///etc/passwd", "\u{202E}https://x", "", "a b",
    ] {
      #expect(!LinkTarget.isAllowed(refused), "\(refused)")
    }
    #expect(MarkdownText.link("t", to: "javascript:alert(1)") == "t")
    #expect(MarkdownText.link("t", to: "https://a.b/c(d)<e>") == "[t](https://a.b/c%28d%29%3Ce%3E)")
  }

  // MARK: Workflow command data

  @Test func annotationDataCannotEndOrStartACommand() {
    let data = WorkflowCommandText.data("100% a\r\nb: c, d ##[x] \u{1B}")
    #expect(data == "100%25 a%0D%0Ab: c, d ##<U+005B>x] <U+001B>")
    #expect(WorkflowCommandText.property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae")
  }
}

/// Collects an XML document's attribute `b` and the text of its root.
private final class XMLCollector: NSObject, XMLParserDelegate {
  var attribute = ""
  var text = ""

  func parser(
    _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
    attributes attributeDict: [String: String] = [:]
  ) {
    attribute = attributeDict["b"] ?? ""
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
}
