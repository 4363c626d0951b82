import PlumbDiagnostics

/// The terminal output of `plumb score`: per scorecard, the organisation line, roll-up tables
/// (teams, departments, systems, domains) and the entity table with what to fix next.
public enum ScoreTextRenderer {
  public static func render(_ report: ScoreReport) -> String {
    var out = ""
    if report.scorecards.isEmpty {
      out += "no scorecard to compute: none is declared (in a .plumb file), or --scorecard named none of them; see docs/scorecards.md\n"
    }
    for (index, card) in report.scorecards.enumerated() {
      if index > 0 { out += "\n" }
      out += render(card, report)
    }
    var notes: [String] = []
    if report.inputErrors > 0 {
      notes.append("\(report.inputErrors) input error(s): rules of entities read from those files are in error (run `plumb check` to see them)")
    }
    if report.policyErrors > 0 {
      notes.append("\(report.policyErrors) policy error(s): rules that did not compile are in error (run `plumb check` to see them)")
    }
    for note in notes { out += "note: " + note + "\n" }
    return TerminalText.guarded(out)
  }

  static func render(_ card: ScorecardResult, _ report: ScoreReport) -> String {
    let definition = card.definition
    var out = "scorecard \(Format.shown(definition.name))"
    if definition.title != definition.name { out += " — \(Format.shown(definition.title))" }
    out += "\n"
    out += "  selection  \(Format.shown(definition.selection)): \(card.entities.count) scored, \(card.excluded) excluded\n"
    for (index, level) in definition.levels.enumerated() {
      let rules = level.newRules.map { rule in
        definition.weight(rule) == 1 ? rule : "\(rule) (weight \(definition.weight(rule)))"
      }
      out += "  \(index == 0 ? "levels" : "      ")     \(Format.shown(level.name)): \(index == 0 ? "" : "+ ")\(rules.joined(separator: ", "))\n"
    }
    if let org = card.organisation {
      let levels = org.levels.map { "\(Format.shown($0.level)) \($0.count)" }.joined(separator: " · ")
      out += "  organisation  \(org.entities.count) entities · average score \(Format.percent(org.averageScore))"
      if org.scored > 0 { out += " (Σ \(Format.decimal(org.scoreSum)) / \(org.scored))" }
      out += " · \(levels)\n"
    }
    guard !card.entities.isEmpty else {
      out += "  no entity selected\n"
      return out
    }
    for (dimension, title) in [
      (RollupDimension.team, "teams"), (.department, "departments"), (.system, "systems"), (.domain, "domains"),
    ] {
      let rollups = card.rollups(dimension)
      guard !rollups.isEmpty else { continue }
      out += "\n  \(title)\n"
      out += Format.table(rollupHeader(dimension, definition), rollups.map { rollupRow($0) }, right: rightColumns(definition), indent: "    ")
    }
    out += "\n  entities\n"
    let rows = card.entities.map { entity -> [String] in
      let fixes = entity.nextFixes.map { rule in "\(rule) (\(entity.rule(rule)?.state.rawValue ?? "?"))" }
      return [
        entity.name, entity.owner.map(Format.shortName) ?? Rollups.unowned, Format.level(entity.level),
        entity.applicableWeight == 0 ? "n/a" : Format.fraction(entity.passingWeight, entity.applicableWeight),
        entity.nextLevel.map { "\($0): " + fixes.joined(separator: ", ") } ?? "top level",
      ]
    }
    out += Format.table(["entity", "owner", "level", "score", "to reach next level"], rows, indent: "    ")
    return out
  }

  static func rollupHeader(_ dimension: RollupDimension, _ definition: ScorecardDefinition) -> [String] {
    [dimension.rawValue, "entities", "average"] + definition.levels.map(\.name) + ["none", "worst rules (entities held back)"]
  }

  static func rightColumns(_ definition: ScorecardDefinition) -> Set<Int> { Set(1..<(4 + definition.levels.count)) }

  static func rollupRow(_ rollup: Rollup) -> [String] {
    let worst = rollup.worstRules.prefix(3).map { rule in
      "\(rule) (\(rollup.rules.first { $0.ruleID == rule }?.holdingBack ?? 0))"
    }
    return [rollup.name, String(rollup.entities.count), Format.percent(rollup.averageScore)]
      + rollup.levels.map { String($0.count) } + [worst.isEmpty ? "—" : worst.joined(separator: ", ")]
  }
}
