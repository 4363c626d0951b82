import PlumbDiagnostics
import PlumbGraph
import PlumbReport

@testable import PlumbPolicy

/// The one fixed report every reporter snapshot renders, built by hand.
///
/// It holds: a blocking fail (new), a warn fail with a fix (new), an advisory fail (unchanged),
/// an indeterminate (new), a waived finding, a finding in `catalog/équipe.yaml` (non-ASCII path
/// and columns), a finding whose message needs escaping in every format (`"`, `<`, `%`, `&`, a
/// newline, `$`) on a line longer than 160 columns, a baseline (new, unchanged and one fixed),
/// an input error, an input note, a policy warning, a skipped file, and the rules (one with no
/// findings, one whose docs link is relative).
enum ReportFixture {
  typealias Location = PlumbDiagnostics.SourceLocation

  static let components = SourceFile(
    path: "catalog/components.yaml",
    text: """
      apiVersion: backstage.io/v1alpha1
      kind: Component
      metadata:
        name: payments-api
      spec:
        type: service
        lifecycle: production
      ---
      apiVersion: backstage.io/v1alpha1
      kind: Component
      metadata:
        name: ledger
      spec:
        type: service
        owner: team-ledger
        lifecycle: experimental

      """)

  static let equipe = SourceFile(
    path: "catalog/équipe.yaml",
    text: """
      apiVersion: backstage.io/v1alpha1
      kind: Component
      metadata:
        name: données-équipe
        description: « données » partagées
      spec:
        type: library

      """)

  static let workflow = SourceFile(
    path: ".github/workflows/ci.yml",
    text: """
      name: ci
      on: pull_request
      jobs:
        build:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@v4
            - run: ./scripts/prepare-workspace --cache-dir /tmp/cache --verbose --retries 3 && ./scripts/notify --channel builds --title "${{ github.event.pull_request.title }}" --body-from-file ./build/summary.md --no-color

      """)

  static let plan = SourceFile(
    path: "infra/plan.json",
    text: """
      {
        "resource_changes": [
          {
            "address": "aws_s3_bucket.customer_data",
            "change": {"after": {"tags": {"data": "personal"}}, "after_unknown": {"region": true}}
          }
        ]
      }

      """)

  static let gitlab = SourceFile(
    path: ".gitlab-ci.yml",
    text: """
      deploy:
        image: alpine:latest
        script: ./deploy.sh

      """)

  static let waivers = SourceFile(
    path: "plumb-waivers.yaml",
    text: """
      waivers:
        - rule: gitlab_image_pinned
          entity: gitlab:.gitlab-ci.yml#deploy
          reason: base image pinned by the platform team's mirror
          owner: group:platform
          expires: 2026-06-30
        - rule: owner_is_a_group
          entity: component:default/retired
          reason: retired next sprint

      """)

  static let broken = SourceFile(
    path: "broken.yaml",
    text: """
      services:
        - name: a
          tags: [x, y

      """)

  static let sources = [components, equipe, workflow, plan, gitlab, waivers, broken]

  static let options = ReporterOptions(
    sources: sources, colored: false, ruleDocsBaseURL: "docs/rules",
    sourceLinkBaseURL: "https://github.com/acme/platform/blob/0123abc/")

  /// The location of the `occurrence`-th `needle` in `source` (length `length` bytes, default
  /// the needle's).
  static func locate(_ source: SourceFile, _ needle: String, occurrence: Int = 1, length: Int? = nil) -> Location {
    let pattern = Array(needle.utf8)
    var seen = 0
    var index = 0
    while index + pattern.count <= source.bytes.count {
      if Array(source.bytes[index..<index + pattern.count]) == pattern {
        seen += 1
        if seen == occurrence {
          return Location(path: source.path, span: source.span(from: index, to: index + (length ?? pattern.count)))
        }
      }
      index += 1
    }
    fatalError("'\(needle)' not found in \(source.path)")
  }

  static func rule(
    _ id: String, _ title: String, _ severity: Severity, _ category: String, _ enforcement: Enforcement,
    help: String? = nil, hasFix: Bool = false, selected: Int, passed: Int, failed: Int = 0, indeterminate: Int = 0,
    notApplicable: Int = 0
  ) -> ReportedRule {
    var statistics = RuleStatistics(ruleID: id)
    statistics.selected = selected
    statistics.applicable = selected - notApplicable
    statistics.passed = passed
    statistics.failed = failed
    statistics.indeterminate = indeterminate
    statistics.notApplicable = notApplicable
    return ReportedRule(
      id: id, title: title, severity: severity, category: category,
      rationale: "Why \(id) matters: see the rule's documentation.",
      remediation: "How to fix \(id).", helpURI: help ?? "https://plumb.dev/rules/\(id)", enforcement: enforcement,
      statistics: statistics, hasFix: hasFix)
  }

  static let rules: [ReportedRule] = [
    rule(
      "component_has_owner", "Components name an owner", .high, "ownership", .block, selected: 4, passed: 2,
      failed: 2),
    rule("owner_is_a_group", "Owners are groups", .medium, "ownership", .advisory, selected: 3, passed: 2, failed: 1),
    rule(
      "checkout_persist_credentials", "Checkout does not persist the token", .medium, "security", .warn,
      hasFix: true, selected: 1, passed: 0, failed: 1),
    rule(
      "untrusted_input_in_run", "No untrusted expressions in run", .critical, "security", .block, selected: 2,
      passed: 1, failed: 1),
    rule(
      "personal_data_in_allowed_regions", "Personal data stays in allowed regions", .high, "residency", .block,
      selected: 1, passed: 0, indeterminate: 1),
    rule("gitlab_image_pinned", "Images are pinned by digest", .low, "security", .block, selected: 1, passed: 0, failed: 1),
    rule(
      "terraform_component_tag_resolves", "Component tags resolve", .medium, "ownership", .warn, help: "",
      selected: 3, passed: 2, notApplicable: 1),
  ]

  static func finding(
    _ ruleID: String, _ message: String, entity: String, kind: String, at location: Location,
    verdict: Verdict = .fail, evidence: [Evidence] = [], fixes: [ProposedFix] = [], enforcement: Enforcement,
    suppression: Suppression? = nil, baseline: BaselineStatus, blocking: Bool
  ) -> ReportedFinding {
    let rule = rules.first { $0.id == ruleID }!
    let finding = Finding(
      ruleID: ruleID, title: rule.title, severity: rule.severity, category: rule.category, message: message,
      entity: EntityID(entity), entityKind: kind, location: location, verdict: verdict, evidence: evidence,
      fingerprint: stableHash([ruleID, entity, "0"]), requirement: 0, fixes: fixes)
    return ReportedFinding(
      finding: finding, enforcement: enforcement, suppression: suppression, baseline: baseline, blocking: blocking)
  }

  static let checkoutStep = locate(workflow, "uses: actions/checkout@v4")

  static let findings: [ReportedFinding] = [
    // Blocking fail, new.
    finding(
      "component_has_owner", "component 'payments-api' has no spec.owner", entity: "component:default/payments-api",
      kind: "catalog.Component", at: locate(components, "type: service\n  lifecycle: production"),
      evidence: [Evidence(expression: "c.spec.owner", value: "<missing>", location: nil)],
      enforcement: .block, baseline: .new, blocking: true),
    // Advisory fail, unchanged.
    finding(
      "owner_is_a_group", "owner 'team-ledger' is not a group reference", entity: "component:default/ledger",
      kind: "catalog.Component", at: locate(components, "team-ledger"),
      evidence: [Evidence(expression: "c.spec.owner", value: "\"team-ledger\"", location: locate(components, "team-ledger"))],
      enforcement: .advisory, baseline: .unchanged, blocking: false),
    // Non-ASCII path and columns; a block rule, unchanged against the baseline, so not blocking.
    finding(
      "component_has_owner", "component 'données-équipe' has no spec.owner", entity: "component:default/données-équipe",
      kind: "catalog.Component", at: locate(equipe, "type: library"),
      evidence: [Evidence(expression: "c.spec.owner", value: "<missing>", location: nil)],
      enforcement: .block, baseline: .unchanged, blocking: false),
    // Warn fail with a fix, new.
    finding(
      "checkout_persist_credentials",
      "step 'actions/checkout@v4' leaves the token in .git/config (persist-credentials defaults to true)",
      entity: "github:.github/workflows/ci.yml#build/0", kind: "github.step", at: locate(workflow, "actions/checkout@v4"),
      evidence: [Evidence(expression: "s.with.persist-credentials", value: "<missing>", location: nil)],
      fixes: [
        ProposedFix(
          operation: .insert, entity: EntityID("github:.github/workflows/ci.yml#build/0"),
          path: ["with", "persist-credentials"], value: "false", anchor: checkoutStep)
      ],
      enforcement: .warn, baseline: .new, blocking: false),
    // A message that needs escaping everywhere, on a line longer than 160 columns; blocking, new.
    finding(
      "untrusted_input_in_run",
      "run step expands \"${{ github.event.pull_request.title }}\" <untrusted> into the shell: 100% attacker-controlled & unquoted\nmove it to an env: variable and quote \"$TITLE\"",
      entity: "github:.github/workflows/ci.yml#build/1", kind: "github.step",
      at: locate(workflow, "${{ github.event.pull_request.title }}"),
      evidence: [
        Evidence(
          expression: "s.run", value: "\"./scripts/prepare-workspace …\"",
          location: locate(workflow, "./scripts/prepare-workspace"))
      ],
      enforcement: .block, baseline: .new, blocking: true),
    // Indeterminate, new, not blocking.
    finding(
      "personal_data_in_allowed_regions", "'b.region' is unknown until apply", entity: "terraform:aws_s3_bucket.customer_data",
      kind: "terraform.resource", at: locate(plan, "\"region\": true", length: 6), verdict: .indeterminate,
      evidence: [Evidence(expression: "b.region", value: "<unknown until apply>", location: nil)],
      enforcement: .block, baseline: .new, blocking: false),
    // Waived.
    finding(
      "gitlab_image_pinned", "job 'deploy' uses image 'alpine:latest' without a digest",
      entity: "gitlab:.gitlab-ci.yml#deploy", kind: "gitlab.job", at: locate(gitlab, "alpine:latest"),
      enforcement: .block,
      suppression: Suppression(
        kind: .waiver, reason: "base image pinned by the platform team's mirror", owner: "group:platform",
        expires: "2026-06-30", location: locate(waivers, "- rule: gitlab_image_pinned")),
      baseline: .unchanged, blocking: false),
  ]

  static let report = CheckReport(
    toolVersion: "0.4.0-test",
    arguments: ["plumb", "check", "--output", "sarif=plumb.sarif", "--baseline", "origin/main", "catalog", ".github", "infra"],
    workingDirectory: "/home/ci/work/platform repo",
    startTime: nil,
    pack: "default",
    // Deliberately not in report order: reporters sort.
    findings: findings.reversed(),
    fixed: [
      FixedFinding(
        ruleID: "component_has_owner", fingerprint: stableHash(["component_has_owner", "component:default/old-service", "0"]),
        message: "component 'old-service' has no spec.owner", entity: "component:default/old-service")
    ],
    rules: rules,
    inputDiagnostics: [
      Diagnostic(
        code: "yaml.syntax", message: "did not find expected ',' or ']'",
        location: locate(broken, "\n", occurrence: 3, length: 0),
        notes: [Diagnostic.Note(message: "the flow sequence starts here", location: locate(broken, "[x, y", length: 1))]),
      Diagnostic(code: "input.skipped", severity: .note, message: "skipped 'README.md': not a known format", location: nil),
    ],
    policyDiagnostics: [
      Diagnostic(
        code: "waiver.unused", severity: .warning, message: "waiver for 'owner_is_a_group' matches no finding",
        location: locate(waivers, "- rule: owner_is_a_group"))
    ],
    files: [
      InputFileSummary(path: "catalog/components.yaml", format: "backstage-catalog"),
      InputFileSummary(path: "catalog/équipe.yaml", format: "backstage-catalog"),
      InputFileSummary(path: ".github/workflows/ci.yml", format: "github-actions"),
      InputFileSummary(path: "infra/plan.json", format: "terraform-plan"),
      InputFileSummary(path: ".gitlab-ci.yml", format: "gitlab-ci"),
      InputFileSummary(path: "broken.yaml", format: nil, failed: true),
      InputFileSummary(path: "README.md", format: nil, skipReason: "unknown-format"),
    ],
    exitStatus: 2,
    verdict: "fail (1 input error, 2 blocking findings)")

  /// A run that found nothing to check.
  static let empty = CheckReport(
    toolVersion: "0.4.0-test", arguments: ["plumb", "check"], workingDirectory: "/tmp/empty", startTime: nil, pack: nil,
    findings: [], fixed: [], rules: [], inputDiagnostics: [], policyDiagnostics: [], files: [], exitStatus: 4,
    verdict: "nothing evaluated (no input found)")
}
