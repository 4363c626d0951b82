// The in-process measurements, run in a child process each so peak RSS is attributable: the
// real `Ingestor` (its stages reported through `onStage`), `PolicyLibrary` over the built-in
// rules, and `PolicyEngine.evaluate` over all rules, a 50-rule subset, or each rule alone.

import BenchmarkSupport
import Foundation
import PlumbGraph
import PlumbIngest
import PlumbKit
import PlumbPolicy

/// Stage marks collected from the ingestor's callback.
final class StageMarks: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var marks: [(stage: IngestStage, time: Double, cpu: Double, peak: Int)] = []

  func mark(_ stage: IngestStage) {
    let time = now()
    let cpu = cpuSeconds()
    let peak = peakRSSKiB()
    lock.lock()
    marks.append((stage, time, cpu, peak))
    lock.unlock()
  }
}

/// The rules of the 50-rule subset: evenly spaced through the built-in rules sorted by id, so
/// every family (catalog, Terraform on three clouds, GitHub, GitLab) is represented.
func subsetRules(_ rules: [CompiledRule], count: Int) -> [CompiledRule] {
  let sorted = rules.sorted { $0.id < $1.id }
  guard sorted.count > count else { return sorted }
  return (0..<count).map { sorted[$0 * sorted.count / count] }
}

/// Runs load → ingest → graph → compile → evaluation (`evaluate`: all, subset, rules, none) and
/// prints `phase=… seconds=… peak_kib=…` lines, a census, and per-rule lines for `rules`.
func runPhases(directory: String, evaluate: String, subsetSize: Int, ruleRuns: Int, only: Set<String> = []) {
  let marks = StageMarks()
  var ingestor = Ingestor()
  ingestor.onStage = { marks.mark($0) }
  let start = now()
  let startCPU = cpuSeconds()
  let ingest = ingestor.ingest(paths: [directory])
  var previous = (time: start, cpu: startCPU)
  for mark in marks.marks {
    let name: String
    switch mark.stage {
    case .loaded: name = "load"
    case .linked: name = "ingest"
    case .built: name = "graph"
    }
    print("phase=\(name) seconds=\(mark.time - previous.time) cpu=\(mark.cpu - previous.cpu) peak_kib=\(mark.peak)")
    previous = (mark.time, mark.cpu)
  }
  let graph = ingest.graph

  var t = now()
  var c = cpuSeconds()
  let library = PolicyLibrary(sources: BuiltinPolicies.sources)
  print(
    "phase=compile seconds=\(now() - t) cpu=\(cpuSeconds() - c) peak_kib=\(peakRSSKiB()) rules=\(library.rules.count) "
      + "errors=\(library.hasErrors)")

  // Census: what was ingested.
  var kinds: [String: Int] = [:]
  for entity in graph.entities { kinds[entity.kind, default: 0] += 1 }
  let catalog = kinds.filter { $0.key.hasPrefix(EntityKinds.catalogPrefix) }.values.reduce(0, +)
  let bytes = ingest.sources.reduce(0) { $0 + $1.bytes.count }
  print(
    "census files=\(ingest.files.count) bytes=\(bytes) entities=\(graph.entities.count) edges=\(graph.edges.count) "
      + "diagnostics=\(graph.diagnostics.count) catalog=\(catalog) "
      + "terraform.resource=\(kinds[EntityKinds.terraformResource] ?? 0) "
      + "terraform.module=\(kinds[EntityKinds.terraformModule] ?? 0) "
      + "terraform.plan=\(kinds[EntityKinds.terraformPlan] ?? 0) "
      + "github.workflow=\(kinds[EntityKinds.githubWorkflow] ?? 0) github.job=\(kinds[EntityKinds.githubJob] ?? 0) "
      + "github.step=\(kinds[EntityKinds.githubStep] ?? 0) gitlab.pipeline=\(kinds[EntityKinds.gitlabPipeline] ?? 0) "
      + "gitlab.job=\(kinds[EntityKinds.gitlabJob] ?? 0)")
  print(
    "kinds "
      + kinds.filter { $0.key.hasPrefix(EntityKinds.catalogPrefix) }.sorted { $0.key < $1.key }
      .map { "\($0.key)=\($0.value)" }.joined(separator: " "))

  switch evaluate {
  case "all":
    t = now()
    c = cpuSeconds()
    let engine = PolicyEngine(library: library, pack: library.packs["baseline"])
    let result = engine.evaluate(graph)
    print(
      "phase=evaluate seconds=\(now() - t) cpu=\(cpuSeconds() - c) peak_kib=\(peakRSSKiB()) rules=\(engine.bindings.count) "
        + "findings=\(result.findings.count) "
        + "fail=\(result.findings.count { $0.verdict == .fail }) "
        + "indeterminate=\(result.findings.count { $0.verdict == .indeterminate })")
  case "subset":
    let rules = subsetRules(library.rules, count: subsetSize)
    t = now()
    c = cpuSeconds()
    let engine = PolicyEngine(rules: rules)
    let result = engine.evaluate(graph)
    print(
      "phase=evaluate50 seconds=\(now() - t) cpu=\(cpuSeconds() - c) peak_kib=\(peakRSSKiB()) rules=\(rules.count) "
        + "findings=\(result.findings.count)")
    print("subset " + rules.map(\.id).joined(separator: ","))
  case "rules":
    for rule in library.rules.sorted(by: { $0.id < $1.id }) where only.isEmpty || only.contains(rule.id) {
      var best = Double.infinity
      var findings = 0
      var selected = 0
      for _ in 0..<ruleRuns {
        t = now()
        let result = PolicyEngine(rules: [rule]).evaluate(graph)
        best = min(best, now() - t)
        findings = result.findings.count
        selected = result.statistics.first?.selected ?? 0
      }
      print("rule=\(rule.id) seconds=\(best) selected=\(selected) findings=\(findings)")
    }
  default:
    break
  }
  print("phase=total seconds=\(now() - start) cpu=\(cpuSeconds() - startCPU) peak_kib=\(peakRSSKiB())")
}

/// Runs the pipeline once without output beyond a summary (for `perf record`).
func runProfile(directory: String, evaluate: String, subsetSize: Int, only: Set<String>) {
  runPhases(directory: directory, evaluate: evaluate, subsetSize: subsetSize, ruleRuns: 1, only: only)
}
