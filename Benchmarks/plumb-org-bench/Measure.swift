// Clocks, peak memory and the machine (child processes: BenchmarkSupport).

import BenchmarkSupport
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
  return usage.cpuSeconds
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
