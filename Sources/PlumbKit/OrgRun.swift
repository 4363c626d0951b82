import Foundation
import PlumbDiagnostics

/// What `plumb org` was asked to do.
public struct OrgOptions: Sendable {
  /// The shared store: a PostgreSQL URL or a SQLite file.
  public var databasePath: String
  public var branch: OrganisationQuery.Branch = .defaultBranch
  /// The time staleness is measured against (ISO 8601; default: now).
  public var now: String?
  public var staleAfterDays = 7
  /// `--since`: a date or time (ISO 8601) or a run id (`#12`, `12`).
  public var since: String?
  public var scorecards: [String] = []
  public var trendPoints = 30
  public var ruleDocs = "docs/rules/"

  public init(databasePath: String) { self.databasePath = databasePath }

  /// `--since`'s value, nil when it is neither a time nor a run id.
  public static func parseSince(_ text: String) -> OrganisationQuery.Since? {
    var digits = Substring(text)
    if digits.hasPrefix("#") { digits = digits.dropFirst() }
    if !digits.isEmpty, digits.allSatisfy(\.isASCII), let id = Int64(digits), id > 0 { return .run(id) }
    return ScoreRun.normalizedTime(text).map { .time($0) }
  }
}

/// One `plumb org`: the organisation's view from the store, no checkout needed.
public struct OrgRun: Sendable {
  public let view: OrganisationView?
  /// Problems to print on standard error.
  public let problems: [String]
  /// 0 built; 2 the store cannot be read; 3 an unknown scorecard; 4 no run counts.
  public let exitStatus: Int32

  public static let formats = ["text", "json", "markdown", "html"]

  public static func run(_ options: OrgOptions) -> OrgRun {
    let location: ScoreHistoryLocation
    do {
      location = try ScoreHistoryLocation(options.databasePath)
    } catch {
      return OrgRun(view: nil, problems: ["history database: \(error)"], exitStatus: ExitStatus.inputErrors)
    }
    if case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
      return OrgRun(
        view: nil, problems: ["no history database at '\(MessageText.shown(path))' (record runs with `plumb score --record --db …`)"],
        exitStatus: ExitStatus.inputErrors)
    }
    var query = OrganisationQuery(
      now: options.now.flatMap(ScoreRun.normalizedTime) ?? ScoreRun.currentTime(), toolVersion: Plumb.version,
      ruleDocs: options.ruleDocs)
    query.branch = options.branch
    query.staleAfterDays = options.staleAfterDays
    query.scorecards = options.scorecards
    query.trendPoints = options.trendPoints
    query.since = options.since.flatMap(OrgOptions.parseSince)
    let view: OrganisationView
    do {
      let store = try location.open()
      view = try OrganisationBuilder.build(from: store, query: query)
    } catch {
      return OrgRun(
        view: nil, problems: ["history database '\(location.description)': \(error)"], exitStatus: ExitStatus.inputErrors)
    }
    var problems: [String] = []
    var status = ExitStatus.success
    let known = Set(view.report.scorecards.map(\.definition.name))
    for name in options.scorecards where !known.contains(name) {
      problems.append("no scorecard named '\(MessageText.shown(name))' in the latest runs")
      status = ExitStatus.mostSevere(status, ExitStatus.policyErrors)
    }
    if view.repositories.isEmpty {
      problems.append("no recorded run counts (branch \(view.query.branch)): nothing to show")
      status = ExitStatus.mostSevere(status, ExitStatus.nothingEvaluated)
    }
    for duplicate in view.duplicates {
      problems.append(
        "'\(MessageText.shown(duplicate.entity))' is defined by \(([duplicate.keptIn] + duplicate.alsoIn).map { "'\(MessageText.shown($0))'" }.joined(separator: ", ")); kept from '\(MessageText.shown(duplicate.keptIn))'"
      )
    }
    for repository in view.repositories where repository.stale {
      problems.append(
        "'\(MessageText.shown(repository.name))' is stale: its latest run (#\(repository.runID)) is \(repository.ageDays) days old")
    }
    return OrgRun(view: view, problems: problems, exitStatus: status)
  }

  /// The view in `format`, nil for an unknown format or no view.
  public func render(_ format: String) -> String? {
    guard let view else { return nil }
    switch format {
    case "text": return OrganisationTextRenderer.render(view)
    case "json": return OrganisationJSONRenderer.render(view)
    case "markdown": return OrganisationMarkdownRenderer.render(view)
    case "html": return ScoreDashboard.render(view.report, trends: view.trends, organisation: .init(view: view))
    default: return nil
    }
  }
}
