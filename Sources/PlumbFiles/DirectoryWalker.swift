import PlumbDiagnostics

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// What walking a directory found.
public struct DirectoryWalk: Sendable {
  /// Absolute paths of the files whose names the walker takes, sorted. They are not opened: the
  /// reader checks each (regular file, inside the boundary) when it reads it, so a FIFO, a dangling
  /// link or a link out of the root named like an input is reported, never dropped.
  public var files: [String] = []
  /// Symbolic links to directories inside the boundary: never followed (they can loop, and what
  /// they lead to is walked where it is), listed so that they can be reported as skipped.
  public var linkedDirectories: [String] = []
  /// Directories that could not be read, links to directories outside the boundary, names that are
  /// not UTF-8: errors, each naming the path (as `display` shows it) and the reason.
  public var problems: [Diagnostic] = []
  /// The absolute paths the problems are about, sorted.
  public var failed: [String] = []
  /// Files (named like an input) and directories left out by ``DirectoryWalker/excludes``, never
  /// opened; absolute, sorted.
  public var excluded: [String] = []

  /// An empty walk.
  public init() {}

  /// Records a problem with `path`.
  mutating func fail(_ path: String, _ code: String, _ message: String, _ display: (String) -> String) {
    problems.append(.atStart(of: display(path), code: code, message: message))
    failed.append(path)
  }
}

/// Walks a directory tree for input files, without following symbolic links to directories and
/// without opening any file.
///
/// Entries are classified from `readdir`'s file type (one `lstat` only when the file system does
/// not say), so a tree costs one `opendir` per directory and one `stat` per symbolic link. The walk
/// is iterative (a deep tree cannot exhaust the stack), and a directory that cannot be read is a
/// problem, never an empty directory.
public struct DirectoryWalker: Sendable {
  /// Where symbolic links may lead.
  public var boundary: ReadBoundary
  /// Whether a file with this name is taken (e.g. by extension).
  public var takesFile: @Sendable (String) -> Bool
  /// Whether a directory with this name is left out (e.g. `.git`), silently: by design, not a
  /// problem.
  public var skipsDirectory: @Sendable (String) -> Bool
  /// Whether an entry (absolute path, is a directory) is excluded by the user (`exclude:`,
  /// `--exclude`, `.gitignore`): not opened, not walked, listed in ``DirectoryWalk/excluded``.
  public var excludes: (@Sendable (String, Bool) -> Bool)?

  /// Creates a walker.
  public init(
    boundary: ReadBoundary, takesFile: @escaping @Sendable (String) -> Bool,
    skipsDirectory: @escaping @Sendable (String) -> Bool = { _ in false },
    excludes: (@Sendable (String, Bool) -> Bool)? = nil
  ) {
    self.boundary = boundary
    self.takesFile = takesFile
    self.skipsDirectory = skipsDirectory
    self.excludes = excludes
  }

  /// Walks `directory` (absolute); `display` turns an absolute path into the one messages show.
  public func walk(_ directory: String, display: (String) -> String) -> DirectoryWalk {
    var walk = DirectoryWalk()
    var stack = [directory]
    while let current = stack.popLast() {
      guard let stream = opendir(current) else {
        let error = FileSystemError(errno)
        walk.fail(current, "io.unreadable", "cannot read directory '\(display(current))': \(error)", display)
        continue
      }
      defer { closedir(stream) }
      let prefix = current == "/" ? "/" : current + "/"
      while true {
        errno = 0
        guard let entry = readdir(stream) else {
          if errno != 0 {
            let error = FileSystemError(errno)
            walk.fail(current, "io.unreadable", "cannot read directory '\(display(current))': \(error)", display)
          }
          break
        }
        let (name, isUTF8) = Self.name(entry)
        if name == "." || name == ".." { continue }
        let path = prefix + name
        var type = Int32(entry.pointee.d_type)
        if type == Int32(DT_UNKNOWN) {
          var info = stat()
          type = lstat(path, &info) == 0 ? Self.direntType(info.st_mode) : Int32(DT_UNKNOWN)
        }
        if !isUTF8 && (type == Int32(DT_DIR) || takesFile(name)) {
          walk.fail(path, "io.unreadable", "cannot read '\(display(path))': its name is not valid UTF-8", display)
          continue
        }
        switch type {
        case Int32(DT_DIR):
          if skipsDirectory(name) { continue }
          if excludes?(path, true) == true {
            walk.excluded.append(path)
          } else {
            stack.append(path)
          }
        case Int32(DT_LNK):
          classifyLink(path, name: name, into: &walk, display: display)
        default:
          // Regular files, and FIFOs, sockets and devices named like an input: the reader refuses
          // those with a diagnostic.
          guard takesFile(name) else { continue }
          if excludes?(path, false) == true {
            walk.excluded.append(path)
          } else {
            walk.files.append(path)
          }
        }
      }
    }
    walk.files.sort()
    walk.linkedDirectories.sort()
    walk.problems.sort { ($0.location?.path ?? "") < ($1.location?.path ?? "") }
    walk.failed.sort()
    walk.excluded.sort()
    return walk
  }

  /// A symbolic link: to a directory, it is reported (outside the boundary) or listed (inside);
  /// otherwise it is taken like a file, by name, whether or not it leads anywhere.
  private func classifyLink(_ path: String, name: String, into walk: inout DirectoryWalk, display: (String) -> String) {
    var info = stat()
    guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
      guard takesFile(name) else { return }
      // A link is excluded by its own name, like a file (it is not followed to decide).
      if excludes?(path, false) == true {
        walk.excluded.append(path)
      } else {
        walk.files.append(path)
      }
      return
    }
    if skipsDirectory(name) { return }
    if excludes?(path, true) == true {
      walk.excluded.append(path)
      return
    }
    switch realPath(path) {
    case .success(let real) where boundary.contains(realPath: real):
      walk.linkedDirectories.append(path)
    case .success(let real):
      walk.fail(
        path, "io.outside-root",
        "'\(display(path))' is a symbolic link to the directory '\(real)', outside the root '\(boundary.root)'; "
          + "it is not walked", display)
    case .failure(let error):
      walk.fail(path, "io.unreadable", "cannot read directory '\(display(path))': \(error)", display)
    }
  }

  /// The entry's name, and whether it is valid UTF-8 (invalid bytes are replaced in the name).
  private static func name(_ entry: UnsafeMutablePointer<dirent>) -> (String, Bool) {
    withUnsafeBytes(of: &entry.pointee.d_name) { raw in
      let bytes = raw.prefix { $0 != 0 }
      if let valid = String(validating: bytes, as: UTF8.self) { return (valid, true) }
      return (String(decoding: bytes, as: UTF8.self), false)
    }
  }

  /// `readdir`'s type for an `lstat` mode.
  private static func direntType(_ mode: mode_t) -> Int32 {
    switch mode & S_IFMT {
    case S_IFDIR: Int32(DT_DIR)
    case S_IFLNK: Int32(DT_LNK)
    case S_IFREG: Int32(DT_REG)
    default: Int32(DT_UNKNOWN)
    }
  }
}
