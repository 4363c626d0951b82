import Foundation
import PlumbReport

/// Works out which repository, branch and commit a run is on (docs/organisation.md, "Repository
/// identity"):
///
/// - the name: `--repository`, else `.plumb.yaml`'s `repository:`, else the root's git remote
///   (`origin`, else the first remote) normalised to `owner/name` (github.com) or `host/path`,
///   else the root directory's name;
/// - the branch: `--branch`, else the checked-out branch, else the CI's (`GITHUB_HEAD_REF`,
///   `GITHUB_REF_NAME`, `CI_COMMIT_REF_NAME`: CI checkouts are detached);
/// - the default branch: `--default-branch`, else `origin/HEAD`, else `CI_DEFAULT_BRANCH`;
/// - the commit: `--commit`, else `git rev-parse HEAD`.
///
/// Git is asked at most three times, and only when the root is in a work tree; a failing git
/// leaves the member unknown (nil), never fails the run.
public enum RepositoryIdentityResolver {
  /// What the command line says (each overrides what would be found).
  public struct Overrides: Sendable, Hashable {
    public var repository: String?
    public var branch: String?
    public var defaultBranch: String?
    public var commit: String?
    public init(repository: String? = nil, branch: String? = nil, defaultBranch: String? = nil, commit: String? = nil) {
      self.repository = repository
      self.branch = branch
      self.defaultBranch = defaultBranch
      self.commit = commit
    }
  }

  /// The identity of the run at `root`.
  public static func resolve(
    root: String, configured: String?, overrides: Overrides = Overrides(),
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> RepositoryIdentity {
    // The git calls run at once (each is a process start: together they were a tenth of a second
    // of a small check's wall time): the commit and the branch (`HEAD` then `--abbrev-ref HEAD`,
    // `HEAD` when detached), origin's default branch, and the remotes when no name is given.
    let needsRemote = overrides.repository.flatMap(usable) == nil && configured.flatMap(usable) == nil
    let calls: [[String]?] = [
      ["rev-parse", "HEAD", "--abbrev-ref", "HEAD"],
      ["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"],
      needsRemote ? ["config", "--get-regexp", "^remote\\..*\\.url$"] : nil,
    ]
    let answers = ChildProcess.onThreads(calls.map { arguments in { arguments.flatMap { git($0, root: root) } } })
    var commit: String?
    var branch: String?
    var inWorkTree = false
    if let output = answers[0] {
      inWorkTree = true
      let lines = output.split(separator: "\n").map(String.init)
      if lines.count >= 1, !lines[0].isEmpty { commit = lines[0] }
      if lines.count >= 2, lines[1] != "HEAD", !lines[1].isEmpty { branch = lines[1] }
    }
    if branch == nil {
      for variable in ["GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME"] {
        if let value = environment[variable], !value.isEmpty {
          branch = value
          break
        }
      }
    }
    var defaultBranch: String?
    if inWorkTree, let head = answers[1] {
      let name = head.trimmingCharacters(in: .whitespacesAndNewlines)
      defaultBranch = name.hasPrefix("origin/") ? String(name.dropFirst("origin/".count)) : name
    }
    if defaultBranch?.isEmpty ?? true { defaultBranch = environment["CI_DEFAULT_BRANCH"].flatMap { $0.isEmpty ? nil : $0 } }

    var name = directoryName(root)
    var source = RepositoryIdentity.Source.directory
    if let given = overrides.repository.flatMap(usable) {
      name = RepositoryIdentity.normalizedRemote(given) ?? given
      source = .commandLine
    } else if let configured = configured.flatMap(usable) {
      name = RepositoryIdentity.normalizedRemote(configured) ?? configured
      source = .configuration
    } else if inWorkTree, let output = answers[2], let remote = remoteName(configOutput: output) {
      name = remote
      source = .gitRemote
    }
    return RepositoryIdentity(
      name: name, source: source, branch: overrides.branch.flatMap(usable) ?? branch,
      defaultBranch: overrides.defaultBranch.flatMap(usable) ?? defaultBranch,
      commit: overrides.commit.flatMap(usable) ?? commit)
  }

  /// The remote's repository name: `origin`'s URL, else the first remote's (in name order).
  static func remoteName(configOutput output: String) -> String? {
    var remotes: [(remote: String, url: String)] = []
    for line in output.split(separator: "\n") {
      guard let space = line.firstIndex(of: " ") else { continue }
      let key = line[..<space].dropFirst("remote.".count).dropLast(".url".count)
      remotes.append((String(key), String(line[line.index(after: space)...])))
    }
    let ordered = remotes.filter { $0.remote == "origin" } + remotes.filter { $0.remote != "origin" }.sorted { $0.remote < $1.remote }
    for remote in ordered {
      if let name = RepositoryIdentity.normalizedRemote(remote.url) { return name }
    }
    return nil
  }

  /// The last component of the root's absolute path (`/` for the file system's root).
  static func directoryName(_ root: String) -> String {
    let url = URL(fileURLWithPath: root).standardizedFileURL
    let last = url.lastPathComponent
    return last.isEmpty ? "/" : last
  }

  /// `text` without surrounding white space, nil when nothing is left.
  static func usable(_ text: String) -> String? {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    return trimmed.isEmpty ? nil : trimmed
  }

  /// `git -C root ARGS`'s standard output, nil when git fails or is missing.
  static func git(_ arguments: [String], root: String) -> String? {
    guard let output = try? ChildProcess.run(["git", "-C", root] + arguments), output.status == 0 else { return nil }
    return output.stdout
  }
}
