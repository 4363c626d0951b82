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

  /// How long a run waits for another process's write to finish before giving up: CI jobs on one
  /// machine record into one file at once, and each must be recorded (a recording takes
  /// milliseconds; waiting is the normal case, giving up a sign of a stuck process).
  public static let lockTimeout: TimeInterval = 60

  /// Opens (creating it and its directory if needed) the database at `path` and brings its schema
  /// up to date. Several processes may do this at once on one file: the database is in WAL mode
  /// (readers never block the writer), every write waits up to ``lockTimeout`` for the lock, and
  /// a migration that another process applied first is not applied twice.
  public init(path: String) throws {
    self.path = path
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    var configuration = Configuration()
    configuration.busyMode = .timeout(Self.lockTimeout)
    configuration.journalMode = .wal
    queue = try DatabaseQueue(path: path, configuration: configuration)
    try Self.migrate(queue)
  }

  /// Applies the migrations still missing. Two processes opening a new file at once both see the
  /// schema missing; the second waits for the first's transaction, then fails on what the first
  /// created. When that happens and the schema is then complete, the other process did the work.
  static func migrate(_ queue: DatabaseQueue) throws {
    do {
      try migrator.migrate(queue)
    } catch {
      guard try queue.read({ db in try migrator.hasCompletedMigrations(db) }) else { throw error }
    }
  }

  /// The schema's migrations, in order. Never edit a shipped migration: add the next one.
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1") { db in
      for statement in schemaV1 { try db.execute(sql: statement) }
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

  public func record(_ snapshot: ScoreSnapshot) throws -> RunInfo {
    // `BEGIN IMMEDIATE`: the write lock is taken (waiting for it) before anything is read, so two
    // recording processes never deadlock on upgrading a read lock.
    try queue.writeWithoutTransaction { db in
      var recorded: RunInfo?
      try db.inTransaction(.immediate) {
        recorded = try Self.insert(snapshot, into: db)
        return .commit
      }
      return recorded!
    }
  }

  /// Inserts one run with everything it holds, inside the caller's transaction.
  private static func insert(_ snapshot: ScoreSnapshot, into db: Database) throws -> RunInfo {
    try db.execute(
      sql: "INSERT INTO score_run (recorded_at, commit_sha, pack, tool_version) VALUES (?, ?, ?, ?)",
      arguments: [snapshot.recordedAt, snapshot.commit, snapshot.pack, snapshot.toolVersion])
    let id = db.lastInsertedRowID
    let entity = try db.makeStatement(
      sql: """
        INSERT INTO score_entity (run_id, scorecard, entity_id, name, owner, level, level_rank, passing_weight,
          applicable_weight) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    for e in snapshot.entities {
      try entity.execute(arguments: [
        id, e.scorecard, e.entity, e.name, e.owner, e.level, e.levelRank, e.passingWeight, e.applicableWeight,
      ])
    }
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
    return RunInfo(
      id: id, recordedAt: snapshot.recordedAt, commit: snapshot.commit, pack: snapshot.pack,
      toolVersion: snapshot.toolVersion)
  }

  public func runs() throws -> [RunInfo] {
    try queue.read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM score_run ORDER BY id").map(Self.runInfo)
    }
  }

  static func runInfo(_ row: Row) -> RunInfo {
    RunInfo(
      id: row["id"], recordedAt: row["recorded_at"], commit: row["commit_sha"], pack: row["pack"],
      toolVersion: row["tool_version"])
  }

  public func run(id: Int64) throws -> RecordedRun? {
    try queue.read { db in
      guard let header = try Row.fetchOne(db, sql: "SELECT * FROM score_run WHERE id = ?", arguments: [id]) else {
        return nil
      }
      let info = Self.runInfo(header)
      let entities = try Row.fetchAll(
        db, sql: "SELECT * FROM score_entity WHERE run_id = ? ORDER BY scorecard, entity_id", arguments: [id]
      ).map { row in
        ScoreSnapshot.EntityRecord(
          scorecard: row["scorecard"], entity: row["entity_id"], name: row["name"], owner: row["owner"],
          level: row["level"], levelRank: row["level_rank"], passingWeight: row["passing_weight"],
          applicableWeight: row["applicable_weight"])
      }
      let rules = try Row.fetchAll(
        db, sql: "SELECT * FROM score_rule WHERE run_id = ? ORDER BY scorecard, entity_id, rule_id", arguments: [id]
      ).map { row in
        ScoreSnapshot.RuleRecord(
          scorecard: row["scorecard"], entity: row["entity_id"], rule: row["rule_id"],
          state: ScoreState(rawValue: row["state"]) ?? .error)
      }
      let findings = try Row.fetchAll(
        db,
        sql: "SELECT * FROM score_finding WHERE run_id = ? ORDER BY scorecard, entity_id, rule_id, fingerprint",
        arguments: [id]
      ).map { row in
        ScoreSnapshot.FindingRecord(
          scorecard: row["scorecard"], entity: row["entity_id"], rule: row["rule_id"], fingerprint: row["fingerprint"],
          findingEntity: row["finding_entity"], verdict: row["verdict"], suppressed: (row["suppressed"] as Int) != 0,
          message: row["message"], location: row["location"])
      }
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
      let snapshot = ScoreSnapshot(
        recordedAt: info.recordedAt, commit: info.commit, pack: info.pack, toolVersion: info.toolVersion,
        entities: entities, rules: rules, findings: findings, rollups: rollups)
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

  public func series(scorecard: String, dimension: RollupDimension, key: String) throws -> [TrendPoint] {
    try queue.read { db in
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT r.id, r.recorded_at, r.commit_sha, u.entities, u.average_score
          FROM score_rollup u JOIN score_run r ON r.id = u.run_id
          WHERE u.scorecard = ? AND u.dimension = ? AND u.group_key = ?
          ORDER BY r.id
          """, arguments: [scorecard, dimension.rawValue, key])
      let levelRows = try Row.fetchAll(
        db,
        sql: """
          SELECT run_id, level, count FROM score_rollup_level
          WHERE scorecard = ? AND dimension = ? AND group_key = ? ORDER BY run_id, position
          """, arguments: [scorecard, dimension.rawValue, key])
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
