import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// A configuration value while GitLab's merges are applied: a node as written (kept as a view
/// until something has to change inside it), or a mapping / list the adapter built by merging
/// included files, `extends`, `!reference` splices and `default:` inheritance.
///
/// Every leaf is still a loader node, so the materialised ``Value`` points at the file and line
/// where each value was written.
indirect enum GitLabNode {
  /// A node as written in a file.
  case yaml(YAMLNode)
  /// A mapping built by merging.
  case map(GitLabMap)
  /// A sequence built by splicing references.
  case list([GitLabNode])

  /// Whether this is a mapping (a `!reference` is never one: it is resolved later).
  var isMapping: Bool {
    switch self {
    case .map: return true
    case .yaml(let node): return node.kind == .mapping
    case .list: return false
    }
  }

  /// The mapping's entries, or nil for other kinds.
  var asMap: GitLabMap? {
    switch self {
    case .map(let map): return map
    case .yaml(let node):
      guard node.kind == .mapping else { return nil }
      return GitLabMap(node)
    case .list: return nil
    }
  }

  /// The member `key` of a mapping, or nil.
  subscript(key: String) -> GitLabNode? {
    switch self {
    case .map(let map): return map[key]
    case .yaml(let node):
      guard node.kind == .mapping else { return nil }
      return node[key].map(GitLabNode.yaml)
    case .list: return nil
    }
  }

  /// The key node of the member `key`, when the mapping was written in a file.
  func keyNode(_ key: String) -> YAMLNode? {
    switch self {
    case .map(let map): return map.entry(key)?.key
    case .yaml(let node): return node.pair(forKey: key)?.key
    case .list: return nil
    }
  }

  /// The written node, when this value is one.
  var yamlNode: YAMLNode? {
    if case .yaml(let node) = self { return node }
    return nil
  }

  /// The scalar's text, when this value is a scalar written in a file.
  var string: String? {
    guard case .yaml(let node) = self, node.kind == .scalar, !node.isNull else { return nil }
    return node.string
  }

  /// A node that locates this value: the written node, or the first written node inside it.
  var anyNode: YAMLNode? {
    switch self {
    case .yaml(let node): return node
    case .map(let map):
      for key in map.keys { if let node = map.entry(key)?.key ?? map[key]?.anyNode { return node } }
      return nil
    case .list(let items):
      for item in items { if let node = item.anyNode { return node } }
      return nil
    }
  }

  /// The elements of a list, flattened up to `depth` levels of nesting (GitLab flattens nested
  /// arrays in `script`, `rules`, `needs`… up to 10 levels). A non-list yields itself.
  func flattened(depth: Int = 10) -> [GitLabNode] {
    var result: [GitLabNode] = []
    appendFlattened(to: &result, depth: depth)
    return result
  }

  private func appendFlattened(to result: inout [GitLabNode], depth: Int) {
    switch self {
    case .list(let items):
      for item in items {
        if depth > 0 { item.appendFlattenedElement(to: &result, depth: depth - 1) } else { result.append(item) }
      }
    case .yaml(let node) where node.kind == .sequence && node.tag != GitLabKeywords.referenceTag:
      for element in node.elements {
        let item = GitLabNode.yaml(element)
        if depth > 0 { item.appendFlattenedElement(to: &result, depth: depth - 1) } else { result.append(item) }
      }
    case .yaml(let node) where node.isNull:
      break
    default:
      result.append(self)
    }
  }

  private func appendFlattenedElement(to result: inout [GitLabNode], depth: Int) {
    switch self {
    case .list: appendFlattened(to: &result, depth: depth)
    case .yaml(let node) where node.kind == .sequence && node.tag != GitLabKeywords.referenceTag:
      appendFlattened(to: &result, depth: depth)
    default: result.append(self)
    }
  }

  /// The value rules read: written subtrees stay views, built ones become maps and lists.
  var value: Value {
    switch self {
    case .yaml(let node): return .yaml(node)
    case .map(let map): return .map(map.valueMap)
    case .list(let items): return .list(items.map(\.value))
    }
  }

  /// GitLab's deep merge (ActiveSupport `deep_merge`): mappings merge key by key, recursively;
  /// anything else (lists, scalars, null) is replaced by `over`.
  static func deepMerge(_ base: GitLabNode, _ over: GitLabNode) -> GitLabNode {
    guard base.isMapping, over.isMapping, var merged = base.asMap, let overMap = over.asMap else { return over }
    for key in overMap.keys {
      guard let entry = overMap.entry(key) else { continue }
      if let existing = merged.entry(key) {
        merged.set(key, keyNode: entry.key ?? existing.key, value: deepMerge(existing.value, entry.value))
      } else {
        merged.set(key, keyNode: entry.key, value: entry.value)
      }
    }
    return .map(merged)
  }
}

/// An insertion-ordered mapping of configuration values, with the key node each was written at.
struct GitLabMap {
  struct Entry {
    /// Where the key was written (nil for keys the adapter added).
    var key: YAMLNode?
    var value: GitLabNode
  }

  private(set) var keys: [String] = []
  private var storage: [String: Entry] = [:]

  init() {}

  /// The pairs of a written mapping (a later duplicate key replaces the earlier value).
  init(_ node: YAMLNode) {
    for pair in node.pairs {
      set(GitLabMap.keyText(pair.key), keyNode: pair.key, value: .yaml(pair.value))
    }
  }

  static func keyText(_ key: YAMLNode) -> String { key.string ?? key.rawText }

  var count: Int { keys.count }

  func entry(_ key: String) -> Entry? { storage[key] }

  subscript(key: String) -> GitLabNode? { storage[key]?.value }

  func contains(_ key: String) -> Bool { storage[key] != nil }

  mutating func set(_ key: String, keyNode: YAMLNode?, value: GitLabNode) {
    if storage[key] == nil { keys.append(key) }
    storage[key] = Entry(key: keyNode, value: value)
  }

  /// Replaces the value of an existing key, keeping its key node.
  mutating func update(_ key: String, value: GitLabNode) {
    guard var entry = storage[key] else { return }
    entry.value = value
    storage[key] = entry
  }

  var valueMap: ValueMap {
    var map = ValueMap()
    for key in keys { if let entry = storage[key] { map[key] = entry.value.value } }
    return map
  }
}

extension YAMLNode {
  /// Whether this node is a `!reference [job, key, …]`.
  var isGitLabReference: Bool { tag == GitLabKeywords.referenceTag }
}

extension SourceLocation {
  /// The span from the start of `first` to the end of `last` (a key through its value).
  static func spanning(_ first: YAMLNode, _ last: YAMLNode) -> SourceLocation {
    let start = first.span.start
    let end = last.span.end
    guard first.tree === last.tree, end.offset >= start.offset else { return first.location }
    return SourceLocation(
      path: first.tree.source.path, span: SourceSpan(start: start, end: end), usedAt: first.useSpan ?? last.useSpan)
  }
}
