/// What the checker knows about the graph: selectable kinds, their top-level attributes, and the
/// relation names edges use. An attribute path whose first name is not listed is a compile error
/// (with a suggestion), which catches `c.spce.owner` before anything runs.
public enum EntitySchemas {
  static let catalogAttributes: Set<String> = ["apiVersion", "kind", "metadata", "spec", "relations", "ref", "namespace"]
  static let catalogKinds = ["Component", "API", "Resource", "System", "Domain", "Group", "User", "Location", "Template"]

  static let terraformResource: Set<String> = [
    "address", "module", "module_path", "mode", "type", "name", "index", "provider_name", "actions", "deposed",
    "before", "after", "values", "tags", "provider", "config", "change",
  ]

  static let githubJobKeys: Set<String> = [
    "name", "needs", "runs-on", "permissions", "environment", "concurrency", "outputs", "env", "defaults", "if",
    "steps", "timeout-minutes", "strategy", "continue-on-error", "container", "services", "uses", "with", "secrets",
    "snapshot",
  ]
  static let githubStepKeys: Set<String> = [
    "id", "if", "name", "uses", "run", "shell", "with", "env", "continue-on-error", "timeout-minutes",
    "working-directory", "parallel", "background", "wait", "wait-all", "cancel",
  ]
  static let gitlabJobKeys: Set<String> = [
    "script", "image", "services", "stage", "extends", "rules", "only", "except", "needs", "dependencies", "variables",
    "before_script", "after_script", "tags", "allow_failure", "when", "environment", "artifacts", "cache", "retry",
    "timeout", "trigger", "inherit", "interruptible", "resource_group", "release", "secrets", "id_tokens", "coverage",
    "parallel", "pages", "hooks", "identity", "manual_confirmation", "start_in", "run",
  ]

  /// Top-level attributes per selectable kind.
  public static let attributes: [String: Set<String>] = {
    var table: [String: Set<String>] = [:]
    for kind in catalogKinds { table["catalog." + kind] = catalogAttributes }
    table["terraform.resource"] = terraformResource
    table["terraform.data"] = terraformResource
    table["terraform.module"] = ["address", "source", "version_constraint", "call", "name", "module_path"]
    table["terraform.plan"] = ["format_version", "terraform_version", "path", "variables", "complete", "errored"]
    table["github.workflow"] = [
      "name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs", "triggers", "file",
      "permissions_kind", "write_scopes",
    ]
    table["github.job"] = githubJobKeys.union([
      "id", "needs_list", "permissions_kind", "write_scopes", "runner_labels", "runner_group", "self_hosted",
      "uses_ref", "secrets_inherit", "workflow", "container_images", "expressions",
    ])
    table["github.step"] = githubStepKeys.union(["index", "job", "uses_ref", "expressions"])
    table["github.action"] = [
      "name", "author", "description", "inputs", "outputs", "runs", "branding", "using", "file", "image_ref",
    ]
    table["gitlab.pipeline"] = [
      "default", "include", "stages", "variables", "workflow", "image", "services", "cache", "before_script",
      "after_script", "spec", "includes", "file",
    ]
    let gitlabJob = gitlabJobKeys.union([
      "name", "hidden", "script_lines", "image_ref", "services_refs", "rules_list", "environment_name",
      "extends_chain", "file",
    ])
    table["gitlab.job"] = gitlabJob
    table["gitlab.template"] = gitlabJob
    return table
  }()

  /// Every kind a `for` or a selector may name.
  public static var kinds: [String] { attributes.keys.sorted() }

  /// Edge types adapters create.
  public static let relations: Set<String> = [
    "ownedBy", "ownerOf", "partOf", "hasPart", "dependsOn", "dependencyOf", "providesApi", "apiProvidedBy",
    "consumesApi", "apiConsumedBy", "memberOf", "hasMember", "childOf", "parentOf", "belongsTo", "hasResource",
    "hasPipeline", "inModule", "inPlan", "references", "referencedBy", "inWorkflow", "needs", "callsWorkflow",
    "inJob", "usesAction", "inAction", "inParallel", "inPipeline", "extends", "dependsOnJob", "triggers",
  ]
}

/// The closest candidate by edit distance, if close enough to be a plausible typo.
public func suggestion(for name: String, among candidates: some Sequence<String>) -> String? {
  var best: (String, Int)?
  for candidate in candidates {
    let distance = editDistance(name.lowercased(), candidate.lowercased())
    if distance <= max(1, name.count / 3), distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
  }
  return best?.0
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent
/// transpositions (`spce` → `spec` is one edit) each cost 1.
func editDistance(_ a: String, _ b: String) -> Int {
  let x = Array(a.unicodeScalars)
  let y = Array(b.unicodeScalars)
  if x.isEmpty { return y.count }
  if y.isEmpty { return x.count }
  var table = Array(repeating: Array(repeating: 0, count: y.count + 1), count: x.count + 1)
  for i in 0...x.count { table[i][0] = i }
  for j in 0...y.count { table[0][j] = j }
  for i in 1...x.count {
    for j in 1...y.count {
      let cost = x[i - 1] == y[j - 1] ? 0 : 1
      table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
      if i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] {
        table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
      }
    }
  }
  return table[x.count][y.count]
}
