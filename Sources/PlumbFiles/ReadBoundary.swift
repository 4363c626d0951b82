#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The directories a read may reach: a file whose real path (every symbolic link resolved) lies
/// outside all of them is refused before it is opened.
///
/// Who chooses a path decides whether it is bounded. A path named on the command line is the
/// user's choice and is read wherever it is; a file found by walking a directory, or named by an
/// input (a `Location` target, a GitLab local include, a local action, a `rules:` entry of
/// `.plumb.yaml`, a Terraform module source), is the repository's, and whoever opens a pull
/// request writes the repository: it must resolve inside the root, or inside the directory the
/// user named that it was found in.
public struct ReadBoundary: Sendable, Hashable {
  /// The root as given (standardised), named in messages.
  public let root: String
  /// The real paths of the root and of the other directories allowed, sorted, without duplicates.
  public let realDirectories: [String]

  /// A boundary of `root` and `directories` (each resolved to its real path once, now; one that
  /// cannot be resolved is kept as given, so nothing reached through a symbolic link matches it).
  public init(root: String, also directories: [String] = []) {
    self.root = root
    realDirectories = Set(([root] + directories).map { realPath($0).successValue ?? $0 }).sorted()
  }

  /// Whether `realPath` (already resolved) lies inside one of the directories.
  public func contains(realPath: String) -> Bool {
    realDirectories.contains { directory in
      directory == "/" || realPath == directory || realPath.hasPrefix(directory + "/")
    }
  }

  /// Resolves `path` and says whether it lies inside; nil when it cannot be resolved (missing, a
  /// dangling symbolic link, a loop).
  public func containsResolving(_ path: String) -> Bool? {
    realPath(path).successValue.map { contains(realPath: $0) }
  }
}

/// `path` with every symbolic link, `.` and `..` resolved (`realpath(3)`), or the `errno` that
/// stopped it (`ENOENT` for a dangling link, `ELOOP` for a loop, `EACCES`).
public func realPath(_ path: String) -> Result<String, FileSystemError> {
  guard let resolved = realpath(path, nil) else { return .failure(FileSystemError(errno)) }
  defer { free(resolved) }
  return .success(String(cString: resolved))
}

/// An `errno` value from a file system call, with its text.
public struct FileSystemError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The `errno` value.
  public let code: Int32

  /// Wraps `code`.
  public init(_ code: Int32) { self.code = code }

  /// The system's text for the error (`strerror`), e.g. "Permission denied".
  public var description: String { String(cString: strerror(code)) }
}

extension Result {
  /// The value when successful, else nil.
  var successValue: Success? {
    if case .success(let value) = self { return value }
    return nil
  }
}
