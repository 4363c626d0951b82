import PlumbDiagnostics
import PlumbPolicy

/// JUnit XML, for CI systems that show test reports (GitLab `artifacts:reports:junit`, Jenkins,
/// Azure Pipelines).
///
/// One `<testsuite>` per rule (sorted by id) and a `<testcase>` per finding (classname = rule id,
/// name = `entity at path:line`, `file` and `line` attributes). Every test case's name is unique
/// in the report (GitLab keeps only the last of test cases with equal names): two findings of one
/// rule on one entity and line are told apart by their fingerprint (`… #<first 12 digits>`), which
/// keeps names stable across runs. The counts follow the gate, not the display:
/// `failures` are blocking findings (each a `<failure message type>` with the location, entity
/// and evidence in its text), `skipped` are suppressed ones (`<skipped message>` with the
/// reason), and a finding that is shown but does not fail the build is a passing test case whose
/// `<system-out>` says what was found. A rule whose entities passed has one more passing test
/// case, `passing entities`, whose `<system-out>` counts them (reports do not name passing
/// entities). `tests` is the number of `<testcase>` elements, in each suite and in all. Input and
/// policy diagnostics of severity warning or error form a first suite, `plumb.diagnostics`, where
/// errors are `<error>`s. No timestamps or durations.
public struct JUnitReporter: Reporter {
  public static let identifier = "junit"
  public static let description = "JUnit XML: a test suite per rule, a uniquely named case per finding, failures for blocking, skipped for suppressed"

  static let diagnosticsSuite = "plumb.diagnostics"

  private struct Suite {
    var name: String
    var tests = 0
    var failures = 0
    var errors = 0
    var skipped = 0
    var properties: [(String, String)] = []
    var body = ""
  }

  /// Unique test case names: the first use of a name is kept as is, a repeat gets its
  /// fingerprint (or, without one, its ordinal) appended.
  private struct Names {
    var used: Set<String> = []

    mutating func unique(_ name: String, fingerprint: String?) -> String {
      if used.insert(name).inserted { return name }
      if let fingerprint, !fingerprint.isEmpty {
        let tagged = name + " #" + fingerprint.prefix(12)
        if used.insert(tagged).inserted { return tagged }
      }
      var ordinal = 2
      while !used.insert(name + " (\(ordinal))").inserted { ordinal += 1 }
      return name + " (\(ordinal))"
    }
  }

  public static func render(_ report: CheckReport, options: ReporterOptions) -> String {
    let facts = ReportFacts(report)
    var suites: [Suite] = []
    var names = Names()

    let diagnostics = (report.inputDiagnostics + report.policyDiagnostics).filter { $0.severity >= .warning }
    if !diagnostics.isEmpty {
      var suite = Suite(name: diagnosticsSuite)
      for diagnostic in diagnostics {
        suite.tests += 1
        let place = diagnostic.location?.description
        let name = diagnostic.code + (place.map { " " + $0 } ?? "")
        let text = (place.map { $0 + ": " } ?? "") + "\(diagnostic.severity.rawValue): \(diagnostic.message) [\(diagnostic.code)]"
        let outcome: String
        if diagnostic.severity == .error {
          suite.errors += 1
          outcome = "      <error message=\"\(attr(diagnostic.message))\" type=\"\(attr(diagnostic.code))\">\(XMLText.escape(text))</error>\n"
        } else {
          outcome = "      <system-out>\(XMLText.escape(text))</system-out>\n"
        }
        suite.body += testcase(
          classname: diagnosticsSuite, name: names.unique(name, fingerprint: nil), location: diagnostic.location, outcome)
      }
      suites.append(suite)
    }

    var findingsByRule: [String: [ReportedFinding]] = [:]
    for reported in facts.findings { findingsByRule[reported.finding.ruleID, default: []].append(reported) }
    let ruleIDs = Set(facts.rules.map(\.id)).union(findingsByRule.keys).sorted()
    for ruleID in ruleIDs {
      let rule = facts.rulesByID[ruleID]
      let findings = findingsByRule[ruleID] ?? []
      var suite = Suite(name: ruleID)
      suite.tests = findings.count
      if let rule {
        suite.properties = [
          ("title", rule.title), ("severity", rule.severity.rawValue), ("category", rule.category),
          ("enforcement", rule.enforcement.rawValue), ("selected", String(rule.statistics.selected)),
          ("passed", String(rule.statistics.passed)), ("notApplicable", String(rule.statistics.notApplicable)),
        ]
      }
      for reported in findings {
        let text = details(reported)
        let outcome: String
        // Blocking wins over suppressed, so the failures always agree with the gate.
        if reported.blocking {
          suite.failures += 1
          outcome = "      <failure message=\"\(attr(reported.finding.message))\" type=\"\(reported.label.rawValue)\">"
            + XMLText.escape(text) + "</failure>\n"
        } else if let suppression = reported.suppression {
          suite.skipped += 1
          let kind = suppression.kind == .waiver ? "waiver" : "inline"
          outcome = "      <skipped message=\"\(attr("suppressed (\(kind)): \(suppression.reason)"))\"/>\n"
        } else {
          outcome = "      <system-out>\(XMLText.escape(text))</system-out>\n"
        }
        let location = reported.location
        let place = location.span.start.line >= 1 ? "\(location.path):\(location.span.start.line)" : location.path
        let name = names.unique(
          "\(reported.finding.entity.rawValue) at \(place)", fingerprint: reported.finding.fingerprint)
        suite.body += testcase(classname: ruleID, name: name, location: location, outcome)
      }
      if let passed = rule?.statistics.passed, passed > 0 {
        suite.tests += 1
        let text = "\(passed) \(passed == 1 ? "entity" : "entities") passed \(ruleID)"
        suite.body += testcase(
          classname: ruleID, name: names.unique("\(ruleID): passing entities", fingerprint: nil), location: nil,
          "      <system-out>\(XMLText.escape(text))</system-out>\n")
      }
      suites.append(suite)
    }

    let total = suites.reduce(into: (0, 0, 0, 0)) {
      $0.0 += $1.tests
      $0.1 += $1.failures
      $0.2 += $1.errors
      $0.3 += $1.skipped
    }
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    out += "<testsuites name=\"plumb check\" tests=\"\(total.0)\" failures=\"\(total.1)\" errors=\"\(total.2)\" skipped=\"\(total.3)\">\n"
    for suite in suites {
      out += "  <testsuite name=\"\(attr(suite.name))\" tests=\"\(suite.tests)\" failures=\"\(suite.failures)\" errors=\"\(suite.errors)\" skipped=\"\(suite.skipped)\">\n"
      if !suite.properties.isEmpty {
        out += "    <properties>\n"
        for (name, value) in suite.properties {
          out += "      <property name=\"\(attr(name))\" value=\"\(attr(value))\"/>\n"
        }
        out += "    </properties>\n"
      }
      out += suite.body
      out += "  </testsuite>\n"
    }
    out += "</testsuites>\n"
    return out
  }

  private static func testcase(
    classname: String, name: String, location: SourceLocation?, _ outcome: String
  ) -> String {
    var out = "    <testcase classname=\"\(attr(classname))\" name=\"\(attr(name))\""
    if let location {
      out += " file=\"\(attr(location.path))\""
      if location.span.start.line >= 1 { out += " line=\"\(location.span.start.line)\"" }
    }
    return out + ">\n" + outcome + "    </testcase>\n"
  }

  /// `path:line:col: label: message [rule]`, then the entity, evidence and baseline status.
  private static func details(_ reported: ReportedFinding) -> String {
    let finding = reported.finding
    var lines = ["\(finding.location): \(reported.label.rawValue): \(finding.message) [\(finding.ruleID)]"]
    if let defined = finding.definedAt { lines.append("defined at: \(defined) (the anchored value)") }
    lines.append("entity: \(finding.entity.rawValue) (\(finding.entityKind))")
    lines.append("verdict: \(finding.verdict.rawValue), enforcement: \(reported.enforcement.rawValue)")
    for evidence in finding.evidence {
      lines.append("evidence: \(evidence.expression) = \(evidence.value)" + (evidence.location.map { " (\($0))" } ?? ""))
    }
    if reported.baseline != .none { lines.append("baseline: \(reported.baseline.rawValue)") }
    lines.append("fingerprint: \(finding.fingerprint)")
    return lines.joined(separator: "\n")
  }

  private static func attr(_ text: String) -> String { XMLText.escape(text, attribute: true) }
}
