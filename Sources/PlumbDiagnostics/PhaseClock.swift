import Foundation

/// Profiling output for benchmarks: with `PLUMB_PHASE_TIMES` set, `plumb check` prints each
/// phase's wall time, the process's CPU time and peak RSS so far, and each rule's evaluation
/// time, to standard error. Silent (and free) otherwise.
public enum PhaseClock {
  /// Whether `PLUMB_PHASE_TIMES` is set.
  public static let enabled = ProcessInfo.processInfo.environment["PLUMB_PHASE_TIMES"] != nil
  nonisolated(unsafe) private static var last = DispatchTime.now().uptimeNanoseconds

  /// Marks the end of phase `name` (call from one thread).
  public static func mark(_ name: String) {
    guard enabled else { return }
    let previous = last
    let now = DispatchTime.now().uptimeNanoseconds
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    note("phase \(name): \(Double(now &- previous) / 1e6) ms (cpu so far \(cpu) s, peak rss \(usage.ru_maxrss / 1024) MB)")
    last = now
  }

  /// Prints `line` when enabled.
  public static func note(_ line: @autoclosure () -> String) {
    guard enabled else { return }
    FileHandle.standardError.write(Data((line() + "\n").utf8))
  }

  /// Nanoseconds on the monotonic clock.
  public static var now: UInt64 { DispatchTime.now().uptimeNanoseconds }
}

extension Duration {
  /// The duration in milliseconds, for timing output.
  public var milliseconds: Double {
    let (seconds, attoseconds) = components
    return Double(seconds) * 1000 + Double(attoseconds) / 1e15
  }
}
