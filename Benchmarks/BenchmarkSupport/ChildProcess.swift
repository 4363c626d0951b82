// Child processes for the benchmarks and for the tests that run the built binary on hostile
// inputs: spawn, capture output, time, bound (timeout, address space), and read the
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

/// Limits and context for ``runBounded(_:options:)``.
public struct BoundedRunOptions: Sendable {
  /// The child is killed (SIGKILL) when it runs longer than this many wall-clock seconds.
  public var timeoutSeconds: Double
  /// The child's address space is limited to this many MiB (`RLIMIT_AS`, set through `prlimit`
  /// when it is installed), so that a runaway allocation fails inside the child instead of
  /// exhausting the machine; nil sets no limit.
  public var addressSpaceMiB: Int?
  /// The working directory, nil for the parent's.
  public var directory: String?
  /// Variables set (or, with a nil value, removed) in the parent's environment for the child.
  public var environment: [String: String?]
  /// Bytes written to the child's standard input before it is closed (nil: /dev/null).
  public var standardInput: [UInt8]?

  public init(
    timeoutSeconds: Double = 60, addressSpaceMiB: Int? = 4096, directory: String? = nil,
    environment: [String: String?] = [:], standardInput: [UInt8]? = nil
  ) {
    self.timeoutSeconds = timeoutSeconds
    self.addressSpaceMiB = addressSpaceMiB
    self.directory = directory
    self.environment = environment
    self.standardInput = standardInput
  }
}

/// What a bounded child did.
public struct BoundedResult: Sendable {
  /// The exit status, or 128 + the signal that ended it.
  public var status: Int32
  /// True when the child was killed for running past its timeout.
  public var timedOut: Bool
  /// Wall-clock seconds from spawn to reaping.
  public var seconds: Double
  /// The child's peak resident set in MiB (`ru_maxrss` from `wait4`; see ``ChildResult/peakKiB``).
  public var peakMiB: Double
  /// Standard output and standard error, as bytes.
  public var standardOutput: [UInt8]
  public var standardError: [UInt8]
  /// Standard output and standard error decoded as UTF-8 (invalid bytes replaced).
  public var stdout: String { String(decoding: standardOutput, as: UTF8.self) }
  public var stderr: String { String(decoding: standardError, as: UTF8.self) }
  /// True when the child ended by a signal (a crash or the timeout's kill), not by exiting.
  public var crashed: Bool { status > 128 }
}

/// Runs `arguments` (argv[0] is the program's path) with a wall-clock timeout and an
/// address-space limit, capturing both output streams and reading the child's resource usage
/// from `wait4`. For tests that run the built binary on hostile inputs: a hang becomes
/// `timedOut`, a runaway allocation a failure inside the child, never a stuck test process.
///
/// - Throws: ``ChildProcessError`` when the pipes cannot be made or the program cannot be spawned.
public func runBounded(_ arguments: [String], options: BoundedRunOptions = BoundedRunOptions()) throws -> BoundedResult {
  var command = arguments
  // `env -C` and `prlimit` set up the child and exec it, so the pid (kill, wait4) stays the child's.
  if let directory = options.directory { command = ["/usr/bin/env", "-C", directory, "--"] + command }
  if let mib = options.addressSpaceMiB, access("/usr/bin/prlimit", X_OK) == 0 {
    command = ["/usr/bin/prlimit", "--as=\(mib * 1024 * 1024)", "--"] + command
  }
  var outPipe: [Int32] = [0, 0]
  var errPipe: [Int32] = [0, 0]
  var inPipe: [Int32] = [0, 0]
  guard pipe(&outPipe) == 0, pipe(&errPipe) == 0, pipe(&inPipe) == 0 else {
    throw ChildProcessError(description: "pipe failed")
  }
  #if canImport(Darwin)
    var actions: posix_spawn_file_actions_t? = nil
  #else
    var actions = posix_spawn_file_actions_t()
  #endif
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  if options.standardInput != nil {
    posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
  } else {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
  }
  posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
  posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
  for fd in [outPipe[0], outPipe[1], errPipe[0], errPipe[1], inPipe[0], inPipe[1]] {
    posix_spawn_file_actions_addclose(&actions, fd)
  }

  var environment: [String: String] = [:]
  var entry = environ
  while let pointer = entry.pointee {
    let text = String(cString: pointer)
    if let equals = text.firstIndex(of: "=") {
      environment[String(text[..<equals])] = String(text[text.index(after: equals)...])
    }
    entry += 1
  }
  if let directory = options.directory { environment["PWD"] = directory }
  for (key, value) in options.environment { environment[key] = value }
  let envp: [UnsafeMutablePointer<CChar>?] = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
  let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
  defer {
    for p in argv { free(p) }
    for p in envp { free(p) }
  }
  var pid: pid_t = 0
  let start = now()
  let rc = posix_spawn(&pid, command[0], &actions, nil, argv, envp)
  close(outPipe[1])
  close(errPipe[1])
  close(inPipe[0])
  guard rc == 0 else {
    close(outPipe[0])
    close(errPipe[0])
    close(inPipe[1])
    throw ChildProcessError(description: "posix_spawn \(command[0]) failed: \(rc)")
  }
  if let input = options.standardInput {
    // Small inputs only: a child that does not read would block a large write.
    _ = input.withUnsafeBytes { write(inPipe[1], $0.baseAddress, $0.count) }
  }
  close(inPipe[1])

  var captured: [[UInt8]] = [[], []]
  var open = [true, true]
  var timedOut = false
  var chunk = [UInt8](repeating: 0, count: 65536)
  while open[0] || open[1] {
    let remaining = options.timeoutSeconds - (now() - start)
    if remaining <= 0 {
      timedOut = true
      kill(pid, SIGKILL)
      break
    }
    var fds = [
      pollfd(fd: open[0] ? outPipe[0] : -1, events: Int16(POLLIN), revents: 0),
      pollfd(fd: open[1] ? errPipe[0] : -1, events: Int16(POLLIN), revents: 0),
    ]
    let ready = poll(&fds, 2, Int32(min(remaining, 1) * 1000) + 1)
    if ready < 0 && errno != EINTR { break }
    for i in 0..<2 where open[i] && fds[i].revents != 0 {
      let n = read(i == 0 ? outPipe[0] : errPipe[0], &chunk, chunk.count)
      if n < 0 && errno == EINTR { continue }
      if n <= 0 {
        open[i] = false
      } else {
        captured[i].append(contentsOf: chunk[0..<n])
      }
    }
  }
  close(outPipe[0])
  close(errPipe[0])
  var status: Int32 = 0
  var usage = rusage()
  while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
  let seconds = now() - start
  let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
  #if canImport(Darwin)
    let peakMiB = Double(usage.ru_maxrss) / 1_048_576
  #else
    let peakMiB = Double(usage.ru_maxrss) / 1024
  #endif
  return BoundedResult(
    status: exitCode, timedOut: timedOut, seconds: seconds, peakMiB: peakMiB,
    standardOutput: captured[0], standardError: captured[1])
}
