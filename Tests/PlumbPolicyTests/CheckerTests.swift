import Testing

@testable import PlumbPolicy

/// Everything the checker rejects before anything runs, with the exact position and wording.
@Suite struct CheckerTests {
  func rule(_ body: String, params: String = "", selector: String = "catalog.Component") -> String {
    """
    rule r {
      title "R"
      category test
    \(params)
      for c in \(selector)
    \(body)
    }
    """
  }

  func errors(_ text: String) -> [String] {
    messages(compile(text, expectErrors: true))
  }

  @Test func unknownNamesWithSuggestions() {
    #expect(errors(rule("  let owner = c.spec.owner\n  require exists(ownr) else \"x\"")) == ["7:18 unknown name 'ownr'; did you mean 'owner'?"])
  }

  @Test func unknownAttributesOfKnownKinds() {
    #expect(errors(rule("  require exists(c.metdata.name) else \"x\"")) == ["6:18 catalog.Component has no attribute 'metdata'; did you mean 'metadata'?"])
    #expect(
      errors(rule("  require exists(s.usess) else \"x\"", selector: "github.step").replacingOccurrences(of: "for c in", with: "for s in"))
        == ["6:18 github.step has no attribute 'usess'; did you mean 'uses'?"])
  }

  @Test func unknownKindsAndRelations() {
    #expect(errors(rule("  require true else \"x\"", selector: "catalog.Compnent")) == ["5:12 unknown entity kind 'catalog.Compnent'; did you mean 'catalog.Component'?"])
    #expect(errors(rule("  require count(c -> ownedby) > 0 else \"x\"")) == ["6:17 unknown relation 'ownedby'; did you mean 'ownedBy'?"])
  }

  @Test func unknownFunctionsAndWrongArity() {
    #expect(errors(rule("  require lenght(c.spec) > 0 else \"x\"")) == ["6:11 unknown function 'lenght'; did you mean 'length'?"])
    #expect(errors(rule("  require starts_with(c.spec.type) else \"x\"")) == ["6:11 'starts_with' takes 2 arguments, not 1: starts_with(s, prefix)"])
  }

  @Test func unknownAndMistypedParameters() {
    #expect(errors(rule("  require c.spec.type in param.alowed else \"x\"", params: "  param allowed: list<string> = [\"a\"]")) == ["6:26 unknown parameter 'alowed'; did you mean 'allowed'?"])
    #expect(errors(rule("  require true else \"x\"", params: "  param limit: int = \"three\"")) == ["4:22 default value of 'limit' is not a int"])
  }

  @Test func invalidRegularExpressions() {
    #expect(errors(rule("  require c.spec.type matches \"[a-\" else \"x\"")) == ["6:31 invalid regular expression '[a-': character range out of order at offset 3"])
    // The function form (`matches` is also an operator keyword) is parsed and checked the same.
    #expect(errors(rule("  require matches(c.spec.type, \"(a\") else \"x\"")) == ["6:32 invalid regular expression '(a': unbalanced parentheses at offset 2"])
  }

  // MARK: Pattern parameters

  @Test func aParameterUsedAsARegularExpressionMustBeDeclaredAPattern() {
    let direct = rule("  require c.spec.type matches param.p else \"x\"", params: "  param p: string = \"a\"")
    #expect(errors(direct) == ["6:31 parameter 'p' is used as a regular expression: declare it 'param p: pattern', so that a policy pack's value is checked when the pack loads"])
    let viaLet = rule("  let p = param.p\n  require matches(c.spec.type, p) else \"x\"", params: "  param p: any = \"a\"")
    #expect(errors(viaLet) == ["7:32 parameter 'p' is used as a regular expression: declare it 'param p: pattern', so that a policy pack's value is checked when the pack loads"])
    let element = rule("  require any(p in param.ps, c.spec.type matches p) else \"x\"", params: "  param ps: list<string> = [\"a\"]")
    #expect(errors(element) == ["6:50 parameter 'ps' is used as a regular expression: declare it 'param ps: list<pattern>', so that a policy pack's value is checked when the pack loads"])
    // A list is not a pattern.
    let list = rule("  require c.spec.type matches param.ps else \"x\"", params: "  param ps: list<pattern> = [\"a\"]")
    #expect(errors(list).count == 1)
    // Declared as patterns, they check.
    #expect(errors(rule("  require c.spec.type matches param.p else \"x\"", params: "  param p: pattern = \"a\"")).isEmpty)
    #expect(errors(rule("  require any(p in param.ps, c.spec.type matches p) else \"x\"", params: "  param ps: list<pattern> = [\"a\"]")).isEmpty)
    // A quantifier variable that shadows nothing parameter-like is not traced.
    #expect(errors(rule("  require any(p in c.spec.patterns, c.spec.type matches p) else \"x\"")).isEmpty)
  }

  @Test func patternDefaultsAreValidPatterns() {
    #expect(errors(rule("  require true else \"x\"", params: "  param p: pattern = \"(a\"")) == ["4:22 default value of 'p' is not a valid regular expression: '(a' (unbalanced parentheses at offset 2)"])
    #expect(errors(rule("  require true else \"x\"", params: "  param ps: list<pattern> = [\"a\", \"b[\"]")) == ["4:35 default value of 'ps' is not a valid regular expression: 'b[' (missing ']' at offset 2)"])
    #expect(errors(rule("  require true else \"x\"", params: "  param p: pattern = 3")) == ["4:22 default value of 'p' is not a pattern"])
  }

  /// A policy pack that sets a pattern parameter to something that is not a pattern is a policy
  /// error when it loads, with the position of the value (issue 13: a pack that broke the IAM
  /// rule's pattern made every policy pass).
  @Test func packValuesOfPatternParametersAreCheckedWhenThePackLoads() {
    let text = rule("  require any(p in param.ps, c.spec.type matches p) else \"x\"", params: "  param p: pattern = \"a\"\n  param ps: list<pattern> = []") + """

      pack p {
        rule r: block { p = "(?<name" }
        rule r: block { ps = ["ok", "x{2,1}"] }
        rule r: block { p = "fine|ok" }
      }
      """
    let library = compile(text, expectErrors: true)
    #expect(messages(library) == [
      "10:23 'p' of rule 'r' is not a valid regular expression: '(?<name' (invalid capture group name at offset 7)",
      "11:31 'ps' of rule 'r' is not a valid regular expression: 'x{2,1}' ({min,max} with max below min at offset 6)",
    ])
    #expect(library.diagnostics.allSatisfy { $0.code == "policy.invalid-pattern" && $0.severity == .error })
  }

  @Test func nestedLoopsOverAWholeKindAreRejected() {
    let found = errors(rule("  require any(g in catalog.Group, g.metadata.name == c.spec.owner) else \"x\""))
    #expect(found.count == 1)
    #expect(found.first?.hasPrefix("6:20 scanning every catalog.Group for each entity is a nested loop") == true)
    // Counting a whole kind is fine: it is computed once per run.
    #expect(errors(rule("  require count(catalog.Group) > 0 else \"x\"")).isEmpty)
  }

  @Test func joinsNeedAnIndexableEquality() {
    let found = errors(rule("  require count(catalog.Group[metadata.name != c.spec.owner]) > 0 else \"x\""))
    #expect(found.first?.hasPrefix("6:31 a filter on catalog.Group needs an equality") == true)
    #expect(errors(rule("  require count(catalog.Group[metadata.name == c.spec.owner and spec.type == \"team\"]) > 0 else \"x\"")).isEmpty)
    #expect(errors(rule("  require count(catalog.Group[name(it) == c.spec.owner]) > 0 else \"x\"")).isEmpty)
    // A typo on the candidate's side of the filter is caught too.
    #expect(errors(rule("  require count(catalog.Group[metdata.name == c.spec.owner]) > 0 else \"x\"")) == ["6:31 catalog.Group has no attribute 'metdata'; did you mean 'metadata'?"])
  }

  @Test func rulesNeedTitleCategorySelectorAndRequire() {
    let found = errors("rule Bad_rule {\n  for c in catalog.Component\n}\n")
    #expect(found.contains("1:6 rule id 'Bad_rule' must be snake_case (a-z, 0-9, _) and must not end in '_rule'"))
    #expect(found.contains("1:6 rule 'Bad_rule' needs a title"))
    #expect(found.contains("1:6 rule 'Bad_rule' has no 'require': it can never find anything"))
    #expect(errors("rule x {\n  title \"X\"\n  category c\n  require true else \"m\"\n}\n").contains("1:6 rule 'x' has no 'for' clause saying which entities it checks"))
  }

  @Test func fixesMustEditAPathInsideAnEntity() {
    #expect(errors(rule("  require true else \"x\" fix { set c = 1 }")) == ["6:35 a fix must name an attribute of 'c', not the entity itself"])
    #expect(errors(rule("  let n = 3\n  require true else \"x\" fix { set n.x = 1 }")) == ["7:35 a fix must edit a path inside an entity, such as 's.with.persist-credentials'"])
    // The first of a join's result and related entities is an entity, whatever their kinds.
    let mixed = """
        let owners = flatten([catalog.Group[metadata.name == c.spec.owner], filter(g in c -> ownedBy, true)])
        let owner = first(owners)
        require true else "x" fix { set owner.spec.type = "team" }
      """
    #expect(errors(rule(mixed)).isEmpty)
    let values = "  let owner = first(flatten([catalog.Group[metadata.name == c.spec.owner], [1]]))\n"
    #expect(errors(rule(values + "  require true else \"x\" fix { set owner.spec.type = \"team\" }")) == ["7:35 a fix must edit a path inside an entity, such as 's.with.persist-credentials'"])
  }

  @Test func aForInAFixBindsItsVariable() {
    // The element of a list of entities is an entity whose attributes the fix may edit.
    let entities = "  let groups = filter(g in c -> ownedBy, true)\n  require true else \"x\" fix { for g in groups { set g.spec.type = \"team\" } }"
    #expect(errors(rule(entities)).isEmpty)
    // The element of a list of values is a value: not an entity to edit.
    #expect(errors(rule("  require true else \"x\" fix { for v in [1] { set v.x = 1 } }")) == ["6:50 a fix must edit a path inside an entity, such as 's.with.persist-credentials'"])
    #expect(errors(rule("  let k = 1\n  require true else \"x\" fix { for k in [1] { remove c.spec[k] } }")) == ["7:31 'k' is already defined; choose another name"])
    #expect(errors(rule("  require true else \"x\" fix { for k in c.spec { remov c.spec[k] } }")).contains { $0.contains("expected 'set', 'insert', 'remove', 'append' or 'for' in a fix") })
  }

  @Test func packsAndScorecardsReferToKnownRulesAndParameters() {
    let found = errors(
      rule("  require true else \"x\"", params: "  param limit: int = 3") + """

        pack p {
          rule s: block
          rule r: warn { limt = 4 }
          rule r: warn { limit = "four" }
          category nope: block
        }
        scorecard sc {
          for c in catalog.Component
          level bronze: r, q
          level silver: bronze
        }
        """)
    #expect(found.contains("9:3 pack 'p' names unknown rule 's'; did you mean 'r'?"))
    #expect(found.contains("10:18 rule 'r' has no parameter 'limt'; did you mean 'limit'?"))
    #expect(found.contains("11:26 'limit' of rule 'r' must be a int literal"))
    #expect(found.contains("12:3 pack 'p' names category 'nope', which no rule has"))
    #expect(found.contains("16:20 scorecard 'sc' names unknown rule or earlier level 'q'; did you mean 'r'?"))
    #expect(found.count == 5)
  }

  @Test func duplicateRulesAreReportedWithTheFirstDefinition() {
    let library = compile(rule("  require true else \"x\"") + "\n" + rule("  require true else \"y\""), expectErrors: true)
    #expect(library.diagnostics.map(\.code) == ["policy.duplicate-rule"])
    #expect(library.diagnostics.first?.notes.first?.location?.span.start.line == 1)
  }
}

@Suite struct BuiltinNameTests {
  /// Calls are resolved to a `BuiltinName` when parsed: the enum and the documented table must
  /// name the same functions.
  @Test func everyDocumentedBuiltinHasANameAndNoMore() {
    #expect(Set(BuiltinName.allCases.map(\.rawValue)) == Set(Builtins.all.map(\.name)))
    #expect(Callee("to_string").builtin == .to_string)
    #expect(Callee("default").builtin == .default)
    #expect(Callee("no_such_function").builtin == nil)
  }
}
