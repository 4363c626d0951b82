import BenchmarkSupport
import HostileInputs
import PlumbDiagnostics
import PlumbYAML

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// One hostile input of `--mode hostile`.
struct HostileCase {
  var name: String
  var what: String
  var text: String
}

/// The hostile inputs for `--keys N` keys: a hash flood, the same number of ordinary keys, a merge
/// over them, and two alias expansions that name far more text than the file holds.
func hostileCases(keys: Int) -> [HostileCase] {
  [
    HostileCase(
      name: "hash-flood", what: "\(keys) keys crafted against the loader's key table (`HostileYAML.collidingKeys`)",
      text: HostileYAML.mapping(keys: HostileYAML.collidingKeys(count: keys))),
    HostileCase(
      name: "ordinary-keys", what: "\(keys) keys of the same shape, in order",
      text: HostileYAML.mapping(keys: HostileYAML.ordinaryKeys(count: keys))),
    HostileCase(
      name: "merge", what: "`<<: *base` over a mapping of \(keys) keys",
      text: HostileYAML.mergeOverKeys(count: keys)),
    HostileCase(
      name: "aliased-script", what: "a workflow of 25,000 steps running one 1 MB script through `*script`",
      text: HostileYAML.aliasedScriptWorkflow(scriptBytes: 1_000_000, steps: 25_000)),
    HostileCase(
      name: "aliased-scalar", what: "a 1 MB scalar and 4,000 aliases of it",
      text: HostileYAML.aliasedScalar(bytes: 1_000_000, aliases: 4_000)),
  ]
}

/// `--mode hostile`: writes each hostile input to the data directory (`hostile-NAME.yaml`, for
/// `--mode profile` with another build of the loader) and times loading it, with the loader's
/// own work counts. Prints a Markdown table.
func hostileMode(_ options: Options) throws {
  mkdir(options.dataDir, 0o755)
  print("| Input | Size (MB) | Load, min / median (ms) | Keys looked up | Key work (per key) | Lists sorted | Alias-expanded bytes | Result |")
  print("|---|--:|--:|--:|--:|--:|--:|---|")
  for hostile in hostileCases(keys: options.keys) where options.only.isEmpty || options.only.contains(hostile.name) {
    let bytes = Array(hostile.text.utf8)
    let path = "\(options.dataDir)/hostile-\(hostile.name).yaml"
    try writeWholeFile(path, bytes)
    var times: [Double] = []
    var result: YAMLLoadResult?
    for _ in 0..<options.runs {
      let t0 = now()
      let loaded = YAMLLoader().load(SourceFile(path: path, bytes: bytes))
      times.append(now() - t0)
      result = loaded
    }
    guard let result else { continue }
    let stats = Stats(samples: times)
    let s = result.statistics
    let perKey = s.keysLooked == 0 ? "–" : fmt(Double(s.keyWork) / Double(s.keysLooked), 2)
    let outcome = result.diagnostics.first.map { "`\($0.code)` at \($0.location.map { "\($0.span.start.line):\($0.span.start.column)" } ?? "?")" } ?? "loads"
    print(
      "| \(hostile.name): \(hostile.what) | \(mb(bytes.count)) | \(fmt(stats.min * 1000, 0)) / \(fmt(stats.median * 1000, 0)) | \(s.keysLooked) | \(s.keyWork) (\(perKey)) | \(s.keyTableFallbacks) | \(s.aliasExpandedBytes) | \(outcome) |"
    )
    log("\(hostile.name): written to \(path)")
  }
}
