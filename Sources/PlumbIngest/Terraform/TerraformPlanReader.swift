import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// Reads one Terraform plan file (`terraform show -json`) into entities, edges and diagnostics.
///
/// Order of work: the format gate, the plan entity, every `resource_changes` entry (and
/// `deferred_changes`), the data sources read at plan time (`prior_state`), then reference edges,
/// which need every instance to be known.
struct TerraformPlanReader {
  /// Provider values by (provider config key, module path), shared by the resources using them.
  private var providerCache: [String: Value] = [:]

  /// The file's path relative to the ingest root (used in ids).
  let path: String
  /// The plan's root mapping.
  let root: YAMLNode
  /// The plan entity's id.
  let planID: EntityID
  /// Positions of nodes in the plan file.

  private var configuration: TerraformConfiguration
  /// Module instance entities by instance address.
  private var modules: [String: EntityID] = [:]
  /// Module instance entities by parent instance address and call name (`parent \0 call`).
  private var moduleChildren: [String: [EntityID]] = [:]
  /// Resource instances by module instance address and module-relative address (`module \0 rel`).
  private var instances: [String: [EntityID]] = [:]
  /// Entities whose configuration expressions may reference others.
  private var referrers: [(id: EntityID, module: String, config: YAMLNode)] = []
  /// Parsed `module_address` values.
  private var moduleAddresses: [String: [TerraformModuleStep]?] = [:]
  /// Untagged companion resources (an S3 bucket's policy, a table replica), connected to the
  /// resource they belong to once every instance is known (`TerraformCompanions`).
  private var companions: [Companion] = []
  /// `aws_s3_bucket` instances by their planned bucket name.
  private var bucketsByName: [String: [EntityID]] = [:]

  /// A companion resource instance waiting for its resource.
  private struct Companion {
    let id: EntityID
    /// The module instance address it lives in.
    let module: String
    let config: YAMLNode?
    /// The argument naming its resource (`bucket`, `global_table_arn`, …).
    let argument: String
    /// Its instance key, to pick the same instance of a resource with `count` or `for_each`.
    let index: Value?
    /// The argument's planned value (a bucket name to match when the configuration does not say).
    let planned: Value
  }

  private init(path: String, root: YAMLNode) {
    self.path = path
    self.root = root
    self.planID = EntityID("terraform:" + path)
    self.configuration = TerraformConfiguration(
      configuration: root["configuration"], variables: root["variables"])
  }

  /// Reads the plan whose root node is `root` (from the file at `path`, relative to the ingest
  /// root) into `graph`; a plan of an unsupported format adds only a diagnostic.
  static func read(path: String, root: YAMLNode, into graph: inout GraphBuilder) {
    guard root.kind == .mapping else {
      graph.diagnose(
        TerraformDiagnostics.malformed("a Terraform plan must be a mapping", at: root.location))
      return
    }
    guard let version = acceptedFormatVersion(root, graph: &graph) else { return }
    var reader = TerraformPlanReader(path: path, root: root)
    reader.read(version: version, into: &graph)
  }

  private mutating func read(version: YAMLNode, into graph: inout GraphBuilder) {
    for diagnostic in configuration.diagnostics { graph.diagnose(diagnostic) }
    addPlan(version: version, graph: &graph)

    if let changes = root["resource_changes"], !changes.isNull {
      if changes.kind == .sequence {
        for change in changes.elements { addResourceChange(change, deferredReason: nil, graph: &graph) }
      } else {
        graph.diagnose(TerraformDiagnostics.malformed("'resource_changes' must be a list", at: locate(changes)))
      }
    }
    if let deferred = root["deferred_changes"], !deferred.isNull {
      if deferred.kind == .sequence {
        for entry in deferred.elements {
          guard entry.kind == .mapping, let change = entry["resource_change"] else {
            graph.diagnose(
              TerraformDiagnostics.malformed(
                "a deferred change needs a 'resource_change' mapping", at: locate(entry)))
            continue
          }
          addResourceChange(change, deferredReason: entry["reason"], graph: &graph)
        }
      } else {
        graph.diagnose(TerraformDiagnostics.malformed("'deferred_changes' must be a list", at: locate(deferred)))
      }
    }
    addPriorStateDataSources(&graph)
    connectReferences(&graph)
    connectCompanions(&graph)
  }

  /// The location of `node` in the plan file.
  private func locate(_ node: YAMLNode) -> SourceLocation { node.location }

  // MARK: Format

  /// Checks `format_version`: 0.x and 1.x are read; 2.x and later, non-numeric or missing versions
  /// are an error and nothing of the file is ingested.
  private static func acceptedFormatVersion(
    _ root: YAMLNode, graph: inout GraphBuilder
  ) -> YAMLNode? {
    guard let node = root["format_version"] else {
      graph.diagnose(
        Diagnostic(
          code: TerraformDiagnostics.unsupportedFormat,
          message: "the plan has no 'format_version'; nothing in this file was ingested",
          location: root.location))
      return nil
    }
    let text = node.kind == .scalar ? (node.string ?? "") : node.rawText
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    let numeric =
      !parts.isEmpty
      && parts.allSatisfy { part in !part.isEmpty && part.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
    guard node.kind == .scalar, numeric else {
      graph.diagnose(
        Diagnostic(
          code: TerraformDiagnostics.unsupportedFormat,
          message: "plan 'format_version' '\(text)' is not a version number; nothing in this file was ingested",
          location: node.location))
      return nil
    }
    guard let major = Int(parts[0]), major <= 1 else {
      graph.diagnose(
        Diagnostic(
          code: TerraformDiagnostics.unsupportedFormat,
          message: "unsupported plan 'format_version' '\(text)': only formats 0.x and 1.x are read; "
            + "nothing in this file was ingested",
          location: node.location))
      return nil
    }
    return node
  }

  // MARK: Plan

  private func addPlan(version: YAMLNode, graph: inout GraphBuilder) {
    var attributes = ValueMap()
    attributes["format_version"] = .yaml(version)
    attributes["terraform_version"] = root["terraform_version"].map(Value.yaml)
    attributes["path"] = .string(path)
    attributes["variables"] = root["variables"].map(Value.yaml)
    for key in ["timestamp", "applyable", "complete", "errored"] {
      attributes[key] = root[key].map(Value.yaml)
    }
    var partial: Value = .bool(false)
    if let errored = root["errored"], errored.value == .bool(true) {
      partial = .located(.bool(true), locate(errored))
      graph.diagnose(
        Diagnostic(
          code: TerraformDiagnostics.partialPlan, severity: .warning,
          message: "the plan is partial ('errored' is true): Terraform stopped planning with errors, "
            + "so resources may be missing or incomplete",
          location: locate(errored)))
    } else if let complete = root["complete"], complete.value == .bool(false) {
      partial = .located(.bool(true), locate(complete))
      graph.diagnose(
        Diagnostic(
          code: TerraformDiagnostics.partialPlan, severity: .warning,
          message: "the plan is partial ('complete' is false): more changes are expected after it is applied, "
            + "so resources may be missing",
          location: locate(complete)))
    }
    attributes["partial"] = partial
    graph.add(
      Entity(
        id: planID, kind: EntityKinds.terraformPlan, type: nil, name: path, location: locate(root),
        attributes: .map(attributes)))
  }

  // MARK: Resource changes

  /// Adds one `resource_changes` (or `deferred_changes[].resource_change`) entry.
  private mutating func addResourceChange(_ change: YAMLNode, deferredReason: YAMLNode?, graph: inout GraphBuilder) {
    guard change.kind == .mapping else {
      graph.diagnose(TerraformDiagnostics.malformed("a resource change must be a mapping", at: locate(change)))
      return
    }
    guard let addressNode = change["address"], let address = Self.text(addressNode), !address.isEmpty else {
      graph.diagnose(
        TerraformDiagnostics.malformed(
          "a resource change needs a string 'address'; it was skipped", at: locate(change)))
      return
    }
    let parsed = TerraformAddress.parseResource(address)
    if parsed == nil {
      graph.diagnose(
        TerraformDiagnostics.malformed(
          "'\(address)' is not a resource instance address", at: locate(addressNode), severity: .warning))
    }
    let moduleNode = change["module_address"].flatMap { $0.isNull ? nil : $0 }
    var steps = parsed?.module ?? []
    if let moduleNode {
      if let text = Self.text(moduleNode), let parsedSteps = moduleSteps(text) {
        steps = parsedSteps
      } else {
        graph.diagnose(
          TerraformDiagnostics.malformed("'module_address' is not a module instance address", at: locate(moduleNode)))
      }
    }
    var mode = parsed?.mode ?? "managed"
    if let modeNode = change["mode"] {
      if let text = Self.text(modeNode), text == "managed" || text == "data" {
        mode = text
      } else {
        graph.diagnose(
          TerraformDiagnostics.malformed(
            "'mode' of '\(address)' must be 'managed' or 'data'", at: locate(modeNode), severity: .warning))
      }
    }
    let type = change["type"].flatMap(Self.text) ?? parsed?.type
    let name = change["name"].flatMap(Self.text) ?? parsed?.name

    let deposedNode = change["deposed"].flatMap { $0.isNull ? nil : $0 }
    var id = "terraform:" + path + "#" + address
    if let deposedNode { id += "@deposed:" + (Self.text(deposedNode) ?? deposedNode.rawText) }

    let body = change["change"]
    if body?.kind != .mapping {
      graph.diagnose(
        TerraformDiagnostics.malformed(
          "resource change '\(address)' needs a 'change' mapping", at: locate(body ?? change)))
    }
    let details = body?.kind == .mapping ? body : nil

    let calls = steps.map(\.call)
    let relative = type.flatMap { type in name.map { TerraformAddress.relative(mode: mode, type: type, name: $0) } }
    let config = relative.flatMap { configuration.resource($0, in: calls) }

    var attributes = ValueMap()
    attributes["address"] = .yaml(addressNode)
    attributes["module"] =
      moduleNode.map(Value.yaml) ?? steps.last.map { .located(.string($0.address), locate(addressNode)) } ?? .null
    attributes["module_path"] =
      steps.isEmpty ? .list([]) : .located(.list(calls.map(Value.string)), locate(moduleNode ?? addressNode))
    attributes["mode"] = change["mode"].map(Value.yaml) ?? .located(.string(mode), locate(addressNode))
    attributes["type"] = change["type"].map(Value.yaml) ?? type.map { .located(.string($0), locate(addressNode)) }
    attributes["name"] = change["name"].map(Value.yaml) ?? name.map { .located(.string($0), locate(addressNode)) }
    attributes["index"] =
      change["index"].map(Value.yaml) ?? parsed?.key.map { .located($0.value, locate(addressNode)) }
    attributes["provider_name"] = change["provider_name"].map(Value.yaml)
    attributes["actions"] = details?["actions"].map(Value.yaml)
    attributes["deposed"] = deposedNode.map(Value.yaml)
    attributes["previous_address"] = change["previous_address"].map(Value.yaml)
    attributes["action_reason"] = change["action_reason"].map(Value.yaml)
    attributes["deferred"] = deferredReason.map(Value.yaml)
    if let details {
      attributes["before"] = details["before"].map(Value.yaml) ?? .null
      let after = PlannedValue(
        after: details["after"], unknownMask: details["after_unknown"], sensitiveMask: details["after_sensitive"])
      attributes["after"] = .planned(after)
      attributes["values"] = .planned(after)
      attributes["tags"] = Self.effectiveTags(after)
    }
    attributes["provider"] = providerValue(config: config, modulePath: calls, providerName: change["provider_name"])
    attributes["config"] = config?["expressions"].map(Value.yaml)
    attributes["change"] = body.map(Value.yaml)

    let entity = Entity(
      id: EntityID(id), kind: mode == "data" ? EntityKinds.terraformDataSource : EntityKinds.terraformResource,
      type: type, name: address, location: locate(change), attributes: .map(attributes))
    register(
      entity, steps: steps, moduleNode: moduleNode ?? addressNode, relative: deposedNode == nil ? relative : nil,
      config: config, graph: &graph)
    if mode == "managed", deposedNode == nil, let type {
      noteCompanion(entity, type: type, module: steps.last?.address ?? "", config: config)
    }
  }

  /// Adds `entity`, its module entities and containment edge, and indexes it for references.
  private mutating func register(
    _ entity: Entity, steps: [TerraformModuleStep], moduleNode: YAMLNode, relative: String?, config: YAMLNode?,
    graph: inout GraphBuilder
  ) {
    if graph.contains(entity.id) {
      graph.add(entity)  // reports the duplicate id
      return
    }
    graph.add(entity)
    let moduleInstance = steps.last?.address ?? ""
    if let moduleID = ensureModules(steps, at: moduleNode, graph: &graph) {
      graph.connect(entity.id, "inModule", moduleID, at: locate(moduleNode))
    } else {
      graph.connect(entity.id, "inPlan", planID)
    }
    if let relative { instances[moduleInstance + "\u{0}" + relative, default: []].append(entity.id) }
    if let config { referrers.append((entity.id, moduleInstance, config)) }
  }

  /// The parsed module instance address, cached.
  private mutating func moduleSteps(_ text: String) -> [TerraformModuleStep]? {
    if let cached = moduleAddresses[text] { return cached }
    let parsed = TerraformAddress.parseModule(text)
    moduleAddresses[text] = parsed
    return parsed
  }

  // MARK: Modules

  /// Adds the module instance entities along `steps` that do not exist yet, with their
  /// containment edges, and returns the innermost one's id (nil for the root module).
  private mutating func ensureModules(
    _ steps: [TerraformModuleStep], at node: YAMLNode, graph: inout GraphBuilder
  ) -> EntityID? {
    var parent: EntityID?
    var parentAddress = ""
    for (position, step) in steps.enumerated() {
      if let existing = modules[step.address] {
        parent = existing
        parentAddress = step.address
        continue
      }
      let id = EntityID("terraform:" + path + "#" + step.address)
      let calls = steps[0...position].map(\.call)
      let call = configuration.module(calls)?.call
      let location = locate(node)
      var attributes = ValueMap()
      attributes["address"] = .located(.string(step.address), location)
      attributes["call"] = .located(.string(step.call), location)
      attributes["key"] = step.key.map { .located($0.value, location) }
      attributes["module_path"] = .located(.list(calls.map(Value.string)), location)
      attributes["source"] = call?["source"].map(Value.yaml)
      attributes["version_constraint"] = call?["version_constraint"].map(Value.yaml)
      attributes["config"] = call?["expressions"].map(Value.yaml)
      attributes["outputs"] = configuration.module(Array(calls))?.node["outputs"].map(Value.yaml)
      graph.add(
        Entity(
          id: id, kind: EntityKinds.terraformModule, type: nil, name: step.address,
          location: call.map(locate) ?? location, attributes: .map(attributes)))
      modules[step.address] = id
      if let parent {
        graph.connect(id, "inModule", parent)
      } else {
        graph.connect(id, "inPlan", planID)
      }
      moduleChildren[parentAddress + "\u{0}" + step.call, default: []].append(id)
      parent = id
      parentAddress = step.address
    }
    return parent
  }

  // MARK: Data sources read at plan time

  /// Adds every data source in `prior_state.values` (root and child modules) that is not already a
  /// `resource_changes` entry.
  private mutating func addPriorStateDataSources(_ graph: inout GraphBuilder) {
    guard let prior = root["prior_state"], prior.kind == .mapping, let values = prior["values"],
      values.kind == .mapping, let rootModule = values["root_module"]
    else { return }
    var stack: [(module: YAMLNode, address: YAMLNode?)] = [(rootModule, nil)]
    while let (module, addressNode) = stack.popLast() {
      guard module.kind == .mapping else {
        graph.diagnose(TerraformDiagnostics.malformed("a state module must be a mapping", at: locate(module)))
        continue
      }
      if let resources = module["resources"] {
        if resources.kind == .sequence {
          for resource in resources.elements { addStateDataSource(resource, moduleNode: addressNode, graph: &graph) }
        } else {
          graph.diagnose(TerraformDiagnostics.malformed("'resources' must be a list", at: locate(resources)))
        }
      }
      if let children = module["child_modules"] {
        if children.kind == .sequence {
          for child in children.elements.reversed() {
            stack.append((child, child.kind == .mapping ? child["address"] : nil))
          }
        } else {
          graph.diagnose(TerraformDiagnostics.malformed("'child_modules' must be a list", at: locate(children)))
        }
      }
    }
  }

  private mutating func addStateDataSource(_ resource: YAMLNode, moduleNode: YAMLNode?, graph: inout GraphBuilder) {
    guard resource.kind == .mapping, let addressNode = resource["address"], let address = Self.text(addressNode)
    else {
      graph.diagnose(
        TerraformDiagnostics.malformed(
          "a state resource needs a string 'address'; it was skipped", at: locate(resource), severity: .warning))
      return
    }
    let parsed = TerraformAddress.parseResource(address)
    let mode = resource["mode"].flatMap(Self.text) ?? parsed?.mode
    guard mode == "data" else { return }
    let id = EntityID("terraform:" + path + "#" + address)
    guard !graph.contains(id) else { return }
    var steps = parsed?.module ?? []
    if parsed == nil, let text = moduleNode.flatMap(Self.text), let moduleSteps = moduleSteps(text) {
      steps = moduleSteps
    }
    let type = resource["type"].flatMap(Self.text) ?? parsed?.type
    let name = resource["name"].flatMap(Self.text) ?? parsed?.name
    let calls = steps.map(\.call)
    let relative = type.flatMap { type in name.map { TerraformAddress.relative(mode: "data", type: type, name: $0) } }
    let config = relative.flatMap { configuration.resource($0, in: calls) }

    var attributes = ValueMap()
    attributes["address"] = .yaml(addressNode)
    attributes["module"] =
      moduleNode.map(Value.yaml) ?? steps.last.map { .located(.string($0.address), locate(addressNode)) } ?? .null
    attributes["module_path"] =
      steps.isEmpty ? .list([]) : .located(.list(calls.map(Value.string)), locate(moduleNode ?? addressNode))
    attributes["mode"] = resource["mode"].map(Value.yaml)
    attributes["type"] = resource["type"].map(Value.yaml) ?? type.map { .located(.string($0), locate(addressNode)) }
    attributes["name"] = resource["name"].map(Value.yaml) ?? name.map { .located(.string($0), locate(addressNode)) }
    attributes["index"] =
      resource["index"].map(Value.yaml) ?? parsed?.key.map { .located($0.value, locate(addressNode)) }
    attributes["provider_name"] = resource["provider_name"].map(Value.yaml)
    attributes["values"] = resource["values"].map(Value.yaml)
    attributes["sensitive_values"] = resource["sensitive_values"].map(Value.yaml)
    attributes["provider"] = providerValue(config: config, modulePath: calls, providerName: resource["provider_name"])
    attributes["config"] = config?["expressions"].map(Value.yaml)

    let entity = Entity(
      id: id, kind: EntityKinds.terraformDataSource, type: type, name: address, location: locate(resource),
      attributes: .map(attributes))
    register(
      entity, steps: steps, moduleNode: moduleNode ?? addressNode, relative: relative, config: config, graph: &graph)
  }

  // MARK: References

  /// Adds a `references` edge from every entity to each resource instance (same module instance)
  /// or child module instance its configuration expressions reference, and the inverse
  /// `referencedBy` edge (same location), so that a rule finds what references an entity (a
  /// bucket's versioning, policy, …) by following edges instead of scanning a kind.
  private mutating func connectReferences(_ graph: inout GraphBuilder) {
    for referrer in referrers {
      for (expression, targets) in configuration.references(of: referrer.config) {
        var location: SourceLocation?
        for target in targets {
          let ids: [EntityID]
          switch target {
          case .resource(let relative): ids = instances[referrer.module + "\u{0}" + relative] ?? []
          case .module(let call): ids = moduleChildren[referrer.module + "\u{0}" + call] ?? []
          }
          for id in ids where id != referrer.id {
            if location == nil { location = locate(expression) }
            graph.connect(referrer.id, "references", id, at: location)
            graph.connect(id, "referencedBy", referrer.id, at: location)
          }
        }
      }
    }
  }

  // MARK: Companion resources

  /// Remembers an `aws_s3_bucket` by its bucket name, or an untagged companion resource.
  private mutating func noteCompanion(_ entity: Entity, type: String, module: String, config: YAMLNode?) {
    let after = entity.attributes["after"]
    if type == "aws_s3_bucket" {
      if let name = after["bucket"].string { bucketsByName[name, default: []].append(entity.id) }
      return
    }
    guard let argument = TerraformCompanions.parentArgument(ofType: type),
      TerraformCompanions.isUntagged(entity.attributes["tags"])
    else { return }
    companions.append(
      Companion(
        id: entity.id, module: module, config: config, argument: argument, index: entity.attributes["index"],
        planned: after[argument]))
  }

  /// Adds a `companionOf` edge from every companion to the resource it belongs to (inverse
  /// `hasCompanion`): the one resource its argument's configuration expression references (the
  /// instance with the same key, or the key written in the reference, when the resource has
  /// several), else, for S3, the one bucket of the plan whose planned name is the argument's value.
  private mutating func connectCompanions(_ graph: inout GraphBuilder) {
    for companion in companions {
      var parent: (id: EntityID, at: SourceLocation)?
      if let found = configuredParent(of: companion, graph) {
        parent = found
      } else if companion.argument == "bucket", let name = companion.planned.string,
        let buckets = bucketsByName[name], buckets.count == 1, buckets[0] != companion.id
      {
        parent = (buckets[0], companion.planned.location ?? root.location)
      }
      guard let parent else { continue }
      graph.connect(companion.id, "companionOf", parent.id, at: parent.at)
      graph.connect(parent.id, "hasCompanion", companion.id, at: parent.at)
    }
  }

  /// The resource instance a companion's argument expression references, with the expression's
  /// location; nil when it references none, or several resources, or an instance cannot be picked.
  private func configuredParent(of companion: Companion, _ graph: GraphBuilder) -> (id: EntityID, at: SourceLocation)? {
    guard let expressions = companion.config?["expressions"], expressions.kind == .mapping,
      let expression = expressions[companion.argument], expression.kind == .mapping,
      let references = expression["references"], references.kind == .sequence
    else { return nil }
    var relatives: [String] = []
    var writtenKey: TerraformInstanceKey?
    for reference in references.elements {
      guard let text = reference.string, case .resource(let relative)? = TerraformAddress.referenceTarget(text) else {
        continue
      }
      if !relatives.contains(relative) { relatives.append(relative) }
      if let parsed = TerraformAddress.parseResource(text), let key = parsed.key { writtenKey = key }
    }
    guard relatives.count == 1 else { return nil }
    var ids = (instances[companion.module + "\u{0}" + relatives[0]] ?? []).filter { $0 != companion.id }
    if ids.count > 1 {
      let wanted = writtenKey.map { Self.keyText($0.value) } ?? companion.index.map(Self.keyText)
      guard let wanted else { return nil }
      ids = ids.filter { graph.entity($0).map { Self.keyText($0.attributes["index"]) } == wanted }
    }
    guard ids.count == 1 else { return nil }
    return (ids[0], expression.location)
  }

  /// An instance key's text (`0`, `eu`) for comparing keys.
  private static func keyText(_ value: Value) -> String {
    value.string ?? value.int.map(String.init) ?? ""
  }

  // MARK: Providers

  /// The `provider` attribute: the provider configuration a resource uses, with its region.
  private mutating func providerValue(config: YAMLNode?, modulePath: [String], providerName: YAMLNode?) -> Value {
    let keyNode = config?["provider_config_key"]
    let key = keyNode.flatMap(Self.text)
    // Every instance of a configuration resource shares its provider: resolve it once.
    let cacheKey = key.map { $0 + "\u{0}" + modulePath.joined(separator: "\u{1}") }
    if let cacheKey, let cached = providerCache[cacheKey] { return cached }
    let value = resolveProvider(keyNode: keyNode, key: key, modulePath: modulePath, providerName: providerName)
    if let cacheKey { providerCache[cacheKey] = value }
    return value
  }

  private mutating func resolveProvider(keyNode: YAMLNode?, key: String?, modulePath: [String], providerName: YAMLNode?) -> Value {
    var provider = ValueMap()
    let match = key.flatMap { configuration.provider(key: $0, modulePath: modulePath) }
    if let keyNode { provider["key"] = .yaml(keyNode) }

    // The local name and alias written in the key (`aws.eu` in `module.a:aws.eu`), or in a
    // pre-0.13 `provider_name` (`null.aliased`); a registry `provider_name` names the type only.
    var localName: (name: String, alias: String?, at: SourceLocation)?
    if let key, let keyNode {
      localName = Self.splitLocalName(TerraformConfiguration.localName(ofKey: key), at: locate(keyNode))
    } else if let providerName, let text = Self.text(providerName) {
      if text.contains("/") {
        let type = text.split(separator: "/").last.map(String.init) ?? text
        localName = (type, nil, locate(providerName))
      } else {
        localName = Self.splitLocalName(text, at: locate(providerName))
      }
    }

    if let match {
      let entry = match.entry
      provider["name"] = entry["name"].map(Value.yaml) ?? localName.map { .located(.string($0.name), $0.at) }
      provider["alias"] = entry["alias"].map(Value.yaml)
      provider["full_name"] = entry["full_name"].map(Value.yaml) ?? Self.fullName(providerName)
      provider["module_address"] = entry["module_address"].map(Value.yaml)
      provider["version_constraint"] = entry["version_constraint"].map(Value.yaml)
      provider["resolved_key"] = .located(.string(match.key), locate(match.keyNode))
      let region = configuration.providerSetting("region", of: match)
      if !region.isMissing { provider["region"] = region }
      let providerType = entry["name"].flatMap(Self.text) ?? localName?.name ?? ""
      if providerType.hasPrefix("google") {
        for setting in ["project", "zone"] {
          let value = configuration.providerSetting(setting, of: match)
          if !value.isMissing { provider[setting] = value }
        }
      }
      provider["expressions"] = entry["expressions"].map(Value.yaml)
    } else {
      provider["name"] = localName.map { .located(.string($0.name), $0.at) }
      if let localName, let alias = localName.alias { provider["alias"] = .located(.string(alias), localName.at) }
      provider["full_name"] = Self.fullName(providerName)
    }
    return .map(provider)
  }

  /// `aws.eu` → (aws, eu); `aws` → (aws, nil).
  private static func splitLocalName(_ text: String, at location: SourceLocation) -> (
    name: String, alias: String?, at: SourceLocation
  ) {
    guard let dot = text.firstIndex(of: ".") else { return (text, nil, location) }
    return (String(text[..<dot]), String(text[text.index(after: dot)...]), location)
  }

  /// A registry `provider_name` (`registry.terraform.io/hashicorp/aws`) as the full name.
  private static func fullName(_ node: YAMLNode?) -> Value? {
    guard let node, let text = text(node), text.contains("/") else { return nil }
    return .yaml(node)
  }

  // MARK: Values

  /// The effective tags of a planned resource: `tags_all` when known (it includes the provider's
  /// `default_tags`), else `tags`, else `labels` (Google); unknown stays unknown.
  static func effectiveTags(_ after: PlannedValue) -> Value? {
    if after.isUnknown { return .unknown }
    let tagsAll = child(after, "tags_all")
    if let node = tagsAll.after, node.kind == .mapping, !tagsAll.isUnknown { return .planned(tagsAll) }
    let tags = child(after, "tags")
    if tags.isUnknown { return .unknown }
    if let node = tags.after {
      // Default tags not known yet: the effective set is unknown even if `tags` is unset.
      if node.isNull && tagsAll.isUnknown { return .unknown }
      return .planned(tags)
    }
    let labels = child(after, "labels")
    if labels.after != nil || labels.isUnknown { return .planned(labels) }
    if tagsAll.isUnknown { return .unknown }
    return nil
  }

  /// The planned value of member `key`, with its masks.
  static func child(_ value: PlannedValue, _ key: String) -> PlannedValue {
    PlannedValue(
      after: value.after?.kind == .mapping ? value.after?[key] : nil,
      unknownMask: value.unknownMask?.kind == .mapping ? value.unknownMask?[key] : nil,
      sensitiveMask: value.sensitiveMask?.kind == .mapping ? value.sensitiveMask?[key] : nil)
  }

  /// The text of a non-null scalar.
  static func text(_ node: YAMLNode) -> String? {
    guard node.kind == .scalar, !node.isNull else { return nil }
    return node.string
  }
}
