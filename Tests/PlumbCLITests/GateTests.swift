import Foundation
import Testing

@testable import PlumbKit

/// `plumb check` as a CI gate, end to end on the built binary: every exit status, the flags that
/// decide what fails, outputs, waivers and baselines.
@Suite struct GateTests {
  let clean = component("api", system: "payments", tags: "[web]", description: "the API")

  // MARK: 0 and 1

  @Test func exit0WhenNothingBlocks() throws {
    let directory = try makeRepository(["catalog-info.yaml": clean])
    let result = try runPlumb(gateArguments(directory))
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("verdict: pass"))
  }

  @Test func exit1OnBlockingFindingsAndFailOnDecidesWhich() throws {
    let directory = try makeRepository(["catalog-info.yaml": component("api", description: "d")])
    let result = try runPlumb(gateArguments(directory))
    #expect(result.status == 1)
    #expect(result.stdout.contains("error: component 'api' has no system [needs_system]"))
    #expect(result.stdout.contains("verdict: fail (1 blocking finding)"))
    #expect(try runPlumb(gateArguments(directory, ["--fail-on", "never"])).status == 0)
    #expect(try runPlumb(gateArguments(directory, ["--fail-on-severity", "critical"])).status == 0)
    #expect(try runPlumb(gateArguments(directory, ["--fail-on-severity", "high"])).status == 1)

    // A warn-level finding fails only with --fail-on warn.
    let warnOnly = try makeRepository(["catalog-info.yaml": component("api", system: "billing", description: "d")])
    #expect(try runPlumb(gateArguments(warnOnly)).status == 0)
    let failOnWarn = try runPlumb(gateArguments(warnOnly, ["--fail-on", "warn"]))
    #expect(failOnWarn.status == 1)
    #expect(failOnWarn.stdout.contains("warning: component 'api' has no tags [needs_tags]"))
  }

  @Test func indeterminateFindingsBlockUnlessToldToWarn() throws {
    let directory = try makeRepository(
      [
        "infra/plan.json": """
          {"format_version": "1.2", "resource_changes": [
            {"address": "aws_security_group.x", "mode": "managed", "type": "aws_security_group", "name": "x",
             "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["create"], "before": null,
               "after": {"ingress": [{"cidr_blocks": [null], "ipv6_cidr_blocks": [], "from_port": 22, "to_port": 22}]},
               "after_unknown": {"ingress": [{"cidr_blocks": [true], "ipv6_cidr_blocks": []}]}}}]}
          """
      ], rules: false)
    let closed = try runPlumb(["check", "--color", "never", directory.path])
    #expect(closed.status == 1, "\(closed.stdout)")
    #expect(closed.stdout.contains("indeterminate: 'aws_security_group.x'"))
    let warn = try runPlumb(["check", "--color", "never", "--indeterminate", "warn", directory.path])
    #expect(warn.status == 0, "\(warn.stdout)")
  }

  @Test func showFiltersTheTextButNotTheExitStatus() throws {
    let directory = try makeRepository(["catalog-info.yaml": component("api")])
    let result = try runPlumb(gateArguments(directory, ["--show", "block"]))
    #expect(result.status == 1)
    #expect(result.stdout.contains("[needs_system]"))
    #expect(!result.stdout.contains("[needs_tags]") && !result.stdout.contains("[needs_description]"))
    let hiddenButFailing = try runPlumb(gateArguments(directory, ["--show", "block", "--fail-on", "warn"]))
    #expect(hiddenButFailing.stdout.contains("[needs_tags]"))
  }

  // MARK: 2: bad input never passes

  @Test func exit2ForAMalformedFileWithItsLocation() throws {
    let directory = try makeRepository([
      "catalog-info.yaml": clean,
      "broken.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a\n",
    ])
    let result = try runPlumb(gateArguments(directory))
    #expect(result.status == 2, "\(result.stdout)")
    #expect(result.stdout.contains("broken.yaml:4:1: error:"))
    #expect(result.stdout.contains("verdict: fail (1 input error)"))
  }

  @Test func exit2ForANamedFileOfNoKnownFormatWithItsLocation() throws {
    let directory = try makeRepository(["catalog-info.yaml": clean, "values.yaml": "replicas: 3\n"])
    // Found by walking the directory, it is skipped with a note.
    #expect(try runPlumb(gateArguments(directory)).status == 0)
    // Named on the command line, it is an error.
    var arguments = gateArguments(directory)
    arguments.append(directory.appendingPathComponent("values.yaml").path)
    arguments += ["--root", directory.path]
    let result = try runPlumb(arguments)
    #expect(result.status == 2, "\(result.stdout)")
    #expect(result.stdout.contains("values.yaml:1:1: error: not a Backstage catalog, Terraform plan, GitHub Actions or GitLab CI file"))
  }

  @Test func exit2ForAnUnreadableFileWithItsLocation() throws {
    let directory = try makeRepository(["catalog-info.yaml": clean])
    // Reading /proc/self/mem from offset 0 fails with EIO, even for root (chmod 000 does not stop root).
    #if os(Linux)
      let link = directory.appendingPathComponent("unreadable.yaml")
      try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "/proc/self/mem")
      let result = try runPlumb(gateArguments(directory) + [link.path, "--root", directory.path])
      #expect(result.status == 2, "\(result.stdout)")
      #expect(result.stdout.contains("unreadable.yaml:1:1: error: cannot read 'unreadable.yaml'"), "\(result.stdout)")
    #endif
    if geteuid() != 0 {
      let locked = directory.appendingPathComponent("locked.yaml")
      try clean.write(to: locked, atomically: true, encoding: .utf8)
      chmod(locked.path, 0)
      defer { chmod(locked.path, 0o644) }
      let result = try runPlumb(gateArguments(directory))
      #expect(result.status == 2)
      #expect(result.stdout.contains("locked.yaml:1:1: error: cannot read"))
    }
  }

  @Test func exit2ForAnInvalidEntity() throws {
    let directory = try makeRepository([
      "catalog-info.yaml": clean,
      "bad.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  namespace: x\nspec:\n  type: service\n",
    ])
    let result = try runPlumb(gateArguments(directory))
    #expect(result.status == 2, "\(result.stdout)")
    #expect(result.stdout.contains("bad.yaml:3:1: error:"))
  }

  @Test func exit2WhenTheBaselineCannotBeRead() throws {
    let directory = try makeRepository(["catalog-info.yaml": clean])
    let missing = try runPlumb(gateArguments(directory, ["--baseline", directory.appendingPathComponent("nope.json").path]))
    #expect(missing.status == 2)
    #expect(missing.stdout.contains("cannot read baseline file"))
    try "garbage".write(to: directory.appendingPathComponent("b.txt"), atomically: true, encoding: .utf8)
    let garbage = try runPlumb(gateArguments(directory, ["--baseline", directory.appendingPathComponent("b.txt").path]))
    #expect(garbage.status == 2)
    #expect(garbage.stdout.contains("is not JSON"))
  }

  // MARK: 3

  @Test func exit3ForPolicyErrors() throws {
    let directory = try makeRepository(["catalog-info.yaml": clean])
    let unknownPack = try runPlumb(gateArguments(directory, pack: "gaet"))
    #expect(unknownPack.status == 3)
    #expect(unknownPack.stdout.contains("no policy pack named 'gaet' (did you mean 'gate'?"))

    try "waivers:\n  - {rule: needs_systm, entity: x, reason: r, owner: o, expires: 2026-01-01}\n"
      .write(to: directory.appendingPathComponent(".plumb-waivers.yaml"), atomically: true, encoding: .utf8)
    let unknownRule = try runPlumb(gateArguments(directory))
    #expect(unknownRule.status == 3)
    #expect(unknownRule.stdout.contains(".plumb-waivers.yaml:2:12: error: waiver names unknown rule 'needs_systm'; did you mean 'needs_system'?"))

    try "waivers:\n  - {rule: needs_system, entity: x, owner: o, expires: 2026-01-01}\n"
      .write(to: directory.appendingPathComponent(".plumb-waivers.yaml"), atomically: true, encoding: .utf8)
    let noReason = try runPlumb(gateArguments(directory))
    #expect(noReason.status == 3)
    #expect(noReason.stdout.contains(".plumb-waivers.yaml:2:5: error: waiver is missing 'reason'"))

    let explicit = try runPlumb(gateArguments(directory, ["--waivers", "/nonexistent/waivers.yaml"]))
    #expect(explicit.status == 3)
    #expect(explicit.stdout.contains("no such waiver file: '/nonexistent/waivers.yaml'"))
  }

  @Test func policyErrorsOutrankInputErrorsWhichOutrankFindings() throws {
    let directory = try makeRepository([
      "catalog-info.yaml": component("api"),
      "broken.yaml": "a: [b\n",
      ".plumb.yaml": "pack: gate\nunknown_setting: 1\n",
    ])
    let both = try runPlumb(gateArguments(directory))
    #expect(both.status == 3, "\(both.stdout)")
    #expect(both.stdout.contains(".plumb.yaml:2:1: error: unknown key 'unknown_setting'"))
    try FileManager.default.removeItem(at: directory.appendingPathComponent(".plumb.yaml"))
    let inputAndFindings = try runPlumb(gateArguments(directory))
    #expect(inputAndFindings.status == 2)
    #expect(inputAndFindings.stdout.contains("[needs_system]"))
  }

  // MARK: 4

  @Test func exit4WhenNothingWasEvaluated() throws {
    let empty = try makeRepository([:])
    let noInput = try runPlumb(gateArguments(empty))
    #expect(noInput.status == 4)
    #expect(noInput.stdout.contains("verdict: fail (nothing was evaluated: no input found)"))

    let workflowOnly = try makeRepository([
      ".github/workflows/ci.yml": "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: make\n"
    ])
    let nothingApplied = try runPlumb(gateArguments(workflowOnly))
    #expect(nothingApplied.status == 4)
    #expect(nothingApplied.stdout.contains("no rule applied to any input"))

    let noRule = try runPlumb(gateArguments(try makeRepository(["catalog-info.yaml": clean]), pack: "nothing_on"))
    #expect(noRule.status == 4)
  }

  // MARK: 64

  @Test func exit64ForUsageErrors() throws {
    let directory = try makeRepository(["catalog-info.yaml": clean])
    let format = try runPlumb(gateArguments(directory, ["--output", "sarf=out.sarif"]))
    #expect(format.status == 64)
    #expect(format.stderr.contains("unknown output format 'sarf'; did you mean 'sarif'? (known: text, json, sarif, sarif-upload, github, github-summary, gitlab, gitlab-sast, junit, markdown)"))
    let newOnly = try runPlumb(gateArguments(directory, ["--new-only"]))
    #expect(newOnly.status == 64)
    #expect(newOnly.stderr.contains("--new-only needs a baseline"))
    #expect(try runPlumb(gateArguments(directory, ["--fail-on", "sometimes"])).status == 64)
    #expect(try runPlumb(gateArguments(directory, ["--today", "2025-02-30"])).status == 64)
    let env = try runPlumb(
      ["check", "--no-builtin-rules", "--rules", directory.appendingPathComponent("policy").path, "--pack", "gate", directory.path],
      environment: ["PLUMB_TODAY": "soon"])
    #expect(env.status == 64)
    #expect(env.stderr.contains("PLUMB_TODAY must be a date"))
    #expect(try runPlumb(gateArguments(directory, ["--baseline", "a.json", "--baseline-ref", "HEAD"])).status == 64)
  }

  // MARK: Outputs

  @Test func severalOutputsInOneRun() throws {
    let directory = try makeRepository(["catalog-info.yaml": component("api")])
    let out = directory.appendingPathComponent("out")
    let result = try runPlumb(
      gateArguments(
        directory,
        [
          "--output", "text", "--output", "json=\(out.path)/plumb.json", "--output", "sarif=\(out.path)/plumb.sarif",
          "--output", "junit=\(out.path)/junit.xml", "--output", "gitlab=\(out.path)/codequality.json",
          "--output", "github-summary=\(out.path)/summary.md", "--output", "github",
        ]))
    #expect(result.status == 1)
    #expect(result.stdout.contains("verdict: fail (1 blocking finding)"))
    #expect(result.stdout.contains("::error "))
    for name in ["plumb.json", "plumb.sarif", "codequality.json"] {
      let data = try Data(contentsOf: out.appendingPathComponent(name))
      #expect((try? JSONSerialization.jsonObject(with: data)) != nil, "\(name) is not JSON")
    }
    #expect(try String(contentsOf: out.appendingPathComponent("junit.xml"), encoding: .utf8).hasPrefix("<?xml"))
    #expect(try String(contentsOf: out.appendingPathComponent("summary.md"), encoding: .utf8).contains("needs_system"))
    let left = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
    #expect(left == ["codequality.json", "junit.xml", "plumb.json", "plumb.sarif", "summary.md"])
    // Only the requested outputs: no text unless asked for.
    let jsonOnly = try runPlumb(gateArguments(directory, ["--output", "json"]))
    #expect(jsonOnly.stdout.hasPrefix("{"))
  }

  @Test func theGitHubStepSummaryIsAppendedTo() throws {
    let directory = try makeRepository(["catalog-info.yaml": component("api")])
    let summary = directory.appendingPathComponent("step_summary.md")
    try "## Earlier step output\n".write(to: summary, atomically: true, encoding: .utf8)
    let result = try runPlumb(
      gateArguments(directory, ["--output", "github-summary=\(summary.path)"]),
      environment: ["GITHUB_STEP_SUMMARY": summary.path])
    #expect(result.status == 1)
    let text = try String(contentsOf: summary, encoding: .utf8)
    #expect(text.hasPrefix("## Earlier step output\n"))
    #expect(text.contains("needs_system"))
    // Any other file is replaced.
    let other = directory.appendingPathComponent("other.md")
    try "old\n".write(to: other, atomically: true, encoding: .utf8)
    _ = try runPlumb(gateArguments(directory, ["--output", "github-summary=\(other.path)"]))
    #expect(try !String(contentsOf: other, encoding: .utf8).hasPrefix("old"))
  }

  @Test func anOutputThatCannotBeWrittenFailsTheRun() throws {
    let directory = try makeRepository(["catalog-info.yaml": clean])
    try "file".write(to: directory.appendingPathComponent("blocker"), atomically: true, encoding: .utf8)
    let result = try runPlumb(
      gateArguments(directory, ["--output", "json=\(directory.path)/blocker/plumb.json"]))
    #expect(result.status == 2)
    #expect(result.stderr.contains("plumb: cannot write json output to"))
  }

  // MARK: Waivers and baselines end to end

  @Test func anExpiredWaiverFailsTheBuildAndNamesItsOwner() throws {
    let directory = try makeRepository([
      "catalog-info.yaml": component("api", tags: "[web]", description: "d"),
      ".plumb-waivers.yaml": """
        waivers:
          - rule: needs_system
            entity: catalog:component:default/api
            reason: ownership is being decided
            owner: "@acme/platform-leads"
            expires: 2025-03-31
        """,
    ])
    let arguments = ["check", "--color", "never", "--no-builtin-rules", "--rules",
      directory.appendingPathComponent("policy").path, "--pack", "gate", directory.path]
    let valid = try runPlumb(arguments, environment: ["PLUMB_TODAY": "2025-03-01"])
    #expect(valid.status == 0, "\(valid.stdout)")
    #expect(valid.stdout.contains("suppressed (waiver): ownership is being decided (owner @acme/platform-leads, expires 2025-03-31)"))
    let expired = try runPlumb(arguments, environment: ["PLUMB_TODAY": "2025-04-01"])
    #expect(expired.status == 1)
    #expect(expired.stdout.contains("6:14  error: waiver of 'needs_system' (entity 'catalog:component:default/api', owner @acme/platform-leads) expired on 2025-03-31"))
    #expect(expired.stdout.contains("error: component 'api' has no system [needs_system]"))
  }

  @Test func aBaselineFileGatesOnNewFindingsOnly() throws {
    let directory = try makeRepository(["catalog/a.yaml": component("legacy", tags: "[web]", description: "d")])
    let baseline = directory.appendingPathComponent("plumb-baseline.json").path
    let first = try runPlumb(gateArguments(directory, ["--output", "json=\(baseline)"]))
    #expect(first.status == 1)
    let same = try runPlumb(gateArguments(directory, ["--baseline", baseline, "--new-only"]))
    #expect(same.status == 0, "\(same.stdout)")
    #expect(same.stdout.contains("1 unchanged"))
    try component("fresh", tags: "[web]", description: "d")
      .write(to: directory.appendingPathComponent("catalog/b.yaml"), atomically: true, encoding: .utf8)
    let added = try runPlumb(gateArguments(directory, ["--baseline", baseline, "--new-only"]))
    #expect(added.status == 1)
    #expect(added.stdout.contains("component 'fresh' has no system [needs_system] (new)"))
    #expect(!added.stdout.contains("component 'legacy' has no system [needs_system] (new)"))
    // Without --new-only the old finding still blocks.
    #expect(try runPlumb(gateArguments(directory, ["--baseline", baseline])).status == 1)
  }

  @Test func baselineRefComparesWithTheBaseBranch() throws {
    let directory = try makeRepository(["catalog/a.yaml": component("legacy", tags: "[web]", description: "d")])
    try git(["init", "-q"], in: directory)
    try git(["add", "."], in: directory)
    try git(["commit", "-q", "-m", "base"], in: directory)
    try git(["checkout", "-q", "-b", "feature"], in: directory)
    // The pull request reorders and reformats the old file: nothing new.
    try ("# reordered\n" + "{apiVersion: backstage.io/v1alpha1, kind: Component, metadata: {name: legacy, description: d, tags: [web]}, spec: {lifecycle: production, owner: team, type: service}}\n")
      .write(to: directory.appendingPathComponent("catalog/a.yaml"), atomically: true, encoding: .utf8)
    let unchanged = try runPlumb(gateArguments(directory, ["--baseline-ref", "main", "--new-only"]), in: directory)
    #expect(unchanged.status == 0, "\(unchanged.stdout)")
    // It adds a component without a system: that one blocks.
    try component("fresh", tags: "[web]", description: "d")
      .write(to: directory.appendingPathComponent("catalog/b.yaml"), atomically: true, encoding: .utf8)
    let added = try runPlumb(gateArguments(directory, ["--baseline-ref", "main", "--new-only"]), in: directory)
    #expect(added.status == 1)
    #expect(added.stdout.contains("1 new, 1 unchanged, 0 fixed"), "\(added.stdout)")
    let badRef = try runPlumb(gateArguments(directory, ["--baseline-ref", "origin/nope"]), in: directory)
    #expect(badRef.status == 2)
    #expect(badRef.stdout.contains("git revision 'origin/nope' not found"))
  }
}
