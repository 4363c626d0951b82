import PlumbPolicy

/// A scorecard as `plumb score` uses it: levels expanded to their cumulative rule sets, weights.
public struct ScorecardDefinition: Sendable, Codable, Hashable {
  /// One level, lowest first.
  public struct Level: Sendable, Codable, Hashable {
    /// The level's name (`bronze`).
    public var name: String
    /// Every rule needed to reach it: its own and those of the levels it names, in order.
    public var rules: [String]
    /// The rules this level adds to the one below it.
    public var newRules: [String]

    public init(name: String, rules: [String], newRules: [String]) {
      self.name = name
      self.rules = rules
      self.newRules = newRules
    }
  }

  /// A definition from its parts (history reads one back this way).
  public init(
    name: String, title: String, selection: String, levels: [Level], rules: [String], weights: [String: Int]
  ) {
    self.name = name
    self.title = title
    self.selection = selection
    self.levels = levels
    self.rules = rules
    self.weights = weights
  }

  /// The scorecard's name.
  public var name: String
  /// Its title (the name when it has none).
  public var title: String
  /// The selection, as written: `catalog.Component when c.spec.lifecycle == "production"`.
  public var selection: String
  /// Levels, lowest first.
  public var levels: [Level]
  /// Every rule of every level, in order of first appearance.
  public var rules: [String]
  /// Weights other than the default 1, by rule id.
  public var weights: [String: Int]

  /// The weight of `rule` in the score (default 1).
  public func weight(_ rule: String) -> Int { weights[rule] ?? 1 }

  /// Builds the definition from a declaration. A level reaches the rules of every level it
  /// names; and since levels are a ladder, it also holds every rule of the level below it.
  public init(_ decl: ScorecardDecl, selectionText: String) {
    name = decl.name
    title = decl.title.isEmpty ? decl.name : decl.title
    selection = selectionText
    var expanded: [String: [String]] = [:]
    var levels: [Level] = []
    var all: [String] = []
    for level in decl.levels {
      var rules: [String] = levels.last?.rules ?? []
      for (member, _) in level.members {
        let added = expanded[member] ?? [member]
        for rule in added where !rules.contains(rule) { rules.append(rule) }
      }
      let below = Set(levels.last?.rules ?? [])
      let newRules = rules.filter { !below.contains($0) }
      expanded[level.name] = rules
      levels.append(Level(name: level.name, rules: rules, newRules: newRules))
      for rule in rules where !all.contains(rule) { all.append(rule) }
    }
    self.levels = levels
    self.rules = all
    var weights: [String: Int] = [:]
    for (rule, weight, _) in decl.weights where weight != 1 { weights[rule] = weight }
    self.weights = weights
  }

  /// The rank of level `name` (0 = lowest), nil for none.
  public func rank(of name: String?) -> Int? {
    guard let name else { return nil }
    return levels.firstIndex { $0.name == name }
  }
}

/// A waiver or inline ignore that suppressed a finding.
public struct SuppressionNote: Sendable, Codable, Hashable {
  /// `waiver` or `inline`.
  public var kind: String
  public var reason: String
  public var owner: String?
  public var expires: String?
  /// Where the waiver or comment is written (`path:line:column`).
  public var location: String?

  public init(kind: String, reason: String, owner: String? = nil, expires: String? = nil, location: String? = nil) {
    self.kind = kind
    self.reason = reason
    self.owner = owner
    self.expires = expires
    self.location = location
  }
}

/// A finding behind a rule's state, as a scorecard cites it.
public struct FindingReference: Sendable, Codable, Hashable {
  /// The finding's fingerprint (stable across runs: see docs/policy-language.md).
  public var fingerprint: String
  public var ruleID: String
  /// The entity the finding is on (the scored entity or one linked to it).
  public var entity: String
  /// `fail` or `indeterminate`.
  public var verdict: String
  public var message: String
  /// `path:line:column`.
  public var location: String
  /// Set when a waiver or inline ignore suppresses it.
  public var suppression: SuppressionNote?

  public init(
    fingerprint: String, ruleID: String, entity: String, verdict: String, message: String, location: String,
    suppression: SuppressionNote? = nil
  ) {
    self.fingerprint = fingerprint
    self.ruleID = ruleID
    self.entity = entity
    self.verdict = verdict
    self.message = message
    self.location = location
    self.suppression = suppression
  }
}

/// One entity that a rule judged on behalf of a scored entity, and its state there.
public struct Contribution: Sendable, Codable, Hashable {
  /// The judged entity's id.
  public var entity: String
  /// Its kind.
  public var kind: String
  /// How it is linked to the scored entity: `self`, `hasResource`, `hasPipeline`,
  /// `hasPipeline/inWorkflow`, … (see docs/scorecards.md, "Which findings belong to an entity").
  public var via: String
  /// The rule's state on it (after waivers).
  public var state: ScoreState
}

/// A rule's state for one scored entity, and everything behind it.
public struct RuleOutcome: Sendable, Codable, Hashable {
  public var ruleID: String
  public var title: String
  public var state: ScoreState
  /// Its weight in the score.
  public var weight: Int
  /// The entities the rule judged for it (empty when none: not applicable).
  public var contributions: [Contribution]
  /// The findings behind a fail, indeterminate or waived state.
  public var findings: [FindingReference]
  /// Why the state is what it is when that is not a finding (error, not applicable).
  public var note: String?

  /// `judged 3 entities: 1 fail, 2 pass` (states in display order).
  public var judgedSummary: String {
    let count = contributions.count
    guard count > 0 else { return "judged no entity" }
    let parts = ScoreState.displayOrder.compactMap { state -> String? in
      let n = contributions.count { $0.state == state }
      return n == 0 ? nil : "\(n) \(state.rawValue)"
    }
    return "judged \(count) entit\(count == 1 ? "y" : "ies"): " + parts.joined(separator: ", ")
  }
}

/// One scored entity: its rules, level and score.
public struct EntityScore: Sendable, Codable, Hashable {
  /// The entity's stable id.
  public var id: String
  public var name: String
  public var kind: String
  /// `metadata.title`, if any.
  public var title: String?
  /// Where it is defined (`path:line:column`).
  public var location: String
  /// The owning Group (or User) id, nil when unowned or the owner does not resolve.
  public var owner: String?
  /// The System it is part of, if any.
  public var system: String?
  /// The Domain its System is part of, if any.
  public var domain: String?
  /// The highest level reached, nil for none.
  public var level: String?
  /// The level above it, nil at the top.
  public var nextLevel: String?
  /// Σ weights of passing (pass, waived) rules.
  public var passingWeight: Int
  /// Σ weights of applicable rules (everything but not applicable).
  public var applicableWeight: Int
  /// passingWeight / applicableWeight, nil when no rule applies.
  public var score: Double?
  /// Every rule of the scorecard, in scorecard order.
  public var rules: [RuleOutcome]
  /// The rules that keep it from `nextLevel` (fail, indeterminate or error), in scorecard order.
  public var nextFixes: [String]
  /// Set when the scorecard's filter was unknown until apply for it (every rule is then
  /// indeterminate: it cannot be shown to comply).
  public var selectionNote: String?


  /// The rule outcome for `ruleID`.
  public func rule(_ ruleID: String) -> RuleOutcome? { rules.first { $0.ruleID == ruleID } }
}

/// What a roll-up groups by.
public enum RollupDimension: String, Sendable, Codable, CaseIterable {
  /// The owning Group (the entity's `ownedBy`).
  case team
  /// Every Group above an owning team, through `childOf`, transitively: its own entities and
  /// those of every team below it.
  case department
  /// The System the entity is `partOf`.
  case system
  /// The Domain of that System.
  case domain
  /// Everything.
  case organisation
}

/// How many entities of a group sit at a level.
public struct LevelCount: Sendable, Codable, Hashable {
  /// The level's name, or `none`.
  public var level: String
  public var count: Int
}

/// How one rule fared over a group's entities: how many entities are in each state.
public struct RuleTally: Sendable, Codable, Hashable {
  public var ruleID: String
  public var pass = 0
  public var waived = 0
  public var fail = 0
  public var indeterminate = 0
  public var error = 0
  public var notApplicable = 0

  public init(ruleID: String) { self.ruleID = ruleID }

  /// Entities that pass (pass or waived).
  public var passing: Int { pass + waived }
  /// Entities where it applies.
  public var applicable: Int { pass + waived + fail + indeterminate + error }
  /// Entities it holds back (fail, indeterminate, error).
  public var holdingBack: Int { fail + indeterminate + error }

  mutating func add(_ state: ScoreState) {
    switch state {
    case .pass: pass += 1
    case .waived: waived += 1
    case .fail: fail += 1
    case .indeterminate: indeterminate += 1
    case .error: error += 1
    case .notApplicable: notApplicable += 1
    }
  }
}

/// A group of scored entities (a team, department, system, domain or the organisation) and its numbers.
public struct Rollup: Sendable, Codable, Hashable {
  public var dimension: RollupDimension
  /// The group's entity id, or `(unowned)`, `(no system)`, `(no domain)`, `organisation`.
  public var key: String
  /// The display name.
  public var name: String
  /// For teams and departments: the parent Group's id.
  public var parent: String?
  /// The entities in the group, in id order.
  public var entities: [String]
  /// Entities per level, lowest level first, `none` last.
  public var levels: [LevelCount]
  /// How many entities have a score (at least one applicable rule).
  public var scored: Int
  /// Σ of those entities' scores.
  public var scoreSum: Double
  /// scoreSum / scored, nil when none is scored.
  public var averageScore: Double?
  /// Per rule, entities in each state, in scorecard order.
  public var rules: [RuleTally]
  /// The rules holding back the most entities (at most five, worst first; ties by rule order).
  public var worstRules: [String]

  /// The count at `level` (`none` for entities below the first level).
  public func count(at level: String) -> Int { levels.first { $0.level == level }?.count ?? 0 }
}

/// One scorecard's results.
public struct ScorecardResult: Sendable, Codable, Hashable {
  public var definition: ScorecardDefinition
  /// Scored entities, in id order.
  public var entities: [EntityScore]
  /// How many entities of the selector's kind the filter excluded.
  public var excluded: Int
  /// Roll-ups: organisation, then teams, departments, systems, domains, each in key order.
  public var rollups: [Rollup]

  /// The roll-ups of one dimension.
  public func rollups(_ dimension: RollupDimension) -> [Rollup] { rollups.filter { $0.dimension == dimension } }
  /// The organisation roll-up.
  public var organisation: Rollup? { rollups.first { $0.dimension == .organisation } }
  /// The entity with `id` (a binary search: entities are in id order).
  public func entity(_ id: String) -> EntityScore? {
    var low = 0
    var high = entities.count
    while low < high {
      let middle = (low + high) / 2
      if entities[middle].id < id { low = middle + 1 } else { high = middle }
    }
    return low < entities.count && entities[low].id == id ? entities[low] : nil
  }
}

/// Everything one `plumb score` computed: what every output format renders.
public struct ScoreReport: Sendable, Codable, Hashable {
  /// Plumb's version.
  public var toolVersion: String
  /// The policy pack the rules ran through.
  public var pack: String?
  /// When the run happened (ISO 8601), only when recorded or given with `--now`.
  public var generatedAt: String?
  /// The commit scored (`git rev-parse HEAD`), only when recorded or given.
  public var commit: String?
  /// Where rule documentation lives, for links (`docs/rules/`).
  public var ruleDocs: String
  /// Rule titles, by id, for every rule a scorecard names.
  public var ruleTitles: [String: String]
  /// One result per scorecard, in name order.
  public var scorecards: [ScorecardResult]
  /// How many input errors and policy errors the run had (see `plumb check` for them).
  public var inputErrors: Int
  public var policyErrors: Int

  public init(
    toolVersion: String, pack: String?, generatedAt: String?, commit: String?, ruleDocs: String,
    ruleTitles: [String: String], scorecards: [ScorecardResult], inputErrors: Int, policyErrors: Int
  ) {
    self.toolVersion = toolVersion
    self.pack = pack
    self.generatedAt = generatedAt
    self.commit = commit
    self.ruleDocs = ruleDocs
    self.ruleTitles = ruleTitles
    self.scorecards = scorecards
    self.inputErrors = inputErrors
    self.policyErrors = policyErrors
  }

  /// The link to a rule's documentation page.
  public func ruleLink(_ ruleID: String) -> String { ruleDocs + ruleID + ".md" }
  /// A rule's title, or its id.
  public func title(_ ruleID: String) -> String { ruleTitles[ruleID] ?? ruleID }
}
