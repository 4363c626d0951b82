import Foundation
import PlumbGraph
import Testing

@testable import PlumbIngest

/// Ingests one workflow (or action) from a scratch directory and returns the `flows` of a step.
private func flows(_ yaml: String, file: String = ".github/workflows/w.yml", step: String) throws -> [[String: Value]] {
  let directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("plumb-taint-tests-\(UUID().uuidString)").path
  defer { try? FileManager.default.removeItem(atPath: directory) }
  let url = URL(fileURLWithPath: directory + "/" + file)
  try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
  try Data(yaml.utf8).write(to: url)
  let graph = Ingestor().ingest(paths: [directory], root: directory).graph
  let entity = try #require(graph.entity(EntityID("github:\(file)#\(step)")), "no step '\(step)'")
  let list = try #require(entity.attributes["flows"])
  return list.elements.map { element in
    var map: [String: Value] = [:]
    for key in ["context", "field", "text", "path", "hops"] { map[key] = element[key] }
    return map
  }
}

/// The `path` of each flow into `field`.
private func paths(_ flows: [[String: Value]], field: String = "run") -> [String] {
  flows.filter { $0["field"]?.string == field }.compactMap { $0["path"]?.string }
}

@Suite("TaintAnalysis: one test per hop kind")
struct TaintFlowTests {
  @Test("a context expanded in place is its own origin, with no hops")
  func direct() throws {
    let found = try flows(
      """
      on: pull_request_target
      jobs:
        a:
          runs-on: ubuntu-24.04
          steps:
            - run: echo "${{ GITHUB.HEAD_REF }}"
      """, step: "jobs.a.steps[0]")
    #expect(paths(found) == ["github.head_ref → run (job a, step 1)"])
    #expect(found.first?["hops"]?.int == 0)
    #expect(found.first?["text"]?.string == "GITHUB.HEAD_REF")
  }

  @Test("env at workflow, job and step level, re-expanded with ${{ env.X }} (any case)")
  func envLevels() throws {
    let yaml = """
      on: issues
      env:
        W: ${{ github.event.issue.title }}
      jobs:
        a:
          runs-on: ubuntu-24.04
          env:
            J: ${{ github.event.issue.body }}
          steps:
            - env:
                S: ${{ github.event.comment.body }}
              run: echo "${{ env.w }} ${{ ENV.J }} ${{ env['S'] }} ${{ env.UNSET }}"
      """
    let found = try flows(yaml, step: "jobs.a.steps[0]")
    #expect(
      paths(found) == [
        "github.event.issue.title → env.W (workflow) → run (job a, step 1)",
        "github.event.issue.body → env.J (job a) → run (job a, step 1)",
        "github.event.comment.body → env.S (job a, step 1) → run (job a, step 1)",
      ])
  }

  @Test("a step's env does not reach the next step")
  func stepEnvIsLocal() throws {
    let yaml = """
      on: issues
      jobs:
        a:
          runs-on: ubuntu-24.04
          steps:
            - env:
                S: ${{ github.event.issue.title }}
              run: echo "$S"
            - run: echo "${{ env.S }}"
      """
    #expect(try flows(yaml, step: "jobs.a.steps[0]").isEmpty)
    #expect(try flows(yaml, step: "jobs.a.steps[1]").isEmpty)
  }

  @Test("$GITHUB_ENV writes reach later steps, through shell assignments, in every spelling")
  func githubEnv() throws {
    let yaml = """
      on: pull_request
      jobs:
        a:
          runs-on: ubuntu-24.04
          steps:
            - env:
                T: ${{ github.event.pull_request.title }}
              run: |
                first=$(echo "$T" | head -n1)
                echo "FIRST=$first" >> $GITHUB_ENV
                echo "SAFE=1" >> "${GITHUB_ENV}"
                export OTHER=$T
                OTHER=fixed
                echo "OTHER=$OTHER" >> $GITHUB_ENV
            - run: echo "${{ env.FIRST }} ${{ env.SAFE }} ${{ env.OTHER }}"
      """
    let first = try flows(yaml, step: "jobs.a.steps[0]")
    #expect(
      paths(first, field: "github_env") == [
        "github.event.pull_request.title → env.T (job a, step 1) → GITHUB_ENV (job a, step 1)"
      ])
    #expect(first.first?["text"]?.string == "echo \"FIRST=$first\" >> $GITHUB_ENV")
    let second = try flows(yaml, step: "jobs.a.steps[1]")
    #expect(
      paths(second) == [
        "github.event.pull_request.title → env.T (job a, step 1) → env.FIRST (GITHUB_ENV, job a, step 1) → run (job a, step 2)"
      ])
  }

  @Test("$GITHUB_OUTPUT writes become step outputs: named, heredoc, grouped, ::set-output, PowerShell")
  func stepOutputs() throws {
    let yaml = """
      on: pull_request_target
      jobs:
        a:
          runs-on: ubuntu-24.04
          env:
            B: ${{ github.head_ref }}
          steps:
            - id: one
              run: echo "branch=$B" >> "$GITHUB_OUTPUT"
            - id: two
              run: |
                echo "body<<EOF" >> $GITHUB_OUTPUT
                echo "$B" >> $GITHUB_OUTPUT
                echo "EOF" >> $GITHUB_OUTPUT
            - id: three
              run: |
                {
                  echo "x=$B"
                  echo "y=fixed"
                } >> "$GITHUB_OUTPUT"
            - id: four
              run: echo "::set-output name=legacy::$B"
            - id: five
              shell: pwsh
              run: "\\"ps=$env:B\\" >> $env:GITHUB_OUTPUT"
            - run: >-
                echo ${{ steps.one.outputs.branch }} ${{ steps.two.outputs.body }}
                ${{ steps.three.outputs.x }} ${{ steps.three.outputs.y }}
                ${{ steps.four.outputs.legacy }} ${{ STEPS.Five.Outputs.PS }}
      """
    let found = try flows(yaml, step: "jobs.a.steps[5]")
    #expect(
      paths(found) == [
        "github.head_ref → env.B (job a) → steps.one.outputs.branch → run (job a, step 6)",
        "github.head_ref → env.B (job a) → steps.two.outputs.* → run (job a, step 6)",
        "github.head_ref → env.B (job a) → steps.three.outputs.x → run (job a, step 6)",
        "github.head_ref → env.B (job a) → steps.four.outputs.legacy → run (job a, step 6)",
        "github.head_ref → env.B (job a) → steps.five.outputs.ps → run (job a, step 6)",
      ])
  }

  @Test("job outputs reach needs.<job>.outputs, across several jobs")
  func jobOutputs() throws {
    let yaml = """
      on: pull_request_target
      jobs:
        c:
          needs: [b]
          runs-on: ubuntu-24.04
          steps:
            - run: echo "${{ needs.B.outputs.REF }} ${{ needs.b.outputs.sha }}"
        b:
          needs: a
          runs-on: ubuntu-24.04
          outputs:
            ref: ${{ needs.a.outputs.ref }}
            sha: ${{ github.sha }}
          steps:
            - run: "true"
        a:
          runs-on: ubuntu-24.04
          outputs:
            ref: ${{ steps.s.outputs.ref }}
          steps:
            - id: s
              run: echo "ref=${{ github.event.pull_request.head.ref }}" >> "$GITHUB_OUTPUT"
      """
    let found = try flows(yaml, step: "jobs.c.steps[0]")
    #expect(
      paths(found) == [
        "github.event.pull_request.head.ref → steps.s.outputs.ref → needs.a.outputs.ref → needs.b.outputs.ref → run (job c, step 1)",
        "github.sha → needs.b.outputs.sha → run (job c, step 1)",
      ])
  }

  @Test("actions/github-script: setOutput, exportVariable and its return value; its script is a sink")
  func githubScript() throws {
    let yaml = """
      on: issue_comment
      jobs:
        a:
          runs-on: ubuntu-24.04
          steps:
            - id: gs
              uses: actions/github-script@v7
              env:
                C: ${{ github.event.comment.body }}
              with:
                script: |
                  const title = context.payload.issue.title
                  core.setOutput('title', title)
                  core.exportVariable("BODY", process.env.C)
                  return context.payload.pull_request.head.ref
            - uses: actions/github-script@v7
              with:
                script: console.log("${{ steps.gs.outputs.title }}", "${{ env.body }}", "${{ steps.gs.outputs.result }}")
      """
    let found = try flows(yaml, step: "jobs.a.steps[1]")
    #expect(
      paths(found, field: "with.script") == [
        "github.event.issue.title → context.payload → steps.gs.outputs.title → with.script (job a, step 2)",
        "github.event.comment.body → env.C (job a, step 1) → env.BODY (exportVariable, job a, step 1) → with.script (job a, step 2)",
        "github.event.pull_request.head.ref → context.payload → steps.gs.outputs.result → with.script (job a, step 2)",
      ])
  }

  @Test("the event file read through jq, and files of an artifact from another run")
  func eventFileAndArtifacts() throws {
    let yaml = """
      on: workflow_run
      jobs:
        a:
          runs-on: ubuntu-24.04
          steps:
            - id: ev
              run: |
                TITLE=$(jq -r '.workflow_run.display_title' "$GITHUB_EVENT_PATH")
                echo "t=$TITLE" >> "$GITHUB_OUTPUT"
            - id: before
              run: echo "n=$(cat pr/number)" >> "$GITHUB_OUTPUT"
            - uses: dawidd6/action-download-artifact@v6
            - id: after
              run: echo "n=$(cat pr/number)" >> "$GITHUB_OUTPUT"
            - run: echo ${{ steps.ev.outputs.t }} ${{ steps.before.outputs.n }} ${{ steps.after.outputs.n }}
      """
    let found = try flows(yaml, step: "jobs.a.steps[4]")
    #expect(
      paths(found) == [
        "github.event.workflow_run.display_title → $GITHUB_EVENT_PATH → steps.ev.outputs.t → run (job a, step 5)",
        "artifact → artifact downloaded (job a, step 3) → steps.after.outputs.n → run (job a, step 5)",
      ])
  }

  @Test("composite actions: inputs through step env and outputs")
  func compositeAction() throws {
    let yaml = """
      name: a
      inputs:
        who: {}
      runs:
        using: composite
        steps:
          - id: s
            shell: bash
            env:
              WHO: ${{ inputs.who }}
            run: echo "w=$WHO" >> "$GITHUB_OUTPUT"
          - shell: bash
            run: echo "${{ steps.s.outputs.w }}"
      """
    let found = try flows(yaml, file: "action.yml", step: "runs.steps[1]")
    #expect(paths(found) == ["inputs.who → env.WHO (step 1) → steps.s.outputs.w → run (step 2)"])
  }

  @Test("a needs cycle, unknown steps and a step without id end the trail, never the pass")
  func brokenReferences() throws {
    let yaml = """
      on: push
      jobs:
        a:
          needs: b
          runs-on: ubuntu-24.04
          outputs:
            x: ${{ needs.b.outputs.x }}
          steps:
            - run: echo "x=${{ github.head_ref }}" >> "$GITHUB_OUTPUT"
            - run: echo "${{ steps.nope.outputs.x }} ${{ needs.b.outputs.x }}"
        b:
          needs: a
          runs-on: ubuntu-24.04
          outputs:
            x: ${{ needs.a.outputs.x }}
          steps:
            - run: echo "${{ needs.a.outputs.x }}"
      """
    #expect(try flows(yaml, step: "jobs.a.steps[1]").isEmpty)
    #expect(try flows(yaml, step: "jobs.b.steps[0]").isEmpty)
  }

  @Test("a needs chain thousands of jobs long is followed without recursion")
  func longNeedsChain() throws {
    var jobs = """
        j0:
          runs-on: ubuntu-24.04
          outputs:
            o: ${{ github.head_ref }}
          steps:
            - run: "true"

      """
    for index in 1..<3000 {
      jobs += """
          j\(index):
            needs: j\(index - 1)
            runs-on: ubuntu-24.04
            outputs:
              o: ${{ needs.j\(index - 1).outputs.o }}
            steps:
              - run: echo "${{ needs.j\(index - 1).outputs.o }}"

        """
    }
    let found = try flows("on: pull_request_target\njobs:\n" + jobs, step: "jobs.j2999.steps[0]")
    #expect(found.count == 1)
    #expect(found.first?["hops"]?.int == 2999)
    #expect(found.first?["context"]?.string == "github.head_ref")
    // The trail keeps its first and last hops, with "…" between them.
    let path = try #require(found.first?["path"]?.string)
    #expect(path.hasPrefix("github.head_ref → needs.j0.outputs.o → needs.j1.outputs.o → "))
    #expect(path.contains(" → … → "))
    #expect(path.hasSuffix("needs.j2997.outputs.o → needs.j2998.outputs.o → run (job j2999, step 1)"))
    #expect(path.components(separatedBy: " → ").count == TaintAnalysis.maxTrail + 2)
  }

  @Test("names with control characters and combining marks stay data in the path")
  func hostileNames() throws {
    let yaml = """
      on: issues
      jobs:
        "b\\u0301\\u202e\\u0007":
          runs-on: ubuntu-24.04
          env:
            T: ${{ github.event.issue.title }}
          steps:
            - run: echo "${{ env.T }}"
      """
    let job = "b\u{301}\u{202e}\u{7}"
    let found = try flows(yaml, step: "jobs.\(job).steps[0]")
    #expect(paths(found) == ["github.event.issue.title → env.T (job \(job)) → run (job \(job), step 1)"])
  }

  @Test("cost stays bounded: a long chain of env variables and a long script")
  func bounded() throws {
    var env = "  V0: ${{ github.head_ref }}\n"
    for index in 1..<300 { env += "  V\(index): ${{ env.V\(index - 1) }} ${{ github.event.issue.title }}\n" }
    var script = ""
    for index in 0..<5000 { script += "          x\(index)=$x\(max(0, index - 1))$V299\n" }
    let yaml = """
      on: issues
      env:
      \(env)jobs:
        a:
          runs-on: ubuntu-24.04
          steps:
            - id: s
              run: |
      \(script)          echo "o=$x4999" >> "$GITHUB_OUTPUT"
            - run: echo "${{ steps.s.outputs.o }}"
      """
    let found = try flows(yaml, step: "jobs.a.steps[1]")
    #expect(!found.isEmpty)
    #expect(found.count <= TaintAnalysis.maxOrigins)
  }
}

@Suite("GitHub container shapes")
struct ContainerShapeTests {
  @Test("credentials must be a mapping of strings; a container or service must not be a list")
  func shapes() throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("plumb-container-tests-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let file = ".github/workflows/w.yml"
    let url = URL(fileURLWithPath: directory + "/" + file)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    let yaml = """
      on: push
      jobs:
        a:
          runs-on: ubuntu-24.04
          container:
            image: ghcr.io/acme/build:1
            credentials: "user:password"
          services:
            db:
              image: postgres:16
              credentials:
                username: u
                password: [p]
                token: t
            cache: [redis]
            ok:
              image: redis:7
              credentials: ${{ fromJSON(secrets.CREDS) }}
          steps:
            - run: "true"
      """
    try Data(yaml.utf8).write(to: url)
    let graph = Ingestor().ingest(paths: [directory], root: directory).graph
    let found = graph.diagnostics.filter { $0.location?.path == file }
      .map { "\($0.code)@\($0.location?.span.start.line ?? 0)" }
    #expect(
      found == [
        "github.invalid-container@7", "github.invalid-container@13", "github.unknown-key@14",
        "github.invalid-container@15",
      ])
  }
}
