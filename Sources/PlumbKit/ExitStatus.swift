/// Plumb's process exit statuses. They fail closed: only `success` means "checked and fine".
///
/// Documented in `docs/exit-codes.md`.
public enum ExitStatus {
  /// Everything loaded and evaluated; nothing blocking was found.
  public static let success: Int32 = 0
  /// Findings that fail the build under `--fail-on` were found (an expired waiver is one, at
  /// `block`).
  public static let blockingFindings: Int32 = 1
  /// An input could not be read or loaded (syntax error, limit exceeded, unknown format of a named
  /// file, invalid content), the baseline could not be read, or an output could not be written.
  public static let inputErrors: Int32 = 2
  /// A rule, policy pack, waiver file or configuration file did not load, or a waiver runs longer
  /// than the pack allows.
  public static let policyErrors: Int32 = 3
  /// Nothing was evaluated: no input found, no rule enabled, or no rule applied to any input.
  public static let nothingEvaluated: Int32 = 4
  /// The command line was wrong (argument-parser's `EX_USAGE`).
  public static let usage: Int32 = 64

  /// Every status, most severe first: when several apply, the first wins.
  public static let precedence: [Int32] = [usage, policyErrors, inputErrors, nothingEvaluated, blockingFindings, success]

  /// The more severe of two statuses under ``precedence``.
  public static func mostSevere(_ a: Int32, _ b: Int32) -> Int32 {
    let rank = { (status: Int32) in precedence.firstIndex(of: status) ?? 0 }
    return rank(a) <= rank(b) ? a : b
  }
}
