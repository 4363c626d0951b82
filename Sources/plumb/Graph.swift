import ArgumentParser
import Foundation
import PlumbKit

extension PlumbCommand {
  struct Graph: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Build the document graph from catalogs, plans and pipelines, and print it.",
      discussion: """
        Given a directory, Plumb loads every YAML and JSON file under it and recognises each by \
        content: Backstage catalog files (and their Location targets), Terraform plans \
        (`terraform show -json`), GitHub Actions workflows and actions, GitLab CI files (with \
        local includes). Files of no known format are listed as skipped. Exit status: 0 when \
        everything ingested, 2 when an input had errors, 4 when nothing was found, 64 on a usage \
        error.
        """
    )

    @Argument(help: "Files or directories to ingest.")
    var paths: [String]

    @Option(help: "Only show entities of this kind (e.g. catalog, catalog.Component, terraform.resource). Repeatable.")
    var kind: [String] = []

    @Option(help: "The repository root: references never leave it; paths are shown relative to it.")
    var root: String?

    @Option(help: "Output format: text or json.")
    var format: ParseFormat = .text

    @OptionGroup(title: "Exclusions")
    var exclusions: ExclusionArguments

    @OptionGroup(title: "Catalog context")
    var catalog: CatalogArguments

    @Option(help: "Colour diagnostics: auto, always or never.")
    var color: ColorMode = .auto

    func run() throws {
      let report = GraphReport.load(
        paths: paths, root: root, kinds: kind, catalog: catalog.options, exclude: exclusions.patterns,
        respectGitignore: exclusions.respectGitignore)
      switch format {
      case .text:
        let colored = color.enabled(isTTY: isatty(STDOUT_FILENO) == 1)
        Console.write(report.text(colored: colored), to: .standardOutput, allowingColor: colored)
      case .json:
        Console.write(report.json(), to: .standardOutput, guarded: false)
      }
      if report.errorCount > 0 { throw ExitCode(ExitStatus.inputErrors) }
      if report.result.graph.entities.isEmpty {
        Console.write("plumb: nothing to ingest: no catalog, plan or pipeline found\n", to: .standardError)
        throw ExitCode(ExitStatus.nothingEvaluated)
      }
    }
  }
}
