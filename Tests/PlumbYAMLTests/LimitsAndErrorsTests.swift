import Foundation
import PlumbDiagnostics
import PlumbYAML
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Hostile and broken inputs: every limit and every kind of failure is a positioned diagnostic
/// with the right code, never a crash, a hang or unbounded memory. Big inputs are generated here.
@Suite(.timeLimit(.minutes(1))) struct LimitsAndErrorsTests {

  // MARK: Helpers

  /// The only diagnostic of `result`, which must have `code`.
  func single(_ result: YAMLLoadResult, _ code: String, sourceLocation: Testing.SourceLocation = #_sourceLocation)
    throws -> Diagnostic
  {
    #expect(result.diagnostics.count == 1, "\(result.diagnostics)", sourceLocation: sourceLocation)
    let diagnostic = try #require(result.diagnostics.first, sourceLocation: sourceLocation)
    #expect(diagnostic.code == code, "\(diagnostic)", sourceLocation: sourceLocation)
    #expect(diagnostic.severity == .error, sourceLocation: sourceLocation)
    #expect(result.hasErrors, sourceLocation: sourceLocation)
    return diagnostic
  }

  func start(_ diagnostic: Diagnostic) -> PlumbDiagnostics.SourcePosition? { diagnostic.location?.span.start }

  func position(_ line: Int, _ column: Int, _ offset: Int) -> PlumbDiagnostics.SourcePosition {
    PlumbDiagnostics.SourcePosition(line: line, column: column, offset: offset)
  }

  /// Runs `body` and returns how long it took.
  func timed<R>(_ body: () throws -> R) rethrows -> (R, Duration) {
    let clock = ContinuousClock()
    let begin = clock.now
    let result = try body()
    return (result, clock.now - begin)
  }

  /// The process's peak resident set size, in bytes.
  func peakResidentBytes() -> Int {
    var usage = rusage()
    #if canImport(Glibc)
      getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    #else
      getrusage(RUSAGE_SELF, &usage)
    #endif
    return Int(usage.ru_maxrss) * 1024
  }

  /// A fresh temporary directory (the caller removes it).
  func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-limits-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  // MARK: Alias expansion ("billion laughs")

  /// `a` is a sequence of 10 strings; each of the 9 following levels is 10 aliases of the previous
  /// level: fully expanded that is 10^10 strings.
  static let billionLaughs: String = {
    var lines = [#"a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]"#]
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
    for level in 1...9 {
      let aliases = Array(repeating: "*\(names[level - 1])", count: 10).joined(separator: ", ")
      lines.append("\(names[level]): &\(names[level]) [\(aliases)]")
    }
    return lines.joined(separator: "\n") + "\n"
  }()

  @Test func billionLaughsHitsTheAliasBudgetQuicklyWithBoundedMemory() throws {
    let before = peakResidentBytes()
    // With the default limits the byte budget (1 MiB for a small file) stops it first: each `*e`
    // names 111,111 nodes but 300,000 bytes of "lol", so the fourth one on line 6 is past it.
    let defaults = YAMLLoader().load(text: Self.billionLaughs, path: "laughs.yaml")
    #expect(defaults.diagnostics.map(\.code) == ["yaml.alias-bytes"])
    #expect(defaults.diagnostics.first?.location?.span.start.line == 6)
    #expect(defaults.documents.isEmpty)
    // Without the byte budget, the node budget stops it.
    let nodesOnly = YAMLLoader(limits: YAMLLimits(minAliasExpansionBytes: .max, maxAliasExpansionBytes: .max))
    let (result, elapsed) = timed { nodesOnly.load(text: Self.billionLaughs, path: "laughs.yaml") }
    let diagnostic = try single(result, "yaml.alias-budget")
    // Expanded sizes: a = 11 nodes, b = 111, c = 1111, d = 11111, e = 111111. The aliases of lines
    // 2...5 use 10 * (11 + 111 + 1111 + 11111) = 123440 nodes; each '*e' on line 6 adds 111111,
    // so the 8th one (123440 + 8 * 111111 = 1012328) is the first past the 1,000,000 budget.
    // Line 6 is "f: &f [*e, *e, ...]": the 8th '*e' is at column 8 + 7 * 4 = 36.
    let lineStart = Self.billionLaughs.utf8.split(separator: UInt8(ascii: "\n")).prefix(5).reduce(0) { $0 + $1.count + 1 }
    #expect(start(diagnostic) == position(6, 36, lineStart + 35))
    #expect(diagnostic.location?.span.end == position(6, 38, lineStart + 37))
    #expect(diagnostic.location?.path == "laughs.yaml")
    #expect(diagnostic.message.contains("1000000"))
    // Loading stopped in the first document: nothing half-built is returned.
    #expect(result.documents.isEmpty)
    #expect(elapsed < .seconds(2), "took \(elapsed)")
    // Expanding the aliases would need 10^10 nodes, and even 10^8 nodes would be gigabytes. (The
    // bound is loose because other tests run in the same process at the same time.)
    #expect(peakResidentBytes() - before < 512 << 20, "peak RSS grew by \(peakResidentBytes() - before) bytes")
  }

  @Test func aliasesAreNotCopiedWhenTheBudgetAllowsThem() throws {
    // Eight lines (`h` alone expands to 10^8 strings) under an unlimited budget: aliases stay
    // references to their anchors, nothing is copied.
    let text = Self.billionLaughs.split(separator: "\n").prefix(8).joined(separator: "\n") + "\n"
    let loader = YAMLLoader(
      limits: YAMLLimits(maxAliasExpansion: .max, minAliasExpansionBytes: .max, maxAliasExpansionBytes: .max))
    let (result, elapsed) = timed { loader.load(text: text, path: "laughs.yaml") }
    #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    let root = try #require(result.documents.first?.root)
    #expect(root.tree.nodeCount < 200)
    let h = try #require(root["h"])
    #expect(h.count == 10 && h[9]?[9]?[9]?[9]?[9]?[9]?[9]?[9]?.string == "lol")
    #expect(elapsed < .seconds(2), "took \(elapsed)")
  }

  @Test func aliasBudgetIsCountedAcrossTheFileAndExactlyAtTheLimitLoads() throws {
    // `*a` expands to 3 nodes (the sequence and its two strings).
    let text = "a: &a [x, y]\nb: *a\nc: *a\n"
    let atLimit = YAMLLoader(limits: YAMLLimits(maxAliasExpansion: 6)).load(text: text)
    #expect(atLimit.diagnostics.isEmpty, "\(atLimit.diagnostics)")
    let over = YAMLLoader(limits: YAMLLimits(maxAliasExpansion: 5)).load(text: text)
    let diagnostic = try single(over, "yaml.alias-budget")
    #expect(start(diagnostic) == position(3, 4, 22))
  }

  // MARK: Nesting depth

  @Test func hundredThousandDeepFlowSequenceFailsWithDepth() throws {
    let depth = 100_000
    let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
    let (result, elapsed) = timed { YAMLLoader().load(text: text, path: "deep.json") }
    let diagnostic = try single(result, "yaml.depth")
    // The 257th '[' is the first one past the default limit of 256.
    #expect(start(diagnostic) == position(1, 257, 256))
    #expect(diagnostic.location?.span.end == position(1, 258, 257))
    #expect(diagnostic.message == "nesting deeper than 256 levels")
    #expect(result.documents.isEmpty)
    #expect(elapsed < .seconds(2), "took \(elapsed)")
  }

  @Test func hundredThousandDeepBlockMappingFailsWithDepth() throws {
    // `? ` opens a block mapping whose key is the next block mapping, all on one line: a
    // 100,000-deep block mapping in 200 KB (indented `k:` lines would take 5 GB).
    let depth = 100_000
    let text = String(repeating: "? ", count: depth) + "leaf\n"
    let (result, elapsed) = timed { YAMLLoader().load(text: text, path: "deep.yaml") }
    let diagnostic = try single(result, "yaml.depth")
    #expect(start(diagnostic) == position(1, 513, 512))
    #expect(result.documents.isEmpty)
    #expect(elapsed < .seconds(2), "took \(elapsed)")

    // The usual indented form (`k:` lines, one more space each), 300 levels.
    var lines: [String] = []
    for level in 0..<300 { lines.append(String(repeating: " ", count: level) + "k:") }
    let indented = lines.joined(separator: "\n") + "\n"
    let blockDiagnostic = try single(YAMLLoader().load(text: indented, path: "deep.yaml"), "yaml.depth")
    // The 257th mapping starts at its first key, line 257 column 257.
    let offset = (0..<256).reduce(0) { $0 + $1 + 3 } + 256
    #expect(start(blockDiagnostic) == position(257, 257, offset))
  }

  /// `levels` nested flow sequences around a scalar.
  func flowSequences(_ levels: Int) -> String {
    String(repeating: "[", count: levels) + "x" + String(repeating: "]", count: levels) + "\n"
  }

  /// `levels` nested block mappings (`k:` lines, one more space each), the last holding `v`.
  func blockMappings(_ levels: Int) -> String {
    (0..<levels).map { String(repeating: " ", count: $0) + "k:" + ($0 == levels - 1 ? " v" : "") }
      .joined(separator: "\n") + "\n"
  }

  @Test func depthExactlyAtTheLimitLoadsAndOneMoreFails() throws {
    let loader = YAMLLoader()
    #expect(YAMLLimits.default.maxDepth == 256)

    let flow = loader.load(text: flowSequences(256))
    #expect(flow.diagnostics.isEmpty, "\(flow.diagnostics)")
    var node = try #require(flow.documents.first?.root)
    for _ in 0..<256 {
      #expect(node.kind == .sequence && node.count == 1)
      node = try #require(node[0])
    }
    #expect(node.string == "x")
    let flowOver = try single(loader.load(text: flowSequences(257)), "yaml.depth")
    #expect(start(flowOver) == position(1, 257, 256))

    let block = loader.load(text: blockMappings(256))
    #expect(block.diagnostics.isEmpty, "\(block.diagnostics)")
    node = try #require(block.documents.first?.root)
    for _ in 0..<256 {
      #expect(node.kind == .mapping && node.count == 1)
      node = try #require(node["k"])
    }
    #expect(node.string == "v")
    let blockOver = try single(loader.load(text: blockMappings(257)), "yaml.depth")
    let offset = (0..<256).reduce(0) { $0 + $1 + 3 } + 256
    #expect(start(blockOver) == position(257, 257, offset))

    // Limits other than the default are honoured the same way.
    let small = YAMLLoader(limits: YAMLLimits(maxDepth: 3))
    #expect(small.load(text: "a: [{b: 1}]\n").diagnostics.isEmpty)
    let smallOver = try single(small.load(text: "a: [{b: [1]}]\n"), "yaml.depth")
    #expect(start(smallOver) == position(1, 9, 8))
  }

  @Test func deepNestingLoadsWithoutStackOverflowWhenAllowed() throws {
    // The loader and libyaml are iterative: with the limit raised, depth costs memory, not stack.
    // (Not 100,000 here: libyaml rescans its open flow levels on every token, so very deep flow
    // nesting is quadratic in libyaml itself, ~1 minute for 100,000; the default limit bounds it.)
    let loader = YAMLLoader(limits: YAMLLimits(maxDepth: 20_000))
    let result = loader.load(text: flowSequences(10_000), path: "deep.json")
    #expect(result.diagnostics.isEmpty, "\(result.diagnostics.prefix(3))")
    var node = try #require(result.documents.first?.root)
    var levels = 0
    while node.kind == .sequence, let inner = node[0] {
      levels += 1
      node = inner
    }
    #expect(levels == 10_000)
    #expect(node.string == "x")
    // No bound on the time: libyaml's own cost is what grows here (quadratic in the flow depth,
    // which the default depth limit bounds), and a wall-clock bound failed on a busy machine.
  }

  // MARK: Document size

  @Test func documentLargerThanTheLimitFailsWithDocumentSize() throws {
    let loader = YAMLLoader(limits: YAMLLimits(maxDocumentBytes: 1024))
    let line = "key: value\n"  // 11 bytes
    let big = String(repeating: line, count: 200)  // 2200 bytes

    let inMemory = try single(loader.load(text: big, path: "big.yaml"), "yaml.document-size")
    #expect(inMemory.message == "file is 2200 bytes, more than the limit of 1024 bytes")
    #expect(start(inMemory) == position(1, 1, 0))
    #expect(inMemory.location?.path == "big.yaml")

    // Exactly at the limit loads.
    let exact = String(repeating: "#", count: 1023) + "\n"
    #expect(loader.load(text: exact).diagnostics.isEmpty)
    let oneMore = try single(loader.load(text: "#" + exact), "yaml.document-size")
    #expect(oneMore.message == "file is 1025 bytes, more than the limit of 1024 bytes")

    // From a file: refused before it is read.
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("big.yaml").path
    try Data(big.utf8).write(to: URL(fileURLWithPath: path))
    let result = loader.load(path: path)
    let fromFile = try single(result, "yaml.document-size")
    #expect(fromFile.message.contains("2200 bytes, more than the limit of 1024 bytes"))
    #expect(fromFile.location?.path == path)
    #expect(start(fromFile) == position(1, 1, 0))
    #expect(result.documents.isEmpty)
  }

  // MARK: Encoding

  @Test func invalidUTF8GivesASyntaxErrorAtItsByteOffset() throws {
    // Line 2 is "b: é" followed by a stray 0xFF: 'é' is two bytes but one column.
    var bytes = Array("a: ok\nb: é".utf8)
    let badOffset = bytes.count
    #expect(badOffset == 11)
    bytes += [0xFF] + Array(" tail\n".utf8)
    let result = YAMLLoader().load(SourceFile(path: "bad.yaml", bytes: bytes))
    let diagnostic = try single(result, "yaml.syntax")
    #expect(start(diagnostic) == position(2, 5, 11))
    #expect(diagnostic.location?.span.end.offset == 12)
    #expect(diagnostic.message == "invalid leading UTF-8 octet (byte 0xFF)")
  }

  @Test func invalidUTF8FarIntoTheFileIsReportedAtItsAbsoluteOffset() throws {
    // Past libyaml's 16 KB input chunks, after multi-byte text: offsets stay exact bytes.
    let line = "key: välue\n"  // 11 scalars, 12 bytes
    var bytes = Array(String(repeating: line, count: 5000).utf8)
    // 0xC3 at byte 60007 needs a continuation byte; '(' (0x28) at 60008 is not one. libyaml
    // reports the byte that breaks the sequence.
    bytes += Array("last: x".utf8) + [0xC3, 0x28] + Array("\n".utf8)
    let result = YAMLLoader().load(SourceFile(path: "bad.yaml", bytes: bytes))
    let diagnostic = try single(result, "yaml.syntax")
    #expect(start(diagnostic) == position(5001, 9, 60_008))
    #expect(diagnostic.message == "invalid trailing UTF-8 octet (byte 0x28)")
  }

  @Test func truncatedUTF8AtTheEndIsReported() throws {
    let bytes = Array("a: ".utf8) + [0xE2, 0x82]  // the first two bytes of '€'
    let diagnostic = try single(YAMLLoader().load(SourceFile(path: "t.yaml", bytes: bytes)), "yaml.syntax")
    #expect(diagnostic.message.hasPrefix("incomplete UTF-8 octet sequence"))
    #expect(start(diagnostic) == position(1, 4, 3))
  }

  @Test func utf16ByteOrderMarkGivesEncodingError() throws {
    for bom: [UInt8] in [[0xFF, 0xFE], [0xFE, 0xFF]] {
      let little = bom[0] == 0xFF
      var bytes = bom
      for unit in "a: 1\n".utf16 {
        bytes += little ? [UInt8(unit & 0xFF), UInt8(unit >> 8)] : [UInt8(unit >> 8), UInt8(unit & 0xFF)]
      }
      let result = YAMLLoader().load(SourceFile(path: "utf16.yaml", bytes: bytes))
      let diagnostic = try single(result, "yaml.encoding")
      let order = little ? "little-endian" : "big-endian"
      #expect(
        diagnostic.message
          == "file is UTF-16 \(order) (it starts with a UTF-16 \(order) byte order mark); Plumb reads UTF-8 only")
      #expect(start(diagnostic) == position(1, 1, 0))
      #expect(diagnostic.location?.span.end.offset == 2)
      #expect(result.documents.isEmpty)
    }
  }

  // MARK: Aliases

  @Test func undefinedAliasIsPositioned() throws {
    let result = YAMLLoader().load(text: "a: 1\nb: *missing\n", path: "t.yaml")
    let diagnostic = try single(result, "yaml.undefined-alias")
    #expect(diagnostic.message == "alias '*missing' refers to an anchor that is not defined before it")
    #expect(start(diagnostic) == position(2, 4, 8))
    #expect(diagnostic.location?.span.end == position(2, 12, 16))
    // Loading goes on: the alias reads as null and the rest of the document is there.
    let root = try #require(result.documents.first?.root)
    #expect(root["a"]?.value == .int(1))
    #expect(root["b"]?.isNull == true)
  }

  @Test func recursiveAliasIsPositioned() throws {
    let result = YAMLLoader().load(text: "&a [*a]\n", path: "t.yaml")
    let diagnostic = try single(result, "yaml.recursive-alias")
    #expect(diagnostic.message == "alias '*a' refers to a node that contains it")
    #expect(start(diagnostic) == position(1, 5, 4))
    #expect(diagnostic.location?.span.end == position(1, 7, 6))
    let root = try #require(result.documents.first?.root)
    #expect(root.kind == .sequence && root.count == 1 && root[0]?.isNull == true)

    // The same inside a block mapping, on a later line.
    let nested = YAMLLoader().load(text: "top: &t\n  child:\n    back: *t\n", path: "t.yaml")
    let nestedDiagnostic = try single(nested, "yaml.recursive-alias")
    #expect(start(nestedDiagnostic) == position(3, 11, 27))
  }

  // MARK: Rendering

  @Test func syntaxErrorRendersExactly() throws {
    let source = SourceFile(path: "ci.yml", text: "on: push\nsteps: -\n")
    let result = YAMLLoader().load(source)
    let diagnostic = try single(result, "yaml.syntax")
    #expect(
      DiagnosticRenderer(sources: [source]).render(diagnostic) == """
        ci.yml:2:8: error: block sequence entries are not allowed in this context [yaml.syntax]
          |
        2 | steps: -
          |        ^

        """)
  }

  @Test func syntaxErrorWithContextRendersItsNote() throws {
    // A flow sequence closed by '}': the error is where libyaml gave up, the note where the
    // sequence began.
    let source = SourceFile(path: "list.yaml", text: "items: [1, 2}\n")
    let result = YAMLLoader().load(source)
    let diagnostic = try single(result, "yaml.syntax")
    #expect(
      DiagnosticRenderer(sources: [source]).render(diagnostic) == """
        list.yaml:1:13: error: did not find expected ',' or ']' [yaml.syntax]
          |
        1 | items: [1, 2}
          |             ^
        list.yaml:1:8: note: while parsing a flow sequence
          |
        1 | items: [1, 2}
          |        ^

        """)
  }

  @Test func duplicateKeyRendersWithUnderlineAndNote() throws {
    let source = SourceFile(path: "dup.yaml", text: "name: a\nimage: x\nname: b\n")
    let diagnostic = try single(YAMLLoader().load(source), "yaml.duplicate-key")
    #expect(
      DiagnosticRenderer(sources: [source]).render(diagnostic) == """
        dup.yaml:3:1: error: duplicate key 'name' in mapping; the later value is used [yaml.duplicate-key]
          |
        3 | name: b
          | ^~~~
        dup.yaml:1:1: note: first defined here
          |
        1 | name: a
          | ^~~~

        """)
  }

  // MARK: Several files, missing files, directories, empty files

  @Test func eachOfSeveralBrokenFilesReportsItsOwnErrors() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let files: [(name: String, text: String, errors: [String])] = [
      ("good-1.yaml", "a: 1\n", []),
      ("syntax.yaml", "on: push\nsteps: -\n", ["yaml.syntax@2:8"]),
      ("good-2.json", #"{"b": [true, null]}"#, []),
      ("duplicate.yaml", "x: 1\ny: 2\nx: 3\n", ["yaml.duplicate-key@3:1"]),
      (
        "aliases.yaml", "a: *nope\nb: &b [*b]\nc: 1\nc: 2\n",
        ["yaml.undefined-alias@1:4", "yaml.recursive-alias@2:8", "yaml.duplicate-key@4:1"]
      ),
      ("deep.yaml", String(repeating: "[", count: 300), ["yaml.depth@1:257"]),
      ("good-3.yml", "- z\n", []),
    ]
    for file in files {
      try Data(file.text.utf8).write(to: directory.appendingPathComponent(file.name))
    }
    // One loader for all files: an error in one does not leak into, or stop, the next.
    let loader = YAMLLoader()
    for file in files {
      let path = directory.appendingPathComponent(file.name).path
      let result = loader.load(path: path)
      let errors = result.diagnostics.map { diagnostic in
        "\(diagnostic.code)@\(diagnostic.location.map { "\($0.span.start.line):\($0.span.start.column)" } ?? "-")"
      }
      #expect(errors == file.errors, "\(file.name)")
      #expect(result.diagnostics.allSatisfy { $0.location?.path == path }, "\(file.name)")
      #expect(result.source?.path == path)
      if file.errors.isEmpty {
        #expect(result.documents.count == 1, "\(file.name)")
      }
    }
  }

  @Test func missingFileIsUnreadable() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("no-such-file.yaml").path
    let result = YAMLLoader().load(path: path)
    let diagnostic = try single(result, "io.unreadable")
    #expect(diagnostic.message == "cannot read '\(path)': No such file or directory")
    #expect(diagnostic.location?.path == path)
    #expect(result.source == nil)
    #expect(result.documents.isEmpty)
  }

  @Test func directoryIsUnreadable() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = YAMLLoader().load(path: directory.path)
    let diagnostic = try single(result, "io.unreadable")
    #expect(diagnostic.message == "'\(directory.path)' is a directory")
    #expect(diagnostic.location?.path == directory.path)
    #expect(result.source == nil)
    #expect(result.documents.isEmpty)
  }

  @Test func emptyFileLoadsAsZeroDocuments() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("empty.yaml").path
    try Data().write(to: URL(fileURLWithPath: path))
    let result = YAMLLoader().load(path: path)
    #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    #expect(!result.hasErrors)
    #expect(result.documents.isEmpty)
    #expect(result.source?.bytes.isEmpty == true)

    for text in ["", "\n\n", "# only a comment\n"] {
      let inMemory = YAMLLoader().load(text: text)
      #expect(inMemory.diagnostics.isEmpty, "\(text.debugDescription)")
      #expect(inMemory.documents.isEmpty, "\(text.debugDescription)")
    }
  }
}
