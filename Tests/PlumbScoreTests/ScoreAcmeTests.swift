import Foundation
import PlumbKit
import TestSupport
import Testing

/// The Backstage acme-corp example catalog (shared corpus), scored with `production_readiness`.
///
/// Nine components are in production; four (artist-lookup, petstore, playback-sdk, podcast-api)
/// are experimental. The catalog has no Terraform and no workflows, so the three silver and gold
/// rules judge nothing linked to any component: not applicable. What is left is ownership
/// (component_has_owner, weight 2; owner_is_a_group, weight 1).
@Suite(.requires(sharedData: ScoreFixtures.acme))
struct ScoreAcmeTests {
  static let run = ScoreFixtures.score(ScoreFixtures.acme.path)
  var card: ScorecardResult { Self.run.report.scorecards.first { $0.definition.name == "production_readiness" }! }

  @Test func selectsTheProductionComponents() {
    #expect(card.entities.map(\.name) == [
      "playback-order", "queue-proxy", "searcher", "shuffle-api", "wayback-archive", "wayback-archive-ingestion",
      "wayback-archive-storage", "wayback-search", "www-artist",
    ])
    #expect(card.excluded == 4)
    // all-apis.yaml names a Location target that does not exist: an input error (exit 2), but in
    // a file no scored component comes from, so no rule is in error.
    #expect(Self.run.exitStatus == ExitStatus.inputErrors)
    #expect(card.entities.allSatisfy { entity in entity.rules.allSatisfy { $0.state != .error } })
  }

  @Test func ownershipDecidesTheLevels() throws {
    // Owned by a Group: both ownership rules pass, the rest does not apply: gold with (2 + 1) / 3.
    for name in ["queue-proxy", "wayback-archive", "wayback-archive-ingestion", "wayback-archive-storage", "wayback-search", "www-artist"] {
      let entity = try #require(card.named(name))
      #expect(entity.level == "gold" && entity.passingWeight == 3 && entity.applicableWeight == 3, "\(name)")
      #expect(entity.rule("actions_pinned_to_sha")?.state == .notApplicable)
    }
    // `owner: user:guest` is a User, and `owner: guest` (a Group by default) does not exist:
    // owner_is_a_group fails, so no level; (2 + 0) / 3.
    for name in ["playback-order", "searcher", "shuffle-api"] {
      let entity = try #require(card.named(name))
      #expect(entity.level == nil && entity.nextFixes == ["owner_is_a_group"], "\(name)")
      #expect(entity.passingWeight == 2 && entity.applicableWeight == 3)
    }
    #expect(card.named("searcher")?.owner == "catalog:user:default/guest")
    #expect(card.named("playback-order")?.owner == nil)
  }

  @Test func rollUpsFollowTheGroupTree() throws {
    // Teams: team-a owns four, team-b and team-d one each, all gold (average 1); the guest User
    // owns two at 2/3; playback-order's owner does not resolve (unowned).
    let teamA = try #require(card.rollup(.team, "team-a"))
    #expect(teamA.entities.count == 4 && close(teamA.averageScore, 1) && teamA.count(at: "gold") == 4)
    #expect(teamA.parent == "catalog:group:default/backstage")
    #expect(card.rollup(.team, "team-b")?.entities.count == 1)
    #expect(card.rollup(.team, "team-d")?.entities.count == 1)
    let guest = try #require(card.rollup(.team, "guest"))
    #expect(guest.name == "Guest User" && guest.entities.count == 2 && close(guest.averageScore, 2.0 / 3.0))
    #expect(guest.worstRules == ["owner_is_a_group"])
    #expect(card.rollup(.team, Rollups.unowned)?.entities == ["catalog:component:default/playback-order"])

    // Departments, up the childOf tree: backstage = team-a + team-b (5), boxoffice = team-d (1),
    // infrastructure = both (6), acme-corp above it (6). Users are not in the group tree.
    #expect(card.rollup(.department, "backstage")?.entities.count == 5)
    #expect(card.rollup(.department, "boxoffice")?.entities.count == 1)
    #expect(card.rollup(.department, "infrastructure")?.entities.count == 6)
    let acme = try #require(card.rollup(.department, "acme-corp"))
    #expect(acme.entities.count == 6 && close(acme.averageScore, 1))
    #expect(card.rollups(.department).count == 4)

    // Organisation: six at 3/3 and three at 2/3: (6 + 3 × 2/3) / 9 = 8/9.
    let org = try #require(card.organisation)
    #expect(org.entities.count == 9 && close(org.scoreSum, 8) && close(org.averageScore, 8.0 / 9.0))
    #expect(org.levelSummary == ["bronze 0", "silver 0", "gold 6", "none 3"])
    #expect(org.worstRules == ["owner_is_a_group"])
  }

  @Test func theDashboardHasAPagePerTeam() throws {
    let html = try #require(Self.run.render("html"))
    for team in card.rollups(.team) {
      #expect(html.contains("id=\"\(ScoreDashboard.anchor("team-production_readiness", team.key))\""), "\(team.key)")
    }
    // The input error is announced, not hidden.
    #expect(html.contains("This run had 1 input error(s)"))
  }
}
