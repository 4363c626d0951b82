import Foundation
import FuzzSupport
import PlumbDiagnostics
import PlumbGraph
import PlumbIngest
import PlumbPolicy

// The policy language's fuzz target: `scripts/fuzz.sh policy [SECONDS]` (see docs/fuzzing.md).
//
// Built with `-sanitize=fuzzer,address -DPLUMB_FUZZ`, libFuzzer calls `LLVMFuzzerTestOneInput` with
// each input, the text of one `.plumb` file: it is lexed, parsed, checked and compiled
// (`PolicyLibrary(sources:)`), and the rules that compile are evaluated over the miniature
// platform in `fixtures/platform`. Built normally, the same harness replays the files and
// directories given as arguments: `swift run fuzz-policy crash-…`.

/// The libFuzzer entry point: one input, the text of one policy file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicyInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  PolicyHarness.run(bytes)
  return 0
}

enum PolicyHarness {
  /// The graph every compiled rule is evaluated over, ingested once: `PLUMB_FUZZ_GRAPH`, or the
  /// repository's `fixtures/platform`.
  static let graph: DocumentGraph = {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().path
    let root = ProcessInfo.processInfo.environment["PLUMB_FUZZ_GRAPH"] ?? repository + "/fixtures/platform"
    return Ingestor().ingest(paths: [root], root: root).graph
  }()

  /// `PLUMB_FUZZ_VERBOSE=1`: print each input's diagnostics (when replaying).
  static let verbose = ProcessInfo.processInfo.environment["PLUMB_FUZZ_VERBOSE"] != nil

  static func run(_ bytes: [UInt8]) {
    // Policy files are read as UTF-8 text (`PolicyLibrary.read`); invalid bytes become U+FFFD.
    let text = String(decoding: bytes, as: UTF8.self)
    let library = PolicyLibrary(sources: [PolicySource(path: "fuzz.plumb", text: text)])
    let count = text.utf8.count
    if verbose { for diagnostic in library.diagnostics { print(diagnostic.location?.description ?? "-", diagnostic.message) } }
    for diagnostic in library.diagnostics {
      guard let location = diagnostic.location else { fatalError("diagnostic without a location: \(diagnostic)") }
      precondition(location.path == "fuzz.plumb", "diagnostic in another file: \(diagnostic)")
      FuzzDriver.check(location.span, in: count, diagnostic)
      for note in diagnostic.notes {
        if let span = note.location?.span, note.location?.path == "fuzz.plumb" { FuzzDriver.check(span, in: count, diagnostic) }
      }
    }
    guard !library.rules.isEmpty else { return }
    let pack = library.packs.keys.sorted().first.flatMap { library.packs[$0] }
    let result = PolicyEngine(library: library, pack: pack).evaluate(graph)
    for finding in result.findings {
      precondition(!finding.fingerprint.isEmpty, "finding without a fingerprint: \(finding)")
      precondition(finding.location.span.start.line >= 1, "finding before the start of its file: \(finding)")
    }
  }
}

/// The executable's entry point: libFuzzer's driver in the fuzz build, a replayer otherwise.
@main
struct FuzzPolicy {
  static func main() {
    FuzzDriver.main(name: "fuzz-policy", callback: fuzzPolicyInput, replay: PolicyHarness.run)
  }
}
