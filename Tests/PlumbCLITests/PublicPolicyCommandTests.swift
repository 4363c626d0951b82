import BenchmarkSupport
import Foundation
import Testing

/// Resource policies written by whoever opens a pull request, through the built binary: a hostile
/// `Sid` cannot make an output line a CI command, a policy that cannot be read never passes, and a
/// deeply nested policy costs neither a crash nor minutes. Bounded in time and memory.
@Suite struct PublicPolicyCommandTests {
  /// A directory holding a plan with one `aws_s3_bucket_policy` whose policy is `document` (text).
  func bucketPolicyPlan(_ document: String) throws -> URL {
    let root = try temporaryDirectory()
    let policy = String(decoding: try JSONSerialization.data(withJSONObject: document, options: .fragmentsAllowed), as: UTF8.self)
    let plan = """
      {"format_version": "1.2", "resource_changes": [
        {"address": "aws_s3_bucket_policy.site", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "site",
         "provider_name": "registry.terraform.io/hashicorp/aws",
         "change": {"actions": ["create"], "before": null, "after": {"bucket": "acme-site", "policy": \(policy)},
                    "after_unknown": {"id": true}}}]}
      """
    try plan.write(to: root.appendingPathComponent("plan.tfplan.json"), atomically: true, encoding: .utf8)
    return root
  }

  @Test func aHostileSidStaysDataInEveryOutput() throws {
    let sid = "x\n::error file=evil::pwned\r\u{1b}[31mred\u{7}"
    let escapedSid = String(decoding: try JSONSerialization.data(withJSONObject: sid, options: .fragmentsAllowed), as: UTF8.self)
    let root = try bucketPolicyPlan(
      #"{"Statement": [{"Sid": \#(escapedSid), "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}"#)
    let result = try runPlumbBounded(
      ["check", "--color", "never", "--output", "github", "--output", "text=report.txt", "plan.tfplan.json"], in: root)
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("s3_bucket_policy_public"))
    for line in result.stdout.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
      #expect(!line.hasPrefix("::error file=evil"), "\(line)")
    }
    let text = try String(contentsOf: root.appendingPathComponent("report.txt"), encoding: .utf8)
    #expect(!text.contains("\u{1b}"))
    #expect(!text.contains("\u{7}"))
  }

  @Test func aPolicyThatIsNotJSONIsIndeterminateNeverAPass() throws {
    let root = try bucketPolicyPlan(#"{"Statement": [{"Effect": "Allow", "Principal": "*""#)
    let result = try runPlumbBounded(["check", "--color", "never", "--output", "json", "plan.tfplan.json"], in: root)
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains(#""verdict": "indeterminate""#) || result.stdout.contains(#""verdict":"indeterminate""#))
    #expect(result.stdout.contains("not a JSON policy document"))
  }

  @Test func deepNestingIsBoundedAndIndeterminate() throws {
    let deep = String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)
    let root = try bucketPolicyPlan(#"{"Statement": "# + deep + "}")
    let result = try runPlumbBounded(
      ["check", "--color", "never", "--output", "json", "plan.tfplan.json"], in: root, timeoutSeconds: 60)
    #expect(!result.timedOut)
    #expect(result.status == 1, "\(result.stdout.prefix(2000))\(result.stderr.prefix(2000))")
    #expect(result.stdout.contains("not a JSON policy document"))
  }
}
