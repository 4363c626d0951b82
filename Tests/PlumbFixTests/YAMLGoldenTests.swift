import Foundation
import PlumbFix
import PlumbPolicy
import Testing

/// Golden before/after pairs in fixtures/fixes/yaml: each case applies operations by document
/// path and must give the expected bytes exactly, mean what the operations say, and change nothing
/// when applied again.
struct YAMLGoldenTests {
  static let directory = fixesFixtures.appendingPathComponent("yaml")

  static var cases: [String] {
    guard let data = try? Data(contentsOf: directory.appendingPathComponent("cases.json")),
      let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
    else { return [] }
    return list.compactMap { $0["name"] as? String }
  }

  static func spec(_ name: String) -> [String: Any] {
    let data = try! Data(contentsOf: directory.appendingPathComponent("cases.json"))
    let list = try! JSONSerialization.jsonObject(with: data) as! [[String: Any]]
    return list.first { $0["name"] as? String == name }!
  }

  /// Applies the case's operations to `bytes`.
  static func run(_ spec: [String: Any], _ bytes: [UInt8], path: String) throws -> (file: YAMLFile, edits: [TextEdit], changes: [SemanticChange]) {
    let file = YAMLFile(path: path, bytes: bytes)
    var edits: [TextEdit] = []
    var changes: [SemanticChange] = []
    for op in spec["ops"] as! [[String: Any]] {
      let operation = ProposedFix.Operation(rawValue: op["op"] as! String)!
      let hintSpec = op["hint"] as? [String: [String]]
      let hint = InsertionHint(after: hintSpec?["after"] ?? [], before: hintSpec?["before"] ?? [])
      let result = try file.edits(
        operation, document: op["document"] as? Int ?? 0, path: documentPath(op["path"] as! [Any]),
        value: op["value"].map(fixValue), hint: hint)
      edits += result.edits
      changes += result.changes
    }
    return (file, edits, changes)
  }

  @Test("golden YAML edit", arguments: cases)
  func golden(_ name: String) throws {
    let spec = Self.spec(name)
    let fileName = spec["file"] as! String
    let before = [UInt8](try Data(contentsOf: Self.directory.appendingPathComponent(fileName)))
    if let refusal = spec["refuse"] as? String {
      #expect(throws: FixRefusal.self) { _ = try Self.run(spec, before, path: fileName) }
      do {
        _ = try Self.run(spec, before, path: fileName)
      } catch let error as FixRefusal {
        #expect(error.reason.contains(refusal), "\(error.reason)")
      }
      return
    }
    let (file, edits, changes) = try Self.run(spec, before, path: fileName)
    #expect(TextEdits.firstConflict(edits) == nil)
    let patched = TextEdits.apply(edits, to: before)
    let expected = [UInt8](try Data(contentsOf: Self.directory.appendingPathComponent(spec["expected"] as! String)))
    #expect(String(decoding: patched, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    #expect(patched == expected)
    #expect(file.semanticProblem(patched: patched, changes: changes) == nil, "\(file.semanticProblem(patched: patched, changes: changes) ?? "")")
    // A second application changes nothing.
    let again = try? Self.run(spec.filter { $0.key != "ops" }.merging(["ops": (spec["ops"] as! [[String: Any]]).filter { $0["op"] as? String != "remove" }]) { a, _ in a }, patched, path: fileName)
    #expect(again?.edits.isEmpty ?? true, "\(name): a second run edits again")
  }
}

/// The unified diff of every golden pair applies with `git apply` and gives the expected bytes
/// (CRLF, no final newline, a byte order mark, multibyte text included).
struct UnifiedDiffTests {
  static var pairs: [(String, String)] {
    var pairs: [(String, String)] = []
    for language in ["yaml", "hcl"] {
      let directory = fixesFixtures.appendingPathComponent(language)
      guard let data = try? Data(contentsOf: directory.appendingPathComponent("cases.json")),
        let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
      else { continue }
      for spec in list {
        if let before = spec["file"] as? String, let after = spec["expected"] as? String {
          pairs.append((language + "/" + before, language + "/" + after))
        }
      }
    }
    return pairs
  }

  @Test func goldenDiffsApplyWithGit() throws {
    let repository = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: repository) }
    try shell(["git", "init", "-q"], in: repository)
    #expect(Self.pairs.count >= 25)
    for (before, after) in Self.pairs {
      let old = [UInt8](try Data(contentsOf: fixesFixtures.appendingPathComponent(before)))
      let new = [UInt8](try Data(contentsOf: fixesFixtures.appendingPathComponent(after)))
      let name = "file" + (before.hasSuffix(".tf") ? ".tf" : ".yml")
      let url = repository.appendingPathComponent(name)
      try Data(old).write(to: url)
      let patch = repository.appendingPathComponent("p.patch")
      try Data(UnifiedDiff.make(path: name, old: old, new: new).utf8).write(to: patch)
      let result = try shell(["git", "apply", "--whitespace=nowarn", patch.path], in: repository)
      #expect(result.status == 0, "\(before): \(result.output)")
      #expect([UInt8](try Data(contentsOf: url)) == new, "\(before)")
      try FileManager.default.removeItem(at: url)
    }
  }

  @Test func diffShapes() {
    #expect(UnifiedDiff.make(path: "a", old: Array("x\n".utf8), new: Array("x\n".utf8)).isEmpty)
    let noNewline = UnifiedDiff.make(path: "a", old: Array("a\nb".utf8), new: Array("a\nc".utf8))
    #expect(noNewline == "--- a/a\n+++ b/a\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n")
    let far = (1...20).map { "line \($0)\n" }.joined()
    let changed = far.replacingOccurrences(of: "line 2\n", with: "line two\n").replacingOccurrences(of: "line 18\n", with: "line eighteen\n")
    let diff = UnifiedDiff.make(path: "a", old: Array(far.utf8), new: Array(changed.utf8))
    #expect(diff.components(separatedBy: "@@ -").count == 3)
  }
}
