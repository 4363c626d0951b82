import PlumbDiagnostics

/// Collects entities, edges and diagnostics from the adapters, then freezes them into a
/// ``DocumentGraph``.
public struct GraphBuilder: Sendable {
  private(set) var entities: [EntityID: Entity] = [:]
  private(set) var order: [EntityID] = []
  private(set) var edges: [Edge] = []
  /// Problems reported so far.
  public private(set) var diagnostics: [Diagnostic] = []
  /// Entities that are catalog context (the central catalog), not the repository's own inputs.
  public private(set) var contextIDs: Set<EntityID> = []
  /// Problems of the catalog context's own files, kept apart: not the repository's.
  public private(set) var contextDiagnostics: [Diagnostic] = []
  /// Whether rules and scorecards judge context entities too (`--check-context`).
  public var contextIsChecked = false

  /// Creates an empty builder.
  public init() {}

  /// Adds an entity. A second entity with the same id is a diagnostic and is dropped.
  public mutating func add(_ entity: Entity) {
    // One hash of the id in the usual case (a new id); a duplicate puts the first one back.
    if let existing = entities.updateValue(entity, forKey: entity.id) {
      entities[entity.id] = existing
      diagnose(
        Diagnostic(
          code: "graph.duplicate-id",
          message: "'\(entity.id)' is defined more than once; the first definition is kept",
          location: entity.location,
          notes: [Diagnostic.Note(message: "first defined here", location: existing.location)]))
      return
    }
    order.append(entity.id)
  }

  /// Adds an edge. Edges whose ends are not entities are reported when the graph is built.
  public mutating func connect(_ from: EntityID, _ type: String, _ to: EntityID, at location: SourceLocation? = nil) {
    edges.append(Edge(from: from, type: type, to: to, location: location))
  }

  /// Adds a diagnostic.
  public mutating func diagnose(_ diagnostic: Diagnostic) {
    diagnostics.append(diagnostic)
  }

  /// Marks the entity `id` as catalog context: references resolve against it, rules do not judge
  /// it (unless ``contextIsChecked``).
  public mutating func markContext(_ id: EntityID) {
    contextIDs.insert(id)
  }

  /// Adds a problem of the catalog context's own files.
  public mutating func diagnoseContext(_ diagnostic: Diagnostic) {
    contextDiagnostics.append(diagnostic)
  }

  /// Adds everything `other` collected, in the order it collected it: the same as making here
  /// the calls that were made there (an adapter can read a file into a builder of its own on
  /// another core, then merge it in file order).
  public mutating func merge(_ other: GraphBuilder) {
    for id in other.order {
      if let entity = other.entities[id] { add(entity) }
    }
    edges.append(contentsOf: other.edges)
    diagnostics.append(contentsOf: other.diagnostics)
  }

  /// Whether an entity with `id` has been added.
  public func contains(_ id: EntityID) -> Bool { entities[id] != nil }

  /// The entity with `id`, if added.
  public func entity(_ id: EntityID) -> Entity? { entities[id] }

  /// The edges of one relation added so far, in the order they were added (one pass over all).
  public func edges(ofType type: String) -> [Edge] { edges.filter { $0.type == type } }

  /// Every entity added so far, in the order added.
  public var allEntities: [Entity] { order.compactMap { entities[$0] } }

  /// Freezes the graph. Edges to or from unknown entities are dropped with a diagnostic.
  public func build() -> DocumentGraph {
    var problems = diagnostics
    var contextProblems = contextDiagnostics
    // Usually every edge connects entities: the edges are then kept as they are, not copied.
    let dangling = edges.contains { entities[$0.from] == nil || entities[$0.to] == nil }
    var kept: [Edge] = dangling ? [] : edges
    for edge in edges where dangling {
      if entities[edge.from] != nil && entities[edge.to] != nil {
        kept.append(edge)
      } else {
        let missing = entities[edge.from] == nil ? edge.from : edge.to
        let problem =
          Diagnostic(
            code: "graph.dangling-edge",
            severity: .warning,
            message: "'\(edge.type)' edge from '\(edge.from)' points at '\(missing)', which is not in the graph",
            location: edge.location)
        if contextIDs.contains(edge.from) { contextProblems.append(problem) } else { problems.append(problem) }
      }
    }
    return DocumentGraph(
      entities: Array(entities.values), edges: kept, diagnostics: Self.sortedByLocation(problems),
      context: DocumentGraph.Context(
        ids: contextIDs, diagnostics: Self.sortedByLocation(contextProblems), isChecked: contextIsChecked))
  }

  /// Diagnostics in file and position order (those without a location first), stable.
  public static func sortedByLocation(_ problems: [Diagnostic]) -> [Diagnostic] {
    problems.enumerated().sorted { a, b in
      let l = a.element.location
      let r = b.element.location
      switch (l, r) {
      case let (l?, r?) where l != r: return l < r
      case (nil, _?): return true
      case (_?, nil): return false
      default: return a.offset < b.offset
      }
    }.map(\.element)
  }
}
