import Foundation
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
    let tight = YAMLLimits(maxDocumentBytes: 1 << 20, maxDepth: 12, maxAliasExpansion: 200)
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
        guard checkDiagnostics(result.diagnostics, source) && checkNodes(result, source) else {
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
