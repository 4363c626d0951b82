import ArgumentParser

/// `--exclude` and `--respect-gitignore`, shared by every command that walks inputs.
struct ExclusionArguments: ParsableArguments {
  @Option(
    name: .customLong("exclude"),
    help: ArgumentHelp(
      "Leave out files and directories matching this pattern (.gitignore syntax, relative to the root; repeatable; after `exclude:` in .plumb.yaml).",
      valueName: "glob"))
  var patterns: [String] = []

  @Flag(help: "The root's .gitignore excludes inputs too (as `respect_gitignore: true` in .plumb.yaml).")
  var respectGitignore = false

  func validate() throws {
    for pattern in patterns where pattern.contains("\n") || pattern.contains("\r") {
      throw ValidationError("--exclude patterns are one line each")
    }
  }
}
