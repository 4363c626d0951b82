import PlumbDiagnostics

/// Why a rule could not judge an entity.
///
/// An evaluation error is not a value: the first one stops the entity's judgement, which becomes
/// an *error* (a finding with verdict ``Verdict/error``, state ``RuleState/error``) whatever the
/// operators around the failing expression would have made of a value (`not`, `==`, `or`), and
/// the engine reports a policy error for the rule. It never becomes a pass. See
/// `docs/policy-language.md`, "Evaluation errors".
public struct EvaluationError: Sendable, Hashable {
  /// What went wrong.
  public enum Kind: String, Sendable, CaseIterable {
    /// The entity's judgement needed more than ``EvaluationBudget/perEntity`` units of work.
    case budget
    /// A text used as a regular expression is not one.
    case invalidPattern = "invalid-pattern"
    /// A regular expression match needed more steps than were left of the budget, or more
    /// backtracking memory than ``BoundedRegex/stackLimitBytes``.
    case patternLimit = "pattern-limit"
    /// `x / 0`.
    case divisionByZero = "division-by-zero"
    /// An integer result outside the 64-bit range, or a finite number whose result is infinite.
    case overflow
    /// A number that is not a number (NaN) was compared or computed.
    case notANumber = "not-a-number"
    /// A built-in function was given a value it cannot work with (an empty separator, a
    /// jurisdiction Plumb does not know).
    case invalidArgument = "invalid-argument"
  }

  /// What went wrong.
  public var kind: Kind
  /// The cause in words, e.g. `division by zero in 'a / b'`.
  public var message: String
  /// The byte range, in the rule's file, of the expression that failed (nil for the budget,
  /// which no one expression exhausts).
  public var site: Range<Int>?
  /// Where the offending value was written, when it came from an input or a parameter.
  public var valueLocation: SourceLocation?
  /// The offending value as the finding's evidence shows it (shortened).
  public var value: String?

  /// Creates an error.
  public init(
    kind: Kind, message: String, site: Range<Int>? = nil, valueLocation: SourceLocation? = nil, value: String? = nil
  ) {
    self.kind = kind
    self.message = message
    self.site = site
    self.valueLocation = valueLocation
    self.value = value
  }

  /// `text`, cut to at most `limit` characters with `…`, for messages that quote values.
  static func excerpt(_ text: String, _ limit: Int = 80) -> String {
    guard text.utf8.count > limit else { return text }
    var cut = ""
    for character in text {
      if cut.utf8.count + character.utf8.count > limit { break }
      cut.append(character)
    }
    return cut + "…"
  }
}
