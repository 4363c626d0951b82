import Foundation
import FuzzSupport
import OutputFuzzing
import PlumbDiagnostics

// The output escapers' fuzz target: `scripts/fuzz.sh output [SECONDS]` (see docs/fuzzing.md).
//
// One input is a list of hostile strings (separated by 0xFF bytes). `OutputHarness` writes them
// into every free-text field of a real check report and score report, renders every output
// format (text, json, sarif, github, github-summary, gitlab, junit, markdown; the score's text,
// JSON, Markdown, HTML dashboard and explanations; diagnostics with their source lines) and
// checks that no line starts a CI workflow command, no raw control or bidirectional override is
// written, JSON and XML parse, and the HTML, XML and Markdown keep the structure they have with
// harmless strings. Built normally, it replays the files given as arguments.

/// The libFuzzer entry point: one input, the hostile strings.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOutputInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  run(bytes)
  return 0
}

func run(_ bytes: [UInt8]) {
  let problems = OutputHarness.violations(OutputHarness.strings(bytes))
  precondition(problems.isEmpty, problems.prefix(5).joined(separator: "\n"))
}

/// A seeded generator (xorshift64*) for `PLUMB_FUZZ_RANDOM`.
struct Xorshift: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state ^= state >> 12
    state ^= state << 25
    state ^= state >> 27
    return state &* 0x2545_F491_4F6C_DD1D
  }
}

/// The executable's entry point: libFuzzer's driver in the fuzz build, a replayer otherwise.
/// `PLUMB_FUZZ_RANDOM=N` (plain build) instead checks N random cases (`OutputHarness.randomStrings`,
/// seed `PLUMB_FUZZ_SEED`, default 1) and prints the first failures.
@main
struct FuzzOutput {
  static func main() {
    let environment = ProcessInfo.processInfo.environment
    if let count = environment["PLUMB_FUZZ_RANDOM"].flatMap(Int.init) {
      var generator = Xorshift(state: environment["PLUMB_FUZZ_SEED"].flatMap(UInt64.init).map { max($0, 1) } ?? 1)
      var failed = 0
      for index in 0..<count {
        let strings = OutputHarness.randomStrings(using: &generator)
        let problems = OutputHarness.violations(strings)
        guard !problems.isEmpty else { continue }
        failed += 1
        print("case \(index): \(strings.map { TerminalText.visible($0) })")
        for problem in problems.prefix(3) { print("  " + problem) }
        if failed >= 5 { break }
      }
      print("fuzz-output: \(count) random case(s), \(failed) failed")
      exit(failed == 0 ? 0 : 1)
    }
    FuzzDriver.main(name: "fuzz-output", callback: fuzzOutputInput, replay: run)
  }
}
