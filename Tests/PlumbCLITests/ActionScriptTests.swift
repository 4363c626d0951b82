import Foundation
import Testing
import TestSupport

/// The GitHub Action's scripts (`scripts/action/install.sh`, `check.sh`, run by `action.yml`) in a
/// simulated runner environment (`RUNNER_*`, `GITHUB_*`), against archives served from a loopback
/// HTTP server.
///
/// The archive installed is a small stand-in (a script named `plumb`), not the release build
/// (which takes many minutes to build): what is tested is the download, the checksum, the
/// architecture mapping and the PATH. `check.sh` then runs the real built binary.
@Suite(.serialized) struct ActionScriptTests {
  struct Run {
    var status: Int32
    var output: String
  }

  func bash(_ script: String, environment: [String: String], in directory: URL) throws -> Run {
    var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": directory.path]
    for (key, value) in environment { env[key] = value }
    let (status, output) = try execute(
      "/bin/bash", [packageRoot.appendingPathComponent(script).path], in: directory, environment: env)
    return Run(status: status, output: output)
  }

  /// A release-like archive holding a stand-in `plumb`, and its sha256.
  func fakeArchive(in directory: URL) throws -> (bytes: [UInt8], sha256: String) {
    let staging = directory.appendingPathComponent("staging")
    try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
    try "#!/bin/sh\necho \"stand-in plumb $*\"\n".write(
      to: staging.appendingPathComponent("plumb"), atomically: true, encoding: .utf8)
    let archive = directory.appendingPathComponent("plumb-linux-x86_64.tar.gz")
    let tar = Process()
    tar.executableURL = URL(fileURLWithPath: "/bin/tar")
    tar.arguments = ["-czf", archive.path, "-C", staging.path, "plumb"]
    try tar.run()
    tar.waitUntilExit()
    let bytes = [UInt8](try Data(contentsOf: archive))
    let sum = Process()
    sum.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    sum.arguments = [archive.path]
    let pipe = Pipe()
    sum.standardOutput = pipe
    try sum.run()
    let line = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    sum.waitUntilExit()
    return (bytes, String(line.prefix(64)))
  }

  func runner(_ directory: URL, _ extra: [String: String]) -> [String: String] {
    var env = [
      "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64", "RUNNER_TEMP": directory.path,
      "GITHUB_PATH": directory.appendingPathComponent("github_path").path, "GITHUB_SERVER_URL": "https://github.com",
      "PLUMB_VERSION": "0.1.0",
    ]
    for (key, value) in extra { env[key] = value }
    return env
  }

  @Test func installDownloadsVerifiesAndPutsPlumbOnThePath() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let (bytes, sha256) = try fakeArchive(in: directory)
    let server = try LoopbackHTTPServer { request in
      switch request.path {
      case "/v0.1.0/plumb-linux-x86_64.tar.gz": return .init(status: 200, body: bytes)
      case "/v0.1.0/plumb-linux-x86_64.tar.gz.sha256":
        return .init(status: 200, body: Array("\(sha256)  plumb-linux-x86_64.tar.gz\n".utf8))
      default: return .init(status: 404)
      }
    }
    defer { server.shutdown() }
    let base = server.baseURL + "/v0.1.0"

    // The published checksum.
    let published = try bash(
      "scripts/action/install.sh", environment: runner(directory, ["PLUMB_DOWNLOAD_URL": base]), in: directory)
    #expect(published.status == 0, "\(published.output)")
    let path = try String(contentsOf: directory.appendingPathComponent("github_path"), encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let installed = URL(fileURLWithPath: path).appendingPathComponent("plumb")
    #expect(FileManager.default.isExecutableFile(atPath: installed.path))
    #expect(published.output.contains("sha256 \(sha256)"))

    // A pinned digest that matches; one that does not: nothing is installed.
    let pinned = try bash(
      "scripts/action/install.sh",
      environment: runner(directory, ["PLUMB_DOWNLOAD_URL": base, "PLUMB_SHA256": sha256]), in: directory)
    #expect(pinned.status == 0, "\(pinned.output)")
    try FileManager.default.removeItem(at: directory.appendingPathComponent("github_path"))
    let wrong = try bash(
      "scripts/action/install.sh",
      environment: runner(directory, ["PLUMB_DOWNLOAD_URL": base, "PLUMB_SHA256": String(repeating: "0", count: 64)]),
      in: directory)
    #expect(wrong.status != 0)
    #expect(wrong.output.contains("::error title=Plumb install::"))
    #expect(wrong.output.contains("not installed"))
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("github_path").path))
  }

  @Test func installRefusesWhatItCannotTrust() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let server = try LoopbackHTTPServer { _ in .init(status: 404) }
    defer { server.shutdown() }
    let cases: [([String: String], String)] = [
      (["RUNNER_ARCH": "X86"], "architecture"),
      (["RUNNER_OS": "Windows"], "Linux runners only"),
      (["PLUMB_VERSION": "1.0; rm -rf /"], "version"),
      (["PLUMB_DOWNLOAD_URL": "http://example.com/plumb"], "https"),
      (["PLUMB_DOWNLOAD_URL": server.baseURL], "cannot download"),
      (["PLUMB_ACTION_REPOSITORY": "a/b/../../c", "PLUMB_DOWNLOAD_URL": ""], "repository"),
    ]
    for (extra, message) in cases {
      let run = try bash("scripts/action/install.sh", environment: runner(directory, extra), in: directory)
      #expect(run.status != 0, "\(extra)")
      #expect(run.output.contains(message), "\(extra): \(run.output)")
    }
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("github_path").path))
  }

  @Test func checkRunsPlumbWithTheInputsAsArgumentsNeverAsCode() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let bin = directory.appendingPathComponent("bin")
    try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
    try makeSymlink(at: bin.appendingPathComponent("plumb").path, to: plumbExecutable().path)
    let repository = directory.appendingPathComponent("repository")
    try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
    let fixtures = packageRoot.appendingPathComponent("fixtures/platform")
    let copy = Process()
    copy.executableURL = URL(fileURLWithPath: "/bin/cp")
    copy.arguments = ["-R", fixtures.path, repository.appendingPathComponent("platform").path]
    try copy.run()
    copy.waitUntilExit()
    let summary = directory.appendingPathComponent("summary.md")
    let output = directory.appendingPathComponent("github_output")
    let environment = [
      "PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
      "PLUMB_PATHS": "platform\n", "PLUMB_PACK": "baseline",
      "PLUMB_OUTPUTS": "json=report.json\nmarkdown=$(touch pwned).md",
      // Unanchored: the same whether the root is the directory given or the repository's top.
      "PLUMB_EXCLUDE": "terraform/",
      "PLUMB_SARIF": "plumb.sarif",
      "GITHUB_STEP_SUMMARY": summary.path, "GITHUB_OUTPUT": output.path,
    ]
    let run = try bash("scripts/action/check.sh", environment: environment, in: repository)
    // The sample platform has blocking findings on purpose: exit 1, as the gate decides.
    #expect(run.status == 1, "\(run.output)")
    #expect(try String(contentsOf: output, encoding: .utf8) == "exit-code=1\n")
    #expect(run.output.contains("::error file="), "annotations")
    #expect(FileManager.default.fileExists(atPath: repository.appendingPathComponent("plumb.sarif").path))
    #expect(FileManager.default.fileExists(atPath: repository.appendingPathComponent("report.json").path))
    #expect(try String(contentsOf: summary, encoding: .utf8).contains("Plumb"))
    // An input is an argument, never shell code: the file is named literally, nothing is run.
    #expect(FileManager.default.fileExists(atPath: repository.appendingPathComponent("$(touch pwned).md").path))
    #expect(!FileManager.default.fileExists(atPath: repository.appendingPathComponent("pwned").path))
    // The exclusion reached plumb: no Terraform file was read.
    let report = try String(contentsOf: repository.appendingPathComponent("report.json"), encoding: .utf8)
    #expect(report.contains("\"excluded\""))
    #expect(!report.contains("\"terraform-plan\""))

    // A path that looks like an option is a path.
    let dashed = try bash(
      "scripts/action/check.sh", environment: environment.merging(["PLUMB_PATHS": "--help"]) { $1 }, in: repository)
    #expect(dashed.status == 2, "\(dashed.output)")
    #expect(dashed.output.contains("no such file or directory: '--help'"), "\(dashed.output)")
  }

  @Test func plumbsOwnActionAndWorkflowsPassPlumb() throws {
    let result = try runPlumb([
      "check", "--color", "never", "--pack", "strict", "--root", ".", "--output", "json", "action.yml",
      ".github/workflows",
    ])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let findings = try #require(report["findings"] as? [Any])
    #expect(findings.isEmpty, "\(result.stdout)")
    let files = try #require(report["files"] as? [[String: Any]])
    #expect(Set(files.compactMap { $0["format"] as? String }) == ["github-action", "github-workflow"], "\(files)")
  }
}

/// The tools Plumb's own CI files are checked with, when this machine has them.
@Suite struct InstallableFilesToolTests {
  static func onPath(_ name: String) -> String? {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
      let path = "\(directory)/\(name)"
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
  }

  func run(_ executable: String, _ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws
    -> (Int32, String)
  {
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    return try execute(executable, arguments, in: directory, environment: env)
  }


  @Test(.enabled(if: onPath("zizmor") != nil, "zizmor is not installed (pip install zizmor)"))
  func zizmorFindsNothingInTheActionAndWorkflows() throws {
    let (status, output) = try run(
      Self.onPath("zizmor")!, ["--offline", "--no-progress", "action.yml", ".github/workflows"], in: packageRoot)
    #expect(status == 0, "\(output)")
    #expect(output.contains("No findings"), "\(output)")
  }

  @Test(.enabled(if: onPath("pre-commit") != nil && onPath("git") != nil, "pre-commit is not installed (pip install pre-commit)"))
  func theHookRunsThroughPreCommitTryRepo() throws {
    let repository = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: repository) }
    let bin = repository.appendingPathComponent(".bin")
    try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
    try makeSymlink(at: bin.appendingPathComponent("plumb").path, to: plumbExecutable().path)
    try ExclusionCommandTests.component.write(
      to: repository.appendingPathComponent("catalog-info.yaml"), atomically: true, encoding: .utf8)
    try ".bin/\n".write(to: repository.appendingPathComponent(".gitignore"), atomically: true, encoding: .utf8)
    let git = Self.onPath("git")!
    let identity = [
      "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
      "GIT_COMMITTER_EMAIL": "t@example.com",
    ]
    _ = try run(git, ["init", "-q"], in: repository)
    _ = try run(git, ["add", "."], in: repository)
    let environment = identity.merging([
      "PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? ""),
      "PRE_COMMIT_HOME": repository.appendingPathComponent(".bin/cache").path,
    ]) { $1 }
    let (status, output) = try run(
      Self.onPath("pre-commit")!, ["try-repo", packageRoot.path, "plumb-check", "--all-files"], in: repository,
      environment: environment)
    #expect(status == 0, "\(output)")
    #expect(output.contains("plumb check") && output.contains("Passed"), "\(output)")

    // A catalog error fails the hook.
    try "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: x}\nspec: {type: service}\n".write(
      to: repository.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
    _ = try run(git, ["add", "."], in: repository)
    let (failed, failure) = try run(
      Self.onPath("pre-commit")!, ["try-repo", packageRoot.path, "plumb-check", "--all-files"], in: repository,
      environment: environment)
    #expect(failed != 0, "\(failure)")
    #expect(failure.contains("Failed"), "\(failure)")
  }
}

/// Runs `executable` with exactly `environment`; its status and its output and errors together.
private func execute(_ executable: String, _ arguments: [String], in directory: URL, environment: [String: String])
  throws -> (Int32, String)
{
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  process.currentDirectoryURL = directory
  process.environment = environment
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = pipe
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
