import PlumbDiagnostics
import PlumbGraph

/// A rule's verdict on one entity that is not a pass.
public enum Verdict: String, Sendable, Codable {
  /// The requirement is false.
  case fail
  /// The requirement depends on a value unknown until apply (or otherwise undecidable): neither
  /// pass nor fail, and never counted as compliant.
  case indeterminate
  /// The rule could not judge the entity: evaluating it failed (an invalid regular expression, a
  /// division by zero, an overflow, the evaluation budget; see ``EvaluationError``). Never a pass;
  /// the engine also reports a policy error.
  case error
}

/// A value that decided a verdict, with the expression that produced it and where it was written.
public struct Evidence: Sendable, Codable, Hashable {
  /// The expression's source text, e.g. `c.spec.owner`.
  public var expression: String
  /// The value, rendered.
  public var value: String
  /// Where the value was written, if in a file.
  public var location: SourceLocation?
}

/// An edit a rule proposes to fix a finding (applied and verified by the fix engine).
public struct ProposedFix: Sendable, Codable, Hashable {
  public enum Operation: String, Sendable, Codable {
    case set, insert, remove, append
  }
  /// The operation.
  public var operation: Operation
  /// The entity whose document is edited.
  public var entity: EntityID
  /// The path from the entity's attributes to the edited node, e.g. `["with", "persist-credentials"]`.
  public var path: [String]
  /// The value to write, as JSON-compatible text (nil for remove).
  public var value: String?
  /// Where the deepest existing node on the path was written.
  public var anchor: SourceLocation?
}

/// One finding: a rule's fail, indeterminate or error verdict on one entity.
public struct Finding: Sendable, Codable, Hashable {
  /// The rule's id.
  public var ruleID: String
  /// The rule's title.
  public var title: String
  /// The rule's severity.
  public var severity: Severity
  /// The rule's category.
  public var category: String
  /// The message, interpolated.
  public var message: String
  /// The entity judged.
  public var entity: EntityID
  /// The entity's kind.
  public var entityKind: String
  /// The exact place of the node that decided the verdict; when that node is inside a YAML
  /// anchor's value reached through an alias, the alias's use (`*name`, `<<: *name`) instead.
  public var location: SourceLocation
  /// Where the deciding node is written when ``location`` is an alias's use (the anchored value
  /// itself); nil otherwise.
  public var definedAt: SourceLocation?
  /// Fail, indeterminate or error.
  public var verdict: Verdict
  /// The values that decided it.
  public var evidence: [Evidence]
  /// Identity that survives moved lines and reordered files: rule, entity, requirement.
  public var fingerprint: String
  /// Which `require` of the rule (0-based, in order) produced it; -1 when a `when` was unknown,
  /// -2 when the rule could not be evaluated for the entity (an error verdict).
  public var requirement: Int
  /// Edits that would fix it, if the rule has a fix.
  public var fixes: [ProposedFix]

  /// Creates a finding (the evaluator makes rule findings; the gate makes findings of its own,
  /// such as expired waivers).
  public init(
    ruleID: String, title: String, severity: Severity, category: String, message: String, entity: EntityID,
    entityKind: String, location: SourceLocation, verdict: Verdict, evidence: [Evidence] = [], fingerprint: String,
    requirement: Int, fixes: [ProposedFix] = [], definedAt: SourceLocation? = nil
  ) {
    self.definedAt = definedAt
    self.ruleID = ruleID
    self.title = title
    self.severity = severity
    self.category = category
    self.message = message
    self.entity = entity
    self.entityKind = entityKind
    self.location = location
    self.verdict = verdict
    self.evidence = evidence
    self.fingerprint = fingerprint
    self.requirement = requirement
    self.fixes = fixes
  }
}

/// How a rule fared over the whole graph.
public struct RuleStatistics: Sendable, Codable, Hashable {
  public var ruleID: String
  /// Entities the selector matched.
  public var selected = 0
  /// Entities the rule applied to (every `when` true).
  public var applicable = 0
  public var passed = 0
  public var failed = 0
  public var indeterminate = 0
  /// Entities the rule could not judge (an evaluation error): never counted as passed.
  public var errors = 0
  /// Entities excluded by a `when` that was false.
  public var notApplicable = 0

  /// Creates empty statistics for a rule.
  public init(ruleID: String) {
    self.ruleID = ruleID
  }
}

/// The per-entity state of one rule, for scorecards.
public enum RuleState: String, Sendable, Codable {
  case pass, fail, indeterminate, notApplicable = "not-applicable"
  /// The rule could not judge the entity (an evaluation error).
  case error
}

/// Stable 64-bit FNV-1a hash, hex encoded: fingerprints must not change across runs or platforms.
public func stableHash(_ parts: [String]) -> String {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  for (i, part) in parts.enumerated() {
    if i > 0 {
      hash ^= 0x1F
      hash = hash &* 0x100_0000_01b3
    }
    for byte in part.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
  }
  let hex = String(hash, radix: 16)
  return String(repeating: "0", count: 16 - hex.count) + hex
}
