import Foundation
import PlumbFix
import PlumbGraph
import PlumbIngest
import PlumbPolicy
import PlumbKit
import TestSupport
import Testing

/// Every real-world workflow and GitLab pipeline in the shared corpus with a fixable finding: the
/// fixes make a patch that `git apply --check` accepts on a copy, and the patched copy verifies (the
/// fixed findings are gone, nothing new appears, a second run changes nothing). Unsafe fixes are
/// included. Prints the outcomes per rule (the numbers in docs/fixes.md).
struct CorpusFixTests {
  static let corpus = SharedData.corpus("pipelines/github")
  static let gitlabCorpus = SharedData.corpus("pipelines/gitlab")

  struct Tally: Sendable {
    var files = 0
    var fixable = 0
    var generated = 0
    var applied = 0
    var verified = 0
    var fixed = 0
    var outcomes: [String: Int] = [:]
    var reasons: [String: Int] = [:]
    var failures: [String] = []
    /// Per rule, per outcome (fixed, unsafe, refused, conflict, unverified).
    var perRule: [String: [String: Int]] = [:]

    mutating func add(_ other: Tally) {
      files += other.files
      fixable += other.fixable
      generated += other.generated
      verified += other.verified
      fixed += other.fixed
      failures += other.failures
      for (key, count) in other.outcomes { outcomes[key, default: 0] += count }
      for (key, count) in other.reasons { reasons[key, default: 0] += count }
      for (rule, counts) in other.perRule {
        for (key, count) in counts { perRule[rule, default: [:]][key, default: 0] += count }
      }
    }

    /// One line per rule: offered (findings with a fix), then each outcome.
    var perRuleReport: String {
      perRule.sorted { $0.key < $1.key }.map { rule, counts in
        let offered = counts.values.reduce(0, +)
        let parts = ["fixed", "unsafe", "refused", "conflict", "unverified"].map { "\($0) \(counts[$0] ?? 0)" }
        return "  \(rule): offered \(offered), " + parts.joined(separator: ", ")
      }.joined(separator: "\n")
    }
  }

  /// Reasons without file-specific detail, to count them.
  static func category(_ reason: String) -> String {
    // Quoted names and line numbers vary from file to file.
    var out = ""
    var inQuote = false
    for c in reason {
      if c == "'" || c == "`" {
        if !inQuote { out += "'…'" }
        inQuote.toggle()
      } else if !inQuote {
        out.append(c.isNumber ? "N" : c)
      }
    }
    return String(out.prefix(140))
  }

  @Test(.requires(sharedData: corpus)) func corpusWorkflowsFixAndVerify() throws {
    let files = (FileManager.default.enumerator(atPath: Self.corpus.path)?.allObjects as? [String] ?? [])
      .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted()
    let (sources, problems) = PolicyLibrary.read(paths: [packageRoot.appendingPathComponent("rules").path])
    #expect(problems.isEmpty)
    let library = PolicyLibrary(sources: sources)
    let base = PolicyEngine(library: library, pack: nil)

    let results = Slots<(Tally, [(String, [UInt8], String)])>(count: files.count)
    DispatchQueue.concurrentPerform(iterations: files.count) { position in
      results.set(position, Self.fix(files[position], base))
    }
    // git apply --check on copies, one at a time.
    var tally = Tally()
    let repository = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: repository) }
    try shell(["git", "init", "-q"], in: repository)
    for value in results.values {
      guard let (partial, patches) = value else { continue }
      tally.add(partial)
      for (path, original, patch) in patches {
        let url = repository.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(original).write(to: url)
        let patchURL = repository.appendingPathComponent("fix.patch")
        try Data(patch.utf8).write(to: patchURL)
        let result = try shell(["git", "apply", "--check", patchURL.path], in: repository)
        if result.status == 0 {
          tally.applied += 1
        } else {
          tally.failures.append("git apply --check failed for \(path): \(result.output)")
        }
        try FileManager.default.removeItem(at: url)
      }
    }
    var report = "corpus fixes: \(tally.files) files, \(tally.fixable) with a fixable finding; patches generated \(tally.generated), applied \(tally.applied), verified \(tally.verified); \(tally.fixed) findings fixed\n"
    report += "  outcomes: " + tally.outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
    for (reason, count) in tally.reasons.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }).prefix(15) {
      report += "  \(count)× \(reason)\n"
    }
    print(report)
    print("corpus fixes per rule (GitHub):\n" + tally.perRuleReport)
    for failure in tally.failures.prefix(20) { print("  FAIL " + failure) }
    #expect(tally.generated > 0)
    #expect(tally.applied == tally.generated)
    #expect(tally.verified == tally.generated)
    #expect(tally.failures.isEmpty)
  }

  @Test(.requires(sharedData: gitlabCorpus)) func corpusGitLabPipelinesFixAndVerify() throws {
    let projects = try FileManager.default.contentsOfDirectory(atPath: Self.gitlabCorpus.path).sorted()
    let (sources, problems) = PolicyLibrary.read(paths: [packageRoot.appendingPathComponent("rules").path])
    #expect(problems.isEmpty)
    let engine = PolicyEngine(library: PolicyLibrary(sources: sources), pack: nil)
    var tally = Tally()
    for project in projects {
      let source = Self.gitlabCorpus.appendingPathComponent(project)
      let root = try temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: root) }
      try shell(["cp", "-R", source.path + "/.", root.path], in: root)
      let ingest = Ingestor().ingest(paths: [root.path], root: root.path)
      let findings = engine.evaluate(ingest.graph).findings
      guard findings.contains(where: { $0.verdict == .fail && !$0.fixes.isEmpty }) else { continue }
      var partial = Tally()
      partial.files = 1
      partial.fixable = 1
      var options = FixOptions()
      options.includeUnsafe = true
      let fixer = FixEngine(ingest: ingest, paths: [root.path], policy: engine, findings: findings, pins: ActionPins.load(root: ingest.root, graph: ingest.graph))
      let result = fixer.run(findings, options: options)
      for outcome in result.outcomes {
        partial.outcomes[outcome.status.rawValue, default: 0] += 1
        partial.perRule[outcome.finding.ruleID, default: [:]][outcome.status.rawValue, default: 0] += 1
        if outcome.status == .fixed { partial.fixed += 1 }
        if outcome.status != .fixed, let reason = outcome.reason {
          partial.reasons["\(outcome.status.rawValue): \(Self.category(reason))", default: 0] += 1
          if outcome.status == .unverified { partial.failures.append("unverified \(project): \(outcome.finding.ruleID): \(reason)") }
        }
      }
      if !result.changes.isEmpty {
        partial.generated = 1
        // The patch applies to the untouched copy.
        let patch = result.changes.map { UnifiedDiff.make(path: $0.path, old: $0.original, new: $0.patched) }.joined()
        let patchURL = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-\(UUID().uuidString).patch")
        defer { try? FileManager.default.removeItem(at: patchURL) }
        try Data(patch.utf8).write(to: patchURL)
        try shell(["git", "init", "-q"], in: root)
        let check = try shell(["git", "apply", "--check", patchURL.path], in: root)
        if check.status == 0 { tally.applied += 1 } else { partial.failures.append("git apply --check failed for \(project): \(check.output)") }
        // Verify independently: write the patched files, check again, fix again.
        for change in result.changes { try Data(change.patched).write(to: URL(fileURLWithPath: change.absolutePath)) }
        let again = Ingestor().ingest(paths: [root.path], root: root.path)
        let after = engine.evaluate(again.graph).findings
        let before = Set(findings.map { $0.fingerprint + $0.verdict.rawValue })
        let gone = Set(result.applied.map(\.finding.fingerprint)).isDisjoint(with: after.map(\.fingerprint))
        let nothingNew = after.allSatisfy { before.contains($0.fingerprint + $0.verdict.rawValue) }
        let second = FixEngine(ingest: again, paths: [root.path], policy: engine, findings: after, pins: ActionPins.load(root: again.root, graph: again.graph))
          .run(after, options: options)
        if gone && nothingNew && second.changes.isEmpty {
          partial.verified = 1
        } else {
          partial.failures.append("\(project): gone \(gone), nothing new \(nothingNew), second run changes \(second.changes.map(\.path))")
        }
      }
      tally.add(partial)
    }
    print("corpus fixes (GitLab): \(tally.files) projects with a fixable finding; patches generated \(tally.generated), applied \(tally.applied), verified \(tally.verified); \(tally.fixed) findings fixed")
    print("corpus fixes per rule (GitLab):\n" + tally.perRuleReport)
    for (reason, count) in tally.reasons.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }).prefix(15) {
      print("  \(count)× \(reason)")
    }
    for failure in tally.failures.prefix(20) { print("  FAIL " + failure) }
    #expect(tally.applied == tally.generated)
    #expect(tally.verified == tally.generated)
    #expect(tally.failures.isEmpty)
  }

  /// Fixes one corpus file in a repository of its own.
  static func fix(_ relative: String, _ base: PolicyEngine) -> (Tally, [(String, [UInt8], String)]) {
    var tally = Tally()
    guard let data = FileManager.default.contents(atPath: corpus.appendingPathComponent(relative).path) else {
      return (tally, [])
    }
    let bytes = [UInt8](data)
    let name = (relative as NSString).lastPathComponent
    let path = name == "action.yml" || name == "action.yaml" ? name : ".github/workflows/" + name
    guard let root = try? temporaryDirectory() else { return (tally, []) }
    defer { try? FileManager.default.removeItem(at: root) }
    let file = root.appendingPathComponent(path)
    try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try? Data(bytes).write(to: file)

    let ingest = Ingestor().ingest(paths: [root.path], root: root.path)
    guard ingest.files.contains(where: { $0.format != nil }) else { return (tally, []) }
    tally.files = 1
    let pins = ActionPins.load(root: ingest.root, graph: ingest.graph)
    let engine = base.updatingParameter("action_pins") { _ in
      .value(.map(ValueMap(pins.parameterEntries.map { ($0.0, Value.string($0.1)) })))
    }
    let findings = engine.evaluate(ingest.graph).findings
    guard findings.contains(where: { $0.verdict == .fail && !$0.fixes.isEmpty }) else { return (tally, []) }
    tally.fixable = 1
    let fixer = FixEngine(ingest: ingest, paths: [root.path], policy: engine, findings: findings, pins: pins)
    var options = FixOptions()
    options.includeUnsafe = true
    let result = fixer.run(findings, options: options)
    for outcome in result.outcomes {
      tally.outcomes[outcome.status.rawValue, default: 0] += 1
      tally.perRule[outcome.finding.ruleID, default: [:]][outcome.status.rawValue, default: 0] += 1
      if outcome.status == .fixed { tally.fixed += 1 }
      if outcome.status != .fixed, let reason = outcome.reason {
        tally.reasons["\(outcome.status.rawValue): \(category(reason))", default: 0] += 1
        if outcome.status == .unverified { tally.failures.append("unverified \(relative): \(outcome.finding.ruleID): \(reason)") }
      }
    }
    guard let change = result.changes.first else { return (tally, []) }
    tally.generated = 1
    let patch = result.changes.map { UnifiedDiff.make(path: $0.path, old: $0.original, new: $0.patched) }.joined()

    // Verify independently: write the patched file, check again, fix again.
    try? Data(change.patched).write(to: file)
    let again = Ingestor().ingest(paths: [root.path], root: root.path)
    let after = engine.evaluate(again.graph).findings
    let before = Set(findings.map { $0.fingerprint + $0.verdict.rawValue })
    let gone = Set(result.applied.map(\.finding.fingerprint)).isDisjoint(with: after.map(\.fingerprint))
    let nothingNew = after.allSatisfy { before.contains($0.fingerprint + $0.verdict.rawValue) }
    let secondPins = ActionPins.load(root: again.root, graph: again.graph)
    let second = FixEngine(ingest: again, paths: [root.path], policy: engine, findings: after, pins: secondPins)
      .run(after, options: options)
    if gone && nothingNew && second.changes.isEmpty {
      tally.verified = 1
    } else {
      tally.failures.append("\(relative): gone \(gone), nothing new \(nothingNew), second run changes \(second.changes.map(\.path))")
    }
    return (tally, [(path, bytes, patch)])
  }
}

/// Slots filled from concurrent iterations.
final class Slots<T>: @unchecked Sendable {
  private let lock = NSLock()
  private var storage: [T?]
  init(count: Int) { storage = Array(repeating: nil, count: count) }
  func set(_ index: Int, _ value: T) {
    lock.lock()
    storage[index] = value
    lock.unlock()
  }
  var values: [T?] {
    lock.lock()
    defer { lock.unlock() }
    return storage
  }
}
