import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// Where a value may have come from: the context an expression read (or another source), and the
/// hops it took since.
struct TaintOrigin: Hashable {
  /// The source, in lower case: a context path (`github.head_ref`, `inputs.version`,
  /// `github.event.pull_request.title` read from `$GITHUB_EVENT_PATH`), or `artifact` (a file of
  /// an artifact downloaded from another run).
  var context: String
  /// Each hop from the source on (`env.BRANCH (job build)`, `steps.meta.outputs.branch`); past
  /// `TaintAnalysis.maxTrail`, the first and last ones with `…` between them.
  var hops: [String]
  /// The expressions the value passed through, source first (rules skip boolean-valued ones);
  /// shortened like `hops`.
  var texts: [String]
  /// How many hops the value took (`hops` may show fewer).
  var hopCount = 0

  init(context: String, hops: [String], texts: [String]) {
    self.context = context
    self.hops = hops
    self.texts = texts
    self.hopCount = hops.count
  }

  /// `list` with `element` added, kept to `TaintAnalysis.maxTrail` elements: the first half, `…`,
  /// and the latest ones. (Long `needs` chains would otherwise copy ever longer trails: quadratic.)
  static func appending(_ element: String, to list: [String]) -> [String] {
    var result = list
    if result.count >= TaintAnalysis.maxTrail {
      let half = TaintAnalysis.maxTrail / 2
      result[half] = "…"
      result.remove(at: half + 1)
    }
    result.append(element)
    return result
  }
}

/// A source's value reaching a sink of a step.
struct TaintFlow {
  var origin: TaintOrigin
  /// The sink: `run`, `with.<input>`, `github_env`, `github_path`.
  var field: String
  /// The expression expanded at the sink, or the line that writes the file.
  var text: String
  /// The sink in words (`run (job build, step 3)`).
  var sink: String
  var location: SourceLocation

  /// The flow as a graph value (see `docs/inputs/github-actions.md`, *flows*).
  var value: Value {
    var map = ValueMap()
    map["context"] = .string(origin.context)
    map["field"] = .string(field)
    map["text"] = .string(text)
    map["hops"] = .int(origin.hopCount)
    map["texts"] = .list(origin.texts.map(Value.string))
    map["path"] = .string(([origin.context] + origin.hops + [sink]).joined(separator: " → "))
    return .located(.map(map), location)
  }
}

/// A taint pass over one workflow (or composite action): which contexts reach each step's sinks,
/// through `env` at every level, `$GITHUB_ENV` and `$GITHUB_OUTPUT` writes, step outputs, job
/// outputs, `needs.<job>.outputs`, `${{ env.X }}` re-expansion and `actions/github-script`.
///
/// It is lexical, like the rest of the reader: it reads `${{ … }}` contexts, shell variables
/// (`$X`, `${X}`, `$env:X`, `%X%`), simple assignments, and lines that write the files. It keeps
/// at most `maxOrigins` origins per value (a step has at most that many flows per expression), so
/// its cost stays linear in the file.
enum TaintAnalysis {
  static let maxOrigins = 64
  /// The longest trail (hops, expression texts) kept in full.
  static let maxTrail = 32

  /// Flows per step entity id of a workflow.
  static func workflow(_ root: YAMLNode, path: String) -> [String: [TaintFlow]] {
    var pass = Pass()
    var workflowEnv: [String: [TaintOrigin]] = [:]
    if let env = root["env"] {
      pass.define(env, label: "workflow", scope: Scope(), into: &workflowEnv)
    }
    guard let jobs = root["jobs"], jobs.kind == .mapping else { return [:] }
    var nodes: [String: (name: String, node: YAMLNode)] = [:]
    var order: [String] = []
    for pair in jobs.pairs where pair.value.kind == .mapping {
      let name = GitHubFileReader.keyText(pair.key)
      let folded = name.lowercased()
      guard nodes[folded] == nil else { continue }
      nodes[folded] = (name, pair.value)
      order.append(folded)
    }
    // Jobs in `needs` order (an explicit stack, not recursion: `needs` chains can be long); a
    // job in a cycle sees no outputs of the jobs after it in the cycle.
    var state: [String: Bool] = [:]  // false: on the stack, true: placed
    var sorted: [String] = []
    for start in order where state[start] == nil {
      guard let first = nodes[start] else { continue }
      var stack: [(job: String, needs: [String], next: Int)] = [(start, needs(of: first.node), 0)]
      state[start] = false
      while let top = stack.last {
        if top.next < top.needs.count {
          stack[stack.count - 1].next += 1
          let need = top.needs[top.next]
          if state[need] == nil, let found = nodes[need] {
            state[need] = false
            stack.append((need, needs(of: found.node), 0))
          }
        } else {
          stack.removeLast()
          state[top.job] = true
          sorted.append(top.job)
        }
      }
    }
    var outputs: [String: [String: [TaintOrigin]]] = [:]
    for job in sorted {
      guard let (name, node) = nodes[job] else { continue }
      var scope = Scope(env: workflowEnv, jobOutputs: outputs)
      if let env = node["env"] {
        pass.define(env, label: "job \(name)", scope: scope, into: &scope.env)
      }
      if let steps = node["steps"] {
        pass.steps(steps, idPrefix: "github:\(path)#jobs.\(name).steps", where: "job \(name), ", scope: &scope)
      }
      var mine: [String: [TaintOrigin]] = [:]
      if let declared = node["outputs"], declared.kind == .mapping {
        for pair in declared.pairs {
          let output = GitHubFileReader.keyText(pair.key)
          let origins = pass.origins(of: pair.value, scope: scope)
          if !origins.isEmpty {
            mine[output.lowercased()] = Pass.hop(origins, "needs.\(name).outputs.\(output)")
          }
        }
      }
      outputs[job] = mine
    }
    return pass.flows
  }

  /// Flows per step entity id of a composite action (`runs.steps`).
  static func action(_ root: YAMLNode, path: String) -> [String: [TaintFlow]] {
    guard let steps = root["runs"]?["steps"] else { return [:] }
    var pass = Pass()
    var scope = Scope()
    pass.steps(steps, idPrefix: "github:\(path)#runs.steps", where: "", scope: &scope)
    return pass.flows
  }

  private static func needs(of job: YAMLNode) -> [String] {
    guard let needs = job["needs"] else { return [] }
    let nodes = needs.kind == .sequence ? Array(needs.elements) : [needs]
    return nodes.compactMap { $0.kind == .scalar ? $0.string?.lowercased() : nil }
  }

  /// What expressions and shell code can read at one point.
  struct Scope {
    /// Environment variables by lower-case name.
    var env: [String: [TaintOrigin]] = [:]
    /// Step outputs by lower-case step id, then lower-case output name (`*`: any output).
    var stepOutputs: [String: [String: [TaintOrigin]]] = [:]
    /// Job outputs by lower-case job id, then lower-case output name.
    var jobOutputs: [String: [String: [TaintOrigin]]] = [:]
    /// Set after a step downloads an artifact of another run: files read later may be attacker's.
    var foreignArtifact: String?
  }

  struct Pass {
    var flows: [String: [TaintFlow]] = [:]

    /// `origins` with `label` added as their last hop.
    static func hop(_ origins: [TaintOrigin], _ label: String) -> [TaintOrigin] {
      origins.map { origin in
        var next = origin
        next.hops = TaintOrigin.appending(label, to: origin.hops)
        next.hopCount += 1
        return next
      }
    }

    /// `origins` without repeats, at most `maxOrigins`.
    static func bounded(_ origins: [TaintOrigin]) -> [TaintOrigin] {
      var seen = Set<TaintOrigin>()
      var result: [TaintOrigin] = []
      for origin in origins where seen.insert(origin).inserted {
        result.append(origin)
        if result.count == maxOrigins { break }
      }
      return result
    }

    /// Adds an `env:` mapping's variables to `env`, each with the origins of its value.
    func define(_ mapping: YAMLNode, label: String, scope: Scope, into env: inout [String: [TaintOrigin]]) {
      guard mapping.kind == .mapping else { return }
      for pair in mapping.pairs {
        let name = GitHubFileReader.keyText(pair.key)
        let origins = origins(of: pair.value, scope: scope)
        env[name.lowercased()] = origins.isEmpty ? nil : Self.hop(origins, "env.\(name) (\(label))")
      }
    }

    /// The origins of every expression in a node (recursing into collections).
    func origins(of node: YAMLNode, scope: Scope) -> [TaintOrigin] {
      switch node.kind {
      case .scalar:
        guard let text = node.string else { return [] }
        return origins(ofText: text, scope: scope)
      case .sequence:
        return Self.bounded(node.elements.flatMap { origins(of: $0, scope: scope) })
      case .mapping:
        return Self.bounded(node.pairs.flatMap { origins(of: $0.value, scope: scope) })
      }
    }

    /// The origins of the `${{ … }}` expressions in a text.
    func origins(ofText text: String, scope: Scope) -> [TaintOrigin] {
      guard text.contains("${{") else { return [] }
      var result: [TaintOrigin] = []
      for expression in Self.expressions(in: text) {
        result += origins(ofExpression: expression, scope: scope)
      }
      return Self.bounded(result)
    }

    /// The texts of the `${{ … }}` expressions in a decoded text.
    static func expressions(in text: String) -> [String] {
      var text = text
      return text.withUTF8 { bytes in
        ExpressionScanner.occurrences(bytes).map { occurrence in
          String(decoding: UnsafeBufferPointer(rebasing: bytes[occurrence.inner]), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        }
      }
    }

    /// The origins of one expression: each context it reads, resolved through the scope.
    func origins(ofExpression expression: String, scope: Scope) -> [TaintOrigin] {
      var result: [TaintOrigin] = []
      for context in ExpressionScanner.contexts(in: expression) {
        result += resolve(context, scope: scope)
      }
      return Self.bounded(result).map { origin in
        var next = origin
        next.texts = TaintOrigin.appending(expression, to: origin.texts)
        return next
      }
    }

    /// Where a context's value comes from: through `env`, step outputs and job outputs to their
    /// own origins; any other context is its own origin.
    func resolve(_ context: String, scope: Scope) -> [TaintOrigin] {
      let parts = Self.parts(context)
      guard let head = parts.first else { return [] }
      switch head {
      case "env":
        if parts.count == 1 { return Self.bounded(scope.env.keys.sorted().flatMap { scope.env[$0] ?? [] }) }
        return scope.env[parts[1]] ?? []
      case "steps":
        return Self.member(scope.stepOutputs, parts: parts)
      case "needs":
        return Self.member(scope.jobOutputs, parts: parts)
      default:
        return [TaintOrigin(context: context, hops: [], texts: [])]
      }
    }

    /// `steps.<id>.outputs.<name>` (or `needs.…`) looked up in `table`; a whole object, a
    /// computed index (`[*]`) or an output written under a computed name (`*`) gives them all.
    static func member(_ table: [String: [String: [TaintOrigin]]], parts: [String]) -> [TaintOrigin] {
      let owners: [[String: [TaintOrigin]]]
      if parts.count < 2 || parts[1] == "*" {
        owners = table.keys.sorted().compactMap { table[$0] }
      } else {
        owners = table[parts[1]].map { [$0] } ?? []
      }
      if parts.count >= 3 && parts[2] != "outputs" && parts[2] != "*" { return [] }
      var result: [TaintOrigin] = []
      for outputs in owners {
        if parts.count >= 4 && parts[3] != "*" {
          result += outputs[parts[3]] ?? []
          result += outputs["*"] ?? []
        } else {
          result += outputs.keys.sorted().flatMap { outputs[$0] ?? [] }
        }
      }
      return bounded(result)
    }

    /// A lower-case context path in parts: `steps.a.outputs[*]` → `steps`, `a`, `outputs`, `*`.
    static func parts(_ context: String) -> [String] {
      context.split(whereSeparator: { $0 == "." || $0 == "[" }).map { part in
        var text = String(part)
        if text.hasSuffix("]") { text.removeLast() }
        return text
      }
    }

    // MARK: Steps

    /// Walks a list of steps in order, recording flows and updating the scope with what each
    /// step writes (`$GITHUB_ENV`, step outputs).
    mutating func steps(_ steps: YAMLNode, idPrefix: String, where place: String, scope: inout Scope) {
      guard steps.kind == .sequence else { return }
      for (index, step) in steps.elements.enumerated() where step.kind == .mapping {
        let id = "\(idPrefix)[\(index)]"
        self.step(step, id: id, label: "\(place)step \(index + 1)", scope: &scope)
        if let group = step["parallel"] {
          self.steps(group, idPrefix: id + ".parallel", where: "\(place)step \(index + 1) parallel ", scope: &scope)
        }
      }
    }

    private mutating func step(_ step: YAMLNode, id: String, label: String, scope: inout Scope) {
      var local = scope
      if let env = step["env"] {
        define(env, label: label, scope: scope, into: &local.env)
      }
      let stepID = step["id"].flatMap { $0.kind == .scalar ? $0.string?.lowercased() : nil }
      var found: [TaintFlow] = []
      var written: [String: [TaintOrigin]] = [:]

      if let run = step["run"], run.kind == .scalar, let script = run.string {
        for expression in ExpressionScanner.scan(run) {
          for origin in origins(ofExpression: expression.text, scope: local) {
            found.append(
              TaintFlow(
                origin: origin, field: "run", text: expression.text, sink: "run (\(label))",
                location: expression.location))
          }
        }
        let effects = ShellTaint.run(script, scope: local, pass: self)
        for write in effects.writes {
          let location = Self.lineLocation(write.line, in: run)
          switch write.target {
          case .output(let name):
            if stepID != nil { written[name.lowercased(), default: []] += write.origins }
          case .env(let name):
            if let name { scope.env[name.lowercased()] = Self.hop(write.origins, "env.\(name) (GITHUB_ENV, \(label))") }
            for origin in write.origins {
              found.append(
                TaintFlow(
                  origin: origin, field: "github_env", text: write.line, sink: "GITHUB_ENV (\(label))",
                  location: location))
            }
          case .path:
            for origin in write.origins {
              found.append(
                TaintFlow(
                  origin: origin, field: "github_path", text: write.line, sink: "GITHUB_PATH (\(label))",
                  location: location))
            }
          }
        }
      }

      if let with = step["with"], with.kind == .mapping {
        for pair in with.pairs {
          let input = GitHubFileReader.keyText(pair.key)
          for expression in ExpressionScanner.scan(pair.value) {
            for origin in origins(ofExpression: expression.text, scope: local) {
              found.append(
                TaintFlow(
                  origin: origin, field: "with.\(input)", text: expression.text, sink: "with.\(input) (\(label))",
                  location: expression.location))
            }
          }
        }
      }

      if let uses = step["uses"]?.string?.lowercased() {
        let action = uses.split(separator: "@").first.map(String.init) ?? uses
        if action == "actions/github-script", let script = step["with"]?["script"]?.string {
          let effects = ScriptTaint.run(script, scope: local, pass: self)
          for (name, origins) in effects.outputs where stepID != nil { written[name, default: []] += origins }
          for (name, origins) in effects.exported {
            scope.env[name.lowercased()] = Self.hop(origins, "env.\(name) (exportVariable, \(label))")
          }
        }
        if action == "dawidd6/action-download-artifact"
          || (action == "actions/download-artifact"
            && (step["with"]?["run-id"] != nil || step["with"]?["github-token"] != nil))
        {
          scope.foreignArtifact = "artifact downloaded (\(label))"
        }
      }

      if let stepID, !written.isEmpty {
        var outputs: [String: [TaintOrigin]] = [:]
        for (name, origins) in written {
          let shown = name == "*" ? "*" : name
          outputs[name] = Self.bounded(Self.hop(origins, "steps.\(stepID).outputs.\(shown)"))
        }
        scope.stepOutputs[stepID] = outputs
      }
      if !found.isEmpty { flows[id, default: []] += found }
    }

    /// The location of the first line of `node` equal to `line` (trimmed), else the node's.
    static func lineLocation(_ line: String, in node: YAMLNode) -> SourceLocation {
      guard let offset = UsesReference.sourceOffset(of: line, in: node) else { return node.location }
      let source = node.tree.source
      return SourceLocation(
        path: source.path, span: source.span(from: offset, to: offset + line.utf8.count), usedAt: node.useSpan)
    }
  }
}
