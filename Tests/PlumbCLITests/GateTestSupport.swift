import Foundation

@testable import PlumbKit

/// Rules and packs the gate tests check with (besides or instead of the built-in ones): three
/// catalog rules at three enforcement levels and three severities.
let gateRules = """
  rule needs_system {
    title "Components belong to a system"
    severity high
    category ownership
    for c in catalog.Component
    require exists(c.spec.system) else "component '${c.metadata.name}' has no system" at c.spec
  }

  rule needs_tags {
    title "Components have tags"
    severity low
    category hygiene
    for c in catalog.Component
    require exists(c.metadata.tags) else "component '${c.metadata.name}' has no tags" at c.metadata
  }

  rule needs_description {
    title "Components have a description"
    severity info
    category docs
    for c in catalog.Component
    require exists(c.metadata.description) else "component '${c.metadata.name}' has no description" at c.metadata
  }

  pack gate {
    title "Gate tests"
    rule needs_system: block
    rule needs_tags: warn
    rule needs_description: advisory
  }

  pack gate_no_inline {
    title "Gate tests, no inline ignores"
    inline_ignores forbidden
    rule needs_system: block
    rule needs_tags: warn
    rule needs_description: advisory
  }

  pack nothing_on {
    title "Nothing"
    all rules: off
  }
  """

/// A valid catalog Component; `system`, `tags` and `description` (what the gate rules check) are
/// left out when nil.
func component(_ name: String, system: String? = nil, tags: String? = nil, description: String? = nil) -> String {
  var text = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: \(name)\n"
  if let description { text += "  description: \(description)\n" }
  if let tags { text += "  tags: \(tags)\n" }
  text += "spec:\n  type: service\n  lifecycle: production\n  owner: team\n"
  if let system { text += "  system: \(system)\n" }
  return text
}

/// A temporary repository holding `files` (relative path → text) and the gate rules in
/// `policy/gate.plumb`.
func makeRepository(_ files: [String: String], rules: Bool = true) throws -> URL {
  let directory = try temporaryDirectory()
  var all = files
  if rules { all["policy/gate.plumb"] = gateRules }
  for (path, text) in all {
    let url = directory.appendingPathComponent(path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: url, atomically: true, encoding: .utf8)
  }
  return directory
}

/// Runs a check in-process over `directory` with the gate rules only and the `gate` pack.
func gateCheck(
  _ directory: URL, pack: String = "gate", today: String = "2025-06-01", configure: (inout CheckOptions) -> Void = { _ in }
) -> CheckRun {
  var options = CheckOptions(paths: [directory.path], root: directory.path)
  options.ruleDirectories = [directory.appendingPathComponent("policy").path]
  options.useBuiltinRules = false
  options.pack = pack
  options.today = ISODate(today)
  configure(&options)
  return CheckRun.run(options)
}

/// The arguments for `plumb check` with the gate rules only.
func gateArguments(_ directory: URL, pack: String = "gate", _ more: [String] = []) -> [String] {
  ["check", "--color", "never", "--no-builtin-rules", "--rules", directory.appendingPathComponent("policy").path,
    "--pack", pack, "--today", "2025-06-01"] + more + [directory.path]
}

/// Runs `git` in `directory`, failing the test on a non-zero status.
@discardableResult
func git(_ arguments: [String], in directory: URL) throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["git", "-c", "user.name=Plumb Test", "-c", "user.email=test@plumb.invalid",
    "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"] + arguments
  process.currentDirectoryURL = directory
  let out = Pipe()
  process.standardOutput = out
  process.standardError = out
  try process.run()
  let data = out.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  let text = String(decoding: data, as: UTF8.self)
  if process.terminationStatus != 0 {
    throw GitFailure(message: "git \(arguments.joined(separator: " ")): \(text)")
  }
  return text
}

struct GitFailure: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}
