import Foundation
import PlumbFix
import PlumbKit
import Testing

/// End to end: check, plan, verify, diff, write, bundle — with the rules in rules/ (not the
/// embedded copy, which the lead regenerates).
@Suite(.serialized)
struct FixRunTests {
  static let rulesDirectory = packageRoot.appendingPathComponent("rules").path

  static func run(_ root: URL, unsafe: Bool = false, pack: String? = nil, extraRules: [String] = [], tfRoot: String? = nil)
    -> FixRun
  {
    var check = CheckOptions(paths: [root.path], root: root.path)
    check.useBuiltinRules = false
    check.ruleDirectories = [rulesDirectory] + extraRules
    check.pack = pack
    var options = FixRunOptions(check: check)
    options.includeUnsafe = unsafe
    options.terraformRoot = tfRoot
    return FixRun.run(options)
  }

  static func read(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

  static func snapshot(_ root: URL, _ paths: [String]) -> [String: [UInt8]] {
    Dictionary(uniqueKeysWithValues: paths.map { ($0, [UInt8]((try? Data(contentsOf: root.appendingPathComponent($0))) ?? Data())) })
  }

  static let workflow = """
    name: ci
    on: [push, pull_request]

    # Build and test.
    jobs:
      build:
        runs-on: ubuntu-24.04
        steps:
          - uses: actions/checkout@v4
          - uses: actions/setup-node@v4   # LTS
            with:
              node-version: "20"
          - run: npm test

    """

  static let release = """
    on:
      push:
        tags: ["v*"]
    permissions:
      contents: read
    jobs:
      release:
        runs-on: ubuntu-24.04
        steps:
          - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
          - run: make release

    """

  static let pins = """
    # owner/repo@tag: sha
    actions/checkout@v4: 11bd71901bbe5b1630ceea73d27597364c9af683
    actions/setup-node@v4: 39370e3970a6d050c480ffad4ff0ed4d3fdee5af

    """

  static func workflowRepository() throws -> URL {
    let root = try temporaryDirectory()
    try writeFiles(
      [".github/workflows/ci.yml": workflow, ".github/workflows/release.yml": release, ".plumb/action-pins.yaml": pins],
      under: root)
    return root
  }

  @Test func safeFixesApplyAndVerify() throws {
    let root = try Self.workflowRepository()
    defer { try? FileManager.default.removeItem(at: root) }
    let run = Self.run(root)
    let byRule = Dictionary(grouping: run.result.outcomes, by: \.finding.ruleID)
    // The pin's comment takes the file's spacing before `#` (three spaces here).
    // Persisted credentials and pins are safe; permissions need a person's judgement.
    #expect(byRule["checkout_persist_credentials"]?.allSatisfy { $0.status == .fixed } == true)
    #expect(byRule["actions_pinned_to_sha"]?.count == 2)
    #expect(byRule["actions_pinned_to_sha"]?.allSatisfy { $0.status == .fixed } == true)
    #expect(byRule["token_permissions_undeclared"]?.allSatisfy { $0.status == .unsafe } == true)

    let expected = """
      name: ci
      on: [push, pull_request]

      # Build and test.
      jobs:
        build:
          runs-on: ubuntu-24.04
          steps:
            - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683   # v4.2.2
              with:
                persist-credentials: false
            - uses: actions/setup-node@39370e3970a6d050c480ffad4ff0ed4d3fdee5af   # v4 LTS
              with:
                node-version: "20"
            - run: npm test

      """
    let change = try #require(run.result.changes.first { $0.path == ".github/workflows/ci.yml" })
    #expect(String(decoding: change.patched, as: UTF8.self) == expected)

    // The diff applies to the original files.
    let originals = Self.snapshot(root, [".github/workflows/ci.yml", ".github/workflows/release.yml"])
    let applied = try gitApplyChecks(run.diff, files: originals)
    #expect(applied.ok, "\(applied.output)\n\(run.diff)")

    // Written in place; a second run changes nothing.
    #expect(run.write().isEmpty)
    #expect(Self.read(root.appendingPathComponent(".github/workflows/ci.yml")) == expected)
    let second = Self.run(root)
    #expect(second.result.changes.isEmpty)
    #expect(second.result.outcomes.allSatisfy { $0.status != .fixed })
  }

  @Test func unsafeFixesApplyWhenAsked() throws {
    let root = try Self.workflowRepository()
    defer { try? FileManager.default.removeItem(at: root) }
    let run = Self.run(root, unsafe: true)
    let permissions = run.result.outcomes.filter { $0.finding.ruleID == "token_permissions_undeclared" }
    #expect(!permissions.isEmpty && permissions.allSatisfy { $0.status == .fixed && !$0.safe })
    let change = try #require(run.result.changes.first { $0.path == ".github/workflows/ci.yml" })
    let text = String(decoding: change.patched, as: UTF8.self)
    // Before the comment block that introduces `jobs`, with the file's blank-line rhythm.
    #expect(text.contains("on: [push, pull_request]\n\npermissions:\n  contents: read\n\n# Build and test.\njobs:\n"))
    #expect(try gitApplyChecks(run.diff, files: Self.snapshot(root, [".github/workflows/ci.yml", ".github/workflows/release.yml"])).ok)
    #expect(run.write().isEmpty)
    let second = Self.run(root, unsafe: true)
    #expect(second.result.changes.isEmpty, "\(second.diff)")
  }

  @Test func noPinNoFix() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    try writeFiles([".github/workflows/ci.yml": Self.workflow], under: root)
    let run = Self.run(root)
    #expect(run.result.outcomes.contains { $0.finding.ruleID == "actions_pinned_to_sha" } == false)
    #expect(run.result.outcomes.contains { $0.finding.ruleID == "checkout_persist_credentials" && $0.status == .fixed })
  }

  @Test func writeNeverGoesThroughASymlink() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    try writeFiles(["real/ci.yml.txt": Self.workflow], under: root)
    try FileManager.default.createDirectory(at: root.appendingPathComponent(".github/workflows"), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      atPath: root.appendingPathComponent(".github/workflows/ci.yml").path, withDestinationPath: "../../real/ci.yml.txt")
    let run = Self.run(root)
    #expect(!run.result.changes.isEmpty)
    let problems = run.write()
    #expect(problems.count == run.result.changes.count)
    #expect(problems.values.allSatisfy { $0.contains("symlink") }, "\(problems)")
    // The summary tells the truth: nothing was fixed in place.
    let summary = run.summary(notWritten: problems)
    #expect(summary.contains("0 fixed (0 files)"), "\(summary)")
    #expect(summary.contains("not written"), "\(summary)")
    #expect(Self.read(root.appendingPathComponent("real/ci.yml.txt")) == Self.workflow)
  }

  @Test func writeNeverLeavesTheRoot() throws {
    let outside = try temporaryDirectory()
    let root = try temporaryDirectory()
    defer {
      try? FileManager.default.removeItem(at: root)
      try? FileManager.default.removeItem(at: outside)
    }
    try writeFiles(["x.yml": "a: 1\n"], under: outside)
    let writer = SafeWriter(root: root.path)
    #expect(writer.refusal(outside.appendingPathComponent("x.yml").path)?.contains("outside the repository root") == true)
    #expect(writer.refusal(root.path + "/../" + outside.lastPathComponent + "/x.yml")?.contains("outside") == true)
    #expect(throws: FixRefusal.self) {
      try writer.write(Array("a: 2\n".utf8), to: outside.appendingPathComponent("x.yml").path, expected: Array("a: 1\n".utf8))
    }
    #expect(Self.read(outside.appendingPathComponent("x.yml")) == "a: 1\n")
    // A Terraform root outside the repository: the fix is planned and verified, but not written.
    let plan = fixesFixtures.appendingPathComponent("terraform/modules/before")
    try shell(["cp", "-R", plan.path + "/.", outside.path], in: root)
    try FileManager.default.copyItem(at: outside.appendingPathComponent("plan.json"), to: root.appendingPathComponent("plan.json"))
    let run = Self.run(root, unsafe: true, tfRoot: outside.path)
    #expect(!run.result.changes.isEmpty)
    #expect(run.write().values.allSatisfy { $0.contains("outside the repository root") })
    #expect(Self.read(outside.appendingPathComponent("main.tf")) == Self.read(plan.appendingPathComponent("main.tf")))
  }

  @Test func terraformFixesEditTheSource() throws {
    let fixture = fixesFixtures.appendingPathComponent("terraform/modules")
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    try shell(["cp", "-R", fixture.appendingPathComponent("before").path + "/.", root.path], in: root)
    let safe = Self.run(root)
    #expect(safe.result.changes.isEmpty)
    #expect(safe.result.outcomes.contains { $0.status == .unsafe })
    let run = Self.run(root, unsafe: true)
    let reasons = run.result.outcomes.compactMap(\.reason).joined(separator: "\n")
    #expect(reasons.contains("set from an expression (`var.rotate_shared_key`"))
    #expect(reasons.contains("from 'terraform-aws-modules/kms/aws', which is not a local directory"))
    #expect(run.result.outcomes.filter { $0.status == .fixed }.count == 2)
    #expect(try gitApplyChecks(run.diff, files: Self.snapshot(root, ["main.tf", "modules/storage/main.tf"])).ok)
    #expect(run.write().isEmpty)
    for file in ["main.tf", "modules/storage/main.tf"] {
      #expect(Self.read(root.appendingPathComponent(file)) == Self.read(fixture.appendingPathComponent("after/" + file)), "\(file)")
    }
    // A second run: the plan still says false (it is not regenerated), but the source already holds
    // the values, so nothing changes.
    let second = Self.run(root, unsafe: true)
    #expect(second.result.changes.isEmpty)
  }

  @Test func bundlesPerOwningTeam() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    try writeFiles(
      [
        "catalog-info.yaml": """
          apiVersion: backstage.io/v1alpha1
          kind: Component
          metadata:
            name: web
          spec:
            type: website
            lifecycle: production
            owner: group:web-team
          ---
          apiVersion: backstage.io/v1alpha1
          kind: Group
          metadata:
            name: web-team
          spec:
            type: team
            children: []
          ---
          apiVersion: backstage.io/v1alpha1
          kind: Group
          metadata:
            name: platform
          spec:
            type: team
            children: []

          """,
        "services/billing/catalog-info.yaml": """
          apiVersion: backstage.io/v1alpha1
          kind: Component
          metadata:
            name: billing
          spec:
            type: service
            lifecycle: production

          """,
        ".github/workflows/ci.yml": Self.workflow,
        "policies/fix.plumb": """
          pack fixing {
            all rules: warn
            rule component_has_owner: block { default_owner = "group:platform" }
          }

          """,
      ], under: root)
    let run = Self.run(root, pack: "fixing", extraRules: [root.appendingPathComponent("policies").path])
    let owner = run.result.outcomes.first { $0.finding.ruleID == "component_has_owner" }
    #expect(owner?.status == .fixed, "\(owner?.reason ?? "")")
    let bundle = root.appendingPathComponent("bundle")
    #expect(run.bundle(to: bundle.path, grouping: .owner) == ([], []))
    let index = try JSONSerialization.jsonObject(with: Data(contentsOf: bundle.appendingPathComponent("index.json"))) as! [String: Any]
    let sets = index["change_sets"] as! [[String: Any]]
    #expect(Set(sets.map { $0["name"] as! String }) == ["web-team", "unowned"])
    let web = try JSONSerialization.jsonObject(with: Data(contentsOf: bundle.appendingPathComponent("web-team.json"))) as! [String: Any]
    #expect(web["branch"] as? String == "plumb/fix-web-team")
    #expect((web["title"] as? String)?.contains("web-team") == true)
    #expect((web["body"] as? String)?.contains("[`checkout_persist_credentials`](https://github.com/plumb-dev/plumb/blob/main/docs/rules/checkout_persist_credentials.md)") == true)
    #expect((web["labels"] as? [String])?.contains("plumb") == true)
    let webPatch = Self.read(bundle.appendingPathComponent("web-team.patch"))
    #expect(webPatch.contains("+++ b/.github/workflows/ci.yml"))
    #expect(!webPatch.contains("catalog-info"))
    let unowned = Self.read(bundle.appendingPathComponent("unowned.patch"))
    #expect(unowned.contains("+  owner: group:platform"))
    let files = Self.snapshot(root, [".github/workflows/ci.yml", "services/billing/catalog-info.yaml"])
    #expect(try gitApplyChecks(webPatch, files: files).ok)
    #expect(try gitApplyChecks(unowned, files: files).ok)
    // By rule.
    let byRule = root.appendingPathComponent("by-rule")
    #expect(run.bundle(to: byRule.path, grouping: .rule) == ([], []))
    #expect(FileManager.default.fileExists(atPath: byRule.appendingPathComponent("component_has_owner.patch").path))
  }

  @Test func waivedFindingsAreNotFixed() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let waived = Self.workflow.replacingOccurrences(
      of: "      - uses: actions/checkout@v4\n",
      with: "      - uses: actions/checkout@v4 # plumb:ignore checkout_persist_credentials -- needs to push\n")
    try writeFiles([".github/workflows/ci.yml": waived], under: root)
    let run = Self.run(root)
    #expect(!run.result.outcomes.contains { $0.finding.ruleID == "checkout_persist_credentials" })
  }

  @Test func revealedFindingsAreFixedInTheSameChange() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    try writeFiles(
      [
        ".gitlab-ci.yml": """
          variables:
            CI_DEBUG_TRACE: "true"   # debugging the runner
            OTHER: "1"

          test:
            stage: test
            variables: {CI_DEBUG_TRACE: "true", KEEP: "yes"}
            script: [make test]

          """
      ], under: root)
    // Removing the job's own CI_DEBUG_TRACE uncovers the pipeline's: both go in one verified change.
    let run = Self.run(root)
    let outcome = try #require(run.result.outcomes.first { $0.finding.ruleID == "ci_debug_trace_enabled" })
    #expect(outcome.status == .fixed, "\(outcome.reason ?? "")")
    #expect(outcome.notes.contains { $0.contains("which the edit alone would uncover") })
    let patched = String(decoding: try #require(run.result.changes.first).patched, as: UTF8.self)
    #expect(patched == """
      variables:
        OTHER: "1"

      test:
        stage: test
        variables: {KEEP: "yes"}
        script: [make test]

      """)
    #expect(run.write().isEmpty)
    #expect(Self.run(root).result.changes.isEmpty)
  }
}
