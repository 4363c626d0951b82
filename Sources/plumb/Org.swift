import ArgumentParser
import Foundation
import PlumbDiagnostics
import PlumbKit

extension PlumbCommand {
  struct Org: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "The organisation's scorecards from the shared history store: no checkout needed.",
      discussion: """
        Reads the latest recorded run of every repository (on its default branch unless \
        --branch or --all-branches says otherwise) from the store every CI job records into \
        (`plumb score --record --db …`), and merges them: each entity belongs to the repository \
        that defines it (an entity two repositories define is reported, and kept from one), \
        teams span repositories, and roll-ups by team, department, system, domain and \
        organisation are computed over everything. A repository whose latest run is older than \
        --stale-days is stale, and so are its entities. Trends: the organisation at each date \
        (the latest run of each repository as of that day). --since DATE|RUN: what changed.

        Formats: text, json (schema https://plumb.dev/schemas/organisation/v1, Backstage entity \
        references), markdown, html (a single file with a repository filter). Exit status: 0 \
        built; 2 the store cannot be read or the output written; 3 an unknown --scorecard; 4 no \
        run counts. See docs/organisation.md.
        """
    )

    @Option(
      help: """
        The shared store: a PostgreSQL URL (postgres://user:password@host:port/database?sslmode=…, password also \
        from $PGPASSWORD) or a SQLite file.
        """)
    var db: String

    @Option(help: "Output format: text, json, markdown or html.")
    var format: String = "text"

    @Option(help: "Write the output to this file instead of standard output.")
    var output: String?

    @Option(help: "Only runs recorded on this branch (default: each repository's default branch).")
    var branch: String?

    @Flag(help: "The latest run of each repository whatever its branch.")
    var allBranches = false

    @Option(help: "A repository whose latest run is older than this many days is stale (default: 7).")
    var staleDays: Int = 7

    @Option(help: "What changed since this date or time (ISO 8601) or run id (#12): the organisation as of then against now.")
    var since: String?

    @Option(help: "The time staleness is measured against, ISO 8601 (default: now), for reproducible output.")
    var now: String?

    @Option(help: "Only this scorecard (repeatable; default: every scorecard).")
    var scorecard: [String] = []

    @Option(help: "At most this many dates in the trends, the latest (default: 30).")
    var trendPoints: Int = 30

    @Option(help: "Where rule documentation pages are, for links (default: docs/rules/).")
    var ruleDocs: String = "docs/rules/"

    func validate() throws {
      guard OrgRun.formats.contains(format) else {
        throw ValidationError("unknown format '\(format)' (known: \(OrgRun.formats.joined(separator: ", ")))")
      }
      if branch != nil && allBranches { throw ValidationError("--branch and --all-branches exclude each other") }
      if staleDays < 0 { throw ValidationError("--stale-days must be 0 or more") }
      if trendPoints < 0 || trendPoints > 10_000 { throw ValidationError("--trend-points must be from 0 to 10000") }
      if let now, ScoreRun.normalizedTime(now) == nil {
        throw ValidationError("--now must be an ISO 8601 time such as 2026-03-01T09:00:00Z, found '\(now)'")
      }
      if let since, OrgOptions.parseSince(since) == nil {
        throw ValidationError("--since takes a date or time (2026-03-01, 2026-03-01T09:00:00Z) or a run id (#12)")
      }
      if PostgresHistoryURL.looksLikeURL(db) {
        do { _ = try PostgresHistoryURL(db) } catch { throw ValidationError("--db: \(error)") }
      }
    }

    func run() throws {
      var options = OrgOptions(databasePath: db)
      options.branch = allBranches ? .any : branch.map { OrganisationQuery.Branch.named($0) } ?? .defaultBranch
      options.now = now
      options.staleAfterDays = staleDays
      options.since = since
      options.scorecards = scorecard
      options.trendPoints = trendPoints
      options.ruleDocs = ruleDocs.hasSuffix("/") || ruleDocs.isEmpty ? ruleDocs : ruleDocs + "/"
      let run = OrgRun.run(options)
      var status = run.exitStatus
      for problem in run.problems { Console.write("plumb: \(problem)\n", to: .standardError) }
      if let text = run.render(format) {
        if let output {
          do {
            try OutputWriter.write(text, to: output)
          } catch {
            Console.write(
              "plumb: cannot write to '\(Console.quoted(output))': \(OutputWriter.reason(error))\n", to: .standardError)
            status = ExitStatus.mostSevere(status, ExitStatus.inputErrors)
          }
        } else {
          Console.write(text, to: .standardOutput, guarded: false)
        }
      }
      if status != ExitStatus.success { throw ExitCode(status) }
    }
  }
}
