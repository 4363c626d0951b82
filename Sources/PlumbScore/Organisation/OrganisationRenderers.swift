import PlumbDiagnostics

/// `plumb org --format markdown`: the repositories and their freshness, duplicates, stale
/// entities and what changed, then the merged scorecards as `plumb score` writes them.
public enum OrganisationMarkdownRenderer {
  public static func render(_ view: OrganisationView) -> String {
    func cell(_ text: String) -> String { MarkdownText.inline(text) }
    var out = "# Organisation scorecards\n\n"
    out += "\(cell(view.query.now)) · branch \(MarkdownText.codeSpan(view.query.branch.description)) · "
    out += "\(view.repositories.count) repositories · stale after \(view.query.staleAfterDays) days\n\n"
    out += "## Repositories\n\n"
    if view.repositories.isEmpty {
      out += "No recorded run counts (record with `plumb score --record --db …`).\n\n"
    } else {
      out += "| repository | last run | age (days) | branch | commit | entities | freshness |\n"
      out += "|---|---|---:|---|---|---:|---|\n"
      for repository in view.repositories {
        out += "| \(cell(repository.name)) | #\(repository.runID) \(cell(repository.recordedAt)) | \(repository.ageDays) | "
        out += "\(cell(repository.branch ?? "?")) | \(MarkdownText.codeSpan(String((repository.commit ?? "?").prefix(12)))) | "
        out += "\(repository.entities) | \(repository.stale ? "**stale**" : "fresh") |\n"
      }
      out += "\n"
    }
    if !view.duplicates.isEmpty {
      out += "## Entities defined in more than one repository\n\n"
      for duplicate in view.duplicates {
        let name = OrganisationJSONRenderer.entityRef(duplicate.entity) ?? duplicate.entity
        out += "- \(MarkdownText.codeSpan(name)): kept from \(cell(duplicate.keptIn)), also in "
        out += duplicate.alsoIn.map(cell).joined(separator: ", ") + "\n"
      }
      out += "\n"
    }
    let stale = view.repositories.filter(\.stale)
    if !stale.isEmpty {
      out += "## Stale entities\n\n"
      out += "Their repository's latest run is older than \(view.query.staleAfterDays) days: their numbers may no longer hold.\n\n"
      for repository in stale {
        let entities = view.entityRepository.filter { $0.value == repository.name }.keys.sorted()
        out += "- \(cell(repository.name)) (\(repository.ageDays) days): "
        out += (entities.isEmpty ? "no entity" : entities.map { MarkdownText.codeSpan(OrganisationJSONRenderer.entityRef($0) ?? $0) }.joined(separator: ", ")) + "\n"
      }
      out += "\n"
    }
    if let changes = view.changes {
      out += "## What changed since \(cell(changes.from.recordedAt))\n\n"
      out += changes.isEmpty ? "Nothing.\n\n" : ScoreMarkdownRenderer.render(changes) + "\n"
    }
    var scores = ScoreMarkdownRenderer.render(view.report)
    if scores.hasPrefix("# Scorecards\n") { scores = "#" + scores }
    return out + scores
  }
}

/// `plumb org --format text`: the same for a terminal.
public enum OrganisationTextRenderer {
  public static func render(_ view: OrganisationView) -> String {
    var out = "organisation: \(view.repositories.count) repositories, branch \(Format.shown(view.query.branch.description)), "
    out += "stale after \(view.query.staleAfterDays) days, as of \(Format.shown(view.query.now))\n"
    if !view.repositories.isEmpty {
      let rows = view.repositories.map { repository in
        [
          Format.shown(repository.name), "#\(repository.runID)", Format.shown(repository.recordedAt), String(repository.ageDays),
          String(repository.entities), repository.stale ? "STALE" : "fresh",
        ]
      }
      out += Format.table(["repository", "run", "recorded", "days", "entities", "freshness"], rows, right: [3, 4])
    }
    for duplicate in view.duplicates {
      out += "duplicate: \(Format.shown(duplicate.entity)) kept from \(Format.shown(duplicate.keptIn)), also in "
      out += duplicate.alsoIn.map(Format.shown).joined(separator: ", ") + "\n"
    }
    if let changes = view.changes {
      out += "\nchanges since \(Format.shown(changes.from.recordedAt)):\n"
      out += changes.isEmpty ? "  nothing\n" : ScoreDiffRenderer.text(changes)
    }
    out += "\n"
    return TerminalText.guarded(out) + ScoreTextRenderer.render(view.report)
  }
}
