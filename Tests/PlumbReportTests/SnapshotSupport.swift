import Foundation
import Testing

/// Compares `actual` with `Snapshots/<name>` next to this file.
///
/// A missing snapshot, or `RECORD_SNAPSHOTS=1` in the environment, writes `actual` as the new
/// snapshot and fails (so a recording never passes silently: review the file, then run again).
/// Line endings are normalised (CRLF and CR to LF) on both sides; a mismatch prints a line diff.
func assertSnapshot(
  _ actual: String, named name: String, filePath: String = #filePath,
  sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
  let directory = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
  let url = directory.appendingPathComponent(name)
  let record = ["1", "true", "yes"].contains(ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"]?.lowercased() ?? "")
  let existing = try? String(contentsOf: url, encoding: .utf8)
  if record || existing == nil {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      try Data(actual.utf8).write(to: url)
      Issue.record(
        "Recorded snapshot \(name) (\(existing == nil ? "it was missing" : "RECORD_SNAPSHOTS is set")): review it, then run again",
        sourceLocation: sourceLocation)
    } catch {
      Issue.record("Could not write snapshot \(url.path): \(error)", sourceLocation: sourceLocation)
    }
    return
  }
  let expected = normalizedLineEndings(existing ?? "")
  let got = normalizedLineEndings(actual)
  guard expected != got else { return }
  Issue.record(
    "Snapshot \(name) differs (- snapshot, + actual; RECORD_SNAPSHOTS=1 re-records):\n\(lineDiff(expected, got))",
    sourceLocation: sourceLocation)
}

func normalizedLineEndings(_ text: String) -> String {
  text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
}

/// A unified-style line diff (longest common subsequence) with two lines of context.
func lineDiff(_ old: String, _ new: String) -> String {
  let a = old.components(separatedBy: "\n")
  let b = new.components(separatedBy: "\n")
  var lcs = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
  for i in stride(from: a.count - 1, through: 0, by: -1) {
    for j in stride(from: b.count - 1, through: 0, by: -1) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
    }
  }
  var lines: [(Character, String)] = []
  var i = 0
  var j = 0
  while i < a.count || j < b.count {
    if i < a.count && j < b.count && a[i] == b[j] {
      lines.append((" ", a[i]))
      i += 1
      j += 1
    } else if i < a.count && (j == b.count || lcs[i + 1][j] >= lcs[i][j + 1]) {
      lines.append(("-", a[i]))
      i += 1
    } else {
      lines.append(("+", b[j]))
      j += 1
    }
  }
  let changed = Set(lines.indices.filter { lines[$0].0 != " " })
  var out = ""
  var skipped = false
  for index in lines.indices {
    let near = (max(0, index - 2)...min(lines.count - 1, index + 2)).contains { changed.contains($0) }
    if near {
      out += "\(lines[index].0) \(lines[index].1)\n"
      skipped = false
    } else if !skipped {
      out += "  …\n"
      skipped = true
    }
  }
  return out
}

/// Validates `json` against the JSON Schema at `schemaPath` with python3's `jsonschema` (the
/// validator class the schema's `$schema` names, formats checked where the library can).
///
/// Returns the validation errors (`/path: message`, empty when valid), or nil when the validator
/// could not run. Never skips: a missing python3 or jsonschema is recorded as a failure, since
/// the development machines and CI have both.
func validateAgainstSchema(
  _ json: String, schemaPath: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> [String]? {
  let script = """
    import json, sys
    try:
        import jsonschema
    except ImportError as error:
        print("python3 has no jsonschema module: " + str(error))
        sys.exit(3)
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        instance = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])
    for e in errors:
        print("/" + "/".join(str(p) for p in e.absolute_path) + ": " + e.message)
    sys.exit(1 if errors else 0)
    """
  let instance = FileManager.default.temporaryDirectory
    .appendingPathComponent("plumb-report-\(UUID().uuidString).json")
  defer { try? FileManager.default.removeItem(at: instance) }
  do {
    try Data(json.utf8).write(to: instance)
  } catch {
    Issue.record("Could not write \(instance.path): \(error)", sourceLocation: sourceLocation)
    return nil
  }
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = ["python3", "-c", script, schemaPath, instance.path]
  let output = Pipe()
  process.standardOutput = output
  process.standardError = output
  do {
    try process.run()
  } catch {
    Issue.record("Could not run python3 to validate against \(schemaPath): \(error)", sourceLocation: sourceLocation)
    return nil
  }
  let data = output.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  let text = String(decoding: data, as: UTF8.self)
  switch process.terminationStatus {
  case 0:
    return []
  case 1 where text.hasPrefix("/"):
    return text.split(separator: "\n").map(String.init)
  default:
    Issue.record(
      "The schema validator did not run (python3 exit \(process.terminationStatus)); python3 with jsonschema is required:\n\(text)",
      sourceLocation: sourceLocation)
    return nil
  }
}

/// The package root (two levels above this file's directory).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()
