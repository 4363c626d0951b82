import Foundation
import PlumbDiagnostics
import Testing

@testable import PlumbKit
import PlumbReport

/// Findings whose deciding node is inside a YAML anchor's value reached through an alias point at
/// the alias (which job, which step) and keep the anchored value as where it is defined.
@Suite struct AnchorLocationTests {
  static let rules = """
    rule steps_pin_actions {
      title "Steps pin actions"
      severity medium
      category security
      for s in github.step("uses")
      require s.uses_ref.ref_kind == "sha" else "a step of job '${s.job}' uses a tag" at s.uses
    }

    rule jobs_time_out_quickly {
      title "Jobs time out within 30 minutes"
      severity low
      category hygiene
      for j in github.job("steps")
      require j["timeout-minutes"] <= 30 else "job '${j.id}' may run too long"
    }

    pack anchors {
      title "Anchors"
      all rules: block
    }
    """

  static let workflow = """
    on: push
    x-checkout: &checkout
      uses: actions/checkout@v4
    x-job: &job
      runs-on: ubuntu-24.04
      timeout-minutes: 60
      steps:
        - run: make
    jobs:
      direct:
        runs-on: ubuntu-24.04
        timeout-minutes: 10
        steps:
          - &setup
            uses: actions/setup-node@v4
          - *checkout
      merged:
        <<: *job
      aliased: *job

    """

  func check(_ workflow: String) throws -> CheckRun {
    let directory = try makeRepository(
      [".github/workflows/ci.yml": workflow, "policy/anchors.plumb": Self.rules], rules: false)
    return gateCheck(directory, pack: "anchors")
  }

  /// `rule line:column [defined line:column]` of each finding, in report order.
  func places(_ run: CheckRun) -> [String] {
    run.report.findings.map {
      let f = $0.finding
      var text = "\(f.ruleID) \(f.location.span.start)"
      if let defined = f.definedAt { text += " defined \(defined.span.start)" }
      return text
    }
  }

  @Test func findingsPointAtTheAliasAndKeepTheAnchor() throws {
    let run = try check(Self.workflow)
    #expect(
      places(run) == [
        "steps_pin_actions 15:15",  // written in place (an anchor, not used through an alias)
        "steps_pin_actions 16:9 defined 3:9",  // `- *checkout`
        "jobs_time_out_quickly 18:9 defined 6:20",  // `<<: *job`
        "jobs_time_out_quickly 19:12 defined 6:20",  // `aliased: *job`
      ])
    // Fingerprints do not depend on places: one per entity and requirement, as before.
    #expect(Set(run.report.findings.map(\.finding.fingerprint)).count == 4)
    // Evidence and fixes keep where the values are written.
    let merged = try #require(run.report.findings.first { $0.finding.entity.rawValue.hasSuffix("jobs.merged") })
    #expect(merged.finding.evidence.contains { $0.location?.span.start.line == 6 })

    let options = ReporterOptions(sources: run.sources)
    let sarif = SARIFReporter.render(run.report, options: options)
    #expect(sarif.contains("\"relatedLocations\""))
    #expect(sarif.contains("the anchored value is defined here"))
    let json = JSONReporter.render(run.report, options: options)
    #expect(json.contains("\"definedAt\": null"))
    #expect(json.contains("\"definedAt\": {"))
    let text = TextReporter.render(run.report, options: options)
    #expect(text.contains("note: the anchored value is defined at line 6"))
    #expect(text.contains("      aliased: *job") || text.contains("aliased: *job"))
    // Formats without a related-location field say it in the message (GitHub annotations,
    // GitLab Code Quality, Markdown) or in the failure text (JUnit); only for findings reached
    // through an alias.
    let path = try #require(merged.finding.definedAt?.path)
    let note = "the anchored value is defined at \(path):6:20"
    let github = GitHubReporter.render(run.report, options: options)
    #expect(github.components(separatedBy: note).count - 1 == 2)  // `<<: *job` and `aliased: *job`
    #expect(github.components(separatedBy: "the anchored value is defined at \(path):3:9").count - 1 == 1)
    #expect(github.components(separatedBy: "the anchored value is defined at").count - 1 == 3)
    let gitlab = GitLabReporter.render(run.report, options: options)
    #expect(gitlab.contains(note))
    let markdown = MarkdownReporter.render(run.report, options: options)
    #expect(markdown.contains(note))
    let junit = JUnitReporter.render(run.report, options: options)
    #expect(junit.contains("defined at: \(path):6:20 (the anchored value)"))
    #expect(junit.contains("defined at: \(path):3:9 (the anchored value)"))
  }

  @Test func anIgnoreCommentOnTheAnchorCoversEveryUseAndOneOnTheAliasItsUse() throws {
    let workflow = Self.workflow
      .replacingOccurrences(
        of: "  timeout-minutes: 60\n", with: "  # plumb:ignore jobs_time_out_quickly -- legacy builds\n  timeout-minutes: 60\n")
      .replacingOccurrences(
        of: "      - *checkout\n", with: "      - *checkout  # plumb:ignore steps_pin_actions -- GitHub's own\n")
    let run = try check(workflow)
    let suppressed = run.report.findings.filter { $0.suppression != nil }.map(\.finding.location.span.start.line)
    #expect(suppressed == [17, 19, 20])
    let active = run.report.findings.filter { $0.suppression == nil }.map(\.finding.location.span.start.line)
    #expect(active == [16])
  }
}
