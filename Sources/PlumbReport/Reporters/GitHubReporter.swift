import PlumbDiagnostics
import PlumbPolicy

/// GitHub Actions workflow commands: one annotation per finding, printed to the step's log.
///
/// ```
/// ::error file=catalog/components.yaml,line=12,col=5,endLine=12,endColumn=9,title=component_has_owner::component 'payments-api' has no spec.owner
/// ```
///
/// Input and policy diagnostics (warning or error) come first, titled with their code, then the
/// findings, most important first (blocking, then by level, new before unchanged). The level
/// is `error` for a blocking finding, else by enforcement (block → error, warn → warning,
/// advisory → notice), an indeterminate finding being at most a warning. Suppressed findings are
/// left out. GitHub shows 10 error, 10 warning and 10 notice annotations per step and drops the
/// rest silently, so at most `options.annotationLimit` of each level are written; the others are
/// listed as plain log lines (`- path:line:col: level: message [rule]`, never a command) inside a
/// `::group::`, and the step summary (`github-summary`) lists every finding. Columns are sent only for one-line spans (GitHub rejects them otherwise);
/// `endColumn` is the last column covered (inclusive). Data is escaped as `@actions/core` does
/// (`%`, CR, LF), property values additionally `:` and `,`; hidden scalars and the `[` of `##[`
/// are shown as `<U+XXXX>` (``WorkflowCommandText``), so data can neither end an annotation nor
/// start another command.
public struct GitHubReporter: Reporter {
  public static let identifier = "github"
  public static let description = "GitHub Actions annotations (::error file=…,line=…::message), 10 per level, the rest in a log group"

  public static func render(_ report: CheckReport, options: ReporterOptions) -> String {
    let facts = ReportFacts(report)
    var out = ""
    var written: [String: Int] = [:]
    var rest: [String] = []
    let limit = max(0, options.annotationLimit)
    func annotate(_ level: String, location: SourceLocation?, title: String, message: String) {
      if written[level, default: 0] < limit {
        written[level, default: 0] += 1
        out += command(level, location: location, title: title, message: message)
      } else {
        rest.append(logLine(level, location: location, title: title, message: message))
      }
    }
    for diagnostic in report.inputDiagnostics + report.policyDiagnostics where diagnostic.severity >= .warning {
      let level = diagnostic.severity == .error ? "error" : "warning"
      annotate(level, location: diagnostic.location, title: diagnostic.code, message: diagnostic.message)
    }
    for reported in facts.active.sorted(by: ReportedFinding.byImportance) {
      annotate(
        level(reported), location: reported.location, title: reported.finding.ruleID,
        message: reported.messageWithDefinition)
    }
    if !rest.isEmpty {
      let title = "Plumb: \(rest.count) more not annotated (GitHub shows \(limit) errors, \(limit) warnings and \(limit) notices per step; the step summary lists every finding)"
      out += "::group::" + WorkflowCommandText.data(title) + "\n"
      for line in rest { out += line }
      out += "::endgroup::\n"
    }
    return out
  }

  /// `- path:line:col: level: message [title]` as a plain log line: it starts with `- `, so it is
  /// never a command (nor can it end the group), and its text is escaped as a command's data.
  static func logLine(_ level: String, location: SourceLocation?, title: String, message: String) -> String {
    let place = location.map { "\($0): " } ?? ""
    return "- " + WorkflowCommandText.data(place + level + ": " + message + " [" + title + "]") + "\n"
  }

  /// The annotation level of a finding.
  static func level(_ reported: ReportedFinding) -> String {
    if reported.blocking || reported.finding.verdict == .error { return "error" }
    let byEnforcement: String =
      switch reported.enforcement {
      case .block: "error"
      case .warn: "warning"
      case .advisory, .off: "notice"
      }
    if reported.finding.verdict == .indeterminate && byEnforcement == "error" { return "warning" }
    return byEnforcement
  }

  static func command(_ level: String, location: SourceLocation?, title: String, message: String) -> String {
    var properties: [(String, String)] = []
    if let location {
      let span = location.span
      properties.append(("file", location.path))
      if span.start.line >= 1 {
        let last = span.lastLine
        properties.append(("line", String(span.start.line)))
        if last == span.start.line {
          properties.append(("col", String(max(1, span.start.column))))
          properties.append(("endLine", String(last)))
          properties.append(("endColumn", String(max(span.start.column, span.end.column - 1, 1))))
        } else {
          properties.append(("endLine", String(last)))
        }
      }
    }
    properties.append(("title", title))
    let list = properties.map { "\($0.0)=\(WorkflowCommandText.property($0.1))" }.joined(separator: ",")
    return "::\(level) \(list)::\(WorkflowCommandText.data(message))\n"
  }
}
