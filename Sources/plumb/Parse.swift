import ArgumentParser
import Foundation
import PlumbKit

/// Output formats of `plumb parse`.
enum ParseFormat: String, ExpressibleByArgument, CaseIterable {
  case text
  case json
}

extension PlumbCommand {
  struct Parse: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Load YAML and JSON inputs and print their node trees with source spans.",
      discussion: """
        Directories are searched recursively for *.yaml, *.yml and *.json files. Every file is \
        loaded, even after errors in others. Exit status: 0 when everything loaded, 2 when an \
        input had errors, 4 when no input was found, 64 on a usage error.
        """
    )

    @Argument(help: "Files or directories to load.")
    var paths: [String]

    @Option(help: "Output format: text or json.")
    var format: ParseFormat = .text

    @Option(help: "Colour diagnostics: auto, always or never.")
    var color: ColorMode = .auto

    func run() throws {
      let report = ParseReport.load(paths: paths)
      // Written in pieces as it is produced: a large input's dump is never held whole. The text
      // dump guards its own pieces; JSON is safe by construction.
      let write = { (piece: String) in Console.write(piece, to: .standardOutput, guarded: false) }
      switch format {
      case .text:
        let colored = color.enabled(isTTY: isatty(STDOUT_FILENO) == 1)
        report.writeText(diagnosticsColored: colored, to: write)
      case .json:
        report.writeJSON(to: write)
      }
      if report.errorCount > 0 { throw ExitCode(ExitStatus.inputErrors) }
      if report.files.isEmpty {
        Console.write("plumb: no YAML or JSON input found\n", to: .standardError)
        throw ExitCode(ExitStatus.nothingEvaluated)
      }
    }
  }
}
