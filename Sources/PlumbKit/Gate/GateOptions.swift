import PlumbPolicy

/// Which findings fail the build. Kept apart from which findings are shown (``ShowLevel``).
public struct GateOptions: Sendable, Equatable {
  /// The lowest enforcement level whose findings fail the build (`--fail-on`).
  public enum FailOn: String, Sendable, CaseIterable {
    /// Only findings of rules at `block` fail the build (the default).
    case block
    /// Findings at `warn` fail it too.
    case warn
    /// Every finding fails it, advisory ones included.
    case advisory
    /// Nothing fails the build (inputs, policies and "nothing evaluated" still do).
    case never

    /// The lowest enforcement that fails, nil for `never`.
    public var threshold: Enforcement? {
      switch self {
      case .block: .block
      case .warn: .warn
      case .advisory: .advisory
      case .never: nil
      }
    }
  }

  /// What an indeterminate finding (a value unknown until apply) of a failing level does
  /// (`--indeterminate`).
  public enum Indeterminate: String, Sendable, CaseIterable {
    /// It fails the build like a failure: the gate fails closed (the default).
    case block
    /// It is shown but never fails the build.
    case warn
  }

  /// `--fail-on`.
  public var failOn: FailOn = .block
  /// `--fail-on-severity`: findings of rules below this severity never fail the build.
  public var minimumSeverity: Severity?
  /// `--indeterminate`.
  public var indeterminate: Indeterminate = .block
  /// `--new-only`: findings also present in the baseline do not fail the build.
  public var newOnly = false

  /// The defaults: block-level findings fail, indeterminate ones included, whatever the baseline.
  public init() {}
}
