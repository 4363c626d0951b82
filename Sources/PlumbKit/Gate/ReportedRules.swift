import PlumbDiagnostics
import PlumbPolicy
import PlumbReport

/// The rules of a run as reports describe them.
enum ReportedRules {
  /// One entry per rule that ran, with its statistics, sorted by id.
  /// A rule's `helpURI` is its own `docs` link when it has one Plumb may emit. A built-in rule
  /// without an absolute one has none (``ReportedRule/builtin``: its page is under the run's rule
  /// documentation base; a relative `docs` such as `docs/residency.md` is linked from that page);
  /// a user rule without `docs` has none either (no link).
  static func make(_ result: EvaluationResult) -> [ReportedRule] {
    let statistics = Dictionary(result.statistics.map { ($0.ruleID, $0) }, uniquingKeysWith: { first, _ in first })
    return result.rules.map { rule in
      let decl = rule.decl
      let hasFix = decl.body.contains { statement in
        if case .require(let requirement) = statement { return !requirement.fixes.isEmpty }
        return false
      }
      return ReportedRule(
        id: rule.id, title: decl.title, severity: decl.severity, category: decl.category, rationale: decl.rationale,
        remediation: decl.remediation,
        helpURI: decl.docs.flatMap { docs in
          guard LinkTarget.isAllowed(docs) else { return nil }
          return isBuiltin(rule.source) && LinkTarget.scheme(of: docs) == nil ? nil : docs
        } ?? "",
        enforcement: result.enforcement[rule.id] ?? .warn,
        statistics: statistics[rule.id] ?? RuleStatistics(ruleID: rule.id), hasFix: hasFix,
        builtin: isBuiltin(rule.source))
    }.sorted { $0.id < $1.id }
  }

  /// The built-in policy files' texts by path.
  private static let builtinTexts: [String: String] = Dictionary(
    BuiltinPolicies.sources.map { ($0.path, $0.text) }, uniquingKeysWith: { first, _ in first })

  /// Whether `source` is one of the files that ship with Plumb (same path and same text).
  static func isBuiltin(_ source: SourceFile) -> Bool {
    guard let text = builtinTexts[source.path] else { return false }
    return source.bytes.elementsEqual(text.utf8)
  }
}
