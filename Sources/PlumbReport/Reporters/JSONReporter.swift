import PlumbDiagnostics
import PlumbPolicy

/// The whole report as JSON, in a documented and versioned schema.
///
/// The schema is `docs/schemas/check-report.v1.schema.json` (JSON Schema draft 2020-12); every
/// document names it in `schema` and `schemaVersion`. Version 1 only grows by optional members;
/// removing or changing a member makes version 2. Members are written in a fixed order, optional
/// values are `null` rather than absent, lists are sorted (findings by location then rule, rules
/// by id), and there is no timestamp unless the caller set `startTime`.
public struct JSONReporter: Reporter {
  public static let identifier = "json"
  public static let description = "The whole report as JSON (schema https://plumb.dev/schemas/check-report/v1)"

  /// The `schema` member of every document: the schema's `$id`.
  public static let schemaURI = "https://plumb.dev/schemas/check-report/v1"
  /// The `schemaVersion` member.
  public static let schemaVersion = 1

  public static func render(_ report: CheckReport, options: ReporterOptions) -> String {
    document(report).rendered()
  }

  static func document(_ report: CheckReport) -> JSONValue {
    let facts = ReportFacts(report)
    return .object([
      ("schema", .string(schemaURI)),
      ("schemaVersion", .int(schemaVersion)),
      ("tool", .object([("name", .string("plumb")), ("version", .string(report.toolVersion))])),
      (
        "invocation",
        .object([
          ("arguments", .array(report.arguments.map { .string($0) })),
          ("workingDirectory", .string(report.workingDirectory)),
          ("startTime", .string(report.startTime)),
        ])
      ),
      ("pack", .string(report.pack)),
      ("verdict", .string(report.verdict)),
      ("exitStatus", .int(Int(report.exitStatus))),
      ("summary", summary(facts)),
      ("files", .array(facts.files.map { .object([("path", .string($0.path)), ("format", .string($0.format))]) })),
      ("rules", .array(facts.rules.map(rule))),
      ("findings", .array(facts.findings.map(finding))),
      ("fixed", .array(facts.fixed.map(fixed))),
      ("inputDiagnostics", .array(report.inputDiagnostics.map(diagnostic))),
      ("policyDiagnostics", .array(report.policyDiagnostics.map(diagnostic))),
    ])
  }

  private static func summary(_ facts: ReportFacts) -> JSONValue {
    func count(_ level: Enforcement) -> JSONValue { .int(facts.byEnforcement[level] ?? 0) }
    return .object([
      ("files", .object([("checked", .int(facts.filesChecked)), ("skipped", .int(facts.filesSkipped))])),
      ("rules", .int(facts.rules.count)),
      ("findings", .int(facts.findings.count)),
      ("active", .int(facts.active.count)),
      ("suppressed", .int(facts.suppressed.count)),
      ("blocking", .int(facts.blocking)),
      ("byVerdict", .object([("fail", .int(facts.failed)), ("indeterminate", .int(facts.indeterminate))])),
      (
        "byEnforcement",
        .object([("block", count(.block)), ("warn", count(.warn)), ("advisory", count(.advisory))])
      ),
      (
        "baseline",
        facts.usedBaseline
          ? .object([
            ("new", .int(facts.new)), ("unchanged", .int(facts.unchanged)), ("fixed", .int(facts.fixed.count)),
          ]) : .null
      ),
      (
        "diagnostics",
        .object(
          [DiagnosticSeverity.error, .warning, .note].map { ($0.rawValue + "s", .int(facts.diagnostics[$0] ?? 0)) })
      ),
    ])
  }

  private static func rule(_ rule: ReportedRule) -> JSONValue {
    let stats = rule.statistics
    return .object([
      ("id", .string(rule.id)),
      ("title", .string(rule.title)),
      ("severity", .string(rule.severity.rawValue)),
      ("category", .string(rule.category)),
      ("enforcement", .string(rule.enforcement.rawValue)),
      ("rationale", .string(rule.rationale)),
      ("remediation", .string(rule.remediation)),
      ("helpUri", .string(rule.helpURI)),
      ("hasFix", .bool(rule.hasFix)),
      (
        "statistics",
        .object([
          ("selected", .int(stats.selected)), ("applicable", .int(stats.applicable)),
          ("passed", .int(stats.passed)), ("failed", .int(stats.failed)),
          ("indeterminate", .int(stats.indeterminate)), ("notApplicable", .int(stats.notApplicable)),
        ])
      ),
    ])
  }

  private static func finding(_ reported: ReportedFinding) -> JSONValue {
    let finding = reported.finding
    return .object([
      ("ruleId", .string(finding.ruleID)),
      ("title", .string(finding.title)),
      ("severity", .string(finding.severity.rawValue)),
      ("category", .string(finding.category)),
      ("verdict", .string(finding.verdict.rawValue)),
      ("enforcement", .string(reported.enforcement.rawValue)),
      ("blocking", .bool(reported.blocking)),
      ("message", .string(finding.message)),
      ("entity", .string(finding.entity.rawValue)),
      ("entityKind", .string(finding.entityKind)),
      ("location", location(finding.location)),
      ("definedAt", finding.definedAt.map(location) ?? .null),
      ("fingerprint", .string(finding.fingerprint)),
      ("requirement", .int(finding.requirement)),
      ("baseline", .string(reported.baseline.rawValue)),
      ("suppression", reported.suppression.map(suppression) ?? .null),
      (
        "evidence",
        .array(
          finding.evidence.map {
            .object([
              ("expression", .string($0.expression)), ("value", .string($0.value)),
              ("location", $0.location.map(location) ?? .null),
            ])
          })
      ),
      ("fixes", .array(finding.fixes.map(fix))),
    ])
  }

  private static func suppression(_ suppression: Suppression) -> JSONValue {
    .object([
      ("kind", .string(suppression.kind.rawValue)),
      ("reason", .string(suppression.reason)),
      ("owner", .string(suppression.owner)),
      ("expires", .string(suppression.expires)),
      ("location", suppression.location.map(location) ?? .null),
    ])
  }

  private static func fix(_ fix: ProposedFix) -> JSONValue {
    .object([
      ("operation", .string(fix.operation.rawValue)),
      ("entity", .string(fix.entity.rawValue)),
      ("path", .array(fix.path.map { .string($0) })),
      ("value", .string(fix.value)),
      ("anchor", fix.anchor.map(location) ?? .null),
    ])
  }

  private static func fixed(_ fixed: FixedFinding) -> JSONValue {
    .object([
      ("ruleId", .string(fixed.ruleID)),
      ("fingerprint", .string(fixed.fingerprint)),
      ("message", .string(fixed.message)),
      ("entity", .string(fixed.entity)),
    ])
  }

  private static func diagnostic(_ diagnostic: Diagnostic) -> JSONValue {
    .object([
      ("code", .string(diagnostic.code)),
      ("severity", .string(diagnostic.severity.rawValue)),
      ("message", .string(diagnostic.message)),
      ("location", diagnostic.location.map(location) ?? .null),
      (
        "notes",
        .array(
          diagnostic.notes.map {
            .object([("message", .string($0.message)), ("location", $0.location.map(location) ?? .null)])
          })
      ),
    ])
  }

  static func location(_ location: SourceLocation) -> JSONValue {
    func position(_ position: SourcePosition) -> JSONValue {
      .object([("line", .int(position.line)), ("column", .int(position.column)), ("offset", .int(position.offset))])
    }
    return .object([
      ("path", .string(location.path)),
      ("start", position(location.span.start)),
      ("end", position(location.span.end)),
    ])
  }
}
