import Foundation
import PlumbDiagnostics
import Testing

@testable import PlumbKit

/// `# plumb:ignore rule -- reason` comments: placement, reasons, forbidden by a pack, and text
/// that only looks like a comment.
@Suite struct InlineIgnoreTests {
  @Test func theScannerReadsRulesReasonsAndPositions() {
    let source = SourceFile(
      path: "c.yaml",
      text: """
        a: 1  # plumb:ignore needs_system -- vendor owns it
        # plumb:ignore needs_system, needs_tags -- both accepted
        #plumb:ignore needs_system
        b: "# plumb:ignore needs_system -- inside a string"
        c: |
          # plumb:ignore needs_system -- inside a block scalar
        d: x# plumb:ignore needs_system -- not a comment
        # plumb:ignored needs_system -- another word
        # plumb:ignore -- no rule
        """)
    let (ignores, diagnostics) = InlineIgnoreScanner().scan([source])
    #expect(ignores.count == 3)
    #expect(ignores[0].line == 1 && ignores[0].rules == ["needs_system"] && ignores[0].reason == "vendor owns it")
    #expect(ignores[0].location.description == "c.yaml:1:7")
    #expect(ignores[1].line == 2 && ignores[1].rules == ["needs_system", "needs_tags"])
    #expect(ignores[2].line == 3 && ignores[2].reason == nil)
    #expect(diagnostics.map(\.code) == ["ignore.malformed"])
    #expect(diagnostics.first?.location?.span.start.line == 9)
  }

  /// The finding of `needs_system` points at the `spec` mapping, which starts on the `type:` line.
  func catalog(_ spec: String) -> String {
    "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: api\n  description: x\n  tags: [web]\n" + spec
  }

  @Test func aCommentWithAReasonOnTheLineOrJustAboveSuppresses() throws {
    let above = try makeRepository([
      "catalog.yaml": catalog("spec:\n  # plumb:ignore needs_system -- owned by the vendor\n  type: service\n  lifecycle: production\n  owner: team\n")
    ])
    let run = gateCheck(above)
    let finding = try #require(run.report.findings.first { $0.finding.ruleID == "needs_system" })
    #expect(finding.suppression?.kind == .inline)
    #expect(finding.suppression?.reason == "owned by the vendor")
    #expect(finding.suppression?.location?.description == "catalog.yaml:8:3")
    #expect(!finding.blocking)
    #expect(run.exitStatus == 0, "\(run.report.verdict) \(run.policyDiagnostics)")
    #expect(run.policyDiagnostics.isEmpty)

    let trailing = try makeRepository([
      "catalog.yaml": catalog("spec:\n  type: service  # plumb:ignore needs_system -- vendor\n  lifecycle: production\n  owner: team\n")
    ])
    #expect(gateCheck(trailing).report.findings.first { $0.finding.ruleID == "needs_system" }?.suppression != nil)
  }

  @Test func aCommentTwoLinesAwayOrForAnotherRuleDoesNotSuppress() throws {
    let far = try makeRepository([
      "catalog.yaml": catalog("# plumb:ignore needs_system -- too far\nspec:\n  type: service\n  lifecycle: production\n  owner: team\n")
    ])
    let run = gateCheck(far)
    #expect(run.report.findings.first { $0.finding.ruleID == "needs_system" }?.suppression == nil)
    #expect(run.exitStatus == 1)
    #expect(run.policyDiagnostics.map(\.code) == ["ignore.unused"])

    let other = try makeRepository([
      "catalog.yaml": catalog("spec:\n  # plumb:ignore needs_tags -- other rule\n  type: service\n  lifecycle: production\n  owner: team\n")
    ])
    #expect(gateCheck(other).exitStatus == 1)
  }

  @Test func aCommentWithoutAReasonIsAnErrorAndSuppressesNothing() throws {
    let directory = try makeRepository([
      "catalog.yaml": catalog("spec:\n  # plumb:ignore needs_system\n  type: service\n  lifecycle: production\n  owner: team\n")
    ])
    let run = gateCheck(directory)
    let finding = try #require(run.report.findings.first { $0.finding.ruleID == "needs_system" })
    #expect(finding.suppression == nil && finding.blocking)
    let diagnostic = try #require(run.policyDiagnostics.first)
    #expect(diagnostic.code == "ignore.missing-reason" && diagnostic.severity == .error)
    #expect(diagnostic.location?.description == "catalog.yaml:8:3")
    // The comment's error does not turn the run into a policy error: the finding decides.
    #expect(run.exitStatus == 1)
  }

  @Test func aPackThatForbidsInlineIgnoresReportsEachAndSuppressesNothing() throws {
    let directory = try makeRepository([
      "catalog.yaml": catalog(
        "spec:\n  # plumb:ignore needs_system -- vendor\n  type: service\n  lifecycle: production\n  owner: team  # plumb:ignore needs_tags -- x\n")
    ])
    let run = gateCheck(directory, pack: "gate_no_inline")
    #expect(run.report.findings.allSatisfy { $0.suppression == nil })
    let forbidden = run.policyDiagnostics.filter { $0.code == "ignore.forbidden" }
    #expect(forbidden.count == 2)
    #expect(forbidden.first?.message.contains("policy pack 'gate_no_inline' forbids inline ignores") == true)
    #expect(run.exitStatus == 1)
  }

  @Test func anIgnoreNamingAnUnknownRuleSuggestsTheRightOne() throws {
    let directory = try makeRepository([
      "catalog.yaml": catalog("spec:\n  # plumb:ignore needs_sytsem -- typo\n  type: service\n  lifecycle: production\n  owner: team\n")
    ])
    let run = gateCheck(directory)
    #expect(run.policyDiagnostics.contains { $0.code == "ignore.unknown-rule" && $0.message.hasSuffix("did you mean 'needs_system'?") })
    #expect(run.exitStatus == 1)
  }

  @Test func ignoresInsideRunScriptsAreContentNotComments() throws {
    let directory = try makeRepository(
      [
        ".github/workflows/ci.yml": """
          on: pull_request
          jobs:
            build:
              runs-on: ubuntu-24.04
              steps:
                - run: |
                    # plumb:ignore template_injection -- looks like a comment, is shell
                    echo "${{ github.event.pull_request.title }}"
          """
      ], rules: false)
    var options = CheckOptions(paths: [directory.path], root: directory.path)
    options.today = ISODate("2025-06-01")
    let run = CheckRun.run(options)
    let finding = try #require(run.report.findings.first { $0.finding.ruleID == "template_injection" })
    #expect(finding.suppression == nil && finding.blocking)

    // On a one-line script, a trailing YAML comment is a comment.
    try """
      on: pull_request
      jobs:
        build:
          runs-on: ubuntu-24.04
          steps:
            - run: echo "${{ github.event.pull_request.title }}"  # plumb:ignore template_injection -- sanitised upstream
      """.write(to: directory.appendingPathComponent(".github/workflows/ci.yml"), atomically: true, encoding: .utf8)
    let oneLine = CheckRun.run(options)
    let suppressed = try #require(oneLine.report.findings.first { $0.finding.ruleID == "template_injection" })
    #expect(suppressed.suppression?.reason == "sanitised upstream")
    #expect(!suppressed.blocking)
  }
}
