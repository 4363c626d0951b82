import PlumbDiagnostics
import PlumbGraph
import PlumbPolicy
import PlumbReport

/// What scoring needs from a check run: the graph, the rules, the evaluation, and the findings
/// with their suppressions. `plumb score` gets them from the same evaluation `plumb check` gates on.
public struct ScoreInput: Sendable {
  /// The document graph.
  public var graph: DocumentGraph
  /// Rules, packs and scorecards.
  public var library: PolicyLibrary
  /// The evaluation (nil when the rules did not compile: every rule is then in error).
  public var evaluation: EvaluationResult?
  /// Every finding with its suppression (waiver or inline ignore), as the gate decided.
  public var findings: [ReportedFinding]
  /// Problems with the inputs; errors put the rules of the entities in those files in error.
  public var inputDiagnostics: [Diagnostic]
  /// How many policy errors the run had.
  public var policyErrors: Int
  /// The policy pack applied.
  public var pack: String?
  /// Only these scorecards (nil: all).
  public var scorecards: [String]?

  public init(
    graph: DocumentGraph, library: PolicyLibrary, evaluation: EvaluationResult?, findings: [ReportedFinding],
    inputDiagnostics: [Diagnostic], policyErrors: Int = 0, pack: String?, scorecards: [String]? = nil
  ) {
    self.graph = graph
    self.library = library
    self.evaluation = evaluation
    self.findings = findings
    self.inputDiagnostics = inputDiagnostics
    self.policyErrors = policyErrors
    self.pack = pack
    self.scorecards = scorecards
  }
}

/// Computes scorecards: per entity, the state of every rule, the level and the score; then the
/// roll-ups. See docs/scorecards.md for the semantics, which this type implements.
public struct Scorer: Sendable {
  public let input: ScoreInput
  private let findingsByRuleEntity: [String: [ReportedFinding]]
  private let compiledRules: Set<String>
  /// Input errors by file: the loader's own (`yaml.*`: the file may be incomplete) and the others
  /// with the byte offset they point at.
  private let inputErrors: [String: [(code: String, offset: Int?)]]

  public init(_ input: ScoreInput) {
    self.input = input
    var byKey: [String: [ReportedFinding]] = [:]
    for finding in input.findings {
      byKey[Self.key(finding.finding.ruleID, finding.finding.entity), default: []].append(finding)
    }
    findingsByRuleEntity = byKey
    compiledRules = Set(input.library.rules.map(\.id))
    var errors: [String: [(code: String, offset: Int?)]] = [:]
    for diagnostic in input.inputDiagnostics where diagnostic.severity == .error {
      guard let location = diagnostic.location else { continue }
      errors[location.path, default: []].append((diagnostic.code, location.span.start.offset))
    }
    inputErrors = errors
  }

  private static func key(_ rule: String, _ entity: EntityID) -> String { rule + "\u{0}" + entity.rawValue }

  /// Scores every scorecard (or those asked for), in name order.
  public func scorecards() -> [ScorecardResult] {
    let names = input.library.scorecards.keys.sorted().filter { input.scorecards?.contains($0) ?? true }
    return names.compactMap { name in input.library.scorecards[name].map(score) }
  }

  /// The full report.
  public func report(toolVersion: String, generatedAt: String? = nil, commit: String? = nil, ruleDocs: String = "docs/rules/")
    -> ScoreReport
  {
    let cards = scorecards()
    var titles: [String: String] = [:]
    for card in cards {
      for rule in card.definition.rules { titles[rule] = input.library.rule(rule)?.decl.title ?? rule }
    }
    return ScoreReport(
      toolVersion: toolVersion, pack: input.pack, generatedAt: generatedAt, commit: commit, ruleDocs: ruleDocs,
      ruleTitles: titles, scorecards: cards,
      inputErrors: input.inputDiagnostics.count { $0.severity == .error }, policyErrors: input.policyErrors)
  }

  /// Scores one scorecard.
  public func score(_ decl: ScorecardDecl) -> ScorecardResult {
    let source = input.library.declarationSources["scorecard:" + decl.name]
    var selectionText = decl.selector.map { $0.kind } ?? "(nothing)"
    if let filter = decl.filter, let source {
      selectionText += " when " + source.text(from: filter.range.lowerBound, to: filter.range.upperBound)
    }
    let definition = ScorecardDefinition(decl, selectionText: selectionText)
    let selection = PolicyEngine.select(scorecard: decl, library: input.library, graph: input.graph)
    var scored: [(EntityID, String?)] = selection.members.map { ($0, nil) }
    scored += selection.indeterminate.map { ($0.entity, $0.reason) }
    scored.sort { $0.0 < $1.0 }
    let entities = scored.compactMap { id, note in
      input.graph.entity(id).map { score($0, definition, selectionNote: note) }
    }
    let rollups = Rollups.compute(entities, definition: definition, graph: input.graph)
    return ScorecardResult(definition: definition, entities: entities, excluded: selection.excluded, rollups: rollups)
  }

  /// Scores one entity.
  func score(_ entity: Entity, _ definition: ScorecardDefinition, selectionNote: String?) -> EntityScore {
    let members = RollIn.members(of: entity, in: input.graph)
    let broken = brokenInputs(members.map(\.entity))
    var outcomes: [RuleOutcome] = []
    for rule in definition.rules {
      var outcome = ruleOutcome(rule, members, definition)
      if let selectionNote {
        outcome.state = .indeterminate
        outcome.note = selectionNote
      } else if !broken.errors.isEmpty, !outcome.state.holdsBack {
        outcome.state = .error
        let count = broken.errors.count
        outcome.note =
          "\(count) input error\(count == 1 ? "" : "s") in \(broken.files.joined(separator: ", ")) (\(broken.errors.joined(separator: ", "))): a result read from broken input cannot count as a pass"
      }
      outcomes.append(outcome)
    }
    // The level: the highest rung of the ladder whose rules all pass, are waived or do not apply.
    var level: String?
    var nextLevel: String? = definition.levels.first?.name
    var nextFixes: [String] = []
    for (index, rung) in definition.levels.enumerated() {
      let blocking = rung.rules.filter { rule in outcomes.first { $0.ruleID == rule }?.state.holdsBack ?? true }
      if blocking.isEmpty {
        level = rung.name
        nextLevel = index + 1 < definition.levels.count ? definition.levels[index + 1].name : nil
      } else {
        nextFixes = blocking
        break
      }
    }
    if nextLevel == nil { nextFixes = [] }
    var passing = 0
    var applicable = 0
    for outcome in outcomes where outcome.state.isApplicable {
      applicable += outcome.weight
      if outcome.state.isPassing { passing += outcome.weight }
    }
    let owner = input.graph.related(entity.id, "ownedBy").first {
      $0.kind == EntityKinds.catalog("Group") || $0.kind == EntityKinds.catalog("User")
    }
    let system = Self.system(of: entity, input.graph)
    let domain = system.flatMap { input.graph.related($0.id, "partOf").first { $0.kind == EntityKinds.catalog("Domain") } }
    return EntityScore(
      id: entity.id.rawValue, name: entity.name, kind: entity.kind,
      title: entity.attributes["metadata"]["title"].string, location: entity.location.description,
      owner: owner?.id.rawValue, system: system?.id.rawValue, domain: domain?.id.rawValue, level: level,
      nextLevel: nextLevel, passingWeight: passing, applicableWeight: applicable,
      score: applicable == 0 ? nil : Double(passing) / Double(applicable), rules: outcomes,
      nextFixes: nextFixes, selectionNote: selectionNote)
  }

  /// The input errors behind `entities`: in the file of one of them and either inside its
  /// definition, or a loader error (`yaml.*`) anywhere in that file, since the file may then be
  /// incomplete. An error in a sibling document of the same file does not count.
  func brokenInputs(_ entities: [Entity]) -> (files: [String], errors: [String]) {
    var files = Set<String>()
    var errors: [String] = []
    var seen = Set<String>()
    for entity in entities {
      let path = entity.location.path
      for error in inputErrors[path] ?? [] {
        let inside = error.offset.map { entity.location.span.byteRange.contains($0) } ?? false
        guard error.code.hasPrefix("yaml.") || inside else { continue }
        let key = "\(path)\u{0}\(error.code)\u{0}\(error.offset ?? -1)"
        guard seen.insert(key).inserted else { continue }
        files.insert(path)
        errors.append(error.code)
      }
    }
    return (files.sorted(), errors)
  }

  /// The System an entity is part of: directly, or through the components it is a subcomponent of.
  static func system(of entity: Entity, _ graph: DocumentGraph) -> Entity? {
    var current = entity
    var seen: Set<EntityID> = [entity.id]
    while true {
      let wholes = graph.related(current.id, "partOf")
      if let system = wholes.first(where: { $0.kind == EntityKinds.catalog("System") }) { return system }
      guard let parent = wholes.first(where: { $0.kind == entity.kind }), seen.insert(parent.id).inserted else {
        return nil
      }
      current = parent
    }
  }

  /// One rule's state for a scored entity, from the states of the entities that roll into it.
  func ruleOutcome(_ rule: String, _ members: [(entity: Entity, via: String)], _ definition: ScorecardDefinition)
    -> RuleOutcome
  {
    let title = input.library.rule(rule)?.decl.title ?? rule
    var outcome = RuleOutcome(
      ruleID: rule, title: title, state: .notApplicable, weight: definition.weight(rule), contributions: [],
      findings: [], note: nil)
    guard compiledRules.contains(rule) else {
      outcome.state = .error
      outcome.note = "rule '\(rule)' did not compile, so it did not run"
      return outcome
    }
    guard let evaluation = input.evaluation else {
      outcome.state = .error
      outcome.note = "the rules did not run (policy errors)"
      return outcome
    }
    guard let states = evaluation.states[rule] else {
      outcome.state = .error
      let pack = input.pack.map { "policy pack '\($0)'" } ?? "the policy pack"
      outcome.note = "rule '\(rule)' did not run: \(pack) turns it off (score with a pack that runs it)"
      return outcome
    }
    var state = ScoreState.notApplicable
    for (member, via) in members {
      guard let raw = states[member.id] else { continue }
      let findings = findingsByRuleEntity[Self.key(rule, member.id)] ?? []
      let memberState = Self.state(raw, findings)
      outcome.contributions.append(
        Contribution(entity: member.id.rawValue, kind: member.kind, via: via, state: memberState))
      outcome.findings += findings.map(Self.reference)
      if memberState > state { state = memberState }
    }
    outcome.state = state
    if outcome.contributions.isEmpty {
      outcome.note = "no entity this rule judges is linked to it"
    } else if state == .notApplicable {
      outcome.note = "the rule's 'when' excluded every entity it judged here"
    }
    outcome.findings.sort { ($0.entity, $0.fingerprint) < ($1.entity, $1.fingerprint) }
    return outcome
  }

  /// A judged entity's state after suppressions: a failure or indeterminate verdict whose every
  /// finding is suppressed is `waived`; otherwise the unsuppressed findings decide. A rule that
  /// could not be evaluated for the entity (an evaluation error) is `error`, whatever waivers say:
  /// a waiver accepts a finding, not a rule that did not run.
  static func state(_ raw: RuleState, _ findings: [ReportedFinding]) -> ScoreState {
    switch raw {
    case .pass: return .pass
    case .notApplicable: return .notApplicable
    case .error: return .error
    case .fail, .indeterminate:
      let open = findings.filter { $0.suppression == nil }
      if open.contains(where: { $0.finding.verdict == .fail }) { return .fail }
      if open.contains(where: { $0.finding.verdict == .indeterminate }) { return .indeterminate }
      // Every finding is suppressed (a rule state without findings cannot happen; fail closed).
      if findings.isEmpty { return raw == .fail ? .fail : .indeterminate }
      return .waived
    }
  }

  static func reference(_ reported: ReportedFinding) -> FindingReference {
    let finding = reported.finding
    let suppression = reported.suppression.map {
      SuppressionNote(
        kind: $0.kind.rawValue, reason: $0.reason, owner: $0.owner, expires: $0.expires,
        location: $0.location?.description)
    }
    return FindingReference(
      fingerprint: finding.fingerprint, ruleID: finding.ruleID, entity: finding.entity.rawValue,
      verdict: finding.verdict.rawValue, message: finding.message, location: finding.location.description,
      suppression: suppression)
  }
}
