// plumb-bench: the YAML/JSON loader benchmark (a benchmark, not a test).
//
//   swift build -c release --scratch-path .build-bench --product plumb-bench
//   .build-bench/release/plumb-bench [--runs N] [--data-dir DIR] [--json-mb N] [--yaml-mb N]
//                                    [--only NAME,...] [--regenerate]
//
// It generates deterministic inputs (fixed seeds) into DIR (default .build-bench-data, ignored by
// git), then for each input times, in this process, a bare libyaml event loop and Plumb's
// `YAMLLoader().load(SourceFile(...))` over the same bytes, and measures peak memory of each in a
// fresh child process (`--mode memory`). It prints Markdown tables.
//
// Other modes: `--mode generate` (data only), `--mode memory --engine loader|raw --input PATH`
// (one measurement, key=value output), `--mode profile --engine loader|raw --input PATH --runs N`
// (just the work, for valgrind/perf), `--mode hostile [--keys N]` (hash floods, merges and alias
// expansions from `HostileInputs`: load times and the loader's work counts).

import BenchmarkSupport
import PlumbDiagnostics
import PlumbYAML

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// MARK: Options

struct Options {
  var mode = "run"
  var dataDir = ".build-bench-data"
  var runs = 7
  var jsonMB = 40
  var yamlMB = 10
  var only: [String] = []
  var regenerate = false
  var engine = "loader"
  var input = ""
  var keys = 300_000

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
      case "--runs": runs = Int(try value()) ?? 7
      case "--json-mb": jsonMB = max(1, Int(try value()) ?? 40)
      case "--yaml-mb": yamlMB = max(1, Int(try value()) ?? 10)
      case "--only": only = try value().split(separator: ",").map(String.init)
      case "--regenerate": regenerate = true
      case "--engine": engine = try value()
      case "--input": input = try value()
      case "--keys": keys = max(16, Int(try value()) ?? 300_000)
      case "-h", "--help":
        print(
          """
          usage: plumb-bench [--runs N] [--data-dir DIR] [--json-mb N] [--yaml-mb N] [--only NAME,...] [--regenerate]
                 plumb-bench --mode generate [--data-dir DIR] [--json-mb N] [--yaml-mb N]
                 plumb-bench --mode memory --engine loader|raw --input PATH
                 plumb-bench --mode profile --engine loader|raw --input PATH [--runs N]
                 plumb-bench --mode dump --input PATH|@LIST [--runs 0 (hashes only)]
                 plumb-bench --mode hostile [--keys N] [--runs N] [--only NAME,...] [--data-dir DIR]
          inputs: \(Input.all(jsonMB: 40, yamlMB: 10).map(\.name).joined(separator: ", "))
          """)
        exit(0)
      default: throw BenchError.usage("unknown argument \(args[i]) (try --help)")
      }
      i += 1
    }
    // `--mode dump --runs 0` prints hashes; everything else runs at least once.
    runs = max(mode == "dump" ? 0 : 1, runs)
  }
}

// MARK: Inputs

struct Input {
  var name: String
  var file: String
  var what: String
  var seed: UInt64
  var targetBytes: Int
  var make: (UInt64, Int) -> [UInt8]

  static func all(jsonMB: Int, yamlMB: Int) -> [Input] {
    [
      Input(
        name: "terraform-plan", file: "terraform-plan.json",
        what: "`terraform show -json` plan, compact JSON (one line)", seed: 0x7E44_AF04, targetBytes: jsonMB * 1_000_000,
        make: { seed, size in
          var g = TerraformPlanGenerator(seed: seed)
          return g.generate(targetBytes: size)
        }),
      Input(
        name: "catalog", file: "catalog.yaml",
        what: "Backstage-like catalog, multi-document block YAML", seed: 0xBAC5_7A6E, targetBytes: yamlMB * 1_000_000,
        make: { seed, size in
          var g = CatalogYAMLGenerator(seed: seed)
          return g.generate(targetBytes: size)
        }),
      Input(
        name: "gitlab-ci", file: "gitlab-ci.yml",
        what: "GitLab-CI-like pipeline, one block YAML document", seed: 0x6171_AB01, targetBytes: yamlMB * 1_000_000,
        make: { seed, size in
          var g = GitLabCIGenerator(seed: seed)
          return g.generate(targetBytes: size)
        }),
    ]
  }
}

/// Bumped whenever a generator changes, so stale data is regenerated.
let generatorVersion = 2

func fnv1a(_ bytes: [UInt8]) -> UInt64 {
  var hash: UInt64 = 0xCBF2_9CE4_8422_2325
  for b in bytes {
    hash ^= UInt64(b)
    hash = hash &* 0x100_0000_01B3
  }
  return hash
}

func hex(_ value: UInt64) -> String {
  let s = String(value, radix: 16)
  return String(repeating: "0", count: max(0, 16 - s.count)) + s
}

func ensureData(_ options: Options, _ inputs: [Input]) throws {
  mkdir(options.dataDir, 0o755)
  for input in inputs {
    let path = "\(options.dataDir)/\(input.file)"
    let stampPath = path + ".stamp"
    let stamp = "v\(generatorVersion) seed=\(input.seed) target=\(input.targetBytes)"
    let existing = (try? readWholeFile(stampPath)).map { String(decoding: $0, as: UTF8.self) }
    var bytes: [UInt8]
    if !options.regenerate, existing?.hasPrefix(stamp + " ") == true, let data = try? readWholeFile(path) {
      bytes = data
      log("reusing \(path)")
    } else {
      let t0 = now()
      bytes = input.make(input.seed, input.targetBytes)
      try writeWholeFile(path, bytes)
      log("generated \(path) in \(fmt(now() - t0, 1)) s")
    }
    let checksum = hex(fnv1a(bytes))
    try writeWholeFile(stampPath, Array("\(stamp) size=\(bytes.count) fnv1a=\(checksum)\n".utf8))
    log("  \(input.file): \(bytes.count) bytes, fnv1a-64 \(checksum)")
  }
}

// MARK: Formatting

func fmt(_ x: Double, _ decimals: Int) -> String {
  guard x.isFinite else { return "n/a" }
  var scale = 1.0
  for _ in 0..<decimals { scale *= 10 }
  let rounded = (abs(x) * scale).rounded()
  let whole = Int(rounded / scale)
  var text = (x < 0 && rounded != 0 ? "-" : "") + String(whole)
  if decimals > 0 {
    let frac = String(Int(rounded - Double(whole) * scale))
    text += "." + String(repeating: "0", count: decimals - frac.count) + frac
  }
  return text
}

func mb(_ bytes: Int) -> String { fmt(Double(bytes) / 1e6, 1) }

func log(_ text: String) {
  var line = text + "\n"
  line.withUTF8 { buffer in _ = write(2, buffer.baseAddress, buffer.count) }
}

// MARK: Modes

/// One memory measurement in this (fresh) process; prints key=value pairs.
func memoryMode(_ options: Options) throws {
  let maxRSSStart = maxRSS()
  let baseline = peakRSS()
  let baselineCurrent = currentRSS()
  let bytes = try readWholeFile(options.input)
  let afterRead = peakRSS()
  let faultsBefore = minorFaults()
  var afterSource = afterRead
  var retained = -1
  var nodes = 0
  var errors = 0
  if options.engine == "raw" {
    nodes = try rawLibyamlEvents(bytes)
    retained = currentRSS()
  } else {
    let source = SourceFile(path: options.input, bytes: bytes)
    afterSource = peakRSS()
    let result = YAMLLoader().load(source)
    retained = currentRSS()
    let summary = summarize(result)
    nodes = summary.nodes
    errors = summary.errors
    blackHole(result)
  }
  let peak = peakRSS()
  let faults = minorFaults() - faultsBefore
  print(
    "faults=\(faults) ru_maxrss_start=\(maxRSSStart) ru_maxrss_end=\(maxRSS()) input=\(bytes.count) baseline=\(baseline) baseline_current=\(baselineCurrent) after_read=\(afterRead) after_source=\(afterSource) peak=\(peak) retained=\(retained) nodes=\(nodes) errors=\(errors)"
  )
}

func profileMode(_ options: Options) throws {
  let bytes = try readWholeFile(options.input)
  for _ in 0..<options.runs {
    let t0 = now()
    let c0 = cpuNow()
    if options.engine == "raw" {
      blackHole(try rawLibyamlEvents(bytes))
    } else {
      let run = runLoader(path: options.input, bytes: bytes)
      blackHole(run.summary.nodes)
    }
    log("\(options.engine): \(fmt((now() - t0) * 1000, 1)) ms, cpu \(fmt((cpuNow() - c0) * 1000, 1)) ms")
  }
}

struct MemoryReport {
  var values: [String: Int] = [:]
  subscript(key: String) -> Int { values[key] ?? -1 }
}

func measureMemory(engine: String, path: String) throws -> MemoryReport {
  let child = try runChild([executablePath(), "--mode", "memory", "--engine", engine, "--input", path])
  guard child.status == 0 else { throw BenchError.io("memory child (\(engine)) exited with \(child.status)") }
  var report = MemoryReport()
  for field in child.output.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
    let parts = field.split(separator: "=", maxSplits: 1)
    if parts.count == 2, let value = Int(parts[1]) { report.values[String(parts[0])] = value }
  }
  return report
}

struct Result {
  var input: Input
  var size: Int
  var read: Stats
  var raw: Stats
  var source: Stats
  var loader: Stats
  var loadOnly: Stats
  var rawCPU: Stats
  var loaderCPU: Stats
  var events: Int
  var summary: LoadSummary
  var memory: MemoryReport
  var rawMemory: MemoryReport
}

func selectedInputs(_ options: Options) -> [Input] {
  let inputs = Input.all(jsonMB: options.jsonMB, yamlMB: options.yamlMB)
  return options.only.isEmpty ? inputs : inputs.filter { options.only.contains($0.name) }
}

func benchmark(_ input: Input, _ options: Options, memory: MemoryReport, rawMemory: MemoryReport) throws -> Result {
  let path = "\(options.dataDir)/\(input.file)"
  var reads: [Double] = []
  var bytes: [UInt8] = []
  for _ in 0..<options.runs {
    let t0 = now()
    bytes = try readWholeFile(path)
    reads.append(now() - t0)
  }
  // Warm-up (page faults of the first run, lazily bound symbols, malloc arenas).
  let events = try rawLibyamlEvents(bytes)
  var summary = runLoader(path: path, bytes: bytes).summary
  var raw: [Double] = []
  var rawCPU: [Double] = []
  var source: [Double] = []
  var loadOnly: [Double] = []
  var loader: [Double] = []
  var loaderCPU: [Double] = []
  for run in 0..<options.runs {
    // Interleaved so drift (thermal, neighbours) affects both sides alike.
    let t0 = now()
    let c0 = cpuNow()
    blackHole(try rawLibyamlEvents(bytes))
    rawCPU.append(cpuNow() - c0)
    raw.append(now() - t0)
    let c1 = cpuNow()
    let timed = runLoader(path: path, bytes: bytes)
    loaderCPU.append(cpuNow() - c1)
    source.append(timed.sourceSeconds)
    loadOnly.append(timed.loadSeconds)
    loader.append(timed.sourceSeconds + timed.loadSeconds)
    summary = timed.summary
    log(
      "  \(input.name) run \(run + 1)/\(options.runs): raw \(fmt(raw.last! * 1000, 0)) ms, loader \(fmt(loader.last! * 1000, 0)) ms (load average \(loadAverage()))"
    )
  }
  if summary.errors > 0 || summary.warnings > 0 {
    log("WARNING: \(input.name): \(summary.errors) errors, \(summary.warnings) warnings; first: \(summary.firstDiagnostic ?? "")")
  }
  return Result(
    input: input, size: bytes.count, read: Stats(samples: reads), raw: Stats(samples: raw), source: Stats(samples: source),
    loader: Stats(samples: loader), loadOnly: Stats(samples: loadOnly), rawCPU: Stats(samples: rawCPU), loaderCPU: Stats(samples: loaderCPU), events: events, summary: summary, memory: memory, rawMemory: rawMemory)
}

func report(_ results: [Result], _ options: Options) {
  func ms(_ s: Double) -> String { fmt(s * 1000, 0) }
  func rate(_ size: Int, _ s: Double) -> String { fmt(Double(size) / 1e6 / s, 1) }
  print("### Throughput (\(options.runs) runs each, interleaved; MB = 10^6 bytes)")
  print("")
  print("| Input | Size (MB) | Read file, median (ms) | libyaml events, min / median (ms) | libyaml MB/s (median) | Plumb loader, min / median (ms) | of which `SourceFile(...)`, median (ms) | Loader MB/s (median) | **Loader/raw throughput** (median wall) | min wall | median CPU | `load()` alone / raw (median wall) | Goal ≥ 0.70 |")
  print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|")
  for r in results {
    let ratioMedian = r.raw.median / r.loader.median
    let ratioMin = r.raw.min / r.loader.min
    let ratioCPU = r.rawCPU.median / r.loaderCPU.median
    let ratioLoadOnly = r.raw.median / r.loadOnly.median
    print(
      "| \(r.input.name) | \(mb(r.size)) | \(fmt(r.read.median * 1000, 1)) | \(ms(r.raw.min)) / \(ms(r.raw.median)) | \(rate(r.size, r.raw.median)) | \(ms(r.loader.min)) / \(ms(r.loader.median)) | \(ms(r.source.median)) | \(rate(r.size, r.loader.median)) | **\(fmt(ratioMedian, 2))** | \(fmt(ratioMin, 2)) | \(fmt(ratioCPU, 2)) | \(fmt(ratioLoadOnly, 2)) | \(ratioMedian >= 0.70 ? "yes" : "**no**") |"
    )
  }
  print("")
  print("### Peak memory (one load in a fresh child process; peak RSS is VmHWM, see below)")
  print("")
  print("| Input | Size (MB) | Events | Nodes | Baseline RSS (MB) | Peak RSS (MB) | Peak − baseline (× input) | Peak − after read (× input) | Retained after load (× input) | Page faults in load (libyaml alone) | Goal ≤ 4× |")
  print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|")
  for r in results {
    let m = r.memory
    let size = Double(r.size)
    let total = Double(m["peak"] - m["baseline"]) / size
    let extra = Double(m["peak"] - m["after_read"]) / size
    let retained = Double(m["retained"] - m["baseline_current"]) / size
    print(
      "| \(r.input.name) | \(mb(r.size)) | \(r.events) | \(r.summary.nodes) | \(mb(m["baseline"])) | \(mb(m["peak"])) | **\(fmt(total, 2))** | \(fmt(extra, 2)) | \(fmt(retained, 2)) | \(m["faults"]) (\(r.rawMemory["faults"])) | \(total <= 4 ? "yes" : "**no**") |"
    )
  }
  print("")
  for r in results {
    print("- \(r.input.name) (`\(r.input.file)`): \(r.input.what); \(r.summary.documents) document(s), \(r.summary.errors) errors, \(r.summary.warnings) warnings.")
  }
}

// MARK: Main

do {
  let options = try Options(Array(CommandLine.arguments.dropFirst()))
  switch options.mode {
  case "memory":
    try memoryMode(options)
  case "profile":
    try profileMode(options)
  case "census":
    try censusMode(options)
  case "dump":
    try dumpMode(options)
  case "hostile":
    try hostileMode(options)
  case "generate":
    try ensureData(options, selectedInputs(options))
  case "run":
    // Data generation runs in a child so this process stays small: the memory children below
    // would otherwise start with this process's peak in their ru_maxrss (see peakRSS()).
    var arguments = [
      executablePath(), "--mode", "generate", "--data-dir", options.dataDir, "--json-mb", String(options.jsonMB),
      "--yaml-mb", String(options.yamlMB),
    ]
    if !options.only.isEmpty { arguments += ["--only", options.only.joined(separator: ",")] }
    if options.regenerate { arguments.append("--regenerate") }
    let generated = try runChild(arguments)
    guard generated.status == 0 else { throw BenchError.io("data generation failed") }
    let inputs = selectedInputs(options)
    // Memory first (fresh children of a still-small parent), then timings in this process.
    var memory: [(MemoryReport, MemoryReport)] = []
    for input in inputs {
      log("measuring peak memory of \(input.name)…")
      let path = "\(options.dataDir)/\(input.file)"
      memory.append((try measureMemory(engine: "loader", path: path), try measureMemory(engine: "raw", path: path)))
    }
    log("load average before timing: \(loadAverage())")
    let loadBefore = loadAverage()
    var results: [Result] = []
    for (input, (loaderMemory, rawMemory)) in zip(inputs, memory) {
      log("benchmarking \(input.name)…")
      results.append(try benchmark(input, options, memory: loaderMemory, rawMemory: rawMemory))
    }
    report(results, options)
    print("")
    print("Load average (1, 5, 15 min) before the timed runs: \(loadBefore); after: \(loadAverage()).")
  default:
    throw BenchError.usage("unknown mode \(options.mode)")
  }
} catch {
  log("plumb-bench: \(error)")
  exit(2)
}
