import Foundation
import TestSupport
import Testing

/// Tests that cannot run must show as skipped, never as passed. Shared data is found in one place,
/// relative to the package (``SharedData``), and a test that needs it or the PostgreSQL server is
/// disabled by a trait (`.requires(sharedData:)`, `.requiresPostgres`). These checks read every
/// test source so that the old ways cannot come back: a machine's absolute path to the shared
/// data, a test that finds the shared folder on its own, and a test that returns (passes) when what it needs
/// is absent.
@Suite struct SharedDataUseTests {
  /// Every Swift file under `Tests/`, with its path relative to the package.
  static let sources: [(path: String, lines: [Substring])] = {
    let root = SharedData.packageRoot.appendingPathComponent("Tests")
    let paths = (FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String] ?? [])
      .filter { $0.hasSuffix(".swift") }.sorted()
    return paths.compactMap { relative in
      guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(relative).path) else {
        return nil
      }
      return ("Tests/" + relative, String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false))
    }
  }()

  /// `path:line: text` of every line of the test sources (but `except`) that contains one of
  /// `needles` or matches `pattern`.
  static func offenders(_ needles: [String], pattern: String? = nil, except: Set<String> = []) throws -> [String] {
    let regex = try pattern.map { try NSRegularExpression(pattern: $0) }
    var found: [String] = []
    for (path, lines) in sources where !except.contains(path) {
      for (index, line) in lines.enumerated() {
        let text = String(line)
        let matched =
          needles.contains { text.contains($0) }
          || regex?.firstMatch(in: text, range: NSRange(text.startIndex..<text.endIndex, in: text)) != nil
        if matched { found.append("\(path):\(index + 1): \(text.trimmingCharacters(in: .whitespaces))") }
      }
    }
    return found
  }

  @Test func theTestSourcesAreRead() {
    #expect(Self.sources.count > 50, "only \(Self.sources.count) test sources found")
    #expect(Self.sources.contains { $0.path == "Tests/TestSupport/SharedData.swift" })
  }

  /// No test names a machine's absolute path to the shared data (the shared folder of one machine,
  /// or any absolute path ending in `shared/corpus` or `shared/reference`): on another machine it is absent and
  /// the test would not run where it should.
  @Test func noTestNamesAMachinesPathToSharedData() throws {
    // Written in two parts so that this file does not hold what it looks for.
    let machinePath = "/work" + "/shared"
    let offenders = try Self.offenders([machinePath], pattern: #""/[^"]*shared/(corpus|reference)"#)
    #expect(offenders.isEmpty, "use SharedData.corpus(…) / SharedData.reference(…):\n\(offenders.joined(separator: "\n"))")
  }

  /// Only `SharedData` finds the shared folder beside the package.
  @Test func onlySharedDataFindsTheSharedFolder() throws {
    let offenders = try Self.offenders(
      ["../" + "shared", "\"shared/" + "corpus", "\"shared/" + "reference"], except: ["Tests/TestSupport/SharedData.swift"])
    #expect(offenders.isEmpty, "use SharedData.corpus(…) / SharedData.reference(…):\n\(offenders.joined(separator: "\n"))")
  }

  /// No test passes when what it needs is absent: no `return` when the PostgreSQL server is
  /// missing, no "SKIPPED" printed by a test that then passes, no known issue recorded in its place.
  @Test func noTestPassesWhenWhatItNeedsIsAbsent() throws {
    let offenders = try Self.offenders(
      ["print(\"" + "SKIPPED", "withKnownIssue(\"the shared" + " corpus"],
      pattern: #"PostgresTestServer\.shared\s+else\s*\{\s*return"#)
    #expect(
      offenders.isEmpty,
      "disable the test with .requires(sharedData:) or .requiresPostgres instead:\n\(offenders.joined(separator: "\n"))")
  }
}
