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

  /// Every roll-up of `entities`: organisation, teams, departments, systems, domains.
  public static func compute(_ entities: [EntityScore], definition: ScorecardDefinition, graph: DocumentGraph)
    -> [Rollup]
  {
    var result = [
      make(.organisation, key: organisation, name: "Organisation", parent: nil, entities, definition)
    ]
    // Teams: the owning Group (or User) of each entity.
    let teams = Dictionary(grouping: entities) { $0.owner ?? unowned }
    for key in teams.keys.sorted() {
      let parent = key == unowned ? nil : parents(EntityID(key), graph).first?.id.rawValue
      result.append(make(.team, key: key, name: displayName(key, graph), parent: parent, teams[key] ?? [], definition))
    }
    // Departments: every Group above an owning team, with the entities of every team below it.
    var departments: [String: [EntityScore]] = [:]
    for entity in entities {
      guard let owner = entity.owner else { continue }
      for ancestor in ancestors(EntityID(owner), graph) {
        departments[ancestor.id.rawValue, default: []].append(entity)
      }
    }
    for key in departments.keys.sorted() {
      let parent = parents(EntityID(key), graph).first?.id.rawValue
      result.append(
        make(.department, key: key, name: displayName(key, graph), parent: parent, departments[key] ?? [], definition))
    }
    let systems = Dictionary(grouping: entities) { $0.system ?? noSystem }
    for key in systems.keys.sorted() {
      result.append(make(.system, key: key, name: displayName(key, graph), parent: nil, systems[key] ?? [], definition))
    }
    let domains = Dictionary(grouping: entities) { $0.domain ?? noDomain }
    for key in domains.keys.sorted() {
      result.append(make(.domain, key: key, name: displayName(key, graph), parent: nil, domains[key] ?? [], definition))
    }
    return result
  }

  /// The Groups `id` is directly a child of, in id order.
  static func parents(_ id: EntityID, _ graph: DocumentGraph) -> [Entity] {
    graph.related(id, "childOf").filter { $0.kind == EntityKinds.catalog("Group") }
  }

  /// Every Group above `id` through `childOf`, nearest first (cycles stop the walk).
  static func ancestors(_ id: EntityID, _ graph: DocumentGraph) -> [Entity] {
    var result: [Entity] = []
    var seen: Set<EntityID> = [id]
    var frontier = [id]
    while !frontier.isEmpty {
      var next: [EntityID] = []
      for current in frontier {
        for parent in parents(current, graph) where seen.insert(parent.id).inserted {
          result.append(parent)
          next.append(parent.id)
        }
      }
      frontier = next
    }
    return result
  }

  /// A group's display name: its `metadata.title`, else its name, else the key.
  static func displayName(_ key: String, _ graph: DocumentGraph) -> String {
    guard let entity = graph.entity(EntityID(key)) else { return key }
    return entity.attributes["spec"]["profile"]["displayName"].string ?? entity.attributes["metadata"]["title"].string
      ?? entity.name
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
