import PlumbReport
import Testing

/// Remote URLs and `repository:` values to repository names: `owner/name` for github.com,
/// `host/path` elsewhere, credentials never kept, local paths not names.
@Suite struct RepositoryIdentityTests {
  @Test(arguments: [
    ("git@github.com:acme/payments.git", "acme/payments"),
    ("https://github.com/acme/payments", "acme/payments"),
    ("https://github.com/acme/payments.git/", "acme/payments"),
    ("https://x-access-token:ghs_SECRET@github.com/acme/payments.git", "acme/payments"),
    ("ssh://git@github.com:22/acme/payments.git", "acme/payments"),
    ("HTTPS://GitHub.com/acme/payments", "acme/payments"),
    ("ssh://git@gitlab.example.com:2222/platform/infra/network.git", "gitlab.example.com/platform/infra/network"),
    ("git@gitlab.example.com:platform/infra.git", "gitlab.example.com/platform/infra"),
    ("https://user:pass@dev.azure.com/org/project/_git/repo", "dev.azure.com/org/project/_git/repo"),
    ("acme/payments", "acme/payments"),
  ])
  func remotesAreNormalised(_ remote: String, _ name: String) {
    #expect(RepositoryIdentity.normalizedRemote(remote) == name)
  }

  @Test func localPathsAndOtherSchemesAreNoNames() {
    for remote in ["/srv/git/payments.git", "./payments", "../payments", "~/payments", "file:///srv/git/payments.git", "", "https://github.com/"] {
      #expect(RepositoryIdentity.normalizedRemote(remote) == nil, "\(remote)")
    }
  }

  @Test func aRunWithoutBranchesCountsAsTheDefaultBranch() {
    #expect(RepositoryIdentity(name: "a", source: .directory).isOnDefaultBranch)
    #expect(RepositoryIdentity(name: "a", source: .directory, branch: "main", defaultBranch: "main").isOnDefaultBranch)
    #expect(!RepositoryIdentity(name: "a", source: .directory, branch: "feature", defaultBranch: "main").isOnDefaultBranch)
  }
}
