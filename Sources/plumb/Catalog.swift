import ArgumentParser
import Foundation
import PlumbKit

extension PlumbCommand {
  struct Catalog: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Work with the central catalog that runs use as context.",
      subcommands: [Pull.self])

    struct Pull: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Read every live catalog source and write its snapshot.",
        discussion: """
          Reads each catalog API URL among the sources (`catalog:` in .plumb.yaml and --catalog) \
          page by page and writes its snapshot (the `snapshot:` path, default \
          .plumb/catalog/<host>_<path>.json under the root), so that a later run can use it when \
          the catalog server is down (`--catalog-offline`, or by falling back, within max_age), \
          or so that one scheduled job reads the catalog for many repositories' runs \
          (`--catalog snapshot.json`). Sources that are directories or files are left alone. \
          Exit status: 0 every snapshot written, 2 a catalog could not be read or a snapshot \
          not written, 3 .plumb.yaml did not load, 64 no catalog URL to read. See \
          docs/organisation.md.
          """)

      @Option(help: "The repository root: where .plumb.yaml and the default snapshot directory are (default: the current directory).")
      var root: String?

      @Option(
        name: .customLong("catalog"),
        help: ArgumentHelp("A Backstage catalog API URL to read (repeatable; added to `catalog:` in .plumb.yaml).", valueName: "url"))
      var sources: [String] = []

      @Option(help: "The environment variable that holds the bearer token for --catalog URLs (its name, never the token).")
      var catalogTokenEnv: String?

      @Option(help: "Write the snapshot here (only with one catalog URL).")
      var snapshot: String?

      func validate() throws {
        for source in sources {
          guard case .success(let parsed) = CatalogSourceConfiguration.parse(source, base: "/") else {
            throw ValidationError("--catalog: '\(source)' is not a usable catalog source")
          }
          guard case .url = parsed.location else { throw ValidationError("--catalog: pull reads URLs, not '\(source)'") }
        }
        if let catalogTokenEnv, !CatalogSourceConfiguration.isEnvironmentName(catalogTokenEnv) {
          throw ValidationError(
            "--catalog-token-env names the environment variable that holds the token (letters, digits and '_'); "
              + "the value given is not one and is not shown")
        }
      }

      func run() throws {
        let directory = FileManager.default.currentDirectoryPath
        let rootPath = CatalogPull.root(root ?? directory)
        var extra: [CatalogSourceConfiguration] = []
        for text in sources {
          guard case .success(var source) = CatalogSourceConfiguration.parse(text, base: directory) else { continue }
          source.tokenEnvironment = catalogTokenEnv
          extra.append(source)
        }
        let pull = CatalogPull.run(
          root: rootPath, extraSources: extra, snapshot: snapshot.map { CatalogPull.absolute($0, base: directory) })
        Console.write(pull.report, to: .standardOutput)
        if !pull.problems.isEmpty { Console.write(pull.problems, to: .standardError) }
        if pull.exitStatus != ExitStatus.success { throw ExitCode(pull.exitStatus) }
      }
    }
  }
}
