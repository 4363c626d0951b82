import PlumbDiagnostics
import PlumbPolicy

/// A GitLab security report in the SAST format (`gl-sast-report.json`,
/// `artifacts:reports:sast`), schema version 15.0.7, so findings reach GitLab's vulnerability
/// report and the merge-request security widget.
///
/// ```json
/// {"version": "15.0.7", "schema": "…/v15.0.7/dist/sast-report-format.json",
///  "scan": {"analyzer": {…}, "scanner": {…}, "type": "sast", "start_time": "…", "end_time": "…", "status": "success"},
///  "vulnerabilities": [{"id": "<fingerprint>", "name": "Component has an owner", "description": "…",
///    "severity": "High", "solution": "…", "identifiers": [{"type": "plumb_rule", "name": "Plumb rule component_has_owner",
///    "value": "component_has_owner", "url": "https://…"}], "location": {"file": "catalog/a.yaml", "start_line": 3, "end_line": 4}}]}
/// ```
///
/// One vulnerability per unsuppressed finding (GitLab has no suppressions: a waived finding is
/// left out), in report order; its `id` is the finding's fingerprint (made unique within the
/// report), its severity the rule's. Input and policy diagnostics (warning or error) are
/// `scan.messages`; `scan.status` is `failure` when the run did not complete (exit status other
/// than 0 or 1). The scan times are the report's `startTime` (second precision, UTC, no zone, as
/// the schema wants), or `1970-01-01T00:00:00` when the caller did not record one, so the same
/// report gives the same bytes. Only http(s) links are written (`url`, `links`).
public struct GitLabSASTReporter: Reporter {
  public static let identifier = "gitlab-sast"
  public static let description = "GitLab SAST security report (gl-sast-report.json, schema 15.0.7), suppressed findings left out"

  /// The schema version written.
  public static let schemaVersion = "15.0.7"
  static let schemaURI =
    "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v15.0.7/dist/sast-report-format.json"
  /// Longest `name` the schema accepts.
  static let maxNameLength = 255
  /// Longest `description` and `solution` written (the schema's limits are larger).
  static let maxTextLength = 7000

  public static func render(_ report: CheckReport, options: ReporterOptions) -> String {
    let facts = ReportFacts(report)
    var ids: Set<String> = []
    let vulnerabilities: [JSONValue] = facts.active.map { reported in
      var id = reported.finding.fingerprint.isEmpty ? "plumb" : reported.finding.fingerprint
      if !ids.insert(id).inserted {
        var ordinal = 2
        while !ids.insert("\(id)-\(ordinal)").inserted { ordinal += 1 }
        id += "-\(ordinal)"
      }
      return vulnerability(reported, id: id, facts: facts, options: options)
    }
    let time = scanTime(report.startTime)
    let tool: JSONValue = .object([
      ("id", .string("plumb")),
      ("name", .string("Plumb")),
      ("url", .string(SARIFReporter.informationURI)),
      ("vendor", .object([("name", .string("Plumb"))])),
      ("version", .string(report.toolVersion)),
    ])
    var scan: [(String, JSONValue)] = [
      ("analyzer", tool), ("scanner", tool), ("type", .string("sast")),
      ("start_time", .string(time)), ("end_time", .string(time)),
      ("status", .string(report.exitStatus == 0 || report.exitStatus == 1 ? "success" : "failure")),
    ]
    let diagnostics = (report.inputDiagnostics + report.policyDiagnostics).filter { $0.severity >= .warning }
    if !diagnostics.isEmpty {
      scan.append(
        (
          "messages",
          .array(
            diagnostics.map { diagnostic in
              let place = diagnostic.location.map { "\($0): " } ?? ""
              return .object([
                ("level", .string(diagnostic.severity == .error ? "fatal" : "warn")),
                ("value", .string(place + diagnostic.message + " [" + diagnostic.code + "]")),
              ])
            })
        ))
    }
    return JSONValue.object([
      ("version", .string(schemaVersion)),
      ("schema", .string(schemaURI)),
      ("scan", .object(scan)),
      ("vulnerabilities", .array(vulnerabilities)),
    ]).rendered()
  }

  private static func vulnerability(
    _ reported: ReportedFinding, id: String, facts: ReportFacts, options: ReporterOptions
  ) -> JSONValue {
    let finding = reported.finding
    let rule = facts.rulesByID[finding.ruleID]
    let docs = facts.docsURL(finding.ruleID, options).flatMap { LinkTarget.scheme(of: $0) == nil ? nil : $0 }
    var identifier: [(String, JSONValue)] = [
      ("type", .string("plumb_rule")),
      ("name", .string("Plumb rule " + finding.ruleID)),
      ("value", .string(finding.ruleID.isEmpty ? "unknown" : finding.ruleID)),
    ]
    if let docs { identifier.append(("url", .string(docs))) }
    var members: [(String, JSONValue)] = [
      ("id", .string(id)),
      ("name", .string(bounded(rule?.title ?? finding.ruleID, maxNameLength))),
      ("description", .string(bounded(description(reported, rule: rule), maxTextLength))),
      ("severity", .string(severity(rule?.severity ?? finding.severity))),
    ]
    if let remediation = rule?.remediation, !remediation.isEmpty {
      members.append(("solution", .string(bounded(remediation, maxTextLength))))
    }
    members.append(("identifiers", .array([.object(identifier)])))
    if let docs { members.append(("links", .array([.object([("name", .string("Rule documentation")), ("url", .string(docs))])]))) }
    var location: [(String, JSONValue)] = [("file", .string(finding.location.path))]
    if finding.location.span.start.line >= 1 {
      location.append(("start_line", .int(finding.location.span.start.line)))
      location.append(("end_line", .int(max(finding.location.span.start.line, finding.location.span.lastLine))))
    }
    members.append(("location", .object(location)))
    return .object(members)
  }

  /// The message, the entity, and (for a finding through a YAML alias) where the value is defined.
  static func description(_ reported: ReportedFinding, rule: ReportedRule?) -> String {
    var text = reported.messageWithDefinition + "\n\nEntity: " + reported.finding.entity.rawValue
    if reported.blocking { text += " (blocking)" }
    if let rationale = rule?.rationale, !rationale.isEmpty { text += "\n\n" + rationale }
    return text
  }

  /// GitLab's severity of a rule severity.
  static func severity(_ severity: Severity) -> String {
    switch severity {
    case .critical: "Critical"
    case .high: "High"
    case .medium: "Medium"
    case .low: "Low"
    case .info: "Info"
    }
  }

  /// `YYYY-MM-DDTHH:MM:SS` from an ISO 8601 time (fraction and zone dropped), or the epoch.
  static func scanTime(_ iso: String?) -> String {
    let epoch = "1970-01-01T00:00:00"
    guard let iso, iso.utf8.count >= 19 else { return epoch }
    let head = String(iso.prefix(19))
    let pattern = Array("dddd-dd-ddTdd:dd:dd")
    for (character, expected) in zip(head, pattern) {
      if expected == "d" ? !("0"..."9").contains(character) : character != expected { return epoch }
    }
    return head
  }

  /// At most `limit` characters, an ellipsis marking a cut.
  static func bounded(_ text: String, _ limit: Int) -> String {
    text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
  }
}
