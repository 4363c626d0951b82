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
// platform in `fixtures/platform`; then again with a first statement that fails at run time
// (`ErrorInjection`), which must make every entity they select an error, never a pass. Built normally, the same harness replays the files and
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
    for (rule, states) in result.states {
      for (entity, state) in states where state == .error {
        precondition(
          result.findings.contains { $0.ruleID == rule && $0.entity == entity && $0.verdict == .error },
          "an error state without its error finding: \(rule) \(entity)")
      }
    }
    checkRuntimeErrorsNeverPass(text, library, choice: count &+ library.rules.count)
  }

  /// The rules that compiled, each given a first statement that fails at run time inside an
  /// operator that would turn a value into true (``ErrorInjection``): every entity such a rule
  /// selects must be judged an error, never pass or not applicable, with a policy error.
  static func checkRuntimeErrorsNeverPass(_ text: String, _ library: PolicyLibrary, choice: Int) {
    let statement = ErrorInjection.statement(choice)
    let offsets = library.rules.compactMap { $0.decl.selector?.range.upperBound }
    let injected = PolicyLibrary(
      sources: [PolicySource(path: "fuzz.plumb", text: ErrorInjection.inject(statement, into: text, at: offsets))])
    if verbose { print("injected '\(statement)' into \(injected.rules.count) rule(s)") }
    let failing = injected.rules.filter { rule in
      guard case .let(let name, _, _)? = rule.decl.body.first else { return false }
      return name == "plumb_injected_error"
    }
    guard !failing.isEmpty else { return }
    let result = PolicyEngine(rules: failing).evaluate(graph)
    for rule in failing {
      let states = result.states[rule.id] ?? [:]
      for (entity, state) in states {
        precondition(state == .error, "'\(statement)' in rule \(rule.id): \(entity) is \(state.rawValue), not error")
      }
      if !states.isEmpty {
        precondition(
          result.diagnostics.contains { $0.code.hasPrefix("policy.evaluation-") && $0.message.contains("'\(rule.id)'") },
          "rule \(rule.id) erred without a policy error")
      }
    }
    for finding in result.findings {
      precondition(finding.verdict == .error, "'\(statement)': a \(finding.verdict.rawValue) finding: \(finding.message)")
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
