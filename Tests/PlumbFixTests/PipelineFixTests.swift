import Foundation
import PlumbFix
import PlumbKit
import Testing

/// The pipeline rules' fixes, each in several spellings (block and flow YAML, quoted and plain
/// values, comments around the edit, CRLF line breaks, several findings in one file) and with the
/// findings they must leave alone: the patched bytes are exact, the diff applies, and a second run
/// changes nothing. Rules come from rules/ (not the embedded copy, which the lead regenerates).
@Suite(.serialized)
struct PipelineFixTests {
  struct Case: CustomStringConvertible, Sendable {
    var name: String
    var rule: String
    var path: String
    var before: String
    var after: String
    var unsafe = false
    var description: String { name }
  }

  static func run(_ root: URL, rule: String, unsafe: Bool) -> FixRun {
    var check = CheckOptions(paths: [root.path], root: root.path)
    check.useBuiltinRules = false
    check.ruleDirectories = [FixRunTests.rulesDirectory]
    var options = FixRunOptions(check: check)
    options.includeUnsafe = unsafe
    options.rules = [rule]
    return FixRun.run(options)
  }

  static let cases: [Case] = [
    // MARK: GitHub Actions
    Case(
      name: "debug tracing: workflow, job (flow) and step env, comments kept", rule: "debug_tracing_enabled",
      path: ".github/workflows/ci.yml",
      before: """
        on: push
        env:
          # trace everything
          ACTIONS_STEP_DEBUG: true
          NODE_ENV: production   # keep
        jobs:
          build:
            runs-on: ubuntu-24.04
            env: {ACTIONS_RUNNER_DEBUG: "true", ACTIONS_STEP_DEBUG: 'on', CI: "1"}
            steps:
              - run: make
                env:
                  actions_step_debug: "1"
                  actions_runner_debug: yes
              - run: make test   # no env

        """,
      after: """
        on: push
        env:
          NODE_ENV: production   # keep
        jobs:
          build:
            runs-on: ubuntu-24.04
            env: {CI: "1"}
            steps:
              - run: make
                env: {}
              - run: make test   # no env

        """),
    Case(
      name: "insecure workflow commands: CRLF, quoted, flow, workflow emptied",
      rule: "insecure_workflow_commands_enabled", path: ".github/workflows/ci.yml",
      before: "on: push\r\nenv:\r\n  ACTIONS_ALLOW_UNSECURE_COMMANDS: 'true'\r\njobs:\r\n  build:\r\n    runs-on: ubuntu-24.04\r\n    env:\r\n      ACTIONS_ALLOW_UNSECURE_COMMANDS: TRUE\r\n      KEEP: x\r\n    steps:\r\n      - run: echo hi\r\n        env:\r\n          ACTIONS_ALLOW_UNSECURE_COMMANDS: \" True \"\r\n          OTHER: y\r\n      - run: echo two\r\n        env: {ACTIONS_ALLOW_UNSECURE_COMMANDS: \"${{ true }}\", Z: z}\r\n      - run: echo three\r\n        env:\r\n          ACTIONS_ALLOW_UNSECURE_COMMANDS: ${{ vars.ALLOW }}\r\n",
      after: "on: push\r\nenv: {}\r\njobs:\r\n  build:\r\n    runs-on: ubuntu-24.04\r\n    env:\r\n      KEEP: x\r\n    steps:\r\n      - run: echo hi\r\n        env:\r\n          OTHER: y\r\n      - run: echo two\r\n        env: {Z: z}\r\n      - run: echo three\r\n        env:\r\n          ACTIONS_ALLOW_UNSECURE_COMMANDS: ${{ vars.ALLOW }}\r\n"),
    Case(
      name: "insecure workflow commands in a composite action", rule: "insecure_workflow_commands_enabled_in_action",
      path: "action.yml",
      before: """
        name: Set up tool
        runs:
          using: composite
          steps:
            - run: echo "::add-path::/opt/tool/bin"
              shell: bash
              env:
                ACTIONS_ALLOW_UNSECURE_COMMANDS: true   # legacy
                TOOL: /opt/tool
            - run: echo "::set-env name=TOOL_HOME::/opt/tool"
              shell: bash
              env: {ACTIONS_ALLOW_UNSECURE_COMMANDS: "TRUE"}

        """,
      after: """
        name: Set up tool
        runs:
          using: composite
          steps:
            - run: echo "::add-path::/opt/tool/bin"
              shell: bash
              env:
                TOOL: /opt/tool
            - run: echo "::set-env name=TOOL_HOME::/opt/tool"
              shell: bash
              env: {}

        """),
    Case(
      name: "unsound if: literal block, quoted text around the expression; text between two expressions stays",
      rule: "unsound_if_condition", path: ".github/workflows/deploy.yml",
      before: """
        on: push
        jobs:
          deploy:
            if: |
              ${{ github.ref == 'refs/heads/main' }}
            runs-on: ubuntu-24.04
            steps:
              - if: "${{ success() }} "   # notify
                run: ./notify.sh
              - if: ' ${{ github.event_name == ''push'' }}'
                run: ./deploy.sh
          other:
            if: ${{ github.event_name == 'push' }} && ${{ github.ref == 'refs/heads/main' }}
            runs-on: ubuntu-24.04
            steps:
              - run: make

        """,
      after: """
        on: push
        jobs:
          deploy:
            if: ${{ github.ref == 'refs/heads/main' }}
            runs-on: ubuntu-24.04
            steps:
              - if: "${{ success() }}"   # notify
                run: ./notify.sh
              - if: '${{ github.event_name == ''push'' }}'
                run: ./deploy.sh
          other:
            if: ${{ github.event_name == 'push' }} && ${{ github.ref == 'refs/heads/main' }}
            runs-on: ubuntu-24.04
            steps:
              - run: make

        """),
    Case(
      name: "cache poisoning: setup actions' caches switched off, actions/cache left", rule: "cache_poisoning_in_release_workflow",
      path: ".github/workflows/release.yml",
      before: """
        on:
          push:
            tags: ["v*"]
        jobs:
          release:
            runs-on: ubuntu-24.04
            steps:
              - uses: actions/setup-go@v5   # Go
                with:
                  go-version-file: go.mod
              - uses: actions/setup-node@v4
                with:
                  node-version: 20
                  cache: npm
              - uses: actions/setup-python@v5
                with: {python-version: "3.12", cache: pip}
              - uses: actions/cache@v4
                with:
                  path: ~/.cache
                  key: k
              - uses: astral-sh/setup-uv@v6
              - uses: gradle/actions/setup-gradle@v4
                with:
                  cache-read-only: false

        """,
      after: """
        on:
          push:
            tags: ["v*"]
        jobs:
          release:
            runs-on: ubuntu-24.04
            steps:
              - uses: actions/setup-go@v5   # Go
                with:
                  go-version-file: go.mod
                  cache: false
              - uses: actions/setup-node@v4
                with:
                  node-version: 20
              - uses: actions/setup-python@v5
                with: {python-version: "3.12"}
              - uses: actions/cache@v4
                with:
                  path: ~/.cache
                  key: k
              - uses: astral-sh/setup-uv@v6
                with:
                  enable-cache: false
              - uses: gradle/actions/setup-gradle@v4
                with:
                  cache-read-only: false
                  cache-disabled: true

        """),
    Case(
      name: "template injection: the expression moves to the step's env (literal, plain, folded); single quotes, pwsh and two expressions are left",
      rule: "template_injection", path: ".github/workflows/greet.yml",
      before: """
        on: pull_request_target
        permissions: {}
        jobs:
          greet:
            runs-on: ubuntu-24.04
            steps:
              - run: |
                  echo "checking"
                  echo "${{ github.event.pull_request.title }}"   # title
                  printf '%s\\n' done
              - name: push
                run: git push origin "${{github.head_ref}}"
                env:
                  GIT_TRACE: "1"
              - run: echo 'quoted ${{ github.event.issue.title }}'
              - shell: pwsh
                run: Write-Output "${{ github.event.comment.body }}"
              - run: echo "${{ github.event.issue.title }} ${{ github.event.issue.body }}"
              - id: x
                run: >
                  echo "${{ github.event.issue.title }}"
                  and more

        """,
      after: """
        on: pull_request_target
        permissions: {}
        jobs:
          greet:
            runs-on: ubuntu-24.04
            steps:
              - run: |
                  echo "checking"
                  echo "${PULL_REQUEST_TITLE}"   # title
                  printf '%s\\n' done
                env:
                  PULL_REQUEST_TITLE: ${{ github.event.pull_request.title }}
              - name: push
                run: git push origin "${HEAD_REF}"
                env:
                  GIT_TRACE: "1"
                  HEAD_REF: ${{ github.head_ref }}
              - run: echo 'quoted ${{ github.event.issue.title }}'
              - shell: pwsh
                run: Write-Output "${{ github.event.comment.body }}"
              - run: echo "${{ github.event.issue.title }} ${{ github.event.issue.body }}"
              - id: x
                env:
                  ISSUE_TITLE: ${{ github.event.issue.title }}
                run: "echo \\"${ISSUE_TITLE}\\" and more\\n"

        """, unsafe: true),
    Case(
      name: "free-text inputs: into the step's env as INPUT_<NAME>; a boolean input, single quotes and pwsh are left",
      rule: "input_expanded_into_script", path: ".github/workflows/release.yml",
      before: """
        on:
          workflow_dispatch:
            inputs:
              version: {type: string}
              release-notes: {type: string}
              dry_run: {type: boolean}
        permissions: {}
        jobs:
          release:
            runs-on: ubuntu-24.04
            steps:
              - run: ./release.sh "${{ inputs.version }}" --dry-run=${{ inputs.dry_run }}
              - run: |
                  echo "${{github.event.inputs.release-notes}}" > notes.md   # notes
              - run: echo '${{ inputs.version }}'
              - shell: pwsh
                run: ./release.ps1 "${{ inputs.version }}"

        """,
      after: """
        on:
          workflow_dispatch:
            inputs:
              version: {type: string}
              release-notes: {type: string}
              dry_run: {type: boolean}
        permissions: {}
        jobs:
          release:
            runs-on: ubuntu-24.04
            steps:
              - run: ./release.sh "${INPUT_VERSION}" --dry-run=${{ inputs.dry_run }}
                env:
                  INPUT_VERSION: ${{ inputs.version }}
              - run: |
                  echo "${INPUT_RELEASE_NOTES}" > notes.md   # notes
                env:
                  INPUT_RELEASE_NOTES: ${{ github.event.inputs.release-notes }}
              - run: echo '${{ inputs.version }}'
              - shell: pwsh
                run: ./release.ps1 "${{ inputs.version }}"

        """, unsafe: true),
    Case(
      name: "cache poisoning: setup-node v5 (CRLF), cache the only input, flow, none, and beside another input",
      rule: "cache_poisoning_in_release_workflow", path: ".github/workflows/publish.yml",
      before: "on:\r\n  release:\r\n    types: [published]\r\npermissions: {}\r\njobs:\r\n  publish:\r\n    runs-on: ubuntu-24.04\r\n    steps:\r\n      - uses: actions/setup-node@v5\r\n        with:\r\n          cache: npm   # lock file\r\n      - uses: actions/setup-node@v5\r\n        with: {cache: pnpm}\r\n      - uses: actions/setup-node@v5\r\n      - uses: actions/setup-node@v5\r\n        with:\r\n          node-version: 22\r\n          cache: yarn\r\n",
      after: "on:\r\n  release:\r\n    types: [published]\r\npermissions: {}\r\njobs:\r\n  publish:\r\n    runs-on: ubuntu-24.04\r\n    steps:\r\n      - uses: actions/setup-node@v5\r\n        with:\r\n          package-manager-cache: false\r\n      - uses: actions/setup-node@v5\r\n        with: {package-manager-cache: false}\r\n      - uses: actions/setup-node@v5\r\n        with:\r\n          package-manager-cache: false\r\n      - uses: actions/setup-node@v5\r\n        with:\r\n          node-version: 22\r\n          package-manager-cache: false\r\n"),
    // MARK: GitLab CI
    Case(
      name: "CI_DEBUG_SERVICES: job (flow) and the pipeline's it uncovers", rule: "ci_debug_services_enabled",
      path: ".gitlab-ci.yml",
      before: """
        variables:
          CI_DEBUG_SERVICES: "true"   # noisy
          OTHER: "1"

        test:
          services: [postgres:16]
          variables: {CI_DEBUG_SERVICES: "TRUE", KEEP: "yes"}
          script: [make test]

        """,
      after: """
        variables:
          OTHER: "1"

        test:
          services: [postgres:16]
          variables: {KEEP: "yes"}
          script: [make test]

        """),
    Case(
      name: "CI_DEBUG_TRACE in rules: variables (block, flow, upper case) and workflow rules, for several jobs",
      rule: "ci_debug_trace_enabled", path: ".gitlab-ci.yml",
      before: """
        workflow:
          rules:
            - if: $CI_PIPELINE_SOURCE == "web"
              variables:
                CI_DEBUG_TRACE: "true"   # debugging
                DEPLOY: "1"
            - when: always
        deploy:
          rules:
            - if: $DEBUG_DEPLOY
              variables: {CI_DEBUG_TRACE: "true"}
            - if: $CI_COMMIT_TAG
              variables:
                CI_DEBUG_TRACE: "TRUE"
          script: [./deploy.sh]
        test:
          script: [make]

        """,
      after: """
        workflow:
          rules:
            - if: $CI_PIPELINE_SOURCE == "web"
              variables:
                DEPLOY: "1"
            - when: always
        deploy:
          rules:
            - if: $DEBUG_DEPLOY
              variables: {}
            - if: $CI_COMMIT_TAG
              variables: {}
          script: [./deploy.sh]
        test:
          script: [make]

        """),
    Case(
      name: "security scan allow_failure: plain and with a comment", rule: "security_scan_allow_failure",
      path: ".gitlab-ci.yml",
      before: """
        sast:
          stage: test
          allow_failure: true  # for now
          script: [semgrep ci]
        secret_detection: {stage: test, allow_failure: yes, script: [gitleaks detect]}
        build:
          allow_failure: true
          script: [make]

        """,
      after: """
        sast:
          stage: test
          allow_failure: false  # for now
          script: [semgrep ci]
        secret_detection: {stage: test, allow_failure: yes, script: [gitleaks detect]}
        build:
          allow_failure: true
          script: [make]

        """),
    Case(
      name: "TLS checks switched off by variables: job and pipeline (several keys)", rule: "tls_verification_disabled_by_variable",
      path: ".gitlab-ci.yml",
      before: """
        variables:
          GIT_SSL_NO_VERIFY: "1"
          NODE_TLS_REJECT_UNAUTHORIZED: '0'
        build:
          variables:
            PIP_TRUSTED_HOST: pypi.internal   # mirror
            KEEP: "x"
          script: [pip install .]

        """,
      after: """
        variables: {}
        build:
          variables:
            KEEP: "x"
          script: [pip install .]

        """, unsafe: true),
    Case(
      name: "trigger forwards pipeline variables", rule: "trigger_forwards_pipeline_variables", path: ".gitlab-ci.yml",
      before: """
        deploy:
          trigger:
            project: group/deploy
            forward:
              yaml_variables: true
              pipeline_variables: true   # needed?
        child:
          trigger: {include: child.yml, forward: {pipeline_variables: true}}

        """,
      after: """
        deploy:
          trigger:
            project: group/deploy
            forward:
              yaml_variables: true
              pipeline_variables: false   # needed?
        child:
          trigger: {include: child.yml, forward: {pipeline_variables: false}}

        """, unsafe: true),
    Case(
      name: "unprotected caches: one cache, a list in block and flow style", rule: "cache_unprotected", path: ".gitlab-ci.yml",
      before: """
        build:
          cache:
            key: deps
            paths: [node_modules/]
            unprotect: true
          script: [npm ci]
        test:
          cache:
            - key: a
              unprotect: true
              paths: [a/]
            - {key: b, unprotect: true, paths: [b/]}
            - key: c
              paths: [c/]
          script: [make test]

        """,
      after: """
        build:
          cache:
            key: deps
            paths: [node_modules/]
          script: [npm ci]
        test:
          cache:
            - key: a
              paths: [a/]
            - {key: b, paths: [b/]}
            - key: c
              paths: [c/]
          script: [make test]

        """),
  ]

  @Test(arguments: cases)
  func fixesAreExactAndIdempotent(_ testCase: Case) throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    try writeFiles([testCase.path: testCase.before], under: root)
    let run = Self.run(root, rule: testCase.rule, unsafe: testCase.unsafe)
    let outcomes = run.result.outcomes.filter { $0.finding.ruleID == testCase.rule }
    #expect(!outcomes.isEmpty)
    for outcome in outcomes {
      #expect(outcome.status == .fixed, "\(outcome.finding.message): \(outcome.status) \(outcome.reason ?? "")")
      #expect(outcome.safe == !testCase.unsafe)
    }
    let change = try #require(run.result.changes.first { $0.path == testCase.path })
    #expect(String(decoding: change.patched, as: UTF8.self) == testCase.after)
    let applied = try gitApplyChecks(run.diff, files: [testCase.path: Array(testCase.before.utf8)])
    #expect(applied.ok, "\(applied.output)\n\(run.diff)")
    #expect(run.write().isEmpty)
    let second = Self.run(root, rule: testCase.rule, unsafe: testCase.unsafe)
    #expect(second.result.changes.isEmpty, "\(second.diff)")
    #expect(second.result.outcomes.allSatisfy { $0.status != .fixed })
  }

  /// Every case again with CRLF line breaks (those written with CRLF already, as they are): the
  /// fix writes the file's own line break.
  @Test(arguments: cases.filter { !$0.before.contains("\r") })
  func fixesKeepCRLF(_ testCase: Case) throws {
    var crlf = testCase
    crlf.before = testCase.before.replacingOccurrences(of: "\n", with: "\r\n")
    crlf.after = testCase.after.replacingOccurrences(of: "\n", with: "\r\n")
    try fixesAreExactAndIdempotent(crlf)
  }

  /// Two rules removing the last two keys of one block mapping would leave it null: the second fix
  /// waits for the next run (a conflict, not a failure), which leaves `{}`.
  @Test func twoRulesEmptyingOneMappingTakeTwoRuns() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let text = "test:\n  services: [postgres]\n  variables:\n    CI_DEBUG_TRACE: \"true\"\n    CI_DEBUG_SERVICES: \"true\"\n  script: [make]\n"
    try writeFiles([".gitlab-ci.yml": text], under: root)
    func run() -> FixRun {
      var check = CheckOptions(paths: [root.path], root: root.path)
      check.useBuiltinRules = false
      check.ruleDirectories = [FixRunTests.rulesDirectory]
      var options = FixRunOptions(check: check)
      options.rules = ["ci_debug_trace_enabled", "ci_debug_services_enabled"]
      return FixRun.run(options)
    }
    let first = run()
    #expect(first.result.outcomes.map(\.status.rawValue).sorted() == ["conflict", "fixed"], "\(first.result.outcomes.map { "\($0.status) \($0.reason ?? "")" })")
    #expect(first.write().isEmpty)
    let second = run()
    #expect(second.result.outcomes.map(\.status) == [.fixed])
    #expect(second.write().isEmpty)
    #expect(FixRunTests.read(root.appendingPathComponent(".gitlab-ci.yml")) == "test:\n  services: [postgres]\n  variables: {}\n  script: [make]\n")
    #expect(run().result.changes.isEmpty)
  }

  @Test func unsafeFixesWaitForTheFlag() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    try writeFiles([".gitlab-ci.yml": "variables:\n  GIT_SSL_NO_VERIFY: \"true\"\nbuild:\n  script: [make]\n"], under: root)
    let run = Self.run(root, rule: "tls_verification_disabled_by_variable", unsafe: false)
    #expect(run.result.changes.isEmpty)
    #expect(run.result.outcomes.allSatisfy { $0.status == .unsafe })
  }

  @Test func aSharedTemplateIsUnsafeAndAnAnchorIsRefused() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    try writeFiles(
      [
        ".gitlab-ci.yml": """
          .scan:
            allow_failure: true
          dependency_scanning:
            extends: .scan
            script: [scan]

          """,
        ".github/workflows/ci.yml": """
          on: push
          jobs:
            a:
              runs-on: ubuntu-24.04
              env: &legacy
                ACTIONS_ALLOW_UNSECURE_COMMANDS: true
              steps:
                - run: make
            b:
              runs-on: ubuntu-24.04
              env: *legacy
              steps:
                - run: make

          """,
      ], under: root)
    let scan = Self.run(root, rule: "security_scan_allow_failure", unsafe: false)
    #expect(scan.result.outcomes.contains { $0.status == .unsafe && ($0.reason ?? "").contains("shared") })
    #expect(scan.result.changes.isEmpty)
    let anchored = Self.run(root, rule: "insecure_workflow_commands_enabled", unsafe: true)
    let outcome = try #require(anchored.result.outcomes.first)
    #expect(outcome.status == .refused, "\(outcome.status) \(outcome.reason ?? "")")
    #expect((outcome.reason ?? "").contains("anchor"), "\(outcome.reason ?? "")")
    #expect(anchored.result.changes.isEmpty)
  }

  @Test func aGitHubEnvWriteHasNoFix() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let text = """
      on: push
      jobs:
        build:
          runs-on: ubuntu-24.04
          steps:
            - run: echo "ACTIONS_STEP_DEBUG=true" >> "$GITHUB_ENV"

      """
    try writeFiles([".github/workflows/ci.yml": text], under: root)
    let run = Self.run(root, rule: "debug_tracing_enabled", unsafe: true)
    #expect(run.check.report.findings.contains { $0.finding.ruleID == "debug_tracing_enabled" })
    #expect(run.result.outcomes.isEmpty)
    #expect(run.result.changes.isEmpty)
  }
}
