import Foundation
import PlumbFiles

/// Writes patched files in place, atomically, only inside the repository root, never through a
/// symlink.
public struct SafeWriter: Sendable {
  /// The repository root.
  public let root: String

  public init(root: String) {
    self.root = URL(fileURLWithPath: root).standardizedFileURL.path
  }

  /// Why `path` must not be written, or nil: it must be inside the root (after resolving the
  /// root's own symlinks), and neither it nor any directory between the root and it may be a
  /// symlink.
  public func refusal(_ path: String) -> String? {
    let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
    let prefix = root.hasSuffix("/") ? root : root + "/"
    guard absolute.hasPrefix(prefix) else { return "\(path) is outside the repository root \(root)" }
    var current = root
    for component in absolute.dropFirst(prefix.count).split(separator: "/") {
      current += "/" + component
      var info = stat()
      guard lstat(current, &info) == 0 else { return "\(current) does not exist" }
      if (info.st_mode & S_IFMT) == S_IFLNK { return "\(current) is a symlink: plumb fix never writes through one" }
    }
    var info = stat()
    guard lstat(absolute, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return "\(path) is not a regular file" }
    return nil
  }

  /// Replaces the file at `path` with `bytes` when it still holds `expected`: a temporary file in
  /// the same directory (same permissions), flushed, then renamed over it.
  public func write(_ bytes: [UInt8], to path: String, expected: [UInt8]) throws {
    if let problem = refusal(path) { throw FixRefusal(problem) }
    let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
    // Read as every file is (a regular file, not larger than what was read before).
    guard case .success(let current) = readFile(path: absolute, displayPath: path, limit: expected.count), current == expected
    else {
      throw FixRefusal("\(path) changed since it was read: not written")
    }
    var info = stat()
    _ = stat(absolute, &info)
    let directory = (absolute as NSString).deletingLastPathComponent
    let name = (absolute as NSString).lastPathComponent
    let temporary = directory + "/.\(name).plumb-fix-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, info.st_mode & 0o7777)
    guard fd >= 0 else { throw FixRefusal("cannot create a temporary file in \(directory)") }
    var written = 0
    let ok = bytes.withUnsafeBytes { buffer -> Bool in
      while written < buffer.count {
        let n = Foundation.write(fd, buffer.baseAddress! + written, buffer.count - written)
        if n <= 0 { return false }
        written += n
      }
      return true
    }
    _ = fchmod(fd, info.st_mode & 0o7777)
    let synced = fsync(fd) == 0
    close(fd)
    guard ok && synced, rename(temporary, absolute) == 0 else {
      unlink(temporary)
      throw FixRefusal("cannot write \(path)")
    }
  }
}
