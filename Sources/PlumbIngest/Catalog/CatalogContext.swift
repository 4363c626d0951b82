import Foundation
import PlumbDiagnostics
import PlumbFiles
import PlumbGraph
import PlumbYAML

/// The central catalog as context: entities that references, relations and cross-source joins
/// resolve against, but that are not the repository's own inputs (rules do not judge them, their
/// files' problems are not the repository's, fixes never touch them).
///
/// Read once per run (``CatalogContextSource/read(path:name:options:contents:)``) and handed to
/// every ingest of the run through ``IngestOptions/catalogContext``: a baseline at a git revision
/// and a fix's verification see the same context.
public struct CatalogContext: Sendable {
  /// The sources, in the order given.
  public var sources: [CatalogContextSource]

  /// A context of `sources`.
  public init(sources: [CatalogContextSource] = []) {
    self.sources = sources
  }

  /// Every file the sources read (absolute): never also read as the repository's inputs.
  public var files: Set<String> { Set(sources.flatMap(\.files)) }

  /// How many entities the sources hold together (an entity in two sources counts twice).
  public var entityCount: Int { sources.reduce(0) { $0 + $1.entityCount } }
}

/// What a Plumb snapshot of a live catalog says about itself (`plumbSnapshot` in the file).
public struct CatalogSnapshotHeader: Sendable, Hashable {
  /// The snapshot format's version (1).
  public var version: Int
  /// The catalog API it was read from.
  public var source: String
  /// When it was read, ISO 8601 in UTC (`2026-12-07T10:00:00Z`).
  public var fetchedAt: String

  /// The key that marks a snapshot.
  public static let key = "plumbSnapshot"
  /// The version this build writes and reads.
  public static let currentVersion = 1

  /// Creates a header.
  public init(version: Int = Self.currentVersion, source: String, fetchedAt: String) {
    self.version = version
    self.source = source
    self.fetchedAt = fetchedAt
  }
}

/// The entities of one source of catalog context, read and validated but not yet joined with
/// the repository's (that happens in every ingest that uses the context).
public struct CatalogContextSource: Sendable {
  /// What the source is.
  public enum Kind: String, Sendable {
    /// A directory of catalog YAML (a checkout of the central catalog repository).
    case directory
    /// One file of catalog YAML.
    case file
    /// A Backstage entities export: `GET /entities` (an array) or `GET /entities/by-query` (`items`).
    case export
    /// A snapshot Plumb wrote of a live catalog.
    case snapshot
  }

  /// The source as the user named it (a path as written, or the URL of a live catalog).
  public let name: String
  /// What it is.
  public let kind: Kind
  /// The files read (absolute, standardised).
  public let files: [String]
  /// The snapshot's own description, when the source is a snapshot.
  public let snapshot: CatalogSnapshotHeader?
  /// The entities, in the order read, with what reference resolution needs.
  let records: [CatalogAdapter.Record]
  let entities: [Entity]
  /// The source's own problems (invalid entities, dangling references inside it, …): reported
  /// only when the context is checked.
  public let problems: [Diagnostic]
  /// What could not be read (a file that does not load, a symlink out of the source, not a
  /// catalog at all, no entity): each fails the run (exit 2), never a run with less context.
  public let failures: [Diagnostic]
  /// The files' text, for quoting lines when the context is checked.
  public let sourceFiles: [SourceFile]

  /// The code of the note that says an entity is both the repository's and the context's.
  public static let overlapCode = "catalog.context-overlap"

  /// How many entities the source holds.
  public var entityCount: Int { entities.count }
}

extension CatalogContextSource {
  /// Reads the directory or file at `path` (absolute): catalog YAML (a directory is walked the
  /// way inputs are, and its Location entities are followed, never out of the directory), a
  /// Backstage entities export, or a Plumb snapshot. `name` is how messages and paths show the
  /// source; its files are shown under `displayPath` (default: `name`); `contents`, when given,
  /// is read instead of the file (a snapshot just fetched, written or not).
  public static func read(
    path: String, name: String, displayPath: String? = nil, options: IngestOptions, contents: [UInt8]? = nil
  ) -> CatalogContextSource {
    let display = displayPath ?? name
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    guard exists || contents != nil else {
      return failed(name, "catalog source '\(name)': no such file or directory", code: "context.missing")
    }
    let directory = exists && isDirectory.boolValue
    var sourceOptions = options
    sourceOptions.catalogContext = nil
    if let contents { sourceOptions.overlay[IngestContext.standardize(path)] = contents }
    // A directory is walked and read like the repository's inputs: only regular files, nothing
    // that resolves outside it. A file is the user's choice, read wherever it is.
    let root = directory ? path : (path as NSString).deletingLastPathComponent
    let file = IngestContext.standardize(path)
    var context = IngestContext(root: root, options: sourceOptions, namedFiles: directory ? [] : [file])
    context.displayPrefix = directory ? display : (display as NSString).deletingLastPathComponent
    var files = [file]
    var failures: [Diagnostic] = []
    if directory {
      let walk = InputWalker(boundary: ReadBoundary(root: root)).walk(root) { context.relative($0) }
      files = walk.files
      failures += walk.problems
    }
    context.preload(files)

    var adapter = CatalogAdapter()
    adapter.readsContext = true
    var kind: Kind = directory ? .directory : .file
    var snapshot: CatalogSnapshotHeader?
    for file in files {
      let input = context.load(file)
      if input.result.hasErrors { continue }  // the loader's errors are among the diagnostics
      switch exportShape(input) {
      case .items(let items, let header):
        if !directory { kind = header == nil ? .export : .snapshot }
        snapshot = snapshot ?? header
        adapter.ingestServed(items, from: input, context: &context)
      case .badSnapshot(let message, let node):
        failures.append(Diagnostic(code: "context.not-a-catalog", message: message, location: node.location))
        context.markConsumed(input, as: .backstageCatalog)
      case .none:
        if input.format == .backstageCatalog {
          adapter.ingest(input, context: &context)
        } else if !directory {
          let start = SourcePosition(line: 1, column: 1, offset: 0)
          failures.append(
            Diagnostic(
              code: "context.not-a-catalog",
              message: "catalog source '\(name)' is neither catalog YAML nor a Backstage entities export "
                + "(an array of entities, or an object with 'items')",
              location: SourceLocation(path: input.path, span: SourceSpan(start: start, end: start))))
        }
      }
    }
    adapter.reportLocationLoops(context: &context)
    let (records, entities) = adapter.contextRecords(context.graph)
    let diagnostics = context.graph.diagnostics
    failures += diagnostics.filter(Self.isFailure)
    if entities.isEmpty && failures.isEmpty {
      failures.append(
        Diagnostic(
          code: "context.empty",
          message: "catalog source '\(name)' holds no catalog entity"
            + (directory ? " (no catalog file under it)" : ""), location: nil))
    }
    return CatalogContextSource(
      name: name, kind: kind, files: Array(context.loaded.keys).sorted(), snapshot: snapshot, records: records,
      entities: entities, problems: diagnostics.filter { !Self.isFailure($0) }, failures: failures,
      sourceFiles: context.loaded.values.compactMap(\.result.source).sorted { $0.path < $1.path })
  }

  /// A source that could not be read at all.
  public static func failed(_ name: String, _ message: String, code: String, location: SourceLocation? = nil)
    -> CatalogContextSource
  {
    CatalogContextSource(
      name: name, kind: .file, files: [], snapshot: nil, records: [], entities: [], problems: [],
      failures: [Diagnostic(code: code, message: message, location: location)], sourceFiles: [])
  }

  /// Whether a diagnostic of a context file means entities could not be read: an error that is
  /// not about a catalog entity's content (a file that does not load or is refused, a Location
  /// out of the source). Content problems are the central catalog's own, reported when checked.
  static func isFailure(_ diagnostic: Diagnostic) -> Bool {
    guard diagnostic.severity == .error else { return false }
    return !diagnostic.code.hasPrefix("catalog.") || diagnostic.code == "catalog.target-outside-root"
  }

  /// The shapes of a Backstage export.
  enum ExportShape {
    /// The entities, and the snapshot header when the file is a Plumb snapshot.
    case items(YAMLNode, CatalogSnapshotHeader?)
    /// A `plumbSnapshot` header that cannot be read.
    case badSnapshot(String, YAMLNode)
    /// Not an export.
    case none
  }

  /// `[entity, …]` (`GET /entities`), `{items: [entity, …], …}` (`GET /entities/by-query`), or a
  /// Plumb snapshot (a by-query page with `plumbSnapshot`).
  static func exportShape(_ input: LoadedInput) -> ExportShape {
    guard input.documents.count == 1, let root = input.documents.first?.root else { return .none }
    if root.kind == .sequence { return .items(root, nil) }
    guard root.kind == .mapping, root["apiVersion"] == nil, let items = root["items"], items.kind == .sequence else {
      return .none
    }
    guard let header = root[CatalogSnapshotHeader.key] else { return .items(items, nil) }
    switch snapshotHeader(header) {
    case .success(let read): return .items(items, read)
    case .failure(let error): return .badSnapshot("\(input.path): \(error.message)", header)
    }
  }

  /// Why a snapshot header cannot be read.
  struct SnapshotHeaderError: Error {
    let message: String
  }

  /// Reads `plumbSnapshot: {version, source, fetchedAt}`.
  static func snapshotHeader(_ node: YAMLNode) -> Result<CatalogSnapshotHeader, SnapshotHeaderError> {
    guard node.kind == .mapping else { return .failure(SnapshotHeaderError(message: "'\(CatalogSnapshotHeader.key)' is not an object")) }
    guard let version = node["version"]?.string.flatMap(Int.init) else {
      return .failure(SnapshotHeaderError(message: "the snapshot has no version"))
    }
    guard version == CatalogSnapshotHeader.currentVersion else {
      return .failure(SnapshotHeaderError(message: "snapshot version \(version) is not one this Plumb reads (\(CatalogSnapshotHeader.currentVersion))"))
    }
    guard let source = node["source"]?.string, node["source"]?.scalarType == .string else {
      return .failure(SnapshotHeaderError(message: "the snapshot does not say which catalog it was read from ('source')"))
    }
    guard let fetchedAt = node["fetchedAt"]?.string, node["fetchedAt"]?.scalarType == .string else {
      return .failure(SnapshotHeaderError(message: "the snapshot does not say when it was read ('fetchedAt')"))
    }
    return .success(CatalogSnapshotHeader(version: version, source: source, fetchedAt: fetchedAt))
  }
}
