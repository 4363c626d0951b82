import PlumbDiagnostics
import Testing

@testable import PlumbYAML

/// Loader bugs found by the YAML test-suite conformance run (`YAMLTestSuiteTests`), pinned here
/// so they stay fixed even where the corpus is absent.
@Suite struct YAMLTestSuiteRegressionTests {
  func load(_ text: String) throws -> YAMLNode {
    let result = YAMLLoader().load(text: text, path: "t.yaml")
    #expect(!result.hasErrors, "\(result.diagnostics)")
    return try #require(result.documents.first?.root)
  }

  func slice(_ node: YAMLNode) -> String {
    String(decoding: node.tree.source.bytes[node.byteRange], as: UTF8.self)
  }

  /// Suite cases 7FWL and UGM3: a verbatim tag may contain ',' (a flow indicator elsewhere).
  @Test func spanSkipsVerbatimTagContainingComma() throws {
    let root = try load("!<tag:yaml.org,2002:str> foo : !<tag:example.com,2000:x> bar\n")
    let pair = try #require(root.pairs.first)
    #expect(slice(pair.key) == "foo")
    #expect(pair.key.tag == "tag:yaml.org,2002:str")
    #expect(slice(pair.value) == "bar")
    #expect(slice(root) == "!<tag:yaml.org,2002:str> foo : !<tag:example.com,2000:x> bar")

    let tagged = try load("- !<tag:clarkevans.com,2002:invoice>\n  a: 1\n")
    #expect(slice(try #require(tagged[0])) == "a: 1")
  }

  /// Suite cases 4FJ6, 87E4, 8UDB, 9MMW, CN3R, CT4Q, L9U5, LQZ7, QF4Y: a single-pair mapping in a
  /// flow sequence has no closing brace and must end at its value, not at the next token.
  @Test func singlePairFlowMappingEndsAtItsValue() throws {
    let root = try load("[ a : b , [x]: c\n, d: e ]\n")
    #expect(slice(try #require(root[1])) == "[x]: c")
    #expect(slice(try #require(root[2])) == "d: e")
    #expect(root[1]?.style == .flow)
    // Suite case 9MMW: the key itself is a braced mapping starting where the pair starts.
    let nested = try load("- [ {JSON: like}:adjacent ]\n")
    #expect(slice(try #require(nested[0]?[0])) == "{JSON: like}:adjacent")
    #expect(slice(try #require(nested[0]?[0]?.pairs.first?.key)) == "{JSON: like}")
    // A braced flow mapping still ends at its '}'.
    let braced = try load("[ {a: b} ]\n")
    #expect(slice(try #require(braced[0])) == "{a: b}")
  }

  /// YAML compares keys by value: `~`/`null`, `true`/`True`, `16`/`0x10`/`0o20` are the same key.
  @Test func duplicateKeysAreFoundByResolvedValue() throws {
    let pairs = ["~: a\nnull: b\n", "true: a\nTrue: b\n", "16: a\n0x10: b\n", "0o20: a\n+16: b\n", "1.5: a\n1.50: b\n"]
    for text in pairs {
      let result = YAMLLoader().load(text: text, path: "t.yaml")
      #expect(result.diagnostics.map(\.code) == ["yaml.duplicate-key"], "\(text.debugDescription)")
      #expect(result.documents.first?.root.count == 1)
    }
    // Different types or texts stay different keys, in small and large (hashed) mappings.
    #expect(!YAMLLoader().load(text: "1: a\n1.0: b\n'1': c\ntrue: d\n'true': e\n").hasErrors)
    var large = (0..<20).map { "k\($0): \($0)\n" }.joined()
    large += "0x1F: a\n31: b\n"
    #expect(YAMLLoader().load(text: large).diagnostics.map(\.code) == ["yaml.duplicate-key"])
  }
}
