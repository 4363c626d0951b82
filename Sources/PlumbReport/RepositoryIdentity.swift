/// Which repository a run checked or scored, on which branch and at which commit: written into
/// every report (JSON, SARIF) and every recorded score run, so history is kept per repository and
/// the organisation's view (`plumb org`) knows where each entity comes from.
///
/// Every member is untrusted text (a remote URL, a branch name and a directory name are chosen by
/// whoever controls the repository): outputs escape them as they escape everything else.
public struct RepositoryIdentity: Sendable, Codable, Hashable {
  /// Where ``name`` came from.
  public enum Source: String, Sendable, Codable, Hashable {
    /// `--repository` on the command line.
    case commandLine = "command-line"
    /// `repository:` in `.plumb.yaml`.
    case configuration
    /// The root's git remote (`origin`, else the first one), normalised.
    case gitRemote = "git-remote"
    /// The root directory's name (no configuration, no remote).
    case directory
  }

  /// `owner/name` for GitHub, `host/path` for other hosts, or the root directory's name.
  public var name: String
  /// Where the name came from.
  public var source: Source
  /// The branch checked (nil when unknown: a detached checkout outside CI).
  public var branch: String?
  /// The repository's default branch, when known (`origin/HEAD`, `CI_DEFAULT_BRANCH`, `--default-branch`).
  public var defaultBranch: String?
  /// The commit checked (`git rev-parse HEAD`), when known.
  public var commit: String?

  public init(name: String, source: Source, branch: String? = nil, defaultBranch: String? = nil, commit: String? = nil) {
    self.name = name
    self.source = source
    self.branch = branch
    self.defaultBranch = defaultBranch
    self.commit = commit
  }

  /// Whether the run was on the default branch: true when the branch is the default one, and when
  /// either is unknown (a run that cannot say is taken as the default branch's, and documented so).
  public var isOnDefaultBranch: Bool {
    guard let branch, let defaultBranch else { return true }
    return branch == defaultBranch
  }

  /// A repository name from a remote URL or a `repository:` value: `owner/name` for github.com,
  /// `host/path` for any other host, nil for a local path or something unreadable. Credentials,
  /// ports, `.git` and trailing slashes are dropped (a token in a remote URL is never recorded).
  ///
  /// `git@github.com:acme/payments.git`, `https://x-access-token:T@github.com/acme/payments` →
  /// `acme/payments`; `ssh://git@gitlab.example.com:2222/platform/infra/network.git` →
  /// `gitlab.example.com/platform/infra/network`; `acme/payments` stays as it is.
  public static func normalizedRemote(_ text: String) -> String? {
    var rest = Substring(text.trimmingCharacters(in: .whitespaces))
    guard !rest.isEmpty else { return nil }
    var host: Substring?
    if let scheme = rest.range(of: "://") {
      let schemeName = rest[..<scheme.lowerBound].lowercased()
      guard ["https", "http", "ssh", "git", "git+ssh", "ssh+git"].contains(schemeName) else { return nil }
      rest = rest[scheme.upperBound...]
      let slash = rest.firstIndex(of: "/") ?? rest.endIndex
      var authority = rest[..<slash]
      if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
      if let colon = authority.lastIndex(of: ":"), !authority.hasPrefix("[") { authority = authority[..<colon] }
      host = authority
      rest = slash < rest.endIndex ? rest[rest.index(after: slash)...] : ""
    } else if let colon = rest.firstIndex(of: ":"), !rest[..<colon].contains("/") {
      // scp-like: [user@]host:path
      var authority = rest[..<colon]
      if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
      host = authority
      rest = rest[rest.index(after: colon)...]
    } else if rest.hasPrefix("/") || rest.hasPrefix(".") || rest.hasPrefix("~") {
      return nil  // a local path: no repository name in it
    }
    var path = String(rest)
    while path.hasPrefix("/") { path.removeFirst() }
    while path.hasSuffix("/") { path.removeLast() }
    if path.hasSuffix(".git") { path.removeLast(4) }
    while path.hasSuffix("/") { path.removeLast() }
    guard !path.isEmpty else { return nil }
    guard let host = host.map({ $0.lowercased() }), !host.isEmpty else { return path }
    if host == "github.com" || host == "www.github.com" { return path }
    return host + "/" + path
  }
}
