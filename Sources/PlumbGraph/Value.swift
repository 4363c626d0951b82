import PlumbDiagnostics
import PlumbYAML

/// A value in the document graph: what rules read.
///
/// Three absences are kept apart: ``missing`` (no such key), ``null`` (explicitly null) and
/// ``unknown`` (Terraform will only know it after apply). Most values are lazy views onto loader
/// nodes (``yaml(_:)``), so building the graph copies nothing and every value keeps its span.
/// Terraform's planned values are ``planned(_:)``: the `after` tree seen through the
/// `after_unknown` and `after_sensitive` masks.
public enum Value: Sendable {
  /// No value at this path.
  case missing
  /// An explicit null.
  case null
  /// Known only after `terraform apply`.
  case unknown
  case bool(Bool)
  case int(Int)
  case float(Double)
  case string(String)
  /// A list built by an adapter.
  case list([Value])
  /// A map built by an adapter (keys in insertion order).
  case map(ValueMap)
  /// A view onto a loaded YAML/JSON node.
  case yaml(YAMLNode)
  /// A Terraform planned value with its unknown and sensitive masks.
  indirect case planned(PlannedValue)
  /// A value an adapter derived, with the place in a file it was derived from (an expression
  /// inside a `run` script, a parsed `uses` reference).
  indirect case located(Value, SourceLocation)

  // MARK: Shape

  /// The normalised kind of this value, after looking through views.
  public var kind: ValueKind {
    switch self {
    case .missing: return .missing
    case .null: return .null
    case .unknown: return .unknown
    case .bool: return .bool
    case .int: return .int
    case .float: return .float
    case .string: return .string
    case .list: return .list
    case .map: return .map
    case .yaml(let node): return ValueKind(node)
    case .planned(let planned):
      if planned.isUnknown { return .unknown }
      return planned.after.map(ValueKind.init) ?? .missing
    case .located(let value, _): return value.kind
    }
  }

  /// The value with views resolved one level: scalars become `.bool`/`.int`/…; collections stay
  /// views (cheap), except where masks make a scalar unknown.
  public var scalar: Value {
    switch self {
    case .yaml(let node):
      guard let value = node.value else { return self }
      switch value {
      case .null: return .null
      case .bool(let b): return .bool(b)
      case .int(let i): return .int(i)
      case .float(let f): return .float(f)
      case .string(let s): return .string(s)
      }
    case .planned(let planned):
      if planned.isUnknown { return .unknown }
      guard let after = planned.after else { return .missing }
      return after.kind == .scalar ? Value.yaml(after).scalar : self
    case .located(let value, _):
      return value.scalar
    default:
      return self
    }
  }

  /// True for ``missing``.
  public var isMissing: Bool { kind == .missing }
  /// True for ``unknown``.
  public var isUnknown: Bool { kind == .unknown }

  /// Whether Terraform marks this value (or something inside it) as sensitive.
  public var isSensitive: Bool {
    switch self {
    case .planned(let planned): return planned.isSensitive
    case .located(let value, _): return value.isSensitive
    default: return false
    }
  }

  // MARK: Access

  /// The member `key` of a map; ``missing`` for other kinds or absent keys.
  public subscript(key: String) -> Value {
    switch self {
    case .map(let map): return map[key] ?? .missing
    case .yaml(let node):
      guard node.kind == .mapping else { return .missing }
      return node[key].map(Value.yaml) ?? .missing
    case .planned(let planned): return planned.member(key)
    case .located(let value, _): return value[key]
    case .unknown: return .unknown
    default: return .missing
    }
  }

  /// The element at `index` of a list; ``missing`` when out of range or not a list.
  public subscript(index: Int) -> Value {
    switch self {
    case .list(let list): return index >= 0 && index < list.count ? list[index] : .missing
    case .yaml(let node):
      guard node.kind == .sequence, let element = node[index] else { return .missing }
      return .yaml(element)
    case .planned(let planned): return planned.element(index)
    case .located(let value, _): return value[index]
    case .unknown: return .unknown
    default: return .missing
    }
  }

  /// Follows a path of keys (strings) and indexes (ints). Below a missing value everything is
  /// missing; below an unknown value everything is unknown.
  public func at(_ path: [PathComponent]) -> Value {
    var current = self
    for component in path {
      switch component {
      case .key(let key): current = current[key]
      case .index(let index): current = current[index]
      }
      if case .missing = current { return .missing }
    }
    return current
  }

  /// The elements of a list (empty for other kinds).
  public var elements: [Value] {
    switch self {
    case .list(let list): return list
    case .yaml(let node): return node.kind == .sequence ? node.elements.map(Value.yaml) : []
    case .planned(let planned): return planned.elements
    case .located(let value, _): return value.elements
    default: return []
    }
  }

  /// The number of ``elements``, without building them (0 for other kinds); element `i` of them
  /// is `self[i]`.
  public var elementCount: Int {
    switch self {
    case .list(let list): return list.count
    case .yaml(let node): return node.kind == .sequence ? node.count : 0
    case .planned(let planned): return planned.elementCount
    case .located(let value, _): return value.elementCount
    default: return 0
    }
  }

  /// The entries of a map in order (empty for other kinds). Non-string YAML keys use their text.
  public var entries: [(key: String, value: Value)] {
    switch self {
    case .map(let map): return map.entries
    case .yaml(let node):
      guard node.kind == .mapping else { return [] }
      return node.pairs.map { ($0.key.string ?? $0.key.rawText, Value.yaml($0.value)) }
    case .planned(let planned): return planned.entries
    case .located(let value, _): return value.entries
    default: return []
    }
  }

  /// The string content of a string scalar, or nil.
  public var string: String? {
    if case .string(let s) = scalar { return s }
    return nil
  }

  /// The content of a bool scalar, or nil.
  public var bool: Bool? {
    if case .bool(let b) = scalar { return b }
    return nil
  }

  /// The content of an int scalar, or nil.
  public var int: Int? {
    if case .int(let i) = scalar { return i }
    return nil
  }

  /// The loader node behind this value, if it has one (for its span).
  public var node: YAMLNode? {
    switch self {
    case .yaml(let node): return node
    case .planned(let planned): return planned.after
    case .located(let value, _): return value.node
    default: return nil
    }
  }

  /// Where this value was written, if it came from a file.
  public var location: SourceLocation? {
    if case .located(_, let location) = self { return location }
    return node?.location
  }
}

/// A step in a path through values.
public enum PathComponent: Hashable, Sendable, CustomStringConvertible {
  case key(String)
  case index(Int)

  public var description: String {
    switch self {
    case .key(let key): key
    case .index(let index): "[\(index)]"
    }
  }
}

/// The kinds of ``Value`` after resolving views.
public enum ValueKind: String, Sendable, Hashable {
  case missing, null, unknown, bool, int, float, string, list, map

  init(_ node: YAMLNode) {
    switch node.kind {
    case .sequence: self = .list
    case .mapping: self = .map
    case .scalar:
      switch node.scalarType ?? .string {
      case .null: self = .null
      case .bool: self = .bool
      case .int: self = .int
      case .float: self = .float
      case .string: self = .string
      }
    }
  }
}

/// An insertion-ordered map of values, for attributes an adapter builds.
///
/// Small maps (most attribute maps have a dozen keys) are searched linearly, which is faster than
/// hashing and allocates nothing; past 24 entries a position index is kept.
public struct ValueMap: Sendable {
  /// The entries in insertion order.
  public private(set) var entries: [(key: String, value: Value)] = []
  private var positions: [String: Int]?
  private static let indexThreshold = 24

  /// Creates an empty map.
  public init() {}

  /// Creates a map from ordered entries (later duplicates replace earlier ones).
  public init(_ entries: [(String, Value)]) {
    for (key, value) in entries { self[key] = value }
  }

  private func position(of key: String) -> Int? {
    if let positions { return positions[key] }
    // Most keys differ in length: compared first, it settles most mismatches without a string
    // comparison.
    let length = key.utf8.count
    for index in entries.indices where entries[index].key.utf8.count == length && entries[index].key == key {
      return index
    }
    return nil
  }

  /// The value for `key`, or nil.
  public subscript(key: String) -> Value? {
    get { position(of: key).map { entries[$0].value } }
    set {
      if let position = position(of: key) {
        if let newValue {
          entries[position].value = newValue
        } else {
          entries.remove(at: position)
          rebuildIndex()
        }
      } else if let newValue {
        entries.append((key, newValue))
        if positions != nil {
          positions?[key] = entries.count - 1
        } else if entries.count > Self.indexThreshold {
          rebuildIndex()
        }
      }
    }
  }

  private mutating func rebuildIndex() {
    guard entries.count > Self.indexThreshold else {
      positions = nil
      return
    }
    var index: [String: Int] = [:]
    for (position, entry) in entries.enumerated() { index[entry.key] = position }
    positions = index
  }

  /// The number of entries.
  public var count: Int { entries.count }
}

/// Terraform's `change.after` seen through `after_unknown` (true = unknown until apply) and
/// `after_sensitive` (true = sensitive).
///
/// Unknown object attributes are omitted from `after` and unknown list elements are null there;
/// the masks tell them apart from values that are absent or null.
public struct PlannedValue: Sendable {
  /// The `after` node at this path, if present.
  public let after: YAMLNode?
  /// The `after_unknown` node at this path, if present.
  public let unknownMask: YAMLNode?
  /// The `after_sensitive` node at this path, if present.
  public let sensitiveMask: YAMLNode?

  /// Creates a planned value.
  public init(after: YAMLNode?, unknownMask: YAMLNode?, sensitiveMask: YAMLNode?) {
    self.after = after
    self.unknownMask = unknownMask
    self.sensitiveMask = sensitiveMask
  }

  private static func isTrue(_ node: YAMLNode?) -> Bool { node?.isTrue ?? false }

  /// Whether this whole value is unknown.
  public var isUnknown: Bool { Self.isTrue(unknownMask) }

  /// Whether this value is marked sensitive.
  public var isSensitive: Bool { Self.isTrue(sensitiveMask) }

  /// The value with the masks applied at this level: unknown, missing, or this planned view
  /// (which keeps the masks for the values below it, and the sensitive mark of a scalar).
  public var resolved: Value {
    if isUnknown { return .unknown }
    guard after != nil else { return .missing }
    return .planned(self)
  }

  func member(_ key: String) -> Value {
    if isUnknown { return .unknown }
    let child = PlannedValue(
      after: after?.kind == .mapping ? after?[key] : nil,
      unknownMask: unknownMask?.kind == .mapping ? unknownMask?[key] : nil,
      sensitiveMask: sensitiveMask?.kind == .mapping ? sensitiveMask?[key] : nil)
    if child.after == nil && !child.isUnknown { return .missing }
    return child.resolved
  }

  func element(_ index: Int) -> Value {
    if isUnknown { return .unknown }
    guard let after, after.kind == .sequence, let element = after[index] else { return .missing }
    let child = PlannedValue(
      after: element,
      unknownMask: unknownMask?.kind == .sequence ? unknownMask?[index] : nil,
      sensitiveMask: sensitiveMask?.kind == .sequence ? sensitiveMask?[index] : nil)
    return child.resolved
  }

  var elements: [Value] {
    guard !isUnknown, let after, after.kind == .sequence else { return [] }
    return (0..<after.count).map(element)
  }

  /// `elements.count`, without building them.
  var elementCount: Int {
    guard !isUnknown, let after, after.kind == .sequence else { return 0 }
    return after.count
  }

  var entries: [(key: String, value: Value)] {
    guard !isUnknown, let after, after.kind == .mapping else { return [] }
    var result: [(key: String, value: Value)] = []
    var seen = Set<String>()
    for pair in after.pairs {
      let key = pair.key.string ?? pair.key.rawText
      seen.insert(key)
      result.append((key, member(key)))
    }
    // Attributes unknown until apply are omitted from `after`: surface them as unknown.
    if let unknownMask, unknownMask.kind == .mapping {
      for pair in unknownMask.pairs {
        let key = pair.key.string ?? pair.key.rawText
        if !seen.contains(key) && pair.value.isTrue { result.append((key, .unknown)) }
      }
    }
    return result
  }
}
