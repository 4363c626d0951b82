import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

extension GitHubFileReader {
  /// Reads an action metadata file (`action.yml`): the action, and the steps of a composite one.
  ///
  /// - Parameter rootName: the ingest root's directory name, naming an action at the root.
  mutating func readAction(_ input: LoadedInput, rootName: String) {
    guard let root = singleMappingRoot(input, kind: "action", article: "an") else { return }
    let actionID = EntityID("github:" + path)
    var attributes = ValueMap()
    var name: YAMLNode?
    var runs: YAMLNode?
    for pair in root.pairs {
      let key = Self.keyText(pair.key)
      attributes[key] = .yaml(pair.value)
      checkKey(pair.key, key, known: Self.actionKeys, section: "the action")
      switch key {
      case "name": name = pair.value
      case "runs": runs = pair.value
      default: break
      }
    }
    attributes["file"] = .string(path)

    var using: String?
    var steps: YAMLNode?
    if let runs {
      if runs.kind == .mapping {
        if let usingNode = runs["using"] {
          if usingNode.kind == .scalar, !usingNode.isNull, let text = usingNode.string {
            using = text
            attributes["using"] = .located(.string(text), usingNode.location)
          } else {
            diagnose("invalid-using", "'runs.using' must be a string", at: usingNode.location)
          }
        } else {
          diagnose("missing-using", "'runs' has no 'using'", at: runs.location)
        }
        steps = runs["steps"]
        if let image = runs["image"], let text = image.string, image.kind == .scalar, text.hasPrefix("docker://") {
          if let value = Self.imageValue(image, field: "runs.image") { attributes["image_ref"] = value }
        }
      } else {
        diagnose("invalid-runs", "'runs' must be a mapping", at: runs.location)
      }
    } else {
      diagnose("missing-runs", "the action has no 'runs'", at: root.location)
    }

    let directory = path.split(separator: "/").dropLast().last.map(String.init) ?? rootName
    let displayName = name.flatMap { $0.kind == .scalar && !$0.isNull ? $0.string : nil } ?? directory
    entities.append(
      Entity(
        id: actionID, kind: EntityKinds.githubAction, type: using, name: displayName, location: root.location,
        attributes: .map(attributes)))

    if using == "composite" {
      guard let steps else {
        diagnose("missing-steps", "a composite action needs 'runs.steps'", at: runs?.location ?? root.location)
        return
      }
      stepFlows = TaintAnalysis.action(root, path: path)
      defer { stepFlows = [:] }
      readSteps(
        steps,
        context: StepContext(
          idPrefix: "github:\(path)#runs.steps", parent: actionID, edge: "inAction", job: nil, inheritedShell: nil,
          requireShell: true))
    } else if let steps {
      diagnose(
        "unexpected-steps", "'runs.steps' is only read for composite actions, not '\(using ?? "?")'",
        at: steps.location, severity: .warning)
    }
  }
}
