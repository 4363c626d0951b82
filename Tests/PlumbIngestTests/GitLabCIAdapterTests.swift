import Foundation
import PlumbDiagnostics
import PlumbGraph
import PlumbYAML
import TestSupport
import Testing

@testable import PlumbIngest

// MARK: - Support

private let packageRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let platformRoot = packageRoot.appendingPathComponent("fixtures/platform").path
private let gitlabCorpus = SharedData.corpus("pipelines/gitlab").path
private let runnerRootURL = SharedData.corpus("pipelines/gitlab/gitlabhq__gitlab-runner")
private let runnerRoot = runnerRootURL.path
private let omnibusRoot = gitlabCorpus + "/gitlabhq__omnibus-gitlab"
private let templatesRoot = gitlabCorpus + "/gitlabhq__gitlabhq/lib/gitlab/ci/templates"

/// What ingesting with only the GitLab adapter produced.
private struct GitLabRun {
  let graph: DocumentGraph
  let context: IngestContext

  func entity(_ id: String) -> Entity? { graph.entity(EntityID(id)) }
  func entities(_ kind: String, in pipeline: String) -> [Entity] {
    graph.entities(ofKind: kind).filter { $0.id.rawValue.hasPrefix("gitlab:\(pipeline)#") }
  }
  var gitlabDiagnostics: [Diagnostic] { graph.diagnostics.filter { $0.code.hasPrefix("gitlab.") } }
  func diagnostics(_ code: String) -> [Diagnostic] { graph.diagnostics.filter { $0.code == code } }
  /// The format each file was consumed as, by root-relative path.
  var consumed: [String: InputFormat] {
    var result: [String: InputFormat] = [:]
    for (absolute, format) in context.consumedFormats { result[context.relative(absolute)] = format }
    return result
  }
  func targets(_ from: String, _ type: String) -> [String] {
    graph.edges(from: EntityID(from), type: type).map(\.to.rawValue).sorted()
  }
}

/// Loads the YAML files under `paths` (files or folders), as the Ingestor does, and runs only the
/// GitLab adapter over those recognised as GitLab CI.
private func runGitLab(_ paths: [String], root: String) -> GitLabRun {
  var context = IngestContext(root: root)
  var adapter = GitLabCIAdapter()
  var files: [String] = []
  for path in paths {
    var isDirectory: ObjCBool = false
    _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    files.append(contentsOf: isDirectory.boolValue ? InputWalker().walk(path) : [IngestContext.standardize(path)])
  }
  for file in Array(Set(files)).sorted() {
    let input = context.load(file)
    if input.format == .gitlabCI { adapter.ingest(input, context: &context) }
  }
  adapter.finish(context: &context)
  return GitLabRun(graph: context.graph.build(), context: context)
}

/// Writes `files` (relative path → text) into a fresh temporary repository, runs the GitLab
/// adapter on the whole folder, and removes it.
private func runGitLab(files: [String: String], inputs: [String]? = nil) throws -> GitLabRun {
  let directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("plumb-gitlab-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  for (path, text) in files {
    let url = directory.appendingPathComponent(path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
  }
  let root = IngestContext.standardize(directory.path)
  let paths = inputs.map { $0.map { root + "/" + $0 } } ?? [root]
  return runGitLab(paths, root: root)
}

/// `code@line:column` of a diagnostic, with its file when asked.
private func position(_ diagnostic: Diagnostic, file: Bool = false) -> String {
  guard let location = diagnostic.location else { return diagnostic.code + "@?" }
  let at = "\(location.span.start.line):\(location.span.start.column)"
  return diagnostic.code + "@" + (file ? location.path + ":" : "") + at
}

private func strings(_ value: Value) -> [String] { value.elements.compactMap(\.string) }
private func line(_ value: Value) -> Int? { value.location?.span.start.line }

// MARK: - Tests

@Suite("GitLab CI adapter")
struct GitLabCIAdapterTests {

  // MARK: The project's fixture

  @Test("fixtures/platform: pipeline, include of ci/deploy.yml, stages")
  func platformPipeline() throws {
    let result = Ingestor().ingest(paths: [platformRoot])
    let graph = result.graph
    let pipeline = try #require(graph.entity(EntityID("gitlab:.gitlab-ci.yml")))
    #expect(pipeline.kind == EntityKinds.gitlabPipeline)
    #expect(pipeline.location.path == ".gitlab-ci.yml")
    #expect(strings(pipeline.attributes["stages"]) == [".pre", "build", "test", "deploy", ".post"])
    let includes = pipeline.attributes["includes"].elements
    #expect(includes.count == 1)
    #expect(includes.first?["kind"].string == "local")
    #expect(includes.first?["value"].string == "ci/deploy.yml")
    #expect(includes.first?["resolved"].string == "ci/deploy.yml")
    #expect(includes.first.flatMap(line) == 4)
    // The included file is consumed as GitLab CI and is not a pipeline of its own.
    #expect(result.files.first { $0.path == "ci/deploy.yml" }?.format == .gitlabCI)
    #expect(graph.entity(EntityID("gitlab:ci/deploy.yml")) == nil)
    #expect(graph.entities(ofKind: EntityKinds.gitlabPipeline).count == 1)
    #expect(graph.diagnostics.filter { $0.code.hasPrefix("gitlab.") }.isEmpty)
  }

  @Test("fixtures/platform: jobs and templates, merge key, extends, needs, images, script lines")
  func platformJobs() throws {
    let graph = Ingestor().ingest(paths: [platformRoot]).graph
    #expect(graph.entities(ofKind: EntityKinds.gitlabJob).map(\.name).sorted() == ["build", "deploy", "unit"])
    #expect(graph.entities(ofKind: EntityKinds.gitlabTemplate).map(\.name).sorted() == [".deploy-template", ".tests"])

    // unit: stage and script come from .tests through the YAML merge key; image from default.
    let unit = try #require(graph.entity(EntityID("gitlab:.gitlab-ci.yml#unit")))
    #expect(unit.type == "test")
    #expect(unit.location.span.start.line == 15)
    #expect(unit.attributes["stage"].string == "test")
    #expect(line(unit.attributes["stage"]) == 10)
    #expect(strings(unit.attributes["script_lines"]) == ["bundle install", "bundle exec rake test"])
    #expect(unit.attributes["script_lines"].elements.map { line($0) } == [12, 13])
    #expect(unit.attributes["image_ref"]["name"].string == "ruby")
    #expect(unit.attributes["image_ref"]["tag"].string == "3.3")
    #expect(line(unit.attributes["image_ref"]) == 7)
    #expect(unit.attributes["variables"]["RAILS_ENV"].string == "test")
    #expect(unit.attributes["hidden"].bool == false)

    // build: tag `latest`, the curl | sh line with its line number.
    let build = try #require(graph.entity(EntityID("gitlab:.gitlab-ci.yml#build")))
    #expect(build.type == "build")
    let image = build.attributes["image_ref"]
    #expect(image["raw"].string == "docker:latest")
    #expect(image["tag"].string == "latest")
    #expect(image["registry"].string == "docker.io")
    #expect(image["digest"].isMissing)
    #expect(image["tag"].location?.span.start.line == 22)
    #expect(image["tag"].location?.span.start.column == 17)
    let curl = try #require(build.attributes["script_lines"].elements.first { $0.string?.contains("| sh") == true })
    #expect(curl.string == "curl -sSL https://get.example.com/install.sh | sh")
    #expect(curl.location?.path == ".gitlab-ci.yml")
    #expect(line(curl) == 24)
    #expect(build.attributes["when"].string == "on_success")

    // deploy: defined in ci/deploy.yml, extends .deploy-template (environment, needs).
    let deploy = try #require(graph.entity(EntityID("gitlab:.gitlab-ci.yml#deploy")))
    #expect(deploy.location.path == "ci/deploy.yml")
    #expect(deploy.location.span.start.line == 1)
    #expect(deploy.location.span.end.line == 8)
    #expect(deploy.type == "deploy")
    #expect(deploy.attributes["environment_name"].string == "production")
    #expect(deploy.attributes["environment_name"].location?.path == "ci/deploy.yml")
    #expect(line(deploy.attributes["environment_name"]) == 11)
    #expect(strings(deploy.attributes["extends_chain"]) == [".deploy-template"])
    #expect(deploy.attributes["rules_list"].elements.count == 1)
    let digest = deploy.attributes["image_ref"]
    #expect(digest["digest"].string == "sha256:4b7e0c1d2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c")
    #expect(digest["tag"].isMissing)
    #expect(digest["registry"].string == "registry.example.com")
    #expect(digest["name"].string == "registry.example.com/tools/deployer")
    #expect(digest["digest"].location?.span.start.column == 46)

    // Edges.
    #expect(graph.edges(from: deploy.id, type: "extends").map(\.to) == [EntityID("gitlab:.gitlab-ci.yml#.deploy-template")])
    let needs = graph.edges(from: deploy.id, type: "needs")
    #expect(needs.map(\.to) == [EntityID("gitlab:.gitlab-ci.yml#build")])
    #expect(needs.first?.location?.path == "ci/deploy.yml")
    #expect(needs.first?.location?.span.start.line == 12)
    for name in ["unit", "build", "deploy", ".tests", ".deploy-template"] {
      #expect(
        graph.edges(from: EntityID("gitlab:.gitlab-ci.yml#\(name)"), type: "inPipeline").map(\.to)
          == [EntityID("gitlab:.gitlab-ci.yml")])
    }
  }

  // MARK: Includes

  @Test("include forms: string, list, local map, globs, nested, remote/project/template/component")
  func includeForms() throws {
    let run = try runGitLab(files: [
      ".gitlab-ci.yml": """
        include:
          - ci/a.yml
          - local: /ci/b.yml
          - local: .gitlab/ci/*.gitlab-ci.yml
          - local: deep/**.yml
          - https://example.com/remote.yml
          - remote: https://example.com/other.yml
            integrity: sha256-abc
          - project: group/project
            ref: main
            file: templates/x.yml
          - template: Jobs/SAST.gitlab-ci.yml
          - component: $CI_SERVER_FQDN/group/comp/c@1.0
        a-job:
          script: [echo main]

        """,
      "ci/a.yml": "from-a:\n  script: [echo a]\n",
      "ci/b.yml": "include: ci/nested.yml\nfrom-b:\n  script: [echo b]\n",
      "ci/nested.yml": "from-nested:\n  script: [echo nested]\n",
      ".gitlab/ci/one.gitlab-ci.yml": "one:\n  script: [echo 1]\n",
      ".gitlab/ci/two.gitlab-ci.yml": "two:\n  script: [echo 2]\n",
      ".gitlab/ci/skip.yml": "skipped:\n  script: [echo no]\n",  // recognised, not matched: a pipeline of its own
      "deep/x.yml": "deep-x:\n  script: [echo x]\n",
      "deep/sub/y.yml": "deep-y:\n  script: [echo y]\n",
    ])
    #expect(run.gitlabDiagnostics.isEmpty, "\(run.gitlabDiagnostics)")
    #expect(run.graph.entities(ofKind: EntityKinds.gitlabPipeline).map(\.id.rawValue) == [
      "gitlab:.gitlab-ci.yml", "gitlab:.gitlab/ci/skip.yml",
    ])
    let pipeline = try #require(run.entity("gitlab:.gitlab-ci.yml"))
    let includes = pipeline.attributes["includes"].elements
    #expect(includes.map { $0["kind"].string ?? "?" } == [
      "local", "local", "local", "local", "local", "remote", "remote", "project", "template", "component",
    ])
    #expect(includes.map { $0["resolved"].string ?? "-" } == [
      "ci/a.yml", "ci/b.yml", "ci/nested.yml", "-", "-", "-", "-", "-", "-", "-",
    ])
    #expect(strings(includes[3]["files"]) == [".gitlab/ci/one.gitlab-ci.yml", ".gitlab/ci/two.gitlab-ci.yml"])
    #expect(strings(includes[4]["files"]) == ["deep/sub/y.yml", "deep/x.yml"])
    #expect(includes[5]["value"].string == "https://example.com/remote.yml")
    #expect(includes[6]["integrity"].string == "sha256-abc")
    #expect(includes[7]["value"].string == "group/project")
    #expect(includes[7]["ref"].string == "main")
    #expect(includes[7]["file"].string == "templates/x.yml")
    #expect(includes[9]["value"].string == "$CI_SERVER_FQDN/group/comp/c@1.0")
    #expect(run.entities(EntityKinds.gitlabJob, in: ".gitlab-ci.yml").map(\.name).sorted() == [
      "a-job", "deep-x", "deep-y", "from-a", "from-b", "from-nested", "one", "two",
    ])
    #expect(run.entity("gitlab:.gitlab-ci.yml#one")?.location.path == ".gitlab/ci/one.gitlab-ci.yml")
    let consumed = run.consumed
    for file in ["ci/a.yml", "ci/b.yml", "ci/nested.yml", ".gitlab/ci/one.gitlab-ci.yml", "deep/sub/y.yml"] {
      #expect(consumed[file] == .gitlabCI, "\(file)")
    }
    #expect(run.entity("gitlab:.gitlab/ci/skip.yml#skipped") != nil)
  }

  @Test("include merging: included files first, the including file deep-merges over them")
  func includeMerge() throws {
    let run = try runGitLab(files: [
      ".gitlab-ci.yml": """
        include: [first.yml, second.yml]
        variables:
          MAIN: main
          SHARED: from-main
        test:
          variables:
            LEVEL: main
          tags: [main-runner]

        """,
      "first.yml": """
        variables:
          SHARED: from-first
          FIRST: first
        test:
          stage: test
          script: [echo first]
          variables:
            LEVEL: first
            KEEP: first
          tags: [a, b, c]

        """,
      "second.yml": """
        test:
          script: [echo second]

        """,
    ])
    #expect(run.gitlabDiagnostics.isEmpty)
    let test = try #require(run.entity("gitlab:.gitlab-ci.yml#test"))
    // The later include wins over the earlier; the main file wins over both; lists are replaced.
    #expect(strings(test.attributes["script_lines"]) == ["echo second"])
    #expect(test.attributes["script_lines"].elements.first?.location?.path == "second.yml")
    #expect(test.attributes["variables"]["LEVEL"].string == "main")
    #expect(test.attributes["variables"]["KEEP"].string == "first")
    #expect(strings(test.attributes["tags"]) == ["main-runner"])
    #expect(test.attributes["stage"].location?.path == "first.yml")
    // Location: the winning (main file's) definition.
    #expect(test.location.path == ".gitlab-ci.yml")
    #expect(test.location.span.start.line == 5)
    let pipeline = try #require(run.entity("gitlab:.gitlab-ci.yml"))
    #expect(pipeline.attributes["variables"]["SHARED"].string == "from-main")
    #expect(pipeline.attributes["variables"]["FIRST"].string == "first")
    #expect(pipeline.attributes["variables"]["SHARED"].location?.path == ".gitlab-ci.yml")
  }

  @Test("include problems: missing, outside the root, cycle, empty glob, variables, bad entries")
  func includeProblems() throws {
    let run = try runGitLab(files: [
      ".gitlab-ci.yml": """
        include:
          - local: missing.yml
          - local: ../outside.yml
          - local: cycle-a.yml
          - local: nothing/*.yml
          - local: $CI_DIR/x.yml
          - 42
          - {ref: main}
        job:
          script: [echo]

        """,
      "cycle-a.yml": "include: cycle-b.yml\na-job:\n  script: [echo a]\n",
      "cycle-b.yml": "include: /cycle-a.yml\nb-job:\n  script: [echo b]\n",
    ])
    let found = run.gitlabDiagnostics.map { position($0, file: true) }
    #expect(found == [
      "gitlab.include-missing@.gitlab-ci.yml:2:12",
      "gitlab.include-outside-root@.gitlab-ci.yml:3:12",
      "gitlab.include-missing@.gitlab-ci.yml:5:12",
      "gitlab.include-variable@.gitlab-ci.yml:6:12",
      "gitlab.include-invalid@.gitlab-ci.yml:7:5",
      "gitlab.include-invalid@.gitlab-ci.yml:8:5",
      "gitlab.include-cycle@cycle-b.yml:1:10",
    ])
    #expect(run.diagnostics("gitlab.include-cycle").first?.message.contains("'cycle-a.yml' -> 'cycle-b.yml' -> 'cycle-a.yml'") == true)
    #expect(run.diagnostics("gitlab.include-missing").first?.severity == .error)
    // The rest still works: the cycle's files are merged once each.
    #expect(run.entities(EntityKinds.gitlabJob, in: ".gitlab-ci.yml").map(\.name).sorted() == ["a-job", "b-job", "job"])
    #expect(run.graph.entities(ofKind: EntityKinds.gitlabPipeline).count == 1)
  }

  @Test("a missing local include that exists next to the including file gets a hint")
  func includeRelativeHint() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-gitlab-hint-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory.appendingPathComponent("sub/ci"), withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try Data("include: ci/x.yml\njob:\n  script: [echo]\n".utf8).write(to: directory.appendingPathComponent("sub/.gitlab-ci.yml"))
    try Data("x:\n  script: [echo]\n".utf8).write(to: directory.appendingPathComponent("sub/ci/x.yml"))
    let root = IngestContext.standardize(directory.path)
    let run = runGitLab([root + "/sub/.gitlab-ci.yml"], root: root)
    let missing = try #require(run.diagnostics("gitlab.include-missing").first)
    #expect(missing.location?.path == "sub/.gitlab-ci.yml")
    #expect(missing.notes.contains { $0.message.contains("'sub/ci/x.yml' exists relative to the including file") })
  }

  // MARK: Resolution

  @Test("extends: multi-level, merge order, arrays replaced, chain, edges")
  func extendsSemantics() throws {
    let run = try runGitLab(files: [
      ".gitlab-ci.yml": """
        .base:
          image: alpine:3.19
          variables: {A: base, B: base}
          script: [echo base]
          tags: [base]
        .middle:
          extends: .base
          variables: {B: middle, C: middle}
        .other:
          variables: {C: other}
          tags: [other]
        job:
          extends: [.middle, .other]
          variables: {D: job}
          script: [echo job]

        """
    ])
    #expect(run.gitlabDiagnostics.isEmpty)
    let job = try #require(run.entity("gitlab:.gitlab-ci.yml#job"))
    let variables = job.attributes["variables"]
    #expect(variables["A"].string == "base")
    #expect(variables["B"].string == "middle")
    #expect(variables["C"].string == "other")
    #expect(variables["D"].string == "job")
    #expect(line(variables["A"]) == 3)
    #expect(strings(job.attributes["tags"]) == ["other"])
    #expect(strings(job.attributes["script_lines"]) == ["echo job"])
    #expect(job.attributes["image_ref"]["tag"].string == "3.19")
    #expect(strings(job.attributes["extends_chain"]) == [".middle", ".base", ".other"])
    #expect(job.attributes["extends_chain"].elements.map { line($0) } == [13, 7, 13])
    #expect(run.targets("gitlab:.gitlab-ci.yml#job", "extends") == [
      "gitlab:.gitlab-ci.yml#.middle", "gitlab:.gitlab-ci.yml#.other",
    ])
    #expect(run.targets("gitlab:.gitlab-ci.yml#.middle", "extends") == ["gitlab:.gitlab-ci.yml#.base"])
    #expect(run.entity("gitlab:.gitlab-ci.yml#.middle")?.kind == EntityKinds.gitlabTemplate)
  }

  @Test("extends problems: cycles, unknown targets, non-mapping targets, bad values")
  func extendsProblems() throws {
    let run = try runGitLab(files: [
      ".gitlab-ci.yml": """
        .a:
          extends: .b
        .b:
          extends: .a
        job:
          extends: [.a, .missing, .list]
          script: [echo]
        .list: [1, 2]
        bad:
          extends: {x: 1}
          script: [echo]

        """
    ])
    #expect(run.gitlabDiagnostics.map { position($0) } == [
      "gitlab.extends-cycle@4:12",
      "gitlab.extends-unknown@6:17",
      "gitlab.extends-invalid@6:27",
      "gitlab.extends-invalid@10:12",
    ])
    #expect(run.diagnostics("gitlab.extends-cycle").first?.message == "circular 'extends': '.a' -> '.b' -> '.a'")
    #expect(run.diagnostics("gitlab.extends-unknown").first?.severity == .error)
    #expect(run.entity("gitlab:.gitlab-ci.yml#job") != nil)
  }

  @Test("!reference: spliced into script lists, nested, in mappings; problems reported")
  func references() throws {
    let run = try runGitLab(files: [
      ".gitlab-ci.yml": """
        .setup:
          script:
            - echo setup
            - !reference [.inner, script]
        .inner:
          script: [echo inner-1, echo inner-2]
          variables: {X: "1"}
        .lines:
          - echo from-list
        job:
          variables: !reference [.inner, variables]
          script:
            - !reference [.setup, script]
            - !reference [.lines]
            - echo own
            - !reference [.nope, script]
            - !reference [.inner, nokey]
        self:
          script: !reference [self, script]
        bad:
          script: [!reference "not-a-list"]

        """
    ])
    let job = try #require(run.entity("gitlab:.gitlab-ci.yml#job"))
    #expect(strings(job.attributes["script_lines"]) == [
      "echo setup", "echo inner-1", "echo inner-2", "echo from-list", "echo own",
    ])
    #expect(job.attributes["script_lines"].elements.map { line($0) } == [3, 6, 6, 9, 15])
    #expect(job.attributes["variables"]["X"].string == "1")
    #expect(line(job.attributes["variables"]["X"]) == 7)
    #expect(run.gitlabDiagnostics.map { position($0) } == [
      "gitlab.reference-unknown@16:18",
      "gitlab.reference-unknown@17:18",
      "gitlab.reference-cycle@19:22",
      "gitlab.reference-invalid@21:23",
    ])
    #expect(run.diagnostics("gitlab.reference-unknown").map(\.message) == [
      "'!reference [.nope, script]': '.nope' is not defined",
      "'!reference [.inner, nokey]': '.inner' has no key 'nokey'",
    ])
  }

  @Test("!reference nesting stops at GitLab's limit of 10")
  func referenceDepth() throws {
    var text = ".r0:\n  script: [echo bottom]\n"
    for level in 1...11 { text += ".r\(level):\n  script: [!reference [.r\(level - 1), script]]\n" }
    text += "job:\n  script: [!reference [.r11, script]]\n"
    let run = try runGitLab(files: [".gitlab-ci.yml": text])
    #expect(run.diagnostics("gitlab.reference-depth").count == 1)
    var shallow = ".r0:\n  script: [echo bottom]\n"
    for level in 1...8 { shallow += ".r\(level):\n  script: [!reference [.r\(level - 1), script]]\n" }
    shallow += "job:\n  script: [!reference [.r8, script]]\n"
    let ok = try runGitLab(files: [".gitlab-ci.yml": shallow])
    #expect(ok.gitlabDiagnostics.isEmpty)
    #expect(strings(try #require(ok.entity("gitlab:.gitlab-ci.yml#job")).attributes["script_lines"]) == ["echo bottom"])
  }

  @Test("default: keywords are inherited unless 'inherit: default:' says otherwise; legacy globals too")
  func defaults() throws {
    let run = try runGitLab(files: [
      ".gitlab-ci.yml": """
        image: legacy:1
        before_script: [echo legacy-before]
        default:
          image: default:2
          tags: [shared]
          after_script: [echo after]
        all:
          script: [echo all]
        none:
          inherit: {default: false}
          script: [echo none]
        some:
          inherit:
            default: [tags]
          script: [echo some]
        own:
          image: own:3
          before_script: []
          script: [echo own]
        .template:
          script: [echo t]

        """
    ])
    #expect(run.gitlabDiagnostics.isEmpty)
    let all = try #require(run.entity("gitlab:.gitlab-ci.yml#all"))
    #expect(all.attributes["image_ref"]["raw"].string == "default:2")
    #expect(strings(all.attributes["tags"]) == ["shared"])
    #expect(strings(all.attributes["script_lines"]) == ["echo legacy-before", "echo all", "echo after"])
    #expect(all.attributes["script_lines"].elements.map { line($0) } == [2, 8, 6])
    let none = try #require(run.entity("gitlab:.gitlab-ci.yml#none"))
    #expect(none.attributes["image_ref"].isMissing)
    #expect(none.attributes["tags"].isMissing)
    #expect(strings(none.attributes["script_lines"]) == ["echo none"])
    let some = try #require(run.entity("gitlab:.gitlab-ci.yml#some"))
    #expect(strings(some.attributes["tags"]) == ["shared"])
    #expect(some.attributes["image_ref"].isMissing)
    let own = try #require(run.entity("gitlab:.gitlab-ci.yml#own"))
    #expect(own.attributes["image_ref"]["tag"].string == "3")
    #expect(strings(own.attributes["script_lines"]) == ["echo own", "echo after"])
    // Templates are not jobs: they inherit nothing.
    let template = try #require(run.entity("gitlab:.gitlab-ci.yml#.template"))
    #expect(template.attributes["image_ref"].isMissing)
    #expect(template.type == nil)
  }

  @Test("needs and dependencies: edges, optional, matrix instances, unknown names")
  func needs() throws {
    let run = try runGitLab(files: [
      ".gitlab-ci.yml": """
        stages: [build, test]
        compile:
          stage: build
          script: [make]
          parallel:
            matrix:
              - OS: [linux, mac]
        lint:
          stage: build
          script: [lint]
        test:
          stage: test
          script: [test]
          needs:
            - compile
            - job: lint
              artifacts: false
            - "compile: [linux]"
            - job: maybe
              optional: true
            - job: ghost
            - pipeline: $PARENT_PIPELINE_ID
              job: upstream
            - project: group/other
              job: theirs
              ref: main
          dependencies: [lint, phantom]
        .hidden:
          script: [x]
        uses-hidden:
          stage: test
          script: [y]
          needs: [.hidden]

        """
    ])
    // `compile` and the matrix instance `compile: [linux]` are one relation (the graph keeps one
    // edge per from/type/to), located where it was first written.
    #expect(run.targets("gitlab:.gitlab-ci.yml#test", "needs") == [
      "gitlab:.gitlab-ci.yml#compile", "gitlab:.gitlab-ci.yml#lint",
    ])
    #expect(
      run.graph.edges(from: EntityID("gitlab:.gitlab-ci.yml#test"), type: "needs").compactMap { $0.location?.span.start.line }
        .sorted() == [15, 16])
    #expect(run.targets("gitlab:.gitlab-ci.yml#test", "dependsOnJob") == ["gitlab:.gitlab-ci.yml#lint"])
    #expect(run.gitlabDiagnostics.map { position($0) } == [
      "gitlab.needs-unknown@21:12",
      "gitlab.dependencies-unknown@27:24",
      "gitlab.needs-unknown@33:11",
    ])
    #expect(run.diagnostics("gitlab.needs-unknown").first?.message == "job 'test' needs 'ghost', which is not a job of this pipeline")
    #expect(run.diagnostics("gitlab.needs-unknown").first?.severity == .error)
  }

  @Test("spec header: the first document is attributes 'spec', the second the configuration")
  func specHeader() throws {
    let run = try runGitLab(files: [
      ".gitlab-ci.yml": """
        spec:
          inputs:
            stage:
              default: test
        ---
        job:
          script:
            - echo $[[ inputs.stage ]]
        ---
        ignored: {script: [x]}

        """
    ])
    let pipeline = try #require(run.entity("gitlab:.gitlab-ci.yml"))
    #expect(pipeline.attributes["spec"]["inputs"]["stage"]["default"].string == "test")
    #expect(pipeline.location.span.start.line == 6)
    #expect(run.entities(EntityKinds.gitlabJob, in: ".gitlab-ci.yml").map(\.name) == ["job"])
    #expect(run.gitlabDiagnostics.map { position($0) } == ["gitlab.extra-document@10:1"])
    #expect(run.gitlabDiagnostics.first?.severity == .warning)
  }

  @Test("stages, invalid jobs, images and services in every form, variables in image names")
  func stagesImagesServices() throws {
    let run = try runGitLab(files: [
      ".gitlab-ci.yml": """
        stages: [build, deploy]
        variables:
          REGISTRY: registry.example.com:5000
          VERSION: "1.2"
        build:
          stage: build
          image:
            name: $REGISTRY/team/builder:$VERSION
            entrypoint: [""]
          services:
            - postgres:16
            - name: redis@sha256:abcd
              alias: cache
            - $UNKNOWN_SERVICE
          script: [make]
        orphan:
          script: [echo]
        misplaced:
          stage: nowhere
          script: [echo]
        not-a-job: just a string
        .hidden-scalar: fine

        """
    ])
    #expect(run.gitlabDiagnostics.map { position($0) } == [
      "gitlab.unknown-stage@16:1",
      "gitlab.unknown-stage@19:10",
      "gitlab.invalid-job@21:1",
    ])
    let pipeline = try #require(run.entity("gitlab:.gitlab-ci.yml"))
    #expect(strings(pipeline.attributes["stages"]) == [".pre", "build", "deploy", ".post"])
    let build = try #require(run.entity("gitlab:.gitlab-ci.yml#build"))
    let image = build.attributes["image_ref"]
    #expect(image["raw"].string == "$REGISTRY/team/builder:$VERSION")
    #expect(image["expanded"].string == "registry.example.com:5000/team/builder:1.2")
    #expect(image["registry"].string == "registry.example.com:5000")
    #expect(image["name"].string == "registry.example.com:5000/team/builder")
    #expect(image["tag"].string == "1.2")
    #expect(image["dynamic"].bool == false)
    #expect(line(image) == 8)
    let services = build.attributes["services_refs"].elements
    #expect(services.map { $0["raw"].string ?? "?" } == ["postgres:16", "redis@sha256:abcd", "$UNKNOWN_SERVICE"])
    #expect(services.map { $0["tag"].string ?? "-" } == ["16", "-", "-"])
    #expect(services[1]["digest"].string == "sha256:abcd")
    #expect(services[2]["dynamic"].bool == true)
    #expect(run.entity("gitlab:.gitlab-ci.yml#not-a-job") == nil)
    #expect(run.entity("gitlab:.gitlab-ci.yml#.hidden-scalar") == nil)
  }

  @Test("image reference parsing")
  func imageParsing() {
    let cases: [(String, String, String, String?, String?)] = [
      ("alpine", "alpine", "docker.io", nil, nil),
      ("alpine:3.19", "alpine", "docker.io", "3.19", nil),
      ("library/alpine:latest", "library/alpine", "docker.io", "latest", nil),
      ("localhost/app:1", "localhost/app", "localhost", "1", nil),
      ("localhost:5000/app", "localhost:5000/app", "localhost:5000", nil, nil),
      ("ghcr.io/o/r:v1@sha256:ff", "ghcr.io/o/r", "ghcr.io", "v1", "sha256:ff"),
      ("  quay.io/x/y@sha256:00  ", "quay.io/x/y", "quay.io", nil, "sha256:00"),
      ("image:", "image", "docker.io", nil, nil),
      ("", "", "docker.io", nil, nil),
    ]
    for (text, name, registry, tag, digest) in cases {
      let reference = GitLabImageReference(parsing: text)
      #expect(reference.name == name, "\(text)")
      #expect(reference.registry == registry, "\(text)")
      #expect(reference.tag == tag, "\(text)")
      #expect(reference.digest == digest, "\(text)")
    }
  }

  @Test("glob patterns")
  func globs() {
    #expect(GitLabGlob.matches(".gitlab/ci/*.gitlab-ci.yml", ".gitlab/ci/build.gitlab-ci.yml"))
    #expect(!GitLabGlob.matches(".gitlab/ci/*.gitlab-ci.yml", ".gitlab/ci/sub/build.gitlab-ci.yml"))
    #expect(GitLabGlob.matches("configs/**.yml", "configs/a.yml"))
    #expect(GitLabGlob.matches("configs/**.yml", "configs/x/y/a.yml"))
    #expect(!GitLabGlob.matches("configs/**/*.yml", "configs/a.yml"))
    #expect(GitLabGlob.matches("configs/**/*.yml", "configs/x/a.yml"))
    #expect(GitLabGlob.matches("ci/{a,b}.yml", "ci/b.yml"))
    #expect(!GitLabGlob.matches("ci/{a,b}.yml", "ci/c.yml"))
    #expect(GitLabGlob.matches("ci/[a-c]?.yml", "ci/b1.yml"))
    #expect(!GitLabGlob.matches("ci/[!a-c]?.yml", "ci/b1.yml"))
    #expect(GitLabGlob.matches("*.yml", ".hidden.yml"))
  }

  @Test("bad input never traps: non-mapping files, empty files, included lists, junk values")
  func badInput() throws {
    let run = try runGitLab(files: [
      ".gitlab-ci.yml": """
        include: [list.yml, empty.yml, broken.yml]
        stages: {not: a list}
        default: [not, a, map]
        job:
          script: {not: a list}
          image: {entrypoint: [x]}
          needs: {job: x}
          rules: 5
          environment: {url: https://x}
          inherit: {default: 5}
          extends: []
          trigger: {include: [{artifact: gen.yml, job: gen}]}

        """,
      "list.yml": "- a\n- b\n",
      "empty.yml": "",
      "broken.yml": "job2: [unclosed\n",
    ])
    #expect(run.diagnostics("gitlab.invalid-config").map { position($0, file: true) } == ["gitlab.invalid-config@list.yml:1:1"])
    #expect(run.graph.diagnostics.contains { $0.code.hasPrefix("yaml.") && $0.location?.path == "broken.yml" })
    let job = try #require(run.entity("gitlab:.gitlab-ci.yml#job"))
    #expect(job.attributes["script_lines"].elements.isEmpty)
    #expect(job.attributes["image_ref"].isMissing)
    #expect(job.attributes["environment_name"].isMissing)
    #expect(run.graph.edges(from: job.id, type: "needs").isEmpty)
  }

  @Test("child pipelines: 'trigger: include:' local files become pipelines, linked by 'triggers'")
  func childPipelines() throws {
    let run = try runGitLab(
      files: [
        ".gitlab-ci.yml": """
          parent:
            trigger:
              include: ci/child.yml
          other:
            trigger:
              include:
                - local: ci/missing.yml

          """,
        "ci/child.yml": "child-job:\n  script: [echo]\n",
      ],
      inputs: [".gitlab-ci.yml"])
    #expect(run.graph.entities(ofKind: EntityKinds.gitlabPipeline).map(\.id.rawValue) == [
      "gitlab:.gitlab-ci.yml", "gitlab:ci/child.yml",
    ])
    #expect(run.targets("gitlab:.gitlab-ci.yml#parent", "triggers") == ["gitlab:ci/child.yml"])
    #expect(run.entity("gitlab:ci/child.yml#child-job") != nil)
    #expect(run.gitlabDiagnostics.map { position($0) } == ["gitlab.include-missing@7:16"])
  }

  @Test("the same input gives the same entities, edges and diagnostics")
  func deterministic() throws {
    let first = runGitLab([platformRoot], root: platformRoot)
    let second = runGitLab([platformRoot], root: platformRoot)
    #expect(first.graph.entities.map(\.id) == second.graph.entities.map(\.id))
    #expect(first.graph.edges == second.graph.edges)
    #expect(first.graph.diagnostics == second.graph.diagnostics)
  }

  // MARK: The corpus

  @Test("gitlab-runner: includes, jobs, extends, !reference, needs", .requires(sharedData: runnerRootURL))
  func gitlabRunner() throws {
    let run = runGitLab([runnerRoot], root: runnerRoot)
    #expect(run.graph.entities(ofKind: EntityKinds.gitlabPipeline).map(\.id.rawValue) == ["gitlab:.gitlab-ci.yml"])
    let pipeline = try #require(run.entity("gitlab:.gitlab-ci.yml"))
    #expect(pipeline.attributes["spec"].isMissing)
    // 19 in the root file, 3 more in test.gitlab-ci.yml (two components and a template).
    let includes = pipeline.attributes["includes"].elements
    #expect(includes.count == 22)
    #expect(includes.filter { $0["kind"].string == "local" }.count == 17)
    #expect(includes.filter { $0["kind"].string == "component" }.count == 3)
    #expect(includes.filter { $0["kind"].string == "project" }.count == 1)
    #expect(includes.filter { $0["kind"].string == "template" }.map { $0.location?.path } == [".gitlab/ci/test.gitlab-ci.yml"])
    let ciFiles = try FileManager.default.contentsOfDirectory(atPath: runnerRoot + "/.gitlab/ci")
      .filter { $0.hasSuffix(".gitlab-ci.yml") }.map { ".gitlab/ci/" + $0 }.sorted()
    #expect(includes.compactMap { $0["resolved"].string }.sorted() == ciFiles)
    for file in ciFiles + [".gitlab-ci.yml"] { #expect(run.consumed[file] == .gitlabCI, "\(file)") }
    #expect(strings(pipeline.attributes["stages"]).count == 13)

    #expect(run.entities(EntityKinds.gitlabJob, in: ".gitlab-ci.yml").count == 79)
    #expect(run.entities(EntityKinds.gitlabTemplate, in: ".gitlab-ci.yml").count == 74)

    // binaries: extends three templates, before_script from !reference, image from variables.
    let binaries = try #require(run.entity("gitlab:.gitlab-ci.yml#binaries"))
    #expect(binaries.type == "build")
    #expect(binaries.location.path == ".gitlab/ci/build.gitlab-ci.yml")
    #expect(binaries.location.span.start.line == 115)
    #expect(strings(binaries.attributes["extends_chain"]) == [
      ".rules:merge_request_pipelines:no_docs:no-community-mr", ".rules:sign_binaries", ".go-cache",
    ])
    let lines = binaries.attributes["script_lines"].elements
    #expect(lines.prefix(3).compactMap(\.string) == ["mkdir -p \"$GOCACHE\"", "./ci/touch_git", "go mod download"])
    #expect(lines.first?.location?.path == ".gitlab/ci/_common.gitlab-ci.yml")
    #expect(lines.first.flatMap(line) == 89)
    // Merged keys: variables from .rules:sign_binaries and .go-cache, cache from .go-cache, retry from default.
    #expect(binaries.attributes["variables"]["GCLOUD_PROJECT"].string == "gitlab-ci-runners-signing")
    #expect(binaries.attributes["variables"]["GOCACHE"].string == "$CI_PROJECT_DIR/.gocache")
    #expect(binaries.attributes["cache"]["key"].string == "${CI_JOB_NAME}-${CI_COMMIT_REF_SLUG}")
    #expect(binaries.attributes["retry"]["max"].int == 2)
    #expect(binaries.attributes["retry"].location?.path == ".gitlab/ci/_common.gitlab-ci.yml")
    // tags: !reference [.instance-2xlarge] → the fork file's value (included after the canonical one).
    #expect(strings(binaries.attributes["tags"]) == ["gitlab-org-docker"])
    #expect(binaries.attributes["tags"][0].location?.path == ".gitlab/ci/_project_fork.gitlab-ci.yml")
    let image = binaries.attributes["image_ref"]
    #expect(image["expanded"].string == "registry.gitlab.com/gitlab-org/ci-cd/runner-tools/base-images/ubi-go:0.0.48")
    #expect(image["tag"].string == "0.0.48")
    #expect(image["registry"].string == "registry.gitlab.com")
    #expect(run.graph.edges(from: binaries.id, type: "needs").isEmpty)

    // Two-level extends: windows 2019 → prebuilt helper images → .docker (services) and .rules.
    let windows = try #require(run.entity("gitlab:.gitlab-ci.yml#prebuilt helper images windows 2019"))
    #expect(windows.type == "build")
    #expect(strings(windows.attributes["extends_chain"]) == [
      "prebuilt helper images", ".docker", ".rules:merge_request_pipelines:no_docs:no-community-mr",
    ])
    #expect(windows.attributes["image_ref"]["raw"].string == "${RUNNER_IMAGES_REGISTRY}/ci:${RUNNER_IMAGES_VERSION}-prebuilt-images")
    #expect(windows.attributes["services_refs"][0]["expanded"].string == "docker:29.7.2-dind")
    #expect(windows.attributes["rules_list"].elements.count == 7)
    #expect(run.targets(windows.id.rawValue, "needs") == ["gitlab:.gitlab-ci.yml#helper images"])
    #expect(run.targets(windows.id.rawValue, "extends") == [
      "gitlab:.gitlab-ci.yml#.rules:merge_request_pipelines:no_docs:no-community-mr",
      "gitlab:.gitlab-ci.yml#prebuilt helper images",
    ])

    #expect(run.targets("gitlab:.gitlab-ci.yml#rpm verify fips", "needs") == [
      "gitlab:.gitlab-ci.yml#helper images", "gitlab:.gitlab-ci.yml#runner images",
    ])
    // Every job and template is in the pipeline.
    #expect(run.graph.edges(to: pipeline.id, type: "inPipeline").count == 153)

    // Names defined by the project include (not fetched) are warnings pointing at the include.
    #expect(run.gitlabDiagnostics.map { position($0, file: true) } == [
      "gitlab.extends-unknown@.gitlab/ci/build.gitlab-ci.yml:122:7",
      "gitlab.reference-unknown@.gitlab/ci/build.gitlab-ci.yml:128:18",
      "gitlab.extends-unknown@.gitlab/ci/test.gitlab-ci.yml:182:7",
    ])
    #expect(run.gitlabDiagnostics.allSatisfy { $0.severity == .warning && $0.notes.first?.location != nil })
  }

  @Test("omnibus-gitlab: includes, legacy before_script, !reference, child pipeline", .requires(sharedData: runnerRootURL))
  func omnibus() throws {
    let run = runGitLab([omnibusRoot], root: omnibusRoot)
    #expect(run.graph.entities(ofKind: EntityKinds.gitlabPipeline).map(\.id.rawValue) == [
      "gitlab:.gitlab-ci.yml", "gitlab:gitlab-ci-config/check-packages.yml",
    ])
    let pipeline = try #require(run.entity("gitlab:.gitlab-ci.yml"))
    // A `spec: inputs:` header document, then the configuration (from line 14).
    #expect(pipeline.attributes["spec"]["inputs"]["skip_qa_test"]["default"].bool == false)
    #expect(pipeline.location.span.start.line == 14)
    #expect(strings(pipeline.attributes["stages"]).count == 21)
    let includes = pipeline.attributes["includes"].elements
    #expect(includes.compactMap { $0["resolved"].string } == [
      "gitlab-ci-config/workflow-rules.yml", "gitlab-ci-config/variables.yml", "gitlab-ci-config/rat.yml",
      "gitlab-ci-config/dev-gitlab-org.yml", "gitlab-ci-config/dind-config.yml",
      "gitlab-ci-config/vault-security-secrets.yml", "gitlab-ci-config/vault-public-secrets.yml",
      "gitlab-ci-config/gitlab-com.yml", "gitlab-ci-config/gitlab-com.yml",
    ])
    // gitlab-com.yml (included twice) has its own includes: a component and a template.
    #expect(includes.filter { $0["kind"].string == "template" }.map { $0["value"].string } == [
      "Jobs/Container-Scanning.gitlab-ci.yml", "Jobs/Container-Scanning.gitlab-ci.yml",
    ])
    // Files not recognisable on their own are consumed because they are included.
    for file in ["gitlab-ci-config/variables.yml", "gitlab-ci-config/workflow-rules.yml", "gitlab-ci-config/dind-config.yml"] {
      #expect(run.consumed[file] == .gitlabCI, "\(file)")
    }
    #expect(pipeline.attributes["workflow"]["name"].string == "$PIPELINE_TYPE")
    #expect(run.entities(EntityKinds.gitlabJob, in: ".gitlab-ci.yml").count == 181)
    #expect(run.entities(EntityKinds.gitlabTemplate, in: ".gitlab-ci.yml").count == 41)
    #expect(run.entities(EntityKinds.gitlabJob, in: "gitlab-ci-config/check-packages.yml").count == 29)

    // Ubuntu-22.04-branch extends .branch_template, whose script splices !reference [.build-package].
    let ubuntu = try #require(run.entity("gitlab:.gitlab-ci.yml#Ubuntu-22.04-branch"))
    #expect(ubuntu.type == "package")
    #expect(ubuntu.location.path == "gitlab-ci-config/dev-gitlab-org.yml")
    let script = ubuntu.attributes["script"].elements
    #expect(script.count == 8)
    #expect(script.first?.string == "support/import_gpg_secrets.sh")
    #expect(script[1].string == "bundle exec rake cache:populate")
    #expect(script[1].location?.path == ".gitlab-ci.yml")
    #expect(line(script[1]) == 105)
    #expect(strings(ubuntu.attributes["tags"]) == ["distribution-runner", "amd64"])
    #expect(ubuntu.attributes["rules_list"].elements.count == 4)
    #expect(ubuntu.attributes["rules_list"][0]["if"].string == "$SKIP_JOB_REGEX && $CI_JOB_NAME =~ $SKIP_JOB_REGEX")
    #expect(ubuntu.attributes["cache"]["paths"].elements.count == 4)
    // The legacy top-level before_script is inherited: script_lines = 10 + 8.
    #expect(ubuntu.attributes["script_lines"].elements.count == 18)
    #expect(ubuntu.attributes["script_lines"][0].location.map { "\($0.path):\($0.span.start.line)" } == ".gitlab-ci.yml:113")
    #expect(run.targets(ubuntu.id.rawValue, "needs") == ["gitlab:.gitlab-ci.yml#fetch-assets", "gitlab:.gitlab-ci.yml#generate-facts"])

    // fetch-assets sets `before_script: []`: only its own script.
    let fetch = try #require(run.entity("gitlab:.gitlab-ci.yml#fetch-assets"))
    #expect(fetch.attributes["script_lines"].elements.count == 2)
    #expect(strings(fetch.attributes["extends_chain"]) == [".docker_job", ".dind", ".with-build-token", ".vault-integration"])

    // The check-packages child pipeline and the jobs that trigger it.
    #expect(run.targets("gitlab:.gitlab-ci.yml#check-packages-functionality", "triggers") == [
      "gitlab:gitlab-ci-config/check-packages.yml"
    ])
    #expect(run.targets("gitlab:.gitlab-ci.yml#build-package-on-all-os", "triggers") == ["gitlab:.gitlab-ci.yml"])

    // danger-review is completed by the (unfetched) component: its default stage is a warning.
    #expect(run.gitlabDiagnostics.map { position($0, file: true) } == [
      "gitlab.unknown-stage@gitlab-ci-config/gitlab-com.yml:503:1"
    ])
    #expect(run.gitlabDiagnostics.first?.severity == .warning)
  }

  @Test("GitLab's own templates load as standalone pipelines", .requires(sharedData: runnerRootURL))
  func templates() throws {
    let files = InputWalker().walk(templatesRoot)
    #expect(files.count == 8)
    var jobs: [String: Int] = [:]
    for file in files {
      let run = runGitLab([file], root: templatesRoot)
      let relative = run.context.relative(file)
      #expect(run.entity("gitlab:" + relative) != nil, "\(relative)")
      #expect(run.graph.diagnostics.filter { $0.severity == .error }.isEmpty, "\(relative): \(run.graph.diagnostics)")
      jobs[relative] = run.entities(EntityKinds.gitlabJob, in: relative).count
    }
    #expect(jobs == [
      "Auto-DevOps.gitlab-ci.yml": 0, "Code-Quality.gitlab-ci.yml": 0, "Docker.gitlab-ci.yml": 2,
      "Python.gitlab-ci.yml": 3, "Security/SAST.gitlab-ci.yml": 15, "Security/Secret-Detection.gitlab-ci.yml": 0,
      "Terraform.gitlab-ci.yml": 3, "Terraform/Base.gitlab-ci.yml": 1,
    ])
    let autoDevOps = runGitLab([templatesRoot + "/Auto-DevOps.gitlab-ci.yml"], root: templatesRoot)
    let includes = try #require(autoDevOps.entity("gitlab:Auto-DevOps.gitlab-ci.yml")).attributes["includes"].elements
    #expect(includes.count == 16)
    #expect(includes.allSatisfy { $0["kind"].string == "template" })
    let sast = runGitLab([templatesRoot + "/Security/SAST.gitlab-ci.yml"], root: templatesRoot)
    let analyzer = try #require(sast.entities(EntityKinds.gitlabJob, in: "Security/SAST.gitlab-ci.yml").first { $0.name == "bandit-sast" })
    #expect(strings(analyzer.attributes["extends_chain"]) == [".sast-analyzer", "sast"])
    #expect(analyzer.attributes["services_refs"].elements.isEmpty)
  }

  @Test("every GitLab corpus file ingests, per repository and as one tree", .requires(sharedData: runnerRootURL))
  func wholeCorpus() throws {
    let repositories = try FileManager.default.contentsOfDirectory(atPath: gitlabCorpus).sorted()
    #expect(repositories.count == 6)
    var pipelines = 0
    for repository in repositories {
      let root = gitlabCorpus + "/" + repository
      let files = InputWalker().walk(root)
      // The repository as a whole: every file is consumed as GitLab CI.
      let run = runGitLab([root], root: root)
      for file in files { #expect(run.consumed[run.context.relative(file)] == .gitlabCI, "\(repository): \(file)") }
      pipelines += run.graph.entities(ofKind: EntityKinds.gitlabPipeline).count
      #expect(run.graph.diagnostics.allSatisfy { $0.location != nil }, "\(repository)")
      // Each file on its own, rooted at its repository: a file recognised as GitLab CI is then a
      // pipeline (the others are only read through the includes above).
      for file in files {
        let single = runGitLab([file], root: root)
        let relative = single.context.relative(file)
        if single.context.loaded[file]?.format == .gitlabCI {
          #expect(single.entity("gitlab:" + relative) != nil, "\(file)")
        } else {
          #expect(single.graph.entities.isEmpty, "\(file)")
        }
      }
    }
    // gitlabhq: root + 8 templates; cli: 2; omnibus: 2; runner, shell, gitlab-ci: 1 each.
    #expect(pipelines == 16)
    // All at once, rooted at the corpus folder: includes written from the repository roots are
    // missing there, and nothing traps.
    let all = runGitLab([gitlabCorpus], root: gitlabCorpus)
    #expect(all.graph.entities(ofKind: EntityKinds.gitlabJob).count >= 373)
    #expect(!all.diagnostics("gitlab.include-missing").isEmpty)
  }
}
