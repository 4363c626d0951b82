// Clocks, peak memory and child processes.

import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

enum BenchError: Error, CustomStringConvertible {
  case usage(String)
  case io(String)
  case failed(String)

  var description: String {
    switch self {
    case .usage(let m): "usage: \(m)"
    case .io(let m): "I/O: \(m)"
    case .failed(let m): m
    }
  }
}

/// Monotonic seconds.
func now() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// This process's peak resident set size so far, in KiB (Linux reports ru_maxrss in KiB).
func peakRSSKiB() -> Int {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Int(usage.ru_maxrss)
}

/// CPU seconds this process has used so far (user and system, every thread).
func cpuSeconds() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
    + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// The path of the running executable (so measurements can run in fresh children).
func executablePath() -> String {
  #if os(Linux)
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    if n > 0 { return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
  #endif
  return CommandLine.arguments[0]
}

/// What a child process did: exit status, wall time, peak RSS (KiB), standard output.
struct ChildResult {
  var status: Int32
  var seconds: Double
  var cpuSeconds: Double
  var peakKiB: Int
  var output: String
}

/// Runs `arguments` (argv[0] is the program path), timing it and reading its peak RSS from
/// `wait4`'s resource usage. Standard output is captured (or discarded); standard error passes.
func runChild(_ arguments: [String], captureOutput: Bool = true) throws -> ChildResult {
  var fds: [Int32] = [0, 0]
  guard pipe(&fds) == 0 else { throw BenchError.io("pipe failed") }
  #if canImport(Darwin)
    var actions: posix_spawn_file_actions_t? = nil
  #else
    var actions = posix_spawn_file_actions_t()
  #endif
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  if captureOutput {
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
  } else {
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
  }
  posix_spawn_file_actions_addclose(&actions, fds[0])
  posix_spawn_file_actions_addclose(&actions, fds[1])

  let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
  defer { for p in argv { free(p) } }
  var pid: pid_t = 0
  let start = now()
  let rc = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
  close(fds[1])
  guard rc == 0 else {
    close(fds[0])
    throw BenchError.io("posix_spawn \(arguments[0]) failed: \(rc)")
  }
  var output: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 65536)
  while true {
    let n = read(fds[0], &chunk, chunk.count)
    if n < 0 && errno == EINTR { continue }
    if n <= 0 { break }
    output.append(contentsOf: chunk[0..<n])
  }
  close(fds[0])
  var status: Int32 = 0
  var usage = rusage()
  while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
  let seconds = now() - start
  let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
  let cpu =
    Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
  return ChildResult(
    status: exitCode, seconds: seconds, cpuSeconds: cpu, peakKiB: Int(usage.ru_maxrss),
    output: String(decoding: output, as: UTF8.self))
}

/// `key=value` pairs of one output line.
func fields(_ line: Substring) -> [String: String] {
  var result: [String: String] = [:]
  for part in line.split(separator: " ") {
    guard let eq = part.firstIndex(of: "=") else { continue }
    result[String(part[..<eq])] = String(part[part.index(after: eq)...])
  }
  return result
}

/// The machine, for the report.
func machineDescription() -> (cores: Int, cpu: String, memory: String) {
  let cores = ProcessInfo.processInfo.activeProcessorCount
  var cpu = "unknown CPU"
  if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
    let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
    let colon = line.firstIndex(of: ":")
  {
    cpu = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
  }
  let gib = Double(ProcessInfo.processInfo.physicalMemory) / Double(1 << 30)
  return (cores, cpu, String(format: "%.1f GiB", gib))
}

/// The 1-minute load average (nil when unknown).
func loadAverage() -> Double? {
  guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return nil }
  return text.split(separator: " ").first.flatMap { Double($0) }
}

func formatSeconds(_ s: Double) -> String { s < 0.1 ? String(format: "%.1f ms", s * 1000) : String(format: "%.2f s", s) }
func formatMiB(_ kib: Int) -> String { String(format: "%.0f MiB", Double(kib) / 1024) }
