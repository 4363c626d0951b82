import Foundation
import PlumbDiagnostics
import PlumbGraph
import PlumbReport
import Testing

@testable import PlumbKit

/// Which findings block (`--fail-on`, `--fail-on-severity`, `--indeterminate`, `--new-only`),
/// what text shows (`--show`), exit-status precedence, and `--output` parsing.
@Suite struct GatePolicyTests {
  func finding(_ severity: Severity = .high, verdict: Verdict = .fail, rule: String = "r") -> Finding {
    let position = SourcePosition(line: 1, column: 1, offset: 0)
    return Finding(
      ruleID: rule, title: "t", severity: severity, category: "c", message: "m", entity: EntityID("e"), entityKind: "k",
      location: SourceLocation(path: "f", span: SourceSpan(start: position, end: position)), verdict: verdict,
      fingerprint: "f", requirement: 0)
  }

  func gate(_ configure: (inout GateOptions) -> Void = { _ in }) -> Gate {
    var options = GateOptions()
    configure(&options)
    return Gate(options: options)
  }

  @Test func byDefaultOnlyBlockLevelFindingsBlock() {
    let gate = gate()
    #expect(gate.isBlocking(finding(), enforcement: .block, suppressed: false, baseline: .none))
    #expect(!gate.isBlocking(finding(), enforcement: .warn, suppressed: false, baseline: .none))
    #expect(!gate.isBlocking(finding(), enforcement: .advisory, suppressed: false, baseline: .none))
    #expect(!gate.isBlocking(finding(), enforcement: .block, suppressed: true, baseline: .none))
  }

  @Test func failOnChoosesTheLevels() {
    let warn = gate { $0.failOn = .warn }
    #expect(warn.isBlocking(finding(), enforcement: .warn, suppressed: false, baseline: .none))
    #expect(!warn.isBlocking(finding(), enforcement: .advisory, suppressed: false, baseline: .none))
    let advisory = gate { $0.failOn = .advisory }
    #expect(advisory.isBlocking(finding(), enforcement: .advisory, suppressed: false, baseline: .none))
    let never = gate { $0.failOn = .never }
    #expect(!never.isBlocking(finding(.critical), enforcement: .block, suppressed: false, baseline: .none))
  }

  @Test func aMinimumSeverityLetsLowerFindingsThrough() {
    let high = gate { $0.minimumSeverity = .high }
    #expect(high.isBlocking(finding(.critical), enforcement: .block, suppressed: false, baseline: .none))
    #expect(high.isBlocking(finding(.high), enforcement: .block, suppressed: false, baseline: .none))
    #expect(!high.isBlocking(finding(.medium), enforcement: .block, suppressed: false, baseline: .none))
    // Severity narrows the levels, never widens them.
    #expect(!high.isBlocking(finding(.critical), enforcement: .warn, suppressed: false, baseline: .none))
  }

  @Test func indeterminateFindingsFailClosedUnlessToldToWarn() {
    let unknown = finding(verdict: .indeterminate)
    #expect(gate().isBlocking(unknown, enforcement: .block, suppressed: false, baseline: .none))
    #expect(!gate().isBlocking(unknown, enforcement: .warn, suppressed: false, baseline: .none))
    #expect(!gate { $0.indeterminate = .warn }.isBlocking(unknown, enforcement: .block, suppressed: false, baseline: .none))
    #expect(gate { $0.indeterminate = .warn }.isBlocking(finding(), enforcement: .block, suppressed: false, baseline: .none))
  }

  @Test func newOnlyGatesOnNewFindings() {
    let newOnly = gate { $0.newOnly = true }
    #expect(newOnly.isBlocking(finding(), enforcement: .block, suppressed: false, baseline: .new))
    #expect(!newOnly.isBlocking(finding(), enforcement: .block, suppressed: false, baseline: .unchanged))
    #expect(newOnly.isBlocking(finding(rule: "waiver_expired"), enforcement: .block, suppressed: false, baseline: .unchanged))
    #expect(gate().isBlocking(finding(), enforcement: .block, suppressed: false, baseline: .unchanged))
  }

  @Test func exitStatusesFollowTheDocumentedPrecedence() {
    #expect(Gate.decide(policyErrors: 1, inputErrors: 1, coverage: .notRun, blocking: 3) == (3, "fail (1 policy error, 1 input error, 3 blocking findings)"))
    #expect(Gate.decide(policyErrors: 2, inputErrors: 0, coverage: .notRun, blocking: 0, rulesCompiled: false) == (3, "fail (rules did not compile)"))
    #expect(Gate.decide(policyErrors: 0, inputErrors: 1, coverage: .noInput, blocking: 3) == (2, "fail (1 input error, nothing was evaluated: no input found, 3 blocking findings)"))
    #expect(Gate.decide(policyErrors: 0, inputErrors: 0, coverage: .nothingApplied, blocking: 3).status == 4)
    #expect(Gate.decide(policyErrors: 0, inputErrors: 0, coverage: .noRule, blocking: 0).verdict.contains("enables no rule"))
    #expect(Gate.decide(policyErrors: 0, inputErrors: 0, coverage: .evaluated, blocking: 2) == (1, "fail (2 blocking findings)"))
    #expect(Gate.decide(policyErrors: 0, inputErrors: 0, coverage: .evaluated, blocking: 0) == (0, "pass"))
    #expect(ExitStatus.mostSevere(1, 2) == 2 && ExitStatus.mostSevere(4, 2) == 2 && ExitStatus.mostSevere(3, 2) == 3)
    #expect(ExitStatus.mostSevere(0, 4) == 4 && ExitStatus.mostSevere(64, 3) == 64 && ExitStatus.mostSevere(1, 4) == 4)
    // Problems with inline ignore comments are errors that do not by themselves fail the policy.
    #expect(!Gate.isFatal(Diagnostic(code: "ignore.missing-reason", message: "m", location: nil)))
    #expect(Gate.isFatal(Diagnostic(code: "waiver.unknown-rule", message: "m", location: nil)))
    #expect(!Gate.isFatal(Diagnostic(code: "waiver.unused", severity: .warning, message: "m", location: nil)))
  }

  @Test func showFiltersTextButNeverTheVerdict() throws {
    let directory = try makeRepository(["catalog.yaml": component("api")])
    let run = gateCheck(directory)
    #expect(run.report.findings.count == 3)
    let blockOnly = run.text(show: .block)
    #expect(blockOnly.contains("[needs_system]"))
    #expect(!blockOnly.contains("[needs_tags]") && !blockOnly.contains("[needs_description]"))
    #expect(blockOnly.contains("verdict: fail (1 blocking finding)"))
    let warn = run.text(show: .warn)
    #expect(warn.contains("[needs_tags]") && !warn.contains("[needs_description]"))
    #expect(run.text().contains("[needs_description]"))
    // A blocking finding is shown whatever --show says.
    let failOnWarn = gateCheck(directory) { $0.gate.failOn = .warn }
    #expect(failOnWarn.text(show: .block).contains("[needs_tags]"))
    // Other formats are not filtered.
    #expect(try #require(run.render("json")).contains("needs_description"))
  }

  @Test func outputRequestsNameAFormatAndMaybeAFile() throws {
    #expect(try OutputRequest.parse("sarif").get() == OutputRequest(format: "sarif"))
    #expect(try OutputRequest.parse("sarif=out/plumb.sarif").get() == OutputRequest(format: "sarif", path: "out/plumb.sarif"))
    #expect(try OutputRequest.parse("json=-").get() == OutputRequest(format: "json"))
    #expect(try OutputRequest.parse("github-summary=/tmp/a=b.md").get().path == "/tmp/a=b.md")
    guard case .failure(let error) = OutputRequest.parse("sarf=x") else {
      Issue.record("an unknown format must be refused")
      return
    }
    #expect(error.message.hasPrefix("unknown output format 'sarf'; did you mean 'sarif'? (known: text, json, sarif"))
    guard case .failure = OutputRequest.parse("json=") else {
      Issue.record("an empty path must be refused")
      return
    }
  }

  @Test func outputFilesAreWrittenAtomicallyWithTheirDirectories() throws {
    let directory = try temporaryDirectory()
    let path = directory.appendingPathComponent("reports/deep/plumb.sarif").path
    try OutputWriter.write("one", to: path)
    try OutputWriter.write("two", to: path)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
    let left = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("reports/deep").path)
    #expect(left == ["plumb.sarif"])
    #expect(throws: (any Error).self) { try OutputWriter.write("x", to: "/proc/plumb-cannot-write/x.json") }
  }

  @Test func configurationProblemsArePolicyErrors() throws {
    let directory = try makeRepository([
      "catalog.yaml": component("api", system: "billing", tags: "[web]"),
      ".plumb.yaml": "pak: gate\n",
    ])
    let run = gateCheck(directory)
    #expect(run.exitStatus == 3)
    #expect(run.policyDiagnostics.contains { $0.code == "config.unknown-key" && $0.location?.path == ".plumb.yaml" })
    #expect(!run.inputDiagnostics.contains { $0.location?.path == ".plumb.yaml" })
  }

  @Test func configurationOfTheWrongShapeIsAPolicyErrorNotIgnored() throws {
    // Before the configuration was read in one place, a top level that is not a mapping and a
    // `links` that is not one were silently ignored (and the run passed).
    for text in ["- pack: gate\n", "links: [component]\n", "rules: policy\n"] {
      let directory = try makeRepository([
        "catalog.yaml": component("api", system: "billing", tags: "[web]", description: "API"), ".plumb.yaml": text,
      ])
      let run = gateCheck(directory)
      #expect(run.exitStatus == 3, "\(text)")
      let problem = run.policyDiagnostics.first { $0.code == "config.type" }
      #expect(problem?.location?.path == ".plumb.yaml" && problem?.location?.span.start.line == 1, "\(text)")
    }
  }

  @Test func theConfigurationIsReadOnceAndHandedToEveryStage() throws {
    let directory = try makeRepository([
      "catalog.yaml": component("api"),
      ".plumb.yaml": "pack: gate\nrepository: acme/api\nlinks: {component_tags: [svc]}\n",
    ])
    let run = gateCheck(directory) { $0.pack = nil }
    #expect(run.configuration.pack == "gate" && run.pack?.name == "gate")
    #expect(run.ingestOptions.repository == "acme/api" && run.ingestOptions.componentTagKeys == ["svc"])
    #expect(run.policyDiagnostics.isEmpty)
  }

  @Test func aPackThatRunsNoRuleEvaluatedNothing() throws {
    let directory = try makeRepository(["catalog.yaml": component("api")])
    let run = gateCheck(directory, pack: "nothing_on")
    #expect(run.exitStatus == 4)
    #expect(run.report.verdict == "fail (nothing was evaluated: the policy pack enables no rule)")
  }

  @Test func theReportDescribesRulesFilesAndTheVerdict() throws {
    let directory = try makeRepository(["catalog.yaml": component("api"), "notes.yaml": "just: data\n"])
    let run = gateCheck(directory) { $0.arguments = ["check", "x"] }
    let report = run.report
    #expect(report.rules.map(\.id) == ["needs_description", "needs_system", "needs_tags"])
    let owner = try #require(report.rules.first { $0.id == "needs_system" })
    // A user rule without `docs` has no page (no link); a built-in rule's is under the docs base.
    #expect(owner.helpURI == "" && owner.builtin == false && owner.enforcement == .block && !owner.hasFix)
    #expect(owner.statistics.failed == 1 && owner.statistics.applicable == 1)
    #expect(report.files == [
      InputFileSummary(path: "catalog.yaml", format: "backstage-catalog"), InputFileSummary(path: "notes.yaml", format: nil, skipReason: "unknown-format"),
    ])
    #expect(report.pack == "gate" && report.arguments == ["check", "x"] && report.toolVersion == Plumb.version)
    #expect(report.exitStatus == 1 && report.verdict == "fail (1 blocking finding)")
    #expect(report.findings.map(\.baseline) == [.none, .none, .none])
  }

  @Test func rulesWithFixesSaySo() throws {
    let platform = packageRoot.appendingPathComponent("fixtures/platform").path
    var options = CheckOptions(paths: [platform], root: platform)
    options.today = ISODate("2025-06-01")
    let run = CheckRun.run(options)
    let withFix = run.library.rules.filter { rule in
      rule.decl.body.contains { if case .require(let r) = $0 { !r.fixes.isEmpty } else { false } }
    }.map(\.id)
    for rule in run.report.rules { #expect(rule.hasFix == withFix.contains(rule.id), "\(rule.id)") }
  }
}
