import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Files that are not regular files, and files that cannot be read, for the tests of what Plumb
/// refuses to read: a FIFO (reading one blocks until a writer comes), a Unix socket, a device, a
/// symbolic link that leads nowhere.
public enum SpecialFile: String, CaseIterable, Sendable, CustomStringConvertible {
  /// A FIFO made with `mkfifo`: opening it for reading without `O_NONBLOCK` waits forever.
  case fifo
  /// A bound Unix socket.
  case socket
  /// A symbolic link to `/dev/zero`, a character device that never ends.
  case device

  public var description: String { rawValue }

  /// Makes the special file at `path` (its directory must exist).
  public func make(at path: String) throws {
    switch self {
    case .fifo:
      guard mkfifo(path, 0o644) == 0 else { throw HostileFileError("mkfifo \(path): \(String(cString: strerror(errno)))") }
    case .socket:
      try makeSocket(at: path)
    case .device:
      guard symlink("/dev/zero", path) == 0 else { throw HostileFileError("symlink \(path): \(String(cString: strerror(errno)))") }
    }
  }
}

/// A bound Unix stream socket at `path` (the socket file stays after the descriptor is closed).
public func makeSocket(at path: String) throws {
  let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
  guard fd >= 0 else { throw HostileFileError("socket: \(String(cString: strerror(errno)))") }
  defer { close(fd) }
  var address = sockaddr_un()
  address.sun_family = sa_family_t(AF_UNIX)
  let bytes = Array(path.utf8)
  guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw HostileFileError("socket path too long: \(path)") }
  withUnsafeMutableBytes(of: &address.sun_path) { raw in
    for (index, byte) in bytes.enumerated() { raw[index] = byte }
  }
  let bound = withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
  }
  guard bound == 0 else { throw HostileFileError("bind \(path): \(String(cString: strerror(errno)))") }
}

/// A symbolic link at `path` to `target` (as written).
public func makeSymlink(at path: String, to target: String) throws {
  guard symlink(target, path) == 0 else { throw HostileFileError("symlink \(path): \(String(cString: strerror(errno)))") }
}

/// Whether this process reads files regardless of their permissions (root, with
/// `CAP_DAC_OVERRIDE`): `chmod 000` then does not stop it.
public var permissionsDoNotStopReading: Bool { geteuid() == 0 }

/// The command that runs a child without the capabilities that let root read any file
/// (`setpriv --bounding-set=-dac_override,-dac_read_search`), so that `chmod 000` stops it too; empty
/// when not root (permissions already apply); nil when root and `setpriv` is missing.
public var withoutReadOverride: [String]? {
  guard permissionsDoNotStopReading else { return [] }
  guard access("/usr/bin/setpriv", X_OK) == 0 else { return nil }
  return ["/usr/bin/setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
}

/// A failure setting up a hostile file.
public struct HostileFileError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
