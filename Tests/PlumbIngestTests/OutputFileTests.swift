import Foundation
import Testing

@testable import PlumbFiles

/// ``OutputFile`` and ``OutputDirectory``: what is at an output path decides how it is written.
@Suite struct OutputFileTests {
  static func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "plumb-output-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    // Resolved, so that paths compare equal to what the writer sees (/tmp may be a link).
    return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
  }

  static func type(_ path: String) -> mode_t? {
    var info = stat()
    return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : nil
  }

  static func read(_ path: String) -> String? {
    FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
  }

  @Test func regularFilesAreReplacedAtomicallyKeepingTheirPermissions() throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/deep/er/report.json"
    try OutputFile.write("one", to: path)
    #expect(Self.read(path) == "one")
    chmod(path, 0o640)
    try OutputFile.write("two", to: path)
    #expect(Self.read(path) == "two")
    var info = stat()
    stat(path, &info)
    #expect(info.st_mode & 0o777 == 0o640)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/deep/er") == ["report.json"])
  }

  @Test func aFIFOIsWrittenIntoAndOneWithoutAReaderFailsAtOnce() throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let fifo = directory + "/out.json"
    #expect(mkfifo(fifo, 0o600) == 0)
    // No reader: an error, not a hang, and the FIFO stays.
    let failure = #expect(throws: OutputFile.Failure.self) { try OutputFile.write("x", to: fifo) }
    #expect(failure?.reason.contains("FIFO that no process is reading") == true)
    #expect(Self.type(fifo) == S_IFIFO)
    // With a reader: written into.
    let reader = open(fifo, O_RDONLY | O_NONBLOCK)
    #expect(reader >= 0)
    defer { close(reader) }
    try OutputFile.write("through the pipe", to: fifo)
    var buffer = [UInt8](repeating: 0, count: 64)
    let count = Foundation.read(reader, &buffer, buffer.count)
    #expect(String(decoding: buffer.prefix(max(0, count)), as: UTF8.self) == "through the pipe")
    #expect(Self.type(fifo) == S_IFIFO)
  }

  @Test func aCharacterDeviceIsWrittenIntoNotReplaced() throws {
    try OutputFile.write("discarded", to: "/dev/null")
    #expect(Self.type("/dev/null") == S_IFCHR)
    // A device node in a directory of our own, when we may create one (root).
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let node = directory + "/null"
    guard mknod(node, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0 else { return }
    try OutputFile.write("x", to: node)
    #expect(Self.type(node) == S_IFCHR)
  }

  @Test func symlinksDirectoriesAndSocketsAreRefused() throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let target = directory + "/target.txt"
    try "keep".write(toFile: target, atomically: true, encoding: .utf8)
    let link = directory + "/report.json"
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
    let refusal = #expect(throws: OutputFile.Failure.self) { try OutputFile.write("x", to: link) }
    #expect(refusal?.reason.contains("symbolic link") == true)
    #expect(Self.type(link) == S_IFLNK)
    #expect(Self.read(target) == "keep")

    #expect(throws: OutputFile.Failure.self) { try OutputFile.write("x", to: directory) }
    #expect(throws: OutputFile.Failure.self) { try OutputFile.write("x", to: directory + "/") }

    let socketPath = directory + "/s.sock"
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      for (index, byte) in socketPath.utf8.enumerated() where index < raw.count - 1 { raw[index] = byte }
    }
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    #expect(bound == 0)
    let socketRefusal = #expect(throws: OutputFile.Failure.self) { try OutputFile.write("x", to: socketPath) }
    #expect(socketRefusal?.reason.contains("socket") == true)
    #expect(Self.type(socketPath) == S_IFSOCK)
  }

  @Test func insideTheRootNoDirectoryOnTheWayMayBeASymlink() throws {
    let root = try Self.temporaryDirectory()
    let outside = try Self.temporaryDirectory()
    defer {
      try? FileManager.default.removeItem(atPath: root)
      try? FileManager.default.removeItem(atPath: outside)
    }
    try FileManager.default.createSymbolicLink(atPath: root + "/reports", withDestinationPath: outside)
    let failure = #expect(throws: OutputFile.Failure.self) {
      try OutputFile.write("x", to: root + "/reports/plumb.json", root: root)
    }
    #expect(failure?.reason.contains("inside the repository root") == true)
    #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
    // Outside the root, parent links are followed (CI temporary directories).
    try OutputFile.write("y", to: root + "/reports/plumb.json")
    #expect(Self.read(outside + "/plumb.json") == "y")
  }

  @Test func anOutputDirectoryThatIsASymlinkIsRefused() throws {
    let root = try Self.temporaryDirectory()
    let outside = try Self.temporaryDirectory()
    defer {
      try? FileManager.default.removeItem(atPath: root)
      try? FileManager.default.removeItem(atPath: outside)
    }
    try FileManager.default.createSymbolicLink(atPath: root + "/bundle", withDestinationPath: outside)
    #expect(throws: OutputFile.Failure.self) { try OutputDirectory(root + "/bundle", root: root) }
    // Even outside the root, the directory itself is never a link.
    #expect(throws: OutputFile.Failure.self) { try OutputDirectory(root + "/bundle", root: nil) }
    let created = try OutputDirectory(root + "/new/bundle", root: root)
    try created.write("patch", name: "a.patch")
    #expect(Self.read(root + "/new/bundle/a.patch") == "patch")
    #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
  }

  @Test func appendingWritesOnceAtTheEnd() throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/summary.md"
    try OutputFile.write("a", to: path, mode: .append)
    try OutputFile.write("b", to: path, mode: .append)
    #expect(Self.read(path) == "ab")
  }

  @Test func standardStreamAliasesNameTheOpenDescriptors() {
    #expect(OutputFile.streamDescriptor("/dev/stdout") == 1)
    #expect(OutputFile.streamDescriptor("/dev/stderr") == 2)
    #expect(OutputFile.streamDescriptor("/dev/fd/7") == 7)
    #expect(OutputFile.streamDescriptor("/proc/self/fd/3") == 3)
    #expect(OutputFile.streamDescriptor("/dev/fd/x") == nil)
    #expect(OutputFile.streamDescriptor("report.json") == nil)
    // A descriptor that is not open is an error, not a file named 987654.
    #expect(throws: OutputFile.Failure.self) { try OutputFile.write("x", to: "/dev/fd/987654") }
  }
}
