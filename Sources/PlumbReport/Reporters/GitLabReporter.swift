import PlumbDiagnostics
import PlumbPolicy

/// GitLab Code Quality JSON (`artifacts:reports:codequality`): an array of issues.
///
/// ```json
/// [{"description": "…", "check_name": "component_has_owner", "fingerprint": "…",
///   "severity": "critical", "location": {"path": "catalog/a.yaml", "lines": {"begin": 3, "end": 4}}}]
/// ```
///
/// Severity comes from the rule's severity (info → info, low → minor, medium → major,
/// high → critical, critical → blocker). Suppressed findings are left out. Input and policy
/// diagnostics with a location (warning or error) are issues too, named by their code (error →
/// major, warning → minor), so a file Plumb could not read shows in the merge request. The
/// fingerprint is the finding's; for a diagnostic a stable hash of its code, path, line and
/// message.
public struct GitLabReporter: Reporter {
  public static let identifier = "gitlab"
  public static let description = "GitLab Code Quality JSON (artifacts:reports:codequality), suppressed findings left out"

  public static func render(_ report: CheckReport, options: ReporterOptions) -> String {
    let facts = ReportFacts(report)
    var issues: [JSONValue] = []
    for diagnostic in report.inputDiagnostics + report.policyDiagnostics where diagnostic.severity >= .warning {
      guard let location = diagnostic.location else { continue }
      let fingerprint = fnv1a([diagnostic.code, location.path, String(location.span.start.line), diagnostic.message])
      issues.append(
        issue(
          description: diagnostic.message, checkName: diagnostic.code, fingerprint: fingerprint,
          severity: diagnostic.severity == .error ? "major" : "minor", location: location))
    }
    for reported in facts.active {
      let finding = reported.finding
      issues.append(
        issue(
          description: reported.messageWithDefinition,
          checkName: finding.ruleID, fingerprint: finding.fingerprint,
          severity: severity(finding.severity), location: finding.location))
    }
    return JSONValue.array(issues).rendered()
  }

  /// Code Quality severity of a rule severity.
  static func severity(_ severity: Severity) -> String {
    switch severity {
    case .info: "info"
    case .low: "minor"
    case .medium: "major"
    case .high: "critical"
    case .critical: "blocker"
    }
  }

  private static func issue(
    description: String, checkName: String, fingerprint: String, severity: String, location: SourceLocation
  ) -> JSONValue {
    let begin = max(1, location.span.start.line)
    return .object([
      ("description", .string(description)),
      ("check_name", .string(checkName)),
      ("fingerprint", .string(fingerprint)),
      ("severity", .string(severity)),
      (
        "location",
        .object([
          ("path", .string(location.path)),
          ("lines", .object([("begin", .int(begin)), ("end", .int(max(begin, location.span.lastLine)))])),
        ])
      ),
    ])
  }

  /// 64-bit FNV-1a over the parts (separated by U+001F), hex: stable across runs and platforms.
  static func fnv1a(_ parts: [String]) -> String { stableHash(parts) }
}
