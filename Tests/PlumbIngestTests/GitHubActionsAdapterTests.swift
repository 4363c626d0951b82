import Foundation
import PlumbDiagnostics
import PlumbGraph
import PlumbYAML
import TestSupport
import Testing

@testable import PlumbIngest

// MARK: - Paths and helpers

private let packageRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let githubCorpusURL = SharedData.corpus("pipelines/github")
private let githubCorpus = githubCorpusURL.path
private let platformFixture = packageRoot.appendingPathComponent("fixtures/platform").path

/// The whole GitHub corpus ingested once, rooted at the corpus directory.
private enum CorpusGraph {
  static let result: IngestResult = Ingestor().ingest(paths: [githubCorpus])
  static var graph: DocumentGraph { result.graph }
}

private func entity(_ graph: DocumentGraph, _ id: String) throws -> Entity {
  try #require(graph.entity(EntityID(id)), "no entity '\(id)'")
}

private func strings(_ value: Value) -> [String] { value.elements.compactMap(\.string) }

private func edges(_ graph: DocumentGraph, from id: String, _ type: String) -> [String] {
  graph.edges(from: EntityID(id), type: type).map(\.to.rawValue)
}

/// The exact source text a location covers (read from the file under `root`).
private func sourceText(_ location: PlumbDiagnostics.SourceLocation, root: String) throws -> String {
  let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: root + "/" + location.path)))
  let range = location.span.byteRange
  try #require(range.upperBound <= bytes.count)
  return String(decoding: bytes[range], as: UTF8.self)
}

private func githubDiagnostics(_ graph: DocumentGraph) -> [Diagnostic] {
  graph.diagnostics.filter { $0.code.hasPrefix("github.") }
}

/// `code@line` of each diagnostic of `path`, in order.
private func diagnosticSummary(_ graph: DocumentGraph, path: String, prefix: String = "github.") -> [String] {
  graph.diagnostics.filter { $0.code.hasPrefix(prefix) && $0.location?.path == path }
    .map { "\($0.code)@\($0.location?.span.start.line ?? 0)" }
}

/// A scratch directory with `files` written into it (paths relative to it).
private func scratchDirectory(_ files: [String: String]) throws -> String {
  let directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("plumb-github-tests-\(UUID().uuidString)").path
  for (path, text) in files {
    let url = URL(fileURLWithPath: directory + "/" + path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
  }
  return directory
}

/// Ingests `files` from a scratch directory (all of it, or only `paths`), rooted there.
private func ingest(_ files: [String: String], only paths: [String]? = nil) throws -> (IngestResult, String) {
  let directory = try scratchDirectory(files)
  let inputs = paths.map { $0.map { directory + "/" + $0 } } ?? [directory]
  return (Ingestor().ingest(paths: inputs, root: directory), directory)
}

// MARK: - The platform fixture

@Suite("GitHubActionsAdapter")
struct GitHubActionsAdapterTests {
  static let ci = "github:.github/workflows/ci.yml"

  @Test("fixture ci.yml: triggers, permissions, jobs, needs, uses refs, expressions")
  func platformFixtureWorkflow() throws {
    let result = Ingestor().ingest(paths: [platformFixture])
    let graph = result.graph

    let workflow = try entity(graph, Self.ci)
    #expect(workflow.kind == EntityKinds.githubWorkflow)
    #expect(workflow.name == "ci")
    #expect(workflow.location.span.start.line == 1)
    #expect(strings(workflow.attributes["triggers"]) == ["push", "pull_request_target"])
    #expect(workflow.attributes["triggers"][1].location?.span.start.line == 5)
    #expect(workflow.attributes["permissions_kind"].string == "write-all")
    #expect(strings(workflow.attributes["write_scopes"]).contains("id-token"))
    #expect(strings(workflow.attributes["write_scopes"]).contains("contents"))
    #expect(workflow.attributes["file"].string == ".github/workflows/ci.yml")
    // Format keys stay views onto the file.
    #expect(workflow.attributes["on"]["push"]["branches"][0].string == "main")
    #expect(result.files.contains { $0.path == ".github/workflows/ci.yml" && $0.format == .githubWorkflow })

    let build = try entity(graph, Self.ci + "#jobs.build")
    #expect(build.kind == EntityKinds.githubJob)
    #expect(build.type == "steps")
    #expect(build.name == "build")
    #expect(build.location.span.start.line == 11)
    #expect(build.attributes["permissions_kind"].string == "missing")
    #expect(strings(build.attributes["runner_labels"]) == ["ubuntu-24.04"])
    #expect(build.attributes["self_hosted"].bool == false)
    #expect(strings(build.attributes["needs_list"]).isEmpty)
    #expect(edges(graph, from: build.id.rawValue, "inWorkflow") == [Self.ci])

    let deploy = try entity(graph, Self.ci + "#jobs.deploy")
    #expect(strings(deploy.attributes["needs_list"]) == ["build"])
    #expect(edges(graph, from: deploy.id.rawValue, "needs") == [Self.ci + "#jobs.build"])
    #expect(graph.edges(from: deploy.id, type: "needs").first?.location?.span.start.line == 24)
    #expect(deploy.attributes["permissions_kind"].string == "scoped")
    #expect(strings(deploy.attributes["write_scopes"]) == ["id-token"])
    #expect(deploy.attributes["write_scopes"][0].location?.span.start.line == 30)
    #expect(deploy.attributes["environment"].string == "production")
    let condition = deploy.attributes["expressions"][0]
    #expect(condition["text"].string == "github.ref == 'refs/heads/main'")
    #expect(condition["implicit"].bool == true)
    #expect(strings(condition["contexts"]) == ["github.ref"])

    let checkout = try entity(graph, Self.ci + "#jobs.build.steps[0]")
    #expect(checkout.kind == EntityKinds.githubStep)
    #expect(checkout.type == "uses")
    #expect(checkout.name == "actions/checkout@v4")
    #expect(checkout.attributes["index"].int == 0)
    #expect(checkout.attributes["job"].string == "build")
    let checkoutRef = checkout.attributes["uses_ref"]
    #expect(checkoutRef["kind"].string == "repository")
    #expect(checkoutRef["owner"].string == "actions")
    #expect(checkoutRef["repo"].string == "checkout")
    #expect(checkoutRef["path"].isMissing)
    #expect(checkoutRef["ref"].string == "v4")
    #expect(checkoutRef["ref_kind"].string == "version-tag")
    // The ref is located at its own bytes (what a pinning fix replaces).
    #expect(try sourceText(try #require(checkoutRef["ref"].location), root: platformFixture) == "v4")
    #expect(edges(graph, from: checkout.id.rawValue, "inJob") == [Self.ci + "#jobs.build"])
    let refExpression = checkout.attributes["expressions"][0]
    #expect(refExpression["field"].string == "with.ref")
    #expect(strings(refExpression["contexts"]) == ["github.event.pull_request.head.sha"])

    let setupJava = try entity(graph, Self.ci + "#jobs.build.steps[1]")
    #expect(setupJava.attributes["uses_ref"]["ref_kind"].string == "sha")
    #expect(setupJava.attributes["uses_ref"]["ref"].string == "c5195efecf7bdfc987ee8bae7a71cb8b11521c00")
    #expect(setupJava.attributes["uses_ref"]["repo"].string == "setup-java")

    let greet = try entity(graph, Self.ci + "#jobs.build.steps[2]")
    #expect(greet.type == "run")
    #expect(greet.name == "Greet")
    #expect(greet.attributes["shell"].string == "bash")
    #expect(greet.attributes["run"].string == "echo \"Building ${{ github.event.pull_request.title }}\"")
    let greeting = greet.attributes["expressions"][0]
    #expect(greeting["field"].string == "run")
    #expect(greeting["text"].string == "github.event.pull_request.title")
    #expect(strings(greeting["contexts"]) == ["github.event.pull_request.title"])
    let greetingLocation = try #require(greeting.location)
    #expect(try sourceText(greetingLocation, root: platformFixture) == "${{ github.event.pull_request.title }}")
    #expect(greetingLocation.span.start.line == 21)
    #expect(greetingLocation.span.start.column == 29)

    let gradle = try entity(graph, Self.ci + "#jobs.build.steps[3]")
    #expect(gradle.name == "./gradlew build")
    #expect(try entity(graph, Self.ci + "#jobs.deploy.steps[0]").attributes["uses_ref"]["ref_kind"].string == "sha")
    #expect(graph.entities(ofKind: EntityKinds.githubStep).filter { $0.id.rawValue.hasPrefix(Self.ci) }.count == 6)
    #expect(githubDiagnostics(graph).isEmpty, "\(githubDiagnostics(graph))")
  }

  // MARK: - Corpus: everything ingests

  @Test("every workflow and action of the corpus ingests; diagnostics are positioned", .requires(sharedData: githubCorpusURL))
  func corpusIngests() throws {
    let graph = CorpusGraph.graph
    let workflows = graph.entities(ofKind: EntityKinds.githubWorkflow)
    let actions = graph.entities(ofKind: EntityKinds.githubAction)
    // 494 workflows and 18 actions are recognised in the corpus as collected (it may only grow).
    #expect(workflows.count >= 494)
    #expect(actions.count >= 18)
    #expect(graph.entities(ofKind: EntityKinds.githubJob).count >= 894)
    #expect(graph.entities(ofKind: EntityKinds.githubStep).count >= 2_730)
    for diagnostic in graph.diagnostics where diagnostic.code.hasPrefix("github.") {
      #expect(diagnostic.location != nil, "\(diagnostic.code): \(diagnostic.message)")
    }
    // The real repositories are valid: no adapter diagnostic at all.
    let realworld = graph.diagnostics.filter {
      $0.code.hasPrefix("github.") && ($0.location?.path.hasPrefix("realworld/") ?? false)
    }
    #expect(realworld.isEmpty, "\(realworld.map { "\($0.location!): \($0.code) \($0.message)" })")
    #expect(workflows.filter { $0.id.rawValue.hasPrefix("github:realworld/") }.count == 54)
    // Every edge the adapter made resolved (dangling ones are dropped with a diagnostic).
    #expect(!graph.diagnostics.contains { $0.code == "graph.dangling-edge" })
    #expect(!graph.diagnostics.contains { $0.code == "graph.duplicate-id" })
  }

  /// Files that are broken on purpose, read as workflows or actions whatever their content: each
  /// must give the positioned diagnostic that says why.
  static let brokenOnPurpose: [(path: String, code: String, line: Int, reason: String)] = [
    ("actionlint/err/yaml_syntax_error.yaml", "yaml.syntax", 2, "'steps: -' is not YAML"),
    ("actionlint/examples/broken_yaml.yaml", "yaml.syntax", 6, "'run: foo:' is not YAML"),
    ("actionlint/err/empty.yaml", "github.empty-workflow", 1, "an empty file"),
    ("actionlint/err/missing_jobs.yaml", "github.missing-jobs", 2, "only 'on: push'"),
    ("actionlint/err/missing_on.yaml", "github.missing-on", 3, "no 'on'"),
    ("actionlint/err/no_job.yaml", "github.invalid-jobs", 3, "'jobs:' is null"),
    ("actionlint/err/invalid_steps.yaml", "github.step-with-uses-and-run", 8, "uses and run in one step"),
    ("actionlint/err/invalid_steps.yaml", "github.invalid-steps", 21, "steps is a mapping"),
    ("actionlint/err/invalid_steps.yaml", "github.step-without-uses-or-run", 25, "a step of unknown keys"),
    ("actionlint/err/undefined_anchor.yaml", "yaml.undefined-alias", 8, "alias before its anchor"),
    ("actionlint/err/recursive_anchors.yaml", "yaml.recursive-alias", 9, "an anchor containing its alias"),
    ("actionlint/examples/invalid_ids_in_needs.yaml", "github.unknown-need", 9, "needs: [unknown]"),
    ("actionlint/examples/invalid_ids_in_needs.yaml", "github.duplicate-need", 4, "needs: [bar, BAR]"),
    ("actionlint/examples/cyclic_deps_needs.yaml", "github.needs-cycle", 9, "prepare → build → install → prepare"),
    ("actionlint/examples/permissions.yaml", "github.invalid-permissions", 4, "permissions: write"),
    ("actionlint/err/issue170_empty_permissions.yaml", "github.invalid-permissions", 12, "permissions: (null)"),
    ("actionlint/examples/workflow_call_jobs.yaml", "github.invalid-uses", 9, "a local workflow with '@main'"),
    ("zizmor/test-data/invalid/bad-yaml-1.yml", "github.invalid-workflow", 1, "the document is the scalar 'lol'"),
    ("zizmor/test-data/invalid/bad-yaml-2.yml", "yaml.syntax", 3, "not YAML"),
    ("zizmor/test-data/invalid/blank.yml", "github.empty-workflow", 1, "blank lines only"),
    ("zizmor/test-data/invalid/comment-only.yml", "github.empty-workflow", 1, "a comment only"),
    ("zizmor/test-data/invalid/empty.yml", "github.empty-workflow", 1, "an empty file"),
    ("zizmor/test-data/invalid/empty-action/action.yml", "github.empty-action", 1, "an empty action file"),
    ("zizmor/test-data/invalid/invalid-action-1/action.yml", "github.missing-using", 11, "'using' commented out"),
    ("zizmor/test-data/invalid/invalid-action-2/action.yml", "yaml.syntax", 3, "not YAML"),
    ("zizmor/test-data/invalid/invalid-workflow.yml", "github.missing-runs-on", 10, "a job without runs-on"),
    ("zizmor/test-data/invalid/invalid-workflow-2.yml", "github.unknown-key", 3, "a top-level 'boom:' key"),
    (
      "zizmor/test-data/invalid/issue-1395-repro-duplicate-mapping-keys.yml", "yaml.duplicate-key", 14,
      "'env' twice in one step"
    ),
  ]

  @Test("files broken on purpose give positioned diagnostics", .requires(sharedData: githubCorpusURL))
  func brokenOnPurposeFiles() throws {
    var context = IngestContext(root: githubCorpus)
    var adapter = GitHubActionsAdapter()
    var seen = Set<String>()
    for file in Self.brokenOnPurpose where seen.insert(file.path).inserted {
      let loaded = context.load(githubCorpus + "/" + file.path)
      let format: InputFormat = file.path.hasSuffix("/action.yml") ? .githubAction : .githubWorkflow
      adapter.ingest(
        LoadedInput(path: loaded.path, absolutePath: loaded.absolutePath, result: loaded.result, format: format),
        context: &context)
    }
    adapter.finish(context: &context)
    let graph = context.graph.build()
    for file in Self.brokenOnPurpose {
      let found = graph.diagnostics.contains {
        $0.code == file.code && $0.location?.path == file.path && $0.location?.span.start.line == file.line
      }
      #expect(
        found,
        "\(file.path): expected \(file.code) at line \(file.line) (\(file.reason)); got \(diagnosticSummary(graph, path: file.path, prefix: ""))"
      )
    }
    #expect(graph.diagnostics.allSatisfy { $0.location != nil })
  }

  @Test("every YAML file of the corpus, forced through the adapter, never traps", .requires(sharedData: githubCorpusURL))
  func everyFileForced() throws {
    var context = IngestContext(root: githubCorpus)
    var adapter = GitHubActionsAdapter()
    let files = InputWalker().walk(githubCorpus).filter { !$0.hasSuffix(".json") }
    #expect(files.count > 500)
    for path in files {
      let loaded = context.load(path)
      let name = path.split(separator: "/").last ?? ""
      let format: InputFormat = name == "action.yml" || name == "action.yaml" ? .githubAction : .githubWorkflow
      adapter.ingest(
        LoadedInput(path: loaded.path, absolutePath: loaded.absolutePath, result: loaded.result, format: format),
        context: &context)
    }
    adapter.finish(context: &context)
    let graph = context.graph.build()
    #expect(graph.diagnostics.allSatisfy { $0.location != nil })
    #expect(graph.entities(ofKind: EntityKinds.githubWorkflow).count > 500)
  }

  // MARK: - Real workflows, checked against their text

  static let uv = "github:realworld/astral-sh__uv@8ed803e507f4/.github/workflows/"
  static let curl = "github:realworld/curl__curl@6c8956c1cbf5/.github/workflows/"
  static let warehouse = "github:realworld/pypi__warehouse@9ed30d191788/.github/workflows/"
  static let zizmor = "github:zizmor/test-data/"

  @Test(
    "curl checksrc.yml: quoted 'on' key, permissions {}, jobs, sha pins, env expression", .requires(sharedData: githubCorpusURL))
  func curlChecksrc() throws {
    let graph = CorpusGraph.graph
    let id = Self.curl + "checksrc.yml"
    let workflow = try entity(graph, id)
    #expect(workflow.name == "Source")
    #expect(strings(workflow.attributes["triggers"]) == ["push", "pull_request"])
    #expect(workflow.attributes["permissions_kind"].string == "none")
    let jobs = graph.edges(to: EntityID(id), type: "inWorkflow").map(\.from.rawValue)
    #expect(jobs == ["checksrc", "complexity", "linters", "miscchecks", "xmllint"].map { id + "#jobs." + $0 })
    let checksrc = try entity(graph, id + "#jobs.checksrc")
    #expect(strings(checksrc.attributes["runner_labels"]) == ["ubuntu-24.04-arm"])
    let checkout = try entity(graph, id + "#jobs.checksrc.steps[0]")
    #expect(checkout.attributes["uses_ref"]["ref"].string == "8e8c483db84b4bee98b60c0593521ed34d9990e8")
    #expect(checkout.attributes["uses_ref"]["ref_kind"].string == "sha")
    let check = try entity(graph, id + "#jobs.checksrc.steps[1]")
    #expect(check.name == "check")
    #expect(check.type == "run")
    #expect(graph.entity(EntityID(id + "#jobs.checksrc.steps[2]")) == nil)
    // `GH_TOKEN: '${{ secrets.GITHUB_TOKEN }}'` (single-quoted) on line 151.
    let zizmorStep = try entity(graph, id + "#jobs.miscchecks.steps[2]")
    #expect(zizmorStep.name == "zizmor GHA")
    let token = zizmorStep.attributes["expressions"][0]
    #expect(token["field"].string == "env.GH_TOKEN")
    #expect(strings(token["contexts"]) == ["secrets.github_token"])
    let location = try #require(token.location)
    #expect(location.span.start.line == 151)
    #expect(try sourceText(location, root: githubCorpus) == "${{ secrets.GITHUB_TOKEN }}")
  }

  @Test("curl fuzz.yml: a job calling a remote reusable workflow on a branch", .requires(sharedData: githubCorpusURL))
  func curlFuzz() throws {
    let job = try entity(CorpusGraph.graph, Self.curl + "fuzz.yml#jobs.Fuzzing")
    #expect(job.type == "reusable")
    let ref = job.attributes["uses_ref"]
    #expect(ref["kind"].string == "repository")
    #expect(ref["owner"].string == "curl")
    #expect(ref["repo"].string == "curl-fuzzer")
    #expect(ref["path"].string == ".github/workflows/ci.yml")
    #expect(ref["ref"].string == "master")
    #expect(ref["ref_kind"].string == "branch-or-tag")
    #expect(job.attributes["secrets_inherit"].bool == false)
    #expect(CorpusGraph.graph.edges(from: job.id, type: "callsWorkflow").isEmpty)
  }

  @Test(
    "uv release.yml: local reusable workflows, secrets: inherit, needs lists, scoped writes",
    .requires(sharedData: githubCorpusURL))
  func uvRelease() throws {
    let graph = CorpusGraph.graph
    let id = Self.uv + "release.yml"
    let workflow = try entity(graph, id)
    #expect(workflow.name == "Release")
    #expect(strings(workflow.attributes["triggers"]) == ["workflow_dispatch"])
    #expect(workflow.attributes["permissions_kind"].string == "scoped")
    #expect(strings(workflow.attributes["write_scopes"]) == ["contents"])

    let binaries = try entity(graph, id + "#jobs.custom-build-release-binaries")
    #expect(binaries.type == "reusable")
    #expect(binaries.attributes["secrets_inherit"].bool == true)
    #expect(binaries.attributes["uses_ref"]["kind"].string == "local")
    #expect(binaries.attributes["uses_ref"]["path"].string == ".github/workflows/build-release-binaries.yml")
    #expect(edges(graph, from: binaries.id.rawValue, "callsWorkflow") == [Self.uv + "build-release-binaries.yml"])
    #expect(edges(graph, from: binaries.id.rawValue, "needs") == [id + "#jobs.plan"])

    let docker = try entity(graph, id + "#jobs.custom-build-docker")
    #expect(docker.attributes["permissions_kind"].string == "scoped")
    #expect(strings(docker.attributes["write_scopes"]) == ["attestations", "id-token", "packages"])
    #expect(edges(graph, from: docker.id.rawValue, "callsWorkflow") == [Self.uv + "build-docker.yml"])

    let global = try entity(graph, id + "#jobs.build-global-artifacts")
    #expect(
      strings(global.attributes["needs_list"]) == ["plan", "custom-build-release-binaries", "custom-build-docker"])
    #expect(
      Set(edges(graph, from: global.id.rawValue, "needs"))
        == Set(["plan", "custom-build-release-binaries", "custom-build-docker"].map { id + "#jobs." + $0 }))
    #expect(strings(global.attributes["runner_labels"]) == ["depot-ubuntu-latest-4"])

    let plan = try entity(graph, id + "#jobs.plan")
    let checkout = try entity(graph, id + "#jobs.plan.steps[0]")
    #expect(checkout.attributes["uses_ref"]["ref"].string == "11bd71901bbe5b1630ceea73d27597364c9af683")
    #expect(checkout.attributes["uses_ref"]["ref_kind"].string == "sha")
    let install = try entity(graph, id + "#jobs.plan.steps[1]")
    #expect(install.name == "Install dist")
    #expect(install.attributes["shell"].string == "bash")
    #expect(install.attributes["shell"].node != nil)  // the step's own `shell:` key
    let planStep = try entity(graph, id + "#jobs.plan.steps[3]")
    #expect(planStep.name == "plan")  // from `id:`
    let dist = planStep.attributes["expressions"][0]
    #expect(
      dist["text"].string
        == "(inputs.tag && inputs.tag != 'dry-run' && format('host --steps=create --tag={0}', inputs.tag)) || 'plan'")
    #expect(strings(dist["contexts"]) == ["inputs.tag"])
    #expect(plan.attributes["expressions"][0]["field"].string == "env.GH_TOKEN")
  }

  @Test("uv ci.yml calls 17 local reusable workflows", .requires(sharedData: githubCorpusURL))
  func uvCI() throws {
    let graph = CorpusGraph.graph
    let id = Self.uv + "ci.yml"
    let calls = graph.edges.filter { $0.type == "callsWorkflow" && $0.from.rawValue.hasPrefix(id + "#") }
    #expect(calls.count == 17)
    #expect(calls.allSatisfy { graph.entity($0.to)?.kind == EntityKinds.githubWorkflow })
    #expect(edges(graph, from: id + "#jobs.test", "callsWorkflow") == [Self.uv + "test.yml"])
  }

  @Test("warehouse ci.yml: implicit if, expression runner, container and service images", .requires(sharedData: githubCorpusURL))
  func warehouseCI() throws {
    let graph = CorpusGraph.graph
    let id = Self.warehouse + "ci.yml"
    let workflow = try entity(graph, id)
    #expect(strings(workflow.attributes["triggers"]) == ["push", "pull_request", "merge_group", "workflow_dispatch"])
    #expect(workflow.attributes["permissions_kind"].string == "scoped")
    #expect(strings(workflow.attributes["write_scopes"]).isEmpty)

    let build = try entity(graph, id + "#jobs.build")
    let condition = build.attributes["expressions"][0]
    #expect(condition["implicit"].bool == true)
    #expect(condition["text"].string == "github.repository == 'pypi/warehouse'")
    #expect(
      try sourceText(try #require(condition.location), root: githubCorpus) == "github.repository == 'pypi/warehouse'")
    #expect(strings(build.attributes["write_scopes"]) == ["id-token"])
    let buildImage = try entity(graph, id + "#jobs.build.steps[2]")
    #expect(buildImage.name == "Build image")
    #expect(buildImage.attributes["uses_ref"]["owner"].string == "depot")
    #expect(buildImage.attributes["uses_ref"]["repo"].string == "build-push-action")
    #expect(buildImage.attributes["expressions"][0]["field"].string == "with.tags")

    let test = try entity(graph, id + "#jobs.test")
    #expect(edges(graph, from: test.id.rawValue, "needs") == [id + "#jobs.build"])
    #expect(
      strings(test.attributes["runner_labels"])
        == ["${{ (matrix.runs_on != null) && matrix.runs_on || 'depot-ubuntu-24.04-arm' }}"])
    #expect(test.attributes["self_hosted"].bool == false)
    let images = test.attributes["container_images"].elements
    #expect(
      images.map { $0["field"].string ?? "" } == [
        "container", "services.postgres", "services.redis", "services.stripe",
      ])
    #expect(images[0]["image"].string == "registry.depot.dev/rltf7cln5v")
    #expect(images[0]["tag"].string == "${{ needs.build.outputs.buildId }}")
    #expect(images[1]["tag"].isMissing)  // `${{ … && 'postgres:17.5' || '' }}` is not split
    let run = try entity(graph, id + "#jobs.test.steps[2]")
    #expect(run.name == "Run ${{ matrix.name }}")
    #expect(strings(run.attributes["expressions"][0]["contexts"]) == ["matrix.command"])

    let checkDB = try entity(graph, id + "#jobs.check_db")
    #expect(checkDB.attributes["container_images"][1]["image"].string == "postgres")
    #expect(checkDB.attributes["container_images"][1]["tag"].string == "17.5")
  }

  @Test("a null container or service image is no image")
  func nullContainerImages() throws {
    let (result, _) = try ingest([
      ".github/workflows/ci.yml": """
      on: push
      jobs:
        plain:
          runs-on: ubuntu-24.04
          container: null
          services:
            db:
              image: ~
            cache:
              image:
            queue: null
            web:
              image: "null"
          steps:
            - run: make
        tilde:
          runs-on: ubuntu-24.04
          container: ~
          steps:
            - run: make
        empty:
          runs-on: ubuntu-24.04
          container:
          steps:
            - run: make
        mapped:
          runs-on: ubuntu-24.04
          container:
            image: null
            options: --cpus 1
          steps:
            - run: make

      """
    ])
    let graph = result.graph
    let id = "github:.github/workflows/ci.yml#jobs."
    let plain = try entity(graph, id + "plain").attributes["container_images"].elements
    // Only the quoted string "null" names an image (GitHub would pull an image called `null`).
    #expect(plain.map { $0["field"].string ?? "" } == ["services.web"])
    #expect(plain.first?["raw"].string == "null")
    for job in ["tilde", "empty", "mapped"] {
      let images = try entity(graph, id + job).attributes["container_images"]
      #expect(images.kind == .list && images.elements.isEmpty, "\(job)")
    }
    #expect(diagnosticSummary(graph, path: ".github/workflows/ci.yml").isEmpty)
  }

  @Test("zizmor template-injection.yml: an expression in a github-script input", .requires(sharedData: githubCorpusURL))
  func zizmorTemplateInjection() throws {
    let graph = CorpusGraph.graph
    let id = Self.zizmor + "template-injection.yml"
    #expect(strings(try entity(graph, id).attributes["triggers"]) == ["issues"])
    let step = try entity(graph, id + "#jobs.inject-me.steps[0]")
    #expect(step.attributes["uses_ref"]["repo"].string == "github-script")
    #expect(step.attributes["uses_ref"]["ref_kind"].string == "sha")
    let expression = step.attributes["expressions"][0]
    #expect(expression["field"].string == "with.script")
    #expect(strings(expression["contexts"]) == ["github.event.issue.title"])
    let location = try #require(expression.location)
    #expect(location.span.start.line == 19)
    #expect(try sourceText(location, root: githubCorpus) == "${{ github.event.issue.title }}")
  }

  @Test("zizmor several-vulnerabilities.yml: pull_request_target, write-all twice", .requires(sharedData: githubCorpusURL))
  func zizmorSeveralVulnerabilities() throws {
    let graph = CorpusGraph.graph
    let id = Self.zizmor + "several-vulnerabilities.yml"
    let workflow = try entity(graph, id)
    #expect(strings(workflow.attributes["triggers"]) == ["pull_request_target"])
    #expect(workflow.attributes["permissions_kind"].string == "write-all")
    let job = try entity(graph, id + "#jobs.hackme")
    #expect(job.attributes["permissions_kind"].string == "write-all")
    #expect(strings(job.attributes["write_scopes"]) == Permissions.writeAllScopes)
    let expression = try entity(graph, id + "#jobs.hackme.steps[0]").attributes["expressions"][0]
    #expect(strings(expression["contexts"]) == ["github.event.pull_request.title"])
    #expect(
      try sourceText(try #require(expression.location), root: githubCorpus) == "${{ github.event.pull_request.title }}")
  }

  @Test(
    "zizmor github_env.yml and multiline-expression.yml: env fields and multi-line expressions",
    .requires(sharedData: githubCorpusURL))
  func zizmorEnvAndMultiline() throws {
    let graph = CorpusGraph.graph
    let env = try entity(graph, Self.zizmor + "github_env.yml#jobs.vulnerable.steps[0]")
    #expect(env.attributes["expressions"][0]["field"].string == "env.TITLE")
    #expect(strings(env.attributes["expressions"][0]["contexts"]) == ["github.event.pull_request.title"])

    let id = Self.zizmor + "template-injection/multiline-expression.yml#jobs.inject-me"
    let first = try entity(graph, id + ".steps[0]").attributes["expressions"][0]
    #expect(strings(first["contexts"]) == ["some.ctx", "foo.bar", "baz.qux"])
    #expect(first["text"].string == "some.ctx\n  && foo.bar\n  || baz.qux")
    let firstLocation = try #require(first.location)
    #expect(firstLocation.span.start.line == 17)
    #expect(firstLocation.span.end.line == 21)
    #expect(
      try sourceText(firstLocation, root: githubCorpus)
        == "${{\n            some.ctx\n            && foo.bar\n            || baz.qux\n          }}")
    let second = try entity(graph, id + ".steps[1]").attributes["expressions"][0]
    #expect(strings(second["contexts"]) == ["inputs.free-threading"])
    let secondText = try sourceText(try #require(second.location), root: githubCorpus)
    #expect(secondText.hasPrefix("${{\n              fromJSON(inputs.free-threading)"))
    #expect(secondText.hasSuffix("}}"))
  }

  @Test("zizmor self-hosted: label lists, groups, matrix expressions", .requires(sharedData: githubCorpusURL))
  func zizmorSelfHosted() throws {
    let graph = CorpusGraph.graph
    let labels = try entity(graph, Self.zizmor + "self-hosted.yml#jobs.whops")
    #expect(strings(labels.attributes["runner_labels"]) == ["self-hosted", "my-ubuntu-box"])
    #expect(labels.attributes["self_hosted"].bool == true)
    let group = try #require(
      graph.entities(ofKind: EntityKinds.githubJob).first {
        $0.id.rawValue.hasPrefix(Self.zizmor + "self-hosted/self-hosted-runner-group.yml#")
      })
    #expect(group.attributes["runner_group"].string == "ubuntu-runners")
    #expect(strings(group.attributes["runner_labels"]).isEmpty)
    let matrix = try #require(
      graph.entities(ofKind: EntityKinds.githubJob).first {
        $0.id.rawValue.hasPrefix(Self.zizmor + "self-hosted/self-hosted-matrix-dimension.yml#")
      })
    #expect(strings(matrix.attributes["runner_labels"]) == ["${{ matrix.os }}"])
    #expect(matrix.attributes["self_hosted"].bool == false)
  }

  @Test("zizmor parallel steps and a block-scalar uses", .requires(sharedData: githubCorpusURL))
  func zizmorParallelAndBlockUses() throws {
    let graph = CorpusGraph.graph
    let job = Self.zizmor + "parallel-steps/basic.yml#jobs.hackme"
    let group = try entity(graph, job + ".steps[0]")
    #expect(group.type == "parallel")
    let inner = try entity(graph, job + ".steps[0].parallel[0]")
    #expect(inner.type == "run")
    #expect(inner.name == "hackme")
    #expect(edges(graph, from: inner.id.rawValue, "inJob") == [job])
    #expect(edges(graph, from: inner.id.rawValue, "inParallel") == [group.id.rawValue])
    #expect(strings(inner.attributes["expressions"][0]["contexts"]) == ["github.event.pull_request.title"])

    // `uses: |` with the reference on the next line (zizmor issue 1543): trimmed, ref located.
    let step = try entity(graph, Self.zizmor + "unpinned-uses/issue-1543-repro.yml#jobs.repro.steps[1]")
    #expect(step.attributes["uses_ref"]["raw"].string == "actions/checkout@v4")
    #expect(step.attributes["uses_ref"]["ref_kind"].string == "version-tag")
    let ref = try #require(step.attributes["uses_ref"]["ref"].location)
    #expect(ref.span.start.line == 18)
    #expect(try sourceText(ref, root: githubCorpus) == "v4")
  }

  @Test("zizmor composite actions: steps, shells, expressions", .requires(sharedData: githubCorpusURL))
  func zizmorCompositeAction() throws {
    let graph = CorpusGraph.graph
    let id = Self.zizmor + "issue-612-repro/action.yml"
    let action = try entity(graph, id)
    #expect(action.kind == EntityKinds.githubAction)
    #expect(action.type == "composite")
    #expect(action.name == "Automerge dependabot and pre-commit.ci PRs")
    #expect(action.attributes["using"].string == "composite")
    let step = try entity(graph, id + "#runs.steps[0]")
    #expect(step.name == "Verify allowed PRs (dependabot and pre-commit.ci)")
    #expect(step.attributes["shell"].string == "bash")
    #expect(step.attributes["job"].isMissing)
    #expect(edges(graph, from: step.id.rawValue, "inAction") == [id])
    let contexts = step.attributes["expressions"].elements.flatMap { strings($0["contexts"]) }
    #expect(contexts.contains("github.event.pull_request.user.login"))
    let docker = try entity(graph, Self.zizmor + "pr-960-backstop/action.yml")
    #expect(docker.type == "docker")
  }

  // MARK: - Expression spans

  @Test("expression spans slice the source exactly: literal, multibyte, quoted, folded, multi-line")
  func expressionSpans() throws {
    let workflow = """
      name: spans
      on: issues
      jobs:
        j:
          runs-on: ubuntu-latest
          steps:
            - name: literal
              run: |
                echo "héllo ✓ ${{ github.event.issue.title }}"
                echo 'ünïcødé' ${{ inputs.x }} && ${{ steps.a.outputs.b }}
                echo ${{
                  github.head_ref
                }}
            - uses: actions/github-script@v7
              env:
                A: '${{ github.event.comment.body }} it''s ${{ github.actor == ''x'' }}'
                B: "😀 ${{ secrets['TOKEN'] }}"
              with:
                folded: >
                  x ${{ github.event.issue.body }}
                  y
              if: ${{ github.actor == 'dependabot[bot]' }}

      """
    let (result, root) = try ingest([".github/workflows/spans.yml": workflow])
    defer { try? FileManager.default.removeItem(atPath: root) }
    let graph = result.graph
    let prefix = "github:.github/workflows/spans.yml#jobs.j.steps"
    let lines = workflow.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)

    let literal = try entity(graph, prefix + "[0]").attributes["expressions"].elements
    #expect(
      literal.map { $0["text"].string ?? "" } == [
        "github.event.issue.title", "inputs.x", "steps.a.outputs.b", "github.head_ref",
      ])
    #expect(literal.allSatisfy { $0["field"].string == "run" })
    for expression in literal.prefix(3) {
      let location = try #require(expression.location)
      let text = try sourceText(location, root: root)
      #expect(text == "${{ \(expression["text"].string ?? "") }}")
      // Columns count code points: the line's prefix before `${{` decides.
      let line = lines[location.span.start.line - 1]
      let before = try #require(line.range(of: text)?.lowerBound)
      #expect(location.span.start.column == line[..<before].unicodeScalars.count + 1)
    }
    let multibyte = try #require(literal[0].location)
    #expect(multibyte.span.start.line == 9)
    #expect(multibyte.span.start.column == 25)  // `          echo "héllo ✓ ` is 24 code points
    let multiline = try #require(literal[3].location)
    #expect(multiline.span.start.line == 11)
    #expect(multiline.span.end.line == 13)
    #expect(try sourceText(multiline, root: root) == "${{\n            github.head_ref\n          }}")

    let uses = try entity(graph, prefix + "[1]").attributes["expressions"].elements
    #expect(uses.map { $0["field"].string ?? "" } == ["env.A", "env.A", "env.B", "with.folded", "if"])
    #expect(
      uses.map { $0["text"].string ?? "" } == [
        "github.event.comment.body", "github.actor == 'x'", "secrets['TOKEN']", "github.event.issue.body",
        "github.actor == 'dependabot[bot]'",
      ])
    #expect(try sourceText(try #require(uses[1].location), root: root) == "${{ github.actor == ''x'' }}")
    #expect(try sourceText(try #require(uses[2].location), root: root) == "${{ secrets['TOKEN'] }}")
    #expect(try #require(uses[2].location).span.start.column == 17)  // `          B: "😀 ` is 16 code points
    #expect(strings(uses[2]["contexts"]) == ["secrets.token"])
    #expect(try sourceText(try #require(uses[3].location), root: root) == "${{ github.event.issue.body }}")
    #expect(uses[4]["implicit"].bool == false)
    #expect(strings(uses[4]["contexts"]) == ["github.actor"])
  }

  // MARK: - Unit behaviour

  @Test("uses references: kinds, owner/repo/path, refs and their kinds")
  func usesReferences() throws {
    func parse(_ text: String) throws -> UsesReference { try #require(UsesReference.parse(text), "\(text)") }
    let checkout = try parse("actions/checkout@v4")
    #expect(checkout.kind == .repository)
    #expect(checkout.owner == "actions")
    #expect(checkout.repo == "checkout")
    #expect(checkout.path == nil)
    #expect(checkout.ref == "v4")
    #expect(checkout.refKind == "version-tag")
    let init_ = try parse("github/codeql-action/init@v3.28.0")
    #expect(init_.path == "init")
    #expect(init_.refKind == "version-tag")
    #expect(try parse("owner/repo/.github/workflows/x.yml@main").path == ".github/workflows/x.yml")
    let kinds: [(String, String)] = [
      ("a/b@11bd71901bbe5b1630ceea73d27597364c9af683", "sha"),
      ("a/b@11BD71901BBE5B1630CEEA73D27597364C9AF683", "sha"),
      ("a/b@11bd719", "short-sha"),
      ("a/b@deadbeefcafe", "short-sha"),
      ("a/b@11bd71901bbe5b1630ceea73d27597364c9af6831", "branch-or-tag"),  // 41 hex
      ("a/b@v1", "version-tag"),
      ("a/b@1.2", "version-tag"),
      ("a/b@v1.2.3-beta.1", "version-tag"),
      ("a/b@v2+build.5", "version-tag"),
      ("a/b@v1.x", "branch-or-tag"),
      ("a/b@main", "branch-or-tag"),
      ("a/b@release/v1", "branch-or-tag"),
      ("a/b@abc", "branch-or-tag"),  // hex, but shorter than 7
      ("a/b", "none"),
    ]
    for (text, kind) in kinds { #expect(try parse(text).refKind == kind, "\(text)") }

    let local = try parse("./.github/actions/setup/")
    #expect(local.kind == .local)
    #expect(local.path == ".github/actions/setup")
    let selfRepository = try parse("$/actions/foo@v1")
    #expect(selfRepository.kind == .local)
    #expect(selfRepository.path == "actions/foo")
    #expect(selfRepository.ref == "v1")
    let docker = try parse("docker://alpine:3.21")
    #expect(docker.kind == .docker)
    #expect(docker.image == "alpine")
    #expect(docker.tag == "3.21")
    let registry = try parse("docker://ghcr.io:5000/owner/img@sha256:0123abcd")
    #expect(registry.image == "ghcr.io:5000/owner/img")
    #expect(registry.tag == nil)
    #expect(registry.digest == "sha256:0123abcd")
    let both = try parse("docker://img:1.0@sha256:ff")
    #expect(both.tag == "1.0")
    #expect(both.digest == "sha256:ff")
    #expect(try parse("  actions/checkout@v4\n").raw == "actions/checkout@v4")
    for invalid in ["", "checkout@v2", "./x@main", "a b/c@v1", "/foo/bar@main", "docker://"] {
      #expect(UsesReference.parse(invalid) == nil, "\(invalid)")
    }
  }

  @Test("expression contexts: members, indexes, filters, functions, literals")
  func expressionContexts() {
    let cases: [(String, [String])] = [
      ("github.event.pull_request.title", ["github.event.pull_request.title"]),
      ("toJSON(secrets)", ["secrets"]),
      ("secrets[format('GH_{0}', matrix.env)]", ["secrets[*]", "matrix.env"]),
      ("github.event['pull_request'].title", ["github.event.pull_request.title"]),
      ("github.event.commits[0].message", ["github.event.commits[0].message"]),
      ("github.event.issue.labels.*.name", ["github.event.issue.labels.*.name"]),
      (
        "contains(github.event.pull_request.labels.*.name, 'safe to test') && steps.build-step.outputs.result == 'true'",
        ["github.event.pull_request.labels.*.name", "steps.build-step.outputs.result"]
      ),
      ("'github.event.title' == env.X || true || null", ["env.x"]),
      ("fromJSON(needs.plan.outputs.val).ci.github.pr_run_mode == 'upload'", ["needs.plan.outputs.val"]),
      ("matrix.n > 1.5e3 && 0x1F", ["matrix.n"]),
      ("inputs.x == inputs.x", ["inputs.x"]),
      ("format('it''s {0}', vars.NAME)", ["vars.name"]),
      ("hashFiles('**/go.sum')", []),
      // GitHub compares context names and properties case-insensitively: one spelling, lower case.
      ("GITHUB.EVENT.ISSUE.TITLE", ["github.event.issue.title"]),
      ("GitHub.Event.Pull_Request.Title", ["github.event.pull_request.title"]),
      ("GITHUB.event", ["github.event"]),
      ("github.EVENT.issue.body", ["github.event.issue.body"]),
      ("toJSON(SECRETS)", ["secrets"]),
      // Index syntax, with the property names in any case, and white space between the parts.
      ("github['event']['issue']['title']", ["github.event.issue.title"]),
      ("github['EVENT']['Issue']['TITLE']", ["github.event.issue.title"]),
      ("github.event['pull_request'].title", ["github.event.pull_request.title"]),
      ("github [ 'event' ] . issue . title", ["github.event.issue.title"]),
      ("github\n  .event\n  .issue\n  .title", ["github.event.issue.title"]),
      ("github.event.commits [ 0 ] . message", ["github.event.commits[0].message"]),
      ("github.event.pages [ * ] . page_name", ["github.event.pages.*.page_name"]),
      ("github . event . issue . labels . * . name", ["github.event.issue.labels.*.name"]),
      ("github['head_ref']", ["github.head_ref"]),
      ("secrets [ format('{0}', matrix.env) ]", ["secrets[*]", "matrix.env"]),
    ]
    for (expression, expected) in cases {
      #expect(ExpressionScanner.contexts(in: expression) == expected, "\(expression)")
    }
  }

  @Test("permissions and runs-on forms, default shells")
  func permissionsAndRunners() throws {
    let workflow = """
      on: push
      permissions: read-all
      jobs:
        none:
          runs-on: [self-hosted, linux, arm64]
          permissions: {}
          steps: [{run: a}]
        all:
          runs-on: {group: big-runners, labels: [Self-Hosted, gpu]}
          permissions: write-all
          steps: [{run: a}]
        scoped:
          runs-on: {group: big, labels: linux}
          permissions:
            contents: read
            pull-requests: write
            issues: none
          steps: [{run: a}]
        missing:
          runs-on: windows-latest
          steps: [{run: a}, {run: b, shell: cmd}]
        matrix:
          runs-on: ${{ matrix.os }}
          defaults: {run: {shell: sh}}
          steps: [{run: a}]
        broken:
          runs-on: ubuntu-latest
          permissions:
            contents: writ
            metadata: read
          steps: [{run: a}]

      """
    let (result, root) = try ingest([".github/workflows/p.yml": workflow])
    defer { try? FileManager.default.removeItem(atPath: root) }
    let graph = result.graph
    let id = "github:.github/workflows/p.yml"
    #expect(try entity(graph, id).attributes["permissions_kind"].string == "read-all")
    func job(_ name: String) throws -> Entity { try entity(graph, id + "#jobs." + name) }
    #expect(try job("none").attributes["permissions_kind"].string == "none")
    #expect(try job("none").attributes["self_hosted"].bool == true)
    #expect(try strings(job("none").attributes["runner_labels"]) == ["self-hosted", "linux", "arm64"])
    #expect(try job("all").attributes["permissions_kind"].string == "write-all")
    #expect(try strings(job("all").attributes["write_scopes"]).count == Permissions.writeAllScopes.count)
    #expect(try job("all").attributes["runner_group"].string == "big-runners")
    #expect(try strings(job("all").attributes["runner_labels"]) == ["Self-Hosted", "gpu"])
    #expect(try job("all").attributes["self_hosted"].bool == true)
    #expect(try job("scoped").attributes["permissions_kind"].string == "scoped")
    #expect(try strings(job("scoped").attributes["write_scopes"]) == ["pull-requests"])
    #expect(try strings(job("scoped").attributes["runner_labels"]) == ["linux"])
    #expect(try job("missing").attributes["permissions_kind"].string == "missing")
    #expect(try entity(graph, id + "#jobs.missing.steps[0]").attributes["shell"].string == "pwsh")
    #expect(try entity(graph, id + "#jobs.missing.steps[1]").attributes["shell"].string == "cmd")
    #expect(try entity(graph, id + "#jobs.matrix.steps[0]").attributes["shell"].string == "sh")
    #expect(try entity(graph, id + "#jobs.none.steps[0]").attributes["shell"].string == "bash")
    #expect(try job("broken").attributes["permissions_kind"].string == "scoped")
    #expect(
      diagnosticSummary(graph, path: ".github/workflows/p.yml")
        == ["github.invalid-permissions@29", "github.unknown-permission@30"])
  }

  @Test("on: as a string, a list and a mapping")
  func triggerForms() throws {
    let (result, root) = try ingest([
      ".github/workflows/a.yml": "on: push\njobs: {j: {runs-on: x, steps: [{run: a}]}}\n",
      ".github/workflows/b.yml": "on: [push, 'pull_request']\njobs: {j: {runs-on: x, steps: [{run: a}]}}\n",
      ".github/workflows/c.yml":
        "on:\n  workflow_call:\n  schedule:\n    - cron: '0 0 * * *'\njobs: {j: {runs-on: x, steps: [{run: a}]}}\n",
    ])
    defer { try? FileManager.default.removeItem(atPath: root) }
    let graph = result.graph
    #expect(try strings(entity(graph, "github:.github/workflows/a.yml").attributes["triggers"]) == ["push"])
    #expect(
      try strings(entity(graph, "github:.github/workflows/b.yml").attributes["triggers"]) == ["push", "pull_request"])
    #expect(
      try strings(entity(graph, "github:.github/workflows/c.yml").attributes["triggers"]) == [
        "workflow_call", "schedule",
      ])
    #expect(
      try entity(graph, "github:.github/workflows/c.yml").attributes["triggers"][1].location?.span.start.line == 3)
    #expect(try entity(graph, "github:.github/workflows/a.yml").name == "a.yml")
    #expect(githubDiagnostics(graph).isEmpty)
  }

  @Test("invalid shapes are positioned diagnostics and the rest of the file is read")
  func invalidShapes() throws {
    let workflow = """
      on: push
      jobs:
        a:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@v4
              run: echo both
            - name: neither
            - just a string
            - run: echo ok
        b:
          runs-on: ubuntu-latest
        c:
          runs-on: ubuntu-latest
          steps: not-a-list
        d: scalar-job
        e:
          needs: [a, nope, d]
          runs-on: ubuntu-latest
          steps:
            - run: echo
        f:
          uses: ./.github/workflows/r.yml
          steps: [{run: a}]
        g:
          needs: g
          runs-on: ubuntu-latest
          steps: [{id: x, run: a}, {id: x, run: b}, {wait: y}]

      """
    let (result, root) = try ingest([
      ".github/workflows/w.yml": workflow, ".github/workflows/jobs-list.yml": "on: push\njobs: [a, b]\n",
    ])
    defer { try? FileManager.default.removeItem(atPath: root) }
    let graph = result.graph
    #expect(
      diagnosticSummary(graph, path: ".github/workflows/w.yml") == [
        "github.step-with-uses-and-run@6", "github.step-without-uses-or-run@8", "github.invalid-step@9",
        "github.job-without-steps@11", "github.invalid-steps@15", "github.invalid-job@16", "github.unknown-need@18",
        "github.job-with-uses-and-steps@22", "github.unresolved-workflow@23", "github.needs-cycle@26",
        "github.duplicate-step-id@28", "github.unknown-step@28",
      ])
    #expect(diagnosticSummary(graph, path: ".github/workflows/jobs-list.yml") == ["github.invalid-jobs@2"])
    #expect(graph.entity(EntityID("github:.github/workflows/jobs-list.yml")) != nil)
    let id = "github:.github/workflows/w.yml#jobs."
    #expect(try entity(graph, id + "a.steps[0]").type == nil)
    #expect(try entity(graph, id + "a.steps[1]").type == nil)
    #expect(graph.entity(EntityID(id + "a.steps[2]")) == nil)
    #expect(try entity(graph, id + "a.steps[3]").attributes["index"].int == 3)
    #expect(try entity(graph, id + "b").type == nil)
    #expect(graph.entity(EntityID(id + "d")) == nil)
    // `needs: d` names a job that is not an entity: no dangling edge.
    #expect(edges(graph, from: id + "e", "needs") == [id + "a"])
    #expect(try strings(entity(graph, id + "e").attributes["needs_list"]) == ["a", "nope", "d"])
    #expect(try entity(graph, id + "g.steps[2]").type == "wait")
    #expect(!graph.diagnostics.contains { $0.code == "graph.dangling-edge" })
  }

  @Test("local actions and reusable workflows resolve, also when not among the inputs")
  func localReferences() throws {
    let files = [
      "repo/.github/workflows/main.yml": """
      on: push
      jobs:
        build:
          runs-on: ubuntu-latest
          steps:
            - uses: ./.github/actions/setup
            - uses: ./missing
            - uses: $/.github/actions/setup
        call:
          uses: ./.github/workflows/reusable.yml
          secrets: inherit

      """,
      "repo/.github/workflows/reusable.yml": """
      on: workflow_call
      jobs:
        inner:
          runs-on: ubuntu-latest
          steps: [{run: echo inner}]

      """,
      "repo/.github/actions/setup/action.yml": """
      name: setup
      runs:
        using: composite
        steps:
          - uses: ./.github/actions/inner
          - run: echo ${{ inputs.version }}

      """,
      "repo/.github/actions/inner/action.yaml": """
      runs:
        using: node20
        main: index.js

      """,
    ]
    for paths in [nil, ["repo/.github/workflows/main.yml"]] {
      let (result, root) = try ingest(files, only: paths)
      defer { try? FileManager.default.removeItem(atPath: root) }
      let graph = result.graph
      let workflow = "github:repo/.github/workflows/main.yml#jobs."
      let setup = "github:repo/.github/actions/setup/action.yml"
      let inner = "github:repo/.github/actions/inner/action.yaml"
      #expect(edges(graph, from: workflow + "build.steps[0]", "usesAction") == [setup])
      #expect(edges(graph, from: workflow + "build.steps[2]", "usesAction") == [setup])
      #expect(try entity(graph, workflow + "build.steps[2]").attributes["uses_ref"]["prefix"].string == "$/")
      #expect(edges(graph, from: workflow + "call", "callsWorkflow") == ["github:repo/.github/workflows/reusable.yml"])
      #expect(try entity(graph, workflow + "call").attributes["secrets_inherit"].bool == true)
      #expect(edges(graph, from: setup + "#runs.steps[0]", "usesAction") == [inner])
      #expect(edges(graph, from: setup + "#runs.steps[1]", "inAction") == [setup])
      #expect(try entity(graph, inner).name == "inner")
      #expect(try entity(graph, inner).type == "node20")
      #expect(try entity(graph, setup).type == "composite")
      #expect(
        diagnosticSummary(graph, path: "repo/.github/workflows/main.yml") == ["github.unresolved-action@7"],
        "inputs: \(paths ?? ["<all>"])")
      #expect(diagnosticSummary(graph, path: "repo/.github/actions/setup/action.yml") == ["github.missing-shell@6"])
      #expect(
        result.files.contains { $0.path == "repo/.github/actions/inner/action.yaml" && $0.format == .githubAction })
      #expect(!graph.diagnostics.contains { $0.code == "graph.dangling-edge" })
    }
  }

  @Test("the same input gives the same entities, edges and diagnostics", .requires(sharedData: githubCorpusURL))
  func deterministic() throws {
    let path = githubCorpus + "/realworld/astral-sh__uv@8ed803e507f4"
    func snapshot() -> [String] {
      let graph = Ingestor().ingest(paths: [path]).graph
      return graph.entities.map { "\($0.id) \($0.kind) \($0.type ?? "-") \($0.name) \($0.location)" }
        + graph.edges.map { "\($0.from) \($0.type) \($0.to)" }
        + graph.diagnostics.map { "\($0.code) \($0.location?.description ?? "-") \($0.message)" }
    }
    let first = snapshot()
    #expect(first.count > 1_000)
    #expect(first == snapshot())
  }
}
