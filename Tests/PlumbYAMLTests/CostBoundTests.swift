import Foundation
import HostileInputs
import PlumbDiagnostics
import Testing

@_spi(HostileInputs) @testable import PlumbYAML

/// Hostile shapes whose cost used to grow faster than their size: keys crafted to collide in the
/// loader's key table, merges over huge mappings, aliases that name much text. Each is bounded
/// by a work count the loader reports (``YAMLLoadStatistics``) or stopped by a limit error,
/// never timed.
@Suite struct CostBoundTests {
  func load(_ text: String, limits: YAMLLimits = .default) -> YAMLLoadResult {
    YAMLLoader(limits: limits).load(text: text, path: "hostile.yaml")
  }

  /// The work a mapping of `n` keys may take at most: the table's budget on the fast path, again
  /// in `finishMapping`, then a sort.
  func sortBound(_ n: Int) -> Int {
    let log2n = Int.bitWidth - (n - 1).leadingZeroBitCount
    return 2 * (TreeBuilder.probesPerKey * n + TreeBuilder.probeSlack) + 2 * n * log2n + n
  }

  // MARK: Hash flooding

  /// Linear probing of the keys' home slots in the table the loader gives `keys.count` keys, with
  /// no budget: the probes that inserting them would take.
  func unboundedProbes(_ keys: [String]) -> Int {
    let size = LoaderKeyHash.tableSize(keyCount: keys.count)
    var occupied = [Bool](repeating: false, count: size)
    var probes = 0
    for key in keys {
      var key = key
      let hash = key.withUTF8 { LoaderKeyHash.hash($0) }
      var slot = LoaderKeyHash.homeSlot(hash: hash, tableSize: size)
      while occupied[slot] {
        probes += 1
        slot = (slot + 1) & (size - 1)
      }
      occupied[slot] = true
    }
    return probes
  }

  @Test func theCraftedKeysDefeatTheLoadersHashTable() {
    // The generator finds the hash's weakness: without a budget, its keys cost quadratic probes,
    // keys of the same shape in order a few per key.
    let n = 20_000
    let crafted = HostileYAML.collidingKeys(count: n)
    #expect(Set(crafted).count == n)
    #expect(unboundedProbes(crafted) > n * n / 4, "\(unboundedProbes(crafted))")
    #expect(unboundedProbes(HostileYAML.ordinaryKeys(count: n)) < 2 * n)
  }

  @Test func aHashFloodIsSortedWithinAnNLogNBudget() throws {
    let n = 20_000
    let keys = HostileYAML.collidingKeys(count: n)
    let result = load(HostileYAML.mapping(keys: keys))
    #expect(result.diagnostics.isEmpty, "\(result.diagnostics.prefix(3))")
    let root = try #require(result.documents.first?.root)
    #expect(root.pairs.map { $0.key.string ?? "" } == keys)
    let statistics = result.statistics
    #expect(statistics.keysLooked == n)
    #expect(statistics.keyTableFallbacks == 1)
    // Unbounded, these keys take more than n²/4 = 100,000,000 probes.
    #expect(statistics.keyWork <= sortBound(n), "\(statistics.keyWork) > \(sortBound(n))")

    // Ordinary keys of the same shape stay in the table, at a few probes per key.
    let ordinary = load(HostileYAML.mapping(keys: HostileYAML.ordinaryKeys(count: n))).statistics
    #expect(ordinary.keyTableFallbacks == 0)
    #expect(ordinary.keyWork <= 2 * n, "\(ordinary.keyWork)")
  }

  @Test func aFloodedMappingStillReportsItsDuplicatesLikeTheTable() throws {
    // The same duplicates of every kind of key, among crafted keys (sorted) and alone (pairwise
    // and table): same diagnostics, same pairs.
    let duplicates = [
      "16: a", "0x10: b", ".nan: c", ".nan: d", "~: e", "null: f", "true: g", "True: h", "1.0: i", "1.00: j",
      "'1': k", "1: l", "-0.0: m", "0.0: n", "? [x]\n: o", "? [x]\n: p", "99999999999999999999: q",
      "99999999999999999999.0: r", "dup: s", "other: t", "dup: u", "dup: v",
    ].joined(separator: "\n") + "\n"
    let crafted = HostileYAML.collidingKeys(count: 4_000)
    let flooded = load(HostileYAML.mapping(keys: crafted) + duplicates)
    #expect(flooded.statistics.keyTableFallbacks == 1)
    /// The diagnostics, with lines counted from the first line of `duplicates`.
    func describe(_ result: YAMLLoadResult, linesBefore: Int) -> [String] {
      result.diagnostics.map { diagnostic in
        let line = (diagnostic.location?.span.start.line ?? 0) - linesBefore
        let note = (diagnostic.notes.first?.location?.span.start.line ?? 0) - linesBefore
        return "\(diagnostic.code) \(diagnostic.message) at \(line), first at \(note)"
      }
    }
    let ordinaryKeys = HostileYAML.ordinaryKeys(count: 4_000)
    for (name, prefix, linesBefore) in [("ordinary keys", HostileYAML.mapping(keys: ordinaryKeys), 4_000), ("alone", "", 0)] {
      let plain = load(prefix + duplicates)
      #expect(plain.statistics.keyTableFallbacks == 0, "\(name)")
      #expect(describe(flooded, linesBefore: 4_000) == describe(plain, linesBefore: linesBefore), "\(name)")
      let floodedTail = try #require(flooded.documents.first?.root).pairs.suffix(16).map { $0.value.string ?? "-" }
      let plainTail = try #require(plain.documents.first?.root).pairs.suffix(16).map { $0.value.string ?? "-" }
      #expect(floodedTail == plainTail, "\(name)")
    }
    // The duplicates, once: 16/0x10, ~/null, true/True, 1.0/1.00, -0.0/0.0, [x] (the same
    // anchorless collection is two keys, not one), and dup three times.
    #expect(
      flooded.diagnostics.map { $0.message } == [
        "duplicate key '0x10' in mapping; the later value is used",
        "duplicate key 'null' in mapping; the later value is used",
        "duplicate key 'True' in mapping; the later value is used",
        "duplicate key '1.00' in mapping; the later value is used",
        "duplicate key '0.0' in mapping; the later value is used",
        "duplicate key 'dup' in mapping; the later value is used",
        "duplicate key 'dup' in mapping; the later value is used",
      ])
  }

  @Test func keyedLookupsOfLargeMappingsAgreeWithAScan() throws {
    // Large mappings are searched through a sorted index: every key, absent keys, keys that are
    // prefixes of others, the empty key, aliased keys, collection keys and a key written three
    // times (two of them kept) must give the pair a scan of the pairs gives.
    var text = "anchor: &k aliased-key\nbig:\n"
    let keys = HostileYAML.collidingKeys(count: 300)
    for (i, key) in keys.enumerated() { text += "  \(key): \(i)\n" }
    text += "  '': empty\n  ? [a, b]\n  : collection\n  *k : through-alias\n  key-0: prefix\n  key-00: longer\n"
    text += "  tripled: one\n  tripled: two\n  tripled: three\n  16: int\n  '16': string\n"
    let result = load(text)
    let big = try #require(result.documents.first?.root["big"])
    #expect(big.count >= YAMLTree.indexedPairs)
    func scan(_ key: String) -> YAMLNode? {
      big.pairs.first { $0.key.kind == .scalar && $0.key.scalarEquals(key) }?.value
    }
    let probes = keys + ["", "aliased-key", "key-0", "key-00", "key-000", "tripled", "16", "absent", "key-", "zzzz", "a"]
    for key in probes {
      #expect(big[key]?.index == scan(key)?.index, "\(key)")
      #expect(big[key] != nil || scan(key) == nil, "\(key)")
    }
    #expect(big["aliased-key"]?.string == "through-alias")
    #expect(big["tripled"]?.string == "two")
    #expect(big["16"]?.string == "int")
    #expect(big["absent"] == nil)
    // On a fresh tree, concurrent first lookups build the index once and agree.
    let expected = Dictionary(uniqueKeysWithValues: probes.map { ($0, scan($0)?.index ?? -1) })
    let fresh = try #require(load(text).documents.first?.root["big"])
    DispatchQueue.concurrentPerform(iterations: 8) { round in
      for key in probes.shuffled() where (fresh[key]?.index ?? -1) != expected[key] {
        Issue.record("round \(round): \(key)")
      }
    }
  }

  // MARK: Merge keys

  @Test func aMergeOverManyKeysIsLinear() throws {
    let n = 20_000
    for nested in [false, true] {
      let result = load(HostileYAML.mergeOverKeys(count: n, nested: nested))
      #expect(result.diagnostics.isEmpty, "\(result.diagnostics.prefix(3))")
      let merged = try #require(result.documents.first?.root["merged"])
      // Every key of `base`, `key-000000` from the explicit key (explicit keys win), and the
      // middle level's own key.
      #expect(merged.count == n + (nested ? 1 : 0))
      #expect(merged["key-000000"]?.string == "explicit")
      #expect(merged["key-000001"]?.value == .int(1))
      #expect(merged.pairs.last?.key.string == "key-000000")
      #expect(merged["only-in-middle"]?.value == (nested ? .int(2) : nil))
      let statistics = result.statistics
      #expect(statistics.keyTableFallbacks == 0)
      // `base` once, then its keys again for each merge: linear, a few probes per key. (Before,
      // each merged key was compared with every key merged before it: n²/2.)
      #expect(statistics.keysLooked <= (nested ? 3 : 2) * n + 8)
      #expect(statistics.keyWork <= 2 * statistics.keysLooked, "\(statistics.keyWork)")
    }
  }

  @Test func mergesOfCraftedKeysAreBoundedToo() throws {
    let n = 8_000
    let keys = HostileYAML.collidingKeys(count: 2 * n + 16)
    // Crafted for a list of 2n + 16 keys: the merge's list (n explicit, n merged, some repeated).
    let text =
      "base: &base\n" + HostileYAML.mapping(keys: Array(keys[n...]), indent: 2) + "merged:\n  <<: *base\n"
      + HostileYAML.mapping(keys: Array(keys[..<n]) + [keys[n]], indent: 2)
    let result = load(text)
    #expect(result.diagnostics.isEmpty, "\(result.diagnostics.prefix(3))")
    let merged = try #require(result.documents.first?.root["merged"])
    #expect(merged.count == 2 * n + 16)
    #expect(result.statistics.keyWork <= sortBound(result.statistics.keysLooked))
  }

  // MARK: Alias expansion in bytes

  /// The byte budget of a file of `text`'s size.
  func budget(_ text: String, _ limits: YAMLLimits = .default) -> Int {
    limits.aliasExpansionByteBudget(fileBytes: text.utf8.count)
  }

  @Test func theByteBudgetIsAMultipleOfTheFileWithAFloorAndACeiling() {
    let limits = YAMLLimits.default
    #expect(limits.aliasExpansionByteBudget(fileBytes: 0) == 1 << 20)
    #expect(limits.aliasExpansionByteBudget(fileBytes: 1_000) == 1 << 20)
    #expect(limits.aliasExpansionByteBudget(fileBytes: 1_000_000) == 16_000_000)
    #expect(limits.aliasExpansionByteBudget(fileBytes: 100 << 20) == 256 << 20)
    #expect(limits.aliasExpansionByteBudget(fileBytes: .max) == 256 << 20)
  }

  @Test func aLargeScalarUsedManyTimesStopsAtTheByteBudget() throws {
    let size = 100_000
    let text = HostileYAML.aliasedScalar(bytes: size, aliases: 200)
    let result = load(text)
    #expect(result.diagnostics.count == 1, "\(result.diagnostics)")
    let diagnostic = try #require(result.diagnostics.first)
    #expect(diagnostic.code == "yaml.alias-bytes")
    #expect(diagnostic.severity == .error)
    #expect(
      diagnostic.message
        == "aliases expand to more than \(budget(text)) bytes of text, the limit for this \(text.utf8.count)-byte file (16 times its size, at least 1048576, at most 268435456 bytes); refusing to expand further"
    )
    // The first alias past the budget: `uses: [*big, *big, …]`, each `*big` 6 bytes apart.
    let first = budget(text) / size + 1
    #expect(diagnostic.location?.span.start.line == 2)
    #expect(diagnostic.location?.span.start.column == 8 + 6 * (first - 1))
    #expect(diagnostic.location?.span.end.column == 12 + 6 * (first - 1))
    #expect(result.documents.isEmpty)
    // The node budget alone (one node per alias) would have let it through.
    #expect(result.statistics.aliasExpandedNodes == first)
  }

  @Test func aliasesWithinTheByteBudgetLoadAndCountTheirBytes() throws {
    let text = HostileYAML.aliasedScalar(bytes: 100_000, aliases: 10)
    let result = load(text)
    #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    #expect(result.statistics.aliasExpandedBytes == 1_000_000)
    #expect(result.documents.first?.root["uses"]?[9]?.string?.utf8.count == 100_000)
  }

  @Test func theByteBudgetCountsAliasesInsideAliasedNodes() throws {
    // `b` holds four aliases of `a` (3 + 1000 + 1000 bytes each, keys included); each `*b`
    // counts b's whole expansion.
    let value = String(repeating: "v", count: 1_000)
    let text = "a: &a {key: \(value), k2: \(value)}\nb: &b [*a, *a, *a, *a]\nc: [*b, *b]\n"
    let exact = YAMLLimits(aliasExpansionBytesPerFileByte: 0, minAliasExpansionBytes: 24_060, maxAliasExpansionBytes: .max)
    let result = load(text, limits: exact)
    #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    // 4 × 2005 for b's aliases, then 2 × 8020 for c's.
    #expect(result.statistics.aliasExpandedBytes == 4 * 2_005 + 2 * 8_020)
    #expect(result.statistics.aliasExpandedBytes == 24_060)
    // One byte fewer, and the second `*b` is one too many.
    var tight = exact
    tight.minAliasExpansionBytes = 24_059
    let over = load(text, limits: tight)
    #expect(over.diagnostics.map(\.code) == ["yaml.alias-bytes"])
    #expect(over.diagnostics.first?.location?.span.start.line == 3)
    #expect(over.diagnostics.first?.location?.span.start.column == 9)
  }

  @Test func aLongScriptSharedByManyStepsStopsAtTheByteBudget() throws {
    let text = HostileYAML.aliasedScriptWorkflow(scriptBytes: 200_000, steps: 2_500)
    let result = load(text)
    #expect(result.diagnostics.map(\.code) == ["yaml.alias-bytes"])
    let diagnostic = try #require(result.diagnostics.first)
    // At the first `*script` past the budget: the steps start on the line after the script.
    let scriptLines = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("*script") }
    let script = result.statistics.aliasExpandedBytes / max(1, result.statistics.aliasExpandedNodes)
    #expect(script >= 200_000 && script < 200_100)
    let stepsAllowed = budget(text) / script
    #expect(diagnostic.location?.span.start.line == (scriptLines ?? 0) + 1 + stepsAllowed)
    #expect(diagnostic.location?.span.start.column == 14)
  }

  // MARK: Encodings

  @Test func everyUnicodeEncodingButUTF8IsNamedAndRefused() throws {
    func encode(_ text: String, _ width: Int, little: Bool) -> [UInt8] {
      var bytes: [UInt8] = []
      for scalar in text.unicodeScalars {
        let units: [UInt32] = width == 2 ? String(scalar).utf16.map { UInt32($0) } : [scalar.value]
        for unit in units {
          var unitBytes = (0..<width).map { UInt8(truncatingIfNeeded: unit >> (8 * UInt32($0))) }
          if !little { unitBytes.reverse() }
          bytes += unitBytes
        }
      }
      return bytes
    }
    let cases: [(name: String, bytes: [UInt8], message: String, length: Int)] = [
      ("UTF-32 LE", encode("\u{FEFF}a: 1\n", 4, little: true), "UTF-32 little-endian (it starts with a UTF-32 little-endian byte order mark)", 4),
      ("UTF-32 BE", encode("\u{FEFF}a: 1\n", 4, little: false), "UTF-32 big-endian (it starts with a UTF-32 big-endian byte order mark)", 4),
      ("UTF-16 LE", encode("\u{FEFF}a: 1\n", 2, little: true), "UTF-16 little-endian (it starts with a UTF-16 little-endian byte order mark)", 2),
      ("UTF-16 BE", encode("\u{FEFF}a: 1\n", 2, little: false), "UTF-16 big-endian (it starts with a UTF-16 big-endian byte order mark)", 2),
      ("UTF-32 LE, no mark", encode("a: 1\n", 4, little: true), "UTF-32 little-endian (no byte order mark, but its first character is four bytes, three of them NUL)", 4),
      ("UTF-32 BE, no mark", encode("a: 1\n", 4, little: false), "UTF-32 big-endian (no byte order mark, but its first character is four bytes, three of them NUL)", 4),
      ("UTF-16 LE, no mark", encode("a: 1\n", 2, little: true), "UTF-16 little-endian (no byte order mark, but its first character is two bytes, one of them NUL)", 2),
      ("UTF-16 BE, no mark", encode("a: 1\n", 2, little: false), "UTF-16 big-endian (no byte order mark, but its first character is two bytes, one of them NUL)", 2),
    ]
    for testCase in cases {
      let result = YAMLLoader().load(SourceFile(path: "encoded.yaml", bytes: testCase.bytes))
      #expect(result.diagnostics.count == 1, "\(testCase.name)")
      let diagnostic = try #require(result.diagnostics.first)
      #expect(diagnostic.code == "yaml.encoding", "\(testCase.name)")
      #expect(diagnostic.message == "file is \(testCase.message); Plumb reads UTF-8 only", "\(testCase.name)")
      #expect(diagnostic.location?.span.start.offset == 0 && diagnostic.location?.span.end.offset == testCase.length)
      #expect(result.documents.isEmpty, "\(testCase.name)")
    }
    // UTF-8, with or without its byte order mark, loads.
    for bytes in [Array("a: 1\n".utf8), [0xEF, 0xBB, 0xBF] + Array("a: 1\n".utf8)] {
      let result = YAMLLoader().load(SourceFile(path: "utf8.yaml", bytes: bytes))
      #expect(result.diagnostics.isEmpty)
      #expect(result.documents.first?.root["a"]?.value == .int(1))
    }
    // A single byte is too short to say.
    #expect(YAMLLoader().load(SourceFile(path: "one.yaml", bytes: [0x61])).diagnostics.isEmpty)
  }
}
