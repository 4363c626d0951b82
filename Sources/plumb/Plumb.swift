import ArgumentParser
import PlumbKit

@main
struct PlumbCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plumb",
    abstract: "Policy and scorecard compliance for internal developer platforms.",
    discussion: """
      Plumb reads Backstage catalogs, Terraform plans, GitHub Actions workflows and GitLab CI \
      files into one document graph and checks them with rules in its own policy language.
      """,
    version: Plumb.version,
    subcommands: [
      Check.self, Fix.self, Score.self, Test.self, Explain.self, Rules.self, Graph.self, Parse.self, Catalog.self, Org.self,
    ]
  )

  static func main() {
    AllocatorTuning.apply()
    main(nil)
  }
}
