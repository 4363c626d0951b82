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
    var out = JSONStream(capacity: 4096 + 1300 * report.findings.count)
    write(report, to: &out)
    return out.finish()
  }

  /// Writes the document member by member (no tree: a report can hold a hundred thousand findings).
  static func write(_ report: CheckReport, to out: inout JSONStream) {
    let facts = ReportFacts(report)
    out.beginObject()
    out.member("schema", schemaURI)
    out.member("schemaVersion", schemaVersion)
    out.key("tool")
    out.beginObject()
    out.member("name", "plumb")
    out.member("version", report.toolVersion)
    out.endObject()
    out.key("invocation")
    out.beginObject()
    out.key("arguments")
    out.beginArray()
    for argument in report.arguments {
      out.next()
      out.string(argument)
    }
    out.endArray()
    out.member("workingDirectory", report.workingDirectory)
    out.member("startTime", report.startTime)
    out.endObject()
    out.key("repository")
    repository(report.repository, to: &out)
    out.member("pack", report.pack)
    out.member("verdict", report.verdict)
    out.member("exitStatus", Int(report.exitStatus))
    out.key("summary")
    summary(facts, to: &out)
    out.key("files")
    out.beginArray()
    for file in facts.files {
      out.next()
      out.beginObject()
      out.member("path", file.path)
      out.member("format", file.format)
      out.member("status", file.status)
      out.member("skipReason", file.skipReason ?? (file.status == "skipped" ? "unknown-format" : nil))
      out.endObject()
    }
    out.endArray()
    out.key("context")
    context(report.context, to: &out)
    out.key("rules")
    out.beginArray()
    for rule in facts.rules {
      out.next()
      write(rule, to: &out)
    }
    out.endArray()
    out.key("findings")
    out.array(facts.findings) { finding, out in write(finding, to: &out) }
    out.key("fixed")
    out.beginArray()
    for fixed in facts.fixed {
      out.next()
      out.beginObject()
      out.member("ruleId", fixed.ruleID)
      out.member("fingerprint", fixed.fingerprint)
      out.member("message", fixed.message)
      out.member("entity", fixed.entity)
      out.endObject()
    }
    out.endArray()
    out.key("inputDiagnostics")
    diagnostics(report.inputDiagnostics, to: &out)
    out.key("policyDiagnostics")
    diagnostics(report.policyDiagnostics, to: &out)
    out.endObject()
  }

  /// The repository, its branch and commit, or null.
  private static func repository(_ identity: RepositoryIdentity?, to out: inout JSONStream) {
    guard let identity else { return out.null() }
    out.beginObject()
    out.member("name", identity.name)
    out.member("source", identity.source.rawValue)
    out.member("branch", identity.branch)
    out.member("defaultBranch", identity.defaultBranch)
    out.member("commit", identity.commit)
    out.endObject()
  }

  /// The catalog context, or null.
  private static func context(_ context: CatalogContextSummary?, to out: inout JSONStream) {
    guard let context else { return out.null() }
    out.beginObject()
    out.member("checked", context.checked)
    out.member("entities", context.entities)
    out.member("overlapping", context.overlapping)
    out.member("problemsNotReported", context.problemsNotReported)
    out.key("sources")
    out.beginArray()
    for source in context.sources {
      out.next()
      out.beginObject()
      out.member("name", source.name)
      out.member("kind", source.kind)
      out.member("entities", source.entities)
      out.member("fetchedAt", source.fetchedAt)
      out.member("snapshot", source.snapshot)
      out.member("fellBack", source.fellBack)
      out.endObject()
    }
    out.endArray()
    out.endObject()
  }

  private static func summary(_ facts: ReportFacts, to out: inout JSONStream) {
    out.beginObject()
    out.key("files")
    out.beginObject()
    out.member("checked", facts.filesChecked)
    out.member("skipped", facts.filesSkipped)
    out.member("failed", facts.filesFailed)
    out.key("skippedBy")
    out.beginObject()
    for (reason, count) in facts.filesSkippedBy { out.member(reason, count) }
    out.endObject()
    out.endObject()
    out.member("rules", facts.rules.count)
    out.member("findings", facts.findings.count)
    out.member("active", facts.active.count)
    out.member("suppressed", facts.suppressed.count)
    out.member("blocking", facts.blocking)
    out.key("byVerdict")
    out.beginObject()
    out.member("fail", facts.failed)
    out.member("indeterminate", facts.indeterminate)
    out.member("error", facts.errors)
    out.endObject()
    out.key("byEnforcement")
    out.beginObject()
    for level in [Enforcement.block, .warn, .advisory] { out.member(level.rawValue, facts.byEnforcement[level] ?? 0) }
    out.endObject()
    out.key("baseline")
    if facts.usedBaseline {
      out.beginObject()
      out.member("new", facts.new)
      out.member("unchanged", facts.unchanged)
      out.member("fixed", facts.fixed.count)
      out.endObject()
    } else {
      out.null()
    }
    out.key("diagnostics")
    out.beginObject()
    for severity in [DiagnosticSeverity.error, .warning, .note] {
      out.member(severity.rawValue + "s", facts.diagnostics[severity] ?? 0)
    }
    out.endObject()
    out.endObject()
  }

  private static func write(_ rule: ReportedRule, to out: inout JSONStream) {
    let stats = rule.statistics
    out.beginObject()
    out.member("id", rule.id)
    out.member("title", rule.title)
    out.member("severity", rule.severity.rawValue)
    out.member("category", rule.category)
    out.member("enforcement", rule.enforcement.rawValue)
    out.member("rationale", rule.rationale)
    out.member("remediation", rule.remediation)
    out.member("helpUri", rule.helpURI)
    out.member("hasFix", rule.hasFix)
    out.key("statistics")
    out.beginObject()
    out.member("selected", stats.selected)
    out.member("applicable", stats.applicable)
    out.member("passed", stats.passed)
    out.member("failed", stats.failed)
    out.member("indeterminate", stats.indeterminate)
    out.member("errors", stats.errors)
    out.member("notApplicable", stats.notApplicable)
    out.endObject()
    out.endObject()
  }

  private static func write(_ reported: ReportedFinding, to out: inout JSONStream) {
    let finding = reported.finding
    out.beginObject()
    out.member("ruleId", finding.ruleID)
    out.member("title", finding.title)
    out.member("severity", finding.severity.rawValue)
    out.member("category", finding.category)
    out.member("verdict", finding.verdict.rawValue)
    out.member("enforcement", reported.enforcement.rawValue)
    out.member("blocking", reported.blocking)
    out.member("message", finding.message)
    out.member("entity", finding.entity.rawValue)
    out.member("entityKind", finding.entityKind)
    out.key("location")
    location(finding.location, to: &out)
    out.key("definedAt")
    location(finding.definedAt, to: &out)
    out.member("fingerprint", finding.fingerprint)
    out.member("requirement", finding.requirement)
    out.member("baseline", reported.baseline.rawValue)
    out.key("suppression")
    if let suppression = reported.suppression {
      out.beginObject()
      out.member("kind", suppression.kind.rawValue)
      out.member("reason", suppression.reason)
      out.member("owner", suppression.owner)
      out.member("expires", suppression.expires)
      out.key("location")
      location(suppression.location, to: &out)
      out.endObject()
    } else {
      out.null()
    }
    out.key("evidence")
    out.beginArray()
    for evidence in finding.evidence {
      out.next()
      out.beginObject()
      out.member("expression", evidence.expression)
      out.member("value", evidence.value)
      out.key("location")
      location(evidence.location, to: &out)
      out.endObject()
    }
    out.endArray()
    out.key("fixes")
    out.beginArray()
    for fix in finding.fixes {
      out.next()
      out.beginObject()
      out.member("operation", fix.operation.rawValue)
      out.member("entity", fix.entity.rawValue)
      out.key("path")
      out.beginArray()
      for step in fix.path {
        out.next()
        out.string(step)
      }
      out.endArray()
      out.member("value", fix.value)
      out.key("anchor")
      location(fix.anchor, to: &out)
      out.endObject()
    }
    out.endArray()
    out.endObject()
  }

  private static func diagnostics(_ diagnostics: [Diagnostic], to out: inout JSONStream) {
    out.beginArray()
    for diagnostic in diagnostics {
      out.next()
      out.beginObject()
      out.member("code", diagnostic.code)
      out.member("severity", diagnostic.severity.rawValue)
      out.member("message", diagnostic.message)
      out.key("location")
      location(diagnostic.location, to: &out)
      out.key("notes")
      out.beginArray()
      for note in diagnostic.notes {
        out.next()
        out.beginObject()
        out.member("message", note.message)
        out.key("location")
        location(note.location, to: &out)
        out.endObject()
      }
      out.endArray()
      out.endObject()
    }
    out.endArray()
  }

  /// A location object, or `null`.
  static func location(_ location: SourceLocation?, to out: inout JSONStream) {
    guard let location else { return out.null() }
    out.beginObject()
    out.member("path", location.path)
    for (name, position) in [("start", location.span.start), ("end", location.span.end)] {
      out.key(name)
      out.beginObject()
      out.member("line", position.line)
      out.member("column", position.column)
      out.member("offset", position.offset)
      out.endObject()
    }
    out.endObject()
  }
}
