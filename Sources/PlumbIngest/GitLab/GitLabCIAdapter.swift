import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// Placeholder: being written.
public struct GitLabCIAdapter: IngestAdapter {
  public static let format = InputFormat.gitlabCI
  public init() {}
  public mutating func ingest(_ input: LoadedInput, context: inout IngestContext) {}
  public mutating func finish(context: inout IngestContext) {}
}
