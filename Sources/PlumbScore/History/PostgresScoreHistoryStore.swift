import Foundation
import PostgresNIO

/// Score history in a shared PostgreSQL database (through PostgresNIO), so the CI jobs of many
/// repositories record into one place and the dashboard, trends and diff read it
/// (docs/scorecards.md, "Recording to PostgreSQL").
///
/// **Same data as SQLite.** The tables, columns, keys, ordering and queries mirror
/// ``SQLiteScoreHistoryStore`` (schema `v1`): `BIGSERIAL` for the run id, `BIGINT` for integers,
/// `DOUBLE PRECISION` for reals, and `COLLATE "C"` on the text the stores sort by, so rows come
/// back in byte order whatever the database's locale (as SQLite's BINARY collation and the
/// snapshot's own sort).
///
/// **Schema on first use.** `plumb_schema_migrations` lists the applied versions (GRDB's
/// `grdb_migrations` plays that part in SQLite). When it already lists every version, opening runs
/// no DDL (a role with only SELECT and INSERT can use the store). Otherwise one transaction takes a
/// transaction-level advisory lock (``migrationLockKey``), so two CI jobs starting on an empty
/// database at once do not race on `CREATE TABLE IF NOT EXISTS`: the second waits, then sees the
/// tables and the version row.
///
/// **Recording.** One statement per run (``RecordStatement``: every table's rows as arrays,
/// `unnest`ed into data-modifying CTEs), so one round trip and one implicit transaction, which
/// first takes the advisory lock ``recordLockKey`` and only then draws the run's id: runs are
/// committed one at a time across every process, so ids (from the `BIGSERIAL`) grow in the order
/// runs are committed and a reader never sees run n+1 without run n, nor part of a run. The lock
/// is held while the server inserts and commits, never across a round trip to a client (a
/// transaction of several statements held it while each writer, waiting for a CPU among many,
/// sent its next one). A run that fails rolls back whole (its id is then skipped: ids grow, but
/// may have gaps).
///
/// **Synchronous bridge.** ``ScoreHistoryStore`` is synchronous. Each store owns one connection on
/// its own single-thread `MultiThreadedEventLoopGroup` and blocks the calling thread on
/// `EventLoopFuture.wait()`. No Swift concurrency task is involved, so a caller on a
/// cooperative-pool thread (a synchronous Swift Testing test, say) cannot starve the work it
/// waits for, and the caller is never the event loop's own thread. Operations on one store are
/// serialized by a lock (a transaction owns the connection); use one store per thread for
/// parallelism. Connecting (TCP, TLS, authentication) is bounded by `connect_timeout` (default
/// 10 s).
public final class PostgresScoreHistoryStore: ScoreHistoryStore {
  /// Where the store is.
  public let url: PostgresHistoryURL
  private let group: MultiThreadedEventLoopGroup
  private let connection: PostgresConnection
  private let logger: Logger
  private let lock = NSLock()

  /// Serializes schema creation across processes (`pg_advisory_xact_lock`): "plumbSCH".
  public static let migrationLockKey: Int64 = 0x706C_756D_6253_4348
  /// Serializes recording across processes, so ids grow in commit order: "plumbRUN".
  public static let recordLockKey: Int64 = 0x706C_756D_6252_554E

  /// Connects to `url` and creates the schema if it is missing or behind.
  public init(url: PostgresHistoryURL) throws {
    self.url = url
    var logger = Logger(label: "plumb.score-history")
    logger.logLevel = .critical
    self.logger = logger
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    self.group = group
    do {
      connection = try Self.connect(url, on: group.next(), logger: logger)
    } catch {
      try? group.syncShutdownGracefully()
      throw error
    }
    // From here on, a throw runs deinit, which closes the connection.
    try lock.withLock { try migrate() }
  }

  deinit {
    _ = try? connection.close().wait()
    try? group.syncShutdownGracefully()
  }

  // MARK: Schema

  /// The migrations, in order. Never edit a shipped one: add the next.
  static let migrations: [(identifier: String, statements: [String])] = [("v1", schemaV1), ("v2", schemaV2)]

  /// Schema version 2: ``SQLiteScoreHistoryStore/schemaV2`` in PostgreSQL's types (a v1 database
  /// is migrated in place; its runs name no repository).
  public static let schemaV2 = [
    "ALTER TABLE score_run ADD COLUMN IF NOT EXISTS repository TEXT COLLATE \"C\"",
    "ALTER TABLE score_run ADD COLUMN IF NOT EXISTS branch TEXT",
    "ALTER TABLE score_run ADD COLUMN IF NOT EXISTS default_branch TEXT",
    "CREATE INDEX IF NOT EXISTS score_run_repository ON score_run (repository, id)",
    "ALTER TABLE score_entity ADD COLUMN IF NOT EXISTS kind TEXT",
    "ALTER TABLE score_entity ADD COLUMN IF NOT EXISTS system_id TEXT",
    "ALTER TABLE score_entity ADD COLUMN IF NOT EXISTS domain_id TEXT",
    """
    CREATE TABLE IF NOT EXISTS score_group (
      run_id BIGINT NOT NULL REFERENCES score_run(id) ON DELETE CASCADE,
      group_id TEXT COLLATE "C" NOT NULL,
      name TEXT NOT NULL,
      parent_id TEXT,
      PRIMARY KEY (run_id, group_id)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS score_scorecard (
      run_id BIGINT NOT NULL REFERENCES score_run(id) ON DELETE CASCADE,
      scorecard TEXT COLLATE "C" NOT NULL,
      definition TEXT NOT NULL,
      PRIMARY KEY (run_id, scorecard)
    )
    """,
  ]

  /// Schema version 1: ``SQLiteScoreHistoryStore/schemaV1`` in PostgreSQL's types.
  public static let schemaV1 = [
    """
    CREATE TABLE IF NOT EXISTS score_run (
      id BIGSERIAL PRIMARY KEY,
      recorded_at TEXT NOT NULL,
      commit_sha TEXT,
      pack TEXT,
      tool_version TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS score_entity (
      run_id BIGINT NOT NULL REFERENCES score_run(id) ON DELETE CASCADE,
      scorecard TEXT COLLATE "C" NOT NULL,
      entity_id TEXT COLLATE "C" NOT NULL,
      name TEXT NOT NULL,
      owner TEXT,
      level TEXT,
      level_rank BIGINT NOT NULL,
      passing_weight BIGINT NOT NULL,
      applicable_weight BIGINT NOT NULL,
      PRIMARY KEY (run_id, scorecard, entity_id)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS score_rule (
      run_id BIGINT NOT NULL REFERENCES score_run(id) ON DELETE CASCADE,
      scorecard TEXT COLLATE "C" NOT NULL,
      entity_id TEXT COLLATE "C" NOT NULL,
      rule_id TEXT COLLATE "C" NOT NULL,
      state TEXT NOT NULL,
      PRIMARY KEY (run_id, scorecard, entity_id, rule_id)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS score_finding (
      run_id BIGINT NOT NULL REFERENCES score_run(id) ON DELETE CASCADE,
      scorecard TEXT COLLATE "C" NOT NULL,
      entity_id TEXT COLLATE "C" NOT NULL,
      rule_id TEXT COLLATE "C" NOT NULL,
      fingerprint TEXT COLLATE "C" NOT NULL,
      finding_entity TEXT NOT NULL,
      verdict TEXT NOT NULL,
      suppressed BIGINT NOT NULL,
      message TEXT NOT NULL,
      location TEXT NOT NULL,
      PRIMARY KEY (run_id, scorecard, entity_id, rule_id, fingerprint)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS score_rollup (
      run_id BIGINT NOT NULL REFERENCES score_run(id) ON DELETE CASCADE,
      scorecard TEXT COLLATE "C" NOT NULL,
      dimension TEXT COLLATE "C" NOT NULL,
      group_key TEXT COLLATE "C" NOT NULL,
      name TEXT NOT NULL,
      entities BIGINT NOT NULL,
      scored BIGINT NOT NULL,
      score_sum DOUBLE PRECISION NOT NULL,
      average_score DOUBLE PRECISION,
      PRIMARY KEY (run_id, scorecard, dimension, group_key)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS score_rollup_level (
      run_id BIGINT NOT NULL REFERENCES score_run(id) ON DELETE CASCADE,
      scorecard TEXT COLLATE "C" NOT NULL,
      dimension TEXT COLLATE "C" NOT NULL,
      group_key TEXT COLLATE "C" NOT NULL,
      position BIGINT NOT NULL,
      level TEXT NOT NULL,
      count BIGINT NOT NULL,
      PRIMARY KEY (run_id, scorecard, dimension, group_key, position)
    )
    """,
    "CREATE INDEX IF NOT EXISTS score_rollup_series ON score_rollup (scorecard, dimension, group_key, run_id)",
  ]

  /// The applied migrations, empty when the version table does not exist.
  private func appliedMigrations() throws -> Set<String> {
    let exists = try rows("SELECT to_regclass('plumb_schema_migrations') IS NOT NULL")
    guard try exists.first?.decode(Bool.self) == true else { return [] }
    return Set(try rows("SELECT identifier FROM plumb_schema_migrations").map { try $0.decode(String.self) })
  }

  private func migrate() throws {
    if Set(Self.migrations.map(\.identifier)).isSubset(of: try appliedMigrations()) { return }
    try transaction {
      try execute("SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))")
      try execute(
        """
        CREATE TABLE IF NOT EXISTS plumb_schema_migrations (
          identifier TEXT PRIMARY KEY,
          applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )
        """)
      // Read again under the lock: another process may have just done the work.
      let applied = try appliedMigrations()
      for migration in Self.migrations where !applied.contains(migration.identifier) {
        for statement in migration.statements { try execute(PostgresQuery(unsafeSQL: statement)) }
        try execute("INSERT INTO plumb_schema_migrations (identifier) VALUES (\(migration.identifier))")
      }
    }
  }

  // MARK: ScoreHistoryStore

  public func record(_ snapshot: ScoreSnapshot) throws -> RunInfo {
    let cards = try snapshot.scorecards.map { ($0.definition.name, try HistoryCoding.encode($0)) }
    var statement = RecordStatement()
    let run = statement.values([
      .text([snapshot.recordedAt]), .optionalText([snapshot.commit]), .optionalText([snapshot.pack]),
      .text([snapshot.toolVersion]), .optionalText([snapshot.repository]), .optionalText([snapshot.branch]),
      .optionalText([snapshot.defaultBranch]),
    ])
    let entities = snapshot.entities
    let rules = snapshot.rules
    let findings = snapshot.findings
    let rollups = snapshot.rollups
    let levels = rollups.flatMap { r in r.levels.enumerated().map { (r, $0.offset, $0.element) } }
    let tables = [
      statement.insert(
        "score_entity (run_id, scorecard, entity_id, name, owner, level, level_rank, passing_weight, applicable_weight, kind, system_id, domain_id)",
        [
          .text(entities.map(\.scorecard)), .text(entities.map(\.entity)), .text(entities.map(\.name)),
          .optionalText(entities.map(\.owner)), .optionalText(entities.map(\.level)), .integer(entities.map(\.levelRank)),
          .integer(entities.map(\.passingWeight)), .integer(entities.map(\.applicableWeight)),
          .optionalText(entities.map(\.kind)), .optionalText(entities.map(\.system)), .optionalText(entities.map(\.domain)),
        ]),
      statement.insert(
        "score_group (run_id, group_id, name, parent_id)",
        [
          .text(snapshot.groups.map(\.id)), .text(snapshot.groups.map(\.name)), .optionalText(snapshot.groups.map(\.parent)),
        ], onConflictDoNothing: true),
      statement.insert(
        "score_scorecard (run_id, scorecard, definition)", [.text(cards.map { $0.0 }), .text(cards.map { $0.1 })],
        onConflictDoNothing: true),
      statement.insert(
        "score_rule (run_id, scorecard, entity_id, rule_id, state)",
        [.text(rules.map(\.scorecard)), .text(rules.map(\.entity)), .text(rules.map(\.rule)), .text(rules.map(\.state.rawValue))]),
      // ON CONFLICT DO NOTHING: as SQLite's INSERT OR IGNORE (one row per fingerprint).
      statement.insert(
        "score_finding (run_id, scorecard, entity_id, rule_id, fingerprint, finding_entity, verdict, suppressed, message, location)",
        [
          .text(findings.map(\.scorecard)), .text(findings.map(\.entity)), .text(findings.map(\.rule)),
          .text(findings.map(\.fingerprint)), .text(findings.map(\.findingEntity)), .text(findings.map(\.verdict)),
          .integer(findings.map { $0.suppressed ? 1 : 0 }), .text(findings.map(\.message)), .text(findings.map(\.location)),
        ], onConflictDoNothing: true),
      statement.insert(
        "score_rollup (run_id, scorecard, dimension, group_key, name, entities, scored, score_sum, average_score)",
        [
          .text(rollups.map(\.scorecard)), .text(rollups.map(\.dimension.rawValue)), .text(rollups.map(\.key)),
          .text(rollups.map(\.name)), .integer(rollups.map(\.entities)), .integer(rollups.map(\.scored)),
          .real(rollups.map(\.scoreSum)), .optionalReal(rollups.map(\.averageScore)),
        ]),
      statement.insert(
        "score_rollup_level (run_id, scorecard, dimension, group_key, position, level, count)",
        [
          .text(levels.map { $0.0.scorecard }), .text(levels.map { $0.0.dimension.rawValue }), .text(levels.map { $0.0.key }),
          .integer(levels.map { $0.1 }), .text(levels.map { $0.2.level }), .integer(levels.map { $0.2.count }),
        ]),
    ]
    // One statement, so one round trip and one implicit transaction: the advisory lock is taken
    // (in `lock`, which the run's INSERT reads from, so before its id is drawn from the sequence)
    // and held only while the server inserts the rows and commits, never while the client sends.
    let sql = """
      WITH lock AS (SELECT pg_advisory_xact_lock(\(Self.recordLockKey))),
      run AS (
        INSERT INTO score_run (recorded_at, commit_sha, pack, tool_version, repository, branch, default_branch)
        SELECT \(run.select) FROM lock, \(run.from) RETURNING id
      ),
      \(tables.enumerated().map { "t\($0.offset) AS (\($0.element))" }.joined(separator: ",\n"))
      SELECT id FROM run
      """
    return try lock.withLock {
      let inserted = try rows(PostgresQuery(unsafeSQL: sql, binds: statement.binds))
      guard let id = try inserted.first?.decode(Int64.self) else {
        throw ScoreHistoryError("the server returned no id for the new run")
      }
      return RunInfo(id: id, snapshot)
    }
  }

  /// The columns ``runInfo(_:)`` reads, in order.
  private static let runColumns = "id, recorded_at, commit_sha, pack, tool_version, repository, branch, default_branch"

  public func runs(repository: RepositoryFilter) throws -> [RunInfo] {
    try lock.withLock {
      switch repository {
      case .all:
        return try rows(PostgresQuery(unsafeSQL: "SELECT \(Self.runColumns) FROM score_run ORDER BY id")).map(
          Self.runInfo)
      case .named(let name?):
        var binds = PostgresBindings()
        binds.append(name)
        return try rows(
          PostgresQuery(
            unsafeSQL: "SELECT \(Self.runColumns) FROM score_run WHERE repository = $1 ORDER BY id", binds: binds)
        ).map(Self.runInfo)
      case .named(nil):
        return try rows(
          PostgresQuery(unsafeSQL: "SELECT \(Self.runColumns) FROM score_run WHERE repository IS NULL ORDER BY id")
        ).map(Self.runInfo)
      }
    }
  }

  private static func runInfo(_ row: PostgresRow) throws -> RunInfo {
    let (id, recordedAt, commit, pack, toolVersion, repository, branch, defaultBranch) = try row.decode(
      (Int64, String, String?, String?, String, String?, String?, String?).self)
    return RunInfo(
      id: id, recordedAt: recordedAt, commit: commit, pack: pack, toolVersion: toolVersion, repository: repository,
      branch: branch, defaultBranch: defaultBranch)
  }

  public func runs(ids: [Int64], findings withFindings: Bool) throws -> [RecordedRun] {
    let wanted = Array(Set(ids)).sorted()
    guard !wanted.isEmpty else { return [] }
    return try lock.withLock {
      try transaction(readOnly: true) { try readParts(wanted, findings: withFindings).assembled() }
    }
  }

  /// Everything but roll-ups of the runs `ids`, one query per table (`run_id = ANY($1)`).
  private func readParts(_ ids: [Int64], findings withFindings: Bool) throws -> HistoryRunParts {
    var parts = HistoryRunParts()
    func query(_ sql: String) -> PostgresQuery {
      var binds = PostgresBindings()
      binds.append(ids)
      return PostgresQuery(unsafeSQL: sql, binds: binds)
    }
    parts.infos = try rows(query("SELECT \(Self.runColumns) FROM score_run WHERE id = ANY($1)")).map(Self.runInfo)
    for row in try rows(
      query(
        """
        SELECT run_id, scorecard, entity_id, name, owner, level, level_rank, passing_weight, applicable_weight, kind,
          system_id, domain_id
        FROM score_entity WHERE run_id = ANY($1) ORDER BY run_id, scorecard, entity_id
        """))
    {
      let (runID, scorecard, entity, name, owner, level, rank, passing, applicable, kind, system, domain) =
        try row.decode((Int64, String, String, String, String?, String?, Int, Int, Int, String?, String?, String?).self)
      var record = ScoreSnapshot.EntityRecord(
        scorecard: scorecard, entity: entity, name: name, owner: owner, level: level, levelRank: rank,
        passingWeight: passing, applicableWeight: applicable)
      record.kind = kind
      record.system = system
      record.domain = domain
      parts.entities[runID, default: []].append(record)
    }
    for row in try rows(
      query(
        "SELECT run_id, scorecard, entity_id, rule_id, state FROM score_rule WHERE run_id = ANY($1) ORDER BY run_id, scorecard, entity_id, rule_id"
      ))
    {
      let (runID, scorecard, entity, rule, state) = try row.decode((Int64, String, String, String, String).self)
      parts.rules[runID, default: []].append(
        ScoreSnapshot.RuleRecord(
          scorecard: scorecard, entity: entity, rule: rule, state: ScoreState(rawValue: state) ?? .error))
    }
    if withFindings {
      for row in try rows(
        query(
          """
          SELECT run_id, scorecard, entity_id, rule_id, fingerprint, finding_entity, verdict, suppressed, message, location
          FROM score_finding WHERE run_id = ANY($1) ORDER BY run_id, scorecard, entity_id, rule_id, fingerprint
          """))
      {
        let (runID, scorecard, entity, rule, fingerprint, findingEntity, verdict, suppressed, message, location) =
          try row.decode((Int64, String, String, String, String, String, String, Int, String, String).self)
        parts.findings[runID, default: []].append(
          ScoreSnapshot.FindingRecord(
            scorecard: scorecard, entity: entity, rule: rule, fingerprint: fingerprint, findingEntity: findingEntity,
            verdict: verdict, suppressed: suppressed != 0, message: message, location: location))
      }
    }
    for row in try rows(
      query("SELECT run_id, group_id, name, parent_id FROM score_group WHERE run_id = ANY($1) ORDER BY run_id, group_id"))
    {
      let (runID, id, name, parent) = try row.decode((Int64, String, String, String?).self)
      parts.groups[runID, default: []].append(ScoreSnapshot.GroupRecord(id: id, name: name, parent: parent))
    }
    for row in try rows(
      query("SELECT run_id, definition FROM score_scorecard WHERE run_id = ANY($1) ORDER BY run_id, scorecard"))
    {
      let (runID, text) = try row.decode((Int64, String).self)
      parts.scorecards[runID, default: []].append(try HistoryCoding.decodeScorecard(text))
    }
    return parts
  }

  public func rollups(runIDs: [Int64], dimensions: [RollupDimension]) throws -> [Int64: [ScoreSnapshot.RollupRecord]] {
    let wanted = Array(Set(runIDs)).sorted()
    guard !wanted.isEmpty, !dimensions.isEmpty else { return [:] }
    return try lock.withLock {
      var binds = PostgresBindings()
      binds.append(wanted)
      binds.append(dimensions.map(\.rawValue))
      var result: [Int64: [ScoreSnapshot.RollupRecord]] = [:]
      for row in try rows(
        PostgresQuery(
          unsafeSQL: """
            SELECT run_id, scorecard, dimension, group_key, name, entities, scored, score_sum, average_score
            FROM score_rollup WHERE run_id = ANY($1) AND dimension = ANY($2)
            ORDER BY run_id, scorecard, dimension, group_key
            """, binds: binds))
      {
        let (runID, scorecard, dimensionName, key, name, entities, scored, scoreSum, average) = try row.decode(
          (Int64, String, String, String, String, Int, Int, Double, Double?).self)
        guard let dimension = RollupDimension(rawValue: dimensionName) else { continue }
        result[runID, default: []].append(
          ScoreSnapshot.RollupRecord(
            scorecard: scorecard, dimension: dimension, key: key, name: name, entities: entities, scored: scored,
            scoreSum: scoreSum, averageScore: average, levels: []))
      }
      return result
    }
  }

  public func run(id: Int64) throws -> RecordedRun? {
    try lock.withLock {
      try transaction(readOnly: true) {
        guard let base = try readParts([id], findings: true).assembled().first else { return nil }
        let info = base.info
        let entities = base.snapshot.entities
        let rules = base.snapshot.rules
        let findings = base.snapshot.findings
        var levels: [[String]: [LevelCount]] = [:]
        for row in try rows(
          """
          SELECT scorecard, dimension, group_key, level, count FROM score_rollup_level WHERE run_id = \(id)
          ORDER BY scorecard, dimension, group_key, position
          """)
        {
          let (scorecard, dimension, key, level, count) = try row.decode((String, String, String, String, Int).self)
          levels[[scorecard, dimension, key], default: []].append(LevelCount(level: level, count: count))
        }
        let rollups = try rows(
          """
          SELECT scorecard, dimension, group_key, name, entities, scored, score_sum, average_score
          FROM score_rollup WHERE run_id = \(id) ORDER BY scorecard, dimension, group_key
          """
        ).compactMap { row -> ScoreSnapshot.RollupRecord? in
          let (scorecard, dimensionName, key, name, entities, scored, scoreSum, average) = try row.decode(
            (String, String, String, String, Int, Int, Double, Double?).self)
          guard let dimension = RollupDimension(rawValue: dimensionName) else { return nil }
          return ScoreSnapshot.RollupRecord(
            scorecard: scorecard, dimension: dimension, key: key, name: name, entities: entities, scored: scored,
            scoreSum: scoreSum, averageScore: average, levels: levels[[scorecard, dimensionName, key]] ?? [])
        }
        var snapshot = base.snapshot
        snapshot.entities = entities
        snapshot.rules = rules
        snapshot.findings = findings
        snapshot.rollups = rollups
        return RecordedRun(info: info, snapshot: snapshot)
      }
    }
  }

  public func series(scorecard: String, dimension: RollupDimension, key: String, repository: RepositoryFilter) throws
    -> [TrendPoint]
  {
    // $4: whether to filter by repository; $5: the repository (NULL: runs that name none).
    let filtered: Bool
    let name: String?
    switch repository {
    case .all: (filtered, name) = (false, nil)
    case .named(let given): (filtered, name) = (true, given)
    }
    func query(_ sql: String) -> PostgresQuery {
      var binds = PostgresBindings()
      binds.append(scorecard)
      binds.append(dimension.rawValue)
      binds.append(key)
      binds.append(filtered)
      binds.append(name)
      return PostgresQuery(unsafeSQL: sql, binds: binds)
    }
    let runFilter = "(NOT $4::boolean OR r.repository IS NOT DISTINCT FROM $5::text)"
    return try lock.withLock {
      try transaction(readOnly: true) {
        let points = try rows(
          query(
            """
            SELECT r.id, r.recorded_at, r.commit_sha, u.entities, u.average_score
            FROM score_rollup u JOIN score_run r ON r.id = u.run_id
            WHERE u.scorecard = $1 AND u.dimension = $2 AND u.group_key = $3 AND \(runFilter)
            ORDER BY r.id
            """))
        var levels: [Int64: [LevelCount]] = [:]
        for row in try rows(
          query(
            """
            SELECT l.run_id, l.level, l.count FROM score_rollup_level l JOIN score_run r ON r.id = l.run_id
            WHERE l.scorecard = $1 AND l.dimension = $2 AND l.group_key = $3 AND \(runFilter)
            ORDER BY l.run_id, l.position
            """))
        {
          let (runID, level, count) = try row.decode((Int64, String, Int).self)
          levels[runID, default: []].append(LevelCount(level: level, count: count))
        }
        return try points.map { row in
          let (id, recordedAt, commit, entities, average) = try row.decode((Int64, String, String?, Int, Double?).self)
          return TrendPoint(
            runID: id, recordedAt: recordedAt, commit: commit, entities: entities, averageScore: average,
            levels: levels[id] ?? [])
        }
      }
    }
  }

  // MARK: Talking to the server

  /// Connects, bounded by the URL's `connect_timeout` from the first packet to the end of
  /// authentication.
  private static func connect(_ url: PostgresHistoryURL, on eventLoop: any EventLoop, logger: Logger) throws
    -> PostgresConnection
  {
    var configuration: PostgresConnection.Configuration
    if let socket = url.socketPath {
      configuration = .init(unixSocketPath: socket, username: url.user, password: url.password, database: url.database)
    } else {
      configuration = .init(
        host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
        tls: try tls(url.sslMode))
    }
    let timeout = TimeAmount.seconds(Int64(url.connectTimeout))
    configuration.options.connectTimeout = timeout
    let future = PostgresConnection.connect(on: eventLoop, configuration: configuration, id: 1, logger: logger)
    // The bootstrap's timeout covers the TCP connection only; a peer that accepts and then says
    // nothing must not hang the run either.
    let promise = eventLoop.makePromise(of: PostgresConnection.self)
    future.cascade(to: promise)
    let timedOut = ScoreHistoryError(
      "no answer from \(place(url)) within \(url.connectTimeout) s (connect_timeout)")
    let deadline = NIODeadline.now() + timeout
    let timer = eventLoop.scheduleTask(deadline: deadline) { promise.fail(timedOut) }
    defer { timer.cancel() }
    do {
      return try promise.futureResult.wait()
    } catch {
      // The bootstrap's own timeout, or a peer that dropped the half-open connection at the
      // deadline, surface as other errors: past the deadline, say what the user set.
      if NIODeadline.now() >= deadline { throw timedOut }
      throw Self.describe(error, url: url)
    }
  }

  private static func tls(_ mode: PostgresHistoryURL.SSLMode) throws -> PostgresConnection.Configuration.TLS {
    switch mode {
    case .disable:
      return .disable
    case .prefer, .require:
      // libpq's prefer and require encrypt without verifying the certificate.
      var configuration = TLSConfiguration.makeClientConfiguration()
      configuration.certificateVerification = .none
      let context = try NIOSSLContext(configuration: configuration)
      return mode == .prefer ? .prefer(context) : .require(context)
    case .verifyFull:
      return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
    }
  }

  /// A plain message for `error`: PostgresNIO's errors hide everything in their description
  /// (so as not to leak data); this names what went wrong, never the password.
  static func describe(_ error: any Error, url: PostgresHistoryURL) -> ScoreHistoryError {
    if let error = error as? ScoreHistoryError { return error }
    guard let error = error as? PSQLError else { return ScoreHistoryError("\(error)") }
    let place = Self.place(url)
    switch error.code {
    case .server:
      let message = error.serverInfo?[.message] ?? "unknown error"
      let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
      let detail = error.serverInfo?[.detail].map { ": \($0)" } ?? ""
      return ScoreHistoryError("PostgreSQL error: \(message)\(detail)\(state)")
    case .connectionError:
      return ScoreHistoryError("cannot connect to \(place): \(underlying(error.underlying))")
    case .authMechanismRequiresPassword:
      return ScoreHistoryError(
        "the server at \(place) asks for a password: give it in the URL or in PGPASSWORD")
    case .sslUnsupported:
      return ScoreHistoryError("the server at \(place) does not offer TLS (sslmode=\(url.sslMode.rawValue))")
    case .failedToAddSSLHandler:
      return ScoreHistoryError("TLS with \(place) failed: \(underlying(error.underlying))")
    case .serverClosedConnection, .uncleanShutdown, .clientClosedConnection:
      let why = error.underlying.map { ": \(underlying($0))" } ?? ""
      return ScoreHistoryError("the connection to \(place) was closed\(why)")
    case .unsupportedAuthMechanism:
      return ScoreHistoryError("the server at \(place) asks for an authentication method PostgresNIO does not support")
    default:
      let why = error.underlying.map { ": \(underlying($0))" } ?? ""
      return ScoreHistoryError("PostgreSQL client error (\(error.code))\(why)")
    }
  }

  /// The server as named in messages.
  private static func place(_ url: PostgresHistoryURL) -> String {
    url.isUnixSocket ? "socket \(url.socketPath ?? url.host)" : "\(url.host):\(url.port)"
  }

  /// The useful part of a connection error.
  private static func underlying(_ error: (any Error)?) -> String {
    guard let error else { return "unknown error" }
    if let failure = error as? NIOConnectionError {
      if let first = failure.connectionErrors.first { return underlying(first.error) }
      if let dns = failure.dnsAError ?? failure.dnsAAAAError { return "cannot resolve host: \(dns)" }
      return "no address for the host"
    }
    if let error = error as? ChannelError, case .connectTimeout = error { return "connection timed out" }
    if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
    return "\(error)"
  }

  private func execute(_ query: PostgresQuery) throws {
    _ = try rows(query)
  }

  private func rows(_ query: PostgresQuery) throws -> [PostgresRow] {
    do {
      return try connection.query(query, logger: logger).wait().rows
    } catch {
      throw Self.describe(error, url: url)
    }
  }

  /// `body` in a transaction: committed when it returns, rolled back when it throws.
  private func transaction<T>(readOnly: Bool = false, _ body: () throws -> T) throws -> T {
    try execute(readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN")
    do {
      let result = try body()
      try execute("COMMIT")
      return result
    } catch {
      _ = try? execute("ROLLBACK")
      throw error
    }
  }
}

/// The parameters of a run's one recording statement: every table's rows bound as one array per
/// column and read back with `unnest`, so a run of any size is one statement of a fixed text
/// (PostgreSQL's 65,535-parameter limit never applies) and one round trip.
struct RecordStatement {
  /// A column's values. PostgresNIO binds no arrays of optionals, so a column that may be NULL is
  /// two arrays: the values ("" for NULL) and whether each is NULL.
  enum Column {
    case text([String])
    case optionalText([String?])
    case integer([Int])
    case real([Double])
    case optionalReal([Double?])
  }

  private(set) var binds = PostgresBindings()
  private var count = 0

  /// `$n::type`, after binding `values`.
  private mutating func parameter<T: PostgresArrayEncodable & PostgresNonThrowingEncodable>(_ values: [T], _ type: String) -> String {
    binds.append(values)
    count += 1
    return "$\(count)::\(type)[]"
  }

  /// The select list and the `unnest(…) AS alias(…)` of `columns`, whose arrays are equally long.
  mutating func values(_ columns: [Column], alias: String = "u") -> (select: String, from: String) {
    var arrays: [String] = []
    var names: [String] = []
    var selected: [String] = []
    for (index, column) in columns.enumerated() {
      let name = "c\(index)"
      func nullable() {
        names += [name, name + "n"]
        selected.append("CASE WHEN \(alias).\(name)n THEN NULL ELSE \(alias).\(name) END")
      }
      switch column {
      case .text(let values):
        arrays.append(parameter(values, "text"))
        names.append(name)
        selected.append("\(alias).\(name)")
      case .integer(let values):
        arrays.append(parameter(values.map(Int64.init), "int8"))
        names.append(name)
        selected.append("\(alias).\(name)")
      case .real(let values):
        arrays.append(parameter(values, "float8"))
        names.append(name)
        selected.append("\(alias).\(name)")
      case .optionalText(let values):
        arrays.append(parameter(values.map { $0 ?? "" }, "text"))
        arrays.append(parameter(values.map { $0 == nil }, "bool"))
        nullable()
      case .optionalReal(let values):
        arrays.append(parameter(values.map { $0 ?? 0 }, "float8"))
        arrays.append(parameter(values.map { $0 == nil }, "bool"))
        nullable()
      }
    }
    return (selected.joined(separator: ", "), "unnest(\(arrays.joined(separator: ", "))) AS \(alias)(\(names.joined(separator: ", ")))")
  }

  /// `INSERT INTO head SELECT run.id, … FROM run, unnest(…)`: the rows of `columns` for the run.
  mutating func insert(_ head: String, _ columns: [Column], onConflictDoNothing: Bool = false) -> String {
    let rows = values(columns)
    return "INSERT INTO \(head) SELECT run.id, \(rows.select) FROM run, \(rows.from)"
      + (onConflictDoNothing ? " ON CONFLICT DO NOTHING" : "")
  }
}
