import PlumbGraph
import Testing

@testable import PlumbPolicy

@Suite struct EvaluationTests {
  static let ownerRule = """
    rule component_owner_is_group {
      title "Owner is a group"
      category ownership
      severity high
      for c in catalog.Component
      let owner = c.spec.owner
      when c.spec.lifecycle != "experimental"
      require exists(owner) else "component '${c.metadata.name}' has no owner"
      require count(catalog.Group[metadata.name == owner]) == 1 else "owner '${owner}' of '${c.metadata.name}' is not a group"
    }
    """

  func catalog() -> DocumentGraph {
    var fixture = GraphFixture()
    fixture.add("catalog.Group", "payments", "kind: Group\nmetadata:\n  name: payments\nspec:\n  type: team\n")
    fixture.add("catalog.Component", "api", "kind: Component\nmetadata:\n  name: api\nspec:\n  owner: payments\n  lifecycle: production\n")
    fixture.add("catalog.Component", "web", "kind: Component\nmetadata:\n  name: web\nspec:\n  owner: ghosts\n  lifecycle: production\n")
    fixture.add("catalog.Component", "lab", "kind: Component\nmetadata:\n  name: lab\nspec:\n  lifecycle: experimental\n")
    fixture.add("catalog.Component", "orphan", "kind: Component\nmetadata:\n  name: orphan\nspec:\n  lifecycle: production\n")
    return fixture.build()
  }

  @Test func joinsFindMissingOwnersAndPointAtTheValue() throws {
    let result = evaluate(Self.ownerRule, catalog())
    // Findings are sorted by the place they point at.
    #expect(result.findings.map(\.message) == [
      "owner '<missing>' of 'orphan' is not a group",
      "component 'orphan' has no owner",
      "owner 'ghosts' of 'web' is not a group",
    ])
    let ghost = try #require(result.findings.last)
    #expect(ghost.verdict == .fail)
    #expect(ghost.severity == .high)
    // The finding points at the value that decided it: `ghosts` on line 5, column 10.
    #expect(ghost.location.path == "web.yaml")
    #expect(ghost.location.span.start.line == 5)
    #expect(ghost.location.span.start.column == 10)
    #expect(ghost.evidence.contains { $0.expression == "owner" && $0.value == "ghosts" })
    let stats = try #require(result.statistics.first)
    #expect(stats.selected == 4)
    #expect(stats.notApplicable == 1)
    #expect(stats.passed == 1)
    #expect(stats.failed == 2)
    #expect(result.states["component_owner_is_group"]?[EntityID("catalog.Component:lab")] == .notApplicable)
  }

  @Test func fingerprintsIgnoreLinesButNotIdentity() throws {
    var moved = GraphFixture()
    moved.add("catalog.Group", "payments", "kind: Group\nmetadata:\n  name: payments\n")
    moved.add("catalog.Component", "web", "# a comment moves every line\n\nkind: Component\nmetadata:\n  name: web\nspec:\n  owner: ghosts\n  lifecycle: production\n")
    let before = evaluate(Self.ownerRule, catalog()).findings.first { $0.entity.rawValue.hasSuffix(":web") }
    let after = evaluate(Self.ownerRule, moved.build()).findings.first { $0.entity.rawValue.hasSuffix(":web") }
    #expect(before?.fingerprint != nil)
    #expect(before?.fingerprint == after?.fingerprint)
    #expect(before?.location.span.start.line != after?.location.span.start.line)
    let others = evaluate(Self.ownerRule, catalog()).findings.map(\.fingerprint)
    #expect(Set(others).count == others.count)
  }

  static let bucketRule = """
    rule bucket_versioning {
      title "Buckets are versioned"
      category security
      for b in terraform.resource("aws_s3_bucket")
      require b.after.versioning.enabled == true else "bucket ${b.after.bucket} is not versioned"
    }
    """

  func buckets() -> DocumentGraph {
    var fixture = GraphFixture()
    fixture.addPlanned("good", type: "aws_s3_bucket", #"{"after": {"bucket": "good", "versioning": {"enabled": true}}, "after_unknown": {}}"#)
    fixture.addPlanned("bad", type: "aws_s3_bucket", #"{"after": {"bucket": "bad", "versioning": {"enabled": false}}, "after_unknown": {}}"#)
    fixture.addPlanned("later", type: "aws_s3_bucket", #"{"after": {"bucket": "later"}, "after_unknown": {"versioning": true}}"#)
    fixture.addPlanned("unset", type: "aws_s3_bucket", #"{"after": {"bucket": "unset"}, "after_unknown": {}}"#)
    fixture.addPlanned("other", type: "aws_instance", #"{"after": {}, "after_unknown": {}}"#)
    return fixture.build()
  }

  @Test func unknownUntilApplyIsIndeterminateNeverPassOrFail() throws {
    let result = evaluate(Self.bucketRule, buckets())
    let verdicts = Dictionary(uniqueKeysWithValues: result.findings.map { ($0.entity.rawValue, $0.verdict) })
    #expect(verdicts["terraform.resource:bad"] == .fail)
    #expect(verdicts["terraform.resource:unset"] == .fail)
    #expect(verdicts["terraform.resource:later"] == .indeterminate)
    #expect(verdicts["terraform.resource:good"] == nil)
    #expect(verdicts.count == 3)
    let later = try #require(result.findings.first { $0.verdict == .indeterminate })
    #expect(later.message == "bucket later is not versioned (indeterminate: 'b.after.versioning.enabled' is unknown until apply)")
    #expect(result.statistics.first?.selected == 4)
    #expect(result.statistics.first?.indeterminate == 1)
  }

  @Test func kleeneLogicAbsorbsUnknownWhereTheAnswerIsDecided() throws {
    var fixture = GraphFixture()
    fixture.addPlanned("x", type: "aws_s3_bucket", #"{"after": {"acl": "private"}, "after_unknown": {"policy": true}}"#)
    let rule = """
      rule r {
        title "R"
        category t
        for b in terraform.resource
        require b.after.acl == "private" or b.after.policy == "x" else "or: decided by the known side"
        require b.after.acl == "public" and b.after.policy == "x" else "and: false whatever the unknown"
        require not (b.after.policy == "x") else "not: unknown"
        require all(v in [b.after.acl, b.after.policy], v != "public") else "all: unknown element"
        require any(v in [b.after.acl, b.after.policy], v == "private") else "any: decided"
      }
      """
    let found = evaluate(rule, fixture.build()).findings.map { "\($0.verdict.rawValue): \($0.message.prefix { $0 != "(" })" }
    #expect(Set(found) == [
      "fail: and: false whatever the unknown",
      "indeterminate: not: unknown ",
      "indeterminate: all: unknown element ",
    ])
    #expect(found.count == 3)
  }

  @Test func missingNullAndUnknownAreDistinctToFunctions() throws {
    var fixture = GraphFixture()
    fixture.addPlanned("x", type: "t", #"{"after": {"a": null, "tags": {"k": "v"}}, "after_unknown": {"u": true}}"#)
    let rule = """
      rule r {
        title "R"
        category t
        for b in terraform.resource
        require exists(b.after.missing) else "missing does not exist"
        require not exists(b.after.a) else "null exists"
        require not is_null(b.after.u) else "unknown is not null"
        require not is_unknown(b.after.u) else "u is unknown"
        require default(b.after.missing, "fallback") != "fallback" else "default for missing"
        require length(b.tags) == 2 else "one tag"
        require "k" in b.tags else "key in map"
      }
      """
    let found = evaluate(rule, fixture.build()).findings.map(\.message)
    #expect(Set(found) == ["missing does not exist", "null exists", "u is unknown", "default for missing", "one tag"])
    #expect(found.count == 5)
  }

  @Test func traversalQuantifiersAndStringFunctions() throws {
    var fixture = GraphFixture()
    fixture.add("catalog.Group", "payments", "kind: Group\nmetadata:\n  name: payments\nspec:\n  members: [ana, bo]\n")
    fixture.add("catalog.Group", "empty", "kind: Group\nmetadata:\n  name: empty\nspec:\n  members: []\n")
    fixture.add("catalog.Component", "api", "kind: Component\nmetadata:\n  name: Payments-API\n  tags: [java, pci]\n")
    fixture.add("catalog.Component", "web", "kind: Component\nmetadata:\n  name: web\n  tags: [JS]\n")
    fixture.connect("catalog.Component:api", "ownedBy", "catalog.Group:payments")
    fixture.connect("catalog.Component:web", "ownedBy", "catalog.Group:empty")
    let rule = """
      rule r {
        title "R"
        category t
        for c in catalog.Component
        let owners = c -> ownedBy
        require any(g in owners, count(g.spec.members) > 0) else "${name(c)}: owner has no members"
        require all(t in c.metadata.tags, t == lower(t)) else "${name(c)}: tags not lower case: ${filter(t in c.metadata.tags, t != lower(t))}"
        require lower(c.metadata.name) matches "^[a-z-]+$" and starts_with(kind(c), "catalog.") else "bad name"
        require join(map(g in owners, name(g)), ",") == "payments" else "${name(c)}: owned by ${join(map(g in owners, name(g)), ",")}"
      }
      """
    let found = evaluate(rule, fixture.build()).findings.map(\.message)
    #expect(Set(found) == [
      "web: owner has no members",
      "web: tags not lower case: [\"JS\"]",
      "web: owned by empty",
    ])
    #expect(found.count == 3)
  }

  @Test func packsChooseRulesLevelsAndParameters() throws {
    let rules = """
      rule tagged {
        title "Tagged"
        category security
        param required: list<string> = ["owner"]
        for b in terraform.resource
        require all(k in param.required, k in b.tags) else "missing one of ${param.required}"
      }
      rule named {
        title "Named"
        category style
        for b in terraform.resource
        require exists(b.after.name) else "no name"
      }
      pack strict {
        all rules: warn
        rule tagged: block { required = ["owner", "cost-center"] }
      }
      pack light {
        category style: advisory
      }
      """
    var fixture = GraphFixture()
    fixture.addPlanned("x", type: "t", #"{"after": {"tags": {"owner": "a"}}, "after_unknown": {}}"#)
    let graph = fixture.build()
    let strict = evaluate(rules, graph, pack: "strict")
    #expect(Set(strict.findings.map(\.message)) == ["missing one of [\"owner\", \"cost-center\"]", "no name"])
    #expect(strict.enforcement == ["tagged": .block, "named": .warn])
    let light = evaluate(rules, graph, pack: "light")
    #expect(light.findings.map(\.ruleID) == ["named"])
    #expect(light.enforcement == ["named": .advisory])
    let none = evaluate(rules, graph)
    #expect(none.findings.map(\.ruleID).sorted() == ["named"])
    #expect(none.evaluatedAnything)
  }

  @Test func fixesDescribeTheEditWithAnAnchor() throws {
    var fixture = GraphFixture()
    fixture.add("github.step", "s", "uses: actions/checkout@v4\nwith:\n  fetch-depth: 0\n")
    let rule = """
      rule persist {
        title "P"
        category security
        for s in github.step
        require s.with["persist-credentials"] == false else "credentials persist" fix {
          set s.with["persist-credentials"] = false
        }
      }
      """
    let finding = try #require(evaluate(rule, fixture.build()).findings.first)
    let fix = try #require(finding.fixes.first)
    #expect(fix.operation == .set)
    #expect(fix.path == ["with", "persist-credentials"])
    #expect(fix.value == "false")
    #expect(fix.anchor?.span.start.line == 3)
  }

  @Test func aForInAFixRepeatsItsStatementsPerElement() throws {
    var fixture = GraphFixture()
    fixture.add("github.step", "s", "run: make\nenv:\n  A_DEBUG: true\n  KEEP: 1\n  B_DEBUG: true\n")
    let rule = """
      rule debug {
        title "D"
        category security
        for s in github.step
        let on = filter(k in keys(default(s.env, {})), ends_with(k, "_DEBUG"))
        require count(on) == 0 else "debug on" fix {
          for k in on { remove s.env[k] }
          for x in filter(x in ["KEEP"], count(on) > 5) { remove s.env[x] }
          for n in [1, 2] { for k in on { set s.with[k] = n } }
        }
      }
      """
    let finding = try #require(evaluate(rule, fixture.build()).findings.first)
    // One edit per element, nested loops in order; a filter that keeps nothing gives none.
    #expect(finding.fixes.map { "\($0.operation.rawValue) \($0.path.joined(separator: ".")) \($0.value ?? "")" } == [
      "remove env.A_DEBUG ", "remove env.B_DEBUG ",
      "set with.A_DEBUG 1", "set with.B_DEBUG 1", "set with.A_DEBUG 2", "set with.B_DEBUG 2",
    ])
    #expect(finding.fixes.first?.anchor?.span.start.line == 3)
  }

  @Test func evaluationIsDeterministic() {
    let first = evaluate(Self.ownerRule, catalog()).findings
    for _ in 0..<5 {
      #expect(evaluate(Self.ownerRule, catalog()).findings == first)
    }
  }
}
