import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// Turns one root file's merged configuration into the pipeline, job and template entities and
/// their edges.
struct GitLabPipelineBuilder {
  let input: LoadedInput
  let merged: GitLabMergedConfig
  private var resolver: GitLabResolver
  private(set) var diagnostics: [Diagnostic] = []
  private(set) var entities: [Entity] = []
  private(set) var edges: [Edge] = []
  /// Local files that jobs start as child pipelines (`trigger: include:`), for `triggers` edges.
  private(set) var triggers: [(job: EntityID, include: GitLabInclude)] = []

  init(input: LoadedInput, merged: GitLabMergedConfig) {
    self.input = input
    self.merged = merged
    self.resolver = GitLabResolver(top: merged.top, unfetched: merged.unfetched)
  }

  var pipelineID: EntityID { EntityID("gitlab:" + input.path) }
  func jobID(_ name: String) -> EntityID { EntityID("gitlab:" + input.path + "#" + name) }

  /// Resolved global keywords, effective stages, default keywords and global variables.
  private struct Globals {
    var resolved: [(key: String, value: GitLabNode)] = []
    var stages: [Value] = []
    var stageNames: Set<String> = []
    var defaults = GitLabMap()
    var variables: [String: String] = [:]
    /// The pipeline's variable definitions for the dataflow: `variables:` and `workflow: rules: variables:`.
    var variableDefinitions: [GitLabDataflow.Definition] = []
  }

  mutating func build() {
    let top = merged.top
    let pipelineLocation = merged.configRoot?.location ?? fileStart()
    let globals = resolveGlobals(pipelineLocation: pipelineLocation)

    // Which top-level keys are jobs and templates.
    var jobNames: [String] = []
    var templateNames: [String] = []
    for key in top.keys where !GitLabKeywords.global.contains(key) {
      guard let value = top[key] else { continue }
      if value.isMapping {
        if key.hasPrefix(".") { templateNames.append(key) } else { jobNames.append(key) }
      } else if !key.hasPrefix(".") {
        let at = merged.definitions[key].map { SourceLocation.spanning($0.key, $0.value) } ?? pipelineLocation
        diagnostics.append(
          Diagnostic(
            code: "gitlab.invalid-job",
            message: "job '\(key)' must be a mapping of keywords",
            location: at))
      }
    }
    let jobs = Set(jobNames)

    for key in top.keys where !GitLabKeywords.global.contains(key) {
      guard let value = top[key], value.isMapping else { continue }
      buildJob(key, hidden: key.hasPrefix("."), globals: globals, jobs: jobs)
    }

    // The pipeline itself.
    var attributes = ValueMap()
    for (key, value) in globals.resolved { attributes[key] = value.value }
    if let include = merged.rootInclude { attributes["include"] = .yaml(include) }
    attributes["stages"] = .list(globals.stages)
    attributes["includes"] = .list(merged.includes.map(\.value))
    if let spec = merged.spec { attributes["spec"] = .yaml(spec) }
    entities.insert(
      Entity(
        id: pipelineID, kind: EntityKinds.gitlabPipeline, type: nil, name: input.path,
        location: pipelineLocation, attributes: .map(attributes)),
      at: 0)
    diagnostics.append(contentsOf: resolver.diagnostics)
  }

  private mutating func resolveGlobals(pipelineLocation: SourceLocation) -> Globals {
    var globals = Globals()
    let top = merged.top
    for key in top.keys where GitLabKeywords.global.contains(key) {
      guard let value = top[key] else { continue }
      globals.resolved.append((key, resolver.resolve(value)))
    }
    func resolved(_ key: String) -> GitLabNode? { globals.resolved.first { $0.key == key }?.value }

    // Stages: `stages` (or its old name `types`), `.pre` first and `.post` last.
    let stagesNode = resolved("stages") ?? resolved("types")
    var stages: [Value] = []
    var names: [String] = []
    if let stagesNode {
      for element in stagesNode.flattened() {
        guard let name = element.string else { continue }
        stages.append(element.value)
        names.append(name)
      }
    } else {
      for name in GitLabKeywords.defaultStages {
        stages.append(.located(.string(name), pipelineLocation))
        names.append(name)
      }
    }
    let edgeLocation = stagesNode?.anyNode?.location ?? pipelineLocation
    if !names.contains(".pre") {
      stages.insert(.located(.string(".pre"), edgeLocation), at: 0)
      names.insert(".pre", at: 0)
    }
    if !names.contains(".post") {
      stages.append(.located(.string(".post"), edgeLocation))
      names.append(".post")
    }
    globals.stages = stages
    globals.stageNames = Set(names)

    // Defaults: the deprecated top-level keywords, overridden by `default:`.
    for key in GitLabKeywords.legacyGlobalDefaults {
      if let value = resolved(key) { globals.defaults.set(key, keyNode: top.entry(key)?.key, value: value) }
    }
    if let defaults = resolved("default")?.asMap {
      for key in defaults.keys {
        if let entry = defaults.entry(key) { globals.defaults.set(key, keyNode: entry.key, value: entry.value) }
      }
    }
    globals.variables = Self.variables(resolved("variables"))
    globals.variableDefinitions = GitLabDataflow.definitions(resolved("variables"), scope: "variables:")
    for rule in resolved("workflow")?["rules"]?.flattened() ?? [] {
      globals.variableDefinitions += GitLabDataflow.definitions(rule["variables"], scope: "workflow: rules: variables:")
    }
    return globals
  }

  /// The string values of a `variables:` mapping (`NAME: value` or `NAME: {value: …}`).
  private static func variables(_ node: GitLabNode?) -> [String: String] {
    guard let map = node?.asMap else { return [:] }
    var result: [String: String] = [:]
    for key in map.keys {
      guard let value = map[key] else { continue }
      if let text = value.string {
        result[key] = text
      } else if let text = value["value"]?.string {
        result[key] = text
      }
    }
    return result
  }

  private func fileStart() -> SourceLocation {
    let start = SourcePosition(line: 1, column: 1, offset: 0)
    return SourceLocation(path: input.path, span: SourceSpan(start: start, end: start))
  }

  // MARK: Jobs

  private mutating func buildJob(_ name: String, hidden: Bool, globals: Globals, jobs: Set<String>) {
    guard let definition = merged.definitions[name], let written = merged.top[name] else { return }
    let id = jobID(name)
    let keyLocation = definition.key.location
    let location = SourceLocation.spanning(definition.key, definition.value)

    let extended = resolver.extendedEntry(name) ?? written
    var job = resolver.resolve(extended).asMap ?? GitLabMap()
    if !hidden { inheritDefaults(into: &job, globals: globals) }
    let jobNode = GitLabNode.map(job)

    var attributes = job.valueMap
    attributes["name"] = .located(.string(name), keyLocation)
    attributes["hidden"] = .located(.bool(hidden), keyLocation)

    // Stage.
    var stage: String?
    if let stageNode = job["stage"], let text = stageNode.string {
      stage = text
      attributes["stage"] = stageNode.value
      if !hidden && !globals.stageNames.contains(text) {
        unknownStage(text, job: name, at: stageNode.anyNode?.location ?? keyLocation)
      }
    } else if !hidden {
      stage = "test"
      attributes["stage"] = .located(.string("test"), keyLocation)
      if !globals.stageNames.contains("test") {
        unknownStage("test", job: name, at: keyLocation)
      }
    }

    attributes["script_lines"] = .list(scriptLines(job))

    let variables = Self.variables(job["variables"])
    let lookup: (String) -> String? = { variables[$0] ?? globals.variables[$0] }
    if let image = job["image"], let node = Self.imageNameNode(image) {
      attributes["image_ref"] = GitLabImageReference.value(for: node, variables: lookup)
    }
    var services: [Value] = []
    if let servicesNode = job["services"] {
      for service in servicesNode.flattened() {
        if let node = Self.imageNameNode(service) {
          services.append(GitLabImageReference.value(for: node, variables: lookup))
        }
      }
    }
    attributes["services_refs"] = .list(services)
    attributes["rules_list"] = .list(job["rules"].map { $0.flattened().map(\.value) } ?? [])
    if let when = job["when"] {
      attributes["when"] = when.value
    } else if !hidden {
      attributes["when"] = .located(.string("on_success"), keyLocation)
    }
    if let environment = job["environment"] {
      let nameNode = environment.isMapping ? environment["name"] : environment
      if let nameNode, nameNode.string != nil { attributes["environment_name"] = nameNode.value }
    }
    let chain = resolver.extendsChain(name)
    attributes["extends_chain"] = .list(chain.map { .located(.string($0.name), $0.node.location) })
    let (sinks, tainted): ([Value], [String: GitLabDataflow.Taint]) =
      hidden ? ([], [:]) : dataflow(job, name: name, chain: chain.map(\.name), globals: globals)
    attributes["tainted_sinks"] = .list(sinks)
    attributes["tainted_variables"] = GitLabDataflow.taintValues(tainted)

    entities.append(
      Entity(
        id: id, kind: hidden ? EntityKinds.gitlabTemplate : EntityKinds.gitlabJob, type: stage, name: name,
        location: location, attributes: .map(attributes)))

    // Edges.
    edges.append(Edge(from: id, type: "inPipeline", to: pipelineID, location: keyLocation))
    for (target, node) in resolver.extendsTargets(written)
    where merged.top[target]?.isMapping == true && !GitLabKeywords.global.contains(target) {
      edges.append(Edge(from: id, type: "extends", to: jobID(target), location: node.location))
    }
    if !hidden {
      needsEdges(jobNode, from: name, jobs: jobs)
      dependencyEdges(jobNode, from: name, jobs: jobs)
      childPipelines(jobNode, from: name)
    }
  }

  /// `trigger: include:` entries naming local files (child pipelines of this repository).
  private mutating func childPipelines(_ job: GitLabNode, from name: String) {
    guard let trigger = job["trigger"], trigger.isMapping, let include = trigger["include"] else { return }
    var nodes: [YAMLNode] = []
    if case .yaml(let node) = include {
      nodes = [node]
    } else {
      nodes = include.flattened().compactMap(\.yamlNode)
    }
    for node in nodes {
      // `trigger: include:` also accepts `artifact:`/`job:` entries (dynamic child pipelines).
      if node.kind == .mapping && node["artifact"] != nil { continue }
      for entry in GitLabIncludeParser.parse(node, problems: &diagnostics) where entry.kind == .local {
        triggers.append((jobID(name), entry))
      }
    }
  }

  private mutating func unknownStage(_ stage: String, job: String, at location: SourceLocation) {
    diagnostics.append(
      Diagnostic(
        code: "gitlab.unknown-stage", severity: resolver.unresolvedSeverity,
        message: "job '\(job)' uses stage '\(stage)', which is not in 'stages'",
        location: location, notes: resolver.unresolvedNotes))
  }

  /// Copies the `default:` keywords the job does not set, as `inherit: default:` allows.
  private func inheritDefaults(into job: inout GitLabMap, globals: Globals) {
    guard globals.defaults.count > 0 else { return }
    var allowed: Set<String>?  // nil: all
    if let inherit = job["inherit"]?["default"] {
      if let node = inherit.yamlNode, node.kind == .scalar {
        if node.value == .bool(false) { return }
      } else {
        allowed = Set(inherit.flattened().compactMap(\.string))
      }
    }
    for key in GitLabKeywords.defaultable where !job.contains(key) && (allowed?.contains(key) ?? true) {
      guard let entry = globals.defaults.entry(key) else { continue }
      job.set(key, keyNode: entry.key, value: entry.value)
    }
  }

  /// `before_script`, `script` and `after_script` entries in order, each pointing at its node.
  private func scriptLines(_ job: GitLabMap) -> [Value] {
    scriptEntries(job, ["before_script", "script", "after_script"]).map { .located(.string($0.text), $0.location) }
  }

  /// The entries of script sections, in order.
  private func scriptEntries(_ job: GitLabMap, _ keys: [String]) -> [(text: String, location: SourceLocation)] {
    var entries: [(text: String, location: SourceLocation)] = []
    for key in keys {
      guard let section = job[key] else { continue }
      for element in section.flattened() {
        guard case .yaml(let node) = element, node.kind == .scalar, !node.isNull, let text = node.string else { continue }
        entries.append((text, node.location))
      }
    }
    return entries
  }

  /// The job's untrusted variables and the places its scripts run them (``GitLabDataflow``):
  /// the pipeline's variables as `inherit: variables:` allows, the job's own (after `extends`
  /// and `!reference`), and every rule's `variables:`. `before_script` and `script` share one
  /// shell; `after_script` runs in another.
  private func dataflow(
    _ job: GitLabMap, name: String, chain: [String], globals: Globals
  ) -> ([Value], [String: GitLabDataflow.Taint]) {
    var inherited: [GitLabDataflow.Definition] = globals.variableDefinitions
    if let inherit = job["inherit"]?["variables"] {
      if let node = inherit.yamlNode, node.kind == .scalar {
        if node.value == .bool(false) { inherited = [] }
      } else {
        let allowed = Set(inherit.flattened().compactMap(\.string))
        inherited = inherited.filter { allowed.contains($0.name) }
      }
    }
    var definitions = GitLabDataflow.definitions(job["variables"], scope: "variables:")
    var ruleDefinitions: [GitLabDataflow.Definition] = []
    for rule in job["rules"]?.flattened() ?? [] {
      ruleDefinitions += GitLabDataflow.definitions(rule["variables"], scope: "rules: variables:")
    }
    // Say where each of the job's definitions is written: the job itself, an entry it extends,
    // or elsewhere (a `!reference` target, an included file's `default:`).
    func written(_ definition: GitLabDataflow.Definition) -> GitLabDataflow.Definition {
      var labelled = definition
      labelled.scope = "job '\(name)' " + definition.scope
      guard let node = definition.node else { return labelled }
      let location = node.location
      for entry in [name] + chain {
        guard let written = merged.definitions[entry]?.value.location, written.path == location.path,
          written.span.start.offset <= location.span.start.offset, location.span.end.offset <= written.span.end.offset
        else { continue }
        if entry != name {
          labelled.scope = "'\(entry)' " + definition.scope
          labelled.origin = "extends"
        }
        return labelled
      }
      labelled.origin = "by !reference"
      return labelled
    }
    definitions = definitions.map(written)
    let own = Set(definitions.map(\.name))
    definitions += inherited.filter { !own.contains($0.name) }
    definitions += ruleDefinitions.map(written)
    let tainted = GitLabDataflow.propagate(definitions)
    let sessions = [scriptEntries(job, ["before_script", "script"]), scriptEntries(job, ["after_script"])]
    return (GitLabDataflow.sinkValues(sessions: sessions, tainted: tainted), tainted)
  }

  /// The node naming the image: the string itself, or the `name` of `{name: …}`.
  private static func imageNameNode(_ image: GitLabNode) -> YAMLNode? {
    let nameNode = image.isMapping ? image["name"] : image
    guard case .yaml(let node)? = nameNode, node.kind == .scalar, !node.isNull, node.string != nil else { return nil }
    return node
  }

  // MARK: needs and dependencies

  /// The job a `needs`/`dependencies` name points at: the job itself, or for a `parallel:matrix`
  /// instance (`build: [linux, amd64]`) the job it comes from.
  private static func target(_ name: String, in jobs: Set<String>) -> String? {
    if jobs.contains(name) { return name }
    if name.hasSuffix("]"), let open = name.range(of: ": [") {
      let base = String(name[..<open.lowerBound])
      if jobs.contains(base) { return base }
    }
    return nil
  }

  private mutating func needsEdges(_ job: GitLabNode, from name: String, jobs: Set<String>) {
    guard let needs = job["needs"] else { return }
    let id = jobID(name)
    for element in needs.flattened() {
      var targetName: String?
      var targetNode: YAMLNode?
      var optional = false
      if let text = element.string {
        targetName = text
        targetNode = element.yamlNode
      } else if element.isMapping {
        // Cross-project and parent-pipeline needs point outside this pipeline.
        if element["project"] != nil || element["pipeline"] != nil { continue }
        if let jobNode = element["job"], let text = jobNode.string {
          targetName = text
          targetNode = jobNode.yamlNode
        }
        optional = element["optional"]?.yamlNode?.value == .bool(true)
      }
      guard let targetName, let targetNode else {
        if let node = element.anyNode {
          diagnostics.append(
            Diagnostic(
              code: "gitlab.needs-invalid", severity: .warning,
              message: "a 'needs' entry of '\(name)' must be a job name or a mapping with 'job'",
              location: node.location))
        }
        continue
      }
      if let target = Self.target(targetName, in: jobs) {
        edges.append(Edge(from: id, type: "needs", to: jobID(target), location: targetNode.location))
      } else if !optional {
        diagnostics.append(
          Diagnostic(
            code: "gitlab.needs-unknown", severity: resolver.unresolvedSeverity,
            message: "job '\(name)' needs '\(targetName)', which is not a job of this pipeline",
            location: targetNode.location, notes: resolver.unresolvedNotes))
      }
    }
  }

  private mutating func dependencyEdges(_ job: GitLabNode, from name: String, jobs: Set<String>) {
    guard let dependencies = job["dependencies"] else { return }
    let id = jobID(name)
    for element in dependencies.flattened() {
      guard let targetName = element.string, let node = element.yamlNode else { continue }
      if let target = Self.target(targetName, in: jobs) {
        edges.append(Edge(from: id, type: "dependsOnJob", to: jobID(target), location: node.location))
      } else {
        diagnostics.append(
          Diagnostic(
            code: "gitlab.dependencies-unknown", severity: resolver.unresolvedSeverity,
            message: "job '\(name)' depends on '\(targetName)', which is not a job of this pipeline",
            location: node.location, notes: resolver.unresolvedNotes))
      }
    }
  }
}
