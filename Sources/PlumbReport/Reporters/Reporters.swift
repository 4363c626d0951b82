/// Every output format of `plumb check`, for `--output NAME[=PATH]` and `plumb reporters`.
public enum Reporters {
  /// All reporters, in the order `--help` and the docs list them.
  public static let all: [any Reporter.Type] = [
    TextReporter.self,
    JSONReporter.self,
    SARIFReporter.self,
    SARIFUploadReporter.self,
    GitHubReporter.self,
    GitHubSummaryReporter.self,
    GitLabReporter.self,
    GitLabSASTReporter.self,
    JUnitReporter.self,
    MarkdownReporter.self,
  ]

  /// The reporter whose identifier is exactly `name` (`sarif`, `github-summary`, …), or nil.
  public static func named(_ name: String) -> (any Reporter.Type)? {
    all.first { $0.identifier == name }
  }
}
