import PlumbDiagnostics
import PlumbYAML

/// A file that carries a marker only one of Plumb's formats uses, but that the recogniser
/// (``InputFormat/recognize(path:documents:)``) does not accept: it is reported as an error
/// (`ingest.near-miss`), never skipped, so that a typo cannot make its findings vanish.
///
/// What counts as a marker, per format (keys are compared exactly, and as near spellings: the same
/// letters in another case or with `_`, `-`, `.` or spaces, or at most one or two edits away):
/// - Terraform plan: a plan-only top-level key (`resource_changes`, `planned_values`,
///   `prior_state`, `resource_drift`, `output_changes`, `relevant_attributes`), or a misspelt
///   `format_version` beside `terraform_version` or `configuration`. A Terraform state
///   (`format_version` and `values`, no plan key) is not a plan, and not a near miss.
/// - Backstage catalog: an `apiVersion` (or a misspelling of it) whose value mentions
///   `backstage`; or, with no `apiVersion` at all, a Backstage `kind` with `metadata.name`.
/// - GitHub Actions: a top-level `jobs` (or a misspelling) with a job that has `runs-on`, and no
///   `on`; `on` beside a misspelt `jobs`; a file named `action.yml`/`action.yaml` in another case,
///   or one without `runs` but with action metadata (`name` and `description`, `inputs`, …).
/// - GitLab CI: a file named like `.gitlab-ci.yml` in another spelling (`gitlab-ci.yml`,
///   `.gitlab_ci.yml`, `.GitLab-CI.yml`, …) whose content is not recognised.
///
/// Anything else the recogniser rejects is not Plumb's, and is skipped (and counted).
struct FormatNearMiss: Equatable {
  /// The format the file looks like.
  let format: InputFormat
  /// What it looks like and what is wrong, for the diagnostic.
  let message: String
  /// Where the marker (or the problem) is.
  let location: SourceLocation

  /// The diagnostic reporting it.
  var diagnostic: Diagnostic {
    Diagnostic(code: "ingest.near-miss", message: message + "; the file is not read", location: location)
  }

  /// The near miss in an unrecognised file, if it looks like one of Plumb's formats.
  static func find(path: String, documents: [YAMLDocument]) -> FormatNearMiss? {
    let roots = documents.map(\.root).filter { $0.kind == .mapping }
    if let first = roots.first, let plan = terraformPlan(first) { return plan }
    for root in roots { if let catalog = catalog(root) { return catalog } }
    if let first = roots.first, let github = github(path: path, root: first) { return github }
    return gitlab(path: path, documents: documents)
  }

  // MARK: Terraform plan

  static let planOnlyKeys = [
    "resource_changes", "planned_values", "prior_state", "resource_drift", "output_changes", "relevant_attributes",
  ]

  private static func terraformPlan(_ root: YAMLNode) -> FormatNearMiss? {
    var formatVersion: YAMLNode?
    var misspeltFormatVersion: (key: YAMLNode, text: String)?
    var exactPlanKey: String?
    var planKey: (key: YAMLNode, text: String, meant: String)?
    var context: String?
    for pair in root.pairs {
      guard let key = KeySpelling(pair.key) else { continue }
      if key.text == "format_version" {
        formatVersion = pair.key
      } else if key.isNear("format_version") {
        misspeltFormatVersion = misspeltFormatVersion ?? (pair.key, key.text)
      }
      if key.text == "terraform_version" || key.text == "configuration" { context = context ?? key.text }
      for meant in planOnlyKeys where key.isNear(meant) {
        if key.text == meant { exactPlanKey = exactPlanKey ?? meant } else { planKey = planKey ?? (pair.key, key.text, meant) }
      }
    }
    let start = root.location
    if formatVersion == nil {
      guard let marker = exactPlanKey ?? planKey?.text ?? (misspeltFormatVersion != nil ? context : nil) else {
        return nil
      }
      var message = "looks like a Terraform plan (it has '\(marker)') but has no 'format_version'"
      if let misspelt = misspeltFormatVersion { message += "; did you mean 'format_version' instead of '\(misspelt.text)'?" }
      return FormatNearMiss(
        format: .terraformPlan, message: message, location: misspeltFormatVersion?.key.location ?? start)
    }
    // `format_version` is there, so the recogniser wants a plan key: a misspelt one is a near miss.
    guard exactPlanKey == nil, let planKey else { return nil }
    return FormatNearMiss(
      format: .terraformPlan,
      message: "looks like a Terraform plan (it has 'format_version') but has none of 'resource_changes', "
        + "'planned_values' and 'configuration'; did you mean '\(planKey.meant)' instead of '\(planKey.text)'?",
      location: planKey.key.location)
  }

  // MARK: Backstage catalog

  static let catalogKinds: Set<String> = [
    "Component", "API", "Resource", "System", "Domain", "Group", "User", "Location", "Template",
  ]

  private static func catalog(_ root: YAMLNode) -> FormatNearMiss? {
    var apiVersion: (key: YAMLNode, value: YAMLNode, text: String)?
    var kind: YAMLNode?
    var misspeltKind: (key: YAMLNode, text: String)?
    for pair in root.pairs {
      guard let key = KeySpelling(pair.key) else { continue }
      if key.isNear("apiVersion") && (apiVersion == nil || key.text == "apiVersion") {
        apiVersion = (pair.key, pair.value, key.text)
      }
      if key.text == "kind" {
        kind = pair.value
      } else if key.isNear("kind") {
        misspeltKind = misspeltKind ?? (pair.key, key.text)
      }
    }
    guard let apiVersion else {
      // No apiVersion at all: a Backstage kind with a name is an entity missing its apiVersion.
      guard let kind, let kindName = kind.string, catalogKinds.contains(kindName),
        root["metadata"]?["name"]?.string != nil
      else { return nil }
      return FormatNearMiss(
        format: .backstageCatalog,
        message: "looks like a Backstage catalog entity (kind '\(kindName)' with 'metadata.name') but has no 'apiVersion'",
        location: kind.location)
    }
    guard let value = apiVersion.value.string, value.lowercased().contains("backstage") else { return nil }
    if apiVersion.text != "apiVersion" {
      return FormatNearMiss(
        format: .backstageCatalog,
        message: "looks like a Backstage catalog entity (apiVersion '\(value)') but its key is '\(apiVersion.text)'; "
          + "did you mean 'apiVersion'?",
        location: apiVersion.key.location)
    }
    if !InputFormat.isCatalogAPIVersion(value) {
      return FormatNearMiss(
        format: .backstageCatalog,
        message: "apiVersion '\(value)' is not a Backstage one (such as 'backstage.io/v1alpha1')",
        location: apiVersion.value.location)
    }
    guard kind == nil else { return nil }
    let hint = misspeltKind.map { "; did you mean 'kind' instead of '\($0.text)'?" } ?? ""
    return FormatNearMiss(
      format: .backstageCatalog,
      message: "looks like a Backstage catalog entity (apiVersion '\(value)') but has no 'kind'\(hint)",
      location: misspeltKind?.key.location ?? apiVersion.key.location)
  }

  // MARK: GitHub Actions

  private static func github(path: String, root: YAMLNode) -> FormatNearMiss? {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    let lowerName = name.lowercased()
    if lowerName == "action.yml" || lowerName == "action.yaml" {
      if name != lowerName {
        return FormatNearMiss(
          format: .githubAction,
          message: "looks like a GitHub action's metadata file, but GitHub reads only 'action.yml' or 'action.yaml' "
            + "(the name is case-sensitive), not '\(name)'",
          location: root.location)
      }
      if root["runs"] == nil && ["description", "inputs", "outputs", "branding"].contains(where: { root[$0] != nil }) {
        let misspelt = root.pairs.compactMap(KeySpelling.init).first { $0.isNear("runs") && $0.text != "runs" }
        let hint = misspelt.map { "; did you mean 'runs' instead of '\($0.text)'?" } ?? ""
        return FormatNearMiss(
          format: .githubAction,
          message: "looks like a GitHub action's metadata file ('\(name)') but has no 'runs'\(hint)",
          location: misspelt?.node.location ?? root.location)
      }
    }
    var on: KeySpelling?
    var misspeltOn: KeySpelling?
    var jobs: (key: KeySpelling, value: YAMLNode)?
    for pair in root.pairs {
      guard let key = KeySpelling(pair.key) else { continue }
      if key.text == "on" { on = key } else if key.isNear("on") { misspeltOn = misspeltOn ?? key }
      if key.isNear("jobs") && pair.value.kind == .mapping && (jobs == nil || key.text == "jobs") {
        jobs = (key, pair.value)
      }
    }
    guard let jobs else { return nil }
    if on != nil {
      guard jobs.key.text != "jobs" else { return nil }
      return FormatNearMiss(
        format: .githubWorkflow,
        message: "looks like a GitHub Actions workflow (it has 'on') but has no 'jobs'; did you mean 'jobs' instead of "
          + "'\(jobs.key.text)'?",
        location: jobs.key.node.location)
    }
    guard let job = jobs.value.pairs.first(where: { $0.value.kind == .mapping && $0.value["runs-on"] != nil }),
      let jobName = job.key.string
    else { return nil }
    let hint = misspeltOn.map { "; did you mean 'on' instead of '\($0.text)'?" } ?? ""
    return FormatNearMiss(
      format: .githubWorkflow,
      message: "looks like a GitHub Actions workflow (job '\(jobName)' has 'runs-on') but has no 'on'\(hint)",
      location: misspeltOn?.node.location ?? jobs.key.node.location)
  }

  // MARK: GitLab CI

  private static func gitlab(path: String, documents: [YAMLDocument]) -> FormatNearMiss? {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    var stem = name.lowercased()
    for suffix in [".yaml", ".yml", ".json"] where stem.hasSuffix(suffix) { stem.removeLast(suffix.count) }
    guard KeySpelling.normalize(stem).hasSuffix("gitlabci") else { return nil }
    let start = SourcePosition(line: 1, column: 1, offset: 0)
    let location =
      documents.first?.root.location ?? SourceLocation(path: path, span: SourceSpan(start: start, end: start))
    return FormatNearMiss(
      format: .gitlabCI,
      message: "named like a GitLab CI file ('\(name)') but not recognised as one: GitLab CI files are named "
        + "'.gitlab-ci.yml' or '*.gitlab-ci.yml', or hold jobs with 'script', 'extends', 'trigger' or 'stage'",
      location: location)
  }
}

/// A mapping key's text, compared with the key a format expects: exactly, or as a near spelling.
struct KeySpelling {
  /// The key's node.
  let node: YAMLNode
  /// The key's text.
  let text: String

  /// The key of a scalar shorter than 64 bytes (no format's key is longer; longer keys are not
  /// decoded, so a huge key costs nothing).
  init?(_ node: YAMLNode) {
    guard node.kind == .scalar, node.withValueBytes({ $0.count }) < 64, let text = node.string else { return nil }
    self.node = node
    self.text = text
  }

  init?(_ pair: YAMLPair) { self.init(pair.key) }

  /// Whether the key is `expected`, or a near spelling of it: the same letters and digits in any
  /// case, ignoring `_`, `-`, `.` and spaces; or, for names of five letters or more, at most one
  /// edit (two from ten letters) away once so normalised.
  func isNear(_ expected: String) -> Bool {
    if text == expected { return true }
    let have = Self.normalize(text)
    let want = Self.normalize(expected)
    if have == want { return true }
    let allowed = want.count >= 10 ? 2 : want.count >= 5 ? 1 : 0
    guard allowed > 0, abs(have.count - want.count) <= allowed else { return false }
    return editDistance(have, want) <= allowed
  }

  /// Lower case letters and digits only.
  static func normalize(_ text: String) -> String {
    String(text.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) })
  }
}
