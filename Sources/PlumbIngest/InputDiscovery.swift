import PlumbConfig
import PlumbDiagnostics
import PlumbFiles

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The input files of a run: the files named on the command line, taken whatever their name, and
/// the `*.yaml`, `*.yml` and `*.json` files found by walking the directories named.
///
/// A named file is the user's choice and is read wherever it is. A walked file is the
/// repository's: it is read only if it resolves inside the root or inside the named directory it
/// was found in (``boundary``). Nothing is dropped silently: a path that does not exist, a
/// directory that cannot be read and a symbolic link to a directory outside the boundary are
/// errors (``problems``); a symbolic link to a directory inside it is not followed and is listed
/// (``linkedDirectories``) so the run can report it as skipped.
public struct InputDiscovery: Sendable {
  /// Every file to read, absolute and standardised, sorted, without duplicates.
  public var files: [String] = []
  /// The files named on the command line (read without a boundary).
  public var namedFiles: Set<String> = []
  /// Symbolic links to directories inside the boundary, found while walking: not followed.
  public var linkedDirectories: [String] = []
  /// Paths that do not exist, directories that cannot be read, links out of the boundary.
  public var problems: [Diagnostic] = []
  /// The directories (and names) found that could not be walked: unreadable, links out of the
  /// boundary, names that are not UTF-8 (each has a problem).
  public var failed: [String] = []
  /// Files and directories left out by the exclusions (never opened), absolute, sorted.
  public var excluded: [String] = []
  /// Where walked files (and every file an input refers to) must resolve: the root and the
  /// directories named.
  public var boundary: ReadBoundary

  /// Discovers the inputs under `paths` for a run rooted at `root` (standardised); `display`
  /// turns an absolute path into the one messages show. `exclusions` (relative to the root) leave
  /// out walked entries and named files alike (a hook passes the files it checks by name); a
  /// directory named is walked even if a pattern matches it.
  /// `policyFiles` (absolute) are never inputs: the waiver file, named or walked.
  public init(
    _ paths: [String], root: String, exclusions: PathExclusions = PathExclusions(), policyFiles: Set<String> = [],
    display: (String) -> String
  ) {
    var directories: [String] = []
    var found: [String] = []
    for path in paths {
      let absolute = IngestContext.standardize(path)
      var info = stat()
      guard stat(absolute, &info) == 0 else {
        let error = FileSystemError(errno)
        let link = symbolicLinkTarget(absolute).map { " (it is a symbolic link to '\($0)')" } ?? ""
        let message =
          error.code == ENOENT && link.isEmpty
          ? "no such file or directory: '\(path)'" : "cannot read '\(path)': \(error)\(link)"
        problems.append(Diagnostic(code: error.code == ENOENT ? "io.missing" : "io.unreadable", message: message, location: nil))
        continue
      }
      if info.st_mode & S_IFMT == S_IFDIR {
        directories.append(absolute)
      } else if exclusions.excludes(absolute: absolute, root: root, isDirectory: false) {
        excluded.append(absolute)
      } else {
        namedFiles.insert(absolute)
        found.append(absolute)
      }
    }
    boundary = ReadBoundary(root: root, also: directories)
    var walker = InputWalker(boundary: boundary)
    if !exclusions.isEmpty {
      walker.excludes = { path, isDirectory in exclusions.excludes(absolute: path, root: root, isDirectory: isDirectory) }
    }
    for directory in directories {
      let walk = walker.walk(directory, display: display)
      found += walk.files
      linkedDirectories += walk.linkedDirectories
      problems += walk.problems
      failed += walk.failed
      excluded += walk.excluded
    }
    files = Array(Set(found).subtracting(policyFiles)).sorted()
    namedFiles.subtract(policyFiles)
    excluded = Array(Set(excluded)).sorted()
    linkedDirectories = Array(Set(linkedDirectories)).sorted()
    failed = Array(Set(failed)).sorted()
  }
}

/// Walks a directory for YAML and JSON files, skipping VCS and build folders and Plumb's own files
/// (`.plumb.yaml`, `.plumb-waivers.yaml`, the `.plumb/` directory), and never following symbolic
/// links to directories (``DirectoryWalker``).
public struct InputWalker: Sendable {
  /// Plumb's own files, wherever they are: the configuration and the waiver file.
  static let ownFileNames = PlumbConfiguration.ownFileNames
  /// Plumb's own state directory (the fix engine's action pins, the score history, catalog snapshots).
  static let stateDirectoryName = PlumbConfiguration.stateDirectoryName

  /// Where symbolic links may lead.
  public var boundary: ReadBoundary?
  /// The user's exclusions (absolute path, is a directory), if any.
  public var excludes: (@Sendable (String, Bool) -> Bool)?

  /// A walker bounded by `boundary` (nil: by the directory walked).
  public init(boundary: ReadBoundary? = nil) {
    self.boundary = boundary
  }

  /// Whether a file of this name is an input: a YAML or JSON file that is not Plumb's own.
  public static func takesFile(_ name: String) -> Bool {
    if ownFileNames.contains(name) { return false }
    let lower = name.lowercased()
    return lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") || lower.hasSuffix(".json")
  }

  /// Whether a directory of this name is left out: VCS, build and dependency folders, Terraform's
  /// working directory, and Plumb's own state (`.plumb/action-pins.yaml`, `.plumb/history.sqlite`).
  public static func skipsDirectory(_ name: String) -> Bool {
    name == ".git" || name.hasPrefix(".build") || name == "node_modules" || name == ".terraform"
      || name == stateDirectoryName
  }

  /// Walks `directory` (absolute).
  public func walk(_ directory: String, display: (String) -> String) -> DirectoryWalk {
    DirectoryWalker(
      boundary: boundary ?? ReadBoundary(root: directory), takesFile: Self.takesFile,
      skipsDirectory: Self.skipsDirectory, excludes: excludes
    ).walk(directory, display: display)
  }

  /// The input files under `directory` (absolute), sorted.
  public func walk(_ directory: String) -> [String] {
    walk(directory, display: { $0 }).files
  }
}
