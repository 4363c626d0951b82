import PlumbConfig
import PlumbFiles
import Testing

/// The `.gitignore`-syntax matcher behind `exclude:`, `--exclude` and `respect_gitignore`.
@Suite struct ExclusionPatternTests {
  func excluded(_ patterns: [String], _ path: String, directory: Bool = false) -> Bool {
    PathExclusions(patterns.compactMap(ExclusionPattern.init)).excludes(path, isDirectory: directory)
  }

  @Test func aPatternWithoutSlashMatchesAtAnyDepth() {
    #expect(excluded(["catalog-info.yaml"], "catalog-info.yaml"))
    #expect(excluded(["catalog-info.yaml"], "templates/svc/skeleton/catalog-info.yaml"))
    #expect(excluded(["*.json"], "terraform/plan.json"))
    #expect(!excluded(["*.json"], "terraform/plan.yaml"))
    #expect(excluded(["skeleton"], "templates/svc/skeleton", directory: true))
  }

  @Test func aSlashAtTheStartOrInTheMiddleAnchorsAtTheRoot() {
    #expect(excluded(["/plan.json"], "plan.json"))
    #expect(!excluded(["/plan.json"], "terraform/plan.json"))
    #expect(excluded(["terraform/plan.json"], "terraform/plan.json"))
    #expect(!excluded(["terraform/plan.json"], "live/terraform/plan.json"))
    #expect(excluded(["templates/*/skeleton"], "templates/svc/skeleton", directory: true))
    #expect(!excluded(["templates/*/skeleton"], "templates/a/b/skeleton", directory: true))
  }

  @Test func aTrailingSlashMatchesDirectoriesOnly() {
    #expect(excluded(["skeleton/"], "a/skeleton", directory: true))
    #expect(!excluded(["skeleton/"], "a/skeleton", directory: false))
    #expect(excluded(["build/"], "build", directory: true))
  }

  @Test func doubleStarMatchesAnyNumberOfDirectories() {
    #expect(excluded(["**/skeleton/"], "skeleton", directory: true))
    #expect(excluded(["**/skeleton/"], "templates/svc/skeleton", directory: true))
    #expect(excluded(["docs/**"], "docs/a/b.yaml"))
    #expect(!excluded(["docs/**"], "docs", directory: true))
    #expect(excluded(["a/**/b.yaml"], "a/b.yaml"))
    #expect(excluded(["a/**/b.yaml"], "a/x/y/z/b.yaml"))
    #expect(!excluded(["a/**/b.yaml"], "c/a/x/b.yaml"))
    #expect(excluded(["**/fixtures/**/*.json"], "tests/fixtures/deep/x.json"))
  }

  @Test func theLastMatchingPatternDecidesAndNegationReincludes() {
    #expect(!excluded(["*.json", "!keep.json"], "keep.json"))
    #expect(excluded(["*.json", "!keep.json"], "drop.json"))
    #expect(excluded(["!keep.json", "*.json"], "keep.json"))
    #expect(excluded(["*.json", "!keep.json", "keep.json"], "keep.json"))
  }

  @Test func classesQuestionMarksAndEscapes() {
    #expect(excluded(["plan-[0-9].json"], "plan-7.json"))
    #expect(!excluded(["plan-[0-9].json"], "plan-x.json"))
    #expect(excluded(["plan-[!0-9].json"], "plan-x.json"))
    #expect(excluded(["plan-?.json"], "plan-a.json"))
    #expect(!excluded(["plan-?.json"], "plan-ab.json"))
    #expect(excluded(["\\*.yaml"], "*.yaml"))
    #expect(!excluded(["\\*.yaml"], "a.yaml"))
    #expect(excluded(["\\!important.yaml"], "!important.yaml"))
    #expect(excluded(["\\#x.yaml"], "#x.yaml"))
    // An unclosed class is itself.
    #expect(excluded(["a[b.yaml"], "a[b.yaml"))
    // `?` and `*` never match a slash.
    #expect(!excluded(["a?b"], "a/b"))
    #expect(!excluded(["/a*b"], "a/x/b"))
  }

  @Test func gitignoreTextBlankLinesCommentsTrailingSpacesAndCRLF() {
    let patterns = PathExclusions.gitignorePatterns("# generated\n\n*.json  \r\n!keep.json\r\n/build/\n   \n")
    #expect(patterns.map(\.text).count == 3)
    let exclusions = PathExclusions(patterns)
    #expect(exclusions.excludes("x/plan.json", isDirectory: false))
    #expect(!exclusions.excludes("keep.json", isDirectory: false))
    #expect(exclusions.excludes("build", isDirectory: true))
    #expect(!exclusions.excludes("src/build", isDirectory: true))
    #expect(ExclusionPattern("#comment") == nil)
    #expect(ExclusionPattern("/") == nil)
    #expect(ExclusionPattern("!") == nil)
  }

  @Test func pathsOutsideTheRootAreNeverExcluded() {
    let exclusions = PathExclusions([ExclusionPattern("*.yaml")!])
    #expect(exclusions.excludes(absolute: "/repo/a.yaml", root: "/repo", isDirectory: false))
    #expect(!exclusions.excludes(absolute: "/elsewhere/a.yaml", root: "/repo", isDirectory: false))
    #expect(!exclusions.excludes(absolute: "/repository/a.yaml", root: "/repo", isDirectory: false))
  }

  @Test func hostilePatternsCostAtMostPatternTimesPath() {
    // Many stars and double stars against a long path: a table, not backtracking, so this ends.
    let stars = String(repeating: "*a", count: 500) + "b"
    let text = String(repeating: "a", count: 3000)
    #expect(!excluded([stars], text))
    let deep = String(repeating: "**/", count: 300) + "z"
    let path = Array(repeating: "d", count: 2000).joined(separator: "/") + "/y"
    #expect(!excluded([deep], path))
    #expect(excluded([deep], Array(repeating: "d", count: 2000).joined(separator: "/") + "/z"))
  }

  @Test func configurationReadsExcludeRespectGitignoreAndWaivers() {
    let configuration = PlumbConfiguration.parse(
      text: "exclude: ['**/skeleton/', '!keep/']\nrespect_gitignore: true\nwaivers: policy/waivers.yaml\n", root: "/repo")
    #expect(configuration.diagnostics.isEmpty, "\(configuration.diagnostics)")
    #expect(configuration.excludePatterns.map(\.text) == ["**/skeleton/", "!keep/"])
    #expect(configuration.respectGitignore)
    #expect(configuration.waiverFilePath == "/repo/policy/waivers.yaml")
    let single = PlumbConfiguration.parse(text: "exclude: 'skeleton/'\n", root: "/repo")
    #expect(single.excludePatterns.map(\.text) == ["skeleton/"])
  }

  @Test func configurationReportsBadExclusionsAtTheirNode() {
    let configuration = PlumbConfiguration.parse(
      text: "exclude:\n  - ''\n  - 3\n  - '# only a comment'\nrespect_gitignore: yes\n", root: "/repo")
    let messages = configuration.diagnostics.map { "\($0.location?.description ?? "-") \($0.message)" }
    #expect(messages.contains { $0.hasPrefix(".plumb.yaml:2:5 ") && $0.contains("must not be empty") }, "\(messages)")
    #expect(messages.contains { $0.hasPrefix(".plumb.yaml:3:5 ") && $0.contains("expected a string") }, "\(messages)")
    #expect(messages.contains { $0.hasPrefix(".plumb.yaml:4:5 ") && $0.contains("matches nothing") }, "\(messages)")
    #expect(messages.contains { $0.hasPrefix(".plumb.yaml:5:20 ") && $0.contains("true or false") }, "\(messages)")
    let map = PlumbConfiguration.parse(text: "exclude: {a: b}\n", root: "/repo")
    #expect(map.diagnostics.contains { $0.message.contains("a pattern or a list of patterns") })
  }
}
