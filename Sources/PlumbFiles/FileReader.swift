import PlumbDiagnostics

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why a file could not be read.
public struct ReadFailure: Error, Sendable {
  /// What went wrong, naming the file.
  public var message: String
  /// What went wrong, without the file's name ("No such file or directory", "it is a FIFO (named
  /// pipe), not a regular file"), for messages that name the file their own way.
  public var reason: String
  /// The diagnostic code: `io.unreadable` (the system refused, the file is missing, a dangling
  /// symbolic link or a loop, a directory), `io.not-regular-file` (a FIFO, socket or device),
  /// `io.outside-root` (it resolves outside the ``ReadBoundary``), `io.file-size` (over the limit).
  public var code: String
  /// The file's size when it was refused for being larger than the limit.
  public var tooLargeSize: Int? = nil

  /// Creates a failure.
  public init(message: String, reason: String, code: String, tooLargeSize: Int? = nil) {
    self.message = message
    self.reason = reason
    self.code = code
    self.tooLargeSize = tooLargeSize
  }

  /// The failure as an error diagnostic located at the start of the file `path`.
  public func diagnostic(path: String) -> Diagnostic {
    Diagnostic.atStart(of: path, code: code, message: message)
  }
}

extension Diagnostic {
  /// A diagnostic about a whole file (or directory), located at its start: line 1, column 1.
  public static func atStart(
    of path: String, code: String, severity: DiagnosticSeverity = .error, message: String
  ) -> Diagnostic {
    let start = SourcePosition(line: 1, column: 1, offset: 0)
    return Diagnostic(
      code: code, severity: severity, message: message,
      location: SourceLocation(path: path, span: SourceSpan(start: start, end: start)))
  }
}

/// Reads a whole file: the one function every input, rule, configuration, waiver and baseline file
/// is read through.
///
/// Only a regular file is read. The type is checked without blocking and without opening anything
/// else: `stat` first (a FIFO, socket or device is never opened), then `open` with `O_NONBLOCK`
/// and `fstat` on the descriptor (the file cannot be swapped between the two), where the size is
/// checked against `limit` before a byte is read; a file that grows while it is read stops at the
/// limit. With a `boundary`, the path's real path must lie inside it, and the real path is opened
/// with `O_NOFOLLOW`, so a symbolic link out of the root is refused before its target is opened
/// and its content can never reach an output.
///
/// - Parameters:
///   - path: the file to read.
///   - displayPath: the path named in messages.
///   - limit: the largest size accepted, in bytes.
///   - boundary: where the file must resolve; nil for a file the user named.
public func readFile(
  path: String, displayPath: String, limit: Int, within boundary: ReadBoundary? = nil
) -> Result<[UInt8], ReadFailure> {
  var target = path
  var flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC
  if let boundary {
    switch realPath(path) {
    case .failure(let error):
      return .failure(unreadable(path, displayPath, error))
    case .success(let real):
      guard boundary.contains(realPath: real) else {
        let reason = "it resolves to '\(real)', outside the root '\(boundary.root)'"
        return .failure(
          ReadFailure(
            message: "'\(displayPath)' resolves to '\(real)', outside the root '\(boundary.root)'; it is not read",
            reason: reason, code: "io.outside-root"))
      }
      target = real
      flags |= O_NOFOLLOW
    }
  }
  var info = stat()
  guard stat(target, &info) == 0 else { return .failure(unreadable(path, displayPath, FileSystemError(errno))) }
  if let refusal = refusal(info, displayPath) { return .failure(refusal) }
  let fd = open(target, flags)
  guard fd >= 0 else { return .failure(unreadable(path, displayPath, FileSystemError(errno))) }
  defer { close(fd) }
  guard fstat(fd, &info) == 0 else { return .failure(unreadable(path, displayPath, FileSystemError(errno))) }
  if let refusal = refusal(info, displayPath) { return .failure(refusal) }
  let size = Int(info.st_size)
  if size > limit { return .failure(tooLarge(size, limit, displayPath)) }
  var bytes = [UInt8](repeating: 0, count: size)
  var filled = 0
  while true {
    if filled == bytes.count {
      // The file may have grown since `fstat`: keep reading in chunks, up to one byte past the limit.
      if bytes.count > limit { break }
      bytes.append(contentsOf: repeatElement(0, count: max(4096, bytes.count / 2)))
    }
    let got = bytes.withUnsafeMutableBytes { raw in
      read(fd, raw.baseAddress! + filled, raw.count - filled)
    }
    if got < 0 {
      if errno == EINTR { continue }
      return .failure(unreadable(path, displayPath, FileSystemError(errno)))
    }
    if got == 0 { break }
    filled += got
  }
  if filled > limit { return .failure(tooLarge(filled, limit, displayPath)) }
  bytes.removeSubrange(filled...)
  return .success(bytes)
}

/// What a file is, when it is not a regular file: "a directory", "a FIFO (named pipe)", …
public func nonRegularKind(_ mode: mode_t) -> String? {
  switch mode & S_IFMT {
  case S_IFREG: nil
  case S_IFDIR: "a directory"
  case S_IFIFO: "a FIFO (named pipe)"
  case S_IFSOCK: "a socket"
  case S_IFCHR: "a character device"
  case S_IFBLK: "a block device"
  case S_IFLNK: "a symbolic link"
  default: "not a regular file"
  }
}

/// The refusal for anything but a regular file.
private func refusal(_ info: stat, _ displayPath: String) -> ReadFailure? {
  guard let kind = nonRegularKind(info.st_mode) else { return nil }
  if info.st_mode & S_IFMT == S_IFDIR {
    return ReadFailure(message: "'\(displayPath)' is a directory", reason: "it is a directory", code: "io.unreadable")
  }
  let reason = "it is \(kind), not a regular file; only regular files are read"
  return ReadFailure(message: "cannot read '\(displayPath)': " + reason, reason: reason, code: "io.not-regular-file")
}

/// A failure to reach `path`, with the system's reason, saying so when the path is a symbolic
/// link that leads nowhere (dangling, or a loop).
private func unreadable(_ path: String, _ displayPath: String, _ error: FileSystemError) -> ReadFailure {
  var reason = "\(error)"
  if error.code == ELOOP {
    reason += " (a symbolic link loop)"
  } else if error.code == ENOENT, let target = symbolicLinkTarget(path) {
    reason += " (it is a symbolic link to '\(target)', which does not exist)"
  }
  return ReadFailure(message: "cannot read '\(displayPath)': " + reason, reason: reason, code: "io.unreadable")
}

private func tooLarge(_ size: Int, _ limit: Int, _ displayPath: String) -> ReadFailure {
  let reason = "file is \(size) bytes, more than the limit of \(limit) bytes"
  return ReadFailure(message: "'\(displayPath)': " + reason, reason: reason, code: "io.file-size", tooLargeSize: size)
}

/// The target `path` (a symbolic link) names, as written; nil when it is not a link.
public func symbolicLinkTarget(_ path: String) -> String? {
  var buffer = [CChar](repeating: 0, count: 4097)
  let count = readlink(path, &buffer, 4096)
  guard count >= 0 else { return nil }
  return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
