@_exported import PlumbScore
import Foundation
import PlumbDiagnostics
import PlumbPolicy
import PlumbReport

/// What `plumb score` was asked to do.
public struct ScoreOptions: Sendable {
  /// Files or directories to score.
  public var paths: [String]
  /// The repository root (default: the one directory given, else the current directory).
  public var root: String?
  /// More rule and policy files or directories.
  public var ruleDirectories: [String] = []
  /// The policy pack the rules run through (default: `.plumb.yaml`'s `pack`, else `baseline`).
  public var pack: String?
  /// Whether to load the rules that ship with Plumb.
  public var useBuiltinRules = true
  /// `--exclude` patterns, after `exclude:` in `.plumb.yaml`.
  public var exclude: [String] = []
  /// `--respect-gitignore`.
  public var respectGitignore = false
  /// The waiver file (default: `.plumb-waivers.yaml` at the root, if present).
  public var waiversPath: String?
  /// The date waivers expire against (default: the date of `now`, else `PLUMB_TODAY`, else today).
  public var today: ISODate?
  /// Only these scorecards (empty: all).
  public var scorecards: [String] = []
  /// The time of the run (ISO 8601), for recording and reproducible output (`--now`).
  public var now: String?
  /// The commit scored (default when recording: `git rev-parse HEAD` at the root, if it works).
  public var commit: String?
  /// Record the run in the history database.
  public var record = false
  /// Stamp the report with the time of the run even when not recording (the HTML dashboard says
  /// when it was generated); `now` when given, else the clock.
  public var stampTime = false
  /// The history database (default: `.plumb/history.sqlite` under the root).
  public var databasePath: String?
  /// Where rule documentation pages are, for links, ending in `/` (nil: the check's rule docs
  /// base: `rule_docs_base` in `.plumb.yaml`, else Plumb's published pages; ``ReportLinks``).
  public var ruleDocs: String?
  /// The base the dashboard's `path:line` locations are linked from (`--source-link-base`; nil:
  /// `source_link_base:` in `.plumb.yaml`, else the CI variables, as for `plumb check`).
  public var sourceLinkBase: String?
  /// Catalog context from the command line (`--catalog`, …), besides `catalog:` in `.plumb.yaml`:
  /// its entities resolve ownership; only the repository's own entities are scored.
  public var catalog = CatalogContextOptions()
  /// The repository, branch and default branch as given (`--repository`, `--branch`,
  /// `--default-branch`); the rest is found (`RepositoryIdentityResolver`).
  public var repository = RepositoryIdentityResolver.Overrides()
  /// Trends from the runs of every repository in the store, not only this one's.
  public var allRepositories = false

  public init(paths: [String], root: String? = nil) {
    self.paths = paths
    self.root = root
  }
}

/// One `plumb score`: the same ingest, evaluation, waivers and inline ignores as `plumb check`,
/// then scorecards, roll-ups, and optionally history (record, trends).
public struct ScoreRun: Sendable {
  /// The check the scores are computed from.
  public let check: CheckRun
  /// The scorecards.
  public let report: ScoreReport
  /// The repository scored, its branch and commit.
  public let identity: RepositoryIdentity
  /// The run as recorded, when `record` was asked.
  public let recorded: RunInfo?
  /// Trend series from the history database (empty without one).
  public let trends: ScoreTrends
  /// Problems to print on standard error (history that could not be read or written).
  public let problems: [String]
  /// 0 scored; 2 input errors or history errors; 3 policy errors; 4 nothing to score.
  public let exitStatus: Int32

  /// Normalises `--now`: `YYYY-MM-DDTHH:MM:SSZ` (or with an offset, or a bare date) → UTC, seconds.
  public static func normalizedTime(_ text: String) -> String? {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    if let date = formatter.date(from: text) { return formatter.string(from: date) }
    if let day = ISODate(text) { return "\(day)T00:00:00Z" }
    return nil
  }

  /// The current time, as recorded.
  static func currentTime() -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: Date())
  }

  /// The history database for `options` and `root`: `--db` as given (a SQLite path or a
  /// PostgreSQL URL), else `.plumb/history.sqlite` under the root.
  public static func databasePath(_ options: ScoreOptions, root: String) -> String {
    options.databasePath ?? SQLiteScoreHistoryStore.defaultPath(root: root)
  }

  /// Where history is for `options` and `root` (a malformed PostgreSQL URL throws).
  public static func historyLocation(_ options: ScoreOptions, root: String) throws -> ScoreHistoryLocation {
    try ScoreHistoryLocation(databasePath(options, root: root))
  }

  /// The history database as shown to people: the path, or the URL without its password.
  public static func historyDescription(_ options: ScoreOptions, root: String) -> String {
    let path = databasePath(options, root: root)
    return (try? ScoreHistoryLocation(path).description)
      ?? (PostgresHistoryURL.looksLikeURL(path) ? "(a malformed PostgreSQL URL)" : path)
  }

  /// Runs a score.
  public static func run(_ options: ScoreOptions) -> ScoreRun {
    let now = options.now.flatMap(normalizedTime)
    var checkOptions = CheckOptions(paths: options.paths, root: options.root)
    checkOptions.ruleDirectories = options.ruleDirectories
    checkOptions.pack = options.pack
    checkOptions.useBuiltinRules = options.useBuiltinRules
    checkOptions.waiversPath = options.waiversPath
    checkOptions.exclude = options.exclude
    checkOptions.respectGitignore = options.respectGitignore
    checkOptions.catalog = options.catalog
    checkOptions.repository = options.repository
    checkOptions.sourceLinkBase = options.sourceLinkBase
    if let commit = options.commit { checkOptions.repository.commit = commit }
    checkOptions.today = options.today ?? now.flatMap { ISODate(String($0.prefix(10))) }
    let check = CheckRun.run(checkOptions)
    let policyErrors = check.policyDiagnostics.count(where: Gate.isFatal)
    let input = ScoreInput(
      graph: check.ingest.graph, library: check.library, evaluation: check.result, findings: check.report.findings,
      inputDiagnostics: check.inputDiagnostics, policyErrors: policyErrors, pack: check.pack?.name,
      scorecards: options.scorecards.isEmpty ? nil : options.scorecards)
    let root = check.ingest.root
    var problems: [String] = []
    var status = ExitStatus.success
    let unknown = options.scorecards.filter { check.library.scorecards[$0] == nil }
    for name in unknown {
      let known = check.library.scorecards.keys.sorted()
      problems.append("no scorecard named '\(name)' (known: \(known.joined(separator: ", ")))")
      status = ExitStatus.mostSevere(status, ExitStatus.policyErrors)
    }

    let identity = check.report.repository ?? RepositoryIdentity(name: RepositoryIdentityResolver.directoryName(root), source: .directory)
    var commit = options.commit
    let recordedAt = options.record || options.stampTime ? (now ?? currentTime()) : now
    if options.record && commit == nil { commit = identity.commit }
    let report = Scorer(input).report(
      toolVersion: Plumb.version, generatedAt: recordedAt, commit: commit,
      ruleDocs: options.ruleDocs ?? (check.links.ruleDocsBase.hasSuffix("/") ? check.links.ruleDocsBase : check.links.ruleDocsBase + "/"))

    // History: record, then read the trends (the run just recorded included).
    var recorded: RunInfo?
    var trends = ScoreTrends()
    let path = databasePath(options, root: root)
    do {
      let location = try historyLocation(options, root: root)
      // A SQLite file is read only when it exists; a PostgreSQL server is always asked.
      let exists = if case .sqlite(let file) = location { FileManager.default.fileExists(atPath: file) } else { true }
      if options.record || exists {
        let store = try location.open()
        if options.record {
          recorded = try store.record(
            ScoreSnapshot(report: report, recordedAt: recordedAt ?? currentTime(), commit: commit, repository: identity))
        }
        trends = try ScoreTrends.load(
          from: store, for: report, repository: options.allRepositories ? .all : .named(identity.name))
      } else if options.databasePath != nil {
        problems.append("no history database at '\(path)' (record one with --record)")
        status = ExitStatus.mostSevere(status, ExitStatus.inputErrors)
      }
    } catch {
      problems.append("history database '\(historyDescription(options, root: root))': \(error)")
      status = ExitStatus.mostSevere(status, ExitStatus.inputErrors)
    }

    if policyErrors > 0 { status = ExitStatus.mostSevere(status, ExitStatus.policyErrors) }
    if check.inputDiagnostics.contains(where: { $0.severity == .error }) {
      status = ExitStatus.mostSevere(status, ExitStatus.inputErrors)
    }
    if report.scorecards.allSatisfy({ $0.entities.isEmpty }) {
      let reason =
        if !report.scorecards.isEmpty {
          "no scorecard selected any entity"
        } else if check.library.scorecards.isEmpty {
          "no scorecard is declared"
        } else {
          "no scorecard named with --scorecard exists"
        }
      problems.append("nothing was scored: " + reason)
      status = ExitStatus.mostSevere(status, ExitStatus.nothingEvaluated)
    }
    return ScoreRun(
      check: check, report: report, identity: identity, recorded: recorded, trends: trends, problems: problems,
      exitStatus: status)
  }

  /// `git rev-parse HEAD` at `root`, nil when it is not a git work tree (or git is missing).
  static func gitHead(_ root: String) -> String? {
    guard let output = try? ChildProcess.run(["git", "-C", root, "rev-parse", "HEAD"]), output.status == 0 else {
      return nil
    }
    let sha = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    return sha.isEmpty ? nil : sha
  }

  /// The output formats `render` knows.
  public static let formats = ["text", "json", "markdown", "html"]

  /// The report in `format`, nil for an unknown format.
  public func render(_ format: String) -> String? {
    switch format {
    case "text": ScoreTextRenderer.render(report)
    case "json": ScoreJSONRenderer.render(report)
    case "markdown": ScoreMarkdownRenderer.render(report)
    case "html": ScoreDashboard.render(report, trends: trends, sourceLinkBase: check.links.sourceLinkBase)
    default: nil
    }
  }

  /// The explanation of an entity or a group (`--explain`), nil when nothing matches.
  public func explain(_ target: String) -> String? {
    ScoreExplainer(report: report).explain(target)
  }
}

/// `plumb score --diff`: compares two recorded runs.
public enum ScoreHistoryDiff {
  /// The diff of runs `a` and `b` (ids) in the history at `path` (a SQLite file or a PostgreSQL
  /// URL); without ids, the last two runs of `repository` (`.all`: of any repository).
  public static func diff(databasePath path: String, runs ids: [Int64], repository: RepositoryFilter = .all)
    -> Result<ScoreDiff, ScoreHistoryError>
  {
    let location: ScoreHistoryLocation
    do {
      location = try ScoreHistoryLocation(path)
    } catch {
      return .failure(ScoreHistoryError("history database: \(error)"))
    }
    let shown = location.description
    if case .sqlite = location, !FileManager.default.fileExists(atPath: path) {
      return .failure(ScoreHistoryError("no history database at '\(path)' (record runs with `plumb score --record`)"))
    }
    do {
      let store = try location.open()
      let chosen: [Int64]
      if ids.isEmpty {
        let runs = try store.runs(repository: repository)
        guard runs.count >= 2 else {
          if case .named(let name) = repository {
            let which = name.map { "of repository '\(MessageText.shown($0))'" } ?? "without a repository"
            return .failure(
              ScoreHistoryError(
                "'\(shown)' holds \(runs.count) run(s); a diff needs two (runs \(which); --all-repositories compares the last two runs of any repository, or give two run ids)"
              ))
          }
          return .failure(ScoreHistoryError("'\(shown)' holds \(runs.count) run(s); a diff needs two"))
        }
        chosen = runs.suffix(2).map(\.id)
      } else {
        chosen = ids
      }
      guard chosen.count == 2 else { return .failure(ScoreHistoryError("--diff takes no run id or two")) }
      var loaded: [RecordedRun] = []
      for id in chosen {
        guard let run = try store.run(id: id) else {
          return .failure(ScoreHistoryError("no run #\(id) in '\(shown)'"))
        }
        loaded.append(run)
      }
      return .success(ScoreDiff(from: loaded[0], to: loaded[1]))
    } catch {
      return .failure(ScoreHistoryError("history database '\(shown)': \(error)"))
    }
  }
}
