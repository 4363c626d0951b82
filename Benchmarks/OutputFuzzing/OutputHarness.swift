import Foundation
import PlumbDiagnostics
import PlumbKit
import PlumbReport
import PlumbScore

/// Renders every human- and machine-readable output Plumb writes with hostile strings in every
/// field that comes from an input, and checks ``OutputProperties`` on each: the fuzz target
/// `fuzz-output` and the deterministic `OutputFuzzTests` share it.
///
/// The reports are real ones (a check and a score of the repository's `fixtures/scorecards`,
/// computed once) whose free-text fields (messages, names, titles, paths, reasons, rule texts,
/// scorecard names, team names…) are replaced, through their `Codable` form, by the hostile
/// strings in turn; source files at the reports' paths hold the hostile strings as lines, for
/// snippets. Each format is also rendered with harmless stand-ins for the same strings (same
/// order, same emptiness): the structure (HTML tags and attributes, XML elements, Markdown HTML
/// and table cells, annotation lines) must not change.
public enum OutputHarness {
  /// The check and score reports every input is written into.
  static let base: (check: CheckReport, score: ScoreReport) = {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().path
    let root = ProcessInfo.processInfo.environment["PLUMB_FUZZ_PLATFORM"] ?? repository + "/fixtures/scorecards"
    var check = CheckOptions(paths: [root], root: root)
    check.today = ISODate("2026-01-01")
    let checkRun = CheckRun.run(check)
    var score = ScoreOptions(paths: [root], root: root)
    score.today = ISODate("2026-01-01")
    score.now = "2026-01-01T00:00:00Z"
    return (trimmed(checkRun.report), trimmed(ScoreRun.run(score).report))
  }()

  /// At most 16 findings (every suppressed and indeterminate one kept), their rules, a few
  /// diagnostics and files: every kind of field, rendered fast enough to fuzz.
  static func trimmed(_ report: CheckReport) -> CheckReport {
    var report = report
    let special = report.findings.filter { $0.suppression != nil || $0.finding.verdict != .fail }.prefix(6)
    let plain = report.findings.filter { $0.suppression == nil && $0.finding.verdict == .fail }.prefix(16 - special.count)
    report.findings = Array(special) + Array(plain)
    let ids = Set(report.findings.map(\.finding.ruleID))
    report.rules = report.rules.filter { ids.contains($0.id) }
    report.inputDiagnostics = Array(report.inputDiagnostics.prefix(4))
    // Diagnostics with a location, a note and none: the fields every diagnostic has.
    let span = SourceSpan(start: SourcePosition(line: 2, column: 3, offset: 8), end: SourcePosition(line: 2, column: 9, offset: 14))
    report.inputDiagnostics += [
      Diagnostic(
        code: "yaml.syntax", message: "did not find expected key", location: SourceLocation(path: "catalog/broken.yaml", span: span),
        notes: [Diagnostic.Note(message: "while parsing a mapping", location: SourceLocation(path: "catalog/broken.yaml", span: span))]),
      Diagnostic(code: "ingest.skipped", severity: .warning, message: "not a known format", location: nil),
    ]
    report.policyDiagnostics = Array(report.policyDiagnostics.prefix(4))
    report.fixed = Array(report.fixed.prefix(4))
    report.files = Array(report.files.prefix(8))
    return report
  }

  /// The first scorecard with at most 8 entities (roll-ups keep their members; missing ones are
  /// left out where they are listed).
  static func trimmed(_ report: ScoreReport) -> ScoreReport {
    var report = report
    report.scorecards = report.scorecards.prefix(1).map { card in
      var card = card
      card.entities = Array(card.entities.prefix(8))
      return card
    }
    return report
  }

  /// Keys whose string values come from inputs (or rule files) and are replaced.
  static let freeText: Set<String> = [
    "message", "title", "category", "entityKind", "path", "expression", "value", "reason", "owner", "expires",
    "rationale", "remediation", "pack", "toolVersion", "workingDirectory", "arguments", "code", "name",
    "selection", "location", "system", "domain", "note", "selectionNote", "via", "key", "parent", "generatedAt",
    "commit", "entity",
  ]
  /// Keys holding links: replaced too, with stand-ins that are links Plumb may emit exactly when the
  /// hostile value is one.
  static let links: Set<String> = ["helpURI", "ruleDocs"]

  /// What is wrong with any output for these hostile strings (empty: nothing).
  public static func violations(_ hostile: [String]) -> [String] {
    guard !hostile.isEmpty else { return [] }
    let benignOf = standIns(hostile)
    guard let check = mutate(base.check, hostile, benignOf: nil), let score = mutate(base.score, hostile, benignOf: nil),
      let benignCheck = mutate(base.check, hostile, benignOf: benignOf),
      let benignScore = mutate(base.score, hostile, benignOf: benignOf)
    else {
      return ["the mutated reports did not decode (a field the harness replaces is not free text)"]
    }
    var problems: [String] = []
    let hostileOutputs = render(check, score, hostile)
    let benignOutputs = render(benignCheck, benignScore, hostile.map { benignOf[$0] ?? $0 })
    // `PLUMB_FUZZ_DUMP=DIR`: write every output (and its harmless twin) there, to look at.
    if let dump = ProcessInfo.processInfo.environment["PLUMB_FUZZ_DUMP"] {
      try? FileManager.default.createDirectory(atPath: dump, withIntermediateDirectories: true)
      for (name, text) in hostileOutputs { try? Data(text.utf8).write(to: URL(fileURLWithPath: dump + "/" + name)) }
      for (name, text) in benignOutputs { try? Data(text.utf8).write(to: URL(fileURLWithPath: dump + "/benign." + name)) }
    }
    for (name, text) in hostileOutputs.sorted(by: { $0.key < $1.key }) {
      let benign = benignOutputs[name] ?? ""
      for problem in properties(name, text, benign: benign) { problems.append("\(name): \(problem)") }
    }
    return problems
  }

  /// Every output, by name (`check.text`, `score.html`, …).
  static func render(_ check: CheckReport, _ score: ScoreReport, _ lines: [String]) -> [String: String] {
    var paths = Set(check.findings.map(\.finding.location.path))
    for diagnostic in check.inputDiagnostics + check.policyDiagnostics {
      if let location = diagnostic.location { paths.insert(location.path) }
    }
    // Every line of every file is one of the strings (the snippets show them).
    let maxLine = check.findings.map(\.finding.location.span.start.line).max() ?? 1
    var text = ""
    for index in 0..<max(maxLine, 1) { text += lines[index % lines.count] + "\n" }
    let sources = paths.sorted().map { SourceFile(path: $0, text: text) }
    var outputs: [String: String] = [:]
    for reporter in Reporters.all {
      let options = ReporterOptions(
        sources: sources, colored: false, ruleDocsBaseURL: "docs/rules",
        sourceLinkBaseURL: "https://github.com/acme/platform/blob/0123abc/")
      outputs["check." + reporter.identifier] = reporter.render(check, options: options)
    }
    outputs["check.text-colored"] = TextReporter.render(check, options: ReporterOptions(sources: sources, colored: true))
    let diagnostics = check.inputDiagnostics + check.policyDiagnostics
    outputs["diagnostics"] = DiagnosticRenderer(sources: sources).render(diagnostics)
    outputs["score.text"] = ScoreTextRenderer.render(score)
    outputs["score.json"] = ScoreJSONRenderer.render(score)
    outputs["score.markdown"] = ScoreMarkdownRenderer.render(score)
    outputs["score.html"] = ScoreDashboard.render(score, trends: ScoreTrends())
    let explainer = ScoreExplainer(report: score)
    var explained = ""
    for target in explainer.candidates().prefix(4) { explained += explainer.explain(target) ?? "" }
    outputs["score.explain"] = explained
    return outputs
  }

  /// The properties of one output.
  static func properties(_ name: String, _ text: String, benign: String) -> [String] {
    var problems: [String] = []
    let isGitHub = name == "check.github"
    let prefixes = isGitHub ? ["::error ", "::warning ", "::notice ", "::group::", "::endgroup::"] : []
    problems += OutputProperties.workflowCommands(text, allowedPrefixes: prefixes)
    problems += OutputProperties.rawHiddenScalars(text, allowingColor: name == "check.text-colored")
    switch name {
    case "check.json", "check.sarif", "check.sarif-upload", "check.gitlab", "check.gitlab-sast", "score.json":
      problems += OutputProperties.jsonErrors(text)
    case "check.junit":
      let (elements, errors) = OutputProperties.xmlElements(text)
      problems += errors
      if errors.isEmpty && elements != OutputProperties.xmlElements(benign).elements {
        problems.append("XML elements differ from a rendering with harmless strings")
      }
    case "score.html":
      let tags = OutputProperties.htmlTags(text)
      let expected = OutputProperties.htmlTags(benign)
      if tags.tags != expected.tags {
        let first = zip(tags.tags, expected.tags).first { $0 != $1 }
        problems.append("HTML tags differ from a rendering with harmless strings: \(first.map { "\($0.0) ≠ \($0.1)" } ?? "count \(tags.tags.count) ≠ \(expected.tags.count)")")
      }
      if tags.scripts != expected.scripts { problems.append("the dashboard's script differs") }
      problems += OutputProperties.htmlScriptHooks(text)
    case "check.markdown", "check.github-summary", "score.markdown":
      problems += OutputProperties.markdownTableBreaks(text)
      problems += OutputProperties.markdownLinkSchemes(text)
      let tags = OutputProperties.markdownHTMLTags(text)
      if tags != OutputProperties.markdownHTMLTags(benign) {
        problems.append("HTML in Markdown differs from a rendering with harmless strings: \(tags.prefix(12))")
      }
    case "check.github":
      // Annotations, then at most one group of plain `- …` lines (the findings over GitHub's
      // per-step limit), closed by the last line.
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
      var inGroup = false
      for line in lines {
        if line.hasPrefix("::group::") {
          if inGroup { problems.append("a group opened inside a group") }
          inGroup = true
        } else if line == "::endgroup::" {
          if !inGroup { problems.append("a group closed that was not open") }
          inGroup = false
        } else if inGroup ? !line.hasPrefix("- ") : !prefixes.contains(where: { line.hasPrefix($0) }) {
          problems.append("a line that is not an annotation: \(TerminalText.visible(String(line)))")
        }
      }
      if inGroup { problems.append("a group left open") }
      if lines.count != benign.split(separator: "\n", omittingEmptySubsequences: false).dropLast().count {
        problems.append("annotation count differs from a rendering with harmless strings")
      }
    default:
      break
    }
    return problems
  }

  /// Harmless stand-ins: `v0003` for the fourth string in sorted order (the empty string stays
  /// empty), so sorting and equality between fields behave as with the hostile strings.
  static func standIns(_ hostile: [String]) -> [String: String] {
    var map: [String: String] = [:]
    for (rank, text) in Set(hostile).sorted().enumerated() {
      map[text] = text.isEmpty ? "" : "v" + String(repeating: "0", count: max(0, 4 - String(rank).count)) + String(rank)
    }
    return map
  }

  /// `value` with every free-text string replaced by the hostile strings in turn (or their
  /// stand-ins, with `benignOf`); nil if it does not decode back.
  static func mutate<T: Codable>(_ value: T, _ hostile: [String], benignOf: [String: String]?) -> T? {
    guard let data = try? JSONEncoder().encode(value),
      let tree = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    else { return nil }
    var counter = 0
    func next(_ key: String) -> String {
      let text = hostile[counter % hostile.count]
      counter += 1
      guard let benignOf else { return text }
      if links.contains(key) { return LinkTarget.isAllowed(text + "x") ? "v/" : "javascript:v/" }
      return benignOf[text] ?? text
    }
    func walk(_ node: Any, key: String?, depth: Int) -> Any {
      switch node {
      case let object as [String: Any]:
        var out: [String: Any] = [:]
        for name in object.keys.sorted() {
          // A rule's title is keyed by the rule's id.
          out[name] = walk(object[name]!, key: key == "ruleTitles" ? "title" : name, depth: depth + 1)
        }
        return out
      case let array as [Any]:
        return array.map { walk($0, key: key, depth: depth + 1) }
      case is String:
        guard let key else { return node }
        // `verdict` is free text at the top of a check report, an enum inside a finding.
        if freeText.contains(key) || links.contains(key) || (key == "verdict" && depth == 1) { return next(key) }
        return node
      default:
        return node
      }
    }
    let mutated = walk(tree, key: nil, depth: 0)
    guard let again = try? JSONSerialization.data(withJSONObject: mutated, options: [.fragmentsAllowed]) else { return nil }
    return try? JSONDecoder().decode(T.self, from: again)
  }

  /// Pieces hostile strings are made of: what starts workflow commands, terminal escapes,
  /// controls, bidirectional and invisible formatting, combining marks, the special characters of
  /// HTML, XML, Markdown, JSON and annotations, links with schemes, wide and joined characters.
  public static let fragments: [String] = [
    "::", "::add-mask::", "::warning::", "##[", "##[error]", "\n", "\r", "\r\n", " ", "\t", "\u{3000}", "\u{A0}",
    "\u{1B}[2J", "\u{1B}]0;t\u{7}", "\u{1B}[31m", "\u{0}", "\u{7F}", "\u{85}", "\u{9B}", "\u{202A}", "\u{202E}",
    "\u{2066}", "\u{2069}", "\u{200E}", "\u{061C}", "\u{2028}", "\u{2029}", "\u{FEFF}", "\u{200B}", "\u{AD}",
    "\u{2060}", "\u{301}", "\u{20DD}", "\u{FE0F}", "\"", "'", "<", ">", "&", "]]>", "-->", "<!--", "<script>",
    "</script>", "`", "``", "|", "*", "_", "[", "]", "(", ")", "$", "#", "!", "~", "\\", "%", "%0A", ",", ":", "=",
    "javascript:alert(1)", "data:text/html,x", "https://x.y/a b", "onerror=", " autofocus ", "日本", "é", "e\u{301}",
    "👨\u{200D}👩", "\u{FFFD}", "\u{E0041}", "x", "name",
  ]

  /// Between 1 and 12 random hostile strings, each of up to 8 ``fragments`` and random scalars.
  public static func randomStrings<G: RandomNumberGenerator>(using generator: inout G) -> [String] {
    (0..<Int.random(in: 1...12, using: &generator)).map { _ in
      var text = ""
      for _ in 0..<Int.random(in: 0...8, using: &generator) {
        if Int.random(in: 0..<5, using: &generator) == 0 {
          let value = UInt32.random(in: 0...0x2FFF, using: &generator)
          if let scalar = Unicode.Scalar(value) { text.unicodeScalars.append(scalar) }
        } else {
          text += fragments[Int.random(in: 0..<fragments.count, using: &generator)]
        }
      }
      return text
    }
  }

  /// Hostile strings from a fuzzer's bytes: split at 0xFF bytes (never part of UTF-8), decoded as
  /// UTF-8 (invalid bytes become U+FFFD), at most 64.
  public static func strings(_ bytes: [UInt8]) -> [String] {
    bytes.split(separator: 0xFF, omittingEmptySubsequences: false).prefix(64).map { String(decoding: $0, as: UTF8.self) }
  }
}
