import Foundation
import PlumbKit
@testable import PlumbScore
import TestSupport
import Testing

/// What every ``ScoreHistoryStore`` promises, on hand-made snapshots, against both stores: the
/// snapshot comes back as recorded (nulls, byte order of text whatever the database's locale, a
/// repeated fingerprint kept once, thousands of rows), ids grow, unknown ids are nil, and series
/// are per group, oldest first.
@Suite struct StoreContractTests {
  @Test func snapshotsComeBackAsRecordedInSQLite() throws { try snapshotsComeBackAsRecorded(.sqlite) }

  @Test(.requiresPostgres) func snapshotsComeBackAsRecordedInPostgreSQL() throws {
    try snapshotsComeBackAsRecorded(.postgres)
  }

  func snapshotsComeBackAsRecorded(_ backend: HistoryBackend) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-contract-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let database = try backend.freshDatabase(in: directory)
    let store = try ScoreHistoryLocation(database).open()
    #expect(try store.runs().isEmpty)
    #expect(try store.run(id: 1) == nil)

    // 7,000 rules: more than one INSERT statement's worth of parameters in the PostgreSQL store.
    let big = StoreContract.snapshot(tag: "first", rules: 7_000)
    let small = StoreContract.snapshot(tag: "second", rules: 5)
    let first = try store.record(big)
    let second = try store.record(small)
    #expect(second.id > first.id)
    #expect(first.commit == "first" && first.recordedAt == big.recordedAt && first.toolVersion == "9.9.9")
    #expect(try store.runs() == [first, second])

    let read = try #require(try store.run(id: first.id))
    #expect(read.info == first)
    #expect(read.snapshot == big.normalizedForStore)
    #expect(read.snapshot.findings.count == big.findings.count - 1)
    #expect(try store.run(id: second.id)?.snapshot == small.normalizedForStore)
    #expect(try store.run(id: second.id + 100) == nil)

    // Series: one group in both runs, oldest first, levels in order; a group in no run is empty.
    let team = try store.series(scorecard: "Zeta", dimension: .team, key: "catalog:group:default/Web")
    #expect(team.map(\.runID) == [first.id, second.id])
    #expect(team.map(\.commit) == ["first", "second"])
    #expect(team[0].levels.map(\.level) == ["bronze", "silver", "none"] && team[0].averageScore == nil)
    #expect(team[1].entities == 3 && team[1].averageScore == 0.5)
    #expect(try store.series(scorecard: "Zeta", dimension: .team, key: "nobody").isEmpty)
  }
}

/// Hand-made snapshots for the store tests.
enum StoreContract {
  /// A snapshot whose text sorts differently by byte and by locale (upper before lower case,
  /// accents), with nulls where the schema allows them, a finding repeated, `rules` rule records,
  /// and `tag` as its commit.
  static func snapshot(tag: String, rules count: Int) -> ScoreSnapshot {
    let scorecards = ["Zeta", "alpha", "Émeraude"]
    var entities: [ScoreSnapshot.EntityRecord] = []
    var rules: [ScoreSnapshot.RuleRecord] = []
    var findings: [ScoreSnapshot.FindingRecord] = []
    let states: [ScoreState] = [.pass, .fail, .indeterminate, .notApplicable, .waived, .error]
    for (i, scorecard) in scorecards.enumerated() {
      for name in ["b-entity", "B-entity", "a-entity", "é-entity"] {
        let id = "component:default/\(name)"
        entities.append(
          ScoreSnapshot.EntityRecord(
            scorecard: scorecard, entity: id, name: name, owner: name.hasPrefix("a") ? nil : "group:default/web",
            level: name.hasPrefix("b") ? nil : "silver", levelRank: name.hasPrefix("b") ? -1 : 1,
            passingWeight: i, applicableWeight: i + 2))
      }
    }
    for n in 0..<count {
      let scorecard = scorecards[n % scorecards.count]
      let entity = "component:default/\(["b-entity", "B-entity", "a-entity", "é-entity"][n / 3 % 4])"
      rules.append(
        ScoreSnapshot.RuleRecord(scorecard: scorecard, entity: entity, rule: "rule_\(n)_\(tag)", state: states[n % 6]))
      if n % 2 == 0 {
        findings.append(
          ScoreSnapshot.FindingRecord(
            scorecard: scorecard, entity: entity, rule: "rule_\(n)_\(tag)", fingerprint: String(format: "%016x", n * 7919),
            findingEntity: entity + "/step", verdict: n % 4 == 0 ? "fail" : "indeterminate", suppressed: n % 3 == 0,
            message: "message \(n) — with ‘quotes’ and 'apostrophes'", location: "ci.yml:\(n):3"))
      }
    }
    // The same fingerprint twice for one rule and entity: stored once (the first).
    if let repeated = findings.first {
      var copy = repeated
      copy.message = "the repeat, dropped"
      findings.append(copy)
    }
    let rollups = [
      ScoreSnapshot.RollupRecord(
        scorecard: "Zeta", dimension: .team, key: "catalog:group:default/Web", name: "Web", entities: 3,
        scored: tag == "first" ? 0 : 2, scoreSum: tag == "first" ? 0 : 1, averageScore: tag == "first" ? nil : 0.5,
        levels: [LevelCount(level: "bronze", count: 1), LevelCount(level: "silver", count: 0), LevelCount(level: "none", count: 2)]),
      ScoreSnapshot.RollupRecord(
        scorecard: "Zeta", dimension: .organisation, key: "organisation", name: "Organisation", entities: 12, scored: 12,
        scoreSum: 6.25, averageScore: 6.25 / 12, levels: [LevelCount(level: "bronze", count: 12)]),
      ScoreSnapshot.RollupRecord(
        scorecard: "alpha", dimension: .domain, key: "(no domain)", name: "(no domain)", entities: 0,
        scored: 0, scoreSum: 0, averageScore: nil, levels: []),
    ]
    return ScoreSnapshot(
      recordedAt: "2026-03-01T09:00:00Z", commit: tag, pack: tag == "first" ? nil : "baseline", toolVersion: "9.9.9",
      entities: entities, rules: rules, findings: findings, rollups: rollups)
  }
}

extension ScoreSnapshot {
  /// As a store returns it: records in byte order of their keys (roll-ups by dimension name), one
  /// finding per (scorecard, entity, rule, fingerprint), the first recorded.
  var normalizedForStore: ScoreSnapshot {
    var copy = self
    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
    func less(_ a: [String], _ b: [String]) -> Bool {
      a.map(bytes).lexicographicallyPrecedes(b.map(bytes)) { $0.lexicographicallyPrecedes($1) }
    }
    copy.entities.sort { less([$0.scorecard, $0.entity], [$1.scorecard, $1.entity]) }
    copy.rules.sort { less([$0.scorecard, $0.entity, $0.rule], [$1.scorecard, $1.entity, $1.rule]) }
    var seen = Set<[String]>()
    copy.findings = findings.filter { seen.insert([$0.scorecard, $0.entity, $0.rule, $0.fingerprint]).inserted }
    copy.findings.sort {
      less([$0.scorecard, $0.entity, $0.rule, $0.fingerprint], [$1.scorecard, $1.entity, $1.rule, $1.fingerprint])
    }
    copy.rollups.sort {
      less([$0.scorecard, $0.dimension.rawValue, $0.key], [$1.scorecard, $1.dimension.rawValue, $1.key])
    }
    return copy
  }
}
