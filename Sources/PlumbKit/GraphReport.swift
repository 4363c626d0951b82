import PlumbConfig
import PlumbDiagnostics
import PlumbGraph
import PlumbIngest

/// What `plumb graph` prints: entities, edges and diagnostics, optionally filtered by kind.
public struct GraphReport: Sendable {
  /// The ingest result.
  public let result: IngestResult
  /// Kind filters: an entity is shown when its kind equals a filter or starts with `filter.`.
  public let kinds: [String]
  /// The graph's diagnostics and the configuration's, in file and position order.
  public let diagnostics: [Diagnostic]
  /// The configuration read (`.plumb.yaml`).
  public let configuration: PlumbConfiguration

  /// Ingests `paths` with the configuration at the root (and its catalog context, and
  /// `catalog`'s) and prepares the report.
  public static func load(
    paths: [String], root: String? = nil, kinds: [String] = [], catalog: CatalogContextOptions = CatalogContextOptions(),
    exclude: [String] = [], respectGitignore: Bool = false
  ) -> GraphReport {
    let rootPath = Ingestor.root(of: paths, given: root)
    var configuration = PlumbConfiguration.load(root: rootPath)
    configuration.addCommandLine(exclude: exclude, respectGitignore: respectGitignore)
    var options = IngestOptions(configuration: configuration)
    let context = CatalogContextResolver(root: rootPath, options: catalog, ingestOptions: options)
      .resolve(configuration.catalog + catalog.sources)
    if !context.context.sources.isEmpty { options.catalogContext = context.context }
    options.checkContext = catalog.check
    let result = Ingestor(options: options).ingest(paths: paths, root: rootPath)
    return GraphReport(result: result, kinds: kinds, configuration: configuration, context: context)
  }

  /// A report of `result`.
  public init(
    result: IngestResult, kinds: [String], configuration: PlumbConfiguration,
    context: ResolvedCatalogContext = .none
  ) {
    self.result = result
    self.kinds = kinds
    self.configuration = configuration
    var diagnostics = configuration.diagnostics + context.failures + context.warnings + result.graph.diagnostics
    if result.graph.context.isChecked { diagnostics += result.graph.context.diagnostics }
    self.diagnostics = GraphBuilder.sortedByLocation(diagnostics)
  }

  /// The entities shown: the repository's own (the catalog context's too when it is checked).
  public var entities: [Entity] {
    let graph = result.graph
    let all = graph.context.ids.isEmpty || graph.context.isChecked
      ? graph.entities : graph.entities.filter { !graph.context.ids.contains($0.id) }
    guard !kinds.isEmpty else { return all }
    return all.filter { entity in
      kinds.contains { entity.kind == $0 || entity.kind.hasPrefix($0 + ".") }
    }
  }

  /// The number of error diagnostics.
  public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }

  /// Entities with their outgoing edges, then diagnostics, then a summary.
  public func text(colored: Bool = false) -> String {
    var out = ""
    let graph = result.graph
    for entity in entities {
      var line = "\(entity.id)  \(entity.kind)"
      if let type = entity.type { line += "  type=\(type)" }
      line += "  \(entity.location)"
      out += TerminalText.oneLine(line) + "\n"
      for edge in graph.edges(from: entity.id) {
        out += "    " + TerminalText.oneLine("\(edge.type) -> \(edge.to)") + "\n"
      }
    }
    out += DiagnosticRenderer(sources: result.sources, colored: colored).render(diagnostics)
    out += summary()
    // Ids, names and paths come from the inputs: no line may start a CI command.
    return TerminalText.guarded(out, allowingColor: colored)
  }

  /// One line per kind with its count, and totals.
  public func summary() -> String {
    var counts: [String: Int] = [:]
    for entity in entities { counts[entity.kind, default: 0] += 1 }
    let perKind = counts.keys.sorted().map { "\(TerminalText.oneLine($0))=\(counts[$0] ?? 0)" }.joined(separator: " ")
    let errors = diagnostics.filter { $0.severity == .error }.count
    let warnings = diagnostics.filter { $0.severity == .warning }.count
    let used = result.files.count { $0.format != nil }
    let failed = result.files.count { $0.status == .failed }
    var line = "\(result.files.count) files (\(used) ingested, \(result.files.count - used - failed) skipped"
    line += failed > 0 ? ", \(failed) failed), " : "), "
    line += "\(entities.count) entities, \(result.graph.edges.count) edges, \(errors) errors, \(warnings) warnings\n"
    let context = result.graph.context
    if !context.ids.isEmpty {
      line += "context: \(context.ids.count) catalog entities"
        + (context.isChecked ? " (checked, listed above)" : " (not listed; --check-context lists them)") + "\n"
    }
    return line + (perKind.isEmpty ? "no entities" : perKind) + "\n"
  }

  /// The report as JSON.
  public func json() -> String {
    var writer = JSONWriter()
    let graph = result.graph
    writer.beginObject()
    writer.key("version")
    writer.string(Plumb.version)
    writer.key("files")
    writer.beginArray()
    for file in result.files {
      writer.beginObject()
      writer.key("path")
      writer.string(file.path)
      writer.key("format")
      if let format = file.format { writer.string(format.rawValue) } else { writer.null() }
      writer.key("status")
      writer.string(file.format != nil ? "checked" : file.status == .failed ? "failed" : "skipped")
      writer.key("skipReason")
      if let reason = file.skipReason { writer.string(reason.rawValue) } else { writer.null() }
      writer.endObject()
    }
    writer.endArray()
    writer.key("entities")
    writer.beginArray()
    for entity in entities {
      writer.beginObject()
      writer.key("id")
      writer.string(entity.id.rawValue)
      writer.key("kind")
      writer.string(entity.kind)
      writer.key("type")
      if let type = entity.type { writer.string(type) } else { writer.null() }
      writer.key("name")
      writer.string(entity.name)
      writer.key("path")
      writer.string(entity.location.path)
      writer.key("span")
      writeSpan(entity.location.span, &writer)
      writer.key("edges")
      writer.beginArray()
      for edge in graph.edges(from: entity.id) {
        writer.beginObject()
        writer.key("type")
        writer.string(edge.type)
        writer.key("to")
        writer.string(edge.to.rawValue)
        writer.endObject()
      }
      writer.endArray()
      writer.endObject()
    }
    writer.endArray()
    writer.key("diagnostics")
    writeDiagnostics(diagnostics, &writer)
    writer.endObject()
    return writer.output + "\n"
  }
}
