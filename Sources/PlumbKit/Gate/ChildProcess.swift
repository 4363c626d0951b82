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
    // Drain stderr concurrently so neither pipe can fill up and block the child.
    let errBox = DataBox()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      errBox.data = err.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return Output(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errBox.data, as: UTF8.self))
  }

  private final class DataBox: @unchecked Sendable {
    var data = Data()
  }
}
