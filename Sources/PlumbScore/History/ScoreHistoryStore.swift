import PlumbReport

/// Where recorded runs are kept. The SQLite implementation (``SQLiteScoreHistoryStore``) is the
/// default; a shared PostgreSQL store implements the same four operations over the same tables
/// (docs/scorecards.md, "History").
public protocol ScoreHistoryStore: Sendable {
  /// Stores one run and returns it with its id. Ids grow with every run recorded.
  func record(_ snapshot: ScoreSnapshot) throws -> RunInfo
  /// The recorded runs of `repository` (nil: of every repository), oldest (lowest id) first.
  func runs(repository: RepositoryFilter) throws -> [RunInfo]
  /// One run with everything recorded for it, nil when there is none with `id`.
  func run(id: Int64) throws -> RecordedRun?
  /// The runs with `ids` (those that exist), in id order, without their findings unless
  /// `findings`: how `plumb org` reads the latest run of every repository in a few queries.
  func runs(ids: [Int64], findings: Bool) throws -> [RecordedRun]
  /// The roll-up of one group (`dimension`, `key`) of one scorecard, in every run of
  /// `repository` that has it, oldest first.
  func series(scorecard: String, dimension: RollupDimension, key: String, repository: RepositoryFilter) throws
    -> [TrendPoint]
  /// The roll-ups of `dimensions` in the runs with `ids` (no level counts): the organisation's
  /// trends sum them.
  func rollups(runIDs: [Int64], dimensions: [RollupDimension]) throws -> [Int64: [ScoreSnapshot.RollupRecord]]
}

/// Which repository's runs a history query reads.
public enum RepositoryFilter: Sendable, Hashable {
  /// Every repository's.
  case all
  /// Those recorded for this repository (`nil`: runs recorded before schema v2, which name none).
  case named(String?)
}

extension ScoreHistoryStore {
  /// Every recorded run of every repository, oldest first.
  public func runs() throws -> [RunInfo] { try runs(repository: .all) }
  /// A group's roll-up in every run of every repository, oldest first.
  public func series(scorecard: String, dimension: RollupDimension, key: String) throws -> [TrendPoint] {
    try series(scorecard: scorecard, dimension: dimension, key: key, repository: .all)
  }
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
  /// The repository recorded (nil: a run recorded before schema v2).
  public var repository: String?
  /// The branch scored, if known.
  public var branch: String?
  /// The repository's default branch, if known.
  public var defaultBranch: String?

  public init(
    id: Int64, recordedAt: String, commit: String?, pack: String?, toolVersion: String, repository: String? = nil,
    branch: String? = nil, defaultBranch: String? = nil
  ) {
    self.id = id
    self.recordedAt = recordedAt
    self.commit = commit
    self.pack = pack
    self.toolVersion = toolVersion
    self.repository = repository
    self.branch = branch
    self.defaultBranch = defaultBranch
  }

  /// The header of `snapshot` recorded as run `id`.
  public init(id: Int64, _ snapshot: ScoreSnapshot) {
    self.init(
      id: id, recordedAt: snapshot.recordedAt, commit: snapshot.commit, pack: snapshot.pack,
      toolVersion: snapshot.toolVersion, repository: snapshot.repository, branch: snapshot.branch,
      defaultBranch: snapshot.defaultBranch)
  }

  /// Whether the run was on its repository's default branch (true when either is unknown).
  public var isOnDefaultBranch: Bool {
    guard let branch, let defaultBranch else { return true }
    return branch == defaultBranch
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
    /// The entity's kind (`catalog.Component`; nil in runs recorded before schema v2).
    public var kind: String? = nil
    /// The System it is part of, if any (schema v2).
    public var system: String? = nil
    /// The Domain of that System, if any (schema v2).
    public var domain: String? = nil

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

  /// A team, department, system or domain the run's roll-ups name: its display name and, for a
  /// Group, its parent (schema v2). `plumb org` rolls up many repositories with them.
  public struct GroupRecord: Sendable, Codable, Hashable {
    public var id: String
    public var name: String
    public var parent: String?
  }

  /// A scorecard as the run knew it: its levels, rules and weights, and the rules' titles
  /// (schema v2).
  public struct ScorecardRecord: Sendable, Codable, Hashable {
    public var definition: ScorecardDefinition
    public var ruleTitles: [String: String]
  }

  public var recordedAt: String
  public var commit: String?
  public var pack: String?
  public var toolVersion: String
  /// The repository, branch and default branch (schema v2; nil in older runs).
  public var repository: String?
  public var branch: String?
  public var defaultBranch: String?
  public var entities: [EntityRecord]
  public var rules: [RuleRecord]
  public var findings: [FindingRecord]
  public var rollups: [RollupRecord]
  /// Group names and parents (schema v2; empty in older runs).
  public var groups: [GroupRecord] = []
  /// The scorecards' definitions (schema v2; empty in older runs).
  public var scorecards: [ScorecardRecord] = []

  /// Everything `report` holds that history keeps, for the run of `repository` (its name, branch
  /// and default branch; its commit is `commit`).
  public init(report: ScoreReport, recordedAt: String, commit: String?, repository: RepositoryIdentity? = nil) {
    self.recordedAt = recordedAt
    self.commit = commit
    self.repository = repository?.name
    branch = repository?.branch
    defaultBranch = repository?.defaultBranch
    pack = report.pack
    toolVersion = report.toolVersion
    entities = []
    rules = []
    findings = []
    rollups = []
    var groups: [String: GroupRecord] = [:]
    for card in report.scorecards {
      let name = card.definition.name
      let used = Set(card.definition.rules)
      scorecards.append(
        ScorecardRecord(definition: card.definition, ruleTitles: report.ruleTitles.filter { used.contains($0.key) }))
      for entity in card.entities {
        var record = EntityRecord(
          scorecard: name, entity: entity.id, name: entity.name, owner: entity.owner, level: entity.level,
          levelRank: card.definition.rank(of: entity.level) ?? -1, passingWeight: entity.passingWeight,
          applicableWeight: entity.applicableWeight)
        record.kind = entity.kind
        record.system = entity.system
        record.domain = entity.domain
        entities.append(record)
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
        if rollup.dimension != .organisation,
          ![Rollups.unowned, Rollups.noSystem, Rollups.noDomain].contains(rollup.key), groups[rollup.key] == nil
        {
          groups[rollup.key] = GroupRecord(id: rollup.key, name: rollup.name, parent: rollup.parent)
        }
        rollups.append(
          RollupRecord(
            scorecard: name, dimension: rollup.dimension, key: rollup.key, name: rollup.name,
            entities: rollup.entities.count, scored: rollup.scored, scoreSum: rollup.scoreSum,
            averageScore: rollup.averageScore, levels: rollup.levels))
      }
    }
    self.groups = groups.values.sorted { $0.id < $1.id }
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
    groups.sort { $0.id < $1.id }
    scorecards.sort { $0.definition.name < $1.definition.name }
  }

  /// A snapshot from stored parts (stores use this).
  public init(
    recordedAt: String, commit: String?, pack: String?, toolVersion: String, entities: [EntityRecord],
    rules: [RuleRecord], findings: [FindingRecord], rollups: [RollupRecord], repository: String? = nil,
    branch: String? = nil, defaultBranch: String? = nil, groups: [GroupRecord] = [], scorecards: [ScorecardRecord] = []
  ) {
    self.recordedAt = recordedAt
    self.commit = commit
    self.pack = pack
    self.toolVersion = toolVersion
    self.repository = repository
    self.branch = branch
    self.defaultBranch = defaultBranch
    self.groups = groups
    self.scorecards = scorecards
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
