import ArgumentParser
import PlumbKit

/// Which repository a run is, for reports and history (docs/organisation.md, "Repository identity").
struct RepositoryArguments: ParsableArguments {
  @Option(
    help: "The repository's name, e.g. acme/payments (default: .plumb.yaml's repository:, else the git remote, else the root's name).")
  var repository: String?

  @Option(help: "The branch (default: the checked-out branch, else $GITHUB_HEAD_REF, $GITHUB_REF_NAME or $CI_COMMIT_REF_NAME).")
  var branch: String?

  @Option(help: "The repository's default branch (default: origin/HEAD, else $CI_DEFAULT_BRANCH).")
  var defaultBranch: String?

  var overrides: RepositoryIdentityResolver.Overrides {
    RepositoryIdentityResolver.Overrides(repository: repository, branch: branch, defaultBranch: defaultBranch)
  }
}
