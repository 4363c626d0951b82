// plumb-org-bench: the organisation benchmark (a benchmark, not a test).
//
//   swift build -c release --scratch-path .build-orgbench --product plumb-org-bench --product plumb
//   .build-orgbench/release/plumb-org-bench [--runs N] [--data-dir DIR] [--scale F] [--seed N]
//       [--plumb PATH] [--regenerate] [--planned-values] [--skip-e2e] [--skip-rules] [--rule-runs N]
//       [--wait-load L]
//   (or `swift run -c release plumb-org-bench`, or scripts/bench-org.sh)
//
// It generates a deterministic synthetic organisation (fixed seed) into DIR (default
// .build-orgbench-data, ignored by git): 100,000 Terraform resource instances in ~100 plan files,
// a Backstage catalog of 10,000 entities, 2,000 GitHub workflows and a few GitLab pipelines.
// Then, best of N runs, each measurement in a fresh child process so its peak RSS is its own:
//
//   - the in-process phases of a check: load (discover and parse every file), ingest (adapters and
//     cross-source links), graph build, policy compile (every built-in rule), evaluation of every
//     built-in rule under the `baseline` pack (on all cores);
//   - the same pipeline evaluating a 50-rule subset instead;
//   - `plumb check --fail-on never --output json=/dev/null DIR` end to end (the built binary);
//   - every rule alone (one core), for the per-rule table.
//
// Other modes: `--mode generate` (data only), `--mode phases --evaluate all|subset|rules|none`
// (one child measurement, key=value output), `--mode profile` (the pipeline once, for perf), and
// `--mode store`: 1,000 repositories around a central catalog, recorded into a PostgreSQL server
// from 8 processes at once, the organisation view from the store, and the catalog context's cost
// in one gate (StoreBenchmark.swift; `--repositories 20` for a quick run).

import BenchmarkSupport
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

// MARK: Options

struct Options {
  var mode = "run"
  var dataDir = ".build-orgbench-data"
  var runs = 3
  var scale = 1.0
  var seed: UInt64 = 0x0_5EED_0F_AC3E
  var plumb = ".build-orgbench/release/plumb"
  var regenerate = false
  var plannedValues = false
  var skipE2E = false
  var skipRules = false
  var ruleRuns = 1
  var subsetSize = 50
  var evaluate = "all"
  var directory = ""
  var waitLoad: Double?
  var only: Set<String> = []
  // --mode store (StoreBenchmark.swift)
  var repositories = 1000
  var workers = 8
  var url: String?
  /// `--mode store-worker`: read the runs to record from this store instead of scoring them.
  var sourceURL: String?
  var worker = 0
  var barrier: String?
  /// `{db}`: the store's URL; `{out}`: a file in the data directory.
  var orgArguments = "org --db {db} --now 2026-12-02T00:00:00Z --format json --output {out}"
  var skipCLI = false
  var skipStore = false
  var skipContext = false
  var contextRounds = 7

  init(_ args: [String]) throws {
    var i = 0
    func value() throws -> String {
      i += 1
      guard i < args.count else { throw BenchError.usage("missing value after \(args[i - 1])") }
      return args[i]
    }
    while i < args.count {
      switch args[i] {
      case "--mode": mode = try value()
      case "--data-dir": dataDir = try value()
      case "--runs": runs = max(1, Int(try value()) ?? 3)
      case "--scale": scale = max(0.001, Double(try value()) ?? 1)
      case "--seed": seed = UInt64(try value()) ?? seed
      case "--plumb": plumb = try value()
      case "--regenerate": regenerate = true
      case "--planned-values": plannedValues = true
      case "--skip-e2e": skipE2E = true
      case "--skip-rules": skipRules = true
      case "--rule-runs": ruleRuns = max(1, Int(try value()) ?? 1)
      case "--subset": subsetSize = max(1, Int(try value()) ?? 50)
      case "--evaluate": evaluate = try value()
      case "--directory": directory = try value()
      case "--wait-load": waitLoad = Double(try value())
      case "--only": only = Set(try value().split(separator: ",").map(String.init))
      case "--repositories": repositories = max(1, Int(try value()) ?? 1000)
      case "--workers": workers = max(1, Int(try value()) ?? 8)
      case "--url": url = try value()
      case "--source-url": sourceURL = try value()
      case "--worker": worker = max(0, Int(try value()) ?? 0)
      case "--barrier": barrier = try value()
      case "--org-arguments": orgArguments = try value()
      case "--skip-cli": skipCLI = true
      case "--skip-store": skipStore = true
      case "--skip-context": skipContext = true
      case "--context-rounds": contextRounds = max(1, Int(try value()) ?? 7)
      case "-h", "--help":
        print(
          """
          usage: plumb-org-bench [--runs N] [--data-dir DIR] [--scale F] [--seed N] [--plumb PATH] [--regenerate]
                                 [--planned-values] [--skip-e2e] [--skip-rules] [--rule-runs N] [--subset N]
                                 [--wait-load L]
                 plumb-org-bench --mode generate [--data-dir DIR] [--scale F] [--seed N] [--planned-values]
                 plumb-org-bench --mode phases --directory DIR [--evaluate all|subset|rules|none]
                 plumb-org-bench --mode profile --directory DIR [--evaluate all|subset|rules|none] [--only RULE,...]
                 plumb-org-bench --mode store [--repositories 1000] [--workers 8] [--runs N] [--context-rounds 7]
                                 [--org-arguments 'org --db {db}'] [--skip-cli] [--skip-store] [--skip-context]
                                 [--data-dir DIR] [--seed N] [--plumb PATH] [--regenerate]
          """)
        exit(0)
      default: throw BenchError.usage("unknown argument \(args[i]) (try --help)")
      }
      i += 1
    }
  }
}

// MARK: Generation

/// Bumped whenever a generator changes, so stale data is regenerated.
let generatorVersion = 3

/// The organisation's directory for these options; generates it unless it is already there.
func ensureData(_ options: Options) throws -> (directory: String, summary: String) {
  let sizes = Sizes().scaled(options.scale)
  let name = String(
    format: "org-g%d-s%llx-x%g%@", generatorVersion, options.seed, options.scale, options.plannedValues ? "-pv" : "")
  let directory = options.dataDir + "/" + name
  let marker = directory + "/.generated"
  let manager = FileManager.default
  if !options.regenerate, let summary = try? String(contentsOfFile: marker, encoding: .utf8) {
    return (directory, summary)
  }
  try? manager.removeItem(atPath: directory)
  let started = now()
  FileHandle.standardError.write("generating the organisation into \(directory)...\n".data(using: .utf8)!)
  var random = SeededRandom(seed: options.seed)
  let org = Organisation(sizes: sizes, random: &random)

  var totals: [String: (files: Int, bytes: Int)] = [:]
  func write(_ relative: String, _ bytes: [UInt8], kind: String) throws {
    let path = directory + "/" + relative
    try manager.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    guard manager.createFile(atPath: path, contents: Data(bytes)) else { throw BenchError.io("cannot write \(path)") }
    totals[kind, default: (0, 0)].files += 1
    totals[kind, default: (0, 0)].bytes += bytes.count
  }

  var catalog = CatalogWriter(org: org, seed: random.next())
  for (path, text) in catalog.write() { try write(path, Array(text.utf8), kind: "catalog") }
  var pipelines = PipelineWriter(org: org, seed: random.next())
  for (path, text) in pipelines.write() {
    try write(path, Array(text.utf8), kind: path.contains(".github/") ? "github" : "gitlab")
  }
  var terraform = TerraformWriter(org: org, seed: random.next(), includePlannedValues: options.plannedValues)
  var resources = 0
  for (path, bytes, count) in terraform.write() {
    try write(path, bytes, kind: "terraform")
    resources += count
  }
  func mb(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
  let t = totals["terraform"] ?? (0, 0)
  let c = totals["catalog"] ?? (0, 0)
  let g = totals["github"] ?? (0, 0)
  let l = totals["gitlab"] ?? (0, 0)
  let summary =
    "Terraform: \(t.files) plan files, \(resources) resource instances, \(mb(t.bytes)); "
    + "catalog: \(c.files) files, \(sizes.catalogEntities) entities, \(mb(c.bytes)); "
    + "GitHub: \(g.files) workflows, \(mb(g.bytes)); GitLab: \(l.files) files, \(mb(l.bytes)); "
    + "total \(mb(t.bytes + c.bytes + g.bytes + l.bytes))"
  try summary.write(toFile: marker, atomically: true, encoding: .utf8)
  FileHandle.standardError.write(
    String(format: "generated in %.1f s: %@\n", now() - started, summary).data(using: .utf8)!)
  return (directory, summary)
}

// MARK: Running

struct PhaseSample {
  var seconds: Double
  var cpu: Double
  var peakKiB: Int
}

func waitForQuietMachine(_ threshold: Double?) {
  guard let threshold else { return }
  for _ in 0..<60 {
    guard let load = loadAverage(), load > threshold else { return }
    FileHandle.standardError.write("waiting for the 1-minute load average (\(load)) to drop to \(threshold)...\n".data(using: .utf8)!)
    sleep(10)
  }
}

func runBenchmark(_ options: Options) throws {
  let (directory, summary) = try ensureData(options)
  let machine = machineDescription()
  let me = executablePath()
  var samples: [String: [PhaseSample]] = [:]
  var census: [String: String] = [:]
  var kinds = ""
  var evaluateInfo: [String: String] = [:]
  var subsetInfo: [String: String] = [:]
  var subsetIDs = ""
  var e2e: [PhaseSample] = []
  var e2eStatus: Int32 = 0
  var loads: [Double] = []
  let plumbAvailable = FileManager.default.isExecutableFile(atPath: options.plumb)

  func log(_ text: String) { FileHandle.standardError.write((text + "\n").data(using: .utf8)!) }

  for run in 1...options.runs {
    waitForQuietMachine(options.waitLoad)
    if let load = loadAverage() { loads.append(load) }
    for evaluate in ["all", "subset"] {
      log("run \(run)/\(options.runs): phases, evaluating \(evaluate)...")
      let child = try runChild([
        me, "--mode", "phases", "--directory", directory, "--evaluate", evaluate, "--subset",
        String(options.subsetSize),
      ])
      guard child.status == 0 else { throw BenchError.failed("phases child exited with \(child.status)") }
      for line in child.output.split(separator: "\n") {
        let f = fields(line)
        if let phase = f["phase"], let seconds = f["seconds"].flatMap(Double.init), let peak = f["peak_kib"].flatMap(Int.init) {
          let key = (evaluate == "subset" && phase != "evaluate50") ? phase + "/subset" : phase
          let cpu = f["cpu"].flatMap(Double.init) ?? 0
          samples[key, default: []].append(PhaseSample(seconds: seconds, cpu: cpu, peakKiB: peak))
          if phase == "evaluate" { evaluateInfo = f }
          if phase == "evaluate50" { subsetInfo = f }
        }
        if line.hasPrefix("census ") { census = f }
        if line.hasPrefix("kinds ") { kinds = String(line.dropFirst(6)) }
        if line.hasPrefix("subset ") { subsetIDs = String(line.dropFirst(7)) }
      }
    }
    if !options.skipE2E && plumbAvailable {
      log("run \(run)/\(options.runs): plumb check end to end...")
      let child = try runChild(
        [options.plumb, "check", "--fail-on", "never", "--output", "json=/dev/null", directory], captureOutput: false)
      e2eStatus = child.status
      e2e.append(PhaseSample(seconds: child.seconds, cpu: child.cpuSeconds, peakKiB: child.peakKiB))
    }
  }
  var ruleLines: [(id: String, seconds: Double, selected: Int, findings: Int)] = []
  if !options.skipRules {
    log("timing every rule alone...")
    let child = try runChild([
      me, "--mode", "phases", "--directory", directory, "--evaluate", "rules", "--rule-runs", String(options.ruleRuns),
    ])
    for line in child.output.split(separator: "\n") where line.hasPrefix("rule=") {
      let f = fields(line)
      ruleLines.append(
        (f["rule"] ?? "?", Double(f["seconds"] ?? "") ?? 0, Int(f["selected"] ?? "") ?? 0, Int(f["findings"] ?? "") ?? 0))
    }
  }

  // MARK: Report

  func best(_ key: String) -> PhaseSample? {
    guard let list = samples[key], !list.isEmpty else { return nil }
    let fastest = list.min { $0.seconds < $1.seconds }!
    return PhaseSample(seconds: fastest.seconds, cpu: fastest.cpu, peakKiB: list.map(\.peakKiB).max()!)
  }
  var out = ""
  let date = ISO8601DateFormatter().string(from: Date())
  out += "### Organisation benchmark run (\(date))\n\n"
  out += "- machine: \(machine.cores) cores, \(machine.cpu), \(machine.memory) RAM"
  if !loads.isEmpty {
    out += String(format: "; 1-minute load average at the start of each run: %@", loads.map { String(format: "%.1f", $0) }.joined(separator: ", "))
  }
  out += "\n- data: `\(directory)`: \(summary)\n"
  out += "- ingested: \(census["files"] ?? "?") files, \(census["entities"] ?? "?") entities "
    + "(\(census["terraform.resource"] ?? "?") Terraform resources, \(census["terraform.module"] ?? "?") module instances, "
    + "\(census["terraform.plan"] ?? "?") plans; \(census["catalog"] ?? "?") catalog entities; "
    + "\(census["github.workflow"] ?? "?") workflows, \(census["github.job"] ?? "?") jobs, \(census["github.step"] ?? "?") steps; "
    + "\(census["gitlab.pipeline"] ?? "?") GitLab pipelines, \(census["gitlab.job"] ?? "?") GitLab jobs), "
    + "\(census["edges"] ?? "?") edges, \(census["diagnostics"] ?? "?") diagnostics\n"
  out += "- catalog kinds: \(kinds)\n"
  out += "- evaluation: \(evaluateInfo["rules"] ?? "?") rules (pack `baseline`), \(evaluateInfo["findings"] ?? "?") findings "
    + "(\(evaluateInfo["fail"] ?? "?") fail, \(evaluateInfo["indeterminate"] ?? "?") indeterminate); "
    + "50-rule subset: \(subsetInfo["findings"] ?? "?") findings\n"
  out += "- best of \(options.runs) runs (wall time; the CPU time, all threads, is that run's); peak RSS is the "
    + "measuring process's peak at the end of the phase (cumulative: it includes every earlier phase), the largest "
    + "of the runs\n\n"

  out += "| phase | wall time | CPU time | peak RSS |\n|---|---:|---:|---:|\n"
  let rows: [(String, String)] = [
    ("load (discover, read and parse every YAML/JSON file)", "load"),
    ("ingest (adapters, cross-source links)", "ingest"),
    ("graph build (sort, deduplicate edges, indexes)", "graph"),
    ("policy compile (every built-in rule, packs)", "compile"),
    ("evaluate: all \(evaluateInfo["rules"] ?? "") built-in rules (\(machine.cores) cores)", "evaluate"),
    ("evaluate: 50-rule subset (\(machine.cores) cores)", "evaluate50"),
    ("in process, load → evaluate all", "total"),
  ]
  for (label, key) in rows {
    guard let sample = best(key) else { continue }
    out += "| \(label) | \(formatSeconds(sample.seconds)) | \(formatSeconds(sample.cpu)) | \(formatMiB(sample.peakKiB)) |\n"
  }
  if let fastest = e2e.min(by: { $0.seconds < $1.seconds }) {
    out += "| **`plumb check` end to end** (exit \(e2eStatus)) | **\(formatSeconds(fastest.seconds))** | "
      + "\(formatSeconds(fastest.cpu)) | **\(formatMiB(e2e.map(\.peakKiB).max()!))** |\n"
  } else if !options.skipE2E {
    out += "| `plumb check` end to end | not run: no executable at `\(options.plumb)` | | |\n"
  }
  if let load = best("load"), let evaluate = best("evaluate"), let subset = best("evaluate50") {
    out += String(
      format: "\nEvaluation vs loading: all rules %.2f× the load time, the 50-rule subset %.2f× (goal: below 1).\n",
      evaluate.seconds / load.seconds, subset.seconds / load.seconds)
  }
  if !ruleLines.isEmpty {
    let total = ruleLines.reduce(0) { $0 + $1.seconds }
    out += String(format: "\nPer rule, alone on one core (sum of all %d: %@), top 10:\n\n", ruleLines.count, formatSeconds(total))
    out += "| rule | time | selected | findings |\n|---|---:|---:|---:|\n"
    for line in ruleLines.sorted(by: { $0.seconds > $1.seconds }).prefix(10) {
      out += "| `\(line.id)` | \(formatSeconds(line.seconds)) | \(line.selected) | \(line.findings) |\n"
    }
  }
  if !subsetIDs.isEmpty { out += "\nThe 50-rule subset: " + subsetIDs.split(separator: ",").map { "`\($0)`" }.joined(separator: ", ") + ".\n" }
  print(out)
}

// MARK: Main

do {
  let options = try Options(Array(CommandLine.arguments.dropFirst()))
  switch options.mode {
  case "generate":
    let (directory, summary) = try ensureData(options)
    print("\(directory): \(summary)")
  case "phases":
    runPhases(
      directory: options.directory, evaluate: options.evaluate, subsetSize: options.subsetSize,
      ruleRuns: options.ruleRuns, only: options.only)
  case "profile":
    runProfile(directory: options.directory, evaluate: options.evaluate, subsetSize: options.subsetSize, only: options.only)
  case "run":
    try runBenchmark(options)
  case "store":
    try runStoreBenchmark(options)
  case "store-generate":
    _ = try ensureRepositories(options, count: options.repositories)
  case "store-worker":
    try runStoreWorker(options)
  default:
    throw BenchError.usage("unknown mode \(options.mode)")
  }
} catch {
  FileHandle.standardError.write("plumb-org-bench: \(error)\n".data(using: .utf8)!)
  exit(2)
}
