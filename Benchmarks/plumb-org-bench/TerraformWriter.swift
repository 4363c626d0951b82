// Terraform plans of the synthetic organisation, in the shape `terraform show -json` writes
// (format 1.2, one line per file): `resource_changes` with `change.after`, `after_unknown` and
// `after_sensitive` (keys sorted, as Terraform's encoder does), `prior_state` with data sources,
// and `configuration` with provider configurations (aliases with regions) and module calls using
// `count` and `for_each`. Resources carry `owner` and `component` tags naming catalog entities.

struct TerraformWriter {
  let org: Organisation
  var random: SeededRandom
  let includePlannedValues: Bool

  init(org: Organisation, seed: UInt64, includePlannedValues: Bool) {
    self.org = org
    self.random = SeededRandom(seed: seed)
    self.includePlannedValues = includePlannedValues
  }

  /// Every plan: (relative path, bytes, resource instances in it).
  mutating func write() -> [(path: String, bytes: [UInt8], resources: Int)] {
    let total = org.sizes.terraformResources
    let count = org.sizes.terraformPlans
    // Plan sizes vary from a fifth to twice the mean, summing to exactly `total`.
    let weights = (0..<count).map { _ in 20 + random.below(181) }
    let weightSum = weights.reduce(0, +)
    var sizes = weights.map { max(1, $0 * total / weightSum) }
    var assigned = sizes.reduce(0, +)
    var i = 0
    while assigned != total {
      if assigned < total {
        sizes[i % count] += 1
        assigned += 1
      } else if sizes[i % count] > 1 {
        sizes[i % count] -= 1
        assigned -= 1
      }
      i += 1
    }
    var plans: [(String, [UInt8], Int)] = []
    var stackNames = Set<String>()
    for (number, size) in sizes.enumerated() {
      let team = random.pick(org.teams)
      var stack = org.groups[team].name + "-" + random.pick(["prod", "staging", "shared", "data", "edge", "core"])
      while !stackNames.insert(stack).inserted { stack += "-\(number)" }
      var builder = PlanBuilder(org: org, team: team, stack: stack, random: SeededRandom(seed: random.next()))
      builder.includePlannedValuesDefault = includePlannedValues
      builder.fill(size)
      let bytes = builder.render(includePlannedValues: includePlannedValues)
      plans.append(("infra/" + stack + "/plan.tfplan.json", bytes, builder.instanceCount))
    }
    return plans
  }
}

/// A module of the configuration tree (root or a call's `module`).
final class ConfigModule {
  var resources: [JSON] = []
  var calls: [(name: String, fields: [(String, JSON)], module: ConfigModule)] = []
  var variables: [(String, JSON)] = []

  func json() -> JSON {
    var members: [(String, JSON)] = []
    if !resources.isEmpty { members.append(("resources", .array(resources))) }
    if !calls.isEmpty {
      members.append(
        ("module_calls", .object(calls.map { call in (call.name, .object(call.fields + [("module", call.module.json())])) })))
    }
    if !variables.isEmpty { members.append(("variables", .object(variables))) }
    return .object(members)
  }
}

/// What one resource instance plans: known values, values computed at apply (with what they are
/// once known, for no-op and update changes), sensitive attributes.
struct PlannedAttributes {
  var known: [(String, JSON)] = []
  var computed: [(String, JSON)] = []
  var sensitive: Set<String> = []
}

enum ChangeAction { case create, noop, update, replace }

struct PlanBuilder {
  let org: Organisation
  let team: Int
  let stack: String
  var random: SeededRandom
  let root = ConfigModule()
  var changes: [JSON] = []
  /// For planned_values: (module address, resource JSON).
  var planned: [(module: String, resource: JSON)] = []
  var instanceCount = 0
  let region: String
  let awsV6: Bool
  let hasAzure: Bool
  let hasGoogle: Bool
  let environment: String
  var usedNames = Set<String>()
  /// Components the stack's resources are tagged with (the team's, plus a few others).
  let components: [Int]

  static let aws = "registry.terraform.io/hashicorp/aws"
  static let azurerm = "registry.terraform.io/hashicorp/azurerm"
  static let google = "registry.terraform.io/hashicorp/google"

  init(org: Organisation, team: Int, stack: String, random: SeededRandom) {
    self.org = org
    self.team = team
    self.stack = stack
    self.random = random
    region = self.random.weighted([
      ("eu-west-1", 40), ("eu-central-1", 20), ("us-east-1", 25), ("us-west-2", 10), ("ap-southeast-1", 5),
    ])
    awsV6 = self.random.chance(0.7)
    hasAzure = self.random.chance(0.3)
    hasGoogle = self.random.chance(0.3)
    environment = stack.split(separator: "-").last.map(String.init) ?? "prod"
    var owned = org.components(ofTeam: team)
    while owned.count < 3 { owned.append(self.random.below(org.components.count)) }
    components = owned
  }

  // MARK: Filling

  mutating func fill(_ target: Int) {
    while instanceCount < target {
      let left = target - instanceCount
      // The last few: single resources (KMS keys with for_each), so the count comes out exact.
      if left < 16 {
        kmsKeys(left)
        continue
      }
      var kinds: [(Int, Int)] = [(0, 22), (1, 14), (2, 14), (3, 8), (4, 12), (5, 8), (6, 4)]
      if hasAzure { kinds.append((7, 10)) }
      if hasGoogle { kinds.append((8, 10)) }
      switch random.weighted(kinds) {
      case 0: bucketModule(left, nested: random.chance(0.3))
      case 1: rootBuckets(left)
      case 2: securityGroups(left)
      case 3: databaseModule(left)
      case 4: iamPolicies(left)
      case 5: kmsKeys(left)
      case 6: rootBuckets(left)
      case 7: azureStorage(left)
      default: googleBuckets(left)
      }
    }
  }

  mutating func uniqueName(_ base: String) -> String {
    var name = base
    var n = 2
    while !usedNames.insert(name).inserted {
      name = base + "_" + String(n)
      n += 1
    }
    return name
  }

  mutating func action() -> ChangeAction {
    random.weighted([(.create, 55), (.noop, 35), (.update, 8), (.replace, 2)])
  }

  // MARK: Tags

  /// A component name for a tag: mostly the team's components, sometimes a system or resource,
  /// sometimes a name nobody registered.
  mutating func componentTag() -> String? {
    switch random.below(100) {
    case 0..<3: return nil
    case 3..<5: return "ghost-" + random.pick(Words.nouns)
    case 5..<8: return org.systems[random.below(org.systems.count)].name
    case 8..<10: return org.resources.isEmpty ? nil : org.resources[random.below(org.resources.count)].name
    default: return org.components[random.pick(components)].name
    }
  }

  mutating func tags(_ extra: [(String, String)] = []) -> [(String, String)] {
    var tags: [(String, String)] = []
    if let component = componentTag() { tags.append(("component", component)) }
    tags.append(("environment", environment))
    tags.append(("managed-by", "terraform"))
    tags.append(("owner", random.chance(0.01) ? "ghost-team" : org.groups[team].name))
    tags.append(("cost-center", "cc-\(1000 + team)"))
    return (tags + extra).sorted { $0.0 < $1.0 }
  }

  /// AWS `tags` and `tags_all` (tags plus the provider's default tags); rarely unknown.
  mutating func awsTags(_ attributes: inout PlannedAttributes) {
    if random.chance(0.01) {
      attributes.computed.append(("tags", .stringMap([("component", "late")])))
      attributes.computed.append(("tags_all", .stringMap([("component", "late")])))
      return
    }
    if random.chance(0.03) {
      attributes.known.append(("tags", .null))
      attributes.known.append(("tags_all", .stringMap([("org", "acme"), ("stack", stack)])))
      return
    }
    let tags = tags()
    attributes.known.append(("tags", .stringMap(tags)))
    attributes.known.append(("tags_all", .stringMap((tags + [("org", "acme"), ("stack", stack)]).sorted { $0.0 < $1.0 })))
  }

  // MARK: Units

  /// A bucket module called with `for_each` (optionally inside a wrapper module): per instance a
  /// bucket, its versioning, public access block and encryption configuration.
  mutating func bucketModule(_ left: Int, nested: Bool) {
    let perInstance = 4
    let keys = max(1, min(random.int(2...12), left / perInstance))
    let callName = uniqueName(random.pick(["buckets", "data_lake", "artifacts", "logs", "exports", "assets"]))
    let module = ConfigModule()
    let bucketRef = ["aws_s3_bucket.this.id", "aws_s3_bucket.this"]
    let providerKey = random.chance(0.2) ? "aws.dr" : "aws"
    module.resources = [
      configResource("aws_s3_bucket", "this", providerKey, [
        ("bucket", .object([("references", .strings(["each.key", "var.prefix"]))])),
        ("tags", .object([("references", .strings(["var.tags"]))])),
      ]),
      configResource("aws_s3_bucket_versioning", "this", providerKey, [
        ("bucket", .object([("references", .strings(bucketRef))])),
        ("versioning_configuration", .array([.object([("status", .object([("constant_value", .string("Enabled"))]))])])),
      ]),
      configResource("aws_s3_bucket_public_access_block", "this", providerKey, [
        ("block_public_acls", .object([("constant_value", .true)])),
        ("block_public_policy", .object([("constant_value", .true)])),
        ("bucket", .object([("references", .strings(bucketRef))])),
      ]),
      configResource("aws_s3_bucket_server_side_encryption_configuration", "this", providerKey, [
        ("bucket", .object([("references", .strings(bucketRef))])),
        ("rule", .array([.object([("bucket_key_enabled", .object([("constant_value", .true)]))])])),
      ]),
    ]
    module.variables = [("prefix", .emptyObject), ("tags", .object([("default", .emptyObject)]))]
    let callFields: [(String, JSON)] = [
      ("source", .string(random.chance(0.5) ? "terraform-aws-modules/s3-bucket/aws" : "./modules/s3-bucket")),
      ("version_constraint", .string("~> 4.1")),
      ("expressions", .object([("prefix", .object([("constant_value", .string(stack))]))])),
      ("for_each_expression", .object([("references", .strings(["local.buckets"]))])),
    ]
    var prefix = ""
    if nested {
      let wrapperName = uniqueName(random.pick(["service", "platform", "storage", "app"]))
      let wrapper = ConfigModule()
      wrapper.calls.append((callName, callFields, module))
      root.calls.append(
        (wrapperName, [("source", .string("./modules/" + wrapperName)), ("expressions", .emptyObject)], wrapper))
      prefix = "module." + wrapperName + "."
    } else {
      root.calls.append((callName, callFields, module))
    }
    let region = providerKey == "aws.dr" ? "eu-north-1" : self.region
    for _ in 0..<keys {
      let key = uniqueName(random.pick(Words.nouns) + "-" + random.hex(4))
      let moduleAddress = prefix + "module." + callName + "[\"" + key + "\"]"
      let bucket = stack + "-" + key
      let action = action()
      let bucketKnown = action != .create || random.chance(0.1)
      add(moduleAddress, "aws_s3_bucket", "this", nil, Self.aws, action, s3Bucket(bucket, region: region))
      add(moduleAddress, "aws_s3_bucket_versioning", "this", nil, Self.aws, action,
        s3Versioning(bucket, known: bucketKnown, region: region))
      add(moduleAddress, "aws_s3_bucket_public_access_block", "this", nil, Self.aws, action,
        s3PublicAccessBlock(bucket, known: bucketKnown, region: region))
      add(moduleAddress, "aws_s3_bucket_server_side_encryption_configuration", "this", nil, Self.aws, action,
        s3Encryption(bucket, known: bucketKnown, region: region))
    }
  }

  /// Buckets in the root module, each with some of its companion resources.
  mutating func rootBuckets(_ left: Int) {
    let name = uniqueName(random.pick(Words.nouns))
    let providerKey = random.weighted([("aws", 70), ("aws.us", 20), ("aws.dr", 10)])
    let region = providerKey == "aws.us" ? "us-east-1" : providerKey == "aws.dr" ? "eu-north-1" : self.region
    let bucket = stack + "-" + name.replacingOccurrences(of: "_", with: "-")
    let bucketRef = ["aws_s3_bucket.\(name).id", "aws_s3_bucket.\(name)"]
    root.resources.append(
      configResource("aws_s3_bucket", name, providerKey, [
        ("bucket", .object([("constant_value", .string(bucket))]))
      ]))
    let action = action()
    let bucketKnown = action != .create
    add("", "aws_s3_bucket", name, nil, Self.aws, action, s3Bucket(bucket, region: region))
    var budget = left - 1
    let companions: [(String, Double)] = [
      ("aws_s3_bucket_versioning", 0.7), ("aws_s3_bucket_public_access_block", 0.6),
      ("aws_s3_bucket_server_side_encryption_configuration", 0.6),
    ]
    for (type, p) in companions where budget > 0 && random.chance(p) {
      root.resources.append(
        configResource(type, name, providerKey, [("bucket", .object([("references", .strings(bucketRef))]))]))
      let attributes: PlannedAttributes
      switch type {
      case "aws_s3_bucket_versioning": attributes = s3Versioning(bucket, known: bucketKnown, region: region)
      case "aws_s3_bucket_public_access_block": attributes = s3PublicAccessBlock(bucket, known: bucketKnown, region: region)
      default: attributes = s3Encryption(bucket, known: bucketKnown, region: region)
      }
      add("", type, name, nil, Self.aws, action, attributes)
      budget -= 1
    }
  }

  /// Security groups with `count`.
  mutating func securityGroups(_ left: Int) {
    let name = uniqueName(random.pick(Words.nouns) + "_sg")
    let count = max(1, min(random.int(1...6), left))
    root.resources.append(
      configResource("aws_security_group", name, "aws", [
        ("description", .object([("constant_value", .string("Managed by Terraform"))])),
        ("ingress", .object([("references", .strings(["local.ingress_rules"]))])),
        ("name", .object([("references", .strings(["count.index"]))])),
        ("vpc_id", .object([("references", .strings(["data.aws_vpc.main.id", "data.aws_vpc.main"]))])),
      ], extra: [("count_expression", .object([("constant_value", .int(count))]))]))
    for index in 0..<count {
      add("", "aws_security_group", name, .int(index), Self.aws, action(), securityGroup(name + "-\(index)"))
    }
  }

  /// A database module with `count`: instance, its security group and its KMS key.
  mutating func databaseModule(_ left: Int) {
    let callName = uniqueName(random.pick(Words.nouns) + "_db")
    let count = max(1, min(random.int(1...3), left / 3))
    let module = ConfigModule()
    module.resources = [
      configResource("aws_db_instance", "this", "aws", [
        ("engine", .object([("references", .strings(["var.engine"]))])),
        ("password", .object([("references", .strings(["random_password.db.result"]))])),
        ("storage_encrypted", .object([("constant_value", .true)])),
        ("kms_key_id", .object([("references", .strings(["aws_kms_key.this.arn", "aws_kms_key.this"]))])),
        ("vpc_security_group_ids", .object([("references", .strings(["aws_security_group.this.id", "aws_security_group.this"]))])),
      ]),
      configResource("aws_security_group", "this", "aws", [
        ("ingress", .array([.object([("cidr_blocks", .object([("references", .strings(["var.allowed_cidrs"]))]))])]))
      ]),
      configResource("aws_kms_key", "this", "aws", [
        ("enable_key_rotation", .object([("constant_value", .true)]))
      ]),
    ]
    module.variables = [("engine", .object([("default", .string("postgres"))])), ("allowed_cidrs", .emptyObject)]
    root.calls.append(
      (callName, [
        ("source", .string("./modules/rds")), ("expressions", .object([("engine", .object([("constant_value", .string("postgres"))]))])),
        ("count_expression", .object([("constant_value", .int(count))])),
      ], module))
    for index in 0..<count {
      let moduleAddress = "module." + callName + "[\(index)]"
      let action = action()
      add(moduleAddress, "aws_db_instance", "this", nil, Self.aws, action, dbInstance(callName + "-\(index)"))
      add(moduleAddress, "aws_security_group", "this", nil, Self.aws, action, securityGroup(callName + "-\(index)"))
      add(moduleAddress, "aws_kms_key", "this", nil, Self.aws, action, kmsKey(callName))
    }
  }

  /// IAM policies with `for_each`.
  mutating func iamPolicies(_ left: Int) {
    let name = uniqueName(random.pick(Words.nouns) + "_policies")
    let keys = max(1, min(random.int(2...10), left))
    root.resources.append(
      configResource("aws_iam_policy", name, "aws", [
        ("name", .object([("references", .strings(["each.key"]))])),
        ("policy", .object([("references", .strings(["data.aws_iam_policy_document.this", "each.value"]))])),
      ], extra: [("for_each_expression", .object([("references", .strings(["local.policies"]))]))]))
    for _ in 0..<keys {
      let key = uniqueName(random.pick(Words.nouns) + "-" + random.pick(["read", "write", "admin", "deploy", "ci"]))
      add("", "aws_iam_policy", name, .string(key), Self.aws, action(), iamPolicy(key))
    }
  }

  /// KMS keys with `for_each`.
  mutating func kmsKeys(_ left: Int) {
    let name = uniqueName(random.pick(Words.nouns) + "_keys")
    let keys = max(1, min(random.int(1...8), left))
    root.resources.append(
      configResource("aws_kms_key", name, "aws", [
        ("deletion_window_in_days", .object([("constant_value", .int(30))])),
        ("enable_key_rotation", .object([("constant_value", .true)])),
      ], extra: [("for_each_expression", .object([("references", .strings(["local.keys"]))]))]))
    for _ in 0..<keys {
      let key = uniqueName(random.pick(Words.nouns) + "-" + random.hex(3))
      add("", "aws_kms_key", name, .string(key), Self.aws, action(), kmsKey(key))
    }
  }

  /// Azure storage accounts with `count`.
  mutating func azureStorage(_ left: Int) {
    let name = uniqueName(random.pick(Words.nouns) + "_sa")
    let count = max(1, min(random.int(1...5), left))
    root.resources.append(
      configResource("azurerm_storage_account", name, "azurerm", [
        ("account_replication_type", .object([("constant_value", .string("GRS"))])),
        ("account_tier", .object([("constant_value", .string("Standard"))])),
        ("location", .object([("references", .strings(["azurerm_resource_group.main.location", "azurerm_resource_group.main"]))])),
      ], extra: [("count_expression", .object([("constant_value", .int(count))]))]))
    for index in 0..<count {
      add("", "azurerm_storage_account", name, .int(index), Self.azurerm, action(), storageAccount(name, index))
    }
  }

  /// Google Cloud Storage buckets with `for_each`.
  mutating func googleBuckets(_ left: Int) {
    let name = uniqueName(random.pick(Words.nouns) + "_gcs")
    let keys = max(1, min(random.int(1...8), left))
    root.resources.append(
      configResource("google_storage_bucket", name, "google", [
        ("location", .object([("constant_value", .string("EU"))])),
        ("uniform_bucket_level_access", .object([("constant_value", .true)])),
      ], extra: [("for_each_expression", .object([("references", .strings(["var.buckets"]))]))]))
    for _ in 0..<keys {
      let key = uniqueName(random.pick(Words.nouns) + "-" + random.hex(4))
      add("", "google_storage_bucket", name, .string(key), Self.google, action(), gcsBucket(stack + "-" + key))
    }
  }

  // MARK: Attributes per type

  mutating func regionAttribute(_ attributes: inout PlannedAttributes, _ region: String) {
    if awsV6 { attributes.known.append(("region", .string(region))) }
  }

  mutating func s3Bucket(_ bucket: String, region: String) -> PlannedAttributes {
    var a = PlannedAttributes()
    if random.chance(0.05) {
      a.known.append(("bucket_prefix", .string(bucket + "-")))
      a.computed.append(("bucket", .string(bucket + "-" + random.hex(8))))
    } else {
      a.known.append(("bucket", .string(bucket)))
      a.known.append(("bucket_prefix", .null))
    }
    a.known.append(("force_destroy", .false))
    a.known.append(("timeouts", .null))
    regionAttribute(&a, region)
    awsTags(&a)
    a.computed += [
      ("acceleration_status", .string("")), ("acl", .null), ("arn", .string("arn:aws:s3:::" + bucket)),
      ("bucket_domain_name", .string(bucket + ".s3.amazonaws.com")),
      ("bucket_regional_domain_name", .string(bucket + ".s3." + region + ".amazonaws.com")),
      ("cors_rule", .emptyArray), ("grant", .array([.object([
        ("id", .string(random.hex(64))), ("permissions", .strings(["FULL_CONTROL"])), ("type", .string("CanonicalUser")),
        ("uri", .string("")),
      ])])),
      ("hosted_zone_id", .string("Z1BKCTXD74EZPE")), ("id", .string(bucket)), ("lifecycle_rule", .emptyArray),
      ("logging", .emptyArray), ("object_lock_configuration", .emptyArray), ("object_lock_enabled", .false),
      ("policy", .string("")), ("replication_configuration", .emptyArray), ("request_payer", .string("BucketOwner")),
      ("server_side_encryption_configuration", .array([.object([("rule", .array([.object([
        ("apply_server_side_encryption_by_default", .array([.object([
          ("kms_master_key_id", .string("")), ("sse_algorithm", .string("AES256")),
        ])])), ("bucket_key_enabled", .false),
      ])]))])])),
      ("versioning", .array([.object([("enabled", .bool(random.chance(0.3))), ("mfa_delete", .false)])])),
      ("website", .emptyArray), ("website_domain", .null), ("website_endpoint", .null),
    ]
    if !awsV6 { a.computed.append(("region", .string(region))) }
    return a
  }

  mutating func bucketAttribute(_ a: inout PlannedAttributes, _ bucket: String, known: Bool) {
    if known { a.known.append(("bucket", .string(bucket))) } else { a.computed.append(("bucket", .string(bucket))) }
  }

  mutating func s3Versioning(_ bucket: String, known: Bool, region: String) -> PlannedAttributes {
    var a = PlannedAttributes()
    bucketAttribute(&a, bucket, known: known)
    a.known += [
      ("expected_bucket_owner", .null), ("mfa", .null),
      ("versioning_configuration", .array([.object([
        ("mfa_delete", .null), ("status", .string(random.chance(0.92) ? "Enabled" : "Suspended")),
      ])])),
    ]
    regionAttribute(&a, region)
    a.computed.append(("id", .string(bucket)))
    return a
  }

  mutating func s3PublicAccessBlock(_ bucket: String, known: Bool, region: String) -> PlannedAttributes {
    var a = PlannedAttributes()
    bucketAttribute(&a, bucket, known: known)
    let open = random.chance(0.04)
    a.known += [
      ("block_public_acls", .bool(!open)), ("block_public_policy", .bool(!open)), ("ignore_public_acls", .true),
      ("restrict_public_buckets", .bool(!open)), ("skip_destroy", .null),
    ]
    regionAttribute(&a, region)
    a.computed.append(("id", .string(bucket)))
    return a
  }

  mutating func s3Encryption(_ bucket: String, known: Bool, region: String) -> PlannedAttributes {
    var a = PlannedAttributes()
    bucketAttribute(&a, bucket, known: known)
    let kms = random.chance(0.7)
    a.known += [
      ("expected_bucket_owner", .null),
      ("rule", .array([.object([
        ("apply_server_side_encryption_by_default", .array([.object([
          ("kms_master_key_id", kms ? .string("arn:aws:kms:" + region + ":123456789012:key/" + random.hex(32)) : .null),
          ("sse_algorithm", .string(kms ? "aws:kms" : "AES256")),
        ])])),
        ("bucket_key_enabled", .true),
      ])])),
    ]
    regionAttribute(&a, region)
    a.computed.append(("id", .string(bucket)))
    return a
  }

  mutating func ingressRule() -> JSON {
    let (port, cidr): (Int, String) = random.weighted([
      ((443, "10.0.0.0/8"), 40), ((443, "0.0.0.0/0"), 20), ((5432, "10.20.0.0/16"), 15), ((8080, "10.0.0.0/8"), 12),
      ((22, "10.0.0.0/8"), 6), ((22, "0.0.0.0/0"), 4), ((3389, "0.0.0.0/0"), 1), ((6379, "172.16.0.0/12"), 2),
    ])
    return .object([
      ("cidr_blocks", .strings([cidr])), ("description", .string("port \(port)")), ("from_port", .int(port)),
      ("ipv6_cidr_blocks", .emptyArray), ("prefix_list_ids", .emptyArray), ("protocol", .string("tcp")),
      ("security_groups", .emptyArray), ("self", .false), ("to_port", .int(port)),
    ])
  }

  mutating func securityGroup(_ name: String) -> PlannedAttributes {
    var a = PlannedAttributes()
    a.known += [
      ("description", .string("Managed by Terraform")),
      ("egress", .array([.object([
        ("cidr_blocks", .strings(["0.0.0.0/0"])), ("description", .string("")), ("from_port", .int(0)),
        ("ipv6_cidr_blocks", .emptyArray), ("prefix_list_ids", .emptyArray), ("protocol", .string("-1")),
        ("security_groups", .emptyArray), ("self", .false), ("to_port", .int(0)),
      ])])),
      ("ingress", .array((0..<random.int(1...4)).map { _ in ingressRule() })),
      ("name", .string(name)), ("revoke_rules_on_delete", .false), ("timeouts", .null),
    ]
    regionAttribute(&a, region)
    awsTags(&a)
    a.computed += [
      ("arn", .string("arn:aws:ec2:" + region + ":123456789012:security-group/sg-" + random.hex(17))),
      ("id", .string("sg-" + random.hex(17))), ("name_prefix", .string("")), ("owner_id", .string("123456789012")),
      ("vpc_id", .string("vpc-" + random.hex(17))),
    ]
    return a
  }

  mutating func dbInstance(_ name: String) -> PlannedAttributes {
    var a = PlannedAttributes()
    let engine = random.pick(["postgres", "mysql"])
    a.known += [
      ("allocated_storage", .int(random.pick([20, 50, 100, 500]))), ("auto_minor_version_upgrade", .true),
      ("backup_retention_period", .int(random.weighted([(7, 60), (14, 25), (1, 10), (0, 5)]))),
      ("copy_tags_to_snapshot", .true), ("deletion_protection", .bool(random.chance(0.8))),
      ("engine", .string(engine)), ("engine_version", .string(engine == "postgres" ? "16.3" : "8.0.36")),
      ("iam_database_authentication_enabled", .bool(random.chance(0.6))), ("identifier", .string(name)),
      ("instance_class", .string(random.pick(["db.t4g.medium", "db.r6g.large", "db.m6g.xlarge"]))),
      ("multi_az", .bool(random.chance(0.5))), ("password", .string("s3cr3t-" + random.hex(12))),
      ("publicly_accessible", .bool(random.chance(0.02))), ("skip_final_snapshot", .false),
      ("storage_encrypted", .bool(random.chance(0.95))), ("storage_type", .string("gp3")),
      ("timeouts", .null), ("username", .string("app")),
    ]
    a.sensitive = ["password"]
    regionAttribute(&a, region)
    awsTags(&a)
    a.computed += [
      ("address", .string(name + ".abcdefghijkl." + region + ".rds.amazonaws.com")),
      ("arn", .string("arn:aws:rds:" + region + ":123456789012:db:" + name)),
      ("availability_zone", .string(region + "a")), ("endpoint", .string(name + ".rds.amazonaws.com:5432")),
      ("id", .string("db-" + random.hex(26).uppercased())),
      ("kms_key_id", .string("arn:aws:kms:" + region + ":123456789012:key/" + random.hex(32))),
      ("resource_id", .string("db-" + random.hex(26).uppercased())), ("status", .string("available")),
      ("vpc_security_group_ids", .strings(["sg-" + random.hex(17)])),
    ]
    return a
  }

  mutating func iamPolicy(_ name: String) -> PlannedAttributes {
    var a = PlannedAttributes()
    let document: String
    if random.chance(0.02) {
      document = #"{"Statement":[{"Action":"*","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}"#
    } else {
      let service = random.pick(["s3", "sqs", "dynamodb", "kms", "logs", "secretsmanager"])
      let actions = random.sample(["Get*", "List*", "Put*", "Describe*", "Delete*", "Update*"], random.int(1...3))
      document =
        #"{"Statement":[{"Action":["# + actions.map { "\"\(service):\($0)\"" }.joined(separator: ",")
        + #"],"Effect":"Allow","Resource":"arn:aws:"# + service + ":" + region + #":123456789012:"# + name
        + #"/*","Sid":"App"}],"Version":"2012-10-17"}"#
    }
    a.known += [("description", .string("Access for " + name)), ("name", .string(name)), ("path", .string("/"))]
    if random.chance(0.25) {
      a.computed.append(("policy", .string(document)))
    } else {
      a.known.append(("policy", .string(document)))
    }
    awsTags(&a)
    a.computed += [
      ("arn", .string("arn:aws:iam::123456789012:policy/" + name)), ("attachment_count", .int(1)),
      ("id", .string("arn:aws:iam::123456789012:policy/" + name)), ("name_prefix", .string("")),
      ("policy_id", .string("ANPA" + random.hex(17).uppercased())),
    ]
    return a
  }

  mutating func kmsKey(_ name: String) -> PlannedAttributes {
    var a = PlannedAttributes()
    a.known += [
      ("bypass_policy_lockout_safety_check", .false), ("customer_master_key_spec", .string("SYMMETRIC_DEFAULT")),
      ("deletion_window_in_days", .int(random.weighted([(30, 80), (10, 12), (7, 8)]))),
      ("description", .string("Key for " + name)), ("enable_key_rotation", .bool(random.chance(0.88))),
      ("is_enabled", .true), ("key_usage", .string("ENCRYPT_DECRYPT")), ("multi_region", .false),
      ("timeouts", .null), ("xks_key_id", .null),
    ]
    regionAttribute(&a, region)
    awsTags(&a)
    a.computed += [
      ("arn", .string("arn:aws:kms:" + region + ":123456789012:key/" + random.hex(32))),
      ("id", .string(random.hex(32))), ("key_id", .string(random.hex(32))),
      ("policy", .string(#"{"Statement":[{"Action":"kms:*","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Resource":"*","Sid":"Enable IAM User Permissions"}],"Version":"2012-10-17"}"#)),
      ("rotation_period_in_days", .int(365)),
    ]
    return a
  }

  mutating func storageAccount(_ name: String, _ index: Int) -> PlannedAttributes {
    var a = PlannedAttributes()
    let account = String((stack.replacingOccurrences(of: "-", with: "") + name.replacingOccurrences(of: "_", with: "")).prefix(20)) + "\(index)"
    a.known += [
      ("access_tier", .string("Hot")), ("account_kind", .string("StorageV2")),
      ("account_replication_type", .string(random.pick(["GRS", "LRS", "ZRS"]))), ("account_tier", .string("Standard")),
      ("allow_nested_items_to_be_public", .bool(random.chance(0.05))), ("cross_tenant_replication_enabled", .false),
      ("https_traffic_only_enabled", .bool(random.chance(0.96))),
      ("infrastructure_encryption_enabled", .bool(random.chance(0.5))),
      ("location", .string(random.weighted([("westeurope", 50), ("northeurope", 20), ("eastus", 30)]))),
      ("min_tls_version", .string(random.chance(0.05) ? "TLS1_0" : "TLS1_2")), ("name", .string(account)),
      ("public_network_access_enabled", .bool(random.chance(0.4))), ("resource_group_name", .string("rg-" + stack)),
      ("shared_access_key_enabled", .true), ("tags", .stringMap(tags())), ("timeouts", .null),
    ]
    a.computed += [
      ("id", .string("/subscriptions/0000/resourceGroups/rg-\(stack)/providers/Microsoft.Storage/storageAccounts/\(account)")),
      ("primary_access_key", .string(random.hex(40))), ("primary_blob_endpoint", .string("https://\(account).blob.core.windows.net/")),
      ("primary_connection_string", .string("DefaultEndpointsProtocol=https;AccountName=\(account)")),
      ("primary_location", .string("westeurope")), ("secondary_location", .string("northeurope")),
    ]
    a.sensitive = ["primary_access_key", "primary_connection_string"]
    return a
  }

  mutating func gcsBucket(_ name: String) -> PlannedAttributes {
    var a = PlannedAttributes()
    let labels = tags().map { ($0.0, $0.1.lowercased()) }
    a.known += [
      ("default_event_based_hold", .null), ("enable_object_retention", .null), ("force_destroy", .false),
      ("labels", .stringMap(labels)), ("location", .string(random.weighted([("EU", 60), ("US", 30), ("EUROPE-WEST1", 10)]))),
      ("name", .string(name)), ("project", .string("acme-" + environment)),
      ("public_access_prevention", .string(random.chance(0.7) ? "enforced" : "inherited")),
      ("requester_pays", .null), ("storage_class", .string("STANDARD")), ("timeouts", .null),
      ("uniform_bucket_level_access", .bool(random.chance(0.85))),
    ]
    a.computed += [
      ("effective_labels", .stringMap(labels)), ("id", .string(name)), ("project_number", .int(123_456_789)),
      ("rpo", .null), ("self_link", .string("https://www.googleapis.com/storage/v1/b/" + name)),
      ("terraform_labels", .stringMap(labels)), ("url", .string("gs://" + name)),
    ]
    return a
  }

  // MARK: Assembling

  func configResource(
    _ type: String, _ name: String, _ providerKey: String, _ expressions: [(String, JSON)],
    extra: [(String, JSON)] = []
  ) -> JSON {
    .object(
      [
        ("address", .string(type + "." + name)), ("mode", .string("managed")), ("type", .string(type)),
        ("name", .string(name)), ("provider_config_key", .string(providerKey)),
        ("expressions", .object(expressions)), ("schema_version", .int(0)),
      ] + extra)
  }

  /// Terraform's `after_unknown`/`after_sensitive` shape for a known value: objects keep their
  /// collection members, lists mark each element.
  static func mask(_ value: JSON) -> JSON? {
    switch value {
    case .object(let members): return .object(members.compactMap { key, v in mask(v).map { (key, $0) } })
    case .array(let items): return .array(items.map { mask($0) ?? .false })
    default: return nil
    }
  }

  static func sorted(_ members: [(String, JSON)]) -> [(String, JSON)] { members.sorted { $0.0 < $1.0 } }

  mutating func add(
    _ moduleAddress: String, _ type: String, _ name: String, _ index: JSON?, _ provider: String,
    _ action: ChangeAction, _ attributes: PlannedAttributes
  ) {
    var address = (moduleAddress.isEmpty ? "" : moduleAddress + ".") + type + "." + name
    if let index {
      switch index {
      case .int(let i): address += "[\(i)]"
      case .string(let s): address += "[\"" + s + "\"]"
      default: break
      }
    }
    let known = Self.sorted(attributes.known)
    let full = Self.sorted(attributes.known + attributes.computed)
    func sensitiveMask(_ members: [(String, JSON)]) -> JSON {
      .object(
        members.compactMap { key, value in
          attributes.sensitive.contains(key) ? (key, .true) : Self.mask(value).map { (key, $0) }
        })
    }
    var change: [(String, JSON)] = []
    switch action {
    case .create:
      var unknown = known.compactMap { key, value in Self.mask(value).map { (key, $0) } }
      unknown += attributes.computed.map { ($0.0, JSON.true) }
      change = [
        ("actions", .strings(["create"])), ("before", .null), ("after", .object(known)),
        ("after_unknown", .object(Self.sorted(unknown))), ("before_sensitive", .false),
        ("after_sensitive", sensitiveMask(known)),
      ]
    case .noop:
      change = [
        ("actions", .strings(["no-op"])), ("before", .object(full)), ("after", .object(full)),
        ("after_unknown", Self.mask(.object(full))!), ("before_sensitive", sensitiveMask(full)),
        ("after_sensitive", sensitiveMask(full)),
      ]
    case .update, .replace:
      var before = full
      if let i = before.firstIndex(where: { $0.0 == "tags" }), case .object(var tags) = before[i].1 {
        tags.removeAll { $0.0 == "environment" }
        before[i].1 = .object(tags)
      } else if let i = before.firstIndex(where: { $0.0 == "description" }) {
        before[i].1 = .string("old description")
      }
      change = [
        ("actions", .strings(action == .update ? ["update"] : ["delete", "create"])), ("before", .object(before)),
        ("after", .object(action == .update ? full : known)),
        ("after_unknown", action == .update ? Self.mask(.object(full))! : .object(Self.sorted(
          known.compactMap { key, value in Self.mask(value).map { (key, $0) } }
            + attributes.computed.map { ($0.0, JSON.true) }))),
        ("before_sensitive", sensitiveMask(full)), ("after_sensitive", sensitiveMask(action == .update ? full : known)),
      ]
    }
    var entry: [(String, JSON)] = [("address", .string(address))]
    if !moduleAddress.isEmpty { entry.append(("module_address", .string(moduleAddress))) }
    entry += [("mode", .string("managed")), ("type", .string(type)), ("name", .string(name))]
    if let index { entry.append(("index", index)) }
    entry += [("provider_name", .string(provider)), ("change", .object(change))]
    if action == .replace { entry.append(("action_reason", .string("replace_because_cannot_update"))) }
    changes.append(.object(entry))
    if includePlannedValuesDefault {
      var resource: [(String, JSON)] = [("address", .string(address)), ("mode", .string("managed")), ("type", .string(type)), ("name", .string(name))]
      if let index { resource.append(("index", index)) }
      resource += [
        ("provider_name", .string(provider)), ("schema_version", .int(0)),
        ("values", .object(action == .create || action == .replace ? known : full)),
        ("sensitive_values", sensitiveMask(action == .create || action == .replace ? known : full)),
      ]
      planned.append((moduleAddress, .object(resource)))
    }
    instanceCount += 1
  }

  /// Whether planned values are collected (set by the writer before filling).
  var includePlannedValuesDefault = false

  // MARK: Rendering

  func providerConfig() -> JSON {
    func aws(_ alias: String?, _ region: String) -> JSON {
      var members: [(String, JSON)] = [("name", .string("aws")), ("full_name", .string(Self.aws))]
      if let alias { members.append(("alias", .string(alias))) }
      members.append(("version_constraint", .string(awsV6 ? "~> 6.0" : "~> 5.70")))
      members.append(
        ("expressions", .object([
          ("default_tags", .array([.object([("tags", .object([("constant_value", .stringMap([("org", "acme"), ("stack", stack)]))]))])])),
          ("region", .object([("constant_value", .string(region))])),
        ])))
      return .object(members)
    }
    var providers: [(String, JSON)] = [
      ("aws", aws(nil, region)), ("aws.dr", aws("dr", "eu-north-1")), ("aws.us", aws("us", "us-east-1")),
    ]
    if hasAzure {
      providers.append(
        ("azurerm", .object([
          ("name", .string("azurerm")), ("full_name", .string(Self.azurerm)), ("version_constraint", .string("~> 4.0")),
          ("expressions", .object([("features", .array([.emptyObject]))])),
        ])))
    }
    if hasGoogle {
      providers.append(
        ("google", .object([
          ("name", .string("google")), ("full_name", .string(Self.google)), ("version_constraint", .string("~> 6.0")),
          ("expressions", .object([
            ("project", .object([("constant_value", .string("acme-" + environment))])),
            ("region", .object([("constant_value", .string("europe-west1"))])),
          ])),
        ])))
    }
    return .object(providers)
  }

  func priorState() -> JSON {
    .object([
      ("format_version", .string("1.0")), ("terraform_version", .string("1.9.8")),
      ("values", .object([("root_module", .object([("resources", .array([
        .object([
          ("address", .string("data.aws_caller_identity.current")), ("mode", .string("data")),
          ("type", .string("aws_caller_identity")), ("name", .string("current")),
          ("provider_name", .string(Self.aws)), ("schema_version", .int(0)),
          ("values", .object([
            ("account_id", .string("123456789012")), ("arn", .string("arn:aws:iam::123456789012:role/terraform")),
            ("id", .string("123456789012")), ("user_id", .string("AROAEXAMPLE:terraform")),
          ])), ("sensitive_values", .emptyObject),
        ]),
        .object([
          ("address", .string("data.aws_vpc.main")), ("mode", .string("data")), ("type", .string("aws_vpc")),
          ("name", .string("main")), ("provider_name", .string(Self.aws)), ("schema_version", .int(0)),
          ("values", .object([
            ("cidr_block", .string("10.0.0.0/16")), ("id", .string("vpc-0a1b2c3d")),
            ("tags", .stringMap([("Name", "main")])),
          ])), ("sensitive_values", .object([("tags", .emptyObject)])),
        ]),
      ]))]))])),
    ])
  }

  func plannedValues() -> JSON {
    // Group resources by module address; every module's ancestors exist as child_modules.
    var byModule: [String: [JSON]] = [:]
    var order: [String] = []
    var children: [String: [String]] = [:]
    func parentOf(_ address: String) -> String {
      // The parent module address: drop the last `module.x[...]` step.
      guard let range = address.range(of: ".module.", options: .backwards) else { return "" }
      return String(address[..<range.lowerBound])
    }
    func ensure(_ address: String) {
      guard byModule[address] == nil else { return }
      byModule[address] = []
      order.append(address)
      if !address.isEmpty {
        let parent = parentOf(address)
        ensure(parent)
        children[parent, default: []].append(address)
      }
    }
    ensure("")
    for (module, resource) in planned {
      ensure(module)
      byModule[module]!.append(resource)
    }
    func render(_ address: String) -> JSON {
      var members: [(String, JSON)] = []
      if !address.isEmpty { members.append(("address", .string(address))) }
      members.append(("resources", .array(byModule[address] ?? [])))
      if let kids = children[address], !kids.isEmpty { members.append(("child_modules", .array(kids.map(render)))) }
      return .object(members)
    }
    return .object([("root_module", render(""))])
  }

  func render(includePlannedValues: Bool) -> [UInt8] {
    var top: [(String, JSON)] = [
      ("format_version", .string("1.2")), ("terraform_version", .string("1.9.8")),
      ("variables", .object([("environment", .object([("value", .string(environment))]))])),
    ]
    if includePlannedValues { top.append(("planned_values", plannedValues())) }
    top += [
      ("resource_changes", .array(changes)),
      ("prior_state", priorState()),
      ("configuration", .object([("provider_config", providerConfig()), ("root_module", root.json())])),
      ("timestamp", .string("2025-06-01T12:00:00Z")), ("applyable", .true), ("complete", .true),
      ("errored", .false),
    ]
    var out = JSONOutput(capacity: changes.count * 1600)
    out.write(.object(top))
    out.raw("\n")
    return out.bytes
  }
}
