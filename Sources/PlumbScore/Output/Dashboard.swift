import Foundation
import PlumbDiagnostics

/// The single-file HTML dashboard: no network assets (inline CSS, inline SVG, a few lines of
/// inline JavaScript that only filter what is already there; everything reads without it).
///
/// Per scorecard: an organisation overview (entities, average score, level distribution, trend),
/// a rule-by-team heat map, roll-up tables (teams, departments, systems, domains), and a section
/// per team (anchor `team-<scorecard>-<team>`) listing its entities, their levels and scores, what
/// to fix next (linked to the rule docs), the states and findings behind each entity's numbers,
/// and the team's trend when history exists.
public enum ScoreDashboard {
  /// The organisation's dashboard (`plumb org --format html`): the repositories, their freshness
  /// and a filter by repository on top of the merged scorecards; stale entities are marked.
  public struct Organisation: Sendable {
    public var view: OrganisationView
    public init(view: OrganisationView) { self.view = view }
  }

  /// The dashboard. `sourceLinkBase` (e.g. `https://github.com/<owner>/<repo>/blob/<sha>/`, as
  /// `plumb check` resolves it: flag, `.plumb.yaml`, CI variables) links every `path:line`.
  public static func render(
    _ report: ScoreReport, trends: ScoreTrends, organisation: Organisation? = nil, sourceLinkBase: String? = nil
  ) -> String {
    var html = HTML()
    html.organisation = organisation?.view
    html.sourceLinkBase = sourceLinkBase
    let title = organisation == nil ? "Plumb scorecards" : "Plumb organisation scorecards"
    html.raw("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
    html.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
    html.raw("<title>\(title)</title>\n<style>\n\(stylesheet)</style>\n</head>\n<body>\n")
    html.raw("<header class=\"top\">\n<h1>\(title)</h1>\n<p class=\"meta\">")
    var facts: [String] = []
    if let pack = report.pack { facts.append("pack " + HTMLText.escape(pack)) }
    if let at = report.generatedAt { facts.append("generated <time datetime=\"\(HTMLText.escape(at))\">" + HTMLText.escape(at) + "</time>") }
    if let commit = report.commit { facts.append("commit <code>" + HTMLText.escape(String(commit.prefix(12))) + "</code>") }
    facts.append("Plumb " + HTMLText.escape(report.toolVersion))
    html.raw(facts.joined(separator: " · ") + "</p>\n")
    if report.inputErrors + report.policyErrors > 0 {
      html.raw(
        "<p class=\"warning\">This run had \(report.inputErrors) input error(s) and \(report.policyErrors) policy error(s). "
          + "Rules of entities whose input is broken, and rules that did not run, are in <b>error</b> and hold those "
          + "entities back. Run <code>plumb check</code> to see the errors.</p>\n")
    }
    if report.scorecards.count > 1 {
      html.raw("<nav class=\"cards\">")
      for card in report.scorecards {
        html.raw("<a href=\"#\(anchor("sc", card.definition.name))\">\(HTMLText.escape(card.definition.title))</a> ")
      }
      html.raw("</nav>\n")
    }
    html.raw("</header>\n<main>\n")
    if let view = organisation?.view { repositories(view, &html) }
    if report.scorecards.isEmpty {
      html.raw("<p class=\"empty\">No scorecard to compute: none is declared, or --scorecard named none of them. See docs/scorecards.md.</p>\n")
    }
    for card in report.scorecards { scorecard(card, report, trends, &html) }
    html.raw("</main>\n<footer>\n")
    html.raw(
      "<p><b>States</b>: " + ScoreState.displayOrder.map { state in
        "<span class=\"st st-\(state.rawValue)\">\(HTMLText.escape(state.mark))</span> \(state.rawValue)"
      }.joined(separator: " · ") + ".</p>\n")
    html.raw(
      "<p><b>Arithmetic</b>: an entity's score is Σ weight of passing rules (pass, waived) / Σ weight of applicable rules "
        + "(all but not-applicable). A group's average is the mean of its entities' scores (entities with no applicable rule left out). "
        + "An entity reaches a level when no rule of it or of a lower level is in fail, indeterminate or error. "
        + "<code>plumb score --explain NAME</code> prints the arithmetic and findings behind any number.</p>\n")
    html.raw("</footer>\n<script>\n\(script)</script>\n</body>\n</html>\n")
    return html.text
  }

  // MARK: Sections

  /// The organisation's repositories: freshness, entities, duplicates, and the repository filter.
  static func repositories(_ view: OrganisationView, _ html: inout HTML) {
    html.raw("<section class=\"repositories\" id=\"repositories\">\n<h2>Repositories</h2>\n")
    html.raw(
      "<p class=\"selection\">The latest run of each repository (branch <code>\(HTMLText.escape(view.query.branch.description))</code>); "
        + "a repository whose latest run is more than \(view.query.staleAfterDays) days old is <span class=\"stale\">stale</span>, and so are its entities.</p>\n")
    html.raw(
      "<p class=\"filter\"><label>Show the entities of <select data-repository-filter=\"1\"><option value=\"\">every repository</option>")
    for repository in view.repositories {
      html.raw("<option value=\"\(HTMLText.escape(repository.name))\">\(HTMLText.escape(repository.name))</option>")
    }
    html.raw("</select></label></p>\n")
    html.raw("<div class=\"scroll\"><table class=\"rollup\">\n<thead><tr><th>repository</th><th>latest run</th>")
    html.raw("<th class=\"num\">age (days)</th><th>branch</th><th>commit</th><th class=\"num\">entities</th><th>freshness</th></tr></thead>\n<tbody>\n")
    for repository in view.repositories {
      html.raw("<tr><td><b>\(HTMLText.escape(repository.name))</b></td>")
      html.raw("<td>#\(repository.runID) \(HTMLText.escape(repository.recordedAt))</td><td class=\"num\">\(repository.ageDays)</td>")
      html.raw("<td>\(HTMLText.escape(repository.branch ?? "?"))</td><td><code>\(HTMLText.escape(String((repository.commit ?? "?").prefix(12))))</code></td>")
      html.raw("<td class=\"num\">\(repository.entities)</td>")
      html.raw(repository.stale ? "<td><span class=\"stale\">stale</span></td></tr>\n" : "<td>fresh</td></tr>\n")
    }
    html.raw("</tbody></table></div>\n")
    if !view.duplicates.isEmpty {
      html.raw("<h3>Entities defined in more than one repository</h3>\n<ul class=\"duplicates\">")
      for duplicate in view.duplicates {
        html.raw(
          "<li><code>\(HTMLText.escape(duplicate.entity))</code>: kept from <b>\(HTMLText.escape(duplicate.keptIn))</b>, also in "
            + duplicate.alsoIn.map { "<b>" + HTMLText.escape($0) + "</b>" }.joined(separator: ", ") + "</li>")
      }
      html.raw("</ul>\n")
    }
    if let changes = view.changes {
      html.raw("<h3>What changed since \(HTMLText.escape(changes.from.recordedAt))</h3>\n")
      if changes.isEmpty {
        html.raw("<p>Nothing.</p>\n")
      } else {
        html.raw("<pre class=\"changes\">\(HTMLText.escape(ScoreDiffRenderer.text(changes)))</pre>\n")
      }
    }
    html.raw("</section>\n")
  }

  static func scorecard(_ card: ScorecardResult, _ report: ScoreReport, _ trends: ScoreTrends, _ html: inout HTML) {
    let definition = card.definition
    let name = definition.name
    html.raw("<section class=\"scorecard\" id=\"\(anchor("sc", name))\">\n")
    html.raw("<h2>\(HTMLText.escape(definition.title)) <code>\(HTMLText.escape(name))</code></h2>\n")
    html.raw("<p class=\"selection\">Selects <code>\(HTMLText.escape(definition.selection))</code>: ")
    html.raw("<b>\(card.entities.count)</b> scored, \(card.excluded) excluded.</p>\n")
    html.raw("<ol class=\"ladder\">")
    for (index, level) in definition.levels.enumerated() {
      html.raw("<li><span class=\"lv\" style=\"\(levelStyle(level.name, index, definition))\">\(HTMLText.escape(level.name))</span> ")
      html.raw(index == 0 ? "" : "+ ")
      html.raw(
        level.newRules.map { rule in
          let weight = definition.weight(rule)
          return ruleLink(rule, report) + (weight == 1 ? "" : " <span class=\"weight\">×\(weight)</span>")
        }.joined(separator: ", "))
      html.raw("</li>")
    }
    html.raw("</ol>\n")

    // Overview.
    html.raw("<section class=\"overview\" id=\"\(anchor("overview", name))\">\n<h3>Organisation overview</h3>\n")
    if let org = card.organisation {
      html.raw("<div class=\"kpis\">")
      kpi("Entities", String(org.entities.count), nil, &html)
      kpi("Average score", Format.percent(org.averageScore), averageArithmetic(org), &html)
      if let top = definition.levels.last {
        let atTop = org.count(at: top.name)
        kpi("At \(top.name)", "\(atTop) / \(org.entities.count)", nil, &html)
      }
      kpi("Below \(definition.levels.first?.name ?? "first level")", "\(org.count(at: "none"))", nil, &html)
      html.raw("</div>\n")
      let points = trends.points(scorecard: name, dimension: .organisation, group: org.key)
      html.raw("<div class=\"overview-grid\(points.isEmpty ? "" : " two")\">\n<div>\n<h4>Levels</h4>\n")
      levelBar(org, definition, &html)
      if !org.worstRules.isEmpty {
        html.raw("<h4>What holds most entities back</h4>\n<ol class=\"blockers\">")
        for rule in org.worstRules {
          let tally = org.rules.first { $0.ruleID == rule }
          let held = tally?.holdingBack ?? 0
          var parts: [String] = []
          if let tally, tally.fail > 0 { parts.append("\(tally.fail) fail") }
          if let tally, tally.indeterminate > 0 { parts.append("\(tally.indeterminate) indeterminate") }
          if let tally, tally.error > 0 { parts.append("\(tally.error) error") }
          html.raw(
            "<li>\(ruleLink(rule, report)) <span class=\"count\">\(held) entit\(held == 1 ? "y" : "ies") (\(parts.joined(separator: ", ")))</span></li>")
        }
        html.raw("</ol>\n")
      }
      html.raw("</div>\n")
      if !points.isEmpty {
        html.raw("<div>\n<h4>Trend: average score per recorded run</h4>\n")
        trendChart(points, definition, large: true, &html)
        html.raw("</div>\n")
      }
      html.raw("</div>\n")
    }
    html.raw("</section>\n")

    guard !card.entities.isEmpty else {
      html.raw("<p class=\"empty\">No entity selected.</p>\n</section>\n")
      return
    }
    heatMap(card, report, &html)
    rollupTables(card, report, &html)

    html.raw("<section class=\"teams\" id=\"\(anchor("teams", name))\">\n<h3>Teams</h3>\n")
    html.raw(
      "<p class=\"filter\"><label>Find a team or entity <input type=\"search\" data-filter=\"\(anchor("teams", name))\" placeholder=\"name\"></label></p>\n")
    for team in card.rollups(.team) { teamSection(team, card, report, trends, &html) }
    html.raw("</section>\n</section>\n")
  }

  static func kpi(_ label: String, _ value: String, _ detail: String?, _ html: inout HTML) {
    html.raw("<div class=\"kpi\"")
    if let detail { html.raw(" title=\"\(HTMLText.escape(detail))\"") }
    html.raw("><span class=\"kpi-value\">\(HTMLText.escape(value))</span><span class=\"kpi-label\">\(HTMLText.escape(label))</span></div>")
  }

  static func averageArithmetic(_ rollup: Rollup) -> String {
    rollup.scored == 0
      ? "no entity has an applicable rule"
      : "Σ scores \(Format.decimal(rollup.scoreSum)) / \(rollup.scored) scored entities"
  }

  /// A horizontal stacked bar of entities per level, with a legend.
  static func levelBar(_ rollup: Rollup, _ definition: ScorecardDefinition, compact: Bool = false, _ html: inout HTML) {
    let total = max(rollup.entities.count, 1)
    let height = compact ? 14 : 28
    html.raw(
      "<svg class=\"levelbar\" viewBox=\"0 0 1000 \(height)\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"entities per level\">")
    var x = 0.0
    // Highest level first, so the bar reads best-to-worst from the left.
    var ordered: [(Int, LevelCount)] = rollup.levels.dropLast().enumerated().reversed().map { ($0.offset, $0.element) }
    if let none = rollup.levels.last { ordered.append((definition.levels.count, none)) }
    for (index, count) in ordered where count.count > 0 {
      let width = 1000.0 * Double(count.count) / Double(total)
      html.raw(
        "<rect x=\"\(Format.decimal(x))\" y=\"0\" width=\"\(Format.decimal(width))\" height=\"\(height)\" fill=\"\(levelColor(count.level, index, definition))\">"
          + "<title>\(HTMLText.escape(count.level)): \(count.count)</title></rect>")
      x += width
    }
    html.raw("</svg>\n")
    if compact { return }
    html.raw("<ul class=\"legend\">")
    for (index, count) in ordered {
      html.raw(
        "<li><span class=\"swatch\" style=\"background:\(levelColor(count.level, index, definition))\"></span>\(HTMLText.escape(count.level)) <b>\(count.count)</b></li>")
    }
    html.raw("</ul>\n")
  }

  /// The rule-by-team heat map: per rule and team, entities passing / applicable, coloured by share.
  static func heatMap(_ card: ScorecardResult, _ report: ScoreReport, _ html: inout HTML) {
    let name = card.definition.name
    let teams = card.rollups(.team)
    html.raw("<section class=\"heat\" id=\"\(anchor("heatmap", name))\">\n<h3>Rules by team</h3>\n")
    html.raw("<p class=\"hint\">Each cell: entities of the team passing the rule (pass or waived) / entities where it applies. ")
    html.raw("<span class=\"scale\"><span style=\"background:\(heatColor(0))\">0%</span><span style=\"background:\(heatColor(0.5))\">50%</span>")
    html.raw("<span style=\"background:\(heatColor(1))\">100%</span><span class=\"na\">n/a</span></span></p>\n")
    html.raw("<div class=\"scroll\"><table class=\"heatmap\">\n<thead><tr><th class=\"corner\">rule</th>")
    for team in teams {
      html.raw(
        "<th class=\"team-col\"><a href=\"#\(anchor("team-" + name, team.key))\" title=\"\(HTMLText.escape(team.name))\">\(HTMLText.escape(team.name))</a></th>")
    }
    html.raw("</tr></thead>\n<tbody>\n")
    for rule in card.definition.rules {
      html.raw("<tr><th class=\"rule\">\(ruleLink(rule, report))</th>")
      for team in teams {
        guard let tally = team.rules.first(where: { $0.ruleID == rule }), tally.applicable > 0 else {
          html.raw("<td class=\"na\" title=\"\(HTMLText.escape(team.name)): not applicable\">–</td>")
          continue
        }
        let share = Double(tally.passing) / Double(tally.applicable)
        var detail = "\(team.name) · \(rule): \(tally.pass) pass"
        if tally.waived > 0 { detail += ", \(tally.waived) waived" }
        if tally.fail > 0 { detail += ", \(tally.fail) fail" }
        if tally.indeterminate > 0 { detail += ", \(tally.indeterminate) indeterminate" }
        if tally.error > 0 { detail += ", \(tally.error) error" }
        if tally.notApplicable > 0 { detail += ", \(tally.notApplicable) not applicable" }
        html.raw(
          "<td style=\"background:\(heatColor(share))\" title=\"\(HTMLText.escape(detail))\">\(tally.passing)/\(tally.applicable)</td>")
      }
      html.raw("</tr>\n")
    }
    html.raw("</tbody></table></div>\n</section>\n")
  }

  static func rollupTables(_ card: ScorecardResult, _ report: ScoreReport, _ html: inout HTML) {
    let definition = card.definition
    let name = definition.name
    html.raw("<section class=\"rollups\" id=\"\(anchor("rollups", name))\">\n<h3>Roll-ups</h3>\n")
    for (dimension, title) in [
      (RollupDimension.team, "By team"), (.department, "By department"), (.system, "By system"), (.domain, "By domain"),
    ] {
      let rollups = card.rollups(dimension)
      guard !rollups.isEmpty else { continue }
      html.raw("<h4>\(title)</h4>\n<div class=\"scroll\"><table class=\"rollup\">\n<thead><tr><th>\(dimension.rawValue) and levels</th>")
      html.raw("<th class=\"num\">entities</th><th class=\"num\">average</th><th>worst rules (entities held back)</th></tr></thead>\n<tbody>\n")
      for rollup in rollups {
        let label =
          dimension == .team
          ? "<a href=\"#\(anchor("team-" + name, rollup.key))\">\(HTMLText.escape(rollup.name))</a>" : HTMLText.escape(rollup.name)
        html.raw("<tr><td title=\"\(HTMLText.escape(rollup.levels.map { "\($0.level) \($0.count)" }.joined(separator: " · ")))\">\(label)")
        levelBar(rollup, definition, compact: true, &html)
        html.raw("</td><td class=\"num\">\(rollup.entities.count)</td>")
        html.raw("<td class=\"num\" title=\"\(HTMLText.escape(averageArithmetic(rollup)))\">\(Format.percent(rollup.averageScore))</td>")
        html.raw("<td>")
        html.raw(
          rollup.worstRules.prefix(3).map { rule in
            ruleLink(rule, report) + " <span class=\"count\">(\(rollup.rules.first { $0.ruleID == rule }?.holdingBack ?? 0))</span>"
          }.joined(separator: "<br>"))
        if rollup.worstRules.isEmpty { html.raw("—") }
        html.raw("</td></tr>\n")
      }
      html.raw("</tbody></table></div>\n")
    }
    html.raw("</section>\n")
  }

  static func teamSection(
    _ team: Rollup, _ card: ScorecardResult, _ report: ScoreReport, _ trends: ScoreTrends, _ html: inout HTML
  ) {
    let definition = card.definition
    let name = definition.name
    let members = team.entities.compactMap { card.entity($0) }
    let searchable = ([team.name, team.key] + members.map(\.name)).joined(separator: " ").lowercased()
    html.raw(
      "<section class=\"team\" id=\"\(anchor("team-" + name, team.key))\" data-search=\"\(HTMLText.escape(searchable))\">\n")
    html.raw("<h4>\(HTMLText.escape(team.name))</h4>\n<p class=\"team-facts\">")
    html.raw(team.key == team.name ? "entities without an owning group" : "<code>\(HTMLText.escape(team.key))</code>")
    if let parent = team.parent { html.raw(" · part of <code>\(HTMLText.escape(parent))</code>") }
    html.raw(" · \(members.count) entit\(members.count == 1 ? "y" : "ies")")
    html.raw(" · average <b title=\"\(HTMLText.escape(averageArithmetic(team)))\">\(Format.percent(team.averageScore))</b></p>\n")
    levelBar(team, definition, &html)
    let points = trends.points(scorecard: name, dimension: .team, group: team.key)
    if !points.isEmpty { trendChart(points, definition, large: false, &html) }

    html.raw("<div class=\"scroll\"><table class=\"entities\">\n<thead><tr><th>entity</th><th>level</th>")
    html.raw("<th class=\"num\">score</th><th class=\"marks\">rules</th><th>to reach the next level</th></tr></thead>\n<tbody>\n")
    for entity in members {
      let rank = definition.rank(of: entity.level)
      var rowAttributes = ""
      var staleBadge = ""
      if let view = html.organisation {
        let repository = view.entityRepository[entity.id] ?? ""
        rowAttributes = " data-repository=\"\(HTMLText.escape(repository))\""
        if view.isStale(entity: entity.id) {
          staleBadge = " <span class=\"stale\" title=\"its repository's latest run is older than \(view.query.staleAfterDays) days\">stale</span>"
        }
      }
      html.raw("<tr\(rowAttributes)><td><b>\(HTMLText.escape(entity.name))</b>\(staleBadge)<br>\(html.location(entity.location))</td>")
      html.raw(
        "<td><span class=\"lv\" style=\"\(levelStyle(entity.level ?? "none", rank ?? definition.levels.count, definition))\">\(HTMLText.escape(Format.level(entity.level)))</span></td>")
      html.raw(
        "<td class=\"num\" title=\"Σ weight passing / Σ weight applicable\">"
          + (entity.applicableWeight == 0
            ? "n/a" : "\(entity.passingWeight)/\(entity.applicableWeight)<br>\(Format.percent(entity.score))")
          + "</td>")
      html.raw("<td class=\"marks\">")
      for outcome in entity.rules {
        html.raw(
          "<span class=\"st st-\(outcome.state.rawValue)\" title=\"\(HTMLText.escape(outcome.ruleID)): \(outcome.state.rawValue)\">\(HTMLText.escape(outcome.state.mark))</span>")
      }
      html.raw("</td><td class=\"next\">")
      if let next = entity.nextLevel {
        html.raw("<b>\(HTMLText.escape(next))</b> needs:<ul class=\"fixes\">")
        html.raw(
          entity.nextFixes.map { rule in
            "<li>" + ruleLink(rule, report) + " <span class=\"st st-\(entity.rule(rule)?.state.rawValue ?? "error")\">\(HTMLText.escape(entity.rule(rule)?.state.rawValue ?? "error"))</span></li>"
          }.joined())
        html.raw("</ul>")
      } else {
        html.raw("top level")
      }
      html.raw("</td></tr>\n")
      html.raw("<tr class=\"detail\"\(rowAttributes)><td colspan=\"5\"><details><summary>why: rules and findings</summary>\n")
      entityDetail(entity, report, &html)
      html.raw("</details></td></tr>\n")
    }
    html.raw("</tbody></table></div>\n</section>\n")
  }

  static func entityDetail(_ entity: EntityScore, _ report: ScoreReport, _ html: inout HTML) {
    if let note = entity.selectionNote { html.raw("<p class=\"warning\">\(HTMLText.escape(note))</p>") }
    html.raw("<ul class=\"rules\">")
    for outcome in entity.rules {
      html.raw(
        "<li><span class=\"st st-\(outcome.state.rawValue)\">\(HTMLText.escape(outcome.state.mark))</span> \(ruleLink(outcome.ruleID, report)) ")
      html.raw("<span class=\"state\">\(outcome.state.rawValue)</span> · weight \(outcome.weight)")
      if let note = outcome.note { html.raw("<br><span class=\"note\">\(HTMLText.escape(note))</span>") }
      if !outcome.contributions.isEmpty { html.raw("<br><span class=\"note\">\(HTMLText.escape(outcome.judgedSummary))</span>") }
      for finding in outcome.findings {
        html.raw("<div class=\"finding\"><code>\(HTMLText.escape(finding.fingerprint))</code> [\(HTMLText.escape(finding.verdict))] ")
        html.raw("\(html.location(finding.location)) \(HTMLText.escape(finding.message))")
        if let suppression = finding.suppression {
          var parts = [suppression.reason]
          if let owner = suppression.owner { parts.append("owner " + owner) }
          if let expires = suppression.expires { parts.append("until " + expires) }
          html.raw(
            " <span class=\"waiver\">waived by \(suppression.kind == "inline" ? "inline ignore" : "waiver"): \(HTMLText.escape(parts.joined(separator: ", ")))</span>"
          )
        }
        html.raw("</div>")
      }
      html.raw("</li>")
    }
    html.raw("</ul>\n")
  }

  /// A line chart of a group's average score over recorded runs (inline SVG), with the level
  /// counts of the latest run in the tooltip of each point.
  static func trendChart(_ points: [TrendPoint], _ definition: ScorecardDefinition, large: Bool, _ html: inout HTML) {
    let width = 640.0
    let height = large ? 220.0 : 170.0
    let left = 72.0
    let right = 20.0
    let top = 14.0
    let bottom = 34.0
    let plotWidth = width - left - right
    let plotHeight = height - top - bottom
    func x(_ index: Int) -> Double {
      points.count == 1 ? left + plotWidth / 2 : left + plotWidth * Double(index) / Double(points.count - 1)
    }
    func y(_ value: Double) -> Double { top + plotHeight * (1 - value) }
    html.raw(
      "<svg class=\"trend\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"average score over recorded runs\">")
    for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
      html.raw(
        "<line x1=\"\(Format.decimal(left))\" x2=\"\(Format.decimal(width - right))\" y1=\"\(Format.decimal(y(tick)))\" y2=\"\(Format.decimal(y(tick)))\" class=\"grid\"/>"
      )
      html.raw(
        "<text x=\"\(Format.decimal(left - 8))\" y=\"\(Format.decimal(y(tick) + 5))\" text-anchor=\"end\" class=\"axis\">\(Int(tick * 100))%</text>")
    }
    var path = ""
    for (index, point) in points.enumerated() {
      guard let score = point.averageScore else { continue }
      path += (path.isEmpty ? "M" : " L") + "\(Format.decimal(x(index))) \(Format.decimal(y(score)))"
    }
    if !path.isEmpty { html.raw("<path d=\"\(path)\" class=\"line\"/>") }
    for (index, point) in points.enumerated() {
      let levels = point.levels.map { "\($0.level) \($0.count)" }.joined(separator: ", ")
      var tip = point.runID > 0 ? "run #\(point.runID) \(point.recordedAt)" : "as of \(point.recordedAt)"
      if let commit = point.commit { tip += " (\(commit.prefix(12)))" }
      tip += ": average \(Format.percent(point.averageScore)), \(point.entities) entities; \(levels)"
      let cy = y(point.averageScore ?? 0)
      html.raw(
        "<circle cx=\"\(Format.decimal(x(index)))\" cy=\"\(Format.decimal(cy))\" r=\"6\" class=\"\(point.averageScore == nil ? "dot none" : "dot")\"><title>\(HTMLText.escape(tip))</title></circle>")
    }
    // Labels: first and last run (every run when there are few).
    let labelled = points.count <= 6 ? Array(points.indices) : [0, points.count - 1]
    for index in labelled {
      let anchor = points.count == 1 ? "middle" : index == 0 ? "start" : index == points.count - 1 ? "end" : "middle"
      html.raw(
        "<text x=\"\(Format.decimal(x(index)))\" y=\"\(Format.decimal(height - 10))\" text-anchor=\"\(anchor)\" class=\"axis\">\(points[index].runID > 0 ? "#\(points[index].runID) " : "")\(HTMLText.escape(String(points[index].recordedAt.prefix(10))))</text>")
    }
    html.raw("</svg>\n")
  }

  // MARK: Helpers

  /// The rule's id linked to its documentation page (the id alone when the page's address is not
  /// a link Plumb may emit: ``LinkTarget/isAllowed(_:)``).
  static func ruleLink(_ rule: String, _ report: ScoreReport) -> String {
    // `<wbr>` after each underscore: long rule ids wrap between words on narrow screens.
    let breakable = HTMLText.escape(rule).replacingOccurrences(of: "_", with: "_<wbr>")
    let title = HTMLText.escape(report.title(rule))
    let link = report.ruleLink(rule)
    guard LinkTarget.isAllowed(link) else { return "<span class=\"rule-link\" title=\"\(title)\"><code>\(breakable)</code></span>" }
    return "<a class=\"rule-link\" href=\"\(HTMLText.escape(link))\" title=\"\(title)\"><code>\(breakable)</code></a>"
  }

  /// An HTML id: `prefix-` and the text with everything but letters, digits, `-` and `_` as `-`.
  public static func anchor(_ prefix: String, _ text: String) -> String {
    // The prefix may hold a scorecard's name: it is slugged too.
    var slug = String.UnicodeScalarView()
    for scalar in (prefix + "-" + text).unicodeScalars {
      let kept = scalar.isASCIILetter || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_"
      slug.append(kept ? scalar : "-")
    }
    return String(slug)
  }

  static let levelPalette = ["#b87333", "#9aa5b1", "#d4a017", "#3b82f6", "#8b5cf6", "#10b981"]

  static func levelColor(_ name: String, _ index: Int, _ definition: ScorecardDefinition) -> String {
    switch name.lowercased() {
    case "none": return "#d1d5db"
    case "bronze": return "#c27c3e"
    case "silver": return "#a3adb8"
    case "gold": return "#d9a90f"
    case "platinum": return "#6ec1c8"
    default: return levelPalette[index % levelPalette.count]
    }
  }

  static func levelStyle(_ name: String, _ index: Int, _ definition: ScorecardDefinition) -> String {
    "background:\(levelColor(name, index, definition))"
  }

  /// Red (0) through amber to green (1), light enough for dark text.
  static func heatColor(_ share: Double) -> String {
    let hue = Int((share * 120).rounded())
    return "hsl(\(hue), 70%, \(share >= 0.999 ? 78 : 84)%)"
  }

  struct HTML {
    var text = ""
    /// The organisation's view, when rendering `plumb org`'s dashboard.
    var organisation: OrganisationView?
    /// The base every `path:line` is linked to, or nil.
    var sourceLinkBase: String?
    mutating func raw(_ fragment: String) { text += fragment }

    /// A `path:line:column` location, linked to `<base><path>#L<line>` when a source-link base is
    /// set and the link is one Plumb may emit (``LinkTarget/isAllowed(_:)``), else shown as text.
    func location(_ text: String) -> String {
      let shown = "<span class=\"loc\">\(HTMLText.escape(text))</span>"
      guard let base = sourceLinkBase, !base.isEmpty else { return shown }
      var parts = text.split(separator: ":", omittingEmptySubsequences: false)
      guard parts.count >= 3, Int(parts.removeLast()) != nil, let line = Int(parts.removeLast()), line >= 1 else { return shown }
      let path = parts.joined(separator: ":")
      let url = LinkTarget.sourceLink(base: base, path: path, line: line)
      guard LinkTarget.isAllowed(url) else { return shown }
      return "<a class=\"loc\" href=\"\(HTMLText.escape(url))\">\(HTMLText.escape(text))</a>"
    }
  }

  static let stylesheet = """
    :root { --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --bg: #f9fafb; --card: #ffffff; --accent: #2563eb; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
      color: var(--ink); background: var(--bg); }
    header.top { background: #111827; color: #f9fafb; padding: 18px 24px; }
    header.top h1 { margin: 0 0 4px; font-size: 22px; }
    header.top .meta { margin: 0; color: #d1d5db; font-size: 13px; }
    header.top code { color: #f9fafb; }
    nav.cards a { color: #93c5fd; margin-right: 12px; }
    main { max-width: 1240px; margin: 0 auto; padding: 16px 24px 8px; }
    footer { max-width: 1240px; margin: 0 auto; padding: 8px 24px 32px; color: var(--muted); font-size: 13px; }
    section.scorecard { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 8px 20px 20px;
      margin-bottom: 24px; }
    h2 { font-size: 20px; margin: 12px 0 4px; }
    h2 code { font-size: 13px; color: var(--muted); font-weight: normal; }
    h3 { font-size: 17px; margin: 24px 0 8px; padding-top: 8px; border-top: 1px solid var(--line); }
    h4 { font-size: 15px; margin: 16px 0 6px; }
    code { font: 12.5px/1.3 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
    a { color: var(--accent); text-decoration: none; }
    a:hover { text-decoration: underline; }
    a.rule-link code { overflow-wrap: normal; }
    .selection, .hint, .team-facts { color: var(--muted); margin: 4px 0; overflow-wrap: anywhere; }
    .warning { background: #fef3c7; border: 1px solid #f59e0b; color: #78350f; padding: 8px 12px; border-radius: 6px; }
    .warning code, header.top .warning code { color: inherit; }
    .empty { color: var(--muted); font-style: italic; }
    ol.ladder { margin: 8px 0; padding-left: 0; list-style: none; }
    ol.ladder li { margin: 4px 0; overflow-wrap: anywhere; }
    .lv { display: inline-block; min-width: 58px; text-align: center; padding: 1px 8px; border-radius: 10px;
      font-size: 12.5px; font-weight: 600; color: #111827; }
    .weight { color: var(--muted); font-size: 12px; }
    .kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin: 8px 0 4px; }
    .kpi { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: var(--bg); }
    .kpi-value { display: block; font-size: 26px; font-weight: 700; }
    .kpi-label { color: var(--muted); font-size: 13px; }
    svg.levelbar { display: block; width: 100%; height: 28px; border-radius: 6px; background: #f3f4f6; }
    td svg.levelbar { height: 12px; min-width: 60px; border-radius: 4px; }
    .overview-grid.two { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 24px; align-items: start; }
    @media (max-width: 900px) { .overview-grid.two { grid-template-columns: minmax(0, 1fr); gap: 0; } }
    ol.blockers { margin: 4px 0; padding-left: 22px; }
    ol.blockers li { margin: 3px 0; }
    ul.legend { list-style: none; padding: 0; margin: 6px 0; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 13px; }
    .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 5px; vertical-align: -1px; }
    svg.trend { display: block; width: 100%; max-width: 760px; height: auto; background: #fbfdff; border: 1px solid var(--line);
      border-radius: 6px; }
    section.team svg.trend { max-width: 520px; margin: 8px 0; }
    section.team svg.trend .axis { font-size: 15px; }
    svg.trend .grid { stroke: #e5e7eb; stroke-width: 1; }
    svg.trend .axis { fill: #6b7280; font-size: 13px; }
    svg.trend .line { fill: none; stroke: var(--accent); stroke-width: 3; }
    svg.trend .dot { fill: var(--accent); stroke: #fff; stroke-width: 2; }
    svg.trend .dot.none { fill: #9ca3af; }
    .scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; max-width: 100%; }
    table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
    th, td { padding: 6px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
    th { background: #f3f4f6; font-weight: 600; }
    td.num, th.num { text-align: right; white-space: nowrap; }
    table.rollup { table-layout: fixed; }
    table.rollup th:nth-child(1) { width: 34%; }
    table.rollup th:nth-child(2), table.rollup th:nth-child(3) { width: 12%; }
    table.rollup td { overflow-wrap: break-word; }
    table.rollup td svg.levelbar { margin-top: 5px; }
    .count { color: var(--muted); }
    table.heatmap { width: auto; }
    table.heatmap th { vertical-align: bottom; }
    table.heatmap th.corner { min-width: 160px; }
    table.heatmap th.team-col { width: 96px; min-width: 72px; max-width: 120px; text-align: center; font-size: 12.5px;
      line-height: 1.25; overflow-wrap: normal; }
    table.heatmap th.rule { background: #fff; font-weight: normal; white-space: nowrap; }
    table.heatmap td { text-align: center; font-variant-numeric: tabular-nums; border: 2px solid #fff; }
    table.heatmap td.na, .scale .na { background: #f3f4f6; color: #9ca3af; }
    .scale span { display: inline-block; padding: 0 8px; margin-left: 4px; border-radius: 4px; color: #111827; font-size: 12px; }
    section.team { border: 1px solid var(--line); border-radius: 8px; padding: 4px 14px 12px; margin: 14px 0; }
    section.team:target { border-color: var(--accent); box-shadow: 0 0 0 2px #bfdbfe; }
    section.team h4 { font-size: 16px; }
    table.entities td.marks { white-space: nowrap; }
    @media (min-width: 641px) {
      table.entities { table-layout: fixed; }
      table.entities th:nth-child(1) { width: 32%; }
      table.entities th:nth-child(2) { width: 10%; }
      table.entities th:nth-child(3) { width: 9%; }
      table.entities th:nth-child(4) { width: 17%; }
      table.entities td { overflow-wrap: break-word; }
    }
    .st { display: inline-block; min-width: 18px; padding: 0 4px; margin: 1px; border-radius: 4px; text-align: center;
      font-size: 12px; font-weight: 700; line-height: 18px; }
    .st-pass { background: #dcfce7; color: #166534; }
    .st-waived { background: #e0e7ff; color: #3730a3; }
    .st-fail { background: #fee2e2; color: #991b1b; }
    .st-indeterminate { background: #fef3c7; color: #92400e; }
    .st-error { background: #f3e8ff; color: #6b21a8; }
    .st-not-applicable { background: #f3f4f6; color: #6b7280; }
    td.next .st { font-weight: 600; }
    ul.fixes { list-style: none; margin: 2px 0 0; padding: 0; }
    ul.fixes li { margin: 2px 0; overflow-wrap: anywhere; }
    .loc { color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
    tr.detail td { border-bottom: 1px solid var(--line); padding-top: 0; }
    details summary { cursor: pointer; color: var(--accent); font-size: 13px; }
    ul.rules { list-style: none; padding-left: 4px; margin: 6px 0; }
    ul.rules li { margin: 6px 0; overflow-wrap: anywhere; }
    .note { color: var(--muted); font-size: 12.5px; }
    .finding { font-size: 12.5px; margin: 3px 0 3px 26px; overflow-wrap: anywhere; }
    .waiver { color: #3730a3; }
    .filter input { font: inherit; padding: 4px 8px; border: 1px solid #d1d5db; border-radius: 6px; margin-left: 6px; max-width: 60vw; }
    .hidden { display: none; }
    .filter select { font: inherit; padding: 4px 8px; border: 1px solid #d1d5db; border-radius: 6px; margin-left: 6px; max-width: 60vw; }
    .stale { display: inline-block; padding: 0 6px; border-radius: 4px; background: #fde68a; color: #78350f; font-size: 0.85em; }
    pre.changes { white-space: pre-wrap; background: #f9fafb; padding: 8px; border-radius: 6px; }
    @media (max-width: 640px) {
      main, footer { padding-left: 10px; padding-right: 10px; }
      header.top { padding: 14px 12px; }
      section.scorecard { padding: 6px 10px 14px; }
      .kpis { grid-template-columns: repeat(2, 1fr); gap: 8px; }
      .kpi-value { font-size: 20px; }
      table.heatmap th.corner { min-width: 120px; }
      table.heatmap th.rule { white-space: normal; }
      th, td { padding: 5px 5px; }
      table.entities td.marks { white-space: normal; }
      svg.trend .axis { font-size: 20px; }
      table.entities .marks, table.entities .loc { display: none; }
      table.heatmap th.team-col { min-width: 64px; }
      table.rollup th { font-size: 12px; }
      table.rollup th:nth-child(1) { width: 36%; }
      table.rollup th:nth-child(2) { width: 17%; }
      table.rollup th:nth-child(3) { width: 18%; }
    }

    """

  static let script = """
    document.querySelectorAll('select[data-repository-filter]').forEach(function (select) {
      select.addEventListener('change', function () {
        var wanted = select.value;
        document.querySelectorAll('tr[data-repository]').forEach(function (row) {
          row.classList.toggle('hidden', wanted !== '' && row.getAttribute('data-repository') !== wanted);
        });
      });
    });
    document.querySelectorAll('input[data-filter]').forEach(function (input) {
      var container = document.getElementById(input.getAttribute('data-filter'));
      input.addEventListener('input', function () {
        var wanted = input.value.trim().toLowerCase();
        container.querySelectorAll('section.team').forEach(function (team) {
          var text = team.getAttribute('data-search') || '';
          team.classList.toggle('hidden', wanted !== '' && text.indexOf(wanted) < 0);
        });
      });
    });

    """
}
