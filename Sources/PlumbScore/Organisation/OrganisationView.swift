import Foundation

/// What `plumb org` is asked for: which runs make up the organisation, when "now" is, what is stale.
public struct OrganisationQuery: Sendable {
  /// Which branch's runs count.
  public enum Branch: Sendable, Hashable, CustomStringConvertible {
    /// Each repository's default branch (a run whose branch or default branch is unknown counts).
    case defaultBranch
    /// Runs recorded on this branch.
    case named(String)
    /// Every run, whatever its branch.
    case any

    func admits(_ run: RunInfo) -> Bool {
      switch self {
      case .defaultBranch: run.isOnDefaultBranch
      case .named(let name): run.branch == name
      case .any: true
      }
    }

    public var description: String {
      switch self {
      case .defaultBranch: "default"
      case .named(let name): name
      case .any: "any"
      }
    }
  }

  /// The organisation's state to compare with (`--since`).
  public enum Since: Sendable, Hashable {
    /// As of this time (ISO 8601, UTC): each repository's latest run recorded at or before it.
    case time(String)
    /// As of this run: each repository's latest run with an id up to it.
    case run(Int64)
  }

  public var branch: Branch = .defaultBranch
  /// The time staleness is measured against (ISO 8601, UTC).
  public var now: String
  /// A repository whose latest run is more than this many days older than `now` is stale.
  public var staleAfterDays: Int = 7
  /// Only these scorecards (empty: all).
  public var scorecards: [String] = []
  /// What changed since (nil: no comparison).
  public var since: Since?
  /// At most this many dates in the trends (the latest ones).
  public var trendPoints: Int = 30
  /// Plumb's version, for the report.
  public var toolVersion: String
  /// Where rule documentation pages are, for links.
  public var ruleDocs: String

  public init(now: String, toolVersion: String, ruleDocs: String = "docs/rules/") {
    self.now = now
    self.toolVersion = toolVersion
    self.ruleDocs = ruleDocs
  }
}

/// A repository of the organisation and how fresh its latest run is.
public struct RepositoryFreshness: Sendable, Codable, Hashable {
  /// The repository's name (``OrganisationView/unnamedRepository`` for runs recorded before schema v2).
  public var name: String
  public var runID: Int64
  public var recordedAt: String
  public var commit: String?
  public var branch: String?
  public var defaultBranch: String?
  public var pack: String?
  public var toolVersion: String
  /// Whole days between the run and the query's `now` (0 for a run in the future).
  public var ageDays: Int
  /// Older than the query's `staleAfterDays`: its entities are marked stale.
  public var stale: Bool
  /// The entities it defines in the view (duplicates kept elsewhere not counted).
  public var entities: Int
}

/// An entity that the latest runs of two or more repositories define.
public struct DuplicateEntity: Sendable, Codable, Hashable {
  public var entity: String
  /// The repository the view keeps it from: the first fresh one in name order (else the first).
  public var keptIn: String
  /// The other repositories defining it.
  public var alsoIn: [String]
}

/// The organisation's view: the latest run of every repository, merged (docs/organisation.md).
public struct OrganisationView: Sendable {
  /// The name given to runs that name no repository (recorded before schema v2).
  public static let unnamedRepository = "(no repository)"

  public var query: OrganisationQuery
  /// Every repository with a run that counts, in name order.
  public var repositories: [RepositoryFreshness]
  public var duplicates: [DuplicateEntity]
  /// The merged scorecards: entities from every repository, roll-ups over all of them. An
  /// entity's `location` is its repository's name.
  public var report: ScoreReport
  /// The repository each entity of the view belongs to.
  public var entityRepository: [String: String]
  /// The organisation's, every team's and every department's average at each date: the sum of
  /// each repository's latest run as of the end of that day (`runID` 0, `recordedAt` the date).
  public var trends: ScoreTrends
  /// What changed since `query.since` (findings are not compared: `plumb score --diff` in a
  /// repository shows them).
  public var changes: ScoreDiff?

  /// Whether the entity's repository is stale.
  public func isStale(entity: String) -> Bool {
    guard let repository = entityRepository[entity] else { return false }
    return staleRepositories.contains(repository)
  }

  /// The names of the stale repositories.
  public var staleRepositories: Set<String> { Set(repositories.filter(\.stale).map(\.name)) }
}

/// Builds the ``OrganisationView`` from a store: one query for the runs' headers, a few for the
/// latest runs' records (``ScoreHistoryStore/runs(ids:findings:)``), one for the trends' roll-ups.
public enum OrganisationBuilder {
  public static func build(from store: any ScoreHistoryStore, query: OrganisationQuery) throws -> OrganisationView {
    let eligible = try store.runs(repository: .all).filter { query.branch.admits($0) }
    let latest = latestPerRepository(eligible)
    let loaded = try store.runs(ids: latest.map(\.id), findings: false)
    let nowDate = parse(query.now) ?? Date()
    var stale: Set<String> = []
    var ages: [Int64: Int] = [:]
    for run in latest {
      let age = parse(run.recordedAt).map { max(0, Int(nowDate.timeIntervalSince($0) / 86_400)) } ?? 0
      ages[run.id] = age
      if age > query.staleAfterDays { stale.insert(repositoryName(run)) }
    }
    let merged = merge(loaded, stale: stale, query: query)
    var perRepository: [String: Int] = [:]
    for repository in merged.entityRepository.values { perRepository[repository, default: 0] += 1 }
    let repositories = latest.map { run in
      RepositoryFreshness(
        name: repositoryName(run), runID: run.id, recordedAt: run.recordedAt, commit: run.commit, branch: run.branch,
        defaultBranch: run.defaultBranch, pack: run.pack, toolVersion: run.toolVersion, ageDays: ages[run.id] ?? 0,
        stale: stale.contains(repositoryName(run)), entities: perRepository[repositoryName(run)] ?? 0)
    }.sorted { $0.name < $1.name }

    var changes: ScoreDiff?
    if let since = query.since {
      let before: [RunInfo]
      switch since {
      case .time(let time): before = latestPerRepository(eligible.filter { $0.recordedAt <= time })
      case .run(let id): before = latestPerRepository(eligible.filter { $0.id <= id })
      }
      let earlier = merge(try store.runs(ids: before.map(\.id), findings: false), stale: [], query: query)
      let label: String
      switch since {
      case .time(let time): label = time
      case .run(let id): label = "run #\(id)"
      }
      changes = ScoreDiff(
        from: snapshotRun(earlier.report, recordedAt: label), to: snapshotRun(merged.report, recordedAt: query.now))
    }

    return OrganisationView(
      query: query, repositories: repositories, duplicates: merged.duplicates, report: merged.report,
      entityRepository: merged.entityRepository, trends: try trends(eligible, store: store, report: merged.report, query: query),
      changes: changes)
  }

  /// The name a run is filed under.
  static func repositoryName(_ run: RunInfo) -> String { run.repository ?? OrganisationView.unnamedRepository }

  /// Each repository's latest run (by time recorded, then id), in repository order.
  static func latestPerRepository(_ runs: [RunInfo]) -> [RunInfo] {
    var latest: [String: RunInfo] = [:]
    for run in runs {
      let name = repositoryName(run)
      if let current = latest[name], (current.recordedAt, current.id) >= (run.recordedAt, run.id) { continue }
      latest[name] = run
    }
    return latest.keys.sorted().compactMap { latest[$0] }
  }

  static func parse(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.date(from: text)
  }

  /// A merged report as a run, for ``ScoreDiff``.
  static func snapshotRun(_ report: ScoreReport, recordedAt: String) -> RecordedRun {
    let snapshot = ScoreSnapshot(report: report, recordedAt: recordedAt, commit: nil)
    return RecordedRun(info: RunInfo(id: 0, snapshot), snapshot: snapshot)
  }

  struct Merged {
    var report: ScoreReport
    var entityRepository: [String: String]
    var duplicates: [DuplicateEntity]
  }

  /// Merges the runs (one per repository): each entity kept from one repository, each scorecard's
  /// definition from the latest run that recorded it, roll-ups computed over everything by
  /// ``Rollups`` with the groups the runs recorded.
  static func merge(_ runs: [RecordedRun], stale: Set<String>, query: OrganisationQuery) -> Merged {
    // Which repositories define each entity, and which one keeps it.
    var definers: [String: Set<String>] = [:]
    for run in runs {
      let name = repositoryName(run.info)
      for entity in run.snapshot.entities { definers[entity.entity, default: []].insert(name) }
    }
    var keeper: [String: String] = [:]
    var duplicates: [DuplicateEntity] = []
    for (entity, names) in definers {
      let sorted = names.sorted()
      let kept = sorted.first { !stale.contains($0) } ?? sorted[0]
      keeper[entity] = kept
      if sorted.count > 1 {
        duplicates.append(DuplicateEntity(entity: entity, keptIn: kept, alsoIn: sorted.filter { $0 != kept }))
      }
    }
    duplicates.sort { $0.entity < $1.entity }

    // Newest runs first: their definitions, titles and group names win.
    let newestFirst = runs.sorted { ($0.info.recordedAt, $0.info.id) > ($1.info.recordedAt, $1.info.id) }
    var definitions: [String: ScorecardDefinition] = [:]
    var titles: [String: String] = [:]
    var groups = RecordedGroups()
    for run in newestFirst {
      for card in run.snapshot.scorecards where definitions[card.definition.name] == nil {
        definitions[card.definition.name] = card.definition
      }
      for card in run.snapshot.scorecards {
        for (rule, title) in card.ruleTitles where titles[rule] == nil { titles[rule] = title }
      }
      for group in run.snapshot.groups where groups.names[group.id] == nil {
        groups.names[group.id] = group.name
        if let parent = group.parent { groups.parentsByID[group.id] = [parent] }
      }
    }

    // Entities per scorecard, from the repository that keeps each.
    var records: [String: [(ScoreSnapshot.EntityRecord, [String: ScoreState])]] = [:]
    var ruleOrder: [String: Set<String>] = [:]
    for run in runs {
      let name = repositoryName(run.info)
      var states: [String: [String: ScoreState]] = [:]
      for rule in run.snapshot.rules {
        states[rule.scorecard + "\u{0}" + rule.entity, default: [:]][rule.rule] = rule.state
        ruleOrder[rule.scorecard, default: []].insert(rule.rule)
      }
      for entity in run.snapshot.entities where keeper[entity.entity] == name {
        records[entity.scorecard, default: []].append((entity, states[entity.scorecard + "\u{0}" + entity.entity] ?? [:]))
      }
    }
    var names = Set(records.keys).union(definitions.keys)
    if !query.scorecards.isEmpty { names.formIntersection(query.scorecards) }

    var cards: [ScorecardResult] = []
    for name in names.sorted() {
      let members = records[name] ?? []
      let definition = definitions[name] ?? synthesized(name, members.map(\.0), rules: ruleOrder[name] ?? [])
      let entities = members.map { entityScore($0.0, states: $0.1, definition: definition, repository: keeper[$0.0.entity] ?? "", titles: titles) }
        .sorted { $0.id < $1.id }
      cards.append(
        ScorecardResult(
          definition: definition, entities: entities, excluded: 0,
          rollups: Rollups.compute(entities, definition: definition, groups: groups)))
    }
    let used = Set(cards.flatMap(\.definition.rules))
    let report = ScoreReport(
      toolVersion: query.toolVersion, pack: nil, generatedAt: query.now, commit: nil, ruleDocs: query.ruleDocs,
      ruleTitles: titles.filter { used.contains($0.key) }, scorecards: cards, inputErrors: 0, policyErrors: 0)
    var entityRepository: [String: String] = [:]
    for card in cards { for entity in card.entities { entityRepository[entity.id] = keeper[entity.id] } }
    return Merged(report: report, entityRepository: entityRepository, duplicates: duplicates)
  }

  /// A scorecard's definition from what a run recorded before schema v2 (no definition): its
  /// levels from the entities' level names and ranks, its rules from the rule records (sorted),
  /// every rule weighing 1. Levels then list no rules of their own.
  static func synthesized(_ name: String, _ entities: [ScoreSnapshot.EntityRecord], rules: Set<String>)
    -> ScorecardDefinition
  {
    var levelNames: [Int: String] = [:]
    for entity in entities { if let level = entity.level, entity.levelRank >= 0 { levelNames[entity.levelRank] = level } }
    let levels = levelNames.keys.sorted().compactMap { levelNames[$0] }.map {
      ScorecardDefinition.Level(name: $0, rules: [], newRules: [])
    }
    return ScorecardDefinition(
      name: name, title: name, selection: "(recorded before schema v2)", levels: levels, rules: rules.sorted(),
      weights: [:])
  }

  /// An entity as recorded, back as an ``EntityScore`` (no findings or contributions: the view
  /// is built from roll-up data).
  static func entityScore(
    _ record: ScoreSnapshot.EntityRecord, states: [String: ScoreState], definition: ScorecardDefinition,
    repository: String, titles: [String: String]
  ) -> EntityScore {
    let outcomes = definition.rules.map { rule in
      RuleOutcome(
        ruleID: rule, title: titles[rule] ?? rule, state: states[rule] ?? .error, weight: definition.weight(rule),
        contributions: [], findings: [], note: states[rule] == nil ? "not in the recorded run" : nil)
    }
    let rank = definition.rank(of: record.level) ?? -1
    let next = rank + 1 < definition.levels.count ? definition.levels[rank + 1] : nil
    let holding: Set<ScoreState> = [.fail, .indeterminate, .error]
    let fixes = next.map { level in level.rules.filter { holding.contains(states[$0] ?? .error) } } ?? []
    return EntityScore(
      id: record.entity, name: record.name, kind: record.kind ?? kind(fromID: record.entity), title: nil,
      location: repository, owner: record.owner, system: record.system, domain: record.domain, level: record.level,
      nextLevel: next?.name, passingWeight: record.passingWeight, applicableWeight: record.applicableWeight,
      score: record.score, rules: outcomes, nextFixes: fixes, selectionNote: nil)
  }

  /// `catalog.Component` from `catalog:component:default/payments` (runs before schema v2 record no kind).
  static func kind(fromID id: String) -> String {
    let parts = id.split(separator: ":", maxSplits: 2)
    guard parts.count == 3, parts[0] == "catalog", let first = parts[1].first else { return String(parts.first ?? "") }
    return "catalog." + first.uppercased() + parts[1].dropFirst()
  }

  /// The trends: for each of the latest `trendPoints` dates with a run, the sum over repositories
  /// of each one's latest run as of the end of that day, per scorecard and group (organisation,
  /// teams, departments). An entity two repositories define counts in both (trends sum recorded
  /// roll-ups).
  static func trends(_ eligible: [RunInfo], store: any ScoreHistoryStore, report: ScoreReport, query: OrganisationQuery)
    throws -> ScoreTrends
  {
    let dates = Array(Set(eligible.map { String($0.recordedAt.prefix(10)) }).sorted().suffix(max(0, query.trendPoints)))
    guard !dates.isEmpty else { return ScoreTrends() }
    // Runs sorted by time: walk the dates once, keeping each repository's latest run so far.
    let ordered = eligible.sorted { ($0.recordedAt, $0.id) < ($1.recordedAt, $1.id) }
    var index = 0
    var current: [String: Int64] = [:]
    var runsAt: [[Int64]] = []
    for date in dates {
      while index < ordered.count, String(ordered[index].recordedAt.prefix(10)) <= date {
        current[repositoryName(ordered[index])] = ordered[index].id
        index += 1
      }
      runsAt.append(Array(current.values))
    }
    let rollups = try store.rollups(runIDs: runsAt.flatMap { $0 }, dimensions: [.organisation, .team, .department])
    let wanted = Set(report.scorecards.map(\.definition.name))
    var trends = ScoreTrends()
    for (date, ids) in zip(dates, runsAt) {
      var sums: [String: (entities: Int, scored: Int, sum: Double)] = [:]
      for id in ids {
        for rollup in rollups[id] ?? [] where wanted.contains(rollup.scorecard) {
          let key = ScoreTrends.key(scorecard: rollup.scorecard, dimension: rollup.dimension, group: rollup.key)
          var total = sums[key] ?? (0, 0, 0)
          total.entities += rollup.entities
          total.scored += rollup.scored
          total.sum += rollup.scoreSum
          sums[key] = total
        }
      }
      for (key, total) in sums {
        trends.series[key, default: []].append(
          TrendPoint(
            runID: 0, recordedAt: date, commit: nil, entities: total.entities,
            averageScore: total.scored == 0 ? nil : total.sum / Double(total.scored), levels: []))
      }
    }
    return trends
  }
}
