import Foundation
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

  /// Plans read ahead by `prepare`, by absolute path.
  private var prepared: [String: GraphBuilder] = [:]

  /// Creates the adapter.
  public init() {}

  /// Reads the plans among `inputs` on every core ahead of `ingest`, each into a graph builder
  /// of its own, which `ingest` merges: the same entities, edges and diagnostics, in the same
  /// order, as reading them one after the other (a plan's ids all start with its own path, so
  /// reading one never depends on another).
  public mutating func prepare(_ inputs: [LoadedInput]) {
    let plans = inputs.filter { $0.format == Self.format && !$0.documents.isEmpty }
    guard plans.count > 1 else { return }
    let builders = plans.concurrentMap { plan in
      var graph = GraphBuilder()
      TerraformPlanReader.read(path: plan.path, root: plan.documents[0].root, into: &graph)
      return graph
    }
    for (plan, graph) in zip(plans, builders) { prepared[plan.absolutePath] = graph }
  }

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
    if let graph = prepared.removeValue(forKey: input.absolutePath) {
      context.graph.merge(graph)
    } else {
      TerraformPlanReader.read(path: input.path, root: document.root, into: &context.graph)
    }
  }

  public mutating func finish(context: inout IngestContext) {}
}
