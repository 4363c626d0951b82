import Foundation
import OutputFuzzing
import PlumbReport
import TestSupport
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

@testable import PlumbKit

/// Issue 15 items 1-4 end to end, on the built binary: paths relative to the repository from any
/// directory, code-scanning identity (`primaryLocationLineHash`, `automationDetails`,
/// `sarif-upload`), links from flags, `.plumb.yaml` and CI variables (hostile ones too), JUnit
/// counts and names, the GitLab SAST report, and GitHub annotations capped per level.
@Suite struct CIOutputTests {
  // MARK: A repository to run in

  /// A copy of `fixtures/platform` in a fresh git repository (`git init`, nothing committed):
  /// `catalog/`, `terraform/`, `.github/`, `ci/`, `.gitlab-ci.yml`, `.plumb.yaml`.
  static func repository() throws -> URL {
    let directory = try temporaryDirectory()
    let repository = directory.appendingPathComponent("repo")
    try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("fixtures/platform"), to: repository)
    let git = Process()
    git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    git.arguments = ["git", "init", "-q", repository.path]
    git.standardOutput = FileHandle.nullDevice
    git.standardError = FileHandle.nullDevice
    try git.run()
    git.waitUntilExit()
    if git.terminationStatus != 0 {
      // No git on the machine: a `.git` directory is what the root looks for.
      try FileManager.default.createDirectory(at: repository.appendingPathComponent(".git"), withIntermediateDirectories: true)
    }
    return repository
  }

  /// The CI variables cleared, so a test run inside CI does not link by accident.
  static let noCI: [String: String] = [
    "GITHUB_SERVER_URL": "", "GITHUB_REPOSITORY": "", "GITHUB_SHA": "", "CI_PROJECT_URL": "", "CI_COMMIT_SHA": "",
  ]

  static func json(_ text: String) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  /// `runs[0]` of a SARIF log.
  static func sarifRun(_ text: String) throws -> [String: Any] {
    let log = try json(text)
    let runs = try #require(log["runs"] as? [[String: Any]])
    return try #require(runs.first)
  }

  static func resultPaths(_ run: [String: Any]) -> [String] {
    let results = run["results"] as? [[String: Any]] ?? []
    return results.compactMap {
      (($0["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]).flatMap {
        ($0["artifactLocation"] as? [String: Any])?["uri"] as? String
      }
    }
  }

  static func jsonPaths(_ text: String) throws -> [String] {
    let report = try json(text)
    return (report["findings"] as? [[String: Any]] ?? []).compactMap { ($0["location"] as? [String: Any])?["path"] as? String }
  }

  // MARK: 1. Paths relative to the repository

  @Test func aDirectoryAtTheTopOfARepositoryKeepsItsNameInEveryPath() throws {
    let repository = try Self.repository()
    let result = try runPlumb(["check", "terraform", "--output", "json"], in: repository, environment: Self.noCI)
    let paths = try Self.jsonPaths(result.stdout)
    #expect(!paths.isEmpty, "\(result.stderr)")
    #expect(paths.allSatisfy { $0 == "terraform/plan.tfplan.json" }, "\(paths)")
    #expect(try Self.json(result.stdout)["invocation"].flatMap { ($0 as? [String: Any])?["root"] as? String } == repository.path)
  }

  @Test func fromASubdirectoryPathsAreTheRepositorysAndSRCROOTIsItsTop() throws {
    let repository = try Self.repository()
    let catalog = repository.appendingPathComponent("catalog")
    let result = try runPlumb(["check", ".", "--output", "sarif"], in: catalog, environment: Self.noCI)
    let run = try Self.sarifRun(result.stdout)
    let paths = Self.resultPaths(run)
    #expect(!paths.isEmpty, "\(result.stderr)")
    #expect(paths.allSatisfy { $0.hasPrefix("catalog/") }, "\(paths)")
    let base = (run["originalUriBaseIds"] as? [String: Any])?["%SRCROOT%"] as? [String: Any]
    #expect(base?["uri"] as? String == "file://" + repository.path + "/")
    // Every path resolves from %SRCROOT%: the file exists where code scanning will look.
    for path in paths { #expect(FileManager.default.fileExists(atPath: repository.appendingPathComponent(path).path), "\(path)") }
    // The working directory is still recorded as what it was.
    let invocation = (run["invocations"] as? [[String: Any]])?.first
    #expect(((invocation?["workingDirectory"] as? [String: Any])?["uri"] as? String) == "file://" + catalog.path + "/")
  }

  @Test func severalPathsFromAnotherSubdirectoryShareTheRepositoryRoot() throws {
    let repository = try Self.repository()
    let result = try runPlumb(
      ["check", "../terraform/plan.tfplan.json", "../.github", "--output", "json"], in: repository.appendingPathComponent("catalog"),
      environment: Self.noCI)
    let paths = Set(try Self.jsonPaths(result.stdout))
    #expect(paths.contains("terraform/plan.tfplan.json"), "\(paths) \(result.stderr)")
    #expect(paths.contains(".github/workflows/ci.yml"), "\(paths)")
  }

  @Test func outsideAnyRepositoryTheDirectoryGivenOrTheWorkingDirectoryIsTheRoot() throws {
    let directory = try temporaryDirectory()
    try FileManager.default.copyItem(
      at: packageRoot.appendingPathComponent("fixtures/platform/terraform"), to: directory.appendingPathComponent("terraform"))
    try FileManager.default.copyItem(
      at: packageRoot.appendingPathComponent("fixtures/platform/catalog"), to: directory.appendingPathComponent("catalog"))
    // One directory: it is the root (the read boundary is not widened to the working directory).
    let one = try runPlumb(["check", "terraform", "--output", "json"], in: directory, environment: Self.noCI)
    #expect(try Self.jsonPaths(one.stdout).allSatisfy { $0 == "plan.tfplan.json" }, "\(one.stderr)")
    // Several paths inside the working directory: it is the root.
    let several = try runPlumb(["check", "terraform", "catalog", "--output", "json"], in: directory, environment: Self.noCI)
    let paths = Set(try Self.jsonPaths(several.stdout))
    #expect(paths.contains("terraform/plan.tfplan.json") && paths.contains("catalog/components.yaml"), "\(paths)")
    // Several paths elsewhere (run from the package, a repository they are not in): the nearest
    // directory holding them.
    let outside = try runPlumb(
      ["check", directory.appendingPathComponent("terraform").path, directory.appendingPathComponent("catalog").path, "--output", "json"],
      environment: Self.noCI)
    let outsidePaths = Set(try Self.jsonPaths(outside.stdout))
    #expect(outsidePaths.contains("terraform/plan.tfplan.json"), "\(outsidePaths) \(outside.stderr)")
  }

  /// A directory with its own `.plumb.yaml` below the top level is a project of its own (a
  /// monorepo's subproject): its configuration, waivers and local includes are its own, and paths
  /// are shown from it.
  @Test func aProjectWithItsOwnConfigurationBelowTheTopIsTheRoot() throws {
    let top = try temporaryDirectory().appendingPathComponent("mono")
    try FileManager.default.createDirectory(at: top.appendingPathComponent(".git"), withIntermediateDirectories: true)
    let project = top.appendingPathComponent("platform")
    try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("fixtures/platform"), to: project)
    let result = try runPlumb(["check", "platform/terraform", "--output", "json"], in: top, environment: Self.noCI)
    #expect(result.status == 1, "\(result.stderr)")
    let paths = try Self.jsonPaths(result.stdout)
    #expect(!paths.isEmpty && paths.allSatisfy { $0 == "terraform/plan.tfplan.json" }, "\(paths)")
    #expect(try Self.json(result.stdout)["invocation"].flatMap { ($0 as? [String: Any])?["root"] as? String } == project.path)
    // The project's local GitLab include resolves from the project, not from the top level.
    let whole = try runPlumb(["check", "platform", "--output", "json"], in: top, environment: Self.noCI)
    #expect(whole.status == 1, "\(whole.stdout.prefix(2000))")
    #expect(!whole.stdout.contains("gitlab.include-missing"))
    // Without the project's configuration, the top level is the root again.
    try FileManager.default.removeItem(at: project.appendingPathComponent(".plumb.yaml"))
    let unconfigured = try runPlumb(["check", "platform/terraform", "--output", "json"], in: top, environment: Self.noCI)
    #expect(try Self.jsonPaths(unconfigured.stdout).allSatisfy { $0 == "platform/terraform/plan.tfplan.json" })
  }

  /// README's first command, exactly as written there: the shipped sample platform (inside
  /// Plumb's own repository) is checked as a project of its own and blocks on its planted findings.
  @Test func readmesMainCommandChecksTheSamplePlatformAndBlocks() throws {
    let result = try runPlumb(["check", "fixtures/platform"], environment: Self.noCI)
    #expect(result.status == 1, "\(result.stdout.suffix(1500)) \(result.stderr)")
    #expect(result.stdout.contains("verdict: fail (4 blocking findings)"), "\(result.stdout.suffix(600))")
  }

  @Test func anExplicitRootWins() throws {
    let repository = try Self.repository()
    let result = try runPlumb(
      ["check", "terraform", "--root", "terraform", "--output", "json"], in: repository, environment: Self.noCI)
    #expect(try Self.jsonPaths(result.stdout).allSatisfy { $0 == "plan.tfplan.json" })
  }

  @Test func theConfigurationAtTheTopIsFoundFromASubdirectory() throws {
    let repository = try Self.repository()
    try "repository: acme/platform\nrule_docs_base: https://docs.example.com/plumb/rules\n".write(
      to: repository.appendingPathComponent(".plumb.yaml"), atomically: true, encoding: .utf8)
    let result = try runPlumb(["check", ".", "--output", "sarif"], in: repository.appendingPathComponent("catalog"), environment: Self.noCI)
    let run = try Self.sarifRun(result.stdout)
    let rules = ((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]] ?? []
    #expect(!rules.isEmpty)
    for rule in rules {
      let id = rule["id"] as? String ?? ""
      #expect(rule["helpUri"] as? String == "https://docs.example.com/plumb/rules/\(id).md", "\(id)")
    }
  }

  @Test func aSymlinkInASubdirectoryIsReadInsideTheRepositoryAndRefusedOutsideIt() throws {
    let repository = try Self.repository()
    let outside = try temporaryDirectory()
    try """
      apiVersion: backstage.io/v1alpha1
      kind: Component
      metadata:
        name: outside-secret-component
      spec:
        type: service
        lifecycle: production
      """.write(to: outside.appendingPathComponent("entity.yaml"), atomically: true, encoding: .utf8)
    let linked = repository.appendingPathComponent("linked")
    try FileManager.default.createDirectory(at: linked, withIntermediateDirectories: true)
    // Elsewhere in the repository: inside the root, read.
    try FileManager.default.createSymbolicLink(
      atPath: linked.appendingPathComponent("components.yaml").path, withDestinationPath: "../catalog/components.yaml")
    // Outside the repository: refused.
    try FileManager.default.createSymbolicLink(
      atPath: linked.appendingPathComponent("outside.yaml").path, withDestinationPath: outside.appendingPathComponent("entity.yaml").path)
    let result = try runPlumb(["check", "linked", "--output", "json"], in: repository, environment: Self.noCI)
    let report = try Self.json(result.stdout)
    let files = report["files"] as? [[String: Any]] ?? []
    let checked = files.filter { $0["status"] as? String == "checked" }.compactMap { $0["path"] as? String }
    #expect(checked.contains("linked/components.yaml"), "\(files)")
    #expect(!checked.contains("linked/outside.yaml"), "\(files)")
    #expect(!result.stdout.contains("outside-secret-component"))
  }

  // MARK: 2. Code-scanning alerts that stay put

  @Test func sarifResultsCarryTheLineHashGitHubComputesAndAnAutomationID() throws {
    let repository = try Self.repository()
    let result = try runPlumb(["check", ".", "--output", "sarif"], in: repository, environment: Self.noCI)
    let run = try Self.sarifRun(result.stdout)
    #expect((run["automationDetails"] as? [String: Any])?["id"] as? String == "plumb/check/")
    let results = run["results"] as? [[String: Any]] ?? []
    #expect(!results.isEmpty)
    for item in results {
      let fingerprints = item["partialFingerprints"] as? [String: Any] ?? [:]
      let physical = ((item["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]) ?? [:]
      let path = (physical["artifactLocation"] as? [String: Any])?["uri"] as? String ?? ""
      let line = (physical["region"] as? [String: Any])?["startLine"] as? Int ?? 0
      let bytes = try Data(contentsOf: repository.appendingPathComponent(path))
      let reference = PrimaryLocationLineHash.lineHashes(utf8: Array(bytes))
      #expect(fingerprints["primaryLocationLineHash"] as? String == reference[line - 1], "\(path):\(line)")
      #expect(fingerprints["plumb/v1"] is String)
    }
    let categorized = try runPlumb(
      ["check", ".", "--output", "sarif", "--sarif-category", "infra/terraform"], in: repository, environment: Self.noCI)
    #expect((try Self.sarifRun(categorized.stdout)["automationDetails"] as? [String: Any])?["id"] as? String == "plumb/infra/terraform/")
  }

  @Test func addingLinesAboveAFindingKeepsBothFingerprints() throws {
    let repository = try Self.repository()
    let file = repository.appendingPathComponent("catalog/components.yaml")
    func fingerprints() throws -> Set<String> {
      let run = try Self.sarifRun(try runPlumb(["check", "catalog", "--output", "sarif"], in: repository, environment: Self.noCI).stdout)
      return Set(
        (run["results"] as? [[String: Any]] ?? []).map {
          let prints = $0["partialFingerprints"] as? [String: Any] ?? [:]
          return "\(prints["plumb/v1"] ?? "")|\(prints["primaryLocationLineHash"] ?? "")"
        })
    }
    let before = try fingerprints()
    let text = try String(contentsOf: file, encoding: .utf8)
    try ("# moved down by two lines\n\n" + text).write(to: file, atomically: true, encoding: .utf8)
    let after = try fingerprints()
    #expect(!before.isEmpty)
    #expect(before == after)
  }

  @Test func sarifUploadLeavesSuppressedFindingsOut() throws {
    let repository = try Self.repository()
    let today = ["--today", "2026-01-15"]
    let waived = try runPlumb(["check", ".", "--output", "json"] + today, in: repository, environment: Self.noCI)
    let first = try #require((try Self.json(waived.stdout)["findings"] as? [[String: Any]])?.first)
    let rule = try #require(first["ruleId"] as? String)
    let entity = try #require(first["entity"] as? String)
    try """
      waivers:
        - rule: \(rule)
          entity: "\(entity)"
          reason: accepted for the test
          owner: group:platform
          expires: 2026-06-30
      """.write(to: repository.appendingPathComponent(".plumb-waivers.yaml"), atomically: true, encoding: .utf8)
    let full = try Self.sarifRun(
      try runPlumb(["check", ".", "--output", "sarif"] + today, in: repository, environment: Self.noCI).stdout)
    let upload = try Self.sarifRun(
      try runPlumb(["check", ".", "--output", "sarif-upload"] + today, in: repository, environment: Self.noCI).stdout)
    let fullResults = full["results"] as? [[String: Any]] ?? []
    let uploadResults = upload["results"] as? [[String: Any]] ?? []
    let suppressed = fullResults.filter { $0["suppressions"] != nil }.count
    #expect(suppressed >= 1, "the waiver applied")
    #expect(uploadResults.count == fullResults.count - suppressed)
    #expect(uploadResults.allSatisfy { $0["suppressions"] == nil })
    #expect((upload["properties"] as? [String: Any])?["suppressedResultsOmitted"] as? Int == suppressed)
  }

  // MARK: 3. Links that work where they are read

  @Test func githubVariablesLinkEveryLocationAndRulesLinkToTheirPages() throws {
    let repository = try Self.repository()
    let sha = "0123456789abcdef0123456789abcdef01234567"
    let environment = [
      "GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/platform", "GITHUB_SHA": sha,
      "CI_PROJECT_URL": "", "CI_COMMIT_SHA": "",
    ]
    let result = try runPlumb(
      ["check", ".", "--output", "github-summary"], in: repository.appendingPathComponent("catalog"), environment: environment)
    #expect(result.stdout.contains("(https://github.com/acme/platform/blob/\(sha)/catalog/components.yaml#L"), "\(result.stdout)")
    #expect(result.stdout.contains("(https://github.com/plumb-dev/plumb/blob/main/docs/rules/"))
    #expect(!result.stdout.contains("](docs/rules/"))
    let markdown = try runPlumb(["check", ".", "--output", "markdown"], in: repository, environment: environment)
    #expect(markdown.stdout.contains("https://github.com/acme/platform/blob/\(sha)/"))
  }

  @Test func gitlabVariablesLinkToTheProjectsBlobs() throws {
    let repository = try Self.repository()
    let environment = [
      "GITHUB_SERVER_URL": "", "GITHUB_REPOSITORY": "", "GITHUB_SHA": "",
      "CI_PROJECT_URL": "https://gitlab.example.com/acme/platform", "CI_COMMIT_SHA": "89abcdef01",
    ]
    let result = try runPlumb(["check", ".", "--output", "markdown"], in: repository, environment: environment)
    #expect(result.stdout.contains("(https://gitlab.example.com/acme/platform/-/blob/89abcdef01/catalog/components.yaml#L"))
  }

  @Test(arguments: [
    ["GITHUB_REPOSITORY": "acme/platform) [x](javascript:alert(1)"],
    ["GITHUB_REPOSITORY": "acme/platform\n::warning::injected"],
    ["GITHUB_REPOSITORY": "acme/plat form"],
    ["GITHUB_REPOSITORY": "acme/\"platform\""],
    ["GITHUB_SERVER_URL": "javascript:alert(1)//"],
    ["GITHUB_SERVER_URL": "https://github.com\" onmouseover=\"alert(1)"],
    ["GITHUB_SERVER_URL": "https://github.com/\n## injected"],
    ["GITHUB_SHA": "0123abc)"],
    ["GITHUB_SHA": "0123abc\nx"],
    ["GITHUB_SHA": "not-a-sha"],
  ])
  func hostileGitHubVariablesGiveNoLink(_ override: [String: String]) throws {
    let repository = try Self.repository()
    var environment = [
      "GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/platform", "GITHUB_SHA": "0123abc",
      "CI_PROJECT_URL": "", "CI_COMMIT_SHA": "",
    ]
    for (key, value) in override { environment[key] = value }
    for format in ["github-summary", "markdown"] {
      let result = try runPlumb(["check", ".", "--output", format], in: repository, environment: environment)
      #expect(result.status == 1, "\(result.stderr)")
      #expect(!result.stdout.contains("/blob/0123abc"), "\(format): a source link from \(override)")
      #expect(!result.stdout.contains("plat%20form") && !result.stdout.contains("platform)"))
      #expect(!result.stdout.lowercased().contains("javascript:"))
      #expect(!result.stdout.contains("injected"))
      #expect(!result.stdout.contains("onmouseover"))
    }
  }

  @Test(arguments: ["javascript:alert(1)", "https://x.example/a b", "https://x.example/\nrules", "data:text/html,x"])
  func aLinkBaseThatIsNotHTTPOrRelativeIsAUsageError(_ base: String) throws {
    let repository = try Self.repository()
    for flag in ["--rule-docs-base", "--source-link-base"] {
      let result = try runPlumb(["check", ".", flag, base], in: repository, environment: Self.noCI)
      #expect(result.status == 64, "\(flag) \(base)")
    }
    try "rule_docs_base: \"\(base.replacingOccurrences(of: "\n", with: "\\n"))\"\n".write(
      to: repository.appendingPathComponent(".plumb.yaml"), atomically: true, encoding: .utf8)
    let configured = try runPlumb(["check", "."], in: repository, environment: Self.noCI)
    #expect(configured.status == 3)
    #expect(configured.stdout.contains(".plumb.yaml:1:") || configured.stderr.contains(".plumb.yaml:1:"))
  }

  @Test func flagsWinOverTheConfigurationAndAnEmptySourceBaseSwitchesLinksOff() throws {
    let repository = try Self.repository()
    try "source_link_base: https://git.example.com/blob/main/\n".write(
      to: repository.appendingPathComponent(".plumb.yaml"), atomically: true, encoding: .utf8)
    let configured = try runPlumb(["check", ".", "--output", "markdown"], in: repository, environment: Self.noCI)
    #expect(configured.stdout.contains("(https://git.example.com/blob/main/catalog/components.yaml#L"))
    let off = try runPlumb(["check", ".", "--output", "markdown", "--source-link-base", ""], in: repository, environment: Self.noCI)
    #expect(!off.stdout.contains("git.example.com"))
    let docs = try runPlumb(
      ["check", ".", "--output", "markdown", "--rule-docs-base", "https://rules.example.com/r"], in: repository, environment: Self.noCI)
    #expect(docs.stdout.contains("(https://rules.example.com/r/"))
  }

  // MARK: 4. Each CI system's own reports

  @Test func junitTestsCountTheTestCasesAndEveryNameIsUnique() throws {
    let repository = try Self.repository()
    let result = try runPlumb(["check", ".", "--output", "junit"], in: repository, environment: Self.noCI)
    try Self.expectJUnitConsistent(result.stdout)
  }

  @Test(.requires(sharedData: SharedData.corpus("catalog")))
  func junitNamesAreUniqueOnTheCorpus() throws {
    let result = try runPlumb(
      ["check", "catalog", "pipelines", "terraform-plans", "--output", "junit"], in: SharedData.corpus, environment: Self.noCI)
    try Self.expectJUnitConsistent(result.stdout)
  }

  /// `tests` of each suite and of all is the number of `<testcase>`s; no two test cases share a name.
  static func expectJUnitConsistent(_ xml: String) throws {
    let document = try XMLDocument(data: Data(xml.utf8))
    let root = try #require(document.rootElement())
    let cases = try root.nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }
    #expect(!cases.isEmpty)
    #expect(root.attribute(forName: "tests")?.stringValue == String(cases.count))
    for suite in try root.nodes(forXPath: "testsuite").compactMap({ $0 as? XMLElement }) {
      let count = (suite.elements(forName: "testcase")).count
      #expect(suite.attribute(forName: "tests")?.stringValue == String(count), "\(suite.attribute(forName: "name")?.stringValue ?? "")")
    }
    let names = cases.compactMap { $0.attribute(forName: "name")?.stringValue }
    #expect(Set(names).count == names.count, "duplicate test case names")
  }

  @Test func theGitLabSASTReportMatchesItsSchema() throws {
    let repository = try Self.repository()
    let result = try runPlumb(["check", ".", "--output", "gitlab-sast"], in: repository, environment: Self.noCI)
    let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    let schemaData = try Data(contentsOf: packageRoot.appendingPathComponent("fixtures/schemas/gitlab-sast-report-15.0.7.subset.json"))
    let schema = try JSONSerialization.jsonObject(with: schemaData)
    let problems = SchemaSubset.validate(report, schema: schema)
    #expect(problems.isEmpty, "\(problems)")
    let vulnerabilities = (report as? [String: Any])?["vulnerabilities"] as? [[String: Any]] ?? []
    let sarif = try Self.sarifRun(try runPlumb(["check", ".", "--output", "sarif"], in: repository, environment: Self.noCI).stdout)
    #expect(vulnerabilities.count == (sarif["results"] as? [Any])?.count)
    #expect(vulnerabilities.allSatisfy { (($0["location"] as? [String: Any])?["file"] as? String).map { !$0.hasPrefix("/") } ?? false })
    // The validator itself rejects what the schema forbids.
    let unversioned: [String: Any] = ["version": "15", "vulnerabilities": [Any]()]
    #expect(!SchemaSubset.validate(unversioned, schema: schema).isEmpty)
    var broken = try #require(report as? [String: Any])
    let bad: [String: Any] = ["id": "", "identifiers": [Any](), "location": [String: Any](), "severity": "Severe"]
    broken["vulnerabilities"] = [bad]
    #expect(SchemaSubset.validate(broken, schema: schema).count >= 3)
  }

  @Test func githubAnnotationsAreCappedPerLevelAndTheRestGrouped() throws {
    let directory = try temporaryDirectory()
    // 25 components whose owner does not exist: 25 blocking errors of owner_is_a_group. One name
    // tries to close the group and start a command.
    var text = ""
    for index in 0..<25 {
      let name = index == 7 ? "\"x\\n::endgroup::\\n::add-mask::y ##[error]z\"" : "svc-\(index)"
      text += """
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: \(name)
        spec:
          type: service
          lifecycle: production
          owner: group:nobody-\(index)

        """
    }
    try text.write(to: directory.appendingPathComponent("catalog-info.yaml"), atomically: true, encoding: .utf8)
    let result = try runPlumb(["check", ".", "--output", "github"], in: directory, environment: Self.noCI)
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    let errors = lines.filter { $0.hasPrefix("::error ") }.count
    let warnings = lines.filter { $0.hasPrefix("::warning ") }.count
    let notices = lines.filter { $0.hasPrefix("::notice ") }.count
    #expect(errors == 10 && warnings <= 10 && notices <= 10, "\(result.stdout)")
    #expect(lines.filter { $0.hasPrefix("::group::") }.count == 1)
    #expect(lines.filter { $0 == "::endgroup::" }.count == 1)
    #expect(lines.last == "::endgroup::")
    let grouped = lines.drop { !$0.hasPrefix("::group::") }.dropFirst().dropLast()
    #expect(grouped.count >= 15)
    #expect(grouped.allSatisfy { $0.hasPrefix("- ") })
    #expect(OutputProperties.workflowCommands(
      result.stdout, allowedPrefixes: ["::error ", "::warning ", "::notice ", "::group::", "::endgroup::"]).isEmpty)
    let summary = try runPlumb(["check", ".", "--output", "github-summary"], in: directory, environment: Self.noCI)
    #expect(summary.stdout.contains("GitHub shows 10 annotations of each level per step"))
  }
}

/// A small JSON Schema validator: `type`, `required`, `properties`, `items`, `enum`, `const`,
/// `pattern` (anchored digits-and-separators patterns only, as the subset schema uses),
/// `minLength`, `maxLength`, `minItems` and `$ref` to `#/definitions/…`. Enough to check the
/// GitLab SAST report's required fields and values without a validator package.
enum SchemaSubset {
  static func validate(_ value: Any, schema: Any) -> [String] {
    var problems: [String] = []
    let root = schema as? [String: Any] ?? [:]
    check(value, root, root: root, at: "$", into: &problems)
    return problems
  }

  private static func check(_ value: Any, _ schema: [String: Any], root: [String: Any], at path: String, into problems: inout [String]) {
    if let ref = schema["$ref"] as? String, ref.hasPrefix("#/definitions/") {
      let name = String(ref.dropFirst("#/definitions/".count))
      let definition = (root["definitions"] as? [String: Any])?[name] as? [String: Any] ?? [:]
      check(value, definition, root: root, at: path, into: &problems)
      return
    }
    if let type = schema["type"] as? String, !isType(value, type) {
      problems.append("\(path): expected \(type)")
      return
    }
    if let options = schema["enum"] as? [String], !options.contains(value as? String ?? "\u{0}") {
      problems.append("\(path): not one of \(options)")
    }
    if let constant = schema["const"] as? String, (value as? String) != constant { problems.append("\(path): not \(constant)") }
    if let text = value as? String {
      if let minimum = schema["minLength"] as? Int, text.count < minimum { problems.append("\(path): shorter than \(minimum)") }
      if let maximum = schema["maxLength"] as? Int, text.count > maximum { problems.append("\(path): longer than \(maximum)") }
      if let pattern = schema["pattern"] as? String, text.range(of: pattern, options: .regularExpression) == nil {
        problems.append("\(path): does not match \(pattern)")
      }
    }
    if let object = value as? [String: Any] {
      for key in schema["required"] as? [String] ?? [] where object[key] == nil { problems.append("\(path): missing \(key)") }
      for (key, sub) in schema["properties"] as? [String: Any] ?? [:] {
        if let member = object[key], let sub = sub as? [String: Any] {
          check(member, sub, root: root, at: path + "." + key, into: &problems)
        }
      }
    }
    if let array = value as? [Any] {
      if let minimum = schema["minItems"] as? Int, array.count < minimum { problems.append("\(path): fewer than \(minimum) items") }
      if let items = schema["items"] as? [String: Any] {
        for (index, element) in array.enumerated() { check(element, items, root: root, at: "\(path)[\(index)]", into: &problems) }
      }
    }
  }

  private static func isType(_ value: Any, _ type: String) -> Bool {
    switch type {
    case "object": return value is [String: Any]
    case "array": return value is [Any]
    case "string": return value is String
    case "integer": return !(value is Bool) && (value as? Int) != nil
    case "boolean": return value is Bool
    default: return true
    }
  }
}

/// ``ReportLinks`` without the binary: which CI variables make a source link base.
@Suite struct ReportLinksTests {
  @Test func githubAndGitLabVariablesMakeABlobBase() {
    #expect(
      ReportLinks.sourceLinkBase(environment: [
        "GITHUB_SERVER_URL": "https://github.example.com/", "GITHUB_REPOSITORY": "acme/platform.git-x", "GITHUB_SHA": "0123abc",
      ]) == "https://github.example.com/acme/platform.git-x/blob/0123abc/")
    #expect(
      ReportLinks.sourceLinkBase(environment: ["GITHUB_REPOSITORY": "acme/platform", "GITHUB_SHA": "0123abc"])
        == "https://github.com/acme/platform/blob/0123abc/")
    #expect(
      ReportLinks.sourceLinkBase(environment: [
        "CI_PROJECT_URL": "https://gitlab.example.com/group/sub/project", "CI_COMMIT_SHA": String(repeating: "a", count: 40),
      ]) == "https://gitlab.example.com/group/sub/project/-/blob/\(String(repeating: "a", count: 40))/")
    #expect(ReportLinks.sourceLinkBase(environment: [:]) == nil)
  }

  @Test(arguments: [
    ("GITHUB_REPOSITORY", "acme"), ("GITHUB_REPOSITORY", "acme/plat/form"), ("GITHUB_REPOSITORY", "../x"),
    ("GITHUB_REPOSITORY", "acme/.."), ("GITHUB_REPOSITORY", "acme/p\u{200B}x"), ("GITHUB_REPOSITORY", "acme/p x"),
    ("GITHUB_SHA", "0123ab"), ("GITHUB_SHA", "0123abg"), ("GITHUB_SHA", String(repeating: "a", count: 65)),
    ("GITHUB_SERVER_URL", "javascript:alert(1)"), ("GITHUB_SERVER_URL", "JAVASCRIPT://x"), ("GITHUB_SERVER_URL", "https:///x"),
    ("GITHUB_SERVER_URL", "https://x\"y"), ("GITHUB_SERVER_URL", "https://x)y"), ("GITHUB_SERVER_URL", "https://x y"),
    ("GITHUB_SERVER_URL", "https://x\ny"), ("GITHUB_SERVER_URL", "https://x?q=1"), ("GITHUB_SERVER_URL", "https://x#f"),
    ("GITHUB_SERVER_URL", "ftp://x"), ("GITHUB_SERVER_URL", "https://é.example"),
  ])
  func aVariableThatIsNotWhatCISetsGivesNoLink(_ variable: (String, String)) {
    var environment = ["GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/platform", "GITHUB_SHA": "0123abc"]
    environment[variable.0] = variable.1
    #expect(ReportLinks.sourceLinkBase(environment: environment) == nil, "\(variable)")
  }

  @Test func flagsWinThenTheConfigurationThenTheEnvironment() {
    let environment = ["GITHUB_REPOSITORY": "acme/platform", "GITHUB_SHA": "0123abc"]
    let fromCI = ReportLinks.resolve(
      ruleDocsFlag: nil, sourceLinkFlag: nil, configuration: (nil, nil), environment: environment)
    #expect(fromCI.sourceLinkBase == "https://github.com/acme/platform/blob/0123abc/")
    #expect(fromCI.ruleDocsBase == ReportLinks.defaultRuleDocsBase)
    let configured = ReportLinks.resolve(
      ruleDocsFlag: nil, sourceLinkFlag: nil, configuration: ("https://d.example/r", "https://s.example/b/"),
      environment: environment)
    #expect(configured == ReportLinks(ruleDocsBase: "https://d.example/r", sourceLinkBase: "https://s.example/b/"))
    let flagged = ReportLinks.resolve(
      ruleDocsFlag: "", sourceLinkFlag: "", configuration: ("https://d.example/r", "https://s.example/b/"),
      environment: environment)
    #expect(flagged == ReportLinks(ruleDocsBase: "docs/rules", sourceLinkBase: nil))
  }
}

extension ReportLinksTests {
  @Test func emptyVariablesCountAsUnset() {
    #expect(
      ReportLinks.sourceLinkBase(environment: [
        "GITHUB_REPOSITORY": "", "GITHUB_SHA": "", "CI_PROJECT_URL": "https://gitlab.example.com/a/b", "CI_COMMIT_SHA": "89abcdef01",
      ]) == "https://gitlab.example.com/a/b/-/blob/89abcdef01/")
  }
}
