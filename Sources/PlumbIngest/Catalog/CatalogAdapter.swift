import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// Placeholder: being written.
public struct CatalogAdapter: IngestAdapter {
  public static let format = InputFormat.backstageCatalog
  public init() {}
  public mutating func ingest(_ input: LoadedInput, context: inout IngestContext) {}
  public mutating func finish(context: inout IngestContext) {}
}
