import Foundation
import FuzzSupport
import PlumbDiagnostics
import PlumbIngest
import PlumbYAML

// The YAML loader's fuzz target: `scripts/fuzz.sh yaml [SECONDS]` (see docs/fuzzing.md).
//
// Built with `-sanitize=fuzzer,address -DPLUMB_FUZZ`, libFuzzer calls `LLVMFuzzerTestOneInput` with
// each input. Built normally (`swift build`), the same harness replays files and directories given
// as arguments, so a crash found by the fuzzer reproduces without the instrumented build:
// `swift run fuzz-yaml crash-…`.

/// The libFuzzer entry point: one input, the bytes of one YAML file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAMLInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  YAMLHarness.run(bytes)
  return 0
}

enum YAMLHarness {
  /// Tight limits, so that the depth and both alias-budget paths (nodes and bytes) are reached by
  /// small inputs too.
  static let tight = YAMLLimits(
    maxDocumentBytes: 1 << 20, maxDepth: 12, maxAliasExpansion: 200, aliasExpansionBytesPerFileByte: 2,
    minAliasExpansionBytes: 256, maxAliasExpansionBytes: 1 << 16)

  /// A directory with one empty file per name the ingest recognises formats by; the fuzzed bytes
  /// replace one of them through `IngestOptions.overlay`, so nothing is written per input.
  static let root: String = {
    let directory = NSTemporaryDirectory() + "plumb-fuzz-yaml-\(getpid())"
    for name in names {
      let path = directory + "/" + name
      try? FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      _ = FileManager.default.createFile(atPath: path, contents: Data())
    }
    return IngestContext.standardize(directory)
  }()

  static let names = ["input.yaml", ".github/workflows/ci.yml", "action.yml", ".gitlab-ci.yml"]

  static func run(_ bytes: [UInt8]) {
    // The loader alone, with the default limits and with tight ones.
    for limits in [YAMLLimits.default, tight] {
      let source = SourceFile(path: "fuzz.yaml", bytes: bytes)
      let result = YAMLLoader(limits: limits).load(source)
      checkDiagnostics(result.diagnostics, source: source)
      checkCost(result.statistics)
      for document in result.documents { walk(document.root, source: source) }
    }
    // The whole ingest of one file: recognition, an adapter, the graph.
    let name = names[bytes.count % names.count]
    var options = IngestOptions()
    options.overlay = [root + "/" + name: bytes]
    let result = Ingestor(options: options).ingest(paths: [root + "/" + name], root: root)
    for diagnostic in result.graph.diagnostics {
      guard let location = diagnostic.location, location.path == name else { continue }
      FuzzDriver.check(location.span, in: bytes.count, diagnostic)
    }
    for entity in result.graph.entities where entity.location.path == name {
      FuzzDriver.check(entity.location.span, in: bytes.count, entity.id)
    }
  }

  /// Every diagnostic names the file, at a place inside it.
  static func checkDiagnostics(_ diagnostics: [Diagnostic], source: SourceFile) {
    for diagnostic in diagnostics {
      guard let location = diagnostic.location else { fatalError("diagnostic without a location: \(diagnostic)") }
      precondition(location.path == source.path, "diagnostic in another file: \(diagnostic)")
      FuzzDriver.check(location.span, in: source.bytes.count, diagnostic)
      precondition(location.span.start.line <= source.lineStarts.count, "line past the end: \(diagnostic)")
      for note in diagnostic.notes {
        if let span = note.location?.span { FuzzDriver.check(span, in: source.bytes.count, diagnostic) }
      }
    }
  }


  /// The key lookups took at most O(n log n) work, whatever the keys (docs/yaml-loader.md,
  /// "What keys cost").
  static func checkCost(_ statistics: YAMLLoadStatistics) {
    let n = statistics.keysLooked
    let log2n = Int.bitWidth - n.leadingZeroBitCount
    precondition(statistics.keyWork <= 12 * n + 2 * n * log2n, "key work \(statistics.keyWork) for \(n) keys")
  }

  /// Reads every node once (aliases are not followed twice), as rules and adapters would.
  static func walk(_ root: YAMLNode, source: SourceFile) {
    var stack = [root]
    var seen = Set<Int>()
    while let node = stack.popLast() {
      guard seen.insert(node.index).inserted else { continue }
      let range = node.byteRange
      precondition(range.lowerBound >= 0 && range.upperBound <= source.bytes.count, "node outside the file")
      _ = node.span
      _ = node.location
      _ = node.rawText
      _ = node.tag
      _ = node.anchor
      switch node.kind {
      case .scalar:
        _ = node.string
        _ = node.value
        _ = node.scalarEquals("on")
      case .sequence:
        stack.append(contentsOf: node.elements)
      case .mapping:
        for pair in node.pairs {
          stack.append(pair.key)
          stack.append(pair.value)
        }
        _ = node["name"]
      }
    }
  }
}

/// The executable's entry point: libFuzzer's driver in the fuzz build, a replayer otherwise.
@main
struct FuzzYAML {
  static func main() {
    FuzzDriver.main(name: "fuzz-yaml", callback: fuzzYAMLInput, replay: YAMLHarness.run)
  }
}
