import Foundation
import PlumbDiagnostics
import PlumbGraph
import PlumbYAML
import TestSupport
import Testing

@testable import PlumbIngest

// MARK: - Support

private let packageRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let fixtureRoot = packageRoot.appendingPathComponent("fixtures/platform").path
private let corpusRoot = SharedData.corpus.path
private let plansRoot = corpusRoot + "/terraform-plans"
/// The corpus manifest: the corpus tests need it, and are skipped (listed, with the path) without.
private let corpusManifest = SharedData.corpus("MANIFEST.tsv")

/// Loads `paths` (absolute) under `root` and runs only the Terraform plan adapter over them.
private func ingest(_ paths: [String], root: String) -> (graph: DocumentGraph, inputs: [LoadedInput]) {
  var context = IngestContext(root: root)
  var adapter = TerraformPlanAdapter()
  var inputs: [LoadedInput] = []
  for path in paths {
    let input = context.load(path)
    inputs.append(input)
    if input.format == .terraformPlan { adapter.ingest(input, context: &context) }
  }
  adapter.finish(context: &context)
  return (context.graph.build(), inputs)
}

/// Writes `text` as `name` in a fresh temporary directory and ingests it.
private func ingest(json text: String, name: String = "plan.json") throws -> DocumentGraph {
  let directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("plumb-terraform-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  let file = directory.appendingPathComponent(name)
  try Data(text.utf8).write(to: file)
  return ingest([file.path], root: directory.path).graph
}

private func id(_ plan: String, _ address: String) -> EntityID { EntityID("terraform:\(plan)#\(address)") }

/// The `resource_changes` count and format version of every plan in the corpus manifest.
private func manifestPlans() throws -> [(path: String, formatVersion: String, changes: Int)] {
  let text = try String(contentsOfFile: corpusRoot + "/MANIFEST.tsv", encoding: .utf8)
  var plans: [(String, String, Int)] = []
  for line in text.split(separator: "\n") {
    let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    guard columns.count >= 6, columns[0].hasPrefix("terraform-plans/"), columns[0].hasSuffix(".json") else { continue }
    var version: String?
    var changes: Int?
    for field in columns[5].split(separator: ";") {
      let trimmed = field.trimmingCharacters(in: .whitespaces)
      if trimmed.hasPrefix("format_version=") { version = String(trimmed.dropFirst("format_version=".count)) }
      if trimmed.hasPrefix("resource_changes=") { changes = Int(trimmed.dropFirst("resource_changes=".count)) }
    }
    if let version, let changes { plans.append((columns[0], version, changes)) }
  }
  return plans
}

/// A provider region as a test expects it.
enum ExpectedRegion: Sendable, Equatable {
  case value(String)
  case unknown
  case missing

  init(_ value: Value) {
    if value.isMissing {
      self = .missing
    } else if value.isUnknown {
      self = .unknown
    } else {
      self = .value(value.string ?? "<\(value.kind)>")
    }
  }
}

/// One resource instance of a corpus plan and the provider it must resolve to.
struct ExpectedInstance: Sendable {
  let address: String
  let modulePath: [String]
  let provider: String
  let alias: String?
  let region: ExpectedRegion
  var resolvedKey: String? = nil
}

/// A corpus plan and what ingesting it must give.
struct PlanCase: Sendable, CustomTestStringConvertible {
  let file: String
  let formatVersion: String
  let resources: Int
  /// Module instance addresses (the `terraform.module` entities).
  let modules: [String]
  let instances: [ExpectedInstance]
  var testDescription: String { file }
}

// MARK: - Suite

@Suite struct TerraformPlanAdapterTests {
  // MARK: The project's fixture

  static let fixturePlan = "terraform/plan.tfplan.json"

  func fixtureGraph() -> DocumentGraph {
    ingest([fixtureRoot + "/" + Self.fixturePlan], root: fixtureRoot).graph
  }

  @Test func fixtureEntitiesAndIds() throws {
    let graph = fixtureGraph()
    #expect(graph.diagnostics.isEmpty, "\(graph.diagnostics)")
    let resources = graph.entities(ofKind: EntityKinds.terraformResource)
    #expect(resources.map(\.id.rawValue) == [
      "terraform:terraform/plan.tfplan.json#aws_db_instance.ledger",
      "terraform:terraform/plan.tfplan.json#aws_s3_bucket.customer_exports",
      "terraform:terraform/plan.tfplan.json#aws_s3_bucket.static_assets",
      "terraform:terraform/plan.tfplan.json#aws_security_group.bastion",
      "terraform:terraform/plan.tfplan.json#module.logs.aws_s3_bucket.this[\"audit\"]",
    ])
    let data = graph.entities(ofKind: EntityKinds.terraformDataSource)
    #expect(data.map(\.id) == [id(Self.fixturePlan, "data.aws_caller_identity.current")])
    #expect(data.first?.attributes["values"]["account_id"].string == "123456789012")
    #expect(graph.entities(ofKind: EntityKinds.terraformModule).map(\.id) == [id(Self.fixturePlan, "module.logs")])
    let plan = try #require(graph.entity(EntityID("terraform:" + Self.fixturePlan)))
    #expect(plan.kind == EntityKinds.terraformPlan)
    #expect(plan.attributes["format_version"].string == "1.2")
    #expect(plan.attributes["terraform_version"].string == "1.9.5")
    #expect(plan.attributes["path"].string == Self.fixturePlan)
    #expect(plan.attributes["partial"].bool == false)

    let bucket = try #require(graph.entity(id(Self.fixturePlan, "aws_s3_bucket.customer_exports")))
    #expect(bucket.type == "aws_s3_bucket")
    #expect(bucket.name == "aws_s3_bucket.customer_exports")
    #expect(bucket.location.path == Self.fixturePlan)
    #expect(bucket.location.span.start.line == 20)
    #expect(bucket.attributes["mode"].string == "managed")
    #expect(bucket.attributes["module"].kind == .null)
    #expect(bucket.attributes["module_path"].elements.isEmpty)
    #expect(bucket.attributes["actions"].elements.map(\.string) == ["create"])
    #expect(bucket.attributes["before"].kind == .null)
    #expect(bucket.attributes["index"].isMissing)
    #expect(bucket.attributes["tags"]["component"].string == "payments-api")
    #expect(bucket.attributes["config"]["bucket"]["constant_value"].string == "acme-customer-exports")
    #expect(graph.related(bucket.id, "inPlan").map(\.id) == [plan.id])
  }

  @Test func fixtureProvidersAndRegions() throws {
    let graph = fixtureGraph()
    let exports = try #require(graph.entity(id(Self.fixturePlan, "aws_s3_bucket.customer_exports")))
    let provider = exports.attributes["provider"]
    #expect(provider["key"].string == "aws.us")
    #expect(provider["name"].string == "aws")
    #expect(provider["alias"].string == "us")
    #expect(provider["full_name"].string == "registry.terraform.io/hashicorp/aws")
    #expect(provider["region"].string == "us-east-1")
    // The region is a view onto the provider block's constant, with its span.
    #expect(provider["region"].location?.span.start.line == 56)

    for address in [
      "aws_s3_bucket.static_assets", "aws_security_group.bastion", "aws_db_instance.ledger",
      "module.logs.aws_s3_bucket.this[\"audit\"]", "data.aws_caller_identity.current",
    ] {
      let entity = try #require(graph.entity(id(Self.fixturePlan, address)), "\(address)")
      #expect(entity.attributes["provider"]["region"].string == "eu-west-1", "\(address)")
      #expect(entity.attributes["provider"]["alias"].isMissing, "\(address)")
      #expect(entity.attributes["provider"]["version_constraint"].string == "~> 5.0", "\(address)")
    }
  }

  @Test func fixtureModuleMembership() throws {
    let graph = fixtureGraph()
    let audit = try #require(graph.entity(id(Self.fixturePlan, "module.logs.aws_s3_bucket.this[\"audit\"]")))
    #expect(audit.attributes["module"].string == "module.logs")
    #expect(audit.attributes["module_path"].elements.map(\.string) == ["logs"])
    #expect(audit.attributes["index"].string == "audit")
    #expect(audit.attributes["config"]["bucket"]["references"][0].string == "each.key")
    let module = try #require(graph.entity(id(Self.fixturePlan, "module.logs")))
    #expect(graph.related(audit.id, "inModule").map(\.id) == [module.id])
    #expect(graph.related(audit.id, "inPlan").isEmpty)
    #expect(module.attributes["source"].string == "./modules/logs")
    #expect(module.attributes["call"].string == "logs")
    #expect(module.attributes["key"].isMissing)
    #expect(module.location.span.start.line == 67)
    #expect(graph.related(module.id, "inPlan").map(\.id) == [EntityID("terraform:" + Self.fixturePlan)])
  }

  @Test func fixtureReferenceEdge() throws {
    let graph = fixtureGraph()
    let ledger = id(Self.fixturePlan, "aws_db_instance.ledger")
    let edges = graph.edges(from: ledger, type: "references")
    #expect(edges.map(\.to) == [id(Self.fixturePlan, "aws_security_group.bastion")])
    // At the `vpc_security_group_ids` expression in the configuration.
    #expect(edges.first?.location?.path == Self.fixturePlan)
    #expect(edges.first?.location?.span.start.line == 63)
    #expect(edges.first?.location?.span.start.column == 225)
    // The `each.key` reference and the for_each over `var.names` link nothing.
    let audit = id(Self.fixturePlan, "module.logs.aws_s3_bucket.this[\"audit\"]")
    #expect(graph.edges(from: audit, type: "references").isEmpty)
    #expect(graph.edges(from: audit, type: "referencedBy").isEmpty)
  }

  @Test func fixtureReferencedByIsTheInverseEdge() throws {
    let graph = fixtureGraph()
    let ledger = id(Self.fixturePlan, "aws_db_instance.ledger")
    let bastion = id(Self.fixturePlan, "aws_security_group.bastion")
    let inverse = graph.edges(from: bastion, type: "referencedBy")
    #expect(inverse.map(\.to) == [ledger])
    #expect(graph.related(bastion, "referencedBy").map(\.id) == [ledger])
    // Located like the `references` edge: at ledger's `vpc_security_group_ids` expression.
    let forward = try #require(graph.edges(from: ledger, type: "references").first)
    #expect(inverse.first?.location == forward.location)
    #expect(inverse.first?.location?.span.start.line == 63)
    // The referrer is referenced by nothing.
    #expect(graph.edges(from: ledger, type: "referencedBy").isEmpty)
  }

  @Test func fixtureUnknownSensitiveMissingAndNull() throws {
    let graph = fixtureGraph()
    let ledger = try #require(graph.entity(id(Self.fixturePlan, "aws_db_instance.ledger")))
    let after = ledger.attributes["after"]
    #expect(after["password"].isSensitive)
    #expect(after["password"].string == "hunter2-not-really")
    #expect(!after["engine"].isSensitive)
    #expect(after["engine"].string == "postgres")
    #expect(after["endpoint"].isUnknown)
    #expect(after["endpoint"].kind == .unknown)
    #expect(after["nonexistent"].isMissing)
    #expect(!after["nonexistent"].isUnknown)
    #expect(ledger.attributes["values"]["endpoint"].isUnknown)
    // Unknown attributes omitted from `after` still show up among its entries.
    let keys = after.entries.map(\.key)
    #expect(keys.contains("endpoint") && keys.contains("arn") && keys.contains("password"))

    let exports = try #require(graph.entity(id(Self.fixturePlan, "aws_s3_bucket.customer_exports")))
    #expect(exports.attributes["after"]["arn"].isUnknown)
    #expect(exports.attributes["after"]["id"].isUnknown)
    // AWS provider 5: no planned `region` attribute (missing, not unknown); the provider region applies.
    #expect(exports.attributes["after"]["region"].isMissing)
    #expect(!exports.attributes["after"]["region"].isUnknown)
    let assets = try #require(graph.entity(id(Self.fixturePlan, "aws_s3_bucket.static_assets")))
    #expect(assets.attributes["after"]["region"].string == "eu-west-1")
    #expect(assets.attributes["before"]["region"].string == "eu-west-1")
    let bastion = try #require(graph.entity(id(Self.fixturePlan, "aws_security_group.bastion")))
    #expect(bastion.attributes["after"]["ingress"][0]["cidr_blocks"][0].string == "0.0.0.0/0")
    #expect(bastion.attributes["after"]["vpc_id"].isUnknown)
  }

  // MARK: The corpus

  static let cases: [PlanCase] = [
    PlanCase(
      file: "terraform-json/basic__plan.json", formatVersion: "0.1", resources: 8, modules: ["module.foo"],
      instances: [
        ExpectedInstance(address: "null_resource.bar", modulePath: [], provider: "null", alias: nil, region: .missing),
        ExpectedInstance(
          address: "module.foo.null_resource.aliased", modulePath: ["foo"], provider: "null", alias: "aliased",
          region: .missing, resolvedKey: "foo:null.aliased"),
      ]),
    PlanCase(
      file: "terraform-json/110_basic__plan.json", formatVersion: "1.0", resources: 7, modules: ["module.foo"],
      instances: [
        ExpectedInstance(
          address: "module.foo.null_resource.foo", modulePath: ["foo"], provider: "null", alias: nil, region: .missing,
          resolvedKey: "module.foo:null"),
        // `foo:null.aliased` names no provider configuration: the alias comes from the key.
        ExpectedInstance(
          address: "module.foo.null_resource.aliased", modulePath: ["foo"], provider: "null", alias: "aliased",
          region: .missing),
      ]),
    PlanCase(
      file: "checkov/common__runner_registry__plan_with_hcl_for_enrichment__tfplan.json", formatVersion: "0.1",
      resources: 3, modules: [],
      instances: [
        // `region = var.region`, resolved through the plan's `variables`.
        ExpectedInstance(
          address: "aws_dynamodb_table.cross-environment-violations", modulePath: [], provider: "aws",
          alias: "current_region", region: .value("us-west-2")),
        ExpectedInstance(
          address: "aws_iam_policy.policy", modulePath: [], provider: "aws", alias: nil, region: .value("us-west-2")),
      ]),
    PlanCase(
      file: "terraform-compliance/test_issue-249__plan.out.json", formatVersion: "0.1", resources: 24,
      modules: ["module.alb", "module.lambda_TFUpgradeTest", "module.myapp-asg", "module.myapp-asg.module.iam"],
      instances: [
        // Legacy key `alb:aws` has no configuration: inherited from the root provider (var.aws_region).
        ExpectedInstance(
          address: "module.alb.aws_alb.alb", modulePath: ["alb"], provider: "aws", alias: nil,
          region: .value("us-east-1"), resolvedKey: "aws"),
        ExpectedInstance(
          address: "module.myapp-asg.module.iam.aws_iam_role.role", modulePath: ["myapp-asg", "iam"], provider: "aws",
          alias: nil, region: .value("us-east-1")),
      ]),
    PlanCase(
      file: "terraform-compliance/test_non_created_module_resource_parameter__plan.out.json", formatVersion: "0.1",
      resources: 23,
      // The `common` modules hold only data sources, seen in `prior_state`.
      modules: [
        "module.apigw_test_1", "module.apigw_test_1.module.acm_cert_regional[0]",
        "module.apigw_test_1.module.acm_cert_regional[0].module.common", "module.apigw_test_1.module.api_gw_log_role",
        "module.apigw_test_1.module.api_gw_log_role.module.common",
      ],
      instances: [
        // The module declares its own `aws` provider (without region): region missing, not the root's.
        ExpectedInstance(
          address: "module.apigw_test_1.aws_api_gateway_account.main", modulePath: ["apigw_test_1"], provider: "aws",
          alias: nil, region: .missing, resolvedKey: "module.apigw_test_1:aws"),
        ExpectedInstance(
          address: "module.apigw_test_1.module.acm_cert_regional[0].aws_acm_certificate.cert",
          modulePath: ["apigw_test_1", "acm_cert_regional"], provider: "aws", alias: nil, region: .missing,
          resolvedKey: "module.apigw_test_1:aws"),
      ]),
    PlanCase(
      file: "regula/lib__inputs__resource_view_06_tf_v1_0_infra.json", formatVersion: "0.2", resources: 7,
      modules: ["module.child1", "module.child1.module.grandchild1", "module.child2"],
      instances: [
        ExpectedInstance(
          address: "module.child1.module.grandchild1.aws_vpc.grandchild", modulePath: ["child1", "grandchild1"],
          provider: "aws", alias: nil, region: .value("us-east-2"), resolvedKey: "aws"),
        ExpectedInstance(
          address: "aws_vpc.parent", modulePath: [], provider: "aws", alias: nil, region: .value("us-east-2")),
      ]),
    PlanCase(
      file: "checkov/terraform__runner__resources__plan_root_module_resources_no_values__tfplan_route53.json",
      formatVersion: "1.0", resources: 4, modules: [],
      instances: [
        ExpectedInstance(
          address: "aws_cloudwatch_log_group.aws_route53_example_com", modulePath: [], provider: "aws",
          alias: "us-east-1", region: .value("us-east-1")),
        // Implicit default provider with no provider block: name only.
        ExpectedInstance(
          address: "aws_route53_zone.example_com", modulePath: [], provider: "aws", alias: nil, region: .missing),
      ]),
    PlanCase(
      file: "terraform-json/120_basic__plan.json", formatVersion: "1.1", resources: 7, modules: ["module.foo"],
      instances: [
        ExpectedInstance(address: "null_resource.foo", modulePath: [], provider: "null", alias: nil, region: .missing)
      ]),
    PlanCase(
      file: "checkov/common__runner_registry__plan_with_for_each_for_enrichment__tf_plan.json", formatVersion: "1.2",
      resources: 5,
      modules: ["module.sg[\"awful_example\"]", "module.sg[\"bad_example\"]", "module.sg[\"terrible_example\"]"],
      instances: [
        ExpectedInstance(
          address: "module.sg[\"bad_example\"].aws_security_group.bad", modulePath: ["sg"], provider: "aws", alias: nil,
          region: .missing),
        ExpectedInstance(
          address: "aws_route53_zone.example[\"example2.eu\"]", modulePath: [], provider: "aws", alias: nil,
          region: .missing),
      ]),
    PlanCase(
      file: "terraform-compliance/test_issue_796__plan.out.json", formatVersion: "1.2", resources: 2,
      modules: ["module.outer[0]", "module.outer[0].module.inner"],
      instances: [
        ExpectedInstance(
          address: "module.outer[0].module.inner.aws_cloudwatch_event_rule.example", modulePath: ["outer", "inner"],
          provider: "aws", alias: nil, region: .value("us-east-1"), resolvedKey: "aws")
      ]),
    PlanCase(
      file: "checkov/terraform__parser__resources__plan_booleans__tfplan.json", formatVersion: "1.0", resources: 2,
      modules: [],
      instances: [
        ExpectedInstance(
          address: "google_compute_instance.default", modulePath: [], provider: "google", alias: nil,
          region: .value("europe-west2"))
      ]),
    PlanCase(
      file: "terraform-validator/example_compute_target_https_proxy.tfplan.json", formatVersion: "1.1", resources: 1,
      modules: [],
      instances: [
        ExpectedInstance(
          address: "google_compute_target_https_proxy.target-https-proxy", modulePath: [], provider: "google",
          alias: nil, region: .value("asia-southeast-1"))
      ]),
    PlanCase(
      file: "terraform-google-conversion/compute_address.tfplan.json", formatVersion: "1.2", resources: 3,
      modules: [],
      instances: [
        ExpectedInstance(
          address: "google_compute_address.internal_with_subnet_and_address", modulePath: [], provider: "google",
          alias: nil, region: .missing)
      ]),
    PlanCase(
      file: "regula/rules__tf__azurerm__network__inputs__security_group_no_inbound_22_infra.json",
      formatVersion: "0.1", resources: 10, modules: [],
      instances: [
        ExpectedInstance(
          address: "azurerm_resource_group.example", modulePath: [], provider: "azurerm", alias: nil, region: .missing)
      ]),
    PlanCase(
      file: "terraform-compliance/test_issue-294__plan.out.json", formatVersion: "0.1", resources: 20,
      modules: ["module.linuxservers-fail", "module.windowsservers-pass"],
      instances: [
        ExpectedInstance(
          address: "module.linuxservers-fail.azurerm_availability_set.vm", modulePath: ["linuxservers-fail"],
          provider: "azurerm", alias: nil, region: .missing, resolvedKey: "azurerm"),
        // No `random` provider configuration anywhere: the name comes from the key.
        ExpectedInstance(
          address: "module.linuxservers-fail.random_id.vm-sa", modulePath: ["linuxservers-fail"], provider: "random",
          alias: nil, region: .missing),
      ]),
  ]

  @Test(.requires(sharedData: corpusManifest), arguments: cases)
  func corpusPlan(_ plan: PlanCase) throws {
    let (graph, inputs) = ingest([plansRoot + "/" + plan.file], root: plansRoot)
    #expect(inputs.first?.format == .terraformPlan)
    #expect(graph.diagnostics.filter { $0.severity == .error }.isEmpty, "\(graph.diagnostics)")
    let planEntity = try #require(graph.entity(EntityID("terraform:" + plan.file)))
    #expect(planEntity.attributes["format_version"].string == plan.formatVersion)

    let changed = graph.entities.filter { !$0.attributes["change"].isMissing }
    #expect(changed.count == plan.resources)
    let modules = graph.entities(ofKind: EntityKinds.terraformModule)
    #expect(modules.map(\.name).sorted() == plan.modules.sorted())
    for module in modules {
      let parents = graph.related(module.id, "inModule") + graph.related(module.id, "inPlan")
      #expect(parents.count == 1, "\(module.id)")
    }
    // Every resource instance sits in exactly one module or the plan, matching its module path.
    for entity in changed {
      let path = entity.attributes["module_path"].elements.compactMap(\.string)
      if path.isEmpty {
        #expect(graph.related(entity.id, "inPlan").map(\.id) == [planEntity.id], "\(entity.id)")
      } else {
        let module = try #require(graph.related(entity.id, "inModule").first, "\(entity.id)")
        #expect(module.attributes["module_path"].elements.compactMap(\.string) == path, "\(entity.id)")
      }
    }
    for instance in plan.instances {
      let entity = try #require(graph.entity(id(plan.file, instance.address)), "\(instance.address)")
      #expect(entity.attributes["address"].string == instance.address)
      #expect(entity.attributes["module_path"].elements.compactMap(\.string) == instance.modulePath)
      let provider = entity.attributes["provider"]
      #expect(provider["name"].string == instance.provider, "\(instance.address)")
      #expect(provider["alias"].string == instance.alias, "\(instance.address)")
      #expect(ExpectedRegion(provider["region"]) == instance.region, "\(instance.address)")
      if let key = instance.resolvedKey {
        #expect(provider["resolved_key"].string == key, "\(instance.address)")
      }
    }
  }

  @Test(.requires(sharedData: corpusManifest)) func everyCorpusPlanIngests() throws {
    let plans = try manifestPlans()
    #expect(plans.count >= 170)
    let paths = plans.map { plansRoot + "/" + String($0.path.dropFirst("terraform-plans/".count)) }
    let (graph, inputs) = ingest(paths, root: plansRoot)
    var changesPerFile: [String: Int] = [:]
    for entity in graph.entities where !entity.attributes["change"].isMissing {
      changesPerFile[entity.location.path, default: 0] += 1
    }
    for (plan, input) in zip(plans, inputs) {
      #expect(input.format == .terraformPlan, "\(plan.path)")
      #expect(changesPerFile[input.path, default: 0] == plan.changes, "\(plan.path)")
      let entity = graph.entity(EntityID("terraform:" + input.path))
      #expect(entity?.attributes["format_version"].string == plan.formatVersion, "\(plan.path)")
    }
    let errors = graph.diagnostics.filter { $0.severity >= .warning }
    #expect(errors.isEmpty, "\(errors)")
  }

  @Test(.requires(sharedData: corpusManifest)) func brokenCorpusPlanGivesPositionedLoaderError() throws {
    let (graph, inputs) = ingest([plansRoot + "/terraform-json/invalid__plan.json"], root: plansRoot)
    let error = try #require(graph.diagnostics.first { $0.severity == .error })
    #expect(error.code.hasPrefix("yaml."))
    #expect(error.location?.path == "terraform-json/invalid__plan.json")
    #expect(error.location?.span.start.line == 676)
    #expect(inputs.first?.result.hasErrors == true)
  }

  // MARK: Format gate

  @Test func formatTwoIsRejectedWithPosition() throws {
    let graph = try ingest(
      json: """
        {
          "format_version": "2.0",
          "resource_changes": [
            {"address": "aws_s3_bucket.a", "mode": "managed", "type": "aws_s3_bucket", "name": "a",
             "change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {}}}
          ]
        }
        """)
    #expect(graph.entities.isEmpty)
    let diagnostic = try #require(graph.diagnostics.first)
    #expect(graph.diagnostics.count == 1)
    #expect(diagnostic.code == "terraform.unsupported-format")
    #expect(diagnostic.severity == .error)
    #expect(
      diagnostic.message
        == "unsupported plan 'format_version' '2.0': only formats 0.x and 1.x are read; "
        + "nothing in this file was ingested")
    #expect(diagnostic.location?.path == "plan.json")
    #expect(diagnostic.location?.span.start.line == 2)
    #expect(diagnostic.location?.span.start.column == 21)
  }

  @Test func nonNumericFormatIsRejected() throws {
    let graph = try ingest(json: #"{"format_version": "one", "resource_changes": []}"#)
    #expect(graph.entities.isEmpty)
    #expect(graph.diagnostics.map(\.code) == ["terraform.unsupported-format"])
    #expect(graph.diagnostics.first?.message.contains("'one' is not a version number") == true)
    #expect(graph.diagnostics.first?.location?.span.start.column == 20)
  }

  @Test func laterMinorVersionsAreReadAndUnknownKeysIgnored() throws {
    let graph = try ingest(
      json: """
        {"format_version": "1.9", "future_key": {"x": 1}, "resource_changes": [
          {"address": "null_resource.a", "mode": "managed", "type": "null_resource", "name": "a", "new_field": true,
           "change": {"actions": ["create"], "before": null, "after": {"triggers": null}, "after_unknown": {"id": true}}}
        ]}
        """)
    #expect(graph.diagnostics.isEmpty, "\(graph.diagnostics)")
    #expect(graph.entities(ofKind: EntityKinds.terraformResource).count == 1)
  }

  @Test func partialPlansWarn() throws {
    let graph = try ingest(
      json: """
        {"format_version": "1.2", "complete": false, "errored": false, "resource_changes": []}
        """)
    #expect(graph.diagnostics.map(\.code) == ["terraform.partial-plan"])
    #expect(graph.diagnostics.first?.severity == .warning)
    #expect(graph.diagnostics.first?.location?.span.start.column == 39)
    #expect(graph.entity(EntityID("terraform:plan.json"))?.attributes["partial"].bool == true)

    let errored = try ingest(json: #"{"format_version": "1.2", "errored": true, "resource_changes": []}"#)
    #expect(errored.diagnostics.map(\.code) == ["terraform.partial-plan"])
    #expect(errored.diagnostics.first?.message.contains("'errored' is true") == true)
  }

  // MARK: Malformed shapes

  @Test func malformedShapesAreDiagnosedAndTheRestIngested() throws {
    let graph = try ingest(
      json: """
        {
          "format_version": "1.2",
          "resource_changes": [
            {"mode": "managed", "type": "aws_s3_bucket", "name": "noaddress", "change": {"actions": ["create"]}},
            "not a mapping",
            {"address": "aws_s3_bucket.nochange", "mode": "managed", "type": "aws_s3_bucket", "name": "nochange"},
            {"address": "aws_s3_bucket.good", "mode": "managed", "type": "aws_s3_bucket", "name": "good",
             "change": {"actions": ["create"], "before": null, "after": {"bucket": "b"}, "after_unknown": {}}}
          ],
          "prior_state": {"values": {"root_module": {"resources": [
            {"address": "data.aws_region.here", "mode": "data", "type": "aws_region", "name": "here", "values": {"name": "eu-west-1"}}
          ], "child_modules": "nope"}}}
        }
        """)
    let codes = graph.diagnostics.map { "\($0.code)@\($0.location?.span.start.line ?? 0)" }
    #expect(codes == [
      "terraform.malformed@4", "terraform.malformed@5", "terraform.malformed@6", "terraform.malformed@12",
    ])
    #expect(graph.diagnostics[0].message == "a resource change needs a string 'address'; it was skipped")
    #expect(graph.diagnostics[2].message == "resource change 'aws_s3_bucket.nochange' needs a 'change' mapping")
    #expect(graph.diagnostics[3].message == "'child_modules' must be a list")
    #expect(graph.entity(id("plan.json", "aws_s3_bucket.good"))?.attributes["after"]["bucket"].string == "b")
    #expect(graph.entity(id("plan.json", "aws_s3_bucket.nochange")) != nil)
    #expect(graph.entity(id("plan.json", "aws_s3_bucket.nochange"))?.attributes["after"].isMissing == true)
    #expect(graph.entity(id("plan.json", "data.aws_region.here"))?.attributes["values"]["name"].string == "eu-west-1")
  }

  @Test func resourceChangesMustBeAList() throws {
    let graph = try ingest(
      json: """
        {"format_version": "1.0",
         "resource_changes": {"address": "x.y"}}
        """)
    #expect(graph.diagnostics.map(\.code) == ["terraform.malformed"])
    #expect(graph.diagnostics.first?.message == "'resource_changes' must be a list")
    #expect(graph.diagnostics.first?.location?.span.start.line == 2)
    #expect(graph.entities.map(\.kind) == [EntityKinds.terraformPlan])
  }

  // MARK: Values

  @Test func unknownNullMissingAndSensitiveAreDistinct() throws {
    let graph = try ingest(
      json: """
        {"format_version": "1.2", "resource_changes": [
          {"address": "aws_instance.web", "mode": "managed", "type": "aws_instance", "name": "web",
           "change": {"actions": ["update"],
             "before": {"ami": "ami-1", "user_data": "old"},
             "after": {"ami": "ami-2", "key_name": null, "user_data": "secret", "ips": ["10.0.0.1", null],
                       "tags": null, "nested": {"a": 1}},
             "after_unknown": {"id": true, "arn": true, "ips": [false, true], "nested": {"b": true}, "tags_all": true},
             "before_sensitive": {"user_data": true},
             "after_sensitive": {"user_data": true, "nested": {"a": true}}}}
        ]}
        """)
    let web = try #require(graph.entity(id("plan.json", "aws_instance.web")))
    let after = web.attributes["after"]
    #expect(after["id"].kind == .unknown)
    #expect(after["arn"].kind == .unknown)
    #expect(after["key_name"].kind == .null)
    #expect(after["missing_attribute"].kind == .missing)
    #expect(after["ami"].string == "ami-2")
    #expect(after["ips"][0].string == "10.0.0.1")
    #expect(after["ips"][1].kind == .unknown)
    #expect(after["ips"][2].kind == .missing)
    #expect(after["nested"]["b"].kind == .unknown)
    #expect(after["nested"]["a"].int == 1)
    #expect(after["nested"]["a"].isSensitive)
    #expect(after["user_data"].isSensitive)
    #expect(!after["ami"].isSensitive)
    #expect(web.attributes["before"]["user_data"].string == "old")
    #expect(web.attributes["actions"].elements.map(\.string) == ["update"])
    // `tags` is null but the provider's default tags are unknown: the effective tags are unknown.
    #expect(web.attributes["tags"].kind == .unknown)
  }

  @Test func effectiveTagsPreferTagsAllThenTagsThenLabels() throws {
    let graph = try ingest(
      json: """
        {"format_version": "1.2", "resource_changes": [
          {"address": "aws_s3_bucket.all", "mode": "managed", "type": "aws_s3_bucket", "name": "all",
           "change": {"actions": ["create"], "after": {"tags": {"a": "1"}, "tags_all": {"a": "1", "env": "prod"}},
                      "after_unknown": {}}},
          {"address": "aws_s3_bucket.own", "mode": "managed", "type": "aws_s3_bucket", "name": "own",
           "change": {"actions": ["create"], "after": {"tags": {"a": "1"}}, "after_unknown": {"tags_all": true}}},
          {"address": "google_storage_bucket.g", "mode": "managed", "type": "google_storage_bucket", "name": "g",
           "change": {"actions": ["create"], "after": {"labels": {"team": "data"}}, "after_unknown": {}}},
          {"address": "aws_s3_bucket.later", "mode": "managed", "type": "aws_s3_bucket", "name": "later",
           "change": {"actions": ["create"], "after": {}, "after_unknown": {"tags": true}}},
          {"address": "aws_iam_role.none", "mode": "managed", "type": "aws_iam_role", "name": "none",
           "change": {"actions": ["create"], "after": {"name": "r"}, "after_unknown": {}}}
        ]}
        """)
    func tags(_ address: String) -> Value { graph.entity(id("plan.json", address))?.attributes["tags"] ?? .missing }
    #expect(tags("aws_s3_bucket.all")["env"].string == "prod")
    #expect(tags("aws_s3_bucket.own")["a"].string == "1")
    #expect(tags("aws_s3_bucket.own")["env"].isMissing)
    #expect(tags("google_storage_bucket.g")["team"].string == "data")
    #expect(tags("aws_s3_bucket.later").isUnknown)
    #expect(tags("aws_iam_role.none").isMissing)
  }

  // MARK: Providers and static resolution

  @Test func providerRegionsResolveThroughVariablesAndModuleCalls() throws {
    let graph = try ingest(
      json: """
        {"format_version": "1.2",
         "variables": {"region": {"value": "eu-central-1"}, "cfg": {"value": {"regions": ["eu-north-1"]}}},
         "resource_changes": [
           {"address": "aws_s3_bucket.a", "mode": "managed", "type": "aws_s3_bucket", "name": "a",
            "change": {"actions": ["create"], "after": {}, "after_unknown": {}}},
           {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
            "change": {"actions": ["create"], "after": {}, "after_unknown": {}}},
           {"address": "aws_s3_bucket.c", "mode": "managed", "type": "aws_s3_bucket", "name": "c",
            "change": {"actions": ["create"], "after": {}, "after_unknown": {}}},
           {"address": "module.m.aws_s3_bucket.d", "module_address": "module.m", "mode": "managed",
            "type": "aws_s3_bucket", "name": "d", "change": {"actions": ["create"], "after": {}, "after_unknown": {}}},
           {"address": "google_storage_bucket.e", "mode": "managed", "type": "google_storage_bucket", "name": "e",
            "change": {"actions": ["create"], "after": {}, "after_unknown": {}}}
         ],
         "configuration": {
           "provider_config": {
             "aws": {"name": "aws", "expressions": {"region": {"references": ["var.region"]}}},
             "aws.list": {"name": "aws", "alias": "list",
                          "expressions": {"region": {"references": ["var.cfg.regions[0]", "var.cfg.regions", "var.cfg"]}}},
             "aws.local": {"name": "aws", "alias": "local", "expressions": {"region": {"references": ["local.region"]}}},
             "module.m:aws": {"name": "aws", "module_address": "module.m",
                              "expressions": {"region": {"references": ["var.where"]}}},
             "google": {"name": "google", "expressions": {"project": {"constant_value": "p1"}, "region": {"references": ["var.nope"]}}}
           },
           "root_module": {
             "resources": [
               {"address": "aws_s3_bucket.a", "mode": "managed", "type": "aws_s3_bucket", "name": "a", "provider_config_key": "aws"},
               {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "provider_config_key": "aws.list"},
               {"address": "aws_s3_bucket.c", "mode": "managed", "type": "aws_s3_bucket", "name": "c", "provider_config_key": "aws.local"},
               {"address": "google_storage_bucket.e", "mode": "managed", "type": "google_storage_bucket", "name": "e", "provider_config_key": "google"}
             ],
             "module_calls": {"m": {"source": "./m", "expressions": {"where": {"constant_value": "eu-south-1"}},
               "module": {"resources": [
                 {"address": "aws_s3_bucket.d", "mode": "managed", "type": "aws_s3_bucket", "name": "d", "provider_config_key": "module.m:aws"}
               ], "variables": {"where": {}}}}}
           }
         }}
        """)
    #expect(graph.diagnostics.isEmpty, "\(graph.diagnostics)")
    func provider(_ address: String) -> Value {
      graph.entity(id("plan.json", address))?.attributes["provider"] ?? .missing
    }
    #expect(provider("aws_s3_bucket.a")["region"].string == "eu-central-1")
    // The value keeps the span of the variable's value in `variables`.
    #expect(provider("aws_s3_bucket.a")["region"].location?.span.start.line == 2)
    #expect(provider("aws_s3_bucket.b")["region"].string == "eu-north-1")
    #expect(provider("aws_s3_bucket.b")["alias"].string == "list")
    #expect(provider("aws_s3_bucket.c")["region"].isUnknown)
    #expect(provider("module.m.aws_s3_bucket.d")["region"].string == "eu-south-1")
    #expect(provider("module.m.aws_s3_bucket.d")["key"].string == "module.m:aws")
    #expect(provider("google_storage_bucket.e")["project"].string == "p1")
    #expect(provider("google_storage_bucket.e")["region"].isUnknown)
    #expect(provider("google_storage_bucket.e")["zone"].isMissing)
  }

  @Test func plansWithoutConfigurationStillIngest() throws {
    let graph = try ingest(
      json: """
        {"format_version": "0.1", "terraform_version": "0.12.31", "resource_changes": [
          {"address": "module.a[\\"x\\"].module.b[0].aws_s3_bucket.c[\\"k\\"]", "module_address": "module.a[\\"x\\"].module.b[0]",
           "mode": "managed", "type": "aws_s3_bucket", "name": "c", "index": "k", "provider_name": "aws",
           "change": {"actions": ["create"], "before": null, "after": {"bucket": "c"}, "after_unknown": {}}}
        ]}
        """)
    #expect(graph.diagnostics.isEmpty, "\(graph.diagnostics)")
    let bucket = try #require(graph.entity(id("plan.json", "module.a[\"x\"].module.b[0].aws_s3_bucket.c[\"k\"]")))
    #expect(bucket.attributes["module_path"].elements.map(\.string) == ["a", "b"])
    #expect(bucket.attributes["provider"]["name"].string == "aws")
    #expect(bucket.attributes["provider"]["region"].isMissing)
    #expect(bucket.attributes["provider"]["key"].isMissing)
    #expect(bucket.attributes["config"].isMissing)
    let inner = try #require(graph.entity(id("plan.json", "module.a[\"x\"].module.b[0]")))
    let outer = try #require(graph.entity(id("plan.json", "module.a[\"x\"]")))
    #expect(graph.related(bucket.id, "inModule").map(\.id) == [inner.id])
    #expect(graph.related(inner.id, "inModule").map(\.id) == [outer.id])
    #expect(graph.related(outer.id, "inPlan").map(\.id) == [EntityID("terraform:plan.json")])
    #expect(inner.attributes["key"].int == 0)
    #expect(outer.attributes["key"].string == "x")
    #expect(outer.attributes["call"].string == "a")
    #expect(inner.attributes["module_path"].elements.map(\.string) == ["a", "b"])
  }

  // MARK: Deposed objects, data sources, references

  @Test func deposedObjectsAreKeptWithTheirOwnId() throws {
    let graph = try ingest(
      json: """
        {"format_version": "1.2", "resource_changes": [
          {"address": "aws_instance.web", "mode": "managed", "type": "aws_instance", "name": "web",
           "change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {"id": true}}},
          {"address": "aws_instance.web", "mode": "managed", "type": "aws_instance", "name": "web", "deposed": "00000001",
           "change": {"actions": ["delete"], "before": {"id": "i-1"}, "after": null, "after_unknown": {}}}
        ]}
        """)
    #expect(graph.diagnostics.isEmpty, "\(graph.diagnostics)")
    let current = try #require(graph.entity(id("plan.json", "aws_instance.web")))
    let deposed = try #require(graph.entity(id("plan.json", "aws_instance.web@deposed:00000001")))
    #expect(current.attributes["deposed"].isMissing)
    #expect(deposed.attributes["deposed"].string == "00000001")
    #expect(deposed.name == "aws_instance.web")
    #expect(deposed.attributes["after"].kind == .null)
    #expect(deposed.attributes["before"]["id"].string == "i-1")
  }

  @Test func dataSourcesAndReferencesAcrossModules() throws {
    let graph = try ingest(
      json: """
        {"format_version": "1.2",
         "resource_changes": [
           {"address": "aws_instance.app[0]", "mode": "managed", "type": "aws_instance", "name": "app", "index": 0,
            "change": {"actions": ["create"], "after": {}, "after_unknown": {}}},
           {"address": "aws_instance.app[1]", "mode": "managed", "type": "aws_instance", "name": "app", "index": 1,
            "change": {"actions": ["create"], "after": {}, "after_unknown": {}}},
           {"address": "aws_lb.front", "mode": "managed", "type": "aws_lb", "name": "front",
            "change": {"actions": ["create"], "after": {}, "after_unknown": {}}},
           {"address": "module.net.aws_instance.app", "module_address": "module.net", "mode": "managed",
            "type": "aws_instance", "name": "app", "change": {"actions": ["create"], "after": {}, "after_unknown": {}}},
           {"address": "data.aws_ami.deferred", "mode": "data", "type": "aws_ami", "name": "deferred",
            "change": {"actions": ["read"], "after": {}, "after_unknown": {"id": true}}, "action_reason": "read_because_config_unknown"}
         ],
         "prior_state": {"values": {"root_module": {
           "resources": [
             {"address": "data.aws_region.current", "mode": "data", "type": "aws_region", "name": "current", "values": {"name": "eu-west-1"}},
             {"address": "aws_instance.old", "mode": "managed", "type": "aws_instance", "name": "old", "values": {}}
           ],
           "child_modules": [{"address": "module.net", "resources": [
             {"address": "module.net.data.aws_vpc.main", "mode": "data", "type": "aws_vpc", "name": "main", "values": {"id": "vpc-1"}}
           ]}]}}},
         "configuration": {"root_module": {
           "resources": [
             {"address": "aws_instance.app", "mode": "managed", "type": "aws_instance", "name": "app",
              "count_expression": {"constant_value": 2}},
             {"address": "aws_lb.front", "mode": "managed", "type": "aws_lb", "name": "front",
              "expressions": {"subnets": {"references": ["module.net.subnets", "module.net"]},
                              "target": [{"ids": {"references": ["aws_instance.app[0].id", "aws_instance.app[0]", "aws_instance.app"]}}],
                              "region": {"references": ["data.aws_region.current.name", "data.aws_region.current"]},
                              "name": {"references": ["var.name", "local.prefix", "each.key", "count.index", "path.module"]}}}
           ],
           "module_calls": {"net": {"source": "./net", "module": {"resources": [
             {"address": "aws_instance.app", "mode": "managed", "type": "aws_instance", "name": "app",
              "expressions": {"vpc": {"references": ["data.aws_vpc.main.id", "data.aws_vpc.main"]}}}
           ]}}}}}}
        """)
    #expect(graph.diagnostics.isEmpty, "\(graph.diagnostics)")
    let data = graph.entities(ofKind: EntityKinds.terraformDataSource).map(\.id)
    #expect(data == [
      id("plan.json", "data.aws_ami.deferred"), id("plan.json", "data.aws_region.current"),
      id("plan.json", "module.net.data.aws_vpc.main"),
    ])
    #expect(graph.entity(id("plan.json", "aws_instance.old")) == nil)
    let vpc = try #require(graph.entity(id("plan.json", "module.net.data.aws_vpc.main")))
    #expect(vpc.attributes["module"].string == "module.net")
    #expect(vpc.attributes["module_path"].elements.map(\.string) == ["net"])
    #expect(graph.related(vpc.id, "inModule").map(\.id) == [id("plan.json", "module.net")])
    let deferred = try #require(graph.entity(id("plan.json", "data.aws_ami.deferred")))
    #expect(deferred.attributes["action_reason"].string == "read_because_config_unknown")
    #expect(deferred.attributes["after"]["id"].isUnknown)

    let front = graph.edges(from: id("plan.json", "aws_lb.front"), type: "references")
    #expect(front.map(\.to) == [
      id("plan.json", "aws_instance.app[0]"), id("plan.json", "aws_instance.app[1]"),
      id("plan.json", "data.aws_region.current"), id("plan.json", "module.net"),
    ])
    let toModule = try #require(front.first { $0.to == id("plan.json", "module.net") })
    #expect(toModule.location?.span.start.line == 27)
    // Each target, instance, data source or module, has the inverse edge back to the referrer.
    for edge in front {
      #expect(graph.related(edge.to, "referencedBy").map(\.id) == [id("plan.json", "aws_lb.front")])
    }
    // Within module.net, `aws_instance.app` is the module's own, not the root's.
    let inner = graph.edges(from: id("plan.json", "module.net.aws_instance.app"), type: "references")
    #expect(inner.map(\.to) == [id("plan.json", "module.net.data.aws_vpc.main")])
    #expect(graph.edges(from: id("plan.json", "aws_instance.app[0]"), type: "references").isEmpty)
  }

  // MARK: Addresses and positions

  @Test func addressesParseWithKeysQuotesAndDots() throws {
    let resource = try #require(
      TerraformAddress.parseResource(#"module.a["x.y"].module.b[0].data.aws_iam_policy_document.p["k\"q"]"#))
    #expect(resource.module.map(\.call) == ["a", "b"])
    #expect(resource.module.map(\.key) == [.string("x.y"), .int(0)])
    #expect(resource.module.map(\.address) == [#"module.a["x.y"]"#, #"module.a["x.y"].module.b[0]"#])
    #expect(resource.mode == "data")
    #expect(resource.type == "aws_iam_policy_document")
    #expect(resource.name == "p")
    #expect(resource.key == .string("k\"q"))
    #expect(resource.relative == "data.aws_iam_policy_document.p")
    #expect(TerraformAddress.parseResource("aws_s3_bucket.b[-1]")?.key == .int(-1))
    #expect(TerraformAddress.parseResource("aws_s3_bucket") == nil)
    #expect(TerraformAddress.parseResource("aws_s3_bucket.b[x]") == nil)
    #expect(TerraformAddress.parseResource(#"aws_s3_bucket.b["open"#) == nil)
    #expect(TerraformAddress.parseModule("") == [])
    #expect(TerraformAddress.parseModule("module.a.") == nil)
    #expect(TerraformAddress.parseModule("aws_s3_bucket.b") == nil)

    #expect(
      TerraformAddress.referenceTarget("aws_security_group.bastion.id") == .resource("aws_security_group.bastion"))
    #expect(TerraformAddress.referenceTarget("aws_instance.app[0].arn") == .resource("aws_instance.app"))
    #expect(TerraformAddress.referenceTarget("data.aws_region.current.name") == .resource("data.aws_region.current"))
    #expect(TerraformAddress.referenceTarget(#"module.net["a"].subnets"#) == .module("net"))
    let ignoredReferences = [
      "var.region", "local.x", "each.key", "count.index", "path.module", "self.id", "terraform.workspace",
    ]
    for ignored in ignoredReferences {
      #expect(TerraformAddress.referenceTarget(ignored) == nil, "\(ignored)")
    }
    let variable = try #require(TerraformAddress.variableReference(#"var.cfg["eu"].regions[1]"#))
    #expect(variable.name == "cfg")
    #expect(variable.path == [.key("eu"), .key("regions"), .index(1)])
  }

  @Test func ingestingIsDeterministic() throws {
    let first = fixtureGraph()
    let second = fixtureGraph()
    #expect(first.entities.map(\.id) == second.entities.map(\.id))
    #expect(first.edges == second.edges)
    // Ledger's one reference counts twice: `references` and its inverse `referencedBy`.
    #expect(first.edges.count == 9)
  }
}
