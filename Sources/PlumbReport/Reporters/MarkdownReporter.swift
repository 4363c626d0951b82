import PlumbDiagnostics
import PlumbPolicy

/// A pull-request (or merge-request) comment in GitHub-flavoured Markdown.
///
/// Starts with the hidden marker ``marker`` so a bot can find and update its previous comment,
/// then the verdict as headline and the counts. Blocking findings are listed openly, grouped by
/// file (files sorted), each with its line (linked when `options.sourceLinkBaseURL` is set),
/// level, rule (linked to its documentation) and message; non-blocking findings, suppressed
/// findings and baseline findings that are gone sit in collapsed `<details>` blocks. Input and
/// policy problems are listed openly. Each list stops after ``maxFindings`` rows (GitHub comments
/// are limited to 65,536 characters). Messages are escaped (Markdown, HTML, `$` math).
public struct MarkdownReporter: Reporter {
  public static let identifier = "markdown"
  public static let description = "Pull-request comment in Markdown: verdict, counts, findings by file, details for the rest"

  /// The first line of every comment, for bots that update the comment in place.
  public static let marker = "<!-- plumb:check -->"
  /// Rows per list; the rest are counted.
  public static let maxFindings = 100

  public static func render(_ report: CheckReport, options: ReporterOptions) -> String {
    let facts = ReportFacts(report)
    var out = marker + "\n" + MarkdownSupport.headline(report) + "\n"
    out += MarkdownSupport.countsLine(facts) + "\n"
    if let baseline = MarkdownSupport.baselineLine(facts) { out += "\nBaseline: \(baseline).\n" }

    let blocking = facts.active.filter(\.blocking)
    let other = facts.active.filter { !$0.blocking }
    if !blocking.isEmpty {
      out += "\n### Blocking findings\n\n" + byFile(blocking, facts, options)
    }
    if let diagnostics = MarkdownSupport.diagnosticsTable(report, options) {
      out += "\n### Input and policy problems\n\n" + diagnostics.table
    }
    if !other.isEmpty {
      out += "\n" + MarkdownSupport.details(
        plural(other.count, "non-blocking finding"), byFile(other, facts, options))
    }
    if !facts.suppressed.isEmpty {
      let shown = Array(facts.suppressed.prefix(maxFindings))
      out += "\n" + MarkdownSupport.details(
        plural(facts.suppressed.count, "suppressed finding"),
        MarkdownSupport.suppressedTable(shown, facts, options) + more(facts.suppressed.count - shown.count))
    }
    if !facts.fixed.isEmpty {
      out += "\n" + MarkdownSupport.details(
        plural(facts.fixed.count, "finding") + " fixed since the baseline", MarkdownSupport.fixedTable(facts, options))
    }
    out += "\n<sub>Plumb \(MarkdownText.inline(report.toolVersion)) · \(MarkdownSupport.scopeLine(report, facts))</sub>\n"
    return out
  }

  /// Findings grouped by file: a bold path, then a table of line, level, rule and message.
  private static func byFile(_ findings: [ReportedFinding], _ facts: ReportFacts, _ options: ReporterOptions) -> String {
    var out = ""
    var budget = maxFindings
    for group in ReportFacts.byFile(findings) where budget > 0 {
      let shown = group.findings.prefix(budget)
      budget -= shown.count
      if !out.isEmpty { out += "\n" }
      out += "**\(MarkdownText.codeSpan(group.path))**\n\n"
      let rows = shown.map { reported in
        [
          MarkdownSupport.locationLink(reported.location, options, showPath: false),
          reported.label.rawValue,
          MarkdownSupport.ruleLink(reported.finding.ruleID, facts, options),
          MarkdownSupport.message(reported),
        ]
      }
      out += MarkdownSupport.table(["Line", "Level", "Rule", "Message"], right: [0], rows)
    }
    return out + more(max(0, findings.count - maxFindings))
  }

  private static func more(_ count: Int) -> String {
    count > 0 ? "\n… and \(count) more (see the SARIF or JSON output).\n" : ""
  }
}
