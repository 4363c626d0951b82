import PlumbYAML

/// The input formats Plumb understands.
public enum InputFormat: String, Sendable, Codable, CaseIterable {
  case backstageCatalog = "backstage-catalog"
  case terraformPlan = "terraform-plan"
  case githubWorkflow = "github-workflow"
  case githubAction = "github-action"
  case dependabot = "dependabot"
  case gitlabCI = "gitlab-ci"

  /// Recognises a loaded file's format from its content, with its path as a hint.
  ///
  /// Content decides: a plan is a mapping with `format_version` and plan keys; a catalog file has
  /// a document whose `apiVersion` is a Backstage one; a workflow has `on` and `jobs` (or lives in
  /// `.github/workflows/`); an action is `action.yml`/`action.yaml` with `runs`; a Dependabot
  /// configuration is `.github/dependabot.yml` (or `.yaml`; elsewhere when it has `updates`); a
  /// GitLab file is named `.gitlab-ci.yml` (or `*.gitlab-ci.yml`) or has GitLab's top-level keywords.
  public static func recognize(path: String, documents: [YAMLDocument]) -> InputFormat? {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    let roots = documents.map(\.root).filter { $0.kind == .mapping }
    let inWorkflowsFolder = path.hasPrefix(".github/workflows/") || path.contains("/.github/workflows/")
    let isDependabotName = name == "dependabot.yml" || name == "dependabot.yaml"
    let isGitHubDependabot = isDependabotName && path.split(separator: "/").dropLast().last == ".github"
    guard let first = roots.first else {
      if isGitHubDependabot { return .dependabot }
      return inWorkflowsFolder && (name.hasSuffix(".yml") || name.hasSuffix(".yaml")) ? .githubWorkflow : nil
    }
    if first["format_version"] != nil
      && (first["resource_changes"] != nil || first["planned_values"] != nil || first["configuration"] != nil)
    {
      return .terraformPlan
    }
    if roots.contains(where: isCatalogDocument) { return .backstageCatalog }
    // GitHub reads `.github/dependabot.yml` as Dependabot's configuration, even a broken one; a
    // file of that name elsewhere is one when it has Dependabot's `updates` and no workflow `jobs`.
    if isGitHubDependabot || isDependabotName && !inWorkflowsFolder && first["updates"] != nil && first["jobs"] == nil {
      return .dependabot
    }
    if (name == "action.yml" || name == "action.yaml") && first["runs"] != nil { return .githubAction }
    let inWorkflows = path.hasPrefix(".github/workflows/") || path.contains("/.github/workflows/")
    if first["jobs"] != nil && (first["on"] != nil || inWorkflows) { return .githubWorkflow }
    // Anything YAML in .github/workflows/ is a workflow, even a broken one: GitHub reads it as one,
    // so its problems must be reported, not skipped.
    if inWorkflows && (name.hasSuffix(".yml") || name.hasSuffix(".yaml")) { return .githubWorkflow }
    if name == ".gitlab-ci.yml" || name.hasSuffix(".gitlab-ci.yml") || name.hasSuffix(".gitlab-ci.yaml") {
      return .gitlabCI
    }
    if looksLikeGitLab(roots.last ?? first) { return .gitlabCI }
    return nil
  }

  static func isCatalogDocument(_ root: YAMLNode) -> Bool {
    guard let apiVersion = root["apiVersion"]?.string, root["kind"] != nil else { return false }
    return isCatalogAPIVersion(apiVersion)
  }

  /// A Backstage `apiVersion`: `backstage.io/…`, or a plugin's `….backstage.io/…`.
  static func isCatalogAPIVersion(_ apiVersion: String) -> Bool {
    apiVersion.contains("backstage.io/")
  }

  /// GitLab CI keywords at the top level, or jobs with `script`/`extends`/`trigger` and a stage.
  static func looksLikeGitLab(_ root: YAMLNode) -> Bool {
    let globals: Set<String> = ["stages", "include", "default", "workflow", "variables", "image", "before_script"]
    var jobLike = 0
    var globalKeys = 0
    for pair in root.pairs {
      guard let key = pair.key.string else { continue }
      if globals.contains(key) { globalKeys += 1 }
      if pair.value.kind == .mapping
        && (pair.value["script"] != nil || pair.value["extends"] != nil || pair.value["trigger"] != nil
          || pair.value["stage"] != nil)
      {
        jobLike += 1
      }
    }
    return jobLike > 0 && (globalKeys > 0 || jobLike >= 1 && root["jobs"] == nil && root["on"] == nil)
  }
}
