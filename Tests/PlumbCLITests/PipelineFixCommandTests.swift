import Foundation
import Testing

/// `plumb fix` on pipeline files, end to end on the built binary with the rules in rules/: the
/// diff applies with `git apply`, `--write` writes exactly the fixed text, a second run changes
/// nothing, the findings are gone from `plumb check`, and hostile text next to an edit (control
/// characters, line and paragraph separators, combining marks, `: ` and ` #` inside values) neither
/// breaks the YAML nor adds a key.
@Suite struct PipelineFixCommandTests {
  static let rules = packageRoot.appendingPathComponent("rules").path

  static func fix(_ arguments: [String], in root: URL) throws -> CommandResult {
    try runPlumb(["fix", "--no-builtin-rules", "--rules", rules] + arguments + ["."], in: root)
  }

  static let workflow = """
    on:
      push:
        tags: ["v*"]
    permissions:
      contents: read
    env:
      "NOTE\\u2028x": "caf\\u0065\\u0301 \\u0007"
      ACTIONS_STEP_DEBUG: true
      "LINE\\nBREAK": "a\\u0085b"
      PLAIN: café
    jobs:
      release:
        if: "${{ github.actor != 'e\\u0301vil: x #y' }}\\n"
        runs-on: ubuntu-24.04
        env: {ACTIONS_ALLOW_UNSECURE_COMMANDS: "true", "TAB\\tKEY": "\\u0007"}
        steps:
          - if: "${{ github.ref }}\\nevil: true"
            uses: actions/setup-go@v5
          - run: echo done

    """

  static let fixedWorkflow = """
    on:
      push:
        tags: ["v*"]
    permissions:
      contents: read
    env:
      "NOTE\\u2028x": "caf\\u0065\\u0301 \\u0007"
      "LINE\\nBREAK": "a\\u0085b"
      PLAIN: café
    jobs:
      release:
        if: "${{ github.actor != 'e\u{0301}vil: x #y' }}"
        runs-on: ubuntu-24.04
        env: {"TAB\\tKEY": "\\u0007"}
        steps:
          - if: "${{ github.ref }}\\nevil: true"
            uses: actions/setup-go@v5
            with:
              cache: false
          - run: echo done

    """

  static let pipeline = "variables:\r\n  CI_DEBUG_SERVICES: \"true\"\r\n  GIT_SSL_NO_VERIFY: \"1\"\r\n  NAME: \"x\\u200b\\u0301\"\r\ntest:\r\n  services: [\"postgres:16\"]\r\n  cache: {key: deps, unprotect: true}\r\n  script: [make test]\r\n"
  static let fixedPipeline = "variables:\r\n  NAME: \"x\\u200b\\u0301\"\r\ntest:\r\n  services: [\"postgres:16\"]\r\n  cache: {key: deps}\r\n  script: [make test]\r\n"

  static func repository() throws -> URL {
    let root = try temporaryDirectory()
    for (path, text) in [".github/workflows/release.yml": workflow, ".gitlab-ci.yml": pipeline] {
      let url = root.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: url)
    }
    return root
  }

  static func read(_ root: URL, _ path: String) -> String {
    (try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)) ?? ""
  }

  @Test func diffAppliesWriteIsExactAndASecondRunChangesNothing() throws {
    let root = try Self.repository()
    defer { try? FileManager.default.removeItem(at: root) }
    let diff = try Self.fix(["--diff", "--unsafe"], in: root)
    #expect(diff.status == 0, "\(diff.stderr)")
    for rule in [
      "debug_tracing_enabled", "insecure_workflow_commands_enabled", "unsound_if_condition",
      "cache_poisoning_in_release_workflow", "ci_debug_services_enabled", "tls_verification_disabled_by_variable",
      "cache_unprotected",
    ] {
      #expect(diff.stderr.split(separator: "\n").contains { $0.hasPrefix("fixed") && $0.contains(rule) }, "\(rule): \(diff.stderr)")
    }
    #expect(!diff.stderr.contains("failed verification"), "\(diff.stderr)")
    // The patch applies to the untouched files.
    let copy = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: copy) }
    try FileManager.default.copyItem(at: root.appendingPathComponent(".github"), to: copy.appendingPathComponent(".github"))
    try FileManager.default.copyItem(at: root.appendingPathComponent(".gitlab-ci.yml"), to: copy.appendingPathComponent(".gitlab-ci.yml"))
    try Data(diff.stdout.utf8).write(to: copy.appendingPathComponent("fix.patch"))
    let apply = Process()
    apply.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    apply.arguments = ["git", "apply", "fix.patch"]
    apply.currentDirectoryURL = copy
    try apply.run()
    apply.waitUntilExit()
    #expect(apply.terminationStatus == 0, "\(diff.stdout)")
    #expect(Array(Self.read(copy, ".github/workflows/release.yml").utf8) == Array(Self.fixedWorkflow.utf8))
    #expect(Array(Self.read(copy, ".gitlab-ci.yml").utf8) == Array(Self.fixedPipeline.utf8))

    // Written in place: the same bytes; then nothing is left to fix.
    let write = try Self.fix(["--write", "--unsafe"], in: root)
    #expect(write.status == 0, "\(write.stdout)\(write.stderr)")
    #expect(Array(Self.read(root, ".github/workflows/release.yml").utf8) == Array(Self.fixedWorkflow.utf8))
    #expect(Array(Self.read(root, ".gitlab-ci.yml").utf8) == Array(Self.fixedPipeline.utf8))
    let again = try Self.fix(["--diff", "--unsafe"], in: root)
    #expect(again.status == 0)
    #expect(again.stdout.isEmpty, "\(again.stdout)")

    // The check agrees: the fixed findings are gone, the file loads without errors.
    let check = try runPlumb(
      ["check", "--no-builtin-rules", "--rules", Self.rules, "--fail-on", "never", "--output", "json", "."], in: root)
    #expect(check.status == 0, "\(check.stderr)")
    for rule in ["debug_tracing_enabled", "insecure_workflow_commands_enabled", "ci_debug_services_enabled", "cache_unprotected"] {
      #expect(!check.stdout.contains("\"ruleId\": \"\(rule)\""), "\(rule)")
    }
    // The step condition with a line break inside is still reported: it had no fix.
    #expect(check.stdout.contains("\"ruleId\": \"unsound_if_condition\""), "\(check.stdout)")
  }

  @Test func withoutUnsafeTheUnsafeFixesAreListedNotMade() throws {
    let root = try Self.repository()
    defer { try? FileManager.default.removeItem(at: root) }
    let result = try Self.fix(["--diff"], in: root)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("tls_verification_disabled_by_variable"), "\(result.stderr)")
    #expect(result.stderr.contains("unsafe not applied"), "\(result.stderr)")
    #expect(!result.stdout.contains("-  GIT_SSL_NO_VERIFY"), "\(result.stdout)")
    #expect(result.stdout.contains("-  CI_DEBUG_SERVICES"), "\(result.stdout)")
  }
  /// The template-injection fix rewrites a script that holds control characters, a line separator,
  /// a combining mark and `: `/` #`: the script keeps them (escaped as YAML escapes them), the
  /// variable is read instead of the expression, and nothing else changes.
  @Test func templateInjectionFixKeepsHostileScriptText() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let before = #"""
      on: issues
      permissions: {}
      jobs:
        greet:
          runs-on: ubuntu-24.04
          steps:
            - run: "echo \"${{ github.event.issue.title }}\" \u0007\u2028 cafe\u0301: x #y\n"
            - run: |
                echo "${{ github.event.issue.body }}"   # a: b
                echo "é"

      """#
    let after = #"""
      on: issues
      permissions: {}
      jobs:
        greet:
          runs-on: ubuntu-24.04
          steps:
            - run: "echo \"${ISSUE_TITLE}\" \x07\L cafe\#u{0301}: x #y\n"
              env:
                ISSUE_TITLE: ${{ github.event.issue.title }}
            - run: |
                echo "${ISSUE_BODY}"   # a: b
                echo "é"
              env:
                ISSUE_BODY: ${{ github.event.issue.body }}

      """#
    let url = root.appendingPathComponent(".github/workflows/greet.yml")
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(before.utf8).write(to: url)
    // Unsafe: without the flag nothing is written.
    let safe = try Self.fix(["--write", "--rule", "template_injection"], in: root)
    #expect(safe.status == 0, "\(safe.stderr)")
    #expect(Array(Self.read(root, ".github/workflows/greet.yml").utf8) == Array(before.utf8))
    let write = try Self.fix(["--write", "--unsafe", "--rule", "template_injection"], in: root)
    #expect(write.status == 0, "\(write.stderr)")
    #expect(write.stdout.contains("2 fixed (1 file)"), "\(write.stdout)")
    #expect(Array(Self.read(root, ".github/workflows/greet.yml").utf8) == Array(after.utf8))
    let again = try Self.fix(["--diff", "--unsafe", "--rule", "template_injection"], in: root)
    #expect(again.stdout.isEmpty, "\(again.stdout)")
  }
}
