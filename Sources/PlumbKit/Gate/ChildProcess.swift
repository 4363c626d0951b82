import Foundation

/// Runs a program to completion and captures what it prints (used for `git`).
struct ChildProcess {
  struct Output {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs `arguments[0]` found on `PATH` with the rest as arguments. Throws only when it cannot start.
  static func run(_ arguments: [String], in directory: String? = nil) throws -> Output {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    var environment = ProcessInfo.processInfo.environment
    environment["GIT_TERMINAL_PROMPT"] = "0"
    environment["LC_ALL"] = "C"
    process.environment = environment
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Drain stderr concurrently so neither pipe can fill up and block the child. A thread of its
    // own, not a dispatch queue's: blocking reads on the global queue, while the run keeps every
    // core busy, waited up to a second for libdispatch to add a thread.
    let errBox = DataBox()
    let done = DispatchSemaphore(value: 0)
    let reader = Thread {
      errBox.data = err.fileHandleForReading.readDataToEndOfFile()
      done.signal()
    }
    reader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    done.wait()
    process.waitUntilExit()
    return Output(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errBox.data, as: UTF8.self))
  }

  /// Results written by ``onThreads(_:)``'s threads under its lock.
  private final class ThreadResults<T>: @unchecked Sendable {
    var values: [T?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
  }

  private final class DataBox: @unchecked Sendable {
    var data = Data()
  }

  /// Runs each of `jobs` on a thread of its own and returns their results in order: for blocking
  /// work such as child processes, which must not hold libdispatch's worker threads.
  static func onThreads<T: Sendable>(_ jobs: [@Sendable () -> T]) -> [T] {
    let results = ThreadResults<T>(count: jobs.count)
    let lock = NSLock()
    let done = DispatchSemaphore(value: 0)
    for (index, job) in jobs.enumerated() {
      Thread {
        let value = job()
        lock.lock()
        results.values[index] = value
        lock.unlock()
        done.signal()
      }.start()
    }
    for _ in jobs { done.wait() }
    return results.values.map { $0! }
  }
}
