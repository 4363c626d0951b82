import ArgumentParser
import Foundation
import PlumbKit
import PlumbDiagnostics
import PlumbFiles

extension PlumbCommand {
  struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Compute scorecards: levels and scores per entity, rolled up by team, system, domain and organisation.",
      discussion: """
        Runs the same evaluation as `plumb check` (rules through the policy pack, waivers and \
        inline ignores), then every scorecard (or those named with --scorecard): each rule's \
        state per entity (pass, fail, indeterminate, not-applicable, waived, error), the level \
        reached, the weighted score, and roll-ups by owning team, department, system, domain and \
        organisation. --explain NAME prints the arithmetic and the findings behind an entity's \
        or a group's numbers.

        History: runs are kept per repository (--repository, else .plumb.yaml's repository:, \
        else the git remote, else the root's name; with the branch and commit). --record stores the run in SQLite (--db, default .plumb/history.sqlite under \
        the root) or in a shared PostgreSQL database (--db postgres://user@host:port/database, \
        the password in the URL or $PGPASSWORD); the HTML dashboard then draws trends. --diff compares two recorded runs \
        (the paths are then run ids; none: the last two of this repository; --all-repositories: of any).

        Formats: text, json, markdown, html (a single file with no network assets). \
        Exit status: 0 scored; 2 input errors, an unreadable history database or an output \
        that cannot be written; 3 policy errors or an unknown scorecard; 4 nothing scored. \
        Findings never change it: gate with `plumb check`. See docs/scorecards.md.
        """
    )

    @Argument(help: "Files or directories to score (with --diff: two run ids, or none for the last two runs).")
    var paths: [String] = []

    @Option(name: .customLong("rules"), help: "More rule and policy files or directories (repeatable).")
    var ruleDirectories: [String] = []

    @Option(help: "The policy pack the rules run through (default: .plumb.yaml's pack, else 'baseline').")
    var pack: String?

    @Flag(help: "Do not load the rules that ship with Plumb.")
    var noBuiltinRules = false

    @Option(help: "The repository root: references never leave it; paths are shown relative to it.")
    var root: String?

    @Option(help: "Only this scorecard (repeatable; default: every scorecard).")
    var scorecard: [String] = []

    @Option(help: "Output format: text, json, markdown or html.")
    var format: String = "text"

    @Option(help: "Write the output to this file instead of standard output.")
    var output: String?

    @Option(help: "Explain an entity's or a group's numbers: an entity name or id, a team, system or domain, or 'organisation'.")
    var explain: String?

    @Flag(help: "Record this run in the history database.")
    var record = false

    @Option(
      help: """
        The history database: a SQLite file (default: .plumb/history.sqlite under the root) or a PostgreSQL URL, \
        postgres://user:password@host:port/database?sslmode=disable|prefer|require|verify-full (password also \
        from $PGPASSWORD).
        """)
    var db: String?

    @Flag(help: "Show what changed between two recorded runs (ids as arguments; default: the last two).")
    var diff = false

    @Option(help: "The time of this run, ISO 8601 (e.g. 2026-03-01T09:00:00Z), for recording and reproducible output.")
    var now: String?

    @Option(help: "The commit scored (default when recording: `git rev-parse HEAD` at the root).")
    var commit: String?

    @OptionGroup(title: "Repository identity")
    var identity: RepositoryArguments

    @Flag(help: "Trends and --diff over the runs of every repository in the history database, not only this one's.")
    var allRepositories = false

    @Option(help: "The waiver file (default: .plumb-waivers.yaml at the root, if present).")
    var waivers: String?

    @Option(help: "The date waivers expire against, YYYY-MM-DD (default: the date of --now, else $PLUMB_TODAY, else today).")
    var today: String?

    @Option(help: "Where rule documentation pages are, for links (default: rule_docs_base in .plumb.yaml, else Plumb's published rule pages).")
    var ruleDocs: String?

    @Option(
      help: """
        Base URL the dashboard's path:line locations are linked from, e.g. https://github.com/OWNER/REPO/blob/SHA/ \
        (default: source_link_base in .plumb.yaml, else from the CI variables, as plumb check; empty: no links).
        """)
    var sourceLinkBase: String?

    @OptionGroup(title: "Exclusions")
    var exclusions: ExclusionArguments

    @OptionGroup(title: "Catalog context")
    var catalog: CatalogArguments

    func validate() throws {
      guard ScoreRun.formats.contains(format) else {
        throw ValidationError("unknown format '\(format)' (known: \(ScoreRun.formats.joined(separator: ", ")))")
      }
      if let now, ScoreRun.normalizedTime(now) == nil {
        throw ValidationError("--now must be an ISO 8601 time such as 2026-03-01T09:00:00Z, found '\(now)'")
      }
      if let today, ISODate(today) == nil {
        throw ValidationError("--today must be a date written YYYY-MM-DD, found '\(today)'")
      }
      try validateLinkBase(sourceLinkBase, flag: "--source-link-base")
      if diff {
        if record || explain != nil { throw ValidationError("--diff cannot be combined with --record or --explain") }
        if !(paths.isEmpty || paths.count == 2) || paths.contains(where: { Int64($0) == nil }) {
          throw ValidationError("--diff takes two run ids (e.g. `--diff 3 5`) or none (the last two runs)")
        }
        if format == "html" { throw ValidationError("--diff writes text, json or markdown") }
      } else if paths.isEmpty {
        throw ValidationError("give the files or directories to score")
      }
      // A malformed PostgreSQL URL is a usage error (its message never repeats the password).
      if let db, PostgresHistoryURL.looksLikeURL(db) {
        do { _ = try PostgresHistoryURL(db) } catch { throw ValidationError("--db: \(error)") }
      }
    }

    func run() throws {
      if diff { return try runDiff() }
      var options = ScoreOptions(paths: paths, root: root)
      options.ruleDirectories = ruleDirectories
      options.pack = pack
      options.useBuiltinRules = !noBuiltinRules
      options.waiversPath = waivers
      options.exclude = exclusions.patterns
      options.respectGitignore = exclusions.respectGitignore
      options.today = today.flatMap(ISODate.init)
      options.scorecards = scorecard
      options.catalog = catalog.options
      options.now = now
      options.commit = commit
      options.record = record
      options.stampTime = format == "html"
      options.databasePath = db
      options.repository = identity.overrides
      options.allRepositories = allRepositories
      options.ruleDocs = ruleDocs.map { $0.hasSuffix("/") || $0.isEmpty ? $0 : $0 + "/" }
      options.sourceLinkBase = sourceLinkBase
      let progress = ProgressLine("scoring")
      let run = ScoreRun.run(options)
      progress.finish()
      var status = run.exitStatus
      for problem in run.problems { Console.write("plumb: \(problem)\n", to: .standardError) }
      if run.report.inputErrors + run.report.policyErrors > 0 {
        let errors =
          run.check.policyDiagnostics.filter(Gate.isFatal) + run.check.inputDiagnostics.filter { $0.severity == .error }
        for error in errors.prefix(Self.errorsListed) {
          let place = error.location.map { "\(Console.quoted($0.description)): " } ?? ""
          Console.write("plumb: \(place)error: \(Console.quoted(error.message)) [\(error.code)]\n", to: .standardError)
        }
        if errors.count > Self.errorsListed {
          Console.write("plumb: … and \(errors.count - Self.errorsListed) more\n", to: .standardError)
        }
        Console.write(
          "plumb: \(run.report.inputErrors) input error(s), \(run.report.policyErrors) policy error(s); `plumb check` shows them\n",
          to: .standardError)
      }
      if let recorded = run.recorded {
        Console.write(
          "plumb: recorded run #\(recorded.id) at \(recorded.recordedAt) in \(ScoreRun.historyDescription(options, root: run.check.ingest.root))\n",
          to: .standardError)
      }
      let text: String
      if let explain {
        guard let explanation = run.explain(explain) else {
          let known = ScoreExplainer(report: run.report).candidates()
          Console.write(
            "plumb: no scored entity or group named '\(Console.quoted(explain))' (known: \(known.map(Console.quoted).joined(separator: ", ")))\n",
            to: .standardError)
          throw ExitCode(ExitStatus.usage)
        }
        text = explanation
      } else {
        text = run.render(format) ?? ""
      }
      status = ExitStatus.mostSevere(status, emit(text, root: run.check.ingest.root))
      if status != ExitStatus.success { throw ExitCode(status) }
    }

    func runDiff() throws {
      let root = self.root ?? FileManager.default.currentDirectoryPath
      var options = ScoreOptions(paths: [], root: root)
      options.databasePath = db
      let path = ScoreRun.databasePath(options, root: root)
      let repository: RepositoryFilter =
        allRepositories
        ? .all
        : .named(
          RepositoryIdentityResolver.resolve(
            root: root, configured: PlumbConfiguration.load(root: root).repository, overrides: identity.overrides
          ).name)
      switch ScoreHistoryDiff.diff(databasePath: path, runs: paths.compactMap { Int64($0) }, repository: repository) {
      case .failure(let error):
        Console.write("plumb: \(error)\n", to: .standardError)
        throw ExitCode(ExitStatus.inputErrors)
      case .success(let diff):
        let text: String
        switch format {
        case "json": text = ScoreJSONRenderer.render(diff)
        case "markdown": text = ScoreMarkdownRenderer.render(diff)
        default: text = ScoreDiffRenderer.text(diff)
        }
        let status = emit(text, root: root)
        if status != ExitStatus.success { throw ExitCode(status) }
      }
    }

    /// How many input and policy errors are named on standard error (the summary counts them all).
    static let errorsListed = 10

    /// Writes `text` to --output or standard output; the exit status that follows. Every format
    /// escapes what it holds for itself (the text ones are guarded, JSON and HTML escaped).
    func emit(_ text: String, root: String? = nil) -> Int32 {
      guard let output else {
        Console.write(text, to: .standardOutput, guarded: false)
        return ExitStatus.success
      }
      do {
        try OutputWriter.write(text, to: output, root: root)
        return ExitStatus.success
      } catch {
        let reason = OutputWriter.reason(error)
        Console.write("plumb: cannot write to '\(Console.quoted(output))': \(reason)\n", to: .standardError)
        return ExitStatus.inputErrors
      }
    }
  }
}
