import Foundation
import PlumbDiagnostics
import PlumbGraph

/// A rule as a run uses it: compiled, with its enforcement level and parameter values.
public struct RuleBinding: Sendable {
  public let rule: CompiledRule
  public let enforcement: Enforcement
  public let parameters: [String: RuntimeValue]
}

/// Everything one evaluation produced.
public struct EvaluationResult: Sendable {
  /// Findings, sorted by file, position, rule.
  public var findings: [Finding]
  /// Per-rule counts, sorted by rule id.
  public var statistics: [RuleStatistics]
  /// Per rule, the state of every entity it selected (for scorecards). Built on first use (a
  /// check never needs it).
  public var states: [String: [EntityID: RuleState]] { stateTable.table }
  /// The states as the rules recorded them, until `states` is asked for.
  private let stateTable: StateTable
  /// The enforcement level of each rule that ran.
  public var enforcement: [String: Enforcement]
  /// The rules that ran.
  public var rules: [CompiledRule]
  /// How long each rule took to evaluate (wall clock on its core), by rule id: `--profile`.
  public var durations: [String: Duration] = [:]
  /// Problems found while evaluating (rules that could not judge an entity: an evaluation error,
  /// the evaluation budget): policy errors.
  public var diagnostics: [Diagnostic] = []

  /// Whether any rule applied to any entity (a run that evaluated nothing must not pass).
  public var evaluatedAnything: Bool { statistics.contains { $0.applicable > 0 } }

  init(
    findings: [Finding], statistics: [RuleStatistics], states: [(rule: String, states: [(EntityID, RuleState)])],
    enforcement: [String: Enforcement], rules: [CompiledRule], durations: [String: Duration] = [:],
    diagnostics: [Diagnostic] = []
  ) {
    self.durations = durations
    self.diagnostics = diagnostics
    self.findings = findings
    self.statistics = statistics
    self.stateTable = StateTable(states)
    self.enforcement = enforcement
    self.rules = rules
  }
}

/// Per rule, the entity states in the order the rule judged them; their tables by entity id are
/// built (on all cores) the first time they are asked for, then kept.
final class StateTable: @unchecked Sendable {
  private let lock = NSLock()
  private var recorded: [(rule: String, states: [(EntityID, RuleState)])]
  private var built: [String: [EntityID: RuleState]]?

  init(_ recorded: [(rule: String, states: [(EntityID, RuleState)])]) { self.recorded = recorded }

  var table: [String: [EntityID: RuleState]] {
    lock.lock()
    defer { lock.unlock() }
    if let built { return built }
    // The first state of an entity wins (a rule judges each entity once).
    let tables = recorded.concurrentMap { Dictionary($0.states, uniquingKeysWith: { first, _ in first }) }
    var result: [String: [EntityID: RuleState]] = [:]
    for (entry, table) in zip(recorded, tables) { result[entry.rule] = table }
    built = result
    self.recorded = []
    return result
  }
}

/// Binds rules to a policy pack and evaluates them over a graph.
public struct PolicyEngine: Sendable {
  /// The rules that will run.
  public let bindings: [RuleBinding]
  /// Work allowed per judged entity (``EvaluationBudget/perEntity`` unless a test lowers it).
  public var budget = EvaluationBudget.perEntity

  /// Binds the library's rules through `pack` (nil: every rule at `warn` with default parameters).
  ///
  /// In a pack, a rule's own entry wins over its category's, which wins over `all`; rules the pack
  /// does not mention, and rules at `off`, do not run.
  public init(library: PolicyLibrary, pack: PackDecl?) {
    var bindings: [RuleBinding] = []
    for rule in library.rules {
      var enforcement: Enforcement? = pack == nil ? .warn : nil
      var overrides: [(String, Expr, Range<Int>)] = []
      var specificity = -1
      for entry in pack?.entries ?? [] {
        let level: Int
        switch entry.target {
        case .all: level = 0
        case .category(let category): level = category == rule.decl.category ? 1 : -1
        case .rule(let id): level = id == rule.id ? 2 : -1
        }
        guard level >= specificity && level >= 0 else { continue }
        specificity = level
        enforcement = entry.enforcement
        if level == 2 { overrides = entry.params }
      }
      guard let enforcement, enforcement != .off else { continue }
      var parameters: [String: RuntimeValue] = [:]
      for param in rule.decl.params {
        if let value = param.defaultValue, let constant = Checker.constant(value) { parameters[param.name] = constant }
      }
      for (name, value, _) in overrides {
        if let constant = Checker.constant(value) { parameters[name] = constant }
      }
      bindings.append(RuleBinding(rule: rule, enforcement: enforcement, parameters: parameters))
    }
    self.bindings = bindings
  }

  /// Binds exactly `rules`, at `block`, with their default parameters (for rule tests).
  public init(rules: [CompiledRule]) {
    bindings = rules.map { rule in
      var parameters: [String: RuntimeValue] = [:]
      for param in rule.decl.params {
        if let value = param.defaultValue, let constant = Checker.constant(value) { parameters[param.name] = constant }
      }
      return RuleBinding(rule: rule, enforcement: .block, parameters: parameters)
    }
  }

  private init(bindings: [RuleBinding]) {
    self.bindings = bindings
  }

  /// A copy in which every rule that declares the parameter `name` gets `update(current value)`
  /// (for values a run supplies itself, such as the action pins `plumb fix` reads).
  public func updatingParameter(_ name: String, _ update: (RuntimeValue?) -> RuntimeValue) -> PolicyEngine {
    PolicyEngine(
      bindings: bindings.map { binding in
        guard binding.rule.decl.params.contains(where: { $0.name == name }) else { return binding }
        var parameters = binding.parameters
        parameters[name] = update(parameters[name])
        return RuleBinding(rule: binding.rule, enforcement: binding.enforcement, parameters: parameters)
      })
  }

  /// Evaluates every bound rule over `graph`, in parallel; the result is the same on every run.
  public func evaluate(_ graph: DocumentGraph) -> EvaluationResult {
    let indexes = IndexCache()
    let budget = self.budget
    let outcomes = bindings.concurrentMap { binding in
      let start = ContinuousClock.now
      var evaluator = Evaluator(
        graph: graph, rule: binding.rule, params: binding.parameters, indexes: indexes, budget: budget)
      let outcome = evaluator.run()
      let duration = ContinuousClock.now - start
      PhaseClock.note(
        "rule \(binding.rule.id): \(duration.milliseconds) ms, \(outcome.statistics.selected) selected, "
          + "\(outcome.findings.count) findings, at most \(outcome.mostWork) steps per entity")
      return (outcome: outcome, duration: duration)
    }
    var findings: [Finding] = []
    var statistics: [RuleStatistics] = []
    var states: [(rule: String, states: [(EntityID, RuleState)])] = []
    var enforcement: [String: Enforcement] = [:]
    var durations: [String: Duration] = [:]
    var diagnostics: [Diagnostic] = []
    for (binding, (outcome, duration)) in zip(bindings, outcomes) {
      durations[binding.rule.id] = duration
      findings += outcome.findings
      statistics.append(outcome.statistics)
      states.append((binding.rule.id, outcome.states))
      enforcement[binding.rule.id] = binding.enforcement
      diagnostics += Self.evaluationDiagnostics(binding.rule, outcome.errors, budget: budget)
    }
    // Sorted through their positions: a finding is large, so moving positions around and copying
    // each finding once is cheaper than moving the findings (the same stable order).
    var order = Array(findings.indices)
    order.sort { Self.inOrder(findings[$0], findings[$1]) }
    findings = order.map { findings[$0] }
    return EvaluationResult(
      findings: findings, statistics: statistics, states: states, enforcement: enforcement,
      rules: bindings.map(\.rule), durations: durations, diagnostics: diagnostics)
  }
}

extension PolicyEngine {
  /// One policy error per rule and cause (the budget; or a kind of error at one expression), in
  /// the order the rule met them: the number of entities, the first, and the cause, at the
  /// rule's id (the budget) or the failing expression, with a note at the offending value.
  static func evaluationDiagnostics(
    _ rule: CompiledRule, _ errors: [(entity: EntityID, error: EvaluationError)], budget: Int
  ) -> [Diagnostic] {
    struct Cause: Hashable {
      var kind: EvaluationError.Kind
      var site: Range<Int>?
    }
    var order: [Cause] = []
    var byCause: [Cause: [(entity: EntityID, error: EvaluationError)]] = [:]
    for item in errors {
      let cause = Cause(kind: item.error.kind, site: item.error.kind == .budget ? nil : item.error.site)
      if byCause[cause] == nil { order.append(cause) }
      byCause[cause, default: []].append(item)
    }
    return order.map { cause in
      let items = byCause[cause] ?? []
      let first = items[0]
      let count = items.count
      let entities = "\(count) \(count == 1 ? "entity" : "entities"), first '\(first.entity.rawValue)'"
      if cause.kind == .budget {
        return Diagnostic(
          code: "policy.evaluation-budget",
          message: "rule '\(rule.id)' ran over its evaluation budget (\(budget) steps per entity) on \(entities): "
            + "its judgement of those is an error; simplify the rule (a filtered selector, which is an index "
            + "lookup, instead of nested quantifiers over whole lists)",
          location: SourceLocation(
            path: rule.source.path,
            span: rule.source.span(from: rule.decl.idRange.lowerBound, to: rule.decl.idRange.upperBound)))
      }
      let site = cause.site ?? rule.decl.idRange
      let notes = first.error.valueLocation.map { [Diagnostic.Note(message: "the value comes from here", location: $0)] } ?? []
      return Diagnostic(
        code: "policy.evaluation-error",
        message: "rule '\(rule.id)' could not be evaluated for \(entities): \(first.error.message)",
        location: SourceLocation(path: rule.source.path, span: rule.source.span(from: site.lowerBound, to: site.upperBound)),
        notes: notes)
    }
  }

  /// Findings by file, position, rule, entity, fingerprint. Field by field, like comparing the
  /// tuples of these fields, without building (and copying the strings into) a tuple per comparison.
  static func inOrder(_ a: Finding, _ b: Finding) -> Bool {
    if a.location.path != b.location.path { return a.location.path < b.location.path }
    if a.location.span.start.offset != b.location.span.start.offset {
      return a.location.span.start.offset < b.location.span.start.offset
    }
    if a.ruleID != b.ruleID { return a.ruleID < b.ruleID }
    if a.entity.rawValue != b.entity.rawValue { return a.entity.rawValue < b.entity.rawValue }
    return a.fingerprint < b.fingerprint
  }
}
