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
      "uses_ref", "secrets_inherit", "workflow", "container_images", "expressions", "file",
    ])
    table["github.step"] = githubStepKeys.union(["index", "job", "uses_ref", "expressions", "flows", "file"])
    table["github.action"] = [
      "name", "author", "description", "inputs", "outputs", "runs", "branding", "using", "file", "image_ref",
    ]
    table["github.dependabot"] = [
      "version", "updates", "registries", "enable-beta-ecosystems", "multi-ecosystem-groups", "file",
    ]
    table["github.dependabot_update"] = [
      "package-ecosystem", "directory", "directories", "schedule", "allow", "assignees", "commit-message", "cooldown",
      "exclude-paths", "groups", "ignore", "insecure-external-code-execution", "labels", "milestone",
      "multi-ecosystem-group", "open-pull-requests-limit", "patterns", "pull-request-branch-name", "rebase-strategy",
      "registries", "reviewers", "target-branch", "vendor", "versioning-strategy", "enable-beta-ecosystems",
      "index", "file", "ecosystem", "cooldown_days",
    ]
    table["github.dependabot_registry"] = [
      "type", "url", "username", "password", "key", "token", "replaces-base", "organization", "repo", "auth-key",
      "public-key-fingerprint", "tenant-id", "client-id", "aws-region", "account-id", "role-name", "domain",
      "domain-owner", "jfrog-oidc-provider-name", "identity-mapping-name", "audience", "registry", "id", "file",
    ]
    table["gitlab.pipeline"] = [
      "default", "include", "stages", "variables", "workflow", "image", "services", "cache", "before_script",
      "after_script", "spec", "includes", "file",
    ]
    let gitlabJob = gitlabJobKeys.union([
      "name", "hidden", "script_lines", "image_ref", "services_refs", "rules_list", "environment_name",
      "extends_chain", "file", "tainted_sinks", "tainted_variables",
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
    "inDependabot", "usesRegistry",
  ]
}
