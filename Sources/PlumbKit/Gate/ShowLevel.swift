import PlumbPolicy
import PlumbReport

/// Which findings terminal text shows (`--show`); it never changes which findings fail the build.
public enum ShowLevel: String, Sendable, CaseIterable {
  /// Every finding (the default).
  case advisory
  /// Findings of rules at `warn` or `block`.
  case warn
  /// Findings of rules at `block` only.
  case block

  /// The lowest enforcement level shown.
  public var threshold: Enforcement {
    switch self {
    case .advisory: .advisory
    case .warn: .warn
    case .block: .block
    }
  }

  /// Whether `finding` is shown. Blocking findings are always shown, whatever their level, so text
  /// never hides why a build failed.
  public func shows(_ finding: ReportedFinding) -> Bool {
    finding.blocking || finding.enforcement >= threshold
  }

  /// `report` with only the findings shown; the verdict, exit status and everything else unchanged.
  public func filter(_ report: CheckReport) -> CheckReport {
    guard self != .advisory else { return report }
    var filtered = report
    filtered.findings = report.findings.filter(shows)
    return filtered
  }
}
