import PlumbYAML
import Testing

@testable import PlumbIngest

/// What "looks like one of Plumb's formats" means: a near miss is an error, so its findings cannot
/// vanish; anything else the recognisers reject is not Plumb's, and stays skipped.
@Suite struct FormatNearMissTests {
  /// The recognised format and the near miss (if any) of `text` at `path`.
  private func classify(_ text: String, path: String = "x.yaml") -> (InputFormat?, FormatNearMiss?) {
    let documents = YAMLLoader().load(text: text, path: path).documents
    let format = InputFormat.recognize(path: path, documents: documents)
    return (format, format == nil ? FormatNearMiss.find(path: path, documents: documents) : nil)
  }

  /// Files that carry a marker of one of Plumb's formats but do not validate: (format, path, text).
  static let nearMisses: [(InputFormat, String, String)] = [
    // Terraform plans without a valid `format_version`, in several spellings, or with a misspelt plan key.
    (.terraformPlan, "plan.json", #"{"terraform_version": "1.9.0", "resource_changes": [], "planned_values": {}}"#),
    (.terraformPlan, "plan.json", #"{"formatVersion": "1.2", "terraform_version": "1.9.0", "resource_changes": []}"#),
    (.terraformPlan, "plan.json", #"{"format-version": "1.2", "resource_changes": []}"#),
    (.terraformPlan, "plan.json", #"{"Format_Version": "1.2", "planned_values": {}}"#),
    (.terraformPlan, "plan.json", #"{"format_verison": "1.2", "terraform_version": "1.9.0", "configuration": {}}"#),
    (.terraformPlan, "plan.json", #"{"FORMAT VERSION": "1.2", "prior_state": {}}"#),
    (.terraformPlan, "plan.json", #"{"format_version": "1.2", "resource_change": []}"#),
    (.terraformPlan, "plan.json", #"{"format_version": "1.2", "Planned_Values": {}}"#),
    (.terraformPlan, "plan.json", #"{"resource_drift": [], "output_changes": {}}"#),
    // Catalog entities with a misspelt or wrong apiVersion, no kind, or no apiVersion.
    (.backstageCatalog, "catalog-info.yaml", "apiversion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n"),
    (.backstageCatalog, "catalog-info.yaml", "api_version: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n"),
    (.backstageCatalog, "catalog-info.yaml", "apiVerison: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n"),
    (.backstageCatalog, "catalog-info.yaml", "apiVersion: Backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n"),
    (.backstageCatalog, "catalog-info.yaml", "apiVersion: backstage-io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n"),
    (.backstageCatalog, "catalog-info.yaml", "apiVersion: backstage.io/v1alpha1\nKind: Component\nmetadata:\n  name: a\n"),
    (.backstageCatalog, "catalog-info.yaml", "apiVersion: backstage.io/v1alpha1\nmetadata:\n  name: a\n"),
    (.backstageCatalog, "catalog-info.yaml", "kind: Component\nmetadata:\n  name: a\nspec:\n  type: service\n"),
    (.backstageCatalog, "catalog-info.yaml", "---\nunrelated: true\n---\nkind: Group\nmetadata:\n  name: team-a\n"),
    // Workflows without `on` (or `jobs`), actions misnamed or without `runs`.
    (.githubWorkflow, "tools/ci.yml", "jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"),
    (.githubWorkflow, "tools/ci.yml", "On: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n"),
    (.githubWorkflow, "tools/ci.yml", "ON:\n  push: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n"),
    (.githubWorkflow, "tools/ci.yml", "on: push\nJobs:\n  build:\n    runs-on: ubuntu-latest\n"),
    (.githubAction, "tools/Action.yml", "name: x\nruns:\n  using: node20\n  main: index.js\n"),
    (.githubAction, "tools/action.yaml", "name: x\ndescription: y\nRuns:\n  using: composite\n  steps: []\n"),
    (.githubAction, "tools/action.yml", "name: x\ndescription: y\ninputs: {}\n"),
  ]

  @Test(arguments: nearMisses)
  func aFileThatLooksLikeOursButDoesNotValidateIsANearMiss(_ expected: InputFormat, _ path: String, _ text: String) throws {
    let (format, nearMiss) = classify(text, path: path)
    #expect(format == nil)
    let miss = try #require(nearMiss, "not recognised as a near miss: \(text)")
    #expect(miss.format == expected)
    #expect(miss.diagnostic.code == "ingest.near-miss" && miss.diagnostic.severity == .error)
  }

  @Test func theNearMissNamesTheMisspellingAndPointsAtIt() throws {
    let text = "{\n  \"terraform_version\": \"1.9.0\",\n  \"formatVersion\": \"1.2\",\n  \"resource_changes\": []\n}\n"
    let miss = try #require(classify(text, path: "plan.json").1)
    #expect(
      miss.message
        == "looks like a Terraform plan (it has 'resource_changes') but has no 'format_version'; did you mean 'format_version' instead of 'formatVersion'?"
    )
    #expect(miss.location.path == "plan.json")
    #expect(miss.location.span.start.line == 3 && miss.location.span.start.column == 3)
  }

  /// Files the recognisers reject that are not Plumb's: (path, text).
  static let others: [(String, String)] = [
    // A Terraform state (`terraform show -json` of a state), not a plan.
    ("data.json", #"{"format_version": "1.0", "terraform_version": "1.9.0", "values": {"root_module": {}}}"#),
    // `terraform version -json`, `terraform providers schema -json`, `terraform validate -json`.
    ("data.json", #"{"terraform_version": "1.9.0", "platform": "linux_amd64", "provider_selections": {}}"#),
    ("data.json", #"{"format_version": "1.0", "provider_schemas": {}}"#),
    ("data.json", #"{"format_version": "1.0", "valid": true, "error_count": 0, "diagnostics": []}"#),
    // Someone else's JSON that happens to say `configuration`.
    ("data.json", #"{"name": "app", "configuration": {"debug": true}}"#),
    ("data.json", #"{"version": 2, "changes": []}"#),
    // Kubernetes and OpenShift manifests have kinds, names and apiVersions of their own.
    ("deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"),
    ("deploy.yaml", "apiVersion: user.openshift.io/v1\nkind: Group\nmetadata:\n  name: admins\nusers: []\n"),
    ("deploy.yaml", "apiVersion: v1\nkind: Component\nmetadata:\n  name: a\n"),
    // A kind without a name, a name without a Backstage kind.
    ("deploy.yaml", "kind: Component\nspec: {}\n"),
    ("deploy.yaml", "kind: Service\nmetadata:\n  name: a\n"),
    // CircleCI and Azure Pipelines have jobs and steps too, but no `runs-on`.
    (".circleci/config.yml", "version: 2.1\njobs:\n  build:\n    docker:\n      - image: cimg/base:stable\n    steps:\n      - checkout\n"),
    ("azure-pipelines.yml", "jobs:\n  - job: build\n    pool:\n      vmImage: ubuntu-latest\n    steps:\n      - script: make\n"),
    ("flags.yml", "on: true\nname: a feature flag\n"),
    ("values.yml", "stages: [build]\n"),
  ]

  @Test(arguments: others)
  func anythingElseIsNotANearMiss(_ path: String, _ text: String) {
    let (format, nearMiss) = classify(text, path: path)
    #expect(format == nil && nearMiss == nil, "\(text)")
  }

  // MARK: GitLab CI

  @Test(arguments: ["gitlab-ci.yml", ".gitlab_ci.yml", ".GitLab-CI.yml", ".gitlabci.yaml", "deploy.gitlab_ci.yml"])
  func aFileNamedLikeAGitLabPipelineIsANearMiss(_ name: String) throws {
    let (format, nearMiss) = classify("include:\n  - local: /ci/build.yml\n", path: name)
    #expect(format == nil)
    let miss = try #require(nearMiss, "not recognised as a near miss: \(name)")
    #expect(miss.format == .gitlabCI)
    #expect(miss.message.contains("'\(name)'"))
  }

  @Test func aGitLabPipelineIsRecognisedByNameOrContentNotReportedAsANearMiss() {
    #expect(classify("include:\n  - local: /ci/build.yml\n", path: ".gitlab-ci.yml").0 == .gitlabCI)
    #expect(classify("stages: [build]\nbuild:\n  stage: build\n  script: [make]\n", path: "gitlab-ci.yml").0 == .gitlabCI)
  }

  // MARK: Cost

  @Test func aHugeKeyIsNotCompared() {
    // Keys longer than any format's are not decoded or compared: no edit distance over them.
    let huge = String(repeating: "format_version", count: 100_000)
    let (format, nearMiss) = classify("{\"\(huge)\": 1, \"x\": 2}", path: "a.json")
    #expect(format == nil && nearMiss == nil)
  }
}
