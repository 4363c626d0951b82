import PlumbDiagnostics
import Testing

@testable import PlumbYAML

/// Spans must be exact: fixes splice bytes at these offsets.
@Suite struct SpanTests {
  /// Loads `text` and returns the root mapping of its only document.
  func root(_ text: String) throws -> YAMLNode {
    let result = YAMLLoader().load(text: text, path: "t.yaml")
    #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    return try #require(result.documents.first?.root)
  }

  func root(bytes: [UInt8]) throws -> YAMLNode {
    let result = YAMLLoader().load(SourceFile(path: "t.yaml", bytes: bytes))
    #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    return try #require(result.documents.first?.root)
  }

  /// The source bytes a node covers, as text.
  func slice(_ node: YAMLNode) -> String {
    String(decoding: node.tree.source.bytes[node.byteRange], as: UTF8.self)
  }

  @Test func asciiOffsetsLinesAndColumns() throws {
    let node = try root("name: web\nspec:\n  owner: team-a\n")
    let spec = try #require(node["spec"])
    let owner = try #require(spec["owner"])
    #expect(slice(owner) == "team-a")
    #expect(owner.span.start == SourcePosition(line: 3, column: 10, offset: 25))
    #expect(owner.span.end == SourcePosition(line: 3, column: 16, offset: 31))
    // A block mapping ends where its last value ends, not at the next token.
    #expect(slice(spec) == "owner: team-a")
  }

  @Test func multibyteTextGivesByteOffsetsAndScalarColumns() throws {
    // "é" is 2 bytes, "😀" is 4 bytes, "日本" is 6 bytes; columns count scalars.
    let node = try root("a: é😀\nb: [日本, x]\nc: \"ü\\n\"\n")
    let a = try #require(node["a"])
    #expect(a.string == "é😀")
    #expect(slice(a) == "é😀")
    #expect(a.span.start == SourcePosition(line: 1, column: 4, offset: 3))
    #expect(a.span.end == SourcePosition(line: 1, column: 6, offset: 9))
    let b = try #require(node["b"])
    let x = try #require(b[1])
    #expect(slice(x) == "x")
    #expect(x.span.start.column == 9)
    #expect(x.span.start.offset == 10 + 3 + 1 + 6 + 2)
    let c = try #require(node["c"])
    #expect(c.string == "ü\n")
    #expect(slice(c) == "\"ü\\n\"")
  }

  @Test func crlfLineEndingsCountAsOneBreak() throws {
    let node = try root("a: 1\r\nb:\r\n  c: ünï\r\n")
    let c = try #require(node["b"]?["c"])
    #expect(slice(c) == "ünï")
    // "a: 1\r\n" is 6 bytes, "b:\r\n" 4, "  c: " 5; "ünï" is 5 bytes.
    #expect(c.span.start == SourcePosition(line: 3, column: 6, offset: 15))
    #expect(c.span.end == SourcePosition(line: 3, column: 9, offset: 20))
    #expect(node.tree.source.lineText(3) == "  c: ünï")
  }

  @Test func byteOrderMarkIsSkippedInColumnsButCountedInOffsets() throws {
    let node = try root(bytes: [0xEF, 0xBB, 0xBF] + Array("key: välue\nnext: 2\n".utf8))
    let key = try #require(node.pairs.first?.key)
    #expect(key.span.start == SourcePosition(line: 1, column: 1, offset: 3))
    let value = try #require(node["key"])
    #expect(slice(value) == "välue")
    #expect(value.span.start == SourcePosition(line: 1, column: 6, offset: 8))
    let next = try #require(node["next"])
    #expect(next.span.start == SourcePosition(line: 2, column: 7, offset: 21))
  }

  @Test func bomCrlfAndMultibyteTogether() throws {
    let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("- ä\r\n- 'ö'\r\n- |\r\n  ü\r\n".utf8)
    let node = try root(bytes: bytes)
    #expect(node.elements.map { $0.string } == ["ä", "ö", "ü\n"])
    #expect(slice(node[1]!) == "'ö'")
    #expect(node[1]!.span.start == SourcePosition(line: 2, column: 3, offset: 3 + 6 + 2))
    #expect(node[2]!.style == .literal)
  }

  @Test func anchorsAndTagsAreNotPartOfTheContentSpan() throws {
    let node = try root("a: &x hello\nb: !!str 12\nc: &m\n  k: v\n")
    #expect(slice(node["a"]!) == "hello")
    #expect(node["a"]!.anchor == "x")
    #expect(slice(node["b"]!) == "12")
    #expect(node["b"]!.value == .string("12"))
    #expect(slice(node["c"]!) == "k: v")
  }

  @Test func flowCollectionsSpanTheirBrackets() throws {
    let node = try root("a: {x: 1, y: [2, 3]}\n")
    #expect(slice(node["a"]!) == "{x: 1, y: [2, 3]}")
    #expect(slice(node["a"]!["y"]!) == "[2, 3]")
    #expect(node["a"]!.style == .flow)
  }

  @Test func multiDocumentStreamsKeepEveryDocument() throws {
    let result = YAMLLoader().load(text: "a: 1\n---\nb: 2\n...\n--- c\n", path: "m.yaml")
    #expect(result.diagnostics.isEmpty)
    #expect(result.documents.count == 3)
    #expect(result.documents[1].hasExplicitStart)
    #expect(result.documents[1].hasExplicitEnd)
    #expect(result.documents[2].root.string == "c")
    #expect(result.documents[2].root.span.start.line == 5)
  }

  @Test func rawTextIsKeptBesideTheResolvedValue() throws {
    let node = try root("hex: 0x1F\nquoted: \"0x1F\"\nfolded: >\n  a\n  b\n")
    #expect(node["hex"]!.value == .int(31))
    #expect(node["hex"]!.rawText == "0x1F")
    #expect(node["quoted"]!.value == .string("0x1F"))
    #expect(node["quoted"]!.rawText == "\"0x1F\"")
    #expect(node["folded"]!.value == .string("a b\n"))
    #expect(node["folded"]!.style == .folded)
  }
}
