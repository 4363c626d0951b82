import ArgumentParser
import Foundation
import PlumbKit

/// The catalog-context options every command that builds a graph takes.
struct CatalogArguments: ParsableArguments {
  @Option(
    name: .customLong("catalog"),
    help: ArgumentHelp(
      """
      Catalog context: a directory or file of catalog YAML, a Backstage entities export or a \
      snapshot, or a Backstage catalog API URL (https://…/api/catalog). Its entities resolve \
      references and joins; only the repository's own inputs are checked. Repeatable; added to \
      `catalog:` in .plumb.yaml.
      """, valueName: "source"))
  var sources: [String] = []

  @Option(help: "The environment variable that holds the bearer token for --catalog URLs (its name, never the token).")
  var catalogTokenEnv: String?

  @Option(help: "The oldest catalog snapshot a run accepts, e.g. 24h or 7d (default: each source's max_age, else 24h).")
  var catalogMaxAge: String?

  @Flag(help: "Do not ask live catalogs: read their snapshots (still checked against the maximum age).")
  var catalogOffline = false

  @Flag(help: "Check the catalog context too: its entities are judged and its own problems reported.")
  var checkContext = false

  func validate() throws {
    for source in sources {
      if case .failure(let error) = CatalogSourceConfiguration.parse(source, base: "/") {
        throw ValidationError("--catalog: \(error.message)")
      }
    }
    if let catalogTokenEnv, !CatalogSourceConfiguration.isEnvironmentName(catalogTokenEnv) {
      throw ValidationError(
        "--catalog-token-env names the environment variable that holds the token (letters, digits and '_'); "
          + "the value given is not one and is not shown")
    }
    if let catalogMaxAge {
      guard let seconds = ConfigurationValues.seconds(catalogMaxAge), seconds > 0 else {
        throw ValidationError("--catalog-max-age must be a duration such as 30m, 24h or 7d, found '\(catalogMaxAge)'")
      }
    }
  }

  /// The options, `--catalog` paths resolved against the working directory.
  var options: CatalogContextOptions {
    var options = CatalogContextOptions()
    let directory = FileManager.default.currentDirectoryPath
    for text in sources {
      guard case .success(var source) = CatalogSourceConfiguration.parse(text, base: directory) else { continue }
      if case .url = source.location { source.tokenEnvironment = catalogTokenEnv }
      options.sources.append(source)
    }
    options.maxAge = catalogMaxAge.flatMap(ConfigurationValues.seconds)
    options.offline = catalogOffline
    options.check = checkContext
    return options
  }
}
