import Foundation
import PlumbDiagnostics
import PlumbGraph
import PlumbIngest
import PlumbPolicy

/// Runs rules' inline examples (and `examples for …` blocks from test files): `plumb test`.
///
/// Each example's files are written to a fresh directory and ingested like a real repository;
/// then only that rule is evaluated. A `↓` in an example marks where a finding must point (the
/// marker is removed before loading).
public struct RuleTestRunner: Sendable {
  /// One example's outcome.
  public struct ExampleResult: Sendable {
    public var ruleID: String
    public var verdict: ExampleVerdict
    public var name: String
    public var passed: Bool
    /// Why it failed.
    public var problems: [String]
  }

  /// One rule's outcome.
  public struct RuleResult: Sendable {
    public var ruleID: String
    public var examples: [ExampleResult]
    /// Requirement ordinals that some failing example triggered.
    public var coveredRequirements: Set<Int>
    public var requirementCount: Int
    /// Problems with the rule as a whole (no failing example).
    public var problems: [String]

    public var passed: Bool { problems.isEmpty && examples.allSatisfy(\.passed) }
  }

  /// The marker that shows where a finding must point.
  public static let marker = "↓"

  /// Creates a runner.
  public init() {}

  /// Runs every example of every rule in `library` (or only `ruleIDs`).
  public func run(_ library: PolicyLibrary, only ruleIDs: Set<String>? = nil) -> [RuleResult] {
    let rules = library.rules.filter { ruleIDs?.contains($0.id) ?? true }
    return rules.concurrentMap { run($0) }
  }

  /// Runs one rule's examples.
  public func run(_ rule: CompiledRule) -> RuleResult {
    var examples: [ExampleResult] = []
    var covered = Set<Int>()
    let requirements = rule.decl.body.compactMap { statement -> Int? in
      if case .require(let r) = statement { return r.ordinal }
      return nil
    }
    for (number, example) in rule.decl.examples.enumerated() {
      let (result, triggered) = run(example, number: number + 1, of: rule)
      examples.append(result)
      if example.verdict == .fail { covered.formUnion(triggered) }
    }
    var problems: [String] = []
    if !rule.decl.examples.contains(where: { $0.verdict == .fail }) {
      problems.append("rule '\(rule.id)' has no failing example: nothing shows that it can find anything")
    }
    if !rule.decl.examples.contains(where: { $0.verdict == .pass }) {
      problems.append("rule '\(rule.id)' has no passing example: nothing shows that it accepts good input")
    }
    return RuleResult(
      ruleID: rule.id, examples: examples, coveredRequirements: covered, requirementCount: requirements.count,
      problems: problems)
  }

  func run(_ example: ExampleDecl, number: Int, of rule: CompiledRule) -> (ExampleResult, Set<Int>) {
    let name = example.name ?? "example \(number)"
    var problems: [String] = []
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-example-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    var markers: [(path: String, offset: Int)] = []
    for (path, text) in example.files {
      let relative = path.isEmpty ? Self.defaultFileName(for: rule.decl.selector?.kind ?? "") : path
      let (clean, offsets) = Self.removeMarkers(text)
      markers += offsets.map { (relative, $0) }
      let url = directory.appendingPathComponent(relative)
      do {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try clean.write(to: url, atomically: true, encoding: .utf8)
      } catch {
        problems.append("cannot write example file '\(relative)': \(error)")
      }
    }
    let ingest = Ingestor().ingest(paths: [directory.path], root: directory.path)
    // An example must load; validation diagnostics (a Component without owner) are allowed,
    // since rules judge such entities too.
    let loadFailures = ["yaml.", "io.", "ingest.", "terraform.unsupported-format"]
    for diagnostic in ingest.graph.diagnostics
    where diagnostic.severity == .error && loadFailures.contains(where: { diagnostic.code.hasPrefix($0) }) {
      problems.append("the example's input has an error: \(diagnostic.location.map { "\($0): " } ?? "")\(diagnostic.message)")
    }
    let result = PolicyEngine(rules: [rule]).evaluate(ingest.graph)
    let findings = result.findings
    let fails = findings.filter { $0.verdict == .fail }
    let unknowns = findings.filter { $0.verdict == .indeterminate }
    let applied = result.statistics.first?.selected ?? 0
    switch example.verdict {
    case .pass:
      if applied == 0 { problems.append("the rule selected nothing in this example, so it proves nothing") }
      for finding in findings { problems.append("unexpected \(finding.verdict.rawValue): \(describe(finding))") }
    case .fail:
      if fails.isEmpty { problems.append("expected a failure, found none") }
      for finding in unknowns { problems.append("unexpected indeterminate: \(describe(finding))") }
    case .indeterminate:
      if unknowns.isEmpty { problems.append("expected an indeterminate verdict, found none") }
      for finding in fails { problems.append("unexpected failure: \(describe(finding))") }
    }
    // A rule that cannot be evaluated on its own example is broken, whatever was expected.
    if example.verdict != .pass {
      for finding in findings where finding.verdict == .error { problems.append("evaluation error: \(describe(finding))") }
    }
    for expected in example.expectations where !findings.contains(where: { $0.message.contains(expected) }) {
      problems.append("no finding says \"\(expected)\"; found: \(findings.map { "\"\($0.message)\"" }.joined(separator: ", "))")
    }
    if !markers.isEmpty {
      let pointed = Set(findings.map { "\($0.location.path)@\($0.location.span.start.offset)" })
      let wanted = Set(markers.map { "\($0.path)@\($0.offset)" })
      for missing in wanted.subtracting(pointed).sorted() {
        problems.append("no finding points at the marker (\(missing)); findings point at \(findings.map { $0.location.description })")
      }
      for extra in findings where !wanted.contains("\(extra.location.path)@\(extra.location.span.start.offset)") {
        problems.append("finding points where no marker is: \(describe(extra))")
      }
    }
    let triggered = Set(fails.map(\.requirement))
    return (
      ExampleResult(ruleID: rule.id, verdict: example.verdict, name: name, passed: problems.isEmpty, problems: problems),
      triggered
    )
  }

  func describe(_ finding: Finding) -> String {
    "\(finding.location): \(finding.message)"
  }

  /// The file an example without a name is written to, by the rule's kind.
  public static func defaultFileName(for kind: String) -> String {
    switch kind {
    case let k where k.hasPrefix("catalog."): return "catalog-info.yaml"
    case let k where k.hasPrefix("terraform."): return "plan.tfplan.json"
    case "github.action": return "action.yml"
    case let k where k.hasPrefix("github.dependabot"): return ".github/dependabot.yml"
    case let k where k.hasPrefix("github."): return ".github/workflows/example.yml"
    case let k where k.hasPrefix("gitlab."): return ".gitlab-ci.yml"
    default: return "input.yaml"
    }
  }

  /// The text without `↓` markers, and the byte offsets where they were.
  public static func removeMarkers(_ text: String) -> (String, [Int]) {
    var offsets: [Int] = []
    var clean = ""
    var bytes = 0
    for character in text {
      if String(character) == marker {
        offsets.append(bytes)
        continue
      }
      clean.append(character)
      bytes += String(character).utf8.count
    }
    return (clean, offsets)
  }

  /// A readable report: one line per rule with its coverage, details for failures, a total.
  public static func report(_ results: [RuleResult]) -> String {
    var out = ""
    for result in results.sorted(by: { $0.ruleID < $1.ruleID }) {
      let counts = Dictionary(grouping: result.examples, by: \.verdict).mapValues(\.count)
      let mark = result.passed ? "ok  " : "FAIL"
      out += "\(mark) \(result.ruleID): \(counts[.pass] ?? 0) pass, \(counts[.fail] ?? 0) fail, \(counts[.indeterminate] ?? 0) indeterminate examples; "
      out += "requirements covered by failing examples \(result.coveredRequirements.count)/\(result.requirementCount)\n"
      for problem in result.problems { out += "     \(problem)\n" }
      for example in result.examples where !example.passed {
        out += "     \(example.verdict.rawValue) example '\(example.name)':\n"
        for problem in example.problems { out += "       - \(problem)\n" }
      }
    }
    let failed = results.filter { !$0.passed }.count
    let examples = results.reduce(0) { $0 + $1.examples.count }
    out += "\n\(results.count - failed) passed, \(failed) failed (\(results.count) rules, \(examples) examples)\n"
    return out
  }
}
