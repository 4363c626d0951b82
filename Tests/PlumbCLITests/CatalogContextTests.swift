import Foundation
import Testing
import TestSupport

/// The central catalog as context, end to end through the built binary: from a directory, from
/// an export (both shapes) and from a live catalog API on loopback; findings only for the
/// repository's own inputs; every failure loud.
@Suite struct CatalogContextTests {
  let environment = ["PLUMB_TODAY": "2026-06-01"]

  func check(_ arguments: [String], in directory: URL) throws -> (status: Int32, report: JSONReport, stderr: String) {
    let result = try runPlumbBounded(
      ["check", "."] + arguments + ["--output", "json"], in: directory, environment: ["PLUMB_TODAY": "2026-06-01"],
      timeoutSeconds: 120)
    #expect(!result.timedOut)
    return (result.status, try JSONReport(result.stdout), result.stderr)
  }

  func service(_ extra: [String: String] = [:]) throws -> URL {
    try CatalogFixtures.directory(["catalog-info.yaml": CatalogFixtures.serviceCatalogInfo].merging(extra) { $1 })
  }

  // MARK: A directory

  @Test func withoutContextAnOwnerDefinedCentrallyBlocks() throws {
    let repository = try service()
    let run = try check([], in: repository)
    #expect(run.status == 1)
    #expect(run.report.ruleIDs.contains("owner_is_a_group"))
    #expect(run.report.context == nil)
  }

  @Test func aCatalogDirectoryResolvesTheOwnerAndItsOwnFindingsAreNotReported() throws {
    let repository = try service()
    let central = try CatalogFixtures.central()
    let run = try check(["--catalog", central.path], in: repository)
    #expect(!run.report.ruleIDs.contains("owner_is_a_group"), "\(run.report.ruleIDs)")
    #expect(!run.report.ruleIDs.contains("production_component_has_system"))
    // Only the repository's file has findings; the central catalog's component without an owner
    // (and its dangling reference) is not reported.
    #expect(run.report.findingPaths.allSatisfy { $0 == "catalog-info.yaml" }, "\(run.report.findingPaths)")
    #expect(!run.report.inputDiagnostics.contains { ($0["message"] as? String)?.contains("ghosts") == true })
    #expect(run.status == 0, "\(run.report.ruleIDs) \(run.stderr)")
    let context = try #require(run.report.context)
    #expect(context["entities"] as? Int == 4)
    #expect(context["problemsNotReported"] as? Int ?? 0 >= 1)
    let sources = try #require(context["sources"] as? [[String: Any]])
    #expect(sources.count == 1 && sources[0]["kind"] as? String == "directory" && sources[0]["entities"] as? Int == 4)
  }

  @Test func catalogInPlumbYAMLIsContextToo() throws {
    let central = try CatalogFixtures.central()
    let repository = try service([".plumb.yaml": "catalog:\n  - \(central.path)\n"])
    let run = try check([], in: repository)
    #expect(!run.report.ruleIDs.contains("owner_is_a_group"))
    #expect(run.status == 0)
  }

  @Test func theRepositorysDefinitionWinsAndTheOverlapIsAQuietNote() throws {
    // The normal case: the service's catalog-info.yaml is registered in the central catalog too,
    // there with an older description.
    let older = CatalogFixtures.serviceCatalogInfo.replacingOccurrences(of: "Takes payments", with: "Old text")
    let central = try CatalogFixtures.central(extra: ["services/payments-api.yaml": older])
    let repository = try service()
    let run = try check(["--catalog", central.path], in: repository)
    #expect(run.status == 0)
    let overlap = run.report.inputDiagnostics.filter { $0["code"] as? String == "catalog.context-overlap" }
    #expect(overlap.count == 1)
    #expect(overlap.first?["severity"] as? String == "note")
    #expect(!run.report.inputDiagnostics.contains { $0["severity"] as? String != "note" })
    // Not noisy: the text output says nothing of it.
    let text = try runPlumbBounded(["check", ".", "--catalog", central.path, "--color", "never"], in: repository, environment: environment)
    #expect(!text.stdout.contains("also in the catalog context"))
    #expect(text.status == 0)
  }

  @Test func checkContextReportsTheContextsOwnFindings() throws {
    let repository = try service()
    let central = try CatalogFixtures.central()
    let run = try check(["--catalog", central.path, "--check-context"], in: repository)
    #expect(run.report.findingPaths.contains { $0.hasSuffix("components/legacy.yaml") })
    #expect(run.report.inputDiagnostics.contains { ($0["message"] as? String)?.contains("ghosts") == true })
  }

  @Test func aLocationOutOfTheCatalogSourceIsRefusedLoudly() throws {
    let outside = try CatalogFixtures.directory(["secret.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: x}\nspec: {type: team, children: []}\n"])
    let central = try CatalogFixtures.central(extra: [
      "all.yaml": """
        apiVersion: backstage.io/v1alpha1
        kind: Location
        metadata: {name: all}
        spec:
          targets: [\(outside.path)/secret.yaml]
        """
    ])
    let run = try check(["--catalog", central.path], in: try service())
    #expect(run.status == 2)
    #expect(run.report.inputCodes.contains("catalog.target-outside-root"))
  }

  @Test func aCatalogDirectoryIsReadUnderTheInputsTrustRules() throws {
    // A symbolic link out of the source (to a planted file) and a FIFO named like a catalog file:
    // refused with a reason and the run fails, never read, never hanging.
    let outside = try CatalogFixtures.directory(["secret.yaml": "password: hunter2-planted\n"])
    let central = try CatalogFixtures.central()
    try FileManager.default.createSymbolicLink(
      atPath: central.appendingPathComponent("teams/linked.yaml").path, withDestinationPath: outside.path + "/secret.yaml")
    #expect(mkfifo(central.appendingPathComponent("components/pipe.yaml").path, 0o644) == 0)
    let run = try check(["--catalog", central.path], in: try service())
    #expect(run.status == 2)
    #expect(run.report.inputCodes.contains("io.outside-root"), "\(run.report.inputCodes)")
    #expect(run.report.inputCodes.contains("io.not-regular-file"), "\(run.report.inputCodes)")
    let json = String(decoding: try JSONSerialization.data(withJSONObject: run.report.object), as: UTF8.self)
    #expect(!run.stderr.contains("hunter2") && !json.contains("hunter2"))
    let text = try runPlumbBounded(["check", ".", "--catalog", central.path, "--color", "never"], in: try service(), environment: environment)
    #expect(!text.timedOut && !text.stdout.contains("hunter2-planted"))
  }

  @Test func brokenSourcesFailLoudlyNamingTheSource() throws {
    let repository = try service([
      "exports/not-catalog.json": "{\"kind\": \"nothing\", \"items\": 3}\n",
      "exports/malformed.json": "[{\"apiVersion\": \"backstage.io/v1alpha1\", \"kind\": \"Group\",\n",
      "exports/empty.json": "[]\n",
      "exports/numbers.json": "[1, 2, 3]\n",
    ])
    let empty = try CatalogFixtures.directory(["README.md": "nothing here\n"])
    let cases: [(String, String)] = [
      ("missing/catalog", "context.missing"),
      ("exports/not-catalog.json", "context.not-a-catalog"),
      ("exports/malformed.json", "yaml."),
      ("exports/empty.json", "context.empty"),
      ("exports/numbers.json", "context.empty"),
      (empty.path, "context.empty"),
    ]
    for (source, code) in cases {
      let run = try check(["--catalog", source], in: repository)
      #expect(run.status == 2, "\(source)")
      let failure = run.report.inputDiagnostics.first { ($0["code"] as? String)?.hasPrefix(code) == true }
      #expect(failure != nil, "\(source): \(run.report.inputCodes)")
      // The source is named (in the message, or as the file's path).
      let named = (failure?["message"] as? String ?? "") + ((failure?["location"] as? [String: Any])?["path"] as? String ?? "")
      #expect(named.contains(source.split(separator: "/").last.map(String.init) ?? source), "\(named)")
    }
  }

  @Test func aFindingThatPointsIntoTheContextIsShownOnTheRepositorysEntity() throws {
    // A rule whose `at` is a node of the joined owner, a Group of the central catalog.
    let rules = """
      rule owner_describes_itself {
        title "The owning team has a description"
        severity low
        category ownership
        for c in catalog.Component
        let o = first(c -> ownedBy)
        when exists(o)
        require exists(o.metadata.title) else "owner of '${c.metadata.name}' has no title" at o.metadata
      }

      pack owners {
        rule owner_describes_itself: block
      }

      """
    let repository = try service(["policies/owners.plumb": rules])
    let central = try CatalogFixtures.central()
    let result = try runPlumbBounded(
      ["check", ".", "--catalog", central.path, "--no-builtin-rules", "--rules", "policies", "--pack", "owners",
        "--output", "json"], in: repository, environment: environment)
    let report = try JSONReport(result.stdout)
    #expect(report.ruleIDs == ["owner_describes_itself"], "\(result.stderr)")
    #expect(report.findingPaths == ["catalog-info.yaml"])
    #expect(result.status == 1)
  }

  // MARK: Exports

  @Test func anEntitiesArrayAndAByQueryPageAreContext() throws {
    let entities = try CatalogFixtures.servedEntities(from: try CatalogFixtures.central())
    #expect(entities.count == 4)
    let repository = try service([
      "exports/entities.json": CatalogFixtures.arrayExport(entities),
      "exports/page.json": CatalogFixtures.pageExport(entities),
    ])
    for export in ["exports/entities.json", "exports/page.json"] {
      let run = try check(["--catalog", export], in: repository)
      #expect(run.status == 0, "\(export): \(run.report.ruleIDs) \(run.report.inputCodes)")
      #expect(!run.report.ruleIDs.contains("owner_is_a_group"))
      // The export is context, not an input of the repository (it lies inside it).
      #expect(run.report.findingPaths.allSatisfy { $0 == "catalog-info.yaml" })
      let sources = try #require(run.report.context?["sources"] as? [[String: Any]])
      #expect(sources.first?["kind"] as? String == "export" && sources.first?["entities"] as? Int == 4)
    }
  }

  // MARK: Cross-source joins

  @Test func aTerraformRepositoryJoinsComponentsFromTheContext() throws {
    let central = try CatalogFixtures.central(extra: [
      "components/payments.yaml": """
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: payments-db
          annotations: {plumb.dev/data-class: personal}
        spec: {type: database, lifecycle: production, owner: team-payments, system: payments}
        """
    ])
    let plan = """
      {"format_version": "1.2", "terraform_version": "1.9.0", "resource_changes": [
        {"address": "aws_s3_bucket.exports", "mode": "managed", "type": "aws_s3_bucket", "name": "exports",
         "provider_name": "registry.terraform.io/hashicorp/aws",
         "change": {"actions": ["create"], "before": null,
           "after": {"region": "us-east-1", "bucket": "exports", "tags": {"component": "payments-db"}}, "after_unknown": {}}}]}
      """
    let repository = try CatalogFixtures.directory(["plan.json": plan])
    let alone = try check([], in: repository)
    #expect(!alone.report.ruleIDs.contains("personal_data_in_allowed_regions"))
    let joined = try check(["--catalog", central.path], in: repository)
    let residency = joined.report.findings.filter { $0["ruleId"] as? String == "personal_data_in_allowed_regions" }
    #expect(residency.count == 1, "\(joined.report.ruleIDs)")
    #expect((residency.first?["message"] as? String)?.contains("payments-db") == true)
    #expect(joined.report.findingPaths.allSatisfy { $0 == "plan.json" })
    #expect(joined.status == 1)
  }

  // MARK: Scorecards and fixes

  @Test func scoreScoresOnlyTheRepositorysEntities() throws {
    let repository = try service()
    let central = try CatalogFixtures.central()
    let result = try runPlumbBounded(
      ["score", ".", "--catalog", central.path, "--format", "json", "--now", "2026-06-01T00:00:00Z"], in: repository,
      environment: environment)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("component:default/payments-api"))
    #expect(!result.stdout.contains("legacy-ledger"))
    // The team from the context owns the service in the roll-up.
    #expect(result.stdout.contains("team-payments"))
  }

  @Test func fixNeverTouchesContextFilesEvenCheckedAndInsideTheRoot() throws {
    let ownerless = """
      apiVersion: backstage.io/v1alpha1
      kind: Component
      metadata: {name: NAME, description: d, tags: [java]}
      spec: {type: service, lifecycle: production, system: payments}

      """
    var files = ["catalog-info.yaml": ownerless.replacingOccurrences(of: "NAME", with: "payments-api")]
    for (path, text) in CatalogFixtures.centralFiles { files["central/" + path] = text }
    files["central/components/orphan.yaml"] = ownerless.replacingOccurrences(of: "NAME", with: "orphan")
    files["policies/fix.plumb"] = """
      pack fixing {
        all rules: warn
        rule component_has_owner: block { default_owner = "group:team-payments" }
      }

      """
    let repository = try CatalogFixtures.directory(files)
    let orphan = repository.appendingPathComponent("central/components/orphan.yaml")
    let before = try String(contentsOf: orphan, encoding: .utf8)
    let arguments = ["fix", ".", "--catalog", "central", "--check-context", "--rules", "policies", "--pack", "fixing"]
    let diff = try runPlumbBounded(arguments + ["--diff"], in: repository, environment: environment)
    // The repository's own component is fixed (the owner exists in the context), the context's is not.
    #expect(diff.stdout.contains("+++ b/catalog-info.yaml") && diff.stdout.contains("owner: group:team-payments"), "\(diff.stdout) \(diff.stderr)")
    #expect(!diff.stdout.contains("central/"), "\(diff.stdout)")
    let write = try runPlumbBounded(arguments + ["--write"], in: repository, environment: environment)
    // (Exit 2: both components lack the owner the catalog schema requires, an input error.)
    #expect(write.stdout.contains("1 fixed (1 file)"), "\(write.stdout) \(write.stderr)")
    #expect(try String(contentsOf: orphan, encoding: .utf8) == before)
    #expect(try String(contentsOf: repository.appendingPathComponent("catalog-info.yaml"), encoding: .utf8).contains("owner"))
  }
}
