import PlumbDiagnostics

/// `plumb score --explain ENTITY_OR_GROUP`: the arithmetic and the findings behind every number
/// shown for an entity (its level, its score, each rule's state) or for a group (its average,
/// its level counts, its worst rules).
public struct ScoreExplainer: Sendable {
  public let report: ScoreReport

  public init(report: ScoreReport) { self.report = report }

  /// Whether `entity` is what `target` names: its id, its name, or `kind:name` / `kind:namespace/name`.
  static func matches(_ entity: EntityScore, _ target: String) -> Bool {
    let wanted = target.lowercased()
    let id = entity.id.lowercased()
    if id == wanted || entity.name.lowercased() == wanted { return true }
    if id == "catalog:" + wanted { return true }
    if let colon = wanted.firstIndex(of: ":") {
      let kind = wanted[..<colon]
      let rest = wanted[wanted.index(after: colon)...]
      let name = rest.contains("/") ? String(rest) : "default/" + rest
      return id == "catalog:\(kind):\(name)"
    }
    return false
  }

  static func matches(_ rollup: Rollup, _ target: String) -> Bool {
    let wanted = target.lowercased()
    let key = rollup.key.lowercased()
    if key == wanted || rollup.name.lowercased() == wanted || Format.shortName(rollup.key).lowercased() == wanted {
      return true
    }
    if key == "catalog:" + wanted { return true }
    if let colon = wanted.firstIndex(of: ":") {
      let rest = wanted[wanted.index(after: colon)...]
      let name = rest.contains("/") ? String(rest) : "default/" + rest
      return key == "catalog:\(wanted[..<colon]):\(name)"
    }
    return false
  }

  /// The explanation, nil when no entity or group matches `target`.
  public func explain(_ target: String) -> String? {
    var parts: [String] = []
    for card in report.scorecards {
      for entity in card.entities where Self.matches(entity, target) { parts.append(explain(entity, card)) }
      for rollup in card.rollups where Self.matches(rollup, target) { parts.append(explain(rollup, card)) }
    }
    // Names, messages and paths come from the inputs: no line may start a CI command.
    return parts.isEmpty ? nil : TerminalText.guarded(parts.joined(separator: "\n"))
  }

  /// Everything that could be explained, for a "did you mean" list.
  public func candidates() -> [String] {
    var names = Set<String>()
    for card in report.scorecards {
      for entity in card.entities { names.insert(entity.name) }
      for rollup in card.rollups where rollup.dimension != .organisation { names.insert(Format.shortName(rollup.key)) }
    }
    names.insert(Rollups.organisation)
    return names.sorted()
  }

  // MARK: Entities

  func explain(_ entity: EntityScore, _ card: ScorecardResult) -> String {
    let definition = card.definition
    var out = "\(Format.shown(entity.name)) (\(Format.shown(entity.id))) in scorecard \(Format.shown(definition.name))\n"
    var facts = ["defined at \(Format.shown(entity.location))"]
    facts.append("owner " + Format.shown(entity.owner ?? Rollups.unowned))
    if let system = entity.system { facts.append("system \(Format.shown(system))") }
    if let domain = entity.domain { facts.append("domain \(Format.shown(domain))") }
    out += "  " + facts.joined(separator: " · ") + "\n"
    if let note = entity.selectionNote { out += "  selection is indeterminate: \(Format.shown(note))\n" }

    out += "\nlevel: \(Format.shown(Format.level(entity.level)))"
    out += entity.nextLevel.map { " (next: \(Format.shown($0)))" } ?? " (top level)"
    out += "\n  a level is reached when it and every level below it have no rule in fail, indeterminate or error\n"
    var blocked = false
    for level in definition.levels {
      let states = level.newRules.map { rule in "\(rule) \(entity.rule(rule)?.state.rawValue ?? "error")" }
      let holding = level.rules.filter { entity.rule($0)?.state.holdsBack ?? true }
      let verdict: String
      if blocked {
        verdict = "not reached (a lower level is not reached)"
      } else if holding.isEmpty {
        verdict = "reached"
      } else {
        verdict = "held back by " + holding.map { "\($0) (\(entity.rule($0)?.state.rawValue ?? "error"))" }.joined(separator: ", ")
        blocked = true
      }
      out += "  \(Format.pad(Format.shown(level.name), 8)) \(verdict)\n"
      out += "  \(Format.pad("", 8))   rules added: \(states.joined(separator: ", "))\n"
    }

    out += "\nscore: " + (entity.applicableWeight == 0 ? "n/a (no rule applies)" : Format.fraction(entity.passingWeight, entity.applicableWeight)) + "\n"
    out += "  = Σ weight of passing rules (pass, waived) / Σ weight of applicable rules (all but not-applicable)\n"
    var rows: [[String]] = []
    for outcome in entity.rules {
      let counted = outcome.state.isApplicable
      rows.append([
        outcome.ruleID, outcome.state.rawValue, String(outcome.weight),
        counted ? "\(outcome.state.isPassing ? outcome.weight : 0)/\(outcome.weight)" : "left out",
      ])
    }
    out += Format.table(["rule", "state", "weight", "adds"], rows, right: [2, 3], indent: "    ")

    out += "\nrules\n"
    for outcome in entity.rules {
      out += "  \(outcome.ruleID): \(outcome.state.rawValue) — \(Format.shown(outcome.title))\n"
      if let note = outcome.note { out += "    \(Format.shown(note))\n" }
      if !outcome.contributions.isEmpty { out += "    \(Format.shown(outcome.judgedSummary))\n" }
      // Every entity that is not a plain pass or not-applicable, one per line; the rest counted above.
      for contribution in outcome.contributions where contribution.state != .pass && contribution.state != .notApplicable {
        out += "    \(contribution.state.rawValue) on \(Format.shown(contribution.entity)) (via \(Format.shown(contribution.via)))\n"
      }
      if outcome.contributions.count <= 3 {
        for contribution in outcome.contributions where contribution.state == .pass || contribution.state == .notApplicable {
          out += "    \(contribution.state.rawValue) on \(Format.shown(contribution.entity)) (via \(Format.shown(contribution.via)))\n"
        }
      }
      for finding in outcome.findings { out += "    " + describe(finding) + "\n" }
      if outcome.state.holdsBack && outcome.state != .error {
        out += "    docs: \(Format.shown(report.ruleLink(outcome.ruleID)))\n"
      }
    }
    return out
  }

  func describe(_ finding: FindingReference) -> String {
    var text = "finding \(finding.fingerprint) [\(finding.verdict)] \(finding.location) \(finding.message)"
    if let suppression = finding.suppression {
      var details = [suppression.reason]
      if let owner = suppression.owner { details.append("owner \(owner)") }
      if let expires = suppression.expires { details.append("until \(expires)") }
      if let location = suppression.location { details.append("at \(location)") }
      text += " — waived by \(suppression.kind == "inline" ? "inline ignore" : "waiver"): " + details.joined(separator: ", ")
    }
    return Format.shown(text)
  }

  // MARK: Groups

  func explain(_ rollup: Rollup, _ card: ScorecardResult) -> String {
    var out = "\(Format.shown(rollup.name)) (\(Format.shown(rollup.key))), \(rollup.dimension.rawValue) in scorecard \(Format.shown(card.definition.name))\n"
    if let parent = rollup.parent { out += "  part of \(Format.shown(parent))\n" }
    switch rollup.dimension {
    case .team: out += "  entities: those whose owner (ownedBy) is this group\n"
    case .department: out += "  entities: those owned by this group or by any group below it (childOf, transitively)\n"
    case .system: out += "  entities: those part of (partOf) this system\n"
    case .domain: out += "  entities: those whose system is part of this domain\n"
    case .organisation: out += "  entities: every entity the scorecard selects\n"
    }
    let members = rollup.entities.compactMap { card.entity($0) }
    out += "  \(members.count) entit\(members.count == 1 ? "y" : "ies")\n"

    let scored = members.filter { $0.score != nil }
    out += "\naverage score: "
    if scored.isEmpty {
      out += "n/a (no entity has an applicable rule)\n"
    } else {
      let terms = scored.map { Format.decimal($0.score ?? 0) }
      out += "(\(terms.joined(separator: " + "))) / \(scored.count) = \(Format.decimal(rollup.scoreSum)) / \(scored.count)"
      out += " = \(Format.percent(rollup.averageScore))\n"
      out += "  the mean of the scores of the entities that have one; an entity with no applicable rule is left out\n"
    }
    var rows: [[String]] = []
    for entity in members {
      rows.append([
        entity.name, Format.level(entity.level),
        entity.applicableWeight == 0 ? "n/a" : Format.fraction(entity.passingWeight, entity.applicableWeight),
      ])
    }
    out += Format.table(["entity", "level", "score"], rows, indent: "    ")

    out += "\nlevels: " + rollup.levels.map { "\(Format.shown($0.level)) \($0.count)" }.joined(separator: " · ") + "\n"
    for count in rollup.levels where count.count > 0 {
      let names = members.filter { Format.level($0.level) == count.level }.map { Format.shown($0.name) }
      out += "  \(Format.pad(Format.shown(count.level), 8)) \(names.joined(separator: ", "))\n"
    }

    out += "\nrules (entities in each state)\n"
    var tallyRows: [[String]] = []
    for tally in rollup.rules {
      tallyRows.append([
        tally.ruleID, String(tally.pass), String(tally.waived), String(tally.fail), String(tally.indeterminate),
        String(tally.error), String(tally.notApplicable),
      ])
    }
    out += Format.table(
      ["rule", "pass", "waived", "fail", "indeterminate", "error", "n/a"], tallyRows, right: [1, 2, 3, 4, 5, 6],
      indent: "    ")

    if !rollup.worstRules.isEmpty {
      out += "\nworst rules (most entities held back: fail, indeterminate or error)\n"
      for rule in rollup.worstRules {
        let holding = members.filter { $0.rule(rule)?.state.holdsBack ?? false }
        out += "  \(rule): holds back \(holding.count) entit\(holding.count == 1 ? "y" : "ies") — \(Format.shown(report.ruleLink(rule)))\n"
        for entity in holding {
          guard let outcome = entity.rule(rule) else { continue }
          out += "    \(Format.shown(entity.name)): \(outcome.state.rawValue)\(outcome.note.map { " — \(Format.shown($0))" } ?? "")\n"
          for finding in outcome.findings where finding.suppression == nil { out += "      " + describe(finding) + "\n" }
        }
      }
    }
    return out
  }
}
