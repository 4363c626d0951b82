import PlumbDiagnostics
import PlumbPolicy

/// Pieces shared by the Markdown formats (`github-summary`, `markdown`).
enum MarkdownSupport {
  /// `## ❌ Plumb: fail (1 blocking finding)`.
  static func headline(_ report: CheckReport) -> String {
    let mark = report.exitStatus == 0 ? "✅" : "❌"
    return "## \(mark) Plumb: \(MarkdownText.inline(report.verdict))\n"
  }

  /// A table; every cell is already Markdown. `right` lists the right-aligned columns.
  static func table(_ headers: [String], right: Set<Int> = [], _ rows: [[String]]) -> String {
    var out = "| " + headers.joined(separator: " | ") + " |\n"
    out += "|" + headers.indices.map { right.contains($0) ? " ---: |" : " --- |" }.joined() + "\n"
    for row in rows { out += "| " + row.joined(separator: " | ") + " |\n" }
    return out
  }

  /// `` [`rule_id`](docs) `` (the id alone when the rule has no documentation link Plumb may emit).
  static func ruleLink(_ ruleID: String, _ facts: ReportFacts, _ options: ReporterOptions) -> String {
    MarkdownText.link(MarkdownText.codeSpan(ruleID), to: facts.docsURL(ruleID, options))
  }

  /// `` `path:line` ``, linked to `<sourceLinkBaseURL><path>#L<line>` when a base is set.
  static func locationLink(_ location: SourceLocation, _ options: ReporterOptions, showPath: Bool = true) -> String {
    let line = location.span.start.line
    let text = showPath ? MarkdownText.codeSpan("\(location.path):\(line)") : String(line)
    guard let base = options.sourceLinkBaseURL else { return text }
    let url = LinkTarget.sourceLink(base: base, path: location.path, line: line, lastLine: location.span.lastLine)
    return MarkdownText.link(text, to: url)
  }

  /// The message, escaped, with ` **new**` when the finding is new against a baseline.
  static func message(_ reported: ReportedFinding) -> String {
    MarkdownText.inline(reported.messageWithDefinition) + (reported.baseline == .new ? " **new**" : "")
  }

  /// `error`, with `, blocking` when the finding fails the build.
  static func level(_ reported: ReportedFinding) -> String {
    reported.label.rawValue + (reported.blocking ? ", **blocking**" : "")
  }

  /// `1 blocking · 2 errors · 1 warning · …`: the non-zero counts of active findings.
  static func countsLine(_ facts: ReportFacts) -> String {
    var parts = ["**\(facts.blocking) blocking**"]
    for (label, noun) in [(FindingLabel.error, "error"), (.warning, "warning"), (.note, "note"), (.indeterminate, "indeterminate")] {
      if let count = facts.byLabel[label], count > 0 {
        parts.append(label == .indeterminate ? "\(count) indeterminate" : plural(count, noun))
      }
    }
    if !facts.suppressed.isEmpty { parts.append("\(facts.suppressed.count) suppressed") }
    return parts.joined(separator: " · ")
  }

  /// `4 new, 2 unchanged, 1 fixed`, or nil without a baseline.
  static func baselineLine(_ facts: ReportFacts) -> String? {
    guard facts.usedBaseline else { return nil }
    return "\(facts.new) new, \(facts.unchanged) unchanged, \(facts.fixed.count) fixed"
  }

  /// `3 files checked, 1 skipped (1 not a known format) · 6 rules · pack `default``.
  static func scopeLine(_ report: CheckReport, _ facts: ReportFacts) -> String {
    var parts = [facts.filesLine(checked: plural(facts.filesChecked, "file")), plural(facts.rules.count, "rule")]
    if let pack = report.pack { parts.append("pack " + MarkdownText.codeSpan(pack)) }
    return parts.joined(separator: " · ")
  }

  /// Input and policy diagnostics of severity warning or error, as a table (nil when none).
  static func diagnosticsTable(_ report: CheckReport, _ options: ReporterOptions) -> (count: Int, table: String)? {
    let diagnostics =
      report.inputDiagnostics.map { ("input", $0) } + report.policyDiagnostics.map { ("policy", $0) }
    let shown = diagnostics.filter { $0.1.severity >= .warning }
    guard !shown.isEmpty else { return nil }
    let rows = shown.map { origin, diagnostic in
      [
        diagnostic.severity.rawValue, origin, MarkdownText.codeSpan(diagnostic.code),
        diagnostic.location.map { locationLink($0, options) } ?? "",
        MarkdownText.inline(diagnostic.message),
      ]
    }
    return (shown.count, table(["Severity", "Kind", "Code", "Location", "Message"], rows))
  }

  /// Suppressed findings as a table.
  static func suppressedTable(_ findings: [ReportedFinding], _ facts: ReportFacts, _ options: ReporterOptions) -> String {
    let rows = findings.map { reported in
      let suppression = reported.suppression
      return [
        ruleLink(reported.finding.ruleID, facts, options),
        locationLink(reported.location, options),
        suppression.map { $0.kind == .waiver ? "waiver" : "inline" } ?? "",
        MarkdownText.inline(suppression?.reason ?? ""),
        MarkdownText.inline(suppression?.owner ?? ""),
        MarkdownText.inline(suppression?.expires ?? ""),
      ]
    }
    return table(["Rule", "Location", "By", "Reason", "Owner", "Expires"], rows)
  }

  /// Baseline findings gone, as a table.
  static func fixedTable(_ facts: ReportFacts, _ options: ReporterOptions) -> String {
    let rows = facts.fixed.map {
      [ruleLink($0.ruleID, facts, options), MarkdownText.codeSpan($0.entity), MarkdownText.inline($0.message)]
    }
    return table(["Rule", "Entity", "Message"], rows)
  }

  /// `<details>` around `body`.
  static func details(_ summary: String, _ body: String) -> String {
    "<details>\n<summary>\(summary)</summary>\n\n\(body)\n</details>\n"
  }
}
