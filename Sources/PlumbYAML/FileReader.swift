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
  /// The diagnostic code (`io.unreadable`, `yaml.document-size`).
  public var code: String
  /// The file's size when it was refused for being larger than the limit.
  public var tooLargeSize: Int? = nil

  func diagnostic(path: String) -> Diagnostic {
    let start = SourcePosition(line: 1, column: 1, offset: 0)
    return Diagnostic(
      code: code, message: message, location: SourceLocation(path: path, span: SourceSpan(start: start, end: start)))
  }
}

/// Reads a whole file with POSIX calls, refusing files larger than `limit` before reading them.
/// `displayPath` is the path named in messages. Policy files are read the same way.
public func readFile(path: String, displayPath: String, limit: Int) -> Result<[UInt8], ReadFailure> {
  let fd = open(path, O_RDONLY)
  guard fd >= 0 else {
    return .failure(ReadFailure(message: "cannot read '\(displayPath)': \(String(cString: strerror(errno)))", code: "io.unreadable"))
  }
  defer { close(fd) }
  var info = stat()
  guard fstat(fd, &info) == 0 else {
    return .failure(ReadFailure(message: "cannot stat '\(displayPath)': \(String(cString: strerror(errno)))", code: "io.unreadable"))
  }
  if (info.st_mode & S_IFMT) == S_IFDIR {
    return .failure(ReadFailure(message: "'\(displayPath)' is a directory", code: "io.unreadable"))
  }
  let size = Int(info.st_size)
  if size > limit {
    let pair = YAMLDiagnostics.documentTooLarge(size: size, limit: limit)
    return .failure(ReadFailure(message: "'\(displayPath)': " + pair.1, code: pair.0, tooLargeSize: size))
  }
  var bytes = [UInt8](repeating: 0, count: size)
  var filled = 0
  while true {
    if filled == bytes.count {
      // The file may have grown, or be a pipe: keep reading in chunks up to the limit.
      if bytes.count > limit { break }
      bytes.append(contentsOf: repeatElement(0, count: max(4096, bytes.count / 2)))
    }
    let got = bytes.withUnsafeMutableBytes { raw in
      read(fd, raw.baseAddress! + filled, raw.count - filled)
    }
    if got < 0 {
      if errno == EINTR { continue }
      return .failure(ReadFailure(message: "cannot read '\(displayPath)': \(String(cString: strerror(errno)))", code: "io.unreadable"))
    }
    if got == 0 { break }
    filled += got
  }
  if filled > limit {
    let pair = YAMLDiagnostics.documentTooLarge(size: filled, limit: limit)
    return .failure(ReadFailure(message: "'\(displayPath)': " + pair.1, code: pair.0, tooLargeSize: filled))
  }
  bytes.removeSubrange(filled...)
  return .success(bytes)
}
