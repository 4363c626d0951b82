import PlumbGraph

// Narrowing large joins.
//
// A join is answered from a hash index on one equality of its filter; the other conjuncts are
// evaluated on every index hit. When the index key is shared by many candidates (every
// `aws_s3_bucket_versioning` whose bucket is unknown until apply, every block that references
// `aws_s3_bucket.this` in a module), that is a nested loop: each judged entity walks all of them,
// and the cost grows with the square of the input.
//
// So, the first time a join site meets a long hit list, the evaluator works out once what does
// not depend on the entity being judged: it drops the candidates for which a conjunct that reads
// only the candidate is false (`none(x in [config.bucket.references[0]], starts_with(x, "aws_s3_bucket."))`),
// and groups the others by the value of the first residual equality's candidate side (`file(it)`
// in `file(it) == file(b)`, `module` in `module == b.module`). Later uses evaluate only the group
// whose value equals the outer side, plus the candidates whose value is not a plain scalar. The
// result is the same: a skipped candidate has a false conjunct, so its filter is false whatever
// the other conjuncts say (false and unknown is false). Evaluation has no side effects but the
// evidence `when` and `require` record; while they do, every candidate is evaluated as before.

/// A join site (the select expression's start offset) and the index key its probe looked up.
struct JoinSite: Hashable {
  let site: Int
  let key: String

  /// The site and key; nil when the probe cannot be used as a cache key (it then finds nothing
  /// in the index, or nothing is worth caching).
  init?(_ site: Int, _ plan: JoinPlan, _ probe: RuntimeValue) {
    self.site = site
    switch plan.key {
    case .name:
      guard case .string(let name) = probe.scalar else { return nil }
      key = "n" + name
    case .attribute:
      switch probe.scalar {
      case .string(let s): key = "s" + s
      case .int(let i): key = "i" + String(i)
      case .bool(let b): key = b ? "t" : "f"
      default: return nil
      }
    }
  }
}

/// The value classes an equality can match: two values of different classes are never equal;
/// values outside these classes (unknown, floats, collections, entities) are never skipped.
enum ScalarClass: Hashable {
  case missing, null
  case bool(Bool)
  case int(Int)
  case string(String)

  init?(_ value: RuntimeValue) {
    guard case .value(let v) = value else { return nil }
    switch v.kind {
    case .missing: self = .missing
    case .null: self = .null
    case .bool, .int, .string:
      switch v.scalar {
      case .bool(let b): self = .bool(b)
      case .int(let i): self = .int(i)
      case .string(let s): self = .string(s)
      default: return nil
      }
    default: return nil
    }
  }
}

/// A large candidate list of one join site and key, with what is known about each candidate
/// independently of the entity being judged.
final class NarrowedJoin {
  /// Hit lists at least this long are narrowed.
  static let threshold = 32

  /// Every candidate, in index order.
  let candidates: [Entity]
  /// Positions of the candidates that may pass: none of the conjuncts that depend on the
  /// candidate alone is false for them. Ascending.
  let survivors: [Int]
  /// The outer side of the equality the survivors are grouped by (nil: not grouped).
  let probe: Expr?
  /// Positions of survivors by the value class of the equality's candidate side, ascending.
  let groups: [ScalarClass: [Int]]
  /// Positions of survivors whose value has no class (always evaluated), ascending.
  let unclassified: [Int]

  init(candidates: [Entity], survivors: [Int], probe: Expr?, groups: [ScalarClass: [Int]], unclassified: [Int]) {
    self.candidates = candidates
    self.survivors = survivors
    self.probe = probe
    self.groups = groups
    self.unclassified = unclassified
  }
}

extension Evaluator {
  /// Narrows `candidates` for `plan` at its first use in `env`: drops the candidates for which a
  /// conjunct that depends on the candidate alone is false, and groups the rest by the first
  /// residual equality whose one side depends on the candidate alone and whose other side does
  /// not depend on it.
  mutating func narrowedJoin(_ plan: JoinPlan, _ candidates: [Entity], _ env: Env) -> NarrowedJoin {
    let own = plan.residual.filter { dependsOnCandidateOnly($0, env) }
    var grouping: (candidateSide: Expr, outerSide: Expr)?
    search: for conjunct in plan.residual {
      guard case .binary(.equal, let left, let right, _) = conjunct else { continue }
      for (candidateSide, outerSide) in [(left, right), (right, left)]
      where mentionsCandidate(candidateSide, env) && dependsOnCandidateOnly(candidateSide, env)
        && independentOfCandidate(outerSide, env)
      {
        grouping = (candidateSide, outerSide)
        break search
      }
    }
    var survivors: [Int] = []
    var groups: [ScalarClass: [Int]] = [:]
    var unclassified: [Int] = []
    var scope = env
    for (position, candidate) in candidates.enumerated() {
      scope[Evaluator.candidateKey] = .entity(candidate)
      scope["it"] = .entity(candidate)
      // A false conjunct makes the whole filter false, whatever the judged entity.
      if own.contains(where: { truth(eval($0, scope)) == .no }) { continue }
      survivors.append(position)
      guard let grouping else { continue }
      if let valueClass = ScalarClass(eval(grouping.candidateSide, scope)) {
        groups[valueClass, default: []].append(position)
      } else {
        unclassified.append(position)
      }
    }
    return NarrowedJoin(
      candidates: candidates, survivors: survivors, probe: grouping?.outerSide, groups: groups,
      unclassified: unclassified)
  }

  /// The candidates of `join` that can pass its filter in `env`, in index order.
  mutating func narrow(_ join: NarrowedJoin, _ env: Env) -> [Entity] {
    guard let probe = join.probe, let valueClass = ScalarClass(eval(probe, env)) else {
      return join.survivors.count == join.candidates.count ? join.candidates : join.survivors.map { join.candidates[$0] }
    }
    let matching = join.groups[valueClass] ?? []
    let other = join.unclassified
    var result: [Entity] = []
    result.reserveCapacity(matching.count + other.count)
    var i = 0
    var j = 0
    while i < matching.count || j < other.count {
      if j == other.count || (i < matching.count && matching[i] < other[j]) {
        result.append(join.candidates[matching[i]])
        i += 1
      } else {
        result.append(join.candidates[other[j]])
        j += 1
      }
    }
    return result
  }

  /// Whether the value of the join at `site` is the same for every judged entity: its probe is a
  /// constant and every conjunct of its filter reads only the candidate. Decided at the first use.
  mutating func isConstantJoin(_ plan: JoinPlan, _ site: Int, _ env: Env) -> Bool {
    if let known = constantJoinSites[site] { return known }
    let constant = isConstant(plan.probe) && plan.residual.allSatisfy { dependsOnCandidateOnly($0, env) }
    constantJoinSites[site] = constant
    return constant
  }

  /// Whether `expr` is a literal or a parameter, or built of them.
  func isConstant(_ expr: Expr) -> Bool {
    switch expr {
    case .null, .bool, .int, .float, .param: return true
    case .string(let parts, _): return parts.allSatisfy { if case .expr(let e) = $0 { isConstant(e) } else { true } }
    case .list(let items, _): return items.allSatisfy(isConstant)
    case .unary(_, let operand, _): return isConstant(operand)
    case .binary(_, let left, let right, _): return isConstant(left) && isConstant(right)
    case .call(_, let arguments, _): return arguments.allSatisfy(isConstant)
    default: return false
    }
  }

  /// Whether `expr` names the candidate (`it`, or a name bound to nothing: an attribute).
  func mentionsCandidate(_ expr: Expr, _ env: Env) -> Bool {
    switch expr {
    case .name(let name, _): return name == "it" || env[name] == nil
    case .member(let base, _, _): return mentionsCandidate(base, env)
    case .index(let base, let key, _): return mentionsCandidate(base, env) || mentionsCandidate(key, env)
    case .call(_, let arguments, _): return arguments.contains { mentionsCandidate($0, env) }
    default: return false
    }
  }

  /// Whether `expr`'s value depends on nothing but the candidate, constants and parameters (never
  /// on the judged entity or other variables), so it is the same at every use of the join.
  ///
  /// Names bound in `env` are the judged entity and variables; any other name is the candidate's
  /// attribute (or, inside a quantifier, its variable, itself bound to such values). Built-in
  /// functions are pure.
  func dependsOnCandidateOnly(_ expr: Expr, _ env: Env) -> Bool {
    switch expr {
    case .name(let name, _): return name == "it" || env[name] == nil
    case .null, .bool, .int, .float, .param: return true
    case .string(let parts, _):
      return parts.allSatisfy { if case .expr(let e) = $0 { dependsOnCandidateOnly(e, env) } else { true } }
    case .list(let items, _): return items.allSatisfy { dependsOnCandidateOnly($0, env) }
    case .member(let base, _, _): return dependsOnCandidateOnly(base, env)
    case .index(let base, let key, _): return dependsOnCandidateOnly(base, env) && dependsOnCandidateOnly(key, env)
    case .call(_, let arguments, _): return arguments.allSatisfy { dependsOnCandidateOnly($0, env) }
    case .unary(_, let operand, _): return dependsOnCandidateOnly(operand, env)
    case .binary(_, let left, let right, _): return dependsOnCandidateOnly(left, env) && dependsOnCandidateOnly(right, env)
    case .quantifier(_, let variables, let collection, let body, _):
      // A variable that shadows a bound name would read as that name here: be conservative.
      return variables.allSatisfy { env[$0] == nil && $0 != "it" } && dependsOnCandidateOnly(collection, env)
        && dependsOnCandidateOnly(body, env)
    case .traverse(let base, _, _): return dependsOnCandidateOnly(base, env)
    default: return false
    }
  }

  /// Whether `expr` never looks at the candidate: every name it reads is bound in `env`.
  func independentOfCandidate(_ expr: Expr, _ env: Env) -> Bool {
    switch expr {
    case .name(let name, _): return name != "it" && name != Evaluator.candidateKey && env[name] != nil
    case .null, .bool, .int, .float, .param: return true
    case .string(let parts, _):
      return parts.allSatisfy { if case .expr(let e) = $0 { independentOfCandidate(e, env) } else { true } }
    case .list(let items, _): return items.allSatisfy { independentOfCandidate($0, env) }
    case .member(let base, _, _): return independentOfCandidate(base, env)
    case .index(let base, let key, _): return independentOfCandidate(base, env) && independentOfCandidate(key, env)
    case .call(_, let arguments, _): return arguments.allSatisfy { independentOfCandidate($0, env) }
    case .unary(_, let operand, _): return independentOfCandidate(operand, env)
    case .binary(_, let left, let right, _): return independentOfCandidate(left, env) && independentOfCandidate(right, env)
    default: return false
    }
  }
}
