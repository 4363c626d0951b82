import BenchmarkSupport
import Foundation

/// Runs the built `plumb` executable and captures what it prints.
struct CommandResult {
  var status: Int32
  var stdout: String
  var stderr: String
}

/// The package root, from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

/// The `plumb` binary built beside the test bundle.
func plumbExecutable() -> URL {
  let candidates = [
    Bundle.main.executableURL?.deletingLastPathComponent(),
    Bundle.main.bundleURL,
    Bundle.main.bundleURL.deletingLastPathComponent(),
  ].compactMap { $0 }
  for directory in candidates {
    let url = directory.appendingPathComponent("plumb")
    if FileManager.default.isExecutableFile(atPath: url.path) { return url }
  }
  return packageRoot.appendingPathComponent(".build/debug/plumb")
}

/// Runs `plumb` with `arguments` in `directory` (the package root by default).
func runPlumb(_ arguments: [String], in directory: URL = packageRoot, environment: [String: String] = [:])
  throws -> CommandResult
{
  let process = Process()
  process.executableURL = plumbExecutable()
  process.arguments = arguments
  process.currentDirectoryURL = directory
  var env = ProcessInfo.processInfo.environment
  for (key, value) in environment { env[key] = value }
  process.environment = env
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  // Read both pipes at once, before waiting: a child that fills one pipe while the other is
  // being read would otherwise block forever.
  let errorReader = DispatchQueue(label: "plumb-test-stderr")
  nonisolated(unsafe) var errData = Data()
  let group = DispatchGroup()
  errorReader.async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
  let outData = out.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  process.waitUntilExit()
  return CommandResult(
    status: process.terminationStatus,
    stdout: String(decoding: outData, as: UTF8.self),
    stderr: String(decoding: errData, as: UTF8.self))
}

/// A fresh temporary directory.
func temporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-test-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Runs `plumb` on possibly hostile input with a wall-clock timeout and an address-space limit
/// (`runBounded`): a hang or a runaway allocation shows as `timedOut` or a crash status instead
/// of a stuck test.
func runPlumbBounded(
  _ arguments: [String], in directory: URL = packageRoot, environment: [String: String?] = [:],
  timeoutSeconds: Double = 60, addressSpaceMiB: Int? = 4096
) throws -> BoundedResult {
  try runBounded(
    [plumbExecutable().path] + arguments,
    options: BoundedRunOptions(
      timeoutSeconds: timeoutSeconds, addressSpaceMiB: addressSpaceMiB, directory: directory.path,
      environment: environment))
}
