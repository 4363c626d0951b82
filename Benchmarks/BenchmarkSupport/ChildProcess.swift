// Child processes for the benchmarks: spawn, capture standard output, time, and read the
// child's resource usage (peak RSS, CPU) when it is reaped.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Seconds on the monotonic clock.
public func now() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

extension rusage {
  /// CPU seconds (user and system) this usage records.
  public var cpuSeconds: Double {
    Double(ru_utime.tv_sec + ru_stime.tv_sec) + Double(ru_utime.tv_usec + ru_stime.tv_usec) / 1e6
  }
}

/// The path of the running executable (so measurements can run in fresh children).
public func executablePath() -> String {
  #if os(Linux)
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    if n > 0 { return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
  #endif
  return CommandLine.arguments[0]
}

/// A child process could not be started.
public struct ChildProcessError: Error, CustomStringConvertible {
  public let description: String
}

/// What a child process did: exit status, wall time, CPU time, peak RSS, standard output.
public struct ChildResult: Sendable {
  /// The exit status, or 128 + the signal that ended it.
  public var status: Int32
  /// Wall-clock seconds from spawn to reaping.
  public var seconds: Double
  /// CPU seconds (user and system) of the child.
  public var cpuSeconds: Double
  /// The child's `ru_maxrss` from `wait4`, in KiB on Linux (bytes on macOS).
  ///
  /// On Linux the kernel carries `ru_maxrss` over `execve` and a child started with
  /// posix_spawn/vfork starts with its parent's, so a child of a big parent reports at least the
  /// parent's peak; a child that must measure itself precisely reads its own VmHWM instead.
  public var peakKiB: Int
  /// Standard output (empty when it was discarded).
  public var output: String
}

/// Runs `arguments` (argv[0] is the program path), timing it and reading its resource usage
/// from `wait4`. Standard output is captured (or sent to /dev/null); standard error passes.
///
/// - Throws: ``ChildProcessError`` when the pipe cannot be made or the program cannot be spawned.
public func runChild(_ arguments: [String], captureOutput: Bool = true) throws -> ChildResult {
  var fds: [Int32] = [0, 0]
  guard pipe(&fds) == 0 else { throw ChildProcessError(description: "pipe failed") }
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
    throw ChildProcessError(description: "posix_spawn \(arguments[0]) failed: \(rc)")
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
  return ChildResult(
    status: exitCode, seconds: seconds, cpuSeconds: usage.cpuSeconds, peakKiB: Int(usage.ru_maxrss),
    output: String(decoding: output, as: UTF8.self))
}
