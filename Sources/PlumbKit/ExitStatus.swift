/// Plumb's process exit statuses. They fail closed: only `success` means "checked and fine".
///
/// Documented in `docs/exit-codes.md`.
public enum ExitStatus {
  /// Everything loaded and evaluated; nothing blocking was found.
  public static let success: Int32 = 0
  /// Findings at a blocking enforcement level were found.
  public static let blockingFindings: Int32 = 1
  /// An input could not be read or loaded (syntax error, limit exceeded, unknown format).
  public static let inputErrors: Int32 = 2
  /// A rule or policy file did not compile.
  public static let policyErrors: Int32 = 3
  /// Nothing was evaluated: no input found, or no rule applied to any input.
  public static let nothingEvaluated: Int32 = 4
  /// The command line was wrong (argument-parser's `EX_USAGE`).
  public static let usage: Int32 = 64
}
