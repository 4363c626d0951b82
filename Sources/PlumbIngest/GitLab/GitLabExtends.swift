import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// Applies GitLab's `extends` and `!reference` to a merged configuration, in GitLab's order
/// (includes, then `extends`, then `!reference` tags against the extended configuration).
///
/// `extends` (https://docs.gitlab.com/ci/yaml/#extends): the bases are deep-merged in order (a
/// later base wins over an earlier one), then the entry's own keys are deep-merged over them;
/// hashes merge, arrays and scalars are replaced. Up to 10 levels; cycles and unknown bases are
/// diagnostics.
struct GitLabResolver {
  /// The merged top-level configuration.
  let top: GitLabMap
  /// Extra notes and the severity for "not defined" problems: when the pipeline includes
  /// configuration Plumb does not fetch, the missing name may be defined there.
  let unresolvedSeverity: DiagnosticSeverity
  let unresolvedNotes: [Diagnostic.Note]

  private var extended: [String: GitLabNode] = [:]
  private var chains: [String: [(name: String, node: YAMLNode)]] = [:]
  private var visiting: [String] = []
  private var reportedCycles: Set<String> = []
  /// Resolved references by path, with the length of the reference chain each one needed.
  private var references: [String: (value: GitLabNode, depth: Int)] = [:]
  private var referencesInProgress: [String] = []
  /// For each reference in progress, the longest chain found inside it so far.
  private var nestedDepths: [Int] = []
  private var containsReference: [YAMLNode: Bool] = [:]
  private(set) var diagnostics: [Diagnostic] = []

  init(top: GitLabMap, unfetched: [YAMLNode]) {
    self.top = top
    if let first = unfetched.first {
      unresolvedSeverity = .warning
      unresolvedNotes = [
        Diagnostic.Note(
          message: "the pipeline includes configuration Plumb does not fetch (remote, project, template or component), which may define it",
          location: first.location)
      ]
    } else {
      unresolvedSeverity = .error
      unresolvedNotes = []
    }
  }

  // MARK: extends

  /// The direct `extends` targets written in an entry, with their nodes.
  func extendsTargets(_ entry: GitLabNode) -> [(name: String, node: YAMLNode)] {
    guard let node = entry["extends"]?.yamlNode else { return [] }
    switch node.kind {
    case .scalar:
      guard let name = node.string, !node.isNull else { return [] }
      return [(name, node)]
    case .sequence where !node.isGitLabReference:
      return node.elements.compactMap { element in
        guard element.kind == .scalar, !element.isNull, let name = element.string else { return nil }
        return (name, element)
      }
    default:
      return []
    }
  }

  /// The entry named `name` with its `extends` applied (memoised), or nil when there is no such
  /// top-level key.
  mutating func extendedEntry(_ name: String) -> GitLabNode? {
    if let done = extended[name] { return done }
    guard let entry = top[name] else { return nil }
    guard entry.isMapping, let extendsValue = entry["extends"] else {
      extended[name] = entry
      return entry
    }
    if let node = extendsValue.yamlNode {
      let valid =
        (node.kind == .scalar && !node.isNull)
        || (node.kind == .sequence && !node.isGitLabReference && node.elements.allSatisfy { $0.kind == .scalar && !$0.isNull })
      if !valid {
        report(
          Diagnostic(
            code: "gitlab.extends-invalid",
            message: "'extends' of '\(name)' must be a job name or a list of job names",
            location: node.location))
      }
    }
    visiting.append(name)
    var base: GitLabNode?
    var chain: [(name: String, node: YAMLNode)] = []
    for (target, node) in extendsTargets(entry) {
      if let position = visiting.firstIndex(of: target) {
        let members = Array(visiting[position...])
        let key = members.sorted().joined(separator: "\u{0}")
        if reportedCycles.insert(key).inserted {
          let path = (members + [target]).map { "'\($0)'" }.joined(separator: " -> ")
          report(
            Diagnostic(
              code: "gitlab.extends-cycle",
              message: "circular 'extends': \(path)",
              location: node.location))
        }
        continue
      }
      guard let targetEntry = top[target] else {
        report(
          Diagnostic(
            code: "gitlab.extends-unknown", severity: unresolvedSeverity,
            message: "'\(name)' extends '\(target)', which is not defined",
            location: node.location, notes: unresolvedNotes))
        continue
      }
      guard targetEntry.isMapping else {
        report(
          Diagnostic(
            code: "gitlab.extends-invalid",
            message: "'\(name)' extends '\(target)', which is not a mapping of keywords",
            location: node.location))
        continue
      }
      if visiting.count > GitLabKeywords.maxExtendsDepth {
        report(
          Diagnostic(
            code: "gitlab.extends-depth",
            message: "'extends' nests more than \(GitLabKeywords.maxExtendsDepth) levels at '\(target)'; it is not followed",
            location: node.location))
        continue
      }
      guard let targetExtended = extendedEntry(target) else { continue }
      if !chain.contains(where: { $0.name == target }) { chain.append((target, node)) }
      for inherited in chains[target] ?? [] where !chain.contains(where: { $0.name == inherited.name }) {
        chain.append(inherited)
      }
      base = base.map { GitLabNode.deepMerge($0, targetExtended) } ?? targetExtended
    }
    visiting.removeLast()
    let result = base.map { GitLabNode.deepMerge($0, entry) } ?? entry
    extended[name] = result
    chains[name] = chain
    return result
  }

  /// Every entry `name` extends, directly or not: direct bases first, each followed by its own
  /// chain; each name once. Each comes with the `extends` node that named it.
  mutating func extendsChain(_ name: String) -> [(name: String, node: YAMLNode)] {
    _ = extendedEntry(name)
    return chains[name] ?? []
  }

  // MARK: !reference

  /// `value` with every `!reference [job, key, …]` replaced by what it points at in the extended
  /// configuration (nested references too, up to 10 levels). In a list, a reference to a list is
  /// spliced in. A reference that cannot be resolved stays as written, with a diagnostic.
  mutating func resolve(_ value: GitLabNode) -> GitLabNode {
    switch value {
    case .yaml(let node):
      if node.isGitLabReference { return resolveReference(node) }
      guard hasReference(node) else { return value }
      switch node.kind {
      case .mapping:
        var map = GitLabMap()
        for pair in node.pairs {
          map.set(GitLabMap.keyText(pair.key), keyNode: pair.key, value: resolve(.yaml(pair.value)))
        }
        return .map(map)
      case .sequence:
        return .list(resolveElements(node.elements.map(GitLabNode.yaml)))
      case .scalar:
        return value
      }
    case .map(let map):
      var resolved = map
      for key in map.keys {
        if let member = map[key] { resolved.update(key, value: resolve(member)) }
      }
      return .map(resolved)
    case .list(let items):
      return .list(resolveElements(items))
    }
  }

  private mutating func resolveElements(_ items: [GitLabNode]) -> [GitLabNode] {
    var result: [GitLabNode] = []
    result.reserveCapacity(items.count)
    for item in items {
      if case .yaml(let node) = item, node.isGitLabReference {
        let resolved = resolveReference(node)
        switch resolved {
        case .list(let spliced): result.append(contentsOf: spliced)
        case .yaml(let target) where target.kind == .sequence && !target.isGitLabReference:
          result.append(contentsOf: target.elements.map(GitLabNode.yaml))
        default: result.append(resolved)
        }
      } else {
        result.append(resolve(item))
      }
    }
    return result
  }

  private mutating func resolveReference(_ node: YAMLNode) -> GitLabNode {
    let elements = node.elements
    guard node.kind == .sequence, !elements.isEmpty,
      elements.allSatisfy({ $0.kind == .scalar && !$0.isNull && $0.string != nil })
    else {
      report(
        Diagnostic(
          code: "gitlab.reference-invalid",
          message: "'!reference' needs a list of names: [job, key, …]",
          location: node.location))
      return .yaml(node)
    }
    let path = elements.map { $0.string ?? "" }
    let key = path.joined(separator: "\u{0}")
    let written = "[" + path.joined(separator: ", ") + "]"
    if let done = references[key] {
      // Memoised, but the chain still counts from here.
      if referencesInProgress.count + done.depth > GitLabKeywords.maxReferenceDepth {
        report(tooDeep(written, node))
        return .yaml(node)
      }
      noteNested(done.depth)
      return done.value
    }
    if referencesInProgress.contains(key) {
      report(
        Diagnostic(
          code: "gitlab.reference-cycle",
          message: "'!reference \(written)' refers to itself",
          location: node.location))
      return .yaml(node)
    }
    if referencesInProgress.count >= GitLabKeywords.maxReferenceDepth {
      report(tooDeep(written, node))
      return .yaml(node)
    }
    guard var current = extendedEntry(path[0]) else {
      report(
        Diagnostic(
          code: "gitlab.reference-unknown", severity: unresolvedSeverity,
          message: "'!reference \(written)': '\(path[0])' is not defined",
          location: node.location, notes: unresolvedNotes))
      return .yaml(node)
    }
    for (index, member) in path.enumerated().dropFirst() {
      guard let next = current[member] else {
        let parent = path[..<index].joined(separator: ".")
        report(
          Diagnostic(
            code: "gitlab.reference-unknown", severity: unresolvedSeverity,
            message: "'!reference \(written)': '\(parent)' has no key '\(member)'",
            location: node.location, notes: unresolvedNotes))
        return .yaml(node)
      }
      current = next
    }
    referencesInProgress.append(key)
    nestedDepths.append(0)
    let resolved = resolve(current)
    let depth = (nestedDepths.popLast() ?? 0) + 1
    referencesInProgress.removeLast()
    references[key] = (resolved, depth)
    noteNested(depth)
    return resolved
  }

  /// Records, in the reference being resolved (if any), a nested chain of `depth` references.
  private mutating func noteNested(_ depth: Int) {
    guard let last = nestedDepths.indices.last else { return }
    nestedDepths[last] = max(nestedDepths[last], depth)
  }

  private func tooDeep(_ written: String, _ node: YAMLNode) -> Diagnostic {
    Diagnostic(
      code: "gitlab.reference-depth",
      message: "'!reference \(written)' nests more than \(GitLabKeywords.maxReferenceDepth) references; it is not resolved",
      location: node.location)
  }

  /// Whether a `!reference` occurs anywhere inside `node` (memoised).
  private mutating func hasReference(_ node: YAMLNode) -> Bool {
    if node.isGitLabReference { return true }
    switch node.kind {
    case .scalar: return false
    case .mapping, .sequence:
      if let known = containsReference[node] { return known }
      var found = false
      if node.kind == .mapping {
        for pair in node.pairs where hasReference(pair.value) {
          found = true
          break
        }
      } else {
        for element in node.elements where hasReference(element) {
          found = true
          break
        }
      }
      containsReference[node] = found
      return found
    }
  }

  private mutating func report(_ diagnostic: Diagnostic) {
    diagnostics.append(diagnostic)
  }
}
