import Foundation
import PlumbDiagnostics
import PlumbGraph

/// Which entities a scorecard's `for x in selector when filter` selects, decided by the same
/// evaluator rules use (three-valued: a filter that is unknown until apply is *indeterminate*,
/// never silently in or out).
public struct ScorecardSelection: Sendable {
  /// Entities the filter selects (true), in id order.
  public var members: [EntityID] = []
  /// Entities for which the filter is unknown, with the reason, in id order.
  public var indeterminate: [(entity: EntityID, reason: String)] = []
  /// How many entities of the selector's kind the filter excluded (false, missing or null).
  public var excluded = 0
  /// Problems compiling the selection (the library reports them too).
  public var diagnostics: [Diagnostic] = []
}

extension PolicyEngine {
  /// The entities `scorecard` selects in `graph`. `library` supplies the scorecard's source file
  /// (for evidence text); the filter is checked and planned like a rule's `when`.
  public static func select(scorecard: ScorecardDecl, library: PolicyLibrary, graph: DocumentGraph)
    -> ScorecardSelection
  {
    var selection = ScorecardSelection()
    guard let selector = scorecard.selector else { return selection }
    let source =
      library.declarationSources["scorecard:" + scorecard.name] ?? SourceFile(path: "<scorecard>", text: "")
    let range = scorecard.range
    var body: [Statement] = []
    if let filter = scorecard.filter { body.append(.when(filter, range: filter.range)) }
    body.append(
      .require(
        RequireStatement(
          condition: .bool(true, range), message: .string([], range), at: nil, fixes: [], range: range, ordinal: 0)))
    let decl = RuleDecl(
      id: "scorecard_selection", title: "scorecard selection", category: "scorecard", selector: selector,
      variable: scorecard.variable, body: body, range: range, idRange: range)
    var checker = Checker(source: source)
    guard let compiled = checker.check(decl) else {
      selection.diagnostics = checker.diagnostics
      return selection
    }
    var evaluator = Evaluator(graph: graph, rule: compiled, params: [:], indexes: IndexCache())
    let outcome = evaluator.run()
    var reasons: [EntityID: String] = [:]
    for finding in outcome.findings where finding.verdict != .fail {
      reasons[finding.entity] = finding.message.replacingOccurrences(
        of: "'scorecard_selection'", with: "scorecard '\(scorecard.name)'")
    }
    for (entity, state) in outcome.states {
      switch state {
      case .pass: selection.members.append(entity)
      case .notApplicable: selection.excluded += 1
      case .indeterminate, .fail, .error:
        // Neither in nor out: a filter unknown until apply, or one that could not be evaluated.
        selection.indeterminate.append((entity, reasons[entity] ?? "the scorecard's filter is unknown until apply"))
      }
    }
    selection.members.sort()
    selection.indeterminate.sort { $0.entity < $1.entity }
    return selection
  }
}
