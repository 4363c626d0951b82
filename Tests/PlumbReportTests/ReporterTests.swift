import Foundation
import PlumbDiagnostics
import PlumbPolicy
import Testing
import TestSupport

@testable import PlumbReport

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// A reporter and the snapshot file its output is compared with.
struct SnapshotCase: Sendable, CustomTestStringConvertible {
  let identifier: String
  let file: String
  var testDescription: String { identifier }
}

@Suite struct ReporterTests {
  static let snapshotCases = [
    SnapshotCase(identifier: "text", file: "text.txt"),
    SnapshotCase(identifier: "json", file: "json.json"),
    SnapshotCase(identifier: "sarif", file: "sarif.sarif.json"),
    SnapshotCase(identifier: "github", file: "github.txt"),
    SnapshotCase(identifier: "github-summary", file: "github-summary.md"),
    SnapshotCase(identifier: "gitlab", file: "gitlab.json"),
    SnapshotCase(identifier: "junit", file: "junit.xml"),
    SnapshotCase(identifier: "markdown", file: "markdown.md"),
    SnapshotCase(identifier: "sarif-upload", file: "sarif-upload.sarif.json"),
    SnapshotCase(identifier: "gitlab-sast", file: "gl-sast-report.json"),
  ]

  static func render(_ identifier: String, _ report: CheckReport = ReportFixture.report) throws -> String {
    let reporter = try #require(Reporters.named(identifier), "no reporter named '\(identifier)'")
    return reporter.render(report, options: ReportFixture.options)
  }

  // MARK: Registry

  @Test func registryListsEveryFormatOnceAndLooksThemUpByExactName() {
    let identifiers = Reporters.all.map { $0.identifier }
    #expect(identifiers == ["text", "json", "sarif", "sarif-upload", "github", "github-summary", "gitlab", "gitlab-sast", "junit", "markdown"])
    #expect(Set(identifiers).count == identifiers.count)
    #expect(Self.snapshotCases.map(\.identifier).sorted() == identifiers.sorted())
    for reporter in Reporters.all {
      #expect(Reporters.named(reporter.identifier).map { $0.identifier } == reporter.identifier)
      #expect(!reporter.description.isEmpty && !reporter.description.contains("\n"))
    }
    #expect(Reporters.named("SARIF") == nil)
    #expect(Reporters.named("xml") == nil)
    #expect(Reporters.named("") == nil)
  }

  // MARK: Snapshots

  @Test(arguments: snapshotCases)
  func matchesSnapshot(_ snapshot: SnapshotCase) throws {
    assertSnapshot(try Self.render(snapshot.identifier), named: snapshot.file)
  }

  // MARK: Determinism and the empty report

  @Test(arguments: snapshotCases)
  func isDeterministicAndIndependentOfInputOrder(_ snapshot: SnapshotCase) throws {
    let first = try Self.render(snapshot.identifier)
    #expect(try Self.render(snapshot.identifier) == first)
    var shuffled = ReportFixture.report
    var generator = SplitMix64(state: 42)  // seeded: the same shuffles on every run
    shuffled.findings.shuffle(using: &generator)
    shuffled.rules.shuffle(using: &generator)
    shuffled.files.shuffle(using: &generator)
    #expect(try Self.render(snapshot.identifier, shuffled) == first)
  }

  @Test(arguments: snapshotCases)
  func rendersTheEmptyReport(_ snapshot: SnapshotCase) throws {
    let output = try Self.render(snapshot.identifier, ReportFixture.empty)
    #expect(try Self.render(snapshot.identifier, ReportFixture.empty) == output)
    #expect(output.isEmpty || output.hasSuffix("\n"))
    switch snapshot.identifier {
    case "text":
      #expect(output == "summary\n  files       0 checked, 0 skipped\n  rules       0 run\n  findings    0\n  blocking    0\n  suppressed  0\nverdict: nothing evaluated (no input found)\n")
    case "github": #expect(output == "")
    case "gitlab": #expect(output == "[]\n")
    case "junit":
      #expect(output == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"plumb check\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\">\n</testsuites>\n")
    case "github-summary", "markdown":
      #expect(output.contains("## ❌ Plumb: nothing evaluated (no input found)\n"))
      #expect(!output.contains("<details>"))
    default:
      #expect(try JSONSerialization.jsonObject(with: Data(output.utf8)) is [String: Any])
    }
  }

  // MARK: JSON

  @Test func jsonValidatesAgainstItsPublishedSchema() throws {
    let schema = packageRoot.appendingPathComponent("docs/schemas/check-report.v1.schema.json").path
    #expect(validateAgainstSchema(try Self.render("json"), schemaPath: schema) == [])
    #expect(validateAgainstSchema(try Self.render("json", ReportFixture.empty), schemaPath: schema) == [])
    // The schema's identity is the constant every document names.
    let schemaObject = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: schema))) as? [String: Any])
    #expect(schemaObject["$id"] as? String == JSONReporter.schemaURI)
    #expect(schemaObject["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
  }

  @Test func schemaValidationCatchesADocumentThatDrifts() throws {
    // The validator really validates: a document with an unknown member and a wrong type fails.
    let schema = packageRoot.appendingPathComponent("docs/schemas/check-report.v1.schema.json").path
    var drifted = try #require(
      try JSONSerialization.jsonObject(with: Data(Self.render("json").utf8)) as? [String: Any])
    drifted["surprise"] = true
    drifted["exitStatus"] = "two"
    let text = String(decoding: try JSONSerialization.data(withJSONObject: drifted), as: UTF8.self)
    let errors = try #require(validateAgainstSchema(text, schemaPath: schema))
    #expect(errors.contains { $0.hasPrefix("/exitStatus: ") })
    #expect(errors.contains { $0.hasPrefix("/: ") && $0.contains("surprise") })
  }

  @Test func jsonCarriesTheWholeReport() throws {
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(Self.render("json").utf8)) as? [String: Any])
    #expect(document["schema"] as? String == "https://plumb.dev/schemas/check-report/v1")
    #expect(document["schemaVersion"] as? Int == 1)
    let findings = try #require(document["findings"] as? [[String: Any]])
    #expect(findings.count == ReportFixture.findings.count)
    // Sorted by path (byte order of the UTF-8 scalars' comparison), then offset.
    let paths = findings.compactMap { ($0["location"] as? [String: Any])?["path"] as? String }
    #expect(paths == paths.sorted())
    let equipe = try #require(findings.first { ($0["location"] as? [String: Any])?["path"] as? String == "catalog/équipe.yaml" })
    let start = try #require((equipe["location"] as? [String: Any])?["start"] as? [String: Any])
    #expect(start["line"] as? Int == 7)
    #expect(start["column"] as? Int == 3)
    let summary = try #require(document["summary"] as? [String: Any])
    #expect(summary["blocking"] as? Int == 2)
    #expect(summary["suppressed"] as? Int == 1)
    #expect(summary["baseline"] as? [String: Int] == ["new": 4, "unchanged": 2, "fixed": 1])
    #expect((document["invocation"] as? [String: Any])?["startTime"] is NSNull)
    #expect(!(try Self.render("json")).contains("\\/"))
  }

  // MARK: SARIF

  static let referenceSARIFSchema = SharedData.reference("sarif-schema-2.1.0.json")

  /// The OASIS schema (2.1.0 errata 01) is vendored so CI needs nothing beside the repository; the
  /// vendored copy must be byte-identical to the team's reference copy.
  @Test(.requires(sharedData: referenceSARIFSchema)) func vendoredSARIFSchemaIsTheReferenceCopy() throws {
    let vendored = try Data(contentsOf: packageRoot.appendingPathComponent("docs/schemas/sarif-schema-2.1.0.json"))
    let official = try Data(contentsOf: Self.referenceSARIFSchema)
    #expect(vendored == official, "docs/schemas/sarif-schema-2.1.0.json differs from \(Self.referenceSARIFSchema.path)")
  }

  @Test func sarifValidatesAgainstTheOfficialSchema() throws {
    let schema = packageRoot.appendingPathComponent("docs/schemas/sarif-schema-2.1.0.json").path
    #expect(validateAgainstSchema(try Self.render("sarif"), schemaPath: schema) == [])
    #expect(validateAgainstSchema(try Self.render("sarif", ReportFixture.empty), schemaPath: schema) == [])
    // And the validator does reject what the schema forbids (a level SARIF does not define).
    let tampered = try Self.render("sarif").replacingOccurrences(of: "\"level\": \"note\"", with: "\"level\": \"fatal\"")
    let errors = try #require(validateAgainstSchema(tampered, schemaPath: schema))
    #expect(errors.contains { $0.contains("'fatal' is not one of") })
  }

  @Test func sarifResultsPointAtTheirRulesAndCarryGateState() throws {
    let log = try #require(try JSONSerialization.jsonObject(with: Data(Self.render("sarif").utf8)) as? [String: Any])
    let run = try #require((log["runs"] as? [[String: Any]])?.first)
    #expect(run["columnKind"] as? String == "unicodeCodePoints")
    let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
    let rules = try #require(driver["rules"] as? [[String: Any]])
    let ids = rules.compactMap { $0["id"] as? String }
    #expect(ids == ids.sorted() && ids.count == ReportFixture.rules.count)
    let results = try #require(run["results"] as? [[String: Any]])
    #expect(results.count == ReportFixture.findings.count)
    for result in results {
      let index = try #require(result["ruleIndex"] as? Int)
      #expect(ids[index] == result["ruleId"] as? String)
      #expect((result["partialFingerprints"] as? [String: String])?["plumb/v1"]?.count == 16)
      #expect(["new", "unchanged"].contains(result["baselineState"] as? String))
    }
    let waived = try #require(results.first { $0["ruleId"] as? String == "gitlab_image_pinned" })
    let suppression = try #require((waived["suppressions"] as? [[String: Any]])?.first)
    #expect(suppression["kind"] as? String == "external")
    #expect(suppression["status"] as? String == "accepted")
    // Non-ASCII path: percent-encoded URI; columns in code points, offsets in bytes.
    let equipe = try #require(results.first { ($0["message"] as? [String: Any])?["text"] as? String == "component 'données-équipe' has no spec.owner" })
    let physical = try #require(((equipe["locations"] as? [[String: Any]])?.first)?["physicalLocation"] as? [String: Any])
    #expect((physical["artifactLocation"] as? [String: Any])?["uri"] as? String == "catalog/%C3%A9quipe.yaml")
    let region = try #require(physical["region"] as? [String: Int])
    let source = ReportFixture.equipe
    let offset = try #require(region["byteOffset"])
    #expect(source.position(ofOffset: offset).column == region["startColumn"])
    #expect(region["byteLength"] == "type: library".utf8.count)
    let fixed = try #require(results.first { $0["ruleId"] as? String == "checkout_persist_credentials" })
    let fix = try #require((fixed["fixes"] as? [[String: Any]])?.first)
    let change = try #require((fix["artifactChanges"] as? [[String: Any]])?.first)
    let replacement = try #require((change["replacements"] as? [[String: Any]])?.first)
    #expect((replacement["insertedContent"] as? [String: String])?["text"] == "false")
    let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
    #expect(invocation["executionSuccessful"] as? Bool == false)
    #expect(invocation["exitCode"] as? Int == 2)
    #expect(invocation["commandLine"] as? String == "plumb check --output sarif=plumb.sarif --baseline origin/main catalog .github infra")
    let base = try #require((run["originalUriBaseIds"] as? [String: Any])?["%SRCROOT%"] as? [String: String])
    #expect(base["uri"] == "file:///home/ci/work/platform%20repo/")
  }

  // MARK: Text

  @Test func textColoursOnlyWhenAskedAndNeutralisesControlCharacters() throws {
    var report = ReportFixture.report
    report.findings[0].finding.message = "bad \u{1B}[2Jvalue \u{202E}txt.exe"
    let plain = TextReporter.render(report, options: ReportFixture.options)
    #expect(!plain.contains("\u{1B}"))
    #expect(!plain.contains("\u{202E}"))
    #expect(plain.contains("bad <U+001B>[2Jvalue <U+202E>txt.exe"))
    var options = ReportFixture.options
    options.colored = true
    let colored = TextReporter.render(ReportFixture.report, options: options)
    #expect(colored.contains("\u{1B}[1;31merror:\u{1B}[0m"))
    #expect(colored.contains("\u{1B}[1;35mindeterminate:\u{1B}[0m"))
    #expect(colored.contains("\u{1B}[1;31mfail (1 input error, 2 blocking findings)\u{1B}[0m"))
  }

  @Test func textCropsTheLongSourceLineAroundTheCaret() throws {
    let text = try Self.render("text")
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let sourceLine = try #require(lines.firstIndex { $0.contains("| …") && $0.contains("${{ github.event") })
    let shown = Array(lines[sourceLine].unicodeScalars)
    let caret = try #require(Array(lines[sourceLine + 1].unicodeScalars).firstIndex(of: "^"))
    #expect(shown[caret] == "$")
    #expect(shown.count <= 4 + 4 + 2 + 160)  // indent, gutter, two ellipses, the window
  }

  // MARK: GitHub

  @Test func githubEscapesDataAndProperties() {
    #expect(WorkflowCommandText.data("100% a\r\nb: c, d") == "100%25 a%0D%0Ab: c, d")
    #expect(WorkflowCommandText.property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae")
    let output = GitHubReporter.render(ReportFixture.report, options: ReportFixture.options)
    // One command per line: newlines in messages never start a new command.
    for line in output.split(separator: "\n") { #expect(line.hasPrefix("::")) }
    #expect(!output.contains("gitlab_image_pinned"))  // suppressed
    #expect(output.split(separator: "\n").count == 2 + ReportFixture.findings.count - 1)
  }

  // MARK: JUnit

  @Test func junitIsWellFormedAndCountsFollowTheGate() throws {
    let xml = try Self.render("junit")
    #if canImport(FoundationXML) || canImport(Darwin)
      let parser = XMLParser(data: Data(xml.utf8))
      #expect(parser.parse(), "JUnit output is not well-formed XML: \(String(describing: parser.parserError))")
    #endif
    #expect(xml.contains("<testsuites name=\"plumb check\" tests=\"13\" failures=\"2\" errors=\"1\" skipped=\"1\">"))
    // `tests` counts the test cases, and no two share a name.
    #expect(xml.components(separatedBy: "<testcase ").count - 1 == 13)
    let names = xml.components(separatedBy: "<testcase ").dropFirst().compactMap {
      $0.components(separatedBy: " name=\"").dropFirst().first?.components(separatedBy: "\"").first
    }
    #expect(Set(names).count == names.count)
    #expect(xml.contains("&lt;untrusted&gt;"))
    #expect(!xml.contains("<untrusted>"))
  }

  // MARK: Markdown

  @Test func markdownEscapesMessagesAndLinksRulesAndLines() throws {
    let markdown = try Self.render("markdown")
    #expect(markdown.hasPrefix(MarkdownReporter.marker + "\n"))
    #expect(markdown.contains("\\<untrusted\\>"))
    #expect(markdown.contains("[`untrusted_input_in_run`](https://plumb.dev/rules/untrusted_input_in_run)"))
    #expect(markdown.contains("(https://github.com/acme/platform/blob/0123abc/catalog/%C3%A9quipe.yaml#L7)"))
    #expect(!markdown.contains("\n<untrusted>"))
  }
}

@Suite struct EscapingTests {
  @Test func jsonEscapesQuotesBackslashesAndControlsButNotSlashesOrUnicode() {
    var out = ""
    JSONValue.appendQuoted("a\"b\\c/d\n\t\u{1B}é\u{2028}", to: &out)
    // U+2028 (a line separator) is written as an escape: the same value, no raw separator.
    #expect(out == "\"a\\\"b\\\\c/d\\n\\t\\u001bé\\u2028\"")
  }

  @Test func xmlEscapesMarkupAndShowsWhatXMLCannotCarry() {
    #expect(XMLText.escape("a<b>&\"'\n\u{1}") == "a&lt;b&gt;&amp;\"'\n&lt;U+0001&gt;")
    #expect(XMLText.escape("a\"'\n\t\r", attribute: true) == "a&quot;&apos;&#10;&#9;&#13;")
  }

  @Test func markdownEscapesMarkupAndKeepsTextInOneCell() {
    #expect(MarkdownText.inline("*a* | [b](c) <d> $e$ `f`\r\ng") == "\\*a\\* \\| \\[b\\](c) \\<d\\> \\$e\\$ \\`f\\`<br>g")
    #expect(MarkdownText.codeSpan("a`b|c") == "``a`b\\|c``")
    #expect(MarkdownText.codeSpan("`x`") == "`` `x` ``")
    #expect(TerminalText.visible("ok\u{7}\u{202E}") == "ok<U+0007><U+202E>")
  }

  @Test func uriPathsArePercentEncodedUTF8() {
    #expect(LinkTarget.uriPath("catalog/équipe yaml#1.yaml") == "catalog/%C3%A9quipe%20yaml%231.yaml")
    #expect(LinkTarget.scheme(of: "https://plumb.dev/x") == "https")
    #expect(LinkTarget.scheme(of: "docs/rules/x.md") == nil)
    #expect(SARIFReporter.shellCommandLine(["plumb", "check", "a b", "it's", "q'\u{301}"]) == "plumb check 'a b' 'it'\\''s' 'q'\\''\u{301}'")
  }

  @Test func markdownFormatsCapLongListsAndCountTheRest() {
    var report = ReportFixture.report
    let template = ReportFixture.findings[1]  // advisory, not blocking
    report.findings = (0..<130).map { index in
      var copy = template
      copy.finding.location.span.start.line = index + 1
      copy.finding.location.span.start.offset = index * 100
      copy.finding.location.span.end.offset = index * 100 + 5
      copy.finding.fingerprint = String(index)
      return copy
    }
    let comment = MarkdownReporter.render(report, options: ReportFixture.options)
    #expect(comment.components(separatedBy: "| note |").count - 1 == MarkdownReporter.maxFindings)
    #expect(comment.contains("… and 30 more (see the SARIF or JSON output)."))
    let summary = GitHubSummaryReporter.render(report, options: ReportFixture.options)
    #expect(summary.components(separatedBy: "| note |").count - 1 == GitHubSummaryReporter.maxFindings)
    #expect(summary.contains("… and 80 more (see the SARIF or JSON output)."))
  }
}
