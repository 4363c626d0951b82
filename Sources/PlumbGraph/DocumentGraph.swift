import Dispatch
import PlumbDiagnostics

/// The document graph: every entity from every input, typed edges between them, and indexes.
///
/// Immutable once built (see ``GraphBuilder``); safe to share across threads. Entities are sorted
/// by id, so iteration order is the same on every run.
public final class DocumentGraph: Sendable {
  /// Every entity, sorted by id.
  public let entities: [Entity]
  /// Every edge, sorted by (from, type, to).
  public let edges: [Edge]
  /// Problems found while building (invalid entities, dangling references, cycles, …).
  public let diagnostics: [Diagnostic]
  /// The catalog context: entities that references resolve against but rules do not judge.
  public let context: Context

  /// Which entities are catalog context (the central catalog, not the repository's own inputs).
  public struct Context: Sendable {
    /// The context entities' ids.
    public let ids: Set<EntityID>
    /// Problems of the context's own files (not the repository's), in file and position order.
    public let diagnostics: [Diagnostic]
    /// Whether rules and scorecards judge context entities too (`--check-context`).
    public let isChecked: Bool

    /// Creates a context description.
    public init(ids: Set<EntityID> = [], diagnostics: [Diagnostic] = [], isChecked: Bool = false) {
      self.ids = ids
      self.diagnostics = diagnostics
      self.isChecked = isChecked
    }
  }

  private let byID: [EntityID: Int]
  private let byKind: [String: [Int]]
  private let byKindAndName: [String: [Int]]
  private let byType: [String: [Int]]
  /// `byKind` and `byType` without the context entities (the same when there is no context, or
  /// when it is checked): what rules judge.
  private let subjectsByKind: [String: [Int]]
  private let subjectsByType: [String: [Int]]
  /// Positions in `edges` of the edges leaving and arriving at each entity, by entity position.
  private let outgoing: Adjacency
  private let incoming: Adjacency
  /// The position of each edge's target entity (-1: not an entity), by edge position.
  private let targets: [Int]
  /// Entity positions by object, so a rule's traversal from an entity it holds hashes a pointer,
  /// not the entity's id.
  private let positionOfObject: [ObjectIdentifier: Int]

  init(entities: [Entity], edges: [Edge], diagnostics: [Diagnostic], context: Context = Context()) {
    let sorted = entities.sorted { $0.id < $1.id }
    self.entities = sorted
    var positions: [EntityID: Int] = [:]
    positions.reserveCapacity(sorted.count)
    for (index, entity) in sorted.enumerated() { positions[entity.id] = index }
    let byID = positions
    // The lookup indexes and the edges are independent of each other: built on two cores.
    let parts = Parts()
    DispatchQueue.concurrentPerform(iterations: 2) { part in
      if part == 0 {
        var byKind: [String: [Int]] = [:]
        var byKindAndName: [String: [Int]] = [:]
        var byType: [String: [Int]] = [:]
        var positionOfObject: [ObjectIdentifier: Int] = [:]
        positionOfObject.reserveCapacity(sorted.count)
        for (index, entity) in sorted.enumerated() {
          byKind[entity.kind, default: []].append(index)
          byKindAndName[Self.nameKey(entity.kind, entity.name), default: []].append(index)
          if let type = entity.type { byType[entity.kind + "\u{0}" + type, default: []].append(index) }
          positionOfObject[ObjectIdentifier(entity)] = index
        }
        parts.indexes = (byKind, byKindAndName, byType, positionOfObject)
      } else {
        // One edge per (from, type, to): a relation declared on both sides (children and parent),
        // or twice, is one edge, located where it was first declared.
        let (sortedEdges, ends) = Self.uniqueSortedEdges(edges, byID: byID)
        parts.edges = (
          sortedEdges,
          Adjacency(count: sorted.count, ends: ends.map { $0.from ?? -1 }),
          Adjacency(count: sorted.count, ends: ends.map { $0.to ?? -1 }),
          ends.map { $0.to ?? -1 }
        )
      }
    }
    let (byKind, byKindAndName, byType, positionOfObject) = parts.indexes!
    let (sortedEdges, outgoing, incoming, targets) = parts.edges!
    self.edges = sortedEdges
    self.byID = byID
    self.byKind = byKind
    self.byKindAndName = byKindAndName
    self.byType = byType
    self.outgoing = outgoing
    self.incoming = incoming
    self.targets = targets
    self.positionOfObject = positionOfObject
    self.diagnostics = diagnostics
    self.context = context
    if context.ids.isEmpty || context.isChecked {
      (subjectsByKind, subjectsByType) = (byKind, byType)
    } else {
      let own = { (positions: [Int]) in positions.filter { !context.ids.contains(sorted[$0].id) } }
      subjectsByKind = byKind.mapValues(own)
      subjectsByType = byType.mapValues(own)
    }
  }

  /// What the two halves of `init` build (each written by one of them, read after both ended).
  private final class Parts: @unchecked Sendable {
    var indexes: ([String: [Int]], [String: [Int]], [String: [Int]], [ObjectIdentifier: Int])?
    var edges: ([Edge], Adjacency, Adjacency, [Int])?
  }

  private static func nameKey(_ kind: String, _ name: String) -> String { kind + "\u{0}" + name.lowercased() }

  /// The edges without duplicates (the first of each (from, type, to) is kept), sorted by
  /// (from, type, to), with the positions of their ends (nil for an end that is not an entity).
  ///
  /// Entities are sorted by id, so an end's position orders like its id; edge types are ranked in
  /// string order. Edges are keyed by (from, type rank, to, position), all integers: sorted, the
  /// edges of one (from, type, to) are adjacent with the first declared first, so keeping the
  /// first of each run is the same as keeping each key's first edge and sorting those, with no
  /// hashing or string comparison per edge.
  private static func uniqueSortedEdges(
    _ edges: [Edge], byID: [EntityID: Int]
  ) -> (edges: [Edge], ends: [(from: Int?, to: Int?)]) {
    struct Key {
      let from: Int32
      let type: Int32
      let to: Int32
      let position: Int32
    }
    var typeRanks: [String: Int32] = [:]
    for edge in edges where typeRanks[edge.type] == nil { typeRanks[edge.type] = 0 }
    for (rank, type) in typeRanks.keys.sorted().enumerated() { typeRanks[type] = Int32(rank) }
    var keys: [Key] = []
    keys.reserveCapacity(edges.count)
    for (position, edge) in edges.enumerated() {
      guard let from = byID[edge.from], let to = byID[edge.to] else {
        let sorted = uniqueSortedEdgesByID(edges)
        return (sorted, sorted.map { (byID[$0.from], byID[$0.to]) })
      }
      keys.append(Key(from: Int32(from), type: typeRanks[edge.type]!, to: Int32(to), position: Int32(position)))
    }
    keys.sort { a, b in
      if a.from != b.from { return a.from < b.from }
      if a.type != b.type { return a.type < b.type }
      if a.to != b.to { return a.to < b.to }
      return a.position < b.position
    }
    var unique: [Edge] = []
    var ends: [(from: Int?, to: Int?)] = []
    unique.reserveCapacity(keys.count)
    ends.reserveCapacity(keys.count)
    var previous: Key?
    for key in keys {
      if let previous, previous.from == key.from && previous.type == key.type && previous.to == key.to { continue }
      previous = key
      unique.append(edges[Int(key.position)])
      ends.append((Int(key.from), Int(key.to)))
    }
    return (unique, ends)
  }

  /// The same for edges whose ends may not be entities: keyed and sorted by ids.
  private static func uniqueSortedEdgesByID(_ edges: [Edge]) -> [Edge] {
    var unique: [String: Edge] = [:]
    for edge in edges {
      let key = edge.from.rawValue + "\u{0}" + edge.type + "\u{0}" + edge.to.rawValue
      if unique[key] == nil { unique[key] = edge }
    }
    return unique.values.sorted { ($0.from, $0.type, $0.to) < ($1.from, $1.type, $1.to) }
  }

  /// The entity with `id`, or nil. O(1).
  public func entity(_ id: EntityID) -> Entity? { byID[id].map { entities[$0] } }

  /// Every entity of `kind`, in id order. O(1) plus the result.
  public func entities(ofKind kind: String) -> [Entity] { (byKind[kind] ?? []).map { entities[$0] } }

  /// Entities of `kind` named `name` (case-insensitive). O(1) plus the result.
  public func entities(ofKind kind: String, named name: String) -> [Entity] {
    (byKindAndName[Self.nameKey(kind, name)] ?? []).map { entities[$0] }
  }

  /// Entities of `kind` whose ``Entity/type`` is `type`. O(1) plus the result.
  public func entities(ofKind kind: String, type: String) -> [Entity] {
    (byType[kind + "\u{0}" + type] ?? []).map { entities[$0] }
  }

  /// The entities of `kind` that rules judge: the repository's own, and the context's only when it
  /// is checked.
  public func subjects(ofKind kind: String) -> [Entity] { (subjectsByKind[kind] ?? []).map { entities[$0] } }

  /// The entities of `kind` and sub-type `type` that rules judge (see ``subjects(ofKind:)``).
  public func subjects(ofKind kind: String, type: String) -> [Entity] {
    (subjectsByType[kind + "\u{0}" + type] ?? []).map { entities[$0] }
  }

  /// Whether `id` is a catalog context entity.
  public func isContext(_ id: EntityID) -> Bool { context.ids.contains(id) }

  /// The kinds present, sorted.
  public var kinds: [String] { byKind.keys.sorted() }

  /// Edges leaving `id`, optionally only of `type`.
  public func edges(from id: EntityID, type: String? = nil) -> [Edge] {
    guard let index = byID[id] else { return [] }
    return outgoing[index].map { edges[$0] }.filter { type == nil || $0.type == type }
  }

  /// Edges arriving at `id`, optionally only of `type`.
  public func edges(to id: EntityID, type: String? = nil) -> [Edge] {
    guard let index = byID[id] else { return [] }
    return incoming[index].map { edges[$0] }.filter { type == nil || $0.type == type }
  }

  /// The entities `id` points at through edges of `type`, in edge order.
  public func related(_ id: EntityID, _ type: String) -> [Entity] {
    guard let index = byID[id] else { return [] }
    return related(at: index, type)
  }

  /// The entities `entity` points at through edges of `type`, in edge order (the same as
  /// `related(entity.id, type)`).
  public func related(_ entity: Entity, _ type: String) -> [Entity] {
    if let index = positionOfObject[ObjectIdentifier(entity)], entities[index] === entity {
      return related(at: index, type)
    }
    return related(entity.id, type)
  }

  private func related(at index: Int, _ type: String) -> [Entity] {
    // By edge position, without copying the edges (strings and a location each).
    var result: [Entity] = []
    for position in outgoing[index] where edges[position].type == type {
      let target = targets[position]
      if target >= 0 { result.append(entities[target]) }
    }
    return result
  }

  /// Builds an index of the entities of `kind` by the string value at `path` in their attributes,
  /// for equality joins. Build it once per query plan and reuse it: lookups are O(1).
  ///
  /// With `types`, only entities of those types are indexed: the same hits as filtering the
  /// lookups of the whole kind's index by type, in the same (id) order.
  ///
  /// - Complexity: O(n) in the entities of `kind` (of `types`, when given).
  public func index(
    kind: String, types: [String] = [], path: [PathComponent], caseInsensitive: Bool = false
  ) -> AttributeIndex {
    var map: [String: [Int]] = [:]
    let positions: [Int]
    if types.isEmpty || types.contains("") {
      positions = byKind[kind] ?? []
    } else {
      positions = Set(types).flatMap { byType[kind + "\u{0}" + $0] ?? [] }.sorted()
    }
    for position in positions {
      let value = entities[position].attributes.at(path)
      guard let key = AttributeIndex.key(value, caseInsensitive: caseInsensitive) else { continue }
      map[key, default: []].append(position)
    }
    return AttributeIndex(graph: self, positions: map, caseInsensitive: caseInsensitive)
  }

  fileprivate func entity(at position: Int) -> Entity { entities[position] }
}

/// A hash index from an attribute's value to the entities that have it.
public struct AttributeIndex: Sendable {
  let graph: DocumentGraph
  let positions: [String: [Int]]
  let caseInsensitive: Bool

  static func key(_ value: Value, caseInsensitive: Bool) -> String? {
    switch value.scalar {
    case .string(let s): return caseInsensitive ? s.lowercased() : s
    case .int(let i): return String(i)
    case .bool(let b): return String(b)
    default: return nil
    }
  }

  /// The entities whose indexed attribute equals `value`. O(1) plus the result.
  public func lookup(_ value: Value) -> [Entity] {
    guard let key = Self.key(value, caseInsensitive: caseInsensitive) else { return [] }
    return (positions[key] ?? []).map { graph.entity(at: $0) }
  }

  /// The entities whose indexed attribute equals the string `value`.
  public func lookup(_ value: String) -> [Entity] { lookup(.string(value)) }
}

/// Edge positions by entity position, in one flat array (compressed rows): the positions of the
/// edges at entity `i` are `positions[starts[i]..<starts[i + 1]]`, ascending.
private struct Adjacency: Sendable {
  private let starts: [Int]
  private let positions: [Int]

  /// `ends[e]` is the entity position edge `e` belongs to (-1: none).
  init(count: Int, ends: [Int]) {
    var starts = Array(repeating: 0, count: count + 1)
    for end in ends where end >= 0 { starts[end + 1] += 1 }
    for index in 0..<count { starts[index + 1] += starts[index] }
    var next = starts
    var positions = Array(repeating: 0, count: starts[count])
    for (edge, end) in ends.enumerated() where end >= 0 {
      positions[next[end]] = edge
      next[end] += 1
    }
    self.starts = starts
    self.positions = positions
  }

  subscript(entity: Int) -> ArraySlice<Int> { positions[starts[entity]..<starts[entity + 1]] }
}
