import PlumbDiagnostics

/// Options every reporter receives besides the report.
public struct ReporterOptions: Sendable {
  /// Source files, so text-like formats can show the offending line.
  public var sources: [SourceFile]
  /// Whether to use ANSI colours (text only; decided by the caller from TTY and `NO_COLOR`).
  public var colored: Bool
  /// Base URL of rule documentation pages (`<base>/<rule_id>.md`).
  public var ruleDocsBaseURL: String
  /// Base URL a file's (percent-encoded) path is appended to for `path#L<line>` links in the
  /// Markdown formats, e.g. `https://github.com/<owner>/<repo>/blob/<sha>/` (from
  /// `GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`, `GITHUB_SHA`). Nil: locations are shown, not linked.
  public var sourceLinkBaseURL: String?
  /// The code-scanning category (SARIF `automationDetails.id` is `plumb/<category>/`); nil: `check`.
  public var codeScanningCategory: String?
  /// The most error and warning annotations the `github` format writes, each (GitHub shows 10 of
  /// each per step); the rest are counted in a notice that points to the step summary.
  public var annotationLimit: Int

  public init(
    sources: [SourceFile] = [], colored: Bool = false, ruleDocsBaseURL: String = "docs/rules",
    sourceLinkBaseURL: String? = nil, codeScanningCategory: String? = nil, annotationLimit: Int = 10
  ) {
    self.sources = sources
    self.colored = colored
    self.ruleDocsBaseURL = ruleDocsBaseURL
    self.sourceLinkBaseURL = sourceLinkBaseURL
    self.codeScanningCategory = codeScanningCategory
    self.annotationLimit = annotationLimit
  }
}

/// An output format of `plumb check`: one stateless type per format, one file each.
public protocol Reporter: Sendable {
  /// The name used in `--output NAME[=PATH]`, e.g. `sarif`.
  static var identifier: String { get }
  /// One line for `plumb check --help` and the docs.
  static var description: String { get }
  /// Renders the whole report; the same report gives the same bytes.
  static func render(_ report: CheckReport, options: ReporterOptions) -> String
}
