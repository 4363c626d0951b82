/// How much work a rule may do judging one entity. Rules come from the repository being checked,
/// so a hostile or careless one (`flatten(map(x in L, map(y in L, L)))`) must not take the run
/// down: past the budget the rule's judgement of the entity is an error (``EvaluationError``, with
/// a policy error), never a pass, and the run goes on.
public enum EvaluationBudget {
  /// Units of work per entity: one per expression evaluated, one per element `flatten` builds or
  /// `in` compares, one per byte a string function or `+` reads or builds, one per byte `matches`
  /// reads plus one per step of ICU's regular expression engine (``BoundedRegex``: a match is
  /// stopped when it would go past the budget). The most a built-in rule needed for one entity on
  /// the shared corpus: 45,776 (`hardcoded_secret_in_workflow` on a long `run` script; 7,197
  /// before bytes and match steps were charged); on the 100,000-resource organisation benchmark,
  /// 183,049 before that change (an S3 bucket with many companion resources; `PLUMB_PHASE_TIMES=1`
  /// prints it per rule). Ten million is a few seconds of CPU, and caps what one entity's strings
  /// and lists can grow to.
  ///
  /// The budget bounds one entity's judgement (nested quantifiers over whole lists, strings
  /// doubled in `let`s), not a whole run: a rule that is merely slow on every entity is found with
  /// `plumb check --profile`.
  public static let perEntity = 10_000_000
}
