/// Facts about this build of Plumb.
public enum Plumb {
  /// The version printed by `plumb --version` and written into reports.
  public static let version = "0.1.0"
  /// Plumb's own repository: where the default rule documentation links lead
  /// (``ReportLinks/defaultRuleDocsBase``).
  public static let repositoryURL = "https://github.com/plumb-dev/plumb"
}
