import Foundation
import PlumbKit
import TestSupport
import Testing

/// Recording runs, trend series, and the diff of two runs, on a copy of the fixture changed
/// between the runs: storefront pins its checkout (bronze → gold) and payments-api's bucket moves
/// to us-east-1 (gold → silver). Every test runs against both stores (``HistoryBackend``): SQLite,
/// and PostgreSQL on the shared throwaway server (`.requiresPostgres`: listed as skipped, with
/// the reason, where it cannot start).
@Suite struct ScoreHistoryTests {
  struct Recorded {
    var first: ScoreRun
    var second: ScoreRun
    var database: String
    var directory: URL
  }

  func recordTwoRuns(_ backend: HistoryBackend) throws -> Recorded {
    let directory = try ScoreFixtures.copyOfFixture()
    let repo = directory.appendingPathComponent("repo").path
    let database: String
    do {
      database = try backend.freshDatabase(in: directory)
    } catch {
      try? FileManager.default.removeItem(at: directory)
      throw error
    }
    func record(_ now: String, _ commit: String) -> ScoreRun {
      ScoreFixtures.score(repo) { options in
        options.record = true
        options.databasePath = database
        options.now = now
        options.commit = commit
      }
    }
    let first = record("2026-01-05T09:00:00Z", String(repeating: "a", count: 40))
    try ScoreFixtures.edit(
      repo + "/services/storefront/.github/workflows/ci.yml", "actions/checkout@v4",
      "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n        with:\n          persist-credentials: false")
    try ScoreFixtures.edit(repo + "/terraform/plan.tfplan.json", "\"region\": \"eu-west-1\"", "\"region\": \"us-east-1\"")
    let second = record("2026-02-05T09:00:00+01:00", String(repeating: "b", count: 40))
    return Recorded(first: first, second: second, database: database, directory: directory)
  }

  @Test func twoRecordedRunsGiveTrendsAndADiffInSQLite() throws { try twoRecordedRunsGiveTrendsAndADiff(.sqlite) }

  @Test(.requiresPostgres) func twoRecordedRunsGiveTrendsAndADiffInPostgreSQL() throws {
    try twoRecordedRunsGiveTrendsAndADiff(.postgres)
  }

  func twoRecordedRunsGiveTrendsAndADiff(_ backend: HistoryBackend) throws {
    let recorded = try recordTwoRuns(backend)
    defer { try? FileManager.default.removeItem(at: recorded.directory) }
    #expect(recorded.first.exitStatus == ExitStatus.success, "\(recorded.first.problems)")
    #expect(recorded.first.recorded?.id == 1 && recorded.second.recorded?.id == 2)
    #expect(recorded.first.report.generatedAt == "2026-01-05T09:00:00Z")
    // --now with an offset is stored in UTC.
    #expect(recorded.second.recorded?.recordedAt == "2026-02-05T08:00:00Z")

    let store = try ScoreHistoryLocation(recorded.database).open()
    let runs = try store.runs()
    #expect(runs.map(\.id) == [1, 2])
    #expect(runs.map(\.commit) == [String(repeating: "a", count: 40), String(repeating: "b", count: 40)])
    #expect(runs.allSatisfy { $0.pack == "baseline" })

    // The stored run is the report: six entities, five rules each, every roll-up.
    let stored = try #require(try store.run(id: 1))
    #expect(stored.snapshot.entities.count == 6 && stored.snapshot.rules.count == 30)
    #expect(stored.snapshot.entities.first { $0.name == "storefront" }?.level == "bronze")
    #expect(stored.snapshot.rollups.count == recorded.first.report.scorecards[0].rollups.count)
    #expect(
      stored.snapshot
        == ScoreSnapshot(
          report: recorded.first.report, recordedAt: runs[0].recordedAt, commit: runs[0].commit,
          repository: recorded.first.identity))
    // Schema v2: the repository (the root's directory name here: no git, no configuration), each
    // entity's kind and system, the groups and the scorecard's definition.
    #expect(runs.allSatisfy { $0.repository == "repo" })
    #expect(stored.snapshot.entities.first { $0.name == "storefront" }?.system == "catalog:system:default/shop")
    #expect(stored.snapshot.groups.first { $0.id == "catalog:group:default/web" }?.parent == "catalog:group:default/engineering")
    #expect(stored.snapshot.scorecards.map(\.definition.name) == ["production_readiness"])

    // Trends. web: 0.8 → (3/3 + 5/5) / 2 = 1. payments: 11/12 → (payments-api 5/6 + ledger 5/6) / 2 = 5/6.
    let web = try store.series(scorecard: "production_readiness", dimension: .team, key: "catalog:group:default/web")
    #expect(web.count == 2 && close(web[0].averageScore, 0.8) && close(web[1].averageScore, 1))
    #expect(web[1].levels.map { "\($0.level) \($0.count)" } == ["bronze 0", "silver 0", "gold 2", "none 0"])
    let payments = try store.series(
      scorecard: "production_readiness", dimension: .team, key: "catalog:group:default/payments")
    #expect(close(payments[0].averageScore, 11.0 / 12.0) && close(payments[1].averageScore, 5.0 / 6.0))
    // Organisation: 4.85 / 6, then etl 2/3 + ledger 5/6 + payments-api 5/6 + reports 3/4 + search 1
    // + storefront 1 = (40 + 50 + 50 + 45 + 60 + 60) / 60 = 305/60, over 6.
    let org = try store.series(scorecard: "production_readiness", dimension: .organisation, key: Rollups.organisation)
    #expect(close(org[0].averageScore, 4.85 / 6) && close(org[1].averageScore, 305.0 / 60.0 / 6))
    #expect(recorded.second.trends.points(scorecard: "production_readiness", dimension: .team, group: "catalog:group:default/web").count == 2)

    // The diff of the last two runs.
    let diff = try ScoreHistoryDiff.diff(databasePath: recorded.database, runs: []).get()
    #expect(diff.from.id == 1 && diff.to.id == 2)
    #expect(diff.levelChanges.map { "\($0.name) \($0.from ?? "none")→\($0.to ?? "none") \($0.direction)" } == [
      "payments-api gold→silver down", "storefront bronze→gold up",
    ])
    #expect(diff.ruleChanges.map { "\(Format(entity: $0.entity)) \($0.rule) \($0.from!.rawValue)→\($0.to!.rawValue)" } == [
      "payments-api personal_data_in_allowed_regions pass→fail",
      "storefront actions_pinned_to_sha fail→pass",
      "storefront checkout_persist_credentials fail→pass",
    ])
    // Which findings caused it, by fingerprint: the new residency finding, the two gone checkout ones.
    let firstCard = recorded.first.report.scorecards[0]
    let secondCard = recorded.second.report.scorecards[0]
    let appeared = try #require(secondCard.named("payments-api")?.rule("personal_data_in_allowed_regions")?.findings.first)
    #expect(diff.ruleChanges[0].appeared.map(\.fingerprint) == [appeared.fingerprint] && diff.ruleChanges[0].resolved.isEmpty)
    let pinned = try #require(firstCard.named("storefront")?.rule("actions_pinned_to_sha")?.findings.first)
    #expect(diff.ruleChanges[1].resolved.map(\.fingerprint) == [pinned.fingerprint] && diff.ruleChanges[1].appeared.isEmpty)
    // Roll-ups that moved include the organisation, first.
    #expect(diff.rollupChanges.first?.dimension == .organisation)
    #expect(diff.rollupChanges.contains { $0.key == "catalog:group:default/web" && close($0.toAverage, 1) })

    // Explicit ids in the other order, and the text output.
    let reverse = try ScoreHistoryDiff.diff(databasePath: recorded.database, runs: [2, 1]).get()
    #expect(reverse.levelChanges.map(\.direction) == ["up", "down"])
    let text = ScoreDiffRenderer.text(diff)
    #expect(text.contains("[production_readiness] storefront (web): bronze → gold (up), score 60.0% → 100.0%"))
    #expect(text.contains("    + \(appeared.fingerprint) [fail]"))
    #expect(text.contains("    - \(pinned.fingerprint) [fail]"))

    // The dashboard of the second run draws trends (organisation and teams).
    let html = try #require(recorded.second.render("html"))
    #expect(html.contains("<svg class=\"trend\""))
    #expect(html.contains("run #2 2026-02-05T08:00:00Z (bbbbbbbbbbbb): average"))
  }

  @Test func theDiffNeedsTwoRunsAndKnownIdsInSQLite() throws { try theDiffNeedsTwoRunsAndKnownIds(.sqlite) }

  @Test(.requiresPostgres) func theDiffNeedsTwoRunsAndKnownIdsInPostgreSQL() throws {
    try theDiffNeedsTwoRunsAndKnownIds(.postgres)
  }

  func theDiffNeedsTwoRunsAndKnownIds(_ backend: HistoryBackend) throws {
    let directory = try ScoreFixtures.copyOfFixture()
    defer { try? FileManager.default.removeItem(at: directory) }
    let database = try backend.freshDatabase(in: directory)
    #expect(throws: ScoreHistoryError.self) { try ScoreHistoryDiff.diff(databasePath: database, runs: []).get() }
    let run = ScoreFixtures.score(directory.appendingPathComponent("repo").path) { options in
      options.record = true
      options.databasePath = database
      options.now = "2026-01-05"
    }
    #expect(run.recorded?.recordedAt == "2026-01-05T00:00:00Z")
    #expect(throws: ScoreHistoryError.self) { try ScoreHistoryDiff.diff(databasePath: database, runs: []).get() }
    #expect(throws: ScoreHistoryError.self) { try ScoreHistoryDiff.diff(databasePath: database, runs: [1, 7]).get() }
    // The same run twice: nothing changed.
    #expect(try ScoreHistoryDiff.diff(databasePath: database, runs: [1, 1]).get().isEmpty)
    // Opening again runs the migrator again without harm.
    #expect(try ScoreHistoryLocation(database).open().runs().count == 1)
  }

  @Test func anExplicitDatabaseThatDoesNotExistIsAnError() {
    let run = ScoreFixtures.score(ScoreFixtures.fixture) { $0.databasePath = "/nonexistent/plumb/history.sqlite" }
    #expect(run.exitStatus == ExitStatus.inputErrors)
    #expect(run.problems.contains { $0.contains("no history database") })
  }
}

/// The history stores the shared tests run against: each such test is written once, taking the
/// backend, and declared twice, the PostgreSQL one with the `.requiresPostgres` trait.
enum HistoryBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
  case sqlite
  case postgres

  var testDescription: String { rawValue }

  /// A new, empty history: a SQLite path in `directory`, or the URL of a new database on the
  /// shared PostgreSQL test server (an error, never a pass, when that server is not running).
  func freshDatabase(in directory: URL) throws -> String {
    switch self {
    case .sqlite:
      return directory.appendingPathComponent("history/score.sqlite").path
    case .postgres:
      let server = try #require(PostgresTestServer.shared, "no PostgreSQL test server: the test needs .requiresPostgres")
      return server.tcpURL(try server.createDatabase())
    }
  }
}

/// The short name of an entity id, as reports print it.
private func Format(entity: String) -> String {
  entity.split(separator: "/").last.map(String.init) ?? entity
}
