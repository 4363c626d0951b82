import Foundation
import PlumbGraph
import PlumbIngest
import PlumbYAML
import TestSupport
import Testing

@testable import PlumbPolicy

/// The residency built-ins (`location`, `replica_locations`, `is_global_service`,
/// `jurisdiction_of`, `in_jurisdiction`), the version built-ins, and the embedded region data.
@Suite struct ResidencyBuiltinsTests {
  // MARK: Helpers

  /// Ingests the files (path → text) like a repository and returns, per resource address, what
  /// the probe rule printed: `location|jurisdiction|replicas|global`.
  func probe(_ files: [String: String]) throws -> [String: String] {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-residency-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    for (path, text) in files {
      let url = directory.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
    }
    let graph = Ingestor().ingest(paths: [directory.path], root: directory.path).graph
    let rule = """
      rule probe {
        title "probe"
        category test
        for r in terraform.resource
        let loc = location(r)
        require false else "${r.address}=${loc}|${jurisdiction_of(loc)}|${replica_locations(r)}|${is_global_service(r)}"
      }
      """
    var result: [String: String] = [:]
    for finding in evaluate(rule, graph).findings {
      let parts = finding.message.split(separator: "=", maxSplits: 1).map(String.init)
      result[parts[0]] = parts[1]
    }
    return result
  }

  /// A plan JSON with the given `resource_changes` entries (`address`, `type`, `after`, `unknown`)
  /// and an optional `configuration`.
  func plan(_ resources: [(address: String, type: String, after: String, unknown: String)], configuration: String? = nil)
    -> String
  {
    let changes = resources.map { r in
      let name = r.address.split(separator: ".").last.map(String.init) ?? r.address
      return """
        {"address": "\(r.address)", "mode": "managed", "type": "\(r.type)", "name": "\(name)",
         "provider_name": "registry.terraform.io/hashicorp/\(r.type.split(separator: "_")[0])",
         "change": {"actions": ["create"], "before": null, "after": \(r.after), "after_unknown": \(r.unknown)}}
        """
    }
    return "{\"format_version\": \"1.2\", \"resource_changes\": [\(changes.joined(separator: ",\n"))]"
      + (configuration.map { ", \"configuration\": \($0)" } ?? "") + "}"
  }

  /// The text of an expression evaluated with no entity in scope (through a one-entity graph).
  func text(_ expression: String) -> String {
    var fixture = GraphFixture()
    fixture.add("catalog.Component", "x", "kind: Component\nmetadata:\n  name: x\n")
    let rule = """
      rule probe {
        title "probe"
        category test
        for c in catalog.Component
        require false else "${\(expression)}"
      }
      """
    return evaluate(rule, fixture.build()).findings.first?.message ?? "<no finding>"
  }

  // MARK: Jurisdictions

  @Test func jurisdictionsFollowCountriesNotPrefixes() {
    #expect(text(#"in_jurisdiction("eu-central-1", "EU")"#) == "true")
    #expect(text(#"in_jurisdiction("eu-west-2", "EU")"#) == "false")  // London
    #expect(text(#"jurisdiction_of("eu-west-2")"#) == "UK")
    #expect(text(#"jurisdiction_of("eu-central-2")"#) == "CH")  // Zurich
    #expect(text(#"in_jurisdiction("europe-west2", "EU")"#) == "false")
    #expect(text(#"jurisdiction_of("europe-west2")"#) == "UK")
    #expect(text(#"jurisdiction_of("europe-west6")"#) == "CH")
    #expect(text(#"in_jurisdiction("europe-west6", "CH")"#) == "true")
    #expect(text(#"jurisdiction_of("norwayeast")"#) == "EEA")
    #expect(text(#"in_jurisdiction("norwayeast", "EU")"#) == "false")
    #expect(text(#"in_jurisdiction("norwayeast", "EEA")"#) == "true")
    #expect(text(#"jurisdiction_of("us-east-1")"#) == "US")
    #expect(text(#"jurisdiction_of("ap-northeast-1")"#) == "JP")
    #expect(text(#"in_jurisdiction("eusc-de-east-1", "EU")"#) == "true")
    #expect(text(#"in_jurisdiction("eusc-de-east-1", "DE")"#) == "true")
    #expect(text(#"in_jurisdiction("West Europe", "EU")"#) == "true")
  }

  @Test func multiRegionsCountOnlyWhenEveryMemberIsInside() {
    #expect(text(#"in_jurisdiction("EU", "EU")"#) == "true")  // GCS multi-region
    #expect(text(#"in_jurisdiction("eu", "EEA")"#) == "true")
    #expect(text(#"in_jurisdiction("eu", "UK")"#) == "false")
    #expect(text(#"in_jurisdiction("EUR4", "EU")"#) == "true")
    #expect(text(#"in_jurisdiction("eur5", "EU")"#) == "false")  // Belgium + London
    #expect(text(#"jurisdiction_of("eur5")"#) == "EU+UK")
    #expect(text(#"in_jurisdiction("eur5", ["EU", "UK"])"#) == "true")
    #expect(text(#"in_jurisdiction("eur8", "EU")"#) == "false")  // Frankfurt + Zurich
    #expect(text(#"in_jurisdiction("eur3", "EU")"#) == "true")
    #expect(text(#"in_jurisdiction("us", "US")"#) == "true")
    #expect(text(#"in_jurisdiction("global", "EU")"#) == "false")
    #expect(text(#"jurisdiction_of("global")"#) == "ALL")
    #expect(text(#"in_jurisdiction("global", "ALL")"#) == "true")
  }

  @Test func zonesResolveToTheirRegion() {
    #expect(text(#"jurisdiction_of("europe-west1-b")"#) == "EU")
    #expect(text(#"jurisdiction_of("eu-west-1a")"#) == "EU")
    #expect(text(#"in_jurisdiction("regional-europe-west4", "EU")"#) == "true")
  }

  @Test func locationsOutsideTheDataAreUnknownNotPass() {
    // europe-west15 is listed without a country; `europe` (KMS) has no stated jurisdiction.
    #expect(text(#"in_jurisdiction("europe-west15", "EU")"#) == "<unknown until apply>")
    #expect(text(#"in_jurisdiction("europe", "EU")"#) == "<unknown until apply>")
    #expect(text(#"in_jurisdiction("eu-isoe-west-1", "EU")"#) == "<unknown until apply>")
    #expect(text(#"in_jurisdiction("mars-north-1", "EU")"#) == "<unknown until apply>")
    #expect(text(#"jurisdiction_of("mars-north-1")"#) == "<missing>")
    // An unknown jurisdiction name (a misspelt parameter) is an evaluation error, never a pass.
    #expect(
      text(#"in_jurisdiction("eu-west-1", "Europe")"#)
        == "'probe' could not be evaluated for 'x': 'Europe' is not a jurisdiction Plumb knows (EU, EEA, UK, CH, US, ALL or an ISO country code)")
  }

  // MARK: location()

  @Test func awsLocationPrefersThePlannedRegionThenTheProvider() throws {
    let configuration = """
      {"provider_config": {
         "aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-central-1"}}},
         "aws.us": {"name": "aws", "alias": "us", "expressions": {"region": {"constant_value": "us-east-1"}}},
         "aws.env": {"name": "aws", "alias": "env"}},
       "root_module": {"resources": [
         {"address": "aws_s3_bucket.v6", "mode": "managed", "type": "aws_s3_bucket", "name": "v6", "provider_config_key": "aws"},
         {"address": "aws_s3_bucket.v5", "mode": "managed", "type": "aws_s3_bucket", "name": "v5", "provider_config_key": "aws.us"},
         {"address": "aws_db_instance.db", "mode": "managed", "type": "aws_db_instance", "name": "db", "provider_config_key": "aws"},
         {"address": "aws_db_instance.env", "mode": "managed", "type": "aws_db_instance", "name": "env", "provider_config_key": "aws.env"},
         {"address": "aws_db_instance.set", "mode": "managed", "type": "aws_db_instance", "name": "set", "provider_config_key": "aws",
          "expressions": {"region": {"references": ["aws_s3_bucket.v6.region", "aws_s3_bucket.v6"]}}},
         {"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r", "provider_config_key": "aws"},
         {"address": "aws_route53_resolver_endpoint.e", "mode": "managed", "type": "aws_route53_resolver_endpoint", "name": "e", "provider_config_key": "aws"}]}}
      """
    let locations = try probe([
      "plan.json": plan(
        [
          ("aws_s3_bucket.v6", "aws_s3_bucket", #"{"region": "eu-west-3"}"#, "{}"),
          ("aws_s3_bucket.v5", "aws_s3_bucket", "{}", #"{"region": true}"#),
          ("aws_db_instance.db", "aws_db_instance", "{}", "{}"),
          ("aws_db_instance.env", "aws_db_instance", "{}", "{}"),
          ("aws_db_instance.set", "aws_db_instance", "{}", #"{"region": true}"#),
          ("aws_iam_role.r", "aws_iam_role", "{}", "{}"),
          ("aws_route53_resolver_endpoint.e", "aws_route53_resolver_endpoint", "{}", "{}"),
        ], configuration: configuration),
    ])
    #expect(locations["aws_s3_bucket.v6"] == "eu-west-3|EU|[]|false")
    // AWS provider 5: the bucket's computed region is the provider's.
    #expect(locations["aws_s3_bucket.v5"] == "us-east-1|US|[]|false")
    #expect(locations["aws_db_instance.db"] == "eu-central-1|EU|[]|false")
    // A provider without region takes it from the environment: unknown.
    #expect(locations["aws_db_instance.env"] == "<unknown until apply>|<unknown until apply>|[]|false")
    // Unknown in the plan, but the configuration references a resource whose region is known.
    #expect(locations["aws_db_instance.set"] == "eu-west-3|EU|[]|false")
    #expect(locations["aws_iam_role.r"] == "global|ALL|[]|true")
    #expect(locations["aws_route53_resolver_endpoint.e"] == "eu-central-1|EU|[]|false")
  }

  @Test func awsRegionFromAnAwsRegionDataSourceOrAnARN() throws {
    let text = """
      {"format_version": "1.2",
       "resource_changes": [
         {"address": "aws_sqs_queue.q", "mode": "managed", "type": "aws_sqs_queue", "name": "q",
          "provider_name": "registry.terraform.io/hashicorp/aws",
          "change": {"actions": ["create"], "before": null, "after": {"name": "q"}, "after_unknown": {"arn": true}}},
         {"address": "aws_sns_topic.t", "mode": "managed", "type": "aws_sns_topic", "name": "t",
          "provider_name": "registry.terraform.io/hashicorp/aws",
          "change": {"actions": ["no-op"], "before": {}, "after": {"arn": "arn:aws:sns:eu-north-1:123456789012:t"}, "after_unknown": {}}}],
       "prior_state": {"format_version": "1.0", "values": {"root_module": {"resources": [
         {"address": "data.aws_region.current", "mode": "data", "type": "aws_region", "name": "current",
          "provider_name": "registry.terraform.io/hashicorp/aws", "values": {"name": "eu-south-1"}}]}}},
       "configuration": {"provider_config": {"aws": {"name": "aws"}, "aws.other": {"name": "aws", "alias": "other"}},
         "root_module": {"resources": [
           {"address": "aws_sqs_queue.q", "mode": "managed", "type": "aws_sqs_queue", "name": "q", "provider_config_key": "aws"},
           {"address": "aws_sns_topic.t", "mode": "managed", "type": "aws_sns_topic", "name": "t", "provider_config_key": "aws.other"},
           {"address": "data.aws_region.current", "mode": "data", "type": "aws_region", "name": "current", "provider_config_key": "aws"}]}}}
      """
    let locations = try probe(["plan.json": text])
    #expect(locations["aws_sqs_queue.q"] == "eu-south-1|EU|[]|false")
    #expect(locations["aws_sns_topic.t"] == "eu-north-1|EU|[]|false")
  }

  @Test func azureLocationsAreNormalisedAndChildrenTakeTheirParents() throws {
    let configuration = """
      {"root_module": {"resources": [
         {"address": "azurerm_mssql_server.s", "mode": "managed", "type": "azurerm_mssql_server", "name": "s",
          "expressions": {"location": {"constant_value": "Switzerland North"}}},
         {"address": "azurerm_mssql_database.d", "mode": "managed", "type": "azurerm_mssql_database", "name": "d",
          "expressions": {"server_id": {"references": ["azurerm_mssql_server.s.id", "azurerm_mssql_server.s"]}}},
         {"address": "azurerm_storage_account.a", "mode": "managed", "type": "azurerm_storage_account", "name": "a",
          "expressions": {"location": {"references": ["azurerm_resource_group.rg.location", "azurerm_resource_group.rg"]}}},
         {"address": "azurerm_resource_group.rg", "mode": "managed", "type": "azurerm_resource_group", "name": "rg",
          "expressions": {"location": {"constant_value": "westeurope"}}},
         {"address": "azurerm_role_assignment.ra", "mode": "managed", "type": "azurerm_role_assignment", "name": "ra"},
         {"address": "azurerm_dns_zone.z", "mode": "managed", "type": "azurerm_dns_zone", "name": "z"}]}}
      """
    let locations = try probe([
      "plan.json": plan(
        [
          ("azurerm_mssql_server.s", "azurerm_mssql_server", #"{"location": "switzerlandnorth"}"#, "{}"),
          ("azurerm_mssql_database.d", "azurerm_mssql_database", #"{"sku_name": "S0"}"#, #"{"server_id": true}"#),
          ("azurerm_resource_group.rg", "azurerm_resource_group", #"{"location": "West Europe"}"#, "{}"),
          (
            "azurerm_storage_account.a", "azurerm_storage_account", #"{"account_replication_type": "RAGRS"}"#,
            #"{"location": true}"#
          ),
          ("azurerm_role_assignment.ra", "azurerm_role_assignment", "{}", "{}"),
          ("azurerm_dns_zone.z", "azurerm_dns_zone", "{}", "{}"),
        ], configuration: configuration),
    ])
    // The database's geo-redundant backups (the default) go to the server's pair.
    #expect(locations["azurerm_mssql_database.d"] == #"switzerlandnorth|CH|["switzerlandwest"]|false"#)
    #expect(locations["azurerm_resource_group.rg"] == "westeurope|EU|[]|false")
    #expect(locations["azurerm_storage_account.a"] == #"westeurope|EU|["northeurope"]|false"#)
    #expect(locations["azurerm_role_assignment.ra"] == "<missing>|<missing>|[]|false")
    #expect(locations["azurerm_dns_zone.z"] == "global|ALL|[]|true")
  }

  @Test func googleLocationsZonesMultiRegionsAndDefaults() throws {
    let configuration = """
      {"provider_config": {"google": {"name": "google", "expressions": {"region": {"constant_value": "europe-west3"}}}},
       "root_module": {"resources": [
         {"address": "google_compute_instance.vm", "mode": "managed", "type": "google_compute_instance", "name": "vm", "provider_config_key": "google"},
         {"address": "google_sql_database_instance.db", "mode": "managed", "type": "google_sql_database_instance", "name": "db", "provider_config_key": "google"},
         {"address": "google_storage_bucket.b", "mode": "managed", "type": "google_storage_bucket", "name": "b", "provider_config_key": "google"},
         {"address": "google_bigquery_dataset.ds", "mode": "managed", "type": "google_bigquery_dataset", "name": "ds", "provider_config_key": "google"},
         {"address": "google_secret_manager_secret.s", "mode": "managed", "type": "google_secret_manager_secret", "name": "s", "provider_config_key": "google"},
         {"address": "google_project_iam_member.m", "mode": "managed", "type": "google_project_iam_member", "name": "m", "provider_config_key": "google"}]}}
      """
    let locations = try probe([
      "plan.json": plan(
        [
          ("google_compute_instance.vm", "google_compute_instance", #"{"zone": "europe-west2-b"}"#, "{}"),
          (
            "google_sql_database_instance.db", "google_sql_database_instance",
            #"{"settings": [{"backup_configuration": [{"enabled": true, "location": "us"}]}]}"#, #"{"region": true}"#
          ),
          (
            "google_storage_bucket.b", "google_storage_bucket",
            #"{"location": "EU", "custom_placement_config": [{"data_locations": ["EUROPE-WEST1", "EUROPE-WEST6"]}]}"#, "{}"
          ),
          ("google_bigquery_dataset.ds", "google_bigquery_dataset", #"{"dataset_id": "x"}"#, "{}"),
          ("google_secret_manager_secret.s", "google_secret_manager_secret", #"{"replication": [{"auto": [{}]}]}"#, "{}"),
          ("google_project_iam_member.m", "google_project_iam_member", #"{"role": "roles/viewer"}"#, "{}"),
        ], configuration: configuration),
    ])
    #expect(locations["google_compute_instance.vm"] == "europe-west2|UK|[]|false")
    // Region unknown in the plan and not configured: the provider's region; backups in `us`.
    #expect(locations["google_sql_database_instance.db"] == #"europe-west3|EU|["us"]|false"#)
    #expect(locations["google_storage_bucket.b"] == #"eu|EU|["europe-west1", "europe-west6"]|false"#)
    #expect(locations["google_bigquery_dataset.ds"] == "us|US|[]|false")
    #expect(locations["google_secret_manager_secret.s"] == #"<missing>|<missing>|["global"]|false"#)
    #expect(locations["google_project_iam_member.m"] == "global|ALL|[]|true")
  }

  @Test func replicaLocationsOfAwsResources() throws {
    let locations = try probe([
      "plan.json": plan([
        (
          "aws_dynamodb_table.t", "aws_dynamodb_table",
          #"{"region": "eu-west-1", "replica": [{"region_name": "eu-central-1"}, {"region_name": "us-east-1"}, null]}"#,
          #"{"replica": [{}, {}, true]}"#
        ),
        (
          "aws_backup_plan.p", "aws_backup_plan",
          #"{"region": "eu-west-1", "rule": [{"copy_action": [{"destination_vault_arn": "arn:aws:backup:us-west-2:123456789012:backup-vault:dr"}]}]}"#,
          "{}"
        ),
        (
          "aws_db_instance_automated_backups_replication.r", "aws_db_instance_automated_backups_replication",
          #"{"region": "us-east-2", "source_db_instance_arn": "arn:aws:rds:eu-west-1:123456789012:db:x"}"#, "{}"
        ),
        (
          "aws_s3_bucket_replication_configuration.c", "aws_s3_bucket_replication_configuration",
          #"{"region": "eu-west-1", "rule": [{"status": "Enabled", "destination": [{"bucket": "arn:aws:s3:::elsewhere"}]}, {"status": "Disabled", "destination": [{"bucket": "arn:aws:s3:::off"}]}]}"#,
          "{}"
        ),
      ])
    ])
    #expect(locations["aws_dynamodb_table.t"] == #"eu-west-1|EU|["eu-central-1", "us-east-1", <unknown until apply>]|false"#)
    #expect(locations["aws_backup_plan.p"] == #"eu-west-1|EU|["us-west-2"]|false"#)
    #expect(locations["aws_db_instance_automated_backups_replication.r"] == #"us-east-2|US|["us-east-2"]|false"#)
    // The destination bucket is not in the plan: unknown; disabled rules copy nothing.
    #expect(locations["aws_s3_bucket_replication_configuration.c"] == "eu-west-1|EU|[<unknown until apply>]|false")
  }

  /// Destinations whose ARN is unknown until apply are the resources the configuration references.
  @Test func unknownDestinationsResolveThroughTheConfiguration() throws {
    func destination(_ reference: String) -> String {
      #"{"status": {"constant_value": "Enabled"}, "destination": [{"bucket": {"references": ["\#(reference).arn", "\#(reference)"]}}]}"#
    }
    let configuration = """
      {"root_module": {"resources": [
        {"address": "aws_s3_bucket_replication_configuration.one", "mode": "managed",
         "type": "aws_s3_bucket_replication_configuration", "name": "one",
         "expressions": {"rule": [\(destination("aws_s3_bucket.us"))]}},
        {"address": "aws_s3_bucket_replication_configuration.two", "mode": "managed",
         "type": "aws_s3_bucket_replication_configuration", "name": "two",
         "expressions": {"rule": [\(destination("aws_s3_bucket.eu")), \(destination("aws_s3_bucket.us")),
           {"status": {"constant_value": "Disabled"}, "destination": [{"bucket": {"references": ["aws_s3_bucket.off.arn", "aws_s3_bucket.off"]}}]}]}},
        {"address": "aws_s3_bucket_replication_configuration.var", "mode": "managed",
         "type": "aws_s3_bucket_replication_configuration", "name": "var",
         "expressions": {"rule": [{"destination": [{"bucket": {"references": ["var.replica_arn"]}}]}]}},
        {"address": "aws_s3_bucket_replication_configuration.known", "mode": "managed",
         "type": "aws_s3_bucket_replication_configuration", "name": "known",
         "expressions": {"rule": [\(destination("aws_s3_bucket.old")), \(destination("aws_s3_bucket.us"))]}},
        {"address": "aws_backup_plan.p", "mode": "managed", "type": "aws_backup_plan", "name": "p",
         "expressions": {"rule": [{"copy_action": [{"destination_vault_arn": {"references": ["aws_backup_vault.dr.arn", "aws_backup_vault.dr"]}}]}]}}
      ]}}
      """
    let unknownRule = #"{"rule": [{"destination": [{"bucket": true}]}]}"#
    let locations = try probe([
      "plan.json": plan(
        [
          ("aws_s3_bucket.us", "aws_s3_bucket", #"{"region": "us-west-2"}"#, #"{"arn": true, "bucket": true}"#),
          ("aws_s3_bucket.eu", "aws_s3_bucket", #"{"region": "eu-north-1"}"#, #"{"arn": true, "bucket": true}"#),
          ("aws_s3_bucket.off", "aws_s3_bucket", #"{"region": "ap-south-1"}"#, #"{"arn": true, "bucket": true}"#),
          ("aws_s3_bucket.old", "aws_s3_bucket", #"{"bucket": "old", "region": "eu-west-1", "arn": "arn:aws:s3:::old"}"#, "{}"),
          (
            "aws_s3_bucket_replication_configuration.one", "aws_s3_bucket_replication_configuration",
            #"{"region": "eu-west-1", "rule": [{"status": "Enabled", "destination": [{}]}]}"#, unknownRule
          ),
          (
            "aws_s3_bucket_replication_configuration.two", "aws_s3_bucket_replication_configuration",
            #"{"region": "eu-west-1", "rule": [{"status": "Enabled", "destination": [{}]}, {"status": "Enabled", "destination": [{}]}, {"status": "Disabled", "destination": [{}]}]}"#,
            #"{"rule": [{"destination": [{"bucket": true}]}, {"destination": [{"bucket": true}]}, {"destination": [{"bucket": true}]}]}"#
          ),
          (
            "aws_s3_bucket_replication_configuration.var", "aws_s3_bucket_replication_configuration",
            #"{"region": "eu-west-1", "rule": [{"status": "Enabled", "destination": [{}]}]}"#, unknownRule
          ),
          (
            "aws_s3_bucket_replication_configuration.known", "aws_s3_bucket_replication_configuration",
            #"{"region": "eu-west-1", "rule": [{"status": "Enabled", "destination": [{"bucket": "arn:aws:s3:::old"}]}, {"status": "Enabled", "destination": [{}]}]}"#,
            #"{"rule": [{"destination": [{}]}, {"destination": [{"bucket": true}]}]}"#
          ),
          ("aws_backup_vault.dr", "aws_backup_vault", #"{"region": "us-east-2"}"#, #"{"arn": true}"#),
          (
            "aws_backup_plan.p", "aws_backup_plan", #"{"region": "eu-west-1", "rule": [{"copy_action": [{}]}]}"#,
            #"{"rule": [{"copy_action": [{"destination_vault_arn": true}]}]}"#
          ),
        ], configuration: configuration)
    ])
    #expect(locations["aws_s3_bucket_replication_configuration.one"] == #"eu-west-1|EU|["us-west-2"]|false"#)
    // Two unknown destinations, two references to buckets whose ARNs are unknown: both; the
    // disabled rule's destination is left out on both sides.
    #expect(locations["aws_s3_bucket_replication_configuration.two"] == #"eu-west-1|EU|["eu-north-1", "us-west-2"]|false"#)
    // A variable names a bucket outside the plan: nothing in the plan decides.
    #expect(locations["aws_s3_bucket_replication_configuration.var"] == "eu-west-1|EU|[<unknown until apply>]|false")
    // A known destination resolves by name; the one unknown is the bucket whose ARN is unknown.
    #expect(locations["aws_s3_bucket_replication_configuration.known"] == #"eu-west-1|EU|["eu-west-1", "us-west-2"]|false"#)
    #expect(locations["aws_backup_plan.p"] == #"eu-west-1|EU|["us-east-2"]|false"#)
  }

  /// A destination written as a child module's output is the resource the output names there.
  @Test func unknownDestinationsFollowModuleOutputs() throws {
    let plan = """
      {"format_version": "1.2", "resource_changes": [
        {"address": "module.dr.aws_s3_bucket.this", "module_address": "module.dr", "mode": "managed",
         "type": "aws_s3_bucket", "name": "this", "provider_name": "registry.terraform.io/hashicorp/aws",
         "change": {"actions": ["create"], "before": null, "after": {"region": "us-east-1"},
                    "after_unknown": {"arn": true, "bucket": true}}},
        {"address": "aws_s3_bucket_replication_configuration.c", "mode": "managed",
         "type": "aws_s3_bucket_replication_configuration", "name": "c", "provider_name": "registry.terraform.io/hashicorp/aws",
         "change": {"actions": ["create"], "before": null,
                    "after": {"region": "eu-west-1", "rule": [{"status": "Enabled", "destination": [{}]}]},
                    "after_unknown": {"rule": [{"destination": [{"bucket": true}]}]}}},
        {"address": "aws_s3_bucket_replication_configuration.other", "mode": "managed",
         "type": "aws_s3_bucket_replication_configuration", "name": "other", "provider_name": "registry.terraform.io/hashicorp/aws",
         "change": {"actions": ["create"], "before": null,
                    "after": {"region": "eu-west-1", "rule": [{"status": "Enabled", "destination": [{}]}]},
                    "after_unknown": {"rule": [{"destination": [{"bucket": true}]}]}}}],
       "configuration": {"root_module": {
         "resources": [
           {"address": "aws_s3_bucket_replication_configuration.c", "mode": "managed",
            "type": "aws_s3_bucket_replication_configuration", "name": "c",
            "expressions": {"rule": [{"destination": [{"bucket": {"references": ["module.dr.bucket_arn", "module.dr"]}}]}]}},
           {"address": "aws_s3_bucket_replication_configuration.other", "mode": "managed",
            "type": "aws_s3_bucket_replication_configuration", "name": "other",
            "expressions": {"rule": [{"destination": [{"bucket": {"references": ["module.dr.computed", "module.dr"]}}]}]}}],
         "module_calls": {"dr": {"source": "./dr", "module": {
           "outputs": {"bucket_arn": {"expression": {"references": ["aws_s3_bucket.this.arn", "aws_s3_bucket.this"]}},
                       "computed": {"expression": {"references": ["var.name", "aws_s3_bucket.this.arn", "aws_s3_bucket.this"]}}},
           "resources": [{"address": "aws_s3_bucket.this", "mode": "managed", "type": "aws_s3_bucket", "name": "this",
                          "expressions": {}}]}}}}}}
      """
    let locations = try probe(["plan.json": plan])
    #expect(locations["aws_s3_bucket_replication_configuration.c"] == #"eu-west-1|EU|["us-east-1"]|false"#)
    // An output built from several values (a variable and the bucket) is not one resource's.
    #expect(locations["aws_s3_bucket_replication_configuration.other"] == "eu-west-1|EU|[<unknown until apply>]|false")
  }

  @Test func azureGeoRedundancyNeedsAPair() throws {
    let locations = try probe([
      "plan.json": plan([
        ("azurerm_storage_account.lrs", "azurerm_storage_account", #"{"location": "italynorth", "account_replication_type": "LRS"}"#, "{}"),
        ("azurerm_storage_account.grs", "azurerm_storage_account", #"{"location": "italynorth", "account_replication_type": "GRS"}"#, "{}"),
        (
          "azurerm_cosmosdb_account.c", "azurerm_cosmosdb_account",
          #"{"location": "westeurope", "geo_location": [{"location": "westeurope"}, {"location": "East US"}]}"#, "{}"
        ),
        ("azurerm_key_vault.k", "azurerm_key_vault", #"{"location": "uksouth"}"#, "{}"),
      ])
    ])
    #expect(locations["azurerm_storage_account.lrs"] == "italynorth|EU|[]|false")
    // GRS in a region without a pair: Microsoft picks the secondary.
    #expect(locations["azurerm_storage_account.grs"] == "italynorth|EU|[<unknown until apply>]|false")
    #expect(locations["azurerm_cosmosdb_account.c"] == #"westeurope|EU|["westeurope", "eastus"]|false"#)
    #expect(locations["azurerm_key_vault.k"] == #"uksouth|UK|["ukwest"]|false"#)
  }

  // MARK: Versions

  @Test func versionsCompareNumericallyAndConstraintsHaveFloors() {
    #expect(text(#"version_compare("1.10.0", "1.9")"#) == "1")
    #expect(text(#"version_compare("v2.0", "2.0.0")"#) == "0")
    #expect(text(#"version_compare("2.0.0-rc.1", "2.0.0")"#) == "-1")
    #expect(text(#"version_compare("main", "1.0")"#) == "<missing>")
    #expect(text(#"version_floor("~> 5.2")"#) == "5.2")
    #expect(text(#"version_floor(">= 3.1, < 4.0")"#) == "3.1")
    #expect(text(#"version_floor("1.4.0")"#) == "1.4.0")
    #expect(text(#"version_floor("< 4.0")"#) == "<missing>")
  }

  // MARK: Embedded data

  static let regionsYAML = SharedData.reference("regions.yaml")

  @Test(.requires(sharedData: regionsYAML)) func generatedRegionDataMatchesRegionsYAML() throws {
    let result = YAMLLoader().load(path: Self.regionsYAML.path)
    let root = try #require(result.documents.first?.root)
    let data = Value.yaml(root)
    func strings(_ value: Value) -> [String] { value.elements.map { $0.string ?? "<\($0.kind)>" } }
    func named(_ value: Value) -> [RegionData.Named] { value.entries.map { .init($0.key, strings($0.value)) } }

    #expect(data["schema_version"].int == RegionData.schemaVersion)
    #expect(data["snapshot"].string == RegionData.snapshot)
    #expect(named(data["jurisdictions"]) == RegionData.jurisdictions)

    let aws = data["aws"]
    #expect(
      aws["regions"].entries.map {
        RegionData.Region($0.key, country: $0.value["country"].string, partition: $0.value["partition"].string)
      } == RegionData.awsRegions)
    #expect(
      aws["pseudo_locations"].entries.map {
        RegionData.Pseudo(
          $0.key, aliasOf: $0.value["alias_of"].string,
          countries: $0.value["countries"].isMissing ? nil : strings($0.value["countries"]))
      } == RegionData.awsPseudoLocations)
    #expect(strings(aws["global_resource_prefixes"]) == RegionData.awsGlobalResourcePrefixes)
    #expect(strings(aws["global_resource_types"]) == RegionData.awsGlobalResourceTypes)

    let azure = data["azure"]
    #expect(
      azure["regions"].entries.map {
        RegionData.Region($0.key, country: $0.value["country"].string, pair: $0.value["pair"].string)
      } == RegionData.azureRegions)
    #expect(strings(azure["logical_locations"]) == RegionData.azureLogicalLocations)
    #expect(named(azure["geo_redundant_values"]) == RegionData.azureGeoRedundantValues)

    let gcp = data["gcp"]
    #expect(
      gcp["regions"].entries.map { RegionData.Region($0.key, country: $0.value["country"].string) }
        == RegionData.gcpRegions)
    #expect(
      gcp["multi_regions"].entries.map { RegionData.Token($0.key, jurisdiction: $0.value["jurisdiction"].string) }
        == RegionData.gcpMultiRegions)
    #expect(named(gcp["dual_regions"]) == RegionData.gcpDualRegions)
    #expect(named(gcp["instance_configs"]) == RegionData.gcpInstanceConfigs)
    #expect(gcp["legacy_location_ids"].entries.map { RegionData.Named($0.key, [$0.value.string ?? ""]) } == RegionData.gcpLegacyLocationIDs)
    for cloud in ["aws", "azure", "gcp"] {
      #expect(named(data[cloud]["sets"]) == RegionData.sets[cloud], "\(cloud).sets")
    }
  }

  /// The per-cloud sets regions.yaml lists agree with the country data the built-ins use.
  @Test func regionSetsAgreeWithCountries() {
    for (cloud, sets) in RegionData.sets {
      for set in sets {
        let jurisdictions = set.name.components(separatedBy: "_PLUS_")
        var allowed = Set<String>()
        for name in jurisdictions { allowed.formUnion(Regions.countries(ofJurisdiction: name) ?? []) }
        #expect(!allowed.isEmpty, "\(cloud).\(set.name)")
        for token in set.values {
          let places = Regions.places(token)
          #expect(places != nil, "\(cloud).\(set.name): '\(token)' has no known place")
          #expect(
            places?.allSatisfy { Regions.place($0, isIn: allowed) } == true,
            "\(cloud).\(set.name): '\(token)' is not inside \(set.name)")
        }
      }
    }
    // No token means two things: AWS, Azure and Google names never collide.
    let names = RegionData.awsRegions.map(\.name) + RegionData.azureRegions.map(\.name) + RegionData.gcpRegions.map(\.name)
    #expect(Set(names).count == names.count)
  }
}
