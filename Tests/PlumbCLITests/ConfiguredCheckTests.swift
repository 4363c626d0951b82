import Foundation
import Testing
import TestSupport

/// `fail_on:` and `outputs:` in `.plumb.yaml`, end to end on the built binary: the configuration
/// sets what the command line does not, the command line wins, and a hostile configuration can
/// neither write outside the root nor make a bad value pass.
@Suite struct ConfiguredCheckTests {
  /// A workflow whose only finding is a `warn`-level one (`checkout_persist_credentials`).
  static let workflow = """
    on: push
    permissions:
      contents: read
    jobs:
      build:
        runs-on: ubuntu-24.04
        steps:
          - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
          - run: make

    """

  func repository(configuration: String) throws -> URL {
    let root = try temporaryDirectory()
    let workflows = root.appendingPathComponent(".github/workflows")
    try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
    try Self.workflow.write(to: workflows.appendingPathComponent("ci.yml"), atomically: true, encoding: .utf8)
    try configuration.write(to: root.appendingPathComponent(".plumb.yaml"), atomically: true, encoding: .utf8)
    return root
  }

  @Test func failOnInTheConfigurationGatesAndTheCommandLineWins() throws {
    let plain = try repository(configuration: "repository: acme/ci\n")
    defer { try? FileManager.default.removeItem(at: plain) }
    #expect(try runPlumb(["check", "."], in: plain).status == 0, "a warn finding does not fail by default")

    let strict = try repository(configuration: "repository: acme/ci\nfail_on: warn\n")
    defer { try? FileManager.default.removeItem(at: strict) }
    let gated = try runPlumb(["check", "--color", "never", "."], in: strict)
    #expect(gated.status == 1, "fail_on: warn makes the warn finding block: \(gated.stdout)")
    #expect(gated.stdout.contains("checkout_persist_credentials"))
    #expect(try runPlumb(["check", "--fail-on", "never", "."], in: strict).status == 0, "--fail-on wins")
    #expect(try runPlumb(["check", "--fail-on", "block", "."], in: strict).status == 0, "even when it names the default")
  }

  @Test func outputsInTheConfigurationAreWrittenUnderTheRootUnlessTheCommandLineNamesSome() throws {
    let root = try repository(configuration: "outputs:\n  - text\n  - json=reports/plumb.json\n  - sarif=plumb.sarif\n")
    defer { try? FileManager.default.removeItem(at: root) }
    try FileManager.default.createDirectory(
      at: root.appendingPathComponent("reports"), withIntermediateDirectories: true)
    // Run from a subdirectory: the paths are the root's, not the working directory's.
    let subdirectory = root.appendingPathComponent(".github")
    let result = try runPlumb(["check", "--color", "never", ".."], in: subdirectory)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("checkout_persist_credentials"), "text goes to standard output")
    let json = try Data(contentsOf: root.appendingPathComponent("reports/plumb.json"))
    let report = try #require(JSONSerialization.jsonObject(with: json) as? [String: Any])
    #expect((report["findings"] as? [Any])?.count == 1)
    let sarif = try String(contentsOf: root.appendingPathComponent("plumb.sarif"), encoding: .utf8)
    #expect(sarif.contains("\"checkout_persist_credentials\""))
    #expect(!FileManager.default.fileExists(atPath: subdirectory.appendingPathComponent("plumb.sarif").path))

    // The next run does not read what the last one wrote (configured or named on the command line).
    let again = try runPlumb(["check", "--output", "json=again.json", "."], in: root)
    #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
    _ = try runPlumb(["check", "--output", "json=again.json", "."], in: root)
    let second = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("again.json"))) as? [String: Any])
    let files = (second["files"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
    #expect(files == [".github/workflows/ci.yml"], "outputs are not inputs: \(files)")

    try FileManager.default.removeItem(at: root.appendingPathComponent("plumb.sarif"))
    let named = try runPlumb(["check", "--output", "markdown", "."], in: root)
    #expect(named.status == 0)
    #expect(named.stdout.hasPrefix("#") || named.stdout.contains("| "), "markdown on standard output: \(named.stdout)")
    #expect(
      !FileManager.default.fileExists(atPath: root.appendingPathComponent("plumb.sarif").path),
      "--output replaces the configured outputs")
  }

  @Test func aHostileConfigurationCannotWriteOutsideTheRootNorPassABadValue() throws {
    let outside = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: outside) }
    let root = try repository(
      configuration: """
        fail_on: "sometimes\\e[2J"
        outputs:
          - json=\(outside.path)/absolute.json
          - json=../escape.json
          - json=reports/../../escape2.json
          - "json=bad\\nname.json"
          - jsn
          - sarif=linked/through.sarif

        """)
    defer { try? FileManager.default.removeItem(at: root) }
    // A directory inside the root that is a symbolic link out of it.
    try FileManager.default.createSymbolicLink(
      at: root.appendingPathComponent("linked"), withDestinationURL: outside)
    let result = try runPlumb(["check", "--color", "never", "."], in: root)
    let text = result.stdout + result.stderr
    #expect(result.status == 3, "a bad configuration is a configuration error: \(text)")
    for expected in [
      ".plumb.yaml:1:10: error: 'fail_on' is one of block, warn, advisory, never, not 'sometimes",
      ".plumb.yaml:3:5: error: 'outputs' entry 'json=\(outside.path)/absolute.json' names an absolute path",
      ".plumb.yaml:4:5: error: 'outputs' entry 'json=../escape.json' leaves the root",
      ".plumb.yaml:5:5: error: 'outputs' entry 'json=reports/../../escape2.json' leaves the root",
      ".plumb.yaml:6:5: error: 'outputs' entry 'json=bad",
      ".plumb.yaml:7:5: error: 'outputs': unknown output format 'jsn'; did you mean 'json'?",
    ] {
      #expect(text.contains(expected), "missing: \(expected)\n\(text)")
    }
    #expect(!text.contains("\u{1B}[2J"), "the value's escape sequence is not echoed")
    #expect(text.contains("cannot write sarif output"), "the symlinked directory is refused: \(text)")
    let written = try FileManager.default.contentsOfDirectory(atPath: outside.path)
    #expect(written.isEmpty, "nothing was written outside the root: \(written)")
    let parent = root.deletingLastPathComponent()
    #expect(!FileManager.default.fileExists(atPath: parent.appendingPathComponent("escape.json").path))
    #expect(!FileManager.default.fileExists(atPath: parent.appendingPathComponent("escape2.json").path))
  }
}
