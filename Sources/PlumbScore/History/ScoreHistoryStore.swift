/// Where recorded runs are kept. The SQLite implementation (``SQLiteScoreHistoryStore``) is the
/// default; a shared PostgreSQL store implements the same four operations over the same tables
/// (docs/scorecards.md, "History").
public protocol ScoreHistoryStore: Sendable {
  /// Stores one run and returns it with its id. Ids grow with every run recorded.
  func record(_ snapshot: ScoreSnapshot) throws -> RunInfo
  /// Every recorded run, oldest (lowest id) first.
  func runs() throws -> [RunInfo]
  /// One run with everything recorded for it, nil when there is none with `id`.
  func run(id: Int64) throws -> RecordedRun?
  /// The roll-up of one group (`dimension`, `key`) of one scorecard, in every run that has it,
  /// oldest first.
  func series(scorecard: String, dimension: RollupDimension, key: String) throws -> [TrendPoint]
}

/// A recorded run's header.
public struct RunInfo: Sendable, Codable, Hashable {
  /// The run's id in its store.
  public var id: Int64
  /// When it ran (ISO 8601, UTC).
  public var recordedAt: String
  /// The commit scored (`git rev-parse HEAD`), if known.
  public var commit: String?
  /// The policy pack.
  public var pack: String?
  /// Plumb's version.
  public var toolVersion: String

  public init(id: Int64, recordedAt: String, commit: String?, pack: String?, toolVersion: String) {
    self.id = id
    self.recordedAt = recordedAt
    self.commit = commit
    self.pack = pack
    self.toolVersion = toolVersion
  }
}

/// A run as stored: its header and its snapshot.
public struct RecordedRun: Sendable, Codable, Hashable {
  public var info: RunInfo
  public var snapshot: ScoreSnapshot
}

/// One point of a trend: a group's roll-up in one run.
public struct TrendPoint: Sendable, Codable, Hashable {
  public var runID: Int64
  public var recordedAt: String
  public var commit: String?
  /// Scored entities in the group.
  public var entities: Int
  /// The group's average score, nil when no entity had a score.
  public var averageScore: Double?
  /// Entities per level (`none` last).
  public var levels: [LevelCount]
}

/// What a run records: per entity its level and score, per entity and rule its state, the
/// findings behind each state (by fingerprint), and every roll-up.
public struct ScoreSnapshot: Sendable, Codable, Hashable {
  /// One scored entity.
  public struct EntityRecord: Sendable, Codable, Hashable {
    public var scorecard: String
    public var entity: String
    public var name: String
    public var owner: String?
    /// nil: below the first level.
    public var level: String?
    /// 0 for the first level, -1 for none.
    public var levelRank: Int
    public var passingWeight: Int
    public var applicableWeight: Int

    public var score: Double? { applicableWeight == 0 ? nil : Double(passingWeight) / Double(applicableWeight) }
  }

  /// One rule's state for one scored entity.
  public struct RuleRecord: Sendable, Codable, Hashable {
    public var scorecard: String
    public var entity: String
    public var rule: String
    public var state: ScoreState
  }

  /// A finding behind a rule's state for a scored entity.
  public struct FindingRecord: Sendable, Codable, Hashable {
    public var scorecard: String
    /// The scored entity.
    public var entity: String
    public var rule: String
    public var fingerprint: String
    /// The entity the finding is on (the scored one or one linked to it).
    public var findingEntity: String
    public var verdict: String
    public var suppressed: Bool
    public var message: String
    public var location: String
  }

  /// One roll-up.
  public struct RollupRecord: Sendable, Codable, Hashable {
    public var scorecard: String
    public var dimension: RollupDimension
    public var key: String
    public var name: String
    public var entities: Int
    public var scored: Int
    public var scoreSum: Double
    public var averageScore: Double?
    public var levels: [LevelCount]
  }

  public var recordedAt: String
  public var commit: String?
  public var pack: String?
  public var toolVersion: String
  public var entities: [EntityRecord]
  public var rules: [RuleRecord]
  public var findings: [FindingRecord]
  public var rollups: [RollupRecord]

  /// Everything `report` holds that history keeps.
  public init(report: ScoreReport, recordedAt: String, commit: String?) {
    self.recordedAt = recordedAt
    self.commit = commit
    pack = report.pack
    toolVersion = report.toolVersion
    entities = []
    rules = []
    findings = []
    rollups = []
    for card in report.scorecards {
      let name = card.definition.name
      for entity in card.entities {
        entities.append(
          EntityRecord(
            scorecard: name, entity: entity.id, name: entity.name, owner: entity.owner, level: entity.level,
            levelRank: card.definition.rank(of: entity.level) ?? -1, passingWeight: entity.passingWeight,
            applicableWeight: entity.applicableWeight))
        for outcome in entity.rules {
          rules.append(RuleRecord(scorecard: name, entity: entity.id, rule: outcome.ruleID, state: outcome.state))
          var seen = Set<String>()
          for finding in outcome.findings where seen.insert(finding.fingerprint).inserted {
            findings.append(
              FindingRecord(
                scorecard: name, entity: entity.id, rule: outcome.ruleID, fingerprint: finding.fingerprint,
                findingEntity: finding.entity, verdict: finding.verdict, suppressed: finding.suppression != nil,
                message: finding.message, location: finding.location))
          }
        }
      }
      for rollup in card.rollups {
        rollups.append(
          RollupRecord(
            scorecard: name, dimension: rollup.dimension, key: rollup.key, name: rollup.name,
            entities: rollup.entities.count, scored: rollup.scored, scoreSum: rollup.scoreSum,
            averageScore: rollup.averageScore, levels: rollup.levels))
      }
    }
    normalize()
  }

  /// Records in the order stores return them: by scorecard, then entity, rule, fingerprint (and
  /// roll-ups by dimension name, then key).
  mutating func normalize() {
    entities.sort { ($0.scorecard, $0.entity) < ($1.scorecard, $1.entity) }
    rules.sort { ($0.scorecard, $0.entity, $0.rule) < ($1.scorecard, $1.entity, $1.rule) }
    findings.sort { ($0.scorecard, $0.entity, $0.rule, $0.fingerprint) < ($1.scorecard, $1.entity, $1.rule, $1.fingerprint) }
    rollups.sort {
      ($0.scorecard, $0.dimension.rawValue, $0.key) < ($1.scorecard, $1.dimension.rawValue, $1.key)
    }
  }

  /// A snapshot from stored parts (stores use this).
  public init(
    recordedAt: String, commit: String?, pack: String?, toolVersion: String, entities: [EntityRecord],
    rules: [RuleRecord], findings: [FindingRecord], rollups: [RollupRecord]
  ) {
    self.recordedAt = recordedAt
    self.commit = commit
    self.pack = pack
    self.toolVersion = toolVersion
    self.entities = entities
    self.rules = rules
    self.findings = findings
    self.rollups = rollups
  }
}

/// Problems reading or writing history.
public struct ScoreHistoryError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
