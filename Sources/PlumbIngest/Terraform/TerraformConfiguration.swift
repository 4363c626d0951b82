import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// An index over a plan's `configuration` (the unevaluated configuration of every module) and its
/// top-level `variables`, for finding a resource instance's configuration block and provider
/// configuration and for statically resolving simple expressions (data-residency.md §1.5, §2.5).
struct TerraformConfiguration {
  /// One module of the configuration tree (a module *call*, shared by all its instances).
  struct Module {
    /// The module's mapping (`root_module` or `module_calls.<name>.module`).
    let node: YAMLNode
    /// The `module_calls.<name>` entry that calls it (nil for the root module).
    let call: YAMLNode?
    /// The configuration resources by module-relative address (`aws_s3_bucket.b`, `data.x.y`).
    var resources: [String: YAMLNode] = [:]
  }

  /// A provider configuration found for a resource.
  struct ProviderMatch {
    /// The `provider_config` key that matched.
    let key: String
    /// The key's node (for spans).
    let keyNode: YAMLNode
    /// The provider configuration mapping.
    let entry: YAMLNode
  }

  /// `configuration.provider_config` entries by key.
  private(set) var providers: [String: (key: YAMLNode, entry: YAMLNode)] = [:]
  /// Modules by call path joined with "." ("" is the root).
  private(set) var modules: [String: Module] = [:]
  /// The plan's top-level `variables` (root module input values).
  let variables: YAMLNode?
  /// Shape problems found while indexing.
  private(set) var diagnostics: [Diagnostic] = []
  /// Positions of nodes in the plan file.

  /// Evaluated provider settings, by provider_config key and attribute.
  private var evaluated: [String: Value] = [:]
  /// Resolved provider_config keys, by module path and requested key.
  private var resolvedKeys: [String: String?] = [:]
  /// Extracted references, by configuration resource node.
  private var referenceCache: [YAMLNode: [(expression: YAMLNode, targets: [TerraformReferenceTarget])]] = [:]

  init(configuration: YAMLNode?, variables: YAMLNode?) {
    self.variables = variables?.kind == .mapping ? variables : nil
    guard let configuration else { return }
    guard configuration.kind == .mapping else {
      malformed("'configuration' must be a mapping", configuration)
      return
    }
    if let providerConfig = configuration["provider_config"] {
      if providerConfig.kind == .mapping {
        for pair in providerConfig.pairs {
          guard let key = pair.key.string, pair.value.kind == .mapping else {
            malformed("a 'provider_config' entry must be a mapping", pair.value)
            continue
          }
          if providers[key] == nil { providers[key] = (pair.key, pair.value) }
        }
      } else {
        malformed("'provider_config' must be a mapping", providerConfig)
      }
    }
    if let root = configuration["root_module"] {
      index(module: root, call: nil, path: "")
    }
  }

  /// Indexes `node` and its module calls, breadth-first with an explicit queue (no recursion).
  private mutating func index(module node: YAMLNode, call: YAMLNode?, path: String) {
    var queue: [(node: YAMLNode, call: YAMLNode?, path: String)] = [(node, call, path)]
    var next = 0
    while next < queue.count {
      let (node, call, path) = queue[next]
      next += 1
      guard node.kind == .mapping else {
        malformed("a configuration module must be a mapping", node)
        continue
      }
      guard modules[path] == nil else { continue }
      var module = Module(node: node, call: call)
      if let resources = node["resources"] {
        if resources.kind == .sequence {
          for resource in resources.elements {
            guard resource.kind == .mapping, let address = resource["address"]?.string else {
              malformed("a configuration resource needs a string 'address'", resource)
              continue
            }
            if module.resources[address] == nil { module.resources[address] = resource }
          }
        } else {
          malformed("'resources' must be a list", resources)
        }
      }
      modules[path] = module
      guard let calls = node["module_calls"] else { continue }
      guard calls.kind == .mapping else {
        malformed("'module_calls' must be a mapping", calls)
        continue
      }
      for pair in calls.pairs {
        guard let name = pair.key.string, pair.value.kind == .mapping else {
          malformed("a module call must be a mapping", pair.value)
          continue
        }
        let childPath = path.isEmpty ? name : path + "." + name
        if let child = pair.value["module"] {
          queue.append((child, pair.value, childPath))
        } else if modules[childPath] == nil {
          modules[childPath] = Module(node: pair.value, call: pair.value)
        }
      }
    }
  }

  private mutating func malformed(_ message: String, _ node: YAMLNode) {
    diagnostics.append(TerraformDiagnostics.malformed(message, at: node.location))
  }

  // MARK: Lookup

  /// The configuration module at a call path (call names without instance keys).
  func module(_ path: [String]) -> Module? {
    modules[path.joined(separator: ".")]
  }

  /// The configuration block of the resource `relative` (`aws_s3_bucket.b`) in the module at `path`.
  func resource(_ relative: String, in path: [String]) -> YAMLNode? {
    modules[path.joined(separator: ".")]?.resources[relative]
  }

  // MARK: Providers

  /// Finds the provider configuration for a configuration resource's `provider_config_key`.
  ///
  /// The key is looked up as is. Plans before Terraform 1.2 may name keys that do not exist (a
  /// resource in module `a.b` says `b:aws` while the configuration, if any, is `module.a.module.b:aws`,
  /// or the provider is inherited from a parent). Then the provider's local name (`aws`, `aws.eu`)
  /// is looked up in the resource's module, then in each enclosing module up to the root, the way
  /// Terraform passes default providers down implicitly (data-residency.md §1.5).
  mutating func provider(key: String, modulePath: [String]) -> ProviderMatch? {
    let cacheKey = modulePath.joined(separator: ".") + "\u{0}" + key
    let resolved: String?
    if let cached = resolvedKeys[cacheKey] {
      resolved = cached
    } else {
      resolved = resolveKey(key, modulePath: modulePath)
      resolvedKeys[cacheKey] = resolved
    }
    guard let resolved, let found = providers[resolved] else { return nil }
    return ProviderMatch(key: resolved, keyNode: found.key, entry: found.entry)
  }

  private func resolveKey(_ key: String, modulePath: [String]) -> String? {
    if providers[key] != nil { return key }
    let local = Self.localName(ofKey: key)
    var depth = modulePath.count
    while depth > 0 {
      let prefix = modulePath[0..<depth].map { "module." + $0 }.joined(separator: ".")
      if providers[prefix + ":" + local] != nil { return prefix + ":" + local }
      // Terraform 0.12 keyed provider blocks in modules by the call name alone (`foo:null.aliased`).
      let legacy = modulePath[depth - 1] + ":" + local
      if let entry = providers[legacy]?.entry, entry["module_address"]?.string == modulePath[depth - 1] {
        return legacy
      }
      depth -= 1
    }
    return providers[local] != nil ? local : nil
  }

  /// `aws.eu` for `module.a:aws.eu`, `aws` for `aws`.
  static func localName(ofKey key: String) -> String {
    guard let colon = key.lastIndex(of: ":") else { return key }
    return String(key[key.index(after: colon)...])
  }

  /// The module call path a provider configuration belongs to (its `module_address`, keys stripped).
  static func scope(of entry: YAMLNode) -> [String] {
    guard let address = entry["module_address"]?.string, !address.isEmpty else { return [] }
    if let steps = TerraformAddress.parseModule(address) { return steps.map(\.call) }
    // Terraform 0.12 wrote the bare call name.
    return address.split(separator: ".").map(String.init).filter { $0 != "module" }
  }

  /// A provider setting (`region`, `project`, `zone`) of a provider configuration: its value view
  /// when it is a constant or a variable that resolves statically, ``Value/unknown`` when it is an
  /// expression that cannot be resolved, ``Value/missing`` when the configuration does not set it.
  mutating func providerSetting(_ name: String, of match: ProviderMatch) -> Value {
    let cacheKey = match.key + "\u{0}" + name
    if let cached = evaluated[cacheKey] { return cached }
    let expression = match.entry["expressions"].flatMap { $0.kind == .mapping ? $0[name] : nil }
    let value = evaluate(expression, scope: Self.scope(of: match.entry), depth: 0)
    evaluated[cacheKey] = value
    return value
  }

  // MARK: Expressions

  /// Statically evaluates an expression representation (`{constant_value}` or `{references}`).
  ///
  /// A `constant_value` is the value. A single reference to an input variable (after dropping the
  /// traversal prefixes Terraform lists too) resolves through the top-level `variables` (root
  /// module) or the calling module's argument expression, then the variable's declared default.
  /// Anything else (locals, resources, function calls, several references) is unknown.
  ///
  /// - Returns: a `.yaml` view of the value's node, ``Value/unknown``, or ``Value/missing`` when
  ///   there is no expression.
  func evaluate(_ expression: YAMLNode?, scope: [String], depth: Int) -> Value {
    guard let expression else { return .missing }
    guard depth < 32, expression.kind == .mapping else { return .unknown }
    if let constant = expression["constant_value"] { return .yaml(constant) }
    guard let references = expression["references"], references.kind == .sequence else { return .unknown }
    let texts = references.elements.compactMap(\.string)
    let specific = texts.filter { text in !texts.contains { TerraformAddress.isTraversalPrefix(text, of: $0) } }
    guard specific.count == 1, let reference = TerraformAddress.variableReference(specific[0]) else {
      return .unknown
    }
    let base = variable(reference.name, scope: scope, depth: depth)
    return Self.traverse(base, reference.path)
  }

  /// The value of input variable `name` in the module at `scope`.
  private func variable(_ name: String, scope: [String], depth: Int) -> Value {
    if scope.isEmpty {
      if let value = variables?[name].flatMap({ $0.kind == .mapping ? $0["value"] : nil }) { return .yaml(value) }
    } else if let call = module(scope)?.call,
      let argument = call["expressions"].flatMap({ $0.kind == .mapping ? $0[name] : nil })
    {
      return evaluate(argument, scope: Array(scope.dropLast()), depth: depth + 1)
    }
    if let declared = module(scope)?.node["variables"].flatMap({ $0.kind == .mapping ? $0[name] : nil }),
      declared.kind == .mapping, let value = declared["default"]
    {
      return .yaml(value)
    }
    return .unknown
  }

  /// Applies a traversal to a resolved value; unknown when a step does not exist.
  private static func traverse(_ value: Value, _ path: [PathComponent]) -> Value {
    guard !path.isEmpty else { return value }
    guard case .yaml(var node) = value else { return .unknown }
    for component in path {
      switch component {
      case .key(let key):
        guard node.kind == .mapping, let child = node[key] else { return .unknown }
        node = child
      case .index(let index):
        if node.kind == .sequence, let child = node[index] {
          node = child
        } else if node.kind == .mapping, let child = node[String(index)] {
          node = child
        } else {
          return .unknown
        }
      }
    }
    return .yaml(node)
  }

  // MARK: References

  /// The references to resources and modules in a configuration resource's expressions
  /// (`expressions`, `count_expression`, `for_each_expression`), one entry per expression with the
  /// distinct targets in order. Cached per configuration block, which all instances share.
  mutating func references(of resource: YAMLNode) -> [(expression: YAMLNode, targets: [TerraformReferenceTarget])] {
    if let cached = referenceCache[resource] { return cached }
    var found: [(expression: YAMLNode, targets: [TerraformReferenceTarget])] = []
    var stack: [YAMLNode] = []
    for key in ["for_each_expression", "count_expression", "expressions"] {
      if let node = resource[key] { stack.append(node) }
    }
    // Depth-first in source order: push children in reverse.
    stack.reverse()
    while let node = stack.popLast() {
      switch node.kind {
      case .scalar:
        continue
      case .sequence:
        for element in node.elements.reversed() { stack.append(element) }
      case .mapping:
        if let references = node["references"], references.kind == .sequence {
          var targets: [TerraformReferenceTarget] = []
          var seen = Set<TerraformReferenceTarget>()
          for reference in references.elements {
            guard let text = reference.string, let target = TerraformAddress.referenceTarget(text) else { continue }
            if seen.insert(target).inserted { targets.append(target) }
          }
          if !targets.isEmpty { found.append((node, targets)) }
        }
        // Nested blocks are mappings of expressions; constant values hold no references.
        for pair in node.pairs.reversed()
        where !pair.key.scalarEquals("constant_value") && !pair.key.scalarEquals("references") {
          stack.append(pair.value)
        }
      }
    }
    referenceCache[resource] = found
    return found
  }
}
