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

  @Test func nodesReachedThroughAnAliasKnowWhereItIsUsed() throws {
    let result = load("""
      base: &b
        steps:
          - uses: x
      direct: *b
      plain:
        steps:
          - uses: y

      """)
    #expect(result.diagnostics.isEmpty)
    let root = try #require(result.documents.first?.root)
    // The definition itself is read where it is written.
    let defined = try #require(root["base"]?["steps"]?[0]?["uses"])
    #expect(defined.useSpan == nil && defined.location.usedAt == nil)
    // Below an alias, every node keeps the alias (`*b`, line 4) as where it is used...
    let direct = try #require(root["direct"])
    let uses = try #require(direct["steps"]?[0]?["uses"])
    #expect(direct.useSpan?.start == SourcePosition(line: 4, column: 9, offset: 40))
    #expect(uses.useSpan == direct.useSpan)
    #expect(uses.location.usedAt == direct.useSpan)
    // ...while its span, text and identity stay the anchored node's (edits, equality).
    #expect(uses.span == defined.span && uses.rawText == "x")
    #expect(uses == defined && !uses.isAlias)
    #expect(uses.location == defined.location)
    #expect(uses.location.useSite.span.start.line == 4 && uses.location.definition.usedAt == nil)
    #expect(root["plain"]?["steps"]?[0]?["uses"]?.useSpan == nil)
  }

  @Test func pairsCopiedByAMergeKeyKnowTheMergeAlias() throws {
    let result = load("""
      a: &a {x: 1, inner: {y: 2}}
      b: &b {z: 3}
      one: &one
        <<: *a
        own: 4
      two:
        <<: [*b, *a]
      three:
        <<: {w: 5}
      four: *one

      """)
    #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    let root = try #require(result.documents.first?.root)
    let one = try #require(root["one"])
    #expect(keys(one) == ["x", "inner", "own"])
    let x = try #require(one.pair(forKey: "x"))
    // The merged pair reads as before (not an alias, the anchored span)...
    #expect(!x.key.isAlias && !x.value.isAlias && x.value.span.start.line == 1)
    // ...and knows the `*a` of `<<: *a` (line 4) as where it is used, down to nested values.
    #expect(x.key.useSpan?.start.line == 4 && x.key.useSpan?.start.column == 7)
    #expect(x.value.useSpan == x.key.useSpan)
    #expect(one["inner"]?["y"]?.useSpan == x.key.useSpan)
    #expect(one["own"]?.useSpan == nil)
    // A merge of several aliases: each pair knows its own alias.
    let two = try #require(root["two"])
    #expect(two["z"]?.useSpan?.start.column == 8)
    #expect(two["x"]?.useSpan?.start.column == 12)
    // An inline merged mapping is written where it is used.
    #expect(root["three"]?["w"]?.useSpan == nil && root["three"]?["w"]?.value == .int(5))
    // Through an alias of a mapping with merged pairs, the outermost alias wins.
    #expect(root["four"]?["x"]?.useSpan?.start.line == 10)
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
