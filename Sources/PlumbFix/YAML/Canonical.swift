import PlumbYAML

/// The meaning of a YAML value, without its writing: what a fix must change and nothing else.
/// Aliases are expanded and merge keys applied; map order does not count, scalar types do
/// (`false` is not `"false"`, `1` is not `1.0`).
public indirect enum Canonical: Equatable, Sendable, CustomStringConvertible {
  case null
  case bool(Bool)
  case int(Int)
  case float(Double)
  case string(String)
  case list([Canonical])
  case map([String: Canonical])

  /// The meaning of a loaded node.
  public init(_ node: YAMLNode) {
    switch node.kind {
    case .scalar:
      switch node.value ?? .null {
      case .null: self = .null
      case .bool(let b): self = .bool(b)
      case .int(let i): self = .int(i)
      case .float(let f): self = .float(f)
      case .string(let s): self = .string(s)
      }
    case .sequence: self = .list(node.elements.map(Canonical.init))
    case .mapping:
      var map: [String: Canonical] = [:]
      for pair in node.pairs { map[pair.key.string ?? pair.key.rawText] = Canonical(pair.value) }
      self = .map(map)
    }
  }

  /// The meaning of a fix value.
  public init(_ value: FixValue) {
    switch value {
    case .null: self = .null
    case .bool(let b): self = .bool(b)
    case .number(let text): self = Int(text).map(Canonical.int) ?? .float(Double(text) ?? .nan)
    case .string(let s): self = .string(s)
    case .list(let items): self = .list(items.map(Canonical.init))
    case .map(let entries):
      var map: [String: Canonical] = [:]
      for entry in entries { map[entry.key] = Canonical(entry.value) }
      self = .map(map)
    }
  }

  public static func == (lhs: Canonical, rhs: Canonical) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.int(let a), .int(let b)): return a == b
    case (.float(let a), .float(let b)): return a == b || (a.isNaN && b.isNaN)
    case (.string(let a), .string(let b)): return a == b
    case (.list(let a), .list(let b)): return a == b
    case (.map(let a), .map(let b)): return a == b
    default: return false
    }
  }

  public var description: String {
    switch self {
    case .null: return "null"
    case .bool(let b): return String(b)
    case .int(let i): return String(i)
    case .float(let f): return String(f)
    case .string(let s): return FixValue.jsonQuote(s)
    case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
    case .map(let map):
      return "{" + map.keys.sorted().map { FixValue.jsonQuote($0) + ": " + map[$0]!.description }.joined(separator: ", ")
        + "}"
    }
  }

  /// Applies `change` to this value.
  public mutating func apply(_ change: SemanticChange) {
    switch change.operation {
    case .set(let value): update(change.path[...]) { $0 = value }
    case .remove: remove(change.path[...])
    case .append(let value):
      update(change.path[...]) { current in
        if case .list(var items) = current {
          if !items.contains(value) { items.append(value) }
          current = .list(items)
        } else {
          current = .list([value])
        }
      }
    }
  }

  mutating func update(_ path: ArraySlice<DocumentStep>, _ body: (inout Canonical) -> Void) {
    guard let step = path.first else {
      body(&self)
      return
    }
    switch (self, step) {
    case (.map(var map), .key(let key)):
      var child = map[key] ?? .null
      child.update(path.dropFirst(), body)
      map[key] = child
      self = .map(map)
    case (.list(var items), .index(let i)) where i >= 0 && i < items.count:
      items[i].update(path.dropFirst(), body)
      self = .list(items)
    case (.null, .key(let key)):
      var child = Canonical.null
      child.update(path.dropFirst(), body)
      self = .map([key: child])
    default:
      break
    }
  }

  mutating func remove(_ path: ArraySlice<DocumentStep>) {
    guard let step = path.first else { return }
    let last = path.count == 1
    switch (self, step) {
    case (.map(var map), .key(let key)):
      if last {
        map[key] = nil
      } else {
        map[key]?.remove(path.dropFirst())
      }
      self = .map(map)
    case (.list(var items), .index(let i)) where i >= 0 && i < items.count:
      if last {
        items.remove(at: i)
      } else {
        items[i].remove(path.dropFirst())
      }
      self = .list(items)
    default:
      break
    }
  }
}

/// What a fix means to change in a document: the check its edits are verified against.
public struct SemanticChange: Sendable, Equatable {
  public enum Operation: Sendable, Equatable {
    case set(Canonical)
    case remove
    case append(Canonical)
  }
  /// The document of the file (0-based).
  public var document: Int
  /// The path from the document's root.
  public var path: [DocumentStep]
  public var operation: Operation

  public init(document: Int, path: [DocumentStep], operation: Operation) {
    self.document = document
    self.path = path
    self.operation = operation
  }
}
