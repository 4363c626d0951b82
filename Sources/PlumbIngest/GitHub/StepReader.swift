import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// Where a list of steps sits and what its steps inherit.
struct StepContext {
  /// The id before `[n]` (`github:<path>#jobs.<job>.steps`, `github:<path>#runs.steps`).
  var idPrefix: String
  /// The job or action the steps belong to, reached through `edge`.
  var parent: EntityID
  /// `inJob` or `inAction`.
  var edge: String
  /// The job id for workflow steps (the `job` attribute), nil in actions.
  var job: Value?
  /// The shell `run` steps use when they set none (job or workflow `defaults.run.shell`, or the
  /// runner's default).
  var inheritedShell: Value?
  /// Whether a `run` step must set `shell` (composite actions).
  var requireShell: Bool
  /// The `parallel` step the steps are grouped in, if any.
  var group: EntityID?
}

extension GitHubFileReader {
  /// The keys that make a step what it is; a step has exactly one.
  private static let stepKinds = ["uses", "run", "parallel", "wait", "wait-all", "cancel"]

  /// Reads a `steps:` list (of a job, of a composite action, or of a `parallel` group) into
  /// `github.step` entities.
  mutating func readSteps(_ steps: YAMLNode, context: StepContext) {
    var stepIDs: [String: SourceLocation] = [:]
    readSteps(steps, context: context, stepIDs: &stepIDs)
  }

  private mutating func readSteps(_ steps: YAMLNode, context: StepContext, stepIDs: inout [String: SourceLocation]) {
    guard steps.kind == .sequence else {
      diagnose("invalid-steps", "'steps' must be a list of steps", at: steps.location)
      return
    }
    for (index, step) in steps.elements.enumerated() {
      readStep(step, index: index, context: context, stepIDs: &stepIDs)
    }
  }

  private mutating func readStep(
    _ node: YAMLNode, index: Int, context: StepContext, stepIDs: inout [String: SourceLocation]
  ) {
    guard node.kind == .mapping else {
      diagnose("invalid-step", "step \(index) must be a mapping with 'uses' or 'run'", at: node.location)
      return
    }
    let id = EntityID("\(context.idPrefix)[\(index)]")
    var attributes = ValueMap()
    var uses: YAMLNode?
    var run: YAMLNode?
    var name: YAMLNode?
    var stepID: YAMLNode?
    var shell: YAMLNode?
    var parallel: YAMLNode?
    var kinds: [String] = []
    var waits: [(YAMLNode, String)] = []
    var expressions: [Value] = []
    for pair in node.pairs {
      let key = Self.keyText(pair.key)
      attributes[key] = .yaml(pair.value)
      checkKey(pair.key, key, known: Self.stepKeys, section: "a step")
      switch key {
      case "uses": uses = pair.value
      case "run":
        run = pair.value
        collectExpressions(pair.value, field: "run", into: &expressions)
      case "name": name = pair.value
      case "id": stepID = pair.value
      case "shell": shell = pair.value
      case "parallel": parallel = pair.value
      case "wait", "cancel": waits.append((pair.value, key))
      case "if": collectCondition(pair.value, into: &expressions)
      case "with", "env": collectExpressions(pair.value, field: key, into: &expressions)
      default: break
      }
      if Self.stepKinds.contains(key) { kinds.append(key) }
    }
    attributes["index"] = .located(.int(index), node.location)
    attributes["file"] = .string(path)
    if let job = context.job { attributes["job"] = job }

    var type: String?
    if kinds.count == 1 {
      type = kinds[0]
    } else if kinds.isEmpty {
      diagnose("step-without-uses-or-run", "step \(index) has neither 'uses' nor 'run'", at: node.location)
    } else if kinds == ["uses", "run"] || kinds == ["run", "uses"] {
      diagnose("step-with-uses-and-run", "step \(index) has both 'uses' and 'run'", at: node.location)
    } else {
      diagnose(
        "conflicting-step-keys",
        "step \(index) has more than one of \(kinds.map { "'\($0)'" }.joined(separator: ", "))", at: node.location)
    }

    var usesText: String?
    if let uses {
      if uses.kind == .scalar, !uses.isNull, let text = uses.string, let reference = UsesReference.parse(text) {
        usesText = reference.raw
        attributes["uses_ref"] = reference.value(node: uses)
        switch reference.kind {
        case .local:
          references.append(
            LocalReference(
              from: id, target: .action, path: joinedWithRepositoryRoot(reference.path ?? ""), raw: reference.raw,
              location: uses.location))
        case .repository:
          if reference.ref == nil {
            diagnose(
              "uses-without-ref", "'\(reference.raw)' names no ref: write '\(reference.raw)@<ref>'", at: uses.location,
              severity: .warning)
          }
        case .docker:
          break
        }
      } else {
        diagnose(
          "invalid-uses",
          "'uses' must be 'owner/repo[/path]@ref', './path' or 'docker://image', not '\(uses.rawText)'",
          at: uses.location)
      }
    }

    var runText: String?
    if let run {
      if run.kind == .scalar, !run.isNull, let text = run.string {
        runText = text
        if let shell {
          attributes["shell"] = .yaml(shell)
        } else if let inherited = context.inheritedShell {
          attributes["shell"] = inherited
        }
        if shell == nil && context.requireShell {
          diagnose("missing-shell", "a 'run' step of a composite action must set 'shell'", at: node.location)
        }
      } else {
        diagnose("invalid-run", "'run' must be a script string", at: run.location)
      }
    }
    attributes["expressions"] = .located(.list(expressions), node.location)
    attributes["flows"] = .located(.list((stepFlows[id.rawValue] ?? []).map(\.value)), node.location)

    // `wait: id`, `wait: [ids]`, `cancel: id` name earlier steps of the same job.
    for (value, key) in waits {
      let targets = value.kind == .sequence ? Array(value.elements) : [value]
      for target in targets {
        guard target.kind == .scalar, !target.isNull, let text = target.string else {
          diagnose("invalid-step", "'\(key)' must name step ids", at: target.location)
          continue
        }
        if stepIDs[text] == nil {
          diagnose(
            "unknown-step", "'\(key): \(text)' names no earlier step with id '\(text)' in this job", at: target.location
          )
        }
      }
    }

    if let stepID, stepID.kind == .scalar, let text = stepID.string {
      if let first = stepIDs[text] {
        diagnose(
          "duplicate-step-id", "step id '\(text)' is used more than once in these steps", at: stepID.location,
          notes: [Diagnostic.Note(message: "first used here", location: first)])
      } else {
        stepIDs[text] = stepID.location
      }
    }

    let displayName: String
    if let name, name.kind == .scalar, !name.isNull, let text = name.string, !text.isEmpty {
      displayName = text
    } else if let stepID, stepID.kind == .scalar, let text = stepID.string, !text.isEmpty {
      displayName = text
    } else if let usesText {
      displayName = usesText
    } else if let runText {
      displayName = Self.summary(runText)
    } else if let type {
      displayName = type
    } else {
      displayName = "step \(index)"
    }

    entities.append(
      Entity(
        id: id, kind: EntityKinds.githubStep, type: type, name: displayName, location: node.location,
        attributes: .map(attributes)))
    connect(id, context.edge, context.parent, at: node.location)
    if let group = context.group { connect(id, "inParallel", group, at: node.location) }

    // The steps of a `parallel` group belong to the same job (or action), and to the group.
    if let parallel {
      var inner = context
      inner.idPrefix = id.rawValue + ".parallel"
      inner.group = id
      readSteps(parallel, context: inner, stepIDs: &stepIDs)
    }
  }
}
