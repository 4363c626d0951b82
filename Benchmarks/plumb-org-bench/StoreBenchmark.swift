// `--mode store`: the organisation on the shared store (issue 14, part 4).
//
// 1. Generates N repositories around a central catalog (Repositories.swift), in a child process.
// 2. Starts a PostgreSQL server on loopback (TestSupport's PostgresTestServer: initdb and pg_ctl
//    from /usr/lib/postgresql/15/bin, fsync off), one database per measurement.
// 3. Recording, end to end: every repository's `plumb score --record --db postgres://…
//    --catalog CENTRAL` from W processes at once (W = --workers, 8): runs per second overall, and
//    each run's wall time, CPU time and peak RSS.
// 4. Recording, the store alone: W worker processes first take their repositories' runs (read back
//    from step 3's store, or, with --skip-cli, scored in process; not timed), wait at a barrier,
//    then each records its runs the way a CI job does (connect, check the schema, one statement,
//    disconnect): the store's runs per second, apart from the checking that in a real
//    organisation happens on a thousand CI machines.
// 5. The organisation view from the store (step 3's, else step 4's): `plumb org --db URL` (the
//    arguments are --org-arguments; `{db}` is the URL) when the binary has the command, else a
//    line saying so.
// 6. The catalog context's cost in one repository's gate: `plumb check REPO` without and with
//    `--catalog CENTRAL`, interleaved rounds (scripts/bench-catalog-context.py measures the three
//    forms of context on a catalog of its own).

import BenchmarkSupport
import Foundation
import PlumbKit
import TestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// A fixed time and commit, so runs are reproducible and no `git` is spawned per run.
let storeRunTime = "2026-12-01T09:00:00Z"
let storeRunCommit = "0123456789abcdef0123456789abcdef01234567"

/// What one child process did, for the statistics.
struct RunSample {
  var seconds: Double
  var cpu: Double
  var peakKiB: Int
  var status: Int32
}

/// Runs `jobs` closures on `workers` threads at once (each thread takes the next job), returns when
/// all are done.
func runConcurrently(workers: Int, jobs: Int, _ body: @escaping @Sendable (Int) -> Void) {
  let next = JobCounter()
  let done = DispatchGroup()
  for _ in 0..<max(1, workers) {
    done.enter()
    let thread = Thread {
      while let index = next.take(below: jobs) { body(index) }
      done.leave()
    }
    thread.stackSize = 1 << 20
    thread.start()
  }
  done.wait()
}

/// A counter threads take numbers from.
final class JobCounter: @unchecked Sendable {
  private var value = 0
  private let lock = NSLock()
  func take(below limit: Int) -> Int? {
    lock.withLock {
      guard value < limit else { return nil }
      defer { value += 1 }
      return value
    }
  }
}

/// Samples collected from several threads.
final class RunSamples: @unchecked Sendable {
  private var items: [Int: RunSample] = [:]
  private let lock = NSLock()
  func add(_ index: Int, _ sample: RunSample) { lock.withLock { items[index] = sample } }
  var all: [RunSample] { lock.withLock { items.keys.sorted().map { items[$0]! } } }
}

func median(_ values: [Double]) -> Double {
  guard !values.isEmpty else { return .nan }
  let sorted = values.sorted()
  return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func percentile(_ values: [Double], _ p: Double) -> Double {
  guard !values.isEmpty else { return .nan }
  let sorted = values.sorted()
  return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

func say(_ text: String) { FileHandle.standardError.write((text + "\n").data(using: .utf8)!) }

func runStoreBenchmark(_ options: Options) throws {
  let me = executablePath()
  let count = options.repositories
  // Generation in a child, so that this process (and so its children's ru_maxrss) stays small.
  let generated = try runChild(
    [me, "--mode", "store-generate", "--repositories", String(count), "--data-dir", options.dataDir, "--seed", String(options.seed)]
      + (options.regenerate ? ["--regenerate"] : []), captureOutput: false)
  guard generated.status == 0 else { throw BenchError.failed("generating the repositories failed (exit \(generated.status))") }
  let layout = try ensureRepositories(options, count: count)
  let plumbAvailable = FileManager.default.isExecutableFile(atPath: options.plumb)
  guard plumbAvailable || (options.skipCLI && options.skipContext) else {
    throw BenchError.failed("no plumb executable at \(options.plumb) (build it: see --help)")
  }
  guard let server = PostgresTestServer.shared else { throw BenchError.failed(PostgresTestServer.absentReason) }
  let machine = machineDescription()
  var out = "### Organisation on the shared store (\(ISO8601DateFormatter().string(from: Date())))\n\n"
  out += "- machine: \(machine.cores) cores, \(machine.cpu), \(machine.memory) RAM"
  if let load = loadAverage() { out += String(format: "; 1-minute load average at the start: %.1f", load) }
  out += "\n- data: `\(layout.directory)`: \(layout.summary)\n"
  out += "- PostgreSQL 15 on 127.0.0.1 (TCP, scram-sha-256), started by the benchmark with fsync=off and "
    + "synchronous_commit=off (TestSupport's PostgresTestServer); \(options.workers) processes at once\n"
  out += "- plumb: `\(options.plumb)`\n\n"

  // Repository identity (issue 14 part 2) when the binary has it: the name, branch and default
  // branch as a CI job passes them (the generated repositories are not git work trees).
  let hasIdentity = try plumbAvailable && runChild([options.plumb, "score", "--help"]).output.contains("--default-branch")

  // The store the organisation view is built from: the end-to-end one, else the store alone's.
  var withRuns: (url: String, recorded: Int)?
  // MARK: Recording, end to end
  if !options.skipCLI {
    let database = try server.createDatabase()
    let url = server.tcpURL(database)
    say("recording \(count) runs with plumb score --record, \(options.workers) at once...")
    let samples = RunSamples()
    let started = now()
    runConcurrently(workers: options.workers, jobs: count) { index in
      let repository = layout.repositoryPath(layout.repositories[index])
      let arguments = [
        options.plumb, "score", repository, "--record", "--db", url, "--catalog", layout.central, "--now", storeRunTime,
        "--commit", storeRunCommit,
      ] + (hasIdentity ? ["--repository", "acme/" + layout.repositories[index], "--branch", "main", "--default-branch", "main"] : [])
      let sample: RunSample
      if let child = try? runChild(arguments, captureOutput: false) {
        sample = RunSample(seconds: child.seconds, cpu: child.cpuSeconds, peakKiB: child.peakKiB, status: child.status)
      } else {
        sample = RunSample(seconds: 0, cpu: 0, peakKiB: 0, status: -1)
      }
      samples.add(index, sample)
    }
    let elapsed = now() - started
    let all = samples.all
    let recorded = Int((try? server.psql("SELECT count(*) FROM score_run", database: database))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? -1
    var statuses: [Int32: Int] = [:]
    for sample in all { statuses[sample.status, default: 0] += 1 }
    let cpu = all.reduce(0) { $0 + $1.cpu }
    out += "#### Recording, end to end (`plumb score REPO --record --db postgres://… --catalog CENTRAL`)\n\n"
    out += "| | |\n|---|---:|\n"
    out += "| runs | \(count) (\(recorded) recorded in the store; exit statuses: "
      + statuses.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ") |\n"
    out += "| wall time, all runs | \(formatSeconds(elapsed)) |\n"
    out += String(format: "| **runs per second** | **%.1f** |\n", Double(count) / elapsed)
    out += "| CPU time, all runs | \(formatSeconds(cpu)) (\(formatSeconds(cpu / Double(max(1, count)))) per run; "
      + String(format: "%.1f runs per second per core) |\n", Double(count) / max(cpu, 1e-9))
    out += "| one run's wall time: median, 90th percentile, max | \(formatSeconds(median(all.map(\.seconds)))), "
      + "\(formatSeconds(percentile(all.map(\.seconds), 0.9))), \(formatSeconds(all.map(\.seconds).max() ?? 0)) |\n"
    out += "| one run's peak RSS: median, max | \(formatMiB(Int(median(all.map { Double($0.peakKiB) })))), "
      + "\(formatMiB(all.map(\.peakKiB).max() ?? 0)) |\n\n"
    if recorded != count { out += "**Not every run was recorded: see the exit statuses.**\n\n" }

    withRuns = (url, recorded)
  }

  // MARK: Recording, the store alone
  if !options.skipStore {
    let database = try server.createDatabase()
    let url = server.tcpURL(database)
    let barrier = layout.directory + "/.barrier-\(getpid())"
    try? FileManager.default.removeItem(atPath: barrier)
    try FileManager.default.createDirectory(atPath: barrier, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: barrier) }
    say("recording \(count) runs from \(options.workers) worker processes (the store alone)...")
    let outputs = OutputsByWorker()
    let workers = options.workers
    // The runs to record: read back from the end-to-end store when it holds every repository's
    // (the same snapshots `plumb score` recorded, at no cost), else scored by each worker.
    let source = withRuns.flatMap { $0.recorded == count ? $0.url : nil }
    let repositoriesArgument = String(count)
    let dataDir = options.dataDir
    let seed = String(options.seed)
    let workerThreads = DispatchGroup()
    for worker in 0..<workers {
      workerThreads.enter()
      Thread {
        let child = try? runChild([
          me, "--mode", "store-worker", "--repositories", repositoriesArgument, "--data-dir", dataDir, "--seed", seed,
          "--url", url, "--worker", String(worker), "--workers", String(workers), "--barrier", barrier,
        ] + (source.map { ["--source-url", $0] } ?? []))
        outputs.set(worker, child)
        workerThreads.leave()
      }.start()
    }
    // Every worker has scored its repositories: go.
    while (try? FileManager.default.contentsOfDirectory(atPath: barrier).filter { $0.hasPrefix("ready-") }.count) ?? 0 < workers {
      if outputs.finished > 0 && outputs.failed { break }
      usleep(20_000)
    }
    let go = now()
    FileManager.default.createFile(atPath: barrier + "/go", contents: Data())
    workerThreads.wait()
    var ends: [Double] = []
    var connects: [Double] = []
    var records: [Double] = []
    for worker in 0..<workers {
      guard let child = outputs.get(worker), child.status == 0 else {
        throw BenchError.failed("store worker \(worker) failed (exit \(outputs.get(worker)?.status ?? -1))")
      }
      for line in child.output.split(separator: "\n") {
        let f = fields(line)
        if line.hasPrefix("end "), let end = f["at"].flatMap(Double.init) { ends.append(end) }
        if line.hasPrefix("run "), let c = f["connect"].flatMap(Double.init), let r = f["record"].flatMap(Double.init) {
          connects.append(c)
          records.append(r)
        }
      }
    }
    let elapsed = (ends.max() ?? go) - go
    let recorded = Int((try? server.psql("SELECT count(*) FROM score_run", database: database))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? -1
    let rows = (try? server.psql(
      "SELECT (SELECT count(*) FROM score_entity) || ' entity rows, ' || (SELECT count(*) FROM score_rule) || ' rule rows, ' "
        + "|| (SELECT count(*) FROM score_finding) || ' finding rows, ' || (SELECT count(*) FROM score_rollup) || ' roll-up rows'",
      database: database))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
    if withRuns == nil { withRuns = (url, recorded) }
    out += "#### Recording, the store alone (\(workers) processes, each run: connect, check the schema, record in one statement, disconnect)\n\n"
    out += "| | |\n|---|---:|\n"
    out += "| runs recorded | \(recorded) of \(records.count) (\(rows)); the runs: "
      + (source == nil ? "scored in process by each worker" : "read back from the end-to-end store") + " |\n"
    out += "| wall time, from the barrier to the last commit | \(formatSeconds(elapsed)) |\n"
    out += String(format: "| **runs per second** | **%.1f** |\n", Double(records.count) / max(elapsed, 1e-9))
    out += "| one run: connecting (TCP, authentication, schema check), median / 90th percentile | "
      + "\(formatSeconds(median(connects))) / \(formatSeconds(percentile(connects, 0.9))) |\n"
    out += "| one run: recording (one statement, the wait for the record lock included), median / 90th percentile | "
      + "\(formatSeconds(median(records))) / \(formatSeconds(percentile(records, 0.9))) |\n\n"
  }

  // MARK: The organisation view
  if let store = withRuns, plumbAvailable {
    let (url, recorded) = store
    out += "#### The organisation view from the store\n\n"
    let probe = try runChild([options.plumb, "org", "--help"], captureOutput: false)
    if probe.status == 0 {
      let viewFile = layout.directory + "/org-view.out"
      let arguments = options.orgArguments.split(separator: " ").map {
        $0 == "{db}" ? url : $0 == "{out}" ? viewFile : String($0)
      }
      var views: [ChildResult] = []
      for round in 1...options.runs {
        say("organisation view \(round)/\(options.runs): plumb \(arguments.joined(separator: " "))...")
        views.append(try runChild([options.plumb] + arguments, captureOutput: false))
      }
      let best = views.min { $0.seconds < $1.seconds }!
      out += "`plumb \(options.orgArguments)` over \(recorded) recorded runs, best of \(options.runs) (exit \(best.status)): "
        + "**\(formatSeconds(best.seconds))** wall, \(formatSeconds(best.cpuSeconds)) CPU, "
        + "**\(formatMiB(views.map(\.peakKiB).max()!))** peak RSS (the largest of the runs); the output: "
        + "\(((try? FileManager.default.attributesOfItem(atPath: viewFile)[.size]) as? Int).map { "\($0) bytes" } ?? "none").\n\n"
    } else {
      out += "Not measured: this `plumb` has no `org` command (`plumb org --help` exited \(probe.status)); "
        + "with one, this step runs `plumb \(options.orgArguments)` (`--org-arguments` changes it).\n\n"
    }
  }

  // MARK: The catalog context's cost in one gate
  if !options.skipContext {
    let repository = layout.repositoryPath(layout.repositories[0])
    let variants: [(String, [String])] = [("without context", []), ("with `--catalog CENTRAL`", ["--catalog", layout.central])]
    func check(_ extra: [String]) throws -> ChildResult {
      try runChild([options.plumb, "check", repository, "--fail-on", "never"] + extra, captureOutput: false)
    }
    for (_, extra) in variants { _ = try check(extra) }  // the page cache
    var times: [[Double]] = Array(repeating: [], count: variants.count)
    var cpus: [[Double]] = Array(repeating: [], count: variants.count)
    var peaks: [Int] = Array(repeating: 0, count: variants.count)
    var statuses: [Int32] = Array(repeating: 0, count: variants.count)
    for round in 1...options.contextRounds {
      say("catalog context, round \(round)/\(options.contextRounds)...")
      for (index, variant) in variants.enumerated() {
        let child = try check(variant.1)
        times[index].append(child.seconds)
        cpus[index].append(child.cpuSeconds)
        peaks[index] = max(peaks[index], child.peakKiB)
        statuses[index] = child.status
      }
    }
    out += "#### The catalog context in one repository's gate (`plumb check REPO --fail-on never`, "
      + "\(options.contextRounds) interleaved rounds; `\(layout.repositories[0])`)\n\n"
    out += "| | best | median | CPU (median) | peak RSS | exit |\n|---|---:|---:|---:|---:|---:|\n"
    for (index, variant) in variants.enumerated() {
      out += "| \(variant.0) | \(formatSeconds(times[index].min()!)) | \(formatSeconds(median(times[index]))) | "
        + "\(formatSeconds(median(cpus[index]))) | \(formatMiB(peaks[index])) | \(statuses[index]) |\n"
    }
    out += "| **added by the context** | **\(formatSeconds(times[1].min()! - times[0].min()!))** | "
      + "\(formatSeconds(median(times[1]) - median(times[0]))) | \(formatSeconds(median(cpus[1]) - median(cpus[0]))) | "
      + "\(formatMiB(peaks[1] - peaks[0])) | |\n\n"
  }
  print(out)
}

/// The children's results, by worker.
final class OutputsByWorker: @unchecked Sendable {
  private var results: [Int: ChildResult?] = [:]
  private let lock = NSLock()
  func set(_ worker: Int, _ result: ChildResult?) { lock.withLock { results[worker] = result } }
  func get(_ worker: Int) -> ChildResult? { lock.withLock { results[worker] ?? nil } }
  var finished: Int { lock.withLock { results.count } }
  var failed: Bool { lock.withLock { results.values.contains { $0 == nil || $0!.status != 0 } } }
}

/// `--mode store-worker`: scores repositories worker, worker + workers, … in process (with the
/// central catalog as context; not timed), says it is ready, waits for the barrier, then records
/// each run through a store of its own (connect, schema check, one transaction, close), printing
/// `run connect=S record=S` per run and `end at=T` (the monotonic clock, shared by every process).
func runStoreWorker(_ options: Options) throws {
  let layout = try ensureRepositories(options, count: options.repositories)
  guard let url = options.url, let barrier = options.barrier else { throw BenchError.usage("store-worker needs --url and --barrier") }
  var catalog = CatalogContextOptions()
  guard case .success(let central) = CatalogSourceConfiguration.parse(layout.central, base: "/") else {
    throw BenchError.failed("cannot use \(layout.central) as catalog context")
  }
  catalog.sources = [central]
  var snapshots: [ScoreSnapshot] = []
  if let source = options.sourceURL {
    let store = try ScoreHistoryLocation(source).open()
    for (position, info) in try store.runs().enumerated() where position % options.workers == options.worker {
      guard let run = try store.run(id: info.id) else { throw BenchError.failed("run #\(info.id) vanished from \(source)") }
      snapshots.append(run.snapshot)
    }
  }
  for index in stride(from: options.worker, to: layout.repositories.count, by: options.workers) where options.sourceURL == nil {
    var score = ScoreOptions(paths: [layout.repositoryPath(layout.repositories[index])])
    score.catalog = catalog
    score.now = storeRunTime
    score.commit = storeRunCommit
    score.repository = RepositoryIdentityResolver.Overrides(
      repository: "acme/" + layout.repositories[index], branch: "main", defaultBranch: "main")
    let run = ScoreRun.run(score)
    snapshots.append(
      ScoreSnapshot(report: run.report, recordedAt: storeRunTime, commit: storeRunCommit, repository: run.identity))
  }
  FileManager.default.createFile(atPath: barrier + "/ready-\(options.worker)", contents: Data())
  while !FileManager.default.fileExists(atPath: barrier + "/go") { usleep(1_000) }
  let location = try ScoreHistoryLocation(url)
  for snapshot in snapshots {
    let start = now()
    let store = try location.open()
    let connected = now()
    _ = try store.record(snapshot)
    let recorded = now()
    print("run connect=\(connected - start) record=\(recorded - connected)")
  }
  print("end at=\(now())")
}
