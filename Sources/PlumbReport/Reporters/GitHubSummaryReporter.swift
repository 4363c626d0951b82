import PlumbDiagnostics
import PlumbPolicy

/// A GitHub Actions job summary (append it to `$GITHUB_STEP_SUMMARY`).
///
/// The verdict as headline, a counts table, the most important findings (blocking first, then
/// error, indeterminate, warning, note; new before unchanged; at most ``maxFindings``) with
/// `path:line` links when `options.sourceLinkBaseURL` is set, input and policy problems, the
/// suppressed findings with their reasons, and the baseline findings that are gone.
public struct GitHubSummaryReporter: Reporter {
  public static let identifier = "github-summary"
  public static let description = "Markdown job summary for $GITHUB_STEP_SUMMARY: verdict, counts, top findings, suppressed, fixed"

  /// Findings listed in the top-findings table; the rest are counted.
  public static let maxFindings = 50

  /// Whether the `github` output had more findings of one level than GitHub shows.
  static func annotationsOverflow(_ facts: ReportFacts, limit: Int) -> Bool {
    var counts: [String: Int] = [:]
    for reported in facts.active { counts[GitHubReporter.level(reported), default: 0] += 1 }
    return counts.values.contains { $0 > limit }
  }

  public static func render(_ report: CheckReport, options: ReporterOptions) -> String {
    let facts = ReportFacts(report)
    var out = MarkdownSupport.headline(report) + "\n"

    var counts: [[String]] = [["Blocking", "\(facts.blocking)"]]
    counts.append(["Error (block)", "\(facts.byLabel[.error] ?? 0)"])
    counts.append(["Warning (warn)", "\(facts.byLabel[.warning] ?? 0)"])
    counts.append(["Note (advisory)", "\(facts.byLabel[.note] ?? 0)"])
    counts.append(["Indeterminate", "\(facts.byLabel[.indeterminate] ?? 0)"])
    counts.append(["Suppressed", "\(facts.suppressed.count)"])
    if facts.usedBaseline {
      counts.append(["New", "\(facts.new)"])
      counts.append(["Unchanged", "\(facts.unchanged)"])
      counts.append(["Fixed since the baseline", "\(facts.fixed.count)"])
    }
    out += MarkdownSupport.table(["Findings", "Count"], right: [1], counts) + "\n"
    out += MarkdownSupport.scopeLine(report, facts) + "\n"

    if !facts.active.isEmpty {
      out += "\n### Top findings\n\n"
      let top = facts.active.sorted(by: ReportedFinding.byImportance).prefix(maxFindings)
      let rows = top.map { reported in
        [
          MarkdownSupport.level(reported),
          MarkdownSupport.ruleLink(reported.finding.ruleID, facts, options),
          MarkdownSupport.locationLink(reported.location, options),
          MarkdownSupport.message(reported),
        ]
      }
      out += MarkdownSupport.table(["Level", "Rule", "Location", "Message"], rows)
      if annotationsOverflow(facts, limit: options.annotationLimit) {
        out += "\nGitHub shows \(options.annotationLimit) annotations of each level per step: the `github` output annotated the most important and listed the others in its log group; this table is the place to read them.\n"
      }
      if facts.active.count > top.count {
        out += "\n… and \(facts.active.count - top.count) more (see the SARIF or JSON output).\n"
      }
    }

    if let diagnostics = MarkdownSupport.diagnosticsTable(report, options) {
      out += "\n### Input and policy problems (\(diagnostics.count))\n\n" + diagnostics.table
    }
    if !facts.suppressed.isEmpty {
      out += "\n### Suppressed (\(facts.suppressed.count))\n\n"
      out += MarkdownSupport.suppressedTable(facts.suppressed, facts, options)
    }
    if !facts.fixed.isEmpty {
      out += "\n### Fixed since the baseline (\(facts.fixed.count))\n\n"
      out += MarkdownSupport.fixedTable(facts, options)
    }
    return out
  }
}
