import Foundation
import PlumbDiagnostics
import Testing

@testable import PlumbKit

/// The waiver file: format, validation with positions, matching, expiry and governance.
@Suite struct WaiverTests {
  let known: Set<String> = ["needs_system", "needs_tags", "template_injection"]

  @Test func aValidFileLoadsEveryEntry() {
    let file = WaiverFile.parse(
      text: """
        waivers:
          - rule: needs_system
            entity: "catalog:component:default/legacy-*"
            reason: owned by the vendor until the migration
            owner: "@acme/platform"
            expires: 2025-12-31
          - rule: needs_tags
            path: "legacy/**"
            reason: legacy catalog
            approved_by: alice
            expires: "2025-07-01"
            ticket: PLAT-12
        """, knownRules: known)
    #expect(file.diagnostics.isEmpty, "\(file.diagnostics)")
    #expect(file.waivers.count == 2)
    #expect(file.waivers[0].entity?.pattern == "catalog:component:default/legacy-*")
    #expect(file.waivers[0].accountable == "@acme/platform")
    #expect(file.waivers[1].accountable == "alice")
    #expect(file.waivers[1].expires == ISODate("2025-07-01"))
    #expect(file.waivers[1].ticket == "PLAT-12")
    #expect(file.waivers[0].location.span.start.line == 2)
  }

  @Test func aBareListIsAcceptedAndAnEmptyFileHasNoWaivers() {
    let list = WaiverFile.parse(
      text: "- {rule: needs_system, path: a.yaml, reason: r, owner: o, expires: 2026-01-01}\n", knownRules: known)
    #expect(list.diagnostics.isEmpty && list.waivers.count == 1)
    #expect(WaiverFile.parse(text: "", knownRules: known).waivers.isEmpty)
    #expect(WaiverFile.parse(text: "waivers:\n", knownRules: known).diagnostics.isEmpty)
  }

  @Test func anUnknownRuleIsAnErrorWithASuggestion() {
    let file = WaiverFile.parse(
      text: """
        waivers:
          - rule: needs_sytsem
            entity: x
            reason: r
            owner: o
            expires: 2026-01-01
        """, knownRules: known)
    #expect(file.waivers.isEmpty)
    let diagnostic = try! #require(file.diagnostics.first)
    #expect(diagnostic.code == "waiver.unknown-rule")
    #expect(diagnostic.severity == .error)
    #expect(diagnostic.message == "waiver names unknown rule 'needs_sytsem'; did you mean 'needs_system'?")
    #expect(diagnostic.location?.description == ".plumb-waivers.yaml:2:11")
  }

  @Test func missingFieldsSelectorsAndBadDatesAreErrorsAtTheirEntry() {
    let file = WaiverFile.parse(
      text: """
        waivers:
          - rule: needs_system
            expires: 2026-01-01
          - rule: needs_system
            entity: x
            reason: r
            owner: o
            expires: 2030-02-30
          - rule: needs_system
            entity: x
            reason: r
            owner: o
            expires: 20300101
          - rule: needs_system
            entity: x
            reason: r
            owner: o
            expire: 2026-01-01
        """, knownRules: known)
    #expect(file.waivers.isEmpty)
    let rendered = file.diagnostics.map { "\($0.location?.description ?? "-") \($0.code) \($0.message)" }
    #expect(
      rendered == [
        ".plumb-waivers.yaml:2:5 waiver.missing-field waiver is missing 'reason' (why the finding is accepted)",
        ".plumb-waivers.yaml:2:5 waiver.missing-field waiver is missing 'owner' or 'approved_by' (who answers for it)",
        ".plumb-waivers.yaml:2:5 waiver.missing-selector waiver has no selector: give 'entity' (an id or glob), 'path' (a glob) or 'fingerprint'",
        ".plumb-waivers.yaml:8:14 waiver.invalid-date 'expires' must be a date written YYYY-MM-DD, found '2030-02-30'",
        ".plumb-waivers.yaml:13:14 waiver.invalid-date 'expires' must be a date written YYYY-MM-DD, found '20300101'",
        ".plumb-waivers.yaml:18:5 waiver.unknown-key unknown key 'expire' in a waiver; did you mean 'expires'?",
        ".plumb-waivers.yaml:14:5 waiver.missing-field waiver is missing 'expires' (the last day it applies, YYYY-MM-DD)",
      ], "\(rendered.joined(separator: "\n"))")
  }

  @Test func malformedYAMLIsAnErrorWithItsPosition() {
    let file = WaiverFile.parse(text: "waivers:\n  - rule: [needs_system\n", knownRules: known)
    #expect(file.diagnostics.contains { $0.severity == .error && $0.location?.path == ".plumb-waivers.yaml" })
  }

  @Test func globsMatchPathsAndEntities() {
    #expect(Glob.path("infra/*.json").matches("infra/plan.json"))
    #expect(!Glob.path("infra/*.json").matches("infra/prod/plan.json"))
    #expect(Glob.path("infra/**/plan.json").matches("infra/plan.json"))
    #expect(Glob.path("infra/**/plan.json").matches("infra/a/b/plan.json"))
    #expect(Glob.path("**").matches("a/b/c.yaml"))
    #expect(Glob.path("?.yaml").matches("a.yaml") && !Glob.path("?.yaml").matches("ab.yaml"))
    // Entity ids: `*` crosses `/`, and brackets and quotes are literal.
    #expect(Glob.entity("github:.github/workflows/*#jobs.build.steps[1]").matches("github:.github/workflows/ci.yml#jobs.build.steps[1]"))
    #expect(Glob.entity("terraform:*#aws_s3_bucket.logs[\"a\"]").matches("terraform:infra/plan.json#aws_s3_bucket.logs[\"a\"]"))
    #expect(!Glob.entity("catalog:component:default/api").matches("catalog:component:default/api-2"))
    // No exponential backtracking.
    #expect(!Glob.entity(String(repeating: "*a", count: 30) + "b").matches(String(repeating: "a", count: 200)))
  }

  @Test func expiryIsInclusiveAndTodayCanBeOverridden() {
    let location = SourceLocation(path: "w", span: SourceSpan(start: .init(line: 1, column: 1, offset: 0), end: .init(line: 1, column: 1, offset: 0)))
    let waiver = Waiver(rule: "r", entity: .entity("*"), reason: "x", owner: "o", expires: ISODate("2025-06-01")!, location: location)
    #expect(!waiver.isExpired(on: ISODate("2025-06-01")!))
    #expect(waiver.isExpired(on: ISODate("2025-06-02")!))
    #expect(ISODate.today(override: "2024-02-29") == ISODate("2024-02-29"))
    #expect(ISODate.today(environment: ["PLUMB_TODAY": "2031-01-15"]) == ISODate("2031-01-15"))
    #expect(ISODate.today(environment: ["PLUMB_TODAY": "tomorrow"]) == nil)
    #expect(ISODate("2023-02-29") == nil && ISODate("2025-13-01") == nil && ISODate("2025-1-01") == nil)
    #expect(ISODate("2025-03-01")!.dayNumber - ISODate("2025-02-28")!.dayNumber == 1)
    #expect(ISODate("1970-01-01")!.dayNumber == 0)
  }

  @Test func aWaiverSuppressesTheFindingsItSelectsAndOnlyThose() throws {
    let directory = try makeRepository([
      "catalog/legacy.yaml": component("legacy-billing", tags: "[web]"),
      "catalog/new.yaml": component("new-api", tags: "[web]"),
      ".plumb-waivers.yaml": """
        waivers:
          - rule: needs_system
            entity: "catalog:component:default/legacy-*"
            reason: the vendor owns it until the migration
            owner: "@acme/platform"
            expires: 2025-12-31
        """,
    ])
    let run = gateCheck(directory)
    let owners = run.report.findings.filter { $0.finding.ruleID == "needs_system" }
    #expect(owners.count == 2)
    let legacy = try #require(owners.first { $0.finding.entity.rawValue.hasSuffix("legacy-billing") })
    #expect(legacy.suppression?.kind == .waiver)
    #expect(legacy.suppression?.reason == "the vendor owns it until the migration")
    #expect(legacy.suppression?.owner == "@acme/platform")
    #expect(legacy.suppression?.expires == "2025-12-31")
    #expect(legacy.suppression?.location?.path == ".plumb-waivers.yaml")
    #expect(!legacy.blocking)
    let other = try #require(owners.first { $0.finding.entity.rawValue.hasSuffix("new-api") })
    #expect(other.suppression == nil && other.blocking)
    #expect(run.exitStatus == 1)
    #expect(run.policyDiagnostics.isEmpty, "\(run.policyDiagnostics)")
  }

  @Test func aPathWaiverAndAFingerprintWaiverSuppress() throws {
    let directory = try makeRepository([
      "legacy/a.yaml": component("a", tags: "[web]"),
      "legacy/deep/b.yaml": component("b", tags: "[web]"),
      "c.yaml": component("c", tags: "[web]"),
    ])
    let first = gateCheck(directory)
    let fingerprint = try #require(first.report.findings.first { $0.finding.entity.rawValue.hasSuffix("/c") && $0.finding.ruleID == "needs_system" }?.finding.fingerprint)
    try """
      waivers:
        - {rule: needs_system, path: "legacy/**", reason: legacy, owner: o, expires: 2026-01-01}
        - {rule: needs_system, fingerprint: "\(fingerprint)", reason: accepted, approved_by: bob, expires: 2026-01-01}
      """.write(to: directory.appendingPathComponent(".plumb-waivers.yaml"), atomically: true, encoding: .utf8)
    let run = gateCheck(directory)
    let owners = run.report.findings.filter { $0.finding.ruleID == "needs_system" }
    #expect(owners.count == 3 && owners.allSatisfy { $0.suppression != nil })
    #expect(run.exitStatus == 0, "\(run.report.verdict)")
  }

  @Test func anExpiredWaiverDoesNotSuppressAndBecomesABlockingFinding() throws {
    let directory = try makeRepository([
      "catalog.yaml": component("legacy", tags: "[web]"),
      ".plumb-waivers.yaml": """
        waivers:
          - rule: needs_system
            entity: catalog:component:default/legacy
            reason: vendor
            owner: "@acme/platform"
            expires: 2025-05-31
        """,
    ])
    let run = gateCheck(directory, today: "2025-06-01")
    let owner = try #require(run.report.findings.first { $0.finding.ruleID == "needs_system" })
    #expect(owner.suppression == nil && owner.blocking)
    let expired = try #require(run.report.findings.first { $0.finding.ruleID == "waiver_expired" })
    #expect(expired.blocking && expired.enforcement == .block)
    #expect(expired.finding.location.description == ".plumb-waivers.yaml:6:14")
    #expect(
      expired.finding.message
        == "waiver of 'needs_system' (entity 'catalog:component:default/legacy', owner @acme/platform) expired on 2025-05-31; the finding it waived is no longer suppressed")
    #expect(run.report.rules.contains { $0.id == "waiver_expired" && $0.helpURI == Plumb.repositoryURL + "/blob/main/docs/waivers.md" })
    // The day before, it still applies (and warns that it is about to expire).
    let before = gateCheck(directory, today: "2025-05-31")
    #expect(before.report.findings.first { $0.finding.ruleID == "needs_system" }?.suppression != nil)
    #expect(!before.report.findings.contains { $0.finding.ruleID == "waiver_expired" })
    #expect(before.policyDiagnostics.contains { $0.code == "waiver.expiring" && $0.message.contains("expires today") })
    #expect(before.exitStatus == 0)
  }

  @Test func anExpiredWaiverBlocksEvenWhenItsFindingIsNotNew() throws {
    let directory = try makeRepository([
      "catalog.yaml": component("legacy", tags: "[web]"),
      ".plumb-waivers.yaml": "waivers:\n  - {rule: needs_system, entity: '*', reason: r, owner: o, expires: 2025-01-01}\n",
    ])
    let first = gateCheck(directory)
    let baselineFile = directory.appendingPathComponent("baseline.json")
    try OutputWriter.write(try #require(first.render("json")), to: baselineFile.path)
    let run = gateCheck(directory) {
      $0.gate.newOnly = true
      $0.baseline = .file(baselineFile.path)
    }
    #expect(run.report.findings.count == 3)
    for reported in run.report.findings {
      #expect(reported.baseline == .unchanged)
      #expect(reported.blocking == (reported.finding.ruleID == "waiver_expired"))
    }
    #expect(run.exitStatus == 1)
  }

  @Test func anUnusedWaiverIsReportedAndAnUnknownRuleFailsThePolicy() throws {
    let directory = try makeRepository([
      "catalog.yaml": component("api", system: "billing", tags: "[web]"),
      ".plumb-waivers.yaml": """
        waivers:
          - {rule: needs_system, entity: "catalog:component:default/gone", reason: r, owner: o, expires: 2026-01-01}
        """,
    ])
    let run = gateCheck(directory)
    let unused = try #require(run.policyDiagnostics.first { $0.code == "waiver.unused" })
    #expect(unused.severity == .warning)
    #expect(unused.location?.description == ".plumb-waivers.yaml:2:5")
    #expect(run.exitStatus == 0)

    try "waivers:\n  - {rule: needs_systm, entity: x, reason: r, owner: o, expires: 2026-01-01}\n"
      .write(to: directory.appendingPathComponent(".plumb-waivers.yaml"), atomically: true, encoding: .utf8)
    let bad = gateCheck(directory)
    #expect(bad.exitStatus == 3)
    #expect(bad.policyDiagnostics.contains { $0.message.contains("did you mean 'needs_system'?") })
  }

  @Test func anExplicitWaiverFileThatIsMissingIsAPolicyError() throws {
    let directory = try makeRepository(["catalog.yaml": component("api", system: "billing", tags: "[web]")])
    let run = gateCheck(directory) { $0.waiversPath = directory.appendingPathComponent("nope.yaml").path }
    #expect(run.exitStatus == 3)
    #expect(run.policyDiagnostics.contains { $0.code == "waiver.missing" })
  }
}
