import PlumbDiagnostics
import PlumbPolicy
import PlumbReport

/// The gate: which findings block, and the exit status and verdict of a run, failing closed.
///
/// Precedence when several apply (documented in `docs/exit-codes.md`): usage (64, decided by the
/// command line before a run), policy errors (3), input errors (2), nothing evaluated (4),
/// blocking findings (1), pass (0).
public struct Gate: Sendable {
  /// The `--fail-on`, `--fail-on-severity`, `--indeterminate` and `--new-only` settings.
  public var options: GateOptions

  /// A gate with `options`.
  public init(options: GateOptions = GateOptions()) {
    self.options = options
  }

  /// Whether a finding fails the build.
  ///
  /// Suppressed findings never do. Otherwise its rule's enforcement must reach `--fail-on`, its
  /// severity `--fail-on-severity`; an indeterminate finding blocks unless `--indeterminate warn`;
  /// with `--new-only`, a finding already in the baseline does not block. An expired waiver is a
  /// finding at `block` like any other (so `--fail-on never` reports it without failing), except
  /// that it is always new: its expiry is new by definition.
  public func isBlocking(_ finding: Finding, enforcement: Enforcement, suppressed: Bool, baseline: BaselineStatus)
    -> Bool
  {
    if suppressed { return false }
    guard let threshold = options.failOn.threshold, enforcement >= threshold else { return false }
    if let minimum = options.minimumSeverity, finding.severity < minimum { return false }
    if finding.verdict == .indeterminate && options.indeterminate == .warn { return false }
    if options.newOnly && baseline == .unchanged && finding.ruleID != Suppressor.expiredRuleID { return false }
    return true
  }

  /// Whether a policy diagnostic makes the run exit 3. Problems with inline ignore comments do not:
  /// the comment suppresses nothing, so the finding it meant to hide is gated as usual.
  public static func isFatal(_ diagnostic: Diagnostic) -> Bool {
    diagnostic.severity == .error && !diagnostic.code.hasPrefix("ignore.")
  }

  /// What was there to evaluate.
  public enum Coverage: Sendable, Equatable {
    /// Rules applied to at least one entity.
    case evaluated
    /// No input file was found or recognised.
    case noInput
    /// The policy pack runs no rule.
    case noRule
    /// Rules ran, but none applied to any entity.
    case nothingApplied
    /// Evaluation did not run (rules did not compile).
    case notRun
  }

  /// The exit status and the one-line verdict, which names every reason to fail, the deciding one
  /// first: `fail (1 input error, 2 blocking findings)`.
  public static func decide(
    policyErrors: Int, inputErrors: Int, coverage: Coverage, blocking: Int, rulesCompiled: Bool = true
  ) -> (status: Int32, verdict: String) {
    var status = ExitStatus.success
    var reasons: [String] = []
    func fail(_ code: Int32, _ reason: String) {
      if status == ExitStatus.success { status = code }
      reasons.append(reason)
    }
    if policyErrors > 0 {
      fail(ExitStatus.policyErrors, rulesCompiled ? count(policyErrors, "policy error") : "rules did not compile")
    }
    if inputErrors > 0 { fail(ExitStatus.inputErrors, count(inputErrors, "input error")) }
    switch coverage {
    case .evaluated, .notRun: break
    case .noInput: fail(ExitStatus.nothingEvaluated, "nothing was evaluated: no input found")
    case .noRule: fail(ExitStatus.nothingEvaluated, "nothing was evaluated: the policy pack enables no rule")
    case .nothingApplied: fail(ExitStatus.nothingEvaluated, "nothing was evaluated: no rule applied to any input")
    }
    if blocking > 0 { fail(ExitStatus.blockingFindings, count(blocking, "blocking finding")) }
    return (status, reasons.isEmpty ? "pass" : "fail (" + reasons.joined(separator: ", ") + ")")
  }

  static func count(_ number: Int, _ singular: String) -> String {
    "\(number) \(singular)\(number == 1 ? "" : "s")"
  }
}
