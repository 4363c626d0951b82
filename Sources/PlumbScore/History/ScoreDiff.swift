/// What changed between two recorded runs: entities whose level changed (or that appeared or
/// left a scorecard), rules whose state changed, the findings that caused it (by fingerprint), and
/// the roll-ups whose average moved.
public struct ScoreDiff: Sendable, Codable, Hashable {
  /// An entity whose level changed, or that is only in one of the runs.
  public struct LevelChange: Sendable, Codable, Hashable {
    public var scorecard: String
    public var entity: String
    public var name: String
    public var owner: String?
    /// nil level: below the first level. `present` false: not scored in that run.
    public var from: String?
    public var to: String?
    public var fromPresent: Bool
    public var toPresent: Bool
    public var fromScore: Double?
    public var toScore: Double?

    /// Up, down, or in/out of the scorecard.
    public var direction: String {
      if !fromPresent { return "added" }
      if !toPresent { return "removed" }
      return fromRank < toRank ? "up" : "down"
    }
    /// Level ranks (0: first level, -1: none or absent).
    public var fromRank = -1
    public var toRank = -1
  }

  /// A rule whose state changed for an entity, and the findings behind the change.
  public struct RuleChange: Sendable, Codable, Hashable {
    public var scorecard: String
    public var entity: String
    public var rule: String
    public var from: ScoreState?
    public var to: ScoreState?
    /// Findings in the later run only (they caused a regression or a new waiver).
    public var appeared: [ScoreSnapshot.FindingRecord]
    /// Findings in the earlier run only (fixed, or their entity left).
    public var resolved: [ScoreSnapshot.FindingRecord]
    /// Findings in both runs whose suppression changed (waived or no longer waived).
    public var suppressionChanged: [ScoreSnapshot.FindingRecord]
  }

  /// A roll-up whose average score, entity count or level counts changed.
  public struct RollupChange: Sendable, Codable, Hashable {
    public var scorecard: String
    public var dimension: RollupDimension
    public var key: String
    public var name: String
    public var fromEntities: Int
    public var toEntities: Int
    public var fromAverage: Double?
    public var toAverage: Double?
    public var fromLevels: [LevelCount]
    public var toLevels: [LevelCount]
  }

  public var from: RunInfo
  public var to: RunInfo
  public var levelChanges: [LevelChange]
  public var ruleChanges: [RuleChange]
  public var rollupChanges: [RollupChange]

  /// Compares run `a` (earlier) with run `b` (later).
  public init(from a: RecordedRun, to b: RecordedRun) {
    from = a.info
    to = b.info
    func entityKey(_ scorecard: String, _ entity: String) -> String { scorecard + "\u{0}" + entity }
    let entitiesA = Dictionary(a.snapshot.entities.map { (entityKey($0.scorecard, $0.entity), $0) }) { x, _ in x }
    let entitiesB = Dictionary(b.snapshot.entities.map { (entityKey($0.scorecard, $0.entity), $0) }) { x, _ in x }
    var levels: [LevelChange] = []
    for key in Set(entitiesA.keys).union(entitiesB.keys).sorted() {
      let x = entitiesA[key]
      let y = entitiesB[key]
      guard let any = y ?? x else { continue }
      if let x, let y, x.levelRank == y.levelRank { continue }
      var change = LevelChange(
        scorecard: any.scorecard, entity: any.entity, name: any.name, owner: y?.owner ?? x?.owner, from: x?.level,
        to: y?.level, fromPresent: x != nil, toPresent: y != nil, fromScore: x?.score, toScore: y?.score)
      change.fromRank = x?.levelRank ?? -1
      change.toRank = y?.levelRank ?? -1
      levels.append(change)
    }
    levelChanges = levels

    func ruleKey(_ r: ScoreSnapshot.RuleRecord) -> String { [r.scorecard, r.entity, r.rule].joined(separator: "\u{0}") }
    func findingKey(_ f: ScoreSnapshot.FindingRecord) -> String {
      [f.scorecard, f.entity, f.rule].joined(separator: "\u{0}")
    }
    let rulesA = Dictionary(a.snapshot.rules.map { (ruleKey($0), $0) }) { x, _ in x }
    let rulesB = Dictionary(b.snapshot.rules.map { (ruleKey($0), $0) }) { x, _ in x }
    let findingsA = Dictionary(grouping: a.snapshot.findings, by: findingKey)
    let findingsB = Dictionary(grouping: b.snapshot.findings, by: findingKey)
    var rules: [RuleChange] = []
    for key in Set(rulesA.keys).union(rulesB.keys).sorted() {
      let x = rulesA[key]
      let y = rulesB[key]
      guard let any = y ?? x, x?.state != y?.state else { continue }
      let before = findingsA[key] ?? []
      let after = findingsB[key] ?? []
      let beforePrints = Dictionary(before.map { ($0.fingerprint, $0) }) { p, _ in p }
      let afterPrints = Set(after.map(\.fingerprint))
      rules.append(
        RuleChange(
          scorecard: any.scorecard, entity: any.entity, rule: any.rule, from: x?.state, to: y?.state,
          appeared: after.filter { beforePrints[$0.fingerprint] == nil },
          resolved: before.filter { !afterPrints.contains($0.fingerprint) },
          suppressionChanged: after.filter { f in beforePrints[f.fingerprint].map { $0.suppressed != f.suppressed } ?? false }
        ))
    }
    ruleChanges = rules

    func rollupKey(_ r: ScoreSnapshot.RollupRecord) -> String {
      [r.scorecard, r.dimension.rawValue, r.key].joined(separator: "\u{0}")
    }
    let rollupsA = Dictionary(a.snapshot.rollups.map { (rollupKey($0), $0) }) { x, _ in x }
    let rollupsB = Dictionary(b.snapshot.rollups.map { (rollupKey($0), $0) }) { x, _ in x }
    var rollups: [RollupChange] = []
    let order: [RollupDimension] = [.organisation, .department, .team, .system, .domain]
    let keys = Set(rollupsA.keys).union(rollupsB.keys).sorted { l, r in
      let x = (rollupsA[l] ?? rollupsB[l])!
      let y = (rollupsA[r] ?? rollupsB[r])!
      let dx = order.firstIndex(of: x.dimension) ?? order.startIndex
      let dy = order.firstIndex(of: y.dimension) ?? order.startIndex
      if x.scorecard != y.scorecard { return x.scorecard < y.scorecard }
      if dx != dy { return dx < dy }
      return x.key < y.key
    }
    for key in keys {
      let x = rollupsA[key]
      let y = rollupsB[key]
      guard let any = y ?? x else { continue }
      if let x, let y, x.entities == y.entities, x.averageScore == y.averageScore, x.levels == y.levels { continue }
      rollups.append(
        RollupChange(
          scorecard: any.scorecard, dimension: any.dimension, key: any.key, name: any.name,
          fromEntities: x?.entities ?? 0, toEntities: y?.entities ?? 0, fromAverage: x?.averageScore,
          toAverage: y?.averageScore, fromLevels: x?.levels ?? [], toLevels: y?.levels ?? []))
    }
    rollupChanges = rollups
  }

  /// Whether nothing changed.
  public var isEmpty: Bool { levelChanges.isEmpty && ruleChanges.isEmpty && rollupChanges.isEmpty }
}
