import PlumbDiagnostics

/// The Markdown output (a CI step summary or a wiki page): per scorecard, the organisation, a
/// rule-by-team table, roll-ups and the entities with what to fix next, linked to rule docs.
public enum ScoreMarkdownRenderer {
  public static func render(_ report: ScoreReport) -> String {
    var out = "# Scorecards\n\n"
    var facts: [String] = []
    if let pack = report.pack { facts.append("pack " + MarkdownText.codeSpan(pack)) }
    if let at = report.generatedAt { facts.append(MarkdownText.inline(at)) }
    if let commit = report.commit { facts.append("commit " + MarkdownText.codeSpan(String(commit.prefix(12)))) }
    if !facts.isEmpty { out += facts.joined(separator: " · ") + "\n\n" }
    if report.inputErrors + report.policyErrors > 0 {
      out += "> **Note:** \(report.inputErrors) input error(s) and \(report.policyErrors) policy error(s): the rules they affect are in `error` and hold entities back.\n\n"
    }
    for card in report.scorecards { out += render(card, report) }
    out += "States: ✓ pass · w waived · ✗ fail · ? indeterminate · ! error · – not applicable. "
    out += "Score = Σ weight of passing rules / Σ weight of applicable rules; a group's average is the mean of its entities' scores. "
    out += "`plumb score --explain NAME` shows the arithmetic and the findings behind any number.\n"
    return out
  }

  /// Text from the inputs in a table cell or a line: ``MarkdownText/inline(_:)``.
  static func cell(_ text: String) -> String { MarkdownText.inline(text) }

  /// A rule id linked to its documentation page (``MarkdownText/link(_:to:)``).
  static func ruleLink(_ rule: String, _ report: ScoreReport) -> String {
    MarkdownText.link(MarkdownText.codeSpan(rule), to: report.ruleLink(rule))
  }

  static func render(_ card: ScorecardResult, _ report: ScoreReport) -> String {
    let definition = card.definition
    var out = "## \(cell(definition.title)) (\(MarkdownText.codeSpan(definition.name)))\n\n"
    out += "Selects \(MarkdownText.codeSpan(definition.selection)): \(card.entities.count) scored, \(card.excluded) excluded.\n\n"
    for level in definition.levels {
      let rules = level.newRules.map { ruleLink($0, report) + (definition.weight($0) == 1 ? "" : " ×\(definition.weight($0))") }
      out += "- **\(cell(level.name))**: \(rules.joined(separator: ", "))\n"
    }
    out += "\n"
    guard let org = card.organisation, !card.entities.isEmpty else {
      return out + "No entity selected.\n\n"
    }
    out += "**Organisation**: \(org.entities.count) entities, average score **\(Format.percent(org.averageScore))**; "
    out += org.levels.map { "\(cell($0.level)) \($0.count)" }.joined(separator: " · ") + "\n\n"

    let teams = card.rollups(.team)
    out += "### Rules by team (entities passing / applicable)\n\n"
    out += "| rule | " + teams.map { cell($0.name) }.joined(separator: " | ") + " |\n"
    out += "|---|" + teams.map { _ in "---:|" }.joined() + "\n"
    for rule in definition.rules {
      let cells = teams.map { team -> String in
        guard let tally = team.rules.first(where: { $0.ruleID == rule }), tally.applicable > 0 else { return "–" }
        return "\(tally.passing)/\(tally.applicable)"
      }
      out += "| \(ruleLink(rule, report)) | " + cells.joined(separator: " | ") + " |\n"
    }
    out += "\n"

    for (dimension, title) in [
      (RollupDimension.team, "Teams"), (.department, "Departments"), (.system, "Systems"), (.domain, "Domains"),
    ] {
      let rollups = card.rollups(dimension)
      guard !rollups.isEmpty else { continue }
      out += "### \(title)\n\n"
      out += "| \(dimension.rawValue) | entities | average | " + definition.levels.map { cell($0.name) }.joined(separator: " | ")
        + " | none | worst rules |\n"
      out += "|---|---:|---:|" + definition.levels.map { _ in "---:|" }.joined() + "---:|---|\n"
      for rollup in rollups {
        let worst = rollup.worstRules.prefix(3).map { rule in
          "\(MarkdownText.codeSpan(rule)) (\(rollup.rules.first { $0.ruleID == rule }?.holdingBack ?? 0))"
        }
        out += "| \(cell(rollup.name)) | \(rollup.entities.count) | \(Format.percent(rollup.averageScore)) | "
          + rollup.levels.map { String($0.count) }.joined(separator: " | ") + " | "
          + (worst.isEmpty ? "—" : worst.joined(separator: ", ")) + " |\n"
      }
      out += "\n"
    }

    out += "### Entities\n\n"
    out += "| entity | owner | level | score | " + definition.rules.map { MarkdownText.codeSpan($0) }.joined(separator: " | ")
      + " | to reach the next level |\n"
    out += "|---|---|---|---:|" + definition.rules.map { _ in ":-:|" }.joined() + "---|\n"
    for entity in card.entities {
      let marks = definition.rules.map { entity.rule($0)?.state.mark ?? "!" }
      let fixes = entity.nextFixes.map { "\(ruleLink($0, report)) (\(entity.rule($0)?.state.rawValue ?? "error"))" }
      let next = entity.nextLevel.map { "**\(cell($0))**: " + fixes.joined(separator: ", ") } ?? "top level"
      out += "| \(cell(entity.name)) | \(cell(entity.owner.map(Format.shortName) ?? Rollups.unowned)) | "
        + "\(cell(Format.level(entity.level))) | "
        + (entity.applicableWeight == 0 ? "n/a" : "\(entity.passingWeight)/\(entity.applicableWeight) \(Format.percent(entity.score))")
        + " | " + marks.joined(separator: " | ") + " | \(next) |\n"
    }
    out += "\n"
    return out
  }

  /// A diff as Markdown.
  public static func render(_ diff: ScoreDiff) -> String {
    // The diff's text is guarded for a terminal; a fence longer than any backtick run in it keeps
    // a value from closing the block.
    let text = ScoreDiffRenderer.text(diff)
    var longest = 0
    var run = 0
    for scalar in text.unicodeScalars {
      run = scalar == "`" ? run + 1 : 0
      longest = max(longest, run)
    }
    let fence = String(repeating: "`", count: max(3, longest + 1))
    return fence + "text\n" + text + fence + "\n"
  }
}
