import Foundation
import Testing
import TestSupport

/// The Dependabot configuration (`.github/dependabot.yml`) as an input, end to end on the built
/// binary: its rules against zizmor's labelled data and a real repository's file, its fixes, and
/// what GitHub would reject reported with file:line:column.
@Suite struct DependabotTests {
  static let zizmorData = SharedData.corpus("pipelines/github/zizmor")
  static let warehouse = SharedData.corpus("pipelines/github/realworld/pypi__warehouse@9ed30d191788")

  /// A repository holding `.github/dependabot.yml` with `text`.
  func repository(_ text: String, name: String = "dependabot.yml") throws -> URL {
    let root = try temporaryDirectory()
    let github = root.appendingPathComponent(".github")
    try FileManager.default.createDirectory(at: github, withIntermediateDirectories: true)
    try text.write(to: github.appendingPathComponent(name), atomically: true, encoding: .utf8)
    return root
  }

  /// (rule, path, line) of each finding of a JSON report.
  func findings(_ stdout: String) throws -> [(rule: String, path: String, line: Int, message: String)] {
    let report = try #require(JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
    let findings = try #require(report["findings"] as? [[String: Any]])
    return findings.compactMap { finding in
      guard let rule = finding["ruleId"] as? String, let location = finding["location"] as? [String: Any],
        let start = location["start"] as? [String: Any], let line = start["line"] as? Int
      else { return nil }
      return (rule, location["path"] as? String ?? "", line, finding["message"] as? String ?? "")
    }
  }

  /// zizmor's expected findings for its Dependabot audits: the input, and the lines of the findings.
  static func zizmorCases() throws -> [(input: String, audit: String, lines: [Int])] {
    var cases: [(String, String, [Int])] = []
    for audit in ["dependabot_cooldown", "dependabot_execution"] {
      let data = try Data(contentsOf: zizmorData.appendingPathComponent("expected/\(audit).json"))
      let tests = try #require(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
      for test in tests {
        // Only plain runs of one input with default settings (no configuration file, no --fix).
        guard let inputs = test["inputs"] as? [String], inputs.count == 1,
          (test["args"] as? [String] ?? []).filter({ $0 != "--pedantic" }).isEmpty, test["config"] == nil,
          (test["runner_options"] as? [String] ?? []).isEmpty, let output = test["expected_output"] as? String
        else { continue }
        let lines = output.split(separator: "\n").compactMap { line -> Int? in
          guard let range = line.range(of: "@@INPUT@@:") else { return nil }
          return Int(line[range.upperBound...].split(separator: ":").first ?? "")
        }
        cases.append((inputs[0], audit, lines))
      }
    }
    return cases
  }

  @Test(
    "zizmor's labelled Dependabot cases: the same findings on the same lines, none more",
    .requires(sharedData: zizmorData))
  func zizmorLabelledData() throws {
    let cases = try Self.zizmorCases()
    #expect(cases.count >= 6, "the labelled data has at least six single-input cases")
    let ruleFor = [
      "dependabot_cooldown": "dependabot_cooldown",
      "dependabot_execution": "dependabot_insecure_external_code_execution",
    ]
    for labelled in cases {
      let input = Self.zizmorData.appendingPathComponent("test-data/" + labelled.input)
      let result = try runPlumb(["check", "--output", "json", "--fail-on", "never", input.path])
      #expect(result.status == 0, "\(labelled.input): \(result.stderr)")
      let found = try findings(result.stdout).filter { $0.rule.hasPrefix("dependabot_") }
      #expect(found.map(\.rule).allSatisfy { $0 == ruleFor[labelled.audit] }, "\(labelled.input): \(found)")
      #expect(found.map(\.line).sorted() == labelled.lines.sorted(), "\(labelled.input): \(found)")
    }
  }

  @Test(
    "pypi/warehouse's dependabot.yml: zizmor's three cooldown findings, on its lines",
    .requires(sharedData: warehouse))
  func realRepository() throws {
    let snapshot = try String(contentsOf: Self.warehouse.appendingPathComponent("zizmor-crater.snap"), encoding: .utf8)
    var expected: [Int] = []
    var inCooldown = false
    for line in snapshot.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.contains("[dependabot-") { inCooldown = line.contains("[dependabot-cooldown]") }
      if inCooldown, let range = line.range(of: "--> .github/dependabot.yml:") {
        expected.append(Int(line[range.upperBound...].split(separator: ":").first ?? "") ?? -1)
        inCooldown = false
      }
    }
    #expect(expected.count == 3)
    let result = try runPlumb(["check", "--output", "json", "--fail-on", "never", Self.warehouse.path])
    let found = try findings(result.stdout).filter { $0.rule.hasPrefix("dependabot_") }
    #expect(found.allSatisfy { $0.rule == "dependabot_cooldown" && $0.path == ".github/dependabot.yml" }, "\(found)")
    #expect(found.map(\.line).sorted() == expected.sorted(), "\(found)")
  }

  @Test func fixesAddRaiseAndDenyKeepingTheRestOfTheFile() throws {
    let original = """
      # Dependabot, kept by the platform team
      version: 2
      updates:
        - package-ecosystem: pip  # Python
          directory: /
          schedule:
            interval: daily
          insecure-external-code-execution: allow
        - package-ecosystem: npm
          directory: /web
          cooldown: {}
          schedule: {interval: weekly}
        - package-ecosystem: "docker"
          directory: /
          cooldown:
            default-days: 2   # too short
          schedule:
            interval: weekly

      """.replacingOccurrences(of: "\n", with: "\r\n")
    let root = try repository(original)
    defer { try? FileManager.default.removeItem(at: root) }
    let safe = try runPlumb(["fix", "--write", "."], in: root)
    #expect(safe.status == 0, "\(safe.stdout)\(safe.stderr)")
    let file = root.appendingPathComponent(".github/dependabot.yml")
    let afterSafe = try String(contentsOf: file, encoding: .utf8)
    #expect(afterSafe.contains("    cooldown:\r\n      default-days: 7\r\n"), "\(afterSafe)")
    #expect(afterSafe.contains("cooldown: {default-days: 7}"), "\(afterSafe)")
    #expect(afterSafe.contains("default-days: 7   # too short"), "\(afterSafe)")
    #expect(afterSafe.contains("insecure-external-code-execution: allow"), "deny is an unsafe fix: \(afterSafe)")
    #expect(afterSafe.hasPrefix("# Dependabot, kept by the platform team\r\n"))
    #expect(!afterSafe.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "line endings stay CRLF")

    let unsafe = try runPlumb(["fix", "--write", "--unsafe", "."], in: root)
    #expect(unsafe.status == 0, "\(unsafe.stdout)\(unsafe.stderr)")
    let fixed = try String(contentsOf: file, encoding: .utf8)
    #expect(fixed.contains("insecure-external-code-execution: deny\r\n"), "\(fixed)")
    let check = try runPlumb(["check", "--output", "json", "--fail-on", "never", "."], in: root)
    #expect(try findings(check.stdout).filter { $0.rule.hasPrefix("dependabot_") }.isEmpty, "\(check.stdout)")
    let again = try runPlumb(["fix", "--write", "--unsafe", "."], in: root)
    #expect(again.status == 0)
    #expect(try String(contentsOf: file, encoding: .utf8) == fixed, "a second run changes nothing")
  }

  @Test func registriesWithLiteralCredentialsOrPlainHTTPAreFound() throws {
    let root = try repository(
      """
      version: 2
      registries:
        npm-private:
          type: npm-registry
          url: http://npm.example.com
          token: tok_0123456789abcdef
        maven:
          type: maven-repository
          url: https://maven.example.com
          username: ci
          password: ${{secrets.MAVEN_PASSWORD}}
      updates:
        - package-ecosystem: npm
          directory: /
          schedule: {interval: daily}
          registries: "*"
          cooldown: {default-days: 7}

      """)
    defer { try? FileManager.default.removeItem(at: root) }
    let result = try runPlumb(["check", "--output", "json", "--fail-on", "never", "."], in: root)
    let found = try findings(result.stdout).filter { $0.rule.hasPrefix("dependabot_") }
    #expect(
      found.map { "\($0.rule):\($0.line)" }.sorted()
        == ["dependabot_registry_hardcoded_credential:6", "dependabot_registry_insecure_url:5"], "\(found)")
  }

  @Test func whatGitHubWouldRejectIsAnErrorWithItsPlaceAndText() throws {
    let root = try repository(
      """
      version: 3
      registries:
        one: {type: npm-registry, url: "https://x.example"}
      updates:
        - package-ecosystem: "pi\\e[31mp\\u0301\\u202E"
          directory: /
          schedule: {interval: hourly}
          cooldown: {default-days: 0, semver-major-days: "ninety"}
          registries: [one, missing]
          insecure-external-code-execution: sometimes
        - just a string
        - package-ecosystem: npm

      """)
    defer { try? FileManager.default.removeItem(at: root) }
    let result = try runPlumb(["check", "--color", "never", "."], in: root)
    #expect(result.status == 2, "input errors fail the run: \(result.stdout)\(result.stderr)")
    let text = result.stdout + result.stderr
    for expected in [
      ".github/dependabot.yml:1:10: error: Dependabot reads only 'version: 2', not '3'",
      ".github/dependabot.yml:7:26: error: 'schedule.interval' is one of",
      ".github/dependabot.yml:8:30: error: 'default-days' is a whole number of days from 1 to 90, not '0'",
      "error: 'semver-major-days' is a whole number of days from 1 to 90, not '\"ninety\"'",
      ".github/dependabot.yml:9:23: error: registry 'missing' is not defined in the top-level 'registries'",
      ".github/dependabot.yml:10:39: error: 'insecure-external-code-execution' is 'allow' or 'deny', not 'sometimes'",
      ".github/dependabot.yml:11:5: error: each entry of 'updates' must be a mapping",
      "error: the update entry has neither 'directory' nor 'directories'",
      "error: the update entry has no 'schedule'",
    ] {
      #expect(text.contains(expected), "missing: \(expected)\n\(text)")
    }
    #expect(text.contains("package ecosystem 'pi"), "\(text)")
    #expect(!text.contains("\u{1B}[31m"), "an escape sequence from the input never reaches the terminal")
    #expect(!text.contains("\u{202E}"), "nor a bidirectional override")
  }

  @Test func emptyOrShapelessFilesAreReportedNotSkipped() throws {
    for (content, code) in [
      ("", "github.empty-dependabot"), ("# nothing yet\n", "github.empty-dependabot"),
      ("- updates\n", "github.invalid-dependabot"), ("version: 2\n", "github.dependabot-missing-updates"),
      ("version: 2\nupdates: {pip: 1}\n", "github.dependabot-invalid-updates"),
    ] {
      let root = try repository(content)
      defer { try? FileManager.default.removeItem(at: root) }
      let result = try runPlumb(["check", "--color", "never", "."], in: root)
      #expect(result.status == 2, "\(content.debugDescription): \(result.stdout)\(result.stderr)")
      #expect((result.stdout + result.stderr).contains(code), "\(content.debugDescription): \(result.stdout)")
    }
  }

  @Test func registryLinksAreBoundedNotMultiplied() throws {
    // 400 registries and 400 entries naming all of them: 160,000 links, past the bound.
    var text = "version: 2\nregistries:\n"
    for index in 0..<400 { text += "  r\(index): {type: npm-registry, url: \"https://r\(index).example\"}\n" }
    text += "updates:\n"
    for index in 0..<400 {
      text += "  - {package-ecosystem: npm, directory: /d\(index), schedule: {interval: daily}, "
      text += "registries: \"*\", cooldown: {default-days: 7}}\n"
    }
    let root = try repository(text)
    defer { try? FileManager.default.removeItem(at: root) }
    let result = try runPlumb(["check", "--color", "never", "--fail-on", "never", "."], in: root)
    let output = result.stdout + result.stderr
    #expect(result.status == 2, "too many links is an input error, not a pass: \(output.suffix(2000))")
    let reported = output.components(separatedBy: "dependabot-too-many-registry-links").count - 1
    #expect(reported == 1, "reported once, not per entry (\(reported))")
  }

  @Test func onlyDependabotsOwnFileIsReadAsItsConfiguration() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let workflows = root.appendingPathComponent(".github/workflows")
    try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
    // A workflow named dependabot.yml stays a workflow.
    try """
      on: pull_request_target
      permissions: {}
      jobs:
        automerge:
          runs-on: ubuntu-24.04
          steps:
            - run: echo merge

      """.write(to: workflows.appendingPathComponent("dependabot.yml"), atomically: true, encoding: .utf8)
    // A dependabot.yml elsewhere with `updates` is read as one; `.github/dependabot.yaml` too.
    let docs = root.appendingPathComponent("docs/examples")
    try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
    try "version: 2\nupdates:\n  - {package-ecosystem: pip, directory: /, schedule: {interval: daily}}\n"
      .write(to: docs.appendingPathComponent("dependabot.yml"), atomically: true, encoding: .utf8)
    try "version: 2\nupdates:\n  - {package-ecosystem: npm, directory: /, schedule: {interval: daily}}\n"
      .write(to: root.appendingPathComponent(".github/dependabot.yaml"), atomically: true, encoding: .utf8)
    let result = try runPlumb(["check", "--output", "json", "--fail-on", "never", "."], in: root)
    let found = try findings(result.stdout)
    #expect(
      Set(found.filter { $0.rule == "dependabot_cooldown" }.map(\.path))
        == [".github/dependabot.yaml", "docs/examples/dependabot.yml"], "\(found)")
    #expect(found.contains { $0.path == ".github/workflows/dependabot.yml" && !$0.rule.hasPrefix("dependabot_") })
  }
}
