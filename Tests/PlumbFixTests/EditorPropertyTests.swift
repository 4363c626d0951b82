import Foundation
import PlumbFix
import PlumbPolicy
import PlumbYAML
import TestSupport
import Testing

/// Every kind of edit on every node of real files: each edit either is refused with a reason or
/// gives a file that loads and means exactly what the edit says (nothing else changed).
struct EditorPropertyTests {
  static let corpus = SharedData.corpus("pipelines")

  /// Paths to the mappings and sequences of a document (bounded per file).
  static func collections(_ node: YAMLNode, _ path: [DocumentStep], into out: inout [(YAMLNode, [DocumentStep])]) {
    guard out.count < 25, !node.isAlias else { return }
    switch node.kind {
    case .scalar: return
    case .mapping:
      out.append((node, path))
      for pair in node.pairs where pair.key.kind == .scalar {
        collections(pair.value, path + [.key(pair.key.string ?? pair.key.rawText)], into: &out)
      }
    case .sequence:
      out.append((node, path))
      for (i, element) in node.elements.enumerated() { collections(element, path + [.index(i)], into: &out) }
    }
  }

  @Test(.requires(sharedData: corpus)) func editsOnRealFilesAreExactOrRefused() throws {
    let files = (FileManager.default.enumerator(atPath: Self.corpus.path)?.allObjects as? [String] ?? [])
      .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted()
    var tried = 0
    var refused = 0
    var failures: [String] = []
    for relative in files {
      guard let data = FileManager.default.contents(atPath: Self.corpus.appendingPathComponent(relative).path) else { continue }
      let bytes = [UInt8](data)
      let file = YAMLFile(path: relative, bytes: bytes)
      guard !file.result.hasErrors, let root = file.result.documents.first?.root else { continue }
      var targets: [(YAMLNode, [DocumentStep])] = []
      Self.collections(root, [], into: &targets)
      var operations: [(ProposedFix.Operation, [DocumentStep], FixValue?)] = []
      for (node, path) in targets {
        if node.kind == .mapping {
          operations.append((.set, path + [.key("plumb-added")], .map([FixValue.Entry("a", .bool(false)), FixValue.Entry("b", .string("0777"))])))
          if let last = node.pairs.last, last.key.kind == .scalar {
            let key = DocumentStep.key(last.key.string ?? last.key.rawText)
            operations.append((.set, path + [key], .string("on")))
            operations.append((.remove, path + [key], nil))
          }
        } else {
          operations.append((.append, path, .string("plumb ✓")))
          if !node.elements.isEmpty { operations.append((.remove, path + [.index(0)], nil)) }
        }
      }
      for (operation, path, value) in operations {
        tried += 1
        do {
          let (edits, changes) = try file.edits(operation, path: path, value: value)
          let patched = TextEdits.apply(edits, to: bytes)
          if let problem = file.semanticProblem(patched: patched, changes: changes) {
            failures.append("\(relative): \(operation) \(path.map(\.description).joined(separator: ".")): \(problem)")
          }
        } catch is FixRefusal {
          refused += 1
        }
      }
    }
    print("editor property test: \(tried) edits on \(files.count) files, \(refused) refused, \(failures.count) wrong")
    for failure in failures.prefix(25) { print("  WRONG " + failure) }
    #expect(failures.isEmpty)
  }
}
