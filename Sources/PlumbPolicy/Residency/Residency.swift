import PlumbDiagnostics
import PlumbGraph

/// Where a Terraform resource keeps its data: the residency built-ins `location`,
/// `replica_locations` and `is_global_service` (data-residency.md §2, §3).
///
/// Results are values that keep the place they were read from (the `region` attribute, the
/// provider's `region` constant, a replica's `location`), so findings point at it. A location is
/// *unknown* when the plan cannot tell it (never guessed), *missing* when the resource has none
/// (a role assignment, a random id).
struct ResidencyResolver {
  let graph: DocumentGraph
  let indexes: IndexCache

  enum Cloud { case aws, azure, google }

  static func cloud(of entity: Entity) -> Cloud? {
    guard entity.kind == EntityKinds.terraformResource || entity.kind == EntityKinds.terraformDataSource else {
      return nil
    }
    let type = entity.type ?? ""
    if type.hasPrefix("aws_") { return .aws }
    if type.hasPrefix("azurerm_") { return .azure }
    if type.hasPrefix("google_") { return .google }
    return nil
  }

  // MARK: Global services

  /// AWS types that are regional although regions.yaml's prefix list covers them.
  static let awsRegionalExceptions = ["aws_route53_resolver_"]
  static let azureGlobalPrefixes = [
    "azurerm_cdn_frontdoor_", "azurerm_frontdoor", "azurerm_dns_", "azurerm_private_dns_", "azurerm_traffic_manager_",
  ]
  static let googleGlobalPrefixes = [
    "google_dns_", "google_compute_global_", "google_project_iam_", "google_organization_", "google_folder_",
    "google_service_account", "google_billing_", "google_compute_backend_bucket", "google_compute_url_map",
    "google_compute_backend_service", "google_compute_target_http",
  ]

  /// Whether the resource is a global service (no region): AWS types from regions.yaml, Azure
  /// Front Door/DNS/Traffic Manager, Google DNS/IAM/global load balancing, and any resource whose
  /// location is `global`.
  func isGlobalService(_ entity: Entity) -> Bool {
    guard let cloud = Self.cloud(of: entity) else { return false }
    return isGlobalService(entity, cloud: cloud, byType: Self.globalServiceByType(cloud, entity.type ?? ""))
  }

  /// What a resource's type alone says about `isGlobalService`: true or false when it decides,
  /// nil when the resource's location does. Depends on the type only, so callers may keep it.
  static func globalServiceByType(_ cloud: Cloud, _ type: String) -> Bool? {
    switch cloud {
    case .aws:
      if awsRegionalExceptions.contains(where: type.hasPrefix) { return false }
      return RegionData.awsGlobalResourceTypes.contains(type)
        || RegionData.awsGlobalResourcePrefixes.contains(where: type.hasPrefix)
    case .azure:
      return azureGlobalPrefixes.contains(where: type.hasPrefix) ? true : nil
    case .google:
      return googleGlobalPrefixes.contains(where: type.hasPrefix) || type.contains("_iam_") ? true : nil
    }
  }

  /// `isGlobalService` for a resource of `cloud` whose type says `byType`
  /// (``globalServiceByType(_:_:)``).
  func isGlobalService(_ entity: Entity, cloud: Cloud, byType: Bool?) -> Bool {
    if let byType { return byType }
    switch cloud {
    case .aws:
      return false
    case .azure:
      return Self.text(values(entity)["location"]).map(Regions.normalize) == "global"
    case .google:
      let after = values(entity)
      return ["location", "region"].contains { Self.text(after[$0]).map(Regions.normalize) == "global" }
    }
  }

  // MARK: Primary location

  /// The effective location of a resource (data-residency.md §2.1 precedence).
  func location(_ entity: Entity) -> Value { location(entity, depth: 0) }

  private func location(_ entity: Entity, depth: Int) -> Value {
    guard let cloud = Self.cloud(of: entity), depth < 6 else { return .missing }
    if isGlobalService(entity) { return .located(.string("global"), entity.location) }
    switch cloud {
    case .aws: return awsLocation(entity)
    case .azure: return azureLocation(entity, depth: depth)
    case .google: return googleLocation(entity, depth: depth)
    }
  }

  /// The planned values (`after` of a resource change, `values` of a data source read at plan time).
  func values(_ entity: Entity) -> Value { entity.attributes["values"] }

  private func awsLocation(_ entity: Entity) -> Value {
    let after = values(entity)
    var region = after["region"]
    if entity.type == "aws_s3_bucket", region.kind != .string, Self.text(after["bucket_region"]) != nil {
      region = after["bucket_region"]
    }
    switch region.kind {
    case .string:
      return Self.normalized(region)
    case .unknown:
      // Set in the configuration to something known only after apply; else computed from the
      // provider (a v5 `aws_s3_bucket`'s `region`): the provider's region.
      if configExpression(entity, "region") != nil { return resolveConfig(entity, "region", depth: 0) }
      return providerRegion(entity)
    default:
      return providerRegion(entity)
    }
  }

  /// The provider configuration's region, else an `aws_region` data source read with the same
  /// provider, else the region in the resource's ARN, else unknown (set by the environment).
  private func providerRegion(_ entity: Entity) -> Value {
    let region = entity.attributes["provider"]["region"]
    switch region.kind {
    case .string: return Self.normalized(region)
    case .unknown: return .unknown
    default: break
    }
    if let fromData = dataSourceRegion(entity) { return fromData }
    let arn = values(entity)["arn"]
    if let text = Self.text(arn), let arnRegion = Self.arnRegion(text) {
      return .located(.string(arnRegion), arn.location ?? entity.location)
    }
    return .unknown
  }

  private func dataSourceRegion(_ entity: Entity) -> Value? {
    guard let key = Self.text(entity.attributes["provider"]["resolved_key"]) else { return nil }
    let plan = Self.planPrefix(entity.id)
    for data in graph.entities(ofKind: EntityKinds.terraformDataSource, type: "aws_region")
    where Self.planPrefix(data.id) == plan && Self.text(data.attributes["provider"]["resolved_key"]) == key {
      for attribute in ["region", "name"] {
        let value = values(data)[attribute]
        if value.kind == .string { return Self.normalized(value) }
      }
    }
    return nil
  }

  private func azureLocation(_ entity: Entity, depth: Int) -> Value {
    let location = values(entity)["location"]
    switch location.kind {
    case .string: return Self.normalized(location)
    case .unknown:
      return configExpression(entity, "location") != nil ? resolveConfig(entity, "location", depth: depth) : .unknown
    default:
      return parentLocation(entity, depth: depth)
    }
  }

  /// Azure child resources keep their data where their parent is (`server_id`,
  /// `storage_account_id`, `key_vault_id`, …).
  static let azureParentKeys = [
    "server_id", "storage_account_id", "storage_account_name", "key_vault_id", "account_id", "account_name",
    "namespace_id", "namespace_name", "server_name", "workspace_id", "cluster_id", "container_registry_id",
    "eventhub_namespace_id", "cosmosdb_account_id", "virtual_network_id", "virtual_network_name",
  ]

  private func parentLocation(_ entity: Entity, depth: Int) -> Value {
    let config = entity.attributes["config"]
    let keys = Self.azureParentKeys.filter { !config[$0].isMissing }
      + config.entries.map(\.key).filter {
        $0.hasSuffix("_id") && !$0.hasPrefix("resource_group") && !Self.azureParentKeys.contains($0)
      }
    for key in keys {
      guard let targets = referencedEntities(entity, key) else { continue }
      let parents = targets.filter { Self.cloud(of: $0) == .azure && $0.type != "azurerm_resource_group" }
      guard !parents.isEmpty else { continue }
      return agree(parents.map { location($0, depth: depth + 1) })
    }
    return .missing
  }

  private func googleLocation(_ entity: Entity, depth: Int) -> Value {
    let after = values(entity)
    let type = entity.type ?? ""
    var attributes = ["location", "region", "zone"]
    if type == "google_spanner_instance" { attributes = ["config"] }
    if type == "google_firestore_database" { attributes = ["location_id"] }
    for attribute in attributes {
      let value = after[attribute]
      switch value.kind {
      case .string:
        guard let text = value.string else { continue }
        var token = Regions.normalize(text)
        if token.hasPrefix("regional-") { token.removeFirst("regional-".count) }
        if let region = Regions.regionOfZone(token) { token = region }
        return .located(.string(token), value.location ?? entity.location)
      case .unknown:
        if configExpression(entity, attribute) != nil { return resolveConfig(entity, attribute, depth: depth) }
        return googleProviderLocation(entity)
      default:
        continue
      }
    }
    if type == "google_bigquery_dataset" { return .located(.string("us"), entity.location) }
    return .missing
  }

  private func googleProviderLocation(_ entity: Entity) -> Value {
    let provider = entity.attributes["provider"]
    let region = provider["region"]
    if region.kind == .string { return Self.normalized(region) }
    let zone = provider["zone"]
    if let text = Self.text(zone), let region = Regions.regionOfZone(Regions.normalize(text)) {
      return .located(.string(region), zone.location ?? entity.location)
    }
    return .unknown
  }

  // MARK: Replicas and backups

  /// Locations of the copies a resource makes of its data (data-residency.md §3 "X" columns), as
  /// a list whose elements are unknown where the plan cannot tell (a block unknown until apply, a
  /// destination outside the plan, a geo-redundant account in a region without a pair), so a
  /// known copy outside the jurisdiction still fails when another copy is unknown.
  func replicaLocations(_ entity: Entity) -> Value {
    guard let cloud = Self.cloud(of: entity) else { return .list([]) }
    let after = values(entity)
    let type = entity.type ?? ""
    var result: [Value] = []
    func add(_ value: Value) {
      switch value.kind {
      case .unknown: result.append(.unknown)
      case .string: result.append(Self.normalized(value))
      default: break
      }
    }
    func each(_ value: Value, _ path: [String], _ body: (Value) -> Void) {
      guard let key = path.first else { return body(value) }
      let next = value[key]
      if next.isUnknown { return result.append(.unknown) }
      if path.count == 1 {
        // A nested block or a list of values: each element.
        guard next.kind == .list else { return body(next) }
        for element in next.elements {
          if element.isUnknown { result.append(.unknown) } else { body(element) }
        }
      } else if next.kind == .list {
        for element in next.elements {
          if element.isUnknown {
            result.append(.unknown)
          } else {
            each(element, Array(path.dropFirst()), body)
          }
        }
      } else if next.kind == .map {
        each(next, Array(path.dropFirst()), body)
      }
    }
    func list(_ value: Value) {
      if value.isUnknown { return result.append(.unknown) }
      for element in value.elements { add(element) }
    }
    func geoBackup(_ value: Value, _ key: String, defaultGeo: Bool) {
      if value.isUnknown {
        result.append(.unknown)
      } else if let text = Self.text(value) {
        if Self.geoRedundant(key, text) { result.append(pairedLocation(entity)) }
      } else if defaultGeo {
        result.append(pairedLocation(entity))
      }
    }
    switch (cloud, type) {
    case (.aws, "aws_dynamodb_table"), (.aws, "aws_dynamodb_global_table"):
      each(after, ["replica", "region_name"], add)
    case (.aws, "aws_secretsmanager_secret"):
      each(after, ["replica", "region"], add)
    case (.aws, "aws_db_instance_automated_backups_replication"), (.aws, "aws_dynamodb_table_replica"):
      // The copy is the resource itself, in its provider's region.
      result.append(location(entity))
    case (.aws, "aws_s3_bucket_replication_configuration"):
      result += s3Destinations(after["rule"], config: entity.attributes["config"]["rule"], entity)
    case (.aws, "aws_s3_bucket"):
      let replication = after["replication_configuration"]
      if replication.isUnknown {
        result.append(.unknown)
      } else {
        let configRules = Self.blocks(entity.attributes["config"]["replication_configuration"]).flatMap {
          Self.blocks($0["rules"])
        }
        for block in Self.blocks(replication) {
          if block.isUnknown {
            result.append(.unknown)
          } else {
            result += s3Destinations(block["rules"], config: .list(configRules), entity)
          }
        }
      }
    case (.aws, "aws_backup_plan"):
      var pending = 0
      each(after, ["rule", "copy_action"]) { action in
        let arn = action["destination_vault_arn"]
        switch arn.kind {
        case .unknown: pending += 1
        case .string:
          result.append(
            Self.arnRegion(arn.string ?? "").map { .located(.string($0), arn.location ?? entity.location) } ?? .unknown)
        default: break
        }
      }
      let expressions = Self.blocks(entity.attributes["config"]["rule"]).flatMap { Self.blocks($0["copy_action"]) }
        .map { $0["destination_vault_arn"] }
      result += unknownDestinations(pending, expressions, entity)
    case (.aws, "aws_ecr_replication_configuration"):
      each(after, ["replication_configuration", "rule", "destination", "region"], add)
    case (.aws, "aws_efs_replication_configuration"):
      each(after, ["destination", "region"], add)
    case (.aws, "aws_redshift_snapshot_copy"):
      add(after["destination_region"])
    case (.aws, "aws_redshift_cluster"):
      each(after, ["snapshot_copy", "destination_region"], add)
    case (.aws, "aws_dlm_lifecycle_policy"):
      each(after, ["policy_details", "schedule", "cross_region_copy_rule"]) { rule in
        add(rule["target_region"].isMissing ? rule["target"] : rule["target_region"])
      }
    case (.azure, "azurerm_storage_account"):
      let replication = after["account_replication_type"]
      if replication.isUnknown {
        result.append(.unknown)
      } else if let text = Self.text(replication), Self.geoRedundant("storage_account_replication_type", text) {
        let secondary = after["secondary_location"]
        result.append(secondary.kind == .string ? Self.normalized(secondary) : pairedLocation(entity))
      }
    case (.azure, "azurerm_mssql_database"):
      geoBackup(after["storage_account_type"], "mssql_backup_storage_account_type", defaultGeo: true)
    case (.azure, "azurerm_recovery_services_vault"):
      geoBackup(after["storage_mode_type"], "recovery_services_vault_storage_mode_type", defaultGeo: true)
    case (.azure, "azurerm_data_protection_backup_vault"):
      geoBackup(after["redundancy"], "data_protection_backup_vault_redundancy", defaultGeo: false)
    case (.azure, "azurerm_postgresql_flexible_server"), (.azure, "azurerm_mysql_flexible_server"),
      (.azure, "azurerm_postgresql_server"), (.azure, "azurerm_mysql_server"):
      let enabled = after["geo_redundant_backup_enabled"]
      if enabled.isUnknown { result.append(.unknown) } else if enabled.bool == true { result.append(pairedLocation(entity)) }
    case (.azure, "azurerm_key_vault"):
      // Key Vault contents are replicated to the paired region; regions without a pair keep
      // them in-region (zone-redundant).
      let primary = location(entity)
      if primary.isUnknown {
        result.append(.unknown)
      } else if let region = primary.string, case let pair?? = Regions.azurePairs[region] {
        result.append(.located(.string(pair), primary.location ?? entity.location))
      }
    case (.azure, "azurerm_cosmosdb_account"):
      each(after, ["geo_location", "location"], add)
    case (.azure, "azurerm_container_registry"):
      each(after, ["georeplications", "location"], add)
    case (.azure, "azurerm_api_management"):
      each(after, ["additional_location", "location"], add)
    case (.azure, "azurerm_redis_linked_server"):
      add(after["linked_redis_cache_location"])
    case (.google, "google_sql_database_instance"):
      each(after, ["settings", "backup_configuration"]) { backup in
        let enabled = backup["enabled"]
        if enabled.isUnknown {
          result.append(.unknown)
          return
        }
        guard enabled.bool == true else { return }
        // Unset: "the closest multi-region", not stated for every region: unknown.
        let location = backup["location"]
        result.append(location.kind == .string ? Self.normalized(location) : .unknown)
      }
    case (.google, "google_secret_manager_secret"):
      let replication = after["replication"]
      if replication.isUnknown {
        result.append(.unknown)
      }
      for block in replication.kind == .list ? replication.elements : [replication] where block.kind == .map {
        let auto = block["auto"]
        if block["automatic"].bool == true || (auto.kind == .list && !auto.elements.isEmpty) || auto.kind == .map {
          result.append(.located(.string("global"), (auto.location ?? block.location) ?? entity.location))
        }
        if auto.isUnknown || block["automatic"].isUnknown { result.append(.unknown) }
        each(block, ["user_managed", "replicas", "location"], add)
      }
    case (.google, "google_storage_bucket"):
      each(after, ["custom_placement_config", "data_locations"], add)
    case (.google, "google_bigtable_instance"):
      each(after, ["cluster", "zone"]) { zone in
        if zone.isUnknown { return result.append(.unknown) }
        guard let text = zone.string else { return }
        let token = Regions.normalize(text)
        result.append(.located(.string(Regions.regionOfZone(token) ?? token), zone.location ?? entity.location))
      }
    case (.google, "google_compute_snapshot"):
      list(after["storage_locations"])
    case (.google, "google_pubsub_topic"):
      let policy = after["message_storage_policy"]
      if policy.isUnknown {
        result.append(.unknown)
      } else if policy.elements.isEmpty && policy.kind != .map {
        // No storage policy: messages may be stored in any region.
        result.append(.located(.string("global"), entity.location))
      } else {
        each(after, ["message_storage_policy", "allowed_persistence_regions"], add)
      }
    default:
      break
    }
    return .list(result)
  }

  /// The paired region of an Azure resource's location; unknown when it has none (geo-redundant
  /// storage in a region without a pair goes where Microsoft decides) or the location is unknown.
  private func pairedLocation(_ entity: Entity) -> Value {
    let primary = location(entity)
    guard let region = primary.string, case let pair?? = Regions.azurePairs[region] else { return .unknown }
    return .located(.string(pair), primary.location ?? entity.location)
  }

  static func geoRedundant(_ key: String, _ value: String) -> Bool {
    let canonical = value.uppercased().filter { $0 != "-" && $0 != "_" }
    let values = RegionData.azureGeoRedundantValues.first { $0.name == key }?.values ?? []
    return values.contains { $0.uppercased() == canonical }
  }

  /// The destinations of S3 replication rules (`rule`/`rules` blocks with `status` and
  /// `destination { bucket }`), disabled rules left out; destinations unknown until apply are
  /// resolved through the configuration's rule blocks (``unknownDestinations``).
  private func s3Destinations(_ rules: Value, config configRules: Value, _ entity: Entity) -> [Value] {
    if rules.isUnknown { return [.unknown] }
    var result: [Value] = []
    var pending = 0
    for rule in Self.blocks(rules) {
      if rule.isUnknown {
        result.append(.unknown)
        continue
      }
      guard Self.text(rule["status"]) != "Disabled" else { continue }
      for destination in Self.blocks(rule["destination"]) {
        if destination.isUnknown {
          result.append(.unknown)
          continue
        }
        let bucket = destination["bucket"]
        if bucket.isUnknown { pending += 1 } else { result.append(s3BucketLocation(arn: bucket, near: entity)) }
      }
    }
    let expressions = Self.blocks(configRules)
      .filter { Self.text($0["status"]["constant_value"]) != "Disabled" }
      .flatMap { Self.blocks($0["destination"]) }
      .map { $0["bucket"] }
    return result + unknownDestinations(pending, expressions, entity)
  }

  /// The locations of `count` copy destinations that are unknown until apply (an ARN of a resource
  /// the plan creates), resolved through the configuration: the destination expressions that
  /// reference a resource of the same plan whose referenced attribute is itself unknown are
  /// exactly those destinations, so when there are `count` of them each gives its resource's
  /// location (which may itself be unknown). Otherwise each destination stays unknown.
  func unknownDestinations(_ count: Int, _ expressions: [Value], _ entity: Entity) -> [Value] {
    guard count > 0 else { return [] }
    var resolved: [Value] = []
    for expression in expressions {
      guard expression.kind == .map, let reference = Self.specificReference(expression["references"]) else { continue }
      // `aws_s3_bucket.dr.arn`, or a child module's output that is such a reference there.
      let found: (targets: [Entity], attribute: String)?
      if reference.hasPrefix("module.") {
        found = moduleOutputTargets(entity, reference)
      } else {
        found = referencedEntities(entity, expression: expression).flatMap { targets in
          reference.split(separator: ".").last.map { (targets, String($0)) }
        }
      }
      guard let (targets, attribute) = found, !targets.isEmpty,
        targets.allSatisfy({ values($0)[attribute].isUnknown })
      else { continue }
      resolved.append(agree(targets.map(location)))
    }
    return resolved.count == count ? resolved : Array(repeating: .unknown, count: count)
  }

  /// The resources a child module's output names (`module.dr.bucket_arn`, whose `outputs` entry
  /// in the configuration is `aws_s3_bucket.this.arn`), in every instance of the module call the
  /// entity references, with the attribute the output reads; nil when the output is not one
  /// resource attribute.
  private func moduleOutputTargets(_ entity: Entity, _ reference: String) -> (targets: [Entity], attribute: String)? {
    let parts = reference.split(separator: ".", maxSplits: 2).map(String.init)
    guard parts.count == 3, !parts[1].contains("["), !parts[2].contains("."), !parts[2].contains("[") else { return nil }
    let modules = graph.related(entity.id, "references").filter {
      $0.kind == EntityKinds.terraformModule && Self.text($0.attributes["call"]) == parts[1]
    }
    var targets: [Entity] = []
    var attribute: String?
    for module in modules {
      let expression = module.attributes["outputs"][parts[2]]["expression"]
      guard let inner = Self.specificReference(expression["references"]), !inner.hasPrefix("module."),
        let (type, name, index, mode) = Self.resourceReference(inner),
        let last = inner.split(separator: ".").last.map(String.init), attribute == nil || attribute == last
      else { return nil }
      attribute = last
      for edge in graph.edges(to: module.id, type: "inModule") {
        guard let candidate = graph.entity(edge.from) else { continue }
        if Self.matches(candidate, type: type, name: name, index: index, mode: mode) { targets.append(candidate) }
      }
    }
    guard let attribute else { return nil }
    return (targets, attribute)
  }

  /// A nested block value as a list of blocks: a list's elements, a map alone, an unknown value
  /// as one unknown block; nothing for other values.
  static func blocks(_ value: Value) -> [Value] {
    switch value.kind {
    case .list: return value.elements
    case .map, .unknown: return [value]
    default: return []
    }
  }

  /// The location of the bucket an S3 ARN (or name) names, when that bucket is in the same plan.
  private func s3BucketLocation(arn: Value, near entity: Entity) -> Value {
    if arn.isUnknown { return .unknown }
    guard let text = arn.string else { return .unknown }
    let name = text.hasPrefix("arn:") ? String(text.split(separator: ":", omittingEmptySubsequences: false).last ?? "") : text
    let plan = Self.planPrefix(entity.id)
    let buckets = indexes.index(graph, kind: EntityKinds.terraformResource, path: [.key("values"), .key("bucket")])
      .lookup(name).filter { $0.type == "aws_s3_bucket" && Self.planPrefix($0.id) == plan }
    guard !buckets.isEmpty else { return .unknown }
    return agree(buckets.map(location))
  }

  // MARK: Configuration expressions

  private func configExpression(_ entity: Entity, _ key: String) -> Value? {
    let expression = entity.attributes["config"][key]
    return expression.kind == .map ? expression : nil
  }

  /// A configuration expression's value: a constant, a root-module variable, or the planned
  /// value of the one resource attribute it references; else unknown (data-residency.md §2.5).
  private func resolveConfig(_ entity: Entity, _ key: String, depth: Int) -> Value {
    guard let expression = configExpression(entity, key) else { return .unknown }
    let constant = expression["constant_value"]
    if constant.kind == .string { return Self.normalized(constant) }
    guard let reference = Self.specificReference(expression["references"]) else { return .unknown }
    let parts = reference.split(separator: ".").map(String.init)
    if parts.first == "var", parts.count == 2, entity.attributes["module_path"].elements.isEmpty,
      let plan = graph.entity(EntityID(String(Self.planPrefix(entity.id).dropLast())))
    {
      let value = plan.attributes["variables"][parts[1]]["value"]
      return value.kind == .string ? Self.normalized(value) : .unknown
    }
    guard let targets = referencedEntities(entity, key), !targets.isEmpty, let attribute = parts.last else {
      return .unknown
    }
    return agree(
      targets.map { target -> Value in
        let value = values(target)[attribute]
        if value.kind == .string { return Self.normalized(value) }
        if value.isUnknown, attribute == "location" || attribute == "region" { return location(target, depth: depth + 1) }
        return .unknown
      })
  }

  /// The entities the single most specific reference of `config.<key>` names (same module
  /// instance, through the graph's `references` edges); nil when there is no such reference.
  private func referencedEntities(_ entity: Entity, _ key: String) -> [Entity]? {
    guard let expression = configExpression(entity, key) else { return nil }
    return referencedEntities(entity, expression: expression)
  }

  /// The entities the single most specific reference of a configuration expression names (same
  /// module instance, through the graph's `references` edges); nil when there is no such reference.
  private func referencedEntities(_ entity: Entity, expression: Value) -> [Entity]? {
    guard let reference = Self.specificReference(expression["references"]),
      let (type, name, index, mode) = Self.resourceReference(reference)
    else { return nil }
    return graph.related(entity.id, "references").filter {
      Self.matches($0, type: type, name: name, index: index, mode: mode)
    }
  }

  /// `[data.]type.name[key].attribute` → its type, name, instance key and mode.
  static func resourceReference(_ reference: String) -> (type: String, name: String, index: String?, mode: String)? {
    var text = Substring(reference)
    var mode = "managed"
    if text.hasPrefix("data.") {
      mode = "data"
      text = text.dropFirst(5)
    }
    let parts = text.split(separator: ".", maxSplits: 2)
    guard parts.count >= 2 else { return nil }
    let type = String(parts[0])
    var name = String(parts[1])
    var index: String?
    if let bracket = name.firstIndex(of: "[") {
      index = String(name[name.index(after: bracket)...].dropLast()).replacingOccurrences(of: "\"", with: "")
      name = String(name[..<bracket])
    }
    return (type, name, index, mode)
  }

  /// Whether `target` is an instance of the resource a reference names.
  static func matches(_ target: Entity, type: String, name: String, index: String?, mode: String) -> Bool {
    target.type == type && text(target.attributes["name"]) == name
      && (text(target.attributes["mode"]) ?? "managed") == mode
      && (index == nil || target.attributes["index"].indexText == index)
  }

  /// The longest reference of an expression's `references` (Terraform also lists every prefix);
  /// nil when there are several distinct ones.
  static func specificReference(_ references: Value) -> String? {
    let local = ["count.", "each.", "path.", "terraform.", "self."]
    let texts = references.elements.compactMap(\.string).filter { text in !local.contains(where: text.hasPrefix) }
    let specific = texts.filter { text in
      !texts.contains { $0 != text && ($0.hasPrefix(text + ".") || $0.hasPrefix(text + "[")) }
    }
    return specific.count == 1 ? specific[0] : nil
  }

  // MARK: Helpers

  /// One location when all agree; unknown otherwise.
  private func agree(_ locations: [Value]) -> Value {
    guard let first = locations.first, let text = first.string else { return .unknown }
    return locations.allSatisfy { $0.string == text } ? first : .unknown
  }

  static func text(_ value: Value) -> String? { value.string }

  /// A string value lower-cased without spaces, keeping its location.
  static func normalized(_ value: Value) -> Value {
    guard let text = value.string else { return value }
    let token = Regions.normalize(text)
    if token == text { return value }
    return value.location.map { .located(.string(token), $0) } ?? .string(token)
  }

  /// `arn:<partition>:<service>:<region>:<account>:…` → the region, when not empty.
  static func arnRegion(_ arn: String) -> String? {
    let fields = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
    guard fields.count >= 5, fields[0] == "arn", !fields[3].isEmpty else { return nil }
    return String(fields[3])
  }

  /// `terraform:<plan path>#` of a Terraform entity id.
  static func planPrefix(_ id: EntityID) -> String {
    guard let hash = id.rawValue.firstIndex(of: "#") else { return id.rawValue + "#" }
    return String(id.rawValue[...hash])
  }
}

extension Value {
  /// A scalar's text for comparisons with index keys.
  fileprivate var indexText: String {
    switch scalar {
    case .string(let s): return s
    case .int(let i): return String(i)
    default: return ""
    }
  }
}
