import PlumbGraph
import Testing

@testable import PlumbPolicy

/// A rule that would do unbounded work for one entity is stopped: that entity's judgement is an
/// error (never a pass), the engine reports a policy error, and every other entity and rule is
/// judged as usual.
@Suite struct EvaluationBudgetTests {
  /// Two components: one with a 40-element list (the cube of it is 64,000 elements), one with an
  /// empty list.
  func graph() -> DocumentGraph {
    var fixture = GraphFixture()
    let items = (0..<40).map { "\($0)" }.joined(separator: ", ")
    fixture.add("catalog.Component", "big", "metadata: {name: big}\nspec: {xs: [\(items)]}\n")
    fixture.add("catalog.Component", "small", "metadata: {name: small}\nspec: {xs: []}\n")
    return fixture.build()
  }

  let cubic = """
    rule cubic {
      title "t"
      category ownership
      for c in catalog.Component
      let cube = flatten(map(x in c.spec.xs, flatten(map(y in c.spec.xs, map(z in c.spec.xs, z)))))
      require count(cube) < 0 else "never"
    }
    rule plain {
      title "t"
      category ownership
      for c in catalog.Component
      require exists(c.metadata.name) else "no name"
    }
    """

  func run(budget: Int) -> EvaluationResult {
    let library = compile(cubic)
    var engine = PolicyEngine(library: library, pack: nil)
    engine.budget = budget
    return engine.evaluate(graph())
  }

  @Test func anEntityOverTheBudgetIsAnErrorAndAPolicyError() throws {
    let result = run(budget: 10_000)
    let cubic = try #require(result.statistics.first { $0.ruleID == "cubic" })
    // `big` needs ~68,000 steps: an error. `small` costs a handful: judged (it fails: 0 < 0).
    #expect(cubic.errors == 1 && cubic.failed == 1 && cubic.passed == 0 && cubic.indeterminate == 0)
    let gaveUp = result.findings.filter { $0.ruleID == "cubic" && $0.verdict == .error }
    #expect(gaveUp.map(\.message) == ["'cubic' could not be evaluated for 'big': it needed more than 10000 steps (the evaluation budget per entity)"])
    #expect(result.states["cubic"]?[EntityID("catalog.Component:big")] == .error)
    #expect(result.diagnostics.map(\.code) == ["policy.evaluation-budget"])
    #expect(result.diagnostics.first?.severity == .error)
    #expect(result.diagnostics.first?.message.contains("on 1 entity, first 'catalog.Component:big'") == true)
    #expect(result.diagnostics.first?.location?.span.start.line == 1)
    // The other rule is unaffected.
    #expect(result.statistics.first { $0.ruleID == "plain" }?.passed == 2)
  }

  @Test func underTheBudgetTheSameRuleIsJudged() throws {
    let result = run(budget: 1_000_000)
    #expect(result.diagnostics.isEmpty)
    let cubic = try #require(result.statistics.first { $0.ruleID == "cubic" })
    #expect(cubic.failed == 2 && cubic.indeterminate == 0 && cubic.errors == 0)
  }
}
