import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

extension GitHubFileReader {
  /// Reads a workflow file: the workflow, its jobs and their steps.
  mutating func readWorkflow(_ input: LoadedInput) {
    guard let root = singleMappingRoot(input, kind: "workflow", article: "a") else { return }
    let workflowID = EntityID("github:" + path)
    var attributes = ValueMap()
    var on: YAMLNode?
    var jobs: YAMLNode?
    var name: YAMLNode?
    var permissions: YAMLNode?
    var defaultShell: YAMLNode?
    for pair in root.pairs {
      let key = Self.keyText(pair.key)
      attributes[key] = .yaml(pair.value)
      checkKey(pair.key, key, known: Self.workflowKeys, section: "the workflow")
      switch key {
      case "on": on = pair.value
      case "jobs": jobs = pair.value
      case "name": name = pair.value
      case "permissions": permissions = pair.value
      case "defaults": defaultShell = pair.value["run"]?["shell"]
      default: break
      }
    }
    attributes["triggers"] = triggers(on, root: root)
    attributes["file"] = .string(path)
    Permissions.read(permissions, owner: root.location) { diagnostics.append($0) }.store(in: &attributes)

    let fileName = path.split(separator: "/").last.map(String.init) ?? path
    let displayName = name.flatMap { $0.kind == .scalar && !$0.isNull ? $0.string : nil } ?? fileName
    entities.append(
      Entity(
        id: workflowID, kind: EntityKinds.githubWorkflow, type: nil, name: displayName, location: root.location,
        attributes: .map(attributes)))

    guard let jobs else {
      diagnose("missing-jobs", "the workflow has no 'jobs'", at: root.location)
      return
    }
    guard jobs.kind == .mapping else {
      diagnose("invalid-jobs", "'jobs' must be a mapping of job ids to jobs", at: jobs.location)
      return
    }
    // Every job by its id in lowercase (GitHub compares job ids case-insensitively), and whether
    // it is an entity (a mapping) edges can point at.
    var jobIDs: [String: JobReference] = [:]
    for pair in jobs.pairs {
      let jobID = Self.keyText(pair.key)
      let folded = jobID.lowercased()
      if let first = jobIDs[folded] {
        diagnose(
          "duplicate-job-id", "job id '\(jobID)' is used more than once (job ids are case-insensitive)",
          at: pair.key.location, notes: [Diagnostic.Note(message: "first used here", location: first.location)])
        continue
      }
      jobIDs[folded] = JobReference(
        name: jobID, id: EntityID("github:\(path)#jobs.\(jobID)"), valid: pair.value.kind == .mapping,
        location: pair.key.location)
    }
    stepFlows = TaintAnalysis.workflow(root, path: path)
    var needsGraph: [(job: String, needs: [(String, SourceLocation)])] = []
    for pair in jobs.pairs {
      let needs = readJob(
        key: pair.key, node: pair.value, workflowID: workflowID, jobIDs: jobIDs, workflowShell: defaultShell)
      needsGraph.append((Self.keyText(pair.key), needs))
    }
    reportNeedsCycles(needsGraph)
    stepFlows = [:]
  }

  /// A job as `needs` sees it.
  struct JobReference {
    var name: String
    var id: EntityID
    var valid: Bool
    var location: SourceLocation
  }

  /// `triggers`: the event names, whatever form `on:` takes.
  private mutating func triggers(_ on: YAMLNode?, root: YAMLNode) -> Value {
    guard let on else {
      diagnose("missing-on", "the workflow has no 'on' trigger", at: root.location, severity: .warning)
      return .located(.list([]), root.location)
    }
    var names: [Value] = []
    switch on.kind {
    case .scalar:
      if let text = on.string, !on.isNull { names.append(.located(.string(text), on.location)) }
    case .sequence:
      for element in on.elements {
        if element.kind == .scalar, !element.isNull, let text = element.string {
          names.append(.located(.string(text), element.location))
        } else {
          diagnose("invalid-on", "a trigger in the 'on' list must be an event name", at: element.location)
        }
      }
    case .mapping:
      for pair in on.pairs { names.append(.located(.string(Self.keyText(pair.key)), pair.key.location)) }
    }
    if names.isEmpty && !(on.kind == .mapping && on.count == 0) {
      diagnose("invalid-on", "'on' names no event", at: on.location)
    }
    return .located(.list(names), on.location)
  }

  /// Reads one job and its steps; returns its `needs` (job ids with where each is written).
  private mutating func readJob(
    key: YAMLNode, node: YAMLNode, workflowID: EntityID, jobIDs: [String: JobReference], workflowShell: YAMLNode?
  ) -> [(String, SourceLocation)] {
    let jobID = Self.keyText(key)
    let entityID = EntityID("github:\(path)#jobs.\(jobID)")
    let location = Self.location(from: key, to: node)
    guard node.kind == .mapping else {
      diagnose("invalid-job", "job '\(jobID)' must be a mapping", at: node.location)
      return []
    }
    if !Self.isValidJobID(jobID) {
      diagnose(
        "invalid-job-id",
        "job id '\(jobID)' must start with a letter or '_' and contain only letters, digits, '-' and '_'",
        at: key.location, severity: .warning)
    }
    var attributes = ValueMap()
    var uses: YAMLNode?
    var steps: YAMLNode?
    var needs: YAMLNode?
    var permissions: YAMLNode?
    var runsOn: YAMLNode?
    var secrets: YAMLNode?
    var jobShell: YAMLNode?
    var container: YAMLNode?
    var services: YAMLNode?
    var expressions: [Value] = []
    for pair in node.pairs {
      let name = Self.keyText(pair.key)
      attributes[name] = .yaml(pair.value)
      checkKey(pair.key, name, known: Self.jobKeys, section: "job '\(jobID)'")
      switch name {
      case "uses": uses = pair.value
      case "steps": steps = pair.value
      case "needs": needs = pair.value
      case "permissions": permissions = pair.value
      case "runs-on":
        runsOn = pair.value
        collectExpressions(pair.value, field: "runs-on", into: &expressions)
      case "secrets":
        secrets = pair.value
        collectExpressions(pair.value, field: "secrets", into: &expressions)
      case "defaults": jobShell = pair.value["run"]?["shell"]
      case "container": container = pair.value
      case "services": services = pair.value
      case "if": collectCondition(pair.value, into: &expressions)
      case "env", "with": collectExpressions(pair.value, field: name, into: &expressions)
      default: break
      }
    }
    attributes["id"] = .located(.string(jobID), key.location)
    attributes["file"] = .string(path)

    // needs
    var needList: [Value] = []
    var needEntries: [(String, SourceLocation)] = []
    var seenNeeds: [String: SourceLocation] = [:]
    if let needs {
      var needNodes: [YAMLNode] = []
      switch needs.kind {
      case .scalar: needNodes = [needs]
      case .sequence: needNodes = Array(needs.elements)
      case .mapping:
        diagnose("invalid-needs", "'needs' must be a job id or a list of job ids", at: needs.location)
      }
      for element in needNodes {
        guard element.kind == .scalar, !element.isNull, let target = element.string else {
          diagnose("invalid-needs", "'needs' must be a job id or a list of job ids", at: element.location)
          continue
        }
        needList.append(.located(.string(target), element.location))
        if let targetJob = jobIDs[target.lowercased()] {
          if let first = seenNeeds[targetJob.name] {
            diagnose(
              "duplicate-need", "job '\(jobID)' needs '\(target)' more than once (job ids are case-insensitive)",
              at: element.location, severity: .warning,
              notes: [Diagnostic.Note(message: "first named here", location: first)])
            continue
          }
          seenNeeds[targetJob.name] = element.location
          if targetJob.valid { connect(entityID, "needs", targetJob.id, at: element.location) }
          needEntries.append((targetJob.name, element.location))
        } else {
          diagnose(
            "unknown-need", "job '\(jobID)' needs '\(target)', which is not a job of this workflow",
            at: element.location)
        }
      }
      attributes["needs_list"] = .located(.list(needList), needs.location)
    } else {
      attributes["needs_list"] = .located(.list([]), location)
    }

    Permissions.read(permissions, owner: location) { diagnostics.append($0) }.store(in: &attributes)

    var labels = RunnerLabels()
    if let runsOn {
      labels = RunnerLabels.read(runsOn) { diagnostics.append($0) }
      attributes["runner_labels"] = .located(.list(labels.labels), runsOn.location)
      if let group = labels.group { attributes["runner_group"] = group }
      attributes["self_hosted"] = .located(.bool(labels.selfHosted), runsOn.location)
    } else {
      attributes["runner_labels"] = .located(.list([]), location)
      attributes["self_hosted"] = .located(.bool(false), location)
    }

    // Reusable workflow call
    if let uses {
      if uses.kind == .scalar, let text = uses.string, let reference = UsesReference.parse(text) {
        attributes["uses_ref"] = reference.value(node: uses)
        switch reference.kind {
        case .local:
          references.append(
            LocalReference(
              from: entityID, target: .workflow, path: joinedWithRepositoryRoot(reference.path ?? ""),
              raw: reference.raw,
              location: uses.location))
        case .docker:
          diagnose(
            "invalid-uses", "a job cannot use a Docker image ('\(text)'); it calls a reusable workflow",
            at: uses.location)
        case .repository:
          if reference.path == nil {
            diagnose(
              "invalid-uses",
              "'\(reference.raw)' names no workflow file: write 'owner/repo/.github/workflows/<file>@<ref>'",
              at: uses.location)
          }
          if reference.ref == nil {
            diagnose(
              "uses-without-ref", "'\(reference.raw)' names no ref: write '\(reference.raw)@<ref>'", at: uses.location,
              severity: .warning)
          }
        }
      } else {
        diagnose(
          "invalid-uses", "'uses' must be 'owner/repo/path@ref' or './path' (without '@ref'), not '\(uses.rawText)'",
          at: uses.location)
      }
    }
    let inherits = secrets.map { $0.kind == .scalar && $0.scalarEquals("inherit") } ?? false
    attributes["secrets_inherit"] = .located(.bool(inherits), secrets?.location ?? location)

    // Container and service shapes: an image string or a mapping whose `credentials` is a mapping.
    if let container { checkContainerShape(container, field: "container") }
    if let services {
      if services.kind == .mapping {
        for pair in services.pairs {
          checkContainerShape(pair.value, field: "services." + Self.keyText(pair.key))
        }
      } else {
        diagnose("invalid-container", "'services' must be a mapping of service names to containers", at: services.location)
      }
    }

    // Container and service images
    var images: [Value] = []
    if let container {
      let imageNode = container.kind == .mapping ? container["image"] : container
      if let imageNode, let value = Self.imageValue(imageNode, field: "container") { images.append(value) }
    }
    if let services, services.kind == .mapping {
      for pair in services.pairs {
        let imageNode = pair.value.kind == .mapping ? pair.value["image"] : pair.value
        if let imageNode, let value = Self.imageValue(imageNode, field: "services." + Self.keyText(pair.key)) {
          images.append(value)
        }
      }
    }
    attributes["container_images"] = .located(.list(images), location)
    attributes["expressions"] = .located(.list(expressions), location)

    var type: String?
    switch (uses != nil, steps != nil) {
    case (true, false): type = "reusable"
    case (false, true): type = "steps"
    case (true, true):
      diagnose("job-with-uses-and-steps", "job '\(jobID)' has both 'uses' and 'steps'", at: location)
    case (false, false):
      diagnose("job-without-steps", "job '\(jobID)' has neither 'steps' nor 'uses'", at: location)
    }
    if steps != nil && uses == nil && runsOn == nil {
      diagnose("missing-runs-on", "job '\(jobID)' has no 'runs-on'", at: location)
    }

    entities.append(
      Entity(
        id: entityID, kind: EntityKinds.githubJob, type: type, name: jobID, location: location,
        attributes: .map(attributes)))
    connect(entityID, "inWorkflow", workflowID, at: location)

    if let steps {
      let shell = jobShell ?? workflowShell
      let fallbackShell: Value? = shell == nil ? Self.defaultShell(labels, at: runsOn?.location ?? location) : nil
      readSteps(
        steps,
        context: StepContext(
          idPrefix: "github:\(path)#jobs.\(jobID).steps", parent: entityID, edge: "inJob",
          job: .located(.string(jobID), key.location), inheritedShell: shell.map(Value.yaml) ?? fallbackShell,
          requireShell: false))
    }
    return needEntries
  }

  /// Diagnoses a `container` or service that is neither an image string nor a mapping, and
  /// `credentials` that are not a mapping of `username` and `password` strings.
  private mutating func checkContainerShape(_ node: YAMLNode, field: String) {
    switch node.kind {
    case .scalar: return
    case .sequence:
      diagnose("invalid-container", "'\(field)' must be an image name or a mapping with 'image'", at: node.location)
    case .mapping:
      guard let credentials = node["credentials"] else { return }
      if credentials.kind == .scalar, credentials.string?.contains("${{") == true { return }  // evaluated at run time
      guard credentials.kind == .mapping else {
        diagnose(
          "invalid-container", "'\(field).credentials' must be a mapping with 'username' and 'password'",
          at: credentials.location)
        return
      }
      for pair in credentials.pairs {
        let key = Self.keyText(pair.key)
        if key != "username" && key != "password" {
          diagnose(
            "unknown-key", "unknown key '\(key)' in '\(field).credentials' (only 'username' and 'password')",
            at: pair.key.location, severity: .warning)
        } else if pair.value.kind != .scalar {
          diagnose("invalid-container", "'\(field).credentials.\(key)' must be a string", at: pair.value.location)
        }
      }
    }
  }

  /// The shell GitHub runs `run:` steps with when none is set: `pwsh` on Windows runners, `bash`
  /// elsewhere; nil when the labels are not known before the run (expressions).
  private static func defaultShell(_ labels: RunnerLabels, at location: SourceLocation) -> Value? {
    guard !labels.texts.isEmpty, !labels.texts.contains(where: { $0.contains("${{") }) else { return nil }
    let windows = labels.texts.contains { $0.lowercased().hasPrefix("windows") }
    return .located(.string(windows ? "pwsh" : "bash"), location)
  }

  private static func isValidJobID(_ id: String) -> Bool {
    guard let first = id.utf8.first else { return false }
    func letter(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == UInt8(ascii: "_") }
    guard letter(first) else { return false }
    return id.utf8.allSatisfy { letter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "-") }
  }

  /// Reports each `needs` cycle once, at the `needs` entry that closes it.
  private mutating func reportNeedsCycles(_ graph: [(job: String, needs: [(String, SourceLocation)])]) {
    var position: [String: Int] = [:]
    for (index, entry) in graph.enumerated() where position[entry.job] == nil { position[entry.job] = index }
    // 0 unvisited, 1 on the stack, 2 done.
    var state = [UInt8](repeating: 0, count: graph.count)
    for start in graph.indices where state[start] == 0 {
      var stack: [(node: Int, next: Int)] = [(start, 0)]
      state[start] = 1
      while let top = stack.last {
        let needs = graph[top.node].needs
        if top.next >= needs.count {
          state[top.node] = 2
          stack.removeLast()
          continue
        }
        stack[stack.count - 1].next += 1
        let (target, location) = needs[top.next]
        guard let targetIndex = position[target] else { continue }
        switch state[targetIndex] {
        case 0:
          state[targetIndex] = 1
          stack.append((targetIndex, 0))
        case 1:
          let from = stack.firstIndex { $0.node == targetIndex } ?? 0
          let cycle = stack[from...].map { graph[$0.node].job } + [target]
          diagnose(
            "needs-cycle", "jobs depend on each other in a cycle: \(cycle.map { "'\($0)'" }.joined(separator: " → "))",
            at: location)
        default:
          break
        }
      }
    }
  }
}
