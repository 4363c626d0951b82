import Foundation
import PlumbDiagnostics
import PlumbFiles

/// Writes `--output` files of `plumb check` and `plumb score` through ``OutputFile``: regular files
/// are replaced atomically, FIFOs and character devices are written into, `/dev/stdout` and
/// `/dev/stderr` are the process's own streams, and symbolic links, directories, sockets and block
/// devices are refused.
///
/// The one exception to replacing is GitHub's `$GITHUB_STEP_SUMMARY`, which other tools of the
/// same step write to as well: it is appended to, in one write, as GitHub documents.
public enum OutputWriter {
  /// Writes `text` to `path`, appending when it is this step's `$GITHUB_STEP_SUMMARY`. `root` is
  /// the repository root: inside it no directory on the way to the output may be a symlink.
  ///
  /// - Throws: ``OutputFile/Failure``.
  public static func write(
    _ text: String, to path: String, root: String? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws {
    let mode: OutputFile.Mode = isGitHubStepSummary(path, environment: environment) ? .append : .replace
    try OutputFile.write(text, to: path, root: root, mode: mode)
  }

  /// Why a write failed, as a phrase for a message that names the path itself: an
  /// ``OutputFile/Failure``'s reason ("it is a symbolic link; …"), not Foundation's generic
  /// "The operation could not be completed".
  public static func reason(_ error: any Error) -> String {
    (error as? OutputFile.Failure)?.reason ?? error.localizedDescription
  }

  /// Whether `path` is GitHub's step summary file for this step.
  public static func isGitHubStepSummary(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
    guard let summary = environment["GITHUB_STEP_SUMMARY"], !summary.isEmpty else { return false }
    return OutputFile.absolute(summary) == OutputFile.absolute(path)
  }
}
