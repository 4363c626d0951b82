import PlumbDiagnostics
import PlumbPolicy
import PlumbReport

/// The rules of a run as reports describe them.
enum ReportedRules {
  /// One entry per rule that ran, with its statistics, sorted by id.
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
        remediation: decl.remediation, helpURI: decl.docs.flatMap { LinkTarget.isAllowed($0) ? $0 : nil } ?? "docs/rules/\(rule.id).md",
        enforcement: result.enforcement[rule.id] ?? .warn,
        statistics: statistics[rule.id] ?? RuleStatistics(ruleID: rule.id), hasFix: hasFix)
    }.sorted { $0.id < $1.id }
  }
}
