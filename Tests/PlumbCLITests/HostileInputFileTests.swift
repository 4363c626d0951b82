import BenchmarkSupport
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The built binary on hostile files, each run bounded in time and memory: whoever opens a pull
/// request writes the repository Plumb reads. Nothing that cannot be read vanishes (it is an input
/// error), only regular files are read (a FIFO, socket or device is refused without blocking), and
/// nothing outside the root is read through a walked symbolic link (its content never reaches an
/// output). See docs/exit-codes.md and docs/inputs/README.md.
@Suite struct HostileInputFileTests {
  /// A valid catalog: with it alone, `check --fail-on never` exits 0, so any other status comes
  /// from the hostile file.
  static let catalog = """
    apiVersion: backstage.io/v1alpha1
    kind: Group
    metadata:
      name: team-a
      description: The A team
    spec:
      type: team
      children: []

    """

  /// A fresh repository (its real path) with `catalog-info.yaml` and `files`.
  static func repository(_ files: [String: String] = [:]) throws -> URL {
    let url = try temporaryDirectory()
    let root = URL(fileURLWithPath: URL(fileURLWithPath: url.path).resolvingSymlinksInPath().path)
    for (path, text) in files.merging(["catalog-info.yaml": catalog], uniquingKeysWith: { a, _ in a }) {
      let file = root.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: file)
    }
    return root
  }

  /// Runs `plumb` in `directory` within 30 seconds, behind `prefix` (e.g. `setpriv`).
  static func plumb(_ arguments: [String], in directory: URL, prefix: [String] = []) throws -> BoundedResult {
    try runBounded(
      prefix + [plumbExecutable().path] + arguments,
      options: BoundedRunOptions(timeoutSeconds: 30, addressSpaceMiB: 4096, directory: directory.path))
  }

  /// The text summary's `files` line, without its label.
  static func filesLine(_ text: String) -> String? {
    text.split(separator: "\n").first { $0.hasPrefix("  files ") }.map {
      String($0.dropFirst("  files".count).drop { $0 == " " })
    }
  }

  /// Checks that a run ended in time with `status`, and that its output names `code` and `text`.
  static func expect(
    _ result: BoundedResult, status: Int32, code: String, text: String? = nil,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) {
    let output = result.stdout + result.stderr
    #expect(!result.timedOut, "timed out", sourceLocation: sourceLocation)
    #expect(result.status == status, "status \(result.status)\n\(output)", sourceLocation: sourceLocation)
    #expect(output.contains("[\(code)]"), "no [\(code)] in\n\(output)", sourceLocation: sourceLocation)
    if let text { #expect(output.contains(text), "no '\(text)' in\n\(output)", sourceLocation: sourceLocation) }
  }

  @Test func theRepositoryAloneIsClean() throws {
    let root = try Self.repository()
    defer { try? FileManager.default.removeItem(at: root) }
    let result = try Self.plumb(["check", "--fail-on", "never", "."], in: root)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(Self.filesLine(result.stdout) == "1 checked, 0 skipped")
  }

  // MARK: Inputs that cannot be read never vanish

  @Test(.enabled(if: withoutReadOverride != nil, "running as root without setpriv: chmod 000 does not stop root"))
  func anUnreadableDirectoryOrFileIsAnInputError() throws {
    let root = try Self.repository(["locked/a.yaml": Self.catalog, "secret.yaml": Self.catalog])
    defer {
      chmod(root.appendingPathComponent("locked").path, 0o755)
      try? FileManager.default.removeItem(at: root)
    }
    chmod(root.appendingPathComponent("locked").path, 0)
    chmod(root.appendingPathComponent("secret.yaml").path, 0)
    let prefix = withoutReadOverride ?? []
    let result = try Self.plumb(["check", "--fail-on", "never", "--color", "never", "."], in: root, prefix: prefix)
    Self.expect(result, status: 2, code: "io.unreadable", text: "cannot read directory 'locked': Permission denied")
    #expect(result.stdout.contains("secret.yaml:1:1: error: cannot read 'secret.yaml': Permission denied"))
    #expect(Self.filesLine(result.stdout) == "1 checked, 0 skipped, 2 failed")
  }

  @Test func aDanglingSymbolicLinkIsAnInputError() throws {
    let root = try Self.repository()
    defer { try? FileManager.default.removeItem(at: root) }
    try makeSymlink(at: root.appendingPathComponent("gone.yaml").path, to: "deleted/catalog.yaml")
    let result = try Self.plumb(["check", "--fail-on", "never", "."], in: root)
    Self.expect(
      result, status: 2, code: "io.unreadable",
      text: "cannot read 'gone.yaml': No such file or directory (it is a symbolic link to 'deleted/catalog.yaml', which does not exist)")
  }

  @Test func aSymbolicLinkLoopIsAnInputError() throws {
    let root = try Self.repository()
    defer { try? FileManager.default.removeItem(at: root) }
    try makeSymlink(at: root.appendingPathComponent("a.yaml").path, to: "b.yaml")
    try makeSymlink(at: root.appendingPathComponent("b.yaml").path, to: "a.yaml")
    let result = try Self.plumb(["check", "--fail-on", "never", "."], in: root)
    Self.expect(result, status: 2, code: "io.unreadable", text: "Too many levels of symbolic links (a symbolic link loop)")
  }

  @Test(arguments: [
    "{\"terraform_version\": \"1.9.0\", \"resource_changes\": []}",
    "{\"formatVersion\": \"1.2\", \"resource_changes\": []}",
    "{\"format_verison\": \"1.2\", \"terraform_version\": \"1.9.0\", \"configuration\": {}}",
    "{\"format_version\": \"1.2\", \"resource_change\": []}",
  ])
  func aPlanWithoutAValidFormatVersionIsAnInputError(_ plan: String) throws {
    let root = try Self.repository(["infra/plan.json": plan])
    defer { try? FileManager.default.removeItem(at: root) }
    let result = try Self.plumb(["check", "--fail-on", "never", "--output", "text", "--output", "json=report.json", "."], in: root)
    Self.expect(result, status: 2, code: "ingest.near-miss", text: "looks like a Terraform plan")
    #expect(Self.filesLine(result.stdout) == "1 checked, 0 skipped, 1 failed")
    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("report.json"))) as? [String: Any]
    let files = (report?["summary"] as? [String: Any])?["files"] as? [String: Any]
    #expect(files?["checked"] as? Int == 1 && files?["skipped"] as? Int == 0 && files?["failed"] as? Int == 1)
  }

  @Test func theSummaryCountsSkippedFilesByReason() throws {
    let root = try Self.repository(["values.yaml": "replicas: 2\n", "empty.yaml": "# nothing yet\n", "docs/x.json": "[1, 2]\n"])
    defer { try? FileManager.default.removeItem(at: root) }
    try makeSymlink(at: root.appendingPathComponent("again").path, to: ".")
    let result = try Self.plumb(["check", "--fail-on", "never", "--output", "text", "--output", "json=report.json", "."], in: root)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(
      Self.filesLine(result.stdout) == "1 checked, 4 skipped (1 empty, 1 symbolic link to a directory, 2 not a known format)",
      "\(result.stdout)")
    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("report.json"))) as? [String: Any]
    let files = (report?["summary"] as? [String: Any])?["files"] as? [String: Any]
    #expect(files?["skipped"] as? Int == 4 && files?["failed"] as? Int == 0)
    #expect(
      files?["skippedBy"] as? [String: Int] == ["empty": 1, "unknown-format": 2, "symlinked-directory": 1])
    let listed = (report?["files"] as? [[String: Any]])?.map { "\($0["path"] ?? ""):\($0["status"] ?? ""):\($0["skipReason"] ?? "-")" }
    #expect(
      listed == [
        "again:skipped:symlinked-directory", "catalog-info.yaml:checked:<null>", "docs/x.json:skipped:unknown-format",
        "empty.yaml:skipped:empty", "values.yaml:skipped:unknown-format",
      ])
  }

  // MARK: Only regular files are read

  /// Where a hostile file can be put, how `plumb` is run to reach it, and the status it must end
  /// with.
  enum Role: String, CaseIterable, CustomStringConvertible {
    case walkedInput, namedInput, locationTarget, gitlabInclude, walkedRuleFile, namedRuleFile
    case configuration, defaultWaivers, namedWaivers, baseline

    var description: String { rawValue }

    /// The file's path in the repository.
    var path: String {
      switch self {
      case .walkedInput: "x.yaml"
      case .namedInput: "named.yaml"
      case .locationTarget: "target.yaml"
      case .gitlabInclude: "ci/build.yml"
      case .walkedRuleFile: "policy/x.plumb"
      case .namedRuleFile: "named.plumb"
      case .configuration: ".plumb.yaml"
      case .defaultWaivers: ".plumb-waivers.yaml"
      case .namedWaivers: "waivers.yaml"
      case .baseline: "baseline.json"
      }
    }

    /// Files the role needs besides the hostile one.
    var files: [String: String] {
      switch self {
      case .locationTarget:
        [
          "all.yaml":
            "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: all\nspec:\n  targets: [./target.yaml]\n"
        ]
      case .gitlabInclude: [".gitlab-ci.yml": "include:\n  - local: /ci/build.yml\ntest:\n  script: [make test]\n"]
      default: [:]
      }
    }

    var arguments: [String] {
      switch self {
      case .namedInput: ["check", "--fail-on", "never", "catalog-info.yaml", "named.yaml"]
      case .walkedRuleFile: ["check", "--fail-on", "never", "--rules", "policy", "."]
      case .namedRuleFile: ["check", "--fail-on", "never", "--rules", "named.plumb", "."]
      case .namedWaivers: ["check", "--fail-on", "never", "--waivers", "waivers.yaml", "."]
      case .baseline: ["check", "--fail-on", "never", "--baseline", "baseline.json", "."]
      default: ["check", "--fail-on", "never", "."]
      }
    }

    /// 2 for inputs and the baseline, 3 for rules, configuration and waivers (docs/exit-codes.md).
    var status: Int32 {
      switch self {
      case .walkedRuleFile, .namedRuleFile, .configuration, .defaultWaivers, .namedWaivers: 3
      default: 2
      }
    }

    /// Whether the user named the file (read wherever it is: a link to `/dev/zero` is refused as
    /// a device) or the repository did (a link out of the root is refused as such).
    var isNamed: Bool { [.namedInput, .namedRuleFile, .namedWaivers, .baseline].contains(self) }
  }

  static let roles: [(Role, SpecialFile)] = Role.allCases.flatMap { role in SpecialFile.allCases.map { (role, $0) } }

  @Test(arguments: roles)
  func aFileThatIsNotRegularIsRefusedInEveryRole(_ role: Role, _ kind: SpecialFile) throws {
    let root = try Self.repository(role.files)
    defer { try? FileManager.default.removeItem(at: root) }
    let path = root.appendingPathComponent(role.path).path
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try kind.make(at: path)
    let result = try Self.plumb(role.arguments, in: root)
    // A link to /dev/zero the repository wrote leads out of the root: refused as such, by the
    // reference's own check where there is one. A baseline's reason is part of its own message.
    let outside = kind == .device && !role.isNamed
    let code =
      switch (role, outside) {
      case (.baseline, _): "baseline.unreadable"
      case (.locationTarget, true): "catalog.target-outside-root"
      case (.gitlabInclude, true): "gitlab.include-outside-root"
      case (_, true): "io.outside-root"
      case (_, false): "io.not-regular-file"
      }
    Self.expect(result, status: role.status, code: code, text: outside ? "outside the" : "not a regular file")
  }

  // MARK: Nothing outside the root through a walked symbolic link

  static let secret = "aws_secret_access_key: [wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

  /// A directory outside the repository holding a credentials file that is not valid YAML (so a
  /// reader that opened it would show its line in an error snippet).
  static func outsideDirectory() throws -> URL {
    let outside = try repository()
    try Data((secret + "\n").utf8).write(to: outside.appendingPathComponent("credentials.yaml"))
    return outside
  }

  /// Runs `body` on a repository where `creds.yaml` links to the credentials file outside it (and
  /// `shared/` to the directory holding it), then removes both.
  static func withLinkedSecret(_ body: (URL) throws -> Void) throws {
    let outside = try outsideDirectory()
    let root = try repository()
    defer {
      try? FileManager.default.removeItem(at: root)
      try? FileManager.default.removeItem(at: outside)
    }
    try makeSymlink(at: root.appendingPathComponent("creds.yaml").path, to: outside.path + "/credentials.yaml")
    try makeSymlink(at: root.appendingPathComponent("shared").path, to: outside.path)
    try body(root)
  }

  /// Checks that a run on a planted link ended with 2, named the refusal and showed no secret.
  static func expectRefusedSecret(_ result: BoundedResult, _ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let output = result.stdout + result.stderr
    #expect(!result.timedOut, "\(what) timed out", sourceLocation: sourceLocation)
    #expect(result.status == 2, "\(what): \(output)", sourceLocation: sourceLocation)
    #expect(output.contains("io.outside-root"), "\(what): \(output)", sourceLocation: sourceLocation)
    #expect(!output.contains("wJalrXUtnFEMI"), "\(what): the secret was shown", sourceLocation: sourceLocation)
  }

  @Test(arguments: ["text", "json", "sarif", "github", "gitlab", "junit", "markdown", "github-summary"])
  func aWalkedLinkToASecretOutsideTheRootIsRefusedAndNeverShown(_ format: String) throws {
    try Self.withLinkedSecret { root in
      Self.expectRefusedSecret(try Self.plumb(["check", "--fail-on", "never", "--output", format, "."], in: root), format)
    }
  }

  @Test func parseAndGraphRefuseTheLinkToo() throws {
    try Self.withLinkedSecret { root in
      for command in [["parse", "."], ["parse", "--format", "json", "."], ["graph", "."], ["graph", "--format", "json", "."]] {
        Self.expectRefusedSecret(try Self.plumb(command, in: root), command.joined(separator: " "))
      }
    }
  }

  @Test func repositoryFilesThatPointOutOfTheRootAreRefused() throws {
    let outside = try Self.outsideDirectory()
    try Data("rule leak {\n  title \"x\"\n".utf8).write(to: outside.appendingPathComponent("leak.plumb"))
    defer { try? FileManager.default.removeItem(at: outside) }
    let cases: [(String, [String: String], (URL) throws -> Void, Int32, String)] = [
      (".plumb.yaml", [:], { try makeSymlink(at: $0.appendingPathComponent(".plumb.yaml").path, to: outside.path + "/credentials.yaml") }, 3, "io.outside-root"),
      (".plumb-waivers.yaml", [:], { try makeSymlink(at: $0.appendingPathComponent(".plumb-waivers.yaml").path, to: outside.path + "/credentials.yaml") }, 3, "io.outside-root"),
      ("rules: outside", [".plumb.yaml": "rules: [\(outside.path)]\n"], { _ in }, 3, "config.outside-root"),
      ("rules: ../", [".plumb.yaml": "rules: [../\(outside.lastPathComponent)]\n"], { _ in }, 3, "config.outside-root"),
      ("rule file link", [".plumb.yaml": "rules: [policy]\n"], {
        try FileManager.default.createDirectory(at: $0.appendingPathComponent("policy"), withIntermediateDirectories: true)
        try makeSymlink(at: $0.appendingPathComponent("policy/leak.plumb").path, to: outside.path + "/leak.plumb")
      }, 3, "io.outside-root"),
    ]
    for (name, files, setUp, status, code) in cases {
      let root = try Self.repository(files)
      defer { try? FileManager.default.removeItem(at: root) }
      try setUp(root)
      let result = try Self.plumb(["check", "--fail-on", "never", "."], in: root)
      let output = result.stdout + result.stderr
      #expect(!result.timedOut, "\(name)")
      #expect(result.status == status, "\(name): \(output)")
      #expect(output.contains("[\(code)]"), "\(name): \(output)")
      #expect(!output.contains("wJalrXUtnFEMI") && !output.contains("rule leak"), "\(name): outside content was shown")
    }
  }

  @Test func aFileTheUserNamesIsReadWhereverItIs() throws {
    let outside = try Self.repository()
    let root = try Self.repository()
    defer {
      try? FileManager.default.removeItem(at: root)
      try? FileManager.default.removeItem(at: outside)
    }
    try Data(Self.catalog.replacingOccurrences(of: "team-a", with: "team-b").utf8)
      .write(to: outside.appendingPathComponent("catalog-info.yaml"))
    let result = try Self.plumb(
      ["check", "--fail-on", "never", "--root", ".", "catalog-info.yaml", outside.path + "/catalog-info.yaml"], in: root)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(Self.filesLine(result.stdout) == "2 checked, 0 skipped")
  }

  // MARK: plumb fix

  @Test func fixRefusesATerraformFileThatIsAFIFO() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    try FileManager.default.removeItem(at: root)
    try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("fixtures/fixes/terraform/modules/before"), to: root)
    try SpecialFile.fifo.make(at: root.appendingPathComponent("modules/storage/extra.tf").path)
    let result = try Self.plumb(["fix", "--diff", "--unsafe", "."], in: root)
    #expect(!result.timedOut)
    #expect(
      result.stderr.contains("cannot read modules/storage/extra.tf: it is a FIFO (named pipe), not a regular file"),
      "\(result.stderr)")
    #expect(!result.stdout.contains("modules/storage/main.tf"))
  }

  @Test func fixRefusesATerraformModuleOutsideTheRoot() throws {
    let fixture = packageRoot.appendingPathComponent("fixtures/fixes/terraform/modules/before")
    let parent = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: parent) }
    let root = parent.appendingPathComponent("repo")
    let outside = parent.appendingPathComponent("vendored")
    try FileManager.default.copyItem(at: fixture, to: root)
    try FileManager.default.moveItem(at: root.appendingPathComponent("modules/storage"), to: outside)
    for file in ["plan.json", "main.tf"] {
      let url = root.appendingPathComponent(file)
      let text = try String(contentsOf: url, encoding: .utf8)
      try Data(text.replacingOccurrences(of: "./modules/storage", with: "../vendored").utf8).write(to: url)
    }
    let before = try String(contentsOf: outside.appendingPathComponent("main.tf"), encoding: .utf8)
    let result = try Self.plumb(["fix", "--diff", "--unsafe", "repo"], in: parent)
    #expect(!result.timedOut)
    #expect(!result.stdout.contains("vendored"), "the diff edits the module outside the root:\n\(result.stdout)")
    #expect(
      result.stderr.contains("module 'storage' comes from '../vendored', which resolves to '\(outside.path)', outside the root"),
      "\(result.stderr)")
    // The fixes inside the root are still made.
    #expect(result.stdout.contains("+++ b/main.tf"))
    #expect(try String(contentsOf: outside.appendingPathComponent("main.tf"), encoding: .utf8) == before)
  }
}
