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
      var text = text
      // Written from the string's own bytes: a report can be a hundred megabytes.
      try text.withUTF8 { bytes in
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return try Data().write(to: temporary) }
        try Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none)
          .write(to: temporary)
      }
      guard rename(temporary.path, url.path) == 0 else {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: String(cString: strerror(errno))])
      }
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw error
    }
  }
}
