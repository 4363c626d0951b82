import Foundation
import PlumbDiagnostics

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The properties every output Plumb writes must have whatever its input, checked as an attacker
/// would use the output: as a CI runner reading a log, a terminal, a JSON or XML parser, a browser.
/// Each check returns what is wrong (empty: nothing).
public enum OutputProperties {
  /// The output's lines as the GitHub Actions runner splits them (LF, CR, CRLF).
  public static func runnerLines(_ text: String) -> [Substring.UnicodeScalarView] {
    var lines: [Substring.UnicodeScalarView] = []
    let scalars = text.unicodeScalars
    var start = scalars.startIndex
    var index = start
    while index < scalars.endIndex {
      let scalar = scalars[index]
      if scalar == "\n" || scalar == "\r" {
        lines.append(scalars[start..<index])
        start = scalars.index(after: index)
      }
      index = scalars.index(after: index)
    }
    lines.append(scalars[start..<scalars.endIndex])
    return lines
  }

  /// Lines the runner would read as a workflow command: after white space a `::`, or a `##[`
  /// anywhere, default-ignorable scalars skipped (the runner's culture-sensitive comparison skips
  /// them). `allowedPrefixes`: lines Plumb writes as commands on purpose (the `github` format).
  public static func workflowCommands(_ text: String, allowedPrefixes: [String] = []) -> [String] {
    var found: [String] = []
    for line in runnerLines(text) {
      let visible = line.filter { !$0.properties.isDefaultIgnorableCodePoint }
      let trimmed = visible.drop { $0.properties.isWhitespace }
      let shown = String(String.UnicodeScalarView(line))
      if String(String.UnicodeScalarView(visible)).contains("##[") {
        found.append("legacy command (##[): \(TerminalText.visible(shown))")
      } else if trimmed.starts(with: "::".unicodeScalars) {
        let isOurs = allowedPrefixes.contains { shown.unicodeScalars.starts(with: $0.unicodeScalars) }
        if !isOurs { found.append("workflow command (::): \(TerminalText.visible(shown))") }
      }
    }
    return found
  }

  /// Hidden scalars written raw (``TerminalText/isHidden(_:)``: controls, CR, bidirectional
  /// overrides…). With `allowingColor`, ANSI colour sequences are allowed.
  public static func rawHiddenScalars(_ text: String, allowingColor: Bool = false) -> [String] {
    var found: [String] = []
    let scalars = Array(text.unicodeScalars)
    var index = 0
    while index < scalars.count {
      let scalar = scalars[index]
      if allowingColor && scalar == "\u{1B}", index + 1 < scalars.count, scalars[index + 1] == "[" {
        var end = index + 2
        while end < scalars.count, ("0"..."9").contains(scalars[end]) || scalars[end] == ";" { end += 1 }
        if end < scalars.count, scalars[end] == "m" {
          index = end + 1
          continue
        }
      }
      if TerminalText.isHidden(scalar) {
        let context = String(String.UnicodeScalarView(scalars[max(0, index - 20)..<min(scalars.count, index + 20)]))
        found.append("raw \(TerminalText.spelling(scalar)) near \(TerminalText.visible(context))")
        if found.count > 5 { break }
      }
      index += 1
    }
    return found
  }

  /// Whether `text` is one JSON document.
  public static func jsonErrors(_ text: String) -> [String] {
    do {
      _ = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
      return []
    } catch {
      return ["not valid JSON: \(error)"]
    }
  }

  /// Whether `text` is a well-formed XML 1.0 document; its element names in document order.
  public static func xmlElements(_ text: String) -> (elements: [String], errors: [String]) {
    let parser = XMLParser(data: Data(text.utf8))
    let collector = ElementCollector()
    parser.delegate = collector
    guard parser.parse() else {
      return (collector.elements, ["not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "unknown error")"])
    }
    return (collector.elements, [])
  }

  /// One tag of an HTML document, as a browser's tokenizer reads it.
  public struct HTMLTag: Equatable, CustomStringConvertible {
    public var name: String
    public var closing: Bool
    public var attributes: [String]
    public var description: String { (closing ? "</" : "<") + name + (attributes.isEmpty ? "" : " " + attributes.joined(separator: " ")) + ">" }
  }

  /// The tags of an HTML document, with their attribute names, following the HTML tokenizer's
  /// states for tags, attributes (quoted and unquoted), comments and the raw text of `<script>`
  /// and `<style>`. Data that escaped its text node or attribute shows up as an extra tag or
  /// attribute.
  public static func htmlTags(_ html: String) -> (tags: [HTMLTag], scripts: [String]) {
    let s = Array(html.unicodeScalars)
    var tags: [HTMLTag] = []
    var scripts: [String] = []
    var i = 0
    func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" }
    func lower(_ c: Unicode.Scalar) -> Unicode.Scalar { ("A"..."Z").contains(c) ? Unicode.Scalar(c.value + 32)! : c }
    while i < s.count {
      guard s[i] == "<" else {
        i += 1
        continue
      }
      if i + 3 < s.count, s[i + 1] == "!", s[i + 2] == "-", s[i + 3] == "-" {
        // A comment runs to `-->`.
        var j = i + 4
        while j + 2 < s.count, !(s[j] == "-" && s[j + 1] == "-" && s[j + 2] == ">") { j += 1 }
        i = j + 3
        continue
      }
      var j = i + 1
      let closing = j < s.count && s[j] == "/"
      if closing { j += 1 }
      guard j < s.count, s[j].isASCIILetter || (!closing && s[j] == "!") else {
        i += 1
        continue
      }
      var name = String.UnicodeScalarView()
      while j < s.count, !isSpace(s[j]), s[j] != "/", s[j] != ">" {
        name.append(lower(s[j]))
        j += 1
      }
      var attributes: [String] = []
      // Attributes until `>`.
      while j < s.count, s[j] != ">" {
        if isSpace(s[j]) || s[j] == "/" {
          j += 1
          continue
        }
        var attribute = String.UnicodeScalarView()
        while j < s.count, !isSpace(s[j]), s[j] != "/", s[j] != ">", s[j] != "=" || attribute.isEmpty {
          attribute.append(lower(s[j]))
          j += 1
        }
        while j < s.count, isSpace(s[j]) { j += 1 }
        if j < s.count, s[j] == "=" {
          j += 1
          while j < s.count, isSpace(s[j]) { j += 1 }
          if j < s.count, s[j] == "\"" || s[j] == "'" {
            let quote = s[j]
            j += 1
            while j < s.count, s[j] != quote { j += 1 }
            j += 1
          } else {
            while j < s.count, !isSpace(s[j]), s[j] != ">" { j += 1 }
          }
        }
        attributes.append(String(attribute))
      }
      let tag = HTMLTag(name: String(name), closing: closing, attributes: attributes)
      tags.append(tag)
      i = j + 1
      if !closing && (tag.name == "script" || tag.name == "style") {
        // Raw text up to the closing tag.
        let end = "</" + tag.name
        var k = i
        while k < s.count {
          if s[k] == "<", k + end.unicodeScalars.count <= s.count,
            String(String.UnicodeScalarView(s[k..<k + end.unicodeScalars.count].map(lower))) == end
          {
            break
          }
          k += 1
        }
        if tag.name == "script" { scripts.append(String(String.UnicodeScalarView(s[i..<k]))) }
        i = k
      }
    }
    return (tags, scripts)
  }

  /// Attributes that would run script or move focus (`on…`, `autofocus`), and links with a scheme
  /// other than http or https.
  public static func htmlScriptHooks(_ html: String) -> [String] {
    var found: [String] = []
    for tag in htmlTags(html).tags {
      for attribute in tag.attributes where attribute.hasPrefix("on") || attribute == "autofocus" || attribute == "formaction" {
        found.append("attribute \(attribute) on \(tag)")
      }
    }
    return found
  }

  /// Markdown link destinations (`](…)`) that are not http, https or relative (code spans and
  /// escaped brackets are not links).
  public static func markdownLinkSchemes(_ markdown: String) -> [String] {
    var found: [String] = []
    var rest = Substring(outsideCodeSpans(markdown, droppingEscapes: false))
    while let open = rest.range(of: "](") {
      // An escaped bracket (`\]`) does not end a link text.
      let before = rest[..<open.lowerBound]
      let escaped = before.reversed().prefix { $0 == "\\" }.count % 2 == 1
      rest = rest[open.upperBound...]
      guard !escaped else { continue }
      let target = rest.prefix { $0 != ")" && $0 != " " && $0 != "\n" }
      if !LinkTarget.isAllowed(String(target)), LinkTarget.scheme(of: String(target)) != nil {
        found.append("link to \(TerminalText.visible(String(target)))")
      }
    }
    return found
  }

  /// Table rows (lines starting with `|`) whose count of unescaped `|` differs from their table's
  /// header: data that split or joined a cell.
  public static func markdownTableBreaks(_ markdown: String) -> [String] {
    var found: [String] = []
    var expected: Int?
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
      guard line.hasPrefix("|") else {
        expected = nil
        continue
      }
      var count = 0
      var escaped = false
      var index = line.unicodeScalars.startIndex
      let scalars = line.unicodeScalars
      while index < scalars.endIndex {
        let scalar = scalars[index]
        if scalar == "\\" && !escaped {
          escaped = true
        } else {
          if scalar == "|" && !escaped { count += 1 }
          escaped = false
        }
        index = scalars.index(after: index)
      }
      if let expected {
        if count != expected { found.append("table row with \(count) cells bars, header has \(expected): \(TerminalText.visible(String(line)))") }
      } else {
        expected = count
      }
    }
    return found
  }

  /// Raw HTML tags in Markdown (GitHub renders some), in order, without the `<br>`s that stand
  /// for line breaks in data: a test compares them with those of a rendering with harmless data.
  /// Backslash-escaped characters and code spans are not HTML and are left out.
  public static func markdownHTMLTags(_ markdown: String) -> [String] {
    htmlTags(outsideCodeSpans(markdown, droppingEscapes: true)).tags.map(\.description).filter { $0 != "<br>" }
  }

  /// `markdown` without its code spans (and, with `droppingEscapes`, without backslash-escaped
  /// characters).
  static func outsideCodeSpans(_ markdown: String, droppingEscapes: Bool) -> String {
    let s = Array(markdown.unicodeScalars)
    var kept = String.UnicodeScalarView()
    var i = 0
    while i < s.count {
      if s[i] == "\\", i + 1 < s.count {
        if !droppingEscapes { kept.append(contentsOf: s[i...i + 1]) }
        i += 2
        continue
      }
      if s[i] == "`" {
        var run = i
        while run < s.count, s[run] == "`" { run += 1 }
        let fence = run - i
        var j = run
        var close: Int?
        while j < s.count {
          guard s[j] == "`" else {
            j += 1
            continue
          }
          var end = j
          while end < s.count, s[end] == "`" { end += 1 }
          if end - j == fence {
            close = end
            break
          }
          j = end
        }
        i = close ?? run
        continue
      }
      kept.append(s[i])
      i += 1
    }
    return String(kept)
  }
}

private final class ElementCollector: NSObject, XMLParserDelegate {
  var elements: [String] = []

  func parser(
    _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
    attributes attributeDict: [String: String] = [:]
  ) {
    elements.append(elementName + "(" + attributeDict.keys.sorted().joined(separator: ",") + ")")
  }
}
