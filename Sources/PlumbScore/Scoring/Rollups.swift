import PlumbGraph

/// Roll-ups: scored entities grouped by owning team, department (the Group tree above the team,
/// through `childOf`), system, domain and the whole organisation.
///
/// The arithmetic, for a group G (documented in docs/scorecards.md):
///
/// - `entities`: the scored entities in G;
/// - `levels`: how many of them sit at each level (`none`: below the first);
/// - `averageScore` = Σ score(e) / n over the n entities of G that have a score (an entity with
///   no applicable rule has none and is left out, never counted as 0 or 1);
/// - `rules`: per rule, how many entities of G are in each state;
/// - `worstRules`: the (at most five) rules holding back the most entities of G (fail,
///   indeterminate or error), ties broken by scorecard order.
public enum Rollups {
  /// The label of entities without an owning Group, a System or a Domain.
  public static let unowned = "(unowned)"
  public static let noSystem = "(no system)"
  public static let noDomain = "(no domain)"
  public static let organisation = "organisation"

  /// Every roll-up of `entities`: organisation, teams, departments, systems, domains; group
  /// names and the Group tree read from `graph`.
  public static func compute(_ entities: [EntityScore], definition: ScorecardDefinition, graph: DocumentGraph)
    -> [Rollup]
  {
    compute(entities, definition: definition, groups: GraphGroups(graph: graph))
  }

  /// Every roll-up of `entities`, with group names and the Group tree from `groups` (the graph's,
  /// or a recorded directory: `plumb org` rolls up the entities of many repositories this way).
  public static func compute(_ entities: [EntityScore], definition: ScorecardDefinition, groups: some RollupGroups)
    -> [Rollup]
  {
    var result = [
      make(.organisation, key: organisation, name: "Organisation", parent: nil, entities, definition)
    ]
    // Teams: the owning Group (or User) of each entity.
    let teams = Dictionary(grouping: entities) { $0.owner ?? unowned }
    for key in teams.keys.sorted() {
      let parent = key == unowned ? nil : groups.parents(of: key).first
      result.append(make(.team, key: key, name: groups.displayName(key), parent: parent, teams[key] ?? [], definition))
    }
    // Departments: every Group above an owning team, with the entities of every team below it.
    var departments: [String: [EntityScore]] = [:]
    var ancestorsByOwner: [String: [String]] = [:]
    for entity in entities {
      guard let owner = entity.owner else { continue }
      let above = ancestorsByOwner[owner] ?? ancestors(owner, groups)
      ancestorsByOwner[owner] = above
      for ancestor in above {
        departments[ancestor, default: []].append(entity)
      }
    }
    for key in departments.keys.sorted() {
      let parent = groups.parents(of: key).first
      result.append(
        make(.department, key: key, name: groups.displayName(key), parent: parent, departments[key] ?? [], definition))
    }
    let systems = Dictionary(grouping: entities) { $0.system ?? noSystem }
    for key in systems.keys.sorted() {
      result.append(make(.system, key: key, name: groups.displayName(key), parent: nil, systems[key] ?? [], definition))
    }
    let domains = Dictionary(grouping: entities) { $0.domain ?? noDomain }
    for key in domains.keys.sorted() {
      result.append(make(.domain, key: key, name: groups.displayName(key), parent: nil, domains[key] ?? [], definition))
    }
    return result
  }

  /// Every Group above `id` through `childOf`, nearest first (cycles stop the walk).
  static func ancestors(_ id: String, _ groups: some RollupGroups) -> [String] {
    var result: [String] = []
    var seen: Set<String> = [id]
    var frontier = [id]
    while !frontier.isEmpty {
      var next: [String] = []
      for current in frontier {
        for parent in groups.parents(of: current) where seen.insert(parent).inserted {
          result.append(parent)
          next.append(parent)
        }
      }
      frontier = next
    }
    return result
  }

  static func make(
    _ dimension: RollupDimension, key: String, name: String, parent: String?, _ entities: [EntityScore],
    _ definition: ScorecardDefinition
  ) -> Rollup {
    let sorted = entities.sorted { $0.id < $1.id }
    var levels = definition.levels.map { LevelCount(level: $0.name, count: 0) }
    levels.append(LevelCount(level: "none", count: 0))
    var scored = 0
    var sum = 0.0
    var tallies = definition.rules.map { RuleTally(ruleID: $0) }
    for entity in sorted {
      let index = definition.rank(of: entity.level) ?? definition.levels.count
      levels[index].count += 1
      if let score = entity.score {
        scored += 1
        sum += score
      }
      for (position, rule) in definition.rules.enumerated() {
        tallies[position].add(entity.rule(rule)?.state ?? .error)
      }
    }
    let worst = tallies.enumerated().filter { $0.element.holdingBack > 0 }
      .sorted { ($1.element.holdingBack, $0.offset) < ($0.element.holdingBack, $1.offset) }
      .prefix(5).map(\.element.ruleID)
    return Rollup(
      dimension: dimension, key: key, name: name, parent: parent, entities: sorted.map(\.id), levels: levels,
      scored: scored, scoreSum: sum, averageScore: scored == 0 ? nil : sum / Double(scored), rules: tallies,
      worstRules: Array(worst))
  }
}

/// What roll-ups need to know about groups: the Group tree (for departments) and display names.
public protocol RollupGroups {
  /// The Groups `id` is directly a child of, in id order.
  func parents(of id: String) -> [String]
  /// A group's display name (a team, department, system or domain), or `key` itself.
  func displayName(_ key: String) -> String
}

/// The groups of a document graph: `childOf` edges to Groups, and each entity's
/// `spec.profile.displayName`, else `metadata.title`, else its name.
public struct GraphGroups: RollupGroups {
  public let graph: DocumentGraph
  public init(graph: DocumentGraph) { self.graph = graph }

  public func parents(of id: String) -> [String] {
    graph.related(EntityID(id), "childOf").filter { $0.kind == EntityKinds.catalog("Group") }.map(\.id.rawValue)
  }

  public func displayName(_ key: String) -> String {
    guard let entity = graph.entity(EntityID(key)) else { return key }
    return entity.attributes["spec"]["profile"]["displayName"].string ?? entity.attributes["metadata"]["title"].string
      ?? entity.name
  }
}

/// Groups as recorded in history: names and parents by id (``ScoreSnapshot/GroupRecord``).
public struct RecordedGroups: RollupGroups, Sendable {
  public var names: [String: String] = [:]
  public var parentsByID: [String: [String]] = [:]
  public init() {}

  public func parents(of id: String) -> [String] { parentsByID[id] ?? [] }
  public func displayName(_ key: String) -> String { names[key] ?? key }
}
