import Foundation
import PlumbDiagnostics
import PlumbGraph
import Testing

@testable import PlumbIngest

// MARK: - Support

private let here = SourceLocation(
  path: "t.yml", span: SourceSpan(start: SourcePosition(line: 1, column: 1, offset: 0), end: SourcePosition(line: 1, column: 1, offset: 0)))

/// The sinks of one script session, as `kind:variable` strings.
private func sinks(_ entries: [String], tainted: [String: GitLabDataflow.Taint] = [:]) -> [String] {
  GitLabDataflow.sinks(entries: entries.map { ($0, here) }, tainted: tainted).map { "\($0.kind):\($0.variable)" }
}

private func sinks(_ script: String) -> [String] { sinks([script]) }

/// Ingests `.gitlab-ci.yml` (and `files`) from a temporary repository; returns the job's attributes.
private func job(_ name: String, _ text: String, files: [String: String] = [:]) throws -> Value {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-gitlab-dataflow-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  for (path, content) in files.merging([".gitlab-ci.yml": text], uniquingKeysWith: { a, _ in a }) {
    let url = directory.appendingPathComponent(path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(content.utf8).write(to: url)
  }
  let graph = Ingestor().ingest(paths: [directory.path]).graph
  let entity = try #require(graph.entity(EntityID("gitlab:.gitlab-ci.yml#" + name)))
  return entity.attributes
}

private func sinkSummary(_ attributes: Value) -> [String] {
  attributes["tainted_sinks"].elements.map { "\($0["kind"].string ?? "?"):\($0["variable"].string ?? "?"):\($0["via"].string ?? "?")" }
}

// MARK: - Shell sinks

@Suite("GitLab dataflow: sinks")
struct GitLabDataflowSinkTests {
  @Test("quoted and unquoted data arguments are safe")
  func dataIsSafe() {
    #expect(sinks(#"echo "$CI_MERGE_REQUEST_TITLE""#).isEmpty)
    #expect(sinks("echo $CI_COMMIT_MESSAGE").isEmpty)
    #expect(sinks(#"./check-title.sh "${CI_MERGE_REQUEST_TITLE}" > out.txt"#).isEmpty)
    #expect(sinks("echo '$CI_COMMIT_BRANCH'").isEmpty)
    #expect(sinks(#"git fetch origin "$CI_COMMIT_BRANCH""#).isEmpty)
    #expect(sinks("echo $CI_COMMIT_REF_SLUG && sh -c './build.sh --fast'").isEmpty)
    #expect(sinks("# eval $CI_COMMIT_MESSAGE").isEmpty)
    #expect(sinks(#"sh -c 'echo "$1"' _ "$CI_COMMIT_TITLE""#).isEmpty)
  }

  @Test("eval runs its arguments, quoted or not; single-quoted text is read again")
  func evalSinks() {
    #expect(sinks(#"eval "echo $CI_MERGE_REQUEST_TITLE""#) == ["eval:CI_MERGE_REQUEST_TITLE"])
    #expect(sinks("eval $CI_COMMIT_MESSAGE") == ["eval:CI_COMMIT_MESSAGE"])
    #expect(sinks("eval 'echo $CI_COMMIT_MESSAGE'").isEmpty)
    #expect(sinks(#"eval 'eval "$CI_COMMIT_TITLE"'"#) == ["eval:CI_COMMIT_TITLE"])
    #expect(sinks(#"eval "$(echo $CI_COMMIT_DESCRIPTION)""#) == ["eval:CI_COMMIT_DESCRIPTION"])
    #expect(sinks(#"if true; then eval "$CI_COMMIT_TAG"; fi"#) == ["eval:CI_COMMIT_TAG"])
  }

  @Test("sh -c, bash -ec, su -c, sudo and docker run: the code argument")
  func shellCode() {
    #expect(sinks(#"sh -c "notify --branch $CI_COMMIT_BRANCH""#) == ["sh -c:CI_COMMIT_BRANCH"])
    #expect(sinks(#"bash -ec "make ${CI_COMMIT_REF_NAME}""#) == ["bash -c:CI_COMMIT_REF_NAME"])
    #expect(sinks(#"sudo -u app bash -c "deploy $CI_COMMIT_TAG""#) == ["bash -c:CI_COMMIT_TAG"])
    #expect(sinks(#"docker run --rm alpine sh -c "echo $CI_MERGE_REQUEST_TITLE""#) == ["sh -c:CI_MERGE_REQUEST_TITLE"])
    #expect(sinks(#"sh -c 'echo "$CI_COMMIT_MESSAGE"'"#).isEmpty)
    #expect(sinks(#"sh -c 'eval $CI_COMMIT_MESSAGE'"#) == ["eval:CI_COMMIT_MESSAGE"])
    #expect(sinks(#"su app -c "run $CI_COMMIT_TITLE""#) == ["su -c:CI_COMMIT_TITLE"])
  }

  @Test("interpreters' code options")
  func interpreters() {
    #expect(sinks(#"python3 -c "print('$CI_MERGE_REQUEST_DESCRIPTION')""#) == ["python3 code:CI_MERGE_REQUEST_DESCRIPTION"])
    #expect(sinks(#"perl -ne "print if /$CI_COMMIT_TITLE/" file"#) == ["perl code:CI_COMMIT_TITLE"])
    #expect(sinks(#"node -e "console.log('${CI_COMMIT_BRANCH}')""#) == ["node code:CI_COMMIT_BRANCH"])
    #expect(sinks(#"python3 -c 'import os; print(os.environ["CI_COMMIT_TITLE"])'"#).isEmpty)
    #expect(sinks(#"python3 check.py "$CI_MERGE_REQUEST_TITLE""#).isEmpty)
  }

  @Test("command position, through wrappers too")
  func commandPosition() {
    #expect(sinks("$CI_COMMIT_MESSAGE --version") == ["command position:CI_COMMIT_MESSAGE"])
    #expect(sinks(#"X=1 "${CI_COMMIT_TITLE}""#) == ["command position:CI_COMMIT_TITLE"])
    #expect(sinks("env A=b $CI_COMMIT_BRANCH") == ["command position:CI_COMMIT_BRANCH"])
    #expect(sinks("timeout 10 $CI_COMMIT_TAG") == ["command position:CI_COMMIT_TAG"])
    #expect(sinks("make && $CI_COMMIT_REF_NAME") == ["command position:CI_COMMIT_REF_NAME"])
  }

  @Test("standard input of a shell: pipes, here-documents, here-strings")
  func standardInput() {
    #expect(sinks(#"echo "$CI_COMMIT_MESSAGE" | sh"#) == ["piped into sh:CI_COMMIT_MESSAGE"])
    #expect(sinks(#"printf '%s\n' "$CI_MERGE_REQUEST_TITLE" | tr a b | bash -s"#) == ["piped into bash:CI_MERGE_REQUEST_TITLE"])
    #expect(sinks("bash <<EOF\necho $CI_COMMIT_TITLE\nEOF") == ["here-document into bash:CI_COMMIT_TITLE"])
    #expect(sinks("bash <<'EOF'\necho $CI_COMMIT_TITLE\nEOF").isEmpty)
    #expect(sinks("cat <<EOF > notes.txt\n$CI_COMMIT_TITLE\nEOF").isEmpty)
    #expect(sinks(#"python3 <<< "print('$CI_COMMIT_TAG')""#) == ["here-document into python3:CI_COMMIT_TAG"])
    #expect(sinks(#"echo "$CI_COMMIT_MESSAGE" | grep fix"#).isEmpty)
  }

  @Test("unquoted expansions where word splitting adds options that run code")
  func wordSplitting() {
    #expect(sinks("git log $CI_COMMIT_MESSAGE") == ["unquoted argument:CI_COMMIT_MESSAGE"])
    #expect(sinks("find . -name $CI_MERGE_REQUEST_TITLE") == ["unquoted argument:CI_MERGE_REQUEST_TITLE"])
    #expect(sinks("python3 tool.py $CI_COMMIT_TITLE") == ["unquoted argument:CI_COMMIT_TITLE"])
    #expect(sinks("echo ok | xargs git tag $CI_COMMIT_DESCRIPTION") == ["unquoted argument:CI_COMMIT_DESCRIPTION"])
    #expect(sinks(#"git log "$CI_COMMIT_MESSAGE""#).isEmpty)
  }

  @Test("ssh runs its command on the remote shell")
  func ssh() {
    #expect(sinks(#"ssh -i key deploy@host "cd app && git checkout $CI_COMMIT_REF_NAME""#) == ["ssh remote command:CI_COMMIT_REF_NAME"])
    #expect(sinks(#"ssh deploy@host"#).isEmpty)
  }

  @Test("script assignments carry taint to later entries of the same shell")
  func assignments() {
    #expect(sinks([#"export TITLE="$CI_MERGE_REQUEST_TITLE""#, #"bash -c "lint $TITLE""#]) == ["bash -c:TITLE"])
    #expect(sinks([#"MSG=$(echo "$CI_COMMIT_MESSAGE" | head -1)"#, "eval $MSG"]) == ["eval:MSG"])
    #expect(sinks(["SAFE=fixed", "eval $SAFE"]).isEmpty)
    let sink = GitLabDataflow.sinks(entries: [(#"T="$CI_COMMIT_TITLE""#, here), ("eval $T", here)], tainted: [:]).first
    #expect(sink?.taint.pathText == "CI_COMMIT_TITLE → script T")
  }

  @Test("hostile scripts: unterminated quotes, deep nesting, long text end without error")
  func hostile() {
    #expect(sinks(#"eval "$CI_COMMIT_TITLE"#) == ["eval:CI_COMMIT_TITLE"])
    #expect(sinks("echo 'unterminated").isEmpty)
    #expect(sinks(String(repeating: "$(", count: 5000) + "eval $CI_COMMIT_TITLE").count <= 1)
    #expect(sinks(String(repeating: "`", count: 3001)).isEmpty)
    #expect(sinks(String(repeating: "eval ", count: 2000) + "\"$CI_COMMIT_TITLE\"") == ["eval:CI_COMMIT_TITLE"])
    #expect(sinks("bash <<EOF\n" + String(repeating: "x\n", count: 10000)).isEmpty)
    #expect(sinks("eval \"\u{202E}$CI_COMMIT_TITLE\u{0}\"") == ["eval:CI_COMMIT_TITLE"])
    // One long line with many sinks: one sink per line, variable and kind.
    #expect(sinks(String(repeating: "eval $CI_COMMIT_TITLE; ", count: 20000)) == ["eval:CI_COMMIT_TITLE"])
    let many = (0..<2000).map { "T\($0)=\"$CI_COMMIT_TITLE\"; eval $T\($0)" }.joined(separator: "; ")
    #expect(sinks(many).count == 2000)
  }
}

// MARK: - Propagation

@Suite("GitLab dataflow: propagation through variables")
struct GitLabDataflowPropagationTests {
  @Test("variable values referencing sources and tainted variables; $$ and expand: false stop it")
  func propagate() {
    let defs = [
      GitLabDataflow.Definition(name: "B", value: "pre ${A} post", node: nil, scope: "variables:", expands: true),
      GitLabDataflow.Definition(name: "A", value: "$CI_COMMIT_MESSAGE", node: nil, scope: "variables:", expands: true),
      GitLabDataflow.Definition(name: "C", value: "$$CI_COMMIT_MESSAGE", node: nil, scope: "variables:", expands: true),
      GitLabDataflow.Definition(name: "D", value: "$CI_COMMIT_TITLE", node: nil, scope: "variables:", expands: false),
      GitLabDataflow.Definition(name: "E", value: "$E $CI_COMMIT_REF_SLUG", node: nil, scope: "variables:", expands: true),
    ]
    let tainted = GitLabDataflow.propagate(defs)
    #expect(tainted.keys.sorted() == ["A", "B"])
    #expect(tainted["B"]?.pathText == "CI_COMMIT_MESSAGE → variables: A → variables: B")
  }

  @Test("a chain of thousands of variables: every link tainted, the path kept short")
  func longChain() {
    var defs = [GitLabDataflow.Definition(name: "V0", value: "$CI_COMMIT_TITLE", node: nil, scope: "variables:", expands: true)]
    for index in 1..<3000 {
      defs.append(GitLabDataflow.Definition(name: "V\(index)", value: "${V\(index - 1)}", node: nil, scope: "variables:", expands: true))
    }
    let tainted = GitLabDataflow.propagate(defs.reversed())
    #expect(tainted.count == 3000)
    let last = tainted["V2999"]
    #expect(last?.hops.count == GitLabDataflow.Taint.maximumHops)
    #expect(last?.hops.first?.text == "variables: V0")
    #expect(last?.hops.last?.text == "variables: V2999")
    #expect(last?.hops.contains { $0.text == "…" } == true)
  }

  @Test("global variables reach a job's eval; inherit: variables: false cuts them")
  func global() throws {
    let text = """
      variables:
        TITLE: $CI_MERGE_REQUEST_TITLE
      lint:
        script:
          - eval "check $TITLE"
      isolated:
        inherit:
          variables: false
        script:
          - eval "check $TITLE"
      """
    let lint = try job("lint", text)
    #expect(sinkSummary(lint) == ["eval:TITLE:CI_MERGE_REQUEST_TITLE → variables: TITLE"])
    let path = lint["tainted_sinks"][0]["path"][0]
    #expect(path.location?.span.start.line == 2)
    #expect(lint["tainted_sinks"][0].location?.span.start.line == 5)
    #expect(lint["tainted_variables"]["TITLE"]["source"].string == "CI_MERGE_REQUEST_TITLE")
    #expect(sinkSummary(try job("isolated", text)).isEmpty)
  }

  @Test("job variables, extends, !reference, rules: variables and workflow: rules: variables")
  func levels() throws {
    let text = """
      workflow:
        rules:
          - if: $CI_COMMIT_TAG
            variables:
              RELEASE: $CI_COMMIT_TAG
          - when: always
      .base:
        variables:
          BRANCH: $CI_COMMIT_BRANCH
      .shared:
        vars:
          NOTE: "$CI_COMMIT_DESCRIPTION"
      from-extends:
        extends: .base
        script: ['sh -c "deploy $BRANCH"']
      from-reference:
        variables: !reference [.shared, vars]
        script: ['$NOTE']
      from-rules:
        rules:
          - if: $CI_PIPELINE_SOURCE == "merge_request_event"
            variables:
              WHAT: "${CI_MERGE_REQUEST_SOURCE_BRANCH_NAME}"
        script: ['bash -c "build $WHAT"']
      from-workflow:
        script: ['eval release $RELEASE']
      chained:
        variables:
          FIRST: $CI_COMMIT_TITLE
          SECOND: "[$FIRST]"
          RAW:
            value: $CI_COMMIT_TITLE
            expand: false
        script: ['eval "$SECOND"', 'eval "$RAW"']
      """
    #expect(sinkSummary(try job("from-extends", text)) == ["sh -c:BRANCH:CI_COMMIT_BRANCH → '.base' variables: BRANCH (extends)"])
    #expect(sinkSummary(try job("from-reference", text)) == ["command position:NOTE:CI_COMMIT_DESCRIPTION → job 'from-reference' variables: NOTE (by !reference)"])
    #expect(sinkSummary(try job("from-rules", text)) == ["bash -c:WHAT:CI_MERGE_REQUEST_SOURCE_BRANCH_NAME → job 'from-rules' rules: variables: WHAT"])
    #expect(sinkSummary(try job("from-workflow", text)) == ["eval:RELEASE:CI_COMMIT_TAG → workflow: rules: variables: RELEASE"])
    #expect(sinkSummary(try job("chained", text)) == ["eval:SECOND:CI_COMMIT_TITLE → job 'chained' variables: FIRST → job 'chained' variables: SECOND"])
  }

  @Test("after_script is another shell: assignments of script do not reach it; templates have no sinks")
  func sessions() throws {
    let text = """
      .template:
        script: ['eval $CI_COMMIT_MESSAGE']
      job:
        script: ['T=$CI_COMMIT_TITLE']
        after_script: ['eval $T', 'eval "$CI_COMMIT_TAG"']
      """
    #expect(sinkSummary(try job("job", text)) == ["eval:CI_COMMIT_TAG:CI_COMMIT_TAG"])
  }
}
