import Foundation
import GRDB
import PlumbKit
@testable import PlumbScore
import TestSupport
import Testing

/// History schema v2 and the organisation's view (`plumb org`) at library level, on both stores:
/// a v1 database written as today's v1 code wrote it is migrated in place; two repositories'
/// runs are merged (ownership, duplicates, teams across repositories, staleness, trends, changes).
/// The command itself is tested on the built binary in `OrgCommandTests`.
@Suite struct OrganisationTests {
  @Test func aV1DatabaseMigratesInPlaceInSQLite() throws { try v1DatabaseMigratesInPlace(.sqlite) }
  @Test(.requiresPostgres) func aV1DatabaseMigratesInPlaceInPostgreSQL() throws { try v1DatabaseMigratesInPlace(.postgres) }

  @Test func theOrganisationMergesRepositoriesInSQLite() throws { try organisationMergesRepositories(.sqlite) }
  @Test(.requiresPostgres) func theOrganisationMergesRepositoriesInPostgreSQL() throws {
    try organisationMergesRepositories(.postgres)
  }

  func v1DatabaseMigratesInPlace(_ backend: HistoryBackend) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-v1-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let database = try backend.freshDatabase(in: directory)
    try OrgFixtures.writeV1(database, backend: backend)

    let store = try ScoreHistoryLocation(database).open()
    let old = try store.runs()
    #expect(old.count == 1)
    #expect(old.first?.repository == nil && old.first?.branch == nil && old.first?.commit == "v1-commit")
    let run = try #require(try store.run(id: old[0].id))
    #expect(run.snapshot.entities.map(\.entity) == ["catalog:component:default/legacy"])
    #expect(run.snapshot.entities.first?.kind == nil && run.snapshot.scorecards.isEmpty && run.snapshot.groups.isEmpty)
    #expect(run.snapshot.rules.map(\.state) == [.pass, .fail])
    #expect(run.snapshot.rollups.first { $0.dimension == .organisation }?.levels.map(\.level) == ["bronze", "silver", "none"])

    // A v2 run beside it: per repository, the old run is the one without a repository.
    let recorded = try store.record(
      OrgFixtures.snapshot(repository: "acme/web", recordedAt: "2026-03-10T09:00:00Z", entities: [OrgFixtures.storefront]))
    #expect(recorded.repository == "acme/web" && recorded.id > old[0].id)
    #expect(try store.runs(repository: .named("acme/web")).map(\.id) == [recorded.id])
    #expect(try store.runs(repository: .named(nil)).map(\.id) == [old[0].id])
    #expect(try store.series(scorecard: "readiness", dimension: .organisation, key: "organisation", repository: .named("acme/web")).map(\.runID) == [recorded.id])
    #expect(try store.series(scorecard: "readiness", dimension: .organisation, key: "organisation").count == 2)

    // Opening again migrates nothing more and reads the same.
    let again = try ScoreHistoryLocation(database).open()
    #expect(try again.runs() == [old[0], recorded])
    #expect(try again.run(id: recorded.id)?.snapshot.scorecards.map(\.definition.name) == ["readiness"])

    // The organisation: the old run is a repository of its own, its scorecard definition rebuilt
    // from what v1 recorded (levels from the entities, rules from the rule records).
    let view = try OrganisationBuilder.build(from: again, query: OrgFixtures.query(now: "2026-03-12T00:00:00Z"))
    #expect(view.repositories.map(\.name) == [OrganisationView.unnamedRepository, "acme/web"])
    #expect(view.repositories.first?.stale == true)
    let card = try #require(view.report.scorecards.first { $0.definition.name == "readiness" })
    #expect(card.entities.map(\.name) == ["legacy", "storefront"])
    #expect(card.entity("catalog:component:default/legacy")?.kind == "catalog.Component")
    #expect(view.entityRepository["catalog:component:default/legacy"] == OrganisationView.unnamedRepository)
  }

  func organisationMergesRepositories(_ backend: HistoryBackend) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-org-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let database = try backend.freshDatabase(in: directory)
    let store = try ScoreHistoryLocation(database).open()
    try OrgFixtures.recordTwoRepositories(into: store)

    let view = try OrganisationBuilder.build(from: store, query: OrgFixtures.query(now: "2026-03-12T00:00:00Z"))
    #expect(view.repositories.map(\.name) == ["acme/payments", "acme/web"])
    // The feature-branch run of acme/web (later) does not count: its default branch's does.
    #expect(view.repositories.map(\.recordedAt) == ["2026-03-01T09:00:00Z", "2026-03-10T09:00:00Z"])
    #expect(view.repositories.map(\.stale) == [true, false])
    #expect(view.repositories.map(\.ageDays) == [10, 1])
    // ledger is defined by both: kept from the fresh one.
    #expect(view.duplicates == [DuplicateEntity(entity: OrgFixtures.ledger.id, keptIn: "acme/web", alsoIn: ["acme/payments"])])
    #expect(view.repositories.map(\.entities) == [1, 2])

    let card = try #require(view.report.scorecards.first)
    #expect(card.entities.map(\.name) == ["ledger", "payments", "storefront"])
    #expect(card.entity(OrgFixtures.ledger.id)?.level == "silver")
    #expect(view.isStale(entity: OrgFixtures.payments.id) && !view.isStale(entity: OrgFixtures.ledger.id))
    // Roll-ups over everything, by the scorer's own roll-ups: 1 + 1 + 0 over 3.
    let org = try #require(card.organisation)
    #expect(org.entities.count == 3 && org.scored == 3 && org.scoreSum == 2.0)
    #expect(org.levels.map(\.count) == [0, 2, 1])
    // The payments team spans both repositories; engineering is the department above both teams.
    let team = try #require(card.rollups(.team).first { $0.key == OrgFixtures.paymentsTeam })
    #expect(team.entities == [OrgFixtures.ledger.id, OrgFixtures.payments.id] && team.name == "Payments Team")
    #expect(Set(team.entities.compactMap { view.entityRepository[$0] }) == ["acme/payments", "acme/web"])
    let department = try #require(card.rollups(.department).first)
    #expect(department.key == OrgFixtures.engineering && department.entities.count == 3 && department.name == "Engineering")
    #expect(card.rollups(.system).map(\.key) == ["(no system)"])

    // Trends: the sum of each repository's latest run as of each date.
    let points = view.trends.points(scorecard: "readiness", dimension: .organisation, group: "organisation")
    // (The feature branch's run of the 11th is not the default branch's: no point for that day.)
    #expect(points.map(\.recordedAt) == ["2026-03-01", "2026-03-10"])
    #expect(points.map(\.entities) == [2, 4])
    #expect(points.first?.averageScore == 0.75 && points[1].averageScore == 0.625)

    // What changed since the 5th: ledger went up (it is now read from acme/web), storefront arrived.
    var query = OrgFixtures.query(now: "2026-03-12T00:00:00Z")
    query.since = .time("2026-03-05T00:00:00Z")
    let changes = try #require(try OrganisationBuilder.build(from: store, query: query).changes)
    #expect(changes.levelChanges.map { "\($0.name) \($0.direction)" } == ["ledger up", "storefront added"])
    query.since = .run(1)
    #expect(try OrganisationBuilder.build(from: store, query: query).changes?.levelChanges.count == 2)

    // Another branch, or every branch.
    query = OrgFixtures.query(now: "2026-03-12T00:00:00Z")
    query.branch = .named("feature")
    #expect(try OrganisationBuilder.build(from: store, query: query).repositories.map(\.name) == ["acme/web"])
    query.branch = .any
    #expect(try OrganisationBuilder.build(from: store, query: query).repositories.map(\.recordedAt)
      == ["2026-03-01T09:00:00Z", "2026-03-11T09:00:00Z"])

    // JSON: Backstage entity references, the arithmetic written out.
    let json = OrganisationJSONRenderer.render(view)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    #expect(object["schema"] as? String == "https://plumb.dev/schemas/organisation/v1")
    let scorecards = try #require(object["scorecards"] as? [[String: Any]])
    let entities = try #require(scorecards.first?["entities"] as? [[String: Any]])
    #expect(entities.map { $0["entityRef"] as? String } == ["component:default/ledger", "component:default/payments", "component:default/storefront"])
    #expect(entities.map { $0["stale"] as? Bool } == [false, true, false])
    #expect(entities.first?["ownerRef"] as? String == "group:default/payments")
    let rollups = try #require(scorecards.first?["rollups"] as? [[String: Any]])
    let orgJSON = try #require(rollups.first { $0["dimension"] as? String == "organisation" })
    #expect(orgJSON["arithmetic"] as? String == "Σ scores 2.0000 / 3 scored entities = 66.7%")
  }
}

/// Hand-made runs for the organisation tests (and the command tests, which record them too).
enum OrgFixtures {
  struct EntitySpec {
    var id: String
    var name: String
    var owner: String?
    var level: String?
    var passing: Int
    var states: [ScoreState]
  }

  static let paymentsTeam = "catalog:group:default/payments"
  static let webTeam = "catalog:group:default/web"
  static let engineering = "catalog:group:default/engineering"
  static let payments = EntitySpec(
    id: "catalog:component:default/payments", name: "payments", owner: paymentsTeam, level: "silver", passing: 2,
    states: [.pass, .pass])
  static let ledgerBronze = EntitySpec(
    id: "catalog:component:default/ledger", name: "ledger", owner: paymentsTeam, level: "bronze", passing: 1,
    states: [.pass, .fail])
  static let ledger = EntitySpec(
    id: "catalog:component:default/ledger", name: "ledger", owner: paymentsTeam, level: "silver", passing: 2,
    states: [.pass, .pass])
  static let storefront = EntitySpec(
    id: "catalog:component:default/storefront", name: "storefront", owner: webTeam, level: nil, passing: 0,
    states: [.fail, .fail])

  static let definition = ScorecardDefinition(
    name: "readiness", title: "Readiness", selection: "catalog.Component",
    levels: [.init(name: "bronze", rules: ["has_owner"], newRules: ["has_owner"]),
      .init(name: "silver", rules: ["has_owner", "pinned"], newRules: ["pinned"])],
    rules: ["has_owner", "pinned"], weights: [:])

  static func query(now: String) -> OrganisationQuery {
    OrganisationQuery(now: now, toolVersion: "9.9.9")
  }

  /// A run of `repository` holding `entities` of the `readiness` scorecard, with its groups, its
  /// definition and its organisation and team roll-ups.
  static func snapshot(
    repository: String, recordedAt: String, entities specs: [EntitySpec], branch: String = "main",
    groupNames: [String: String] = [:]
  ) -> ScoreSnapshot {
    var entities: [ScoreSnapshot.EntityRecord] = []
    var rules: [ScoreSnapshot.RuleRecord] = []
    for spec in specs {
      var record = ScoreSnapshot.EntityRecord(
        scorecard: "readiness", entity: spec.id, name: spec.name, owner: spec.owner, level: spec.level,
        levelRank: definition.rank(of: spec.level) ?? -1, passingWeight: spec.passing, applicableWeight: 2)
      record.kind = "catalog.Component"
      entities.append(record)
      for (rule, state) in zip(definition.rules, spec.states) {
        rules.append(ScoreSnapshot.RuleRecord(scorecard: "readiness", entity: spec.id, rule: rule, state: state))
      }
    }
    func rollup(_ dimension: RollupDimension, _ key: String, _ members: [EntitySpec]) -> ScoreSnapshot.RollupRecord {
      let sum = members.reduce(0.0) { $0 + Double($1.passing) / 2 }
      let levels = ["bronze", "silver", "none"].map { level in
        LevelCount(level: level, count: members.count { ($0.level ?? "none") == level })
      }
      return ScoreSnapshot.RollupRecord(
        scorecard: "readiness", dimension: dimension, key: key, name: key, entities: members.count,
        scored: members.count, scoreSum: sum, averageScore: members.isEmpty ? nil : sum / Double(members.count),
        levels: levels)
    }
    var rollups = [rollup(.organisation, "organisation", specs)]
    for owner in Set(specs.compactMap(\.owner)).sorted() {
      rollups.append(rollup(.team, owner, specs.filter { $0.owner == owner }))
    }
    let groups = [
      ScoreSnapshot.GroupRecord(id: engineering, name: groupNames[engineering] ?? "Engineering", parent: nil),
      ScoreSnapshot.GroupRecord(id: paymentsTeam, name: groupNames[paymentsTeam] ?? "Payments Team", parent: engineering),
      ScoreSnapshot.GroupRecord(id: webTeam, name: groupNames[webTeam] ?? "Web Team", parent: engineering),
    ]
    var snapshot = ScoreSnapshot(
      recordedAt: recordedAt, commit: "c-" + repository, pack: "baseline", toolVersion: "9.9.9", entities: entities,
      rules: rules, findings: [], rollups: rollups, repository: repository, branch: branch, defaultBranch: "main",
      groups: groups,
      scorecards: [.init(definition: definition, ruleTitles: ["has_owner": "Has an owner", "pinned": "Actions pinned"])])
    snapshot.normalize()
    return snapshot
  }

  /// acme/payments on 1 March (payments, ledger at bronze); acme/web on 10 March (storefront,
  /// ledger at silver) and on a feature branch on 11 March.
  static func recordTwoRepositories(into store: any ScoreHistoryStore) throws {
    _ = try store.record(snapshot(repository: "acme/payments", recordedAt: "2026-03-01T09:00:00Z", entities: [payments, ledgerBronze]))
    _ = try store.record(snapshot(repository: "acme/web", recordedAt: "2026-03-10T09:00:00Z", entities: [storefront, ledger]))
    _ = try store.record(
      snapshot(repository: "acme/web", recordedAt: "2026-03-11T09:00:00Z", entities: [storefront], branch: "feature"))
  }

  /// A v1 database at `database`, as today's v1 code creates it (the v1 migration only) with one
  /// run in it.
  static func writeV1(_ database: String, backend: HistoryBackend) throws {
    switch backend {
    case .sqlite:
      try FileManager.default.createDirectory(
        at: URL(fileURLWithPath: database).deletingLastPathComponent(), withIntermediateDirectories: true)
      let queue = try DatabaseQueue(path: database)
      var migrator = DatabaseMigrator()
      migrator.registerMigration("v1") { db in
        for statement in SQLiteScoreHistoryStore.schemaV1 { try db.execute(sql: statement) }
      }
      try migrator.migrate(queue)
      try queue.write { db in for statement in HistoryV1Fixture.rows { try db.execute(sql: statement) } }
    case .postgres:
      let server = try #require(PostgresTestServer.shared)
      let name = try #require(database.split(separator: "/").last?.split(separator: "?").first.map(String.init))
      let ddl = PostgresScoreHistoryStore.schemaV1.joined(separator: ";\n")
      _ = try server.psql(
        """
        CREATE TABLE plumb_schema_migrations (identifier TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now());
        \(ddl);
        INSERT INTO plumb_schema_migrations (identifier) VALUES ('v1');
        \(HistoryV1Fixture.rows.joined(separator: ";\n"));
        """, database: name)
    }
  }
}
