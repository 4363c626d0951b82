/// Generates a Terraform plan in the shape of `terraform show -json plan.out` (compact, one line,
/// like Terraform writes it): planned_values, resource_changes, prior_state, configuration, ...
///
/// The resources are a realistic AWS mix (S3 buckets, instances, security groups, IAM roles,
/// Lambda functions, RDS instances, Route 53 records, log groups) with nested blocks, tags maps,
/// lists, numbers, booleans, nulls, JSON-encoded policies (escaped strings) and non-ASCII text.
struct TerraformPlanGenerator {
  var rng: SplitMix64
  let region: String
  let account = "123456789012"
  let provider = "registry.terraform.io/hashicorp/aws"
  var counter = 0

  init(seed: UInt64) {
    rng = SplitMix64(seed: seed)
    region = "eu-west-1"
  }

  /// What one resource type contributes: attributes known at plan time, attributes known only
  /// after apply (unknown on create), sensitive attribute names, and configuration expressions.
  struct Shape {
    var known: [(String, JSONValue)]
    var computed: [(String, JSONValue)]
    var sensitive: [String] = []
  }

  struct Group {
    var module: String?
    var type: String
    var name: String
    var keys: [JSONValue?]
    var shapes: [Shape]
  }

  // MARK: Whole document

  mutating func generate(targetBytes: Int) -> [UInt8] {
    var plannedRoot: [[UInt8]] = []
    var priorRoot: [[UInt8]] = []
    var changes: [[UInt8]] = []
    var configRoot: [[UInt8]] = []
    let modules = ["network", "storage", "compute", "observability"]
    var plannedModules: [String: [[UInt8]]] = [:]
    var priorModules: [String: [[UInt8]]] = [:]
    var configModules: [String: [[UInt8]]] = [:]
    var relevant: [[UInt8]] = []
    var total = 0

    while total < targetBytes {
      let group = makeGroup(module: rng.chance(30) ? rng.pick(modules) : nil)
      let config = configResource(group).bytes
      total += config.count
      if let module = group.module { configModules[module, default: []].append(config) } else { configRoot.append(config) }
      for (i, key) in group.keys.enumerated() {
        let out = instance(group, key: key, shape: group.shapes[i])
        total += out.change.count + (out.planned?.count ?? 0) + (out.prior?.count ?? 0)
        changes.append(out.change)
        if let planned = out.planned {
          if let module = group.module { plannedModules[module, default: []].append(planned) } else { plannedRoot.append(planned) }
        }
        if let prior = out.prior {
          if let module = group.module { priorModules[module, default: []].append(prior) } else { priorRoot.append(prior) }
        }
        if rng.chance(3) {
          relevant.append(
            JSONValue.object([("resource", .string(out.address)), ("attribute", .strings(["tags"]))]).bytes)
        }
      }
    }

    var w = JSONWriter(capacity: total + total / 8)
    w.raw(#"{"format_version":"1.2","terraform_version":"1.9.5","variables":"#)
    w.value(
      .object([
        ("environment", .object([("value", .string("prod"))])),
        ("region", .object([("value", .string(region))])),
        ("default_tags", .object([("value", .sorted([("ManagedBy", .string("terraform")), ("Repository", .string("acme/infrastructure"))]))])),
        ("owner", .object([("value", .string("Zoë Müller"))])),
      ]))
    w.raw(#","planned_values":{"outputs":{"bucket_arns":{"sensitive":false}},"root_module":"#)
    writeModule(&w, resources: plannedRoot, children: plannedModules, order: modules)
    w.raw(#"},"resource_changes":"#)
    w.array(of: changes)
    w.raw(#","output_changes":{"bucket_arns":{"actions":["create"],"before":null,"after_unknown":true,"before_sensitive":false,"after_sensitive":false}}"#)
    w.raw(#","prior_state":{"format_version":"1.0","terraform_version":"1.9.5","values":{"root_module":"#)
    writeModule(&w, resources: priorRoot, children: priorModules, order: modules)
    w.raw("}}")
    w.raw(#","configuration":{"provider_config":"#)
    w.value(
      .object([
        (
          "aws",
          .object([
            ("name", .string("aws")), ("full_name", .string(provider)), ("version_constraint", .string("~> 5.40")),
            (
              "expressions",
              .object([
                ("region", .object([("references", .strings(["var.region"]))])),
                (
                  "default_tags",
                  .array([.object([("tags", .object([("references", .strings(["var.default_tags"]))]))])])
                ),
              ])
            ),
          ])
        )
      ]))
    w.raw(#","root_module":{"outputs":{"bucket_arns":{"expression":{"references":["aws_s3_bucket.logs"]}}},"resources":"#)
    w.array(of: configRoot)
    w.raw(#","module_calls":{"#)
    for (i, module) in modules.enumerated() {
      if i > 0 { w.raw(",") }
      w.string(module)
      w.raw(#":{"source":"./modules/\#(module)","expressions":{"environment":{"references":["var.environment"]}},"module":{"resources":"#)
      w.array(of: configModules[module] ?? [])
      w.raw(#","variables":{"environment":{"description":"Déploiement cible"}}}}"#)
    }
    w.raw(#"},"variables":{"environment":{"default":"dev"},"region":{"default":"eu-west-1"},"owner":{"description":"Responsable — propriétaire"}}}}"#)
    w.raw(#","relevant_attributes":"#)
    w.array(of: relevant)
    w.raw(#","timestamp":"2024-05-14T09:31:07Z","applyable":true,"complete":true,"errored":false}"#)
    w.raw("\n")
    return w.bytes
  }

  func writeModule(_ w: inout JSONWriter, resources: [[UInt8]], children: [String: [[UInt8]]], order: [String]) {
    w.raw(#"{"resources":"#)
    w.array(of: resources)
    w.raw(#","child_modules":["#)
    var first = true
    for module in order {
      guard let items = children[module] else { continue }
      if !first { w.raw(",") }
      first = false
      w.raw(#"{"resources":"#)
      w.array(of: items)
      w.raw(#","address":"module.\#(module)"}"#)
    }
    w.raw("]}")
  }

  // MARK: Resources

  mutating func makeGroup(module: String?) -> Group {
    counter += 1
    let types = [
      "aws_s3_bucket", "aws_s3_bucket", "aws_instance", "aws_instance", "aws_security_group", "aws_security_group",
      "aws_iam_role", "aws_lambda_function", "aws_db_instance", "aws_route53_record", "aws_route53_record",
      "aws_cloudwatch_log_group",
    ]
    let type = rng.pick(types)
    let name = "\(rng.pick(Words.nouns))_\(counter)"
    var keys: [JSONValue?] = [nil]
    let multiplicity = rng.int(0...9)
    if multiplicity >= 8 {
      keys = (0..<rng.int(2...4)).map { .int($0) }
    } else if multiplicity == 7 {
      keys = Array(Words.envs.prefix(rng.int(1...3))).map { .string($0) }
    }
    var shapes: [Shape] = []
    for _ in keys { shapes.append(shape(type, name)) }
    return Group(module: module, type: type, name: name, keys: keys, shapes: shapes)
  }

  mutating func tags(_ name: String) -> JSONValue {
    var pairs: [(String, JSONValue)] = [
      ("Name", .string(name.replacingOccurrences("_", "-"))),
      ("Environment", .string(rng.pick(Words.envs))),
      ("Team", .string(rng.pick(Words.teams))),
    ]
    if rng.chance(60) { pairs.append(("Owner", .string(rng.pick(Words.owners)))) }
    if rng.chance(40) { pairs.append(("CostCenter", .string("CC-\(rng.int(1000...9999))"))) }
    if rng.chance(25) { pairs.append(("Description", .string(rng.pick(Words.descriptions)))) }
    return .sorted(pairs)
  }

  func withDefaultTags(_ tags: JSONValue) -> JSONValue {
    guard case .object(let pairs) = tags else { return tags }
    return .sorted(pairs + [("ManagedBy", .string("terraform")), ("Repository", .string("acme/infrastructure"))])
  }

  mutating func policy(_ service: String) -> String {
    // A JSON-encoded policy inside a JSON string: escaped quotes, as Terraform writes jsonencode().
    let actions = (0..<rng.int(1...4)).map { _ in "\"\(rng.pick(["s3:GetObject", "s3:PutObject", "logs:CreateLogStream", "logs:PutLogEvents", "kms:Decrypt", "sts:AssumeRole", "dynamodb:Query"]))\"" }
    let condition = rng.chance(30) ? #","Condition":{"StringLike":{"aws:userid":"AIDA*<\#(rng.alnum(6))>&x"}}"# : ""
    return #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"\#(service).amazonaws.com"},"Action":[\#(actions.joined(separator: ","))]\#(condition)}]}"#
  }

  mutating func shape(_ type: String, _ name: String) -> Shape {
    let tags = self.tags(name)
    let id = rng.hex(17)
    switch type {
    case "aws_s3_bucket":
      let bucket = "acme-\(rng.pick(Words.envs))-\(name.replacingOccurrences("_", "-"))-\(rng.hex(6))"
      return Shape(
        known: [
          ("bucket", .string(bucket)), ("bucket_prefix", .null), ("force_destroy", .bool(rng.chance(20))),
          ("object_lock_enabled", .bool(false)), ("tags", tags), ("tags_all", withDefaultTags(tags)), ("timeouts", .null),
        ],
        computed: [
          ("acceleration_status", .string("")), ("acl", .null), ("arn", .string("arn:aws:s3:::\(bucket)")),
          ("bucket_domain_name", .string("\(bucket).s3.amazonaws.com")),
          ("bucket_regional_domain_name", .string("\(bucket).s3.\(region).amazonaws.com")),
          ("cors_rule", .array([])),
          (
            "grant",
            .array([
              .sorted([
                ("id", .string(rng.hex(64))), ("permissions", .strings(["FULL_CONTROL"])),
                ("type", .string("CanonicalUser")), ("uri", .string("")),
              ])
            ])
          ),
          ("hosted_zone_id", .string("Z1BKCTXD74EZPE")), ("id", .string(bucket)), ("lifecycle_rule", .array([])),
          ("logging", .array([])), ("object_lock_configuration", .array([])), ("policy", .string("")),
          ("region", .string(region)), ("replication_configuration", .array([])), ("request_payer", .string("BucketOwner")),
          (
            "server_side_encryption_configuration",
            .array([
              .object([
                (
                  "rule",
                  .array([
                    .sorted([
                      (
                        "apply_server_side_encryption_by_default",
                        .array([.sorted([("kms_master_key_id", .string("")), ("sse_algorithm", .string("AES256"))])])
                      ),
                      ("bucket_key_enabled", .bool(false)),
                    ])
                  ])
                )
              ])
            ])
          ),
          ("versioning", .array([.sorted([("enabled", .bool(rng.chance(50))), ("mfa_delete", .bool(false))])])),
          ("website", .array([])), ("website_domain", .null), ("website_endpoint", .null),
        ])
    case "aws_instance":
      let volumes: [JSONValue] = (0..<rng.int(0...3)).map { i in
        .sorted([
          ("device_name", .string("/dev/sd\(["f", "g", "h"][i])")), ("delete_on_termination", .bool(true)),
          ("encrypted", .bool(true)), ("volume_size", .int(rng.pick([20, 50, 100, 500]))),
          ("volume_type", .string("gp3")), ("iops", .int(3000)), ("throughput", .int(125)), ("tags", .null),
          ("snapshot_id", .string("")),
        ])
      }
      return Shape(
        known: [
          ("ami", .string("ami-0\(rng.hex(16))")), ("associate_public_ip_address", .bool(rng.chance(10))),
          ("instance_type", .string(rng.pick(["t3.micro", "t3.large", "m6i.xlarge", "c7g.2xlarge", "r6i.4xlarge"]))),
          ("key_name", rng.chance(50) ? .string("deploy-\(rng.pick(Words.teams))") : .null),
          ("monitoring", .bool(rng.chance(70))), ("subnet_id", .string("subnet-0\(rng.hex(16))")),
          ("vpc_security_group_ids", .strings((0..<rng.int(1...3)).map { _ in "sg-0\(rng.hex(16))" })),
          ("user_data", rng.chance(40) ? .string(rng.hex(40)) : .null), ("user_data_replace_on_change", .bool(false)),
          ("ebs_block_device", .array(volumes)),
          (
            "root_block_device",
            .array([
              .sorted([
                ("delete_on_termination", .bool(true)), ("encrypted", .bool(true)), ("volume_size", .int(rng.pick([8, 16, 32]))),
                ("volume_type", .string("gp3")), ("tags", .null),
              ])
            ])
          ),
          (
            "metadata_options",
            .array([
              .sorted([
                ("http_endpoint", .string("enabled")), ("http_put_response_hop_limit", .int(rng.int(1...2))),
                ("http_tokens", .string("required")), ("instance_metadata_tags", .string("disabled")),
              ])
            ])
          ),
          ("credit_specification", .array([])), ("get_password_data", .bool(false)), ("hibernation", .null),
          ("source_dest_check", .bool(true)), ("tags", tags), ("tags_all", withDefaultTags(tags)), ("timeouts", .null),
          ("volume_tags", .null),
        ],
        computed: [
          ("arn", .string("arn:aws:ec2:\(region):\(account):instance/i-0\(id)")), ("id", .string("i-0\(id)")),
          ("availability_zone", .string("\(region)\(rng.pick(["a", "b", "c"]))")), ("cpu_core_count", .int(rng.pick([1, 2, 4, 8]))),
          ("cpu_threads_per_core", .int(2)), ("instance_state", .string("running")),
          ("private_ip", .string("10.\(rng.int(0...255)).\(rng.int(0...255)).\(rng.int(1...254))")),
          ("private_dns", .string("ip-10-0-\(rng.int(0...255))-\(rng.int(1...254)).\(region).compute.internal")),
          ("public_ip", .string("")), ("primary_network_interface_id", .string("eni-0\(rng.hex(16))")),
          ("ipv6_addresses", .array([])), ("secondary_private_ips", .array([])), ("placement_partition_number", .int(0)),
        ])
    case "aws_security_group":
      func rule(_ rng: inout SplitMix64) -> JSONValue {
        let port = rng.pick([22, 80, 443, 5432, 6379, 8080, 9090])
        return .sorted([
          ("cidr_blocks", .strings((0..<rng.int(0...3)).map { _ in "10.\(rng.int(0...255)).0.0/16" })),
          ("description", .string(rng.pick(Words.descriptions))), ("from_port", .int(port)), ("to_port", .int(port)),
          ("ipv6_cidr_blocks", .array([])), ("prefix_list_ids", .array([])), ("protocol", .string("tcp")),
          ("security_groups", .strings(rng.chance(30) ? ["sg-0\(rng.hex(16))"] : [])), ("self", .bool(rng.chance(10))),
        ])
      }
      var ingress: [JSONValue] = []
      for _ in 0..<rng.int(1...5) { ingress.append(rule(&rng)) }
      return Shape(
        known: [
          ("name", .string(name.replacingOccurrences("_", "-"))), ("description", .string(rng.pick(Words.descriptions))),
          ("vpc_id", .string("vpc-0\(rng.hex(16))")), ("ingress", .array(ingress)),
          (
            "egress",
            .array([
              .sorted([
                ("cidr_blocks", .strings(["0.0.0.0/0"])), ("description", .string("")), ("from_port", .int(0)), ("to_port", .int(0)),
                ("ipv6_cidr_blocks", .strings(["::/0"])), ("prefix_list_ids", .array([])), ("protocol", .string("-1")),
                ("security_groups", .array([])), ("self", .bool(false)),
              ])
            ])
          ),
          ("revoke_rules_on_delete", .bool(false)), ("tags", tags), ("tags_all", withDefaultTags(tags)), ("timeouts", .null),
        ],
        computed: [
          ("arn", .string("arn:aws:ec2:\(region):\(account):security-group/sg-0\(id)")), ("id", .string("sg-0\(id)")),
          ("name_prefix", .string("")), ("owner_id", .string(account)),
        ])
    case "aws_iam_role":
      return Shape(
        known: [
          ("name", .string("\(name)-role")), ("assume_role_policy", .string(policy(rng.pick(["ec2", "lambda", "ecs-tasks"])))),
          ("description", .string(rng.pick(Words.descriptions))), ("force_detach_policies", .bool(false)),
          ("max_session_duration", .int(3600)), ("path", .string("/service/")), ("permissions_boundary", .null),
          (
            "inline_policy",
            .array((0..<rng.int(0...2)).map { i in .sorted([("name", .string("inline-\(i)")), ("policy", .string(policy("s3")))]) })
          ),
          ("tags", tags), ("tags_all", withDefaultTags(tags)),
        ],
        computed: [
          ("arn", .string("arn:aws:iam::\(account):role/service/\(name)-role")), ("create_date", .string("2024-03-0\(rng.int(1...9))T10:12:44Z")),
          ("id", .string("\(name)-role")), ("managed_policy_arns", .strings(["arn:aws:iam::aws:policy/ReadOnlyAccess"])),
          ("name_prefix", .string("")), ("unique_id", .string("AROA\(rng.alnum(17))")),
        ])
    case "aws_lambda_function":
      var variables: [(String, JSONValue)] = [("LOG_LEVEL", .string(rng.pick(["debug", "info", "warn"])))]
      for i in 0..<rng.int(1...8) { variables.append(("SETTING_\(i)", .string(rng.pick(Words.descriptions)))) }
      return Shape(
        known: [
          ("function_name", .string("\(name)-fn")), ("runtime", .string(rng.pick(["python3.12", "nodejs20.x", "java21", "provided.al2023"]))),
          ("handler", .string("main.handler")), ("memory_size", .int(rng.pick([128, 256, 512, 1024, 2048]))),
          ("timeout", .int(rng.pick([3, 10, 30, 900]))), ("architectures", .strings([rng.pick(["arm64", "x86_64"])])),
          ("environment", .array([.object([("variables", .sorted(variables))])])),
          ("layers", .strings((0..<rng.int(0...2)).map { _ in "arn:aws:lambda:\(region):\(account):layer:common:\(rng.int(1...40))" })),
          ("filename", .string("build/\(name).zip")), ("source_code_hash", .string(rng.base64(43))),
          ("publish", .bool(false)), ("reserved_concurrent_executions", .int(-1)),
          ("tracing_config", .array([.object([("mode", .string("Active"))])])),
          ("vpc_config", .array([])), ("dead_letter_config", .array([])), ("tags", tags), ("tags_all", withDefaultTags(tags)),
          ("timeouts", .null),
        ],
        computed: [
          ("arn", .string("arn:aws:lambda:\(region):\(account):function:\(name)-fn")), ("id", .string("\(name)-fn")),
          ("invoke_arn", .string("arn:aws:apigateway:\(region):lambda:path/2015-03-31/functions/arn:aws:lambda:\(region):\(account):function:\(name)-fn/invocations")),
          ("last_modified", .string("2024-04-1\(rng.int(0...9))T08:00:00.000+0000")), ("qualified_arn", .string("arn:aws:lambda:\(region):\(account):function:\(name)-fn:$LATEST")),
          ("version", .string("$LATEST")), ("source_code_size", .int(rng.int(1000...9_000_000))),
          ("signing_job_arn", .string("")), ("signing_profile_version_arn", .string("")),
        ])
    case "aws_db_instance":
      return Shape(
        known: [
          ("allocated_storage", .int(rng.pick([20, 100, 500]))), ("max_allocated_storage", .int(1000)),
          ("engine", .string("postgres")), ("engine_version", .string(rng.pick(["15.4", "16.2"]))),
          ("instance_class", .string(rng.pick(["db.t4g.medium", "db.r6g.large", "db.r6g.2xlarge"]))),
          ("identifier", .string(name.replacingOccurrences("_", "-"))), ("username", .string("app")),
          ("multi_az", .bool(rng.chance(50))), ("storage_encrypted", .bool(true)), ("deletion_protection", .bool(rng.chance(70))),
          ("backup_retention_period", .int(rng.pick([1, 7, 14, 35]))), ("backup_window", .string("02:00-03:00")),
          ("performance_insights_enabled", .bool(true)), ("performance_insights_retention_period", .int(7)),
          ("parameter_group_name", .string("default.postgres15")), ("skip_final_snapshot", .bool(false)),
          ("iops", .null), ("storage_type", .string("gp3")), ("tags", tags), ("tags_all", withDefaultTags(tags)),
          ("timeouts", .null), ("monitoring_interval", .number(rng.pick(["0", "60", "1.5e1"]))),
        ],
        computed: [
          ("address", .string("\(name).c\(rng.hex(10)).\(region).rds.amazonaws.com")), ("arn", .string("arn:aws:rds:\(region):\(account):db:\(name)")),
          ("endpoint", .string("\(name).c\(rng.hex(10)).\(region).rds.amazonaws.com:5432")), ("hosted_zone_id", .string("Z29XKXDKYMONMX")),
          ("id", .string("db-\(rng.alnum(26))")), ("port", .int(5432)), ("resource_id", .string("db-\(rng.alnum(26))")),
          ("status", .string("available")), ("latest_restorable_time", .string("2024-05-14T09:25:00Z")),
          ("listener_endpoint", .array([])), ("replicas", .array([])),
        ],
        sensitive: ["password"])
    case "aws_route53_record":
      let recordType = rng.pick(["A", "CNAME", "TXT", "AAAA"])
      let records: [String] =
        switch recordType {
        case "A": (0..<rng.int(1...4)).map { _ in "203.0.113.\(rng.int(1...254))" }
        case "AAAA": ["2001:db8::\(rng.hex(4))"]
        case "TXT": ["v=spf1 include:_spf.acme.example ~all", "\"quoted\" txt — ünïcødé"]
        default: ["\(name).elb.\(region).amazonaws.com"]
        }
      return Shape(
        known: [
          ("name", .string("\(name.replacingOccurrences("_", "-")).acme.example")), ("type", .string(recordType)),
          ("ttl", .int(rng.pick([60, 300, 3600]))), ("records", .strings(records)), ("zone_id", .string("Z\(rng.alnum(13))")),
          ("alias", .array([])), ("weighted_routing_policy", .array([])), ("set_identifier", .null),
          ("allow_overwrite", .null), ("health_check_id", .null), ("multivalue_answer_routing_policy", .null),
        ],
        computed: [("fqdn", .string("\(name.replacingOccurrences("_", "-")).acme.example")), ("id", .string("Z\(rng.alnum(13))_\(name)_\(recordType)"))])
    default:  // aws_cloudwatch_log_group
      return Shape(
        known: [
          ("name", .string("/aws/lambda/\(name)")), ("retention_in_days", .int(rng.pick([7, 30, 90, 365]))),
          ("kms_key_id", .null), ("log_group_class", .string("STANDARD")), ("skip_destroy", .bool(false)),
          ("tags", tags), ("tags_all", withDefaultTags(tags)),
        ],
        computed: [("arn", .string("arn:aws:logs:\(region):\(account):log-group:/aws/lambda/\(name)")), ("id", .string("/aws/lambda/\(name)")), ("name_prefix", .string(""))])
    }
  }

  // MARK: One instance in every section

  /// The structure Terraform writes for after_unknown / sensitive_values: `{}` for maps and
  /// objects, an array of per-element shapes for lists, nothing for primitives.
  func skeleton(_ value: JSONValue) -> JSONValue? {
    switch value {
    case .array(let items): return .array(items.map { skeleton($0) ?? .bool(false) })
    case .object(let pairs):
      return .object(pairs.compactMap { pair in skeleton(pair.1).map { (pair.0, $0) } })
    default: return nil
    }
  }

  func skeleton(of pairs: [(String, JSONValue)]) -> [(String, JSONValue)] {
    pairs.compactMap { pair in skeleton(pair.1).map { (pair.0, $0) } }
  }

  mutating func instance(_ group: Group, key: JSONValue?, shape: Shape)
    -> (address: String, change: [UInt8], planned: [UInt8]?, prior: [UInt8]?)
  {
    var base = "\(group.type).\(group.name)"
    switch key {
    case .int(let i)?: base += "[\(i)]"
    case .string(let s)?: base += "[\"\(s)\"]"
    default: break
    }
    let address = group.module.map { "module.\($0).\(base)" } ?? base
    let roll = rng.int(0...99)
    let actions: [String] =
      roll < 55 ? ["create"] : roll < 75 ? ["update"] : roll < 85 ? ["no-op"] : roll < 92 ? ["delete", "create"]
      : roll < 97 ? ["delete"] : ["create", "delete"]

    let full = shape.known + shape.computed
    var oldKnown = shape.known
    // Updates change a tag or two (the before differs from the after).
    if actions == ["update"], let t = oldKnown.firstIndex(where: { $0.0 == "tags" }) {
      oldKnown[t].1 = .sorted([("Environment", .string("dev")), ("Name", .string(group.name))])
    }
    let before: JSONValue? = actions == ["create"] ? nil : .sorted(oldKnown + shape.computed)
    let after: JSONValue? = actions == ["delete"] ? nil : .sorted(actions == ["create"] || actions.contains("delete") ? shape.known : full)
    var unknown = skeleton(of: shape.known)
    if actions == ["create"] || actions.contains("delete") {
      unknown += shape.computed.map { ($0.0, .bool(true)) }
    } else {
      unknown += skeleton(of: shape.computed)
    }
    var sensitive = skeleton(of: full)
    for name in shape.sensitive { sensitive.append((name, .bool(true))) }

    var common: [(String, JSONValue)] = [("address", .string(address))]
    if let module = group.module { common.append(("module_address", .string("module.\(module)"))) }
    common += [("mode", .string("managed")), ("type", .string(group.type)), ("name", .string(group.name))]
    if let key { common.append(("index", key)) }

    var change: [(String, JSONValue)] = [
      ("actions", .strings(actions)), ("before", before ?? .null), ("after", after ?? .null),
      ("after_unknown", actions == ["delete"] ? .bool(false) : .sorted(unknown)),
      ("before_sensitive", before == nil ? .bool(false) : .sorted(sensitive)),
      ("after_sensitive", after == nil ? .bool(false) : .sorted(sensitive)),
    ]
    if actions.count == 2 { change.append(("replace_paths", .array([.strings(["ami"])]))) }
    var changeRecord = common + [("provider_name", .string(provider)), ("change", .object(change))]
    if actions.count == 2 { changeRecord.append(("action_reason", .string("replace_because_cannot_update"))) }

    let planned: [UInt8]? =
      actions == ["delete"]
      ? nil
      : JSONValue.object(
        common + [
          ("provider_name", .string(provider)), ("schema_version", .int(0)), ("values", after ?? .null),
          ("sensitive_values", .sorted(sensitive)),
        ]
      ).bytes
    let prior: [UInt8]? =
      before.map {
        JSONValue.object(
          common + [
            ("provider_name", .string(provider)), ("schema_version", .int(0)), ("values", $0),
            ("sensitive_values", .sorted(sensitive)),
            ("depends_on", .strings(rng.chance(30) ? ["aws_iam_role.\(rng.pick(Words.nouns))_\(rng.int(1...counter))"] : [])),
          ]
        ).bytes
      }
    return (address, JSONValue.object(changeRecord).bytes, planned, prior)
  }

  // MARK: Configuration

  mutating func expression(_ value: JSONValue) -> JSONValue? {
    switch value {
    case .array(let items) where items.contains(where: { if case .object = $0 { true } else { false } }):
      // A nested block: a list of objects of expressions.
      return .array(
        items.map { item in
          guard case .object(let pairs) = item else { return .object([]) }
          return .object(pairs.compactMap { pair in expression(pair.1).map { (pair.0, $0) } })
        })
    default:
      let roll = rng.int(0...99)
      if roll < 55 { return .object([("constant_value", value)]) }
      if roll < 80 {
        let target = "\(rng.pick(["var", "local", "aws_vpc.main", "data.aws_caller_identity.current"])).\(rng.pick(["id", "tags", "account_id", "name"]))"
        return .object([("references", .strings([target, String(target.split(separator: ".").dropLast().joined(separator: "."))]))])
      }
      return nil
    }
  }

  mutating func configResource(_ group: Group) -> JSONValue {
    var expressions: [(String, JSONValue)] = []
    for (name, value) in group.shapes[0].known where name != "tags_all" {
      if case .null = value { continue }
      if let e = expression(value) { expressions.append((name, e)) }
    }
    var pairs: [(String, JSONValue)] = [
      ("address", .string("\(group.type).\(group.name)")), ("mode", .string("managed")), ("type", .string(group.type)),
      ("name", .string(group.name)),
      ("provider_config_key", .string(group.module.map { "module.\($0):aws" } ?? "aws")),
      ("expressions", .object(expressions)), ("schema_version", .int(0)),
    ]
    switch group.keys.first {
    case .int?: pairs.append(("count_expression", .object([("constant_value", .int(group.keys.count))])))
    case .string?: pairs.append(("for_each_expression", .object([("references", .strings(["var.environments"]))])))
    default: break
    }
    if rng.chance(20) { pairs.append(("depends_on", .strings(["aws_iam_role.\(rng.pick(Words.nouns))_\(rng.int(1...counter))"]))) }
    return .object(pairs)
  }
}
