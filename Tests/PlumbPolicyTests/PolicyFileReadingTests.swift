import Foundation
import Testing

@testable import PlumbPolicy

@Suite struct PolicyFileReadingTests {
  /// Policy files come from the repository being checked: one over the size limit is refused
  /// before it is read, one that is not UTF-8 is reported, and the others are read regardless.
  @Test func oversizedAndUndecodableFilesAreReportedAndTheRestRead() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-policy-read-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let good = "rule r {\n  title \"t\"\n  category ownership\n  for c in catalog.Component\n  require exists(c.spec.owner) else \"no owner\"\n}\n"
    try good.write(to: directory.appendingPathComponent("a.plumb"), atomically: true, encoding: .utf8)
    try Data([0x23, 0x20, 0xFF, 0xFE, 0x0A]).write(to: directory.appendingPathComponent("b.plumb"))
    // Sparse: the size is what counts, and it is known before reading.
    let huge = directory.appendingPathComponent("c.plumb")
    FileManager.default.createFile(atPath: huge.path, contents: nil)
    let handle = try FileHandle(forWritingTo: huge)
    try handle.truncate(atOffset: UInt64(PolicyLibrary.maxFileBytes + 1))
    try handle.close()

    let (sources, diagnostics) = PolicyLibrary.read(paths: [directory.path])
    #expect(sources.map { ($0.path as NSString).lastPathComponent } == ["a.plumb"])
    #expect(diagnostics.map(\.code).sorted() == ["io.unreadable", "policy.file-size"])
    let sizeMessage = try #require(diagnostics.first { $0.code == "policy.file-size" }?.message)
    #expect(sizeMessage.contains("c.plumb") && sizeMessage.contains("\(PolicyLibrary.maxFileBytes + 1) bytes"))
  }
}
