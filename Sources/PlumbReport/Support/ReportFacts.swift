import PlumbDiagnostics
import PlumbPolicy

/// How a finding is labelled in the human-facing formats (text, Markdown, annotations).
enum FindingLabel: String, CaseIterable, Sendable {
  /// A fail under a `block` rule.
  case error
  /// A fail under a `warn` rule.
  case warning
  /// A fail under an `advisory` rule (or `off`, which the gate never reports).
  case note
  /// Verdict indeterminate (a value unknown until apply), whatever the enforcement.
  case indeterminate

  init(_ finding: ReportedFinding) {
    if finding.finding.verdict == .indeterminate {
      self = .indeterminate
      return
    }
    // A rule that could not be evaluated is an error, whatever its enforcement.
    if finding.finding.verdict == .error {
      self = .error
      return
    }
    switch finding.enforcement {
    case .block: self = .error
    case .warn: self = .warning
    case .advisory, .off: self = .note
    }
  }

  /// Sort rank for "most important first" lists.
  var rank: Int {
    switch self {
    case .error: 0
    case .indeterminate: 1
    case .warning: 2
    case .note: 3
    }
  }
}

extension ReportedFinding {
  var label: FindingLabel { FindingLabel(self) }
  var isSuppressed: Bool { suppression != nil }
  var location: SourceLocation { finding.location }

  /// Findings in the one order every reporter uses: location, then rule, then fingerprint.
  static func inReportOrder(_ lhs: ReportedFinding, _ rhs: ReportedFinding) -> Bool {
    if lhs.location != rhs.location { return lhs.location < rhs.location }
    if lhs.finding.ruleID != rhs.finding.ruleID { return lhs.finding.ruleID < rhs.finding.ruleID }
    if lhs.finding.fingerprint != rhs.finding.fingerprint { return lhs.finding.fingerprint < rhs.finding.fingerprint }
    return lhs.finding.message < rhs.finding.message
  }

  /// Most important first: blocking, then by label, new before unchanged, then report order.
  static func byImportance(_ lhs: ReportedFinding, _ rhs: ReportedFinding) -> Bool {
    if lhs.blocking != rhs.blocking { return lhs.blocking }
    if lhs.label != rhs.label { return lhs.label.rank < rhs.label.rank }
    if lhs.baseline != rhs.baseline { return lhs.baseline == .new }
    return inReportOrder(lhs, rhs)
  }
}

extension SourceSpan {
  /// The last line the span covers (a span ending at column 1 ends on the line before).
  var lastLine: Int {
    end.line > start.line && end.column == 1 ? end.line - 1 : max(start.line, end.line)
  }
}

/// What every reporter derives from a report: findings in report order, split into active and
/// suppressed, rules by id, and the counts the summaries print.
///
/// Counts by verdict, enforcement and baseline are of active findings; suppressed findings are
/// counted once, under `suppressed`.
struct ReportFacts: Sendable {
  /// Every finding, in report order.
  let findings: [ReportedFinding]
  /// Findings no waiver or inline comment suppresses.
  let active: [ReportedFinding]
  /// Suppressed findings.
  let suppressed: [ReportedFinding]
  /// Rules sorted by id.
  let rules: [ReportedRule]
  let rulesByID: [String: ReportedRule]
  /// Baseline findings gone, sorted by rule then fingerprint.
  let fixed: [FixedFinding]
  /// Input files sorted by path.
  let files: [InputFileSummary]

  let filesChecked: Int
  let filesSkipped: Int
  /// Files that could not be read or are near misses of a format.
  let filesFailed: Int
  /// Skipped files by reason (sorted by reason; an unstated reason counts as `unknown-format`).
  let filesSkippedBy: [(reason: String, count: Int)]
  let blocking: Int
  let failed: Int
  let indeterminate: Int
  /// Active findings whose rule could not be evaluated (verdict error).
  let errors: Int
  let byEnforcement: [Enforcement: Int]
  let byLabel: [FindingLabel: Int]
  /// Whether a baseline was used (a finding has a baseline status, or something was fixed).
  let usedBaseline: Bool
  let new: Int
  let unchanged: Int
  /// `7 checked, 2 skipped (1 empty, 1 not a known format), 1 failed`: the failed count only when
  /// there is one, the reasons only when something was skipped.
  var filesLine: String { filesLine(checked: "\(filesChecked)") }

  /// ``filesLine`` with `checked` (e.g. `3 files`) before " checked".
  func filesLine(checked: String) -> String {
    var line = "\(checked) checked, \(filesSkipped) skipped"
    if !filesSkippedBy.isEmpty {
      line += " (" + filesSkippedBy.map { "\($0.count) " + InputFileSummary.phrase(forSkipReason: $0.reason) }
        .joined(separator: ", ") + ")"
    }
    return filesFailed > 0 ? line + ", \(filesFailed) failed" : line
  }

  /// Diagnostics (input and policy) by severity.
  let diagnostics: [DiagnosticSeverity: Int]

  init(_ report: CheckReport) {
    findings = report.findings.sortedIfNeeded(by: ReportedFinding.inReportOrder)
    active = findings.filter { !$0.isSuppressed }
    suppressed = findings.filter(\.isSuppressed)
    rules = report.rules.sorted { $0.id < $1.id }
    var byID: [String: ReportedRule] = [:]
    for rule in rules where byID[rule.id] == nil { byID[rule.id] = rule }
    rulesByID = byID
    fixed = report.fixed.sorted { ($0.ruleID, $0.fingerprint, $0.entity) < ($1.ruleID, $1.fingerprint, $1.entity) }
    files = report.files.sorted { ($0.path, $0.format ?? "") < ($1.path, $1.format ?? "") }
    filesChecked = report.files.count { $0.format != nil }
    filesFailed = report.files.count { $0.format == nil && $0.failed }
    filesSkipped = report.files.count - filesChecked - filesFailed
    var skippedBy: [String: Int] = [:]
    for file in report.files where file.status == "skipped" { skippedBy[file.skipReason ?? "unknown-format", default: 0] += 1 }
    filesSkippedBy = skippedBy.sorted { $0.key < $1.key }.map { (reason: $0.key, count: $0.value) }
    blocking = findings.count(where: \.blocking)
    failed = active.count { $0.finding.verdict == .fail }
    indeterminate = active.count { $0.finding.verdict == .indeterminate }
    errors = active.count { $0.finding.verdict == .error }
    var enforcement: [Enforcement: Int] = [:]
    var labels: [FindingLabel: Int] = [:]
    for finding in active {
      enforcement[finding.enforcement, default: 0] += 1
      labels[finding.label, default: 0] += 1
    }
    byEnforcement = enforcement
    byLabel = labels
    usedBaseline = !report.fixed.isEmpty || report.findings.contains { $0.baseline != .none }
    new = active.count { $0.baseline == .new }
    unchanged = active.count { $0.baseline == .unchanged }
    var severities: [DiagnosticSeverity: Int] = [:]
    for diagnostic in report.inputDiagnostics + report.policyDiagnostics {
      severities[diagnostic.severity, default: 0] += 1
    }
    diagnostics = severities
  }

  /// The rule's documentation page: its own `helpURI` when set, else `<ruleDocsBaseURL>/<id>.md`
  /// (not for a user rule, ``ReportedRule/builtin`` false: it has no page there).
  /// Only links Plumb may emit (``LinkTarget/isAllowed(_:)``: http, https or relative); nil when
  /// neither is one.
  func docsURL(_ ruleID: String, _ options: ReporterOptions) -> String? {
    if let uri = rulesByID[ruleID]?.helpURI, !uri.isEmpty, LinkTarget.isAllowed(uri) { return uri }
    if rulesByID[ruleID]?.builtin == false { return nil }
    var base = options.ruleDocsBaseURL
    while base.hasSuffix("/") { base.removeLast() }
    let page = base.isEmpty ? "\(ruleID).md" : "\(base)/\(ruleID).md"
    return LinkTarget.isAllowed(page) ? page : nil
  }

  /// Active findings grouped by file, files sorted, findings in report order.
  static func byFile(_ findings: [ReportedFinding]) -> [(path: String, findings: [ReportedFinding])] {
    var groups: [String: [ReportedFinding]] = [:]
    for finding in findings { groups[finding.location.path, default: []].append(finding) }
    return groups.keys.sorted().map { ($0, groups[$0] ?? []) }
  }
}

/// `1 error`, `2 errors`.
func plural(_ count: Int, _ singular: String, _ pluralForm: String? = nil) -> String {
  "\(count) \(count == 1 ? singular : (pluralForm ?? singular + "s"))"
}
