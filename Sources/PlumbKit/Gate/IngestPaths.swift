import Foundation
import PlumbIngest

/// Path helpers shared by the gate: absolute paths and paths as shown relative to the root.
enum IngestPaths {
  /// An absolute, standardised path.
  static func absolute(_ path: String) -> String { IngestContext.standardize(path) }

  /// `path` relative to `root` when inside it, else as given.
  static func display(_ absolutePath: String, root: String) -> String {
    let base = IngestContext.standardize(root)
    if absolutePath == base { return "." }
    let prefix = base.hasSuffix("/") ? base : base + "/"
    return absolutePath.hasPrefix(prefix) ? String(absolutePath.dropFirst(prefix.count)) : absolutePath
  }

  /// Whether anything is at `path`, without following a symbolic link (a dangling link exists).
  static func exists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
  }

  /// `path` with symlinks resolved (for comparing with git's top level).
  static func resolved(_ path: String) -> String {
    URL(fileURLWithPath: path).resolvingSymlinksInPath().path
  }
}
