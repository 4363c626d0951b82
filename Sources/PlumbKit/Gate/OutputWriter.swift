import Foundation

/// Writes an output file atomically: the text goes to a temporary file beside it, which is then
/// renamed over the target, so a reader (a CI upload step) never sees a half-written report.
///
/// The one exception is GitHub's `$GITHUB_STEP_SUMMARY`, which other tools of the same step write
/// to as well: it is appended to, in one write, as GitHub documents.
public enum OutputWriter {
  /// Appends `text` to `path` (created if missing) with a single write.
  public static func append(_ text: String, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    if !FileManager.default.fileExists(atPath: path) {
      try write(text, to: path)
      return
    }
    let handle = try FileHandle(forWritingTo: url)
    defer { try? handle.close() }
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(text.utf8))
  }

  /// Whether `path` is GitHub's step summary file for this step.
  public static func isGitHubStepSummary(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
    guard let summary = environment["GITHUB_STEP_SUMMARY"], !summary.isEmpty else { return false }
    return URL(fileURLWithPath: summary).standardizedFileURL.path == URL(fileURLWithPath: path).standardizedFileURL.path
  }

  /// Writes `text` to `path`, creating missing parent directories.
  public static func write(_ text: String, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent()
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).plumb-\(UUID().uuidString).tmp")
    do {
      try writeBytes(of: text, to: temporary.path)
      guard rename(temporary.path, url.path) == 0 else { throw posixError(path) }
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw error
    }
  }

  /// Writes the string's own bytes (a report can be a hundred megabytes) to a new file with
  /// POSIX calls. Not `Data.write`, which also `fsync`s: the rename already makes the report
  /// appear whole, and waiting for the disk cost more than the rest of a small check's output.
  static func writeBytes(of text: String, to path: String) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
    guard descriptor >= 0 else { throw posixError(path) }
    var text = text
    let failure: CocoaError? = text.withUTF8 { bytes in
      var offset = 0
      while offset < bytes.count {
        let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return posixError(path)
        }
        offset += written
      }
      return nil
    }
    let closed = close(descriptor)
    if let failure { throw failure }
    if closed != 0 { throw posixError(path) }
  }

  private static func posixError(_ path: String) -> CocoaError {
    CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: String(cString: strerror(errno))])
  }
}
