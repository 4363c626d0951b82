import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// Reads Terraform plans (`terraform show -json <planfile>`, format 0.x and 1.x) into the graph.
///
/// Per plan file: a `terraform.plan` entity; a `terraform.resource` or `terraform.data` entity per
/// resource instance in `resource_changes` (and `deferred_changes`), with planned values seen through
/// the unknown and sensitive masks and the provider configuration (and its region) the instance
/// uses; a `terraform.data` entity per data source read at plan time (`prior_state`); a
/// `terraform.module` entity per module instance. Edges: `inModule`, `inPlan`, `references` and its
/// inverse `referencedBy`.
/// See docs/inputs/terraform-plan.md.
public struct TerraformPlanAdapter: IngestAdapter {
  public static let format = InputFormat.terraformPlan

  /// Creates the adapter.
  public init() {}

  public mutating func ingest(_ input: LoadedInput, context: inout IngestContext) {
    context.markConsumed(input, as: Self.format)
    guard let document = input.documents.first else { return }
    if input.documents.count > 1 {
      let extra = input.documents[1]
      context.graph.diagnose(
        Diagnostic(
          code: TerraformDiagnostics.extraDocuments, severity: .warning,
          message: "a Terraform plan is one document; the \(input.documents.count - 1) after the first were ignored",
          location: SourceLocation(path: input.path, span: extra.span)))
    }
    TerraformPlanReader.read(path: input.path, root: document.root, into: &context.graph)
  }

  public mutating func finish(context: inout IngestContext) {}
}
