import ArgumentParser
import Foundation
import PlumbKit

extension ProjectInit.CI: ExpressibleByArgument {}

extension PlumbCommand {
  struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a commented .plumb.yaml (and a CI job) into a repository.",
      discussion: """
        Writes .plumb.yaml at the root (default: the current directory) with every key explained, \
        and with --ci github a workflow (.github/workflows/plumb.yml) running Plumb's Action, or \
        with --ci gitlab a job (.gitlab/plumb.gitlab-ci.yml) to include from .gitlab-ci.yml. \
        Nothing is ever replaced: if any of these paths exists (a symbolic link included), \
        nothing is written and the exit status is 1. See docs/getting-started.md.
        """
    )

    @Option(help: "The repository root to write into (default: the current directory).")
    var root: String?

    @Option(help: "Also write a CI job: github or gitlab.")
    var ci: ProjectInit.CI?

    func run() throws {
      let root = root ?? FileManager.default.currentDirectoryPath
      switch ProjectInit.write(root: root, ci: ci) {
      case .written(let paths):
        for path in paths { Console.write("plumb: wrote \(path)\n", to: .standardError) }
        Console.write("plumb: next, run `plumb check .` (docs/getting-started.md)\n", to: .standardError)
      case .refused(let reason):
        Console.write("plumb: init: \(reason)\n", to: .standardError)
        throw ExitCode.failure  // 1: nothing written (docs/exit-codes.md)
      }
    }
  }
}
