import PlumbDiagnostics
import Testing

@testable import PlumbYAML

@Suite struct AnchorsMergeDuplicatesTests {
  func load(_ text: String) -> YAMLLoadResult { YAMLLoader().load(text: text, path: "t.yaml") }

  func keys(_ node: YAMLNode?) -> [String] { node?.pairs.compactMap { $0.key.string } ?? [] }

  @Test func aliasesReadAsTheAnchoredNodeAndKeepTheirOwnSpan() throws {
    let result = load("base: &b {x: 1}\nuse: *b\n")
    #expect(result.diagnostics.isEmpty)
    let root = try #require(result.documents.first?.root)
    let use = try #require(root["use"])
    #expect(use.isAlias)
    #expect(use["x"]?.value == .int(1))
    #expect(use.span == root["base"]!.span)
    #expect(use.aliasSpan?.start == SourcePosition(line: 2, column: 6, offset: 21))
  }

  @Test func mergeKeysAddMissingKeysAndExplicitKeysWin() throws {
    let result = load("""
      defaults: &d
        image: ruby
        stage: test
      more: &m
        stage: build
        tags: [x]
      job:
        <<: [*d, *m]
        stage: deploy
      """)
    #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    let job = try #require(result.documents.first?.root["job"])
    #expect(keys(job) == ["image", "tags", "stage"])
    #expect(job["stage"]?.string == "deploy")
    #expect(job["image"]?.string == "ruby")
    // Merged values keep their span where they were written.
    #expect(job["image"]?.span.start.line == 2)
  }

  @Test func firstMergedMappingWinsAmongMerges() throws {
    let result = load("a: &a {k: 1}\nb: &b {k: 2}\nc:\n  <<: [*a, *b]\n")
    #expect(result.documents.first?.root["c"]?["k"]?.value == .int(1))
  }

  @Test func badMergeValueIsAnError() throws {
    let result = load("a:\n  <<: 5\n  b: 1\n")
    #expect(result.diagnostics.map(\.code) == ["yaml.merge-value"])
    #expect(result.diagnostics.first?.location?.span.start.line == 2)
    #expect(keys(result.documents.first?.root["a"]) == ["b"])
  }

  @Test func quotedMergeKeyIsAnOrdinaryKey() throws {
    let result = load("a:\n  '<<': {x: 1}\n")
    #expect(keys(result.documents.first?.root["a"]) == ["<<"])
  }

  @Test func duplicateKeysAreReportedWithBothLocationsAndTheLaterWins() throws {
    let result = load("a: 1\nb: 2\na: 3\n")
    let diagnostic = try #require(result.diagnostics.first)
    #expect(result.diagnostics.count == 1)
    #expect(diagnostic.code == "yaml.duplicate-key")
    #expect(diagnostic.message == "duplicate key 'a' in mapping; the later value is used")
    #expect(diagnostic.location?.span.start.line == 3)
    #expect(diagnostic.notes.first?.location?.span.start.line == 1)
    let root = try #require(result.documents.first?.root)
    #expect(keys(root) == ["b", "a"])
    #expect(root["a"]?.value == .int(3))
  }

  @Test func duplicateDetectionComparesResolvedTypes() throws {
    // "1" (string) and 1 (int) are different keys; 1 and 1 are the same.
    #expect(load("'1': a\n1: b\n").diagnostics.isEmpty)
    #expect(load("1: a\n1: b\n").diagnostics.map(\.code) == ["yaml.duplicate-key"])
  }

  @Test func duplicatesAreFoundInLargeMappings() throws {
    var text = ""
    for i in 0..<100 { text += "k\(i): \(i)\n" }
    text += "k42: again\n"
    let result = load(text)
    #expect(result.diagnostics.map(\.code) == ["yaml.duplicate-key"])
    #expect(result.diagnostics.first?.location?.span.start.line == 101)
  }

  @Test func anchorsCanBeRedefined() throws {
    let result = load("a: &x 1\nb: *x\nc: &x 2\nd: *x\n")
    let root = try #require(result.documents.first?.root)
    #expect(root["b"]?.value == .int(1))
    #expect(root["d"]?.value == .int(2))
  }

  @Test func anchorsDoNotLeakAcrossDocuments() throws {
    let result = load("a: &x 1\n---\nb: *x\n")
    #expect(result.diagnostics.map(\.code) == ["yaml.undefined-alias"])
  }
}
