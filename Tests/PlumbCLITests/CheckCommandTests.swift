import Foundation
import Testing

@testable import PlumbKit

/// `plumb check`, `test`, `explain` and `rules` end to end, on the built binary.
@Suite struct CheckCommandTests {
  @Test func checkFindsThePlantedProblemsInTheSamplePlatform() throws {
    let result = try runPlumb(["check", "--color", "never", "--root", "fixtures/platform", "fixtures/platform"])
    #expect(result.status == 1, "\(result.stdout)")
    let expected = [
      "  21:29  error: 'github.event.pull_request.title' is expanded into a run script; an attacker controls its value [template_injection]",
      "  14:15  warning: 'actions/checkout' is pinned to version-tag 'v4', not a full commit SHA [actions_pinned_to_sha]",
      "  58:10  error: owner 'data-platform' of component 'nightly-report' does not exist in the catalog [owner_is_a_group]",
      "  32:85   error: 'aws_security_group.bastion' opens port 22 to the internet [security_group_admin_ports_open]",
      "  22:10  warning: job 'build' runs 'docker:latest', a moving 'latest' image [image_pinned_by_digest]",
    ]
    for line in expected { #expect(result.stdout.contains(line), "missing: \(line)") }
    // The residency finding points at the provider alias's region constant.
    #expect(result.stdout.contains("holds personal data of 'payments-api' in region 'us-east-1'"))
    #expect(result.stdout.contains("verdict: fail (4 blocking findings)"))
    // Files are grouped, each once.
    #expect(result.stdout.components(separatedBy: "\n.gitlab-ci.yml\n").count == 2)
  }

  @Test func checkIsDeterministic() throws {
    let first = try runPlumb(["check", "--color", "never", "--root", "fixtures/platform", "fixtures/platform"])
    let second = try runPlumb(["check", "--color", "never", "--root", "fixtures/platform", "fixtures/platform"])
    #expect(first.stdout == second.stdout)
  }

  @Test func profileReportsPhasesAndTheRulesThatRanOnStandardError() throws {
    let result = try runPlumb(["check", "--color", "never", "--profile", "--root", "fixtures/platform", "fixtures/platform"])
    let plain = try runPlumb(["check", "--color", "never", "--root", "fixtures/platform", "fixtures/platform"])
    // The report and the exit status do not change; the profile goes to standard error only.
    #expect(result.status == plain.status)
    #expect(result.stdout == plain.stdout)
    #expect(!plain.stderr.contains("--profile"))
    for phase in ["inputs: load, ingest, build graph", "rules: parse and check", "evaluation (", "slowest rules:"] {
      #expect(result.stderr.contains(phase), "missing: \(phase)")
    }
    // Rows are rules that ran, with a duration in milliseconds.
    let rows = result.stderr.split(separator: "\n").drop { !$0.contains("slowest rules:") }.dropFirst()
    #expect(!rows.isEmpty)
    for row in rows {
      let fields = row.split(separator: " ")
      #expect(fields.count == 3 && fields[2] == "ms" && Double(fields[1]) != nil, "\(row)")
    }
    #expect(rows.contains { $0.contains("template_injection") })
  }

  @Test func aRuleThatDoublesAStringForeverIsStoppedWithAPolicyError() throws {
    // 30 doublings of a component's name would be gigabytes: the evaluation budget stops the
    // rule for each component, reports its judgement of them as an error and fails the run as a
    // policy error.
    let directory = try temporaryDirectory()
    let lets = (1...30).map { "  let s\($0) = s\($0 - 1) + s\($0 - 1)" }.joined(separator: "\n")
    try """
      rule doubling {
        title "Doubling"
        category ownership
        for c in catalog.Component
        let s0 = c.metadata.name
      \(lets)
        require s30 != "" else "empty"
      }
      """.write(to: directory.appendingPathComponent("doubling.plumb"), atomically: true, encoding: .utf8)
    let result = try runPlumb(["check", "--color", "never", "--rules", directory.path, "--root", "fixtures/platform", "fixtures/platform"])
    #expect(result.status == 3, "\(result.stdout)")
    #expect(result.stdout.contains("rule 'doubling' ran over its evaluation budget (10000000 steps per entity)"))
    #expect(result.stdout.contains("'doubling' could not be evaluated for 'payments-api'"))
  }

  @Test func brokenRulesExitWithPolicyErrorsBeforeEvaluating() throws {
    let directory = try temporaryDirectory()
    try "rule bad {\n  title \"Bad\"\n  category x\n  for c in catalog.Component\n  require c.spce.owner else \"x\"\n}\n"
      .write(to: directory.appendingPathComponent("bad.plumb"), atomically: true, encoding: .utf8)
    let result = try runPlumb(["check", "--color", "never", "--rules", directory.path, "--root", "fixtures/platform", "fixtures/platform"])
    #expect(result.status == 3)
    #expect(result.stdout.contains("bad.plumb:5:11: error: catalog.Component has no attribute 'spce'; did you mean 'spec'?"))
    #expect(result.stdout.contains("rules did not compile"))
  }

  @Test func brokenInputsExitWithInputErrorsEvenWhenOtherFilesAreClean() throws {
    let directory = try temporaryDirectory()
    try "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a\n"
      .write(to: directory.appendingPathComponent("catalog-info.yaml"), atomically: true, encoding: .utf8)
    let result = try runPlumb(["check", "--color", "never", directory.path])
    #expect(result.status == 2)
    #expect(result.stdout.contains("catalog-info.yaml:4:1: error:"))
  }

  @Test func nothingToEvaluateIsNotAPass() throws {
    let directory = try temporaryDirectory()
    try "just: data\n".write(to: directory.appendingPathComponent("values.yaml"), atomically: true, encoding: .utf8)
    let result = try runPlumb(["check", "--color", "never", directory.path])
    #expect(result.status == 4)
    #expect(result.stdout.contains("verdict: fail (nothing was evaluated"))
    let unknownPack = try runPlumb(["check", "--pack", "nope", "--root", "fixtures/platform", "fixtures/platform"])
    #expect(unknownPack.status == 3)
    #expect(unknownPack.stdout.contains("no policy pack named 'nope'"))
  }

  /// The command's wiring on two shipped rules; every rule's examples run one test per rule in
  /// `RuleExampleTests`.
  @Test func testRunsTheNamedShippedRulesExamples() throws {
    let result = try runPlumb(["test", "--rule", "owner_is_a_group", "--rule", "template_injection"])
    #expect(result.status == 0, "\(result.stdout)")
    #expect(result.stdout.contains(" 0 failed ("))
    #expect(result.stdout.contains("owner_is_a_group"))
    #expect(result.stdout.contains("template_injection"))
    #expect(!result.stdout.contains("FAIL "))
  }

  @Test func testFailsARuleWithoutFailingExampleOrWithAWrongMarker() throws {
    let directory = try temporaryDirectory()
    try """
      rule only_passes {
        title "Only passes"
        category x
        for c in catalog.Component
        require exists(c.spec) else "no spec"
        example pass \"\"\"
          apiVersion: backstage.io/v1alpha1
          kind: Component
          metadata: {name: a}
          spec: {type: service, lifecycle: production, owner: me}
        \"\"\"
      }
      rule wrong_marker {
        title "Wrong marker"
        category x
        for c in catalog.Component
        require c.spec.type == "service" else "not a service"
        example pass \"\"\"
          apiVersion: backstage.io/v1alpha1
          kind: Component
          metadata: {name: a}
          spec: {type: service, lifecycle: production, owner: me}
        \"\"\"
        example fail \"\"\"
          apiVersion: backstage.io/v1alpha1
          kind: Component
          ↓metadata: {name: a}
          spec: {type: website, lifecycle: production, owner: me}
        \"\"\"
      }
      """.write(to: directory.appendingPathComponent("r.plumb"), atomically: true, encoding: .utf8)
    let result = try runPlumb(["test", "--no-builtin-rules", directory.path])
    #expect(result.status == 1)
    #expect(result.stdout.contains("rule 'only_passes' has no failing example"))
    #expect(result.stdout.contains("no finding points at the marker (catalog-info.yaml@50)"))
    #expect(result.stdout.contains("0 passed, 2 failed (2 rules, 3 examples)"))
  }

  @Test func explainAndRulesDescribeTheLibrary() throws {
    let explain = try runPlumb(["explain", "personal_data_in_allowed_regions"])
    #expect(explain.status == 0)
    #expect(explain.stdout.hasPrefix("# Resources of components holding personal data stay in allowed regions\n"))
    #expect(explain.stdout.contains("| `allowed_regions` | list<string> |"))
    #expect(explain.stdout.contains("## Indeterminate examples"))
    let rules = try runPlumb(["rules", "--pack", "baseline"])
    #expect(rules.status == 0)
    #expect(rules.stdout.contains("template_injection"))
    #expect(rules.stdout.contains("block"))
    let unknown = try runPlumb(["explain", "template_injektion"])
    #expect(unknown.status == 64)
    #expect(unknown.stderr.contains("did you mean 'template_injection'?"))
  }

  @Test func embeddedRulesAreUpToDate() throws {
    let committed = try String(
      contentsOf: packageRoot.appendingPathComponent(BuiltinPolicyGenerator.outputPath), encoding: .utf8)
    let fresh = BuiltinPolicyGenerator.render(root: packageRoot.path)
    #expect(committed == fresh, "Sources/PlumbKit/BuiltinPolicies+Generated.swift is out of date: run 'swift run plumb-generate'")
  }

  @Test func ruleDocumentationIsUpToDate() throws {
    let pages = BuiltinPolicyGenerator.documentation(root: packageRoot.path)
    #expect(pages.count > 10)
    for (path, text) in pages {
      let committed = try? String(contentsOf: packageRoot.appendingPathComponent(path), encoding: .utf8)
      #expect(committed == text, "\(path) is out of date: run 'swift run plumb-generate'")
    }
    let folder = packageRoot.appendingPathComponent(BuiltinPolicyGenerator.docsFolder)
    let onDisk = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".md") }
    #expect(Set(onDisk.map { BuiltinPolicyGenerator.docsFolder + "/" + $0 }) == Set(pages.keys))
  }
}
