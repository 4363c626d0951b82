import Foundation
import PlumbDiagnostics
import PlumbFiles
import PlumbYAML
import TestSupport
import Testing

@testable import PlumbIngest

/// The one reader (regular files only, inside the boundary) and the walker: nothing that cannot be
/// read vanishes, nothing that is not a regular file is read, nothing outside the root is read.
@Suite struct InputReadingTests {
  /// A fresh directory (standardised, symbolic links resolved) holding `files`.
  private func directory(_ files: [String: String] = [:]) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-reading-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    let root = try realPath(url.path).get()
    for (path, text) in files {
      let file = URL(fileURLWithPath: root + "/" + path)
      try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: file)
    }
    return root
  }

  /// Removes `paths` with `rm -rf`, which also removes trees deeper than `PATH_MAX`.
  private func remove(_ paths: String...) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/rm")
    process.arguments = ["-rf"] + paths
    try? process.run()
    process.waitUntilExit()
  }

  /// `/dev/zero`'s device number, major 1 and minor 5 (glibc's `makedev` is a macro Swift cannot
  /// call).
  private static let devZero = dev_t((1 << 8) | 5)

  /// Whether this process may make device nodes (`CAP_MKNOD`).
  private static let canMakeDevices: Bool = {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-mknod-\(UUID().uuidString)").path
    defer { unlink(path) }
    return mknod(path, S_IFCHR | 0o644, Self.devZero) == 0
  }()

  /// Whether the file system under the temporary directory accepts a name that is not UTF-8.
  private static let acceptsNonUTF8Names: Bool = {
    let path = Array(FileManager.default.temporaryDirectory.appendingPathComponent("plumb-name-").path.utf8) + [0xFF, 0]
    let fd = path.withUnsafeBufferPointer { open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644) }
    guard fd >= 0 else { return false }
    close(fd)
    _ = path.withUnsafeBufferPointer { unlink(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self)) }
    return true
  }()

  /// Makes `levels` nested directories of long names under `directory`, one `mkdirat` at a time
  /// (a path longer than `PATH_MAX` cannot be made in one call).
  private func makeDeepTree(under directory: String, levels: Int) throws {
    var fd = open(directory, O_RDONLY | O_DIRECTORY)
    for level in 0..<levels {
      let name = String(repeating: "d", count: 200) + "\(level)"
      guard fd >= 0, mkdirat(fd, name, 0o755) == 0 else { throw HostileFileError("mkdirat: \(String(cString: strerror(errno)))") }
      let next = openat(fd, name, O_RDONLY | O_DIRECTORY)
      close(fd)
      fd = next
    }
    if fd >= 0 { close(fd) }
  }

  private static let group = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n"

  // MARK: The reader

  @Test(arguments: SpecialFile.allCases)
  func onlyRegularFilesAreRead(_ kind: SpecialFile) throws {
    let root = try directory()
    defer { remove(root) }
    let path = root + "/x.yaml"
    try kind.make(at: path)
    // Named by the user (no boundary): the type is checked, without blocking on a FIFO.
    let named = readFile(path: path, displayPath: "x.yaml", limit: 1 << 20)
    guard case .failure(let failure) = named else {
      Issue.record("a \(kind) was read")
      return
    }
    #expect(failure.code == "io.not-regular-file")
    let expected = ["fifo": "a FIFO (named pipe)", "socket": "a socket", "device": "a character device"][kind.rawValue]!
    #expect(failure.message == "cannot read 'x.yaml': it is \(expected), not a regular file; only regular files are read")
    // Inside a boundary, the FIFO and the socket are refused for what they are; the link to
    // /dev/zero for where it leads.
    let bounded = readFile(path: path, displayPath: "x.yaml", limit: 1 << 20, within: ReadBoundary(root: root))
    guard case .failure(let boundedFailure) = bounded else {
      Issue.record("a \(kind) was read inside a boundary")
      return
    }
    #expect(boundedFailure.code == (kind == .device ? "io.outside-root" : "io.not-regular-file"))
  }

  @Test(.enabled(if: canMakeDevices, "making a device node needs CAP_MKNOD"))
  func aDeviceNodeInsideTheRootIsRefusedForWhatItIs() throws {
    let root = try directory()
    defer { remove(root) }
    let path = root + "/zero.yaml"
    #expect(mknod(path, S_IFCHR | 0o644, Self.devZero) == 0)
    let result = readFile(path: path, displayPath: "zero.yaml", limit: 1 << 20, within: ReadBoundary(root: root))
    guard case .failure(let failure) = result else {
      Issue.record("a device was read")
      return
    }
    #expect(failure.code == "io.not-regular-file")
    #expect(failure.message.contains("a character device"))
  }

  @Test func linksThatLeadNowhereAreUnreadableWithTheReason() throws {
    let root = try directory()
    defer { remove(root) }
    try makeSymlink(at: root + "/dangling.yaml", to: "missing.yaml")
    try makeSymlink(at: root + "/a.yaml", to: "b.yaml")
    try makeSymlink(at: root + "/b.yaml", to: "a.yaml")
    for boundary in [nil, ReadBoundary(root: root)] {
      guard case .failure(let dangling) = readFile(path: root + "/dangling.yaml", displayPath: "dangling.yaml", limit: 100, within: boundary),
        case .failure(let loop) = readFile(path: root + "/a.yaml", displayPath: "a.yaml", limit: 100, within: boundary)
      else {
        Issue.record("a link that leads nowhere was read")
        return
      }
      #expect(dangling.code == "io.unreadable")
      #expect(
        dangling.message
          == "cannot read 'dangling.yaml': No such file or directory (it is a symbolic link to 'missing.yaml', which does not exist)")
      #expect(loop.code == "io.unreadable")
      #expect(loop.message == "cannot read 'a.yaml': Too many levels of symbolic links (a symbolic link loop)")
    }
  }

  @Test func aLinkOutOfTheBoundaryIsRefusedBeforeItsTargetIsOpened() throws {
    let root = try directory(["inside.yaml": "a: 1\n", "sub/deep.yaml": "b: 2\n"])
    let outside = try directory(["secret.yaml": "token: hunter2\n"])
    defer { remove(root, outside) }
    try makeSymlink(at: root + "/secret.yaml", to: outside + "/secret.yaml")
    try makeSymlink(at: root + "/alias.yaml", to: "sub/deep.yaml")
    try makeSymlink(at: root + "/out", to: outside)
    let boundary = ReadBoundary(root: root)
    let refused = readFile(path: root + "/secret.yaml", displayPath: "secret.yaml", limit: 100, within: boundary)
    guard case .failure(let failure) = refused else {
      Issue.record("a file outside the root was read")
      return
    }
    #expect(failure.code == "io.outside-root")
    #expect(failure.message == "'secret.yaml' resolves to '\(outside)/secret.yaml', outside the root '\(root)'; it is not read")
    #expect(!failure.message.contains("hunter2"))
    // Through a linked directory too.
    guard case .failure(let throughDirectory) = readFile(path: root + "/out/secret.yaml", displayPath: "out/secret.yaml", limit: 100, within: boundary) else {
      Issue.record("a file outside the root was read through a linked directory")
      return
    }
    #expect(throughDirectory.code == "io.outside-root")
    // A link inside the root is followed; the user's own choice (no boundary) is read anywhere.
    #expect(try readFile(path: root + "/alias.yaml", displayPath: "alias.yaml", limit: 100, within: boundary).get() == Array("b: 2\n".utf8))
    #expect(try readFile(path: root + "/secret.yaml", displayPath: "secret.yaml", limit: 100).get() == Array("token: hunter2\n".utf8))
    // The boundary may hold more than the root: a directory the user named.
    let wider = ReadBoundary(root: root, also: [outside])
    #expect(try readFile(path: root + "/secret.yaml", displayPath: "secret.yaml", limit: 100, within: wider).get().count == 15)
  }

  @Test func theSizeLimitIsCheckedOnTheDescriptorBeforeReading() throws {
    let root = try directory()
    defer { remove(root) }
    let path = root + "/big.json"
    // Sparse: the size is known from fstat; nothing is read.
    #expect(FileManager.default.createFile(atPath: path, contents: nil))
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.truncate(atOffset: 1 << 40)
    try handle.close()
    guard case .failure(let failure) = readFile(path: path, displayPath: "big.json", limit: 1 << 20) else {
      Issue.record("a file over the limit was read")
      return
    }
    #expect(failure.code == "io.file-size")
    #expect(failure.tooLargeSize == 1 << 40)
  }

  // MARK: The walker

  @Test func theWalkerListsWhatItCannotFollowAndNeverOpensAFile() throws {
    let root = try directory(["a.yaml": "a: 1\n", "sub/b.yml": "b: 1\n", "notes.txt": "x", ".git/config.yaml": "x: 1\n"])
    let outside = try directory(["c.yaml": "c: 1\n"])
    defer { remove(root, outside) }
    try SpecialFile.fifo.make(at: root + "/pipe.yaml")
    try SpecialFile.fifo.make(at: root + "/pipe.txt")
    try makeSymlink(at: root + "/dangling.yaml", to: "nowhere.yaml")
    try makeSymlink(at: root + "/dangling-dir", to: "nowhere")
    try makeSymlink(at: root + "/inside", to: "sub")
    try makeSymlink(at: root + "/outside", to: outside)
    try makeSymlink(at: root + "/loop", to: ".")
    let walk = InputWalker(boundary: ReadBoundary(root: root)).walk(root) { IngestContext.relative($0, root: root) }
    let relative = walk.files.map { IngestContext.relative($0, root: root) }
    // The FIFO and the dangling link are taken by name: the reader reports them.
    #expect(relative == ["a.yaml", "dangling.yaml", "pipe.yaml", "sub/b.yml"])
    #expect(walk.linkedDirectories.map { IngestContext.relative($0, root: root) } == ["inside", "loop"])
    #expect(walk.problems.map(\.code) == ["io.outside-root"])
    #expect(walk.problems.first?.location?.path == "outside")
    #expect(walk.problems.first?.message.contains("is a symbolic link to the directory '\(outside)', outside the root") == true)
  }

  @Test func aDirectoryTooDeepToOpenIsAProblem() throws {
    let root = try directory(["a.yaml": "a: 1\n"])
    defer { remove(root) }
    // A directory whose path is longer than the system allows cannot be opened, even by root.
    try makeDeepTree(under: root, levels: 25)
    let walk = InputWalker(boundary: ReadBoundary(root: root)).walk(root) { IngestContext.relative($0, root: root) }
    #expect(walk.files.map { IngestContext.relative($0, root: root) } == ["a.yaml"])
    #expect(walk.problems.count == 1)
    #expect(walk.problems.first?.code == "io.unreadable")
    #expect(walk.problems.first?.message.hasSuffix("': File name too long") == true)
  }

  @Test(.enabled(if: !permissionsDoNotStopReading, "root reads it anyway; HostileInputFileTests drops the capability"))
  func aDirectoryWithoutPermissionIsAProblem() throws {
    let root = try directory(["locked/a.yaml": "a: 1\n"])
    defer {
      chmod(root + "/locked", 0o755)
      remove(root)
    }
    chmod(root + "/locked", 0)
    let walk = InputWalker(boundary: ReadBoundary(root: root)).walk(root) { IngestContext.relative($0, root: root) }
    #expect(walk.problems.map(\.message) == ["cannot read directory 'locked': Permission denied"])
  }

  @Test(.enabled(if: acceptsNonUTF8Names, "the file system refuses names that are not UTF-8"))
  func aNameThatIsNotUTF8IsReportedNotDropped() throws {
    let root = try directory()
    defer { remove(root) }
    var name = Array((root + "/bad-").utf8)
    name += [0xFF, 0xFE] + Array(".yaml".utf8) + [0]
    let fd = name.withUnsafeBufferPointer { open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644) }
    #expect(fd >= 0)
    close(fd)
    let walk = InputWalker(boundary: ReadBoundary(root: root)).walk(root) { IngestContext.relative($0, root: root) }
    #expect(walk.files.isEmpty)
    #expect(walk.problems.count == 1 && walk.problems.first?.message.contains("its name is not valid UTF-8") == true)
  }

  // MARK: Ingest

  @Test func everythingFoundIsCheckedSkippedOrFailedAndFailuresAreErrors() throws {
    let root = try directory([
      "catalog.yaml": Self.group,
      "empty.yaml": "# nothing\n",
      "values.yaml": "replicas: 2\n",
      "broken.yaml": "a: [\n",
      "plan.json": #"{"terraform_version": "1.9.0", "resource_changes": []}"#,
    ])
    let outside = try directory(["secret.yaml": "password: [hunter2\n"])
    defer { remove(root, outside) }
    try SpecialFile.fifo.make(at: root + "/pipe.yaml")
    try makeSymlink(at: root + "/secret.yaml", to: outside + "/secret.yaml")
    try makeSymlink(at: root + "/linked", to: ".")
    let result = Ingestor().ingest(paths: [root])
    let statuses = Dictionary(uniqueKeysWithValues: result.files.map { ($0.path, $0.status) })
    #expect(
      statuses == [
        "catalog.yaml": .read(.backstageCatalog), "empty.yaml": .skipped(.empty), "values.yaml": .skipped(.unknownFormat),
        "broken.yaml": .failed, "plan.json": .failed, "pipe.yaml": .failed, "secret.yaml": .failed,
        "linked": .skipped(.symlinkedDirectory),
      ])
    let errors = result.graph.diagnostics.filter { $0.severity == .error }
    #expect(
      Set(errors.map { "\($0.location?.path ?? ""): \($0.code)" }) == [
        "broken.yaml: yaml.syntax", "plan.json: ingest.near-miss", "pipe.yaml: io.not-regular-file",
        "secret.yaml: io.outside-root",
      ])
    // The secret was never read: no source holds it.
    #expect(!result.sources.contains { $0.path == "secret.yaml" })
  }

  @Test func aFileNamedByTheUserIsReadWhereverItIsAndWalkedOnesStayInside() throws {
    let root = try directory(["catalog.yaml": Self.group])
    let outside = try directory(["other.yaml": Self.group.replacingOccurrences(of: "team-a", with: "team-b")])
    defer { remove(root, outside) }
    try makeSymlink(at: root + "/other.yaml", to: outside + "/other.yaml")
    // Walked: the link out is refused.
    let walked = Ingestor().ingest(paths: [root])
    #expect(walked.files.first { $0.path == "other.yaml" }?.status == .failed)
    // Named: the user's choice, read.
    let named = Ingestor().ingest(paths: [root + "/catalog.yaml", outside + "/other.yaml"], root: root)
    #expect(named.files.allSatisfy { $0.status == .read(.backstageCatalog) })
    // A directory the user names outside the root is walked, and its files read.
    let directory = Ingestor().ingest(paths: [root + "/catalog.yaml", outside], root: root)
    #expect(directory.files.allSatisfy { $0.status == .read(.backstageCatalog) }, "\(directory.files)")
    #expect(directory.files.count == 2)
  }

  @Test func locationTargetsIncludesAndLocalActionsAreReadOnlyAsRegularFilesInsideTheRoot() throws {
    let location = """
      apiVersion: backstage.io/v1alpha1
      kind: Location
      metadata:
        name: all
      spec:
        targets: [./pipe.yaml, ./out.yaml]
      """
    let root = try directory([
      "catalog-info.yaml": location,
      ".gitlab-ci.yml": "include:\n  - local: /ci/pipe.yml\n  - local: /ci/out.yml\nbuild:\n  script: [make]\n",
      ".github/workflows/ci.yml": "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./act\n",
    ])
    let outside = try directory(["secret.yaml": "x: [secret\n"])
    defer { remove(root, outside) }
    try FileManager.default.createDirectory(atPath: root + "/ci", withIntermediateDirectories: true)
    try SpecialFile.fifo.make(at: root + "/pipe.yaml")
    try SpecialFile.fifo.make(at: root + "/ci/pipe.yml")
    try makeSymlink(at: root + "/out.yaml", to: outside + "/secret.yaml")
    try makeSymlink(at: root + "/ci/out.yml", to: outside + "/secret.yaml")
    try FileManager.default.createDirectory(atPath: root + "/act", withIntermediateDirectories: true)
    try SpecialFile.fifo.make(at: root + "/act/action.yml")
    let named = ["catalog-info.yaml", ".gitlab-ci.yml", ".github/workflows/ci.yml"].map { root + "/" + $0 }
    let result = Ingestor().ingest(paths: named, root: root)
    let errors = result.graph.diagnostics.filter { $0.severity == .error }.map(\.code)
    #expect(errors.count(where: { $0 == "io.not-regular-file" }) == 3, "\(errors)")
    #expect(errors.contains("catalog.target-outside-root"), "\(errors)")
    #expect(errors.contains("gitlab.include-outside-root"), "\(errors)")
    #expect(!result.sources.contains { String(decoding: $0.bytes, as: UTF8.self).contains("secret") })
  }
}
