import Foundation

/// The input paths of a run as they were at a git revision, extracted into a temporary directory
/// (`git archive REV -- ROOT | tar -x`), for `--baseline-ref`. The repository, its index and its
/// worktrees are not touched.
///
/// Paths keep their place relative to the repository, so entity ids, and therefore fingerprints,
/// are the same as in the working tree's run.
public struct GitRevisionCheckout: Sendable {
  /// The temporary directory holding everything (remove it with ``remove()``).
  public let directory: String
  /// The run's root, mapped into the extracted tree.
  public let root: String
  /// The run's paths, mapped into the extracted tree.
  public let paths: [String]
  /// The full commit id the revision named.
  public let commit: String

  /// Extracts the revision `ref` of the repository holding `root`, and maps `paths` and `root`.
  public static func make(ref: String, root: String, paths: [String]) -> Result<GitRevisionCheckout, BaselineError> {
    func failure(_ message: String) -> Result<GitRevisionCheckout, BaselineError> {
      .failure(BaselineError(code: "baseline.git", message: message))
    }
    let rootPath = IngestPaths.resolved(IngestPaths.absolute(root))
    guard let top = try? ChildProcess.run(["git", "-C", rootPath, "rev-parse", "--show-toplevel"]), top.status == 0
    else { return failure("--baseline-ref needs a git repository, and '\(root)' is not in one") }
    let toplevel = IngestPaths.resolved(top.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    guard
      let verify = try? ChildProcess.run(["git", "-C", toplevel, "rev-parse", "--verify", "--quiet", ref + "^{commit}"]),
      verify.status == 0
    else {
      return failure(
        "git revision '\(ref)' not found in '\(toplevel)' (in CI, fetch it first: a shallow clone lacks the base branch)")
    }
    let commit = verify.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    guard let relativeRoot = relative(rootPath, to: toplevel) else {
      return failure("the root '\(root)' is outside the git repository '\(toplevel)'")
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-baseline-\(UUID().uuidString)")
      .path
    let tree = directory + "/tree"
    do {
      try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
    } catch {
      return failure("cannot create a temporary directory for the baseline: \(error.localizedDescription)")
    }
    let checkout = GitRevisionCheckout(
      directory: directory, root: relativeRoot.isEmpty ? tree : tree + "/" + relativeRoot,
      paths: paths.map { path in
        let absolute = IngestPaths.resolved(IngestPaths.absolute(path))
        guard let inside = relative(absolute, to: toplevel) else { return absolute }
        return inside.isEmpty ? tree : tree + "/" + inside
      }, commit: commit)
    // A root that did not exist at the revision gives an empty baseline: everything is new.
    if !relativeRoot.isEmpty {
      let exists = try? ChildProcess.run(["git", "-C", toplevel, "cat-file", "-e", commit + ":" + relativeRoot])
      if exists?.status != 0 {
        try? FileManager.default.createDirectory(atPath: checkout.root, withIntermediateDirectories: true)
        return .success(checkout)
      }
    }
    let archive = directory + "/revision.tar"
    var arguments = ["git", "-C", toplevel, "archive", "--format=tar", "-o", archive, commit]
    if !relativeRoot.isEmpty { arguments += ["--", relativeRoot] }
    guard let archived = try? ChildProcess.run(arguments), archived.status == 0 else {
      checkout.remove()
      return failure("git archive of '\(ref)' failed")
    }
    guard let extracted = try? ChildProcess.run(["tar", "-xf", archive, "-C", tree]), extracted.status == 0 else {
      checkout.remove()
      return failure("cannot extract the files of '\(ref)' (tar failed)")
    }
    try? FileManager.default.removeItem(atPath: archive)
    return .success(checkout)
  }

  /// Deletes the temporary directory.
  public func remove() {
    try? FileManager.default.removeItem(atPath: directory)
  }

  /// `path` relative to `base` ("" when equal), nil when outside.
  static func relative(_ path: String, to base: String) -> String? {
    if path == base { return "" }
    let prefix = base.hasSuffix("/") ? base : base + "/"
    return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : nil
  }
}
