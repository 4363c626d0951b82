import Foundation
import PlumbKit
import Testing

/// The states that are not plain pass or fail, and the ladder.
@Suite struct ScoreSemanticsTests {
  /// A copy of the fixture with `files` written into it (relative path → text), scored.
  func score(_ files: [String: String], configure: (inout ScoreOptions) -> Void = { _ in }) throws -> ScoreRun {
    let directory = try ScoreFixtures.copyOfFixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    let repo = directory.appendingPathComponent("repo")
    for (path, text) in files {
      let url = repo.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      if FileManager.default.fileExists(atPath: url.path) {
        let old = try String(contentsOf: url, encoding: .utf8)
        try (old + text).write(to: url, atomically: true, encoding: .utf8)
      } else {
        try text.write(to: url, atomically: true, encoding: .utf8)
      }
    }
    return ScoreFixtures.score(repo.path) { options in
      options.ruleDirectories = [repo.appendingPathComponent("policies").path].filter {
        FileManager.default.fileExists(atPath: $0)
      }
      configure(&options)
    }
  }

  @Test func aRuleThePackTurnsOffIsAnErrorThatHoldsBack() throws {
    let run = try score([
      "policies/lenient.plumb": """
        pack lenient {
          all rules: warn
          rule checkout_persist_credentials: off
        }
        """
    ]) { $0.pack = "lenient" }
    let card = try #require(run.report.scorecards.first)
    let payments = try #require(card.named("payments-api"))
    let off = try #require(payments.rule("checkout_persist_credentials"))
    #expect(off.state == .error)
    #expect(off.note == "rule 'checkout_persist_credentials' did not run: policy pack 'lenient' turns it off (score with a pack that runs it)")
    // Missing data never counts as a pass: payments-api drops from gold to bronze, (2+1+1+0+1)/6.
    #expect(payments.level == "bronze" && payments.passingWeight == 5 && payments.applicableWeight == 6)
    #expect(payments.nextFixes == ["checkout_persist_credentials"])
    // Even where nothing is linked (search), an error is an error, not "not applicable".
    #expect(card.named("search")?.rule("checkout_persist_credentials")?.state == .error)
  }

  /// A rule that cannot be evaluated for an entity (an evaluation error: here a division by zero
  /// for payments-api only) scores as error for it, never as pass, and the run exits 3.
  @Test func aRuleThatCannotBeEvaluatedForAnEntityScoresAsError() throws {
    let run = try score([
      "policies/ratio.plumb": """
        rule name_ratio_is_sane {
          title "Ratio"
          category ownership
          for c in catalog.Component
          require not (10 / (length(c.metadata.name) - 12) > 100) else "insane"
        }
        scorecard sanity {
          title "Sanity"
          for c in catalog.Component
          level bronze: name_ratio_is_sane
        }
        """
    ]) { $0.scorecards = ["sanity"] }
    #expect(run.exitStatus == ExitStatus.policyErrors)
    let card = try #require(run.report.scorecards.first)
    let payments = try #require(card.named("payments-api"))  // 12 characters: 10 / 0
    #expect(payments.rule("name_ratio_is_sane")?.state == .error)
    #expect(payments.level == nil && payments.passingWeight == 0)
    #expect(payments.rule("name_ratio_is_sane")?.findings.first?.verdict == "error")
    #expect(card.named("storefront")?.rule("name_ratio_is_sane")?.state == .pass)
  }

  @Test func anInputErrorInAnEntitysFilePutsItsPassesInError() throws {
    // A second document in search's catalog file is broken: search still loads, but nothing read
    // from that file may count as a pass.
    let run = try score(["services/search/catalog-info.yaml": "---\nkind: [unclosed\n"])
    #expect(run.exitStatus == ExitStatus.inputErrors)
    let card = try #require(run.report.scorecards.first)
    let search = try #require(card.named("search"))
    #expect(search.rules.allSatisfy { $0.state == .error })
    #expect(search.rule("component_has_owner")?.note?.contains("input error") == true)
    #expect(search.level == nil && search.passingWeight == 0 && search.applicableWeight == 6)
    // Other entities are untouched.
    #expect(card.named("storefront")?.level == "bronze")
    #expect(run.report.inputErrors == 1)
  }

  @Test func anErrorInASiblingDocumentLeavesTheEntityAlone() throws {
    // A second, invalid component in search's file: a schema error inside that document only.
    let run = try score([
      "services/search/catalog-info.yaml": """
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: broken
          labels:
            cost-center: 12
        spec: {type: service, lifecycle: experimental, owner: web}

        """
    ])
    #expect(run.exitStatus == ExitStatus.inputErrors)
    #expect(run.report.inputErrors >= 1)
    let search = try #require(run.report.scorecards.first?.named("search"))
    #expect(search.level == "gold" && search.rules.allSatisfy { $0.state != .error })
  }

  @Test func aScorecardFilterUnknownUntilApplyIsIndeterminateNeverSilentlyOut() throws {
    let run = try score([
      "policies/residency.plumb": """
        scorecard residency {
          title "Residency of resources"
          for r in terraform.resource when r.after.region != "us-east-1"
          level placed: personal_data_in_allowed_regions
          level tagged: placed, terraform_component_tag_resolves
          weight terraform_component_tag_resolves 3
        }
        """
    ]) { $0.scorecards = ["residency"] }
    #expect(run.report.scorecards.map(\.definition.name) == ["residency"])
    let card = try #require(run.report.scorecards.first)
    // payments_exports (eu-west-1) is in; the ledger database's region is unknown: in, indeterminate;
    // report_archive and shop_assets (us-east-1) are out.
    #expect(card.entities.map(\.name) == ["aws_db_instance.ledger", "aws_s3_bucket.payments_exports"])
    #expect(card.excluded == 2)
    let ledger = try #require(card.named("aws_db_instance.ledger"))
    #expect(ledger.selectionNote?.contains("'r.after.region' is unknown until apply") == true)
    #expect(ledger.rules.allSatisfy { $0.state == .indeterminate })
    #expect(ledger.level == nil && ledger.passingWeight == 0 && ledger.applicableWeight == 4)
    // The ladder and weights: placed (1) then tagged (+ weight 3); both pass on payments_exports.
    let exports = try #require(card.named("aws_s3_bucket.payments_exports"))
    #expect(card.definition.levels.map(\.rules) == [
      ["personal_data_in_allowed_regions"], ["personal_data_in_allowed_regions", "terraform_component_tag_resolves"],
    ])
    #expect(exports.level == "tagged" && exports.passingWeight == 4 && exports.applicableWeight == 4)
    // Resources without an owner tag roll up as unowned.
    #expect(card.rollups(.team).map(\.key) == [Rollups.unowned])
  }

  @Test func anUnknownScorecardIsAPolicyError() {
    let run = ScoreFixtures.score(ScoreFixtures.fixture) { $0.scorecards = ["production_readines"] }
    #expect(run.exitStatus == ExitStatus.policyErrors)
    #expect(run.problems.first?.hasPrefix("no scorecard named 'production_readines'") == true)
  }

  @Test func theWorstStateWinsAndWaivedCountsAsPassing() {
    #expect([ScoreState.pass, .notApplicable, .waived].max() == .waived)
    #expect([ScoreState.indeterminate, .error].max() == .error)
    #expect([ScoreState.error, .fail, .pass].max() == .fail)
    #expect(ScoreState.waived.isPassing && !ScoreState.waived.holdsBack)
    #expect(!ScoreState.notApplicable.isApplicable && !ScoreState.notApplicable.holdsBack)
    #expect(ScoreState.allCases.filter(\.holdsBack) == [.fail, .indeterminate, .error])
  }
}
