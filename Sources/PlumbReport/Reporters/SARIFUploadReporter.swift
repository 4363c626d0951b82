/// SARIF for GitHub code scanning's upload: the `sarif` log without suppressed findings.
///
/// Code scanning ignores SARIF `suppressions`, so a waived finding uploaded with the `sarif`
/// format becomes an open alert. This format leaves suppressed findings out of `results` (their
/// number is in the run's `properties.suppressedResultsOmitted`); everything else is as `sarif`.
public struct SARIFUploadReporter: Reporter {
  public static let identifier = "sarif-upload"
  public static let description =
    "SARIF 2.1.0 for GitHub code scanning's upload: as sarif, without suppressed findings (code scanning ignores suppressions)"

  public static func render(_ report: CheckReport, options: ReporterOptions) -> String {
    SARIFReporter.render(report, options: options, omittingSuppressed: true)
  }
}
