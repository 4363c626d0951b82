import Foundation
import Testing
import TestSupport

/// `plumb init`, end to end on the built binary: what it writes loads, and it never replaces
/// anything.
@Suite struct InitCommandTests {
  @Test func initWritesAConfigurationThatLoadsAndAGitHubWorkflowPlumbReads() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let result = try runPlumb(["init", "--ci", "github"], in: root)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("wrote .plumb.yaml"))
    #expect(result.stderr.contains("wrote .github/workflows/plumb.yml"))
    let configuration = try String(contentsOf: root.appendingPathComponent(".plumb.yaml"), encoding: .utf8)
    #expect(configuration.contains("docs/configuration.md"))
    // What init wrote is itself valid: the check has no configuration problem (exit 3 would say
    // so) and reads the workflow as a GitHub workflow.
    let check = try runPlumb(["check", "--color", "never", "--output", "json", "."], in: root)
    #expect(check.status != 3, "\(check.stdout)\(check.stderr)")
    #expect(!check.stdout.contains("\"config."), "\(check.stdout)")
    #expect(check.stdout.contains("\"github-workflow\""), "\(check.stdout)")
  }

  @Test func initForGitLabWritesAnIncludableJob() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let result = try runPlumb(["init", "--ci", "gitlab"], in: root)
    #expect(result.status == 0, "\(result.stderr)")
    let graph = try runPlumb(["graph", "--format", "json", ".gitlab/plumb.gitlab-ci.yml"], in: root)
    #expect(graph.stdout.contains("gitlab"), "\(graph.stdout)\(graph.stderr)")
    let check = try runPlumb(["check", "--color", "never", "--root", ".", ".plumb.yaml", ".gitlab"], in: root)
    #expect(check.status != 3, "\(check.stdout)\(check.stderr)")
  }

  @Test func initNeverReplacesAFileALinkOrWritesThroughALinkedDirectory() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    try "pack: strict\n".write(to: root.appendingPathComponent(".plumb.yaml"), atomically: true, encoding: .utf8)
    let existing = try runPlumb(["init", "--ci", "github"], in: root)
    #expect(existing.status == 1)
    #expect(existing.stderr.contains("'.plumb.yaml' exists"))
    #expect(try String(contentsOf: root.appendingPathComponent(".plumb.yaml"), encoding: .utf8) == "pack: strict\n")
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent(".github").path), "half written")

    // A dangling symbolic link: refused, and its target is not created.
    try FileManager.default.removeItem(at: root.appendingPathComponent(".plumb.yaml"))
    let target = root.appendingPathComponent("elsewhere.yaml").path
    try makeSymlink(at: root.appendingPathComponent(".plumb.yaml").path, to: target)
    let dangling = try runPlumb(["init"], in: root)
    #expect(dangling.status == 1)
    #expect(dangling.stderr.contains("symbolic link"))
    #expect(!FileManager.default.fileExists(atPath: target))

    // A linked .github directory could lead out of the repository: refused before anything is written.
    try FileManager.default.removeItem(at: root.appendingPathComponent(".plumb.yaml"))
    let outside = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: outside) }
    try makeSymlink(at: root.appendingPathComponent(".github").path, to: outside.path)
    let linked = try runPlumb(["init", "--ci", "github"], in: root)
    #expect(linked.status == 1)
    #expect(linked.stderr.contains("'.github' is a symbolic link"), "\(linked.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent(".plumb.yaml").path))
  }

  @Test func anUnknownPackExitsTheSameInCheckAndRules() throws {
    let check = try runPlumb(["check", "--color", "never", "--pack", "strickt", "fixtures/platform"])
    let rules = try runPlumb(["rules", "--pack", "strickt"])
    #expect(check.status == 3)
    #expect(rules.status == 3)
    for output in [check.stdout + check.stderr, rules.stderr] {
      #expect(output.contains("no policy pack named 'strickt' (did you mean 'strict'? known: baseline, eu_residency, strict)"), "\(output)")
    }
    let hostile = try runPlumb(["rules", "--pack", "x\u{1B}[2Jy"])
    #expect(hostile.status == 3)
    #expect(!hostile.stderr.contains("\u{1B}"))
  }
}

/// The progress line: on a terminal only, erased before the results.
@Suite struct ProgressLineTests {
  @Test func noProgressLineWhenStandardErrorIsNotATerminal() throws {
    let result = try runPlumb(
      ["check", "--color", "never", "fixtures/platform"], environment: ["PLUMB_PROGRESS_AFTER": "0"])
    #expect(result.status == 1)
    #expect(!result.stderr.contains("checking…"))
    #expect(!result.stderr.contains("\u{1B}"))
  }

  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "util-linux script(1) is missing"))
  func onATerminalTheLineIsShownAndErased() throws {
    // script(1) runs plumb on a pseudo-terminal; the line is drawn at once (PLUMB_PROGRESS_AFTER=0).
    let command = "PLUMB_PROGRESS_AFTER=0 '\(plumbExecutable().path)' check --color never fixtures/platform"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
    process.arguments = ["-q", "-e", "-c", command, "/dev/null"]
    process.currentDirectoryURL = packageRoot
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 1, "\(output)")
    #expect(output.contains("\r\u{1B}[2Kplumb: checking… 0s"), "\(output.prefix(300))")
    // Erased before the report: the report's first line follows an erase.
    let lastErase = try #require(output.range(of: "\r\u{1B}[2K", options: .backwards))
    #expect(output[lastErase.upperBound...].contains("verdict: fail"))
  }
}

/// Shell completion and the documentation index.
@Suite struct DiscoverabilityTests {
  @Test func helpShowsShellCompletionAndTheScriptKnowsEveryCommand() throws {
    let help = try runPlumb(["--help"])
    #expect(help.stdout.contains("--generate-completion-script bash"), "\(help.stdout)")
    let script = try runPlumb(["--generate-completion-script", "bash"])
    #expect(script.status == 0)
    for command in ["check", "score", "fix", "init", "graph"] { #expect(script.stdout.contains(command)) }
    #expect(script.stdout.contains("--exclude"))
  }

  @Test func readmeIndexesEveryDocumentationPage() throws {
    let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let docs = packageRoot.appendingPathComponent("docs")
    var pages = try FileManager.default.contentsOfDirectory(atPath: docs.path).filter { $0.hasSuffix(".md") }
      .map { "docs/" + $0 }
    pages += try FileManager.default.contentsOfDirectory(atPath: docs.appendingPathComponent("inputs").path)
      .filter { $0.hasSuffix(".md") && $0 != "reading.md" }.map { $0 }
    pages.append("docs/inputs/reading.md")
    pages.append("docs/rules/README.md")
    for page in pages { #expect(readme.contains(page), "README's index lacks \(page)") }
  }
}
