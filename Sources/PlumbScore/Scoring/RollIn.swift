import PlumbGraph

/// Which entities' results belong to a scored entity.
///
/// A scorecard scores one entity (usually a catalog Component), but rules judge many kinds: its
/// Terraform resources, its workflows, their jobs and steps. The entities whose states and
/// findings count for a scored entity E are exactly:
///
/// 1. E itself (`self`);
/// 2. every entity E `hasResource` (Terraform resources whose component tag names E);
/// 3. every entity E `hasPipeline` (GitHub workflows and `action.yml` files, GitLab pipelines in
///    E's repository);
/// 4. the members of those pipelines, found through the edges that point into them: GitHub jobs
///    (`inWorkflow`), the steps of those jobs (`inJob`), the steps of an action (`inAction`), and
///    GitLab jobs and templates (`inPipeline`).
///
/// Nothing else rolls in: not `dependsOn` (a dependency's problems are its owner's), not `hasPart`
/// (a System is scored through roll-ups, not by absorbing its components), not Terraform
/// `references` or modules. The list is the same on every run (graph order: by id).
public enum RollIn {
  /// The entities that count for `entity`, each with how it is linked (`self` first).
  public static func members(of entity: Entity, in graph: DocumentGraph) -> [(entity: Entity, via: String)] {
    var result: [(Entity, String)] = [(entity, "self")]
    var seen: Set<EntityID> = [entity.id]
    func add(_ member: Entity, _ via: String) {
      if seen.insert(member.id).inserted { result.append((member, via)) }
    }
    for resource in graph.related(entity.id, "hasResource") { add(resource, "hasResource") }
    for pipeline in graph.related(entity.id, "hasPipeline") {
      add(pipeline, "hasPipeline")
      for edge in graph.edges(to: pipeline.id, type: "inWorkflow") {
        guard let job = graph.entity(edge.from) else { continue }
        add(job, "hasPipeline/inWorkflow")
        for stepEdge in graph.edges(to: job.id, type: "inJob") {
          if let step = graph.entity(stepEdge.from) { add(step, "hasPipeline/inWorkflow/inJob") }
        }
      }
      for edge in graph.edges(to: pipeline.id, type: "inAction") {
        if let step = graph.entity(edge.from) { add(step, "hasPipeline/inAction") }
      }
      for edge in graph.edges(to: pipeline.id, type: "inPipeline") {
        if let job = graph.entity(edge.from) { add(job, "hasPipeline/inPipeline") }
      }
    }
    return result
  }
}
