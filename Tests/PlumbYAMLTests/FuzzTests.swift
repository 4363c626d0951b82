import Foundation
import PlumbDiagnostics
import PlumbYAML
import Testing

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
    var mutator = Mutator(seed: 0x5EED_F00D, tokens: Self.tokens.map { Array($0.utf8) })
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

/// Seeded mutations of byte strings, as a small libFuzzer would make them; the same seed gives the
/// same cases on every run. (A copy lives in PlumbPolicyTests with the policy language's tokens.)
struct Mutator {
  var random: SplitMix64
  let tokens: [[UInt8]]
  /// Inputs stay below this size.
  let maxSize = 300_000

  init(seed: UInt64, tokens: [[UInt8]]) {
    random = SplitMix64(state: seed)
    self.tokens = tokens
  }

  mutating func mutate(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
    var bytes = input
    for _ in 0..<Int.random(in: 1...4, using: &random) { bytes = step(bytes, other: other) }
    return Array(bytes.prefix(maxSize))
  }

  mutating func position(in bytes: [UInt8]) -> Int { Int.random(in: 0...bytes.count, using: &random) }

  mutating func step(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
    var bytes = input
    switch Int.random(in: 0..<10, using: &random) {
    case 0:  // flip bits
      for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
        bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= 1 << UInt8.random(in: 0..<8, using: &random)
      }
    case 1:  // truncate
      bytes = Array(bytes.prefix(position(in: bytes)))
    case 2:  // splice with another input
      bytes = Array(bytes.prefix(position(in: bytes))) + Array(other.suffix(position(in: other)))
    case 3, 4:  // insert a token
      let token = tokens[Int.random(in: 0..<tokens.count, using: &random)]
      bytes.insert(contentsOf: token, at: position(in: bytes))
    case 5:  // invalid UTF-8: a stray continuation, a truncated sequence, a surrogate, an overlong form
      let invalid: [[UInt8]] = [[0x80], [0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80]]
      bytes.insert(contentsOf: invalid[Int.random(in: 0..<invalid.count, using: &random)], at: position(in: bytes))
    case 6:  // deep nesting around a token or the input
      let depth = Int.random(in: 1...2_000, using: &random)
      let pairs: [(String, String)] = [("[", "]"), ("{a: ", "}"), ("- ", ""), ("? ", ""), ("(", ")"), ("not ", "")]
      let (open, close) = pairs[Int.random(in: 0..<pairs.count, using: &random)]
      let at = position(in: bytes)
      let inner = Array(bytes[at...].prefix(Int.random(in: 0...8, using: &random)))
      bytes.replaceSubrange(
        at..<(at + inner.count),
        with: Array(String(repeating: open, count: depth).utf8) + inner + Array(String(repeating: close, count: depth).utf8))
    case 7:  // a huge scalar
      let byte = [UInt8(ascii: "a"), UInt8(ascii: " "), UInt8(ascii: "\""), 0xC3, UInt8(ascii: "\\")][Int.random(in: 0..<5, using: &random)]
      bytes.insert(contentsOf: repeatElement(byte, count: Int.random(in: 1_000...40_000, using: &random)), at: position(in: bytes))
    case 8:  // repeat a slice
      let start = position(in: bytes)
      let slice = bytes[start...].prefix(Int.random(in: 1...64, using: &random))
      for _ in 0..<Int.random(in: 1...50, using: &random) { bytes.insert(contentsOf: slice, at: start) }
    default:  // delete a slice
      let start = position(in: bytes)
      bytes.removeSubrange(start..<min(bytes.count, start + Int.random(in: 1...32, using: &random)))
    }
    return bytes
  }
}

/// SplitMix64: a tiny, fast, seedable generator, so that fuzz cases are the same on every run.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
