/// The state of one scorecard rule for one scored entity.
///
/// Six states, because pass/fail is not enough: a value unknown until apply, a rule that did not
/// run and an accepted exception are different facts, and none of the three may pass silently.
public enum ScoreState: String, Sendable, Codable, CaseIterable, Comparable {
  /// Every entity the rule judged (the scored entity or one linked to it) passed.
  case pass
  /// At least one finding failed and is not suppressed.
  case fail
  /// No unsuppressed failure, but a finding depends on a value unknown until apply.
  case indeterminate
  /// The rule judged nothing for this entity: its `when` excluded every judged entity, or no
  /// entity the rule selects is linked to it.
  case notApplicable = "not-applicable"
  /// Every finding was suppressed by a waiver (or an inline ignore): counts as passing, and is shown.
  case waived
  /// The rule could not be trusted for this entity: it did not run (did not compile, or the policy
  /// pack turns it off), a file the entity's results come from had input errors, or evaluating
  /// the rule for the entity failed (an evaluation error: an invalid regular expression, a
  /// division by zero, the evaluation budget…).
  case error

  /// Whether the state counts as passing for levels and scores (pass, waived).
  public var isPassing: Bool { self == .pass || self == .waived }
  /// Whether the rule counts in the score's denominator (everything but not applicable).
  public var isApplicable: Bool { self != .notApplicable }
  /// Whether the state keeps an entity from reaching a level (fail, indeterminate, error).
  public var holdsBack: Bool { self == .fail || self == .indeterminate || self == .error }

  /// When several linked entities contribute, the worst state wins, in this order (worst first):
  /// fail, error, indeterminate, waived, pass, not applicable.
  public var precedence: Int {
    switch self {
    case .fail: 5
    case .error: 4
    case .indeterminate: 3
    case .waived: 2
    case .pass: 1
    case .notApplicable: 0
    }
  }

  public static func < (lhs: ScoreState, rhs: ScoreState) -> Bool { lhs.precedence < rhs.precedence }

  /// A one-character mark for terminals and Markdown.
  public var mark: String {
    switch self {
    case .pass: "✓"
    case .fail: "✗"
    case .indeterminate: "?"
    case .notApplicable: "–"
    case .waived: "w"
    case .error: "!"
    }
  }

  /// The states in display order.
  public static let displayOrder: [ScoreState] = [.pass, .waived, .fail, .indeterminate, .error, .notApplicable]
}
