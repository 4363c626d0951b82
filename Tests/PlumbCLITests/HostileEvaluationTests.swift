import BenchmarkSupport
import Foundation
import Testing

/// The evaluator under attack, through the built binary (issue 13, classes 1 and 7): a rule that
/// fails at run time never lets a check pass, a policy pack cannot break a rule's pattern, and a
/// regular expression cannot make a check run for minutes. Every run is bounded in time and
/// memory (`runPlumbBounded`).
@Suite struct HostileEvaluationTests {
  /// A directory holding `files` (relative path → text).
  func directory(_ files: [String: String]) throws -> URL {
    let root = try temporaryDirectory()
    for (path, text) in files {
      let url = root.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
    }
    return root
  }

  /// A Terraform plan with one `aws_iam_policy` whose policy document is `document` (JSON text).
  static func iamPlan(_ document: String) -> String {
    let policy = String(decoding: try! JSONSerialization.data(withJSONObject: document, options: .fragmentsAllowed), as: UTF8.self)
    return """
      {"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": [
        {"address": "aws_iam_policy.admin", "mode": "managed", "type": "aws_iam_policy", "name": "admin",
         "provider_name": "registry.terraform.io/hashicorp/aws",
         "change": {"actions": ["create"], "before": null,
                    "after": {"name": "admin", "policy": \(policy), "tags": {"owner": "platform"}},
                    "after_unknown": {}}}]}
      """
  }

  static let adminDocument = #"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#

  /// Only the IAM rule, at block, through a pack of the repository's own.
  static func iamPack(_ parameter: String) -> String {
    """
    pack only_iam {
      title "Only IAM"
      rule iam_policy_admin_wildcard: block\(parameter)
    }
    """
  }

  // MARK: Class 1: a pack cannot break a rule's pattern

  @Test func theAdminPolicyIsFoundWithTheShippedPattern() throws {
    let root = try directory(["plan.tfplan.json": Self.iamPlan(Self.adminDocument), "policies/pack.plumb": Self.iamPack("")])
    let result = try runPlumbBounded(
      ["check", "--color", "never", "--rules", "policies", "--pack", "only_iam", "plan.tfplan.json"], in: root)
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("[iam_policy_admin_wildcard]"))
  }

  /// The issue's example: a pack that set the IAM rule's pattern to an invalid regular
  /// expression made every `matches` false, so `Action: "*"` / `Resource: "*"` exited 0 with no
  /// diagnostic. Now the pack does not load: exit 3, at the value, with a caret.
  @Test func aPackThatBreaksARulesPatternIsAPolicyErrorWithACaret() throws {
    let root = try directory([
      "plan.tfplan.json": Self.iamPlan(Self.adminDocument),
      "policies/pack.plumb": Self.iamPack(#" { admin_statement = "\\{(?=\"Effect\"" }"#),
    ])
    let result = try runPlumbBounded(
      ["check", "--color", "never", "--rules", "policies", "--pack", "only_iam", "plan.tfplan.json"], in: root)
    #expect(!result.timedOut)
    #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
    let lines = result.stdout.components(separatedBy: "\n")
    let error = try #require(lines.firstIndex { $0.contains("policies/pack.plumb:3:61: error: 'admin_statement' of rule 'iam_policy_admin_wildcard' is not a valid regular expression") })
    #expect(lines[error].hasSuffix("[policy.invalid-pattern]"), "\(lines[error])")
    // The source line, then a caret under the value.
    #expect(lines[error + 2].contains(#"admin_statement = "\\{(?=\"Effect\"""#), "\(lines[error + 2])")
    let caretLine = lines[error + 3]
    let caret = try #require(caretLine.firstIndex(of: "^"))
    let quote = try #require(lines[error + 2].firstIndex(of: "\""))
    #expect(caretLine.distance(from: caretLine.startIndex, to: caret) == lines[error + 2].distance(from: lines[error + 2].startIndex, to: quote))
    #expect(result.stdout.contains("rules did not compile"))
  }

  // MARK: Class 1: runtime errors in a rule

  static let catalog = """
    apiVersion: backstage.io/v1alpha1
    kind: Component
    metadata:
      name: payments
      annotations:
        acme.dev/name-pattern: "payments-(api|worker"
    spec: {type: service, lifecycle: production, owner: group:default/platform, replicas: 6, shards: 0}
    ---
    apiVersion: backstage.io/v1alpha1
    kind: Group
    metadata: {name: platform}
    spec: {type: team, children: []}
    """

  /// A regular expression read from the input (an annotation) that is not one: the rule's
  /// judgement is an error, whichever way the rule negates it, and the check exits 3 with the
  /// cause, where the pattern is written.
  @Test(arguments: [
    #"c.metadata.name matches c.metadata.annotations["acme.dev/name-pattern"]"#,
    #"not (c.metadata.name matches c.metadata.annotations["acme.dev/name-pattern"])"#,
  ])
  func aPatternFromTheInputThatIsNotOneIsAnError(_ condition: String) throws {
    let root = try directory([
      "catalog-info.yaml": Self.catalog,
      "rules/naming.plumb": """
        rule name_follows_pattern {
          title "Names follow the component's own pattern"
          category ownership
          for c in catalog.Component
          require \(condition) else "bad name"
        }
        """,
    ])
    let result = try runPlumbBounded(["check", "--color", "never", "--rules", "rules", "catalog-info.yaml"], in: root)
    #expect(result.status == 3, "\(result.stdout)")
    #expect(result.stdout.contains("'name_follows_pattern' could not be evaluated for 'payments': 'payments-(api|worker' is not a valid regular expression (unbalanced parentheses"), "\(result.stdout)")
    #expect(result.stdout.contains("error: rule 'name_follows_pattern' could not be evaluated for 1 entity, first 'catalog:component:default/payments'"), "\(result.stdout)")
    #expect(result.stdout.contains("[policy.evaluation-error]"))
    #expect(result.stdout.contains("verdict: fail (1 policy error"))
  }

  /// Division by zero under `not`: it used to be missing, so `not (x > 4)` passed.
  @Test func aDivisionByZeroUnderNotIsAnErrorNotAPass() throws {
    let root = try directory([
      "catalog-info.yaml": Self.catalog,
      "rules/ratio.plumb": """
        rule replicas_per_shard {
          title "At most four replicas per shard"
          category ownership
          for c in catalog.Component
          require not (c.spec.replicas / c.spec.shards > 4) else "too many replicas per shard"
        }
        """,
    ])
    for failOn in ["block", "never"] {
      let result = try runPlumbBounded(
        ["check", "--color", "never", "--rules", "rules", "--fail-on", failOn, "--output", "json", "catalog-info.yaml"], in: root)
      #expect(result.status == 3, "--fail-on \(failOn): \(result.stdout)")
      let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
      let findings = try #require(report["findings"] as? [[String: Any]])
      let errors = findings.filter { $0["verdict"] as? String == "error" }
      #expect(errors.count == 1)
      #expect((errors.first?["message"] as? String)?.contains("division by zero in 'c.spec.replicas / c.spec.shards' (6 / 0)") == true)
      let summary = try #require(report["summary"] as? [String: Any])
      #expect((summary["byVerdict"] as? [String: Any])?["error"] as? Int == 1)
    }
  }

  // MARK: Class 7: regular expressions are bounded

  /// `(a|aa)+$` on a 30 KB scalar backtracks exponentially: it ran past a minute, then passed. It
  /// stops at the evaluation budget: an error, within seconds.
  @Test func aCatastrophicUserPatternOnALargeInputStopsWithAnError() throws {
    let long = String(repeating: "a", count: 30_000) + "b"
    let root = try directory([
      "catalog-info.yaml": Self.catalog.replacingOccurrences(of: "name: payments\n", with: "name: payments\n  description: \(long)\n"),
      "rules/backtrack.plumb": """
        rule description_is_not_all_a {
          title "t"
          category ownership
          for c in catalog.Component
          require not (default(c.metadata.description, "") matches "(a|aa)+$") else "all a"
        }
        """,
    ])
    let result = try runPlumbBounded(
      ["check", "--color", "never", "--rules", "rules", "catalog-info.yaml"], in: root, timeoutSeconds: 60, addressSpaceMiB: 4096)
    #expect(!result.timedOut, "ran for \(result.seconds) s")
    #expect(result.status == 3, "\(result.stdout)")
    #expect(result.stdout.contains("'description_is_not_all_a' could not be evaluated for 'payments': matching '(a|aa)+$' against a 30001-byte text needed more than the"), "\(result.stdout)")
  }

  /// A bucket policy of ~920 KB: one statement that mentions `aws:SecureTransport` (so the literal
  /// prefilter lets the text through), then 7,000 `Deny` statements without it. The shipped
  /// pattern's `.*` made each `"Deny"` scan to the end: quadratic, more than two minutes (the old
  /// binary timed out at 120 s). Rewritten, it is linear: the rule judges the bucket (a finding:
  /// TLS is not enforced) in about two seconds, with no error.
  @Test func theBuiltInTLSPatternIsLinearOnAHugeBucketPolicy() throws {
    let statement = #"{"Sid": "DenyDelete%d", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::logs/%d/*"}"#
    let tls = #"{"Sid": "TLS", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::logs/*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}"#
    let statements = [tls] + (0..<7_000).map { statement.replacingOccurrences(of: "%d", with: String($0)) }
    let document = #"{"Version": "2012-10-17", "Statement": ["# + statements.joined(separator: ", ") + "]}"
    #expect(document.utf8.count > 800_000)
    let policy = String(decoding: try JSONSerialization.data(withJSONObject: document, options: .fragmentsAllowed), as: UTF8.self)
    let plan = """
      {"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": [
        {"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs",
         "provider_name": "registry.terraform.io/hashicorp/aws",
         "change": {"actions": ["create"], "before": null, "after": {"bucket": "logs", "tags": {"owner": "platform"}}, "after_unknown": {}}},
        {"address": "aws_s3_bucket_policy.logs", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "logs",
         "provider_name": "registry.terraform.io/hashicorp/aws",
         "change": {"actions": ["create"], "before": null, "after": {"bucket": "logs", "policy": \(policy)}, "after_unknown": {}}}]}
      """
    let root = try directory([
      "plan.tfplan.json": plan,
      "policies/pack.plumb": "pack only_tls {\n  title \"t\"\n  rule s3_bucket_tls_not_enforced: block\n}\n",
    ])
    let result = try runPlumbBounded(
      ["check", "--color", "never", "--rules", "policies", "--pack", "only_tls", "plan.tfplan.json"], in: root,
      timeoutSeconds: 60)
    #expect(!result.timedOut, "ran for \(result.seconds) s")
    #expect(!result.stdout.contains("could not be evaluated"), "\(result.stdout.suffix(2000))")
    #expect(result.status == 1, "\(result.stdout.suffix(2000))")
    #expect(result.stdout.contains("[s3_bucket_tls_not_enforced]"))
  }
}
