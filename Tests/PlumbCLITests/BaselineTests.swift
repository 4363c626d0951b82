import Foundation
import PlumbDiagnostics
import PlumbGraph
import Testing

@testable import PlumbKit
import PlumbReport

/// Baselines: new / unchanged / fixed by fingerprint, the files they are read from, fingerprints
/// that survive moved lines, reordered files and reformatting, and `--baseline-ref`.
@Suite struct BaselineTests {
  func finding(_ rule: String, _ entity: String, fingerprint: String, line: Int = 1) -> Finding {
    let position = SourcePosition(line: line, column: 1, offset: line * 10)
    return Finding(
      ruleID: rule, title: rule, severity: .high, category: "c", message: "\(rule) on \(entity)",
      entity: EntityID(entity), entityKind: "k",
      location: SourceLocation(path: "f.yaml", span: SourceSpan(start: position, end: position)), verdict: .fail,
      fingerprint: fingerprint, requirement: 0)
  }

  @Test func findingsAreNewOrUnchangedAndMissingOnesAreFixed() {
    let baseline = Baseline(
      entries: [
        .init(fingerprint: "a", ruleID: "r1", message: "m", entity: "e1"),
        .init(fingerprint: "b", ruleID: "r2", message: "gone", entity: "e2"),
      ], origin: "test")
    let (statuses, fixed) = BaselineComparison.compare(
      [finding("r1", "e1", fingerprint: "a", line: 40), finding("r3", "e3", fingerprint: "c")], with: baseline)
    #expect(statuses == [.unchanged, .new])
    #expect(fixed == [FixedFinding(ruleID: "r2", fingerprint: "b", message: "gone", entity: "e2")])
    let (none, noFixed) = BaselineComparison.compare([finding("r1", "e1", fingerprint: "a")], with: nil)
    #expect(none == [.none] && noFixed.isEmpty)
  }

  @Test func equalFingerprintsAreCountedNotCollapsed() {
    let baseline = Baseline(entries: [.init(fingerprint: "a", ruleID: "r")], origin: "test")
    let (statuses, _) = BaselineComparison.compare(
      [finding("r", "e", fingerprint: "a"), finding("r", "e", fingerprint: "a", line: 2)], with: baseline)
    #expect(statuses == [.unchanged, .new])
  }

  @Test func baselinesAreReadFromJSONReportsSARIFAndPlainLists() throws {
    let directory = try makeRepository(["catalog.yaml": component("api", tags: "[web]")])
    let run = gateCheck(directory)
    let expected = Set(run.report.findings.map(\.finding.fingerprint))
    #expect(expected.count == 2)

    func read(_ text: String) -> Result<Baseline, BaselineError> {
      let url = directory.appendingPathComponent("b-\(UUID().uuidString).json")
      try? text.write(to: url, atomically: true, encoding: .utf8)
      return Baseline.read(path: url.path)
    }
    // Plumb's JSON report (the `json` output format).
    let json = try read(#require(run.render("json"))).get()
    #expect(Set(json.entries.map(\.fingerprint)) == expected)
    #expect(json.entries.allSatisfy { !$0.ruleID.isEmpty && !$0.entity.isEmpty })
    // The report model encoded with Codable (`findings[].finding.fingerprint`).
    let encoder = JSONEncoder()
    let codable = try read(String(decoding: encoder.encode(run.report), as: UTF8.self)).get()
    #expect(Set(codable.entries.map(\.fingerprint)) == expected)
    #expect(codable.entries.allSatisfy { $0.entity.hasPrefix("catalog:") })
    // SARIF (`partialFingerprints`).
    let sarif = try read(#require(run.render("sarif"))).get()
    #expect(Set(sarif.entries.map(\.fingerprint)) == expected)
    // A plain list, with extra keys.
    let list = try read(#"[{"fingerprint": "x", "rule_id": "r", "extra": 1}]"#).get()
    #expect(list.entries == [Baseline.Entry(fingerprint: "x", ruleID: "r")])

    #expect(throws: BaselineError.self) { try read("not json").get() }
    #expect(throws: BaselineError.self) { try read(#"{"findings": [{"rule": "r"}]}"#).get() }
    #expect(throws: BaselineError.self) { try read(#"{"version": 1}"#).get() }
    let missing = Baseline.read(path: directory.appendingPathComponent("nope.json").path)
    #expect(throws: BaselineError.self) { try missing.get() }
  }

  // MARK: Fingerprints

  func fingerprints(_ files: [String: String]) throws -> [String: String] {
    let directory = try makeRepository(files)
    let run = gateCheck(directory)
    var result: [String: String] = [:]
    for reported in run.report.findings {
      result[reported.finding.ruleID + " " + reported.finding.entity.rawValue] = reported.finding.fingerprint
    }
    return result
  }

  @Test func fingerprintsSurviveMovedLinesReorderedFilesAndReformatting() throws {
    let a = component("api", tags: "[web]")
    let b = component("web")
    let original = try fingerprints(["catalog/all.yaml": a + "---\n" + b])
    #expect(original.count == 5)
    // Lines moved down by comments and blank lines.
    let moved = try fingerprints(["catalog/all.yaml": "# The catalog\n\n\n" + a + "---\n# web\n\n" + b])
    #expect(moved == original)
    // Documents reordered, and split across files.
    #expect(try fingerprints(["catalog/all.yaml": b + "---\n" + a]) == original)
    #expect(try fingerprints(["z.yaml": a, "catalog/a.yaml": b]) == original)
    // Reformatted: flow style, other indentation, quoting.
    let reformatted = """
      {apiVersion: "backstage.io/v1alpha1", kind: Component, metadata: {tags: ["web"], name: 'api'}, spec: {owner: team, type: service, lifecycle: "production"}}
      ---
      apiVersion: backstage.io/v1alpha1
      kind: Component
      metadata:
          name: "web"
      spec:
          lifecycle: production
          type: service
          owner: 'team'
      """
    #expect(try fingerprints(["catalog/all.yaml": reformatted]) == original)
  }

  @Test func terraformFingerprintsSurviveReformattingAPlan() throws {
    let compact = Self.plan(address: "aws_security_group.ssh", cidr: "0.0.0.0/0")
    let pretty = try String(
      decoding: JSONSerialization.data(
        withJSONObject: JSONSerialization.jsonObject(with: Data(compact.utf8)), options: [.prettyPrinted, .sortedKeys]),
      as: UTF8.self)
    func run(_ text: String) throws -> [String] {
      let directory = try makeRepository(["infra/plan.json": text], rules: false)
      var options = CheckOptions(paths: [directory.path], root: directory.path)
      options.today = ISODate("2025-06-01")
      return CheckRun.run(options).report.findings.map(\.finding.fingerprint)
    }
    let first = try run(compact)
    #expect(!first.isEmpty)
    #expect(try run(pretty) == first)
  }

  @Test func workflowFingerprintsSurviveMovedLinesAndReformatting() throws {
    func run(_ text: String) throws -> [String] {
      let directory = try makeRepository([".github/workflows/ci.yml": text], rules: false)
      var options = CheckOptions(paths: [directory.path], root: directory.path)
      options.today = ISODate("2025-06-01")
      let run = CheckRun.run(options)
      #expect(run.inputDiagnostics.filter { $0.severity == .error }.isEmpty, "\(run.inputDiagnostics)")
      return run.report.findings.map { $0.finding.ruleID + " " + $0.finding.fingerprint }.sorted()
    }
    let original = try run("""
      on: pull_request
      jobs:
        build:
          runs-on: ubuntu-24.04
          steps:
            - uses: actions/checkout@v4
            - run: echo "${{ github.event.pull_request.title }}"
      """)
    #expect(original.contains { $0.hasPrefix("template_injection ") })
    let moved = try run("""
      # CI for pull requests.
      on: pull_request

      jobs:
        # The only job.
        build:
            runs-on: "ubuntu-24.04"
            steps:
              - uses: 'actions/checkout@v4'

              - {run: "echo \\"${{ github.event.pull_request.title }}\\""}
      """)
    #expect(moved == original)
  }

  static func plan(address: String, cidr: String) -> String {
    let name = address.split(separator: ".").last.map(String.init) ?? address
    return """
      {"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": [
        {"address": "\(address)", "mode": "managed", "type": "aws_security_group", "name": "\(name)",
         "provider_name": "registry.terraform.io/hashicorp/aws",
         "change": {"actions": ["create"], "before": null, "after_unknown": {},
           "after": {"tags": {"owner": "platform"}, "ingress": [{"cidr_blocks": ["\(cidr)"], "ipv6_cidr_blocks": [], "from_port": 22, "to_port": 22, "protocol": "tcp"}]}}}]}
      """
  }

  /// Checkov #7647: a baseline keyed by (resource, check) collapses two root modules declaring the
  /// same address. Plumb keys by fingerprint, whose entity id includes the plan's path.
  @Test func twoPlansWithTheSameAddressStayApart() throws {
    let directory = try makeRepository(
      ["prod/plan.json": Self.plan(address: "aws_security_group.ssh", cidr: "0.0.0.0/0")], rules: false)
    var options = CheckOptions(paths: [directory.path], root: directory.path)
    options.today = ISODate("2025-06-01")
    let rule = "security_group_admin_ports_open"
    let before = CheckRun.run(options).report.findings.map(\.finding).filter { $0.ruleID == rule }
    #expect(before.count == 1)
    let baseline = Baseline(findings: before, origin: "test")

    // The same address appears in a second root module.
    try Self.plan(address: "aws_security_group.ssh", cidr: "0.0.0.0/0")
      .write(to: directory.appendingPathComponent("staging/plan.json").creatingParent(), atomically: true, encoding: .utf8)
    let after = CheckRun.run(options).report.findings.map(\.finding).filter { $0.ruleID == rule }
    #expect(after.count == 2)
    let (statuses, fixed) = BaselineComparison.compare(after, with: baseline)
    let byPath = Dictionary(uniqueKeysWithValues: zip(after.map(\.location.path), statuses))
    #expect(byPath["prod/plan.json"] == .unchanged)
    #expect(byPath["staging/plan.json"] == .new)
    #expect(fixed.isEmpty)
    // Keyed by (address, rule) the new one would have hidden behind the old one.
    let keys = after.map { $0.message + $0.ruleID }
    #expect(Set(keys).count == 1)
  }

  // MARK: --baseline-ref

  @Test func baselineRefChecksTheSamePathsAtARevision() throws {
    let directory = try makeRepository([
      "catalog/a.yaml": component("api", system: "billing", tags: "[web]", description: "d"),
      "catalog/b.yaml": component("legacy", tags: "[web]", description: "d"),
    ])
    try git(["init", "-q"], in: directory)
    try git(["add", "."], in: directory)
    try git(["commit", "-q", "-m", "base"], in: directory)
    // In the working tree: the legacy finding moves down (still unchanged), and a new component
    // lacks a system (new).
    try ("# moved\n\n" + component("legacy", tags: "[web]", description: "d"))
      .write(to: directory.appendingPathComponent("catalog/b.yaml"), atomically: true, encoding: .utf8)
    try component("fresh", tags: "[web]", description: "d")
      .write(to: directory.appendingPathComponent("catalog/c.yaml"), atomically: true, encoding: .utf8)

    let run = gateCheck(directory) {
      $0.baseline = .gitRevision("HEAD")
      $0.gate.newOnly = true
    }
    #expect(run.inputDiagnostics.filter { $0.severity == .error }.isEmpty, "\(run.inputDiagnostics)")
    let states = Dictionary(
      uniqueKeysWithValues: run.report.findings.map { ($0.finding.entity.rawValue, ($0.baseline, $0.blocking)) })
    #expect(states["catalog:component:default/legacy"]! == (.unchanged, false))
    #expect(states["catalog:component:default/fresh"]! == (.new, true))
    #expect(run.exitStatus == 1)

    // Fix the new finding: only the old one is left, and it does not block.
    try component("fresh", system: "billing", tags: "[web]", description: "d")
      .write(to: directory.appendingPathComponent("catalog/c.yaml"), atomically: true, encoding: .utf8)
    let fixedRun = gateCheck(directory) {
      $0.baseline = .gitRevision("HEAD")
      $0.gate.newOnly = true
    }
    #expect(fixedRun.exitStatus == 0, "\(fixedRun.report.verdict)")

    // Remove the legacy component: its finding is reported fixed.
    try FileManager.default.removeItem(at: directory.appendingPathComponent("catalog/b.yaml"))
    let gone = gateCheck(directory) { $0.baseline = .gitRevision("HEAD") }
    #expect(gone.report.fixed.map(\.entity) == ["catalog:component:default/legacy"])
    // The repository is untouched: no worktree was added, nothing staged.
    #expect(try git(["worktree", "list"], in: directory).split(separator: "\n").count == 1)
    #expect(try git(["status", "--porcelain"], in: directory).contains("?? catalog/c.yaml"))
  }

  @Test func aBadRevisionOrNoRepositoryFailsClosed() throws {
    let directory = try makeRepository(["catalog/a.yaml": component("api", system: "billing", tags: "[web]")])
    let noRepo = gateCheck(directory) { $0.baseline = .gitRevision("HEAD") }
    #expect(noRepo.exitStatus == 2)
    #expect(noRepo.inputDiagnostics.contains { $0.code == "baseline.git" })
    try git(["init", "-q"], in: directory)
    try git(["add", "."], in: directory)
    try git(["commit", "-q", "-m", "base"], in: directory)
    let badRef = gateCheck(directory) { $0.baseline = .gitRevision("no-such-branch") }
    #expect(badRef.exitStatus == 2)
    #expect(badRef.inputDiagnostics.contains { $0.message.contains("git revision 'no-such-branch' not found") })
  }

  @Test func aRootInASubdirectoryOfTheRepositoryMapsPaths() throws {
    let repository = try makeRepository(["platform/catalog.yaml": component("api", tags: "[web]")])
    try git(["init", "-q"], in: repository)
    try git(["add", "."], in: repository)
    try git(["commit", "-q", "-m", "base"], in: repository)
    let root = repository.appendingPathComponent("platform")
    var options = CheckOptions(paths: [root.path], root: root.path)
    options.ruleDirectories = [repository.appendingPathComponent("policy").path]
    options.useBuiltinRules = false
    options.pack = "gate"
    options.baseline = .gitRevision("HEAD")
    let run = CheckRun.run(options)
    #expect(!run.report.findings.isEmpty)
    #expect(run.report.findings.allSatisfy { $0.baseline == .unchanged }, "\(run.inputDiagnostics)")
  }
}

extension URL {
  /// Creates the parent directory, returning the URL.
  func creatingParent() throws -> URL {
    try FileManager.default.createDirectory(at: deletingLastPathComponent(), withIntermediateDirectories: true)
    return self
  }
}
