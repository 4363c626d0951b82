import ArgumentParser
import PlumbKit

@main
struct PlumbCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plumb",
    abstract: "Policy and scorecard compliance for internal developer platforms.",
    discussion: """
      Plumb reads Backstage catalogs, Terraform plans, GitHub Actions workflows and GitLab CI \
      files into one document graph and checks them with rules in its own policy language. \
      Start with `plumb init` and `plumb check .` (docs/getting-started.md).

      Shell completion: `plumb --generate-completion-script bash` (or zsh, fish) prints a \
      completion script to install, e.g. into /etc/bash_completion.d/plumb.
      """,
    version: Plumb.version,
    subcommands: [
      Check.self, Fix.self, Score.self, Test.self, Explain.self, Rules.self, Graph.self, Parse.self, Catalog.self, Org.self,
      Init.self,
    ]
  )

  static func main() {
    AllocatorTuning.apply()
    main(nil)
  }
}
