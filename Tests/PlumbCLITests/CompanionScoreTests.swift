import Foundation
import Testing

/// Untagged companion resources in scorecards, on the built binary: a bucket's replication
/// configuration has no tags, inherits the bucket's component link (`companionOf`), and so rolls
/// into that component's scorecard like the bucket itself.
@Suite struct CompanionScoreTests {
  static let catalog = """
    apiVersion: backstage.io/v1alpha1
    kind: Component
    metadata:
      name: payments-api
      annotations: {plumb.dev/data-class: personal}
    spec: {type: service, lifecycle: production, owner: payments}
    ---
    apiVersion: backstage.io/v1alpha1
    kind: Group
    metadata: {name: payments}
    spec: {type: team, children: []}
    """

  /// The bucket is tagged and in the EU; its replication configuration, managed in `region`,
  /// names the bucket only by its planned name.
  static func plan(region: String) -> String {
    """
    {"format_version": "1.2", "resource_changes": [
      {"address": "aws_s3_bucket.exports", "mode": "managed", "type": "aws_s3_bucket", "name": "exports",
       "provider_name": "registry.terraform.io/hashicorp/aws",
       "change": {"actions": ["create"], "before": null,
         "after": {"bucket": "acme-exports", "region": "eu-central-1", "tags": {"component": "payments-api"}},
         "after_unknown": {"arn": true}}},
      {"address": "aws_s3_bucket_replication_configuration.exports", "mode": "managed",
       "type": "aws_s3_bucket_replication_configuration", "name": "exports",
       "provider_name": "registry.terraform.io/hashicorp/aws",
       "change": {"actions": ["create"], "before": null,
         "after": {"region": "\(region)", "bucket": "acme-exports",
                   "rule": [{"id": "all", "status": "Enabled", "destination": [{"bucket": "arn:aws:s3:::acme-exports"}]}]},
         "after_unknown": {"id": true}}}]}
    """
  }

  func explain(region: String) throws -> CommandResult {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    try Self.catalog.write(to: root.appendingPathComponent("catalog-info.yaml"), atomically: true, encoding: .utf8)
    try Self.plan(region: region).write(to: root.appendingPathComponent("plan.tfplan.json"), atomically: true, encoding: .utf8)
    return try runPlumb(["score", "--explain", "payments-api", "--root", root.path, root.path])
  }

  @Test func aCompanionRollsIntoItsComponentsScorecard() throws {
    let outside = try explain(region: "us-east-1")
    #expect(outside.status == 0, "\(outside.stderr)")
    #expect(outside.stdout.contains("judged 2 entities: 1 pass, 1 fail"), "\(outside.stdout)")
    #expect(
      outside.stdout.contains(
        "fail on terraform:plan.tfplan.json#aws_s3_bucket_replication_configuration.exports (via hasResource)"))
    #expect(outside.stdout.contains("gold     held back by personal_data_in_allowed_regions (fail)"))

    let inside = try explain(region: "eu-central-1")
    #expect(inside.stdout.contains("judged 2 entities: 2 pass"), "\(inside.stdout)")
    #expect(inside.stdout.contains("level: gold"))
  }
}
