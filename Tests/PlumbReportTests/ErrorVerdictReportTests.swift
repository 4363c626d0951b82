import Foundation
import PlumbDiagnostics
import PlumbPolicy
import Testing

@testable import PlumbReport

/// A finding whose rule could not be evaluated for the entity (verdict `error`, issue 13) is shown
/// as an error in every format, whatever the rule's enforcement, and counted apart from fails.
@Suite struct ErrorVerdictReportTests {
  /// The fixture's report plus one error finding of an advisory rule (so its enforcement alone
  /// would make it a note).
  static let report: CheckReport = {
    var report = ReportFixture.report
    report.findings.append(
      ReportFixture.finding(
        "owner_is_a_group",
        "'owner_is_a_group' could not be evaluated for 'ledger': division by zero in 'a / b' (1 / 0)",
        entity: "component:default/ledger", kind: "catalog.Component",
        at: ReportFixture.locate(ReportFixture.components, "name: ledger"), verdict: .error, enforcement: .advisory,
        baseline: .none, blocking: false))
    return report
  }()

  @Test func textCountsErrorsApartFromFailsAndLabelsThemError() throws {
    let text = try ReporterTests.render("text", Self.report)
    #expect(text.contains("5 fail, 1 indeterminate, 1 error;"), "\(text)")
    #expect(text.contains("error: 'owner_is_a_group' could not be evaluated for 'ledger'"), "\(text)")
  }

  @Test func jsonCountsErrorsByVerdict() throws {
    let json = try ReporterTests.render("json", Self.report)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let summary = try #require(object["summary"] as? [String: Any])
    #expect((summary["byVerdict"] as? [String: Int])?["error"] == 1)
    let findings = try #require(object["findings"] as? [[String: Any]])
    #expect(findings.filter { $0["verdict"] as? String == "error" }.count == 1)
  }

  @Test func annotationsAndSARIFMakeItAnErrorWhateverTheEnforcement() throws {
    let github = try ReporterTests.render("github", Self.report)
    #expect(github.split(separator: "\n").contains { $0.hasPrefix("::error ") && $0.contains("could not be evaluated") })
    let sarif = try ReporterTests.render("sarif", Self.report)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
    let results = try #require(((object["runs"] as? [[String: Any]])?.first?["results"]) as? [[String: Any]])
    let error = try #require(results.first { (($0["message"] as? [String: Any])?["text"] as? String)?.contains("could not be evaluated") == true })
    #expect(error["level"] as? String == "error")
  }
}
