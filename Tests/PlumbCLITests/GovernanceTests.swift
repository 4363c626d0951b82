import BenchmarkSupport
import Foundation
import Testing

@testable import PlumbKit

/// Governance of the gate, end to end on the built binary (`runPlumbBounded`): what an expired
/// waiver does under each `--fail-on`, the pack's longest waiver (`max_waiver_days`), and GitHub
/// contexts written in any case or form.
@Suite struct GovernanceTests {
  /// `plumb check` with the gate rules (`GateTestSupport.swift`) on `directory`, today 2025-06-01,
  /// the JSON report written to `report.json` in it; the run must end by itself.
  func check(_ directory: URL, pack: String = "gate", _ more: [String] = []) throws -> (BoundedResult, [String: Any]) {
    let report = directory.appendingPathComponent("report.json")
    try? FileManager.default.removeItem(at: report)
    let result = try runPlumbBounded(gateArguments(directory, pack: pack, more + ["--output", "text", "--output", "json=\(report.path)"]))
    #expect(!result.timedOut)
    let data = try Data(contentsOf: report)
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    return (result, json)
  }

  /// The findings of a JSON report.
  func findings(_ json: [String: Any]) -> [[String: Any]] { json["findings"] as? [[String: Any]] ?? [] }

  /// The codes of a JSON report's policy diagnostics.
  func policyCodes(_ json: [String: Any]) -> [String] {
    (json["policyDiagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
  }

  /// A repository with one clean component (nothing of its own fails) and `waivers`.
  func repository(waivers: String, extraRules: String = "") throws -> URL {
    var files = [
      "catalog-info.yaml": component("api", system: "payments", tags: "[web]", description: "the API"),
      ".plumb-waivers.yaml": waivers,
    ]
    if !extraRules.isEmpty { files["policy/extra.plumb"] = extraRules }
    return try makeRepository(files)
  }

  // MARK: Expired waivers and --fail-on

  /// An expired waiver is a finding of rule `waiver_expired`, gated like a block-level finding:
  /// it fails under `--fail-on block|warn|advisory`, and is reported without failing under
  /// `--fail-on never` (report without gating) or a `--fail-on-severity` above `high`.
  @Test func anExpiredWaiverIsAFindingGatedByFailOn() throws {
    let directory = try repository(
      waivers: """
        waivers:
          - rule: needs_tags
            entity: "catalog:component:default/old"
            reason: the old service
            owner: "@acme/platform"
            expires: 2025-05-01
        """)
    defer { try? FileManager.default.removeItem(at: directory) }

    for failOn in ["block", "warn", "advisory"] {
      let (result, json) = try check(directory, ["--fail-on", failOn])
      #expect(result.status == 1, "--fail-on \(failOn): \(result.stdout)\(result.stderr)")
      #expect(result.stdout.contains("verdict: fail (1 blocking finding)"), "\(result.stdout)")
      let expired = try #require(findings(json).first { $0["ruleId"] as? String == "waiver_expired" })
      #expect(expired["blocking"] as? Bool == true)
    }

    let (never, json) = try check(directory, ["--fail-on", "never"])
    #expect(never.status == 0, "\(never.stdout)\(never.stderr)")
    #expect(never.stdout.contains("verdict: pass"), "\(never.stdout)")
    // Reported all the same, where the waiver's expiry is written, in text and in JSON.
    #expect(
      never.stdout.contains(
        "6:14  error: waiver of 'needs_tags' (entity 'catalog:component:default/old', owner @acme/platform) expired on 2025-05-01 [waiver_expired]"
      ), "\(never.stdout)")
    let expired = try #require(findings(json).first { $0["ruleId"] as? String == "waiver_expired" })
    #expect(expired["blocking"] as? Bool == false)
    #expect(expired["enforcement"] as? String == "block" && expired["severity"] as? String == "high")
    #expect(json["exitStatus"] as? Int == 0)

    let (critical, _) = try check(directory, ["--fail-on-severity", "critical"])
    #expect(critical.status == 0, "\(critical.stdout)")
    let (high, _) = try check(directory, ["--fail-on-severity", "high"])
    #expect(high.status == 1, "\(high.stdout)")
  }

  /// `--fail-on never` never lets an error through: a waiver file that does not load, or a
  /// waiver that runs longer than the pack allows, still exits 3.
  @Test func failOnNeverStillFailsOnWaiverErrors() throws {
    let malformed = try repository(waivers: "waivers:\n  - {rule: needs_tags, entity: x, owner: o, expires: 2025-12-01}\n")
    defer { try? FileManager.default.removeItem(at: malformed) }
    let (missingReason, _) = try check(malformed, ["--fail-on", "never"])
    #expect(missingReason.status == 3, "\(missingReason.stdout)\(missingReason.stderr)")

    let forever = try repository(
      waivers: "waivers:\n  - {rule: needs_tags, entity: x, reason: r, owner: o, expires: 9999-12-31}\n")
    defer { try? FileManager.default.removeItem(at: forever) }
    let (tooLong, json) = try check(forever, ["--fail-on", "never"])
    #expect(tooLong.status == 3, "\(tooLong.stdout)\(tooLong.stderr)")
    #expect(policyCodes(json).contains("waiver.too-long"))
  }

  // MARK: The longest waiver

  /// A waiver may run at most `max_waiver_days` from today (365 when the pack does not say): one
  /// that runs longer is a policy error at its `expires:` value, naming the latest date allowed,
  /// and suppresses nothing.
  @Test func aWaiverLongerThanThePackAllowsIsAPolicyErrorAndSuppressesNothing() throws {
    let waiver = { (expires: String) in
      """
      waivers:
        - rule: needs_system
          entity: "catalog:component:default/legacy"
          reason: migrating to the new system model
          owner: "@acme/platform"
          expires: \(expires)
      """
    }
    let directory = try makeRepository([
      "catalog-info.yaml": component("legacy", tags: "[web]", description: "old"),
      ".plumb-waivers.yaml": waiver("9999-12-31"),
    ])
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent(".plumb-waivers.yaml")

    let (forever, json) = try check(directory)
    #expect(forever.status == 3, "\(forever.stdout)\(forever.stderr)")
    let output = forever.stdout + forever.stderr
    #expect(
      output.contains(
        ".plumb-waivers.yaml:6:14: error: waiver of 'needs_system' (entity 'catalog:component:default/legacy') runs until 9999-12-31, 2912656 days from today (2025-06-01); policy pack 'gate' allows at most 365 days (max_waiver_days): set 'expires' to 2026-06-01 or earlier, and renew it then; it suppresses nothing [waiver.too-long]"
      ), "\(output)")
    #expect(output.contains("expires: 9999-12-31"), "the waiver's line is shown: \(output)")
    #expect(policyCodes(json).contains("waiver.too-long"))
    // The finding it meant to waive is not suppressed, and blocks.
    let waived = try #require(findings(json).first { $0["ruleId"] as? String == "needs_system" })
    #expect(waived["suppression"] is NSNull && waived["blocking"] as? Bool == true)

    // 365 days from today is allowed; one more is not.
    try waiver("2026-06-01").write(to: file, atomically: true, encoding: .utf8)
    let (atLimit, limitJSON) = try check(directory)
    #expect(atLimit.status == 0, "\(atLimit.stdout)\(atLimit.stderr)")
    #expect(findings(limitJSON).first { $0["ruleId"] as? String == "needs_system" }?["suppression"] is [String: Any])
    try waiver("2026-06-02").write(to: file, atomically: true, encoding: .utf8)
    let (overLimit, _) = try check(directory)
    #expect(overLimit.status == 3, "\(overLimit.stdout)")
    #expect(overLimit.stdout.contains("366 days from today") || overLimit.stderr.contains("366 days from today"))
    // Past waivers are not too long: they are expired (a finding, not a policy error).
    try waiver("2025-01-01").write(to: file, atomically: true, encoding: .utf8)
    let (past, pastJSON) = try check(directory)
    #expect(past.status == 1, "\(past.stdout)")
    #expect(!policyCodes(pastJSON).contains("waiver.too-long"))
  }

  /// A pack sets its own limit; a stricter pack turns an accepted waiver into an error at once.
  @Test func aPackSetsTheLongestWaiver() throws {
    let packs = """
      pack quarterly {
        max_waiver_days 90
        rule needs_system: block
      }
      pack decade {
        max_waiver_days 3653
        rule needs_system: block
      }
      """
    let directory = try makeRepository([
      "catalog-info.yaml": component("legacy", tags: "[web]", description: "old"),
      "policy/packs.plumb": packs,
      ".plumb-waivers.yaml": "waivers:\n  - {rule: needs_system, entity: '*', reason: r, owner: o, expires: 2025-09-29}\n",
    ])
    defer { try? FileManager.default.removeItem(at: directory) }
    // 2025-06-01 + 120 days: within the default year, beyond a quarter.
    let (byDefault, _) = try check(directory)
    #expect(byDefault.status == 0, "\(byDefault.stdout)\(byDefault.stderr)")
    let (quarterly, json) = try check(directory, pack: "quarterly")
    #expect(quarterly.status == 3, "\(quarterly.stdout)\(quarterly.stderr)")
    #expect(
      (quarterly.stdout + quarterly.stderr).contains(
        "policy pack 'quarterly' allows at most 90 days (max_waiver_days): set 'expires' to 2025-08-30 or earlier"),
      "\(quarterly.stdout)\(quarterly.stderr)")
    #expect(policyCodes(json).contains("waiver.too-long"))

    try "waivers:\n  - {rule: needs_system, entity: '*', reason: r, owner: o, expires: 2034-01-01}\n"
      .write(to: directory.appendingPathComponent(".plumb-waivers.yaml"), atomically: true, encoding: .utf8)
    let (decade, _) = try check(directory, pack: "decade")
    #expect(decade.status == 0, "\(decade.stdout)\(decade.stderr)")
    let (gate, _) = try check(directory)
    #expect(gate.status == 3, "\(gate.stdout)")
  }

  /// `max_waiver_days` takes a whole number of days above 0; anything else is a pack error with
  /// its location.
  @Test(arguments: ["0", "-5", "\"90\"", "ninety", "1.5", ""])
  func anInvalidLongestWaiverIsAPolicyError(_ value: String) throws {
    let directory = try makeRepository([
      "catalog-info.yaml": component("api", system: "payments", tags: "[web]", description: "the API"),
      "policy/packs.plumb": "pack odd {\n  max_waiver_days \(value)\n  rule needs_system: block\n}\n",
    ])
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try runPlumbBounded(gateArguments(directory, pack: "odd"))
    #expect(!result.timedOut)
    #expect(result.status == 3, "\(value): \(result.stdout)\(result.stderr)")
    // At the value, or at what follows the setting when the value is missing.
    let line = value.isEmpty ? 3 : 2
    #expect(
      (result.stdout + result.stderr).contains("packs.plumb:\(line):"),
      "the error names the pack's line: \(result.stdout)\(result.stderr)")
    #expect((result.stdout + result.stderr).contains("max_waiver_days"), "\(result.stdout)\(result.stderr)")
    // One error for one mistake: the wrong value does not start a second one.
    #expect((result.stdout + result.stderr).components(separatedBy: "packs.plumb:").count == 2, "\(result.stdout)")
  }

  /// The built-in packs state their limits: a year for `baseline`, a quarter for `strict`.
  @Test func theBuiltInPacksLimitWaivers() throws {
    let library = PolicyLibrary(sources: BuiltinPolicies.sources)
    #expect(library.packs["baseline"]?.maxWaiverDays == 365)
    #expect(library.packs["strict"]?.maxWaiverDays == 90)
    #expect(library.packs["eu_residency"]?.waiverDayLimit == PackDecl.defaultMaxWaiverDays)
  }

  // MARK: GitHub contexts in any case or form

  /// GitHub reads context names and properties case-insensitively, in index syntax too, with
  /// white space between the parts: every spelling of an attacker-controlled value is found.
  @Test func untrustedContextsAreFoundInEverySpelling() throws {
    let spellings = [
      "GITHUB.EVENT.ISSUE.TITLE", "github.EVENT.issue.body", "GitHub.Event.Pull_Request.Head.Ref",
      "github['event']['issue']['title']", "github['EVENT']['Issue']['TITLE']", "github.event['pull_request'].title",
      "github . event . comment . body", "github [ 'head_ref' ]", "toJSON(GITHUB.EVENT)",
      "Github.Event.Commits[0].Message",
    ]
    var workflow = "on: pull_request_target\njobs:\n  greet:\n    runs-on: ubuntu-24.04\n    steps:\n"
    for spelling in spellings { workflow += "      - run: echo \"${{ \(spelling) }}\"\n" }
    // Trusted values in capitals stay trusted.
    workflow += "      - run: echo \"${{ GITHUB.EVENT.ISSUE.NUMBER }} ${{ GitHub.SHA }}\"\n"
    let directory = try makeRepository([".github/workflows/greet.yml": workflow], rules: false)
    defer { try? FileManager.default.removeItem(at: directory) }
    let report = directory.appendingPathComponent("report.json")
    let result = try runPlumbBounded(
      ["check", "--color", "never", "--output", "json=\(report.path)", "--output", "text", directory.path])
    #expect(!result.timedOut)
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
    let injections = findings(json).filter { $0["ruleId"] as? String == "template_injection" }
    let messages = injections.compactMap { $0["message"] as? String }
    for spelling in spellings {
      #expect(
        messages.contains("'\(spelling)' is expanded into a run script; an attacker controls its value"),
        "\(spelling) was not found: \(messages)")
    }
    #expect(injections.count == spellings.count, "\(messages)")
    #expect(injections.allSatisfy { $0["blocking"] as? Bool == true })
  }

  /// Inputs and secrets are names GitHub compares case-insensitively too.
  @Test func inputsAndSecretsAreFoundInEverySpelling() throws {
    let workflow = """
      on:
        workflow_dispatch:
          inputs:
            Version:
              type: string
            DryRun:
              type: boolean
      permissions: {}
      jobs:
        release:
          runs-on: ubuntu-24.04
          steps:
            - run: ./release.sh --dry-run=${{ INPUTS.DRYRUN }}
            - run: git tag "${{ INPUTS.VERSION }}"
            - run: ./publish.sh
              env:
                ALL: ${{ toJSON(Secrets) }}
      """
    let directory = try makeRepository([".github/workflows/release.yml": workflow], rules: false)
    defer { try? FileManager.default.removeItem(at: directory) }
    let report = directory.appendingPathComponent("report.json")
    let result = try runPlumbBounded(["check", "--color", "never", "--output", "json=\(report.path)", directory.path])
    #expect(!result.timedOut)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
    let messages = findings(json).compactMap { $0["message"] as? String }
    #expect(
      messages.contains { $0.hasPrefix("'INPUTS.VERSION' is expanded into a run script; whoever supplies the input writes code into the step") },
      "\(messages)")
    #expect(!messages.contains { $0.contains("INPUTS.DRYRUN") }, "a boolean input, in another case, is still a boolean")
    #expect(messages.contains("'toJSON(Secrets)' in env.ALL exposes every secret of the repository to the step"), "\(messages)")
  }
}
