import PlumbDiagnostics

/// An inline ignore comment in a YAML input: `# plumb:ignore rule_id[,rule_id…] -- reason`.
///
/// It suppresses findings of the named rules whose node starts on the comment's line (a trailing
/// comment) or on the line just below (a comment above the node). A comment without a reason, or
/// in a repository whose policy pack forbids inline ignores, suppresses nothing.
public struct InlineIgnore: Sendable, Hashable {
  /// The file, as findings name it.
  public var path: String
  /// The 1-based line the comment is on.
  public var line: Int
  /// The rule ids named.
  public var rules: [String]
  /// The justification after `--`, nil when missing.
  public var reason: String?
  /// The comment, from `#` to the end of the line.
  public var location: SourceLocation

  /// Creates an inline ignore.
  public init(path: String, line: Int, rules: [String], reason: String?, location: SourceLocation) {
    self.path = path
    self.line = line
    self.rules = rules
    self.reason = reason
    self.location = location
  }

  /// Whether the comment is placed to cover a finding at `location` of rule `ruleID`.
  public func covers(ruleID: String, at location: SourceLocation) -> Bool {
    guard location.path == path, rules.contains(ruleID) else { return false }
    let findingLine = location.span.start.line
    return findingLine == line || findingLine == line + 1
  }
}
