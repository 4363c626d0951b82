import PlumbDiagnostics
import PlumbPolicy

/// GitHub Actions workflow commands: one annotation per finding, printed to the step's log.
///
/// ```
/// ::error file=catalog/components.yaml,line=12,col=5,endLine=12,endColumn=9,title=component_has_owner::component 'payments-api' has no spec.owner
/// ```
///
/// Input and policy diagnostics (warning or error) come first, titled with their code. The level
/// is `error` for a blocking finding, else by enforcement (block → error, warn → warning,
/// advisory → notice), an indeterminate finding being at most a warning. Suppressed findings are
/// left out. Columns are sent only for one-line spans (GitHub rejects them otherwise);
/// `endColumn` is the last column covered (inclusive). Data is escaped as `@actions/core` does
/// (`%`, CR, LF), property values additionally `:` and `,`; hidden scalars and the `[` of `##[`
/// are shown as `<U+XXXX>` (``WorkflowCommandText``), so data can neither end an annotation nor
/// start another command.
public struct GitHubReporter: Reporter {
  public static let identifier = "github"
  public static let description = "GitHub Actions annotations (::error file=…,line=…::message), one per unsuppressed finding"

  public static func render(_ report: CheckReport, options: ReporterOptions) -> String {
    let facts = ReportFacts(report)
    var out = ""
    for diagnostic in report.inputDiagnostics + report.policyDiagnostics where diagnostic.severity >= .warning {
      let level = diagnostic.severity == .error ? "error" : "warning"
      out += command(level, location: diagnostic.location, title: diagnostic.code, message: diagnostic.message)
    }
    for reported in facts.active {
      out += command(
        level(reported), location: reported.location, title: reported.finding.ruleID,
        message: reported.messageWithDefinition)
    }
    return out
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
