import Foundation
import PlumbDiagnostics
import PlumbGraph

/// The static type the checker tracks, enough to check attribute names and joins.
indirect enum StaticType: Equatable {
  case entity(String?)
  case entities(String?)
  case value
}

/// Checks a rule before it runs: names, arity, parameters, selectors, relations, attribute names,
/// regular expressions, and that every join can use an index. It also plans those joins.
struct Checker {
  let source: SourceFile
  var diagnostics: [Diagnostic] = []
  var joins: [Int: JoinPlan] = [:]
  private var params: [String: ParamType] = [:]
  /// Variables that stand for a parameter (`let p = param.x`) or for an element of a list
  /// parameter (`any(p in param.xs, …)`), so that a regular expression can be traced back to the
  /// parameter it comes from.
  private var parameterOrigins: [String: (param: String, element: Bool)] = [:]

  init(source: SourceFile) {
    self.source = source
  }

  mutating func error(_ message: String, _ range: Range<Int>, code: String = "policy.check") {
    diagnostics.append(
      Diagnostic(
        code: code, message: message,
        location: SourceLocation(path: source.path, span: source.span(from: range.lowerBound, to: range.upperBound))))
  }

  // MARK: Rules

  mutating func check(_ rule: RuleDecl) -> CompiledRule? {
    let before = diagnostics.count
    if !rule.id.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "_" }) || rule.id.hasSuffix("_rule") {
      error("rule id '\(rule.id)' must be snake_case (a-z, 0-9, _) and must not end in '_rule'", rule.idRange)
    }
    if rule.title.isEmpty { error("rule '\(rule.id)' needs a title", rule.idRange) }
    if rule.category.isEmpty { error("rule '\(rule.id)' needs a category", rule.idRange) }
    // Every output links the docs: only links that cannot run script in a reader's browser.
    if let docs = rule.docs, !LinkTarget.isAllowed(docs) {
      error(
        "rule '\(rule.id)': docs must be an http or https URL or a relative path, found '\(TerminalText.oneLine(docs))'",
        rule.docsRange ?? rule.idRange)
    }
    params = [:]
    parameterOrigins = [:]
    for param in rule.params {
      if params[param.name] != nil { error("parameter '\(param.name)' is declared twice", param.range) }
      params[param.name] = param.type
      if let value = param.defaultValue {
        if let constant = Checker.constant(value) {
          if !Checker.conforms(constant, to: param.type) {
            error("default value of '\(param.name)' is not a \(param.type)", value.range)
          } else {
            for (range, pattern, problem) in Checker.invalidPatterns(value, type: param.type) {
              error(
                "default value of '\(param.name)' is not a valid regular expression: '\(EvaluationError.excerpt(pattern))' (\(problem))",
                range, code: "policy.invalid-pattern")
            }
          }
        } else {
          error("default value of '\(param.name)' must be a literal", value.range)
        }
      }
    }
    var scope: [String: StaticType] = [:]
    joins = [:]
    if let selector = rule.selector {
      checkSelector(selector)
      scope[rule.variable] = .entity(selector.kind)
    }
    var requires = 0
    for statement in rule.body {
      switch statement {
      case .let(let name, let value, let range):
        if scope[name] != nil { error("'\(name)' is already defined", range) }
        scope[name] = infer(value, scope)
        if case .param(let param, _) = value { parameterOrigins[name] = (param, false) }
      case .when(let condition, _):
        _ = infer(condition, scope)
      case .require(let requirement):
        requires += 1
        _ = infer(requirement.condition, scope)
        _ = infer(requirement.message, scope)
        if let at = requirement.at { _ = infer(at, scope) }
        for fix in requirement.fixes { checkFix(fix, scope) }
      }
    }
    if requires == 0 { error("rule '\(rule.id)' has no 'require': it can never find anything", rule.idRange) }
    guard diagnostics.count == before else { return nil }
    return CompiledRule(decl: rule, source: source, joins: joins)
  }

  mutating func checkSelector(_ selector: Selector) {
    guard EntitySchemas.attributes[selector.kind] != nil else {
      let hint = suggestion(for: selector.kind, among: EntitySchemas.kinds).map { "; did you mean '\($0)'?" } ?? ""
      error("unknown entity kind '\(selector.kind)'\(hint)", selector.range)
      return
    }
  }

  mutating func checkFix(_ fix: FixStatement, _ scope: [String: StaticType]) {
    let target: Expr
    switch fix {
    case .each(let variable, let collection, let body, let range):
      let collectionType = infer(collection, scope)
      if scope[variable] != nil { error("'\(variable)' is already defined; choose another name", range) }
      var inner = scope
      if case .entities(let kind) = collectionType { inner[variable] = .entity(kind) } else { inner[variable] = .value }
      for statement in body { checkFix(statement, inner) }
      return
    case .set(let t, let value, _), .insert(let t, let value, _), .append(let t, let value, _):
      target = t
      _ = infer(value, scope)
    case .remove(let t, _):
      target = t
    }
    var cursor = target
    var depth = 0
    while true {
      switch cursor {
      case .member(let base, _, _):
        cursor = base
        depth += 1
        continue
      case .index(let base, let key, _):
        _ = infer(key, scope)
        cursor = base
        depth += 1
        continue
      default: break
      }
      break
    }
    guard case .name(let name, let range) = cursor, case .entity = scope[name] else {
      error("a fix must edit a path inside an entity, such as 's.with.persist-credentials'", target.range)
      return
    }
    if depth == 0 { error("a fix must name an attribute of '\(name)', not the entity itself", range) }
    _ = infer(target, scope)
  }

  // MARK: Expressions

  /// Checks an expression and infers its static type.
  mutating func infer(_ expr: Expr, _ scope: [String: StaticType], candidate: String?? = nil) -> StaticType {
    switch expr {
    case .null, .bool, .int, .float:
      return .value
    case .string(let parts, _):
      for case .expr(let inner) in parts { _ = infer(inner, scope, candidate: candidate) }
      return .value
    case .list(let items, _):
      items.forEach { _ = infer($0, scope, candidate: candidate) }
      return .value
    case .map(let entries, _):
      entries.forEach { _ = infer($0.value, scope, candidate: candidate) }
      return .value
    case .name(let name, let range):
      if let type = scope[name] { return type }
      if let candidate {
        // A free name inside a selector filter is an attribute of the candidate.
        checkAttribute(name, of: candidate, range)
        return .value
      }
      let hint = suggestion(for: name, among: scope.keys).map { "; did you mean '\($0)'?" } ?? ""
      error("unknown name '\(name)'\(hint)", range)
      return .value
    case .param(let name, let range):
      if params[name] == nil {
        let hint = suggestion(for: name, among: params.keys).map { "; did you mean '\($0)'?" } ?? ""
        error("unknown parameter '\(name)'\(hint)", range)
      }
      return .value
    case .member(let base, let name, let range):
      let baseType = infer(base, scope, candidate: candidate)
      if case .entity(let kind) = baseType {
        checkAttribute(name, of: kind, range)
      } else if case .entities = baseType {
        error("'\(name)' of a list of entities: use a quantifier such as all(e in …, e.\(name) …) or first(…)", range)
      }
      return .value
    case .index(let base, let key, let range):
      let baseType = infer(base, scope, candidate: candidate)
      _ = infer(key, scope, candidate: candidate)
      if case .entity(let kind) = baseType, case .string(let parts, _) = key, parts.count == 1,
        case .text(let name) = parts[0]
      {
        checkAttribute(name, of: kind, range)
      }
      if case .entities(let kind) = baseType, case .int = key { return .entity(kind) }
      return .value
    case .call(let callee, let arguments, let range):
      return checkCall(callee.name, arguments, range, scope, candidate)
    case .unary(_, let operand, _):
      _ = infer(operand, scope, candidate: candidate)
      return .value
    case .binary(let op, let left, let right, _):
      _ = infer(left, scope, candidate: candidate)
      _ = infer(right, scope, candidate: candidate)
      if op == .matches { checkPattern(right) }
      return .value
    case .quantifier(let quantifier, let variables, let collection, let body, let range):
      let collectionType = infer(collection, scope, candidate: candidate)
      var inner = scope
      if variables.count == 2 {
        inner[variables[0]] = .value
        inner[variables[1]] = .value
      } else if let variable = variables.first {
        if case .entities(let kind) = collectionType { inner[variable] = .entity(kind) } else { inner[variable] = .value }
      }
      for variable in variables where scope[variable] != nil {
        error("'\(variable)' is already defined; choose another name", range)
      }
      // The element variable over a parameter list stands for the parameter's elements.
      let saved = parameterOrigins
      for variable in variables { parameterOrigins[variable] = nil }
      if case .param(let param, _) = collection, let element = variables.last {
        parameterOrigins[element] = (param, true)
      }
      _ = infer(body, inner, candidate: candidate)
      parameterOrigins = saved
      if quantifier == .filter, case .entities(let kind) = collectionType { return .entities(kind) }
      return .value
    case .select(let selector, let filter, let range):
      checkSelector(selector)
      if let filter {
        planJoin(selector, filter, range, scope)
      } else {
        error(
          "scanning every \(selector.kind) for each entity is a nested loop; filter it by an attribute with '==' "
            + "(e.g. \(selector.kind)[metadata.name == x]) so Plumb can use an index, or count it with count(\(selector.kind))",
          range)
      }
      return .entities(selector.kind)
    case .traverse(let base, let relation, let range):
      let baseType = infer(base, scope, candidate: candidate)
      if !EntitySchemas.relations.contains(relation) {
        let hint = suggestion(for: relation, among: EntitySchemas.relations).map { "; did you mean '\($0)'?" } ?? ""
        error("unknown relation '\(relation)'\(hint)", range)
      }
      if baseType == .value { error("'->' follows relations from an entity or a list of entities", range) }
      return .entities(nil)
    }
  }

  mutating func checkAttribute(_ name: String, of kind: String?, _ range: Range<Int>) {
    guard let kind, let known = EntitySchemas.attributes[kind], !known.contains(name) else { return }
    let hint = suggestion(for: name, among: known).map { "; did you mean '\($0)'?" } ?? ""
    error("\(kind) has no attribute '\(name)'\(hint)", range)
  }

  mutating func checkCall(
    _ name: String, _ arguments: [Expr], _ range: Range<Int>, _ scope: [String: StaticType], _ candidate: String??
  ) -> StaticType {
    guard let builtin = Builtins.byName[name] else {
      let hint = suggestion(for: name, among: Builtins.byName.keys).map { "; did you mean '\($0)'?" } ?? ""
      error("unknown function '\(name)'\(hint)", range)
      return .value
    }
    if !builtin.arity.contains(arguments.count) {
      let expected = builtin.arity.count == 1 ? "\(builtin.arity.lowerBound)" : "\(builtin.arity.lowerBound)–\(builtin.arity.upperBound)"
      error("'\(name)' takes \(expected) argument\(builtin.arity.upperBound == 1 ? "" : "s"), not \(arguments.count): \(builtin.signature)", range)
    }
    var types: [StaticType] = []
    for argument in arguments {
      // A whole kind may be counted (computed once per run), not scanned per entity.
      if case .select(let selector, nil, _) = argument, ["count", "length", "exists", "is_empty"].contains(name) {
        checkSelector(selector)
        types.append(.entities(selector.kind))
        continue
      }
      // flatten([list of entities, …]) keeps the entities' type (a fix can then edit `first(…)`):
      // their kind when all lists have the same, else entities of any kind (a join's result and
      // entities reached through a relation, `e -> referencedBy`).
      if name == "flatten", case .list(let items, _) = argument, !items.isEmpty {
        let itemTypes = items.map { infer($0, scope, candidate: candidate) }
        if case .entities(let kind)? = itemTypes.first, itemTypes.allSatisfy({ $0 == .entities(kind) }) {
          types.append(.entities(kind))
        } else if itemTypes.allSatisfy({ if case .entities = $0 { true } else { false } }) {
          types.append(.entities(nil))
        } else {
          types.append(.value)
        }
        continue
      }
      types.append(infer(argument, scope, candidate: candidate))
    }
    if name == "flatten", case .entities(let kind)? = types.first { return .entities(kind) }
    if name == "matches", arguments.count == 2 { checkPattern(arguments[1]) }
    if ["first", "last"].contains(name), case .entities(let kind)? = types.first { return .entity(kind) }
    if ["name", "kind", "type", "id"].contains(name), let first = types.first, case .value = first {
      error("'\(name)' takes an entity", range)
    }
    return .value
  }

  // MARK: Regular expressions

  /// Checks the pattern argument of `matches`: a literal must be a valid pattern; a parameter
  /// (directly, through a `let`, or as the element variable of a quantifier over a list
  /// parameter) must be declared `pattern` (or `list<pattern>`), so that every value a policy
  /// pack gives it is checked when the pack loads. Patterns built at run time (`"^" + x`) are
  /// checked when they are used: an invalid one is an evaluation error.
  mutating func checkPattern(_ pattern: Expr) {
    switch pattern {
    case .string(let parts, let range):
      guard parts.count == 1, case .text(let text) = parts[0], let problem = BoundedRegex.problem(text) else { return }
      error("invalid regular expression '\(EvaluationError.excerpt(text))': \(problem)", range, code: "policy.invalid-pattern")
    case .param(let name, let range):
      checkPatternParameter(name, element: false, range)
    case .name(let name, let range):
      if let origin = parameterOrigins[name] { checkPatternParameter(origin.param, element: origin.element, range) }
    default:
      return
    }
  }

  mutating func checkPatternParameter(_ name: String, element: Bool, _ range: Range<Int>) {
    guard let type = params[name] else { return }
    let expected: ParamType = element ? .list(.pattern) : .pattern
    guard type != expected else { return }
    error(
      "parameter '\(name)' is used as a regular expression: declare it 'param \(name): \(expected)', so that a "
        + "policy pack's value is checked when the pack loads",
      range, code: "policy.pattern-parameter")
  }

  /// The string literals in `value` that are not valid patterns although `type` says they are
  /// (a `pattern`, or the elements of a `list<pattern>`): their ranges, texts and problems.
  static func invalidPatterns(_ value: Expr, type: ParamType) -> [(Range<Int>, String, PatternError)] {
    switch (type, value) {
    case (.pattern, .string(_, let range)):
      guard let text = constant(value)?.scalar.string, let problem = BoundedRegex.problem(text) else { return [] }
      return [(range, text, problem)]
    case (.list(let element), .list(let items, _)):
      return items.flatMap { invalidPatterns($0, type: element) }
    default:
      return []
    }
  }

  // MARK: Joins

  /// Finds an equality between a candidate attribute and an outer value, and plans an index
  /// lookup with it; the other conjuncts filter the hits.
  mutating func planJoin(_ selector: Selector, _ filter: Expr, _ range: Range<Int>, _ scope: [String: StaticType]) {
    var inner = scope
    inner["it"] = .entity(selector.kind)
    _ = infer(filter, inner, candidate: .some(selector.kind))
    var conjuncts: [Expr] = []
    func flatten(_ e: Expr) {
      if case .binary(.and, let l, let r, _) = e {
        flatten(l)
        flatten(r)
      } else {
        conjuncts.append(e)
      }
    }
    flatten(filter)
    for (position, conjunct) in conjuncts.enumerated() {
      guard case .binary(.equal, let left, let right, _) = conjunct else { continue }
      for (candidateSide, probe) in [(left, right), (right, left)] {
        guard let key = candidateKey(candidateSide, scope), !refersToCandidate(probe, scope) else { continue }
        var residual = conjuncts
        residual.remove(at: position)
        joins[range.lowerBound] = JoinPlan(
          kind: selector.kind, types: selector.types, key: key, probe: probe, residual: residual)
        return
      }
    }
    error(
      "a filter on \(selector.kind) needs an equality between one of its attributes and a value, "
        + "e.g. \(selector.kind)[metadata.name == x], so the lookup can use an index",
      filter.range)
  }

  /// The index key when `expr` is a path into the candidate (`metadata.name`, `it.spec.type`,
  /// `name(it)`).
  func candidateKey(_ expr: Expr, _ scope: [String: StaticType]) -> JoinPlan.Key? {
    if case .call("name", let arguments, _) = expr, arguments.count == 1, case .name("it", _) = arguments[0] {
      return .name
    }
    var path: [PathComponent] = []
    var cursor = expr
    while true {
      switch cursor {
      case .member(let base, let name, _):
        path.insert(.key(name), at: 0)
        cursor = base
        continue
      case .index(let base, .string(let parts, _), _):
        guard parts.count == 1, case .text(let key) = parts[0] else { return nil }
        path.insert(.key(key), at: 0)
        cursor = base
        continue
      case .index(let base, .int(let i, _), _):
        path.insert(.index(i), at: 0)
        cursor = base
        continue
      case .name("it", _):
        return path.isEmpty ? nil : .attribute(path)
      case .name(let name, _) where scope[name] == nil:
        return .attribute([.key(name)] + path)
      default:
        return nil
      }
    }
  }

  /// Whether `expr` mentions the candidate (`it` or a free name).
  func refersToCandidate(_ expr: Expr, _ scope: [String: StaticType]) -> Bool {
    switch expr {
    case .name(let name, _): return name == "it" || scope[name] == nil
    case .null, .bool, .int, .float, .param: return false
    case .string(let parts, _):
      return parts.contains { if case .expr(let e) = $0 { return refersToCandidate(e, scope) } else { return false } }
    case .list(let items, _): return items.contains { refersToCandidate($0, scope) }
    case .map(let entries, _): return entries.contains { refersToCandidate($0.value, scope) }
    case .member(let base, _, _): return refersToCandidate(base, scope)
    case .index(let base, let key, _): return refersToCandidate(base, scope) || refersToCandidate(key, scope)
    case .call(_, let arguments, _): return arguments.contains { refersToCandidate($0, scope) }
    case .unary(_, let operand, _): return refersToCandidate(operand, scope)
    case .binary(_, let l, let r, _): return refersToCandidate(l, scope) || refersToCandidate(r, scope)
    case .quantifier(_, let variables, let collection, let body, _):
      var inner = scope
      for variable in variables { inner[variable] = .value }
      return refersToCandidate(collection, scope) || refersToCandidate(body, inner)
    case .select: return false
    case .traverse(let base, _, _): return refersToCandidate(base, scope)
    }
  }

  // MARK: Constants

  /// The value of a literal expression (parameter defaults, pack parameters).
  static func constant(_ expr: Expr) -> RuntimeValue? {
    switch expr {
    case .null: return .null
    case .bool(let b, _): return .bool(b)
    case .int(let i, _): return .int(i)
    case .float(let f, _): return .value(.float(f))
    case .string(let parts, _):
      var text = ""
      for part in parts {
        guard case .text(let t) = part else { return nil }
        text += t
      }
      return .string(text)
    case .unary(.negate, .int(let i, _), _): return .int(-i)
    case .list(let items, _):
      var values: [RuntimeValue] = []
      for item in items {
        guard let value = constant(item) else { return nil }
        values.append(value)
      }
      return .list(values)
    default: return nil
    }
  }

  static func conforms(_ value: RuntimeValue, to type: ParamType) -> Bool {
    switch type {
    case .any: return true
    case .bool: return value.kind == .bool
    case .int: return value.kind == .int
    case .number: return value.kind == .int || value.kind == .float
    case .string, .pattern: return value.kind == .string
    case .list(let element):
      guard let elements = value.elements else { return false }
      return elements.allSatisfy { conforms($0, to: element) }
    }
  }
}

