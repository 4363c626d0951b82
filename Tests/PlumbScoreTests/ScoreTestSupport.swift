import Foundation
import PlumbKit
import TestSupport
import Testing

/// Paths and helpers shared by the scorecard tests.
enum ScoreFixtures {
  /// The package root, three levels above this file (Tests/PlumbScoreTests/<file>).
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// `fixtures/scorecards`: three teams in two departments, six production components.
  static let fixture = packageRoot.appendingPathComponent("fixtures/scorecards").path

  /// The Backstage acme-corp example catalog in the shared corpus.
  static let acme = SharedData.corpus("catalog/backstage__backstage/examples")

  /// Scores `path` with the built-in rules and the baseline pack.
  static func score(_ path: String, configure: (inout ScoreOptions) -> Void = { _ in }) -> ScoreRun {
    // The directory scored is the root (inside the package, the default would be its repository).
    var isDirectory: ObjCBool = false
    let directory = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    var options = ScoreOptions(paths: [path], root: directory ? path : nil)
    options.today = ISODate("2026-01-15")
    configure(&options)
    return ScoreRun.run(options)
  }

  /// A copy of the fixture in a fresh temporary directory, removed by the caller.
  static func copyOfFixture() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-score-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let target = directory.appendingPathComponent("repo")
    try FileManager.default.copyItem(atPath: fixture, toPath: target.path)
    return directory
  }

  /// Replaces `old` by `new` in the file at `path` (the text must contain it).
  static func edit(_ path: String, _ old: String, _ new: String) throws {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.contains(old), "\(path) does not contain \(old)")
    try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
  }
}

extension ScorecardResult {
  /// The roll-up of `dimension` whose key ends with `/name` (or is `name`).
  func rollup(_ dimension: RollupDimension, _ name: String) -> Rollup? {
    rollups(dimension).first { $0.key == name || $0.key.hasSuffix("/" + name) }
  }

  /// The entity named `name`.
  func named(_ name: String) -> EntityScore? { entities.first { $0.name == name } }
}

extension Rollup {
  /// `level count` pairs, e.g. `["bronze 1", "silver 0", "gold 1", "none 0"]`.
  var levelSummary: [String] { levels.map { "\($0.level) \($0.count)" } }
}

/// `a` and `b` within a rounding error.
func close(_ a: Double?, _ b: Double) -> Bool {
  guard let a else { return false }
  return abs(a - b) < 1e-9
}
