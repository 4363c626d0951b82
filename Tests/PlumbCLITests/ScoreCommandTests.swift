import Foundation
import TestSupport
import Testing

/// `plumb score` end to end, on the built binary (the numbers themselves are checked at library
/// level in Tests/PlumbScoreTests; here: what the command prints, writes and exits with).
///
/// `fixtures/scorecards` is scored by `production_readiness` (policies/baseline.plumb):
/// bronze = component_has_owner (weight 2) + owner_is_a_group; silver adds actions_pinned_to_sha
/// and checkout_persist_credentials; gold adds personal_data_in_allowed_regions. Waivers are
/// evaluated against a fixed `--today` so the run does not depend on the date.
@Suite struct ScoreCommandTests {
  static let fixture = "fixtures/scorecards"
  static let today = ["--today", "2026-01-15"]

  /// `plumb score` on `paths` with a fixed `--today` and `extra` options; one fixture directory is
  /// its own root (inside the package, the root would be the package's repository otherwise).
  func score(_ extra: [String], _ paths: [String] = [fixture], in directory: URL = packageRoot) throws
    -> CommandResult
  {
    let root = paths.count == 1 && paths[0].hasPrefix("fixtures/") && !extra.contains("--root") ? ["--root", paths[0]] : []
    return try runPlumb(["score"] + Self.today + extra + root + paths, in: directory)
  }

  /// An entity's row of the text output's entity table, split on white space, or [] when absent.
  func entityRow(_ name: String, in output: String) -> [Substring] {
    let table = output.components(separatedBy: "\n  entities\n").last ?? ""
    for line in table.split(separator: "\n") {
      let fields = line.split(whereSeparator: \.isWhitespace)
      if fields.first == Substring(name) { return fields }
    }
    return []
  }

  // MARK: text

  @Test func textShowsEveryProductionComponentWithItsLevelAndScore() throws {
    let result = try score([])
    #expect(result.status == 0, "\(result.stderr)")
    // Each expected row is (owner, level, passing/applicable weight), worked out from the fixture:
    let expected: [(name: String, owner: String, level: String, score: String)] = [
      // Owned by the payments Group (both bronze rules pass); its workflow pins checkout to a SHA
      // with persist-credentials: false (both silver rules pass); its bucket is in eu-west-1,
      // inside the EU (residency passes). Every rule passes: gold, (2+1+1+1+1)/6.
      ("payments-api", "payments", "gold", "6/6"),
      // setup-node@v4 is a tag (actions_pinned_to_sha fails) but .plumb-waivers.yaml waives it
      // until 2099, and waived counts as passing; the ledger database's region is unknown until
      // apply (indeterminate), which holds back gold and adds nothing: silver, 5/6.
      ("ledger", "payments", "silver", "5/6"),
      // checkout@v4 without persist-credentials: both silver rules fail; storefront holds no
      // personal data, so residency does not apply (left out of the denominator): bronze, 3/5.
      ("storefront", "web", "bronze", "3/5"),
      // No workflow and no Terraform resource: the silver and gold rules judge nothing for it
      // (not applicable, so they hold nothing back): a vacuous gold, 3/3.
      ("search", "web", "gold", "3/3"),
      // No workflow (silver rules not applicable), but a personal-data bucket in us-east-1:
      // residency fails, so silver, (2+1)/(2+1+1) = 3/4.
      ("reports", "analytics", "silver", "3/4"),
      // Owner 'ghosts' names no Group: component_has_owner passes (weight 2), owner_is_a_group
      // fails, so no level at all and no team; 2/3.
      ("etl", "(unowned)", "none", "2/3"),
    ]
    for entity in expected {
      let row = entityRow(entity.name, in: result.stdout)
      #expect(
        row.count >= 4 && row[1] == entity.owner && row[2] == entity.level && row[3] == entity.score,
        "\(entity.name): \(row)")
    }
    // The experimental prototype is excluded by the scorecard's `when`: six scored, one excluded.
    #expect(entityRow("prototype", in: result.stdout).isEmpty)
    #expect(result.stdout.contains("\"production\": 6 scored, 1 excluded"))
    // Organisation: (6/6 + 5/6 + 3/5 + 3/3 + 3/4 + 2/3) / 6 = 4.85 / 6 = 80.8%; one entity per
    // level except silver and gold (two each).
    #expect(
      result.stdout.contains(
        "organisation  6 entities · average score 80.8% (Σ 4.8500 / 6) · bronze 1 · silver 2 · gold 2 · none 1"))
    // What to fix next: storefront is held back from silver by its two failing workflow rules.
    #expect(
      entityRow("storefront", in: result.stdout).dropFirst(6).joined(separator: " ")
        == "silver: actions_pinned_to_sha (fail), checkout_persist_credentials (fail)")
  }

  @Test func thePlatformFixtureScoresThroughTheLinkedRepositoryAndPlan() throws {
    let result = try score([], ["fixtures/platform"])
    #expect(result.status == 0, "\(result.stderr)")
    // payments-api's source-location is acme/platform, so the root workflow rolls in: checkout@v4
    // fails both silver rules; its customer_exports bucket uses the `aws.us` provider
    // (us-east-1), so residency fails too. Only the bronze rules pass: bronze, (2+1)/6.
    let payments = entityRow("payments-api", in: result.stdout)
    #expect(payments.count >= 4 && payments[2] == "bronze" && payments[3] == "3/6", "\(payments)")
    // storefront has no source-location (no workflow) and holds no personal data: gold, 3/3.
    let storefront = entityRow("storefront", in: result.stdout)
    #expect(storefront.count >= 4 && storefront[2] == "gold" && storefront[3] == "3/3", "\(storefront)")
    // nightly-report is experimental: excluded.
    #expect(result.stdout.contains(": 2 scored, 1 excluded"))
  }

  // MARK: json

  @Test func jsonHasASchemaVersionEntityReferencesAndNullLevels() throws {
    let result = try score(["--format", "json"])
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(json["schemaVersion"] as? Int == 1)
    let cards = try #require(json["scorecards"] as? [[String: Any]])
    let entities = try #require(cards.first?["entities"] as? [[String: Any]])
    let ledger = try #require(entities.first { $0["id"] as? String == "catalog:component:default/ledger" })
    #expect(ledger["entityRef"] as? String == "component:default/ledger")
    // Every entity has every member: a missing level is null, not absent.
    for entity in entities {
      for key in ["level", "nextLevel", "score", "owner", "system", "domain", "title", "entityRef"] {
        #expect(entity.keys.contains(key), "\(key) absent from \(entity["id"] ?? "?")")
      }
    }
    #expect(entities.contains { $0["level"] is NSNull || $0["nextLevel"] is NSNull })
  }

  @Test func theDashboardSaysWhenItWasGenerated() throws {
    let result = try score(["--format", "html", "--now", "2026-12-07T12:00:00Z"])
    #expect(result.stdout.contains("generated <time datetime=\"2026-12-07T12:00:00Z\">2026-12-07T12:00:00Z</time>"))
    let clock = try score(["--format", "html"])
    #expect(clock.stdout.contains("generated <time datetime=\""), "the clock stamps a dashboard without --now")
    let json = try score(["--format", "json"])
    #expect(!json.stdout.contains("generatedAt"), "JSON stays reproducible")
  }

  @Test func jsonParsesAndItsRollUpsAddUp() throws {
    let result = try score(["--format", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let cards = try #require(json["scorecards"] as? [[String: Any]])
    #expect(cards.count == 1)
    let card = try #require(cards.first)
    let entities = try #require(card["entities"] as? [[String: Any]])
    let rollups = try #require(card["rollups"] as? [[String: Any]])
    #expect(entities.count == 6 && card["excluded"] as? Int == 1)

    var scores: [String: Double] = [:]
    var levels: [String: String] = [:]
    for entity in entities {
      let id = try #require(entity["id"] as? String)
      let passing = try #require(entity["passingWeight"] as? Int)
      let applicable = try #require(entity["applicableWeight"] as? Int)
      let score = try #require(entity["score"] as? Double)
      // Each entity's score is its own fraction of weights.
      #expect(abs(score - Double(passing) / Double(applicable)) < 1e-9, "\(id)")
      scores[id] = score
      levels[id] = entity["level"] as? String ?? "none"
    }
    #expect(levels["catalog:component:default/ledger"] == "silver")

    let teams = rollups.filter { $0["dimension"] as? String == "team" }
    #expect(teams.compactMap { $0["key"] as? String }.sorted() == [
      "(unowned)", "catalog:group:default/analytics", "catalog:group:default/payments", "catalog:group:default/web",
    ])
    var seen: [String] = []
    for rollup in rollups {
      let key = try #require(rollup["key"] as? String)
      let members = try #require(rollup["entities"] as? [String])
      let scoreSum = try #require(rollup["scoreSum"] as? Double)
      let scored = try #require(rollup["scored"] as? Int)
      // The roll-up's sum is the sum of its entities' scores, its average that sum over the count.
      let expectedSum = members.reduce(0) { $0 + (scores[$1] ?? .nan) }
      #expect(abs(scoreSum - expectedSum) < 1e-9, "\(key)")
      #expect(scored == members.count, "\(key): every fixture entity has a score")
      let average = try #require(rollup["averageScore"] as? Double)
      #expect(abs(average - expectedSum / Double(members.count)) < 1e-9, "\(key)")
      // Level counts add up to the members and match their levels.
      let counts = try #require(rollup["levels"] as? [[String: Any]])
      for entry in counts {
        let level = try #require(entry["level"] as? String)
        #expect(entry["count"] as? Int == members.count { levels[$0] == level }, "\(key) \(level)")
      }
      if rollup["dimension"] as? String == "team" { seen += members }
    }
    // Teams partition the scored entities: each in exactly one team.
    #expect(seen.sorted() == scores.keys.sorted())
    // The departments add up their teams: engineering = payments + web, acme = engineering + data.
    func members(_ dimension: String, _ key: String) -> Set<String> {
      Set(rollups.first { $0["dimension"] as? String == dimension && $0["key"] as? String == key }?["entities"]
        as? [String] ?? [])
    }
    let group = "catalog:group:default/"
    #expect(members("department", group + "engineering") == members("team", group + "payments").union(members("team", group + "web")))
    #expect(members("department", group + "acme") == members("department", group + "engineering").union(members("department", group + "data")))
    #expect(members("organisation", "organisation").count == 6)

    // Deterministic: the same inputs give the same bytes.
    #expect(try score(["--format", "json"]).stdout == result.stdout)
  }

  // MARK: markdown, html, --output

  @Test func markdownHasTheDocumentedSections() throws {
    let result = try score(["--format", "markdown"])
    #expect(result.status == 0, "\(result.stderr)")
    let headings = result.stdout.split(separator: "\n").filter { $0.hasPrefix("#") }.map(String.init)
    #expect(headings == [
      "# Scorecards", "## Production readiness (`production_readiness`)",
      "### Rules by team (entities passing / applicable)", "### Teams", "### Departments", "### Systems", "### Domains",
      "### Entities",
    ])
  }

  @Test func htmlIsOneSelfContainedFileWithATeamSectionPerTeam() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let output = directory.appendingPathComponent("out/score.html")
    let result = try score(["--format", "html", "--output", output.path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.isEmpty)
    let html = try String(contentsOf: output, encoding: .utf8)
    for heading in ["<h1>Plumb scorecards", "<h2>Production readiness", "<h3>Organisation overview", "<h3>Rules by team"] {
      #expect(html.contains(heading), "missing: \(heading)")
    }
    // Anchors are `team-<scorecard>-<team key>` with other characters as '-' (docs/scorecards.md).
    for team in ["catalog-group-default-payments", "catalog-group-default-web", "catalog-group-default-analytics"] {
      #expect(html.contains("id=\"team-production_readiness-\(team)\""), "missing anchor for \(team)")
    }
    // No network assets: nothing is loaded from elsewhere.
    #expect(!html.contains("src=\"http") && !html.contains("<link"))
  }

  /// The dashboard links every `path:line` to the source (issue 15, item 3): from the flag, or
  /// from GitHub's CI variables as `plumb check` does; a link Plumb may not emit is refused.
  @Test func theDashboardLinksLocationsToTheirSource() throws {
    let noCI = ["GITHUB_SERVER_URL": "", "GITHUB_REPOSITORY": "", "GITHUB_SHA": "", "CI_PROJECT_URL": "", "CI_COMMIT_SHA": ""]
    let flagged = try runPlumb(
      ["score", "--format", "html", "--source-link-base", "https://git.example.com/acme/platform/blob/abc/"] + Self.today
        + ["--root", Self.fixture, Self.fixture], environment: noCI)
    #expect(flagged.status == 0, "\(flagged.stderr)")
    #expect(flagged.stdout.contains("<a class=\"loc\" href=\"https://git.example.com/acme/platform/blob/abc/services/"), "\(flagged.stdout.prefix(300))")
    let sha = String(repeating: "ab", count: 20)
    let fromCI = try runPlumb(
      ["score", "--format", "html"] + Self.today + ["--root", Self.fixture, Self.fixture],
      environment: ["GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/platform", "GITHUB_SHA": sha])
    #expect(fromCI.stdout.contains("href=\"https://github.com/acme/platform/blob/\(sha)/"), "\(fromCI.stderr)")
    let unlinked = try runPlumb(["score", "--format", "html"] + Self.today + ["--root", Self.fixture, Self.fixture], environment: noCI)
    #expect(!unlinked.stdout.contains("<a class=\"loc\""))
    #expect(unlinked.stdout.contains("<span class=\"loc\">"))
    for hostile in ["javascript:alert(1)", "https://x.example/a b", "https://x.example/\nrules", "data:text/html,x"] {
      let refused = try runPlumb(["score", "--format", "html", "--source-link-base", hostile, Self.fixture], environment: noCI)
      #expect(refused.status == 64, "\(hostile): \(refused.stderr)")
    }
    // A quote in an allowed base is escaped in the attribute: data never closes it.
    let quoted = try runPlumb(
      ["score", "--format", "html", "--source-link-base", "https://x.example/\"onmouseover=\"x/"] + Self.today
        + ["--root", Self.fixture, Self.fixture], environment: noCI)
    #expect(quoted.status == 0, "\(quoted.stderr)")
    #expect(quoted.stdout.contains("href=\"https://x.example/&quot;onmouseover=&quot;x/"))
    #expect(!quoted.stdout.contains("\"onmouseover"))
  }

  @Test func anOutputThatCannotBeWrittenExitsWithInputErrors() throws {
    let result = try score(["--output", "/proc/no-such-dir/score.txt"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("plumb: cannot write to '/proc/no-such-dir/score.txt'"))
  }

  // MARK: --explain

  @Test func explainShowsTheRuleStatesBehindAnEntity() throws {
    let result = try score(["--explain", "ledger"])
    #expect(result.status == 0, "\(result.stderr)")
    let text = result.stdout
    #expect(text.hasPrefix("ledger (catalog:component:default/ledger) in scorecard production_readiness\n"))
    #expect(text.contains("level: silver (next: gold)"))
    #expect(text.contains("gold     held back by personal_data_in_allowed_regions (indeterminate)"))
    #expect(text.contains("score: 5/6 = 83.3%"))
    // One line per rule in the score table: state, weight, what it adds.
    let rows = text.split(separator: "\n").map { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
    for expected in [
      ["component_has_owner", "pass", "2", "2/2"], ["owner_is_a_group", "pass", "1", "1/1"],
      ["actions_pinned_to_sha", "waived", "1", "1/1"], ["checkout_persist_credentials", "pass", "1", "1/1"],
      ["personal_data_in_allowed_regions", "indeterminate", "1", "0/1"],
    ] {
      #expect(rows.contains(expected), "missing row \(expected)")
    }
    // The waived finding names the waiver that suppresses it; the indeterminate one its resource.
    #expect(text.contains("'actions/setup-node' is pinned to version-tag 'v4'"))
    #expect(text.contains("waived by waiver: setup-node is mirrored and verified by the internal proxy"))
    #expect(text.contains("indeterminate on terraform:terraform/plan.tfplan.json#aws_db_instance.ledger (via hasResource)"))
  }

  @Test func explainATeamWritesTheAverageOut() throws {
    let result = try score(["--explain", "Web Team"])
    #expect(result.status == 0, "\(result.stderr)")
    // search 3/3 and storefront 3/5.
    #expect(result.stdout.contains("average score: (1.0000 + 0.6000) / 2 = 1.6000 / 2 = 80.0%"))
    #expect(result.stdout.contains("  bronze   storefront\n  gold     search\n"))
  }

  @Test func explainingAnUnknownNameIsAUsageErrorThatListsTheKnownNames() throws {
    let result = try score(["--explain", "nobody"])
    #expect(result.status == 64)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.contains("plumb: no scored entity or group named 'nobody' (known: "))
    #expect(result.stderr.contains("ledger, organisation, payments, payments-api"))
  }

  // MARK: --record, --diff

  @Test func recordTwiceThenDiffShowsTheFixtureChange() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let repo = directory.appendingPathComponent("repo")
    try FileManager.default.copyItem(at: packageRoot.appendingPathComponent(Self.fixture), to: repo)

    // The default database is .plumb/history.sqlite under the root (the one directory scored).
    let first = try runPlumb(["score", "--record", "--now", "2026-01-05T09:00:00Z", "--commit", "aaaa", repo.path])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stderr.contains("plumb: recorded run #1 at 2026-01-05T09:00:00Z in "))
    #expect(FileManager.default.fileExists(atPath: repo.appendingPathComponent(".plumb/history.sqlite").path))

    // One run is not enough for a diff.
    let early = try runPlumb(["score", "--diff"], in: repo)
    #expect(early.status == 2)
    #expect(early.stderr.contains("holds 1 run(s); a diff needs two"))

    // storefront pins its checkout and stops persisting the token: both silver rules pass, and
    // with residency not applicable it reaches gold (3/5 → 5/5).
    let workflow = repo.appendingPathComponent("services/storefront/.github/workflows/ci.yml")
    let text = try String(contentsOf: workflow, encoding: .utf8)
    #expect(text.contains("- uses: actions/checkout@v4\n"))
    try text.replacingOccurrences(
      of: "- uses: actions/checkout@v4\n",
      with: "- uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n        with:\n          persist-credentials: false\n"
    ).write(to: workflow, atomically: true, encoding: .utf8)
    let second = try runPlumb(["score", "--record", "--now", "2026-02-05T09:00:00Z", "--commit", "bbbb", repo.path])
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.stderr.contains("plumb: recorded run #2 at 2026-02-05T09:00:00Z"))

    // --diff with no ids: the last two runs, the database found under the root (here the cwd).
    let diff = try runPlumb(["score", "--diff"], in: repo)
    #expect(diff.status == 0, "\(diff.stderr)")
    #expect(diff.stdout.hasPrefix("from run #1 at 2026-01-05T09:00:00Z, commit aaaa\n  to run #2 at 2026-02-05T09:00:00Z, commit bbbb\n"))
    #expect(diff.stdout.contains("[production_readiness] storefront (web): bronze → gold (up), score 60.0% → 100.0%"))
    #expect(diff.stdout.contains("[production_readiness] storefront actions_pinned_to_sha: fail → pass"))
    #expect(diff.stdout.contains("[production_readiness] storefront checkout_persist_credentials: fail → pass"))
    // Organisation: 4.85/6 → (4.85 − 0.6 + 1)/6 = 5.25/6 = 87.5%.
    #expect(diff.stdout.contains("organisation Organisation: average 80.8% → 87.5%"))
    // Nothing else moved.
    #expect(!diff.stdout.contains("payments-api") && !diff.stdout.contains("ledger"))

    // The same diff as JSON, with explicit ids and an explicit database.
    let database = repo.appendingPathComponent(".plumb/history.sqlite").path
    let json = try runPlumb(["score", "--diff", "--db", database, "--format", "json", "1", "2"])
    #expect(json.status == 0, "\(json.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let changes = try #require(object["levelChanges"] as? [[String: Any]])
    #expect(changes.map { "\($0["name"] ?? "") \($0["from"] ?? "") \($0["to"] ?? "")" } == ["storefront bronze gold"])

    // A run id that was never recorded.
    let missing = try runPlumb(["score", "--diff", "--db", database, "1", "9"])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("plumb: no run #9 in '\(database)'"))
  }

  @Test func historyErrorsExitWithInputErrors() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let absent = directory.appendingPathComponent("absent.sqlite").path
    // An explicit --db that does not exist, without --record: scored, but exit 2.
    let scored = try score(["--db", absent])
    #expect(scored.status == 2)
    #expect(scored.stderr.contains("plumb: no history database at '\(absent)' (record one with --record)"))
    #expect(!entityRow("ledger", in: scored.stdout).isEmpty)
    #expect(!FileManager.default.fileExists(atPath: absent))
    let diff = try runPlumb(["score", "--diff", "--db", absent])
    #expect(diff.status == 2)
    #expect(diff.stderr.contains("plumb: no history database at '\(absent)'"))
  }

  // MARK: errors

  @Test func anUnknownScorecardIsAPolicyErrorNamingTheKnownOnes() throws {
    let result = try score(["--scorecard", "production_readines"])
    #expect(result.status == 3)
    #expect(result.stderr.contains("plumb: no scorecard named 'production_readines' (known: production_readiness)"))
    // Nothing claims that no scorecard is declared: one is, it was just not named.
    #expect(!result.stderr.contains("no scorecard is declared"))
    #expect(result.stdout.contains("--scorecard named none of them"))
    // Named correctly, it scores.
    #expect(try score(["--scorecard", "production_readiness"]).status == 0)
  }

  @Test func aMissingPathIsAnInputErrorNamedOnStandardError() throws {
    let result = try score([], ["no/such/path"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("plumb: error: no such file or directory: 'no/such/path' [io.missing]"))
    #expect(result.stderr.contains("plumb: 1 input error(s), 0 policy error(s)"))
  }

  @Test func nothingToScoreExitsWith4() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try "just: data\n".write(to: directory.appendingPathComponent("values.yaml"), atomically: true, encoding: .utf8)
    let result = try score([], [directory.path])
    #expect(result.status == 4)
    #expect(result.stderr.contains("plumb: nothing was scored: no scorecard selected any entity"))
  }

  @Test func usageErrorsExitWith64() throws {
    for arguments in [
      ["score"], ["score", "--format", "xml", Self.fixture], ["score", "--diff", "1"],
      ["score", "--diff", "--format", "html"], ["score", "--diff", "--record"], ["score", "--now", "yesterday", Self.fixture],
      ["score", "--today", "15/01/2026", Self.fixture],
    ] {
      let result = try runPlumb(arguments)
      #expect(result.status == 64, "\(arguments): \(result.stderr)")
    }
  }
}

/// `plumb score --db postgres://…` end to end on the built binary, against the throwaway
/// PostgreSQL server (skipped, listed as skipped, where it cannot start): two CI-style runs record
/// into one shared database, then the diff and the dashboard read it.
@Suite struct ScorePostgresCommandTests {
  @Test(.requiresPostgres) func recordTwiceThenDiffAndDashboardFromPostgres() throws {
    let server = try #require(PostgresTestServer.shared)
    let name = try server.createDatabase()
    let url = server.tcpURL(name)
    let shown = "postgres://postgres:***@127.0.0.1:\(server.port)/\(name)?sslmode=disable"
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let repo = directory.appendingPathComponent("repo")
    try FileManager.default.copyItem(at: packageRoot.appendingPathComponent(ScoreCommandTests.fixture), to: repo)

    let first = try runPlumb(
      ["score", "--today", "2026-01-15", "--record", "--db", url, "--now", "2026-01-05T09:00:00Z", "--commit", "aaaa", repo.path])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stderr.contains("plumb: recorded run #1 at 2026-01-05T09:00:00Z in \(shown)"), "\(first.stderr)")
    #expect(!first.stderr.contains(PostgresTestServer.password))
    // No SQLite file appears.
    #expect(!FileManager.default.fileExists(atPath: repo.appendingPathComponent(".plumb").path))

    let workflow = repo.appendingPathComponent("services/storefront/.github/workflows/ci.yml")
    let text = try String(contentsOf: workflow, encoding: .utf8)
    try text.replacingOccurrences(
      of: "- uses: actions/checkout@v4\n",
      with: "- uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n        with:\n          persist-credentials: false\n"
    ).write(to: workflow, atomically: true, encoding: .utf8)
    // The second run over the Unix socket, the password from PGPASSWORD, as another CI job might.
    let second = try runPlumb(
      ["score", "--today", "2026-01-15", "--record", "--db", server.socketURL(name), "--now", "2026-02-05T09:00:00Z",
       "--commit", "bbbb", repo.path],
      environment: ["PGPASSWORD": PostgresTestServer.password])
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.stderr.contains("plumb: recorded run #2 at 2026-02-05T09:00:00Z in postgres://postgres:***@/\(name)?host="))

    let diff = try runPlumb(["score", "--diff", "--db", url], in: repo)
    #expect(diff.status == 0, "\(diff.stderr)")
    #expect(diff.stdout.hasPrefix("from run #1 at 2026-01-05T09:00:00Z, commit aaaa\n  to run #2 at 2026-02-05T09:00:00Z, commit bbbb\n"))
    #expect(diff.stdout.contains("[production_readiness] storefront (web): bronze → gold (up), score 60.0% → 100.0%"))
    #expect(diff.stdout.contains("organisation Organisation: average 80.8% → 87.5%"))
    let missing = try runPlumb(["score", "--diff", "--db", url, "1", "9"])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("plumb: no run #9 in '\(shown)'"), "\(missing.stderr)")

    // The dashboard, without recording, draws the trend from the shared database.
    let html = try runPlumb(["score", "--today", "2026-01-15", "--db", url, "--format", "html", repo.path])
    #expect(html.status == 0, "\(html.stderr)")
    #expect(html.stdout.contains("<svg class=\"trend\""))
    #expect(html.stdout.contains("run #2 2026-02-05T09:00:00Z (bbbb): average"))
  }

  /// Three CI jobs record at once into an empty database: they race to create the schema and to
  /// record, and each gets its own id.
  @Test(.requiresPostgres) func concurrentJobsRecordIntoOneDatabase() throws {
    let server = try #require(PostgresTestServer.shared)
    let url = server.tcpURL(try server.createDatabase())
    final class Results: @unchecked Sendable {
      let lock = NSLock()
      var items: [CommandResult?] = []
    }
    let results = Results()
    DispatchQueue.concurrentPerform(iterations: 3) { job in
      let result = try? runPlumb(
        ["score", "--today", "2026-01-15", "--record", "--db", url, "--commit", "job\(job)", "--now",
         "2026-01-0\(job + 1)T00:00:00Z", ScoreCommandTests.fixture])
      results.lock.withLock { results.items.append(result) }
    }
    let ids = results.items.compactMap { result -> Int? in
      guard let result, result.status == 0 else { return nil }
      guard let range = result.stderr.range(of: "recorded run #") else { return nil }
      return Int(result.stderr[range.upperBound...].prefix { $0.isNumber })
    }
    #expect(ids.sorted() == [1, 2, 3], "\(results.items.map { $0?.stderr ?? "(did not run)" })")
    let diff = try runPlumb(["score", "--diff", "--db", url, "1", "3"])
    #expect(diff.status == 0, "\(diff.stderr)")
  }

  /// Eight CI jobs on one machine record at once into one new SQLite file (issue 13, class 8:
  /// only 1 to 3 of 5 were recorded, the rest exited 2 with "database is locked"): they race to
  /// create the file and its schema and to record, and every one is recorded with its own id.
  @Test func concurrentJobsRecordIntoOneSQLiteFile() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-sqlite-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let database = directory.appendingPathComponent("history.sqlite").path
    final class Results: @unchecked Sendable {
      let lock = NSLock()
      var items: [CommandResult?] = []
    }
    let results = Results()
    let jobs = 8
    // One thread per job (not `concurrentPerform`, which runs as many at once as there are cores).
    let finished = DispatchGroup()
    for job in 0..<jobs {
      finished.enter()
      Thread {
        let result = try? runPlumb(
          ["score", "--today", "2026-01-15", "--record", "--db", database, "--commit", "job\(job)", "--now",
           "2026-01-0\(job + 1)T00:00:00Z", ScoreCommandTests.fixture])
        results.lock.withLock { results.items.append(result) }
        finished.leave()
      }.start()
    }
    finished.wait()
    let ids = results.items.compactMap { result -> Int? in
      guard let result, result.status == 0 else { return nil }
      guard let range = result.stderr.range(of: "recorded run #") else { return nil }
      return Int(result.stderr[range.upperBound...].prefix { $0.isNumber })
    }
    #expect(ids.sorted() == Array(1...jobs), "\(results.items.map { $0?.stderr ?? "(did not run)" })")
    // Every run is whole: the diff between the first and the last shows no change (same inputs).
    let diff = try runPlumb(["score", "--diff", "--db", database, "1", "\(jobs)"])
    #expect(diff.status == 0, "\(diff.stderr)")
    let html = try runPlumb(["score", "--format", "html", "--db", database] + ScoreCommandTests.today + [ScoreCommandTests.fixture])
    #expect(html.status == 0, "\(html.stderr)")
  }

  @Test func badURLsAndUnreachableServersAreClearErrors() throws {
    // A malformed URL is a usage error; the password is not repeated.
    let bad = try runPlumb(["score", "--db", "postgres://u:hunter2@h/x?sslmode=sometimes", ScoreCommandTests.fixture])
    #expect(bad.status == 64)
    #expect(bad.stderr.contains("unsupported sslmode 'sometimes'") && !bad.stderr.contains("hunter2"), "\(bad.stderr)")
    // Malformed percent-encoding in any part is refused, never decoded to nothing (issue 13,
    // class 9: `pw%zz` was accepted with the password dropped, falling back on PGPASSWORD).
    for url in [
      "postgres://u:hunter2%zz@h/x", "postgres://u%g1:hunter2@h/x", "postgres://u:hunter2@h/d%",
      "postgres://u:hunter2@h/x?host=%2",
    ] {
      let malformed = try runPlumb(["score", "--db", url, ScoreCommandTests.fixture], environment: ["PGPASSWORD": "fromenv"])
      #expect(malformed.status == 64, "\(url): \(malformed.stderr)")
      #expect(malformed.stderr.contains("percent-encoding"), "\(url): \(malformed.stderr)")
      #expect(!malformed.stderr.contains("hunter2"), "\(url): \(malformed.stderr)")
    }
    // Nothing listening (port 1 on loopback): scored, history error, exit 2, quickly.
    let started = Date()
    let refused = try runPlumb(
      ["score", "--today", "2026-01-15", "--record", "--db", "postgres://ci:hunter2@127.0.0.1:1/plumb?sslmode=disable",
       ScoreCommandTests.fixture])
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("plumb: history database 'postgres://ci:***@127.0.0.1:1/plumb?sslmode=disable': cannot connect to 127.0.0.1:1"), "\(refused.stderr)")
    #expect(!refused.stderr.contains("hunter2"))
    #expect(Date().timeIntervalSince(started) < 30)
    let diff = try runPlumb(["score", "--diff", "--db", "postgres://ci:hunter2@127.0.0.1:1/plumb"])
    #expect(diff.status == 2)
    #expect(diff.stderr.contains("cannot connect") && !diff.stderr.contains("hunter2"), "\(diff.stderr)")
  }
}
