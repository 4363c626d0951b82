import Foundation
import PlumbDiagnostics
import PlumbGraph

/// Evaluates one compiled rule over a graph.
///
/// Evaluation is total: there are no loops other than over finite collections, no recursion in
/// the language, and every join goes through a hash index, so the cost grows with the input.
struct Evaluator {
  let graph: DocumentGraph
  let rule: CompiledRule
  /// The rule's parameters, searched linearly (a rule has a handful; hashing the name on every
  /// `param.x` costs more).
  let paramNames: [String]
  let paramValues: [RuntimeValue]
  let indexes: IndexCache
  /// What was recorded since `startRecording`, rendered only when a finding needs it.
  private var evidence: [(expr: Expr, value: RuntimeValue)] = []
  private(set) var recording = false
  /// Compiled patterns (or why a text is not one), with the answers already computed for short
  /// texts.
  private var regexes: [String: Result<MemoizedRegex, PatternError>] = [:]
  /// The first patterns compiled, searched before `regexes` (see `compiledPattern`).
  private var recentPatterns: [(source: String, regex: Result<MemoizedRegex, PatternError>)] = []
  /// The country sets of `in_jurisdiction`'s jurisdiction argument, by its text.
  var jurisdictionSets: [String: Set<String>?] = [:]
  /// `is_global_service` as far as a resource type decides it (nil: its location decides), by type.
  var globalServiceTypes: [String: Bool?] = [:]
  /// Work spent judging the current entity (expressions evaluated, elements and bytes built),
  /// against ``EvaluationBudget/perEntity``.
  private(set) var work = 0
  /// Whether the current entity's judgement failed (``failure`` says why): every value from then
  /// on is unknown, evaluation stops as soon as it can, and the entity's judgement is an error.
  private(set) var failed = false
  /// The first evaluation error of the current entity's judgement.
  private(set) var failure: EvaluationError?
  private var memo: [Int: RuntimeValue] = [:]
  /// Large join candidate lists, grouped for narrowing (see `JoinNarrowing.swift`).
  var joins: [JoinSite: NarrowedJoin] = [:]
  /// Whether a join site's value is independent of the judged entity, by site.
  var constantJoinSites: [Int: Bool] = [:]
  /// The values of such join sites, computed once.
  var constantJoinValues: [Int: RuntimeValue] = [:]
  /// The attribute index of each join site (the shared cache is locked and keyed by a string).
  var siteIndexes: [Int: AttributeIndex] = [:]

  /// Work allowed per entity (see ``EvaluationBudget``).
  let budget: Int

  /// The rule's body as `judge` walks it: a trivial tag per statement, and the expressions it
  /// evaluates in arrays beside it, so that walking the body copies no `Statement` (a `require`
  /// holds five fields, each retained and released on every copy).
  enum Step {
    /// `let stepNames[i] = stepExprs[i]`.
    case bind(Int)
    /// `when stepExprs[i]`.
    case when(Int)
    /// `require stepExprs[i]`, the rest of it in `requirements[i]`.
    case require(Int)
  }
  let steps: [Step]
  let stepNames: [String]
  let stepExprs: [Expr]
  let requirements: [RequireStatement?]

  init(
    graph: DocumentGraph, rule: CompiledRule, params: [String: RuntimeValue], indexes: IndexCache,
    budget: Int = EvaluationBudget.perEntity
  ) {
    self.graph = graph
    self.rule = rule
    self.paramNames = Array(params.keys)
    self.paramValues = Array(params.values)
    self.indexes = indexes
    self.budget = budget
    var steps: [Step] = []
    var names: [String] = []
    var exprs: [Expr] = []
    var requirements: [RequireStatement?] = []
    for statement in rule.decl.body {
      let position = exprs.count
      switch statement {
      case .let(let name, let value, _):
        steps.append(.bind(position))
        names.append(name)
        exprs.append(value)
        requirements.append(nil)
      case .when(let condition, _):
        steps.append(.when(position))
        names.append("")
        exprs.append(condition)
        requirements.append(nil)
      case .require(let requirement):
        steps.append(.require(position))
        names.append("")
        exprs.append(requirement.condition)
        requirements.append(requirement)
      }
    }
    self.steps = steps
    self.stepNames = names
    self.stepExprs = exprs
    self.requirements = requirements
  }

  /// The result of one rule over the graph.
  struct Outcome {
    var findings: [Finding] = []
    var statistics: RuleStatistics
    var states: [(EntityID, RuleState)] = []
    /// Entities the rule could not judge, with the first error of each, in judging order.
    var errors: [(entity: EntityID, error: EvaluationError)] = []
    /// The most work one entity's judgement took (`PLUMB_PHASE_TIMES` prints it).
    var mostWork = 0
  }


  // MARK: Running a rule

  mutating func run() -> Outcome {
    var outcome = Outcome(statistics: RuleStatistics(ruleID: rule.id))
    guard let selector = rule.decl.selector else { return outcome }
    var env: Env = [:]
    for entity in subjects(selector) {
      outcome.statistics.selected += 1
      env.reset(rule.decl.variable, .entity(entity))
      judge(entity, &outcome, env: &env)
      outcome.mostWork = max(outcome.mostWork, work)
    }
    return outcome
  }

  func entities(_ selector: Selector) -> [Entity] {
    if selector.types.isEmpty { return graph.entities(ofKind: selector.kind) }
    return selector.types.flatMap { graph.entities(ofKind: selector.kind, type: $0) }
  }

  /// The entities a rule judges: the repository's own (catalog context only resolves joins and
  /// selections inside expressions, unless it is checked).
  func subjects(_ selector: Selector) -> [Entity] {
    if selector.types.isEmpty { return graph.subjects(ofKind: selector.kind) }
    return selector.types.flatMap { graph.subjects(ofKind: selector.kind, type: $0) }
  }

  mutating func judge(_ entity: Entity, _ outcome: inout Outcome) {
    var env: Env = [rule.decl.variable: .entity(entity)]
    judge(entity, &outcome, env: &env)
  }

  /// Judges `entity` with `env` binding the rule's variable to it (and nothing else).
  mutating func judge(_ entity: Entity, _ outcome: inout Outcome, env: inout Env) {
    var anyFailure = false
    var anyUnknown = false
    work = 0
    failed = false
    failure = nil
    for step in steps {
      switch step {
      case .bind(let position):
        env[stepNames[position]] = eval(stepExprs[position], env)
        if failed { return giveUp(entity, &outcome) }
      case .when(let position):
        startRecording()
        let truth = truth(eval(stepExprs[position], env))
        let recorded = stopRecording()
        // An error in a `when` is an error, never "not applicable".
        if failed { return giveUp(entity, &outcome) }
        switch truth {
        case .yes: continue
        case .no:
          outcome.statistics.notApplicable += 1
          outcome.states.append((entity.id, .notApplicable))
          return
        case .unknown:
          let decided = rendered(recorded)
          // Whether the rule applies is unknown until apply: never silently not-applicable.
          outcome.findings.append(
            finding(
              entity, verdict: .indeterminate, ordinal: -1, at: nil, env: env, evidence: decided,
              message: "cannot tell whether '\(rule.id)' applies to '\(entity.name)': \(describeUnknown(decided))"))
          outcome.statistics.applicable += 1
          outcome.statistics.indeterminate += 1
          outcome.states.append((entity.id, .indeterminate))
          return
        }
      case .require(let position):
        startRecording()
        let truth = truth(eval(stepExprs[position], env))
        let recorded = stopRecording()
        if failed { return giveUp(entity, &outcome) }
        if truth == .yes { continue }
        guard let requirement = requirements[position] else { continue }
        let decided = rendered(recorded)
        let verdict: Verdict = truth == .no ? .fail : .indeterminate
        if verdict == .fail { anyFailure = true } else { anyUnknown = true }
        var message = evalMessage(requirement.message, env)
        if verdict == .indeterminate {
          message += " (indeterminate: \(describeUnknown(decided)))"
        }
        var result = finding(
          entity, verdict: verdict, ordinal: requirement.ordinal, at: requirement.at, env: env,
          evidence: decided, message: message)
        if verdict == .fail { result.fixes = fixes(requirement.fixes, env) }
        // The message, `at` and fixes are evaluated too: an error there is the entity's error.
        if failed { return giveUp(entity, &outcome) }
        outcome.findings.append(result)
      }
    }
    outcome.statistics.applicable += 1
    if anyFailure {
      outcome.statistics.failed += 1
      outcome.states.append((entity.id, .fail))
    } else if anyUnknown {
      outcome.statistics.indeterminate += 1
      outcome.states.append((entity.id, .indeterminate))
    } else {
      outcome.statistics.passed += 1
      outcome.states.append((entity.id, .pass))
    }
  }

  /// An entity whose judgement failed (``failure``): an error, never a pass. The findings its
  /// earlier `require`s produced are kept (they were decided before the error); the entity gets
  /// an error finding that says why, its state is error, and the engine reports a policy error.
  mutating func giveUp(_ entity: Entity, _ outcome: inout Outcome) {
    let error =
      failure ?? EvaluationError(kind: .budget, message: "it needed more than \(budget) steps (the evaluation budget per entity)")
    outcome.errors.append((entity.id, error))
    var evidence: [Evidence] = []
    if let site = error.site {
      evidence.append(
        Evidence(
          expression: rule.source.text(from: site.lowerBound, to: site.upperBound), value: error.value ?? "",
          location: error.valueLocation))
    }
    outcome.findings.append(
      finding(
        entity, verdict: .error, ordinal: -2, at: nil, env: [:], evidence: evidence,
        message: "'\(rule.id)' could not be evaluated for '\(entity.name)': \(error.message)"))
    outcome.statistics.applicable += 1
    outcome.statistics.errors += 1
    outcome.states.append((entity.id, .error))
  }

  /// Counts `amount` units of work for the current entity; false once the budget is spent (the
  /// judgement has then failed) or the judgement failed otherwise.
  @inline(__always)
  mutating func charge(_ amount: Int) -> Bool {
    work &+= amount
    if work > budget && !failed {
      fail(EvaluationError(kind: .budget, message: "it needed more than \(budget) steps (the evaluation budget per entity)"))
    }
    return !failed
  }

  /// Records the judgement's first error; every value from then on is unknown (returned here for
  /// the caller's convenience), and `judge` gives the entity up after the current statement.
  @discardableResult
  mutating func fail(_ error: EvaluationError) -> RuntimeValue {
    if !failed {
      failed = true
      failure = error
    }
    return .unknown
  }

  /// Fails with `kind` and `message` at `site`, blaming `value` (its location and text).
  @discardableResult
  mutating func fail(_ kind: EvaluationError.Kind, _ message: String, at site: Expr, value: RuntimeValue? = nil)
    -> RuntimeValue
  {
    fail(
      EvaluationError(
        kind: kind, message: message, site: site.range, valueLocation: value?.location,
        value: value.map { EvaluationError.excerpt($0.text) }))
  }

  func describeUnknown(_ evidence: [Evidence]) -> String {
    let unknown = evidence.filter { $0.value == "<unknown until apply>" }.map(\.expression)
    if unknown.isEmpty { return "a value is unknown until apply" }
    return unknown.map { "'\($0)'" }.joined(separator: ", ") + (unknown.count == 1 ? " is" : " are")
      + " unknown until apply"
  }

  mutating func finding(
    _ entity: Entity, verdict: Verdict, ordinal: Int, at: Expr?, env: Env, evidence: [Evidence], message: String
  ) -> Finding {
    var location = entity.location
    var atText = ""
    if let at {
      let value = eval(at, env)
      atText = rule.text(at)
      if let place = value.location { location = place }
    } else if let decided = evidence.first(where: { $0.location != nil })?.location {
      location = decided
    }
    let fingerprint = stableHash([rule.id, entity.id.rawValue, String(ordinal), atText])
    // A node inside an anchored value reached through an alias: point at the alias (which job,
    // which step), and keep the anchored value as where it is defined.
    return Finding(
      ruleID: rule.id, title: rule.decl.title, severity: rule.decl.severity, category: rule.decl.category,
      message: message, entity: entity.id, entityKind: entity.kind, location: location.useSite, verdict: verdict,
      evidence: evidence, fingerprint: fingerprint, requirement: ordinal, fixes: [],
      definedAt: location.usedAt == nil ? nil : location.definition)
  }

  mutating func evalMessage(_ expr: Expr, _ env: Env) -> String {
    let wasRecording = recording
    recording = false
    defer { recording = wasRecording }
    return eval(expr, env).text
  }

  // MARK: Evidence

  mutating func startRecording() {
    evidence.removeAll(keepingCapacity: true)
    recording = true
  }

  /// Stops recording and returns what was recorded. Rendering it (`rendered`) costs more than
  /// most evaluations, and only findings need it: a passing or not-applicable entity never does.
  mutating func stopRecording() -> [(expr: Expr, value: RuntimeValue)] {
    recording = false
    return evidence
  }

  /// Recorded values as evidence, in order, without duplicates.
  func rendered(_ recorded: [(expr: Expr, value: RuntimeValue)]) -> [Evidence] {
    var seen = Set<Evidence>()
    return recorded.map { Evidence(expression: rule.text($0.expr), value: $0.value.text, location: $0.value.location) }
      .filter { seen.insert($0).inserted }
  }

  mutating func record(_ expr: Expr, _ value: RuntimeValue) {
    guard recording else { return }
    switch expr {
    case .string, .int, .float, .bool, .null, .list, .map, .param: return
    default: break
    }
    evidence.append((expr, value))
  }

  // MARK: Expressions

  mutating func eval(_ expr: Expr, _ env: Env) -> RuntimeValue {
    guard charge(1) else { return .unknown }
    switch expr {
    case .null: return .null
    case .bool(let b, _): return .bool(b)
    case .int(let i, _): return .int(i)
    case .float(let f, _): return .value(.float(f))
    case .string(let parts, _):
      // A plain literal is its own text (the same storage every time: pattern caches compare it).
      if parts.count == 1, case .text(let literal) = parts[0] { return .string(literal) }
      var text = ""
      for part in parts {
        switch part {
        case .text(let t): text += t
        case .expr(let e): text += eval(e, env).text
        }
      }
      // Rendering a value (a long list, a huge scalar) costs the bytes it writes.
      guard charge(text.utf8.count) else { return .unknown }
      return .string(text)
    case .list(let items, _):
      return .list(items.map { eval($0, env) })
    case .map(let entries, _):
      return .value(.map(ValueMap(entries.map { ($0.key, toValue(eval($0.value, env))) })))
    case .name(let name, _):
      if let bound = env[name] { return bound }
      // Inside a selector filter, a free name is an attribute of the candidate.
      if let candidate = env[Evaluator.candidateKey], case .entity(let entity) = candidate {
        return .value(entity.attributes[name])
      }
      return .missing
    case .param(let name, _):
      let length = name.utf8.count
      for position in paramNames.indices
      where paramNames[position].utf8.count == length && paramNames[position] == name {
        return paramValues[position]
      }
      return .missing
    case .member(let base, let name, _):
      return member(eval(base, env), name)
    case .index(let base, let key, _):
      let container = eval(base, env)
      let index = eval(key, env)
      if index.isUnknown { return .unknown }
      switch index.scalar {
      case .int(let i):
        switch container {
        case .list(let items): return i >= 0 && i < items.count ? items[i] : .missing
        // One element, without materialising the list (a YAML sequence, a planned list).
        case .value(let value): return value.kind == .list || value.kind == .unknown ? .value(value[i]) : .missing
        case .entity: return .missing
        }
      case .string(let s): return member(container, s)
      default: return .missing
      }
    case .call(let callee, let arguments, _):
      return call(callee, arguments, env, expr)
    case .unary(.not, let operand, _):
      return truth(eval(operand, env)).negated.runtime
    case .unary(.negate, let operand, _):
      let value = eval(operand, env)
      switch value.scalar {
      case .int(let i):
        let (negated, overflow) = Int(0).subtractingReportingOverflow(i)
        if overflow { return fail(.overflow, "integer overflow in '\(rule.text(expr))' (-(\(i)))", at: expr, value: value) }
        return .int(negated)
      case .float(let f): return .value(.float(-f))
      case .unknown: return .unknown
      default: return .missing
      }
    case .binary(let op, let left, let right, _):
      return binary(op, left, right, env, expr)
    case .quantifier(let quantifier, let variables, let collection, let body, _):
      return quantify(quantifier, variables, collection, body, env)
    case .select(let selector, let filter, let range):
      return select(selector, filter, range, env)
    case .traverse(let base, let relation, _):
      // Evaluated first: `traverse(eval(...))` would copy the whole evaluator (its caches) to call
      // a non-mutating method with an argument whose evaluation mutates it.
      let value = eval(base, env)
      return traverse(value, relation)
    }
  }

  static let candidateKey = "\u{0}candidate"

  static func member(_ base: RuntimeValue, _ name: String) -> RuntimeValue {
    switch base {
    case .entity(let entity): return .value(entity.attributes[name])
    case .value(let value): return .value(value[name])
    case .list: return .missing
    }
  }

  func traverse(_ base: RuntimeValue, _ relation: String) -> RuntimeValue {
    switch base {
    case .entity(let entity):
      return .list(graph.related(entity, relation).map(RuntimeValue.entity))
    case .list(let items):
      var result: [RuntimeValue] = []
      for item in items {
        if case .list(let related) = traverse(item, relation) { result.append(contentsOf: related) }
      }
      return .list(result)
    case .value(let value):
      return value.isUnknown ? .unknown : .list([])
    }
  }

  static func toValue(_ runtime: RuntimeValue) -> Value {
    switch runtime {
    case .value(let v): return v
    case .entity(let e): return e.attributes
    case .list(let items): return .list(items.map(toValue))
    }
  }

  // MARK: Truth, equality, ordering

  static func truth(_ value: RuntimeValue) -> Truth {
    switch value.kind {
    case .bool: return Truth(value.scalar.bool ?? false)
    case .unknown: return .unknown
    case .missing, .null: return .no
    default: return .yes
    }
  }

  static func equals(_ a: RuntimeValue, _ b: RuntimeValue) -> Truth {
    if a.isUnknown || b.isUnknown { return .unknown }
    if case .entity(let x) = a, case .entity(let y) = b { return Truth(x.id == y.id) }
    // Element by element, without building lists of YAML or planned elements.
    if let count = a.elementCount, let other = b.elementCount {
      guard count == other else { return .no }
      var result = Truth.yes
      for position in 0..<count {
        result = Truth.and(result, equals(a.element(position), b.element(position)))
        if result == .no { return .no }
      }
      return result
    }
    if a.kind == .map && b.kind == .map, let xs = a.entries, let ys = b.entries {
      guard xs.count == ys.count else { return .no }
      var result = Truth.yes
      for (key, x) in xs {
        guard let y = ys.first(where: { $0.key == key })?.value else { return .no }
        result = Truth.and(result, equals(x, y))
        if result == .no { return .no }
      }
      return result
    }
    return Truth(scalarEquals(a.scalar, b.scalar))
  }

  static func scalarEquals(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.missing, .missing), (.null, .null): return true
    case (.string(let x), .string(let y)): return x == y
    case (.int(let x), .int(let y)): return x == y
    case (.float(let x), .float(let y)): return x == y
    case (.int(let x), .float(let y)), (.float(let y), .int(let x)): return Double(x) == y
    case (.bool(let x), .bool(let y)): return x == y
    default: return false
    }
  }

  static func compare(_ a: RuntimeValue, _ b: RuntimeValue, _ op: BinaryOperator) -> Truth {
    if a.isUnknown || b.isUnknown { return .unknown }
    let order: Int?
    switch (a.scalar, b.scalar) {
    case (.int(let x), .int(let y)): order = x < y ? -1 : (x == y ? 0 : 1)
    case (.float(let x), .float(let y)): order = x < y ? -1 : (x == y ? 0 : 1)
    case (.int(let x), .float(let y)): order = Double(x) < y ? -1 : (Double(x) == y ? 0 : 1)
    case (.float(let x), .int(let y)): order = x < Double(y) ? -1 : (x == Double(y) ? 0 : 1)
    case (.string(let x), .string(let y)): order = x < y ? -1 : (x == y ? 0 : 1)
    default: order = nil
    }
    guard let order else { return .no }
    switch op {
    case .less: return Truth(order < 0)
    case .lessEqual: return Truth(order <= 0)
    case .greater: return Truth(order > 0)
    default: return Truth(order >= 0)
    }
  }

  static func contains(_ container: RuntimeValue, _ item: RuntimeValue) -> Truth {
    if container.isUnknown || item.isUnknown { return .unknown }
    if let count = container.elementCount {
      var result = Truth.no
      for position in 0..<count {
        result = Truth.or(result, equals(item, container.element(position)))
        if result == .yes { return .yes }
      }
      return result
    }
    if container.kind == .map, case .string(let key) = item.scalar {
      return Truth(container.entries?.contains { $0.key == key } ?? false)
    }
    if case .string(let haystack) = container.scalar, case .string(let needle) = item.scalar {
      return Truth(LiteralText.contains(haystack, needle))
    }
    return .no
  }

  /// `value matches pattern` (`site` is the whole expression). A text that is not a string does
  /// not match; a pattern that is not a valid regular expression, or a match that runs over the
  /// budget left or over ICU's backtracking memory limit, is an evaluation error. The text's bytes
  /// and ICU's steps are charged to the budget.
  mutating func matches(_ value: RuntimeValue, _ pattern: RuntimeValue, _ site: Expr) -> Truth {
    if value.isUnknown || pattern.isUnknown { return .unknown }
    guard case .string(let source) = pattern.scalar else { return .no }
    let compiled = compiledPattern(source)
    guard case .success(let regex) = compiled else {
      if case .failure(let problem) = compiled {
        fail(
          .invalidPattern, "'\(EvaluationError.excerpt(source))' is not a valid regular expression (\(problem))",
          at: site, value: pattern)
      }
      return .unknown
    }
    guard case .string(let text) = value.scalar else { return .no }
    guard charge(text.utf8.count) else { return .unknown }
    var steps = 0
    let left = max(0, budget - work)
    let answer = regex.matches(text, stepLimit: left, steps: &steps)
    work &+= steps
    switch answer {
    case .found(let found):
      return charge(0) ? Truth(found) : .unknown
    case .overStepLimit:
      fail(
        .patternLimit,
        "matching '\(EvaluationError.excerpt(source, 60))' against a \(text.utf8.count)-byte text needed more than "
          + "the \(left) steps left of the evaluation budget (\(budget) per entity)",
        at: site, value: value)
      return .unknown
    case .overMemoryLimit:
      fail(
        .patternLimit,
        "matching '\(EvaluationError.excerpt(source, 60))' against a \(text.utf8.count)-byte text needed more than "
          + "\(BoundedRegex.stackLimitBytes >> 20) MiB of backtracking memory",
        at: site, value: value)
      return .unknown
    }
  }

  /// The compiled pattern for `source`, or why it is not one. A rule uses a handful of patterns,
  /// each usually the very same string every time (a parameter, a literal): comparing it with the
  /// few seen first costs less than hashing a pattern of a few hundred bytes on every match.
  mutating func compiledPattern(_ source: String) -> Result<MemoizedRegex, PatternError> {
    for (known, regex) in recentPatterns where known == source { return regex }
    if let cached = regexes[source] { return cached }
    // Compiling costs the pattern's length (a pattern built from input data can be long).
    _ = charge(source.utf8.count)
    let regex = Result { () throws(PatternError) in MemoizedRegex(try BoundedRegex(source)) }
    if recentPatterns.count < Self.recentPatternLimit {
      recentPatterns.append((source, regex))
    } else {
      regexes[source] = regex
    }
    return regex
  }

  /// Patterns kept in `recentPatterns`; any more (a rule building patterns from data) are hashed.
  static let recentPatternLimit = 8

  /// A binary operation (`site` is the whole expression, for errors).
  mutating func binary(_ op: BinaryOperator, _ left: Expr, _ right: Expr, _ env: Env, _ site: Expr) -> RuntimeValue {
    switch op {
    case .and:
      let l = truth(eval(left, env))
      if l == .no { return .bool(false) }
      return Truth.and(l, truth(eval(right, env))).runtime
    case .or:
      let l = truth(eval(left, env))
      if l == .yes { return .bool(true) }
      return Truth.or(l, truth(eval(right, env))).runtime
    default: break
    }
    let a = eval(left, env)
    let b = eval(right, env)
    record(left, a)
    record(right, b)
    switch op {
    case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
      // NaN is neither equal to nor ordered with anything, itself included: a comparison with it
      // cannot be decided, so it is an error rather than a false that `not` turns into true.
      if let nan = Self.isNaN(a) ? a : (Self.isNaN(b) ? b : nil) {
        return fail(.notANumber, "'\(rule.text(site))' compares NaN (not a number)", at: site, value: nan)
      }
      switch op {
      case .equal: return equals(a, b).runtime
      case .notEqual: return equals(a, b).negated.runtime
      default: return compare(a, b, op).runtime
      }
    case .in:
      guard chargeSearch(b, a) else { return .unknown }
      return contains(b, a).runtime
    case .notIn:
      guard chargeSearch(b, a) else { return .unknown }
      return contains(b, a).negated.runtime
    case .matches: return matches(a, b, site).runtime
    case .add, .subtract, .multiply, .divide:
      switch arithmetic(op, a, b) {
      case .success(let result):
        // A string built by `+` costs its length in bytes: doubling a string in a few `let`s must
        // not exhaust memory.
        if case .value(.string(let text)) = result, !charge(text.utf8.count) { return .unknown }
        return result
      case .failure(let error):
        let blamed = error == .divisionByZero || a.location == nil ? b : a
        let operation = EvaluationError.excerpt("\(a.quotedText) \(op.rawValue) \(b.quotedText)")
        return fail(error.kind, "\(error.description) in '\(rule.text(site))' (\(operation))", at: site, value: blamed)
      }
    case .and, .or: return .missing
    }
  }

  /// Whether `value` is a floating-point NaN (`.nan` in YAML).
  static func isNaN(_ value: RuntimeValue) -> Bool {
    guard value.kind == .float, case .float(let f) = value.scalar else { return false }
    return f.isNaN
  }

  /// Charges searching `container` for `item` (`in`, `contains`): the bytes of a string searched,
  /// the elements of a list compared. False when the budget is spent.
  mutating func chargeSearch(_ container: RuntimeValue, _ item: RuntimeValue) -> Bool {
    if let count = container.elementCount { return charge(count) }
    if container.kind == .string, case .string(let text) = container.scalar { return charge(text.utf8.count) }
    return !failed
  }

  /// Why arithmetic on two values has no result.
  enum ArithmeticError: Error, Equatable {
    case divisionByZero, overflow, notANumber

    var kind: EvaluationError.Kind {
      switch self {
      case .divisionByZero: .divisionByZero
      case .overflow: .overflow
      case .notANumber: .notANumber
      }
    }

    var description: String {
      switch self {
      case .divisionByZero: "division by zero"
      case .overflow: "overflow"
      case .notANumber: "a result that is not a number"
      }
    }
  }

  /// `a op b` for `+ - * /`. Values of other types give missing (`"a" - 1`); unknown gives
  /// unknown; a division by zero, an integer result outside 64 bits, a finite result out of a
  /// float's range and a NaN result are errors.
  static func arithmetic(_ op: BinaryOperator, _ a: RuntimeValue, _ b: RuntimeValue) -> Result<RuntimeValue, ArithmeticError> {
    if a.isUnknown || b.isUnknown { return .success(.unknown) }
    switch (a.scalar, b.scalar) {
    case (.int(let x), .int(let y)):
      let result: (Int, Bool)
      switch op {
      case .add: result = x.addingReportingOverflow(y)
      case .subtract: result = x.subtractingReportingOverflow(y)
      case .multiply: result = x.multipliedReportingOverflow(by: y)
      default:
        guard y != 0 else { return .failure(.divisionByZero) }
        result = x.dividedReportingOverflow(by: y)
      }
      return result.1 ? .failure(.overflow) : .success(.int(result.0))
    case (.string(let x), .string(let y)) where op == .add:
      return .success(.string(x + y))
    default:
      guard let x = number(a.scalar), let y = number(b.scalar) else { return .success(.missing) }
      let result: Double
      switch op {
      case .add: result = x + y
      case .subtract: result = x - y
      case .multiply: result = x * y
      default:
        guard y != 0 else { return .failure(.divisionByZero) }
        result = x / y
      }
      if result.isNaN { return .failure(.notANumber) }
      if result.isInfinite && x.isFinite && y.isFinite { return .failure(.overflow) }
      return .success(.value(.float(result)))
    }
  }

  static func number(_ value: Value) -> Double? {
    switch value {
    case .int(let i): return Double(i)
    case .float(let f): return f
    default: return nil
    }
  }

  // MARK: Quantifiers

  mutating func quantify(
    _ quantifier: Quantifier, _ variables: [String], _ collection: Expr, _ body: Expr, _ env: Env
  ) -> RuntimeValue {
    let container = eval(collection, env)
    if container.isUnknown { return .unknown }
    // Per element, its value, and with two variables its index or key first (no array per element).
    // A list's elements are read one at a time (a YAML or planned list is not built); a map's
    // entries are built once.
    let listCount = container.elementCount
    var values: [RuntimeValue] = []
    var keys: [RuntimeValue] = []
    if listCount == nil, let entries = container.entries, container.kind == .map {
      values = entries.map(\.value)
      if variables.count == 2 { keys = entries.map { RuntimeValue.string($0.key) } }
    }
    var scope = env
    var sawUnknown = false
    var count = 0
    var kept: [RuntimeValue] = []
    for position in 0..<(listCount ?? values.count) {
      let value = listCount == nil ? values[position] : container.element(position)
      if variables.count == 2 {
        scope[variables[0]] = listCount == nil ? keys[position] : .int(position)
        scope[variables[1]] = value
      } else if let variable = variables.first {
        scope[variable] = value
      }
      if failed { return .unknown }
      if quantifier == .map {
        kept.append(eval(body, scope))
        continue
      }
      let t = truth(eval(body, scope))
      switch (quantifier, t) {
      case (.all, .no): return .bool(false)
      case (.any, .yes): return .bool(true)
      case (.none, .yes): return .bool(false)
      case (_, .unknown): sawUnknown = true
      case (.count, .yes): count += 1
      case (.filter, .yes): kept.append(value)
      default: break
      }
    }
    switch quantifier {
    case .all, .none: return sawUnknown ? .unknown : .bool(true)
    case .any: return sawUnknown ? .unknown : .bool(false)
    case .count: return sawUnknown ? .unknown : .int(count)
    case .filter: return sawUnknown ? .unknown : .list(kept)
    case .map: return .list(kept)
    }
  }

  // MARK: Selectors and joins

  mutating func select(_ selector: Selector, _ filter: Expr?, _ range: Range<Int>, _ env: Env) -> RuntimeValue {
    guard let filter else {
      // Independent of the entity being judged: computed once per run.
      if let cached = memo[range.lowerBound] { return cached }
      let all = RuntimeValue.list(entities(selector).map(RuntimeValue.entity))
      memo[range.lowerBound] = all
      return all
    }
    guard let plan = rule.joins[range.lowerBound] else { return .missing }
    // A join on a constant whose filter reads only the candidate has one value: computed once
    // (unless evidence is recorded, which evaluating it again does).
    let constant = !recording && isConstantJoin(plan, range.lowerBound, env)
    if constant, let value = constantJoinValues[range.lowerBound] { return value }
    let value = join(plan, range.lowerBound, env)
    // A value computed while the judgement failed is not the join's value: never kept.
    if constant && !failed { constantJoinValues[range.lowerBound] = value }
    return value
  }

  /// The entities of `plan`'s selector that pass its filter in `env` (the site is the select
  /// expression's start offset).
  mutating func join(_ plan: JoinPlan, _ siteOffset: Int, _ env: Env) -> RuntimeValue {
    let probe = eval(plan.probe, env)
    record(plan.probe, probe)
    if probe.isUnknown { return .unknown }
    var candidates: [Entity]
    if case .name = plan.key, probe.scalar.string == nil { return .list([]) }
    let site = JoinSite(siteOffset, plan, probe)
    if let site, let join = joins[site] {
      // A large candidate list seen before: only the candidates that can pass are evaluated
      // (all of them while evidence is recorded, so it stays the same).
      candidates = recording ? join.candidates : narrow(join, env)
    } else {
      switch plan.key {
      case .name:
        guard case .string(let name) = probe.scalar else { return .list([]) }
        candidates = graph.entities(ofKind: plan.kind, named: name)
      case .attribute(let path):
        // Only the selector's types are indexed: the same candidates as filtering by type after.
        let index: AttributeIndex
        if let cached = siteIndexes[siteOffset] {
          index = cached
        } else {
          index = indexes.index(graph, kind: plan.kind, types: plan.types, path: path)
          siteIndexes[siteOffset] = index
        }
        candidates = index.lookup(probe.scalar)
      }
      if !plan.types.isEmpty { candidates = candidates.filter { plan.types.contains($0.type ?? "") } }
      if let site, candidates.count >= NarrowedJoin.threshold {
        let join = narrowedJoin(plan, candidates, env)
        // Narrowed while the judgement failed, what is known about the candidates is incomplete
        // (still sound: a candidate is dropped only for a conjunct that was false, and values
        // after the failure are unknown): it is not kept, so a later entity narrows it fully.
        if !failed { joins[site] = join }
        if !recording { candidates = narrow(join, env) }
      }
    }
    var result: [RuntimeValue] = []
    var scope = env
    for candidate in candidates {
      scope[Evaluator.candidateKey] = .entity(candidate)
      scope["it"] = .entity(candidate)
      var keep = Truth.yes
      for condition in plan.residual {
        keep = Truth.and(keep, truth(eval(condition, scope)))
        if keep == .no { break }
      }
      if keep == .unknown { return .unknown }
      if keep == .yes { result.append(.entity(candidate)) }
    }
    return .list(result)
  }

  // MARK: Fixes

  mutating func fixes(_ statements: [FixStatement], _ env: Env) -> [ProposedFix] {
    var result: [ProposedFix] = []
    for statement in statements {
      if failed { break }
      switch statement {
      case .set(let target, let value, _): result += fix(.set, target, value, env).map { [$0] } ?? []
      case .insert(let target, let value, _): result += fix(.insert, target, value, env).map { [$0] } ?? []
      case .remove(let target, _): result += fix(.remove, target, nil, env).map { [$0] } ?? []
      case .append(let target, let value, _): result += fix(.append, target, value, env).map { [$0] } ?? []
      case .each(let variable, let collection, let body, _):
        // A list that is unknown gives no edits: nothing is guessed.
        let container = eval(collection, env)
        guard !container.isUnknown else { continue }
        var scope = env
        if let count = container.elementCount {
          for position in 0..<count {
            scope[variable] = container.element(position)
            result += fixes(body, scope)
          }
        } else if let entries = container.entries, container.kind == .map {
          for entry in entries {
            scope[variable] = entry.value
            result += fixes(body, scope)
          }
        }
      }
    }
    return result
  }

  mutating func fix(_ operation: ProposedFix.Operation, _ target: Expr, _ value: Expr?, _ env: Env) -> ProposedFix? {
    var path: [String] = []
    var cursor = target
    while true {
      switch cursor {
      case .member(let base, let name, _):
        path.insert(name, at: 0)
        cursor = base
        continue
      case .index(let base, let key, _):
        path.insert(eval(key, env).text, at: 0)
        cursor = base
        continue
      default: break
      }
      break
    }
    guard case .entity(let entity) = eval(cursor, env) else { return nil }
    // The deepest node that exists along the path anchors the edit.
    var anchor = entity.location
    var current = entity.attributes
    for key in path {
      let next = Int(key).map { current[$0] } ?? current[key]
      if next.isMissing { break }
      current = next
      if let location = next.location { anchor = location }
    }
    var rendered: String?
    if let value {
      // A value the rule cannot know (missing, unknown until apply) gives no fix: nothing is guessed.
      let evaluated = eval(value, env)
      if evaluated.isMissing || evaluated.isUnknown { return nil }
      rendered = jsonText(evaluated)
    }
    return ProposedFix(operation: operation, entity: entity.id, path: path, value: rendered, anchor: anchor)
  }

  func jsonText(_ value: RuntimeValue) -> String {
    switch value {
    case .list(let items): return "[" + items.map(jsonText).joined(separator: ", ") + "]"
    case .entity(let e): return jsonQuote(e.name)
    case .value(let v):
      switch v.kind {
      case .string: return jsonQuote(v.string ?? "")
      case .list: return "[" + v.elements.map { jsonText(.value($0)) }.joined(separator: ", ") + "]"
      case .map: return "{" + v.entries.map { jsonQuote($0.key) + ": " + jsonText(.value($0.value)) }.joined(separator: ", ") + "}"
      case .missing, .null, .unknown: return "null"
      default: return value.text
      }
    }
  }

  func jsonQuote(_ s: String) -> String { JSONText.quoted(s) }
}
