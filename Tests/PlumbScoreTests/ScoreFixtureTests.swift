import Foundation
import PlumbKit
import Testing

/// `fixtures/scorecards` scored with the built-in `production_readiness` scorecard:
///
///   bronze: component_has_owner (weight 2), owner_is_a_group          (weight 1)
///   silver: + actions_pinned_to_sha (1), checkout_persist_credentials  (1)
///   gold:   + personal_data_in_allowed_regions                         (1)
///
/// Every expectation below is worked out by hand from the fixture's files.
@Suite struct ScoreFixtureTests {
  static let run = ScoreFixtures.score(ScoreFixtures.fixture)
  var card: ScorecardResult { Self.run.report.scorecards.first { $0.definition.name == "production_readiness" }! }

  @Test func theRunScoresCleanly() {
    #expect(Self.run.exitStatus == ExitStatus.success, "\(Self.run.problems)")
    #expect(Self.run.report.inputErrors == 0 && Self.run.report.policyErrors == 0)
    // Six production components; `prototype` is experimental and excluded by the `when` filter.
    #expect(card.entities.map(\.name) == ["etl", "ledger", "payments-api", "reports", "search", "storefront"])
    #expect(card.excluded == 1)
  }

  @Test func eachEntityHasItsStatesLevelAndScore() throws {
    func states(_ name: String) -> [String] { card.named(name)!.rules.map(\.state.rawValue) }
    // payments-api: owned by payments; its workflow pins checkout and drops the token; its bucket is
    // in eu-west-1. Everything passes: gold, (2+1+1+1+1)/6.
    let payments = try #require(card.named("payments-api"))
    #expect(states("payments-api") == ["pass", "pass", "pass", "pass", "pass"])
    #expect(payments.level == "gold" && payments.nextLevel == nil && payments.nextFixes.isEmpty)
    #expect(payments.passingWeight == 6 && payments.applicableWeight == 6)

    // ledger: setup-node@v4 fails actions_pinned_to_sha but the waiver covers it (waived counts as
    // passing); its database's region is unknown until apply (indeterminate). Silver; the score is
    // (2 + 1 + 1 + 1 + 0) / 6 = 5/6: indeterminate is applicable and not passing.
    let ledger = try #require(card.named("ledger"))
    #expect(states("ledger") == ["pass", "pass", "waived", "pass", "indeterminate"])
    #expect(ledger.level == "silver" && ledger.nextLevel == "gold")
    #expect(ledger.nextFixes == ["personal_data_in_allowed_regions"])
    #expect(ledger.passingWeight == 5 && ledger.applicableWeight == 6)
    let waived = try #require(ledger.rule("actions_pinned_to_sha"))
    #expect(waived.findings.count == 1)
    #expect(waived.findings[0].suppression?.kind == "waiver")
    #expect(waived.findings[0].suppression?.owner == "@acme/payments")
    #expect(waived.contributions.map(\.state) == [.pass, .waived, .notApplicable])
    #expect(waived.contributions.allSatisfy { $0.via == "hasPipeline/inWorkflow/inJob" })
    let unknown = try #require(ledger.rule("personal_data_in_allowed_regions"))
    #expect(unknown.contributions.map(\.entity) == ["terraform:terraform/plan.tfplan.json#aws_db_instance.ledger"])
    #expect(unknown.contributions.first?.via == "hasResource")
    #expect(unknown.findings.first?.verdict == "indeterminate")

    // storefront: checkout@v4 with the token persisted fails both silver rules; its bucket is in
    // us-east-1 but storefront holds no personal data, so the residency rule does not apply.
    // Bronze; (2 + 1 + 0 + 0) / 5 = 3/5.
    let storefront = try #require(card.named("storefront"))
    #expect(states("storefront") == ["pass", "pass", "fail", "fail", "not-applicable"])
    #expect(storefront.level == "bronze" && storefront.nextLevel == "silver")
    #expect(storefront.nextFixes == ["actions_pinned_to_sha", "checkout_persist_credentials"])
    #expect(storefront.passingWeight == 3 && storefront.applicableWeight == 5)
    #expect(storefront.rule("personal_data_in_allowed_regions")?.note == "the rule's 'when' excluded every entity it judged here")

    // search: no workflow, no resource: the three rules judge nothing linked to it (not applicable).
    // Gold on the two ownership rules; (2 + 1) / 3.
    let search = try #require(card.named("search"))
    #expect(states("search") == ["pass", "pass", "not-applicable", "not-applicable", "not-applicable"])
    #expect(search.level == "gold" && search.passingWeight == 3 && search.applicableWeight == 3)
    #expect(search.rule("actions_pinned_to_sha")?.note == "no entity this rule judges is linked to it")

    // reports: personal data in us-east-1 fails gold; no workflow. Silver; (2 + 1 + 0) / 4 = 3/4.
    let reports = try #require(card.named("reports"))
    #expect(states("reports") == ["pass", "pass", "not-applicable", "not-applicable", "fail"])
    #expect(reports.level == "silver" && reports.passingWeight == 3 && reports.applicableWeight == 4)

    // etl: owner 'ghosts' names no Group: owner_is_a_group fails, so not even bronze; (2 + 0) / 3.
    let etl = try #require(card.named("etl"))
    #expect(states("etl") == ["pass", "fail", "not-applicable", "not-applicable", "not-applicable"])
    #expect(etl.level == nil && etl.nextLevel == "bronze" && etl.nextFixes == ["owner_is_a_group"])
    #expect(etl.owner == nil && etl.passingWeight == 2 && etl.applicableWeight == 3)
  }

  @Test func teamsRollUpWithTheirArithmetic() throws {
    // payments: payments-api 6/6 = 1 and ledger 5/6 → (1 + 5/6) / 2 = 11/12; gold 1, silver 1.
    let payments = try #require(card.rollup(.team, "payments"))
    #expect(payments.name == "Payments Team")
    #expect(payments.entities.count == 2 && payments.scored == 2)
    #expect(close(payments.averageScore, 11.0 / 12.0))
    #expect(payments.levelSummary == ["bronze 0", "silver 1", "gold 1", "none 0"])
    #expect(payments.worstRules == ["personal_data_in_allowed_regions"])
    #expect(payments.parent == "catalog:group:default/engineering")

    // web: storefront 3/5 and search 3/3 → (0.6 + 1) / 2 = 0.8; bronze 1, gold 1.
    let web = try #require(card.rollup(.team, "web"))
    #expect(close(web.averageScore, 0.8))
    #expect(web.levelSummary == ["bronze 1", "silver 0", "gold 1", "none 0"])
    // Both silver rules hold back one entity each; ties keep scorecard order.
    #expect(web.worstRules == ["actions_pinned_to_sha", "checkout_persist_credentials"])
    let pinned = try #require(web.rules.first { $0.ruleID == "actions_pinned_to_sha" })
    #expect(pinned.fail == 1 && pinned.notApplicable == 1 && pinned.passing == 0 && pinned.applicable == 1)

    // analytics: reports alone, 3/4.
    let analytics = try #require(card.rollup(.team, "analytics"))
    #expect(close(analytics.averageScore, 0.75) && analytics.levelSummary == ["bronze 0", "silver 1", "gold 0", "none 0"])

    // (unowned): etl, 2/3.
    let unowned = try #require(card.rollup(.team, Rollups.unowned))
    #expect(unowned.entities == ["catalog:component:default/etl"] && close(unowned.averageScore, 2.0 / 3.0))
    #expect(card.rollups(.team).map(\.key) == [
      "(unowned)", "catalog:group:default/analytics", "catalog:group:default/payments", "catalog:group:default/web",
    ])
  }

  @Test func departmentsSystemsDomainsAndTheOrganisationRollUp() throws {
    // engineering = payments + web: (1 + 5/6 + 3/5 + 1) / 4 = (60 + 50 + 36 + 60) / 60 / 4 = 206/240.
    let engineering = try #require(card.rollup(.department, "engineering"))
    #expect(engineering.entities.count == 4 && close(engineering.averageScore, 206.0 / 240.0))
    #expect(engineering.levelSummary == ["bronze 1", "silver 1", "gold 2", "none 0"])
    #expect(engineering.parent == "catalog:group:default/acme")
    // data = analytics: 3/4.
    #expect(close(try #require(card.rollup(.department, "data")).averageScore, 0.75))
    // acme (childOf twice removed) = engineering + data, not the unowned etl: (206/60 + 3/4) / 5
    // = (206 + 45) / 60 / 5 = 251/300.
    let acme = try #require(card.rollup(.department, "acme"))
    #expect(acme.entities.count == 5 && close(acme.averageScore, 251.0 / 300.0))
    #expect(card.rollups(.department).count == 3)

    // Systems: checkout (payments-api, ledger) 11/12; shop (storefront, search) 0.8; insights 0.75.
    #expect(close(card.rollup(.system, "checkout")?.averageScore, 11.0 / 12.0))
    #expect(close(card.rollup(.system, "shop")?.averageScore, 0.8))
    #expect(close(card.rollup(.system, "insights")?.averageScore, 0.75))
    #expect(card.rollup(.system, Rollups.noSystem)?.entities == ["catalog:component:default/etl"])
    // Domains, through the system: commerce = checkout + shop = engineering's four; insight = reports.
    let commerce = try #require(card.rollup(.domain, "commerce"))
    #expect(commerce.name == "Commerce" && commerce.entities.count == 4 && close(commerce.averageScore, 206.0 / 240.0))
    #expect(close(card.rollup(.domain, "insight")?.averageScore, 0.75))

    // Organisation: all six. Σ = 1 + 5/6 + 3/4 + 1 + 3/5 + 2/3 = (60 + 50 + 45 + 60 + 36 + 40) / 60
    // = 291/60 = 4.85; average 4.85 / 6 = 0.808333…
    let org = try #require(card.organisation)
    #expect(org.entities.count == 6 && org.scored == 6)
    #expect(close(org.scoreSum, 4.85) && close(org.averageScore, 4.85 / 6))
    #expect(org.levelSummary == ["bronze 1", "silver 2", "gold 2", "none 1"])
    // Held back: residency 2 (ledger indeterminate, reports fail); then one each, in scorecard order.
    #expect(org.worstRules == [
      "personal_data_in_allowed_regions", "owner_is_a_group", "actions_pinned_to_sha", "checkout_persist_credentials",
    ])
    let residency = try #require(org.rules.first { $0.ruleID == "personal_data_in_allowed_regions" })
    #expect(residency.pass == 1 && residency.fail == 1 && residency.indeterminate == 1 && residency.notApplicable == 3)
    let pinned = try #require(org.rules.first { $0.ruleID == "actions_pinned_to_sha" })
    #expect(pinned.pass == 1 && pinned.waived == 1 && pinned.fail == 1 && pinned.notApplicable == 3)
  }

  @Test func explainShowsTheArithmeticAndTheFindings() throws {
    let entity = try #require(Self.run.explain("ledger"))
    #expect(entity.contains("score: 5/6 = 83.3%"))
    #expect(entity.contains("held back by personal_data_in_allowed_regions (indeterminate)"))
    let waived = try #require(card.named("ledger")?.rule("actions_pinned_to_sha")?.findings.first)
    #expect(entity.contains("finding \(waived.fingerprint) [fail]"))
    #expect(entity.contains("waived by waiver: setup-node is mirrored"))
    #expect(entity.contains("(via hasResource)"))

    let team = try #require(Self.run.explain("Web Team"))
    // search 3/3 and storefront 3/5, in entity id order.
    #expect(team.contains("average score: (1.0000 + 0.6000) / 2 = 1.6000 / 2 = 80.0%"))
    #expect(team.contains("actions_pinned_to_sha: holds back 1 entity"))
    #expect(Self.run.explain("catalog:group:default/web") == team)
    #expect(try #require(Self.run.explain("organisation")).contains("4.8500 / 6 = 80.8%"))
    #expect(try #require(Self.run.explain("engineering")).contains("department in scorecard production_readiness"))
    #expect(Self.run.explain("nobody") == nil)
  }

  @Test func jsonIsDeterministic() throws {
    let first = try #require(Self.run.render("json"))
    let second = try #require(ScoreFixtures.score(ScoreFixtures.fixture).render("json"))
    #expect(first == second)
    #expect(!first.contains("generatedAt"), "no timestamp unless --now or --record")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
    let cards = try #require(object["scorecards"] as? [[String: Any]])
    #expect(cards.count == 1)
    let entities = try #require(cards[0]["entities"] as? [[String: Any]])
    #expect(entities.map { $0["name"] as? String } == ["etl", "ledger", "payments-api", "reports", "search", "storefront"])
  }

  @Test func textAndMarkdownShowTheTables() throws {
    let text = try #require(Self.run.render("text"))
    #expect(text.contains("organisation  6 entities · average score 80.8% (Σ 4.8500 / 6) · bronze 1 · silver 2 · gold 2 · none 1"))
    #expect(text.contains("storefront    web        bronze  3/5 = 60.0%"))
    let markdown = try #require(Self.run.render("markdown"))
    #expect(markdown.contains("### Rules by team"))
    #expect(markdown.contains("| [`actions_pinned_to_sha`](https://github.com/plumb-dev/plumb/blob/main/docs/rules/actions_pinned_to_sha.md) | – | – | 2/2 | 0/1 |"))
  }

  @Test func theDashboardHasEveryPartAndNoNetworkAsset() throws {
    let html = try #require(Self.run.render("html"))
    #expect(html.hasPrefix("<!doctype html>"))
    #expect(html.contains("id=\"overview-production_readiness\""))
    #expect(html.contains("id=\"heatmap-production_readiness\""))
    #expect(html.contains("<table class=\"heatmap\">"))
    for team in ["-unowned-", "catalog-group-default-analytics", "catalog-group-default-payments", "catalog-group-default-web"] {
      #expect(html.contains("id=\"team-production_readiness-\(team)\""), "team section \(team)")
      #expect(html.contains("href=\"#team-production_readiness-\(team)\""), "link to team section \(team)")
    }
    // What to fix next, linked to the rule docs.
    #expect(html.contains("<b>silver</b> needs:"))
    #expect(html.contains("href=\"https://github.com/plumb-dev/plumb/blob/main/docs/rules/checkout_persist_credentials.md\""))
    // A heat map cell: web passes checkout_persist_credentials on 0 of 1 applicable entities.
    #expect(html.contains("Web Team · checkout_persist_credentials: 0 pass, 1 fail, 1 not applicable"))
    // No history here: no trend chart.
    #expect(!html.contains("<svg class=\"trend\""))
    // Self-contained: no external stylesheet, script, image or font.
    for forbidden in ["<link", "src=", "@import", "url(", "http://"] {
      #expect(!html.contains(forbidden), "the dashboard contains '\(forbidden)'")
    }
    // The only absolute URLs are links a reader follows (rule pages), never assets.
    #expect(html.components(separatedBy: "https://").count == html.components(separatedBy: "href=\"https://").count)
  }
}
