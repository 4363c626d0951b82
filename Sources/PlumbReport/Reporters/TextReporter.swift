import PlumbDiagnostics
import PlumbPolicy

/// Human-readable terminal output, the default of `plumb check`.
///
/// ```
/// error: did not find expected ',' or ']' [yaml.syntax]      ← input and policy diagnostics
///   |
/// 3 |     runs-on: [self-hosted
///   |              ^
///
/// catalog/components.yaml                                     ← findings by file, files sorted
///   12:5  error: component 'payments-api' has no spec.owner [component_has_owner] (new)
///            |
///         12 |   spec:
///            |   ^~~~~
///
/// summary                                                     ← counts, then the verdict
///   files        3 checked, 1 skipped
///   …
/// verdict: fail (1 blocking finding)
/// ```
///
/// Diagnostics of severity `note` are left out (the JSON and SARIF formats keep them). Messages,
/// paths and source lines are shown with control and bidirectional-override characters made
/// visible (`<U+001B>`), so an input cannot rewrite the terminal, and no line of the output can
/// start a CI workflow command (``TerminalText/guarded(_:allowingColor:)``). Colour only when
/// `options.colored`.
public struct TextReporter: Reporter {
  public static let identifier = "text"
  public static let description = "Readable terminal output: findings by file with the source line and a caret, then a summary"

  public static func render(_ report: CheckReport, options: ReporterOptions) -> String {
    let facts = ReportFacts(report)
    let paint = Painter(enabled: options.colored)
    let renderer = DiagnosticRenderer(sources: options.sources, colored: options.colored)
    var out = ""

    let diagnostics = (report.inputDiagnostics + report.policyDiagnostics).filter { $0.severity >= .warning }
    if !diagnostics.isEmpty {
      out += renderer.render(diagnostics)
      out += "\n"
    }

    for group in ReportFacts.byFile(facts.findings) {
      out += paint(TerminalText.oneLine(group.path), .bold) + "\n"
      let places = group.findings.map { "\($0.location.span.start.line):\($0.location.span.start.column)" }
      let width = places.map(\.count).max() ?? 0
      for (finding, place) in zip(group.findings, places) {
        out += line(for: finding, place: place, width: width, paint: paint)
        let snippet = renderer.snippet(finding.location)
        for snippetLine in snippet.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
          out += "    " + snippetLine + "\n"
        }
        if let defined = finding.finding.definedAt {
          out += "    " + paint("note:", .cyan) + " the anchored value is defined at line \(defined.span.start.line)\n"
          for snippetLine in renderer.snippet(defined).split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            out += "    " + snippetLine + "\n"
          }
        }
      }
      out += "\n"
    }

    out += summary(report, facts, paint: paint)
    // Messages, paths and source lines come from the inputs: no line may start a CI command.
    return TerminalText.guarded(out, allowingColor: options.colored)
  }

  /// `  12:5  error: message [rule_id] (new)`, with a suppression note when suppressed.
  private static func line(for reported: ReportedFinding, place: String, width: Int, paint: Painter) -> String {
    let label = reported.label
    let style: Painter.Style =
      switch label {
      case .error: .red
      case .warning: .yellow
      case .note: .cyan
      case .indeterminate: .magenta
      }
    let lead = "  " + place + String(repeating: " ", count: width - place.count) + "  "
    let hang = String(repeating: " ", count: lead.count + label.rawValue.count + 2)
    let message = TerminalText.visibleLines(reported.finding.message).replacingNewlines(with: "\n" + hang)
    var text = lead + paint(label.rawValue + ":", style) + " " + message + " "
      + paint("[\(reported.finding.ruleID)]", .dim)
    if reported.baseline == .new { text += " " + paint("(new)", .bold) }
    if let suppression = reported.suppression {
      var marker = "suppressed (\(suppression.kind == .waiver ? "waiver" : "inline")): "
      marker += TerminalText.oneLine(suppression.reason)
      var details: [String] = []
      if let owner = suppression.owner { details.append("owner \(TerminalText.oneLine(owner))") }
      if let expires = suppression.expires { details.append("expires \(TerminalText.oneLine(expires))") }
      if !details.isEmpty { marker += " (" + details.joined(separator: ", ") + ")" }
      text += "\n" + hang + paint(marker, .dim)
    }
    return text + "\n"
  }

  private static func summary(_ report: CheckReport, _ facts: ReportFacts, paint: Painter) -> String {
    var rows: [(String, String)] = []
    rows.append(("files", facts.filesLine))
    rows.append(("rules", "\(facts.rules.count) run" + (report.pack.map { " (pack \(TerminalText.oneLine($0)))" } ?? "")))
    var findings = "\(facts.active.count)"
    if !facts.active.isEmpty {
      let verdicts = [(facts.failed, "fail"), (facts.indeterminate, "indeterminate"), (facts.errors, "error")]
        .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
      let levels = [Enforcement.block, .warn, .advisory, .off]
        .compactMap { level in facts.byEnforcement[level].map { "\($0) \(level.rawValue)" } }
      findings += " (" + verdicts.joined(separator: ", ") + "; " + levels.joined(separator: ", ") + ")"
    }
    rows.append(("findings", findings))
    rows.append(("blocking", "\(facts.blocking)"))
    rows.append(("suppressed", "\(facts.suppressed.count)"))
    if let context = report.context {
      let sources = context.sources.count == 1 ? "1 source" : "\(context.sources.count) sources"
      var details: [String] = []
      if context.overlapping > 0 { details.append("\(context.overlapping) also in the repository") }
      if context.problemsNotReported > 0 {
        details.append("\(context.problemsNotReported) of its own problems not reported: --check-context shows them")
      }
      if context.checked { details.append("checked") }
      let fellBack = context.sources.filter(\.fellBack).count
      if fellBack > 0 { details.append("\(fellBack) from a snapshot: the catalog was not reachable") }
      rows.append(
        ("context", "\(context.entities) entities from \(sources)" + (details.isEmpty ? "" : " (" + details.joined(separator: "; ") + ")")))
    }
    if facts.usedBaseline {
      rows.append(("baseline", "\(facts.new) new, \(facts.unchanged) unchanged, \(facts.fixed.count) fixed"))
    }
    let errors = facts.diagnostics[.error] ?? 0
    let warnings = facts.diagnostics[.warning] ?? 0
    if errors + warnings > 0 {
      rows.append(("diagnostics", plural(errors, "error") + ", " + plural(warnings, "warning")))
    }
    let width = rows.map(\.0.count).max() ?? 0
    var out = paint("summary", .bold) + "\n"
    for (name, value) in rows {
      out += "  " + name + String(repeating: " ", count: width - name.count + 2) + value + "\n"
    }
    let verdict = TerminalText.oneLine(report.verdict)
    out += paint("verdict:", .bold) + " " + paint(verdict, report.exitStatus == 0 ? .green : .red) + "\n"
    return out
  }
}

/// ANSI styling that is a no-op when colour is off.
struct Painter {
  enum Style: String {
    case bold = "1"
    case dim = "2"
    case red = "1;31"
    case green = "1;32"
    case yellow = "1;33"
    case magenta = "1;35"
    case cyan = "1;36"
  }

  let enabled: Bool

  func callAsFunction(_ text: String, _ style: Style) -> String {
    enabled ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
  }
}
