import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// Reads Backstage catalog files into `catalog.<Kind>` entities and the relations Backstage derives.
///
/// Each document whose root is a mapping is validated the way the catalog validates it (envelope,
/// field formats, kind schema, entity references; see ``CatalogEntityReader``) and becomes an
/// entity when it has a kind and a name. Location entities pull in their target files (once each,
/// never outside the root). ``finish(context:)`` resolves every reference against every entity
/// read, adds each relation in both directions, and reports dangling references, duplicate
/// entities, Location loops and ownership, group-hierarchy and partOf cycles.
public struct CatalogAdapter: IngestAdapter {
  public static let format = InputFormat.backstageCatalog

  /// What is kept of an entity for reference resolution.
  struct Record: Sendable {
    let id: EntityID
    let ref: CatalogEntityRef
    let location: SourceLocation
    let references: [CatalogPendingReference]
    /// Whether the entity is catalog context (the central catalog), not the repository's own.
    var fromContext = false
    /// Relations the catalog server sent with the entity (exports and snapshots).
    var servedRelations: [CatalogServedRelation] = []
    /// Why the catalog would reject the entity; references to it do not resolve.
    var invalidReason: String?
  }

  /// A Location target: the file that asked for it, the file, and where.
  struct FileEdge {
    let from: String
    let to: String
    let location: SourceLocation
  }

  /// Absolute paths of the files read (or queued) so far: each is read once, whoever asks.
  private var ingestedFiles: Set<String> = []
  /// Location targets waiting to be read.
  private var queue: [String] = []
  private var records: [EntityID: Record] = [:]
  private var fileEdges: [FileEdge] = []
  /// Whether the files read are catalog context (``CatalogContextSource``): its entities are
  /// recorded as context.
  var readsContext = false

  public init() {}

  public mutating func ingest(_ input: LoadedInput, context: inout IngestContext) {
    guard ingestedFiles.insert(input.absolutePath).inserted else { return }
    read(input, context: &context)
    var next = 0
    while next < queue.count {
      let path = queue[next]
      next += 1
      read(context.load(path), context: &context)
    }
    queue.removeAll()
  }

  /// Reads the entities of a Backstage export or snapshot (`items`, served by the catalog API).
  mutating func ingestServed(_ items: YAMLNode, from input: LoadedInput, context: inout IngestContext) {
    guard ingestedFiles.insert(input.absolutePath).inserted else { return }
    context.markConsumed(input, as: Self.format)
    var reader = CatalogEntityReader()
    reader.served = true
    var added: [(Entity, CatalogReadEntity)] = []
    for item in items.elements {
      if let read = reader.read(item, start: item.span.start) { added.append((read.entity, read)) }
    }
    for diagnostic in reader.diagnostics { context.graph.diagnose(diagnostic) }
    for (entity, read) in added { add(entity, read, context: &context) }
  }

  /// Reads every document of one file.
  private mutating func read(_ input: LoadedInput, context: inout IngestContext) {
    context.markConsumed(input, as: Self.format)
    var reader = CatalogEntityReader()
    var resolver = CatalogLocationResolver()
    var targets: [CatalogLocationResolver.Target] = []
    var added: [(Entity, CatalogReadEntity)] = []
    for document in input.documents {
      guard let read = reader.read(document) else { continue }
      added.append((read.entity, read))
      if let request = read.locationRequest {
        targets += resolver.resolve(request, fileAbsolutePath: input.absolutePath, context: context)
      }
    }
    for diagnostic in reader.diagnostics { context.graph.diagnose(diagnostic) }
    for diagnostic in resolver.diagnostics { context.graph.diagnose(diagnostic) }
    for (entity, read) in added { add(entity, read, context: &context) }
    for target in targets {
      // A glob that matches its own Location's file is not a loop.
      if target.fromGlob && target.absolutePath == input.absolutePath { continue }
      fileEdges.append(FileEdge(from: input.absolutePath, to: target.absolutePath, location: target.location))
      if ingestedFiles.insert(target.absolutePath).inserted { queue.append(target.absolutePath) }
    }
  }

  private mutating func add(_ entity: Entity, _ read: CatalogReadEntity, context: inout IngestContext) {
    if let first = records[entity.id] {
      context.graph.diagnose(
        Diagnostic(
          code: "catalog.duplicate-entity", severity: .warning,
          message: "entity '\(first.ref.canonical)' is defined more than once; the first definition is kept",
          location: entity.location,
          notes: [Diagnostic.Note(message: "first defined here", location: first.location)]))
      return
    }
    records[entity.id] = Record(
      id: entity.id, ref: read.ref, location: entity.location, references: read.references, fromContext: readsContext,
      servedRelations: read.servedRelations, invalidReason: read.invalidReason)
    context.graph.add(entity)
  }

  public mutating func finish(context: inout IngestContext) {
    reportLocationLoops(context: &context)
    resolveReferences(context: &context)
  }

  // MARK: Catalog context

  /// The records and entities read, in the order read (for a ``CatalogContextSource``).
  func contextRecords(_ graph: GraphBuilder) -> (records: [Record], entities: [Entity]) {
    var kept: [Record] = []
    var entities: [Entity] = []
    for entity in graph.allEntities {
      guard let record = records[entity.id] else { continue }
      kept.append(record)
      entities.append(entity)
    }
    return (kept, entities)
  }

  /// Adds a context source's entities, after the repository's own were read: an entity the
  /// repository defines too keeps the repository's definition (a note, since a service's
  /// `catalog-info.yaml` is usually registered in the central catalog too: the normal case); an
  /// entity two sources define keeps the first source's. The source's own problems are kept
  /// apart as context problems.
  mutating func absorb(_ source: CatalogContextSource, context: inout IngestContext) {
    for (record, entity) in zip(source.records, source.entities) {
      if let existing = records[record.id] {
        if existing.fromContext {
          context.graph.diagnoseContext(
            Diagnostic(
              code: "catalog.duplicate-entity", severity: .warning,
              message: "entity '\(record.ref.canonical)' is in more than one catalog context source; the first is kept",
              location: record.location,
              notes: [Diagnostic.Note(message: "first defined here", location: existing.location)]))
        } else {
          context.graph.diagnose(
            Diagnostic(
              code: CatalogContextSource.overlapCode, severity: .note,
              message: "entity '\(record.ref.canonical)' is also in the catalog context ('\(source.name)'); "
                + "the repository's definition is used",
              location: existing.location,
              notes: [Diagnostic.Note(message: "the context's definition", location: record.location)]))
        }
        continue
      }
      records[record.id] = record
      context.graph.add(entity)
      context.graph.markContext(record.id)
    }
    for problem in source.problems { context.graph.diagnoseContext(problem) }
  }

  // MARK: Location loops

  func reportLocationLoops(context: inout IngestContext) {
    guard !fileEdges.isEmpty else { return }
    let files = Array(Set(fileEdges.flatMap { [$0.from, $0.to] })).sorted()
    var position: [String: Int] = [:]
    for (index, file) in files.enumerated() { position[file] = index }
    var successors = [[Int]](repeating: [], count: files.count)
    var firstLocation: [Int: [Int: SourceLocation]] = [:]
    for edge in fileEdges {
      guard let from = position[edge.from], let to = position[edge.to] else { continue }
      if firstLocation[from]?[to] == nil {
        successors[from].append(to)
        firstLocation[from, default: [:]][to] = edge.location
      }
    }
    for cycle in CatalogCycles.cycles(successors) where cycle.count >= 2 {
      let names = cycle.map { "'\(context.relative(files[$0]))'" }.joined(separator: " → ")
      context.graph.diagnose(
        Diagnostic(
          code: "catalog.location-loop", severity: .warning,
          message: "location targets form a loop: \(names); each file is read once",
          location: firstLocation[cycle[0]]?[cycle[1]]))
    }
  }

  // MARK: References, relations, cycles

  /// An edge by the positions of its ends among the sorted ids and its relation's number: three
  /// integers to hash rather than two ids and a relation name (a 10,000-entity catalog context
  /// has tens of thousands of edges; hashing their text took a quarter of a gate's time).
  private struct EdgeKey: Hashable {
    let from: Int32
    let type: Int32
    let to: Int32
  }

  private func resolveReferences(context: inout IngestContext) {
    let ids = records.keys.sorted()
    var position: [EntityID: Int] = [:]
    position.reserveCapacity(ids.count)
    for (index, id) in ids.enumerated() { position[id] = index }

    // The relations cycles are looked for in, each from the lower entity to the higher one.
    var owners = [[Int]](repeating: [], count: ids.count)
    var parents = [[Int]](repeating: [], count: ids.count)
    var wholes = [[Int]](repeating: [], count: ids.count)
    // Relation names by number, the three that cycles are looked for in first.
    var relationNumbers: [String: Int32] = [
      CatalogRelation.ownedBy: 0, CatalogRelation.childOf: 1, CatalogRelation.partOf: 2,
    ]
    func number(_ relation: String) -> Int32 {
      if let known = relationNumbers[relation] { return known }
      let next = Int32(relationNumbers.count)
      relationNumbers[relation] = next
      return next
    }
    var seen = Set<EdgeKey>(minimumCapacity: ids.count * 4)
    // Where each edge of the cycle relations was written, for the cycle diagnostics.
    var edgeLocation: [EdgeKey: SourceLocation] = [:]

    func connect(_ from: EntityID, _ type: String, _ to: EntityID, _ fromIndex: Int, _ toIndex: Int, _ location: SourceLocation)
      -> Bool
    {
      let key = EdgeKey(from: Int32(fromIndex), type: number(type), to: Int32(toIndex))
      guard seen.insert(key).inserted else { return false }
      if key.type <= 2 { edgeLocation[key] = location }
      context.graph.connect(from, type, to, at: location)
      return true
    }

    for id in ids {
      guard let record = records[id], let source = position[id] else { continue }
      for reference in record.references {
        let targetID = reference.target.entityID
        guard let target = position[targetID] else {
          let problem = Diagnostic(
            code: "catalog.dangling-reference", severity: .warning,
            message: "\(reference.field) refers to '\(reference.target.canonical)', which does not exist in the catalog",
            location: reference.location)
          if record.fromContext { context.graph.diagnoseContext(problem) } else { context.graph.diagnose(problem) }
          continue
        }
        if let reason = records[targetID]?.invalidReason {
          let problem = Diagnostic(
            code: "catalog.invalid-reference-target", severity: .warning,
            message: "\(reference.field) refers to '\(reference.target.canonical)', which is not a valid entity "
              + "(\(reason)): the catalog would reject it, so the reference does not resolve",
            location: reference.location,
            notes: records[targetID].map { [Diagnostic.Note(message: "defined here", location: $0.location)] } ?? [])
          if record.fromContext { context.graph.diagnoseContext(problem) } else { context.graph.diagnose(problem) }
          continue
        }
        let pairs = [(id, reference.forward, targetID, source, target), (targetID, reference.reverse, id, target, source)]
        for (from, type, to, fromIndex, toIndex) in pairs where connect(from, type, to, fromIndex, toIndex, reference.location) {
          switch type {
          case CatalogRelation.ownedBy: owners[fromIndex].append(toIndex)
          case CatalogRelation.childOf: parents[fromIndex].append(toIndex)
          case CatalogRelation.partOf: wholes[fromIndex].append(toIndex)
          default: break
          }
        }
      }
      // Relations the server computed (custom processors' among them), between context entities
      // only: an entity the repository redefines has its relations from its own definition.
      guard record.fromContext else { continue }
      for relation in record.servedRelations {
        let targetID = relation.target.entityID
        guard let target = records[targetID], target.fromContext, let toIndex = position[targetID] else { continue }
        if connect(id, relation.type, targetID, source, toIndex, relation.location) {
          switch relation.type {
          case CatalogRelation.ownedBy: owners[source].append(toIndex)
          case CatalogRelation.childOf: parents[source].append(toIndex)
          case CatalogRelation.partOf: wholes[source].append(toIndex)
          default: break
          }
        }
      }
    }

    let checks: [(graph: [[Int]], relation: String, code: String, what: String, link: String)] = [
      (owners, CatalogRelation.ownedBy, "catalog.ownership-cycle", "ownership cycle", "each is owned by the next"),
      (parents, CatalogRelation.childOf, "catalog.parent-cycle", "group hierarchy cycle", "each is a child of the next"),
      (wholes, CatalogRelation.partOf, "catalog.parent-cycle", "partOf cycle", "each is part of the next"),
    ]
    for check in checks {
      for cycle in CatalogCycles.cycles(check.graph) where cycle.count >= 2 {
        let names = cycle.map { "'\(records[ids[$0]]?.ref.canonical ?? ids[$0].rawValue)'" }.joined(separator: " → ")
        let key = EdgeKey(from: Int32(cycle[0]), type: number(check.relation), to: Int32(cycle[1]))
        let problem = Diagnostic(
          code: check.code, severity: .warning, message: "\(check.what): \(names) (\(check.link))",
          location: edgeLocation[key])
        if cycle.allSatisfy({ records[ids[$0]]?.fromContext == true }) {
          context.graph.diagnoseContext(problem)
        } else {
          context.graph.diagnose(problem)
        }
      }
    }
  }
}
