import Foundation

/// The rows of several runs read in a few queries, put back together as ``RecordedRun``s (both
/// stores read `runs(ids:findings:)` this way).
struct HistoryRunParts {
  var infos: [RunInfo] = []
  var entities: [Int64: [ScoreSnapshot.EntityRecord]] = [:]
  var rules: [Int64: [ScoreSnapshot.RuleRecord]] = [:]
  var findings: [Int64: [ScoreSnapshot.FindingRecord]] = [:]
  var groups: [Int64: [ScoreSnapshot.GroupRecord]] = [:]
  var scorecards: [Int64: [ScoreSnapshot.ScorecardRecord]] = [:]

  /// The runs in id order, each with its parts (roll-ups are not read here).
  func assembled() -> [RecordedRun] {
    // Each part comes back from the database in its key order (the stores' ORDER BY): kept as is.
    infos.sorted { $0.id < $1.id }.map { info in
      let snapshot = ScoreSnapshot(
        recordedAt: info.recordedAt, commit: info.commit, pack: info.pack, toolVersion: info.toolVersion,
        entities: entities[info.id] ?? [], rules: rules[info.id] ?? [], findings: findings[info.id] ?? [],
        rollups: [], repository: info.repository, branch: info.branch, defaultBranch: info.defaultBranch,
        groups: groups[info.id] ?? [], scorecards: scorecards[info.id] ?? [])
      return RecordedRun(info: info, snapshot: snapshot)
    }
  }
}

/// How schema v2 stores a scorecard's definition: JSON, keys sorted (the same bytes for the same
/// definition).
enum HistoryCoding {
  static func encode(_ record: ScoreSnapshot.ScorecardRecord) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(record), as: UTF8.self)
  }

  static func decodeScorecard(_ text: String) throws -> ScoreSnapshot.ScorecardRecord {
    do {
      return try JSONDecoder().decode(ScoreSnapshot.ScorecardRecord.self, from: Data(text.utf8))
    } catch {
      throw ScoreHistoryError("a recorded scorecard definition is not readable: \(error)")
    }
  }
}
