import Foundation
import PlumbFix
import PlumbPolicy

/// The package root, from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()

let fixesFixtures = packageRoot.appendingPathComponent("fixtures/fixes")

/// A JSON value from a fixture, as a fix value (maps in key order).
func fixValue(_ json: Any) -> FixValue {
  let data = try! JSONSerialization.data(withJSONObject: [json], options: [.sortedKeys])
  guard case .list(let items)? = FixValue.parse(String(decoding: data, as: UTF8.self)) else { return .null }
  return items[0]
}

/// Path steps from a fixture: strings are keys, numbers indexes.
func documentPath(_ json: [Any]) -> [DocumentStep] {
  json.map { item in
    if let s = item as? String { return .key(s) }
    return .index((item as! NSNumber).intValue)
  }
}

/// A fresh temporary directory.
func temporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-fix-test-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Writes `files` (relative path → text) under `root`.
func writeFiles(_ files: [String: String], under root: URL) throws {
  for (path, text) in files {
    let url = root.appendingPathComponent(path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
  }
}

/// Runs a command; returns its status and output.
@discardableResult
func shell(_ arguments: [String], in directory: URL) throws -> (status: Int32, output: String) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = arguments
  process.currentDirectoryURL = directory
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = pipe
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Whether `git apply --check` accepts `patch` in a fresh repository holding `files`.
func gitApplyChecks(_ patch: String, files: [String: [UInt8]]) throws -> (ok: Bool, output: String) {
  let root = try temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: root) }
  try shell(["git", "init", "-q"], in: root)
  for (path, bytes) in files {
    let url = root.appendingPathComponent(path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: url)
  }
  let patchURL = root.appendingPathComponent(".plumb.patch")
  try Data(patch.utf8).write(to: patchURL)
  let result = try shell(["git", "apply", "--check", patchURL.path], in: root)
  return (result.status == 0, result.output)
}
