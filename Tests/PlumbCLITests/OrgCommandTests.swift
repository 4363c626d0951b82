import Foundation
import GRDB
import OutputFuzzing
import PlumbKit
@testable import PlumbScore
import TestSupport
import Testing

/// `plumb org` end to end on the built binary: two repositories (each with the central catalog
/// as context) record into one SQLite file or one real PostgreSQL server, and `plumb org` merges
/// them: ownership, the entity both define, the team that spans both, staleness, every format;
/// per-repository `--diff`; repository identity in `plumb check`'s JSON; hostile repository and
/// entity names through every org output; a v1 database migrated by the binary.
@Suite struct OrgCommandTests {
  /// `directory/central` (the central catalog: groups, systems, domains), `directory/payments`
  /// (payments-api and ledger) and `directory/web` (storefront and ledger again).
  static func organisation(in directory: URL) throws {
    let manager = FileManager.default
    let central = directory.appendingPathComponent("central")
    try manager.createDirectory(at: central, withIntermediateDirectories: true)
    for file in ["org.yaml", "systems.yaml"] {
      try manager.copyItem(
        at: packageRoot.appendingPathComponent("fixtures/scorecards/catalog/" + file), to: central.appendingPathComponent(file))
    }
    func component(_ name: String, owner: String, system: String) -> String {
      """
      apiVersion: backstage.io/v1alpha1
      kind: Component
      metadata:
        name: \(name)
      spec:
        type: service
        lifecycle: production
        owner: \(owner)
        system: \(system)

      """
    }
    for (repo, components) in [
      ("payments", [component("payments-api", owner: "payments", system: "checkout"), component("ledger", owner: "payments", system: "checkout")]),
      ("web", [component("storefront", owner: "web", system: "shop"), component("ledger", owner: "payments", system: "checkout")]),
    ] {
      let root = directory.appendingPathComponent(repo)
      try manager.createDirectory(at: root, withIntermediateDirectories: true)
      try components.joined(separator: "---\n").write(
        to: root.appendingPathComponent("catalog-info.yaml"), atomically: true, encoding: .utf8)
    }
  }

  /// `plumb score --record` of `repo` as repository `name` on main.
  static func record(_ directory: URL, _ repo: String, as name: String, at now: String, db: String) throws -> CommandResult {
    try runPlumb(
      [
        "score", "--today", "2026-03-01", "--record", "--db", db, "--now", now, "--repository", name, "--branch", "main",
        "--default-branch", "main", "--commit", "c-" + repo, "--catalog", directory.appendingPathComponent("central").path,
        directory.appendingPathComponent(repo).path,
      ], environment: ["PGPASSWORD": PostgresTestServer.password])
  }

  @Test func twoRepositoriesInOneSQLiteFile() throws { try twoRepositories(.sqlite) }
  @Test(.requiresPostgres) func twoRepositoriesInOnePostgreSQLServer() throws { try twoRepositories(.postgres) }

  func twoRepositories(_ backend: Backend) throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try Self.organisation(in: directory)
    let db = try backend.fresh(in: directory).url
    let first = try Self.record(directory, "payments", as: "acme/payments", at: "2026-03-01T09:00:00Z", db: db)
    #expect(first.status == 0, "\(first.stderr)")
    let second = try Self.record(directory, "web", as: "acme/web", at: "2026-03-10T09:00:00Z", db: db)
    #expect(second.status == 0, "\(second.stderr)")

    // No checkout: run from an empty directory.
    let empty = directory.appendingPathComponent("empty")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
    let org = try runPlumb(["org", "--db", db, "--now", "2026-03-12T00:00:00Z", "--format", "json"], in: empty)
    #expect(org.status == 0, "\(org.stderr)")
    #expect(org.stderr.contains("'catalog:component:default/ledger' is defined by 'acme/web', 'acme/payments'; kept from 'acme/web'"), "\(org.stderr)")
    #expect(org.stderr.contains("'acme/payments' is stale: its latest run (#1) is 10 days old"), "\(org.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(org.stdout.utf8)) as? [String: Any])
    #expect(object["schemaVersion"] as? Int == 1)
    let repositories = try #require(object["repositories"] as? [[String: Any]])
    #expect(repositories.map { $0["name"] as? String } == ["acme/payments", "acme/web"])
    #expect(repositories.map { $0["stale"] as? Bool } == [true, false])
    #expect(repositories.map { $0["commit"] as? String } == ["c-payments", "c-web"])
    let duplicates = try #require(object["duplicates"] as? [[String: Any]])
    #expect(duplicates.map { $0["entityRef"] as? String } == ["component:default/ledger"])
    let card = try #require((object["scorecards"] as? [[String: Any]])?.first { $0["name"] as? String == "production_readiness" })
    let entities = try #require(card["entities"] as? [[String: Any]])
    #expect(entities.map { $0["entityRef"] as? String } == ["component:default/ledger", "component:default/payments-api", "component:default/storefront"])
    #expect(entities.map { $0["repository"] as? String } == ["acme/web", "acme/payments", "acme/web"])
    #expect(entities.map { $0["stale"] as? Bool } == [false, true, false])
    let rollups = try #require(card["rollups"] as? [[String: Any]])
    let team = try #require(rollups.first { $0["dimension"] as? String == "team" && $0["entityRef"] as? String == "group:default/payments" })
    #expect(team["repositories"] as? [String] == ["acme/payments", "acme/web"])
    #expect(team["entities"] as? Int == 2 && team["staleEntities"] as? Int == 1)
    let department = try #require(rollups.first { $0["dimension"] as? String == "department" && $0["entityRef"] as? String == "group:default/engineering" })
    #expect(department["entities"] as? Int == 3)
    let organisation = try #require(rollups.first { $0["dimension"] as? String == "organisation" })
    #expect(organisation["entities"] as? Int == 3)

    // Every format; the HTML has the repository filter and each repository's freshness.
    let html = try runPlumb(["org", "--db", db, "--now", "2026-03-12T00:00:00Z", "--format", "html"], in: empty)
    #expect(html.status == 0)
    #expect(html.stdout.contains("<select data-repository-filter=\"1\">"))
    #expect(html.stdout.contains("<tr data-repository=\"acme/web\">"))
    #expect(html.stdout.contains("<td><span class=\"stale\">stale</span></td>"))
    #expect(!html.stdout.contains("src=\"http") && !html.stdout.contains("href=\"http"))
    let markdown = try runPlumb(["org", "--db", db, "--now", "2026-03-12T00:00:00Z", "--format", "markdown"], in: empty)
    #expect(markdown.stdout.contains("## Repositories") && markdown.stdout.contains("| acme/payments | #1 2026-03-01T09:00:00Z | 10 |"))
    #expect(markdown.stdout.contains("## Stale entities"))
    let text = try runPlumb(["org", "--db", db, "--now", "2026-03-12T00:00:00Z"], in: empty)
    #expect(text.status == 0 && text.stdout.contains("STALE"))

    // A later run of acme/web: --diff is per repository, so it compares acme/web's two runs.
    let third = try Self.record(directory, "web", as: "acme/web", at: "2026-03-11T09:00:00Z", db: db)
    #expect(third.status == 0, "\(third.stderr)")
    let diff = try runPlumb(["score", "--diff", "--db", db, "--repository", "acme/web", "--root", empty.path], in: empty, environment: ["PGPASSWORD": PostgresTestServer.password])
    #expect(diff.status == 0, "\(diff.stderr)")
    #expect(diff.stdout.hasPrefix("from run #2 at 2026-03-10T09:00:00Z, commit c-web\n  to run #3"), "\(diff.stdout)")
    let lonely = try runPlumb(["score", "--diff", "--db", db, "--repository", "acme/payments", "--root", empty.path], in: empty)
    #expect(lonely.status == 2 && lonely.stderr.contains("holds 1 run(s); a diff needs two"))
    let any = try runPlumb(["score", "--diff", "--db", db, "--all-repositories", "--root", empty.path], in: empty)
    #expect(any.status == 0 && any.stdout.hasPrefix("from run #2"), "\(any.stderr)")

    // What changed since a run: before run #2, only acme/payments.
    let since = try runPlumb(["org", "--db", db, "--now", "2026-03-12T00:00:00Z", "--since", "#1", "--format", "json"], in: empty)
    let changes = try #require((try JSONSerialization.jsonObject(with: Data(since.stdout.utf8)) as? [String: Any])?["changes"] as? [String: Any])
    let levels = try #require(changes["levelChanges"] as? [[String: Any]])
    #expect(levels.contains { $0["name"] as? String == "storefront" && $0["direction"] as? String == "added" && $0["fromPresent"] as? Bool == false })
  }

  /// Eight `plumb score --record` processes at once into one PostgreSQL database (as the CI jobs
  /// of an organisation do; each run is one statement under the record lock): every run is
  /// recorded whole, with its own id, and `plumb org` sees every repository.
  @Test(.requiresPostgres) func eightProcessesRecordAtOnceIntoOnePostgreSQLDatabase() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try Self.organisation(in: directory)
    let server = try #require(PostgresTestServer.shared)
    let (db, database) = try Backend.postgres.fresh(in: directory)
    let count = 8
    final class Results: @unchecked Sendable {
      let lock = NSLock()
      var byIndex: [Int: CommandResult] = [:]
    }
    let results = Results()
    let done = DispatchGroup()
    for index in 0..<count {
      done.enter()
      Thread {
        let result = try? Self.record(
          directory, index % 2 == 0 ? "payments" : "web", as: "acme/r\(index)", at: "2026-03-10T09:00:0\(index)Z", db: db)
        results.lock.withLock { results.byIndex[index] = result }
        done.leave()
      }.start()
    }
    done.wait()
    #expect(results.byIndex.count == count)
    for (index, result) in results.byIndex.sorted(by: { $0.key < $1.key }) {
      #expect(result.status == 0, "acme/r\(index): \(result.stderr)")
    }
    // One row per run: its id, repository, and how many entity, rule and roll-up rows it has.
    let rows = try server.psql(
      """
      SELECT r.id || ' ' || r.repository || ' ' || (SELECT count(*) FROM score_entity WHERE run_id = r.id) || ' '
        || (SELECT count(*) FROM score_rule WHERE run_id = r.id) || ' ' || (SELECT count(*) FROM score_rollup WHERE run_id = r.id)
      FROM score_run r ORDER BY r.id
      """, database: database
    ).split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    #expect(rows.map { $0[0] } == (1...count).map(String.init), "\(rows)")
    #expect(Set(rows.map { $0[1] }) == Set((0..<count).map { "acme/r\($0)" }), "\(rows)")
    // Whole runs: every run of the same repository contents has the same rows, and some.
    for parity in 0..<2 {
      let counts = Set(rows.filter { Int($0[1].dropFirst("acme/r".count))! % 2 == parity }.map { $0[2...].joined(separator: " ") })
      #expect(counts.count == 1 && !counts.contains("0 0 0"), "\(rows)")
    }
    let org = try runPlumb(["org", "--db", db, "--now", "2026-03-12T00:00:00Z", "--format", "json"])
    #expect(org.status == 0, "\(org.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(org.stdout.utf8)) as? [String: Any])
    #expect((object["repositories"] as? [[String: Any]])?.map { $0["name"] as? String } == (0..<count).map { "acme/r\($0)" })
  }

  @Test func everyCheckReportNamesItsRepository() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try Self.organisation(in: directory)
    let web = directory.appendingPathComponent("web")
    // A git work tree whose origin carries a token: the token is never recorded.
    for arguments in [
      ["init", "-q", "-b", "trunk"], ["remote", "add", "origin", "https://x-access-token:ghs_Zq9PlumbTestToken@github.com/acme/web.git"],
      ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "x"],
    ] {
      let git = Process()
      git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      git.arguments = ["git", "-C", web.path] + arguments
      try git.run()
      git.waitUntilExit()
    }
    let check = try runPlumb(["check", "--output", "json", "--catalog", directory.appendingPathComponent("central").path, web.path])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any], "\(check.stderr)")
    let repository = try #require(object["repository"] as? [String: Any])
    #expect(repository["name"] as? String == "acme/web" && repository["source"] as? String == "git-remote")
    #expect(repository["branch"] as? String == "trunk")
    #expect((repository["commit"] as? String)?.count == 40)
    #expect(!check.stdout.contains("ghs_Zq9PlumbTestToken") && !check.stderr.contains("ghs_Zq9PlumbTestToken"))
    let sarif = try runPlumb(["check", "--output", "sarif", "--repository", "acme/other", web.path])
    #expect(sarif.stdout.contains("\"repositoryUri\": \"https://github.com/acme/other\"") || sarif.stdout.contains("\"repositoryUri\":\"https://github.com/acme/other\""), "\(sarif.stdout.prefix(2000))")
  }

  @Test func hostileNamesStayInertInEveryOrgOutput() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try Self.organisation(in: directory)
    let db = directory.appendingPathComponent("history.sqlite").path
    let hostile = "evil</script><script>alert(1)</script>\"\u{301}\u{1B}[31m\n::error::owned\r##[warning]x\u{202E}"
    let recorded = try Self.record(directory, "web", as: hostile, at: "2026-03-10T09:00:00Z", db: db)
    #expect(recorded.status == 0, "\(recorded.stderr)")
    // Entities and groups with hostile names, recorded through the library as a CI job would.
    let store = try ScoreHistoryLocation(db).open()
    var entity = ScoreSnapshot.EntityRecord(
      scorecard: "production_readiness", entity: "catalog:component:default/x" + hostile, name: hostile,
      owner: "catalog:group:default/" + hostile, level: nil, levelRank: -1, passingWeight: 0, applicableWeight: 1)
    entity.system = hostile
    _ = try store.record(
      ScoreSnapshot(
        recordedAt: "2026-03-11T09:00:00Z", commit: hostile, pack: hostile, toolVersion: hostile, entities: [entity],
        rules: [.init(scorecard: "production_readiness", entity: entity.entity, rule: "component_has_owner", state: .fail)],
        findings: [], rollups: [], repository: "second" + hostile, branch: hostile, defaultBranch: hostile,
        groups: [.init(id: "catalog:group:default/" + hostile, name: hostile, parent: hostile)]))

    for format in ["text", "json", "markdown", "html"] {
      let result = try runPlumb(["org", "--db", db, "--all-branches", "--now", "2026-03-12T00:00:00Z", "--format", format])
      #expect(result.status == 0, "\(format): \(result.stderr)")
      let output = result.stdout
      #expect(OutputProperties.rawHiddenScalars(output).isEmpty, "\(format)")
      #expect(OutputProperties.workflowCommands(output).isEmpty, "\(format)")
      #expect(OutputProperties.rawHiddenScalars(result.stderr).isEmpty && OutputProperties.workflowCommands(result.stderr).isEmpty)
      switch format {
      case "json":
        #expect(OutputProperties.jsonErrors(output).isEmpty)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let names = (object["repositories"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        #expect(names.contains(hostile) && names.contains("second" + hostile), "the names come back exactly")
      case "html":
        let (_, scripts) = OutputProperties.htmlTags(output)
        #expect(scripts.count == 1, "only Plumb's own script")
        #expect(OutputProperties.htmlScriptHooks(output).isEmpty)
        #expect(output.components(separatedBy: "</script>").count == 2)
      case "markdown":
        #expect(OutputProperties.markdownTableBreaks(output).isEmpty)
        #expect(OutputProperties.markdownLinkSchemes(output).isEmpty)
        #expect(!output.contains("<script>"))
      default:
        break
      }
    }
  }

  @Test func aV1SQLiteFileIsMigratedByTheBinary() throws { try v1Migrated(.sqlite) }
  @Test(.requiresPostgres) func aV1PostgreSQLDatabaseIsMigratedByTheBinary() throws { try v1Migrated(.postgres) }

  func v1Migrated(_ backend: Backend) throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try Self.organisation(in: directory)
    let (db, database) = try backend.fresh(in: directory)
    switch backend {
    case .sqlite:
      let queue = try DatabaseQueue(path: db)
      var migrator = DatabaseMigrator()
      migrator.registerMigration("v1") { db in for statement in SQLiteScoreHistoryStore.schemaV1 { try db.execute(sql: statement) } }
      try migrator.migrate(queue)
      try queue.write { db in for statement in HistoryV1Fixture.rows { try db.execute(sql: statement) } }
    case .postgres:
      let server = try #require(PostgresTestServer.shared)
      _ = try server.psql(
        """
        CREATE TABLE plumb_schema_migrations (identifier TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now());
        \(PostgresScoreHistoryStore.schemaV1.joined(separator: ";\n"));
        INSERT INTO plumb_schema_migrations (identifier) VALUES ('v1');
        \(HistoryV1Fixture.rows.joined(separator: ";\n"));
        """, database: database)
    }
    let recorded = try Self.record(directory, "web", as: "acme/web", at: "2026-03-10T09:00:00Z", db: db)
    #expect(recorded.status == 0, "\(recorded.stderr)")
    #expect(recorded.stderr.contains("recorded run #2"))
    let org = try runPlumb(["org", "--db", db, "--now", "2026-03-12T00:00:00Z", "--format", "json"])
    #expect(org.status == 0, "\(org.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(org.stdout.utf8)) as? [String: Any])
    #expect((object["repositories"] as? [[String: Any]])?.map { $0["name"] as? String } == ["(no repository)", "acme/web"])
    let names = (object["scorecards"] as? [[String: Any]])?.map { $0["name"] as? String }
    #expect(names == ["production_readiness", "readiness"])
  }

  @Test func usageAndStoreErrors() throws {
    let absent = try runPlumb(["org", "--db", "/nonexistent/plumb.sqlite"])
    #expect(absent.status == 2 && absent.stderr.contains("no history database at '/nonexistent/plumb.sqlite'"))
    for arguments in [
      ["org"], ["org", "--db", "x", "--format", "pdf"], ["org", "--db", "x", "--branch", "a", "--all-branches"],
      ["org", "--db", "x", "--since", "yesterday"], ["org", "--db", "postgres://u@h/d?sslmode=bogus"],
    ] {
      #expect(try runPlumb(arguments).status == 64, "\(arguments)")
    }
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let db = directory.appendingPathComponent("h.sqlite").path
    _ = try ScoreHistoryLocation(db).open()
    let nothing = try runPlumb(["org", "--db", db])
    #expect(nothing.status == 4 && nothing.stderr.contains("no recorded run counts"))
  }
}

/// Where a test's history lives.
enum Backend {
  case sqlite
  case postgres

  /// A new SQLite path in `directory`, or the URL of a new database on the test server; and the
  /// database's name (PostgreSQL).
  func fresh(in directory: URL) throws -> (url: String, database: String) {
    switch self {
    case .sqlite:
      return (directory.appendingPathComponent("history.sqlite").path, "")
    case .postgres:
      let server = try #require(PostgresTestServer.shared, "no PostgreSQL test server: the test needs .requiresPostgres")
      let database = try server.createDatabase()
      return (server.tcpURL(database), database)
    }
  }
}
