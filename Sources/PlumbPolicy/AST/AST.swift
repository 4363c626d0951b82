import PlumbDiagnostics

/// A parsed policy file: rules, policy packs and scorecards.
public struct PolicyFile: Sendable {
  /// The file the declarations came from.
  public let source: SourceFile
  /// Rules, in file order.
  public var rules: [RuleDecl] = []
  /// Policy packs, in file order.
  public var packs: [PackDecl] = []
  /// Scorecards, in file order.
  public var scorecards: [ScorecardDecl] = []
  /// Examples declared outside their rule (`examples for rule_id { … }`), for test files.
  public var externalExamples: [(ruleID: String, examples: [ExampleDecl], range: Range<Int>)] = []
}

/// How serious a rule's findings are.
public enum Severity: String, Sendable, CaseIterable, Comparable, Codable {
  case info, low, medium, high, critical

  var rank: Int { Severity.allCases.firstIndex(of: self) ?? 0 }
  public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// What a policy pack does with a rule's findings.
public enum Enforcement: String, Sendable, CaseIterable, Comparable, Codable {
  /// Not evaluated.
  case off
  /// Shown, never fails a build.
  case advisory
  /// Shown as a warning; fails only with `--fail-on warn`.
  case warn
  /// Fails the build.
  case block

  var rank: Int { Enforcement.allCases.firstIndex(of: self) ?? 0 }
  public static func < (lhs: Enforcement, rhs: Enforcement) -> Bool { lhs.rank < rhs.rank }
}

/// A parameter's declared type.
public indirect enum ParamType: Sendable, Equatable, CustomStringConvertible {
  case bool, int, number, string, any
  /// A string that is a regular expression (ICU syntax): a value that is not a valid pattern is
  /// an error when the rule or the policy pack that sets it loads.
  case pattern
  case list(ParamType)

  public var description: String {
    switch self {
    case .bool: "bool"
    case .int: "int"
    case .number: "number"
    case .string: "string"
    case .pattern: "pattern"
    case .any: "any"
    case .list(let element): "list<\(element)>"
    }
  }
}

/// `param name: type = default`.
public struct ParamDecl: Sendable {
  public var name: String
  public var type: ParamType
  public var defaultValue: Expr?
  public var range: Range<Int>
}

/// `for var in selector`: the entities a rule judges.
public struct Selector: Sendable {
  /// `catalog`, `terraform`, `github` or `gitlab`.
  public var source: String
  /// `Component`, `resource`, `step`, …
  public var name: String
  /// Type filters: `terraform.resource("aws_s3_bucket", "aws_s3_bucket_acl")`.
  public var types: [String]
  public var range: Range<Int>

  /// The graph kind this selector reads (`catalog.Component`, `terraform.resource`).
  public var kind: String { source + "." + name }
}

/// A statement in a rule body, in order.
public enum Statement: Sendable {
  case `let`(name: String, value: Expr, range: Range<Int>)
  case when(Expr, range: Range<Int>)
  case require(RequireStatement)
}

/// `require cond else message [at expr] [fix { … }]`.
public struct RequireStatement: Sendable {
  public var condition: Expr
  public var message: Expr
  public var at: Expr?
  public var fixes: [FixStatement]
  public var range: Range<Int>
  /// 0-based position among the rule's requires (part of the fingerprint).
  public var ordinal: Int
}

/// A declarative edit of the document a finding points into.
public enum FixStatement: Sendable {
  case set(target: Expr, value: Expr, range: Range<Int>)
  case insert(target: Expr, value: Expr, range: Range<Int>)
  case remove(target: Expr, range: Range<Int>)
  case append(target: Expr, value: Expr, range: Range<Int>)
  /// `for x in list { … }`: the statements once per element of `list` (none when it is empty or
  /// missing), with `x` bound to the element.
  case each(variable: String, collection: Expr, body: [FixStatement], range: Range<Int>)
}

/// What an example expects.
public enum ExampleVerdict: String, Sendable {
  case pass, fail, indeterminate
}

/// An inline example: input documents and the verdict the rule must reach on them.
public struct ExampleDecl: Sendable {
  public var verdict: ExampleVerdict
  public var name: String?
  /// `(file name, content)`; a `↓` in the content marks where a finding must point.
  public var files: [(path: String, text: String)]
  /// Substrings the findings' messages must contain, one per expected finding.
  public var expectations: [String]
  public var range: Range<Int>
}

/// `rule id { … }`.
public struct RuleDecl: Sendable {
  public var id: String
  public var title: String = ""
  public var severity: Severity = .medium
  public var category: String = ""
  public var rationale: String = ""
  public var remediation: String = ""
  public var docs: String?
  /// Where `docs`'s value is written, for the checker's diagnostic.
  public var docsRange: Range<Int>?
  public var tags: [String] = []
  public var params: [ParamDecl] = []
  public var selector: Selector?
  public var variable: String = ""
  public var body: [Statement] = []
  public var examples: [ExampleDecl] = []
  public var range: Range<Int>
  public var idRange: Range<Int>
}

/// One line of a policy pack.
public struct PackEntry: Sendable {
  public enum Target: Sendable, Equatable {
    case rule(String)
    case category(String)
    case all
  }
  public var target: Target
  public var enforcement: Enforcement
  public var params: [(name: String, value: Expr, range: Range<Int>)]
  public var range: Range<Int>
}

/// `pack name { … }`: which rules run, at which enforcement level, with which parameters.
public struct PackDecl: Sendable {
  public var name: String
  public var title: String = ""
  public var description: String = ""
  public var forbidInlineIgnores = false
  /// `max_waiver_days N`: the longest a waiver may still run, in days from today (nil: the
  /// default, ``PackDecl/defaultMaxWaiverDays``).
  public var maxWaiverDays: Int?
  public var entries: [PackEntry] = []
  public var range: Range<Int>
}

extension PackDecl {
  /// The longest a waiver may run, from today, when the pack does not say (`max_waiver_days`):
  /// a year, so that every accepted risk is decided again at least once a year.
  public static let defaultMaxWaiverDays = 365

  /// The longest a waiver may run under this pack, in days from today.
  public var waiverDayLimit: Int { maxWaiverDays ?? PackDecl.defaultMaxWaiverDays }
}

/// `scorecard name { … }`: levels as cumulative sets of rules over a selection of entities.
public struct ScorecardDecl: Sendable {
  public struct Level: Sendable {
    public var name: String
    /// Rule ids and earlier level names.
    public var members: [(name: String, range: Range<Int>)]
    public var range: Range<Int>
  }
  public var name: String
  public var title: String = ""
  public var selector: Selector?
  public var variable: String = "it"
  public var filter: Expr?
  public var levels: [Level] = []
  public var weights: [(rule: String, weight: Int, range: Range<Int>)] = []
  public var range: Range<Int>
}

/// An expression.
public indirect enum Expr: Sendable {
  case null(Range<Int>)
  case bool(Bool, Range<Int>)
  case int(Int, Range<Int>)
  case float(Double, Range<Int>)
  case string([InterpolatedPart], Range<Int>)
  case list([Expr], Range<Int>)
  case map([(key: String, value: Expr)], Range<Int>)
  case name(String, Range<Int>)
  case param(String, Range<Int>)
  case member(Expr, String, Range<Int>)
  case index(Expr, Expr, Range<Int>)
  case call(Callee, [Expr], Range<Int>)
  case unary(UnaryOperator, Expr, Range<Int>)
  case binary(BinaryOperator, Expr, Expr, Range<Int>)
  /// `all(x in xs, cond)`, `any`, `none`, `count`, `filter`, `map`; two variables for maps.
  case quantifier(Quantifier, variables: [String], collection: Expr, body: Expr, Range<Int>)
  /// `catalog.Component("service")[filter]`.
  case select(Selector, filter: Expr?, Range<Int>)
  /// `e -> relation`.
  case traverse(Expr, String, Range<Int>)

  /// The expression's bytes in its policy file.
  public var range: Range<Int> {
    switch self {
    case .null(let r), .bool(_, let r), .int(_, let r), .float(_, let r), .string(_, let r), .list(_, let r),
      .map(_, let r), .name(_, let r), .param(_, let r), .member(_, _, let r), .index(_, _, let r),
      .call(_, _, let r), .unary(_, _, let r), .binary(_, _, _, let r), .quantifier(_, _, _, _, let r),
      .select(_, _, let r), .traverse(_, _, let r):
      return r
    }
  }
}

/// A piece of a string literal.
public enum InterpolatedPart: Sendable {
  case text(String)
  case expr(Expr)
}

public enum UnaryOperator: String, Sendable {
  case not, negate = "-"
}

public enum BinaryOperator: String, Sendable {
  case and, or
  case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
  case `in`, notIn = "not in", matches
  case add = "+", subtract = "-", multiply = "*", divide = "/"
}

public enum Quantifier: String, Sendable, CaseIterable {
  case all, any, none, count, filter, map
}

/// The function a call names, resolved to a built-in when the parser builds the call (nil: no
/// such built-in; the checker reports it), so evaluation dispatches without comparing names.
public struct Callee: Sendable, Equatable, CustomStringConvertible {
  public let name: String
  public let builtin: BuiltinName?

  public init(_ name: String) {
    self.name = name
    self.builtin = BuiltinName(rawValue: name)
  }

  public var description: String { name }

  /// `case .call("name", …)` matches a call by its function's name.
  public static func ~= (pattern: String, callee: Callee) -> Bool { pattern == callee.name }
}

/// Every built-in function, by name (``Builtins/all`` documents each).
public enum BuiltinName: String, Sendable, CaseIterable {
  case exists, is_null, is_unknown, known, is_empty, `default`, length, count, first, last, flatten, keys, values
  case lower, upper, trim, starts_with, ends_with, contains, matches, split, join, replace, to_string, to_int
  case name, kind, type, id, file, version_compare, version_floor
  case location, replica_locations, is_global_service, jurisdiction_of, in_jurisdiction
  case public_statements
}

