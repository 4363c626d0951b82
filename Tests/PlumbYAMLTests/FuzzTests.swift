import Foundation
import HostileInputs
import PlumbDiagnostics
import PlumbYAML
import Testing
import TestSupport

/// A deterministic fuzz run in the test suite (the libFuzzer targets are `scripts/fuzz.sh`, see
/// docs/fuzzing.md): seeded mutations of the loader's fixtures — byte flips, truncation, splicing,
/// YAML tokens, invalid UTF-8, deep nesting, huge scalars — loaded with the default and with tight
/// limits. Every case must load without trapping, with every diagnostic and every node inside the
/// file; neutral edits of a valid file (a comment line before it, one after it, CRLF line breaks)
/// must load the same tree, with positions shifted as the edit shifts them.
@Suite struct YAMLFuzzTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// The loader's own fixtures and the fuzz seeds (`fixtures/yaml`, `fixtures/fuzz/yaml`), plus a
  /// few inline ones.
  static let seeds: [(name: String, bytes: [UInt8])] = {
    var seeds: [(String, [UInt8])] = [
      ("empty", []),
      ("json", Array(#"{"a": [1, 2.5, "x", null, true, {"b": {}}], "c": "\u00e9"}"#.utf8)),
      ("multi", Array("--- a\n--- [b]\n...\n--- {c: d}\n".utf8)),
    ]
    for folder in ["fixtures/yaml", "fixtures/fuzz/yaml"] {
      let directory = repository.appendingPathComponent(folder).path
      let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
      for name in names.sorted() {
        if let data = FileManager.default.contents(atPath: directory + "/" + name) { seeds.append((name, Array(data))) }
      }
    }
    return seeds
  }()

  static let tokens: [String] = [
    "---\n", "...\n", "%YAML 1.2\n", "&a ", "*a", "<<: *a\n", "<<: [*a, *b]", "- ", "? ", ": ", "{", "}", "[", "]", ",",
    "\"", "'", "|\n", ">-\n", "|2\n", "#", "!!str ", "!!int ", "!!merge ", "!<tag:yaml.org,2002:str> ", "!e!x ", "~",
    "0x1F", "1e309", "99999999999999999999", "\t", "\r\n", "\r", "\n  ", "\\x", "\"\\u00e9\"", "\u{FEFF}", "é", "😀",
  ]

  @Test func seedsAreThere() {
    #expect(Self.seeds.count >= 15, "fixtures/yaml and fixtures/fuzz/yaml should be readable")
  }

  @Test func mutatedInputsLoadWithPositionedDiagnostics() {
    let tight = YAMLLimits(
      maxDocumentBytes: 1 << 20, maxDepth: 12, maxAliasExpansion: 200, aliasExpansionBytesPerFileByte: 2,
      minAliasExpansionBytes: 256, maxAliasExpansionBytes: 1 << 16)
    var mutator = Mutator(
      seed: 0x5EED_F00D, tokens: Self.tokens.map { Array($0.utf8) },
      nesting: [("[", "]"), ("{a: ", "}"), ("- ", ""), ("? ", ""), ("(", ")"), ("not ", "")], maxDepth: 2_000,
      maxRun: 40_000)
    var withErrors = 0
    for round in 0..<3000 {
      let seed = Self.seeds[round % Self.seeds.count].bytes
      let other = Self.seeds[Int.random(in: 0..<Self.seeds.count, using: &mutator.random)].bytes
      let input = mutator.mutate(seed, other: other)
      for limits in [YAMLLimits.default, tight] {
        let source = SourceFile(path: "case-\(round).yaml", bytes: input)
        let result = YAMLLoader(limits: limits).load(source)
        if result.hasErrors { withErrors += 1 }
        guard checkDiagnostics(result.diagnostics, source) && checkNodes(result, source) && checkCost(result) else {
          Issue.record("case \(round) (seed \(round % Self.seeds.count)): \(String(decoding: input.prefix(300), as: UTF8.self))")
          return
        }
      }
    }
    // The mutations must reach the error paths, not only re-load valid files.
    #expect(withErrors > 1000)
  }

  @Test func neutralEditsOfValidFilesLoadTheSame() throws {
    var checked = 0
    for (name, bytes) in Self.seeds where !bytes.isEmpty {
      let original = YAMLLoader().load(SourceFile(path: name, bytes: bytes))
      guard !original.hasErrors, !bytes.starts(with: [0xEF, 0xBB, 0xBF]) else { continue }
      let expected = dump(original)
      let edits: [(String, [UInt8], Int)] = [
        ("comment before", Array("# fuzz\n".utf8) + bytes, 1),
        ("comment after", bytes + Array("\n# fuzz\n".utf8), 0),
        ("CRLF", crlf(bytes), 0),
      ]
      for (edit, edited, shift) in edits {
        let result = YAMLLoader().load(SourceFile(path: name, bytes: edited))
        #expect(dump(result) == expected, "\(name), \(edit)")
        #expect(
          result.diagnostics.map { "\($0.code) \($0.message) \($0.location.map { $0.span.start.line - shift } ?? 0)" }
            == original.diagnostics.map { "\($0.code) \($0.message) \($0.location?.span.start.line ?? 0)" },
          "\(name), \(edit)")
      }
      checked += 1
    }
    #expect(checked >= 10)
  }

  // MARK: Hostile shapes against a model

  @Test func keyFloodsWithDuplicatesAndMergesMatchANaiveModel() throws {
    // Mappings of keys crafted to collide in the loader's table (so that most are sorted), with
    // repeated keys and merges of anchored mappings sprinkled in: the pairs and the duplicate
    // diagnostics must be what a quadratic model of the semantics says.
    var random = SplitMix64(state: 0xF100_D5EE_D001)
    var sorted = 0
    for round in 0..<60 {
      let size = 13 + Int(random.next() % 700)
      let pool = HostileYAML.collidingKeys(count: size + 40)
      func pick() -> String { pool[Int(random.next() % UInt64(pool.count))] }
      // Two anchored mappings to merge; the target's explicit keys, with repeats; one or two merges.
      let baseA = (0..<Int(random.next() % 40)).map { _ in pick() }
      let baseB = (0..<Int(random.next() % 40)).map { _ in pick() }
      var explicit = (0..<size).map { _ in pick() }
      if round % 3 == 0 { explicit = Array(pool.prefix(size)) }  // distinct: a pure flood
      let mergeAt = Int(random.next() % UInt64(explicit.count + 1))
      let merges: [[String]] = round % 4 == 0 ? [] : (round % 4 == 1 ? [baseA] : [baseA, baseB])
      // Anchored mappings keep their own last duplicates (the model of one mapping, below).
      func finish(_ keys: [String]) -> [(key: String, value: String)] {
        var firstIndex: [String: Int] = [:]
        var dropped = Set<Int>()
        for (j, key) in keys.enumerated() {
          if let i = firstIndex[key] { dropped.insert(i) } else { firstIndex[key] = j }
        }
        return keys.enumerated().filter { !dropped.contains($0.offset) }.map { ($0.element, "v\($0.offset)") }
      }
      var text = "a: &a\n" + (baseA.isEmpty ? "  {}\n" : "") + baseA.enumerated().map { "  \($0.element): v\($0.offset)\n" }.joined()
      text += "b: &b\n" + (baseB.isEmpty ? "  {}\n" : "") + baseB.enumerated().map { "  \($0.element): v\($0.offset)\n" }.joined()
      text += "target:\n"
      let mergeLine = merges.isEmpty ? nil : (merges.count == 1 ? "  <<: *a\n" : "  <<: [*a, *b]\n")
      for (j, key) in explicit.enumerated() {
        if j == mergeAt, let mergeLine { text += mergeLine }
        text += "  \(key): e\(j)\n"
      }
      if mergeAt == explicit.count, let mergeLine { text += mergeLine }
      let result = YAMLLoader().load(text: text, path: "flood-\(round).yaml")
      sorted += result.statistics.keyTableFallbacks

      // The model: explicit keys, each repeat reported against the first; the first of each
      // repeated key dropped; merged keys kept where they first occur after all explicit ones.
      var expectedDiagnostics: [String] = []
      var firstIndex: [String: Int] = [:]
      var dropped = Set<Int>()
      let targetLine = 3 + max(1, baseA.count) + max(1, baseB.count)  // the line of `target:`
      func line(ofExplicit j: Int) -> Int { targetLine + 1 + j + (mergeLine != nil && j >= mergeAt ? 1 : 0) }
      for (j, key) in explicit.enumerated() {
        if let i = firstIndex[key] {
          dropped.insert(i)
          expectedDiagnostics.append("\(line(ofExplicit: j)) first \(line(ofExplicit: i)) \(key)")
        } else {
          firstIndex[key] = j
        }
      }
      // Repeats inside the anchored mappings are reported too, at their own lines.
      var anchoredDiagnostics: [String] = []
      for (start, keys) in [(2, baseA), (3 + max(1, baseA.count), baseB)] {
        var seen: [String: Int] = [:]
        for (j, key) in keys.enumerated() {
          if let i = seen[key] { anchoredDiagnostics.append("\(start + j) first \(start + i) \(key)") } else { seen[key] = j }
        }
      }
      var present = Set(explicit)
      var mergedPairs: [(key: String, value: String)] = []
      for mapping in merges {
        for pair in finish(mapping) where !present.contains(pair.key) {
          present.insert(pair.key)
          mergedPairs.append(pair)
        }
      }
      var expected: [(key: String, value: String)] = []
      for j in 0...explicit.count {
        if j == mergeAt { expected += mergedPairs }
        if j < explicit.count && !dropped.contains(j) { expected.append((explicit[j], "e\(j)")) }
      }
      let target = try #require(result.documents.first?.root["target"], "round \(round)")
      let got = target.pairs.map { ($0.key.string ?? "?") + "=" + ($0.value.string ?? "?") }
      #expect(got == expected.map { $0.key + "=" + $0.value }, "round \(round)")
      let diagnostics = result.diagnostics.map { diagnostic in
        "\(diagnostic.location?.span.start.line ?? 0) first \(diagnostic.notes.first?.location?.span.start.line ?? 0) "
          + (diagnostic.message.split(separator: "'").dropFirst().first.map(String.init) ?? "")
      }
      #expect(result.diagnostics.allSatisfy { $0.code == "yaml.duplicate-key" }, "round \(round)")
      #expect(diagnostics.sorted() == (anchoredDiagnostics + expectedDiagnostics).sorted(), "round \(round)")
      // Whatever the keys, the work stays within the table's budget plus a sort.
      #expect(checkCost(result), "round \(round)")
    }
    // Most of the lists defeated the table and were sorted.
    #expect(sorted >= 40, "\(sorted)")
  }

  @Test func aliasByteBudgetsMatchAModel() throws {
    // Random anchors: a scalar of random length, or a flow sequence of earlier anchors' aliases
    // and scalars; then a sequence of random aliases. Loaded with a random exact byte budget, the
    // file loads when the model's total fits and otherwise stops at the first alias past it.
    var random = SplitMix64(state: 0xA11A_5B17_E5)
    var stopped = 0
    for round in 0..<300 {
      var bytes: [Int] = []  // each anchor's expanded scalar bytes
      var lines: [String] = []
      var aliasTotals: [(line: Int, column: Int, total: Int)] = []
      var total = 0
      func use(_ anchor: Int, line: Int, column: Int) {
        total += bytes[anchor]
        aliasTotals.append((line, column, total))
      }
      let anchors = 1 + Int(random.next() % 6)
      for a in 0..<anchors {
        if a == 0 || random.next() % 3 == 0 {
          let length = Int(random.next() % 300)
          lines.append("a\(a): &a\(a) \"" + String(repeating: "s", count: length) + "\"")
          bytes.append(length)
        } else {
          var items: [String] = []
          var column = "a\(a): &a\(a) [".count + 1
          var size = 0
          for _ in 0..<(1 + Int(random.next() % 5)) {
            if random.next() % 4 == 0 {
              items.append("t")
              size += 1
              column += 3
            } else {
              let target = Int(random.next() % UInt64(a))
              items.append("*a\(target)")
              use(target, line: lines.count + 1, column: column)
              size += bytes[target]
              column += "*a\(target), ".count
            }
          }
          lines.append("a\(a): &a\(a) [" + items.joined(separator: ", ") + "]")
          bytes.append(size + 0)
        }
      }
      var column = "uses: [".count + 1
      var items: [String] = []
      for _ in 0..<Int(random.next() % 12) {
        let target = Int(random.next() % UInt64(anchors))
        items.append("*a\(target)")
        use(target, line: lines.count + 1, column: column)
        column += "*a\(target), ".count
      }
      lines.append("uses: [" + items.joined(separator: ", ") + "]")
      // Keys ("a0", "uses") are outside every anchored value, so they count nothing.
      let budget = Int(random.next() % UInt64(max(1, total + total / 4 + 1)))
      let limits = YAMLLimits(aliasExpansionBytesPerFileByte: 0, minAliasExpansionBytes: budget, maxAliasExpansionBytes: .max)
      let result = YAMLLoader(limits: limits).load(text: lines.joined(separator: "\n") + "\n", path: "aliases-\(round).yaml")
      if let over = aliasTotals.first(where: { $0.total > budget }) {
        stopped += 1
        #expect(result.diagnostics.map(\.code) == ["yaml.alias-bytes"], "round \(round)")
        #expect(result.diagnostics.first?.location?.span.start.line == over.line, "round \(round)")
        #expect(result.diagnostics.first?.location?.span.start.column == over.column, "round \(round)")
        #expect(result.statistics.aliasExpandedBytes == over.total, "round \(round)")
      } else {
        #expect(result.diagnostics.isEmpty, "round \(round): \(result.diagnostics)")
        #expect(result.statistics.aliasExpandedBytes == total, "round \(round)")
      }
    }
    #expect(stopped > 50 && stopped < 280, "\(stopped)")
  }

  // MARK: Invariants

  func checkDiagnostics(_ diagnostics: [Diagnostic], _ source: SourceFile) -> Bool {
    for diagnostic in diagnostics {
      guard let location = diagnostic.location, location.path == source.path else {
        Issue.record("diagnostic without a place in the file: \(diagnostic)")
        return false
      }
      let spans = [location.span] + diagnostic.notes.compactMap(\.location?.span)
      for span in spans where !inside(span, source) {
        Issue.record("\(diagnostic.code) at \(span) outside the file (\(source.bytes.count) bytes, \(source.lineStarts.count) lines)")
        return false
      }
    }
    return true
  }

  /// The key lookups took at most O(n log n) work (docs/yaml-loader.md, "What keys cost").
  func checkCost(_ result: YAMLLoadResult) -> Bool {
    let n = result.statistics.keysLooked
    let bound = 12 * n + 2 * n * (Int.bitWidth - n.leadingZeroBitCount)
    guard result.statistics.keyWork <= bound else {
      Issue.record("key work \(result.statistics.keyWork) for \(n) keys, more than \(bound)")
      return false
    }
    return true
  }

  func inside(_ span: SourceSpan, _ source: SourceFile) -> Bool {
    span.start.offset >= 0 && span.start.offset <= span.end.offset && span.end.offset <= source.bytes.count
      && span.start.line >= 1 && span.start.line <= source.lineStarts.count && span.start.column >= 1
      && source.position(ofOffset: span.start.offset) == span.start
  }

  func checkNodes(_ result: YAMLLoadResult, _ source: SourceFile) -> Bool {
    for document in result.documents {
      guard inside(document.span, source) else {
        Issue.record("document span \(document.span) outside the file")
        return false
      }
      var stack = [document.root]
      var seen = Set<Int>()
      while let node = stack.popLast() {
        guard seen.insert(node.index).inserted else { continue }
        guard inside(node.span, source), node.byteRange == node.span.byteRange else {
          Issue.record("node \(node.index) at \(node.span) outside the file")
          return false
        }
        switch node.kind {
        case .scalar:
          _ = node.string
          _ = node.value
        case .sequence: stack.append(contentsOf: node.elements)
        case .mapping:
          for pair in node.pairs {
            stack.append(pair.key)
            stack.append(pair.value)
          }
        }
      }
    }
    return true
  }

  /// The documents as text, without positions: kinds, tags, scalar types and values, in order.
  func dump(_ result: YAMLLoadResult) -> String {
    var out = ""
    var stack = result.documents.reversed().map { ($0.root, 0) }
    while let (node, depth) = stack.popLast(), out.utf8.count < 1 << 20 {
      out += String(repeating: " ", count: depth) + "\(node.kind) \(node.tag ?? "")"
      switch node.kind {
      case .scalar: out += " \(String(describing: node.scalarType)) \(node.string ?? "")\n"
      case .sequence:
        out += "\n"
        stack += node.elements.reversed().map { ($0, depth + 1) }
      case .mapping:
        out += "\n"
        stack += node.pairs.reversed().flatMap { [($0.key, depth + 1), ($0.value, depth + 2)].reversed() }
      }
    }
    return out
  }

  func crlf(_ bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    for (i, byte) in bytes.enumerated() {
      if byte == 0x0A && (i == 0 || bytes[i - 1] != 0x0D) { out.append(0x0D) }
      out.append(byte)
    }
    return out
  }
}
