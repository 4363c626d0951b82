import Foundation
import PlumbDiagnostics

/// Writes Plumb's outputs (`--output` reports, the dashboard, fix bundles) without damaging
/// what the path names. Every command writes its outputs through here.
///
/// What is at the path decides how it is written:
/// - nothing, or a regular file: replaced atomically. The text goes to a new temporary file in
///   the same directory (created with `O_EXCL | O_NOFOLLOW`, the old file's permissions), which
///   is renamed over the path, so a reader never sees half a report.
/// - a FIFO or a character device (`/dev/null`, a terminal): written into, never replaced or
///   truncated. A FIFO is opened without blocking: with no process reading it the write fails at
///   once with an error instead of hanging the run.
/// - `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`: written into that open file
///   descriptor (not reopened: a shell redirection keeps its position).
/// - a symbolic link, a directory, a socket, a block device or anything else: refused. A
///   symlink is refused rather than followed because the path usually lies in the checkout,
///   where a pull request can plant a link to any file the CI user may write; naming the target
///   itself works.
///
/// Inside the repository `root`, no directory between the root and the output may be a
/// symbolic link either (missing ones are created); outside it (a CI temporary directory), the
/// parent directories are followed, and only the last component is checked.
public enum OutputFile {
  /// How a regular file is written.
  public enum Mode: Sendable {
    /// Replace it atomically (temporary file and rename).
    case replace
    /// Append in one write (GitHub's `$GITHUB_STEP_SUMMARY`, which other tools of the step
    /// write to as well).
    case append
  }

  /// Why an output was not written.
  public struct Failure: Error, CustomStringConvertible, Sendable {
    /// The path as given.
    public let path: String
    /// What is wrong, e.g. "it is a symbolic link; …".
    public let reason: String

    public init(path: String, reason: String) {
      self.path = path
      self.reason = reason
    }

    public var description: String { "'\(TerminalText.oneLine(path))': \(reason)" }
  }

  /// Writes `text` to `path` (relative to the working directory), following the rules above.
  ///
  /// - Throws: ``Failure`` when the path is refused or the write fails.
  public static func write(_ text: String, to path: String, root: String? = nil, mode: Mode = .replace) throws {
    if let descriptor = streamDescriptor(path) {
      try writeIntoDescriptor(text, descriptor: descriptor, path: path)
      return
    }
    let absolute = Self.absolute(path)
    guard let slash = absolute.lastIndex(of: "/") else { throw Failure(path: path, reason: "it is not a file path") }
    let name = String(absolute[absolute.index(after: slash)...])
    guard !name.isEmpty, name != ".", name != ".." else { throw Failure(path: path, reason: "it is a directory") }
    let parent = slash == absolute.startIndex ? "/" : String(absolute[..<slash])
    let directory = try OutputDirectory(opening: parent, root: root, displayPath: path, isOutputItself: false)
    try directory.write(text, name: name, mode: mode, displayPath: path)
  }

  /// The open file descriptor `path` names when it is a standard stream alias (`/dev/stdout`,
  /// `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`), else nil.
  public static func streamDescriptor(_ path: String) -> Int32? {
    switch path {
    case "/dev/stdout": return 1
    case "/dev/stderr": return 2
    default: break
    }
    for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
      let digits = path.dropFirst(prefix.count)
      guard !digits.isEmpty, digits.count <= 9, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
      return Int32(digits)
    }
    return nil
  }

  /// `path` made absolute against the working directory, with `.`, `..` and repeated slashes
  /// resolved lexically.
  public static func absolute(_ path: String) -> String {
    let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    var components: [Substring] = []
    for component in full.split(separator: "/", omittingEmptySubsequences: true) {
      switch component {
      case ".": continue
      case "..": if !components.isEmpty { components.removeLast() }
      default: components.append(component)
      }
    }
    let joined = "/" + components.joined(separator: "/")
    // Keep a trailing slash: it says the path names a directory.
    return path.hasSuffix("/") && joined != "/" ? joined + "/" : joined
  }

  static func writeIntoDescriptor(_ text: String, descriptor: Int32, path: String) throws {
    let flags = fcntl(descriptor, F_GETFL)
    guard flags >= 0 else { throw Failure(path: path, reason: "it is not an open file descriptor") }
    guard flags & O_ACCMODE != O_RDONLY else { throw Failure(path: path, reason: "it is not open for writing") }
    try writeAll(text, to: descriptor, path: path)
  }

  /// Writes every byte of `text` to `descriptor`, retrying after interruptions and waiting while
  /// a non-blocking descriptor is full.
  public static func writeAll(_ text: String, to descriptor: Int32, path: String) throws {
    var text = text
    let failure: Failure? = text.withUTF8 { bytes in
      guard let base = bytes.baseAddress else { return nil }
      var offset = 0
      while offset < bytes.count {
        let written = Foundation.write(descriptor, base + offset, bytes.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          if errno == EAGAIN || errno == EWOULDBLOCK {
            var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            _ = poll(&poller, 1, 1_000)
            continue
          }
          return Failure(path: path, reason: errorText())
        }
        offset += written
      }
      return nil
    }
    if let failure { throw failure }
  }

  static func errorText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }
}

/// An open directory that outputs are written into by name: `plumb fix --bundle DIR` writes its
/// patches and pull requests here; ``OutputFile/write(_:to:root:mode:)`` opens the parent of
/// every output. Held open, so the directory cannot be swapped for a symbolic link while files
/// are written into it.
public final class OutputDirectory: @unchecked Sendable {
  let descriptor: Int32
  /// The directory's path as given.
  public let path: String

  /// Opens the directory `path`, creating it and missing parents. Inside `root` neither it nor
  /// any directory between the root and it may be a symbolic link; outside, only `path` itself
  /// may not.
  ///
  /// - Throws: ``OutputFile/Failure`` when it is refused or cannot be created.
  public convenience init(_ path: String, root: String?) throws {
    try self.init(opening: OutputFile.absolute(path), root: root, displayPath: path, isOutputItself: true)
  }

  /// Opens `absolute`; `isOutputItself`: the directory is the output (a bundle), so its own last
  /// component must not be a symlink either.
  init(opening absolute: String, root: String?, displayPath: String, isOutputItself: Bool) throws {
    self.path = displayPath
    let rootPath = root.map { OutputFile.absolute($0) }.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    let target = absolute.hasSuffix("/") && absolute != "/" ? String(absolute.dropLast()) : absolute
    var start: String
    var walk: [Substring]
    if let rootPath, target == rootPath || target.hasPrefix(rootPath == "/" ? "/" : rootPath + "/") {
      // Inside the root: open the root as given, then every component without following links.
      start = rootPath
      walk = target.dropFirst(rootPath.count).split(separator: "/")
    } else if isOutputItself, let slash = target.lastIndex(of: "/"), target != "/" {
      // Outside: the parents are followed, the directory itself is not.
      start = slash == target.startIndex ? "/" : String(target[..<slash])
      walk = [target[target.index(after: slash)...]]
    } else {
      start = target
      walk = []
    }
    if !FileManager.default.fileExists(atPath: start) {
      do {
        try FileManager.default.createDirectory(atPath: start, withIntermediateDirectories: true)
      } catch {
        throw OutputFile.Failure(path: displayPath, reason: "directory \(TerminalText.oneLine(start)) cannot be created")
      }
    }
    var current = open(start, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard current >= 0 else {
      throw OutputFile.Failure(path: displayPath, reason: "\(TerminalText.oneLine(start)): \(OutputFile.errorText())")
    }
    var reached = start
    for component in walk {
      let name = String(component)
      reached += (reached.hasSuffix("/") ? "" : "/") + name
      var next = openat(current, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
      if next < 0 && errno == ENOENT {
        if mkdirat(current, name, 0o777) != 0 && errno != EEXIST {
          let reason = OutputFile.errorText()
          close(current)
          throw OutputFile.Failure(path: displayPath, reason: "\(TerminalText.oneLine(reached)) cannot be created: \(reason)")
        }
        next = openat(current, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
      }
      if next < 0 {
        let code = errno
        var info = stat()
        let isLink = fstatat(current, name, &info, AT_SYMLINK_NOFOLLOW) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
        close(current)
        let shown = TerminalText.oneLine(reached)
        if isLink {
          let inside = rootPath != nil && (reached.hasPrefix(rootPath! + "/") || rootPath == "/")
          throw OutputFile.Failure(
            path: displayPath,
            reason: "\(shown) is a symbolic link\(inside ? " inside the repository root" : ""); Plumb never writes through one")
        }
        throw OutputFile.Failure(path: displayPath, reason: "\(shown): \(OutputFile.errorText(code))")
      }
      close(current)
      current = next
    }
    descriptor = current
  }

  deinit { close(descriptor) }

  /// Writes `text` as the file `name` in this directory, following ``OutputFile``'s rules for
  /// what is already there.
  ///
  /// - Throws: ``OutputFile/Failure`` when it is refused or the write fails.
  public func write(_ text: String, name: String, mode: OutputFile.Mode = .replace) throws {
    try write(text, name: name, mode: mode, displayPath: path + (path.hasSuffix("/") ? "" : "/") + name)
  }

  func write(_ text: String, name: String, mode: OutputFile.Mode, displayPath: String) throws {
    func failure(_ reason: String) -> OutputFile.Failure { OutputFile.Failure(path: displayPath, reason: reason) }
    var info = stat()
    guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
      guard errno == ENOENT else { throw failure(OutputFile.errorText()) }
      switch mode {
      case .replace:
        return try replace(text, name: name, permissions: 0o666, keepingPermissions: false, displayPath: displayPath)
      case .append:
        let fd = openat(descriptor, name, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw failure(OutputFile.errorText()) }
        defer { close(fd) }
        return try OutputFile.writeAll(text, to: fd, path: displayPath)
      }
    }
    switch info.st_mode & S_IFMT {
    case S_IFREG:
      switch mode {
      case .replace:
        try replace(
          text, name: name, permissions: mode_t(info.st_mode & 0o7777), keepingPermissions: true, displayPath: displayPath)
      case .append:
        let fd = openat(descriptor, name, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw failure(OutputFile.errorText()) }
        defer { close(fd) }
        try requireType(fd, S_IFREG, displayPath)
        try OutputFile.writeAll(text, to: fd, path: displayPath)
      }
    case S_IFIFO, S_IFCHR:
      let isFIFO = info.st_mode & S_IFMT == S_IFIFO
      // Never blocks on open: a FIFO with no reader fails with ENXIO at once.
      let fd = openat(descriptor, name, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC)
      guard fd >= 0 else {
        if isFIFO && errno == ENXIO {
          throw failure("it is a FIFO that no process is reading; Plumb does not wait for a reader")
        }
        throw failure(OutputFile.errorText())
      }
      defer { close(fd) }
      try requireType(fd, isFIFO ? S_IFIFO : S_IFCHR, displayPath)
      let flags = fcntl(fd, F_GETFL)
      if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
      try OutputFile.writeAll(text, to: fd, path: displayPath)
    case S_IFLNK:
      throw failure("it is a symbolic link; Plumb does not write through one (name the file it points to)")
    case S_IFDIR:
      throw failure("it is a directory")
    case S_IFSOCK:
      throw failure("it is a socket; Plumb writes only regular files, FIFOs and character devices")
    case S_IFBLK:
      throw failure("it is a block device; Plumb writes only regular files, FIFOs and character devices")
    default:
      throw failure("it is not a regular file; Plumb writes only regular files, FIFOs and character devices")
    }
  }

  /// Whether the file open as `fd` is still of `type` (it was checked by name before opening).
  private func requireType(_ fd: Int32, _ type: mode_t, _ displayPath: String) throws {
    var info = stat()
    guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == type else {
      throw OutputFile.Failure(path: displayPath, reason: "it changed while it was being opened; not written")
    }
  }

  /// Writes a new temporary file beside `name` and renames it over `name`.
  private func replace(
    _ text: String, name: String, permissions: mode_t, keepingPermissions: Bool, displayPath: String
  ) throws {
    var random = SystemRandomNumberGenerator()
    let temporary = ".plumb-output-\(getpid())-\(String(random.next(), radix: 16)).tmp"
    let fd = openat(descriptor, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, permissions)
    guard fd >= 0 else {
      throw OutputFile.Failure(path: displayPath, reason: OutputFile.errorText())
    }
    var failure: (any Error)?
    do {
      try OutputFile.writeAll(text, to: fd, path: displayPath)
    } catch {
      failure = error
    }
    // The umask may have narrowed the permissions of the file being replaced.
    if failure == nil && keepingPermissions { _ = fchmod(fd, permissions) }
    if close(fd) != 0 && failure == nil {
      failure = OutputFile.Failure(path: displayPath, reason: OutputFile.errorText())
    }
    if let failure {
      unlinkat(descriptor, temporary, 0)
      throw failure
    }
    guard renameat(descriptor, temporary, descriptor, name) == 0 else {
      let reason = OutputFile.errorText()
      unlinkat(descriptor, temporary, 0)
      throw OutputFile.Failure(path: displayPath, reason: reason)
    }
  }
}
