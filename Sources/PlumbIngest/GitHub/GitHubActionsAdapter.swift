import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// Placeholder: being written.
public struct GitHubActionsAdapter: IngestAdapter {
  public static let format = InputFormat.githubWorkflow
  public init() {}
  public mutating func ingest(_ input: LoadedInput, context: inout IngestContext) {}
  public mutating func finish(context: inout IngestContext) {}
}
