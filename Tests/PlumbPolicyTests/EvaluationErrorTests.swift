import Foundation
import PlumbGraph
import Testing

@testable import PlumbPolicy

/// Runtime errors never become a pass (issue 13, class 1). Every error path of the evaluator
/// (regular expressions from parameters and from data, division by zero, overflow, NaN, empty
/// separators, unknown jurisdictions, the budget) makes the rule's judgement of that entity an
/// *error*: a finding with verdict error, state error, a policy error per rule, and no operator
/// around the failing expression (`not`, `==`, `!=`, `or`) can turn it into a pass.
@Suite struct EvaluationErrorTests {
  /// One component whose `spec` is `spec`, another (`plain`) with ordinary values.
  func graph(_ spec: String) -> DocumentGraph {
    var fixture = GraphFixture()
    fixture.add("catalog.Component", "odd", "metadata: {name: odd}\nspec: \(spec)\n")
    fixture.add("catalog.Component", "plain", "metadata: {name: plain}\nspec: {n: 2, s: text, f: 1.5, p: \"^t\"}\n")
    return fixture.build()
  }

  /// A rule `r` requiring `condition` (after `lets`), over every component.
  func rule(_ condition: String, lets: String = "", params: String = "") -> String {
    """
    rule r {
      title "t"
      category test
    \(params)
      for c in catalog.Component
    \(lets)
      require \(condition) else "failed"
    }
    """
  }

  /// The states of `odd` and `plain` under `condition`.
  func states(_ condition: String, spec: String, lets: String = "") -> (odd: RuleState?, plain: RuleState?) {
    let result = evaluate(rule(condition, lets: lets), graph(spec))
    let table = result.states["r"] ?? [:]
    return (table[EntityID("catalog.Component:odd")], table[EntityID("catalog.Component:plain")])
  }

  // MARK: Every operator around an error

  /// Expressions that fail on `odd` (and are fine on `plain`), each with the spec that breaks it.
  static let failing: [(expression: String, spec: String, cause: String)] = [
    ("c.spec.n / c.spec.zero > 1", "{n: 2, zero: 0}", "division by zero in 'c.spec.n / c.spec.zero' (2 / 0)"),
    ("c.spec.f / c.spec.zero > 1", "{f: 2.5, zero: 0.0}", "division by zero in 'c.spec.f / c.spec.zero' (2.5 / 0.0)"),
    ("c.spec.n * c.spec.n > 1", "{n: 9223372036854775807}", "overflow in 'c.spec.n * c.spec.n'"),
    ("c.spec.n + 1 > 1", "{n: 9223372036854775807}", "overflow in 'c.spec.n + 1' (9223372036854775807 + 1)"),
    ("c.spec.n - 1 < 0", "{n: -9223372036854775808}", "overflow in 'c.spec.n - 1'"),
    ("-c.spec.n > 1", "{n: -9223372036854775808}", "integer overflow in '-c.spec.n' (-(-9223372036854775808))"),
    ("c.spec.n / -1 > 1", "{n: -9223372036854775808}", "overflow in 'c.spec.n / -1'"),
    ("c.spec.f * c.spec.f > 1", "{f: 1.0e308}", "overflow in 'c.spec.f * c.spec.f'"),
    ("c.spec.f > 1", "{f: .nan}", "'c.spec.f > 1' compares NaN (not a number)"),
    ("c.spec.f * 0 > 1", "{f: .inf}", "a result that is not a number in 'c.spec.f * 0'"),
    ("to_int(c.spec.f) > 1", "{f: 1.0e300}", "overflow: 'to_int(c.spec.f)' of 1e+300 is outside the 64-bit integer range"),
    ("to_int(c.spec.s) > 1", "{s: \"99999999999999999999\"}", "overflow: 'to_int(c.spec.s)' of '99999999999999999999' is outside"),
    ("c.spec.s matches c.spec.p", "{s: text, p: \"([a\"}", "'([a' is not a valid regular expression (missing ']'"),
    ("matches(c.spec.s, c.spec.p)", "{s: text, p: \"*\"}", "'*' is not a valid regular expression"),
    ("c.spec.s matches \"x\" + c.spec.p", "{s: text, p: \"[\"}", "'x[' is not a valid regular expression"),
    ("count(split(c.spec.s, c.spec.p)) > 1", "{s: text, p: \"\"}", "'split(c.spec.s, c.spec.p)' has an empty separator"),
    ("replace(c.spec.s, c.spec.p, \"x\") == \"y\"", "{s: text, p: \"\"}", "has an empty text to replace"),
    ("in_jurisdiction(\"eu-west-1\", c.spec.j)", "{j: Europe}", "'Europe' is not a jurisdiction Plumb knows"),
  ]

  @Test(arguments: failing.indices)
  func noOperatorTurnsAnErrorIntoAPass(_ index: Int) throws {
    let (expression, spec, cause) = Self.failing[index]
    // The expression itself, its negation, comparisons of it with itself and with constants, a
    // disjunction with false, a quantifier over it: each is an error for `odd`, never a pass.
    let wrappings = [
      "\(expression)", "not (\(expression))", "(\(expression)) == (\(expression))",
      "(\(expression)) != (\(expression))", "not ((\(expression)) == true)", "(\(expression)) == false",
      "(\(expression)) or false", "not ((\(expression)) and true)", "all(x in [1], not (\(expression)))",
      "count(x in [1, 2], not (\(expression))) == 2", "is_empty(filter(x in [1], \(expression)))",
      "exists(\(expression))", "not exists(\(expression))", "is_unknown(\(expression)) or true",
      "default(\(expression), true)",
    ]
    for wrapped in wrappings {
      let result = evaluate(rule(wrapped), graph(spec))
      let odd = result.states["r"]?[EntityID("catalog.Component:odd")]
      #expect(odd == .error, "\(wrapped) with \(spec): \(String(describing: odd))")
      let finding = result.findings.first { $0.entity.rawValue == "catalog.Component:odd" }
      #expect(finding?.verdict == .error, "\(wrapped)")
      #expect(result.diagnostics.map(\.code) == ["policy.evaluation-error"], "\(wrapped)")
      #expect(result.statistics.first?.errors == 1 && result.statistics.first?.passed ?? 0 <= 1, "\(wrapped)")
    }
    // What the error says.
    let result = evaluate(rule(expression), graph(spec))
    let message = try #require(result.findings.first { $0.verdict == .error }?.message)
    #expect(message.hasPrefix("'r' could not be evaluated for 'odd': "))
    #expect(message.contains(cause), "\(message)")
  }

  @Test func theSameExpressionsAreFineOnOrdinaryValues() {
    // `plain` has n = 2, s = "text", f = 1.5, p = "^t": every expression evaluates.
    for (expression, _, _) in Self.failing {
      let result = evaluate(rule("\(expression) or true"), graph("{}"))
      #expect(result.states["r"]?[EntityID("catalog.Component:plain")] != .error, "\(expression)")
    }
  }

  // MARK: Where an error is reported

  @Test func anErrorIsAFindingAStateAStatisticAndAPolicyError() throws {
    let text = rule("c.spec.s matches c.spec.p")
    let result = evaluate(text, graph("{s: text, p: \"[unclosed\"}"))
    // The finding points at the offending value (the pattern written in the input).
    let finding = try #require(result.findings.first { $0.verdict == .error })
    #expect(finding.entity.rawValue == "catalog.Component:odd")
    #expect(finding.location.path == "odd.yaml")
    #expect(finding.location.span.start.line == 2 && finding.location.span.start.column == 20)
    #expect(finding.message == "'r' could not be evaluated for 'odd': '[unclosed' is not a valid regular expression (missing ']' at offset 9)")
    #expect(finding.requirement == -2)
    #expect(finding.evidence.map(\.expression) == ["c.spec.s matches c.spec.p"])
    let statistics = try #require(result.statistics.first)
    #expect(statistics.errors == 1 && statistics.passed == 1 && statistics.applicable == 2)
    #expect(result.states["r"]?[EntityID("catalog.Component:odd")] == .error)
    // One policy error per rule and cause, at the failing expression, with the value as a note.
    let diagnostic = try #require(result.diagnostics.first)
    #expect(result.diagnostics.count == 1)
    #expect(diagnostic.severity == .error)
    #expect(diagnostic.code == "policy.evaluation-error")
    #expect(diagnostic.location?.path == "test.plumb")
    #expect(diagnostic.location?.span.start.line == 7 && diagnostic.location?.span.start.column == 11)
    #expect(diagnostic.message == "rule 'r' could not be evaluated for 1 entity, first 'catalog.Component:odd': '[unclosed' is not a valid regular expression (missing ']' at offset 9)")
    #expect(diagnostic.notes.first?.location?.path == "odd.yaml")
  }

  @Test func anErrorInAWhenIsAnErrorNotNotApplicable() {
    let text = """
      rule r {
        title "t"
        category test
        for c in catalog.Component
        when c.spec.n / c.spec.zero > 1
        require false else "failed"
      }
      """
    let result = evaluate(text, graph("{n: 1, zero: 0}"))
    #expect(result.states["r"]?[EntityID("catalog.Component:odd")] == .error)
    // `plain` has no `zero`: `1 / missing` is missing, the `when` false, the rule not applicable.
    #expect(result.states["r"]?[EntityID("catalog.Component:plain")] == .notApplicable)
    #expect(result.statistics.first?.notApplicable == 1 && result.statistics.first?.errors == 1)
  }

  @Test func errorsInLetsMessagesAndAtAreErrorsToo() {
    let inLet = states("true", spec: "{n: 1, zero: 0}", lets: "  let q = c.spec.n / c.spec.zero")
    #expect(inLet.odd == .error && inLet.plain == .pass)  // plain has no `zero`: missing, not an error
    let inMessage = evaluate(
      """
      rule r {
        title "t"
        category test
        for c in catalog.Component
        require false else "ratio ${c.spec.n / c.spec.zero}"
      }
      """, graph("{n: 1, zero: 0}"))
    #expect(inMessage.states["r"]?[EntityID("catalog.Component:odd")] == .error)
    #expect(inMessage.states["r"]?[EntityID("catalog.Component:plain")] == .fail)
    let inAt = evaluate(
      """
      rule r {
        title "t"
        category test
        for c in catalog.Component
        require false else "x" at c.spec[to_int(c.spec.big)]
      }
      """, graph("{big: \"123456789012345678901234567890\"}"))
    #expect(inAt.states["r"]?[EntityID("catalog.Component:odd")] == .error)
  }

  @Test func findingsDecidedBeforeTheErrorAreKept() {
    let text = """
      rule r {
        title "t"
        category test
        for c in catalog.Component
        require false else "first"
        require c.spec.n / c.spec.zero > 1 else "second"
      }
      """
    let result = evaluate(text, graph("{n: 1, zero: 0}"))
    let odd = result.findings.filter { $0.entity.rawValue == "catalog.Component:odd" }
    #expect(odd.map(\.verdict) == [.fail, .error] || odd.map(\.verdict) == [.error, .fail])
    #expect(result.states["r"]?[EntityID("catalog.Component:odd")] == .error)
  }

  @Test func aMissingOperandIsNotAnError() {
    // Absent data stays missing (three-valued logic), as documented: only values that are there
    // and cannot be computed with are errors.
    let absent = states("c.spec.nothing / 0 == c.spec.nothing", spec: "{}")
    #expect(absent.odd != .error)
    let wrongType = states("c.spec.s - 1 == c.spec.missing", spec: "{s: text}")
    #expect(wrongType.odd != .error)
    let notANumber = states("to_int(c.spec.s) == c.spec.missing", spec: "{s: \"*\"}")
    #expect(notANumber.odd != .error)
  }

  // MARK: Caches

  /// The states of components `a` and `b` (both on team `t`) when a `let` counts `join`, with
  /// `groups` groups on team `t` of which the first has `spec.n` 0 (the others 1). In a `let` (no
  /// evidence is recorded there), a join's value and its narrowing are kept for the next entity.
  func joinStates(groups: Int, _ join: String) -> [RuleState?] {
    var fixture = GraphFixture()
    for index in 0..<groups {
      fixture.add("catalog.Group", "g\(index)", "metadata: {name: g\(index)}\nspec: {team: t, n: \(index == 0 ? 0 : 1)}\n")
    }
    for name in ["a", "b"] { fixture.add("catalog.Component", name, "metadata: {name: \(name)}\nspec: {team: t}\n") }
    let text = rule("n >= 0", lets: "  let n = count(\(join))")
    let states = evaluate(text, fixture.build()).states["r"] ?? [:]
    return ["a", "b"].map { states[EntityID("catalog.Component:\($0)")] }
  }

  /// A join on a constant is computed once per run; a value computed while the judgement failed
  /// must not be kept for the entities after it (they would see unknown: indeterminate, not error).
  @Test func aFailedConstantJoinIsNotRemembered() {
    #expect(joinStates(groups: 1, "catalog.Group[metadata.name == \"g0\" and 10 / spec.n > 1]") == [.error, .error])
  }

  /// A large join is narrowed at the first entity's judgement, which fails: every later entity
  /// meets the failing candidate too (a narrowing never drops a candidate whose filter is not
  /// false, so it stays sound, and one made while failing is not kept anyway).
  @Test func anErrorInANarrowedJoinIsAnErrorForEveryEntity() {
    #expect(joinStates(groups: 40, "catalog.Group[spec.team == c.spec.team and 10 / spec.n > 1]") == [.error, .error])
  }

  // MARK: Regular expressions are bounded and charged

  func budgeted(_ text: String, _ graph: DocumentGraph, budget: Int) -> EvaluationResult {
    var engine = PolicyEngine(library: compile(text), pack: nil)
    engine.budget = budget
    return engine.evaluate(graph)
  }

  /// `(a|aa)+$` on 30 KB backtracks exponentially: past the budget the match stops, and the
  /// judgement is an error (it used to run for minutes, then pass).
  @Test func aCatastrophicPatternStopsAtTheBudgetWithAnError() throws {
    var fixture = GraphFixture()
    fixture.add("catalog.Component", "odd", "metadata: {name: odd}\nspec: {s: \(String(repeating: "a", count: 30_000))b}\n")
    let result = budgeted(rule("not (c.spec.s matches \"(a|aa)+$\")"), fixture.build(), budget: 2_000_000)
    let finding = try #require(result.findings.first)
    #expect(finding.verdict == .error)
    #expect(finding.message.contains("needed more than the"), "\(finding.message)")
    #expect(finding.message.contains("30001-byte text"), "\(finding.message)")
    #expect(result.diagnostics.map(\.code) == ["policy.evaluation-error"])
  }

  @Test func deepBacktrackingStopsAtTheMemoryLimitWithAnError() throws {
    var fixture = GraphFixture()
    fixture.add("catalog.Component", "odd", "metadata: {name: odd}\nspec: {s: \(String(repeating: "a", count: 400_000))b}\n")
    let result = evaluate(rule("not (c.spec.s matches \"(a|aa)+$\")"), fixture.build())
    let finding = try #require(result.findings.first)
    #expect(finding.verdict == .error)
    #expect(finding.message.contains("MiB of backtracking memory") || finding.message.contains("steps left"), "\(finding.message)")
  }

  /// The steps ICU takes are charged: a linear pattern over a long text costs about its length, a
  /// quadratic one the square (that is how a built-in pattern's cost is measured).
  @Test func matchStepsAreChargedToTheEntity() throws {
    // "y x x x …": `x.*y` tries every x and scans to the end from each.
    let long = "y " + String(repeating: "x ", count: 4_000)
    var fixture = GraphFixture()
    fixture.add("catalog.Component", "odd", "metadata: {name: odd}\nspec: {s: \"\(long)\"}\n")
    let graph = fixture.build()
    func work(_ pattern: String) -> Int {
      var evaluator = Evaluator(
        graph: graph, rule: compile(rule("c.spec.s matches \"\(pattern)\"")).rules[0], params: [:], indexes: IndexCache(),
        budget: 1_000_000_000)
      return evaluator.run().mostWork
    }
    let prefiltered = work("zz")  // the prefilter rejects it: the bytes only
    let scanned = work("x\\\\s+z|y$")
    let quadratic = work("x.*z|y$")
    #expect(prefiltered >= 8_002 && prefiltered < 8_100, "\(prefiltered)")
    #expect(scanned > prefiltered)
    #expect(quadratic > 100 * scanned, "\(quadratic) vs \(scanned)")
  }

  /// String functions cost the bytes they read and write: a huge scalar (or one aliased many
  /// times) costs in proportion, and past the budget the judgement is an error.
  @Test func stringFunctionsAreChargedByTheBytes() {
    let big = String(repeating: "word ", count: 40_000)  // 200 KB
    var fixture = GraphFixture()
    fixture.add("catalog.Component", "odd", "metadata: {name: odd}\nspec: {s: \"\(big)\"}\n")
    let graph = fixture.build()
    for condition in [
      "length(c.spec.s) > 0", "lower(c.spec.s) != \"\"", "count(split(c.spec.s, \" \")) > 0",
      "contains(c.spec.s, \"zz\") or true", "\"zz\" in c.spec.s or true", "to_string(c.spec.s) != \"\"",
      "replace(c.spec.s, \"w\", \"W\") != \"\"", "\"${c.spec.s}\" != \"\"", "trim(c.spec.s) != \"\"",
    ] {
      let cheap = budgeted(rule(condition), graph, budget: 2_000_000)
      #expect(cheap.states["r"]?[EntityID("catalog.Component:odd")] == .pass, "\(condition)")
      let tight = budgeted(rule(condition), graph, budget: 150_000)
      #expect(tight.states["r"]?[EntityID("catalog.Component:odd")] == .error, "\(condition)")
      #expect(tight.diagnostics.map(\.code) == ["policy.evaluation-budget"], "\(condition)")
    }
  }

  /// The memo remembers answers, never a match that failed: the same short text matched after a
  /// failure is matched again (and the prefilter still rejects what cannot match).
  @Test func theMemoRemembersOnlyAnswers() throws {
    let regex = MemoizedRegex(try BoundedRegex("(a|aa)+$"))
    var steps = 0
    let text = String(repeating: "a", count: 150) + "b"
    #expect(regex.matches(text, stepLimit: 10_000, steps: &steps) == .overStepLimit)
    steps = 0
    #expect(regex.matches(text, stepLimit: 10_000, steps: &steps) == .overStepLimit)
    #expect(steps >= 10_000)
    #expect(regex.matches("aaa", stepLimit: 10_000, steps: &steps) == .found(true))
    let prefiltered = MemoizedRegex(try BoundedRegex("needle"))
    steps = 0
    #expect(prefiltered.matches(String(repeating: "hay ", count: 1000), stepLimit: 1, steps: &steps) == .found(false))
    #expect(steps == 0)
  }

  @Test func boundedRegexAgreesWithNSRegularExpressionOnTheRulesPatterns() throws {
    // Same engine, same options: the rules' patterns answer the same on the examples' lines.
    for pattern in RulePatterns.matched {
      let bounded = try BoundedRegex(pattern)
      let reference = try NSRegularExpression(pattern: pattern)
      for line in RulePatterns.exampleLines.prefix(400) + RulePatterns.exampleTexts.prefix(100) {
        var steps = 0
        let expected = reference.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
        #expect(bounded.firstMatch(in: line, stepLimit: 10_000_000, steps: &steps) == .found(expected), "\(pattern) on \(line)")
      }
    }
  }

  @Test func errorsAreDeterministic() {
    let text = rule("c.spec.s matches c.spec.p")
    let first = evaluate(text, graph("{s: text, p: \"(\"}"))
    let second = evaluate(text, graph("{s: text, p: \"(\"}"))
    #expect(first.findings == second.findings)
    #expect(first.diagnostics == second.diagnostics)
  }
}
