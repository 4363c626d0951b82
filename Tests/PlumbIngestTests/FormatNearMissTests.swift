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

  // MARK: Terraform plans

  @Test(arguments: [
    #"{"terraform_version": "1.9.0", "resource_changes": [], "planned_values": {}}"#,
    #"{"formatVersion": "1.2", "terraform_version": "1.9.0", "resource_changes": []}"#,
    #"{"format-version": "1.2", "resource_changes": []}"#,
    #"{"Format_Version": "1.2", "planned_values": {}}"#,
    #"{"format_verison": "1.2", "terraform_version": "1.9.0", "configuration": {}}"#,
    #"{"FORMAT VERSION": "1.2", "prior_state": {}}"#,
    #"{"format_version": "1.2", "resource_change": []}"#,
    #"{"format_version": "1.2", "Planned_Values": {}}"#,
    #"{"resource_drift": [], "output_changes": {}}"#,
  ])
  func aPlanThatDoesNotValidateIsANearMiss(_ text: String) throws {
    let (format, nearMiss) = classify(text, path: "infra/plan.json")
    #expect(format == nil)
    let miss = try #require(nearMiss, "not recognised as a near miss: \(text)")
    #expect(miss.format == .terraformPlan)
    #expect(miss.message.hasPrefix("looks like a Terraform plan"))
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

  @Test(arguments: [
    // A Terraform state (`terraform show -json` of a state), not a plan.
    #"{"format_version": "1.0", "terraform_version": "1.9.0", "values": {"root_module": {}}}"#,
    // `terraform version -json`, `terraform providers schema -json`, `terraform validate -json`.
    #"{"terraform_version": "1.9.0", "platform": "linux_amd64", "provider_selections": {}}"#,
    #"{"format_version": "1.0", "provider_schemas": {}}"#,
    #"{"format_version": "1.0", "valid": true, "error_count": 0, "diagnostics": []}"#,
    // Someone else's JSON that happens to say `configuration`.
    #"{"name": "app", "configuration": {"debug": true}}"#,
    #"{"version": 2, "changes": []}"#,
  ])
  func otherJSONIsNotANearMiss(_ text: String) {
    let (format, nearMiss) = classify(text, path: "data.json")
    #expect(format == nil && nearMiss == nil, "\(text)")
  }

  // MARK: Backstage catalog

  @Test(arguments: [
    "apiversion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n",
    "api_version: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n",
    "apiVerison: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n",
    "apiVersion: Backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n",
    "apiVersion: backstage-io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n",
    "apiVersion: backstage.io/v1alpha1\nKind: Component\nmetadata:\n  name: a\n",
    "apiVersion: backstage.io/v1alpha1\nmetadata:\n  name: a\n",
    "kind: Component\nmetadata:\n  name: a\nspec:\n  type: service\n",
    "---\nunrelated: true\n---\nkind: Group\nmetadata:\n  name: team-a\n",
  ])
  func aCatalogEntityThatDoesNotValidateIsANearMiss(_ text: String) throws {
    let (format, nearMiss) = classify(text, path: "catalog-info.yaml")
    #expect(format == nil)
    let miss = try #require(nearMiss, "not recognised as a near miss: \(text)")
    #expect(miss.format == .backstageCatalog)
  }

  @Test(arguments: [
    // Kubernetes and OpenShift manifests have kinds, names and apiVersions of their own.
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
    "apiVersion: user.openshift.io/v1\nkind: Group\nmetadata:\n  name: admins\nusers: []\n",
    "apiVersion: v1\nkind: Component\nmetadata:\n  name: a\n",
    // A kind without a name, a name without a Backstage kind.
    "kind: Component\nspec: {}\n",
    "kind: Service\nmetadata:\n  name: a\n",
  ])
  func otherManifestsAreNotANearMiss(_ text: String) {
    let (format, nearMiss) = classify(text, path: "deploy.yaml")
    #expect(format == nil && nearMiss == nil, "\(text)")
  }

  // MARK: GitHub Actions

  @Test(arguments: [
    ("ci.yml", "jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n"),
    ("ci.yml", "On: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n"),
    ("ci.yml", "ON:\n  push: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n"),
    ("ci.yml", "on: push\nJobs:\n  build:\n    runs-on: ubuntu-latest\n"),
    ("Action.yml", "name: x\nruns:\n  using: node20\n  main: index.js\n"),
    ("action.yaml", "name: x\ndescription: y\nRuns:\n  using: composite\n  steps: []\n"),
    ("action.yml", "name: x\ndescription: y\ninputs: {}\n"),
  ])
  func aWorkflowOrActionThatDoesNotValidateIsANearMiss(_ path: String, _ text: String) throws {
    let (format, nearMiss) = classify(text, path: "tools/" + path)
    #expect(format == nil)
    let miss = try #require(nearMiss, "not recognised as a near miss: \(path): \(text)")
    #expect(miss.format == .githubWorkflow || miss.format == .githubAction)
  }

  @Test(arguments: [
    // CircleCI and Azure Pipelines have jobs and steps too, but no `runs-on`.
    "version: 2.1\njobs:\n  build:\n    docker:\n      - image: cimg/base:stable\n    steps:\n      - checkout\n",
    "jobs:\n  - job: build\n    pool:\n      vmImage: ubuntu-latest\n    steps:\n      - script: make\n",
    "on: true\nname: a feature flag\n",
    "name: x\nversion: 1\n",
  ])
  func otherPipelinesAreNotANearMiss(_ text: String) {
    let (format, nearMiss) = classify(text, path: ".circleci/config.yml")
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
    #expect(classify("stages: [build]\n", path: "values.yml").1 == nil)
  }

  // MARK: Cost

  @Test func aHugeKeyIsNotCompared() {
    // Keys longer than any format's are not decoded or compared: no edit distance over them.
    let huge = String(repeating: "format_version", count: 100_000)
    let (format, nearMiss) = classify("{\"\(huge)\": 1, \"x\": 2}", path: "a.json")
    #expect(format == nil && nearMiss == nil)
  }
}
