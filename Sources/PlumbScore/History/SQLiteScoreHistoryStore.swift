import Foundation
import GRDB

/// Score history in an embedded SQLite database (through GRDB), `.plumb/history.sqlite` by default.
///
/// The schema is created and upgraded by a versioned migrator (`v1`, …); the tables are plain
/// SQL with no SQLite-only types, so a PostgreSQL store can use the same DDL (docs/scorecards.md).
public final class SQLiteScoreHistoryStore: ScoreHistoryStore {
  /// The file the database is in.
  public let path: String
  private let queue: DatabaseQueue

  /// The default location under a repository root.
  public static func defaultPath(root: String) -> String {
    (root.hasSuffix("/") ? root : root + "/") + ".plumb/history.sqlite"
  }

  /// Opens (creating it and its directory if needed) the database at `path` and brings its schema
  /// up to date.
  public init(path: String) throws {
    self.path = path
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    queue = try DatabaseQueue(path: path)
    try Self.migrator.migrate(queue)
  }

  /// The schema's migrations, in order. Never edit a shipped migration: add the next one.
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1") { db in
      for statement in schemaV1 { try db.execute(sql: statement) }
    }
    migrator.registerMigration("v2") { db in
      for statement in schemaV2 { try db.execute(sql: statement) }
    }
    return migrator
  }

  /// Schema version 1 (also documented in docs/scorecards.md).
  public static let schemaV1 = [
    """
    CREATE TABLE score_run (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      recorded_at TEXT NOT NULL,
      commit_sha TEXT,
      pack TEXT,
      tool_version TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE score_entity (
      run_id INTEGER NOT NULL REFERENCES score_run(id) ON DELETE CASCADE,
      scorecard TEXT NOT NULL,
      entity_id TEXT NOT NULL,
      name TEXT NOT NULL,
      owner TEXT,
      level TEXT,
      level_rank INTEGER NOT NULL,
      passing_weight INTEGER NOT NULL,
      applicable_weight INTEGER NOT NULL,
      PRIMARY KEY (run_id, scorecard, entity_id)
    )
    """,
    """
    CREATE TABLE score_rule (
      run_id INTEGER NOT NULL REFERENCES score_run(id) ON DELETE CASCADE,
      scorecard TEXT NOT NULL,
      entity_id TEXT NOT NULL,
      rule_id TEXT NOT NULL,
      state TEXT NOT NULL,
      PRIMARY KEY (run_id, scorecard, entity_id, rule_id)
    )
    """,
    """
    CREATE TABLE score_finding (
      run_id INTEGER NOT NULL REFERENCES score_run(id) ON DELETE CASCADE,
      scorecard TEXT NOT NULL,
      entity_id TEXT NOT NULL,
      rule_id TEXT NOT NULL,
      fingerprint TEXT NOT NULL,
      finding_entity TEXT NOT NULL,
      verdict TEXT NOT NULL,
      suppressed INTEGER NOT NULL,
      message TEXT NOT NULL,
      location TEXT NOT NULL,
      PRIMARY KEY (run_id, scorecard, entity_id, rule_id, fingerprint)
    )
    """,
    """
    CREATE TABLE score_rollup (
      run_id INTEGER NOT NULL REFERENCES score_run(id) ON DELETE CASCADE,
      scorecard TEXT NOT NULL,
      dimension TEXT NOT NULL,
      group_key TEXT NOT NULL,
      name TEXT NOT NULL,
      entities INTEGER NOT NULL,
      scored INTEGER NOT NULL,
      score_sum REAL NOT NULL,
      average_score REAL,
      PRIMARY KEY (run_id, scorecard, dimension, group_key)
    )
    """,
    """
    CREATE TABLE score_rollup_level (
      run_id INTEGER NOT NULL REFERENCES score_run(id) ON DELETE CASCADE,
      scorecard TEXT NOT NULL,
      dimension TEXT NOT NULL,
      group_key TEXT NOT NULL,
      position INTEGER NOT NULL,
      level TEXT NOT NULL,
      count INTEGER NOT NULL,
      PRIMARY KEY (run_id, scorecard, dimension, group_key, position)
    )
    """,
    "CREATE INDEX score_rollup_series ON score_rollup (scorecard, dimension, group_key, run_id)",
  ]

  /// Schema version 2, on top of version 1 (a v1 database is migrated in place; its runs name no
  /// repository): the run's repository, branch and default branch; each entity's kind, system and
  /// domain; the groups the roll-ups name; the scorecards' definitions. Also documented in
  /// docs/scorecards.md.
  public static let schemaV2 = [
    "ALTER TABLE score_run ADD COLUMN repository TEXT",
    "ALTER TABLE score_run ADD COLUMN branch TEXT",
    "ALTER TABLE score_run ADD COLUMN default_branch TEXT",
    "CREATE INDEX score_run_repository ON score_run (repository, id)",
    "ALTER TABLE score_entity ADD COLUMN kind TEXT",
    "ALTER TABLE score_entity ADD COLUMN system_id TEXT",
    "ALTER TABLE score_entity ADD COLUMN domain_id TEXT",
    """
    CREATE TABLE score_group (
      run_id INTEGER NOT NULL REFERENCES score_run(id) ON DELETE CASCADE,
      group_id TEXT NOT NULL,
      name TEXT NOT NULL,
      parent_id TEXT,
      PRIMARY KEY (run_id, group_id)
    )
    """,
    """
    CREATE TABLE score_scorecard (
      run_id INTEGER NOT NULL REFERENCES score_run(id) ON DELETE CASCADE,
      scorecard TEXT NOT NULL,
      definition TEXT NOT NULL,
      PRIMARY KEY (run_id, scorecard)
    )
    """,
  ]

  public func record(_ snapshot: ScoreSnapshot) throws -> RunInfo {
    let cards = try snapshot.scorecards.map { ($0.definition.name, try HistoryCoding.encode($0)) }
    return try queue.write { db in
      try db.execute(
        sql: """
          INSERT INTO score_run (recorded_at, commit_sha, pack, tool_version, repository, branch, default_branch)
          VALUES (?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          snapshot.recordedAt, snapshot.commit, snapshot.pack, snapshot.toolVersion, snapshot.repository,
          snapshot.branch, snapshot.defaultBranch,
        ])
      let id = db.lastInsertedRowID
      let entity = try db.makeStatement(
        sql: """
          INSERT INTO score_entity (run_id, scorecard, entity_id, name, owner, level, level_rank, passing_weight,
            applicable_weight, kind, system_id, domain_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """)
      for e in snapshot.entities {
        try entity.execute(arguments: [
          id, e.scorecard, e.entity, e.name, e.owner, e.level, e.levelRank, e.passingWeight, e.applicableWeight,
          e.kind, e.system, e.domain,
        ])
      }
      let group = try db.makeStatement(
        sql: "INSERT OR IGNORE INTO score_group (run_id, group_id, name, parent_id) VALUES (?, ?, ?, ?)")
      for g in snapshot.groups { try group.execute(arguments: [id, g.id, g.name, g.parent]) }
      let card = try db.makeStatement(
        sql: "INSERT OR IGNORE INTO score_scorecard (run_id, scorecard, definition) VALUES (?, ?, ?)")
      for (name, definition) in cards { try card.execute(arguments: [id, name, definition]) }
      let rule = try db.makeStatement(
        sql: "INSERT INTO score_rule (run_id, scorecard, entity_id, rule_id, state) VALUES (?, ?, ?, ?, ?)")
      for r in snapshot.rules {
        try rule.execute(arguments: [id, r.scorecard, r.entity, r.rule, r.state.rawValue])
      }
      let finding = try db.makeStatement(
        sql: """
          INSERT OR IGNORE INTO score_finding (run_id, scorecard, entity_id, rule_id, fingerprint, finding_entity,
            verdict, suppressed, message, location) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """)
      for f in snapshot.findings {
        try finding.execute(arguments: [
          id, f.scorecard, f.entity, f.rule, f.fingerprint, f.findingEntity, f.verdict, f.suppressed ? 1 : 0,
          f.message, f.location,
        ])
      }
      let rollup = try db.makeStatement(
        sql: """
          INSERT INTO score_rollup (run_id, scorecard, dimension, group_key, name, entities, scored, score_sum,
            average_score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
          """)
      let level = try db.makeStatement(
        sql: """
          INSERT INTO score_rollup_level (run_id, scorecard, dimension, group_key, position, level, count)
            VALUES (?, ?, ?, ?, ?, ?, ?)
          """)
      for r in snapshot.rollups {
        try rollup.execute(arguments: [
          id, r.scorecard, r.dimension.rawValue, r.key, r.name, r.entities, r.scored, r.scoreSum, r.averageScore,
        ])
        for (position, count) in r.levels.enumerated() {
          try level.execute(arguments: [id, r.scorecard, r.dimension.rawValue, r.key, position, count.level, count.count])
        }
      }
      return RunInfo(id: id, snapshot)
    }
  }

  public func runs(repository: RepositoryFilter) throws -> [RunInfo] {
    try queue.read { db in
      switch repository {
      case .all:
        return try Row.fetchAll(db, sql: "SELECT * FROM score_run ORDER BY id").map(Self.runInfo)
      case .named(let name):
        return try Row.fetchAll(
          db, sql: "SELECT * FROM score_run WHERE repository IS ? ORDER BY id", arguments: [name]
        ).map(Self.runInfo)
      }
    }
  }

  static func runInfo(_ row: Row) -> RunInfo {
    RunInfo(
      id: row["id"], recordedAt: row["recorded_at"], commit: row["commit_sha"], pack: row["pack"],
      toolVersion: row["tool_version"], repository: row["repository"], branch: row["branch"],
      defaultBranch: row["default_branch"])
  }

  static func entityRecord(_ row: Row) -> ScoreSnapshot.EntityRecord {
    var record = ScoreSnapshot.EntityRecord(
      scorecard: row["scorecard"], entity: row["entity_id"], name: row["name"], owner: row["owner"],
      level: row["level"], levelRank: row["level_rank"], passingWeight: row["passing_weight"],
      applicableWeight: row["applicable_weight"])
    record.kind = row["kind"]
    record.system = row["system_id"]
    record.domain = row["domain_id"]
    return record
  }

  static func ruleRecord(_ row: Row) -> ScoreSnapshot.RuleRecord {
    ScoreSnapshot.RuleRecord(
      scorecard: row["scorecard"], entity: row["entity_id"], rule: row["rule_id"],
      state: ScoreState(rawValue: row["state"]) ?? .error)
  }

  public func runs(ids: [Int64], findings withFindings: Bool) throws -> [RecordedRun] {
    let wanted = Array(Set(ids)).sorted()
    guard !wanted.isEmpty else { return [] }
    return try queue.read { db in
      var parts = HistoryRunParts()
      // In chunks of at most 500 ids (SQLite's limit on parameters is far above).
      for start in stride(from: 0, to: wanted.count, by: 500) {
        let chunk = Array(wanted[start..<min(wanted.count, start + 500)])
        let list = "(" + Array(repeating: "?", count: chunk.count).joined(separator: ", ") + ")"
        let arguments = StatementArguments(chunk)
        for row in try Row.fetchAll(db, sql: "SELECT * FROM score_run WHERE id IN \(list)", arguments: arguments) {
          parts.infos.append(Self.runInfo(row))
        }
        for row in try Row.fetchAll(
          db, sql: "SELECT * FROM score_entity WHERE run_id IN \(list) ORDER BY run_id, scorecard, entity_id",
          arguments: arguments)
        {
          parts.entities[row["run_id"], default: []].append(Self.entityRecord(row))
        }
        for row in try Row.fetchAll(
          db, sql: "SELECT * FROM score_rule WHERE run_id IN \(list) ORDER BY run_id, scorecard, entity_id, rule_id",
          arguments: arguments)
        {
          parts.rules[row["run_id"], default: []].append(Self.ruleRecord(row))
        }
        if withFindings {
          for row in try Row.fetchAll(
            db,
            sql: "SELECT * FROM score_finding WHERE run_id IN \(list) ORDER BY run_id, scorecard, entity_id, rule_id, fingerprint",
            arguments: arguments)
          {
            parts.findings[row["run_id"], default: []].append(Self.findingRecord(row))
          }
        }
        for row in try Row.fetchAll(
          db, sql: "SELECT * FROM score_group WHERE run_id IN \(list) ORDER BY run_id, group_id", arguments: arguments)
        {
          parts.groups[row["run_id"], default: []].append(
            ScoreSnapshot.GroupRecord(id: row["group_id"], name: row["name"], parent: row["parent_id"]))
        }
        for row in try Row.fetchAll(
          db, sql: "SELECT * FROM score_scorecard WHERE run_id IN \(list) ORDER BY run_id, scorecard",
          arguments: arguments)
        {
          let text: String = row["definition"]
          parts.scorecards[row["run_id"], default: []].append(try HistoryCoding.decodeScorecard(text))
        }
      }
      return parts.assembled()
    }
  }

  static func findingRecord(_ row: Row) -> ScoreSnapshot.FindingRecord {
    ScoreSnapshot.FindingRecord(
      scorecard: row["scorecard"], entity: row["entity_id"], rule: row["rule_id"], fingerprint: row["fingerprint"],
      findingEntity: row["finding_entity"], verdict: row["verdict"], suppressed: (row["suppressed"] as Int) != 0,
      message: row["message"], location: row["location"])
  }

  public func rollups(runIDs: [Int64], dimensions: [RollupDimension]) throws -> [Int64: [ScoreSnapshot.RollupRecord]] {
    let wanted = Array(Set(runIDs)).sorted()
    guard !wanted.isEmpty, !dimensions.isEmpty else { return [:] }
    return try queue.read { db in
      var result: [Int64: [ScoreSnapshot.RollupRecord]] = [:]
      let dimensionList = "(" + Array(repeating: "?", count: dimensions.count).joined(separator: ", ") + ")"
      for start in stride(from: 0, to: wanted.count, by: 500) {
        let chunk = Array(wanted[start..<min(wanted.count, start + 500)])
        let list = "(" + Array(repeating: "?", count: chunk.count).joined(separator: ", ") + ")"
        var arguments = StatementArguments(chunk)
        arguments += StatementArguments(dimensions.map(\.rawValue))
        for row in try Row.fetchAll(
          db,
          sql: """
            SELECT * FROM score_rollup WHERE run_id IN \(list) AND dimension IN \(dimensionList)
            ORDER BY run_id, scorecard, dimension, group_key
            """, arguments: arguments)
        {
          guard let dimension = RollupDimension(rawValue: row["dimension"]) else { continue }
          result[row["run_id"], default: []].append(
            ScoreSnapshot.RollupRecord(
              scorecard: row["scorecard"], dimension: dimension, key: row["group_key"], name: row["name"],
              entities: row["entities"], scored: row["scored"], scoreSum: row["score_sum"],
              averageScore: row["average_score"], levels: []))
        }
      }
      return result
    }
  }

  public func run(id: Int64) throws -> RecordedRun? {
    let withParts = try runs(ids: [id], findings: true).first
    guard let base = withParts else { return nil }
    return try queue.read { db in
      let info = base.info
      let entities = base.snapshot.entities
      let rules = base.snapshot.rules
      let findings = base.snapshot.findings
      let levels = try levelCounts(db, runID: id)
      let rollups = try Row.fetchAll(
        db, sql: "SELECT * FROM score_rollup WHERE run_id = ? ORDER BY scorecard, dimension, group_key",
        arguments: [id]
      ).compactMap { row -> ScoreSnapshot.RollupRecord? in
        guard let dimension = RollupDimension(rawValue: row["dimension"]) else { return nil }
        let scorecard: String = row["scorecard"]
        let key: String = row["group_key"]
        return ScoreSnapshot.RollupRecord(
          scorecard: scorecard, dimension: dimension, key: key, name: row["name"], entities: row["entities"],
          scored: row["scored"], scoreSum: row["score_sum"], averageScore: row["average_score"],
          levels: levels[[scorecard, dimension.rawValue, key]] ?? [])
      }
      var snapshot = base.snapshot
      snapshot.entities = entities
      snapshot.rules = rules
      snapshot.findings = findings
      snapshot.rollups = rollups
      return RecordedRun(info: info, snapshot: snapshot)
    }
  }

  private func levelCounts(_ db: Database, runID: Int64) throws -> [[String]: [LevelCount]] {
    var result: [[String]: [LevelCount]] = [:]
    let rows = try Row.fetchAll(
      db, sql: "SELECT * FROM score_rollup_level WHERE run_id = ? ORDER BY scorecard, dimension, group_key, position",
      arguments: [runID])
    for row in rows {
      let key: [String] = [row["scorecard"], row["dimension"], row["group_key"]]
      result[key, default: []].append(LevelCount(level: row["level"], count: row["count"]))
    }
    return result
  }

  public func series(scorecard: String, dimension: RollupDimension, key: String, repository: RepositoryFilter) throws
    -> [TrendPoint]
  {
    try queue.read { db in
      var arguments: StatementArguments = [scorecard, dimension.rawValue, key]
      var runFilter = ""
      if case .named(let name) = repository {
        runFilter = " AND r.repository IS ?"
        arguments += [name]
      }
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT r.id, r.recorded_at, r.commit_sha, u.entities, u.average_score
          FROM score_rollup u JOIN score_run r ON r.id = u.run_id
          WHERE u.scorecard = ? AND u.dimension = ? AND u.group_key = ?\(runFilter)
          ORDER BY r.id
          """, arguments: arguments)
      let levelRows = try Row.fetchAll(
        db,
        sql: """
          SELECT l.run_id, l.level, l.count FROM score_rollup_level l JOIN score_run r ON r.id = l.run_id
          WHERE l.scorecard = ? AND l.dimension = ? AND l.group_key = ?\(runFilter) ORDER BY l.run_id, l.position
          """, arguments: arguments)
      var levels: [Int64: [LevelCount]] = [:]
      for row in levelRows { levels[row["run_id"], default: []].append(LevelCount(level: row["level"], count: row["count"])) }
      return rows.map { row in
        let id: Int64 = row["id"]
        return TrendPoint(
          runID: id, recordedAt: row["recorded_at"], commit: row["commit_sha"], entities: row["entities"],
          averageScore: row["average_score"], levels: levels[id] ?? [])
      }
    }
  }
}
