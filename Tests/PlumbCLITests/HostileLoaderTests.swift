import BenchmarkSupport
import Foundation
import HostileInputs
import Testing

/// The built binary on inputs shaped to make loading cost far more than their size (a flood of
/// keys crafted against the loader's hash table, a merge over 300,000 keys, aliases naming
/// gigabytes of text): each run finishes within a generous time and memory bound, with a limit
/// error (exit 2) where the input is refused, never a pass. Each of these ran for minutes, or
/// aborted after allocating 4 GB, before the loader bounded them.
@Suite struct HostileLoaderTests {
  /// A fresh directory holding `text` at `path` (relative).
  func directory(with text: String, at path: String) throws -> URL {
    let root = try temporaryDirectory()
    let file = root.appendingPathComponent(path)
    try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: file)
    return root
  }

  /// A workflow whose top-level `env` (with `anchor` after its key) holds the lines `env`, and
  /// whose one job has the lines `job` before its steps.
  func workflow(env: String, anchor: String = "", job: String = "") -> String {
    "name: hostile\non: push\nenv:\(anchor)\n" + env
      + "jobs:\n  build:\n    runs-on: ubuntu-latest\n\(job)    steps:\n      - run: echo hi\n"
  }

  /// Runs `plumb check` on a directory holding the workflow `text` at `path` and expects it to
  /// finish within ``checkTimeout`` with findings or none (or a rule over its evaluation budget),
  /// no loader error, the file checked.
  func expectCheckedInBoundedTime(
    _ text: String, at path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) throws {
    let root = try directory(with: text, at: path)
    defer { try? FileManager.default.removeItem(at: root) }
    let result = try runPlumbBounded(["check", "--color", "never", "."], in: root, timeoutSeconds: Self.checkTimeout)
    // Exit 3 only from the evaluation budget: a rule that reads every one of 600,000 values (and
    // matches a pattern on each, charged to the budget) fails closed for that entity, never passes.
    expectBounded(result, statuses: [0, 1, 3], sourceLocation: sourceLocation)
    if result.status == 3 {
      let policyErrors = result.stdout.split(separator: "\n").filter { $0.contains("error:") && $0.contains("[policy.") }
      #expect(!policyErrors.isEmpty, "\(result.stdout.prefix(2_000))", sourceLocation: sourceLocation)
      #expect(policyErrors.allSatisfy { $0.contains("[policy.evaluation-budget]") }, "\(policyErrors)", sourceLocation: sourceLocation)
    }
    #expect(!result.stdout.contains("[yaml."), "\(result.stdout.prefix(2_000))", sourceLocation: sourceLocation)
    #expect(result.stdout.contains("1 checked"), "\(result.stdout.suffix(2_000))", sourceLocation: sourceLocation)
  }

  /// Expects a run that ended on its own, within the memory bound, with one of `statuses`.
  func expectBounded(
    _ result: BoundedResult, statuses: Set<Int32>, sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) {
    #expect(!result.timedOut, "timed out after \(result.seconds) s", sourceLocation: sourceLocation)
    #expect(statuses.contains(result.status), "exit \(result.status): \(result.stderr.prefix(2_000))", sourceLocation: sourceLocation)
    #expect(result.peakMiB < 1_024, "peak \(result.peakMiB) MiB", sourceLocation: sourceLocation)
  }

  /// The bound for the runs that check 300,000 keys: the tests run the debug build, which spends
  /// most of it evaluating the rules over every key (linearly; the release build takes a few
  /// seconds). Before, these runs took minutes in the loader and hours in the rules.
  static let checkTimeout = 240.0

  @Test func threeHundredThousandCraftedKeysAreCheckedInBoundedTime() throws {
    // 4.2 MB; 81 s to load when every key walked the cluster of keys before it, and then every
    // rule that looked up each key (`w.env[k]`) scanned the mapping: quadratic again.
    let keys = HostileYAML.collidingKeys(count: 300_000)
    try expectCheckedInBoundedTime(workflow(env: HostileYAML.mapping(keys: keys, indent: 2)), at: ".github/workflows/flood.yml")
  }

  @Test func aMergeOverThreeHundredThousandKeysIsCheckedInBoundedTime() throws {
    // 42 s when each merged key was compared with every key merged before it.
    let base = HostileYAML.mapping(keys: HostileYAML.ordinaryKeys(count: 300_000), indent: 2)
    let text = workflow(env: base, anchor: " &base", job: "    env:\n      <<: *base\n      key-000000: explicit\n")
    try expectCheckedInBoundedTime(text, at: ".github/workflows/merge.yml")
  }

  @Test func aScriptSharedByTwentyFiveThousandStepsIsALimitError() throws {
    // 1.5 MB naming 25 GB of script: every rule read the script 25,000 times, for minutes.
    let text = HostileYAML.aliasedScriptWorkflow(scriptBytes: 1_000_000, steps: 25_000)
    let root = try directory(with: text, at: ".github/workflows/ci.yml")
    defer { try? FileManager.default.removeItem(at: root) }
    let result = try runPlumbBounded(["check", "--color", "never", "."], in: root, timeoutSeconds: 60)
    expectBounded(result, statuses: [2])
    // At the first `*script` past the budget (16 times the file's size).
    let budget = 16 * text.utf8.count
    let script = try #require(text.components(separatedBy: "&script |\n").last?.components(separatedBy: "      - run:").first)
    let scriptBytes = script.utf8.count - 10 * script.split(separator: "\n").count
    let firstStepLine = text.prefix { $0 != "*" }.split(separator: "\n", omittingEmptySubsequences: false).count
    let line = firstStepLine + budget / scriptBytes
    #expect(
      result.stdout.contains(".github/workflows/ci.yml:\(line):14: error: aliases expand to more than \(budget) bytes of text"),
      "\(result.stdout.prefix(3_000))")
    #expect(result.stdout.contains("[yaml.alias-bytes]"))
    #expect(result.stdout.contains("verdict: fail (1 input error"), "\(result.stdout.suffix(1_000))")
  }

  @Test func parseOfAnAliasBombOfOneMegabyteScalarsIsALimitErrorWithSmallOutput() throws {
    // `plumb parse --format json` printed every alias's value and source text: 4,000 aliases of a
    // 1 MB scalar aborted after allocating 4 GB.
    let root = try directory(with: HostileYAML.aliasedScalar(bytes: 1_000_000, aliases: 4_000), at: "big.yaml")
    defer { try? FileManager.default.removeItem(at: root) }
    for format in ["json", "text"] {
      let result = try runPlumbBounded(["parse", "--format", format, "--color", "never", "big.yaml"], in: root, timeoutSeconds: 60)
      expectBounded(result, statuses: [2])
      #expect(result.stdout.contains("yaml.alias-bytes"), "\(format)")
      // The diagnostic and no document (loading stopped at the limit).
      #expect(result.standardOutput.count < 1_000_000, "\(format): \(result.standardOutput.count) bytes")
    }
  }

  @Test func parsePrintsAliasesAsReferencesSoItsOutputGrowsWithTheFile() throws {
    // Eight aliases of a 1 MB scalar are within the budget; each is printed as a reference (where
    // it is used and where its anchor is), not as another copy of the megabyte.
    let text = HostileYAML.aliasedScalar(bytes: 1_000_000, aliases: 8) + "merged:\n  <<: &m {a: 1, b: 2}\nagain:\n  <<: *m\n"
    let root = try directory(with: text, at: "big.yaml")
    defer { try? FileManager.default.removeItem(at: root) }
    let json = try runPlumbBounded(["parse", "--format", "json", "big.yaml"], in: root, timeoutSeconds: 60)
    expectBounded(json, statuses: [0])
    #expect(json.standardOutput.count < 3 * text.utf8.count, "\(json.standardOutput.count) bytes")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput)) as? [String: Any])
    let files = try #require(object["files"] as? [[String: Any]])
    let documents = try #require(files.first?["documents"] as? [[String: Any]])
    let pairs = try #require((documents.first?["root"] as? [String: Any])?["pairs"] as? [[String: Any]])
    #expect(pairs.count == 4)
    let uses = try #require((pairs[1]["value"] as? [String: Any])?["items"] as? [[String: Any]])
    #expect(uses.count == 8)
    for use in uses {
      #expect(use["alias"] as? String == "big")
      #expect(use["value"] == nil && use["raw"] == nil)
      let span = try #require(use["span"] as? [String: [String: Int]])
      #expect(span["start"]?["offset"] == 10 && span["end"]?["offset"] == 1_000_010)
      #expect(((use["aliasSpan"] as? [String: [String: Int]])?["start"]?["line"]) == 2)
    }
    // Pairs merged through an alias are references to where they are written; an inline merged
    // mapping is printed where it is.
    let again = try #require((pairs[3]["value"] as? [String: Any])?["pairs"] as? [[String: Any]])
    #expect(again.count == 2)
    let mergedKey = try #require(again.first?["key"] as? [String: Any])
    #expect(mergedKey["value"] == nil && mergedKey["mergeAliasSpan"] != nil)
    let inline = try #require((pairs[2]["value"] as? [String: Any])?["pairs"] as? [[String: Any]])
    #expect((inline.first?["key"] as? [String: Any])?["value"] as? String == "a")

    let dump = try runPlumbBounded(["parse", "--color", "never", "big.yaml"], in: root, timeoutSeconds: 60)
    expectBounded(dump, statuses: [0])
    #expect(dump.standardOutput.count < 2 * text.utf8.count, "\(dump.standardOutput.count) bytes")
    #expect(dump.stdout.contains("- scalar plain string *big (alias at 2:8) [1:11-1:1000011 bytes 10..<1000010]\n"), "\(dump.stdout.suffix(1_500))")
    #expect(dump.stdout.contains("(merged through the alias at 6:7)"))
  }
}
