import BenchmarkSupport
import CYAML
import PlumbDiagnostics
import PlumbYAML

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Keeps the optimiser from discarding a computed value.
@inline(never) func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }

/// `getrusage(RUSAGE_SELF).ru_maxrss` in bytes (Linux reports kilobytes; macOS bytes).
func maxRSS() -> Int {
  var usage = rusage()
  #if canImport(Glibc)
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
  #else
    getrusage(RUSAGE_SELF, &usage)
  #endif
  #if canImport(Darwin)
    return Int(usage.ru_maxrss)
  #else
    return Int(usage.ru_maxrss) * 1024
  #endif
}

/// Minor page faults of this process so far (first touches of fresh memory, mostly).
func minorFaults() -> Int {
  var usage = rusage()
  #if canImport(Glibc)
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
  #else
    getrusage(RUSAGE_SELF, &usage)
  #endif
  return Int(usage.ru_minflt)
}

/// A field of /proc/self/status in bytes (VmRSS: current resident set; VmHWM: peak resident set
/// of this address space), or -1 where unavailable.
func procStatus(_ field: String) -> Int {
  guard let file = fopen("/proc/self/status", "r") else { return -1 }
  defer { fclose(file) }
  var line = [CChar](repeating: 0, count: 256)
  while fgets(&line, Int32(line.count), file) != nil {
    let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    if text.hasPrefix(field + ":") {
      let digits = text.filter(\.isNumber)
      return (Int(digits) ?? 0) * 1024
    }
  }
  return -1
}

/// Current resident set size in bytes (-1 where unavailable).
func currentRSS() -> Int { procStatus("VmRSS") }

/// CPU seconds used by the calling thread (not counting time it waited for a core).
func cpuNow() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// The 1-, 5- and 15-minute load averages ("n/a" where unavailable).
func loadAverage() -> String {
  guard let file = fopen("/proc/loadavg", "r") else { return "n/a" }
  defer { fclose(file) }
  var line = [CChar](repeating: 0, count: 128)
  guard fgets(&line, Int32(line.count), file) != nil else { return "n/a" }
  let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  return text.split(separator: " ").prefix(3).joined(separator: " ")
}

/// Peak resident set size of this process's address space, in bytes.
///
/// On Linux this is VmHWM, not `ru_maxrss`: the kernel carries `ru_maxrss` over `execve` (it is the
/// maximum over every address space the process had, and a child started with posix_spawn/vfork
/// starts out with its parent's), so in a child of a big parent it reports the parent's peak.
/// Elsewhere it falls back to `ru_maxrss`.
func peakRSS() -> Int {
  let hwm = procStatus("VmHWM")
  return hwm >= 0 ? hwm : maxRSS()
}

enum BenchError: Error, CustomStringConvertible {
  case io(String)
  case libyaml(String)
  case usage(String)

  var description: String {
    switch self {
    case .io(let m), .libyaml(let m), .usage(let m): m
    }
  }
}

/// Reads a whole file with POSIX calls (the way Plumb's own reader does).
func readWholeFile(_ path: String) throws -> [UInt8] {
  let fd = open(path, O_RDONLY)
  guard fd >= 0 else { throw BenchError.io("cannot open \(path)") }
  defer { close(fd) }
  var info = stat()
  guard fstat(fd, &info) == 0 else { throw BenchError.io("cannot stat \(path)") }
  let size = Int(info.st_size)
  var bytes = [UInt8](repeating: 0, count: size)
  var filled = 0
  while filled < size {
    let got = bytes.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress! + filled, size - filled) }
    if got < 0 && errno == EINTR { continue }
    guard got > 0 else { throw BenchError.io("short read on \(path)") }
    filled += got
  }
  return bytes
}

func writeWholeFile(_ path: String, _ bytes: [UInt8]) throws {
  let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  guard fd >= 0 else { throw BenchError.io("cannot create \(path)") }
  defer { close(fd) }
  var written = 0
  while written < bytes.count {
    let n = bytes.withUnsafeBytes { raw in write(fd, raw.baseAddress! + written, bytes.count - written) }
    if n < 0 && errno == EINTR { continue }
    guard n > 0 else { throw BenchError.io("cannot write \(path)") }
    written += n
  }
}

/// The baseline: libyaml's event loop over the bytes and nothing else. Returns the event count.
func rawLibyamlEvents(_ bytes: [UInt8]) throws -> Int {
  var parser = yaml_parser_t()
  guard yaml_parser_initialize(&parser) == 1 else { throw BenchError.libyaml("yaml_parser_initialize failed") }
  defer { yaml_parser_delete(&parser) }
  var count = 0
  var failure: String?
  bytes.withUnsafeBufferPointer { buffer in
    yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
    var event = yaml_event_t()
    while true {
      guard yaml_parser_parse(&parser, &event) == 1 else {
        failure = parser.problem.map { String(cString: $0) } ?? "unknown libyaml error"
        return
      }
      count += 1
      let done = event.type == YAML_STREAM_END_EVENT
      yaml_event_delete(&event)
      if done { return }
    }
  }
  if let failure { throw BenchError.libyaml(failure) }
  return count
}

/// What one loader run produced (enough to check it did the whole job).
struct LoadSummary {
  var documents: Int
  var nodes: Int
  var errors: Int
  var warnings: Int
  var firstDiagnostic: String?
}

/// Plumb's loader over bytes already in memory: `YAMLLoader().load(SourceFile(...))`.
/// Returns the seconds spent building the SourceFile (line table) and in `load` separately.
func runLoader(path: String, bytes: [UInt8]) -> (sourceSeconds: Double, loadSeconds: Double, summary: LoadSummary) {
  let t0 = now()
  let source = SourceFile(path: path, bytes: bytes)
  let t1 = now()
  let result = YAMLLoader().load(source)
  let t2 = now()
  let summary = summarize(result)
  blackHole(result)
  return (t1 - t0, t2 - t1, summary)
}

func summarize(_ result: YAMLLoadResult) -> LoadSummary {
  LoadSummary(
    documents: result.documents.count,
    nodes: result.documents.first?.root.tree.nodeCount ?? 0,
    errors: result.diagnostics.filter { $0.severity == .error }.count,
    warnings: result.diagnostics.filter { $0.severity == .warning }.count,
    firstDiagnostic: result.diagnostics.first.map { "\($0.code): \($0.message) at \($0.location.map { "\($0)" } ?? "?")" })
}

struct Stats {
  var samples: [Double]
  var min: Double { samples.min() ?? .nan }
  var median: Double {
    let s = samples.sorted()
    guard !s.isEmpty else { return .nan }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
  }
}
