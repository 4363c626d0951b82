import Foundation
import PlumbDiagnostics
import PlumbGraph
import PlumbIngest
import PlumbPolicy

/// What `plumb check` was asked to do.
public struct CheckOptions: Sendable {
  /// Files or directories to check.
  public var paths: [String]
  /// The repository root (default: the one directory given, else the current directory).
  public var root: String?
  /// More rule and policy files or directories.
  public var ruleDirectories: [String] = []
  /// The policy pack to apply (default: `.plumb.yaml`'s `pack`, else `baseline`).
  public var pack: String?
  /// Whether to load the rules that ship with Plumb.
  public var useBuiltinRules = true

  /// Creates options.
  public init(paths: [String], root: String? = nil) {
    self.paths = paths
    self.root = root
  }
}

/// One `plumb check`: ingest, load rules, evaluate, and decide the exit status.
public struct CheckRun: Sendable {
  /// The ingested inputs.
  public let ingest: IngestResult
  /// The rules, packs and scorecards loaded.
  public let library: PolicyLibrary
  /// The pack applied, if any.
  public let pack: PackDecl?
  /// The evaluation (nil when the rules did not compile).
  public let result: EvaluationResult?
  /// Problems with rules, packs or configuration.
  public let policyDiagnostics: [Diagnostic]

  /// Runs a check.
  public static func run(_ options: CheckOptions) -> CheckRun {
    let ingest = Ingestor().ingest(paths: options.paths, root: options.root)
    let configuration = PlumbConfigurationFile.read(root: ingest.root)
    var sources = options.useBuiltinRules ? BuiltinPolicies.sources : []
    var problems: [Diagnostic] = []
    let configured = configuration.ruleDirectories.map { $0.hasPrefix("/") ? $0 : ingest.root + "/" + $0 }
    let (userSources, readProblems) = PolicyLibrary.read(paths: options.ruleDirectories + configured)
    sources += userSources
    problems += readProblems
    let library = PolicyLibrary(sources: sources)
    problems += library.diagnostics
    var pack: PackDecl?
    if let name = options.pack ?? configuration.pack {
      pack = library.packs[name]
      if pack == nil {
        let known = library.packs.keys.sorted().joined(separator: ", ")
        problems.append(
          Diagnostic(code: "policy.unknown-pack", message: "no policy pack named '\(name)' (known: \(known))", location: nil))
      }
    } else {
      pack = library.packs["baseline"]
    }
    let failed = problems.contains { $0.severity == .error }
    let result = failed ? nil : PolicyEngine(library: library, pack: pack).evaluate(ingest.graph)
    return CheckRun(ingest: ingest, library: library, pack: pack, result: result, policyDiagnostics: problems)
  }

  /// Input problems that are errors (unreadable, malformed, unknown format when named).
  public var inputErrors: [Diagnostic] { ingest.graph.diagnostics.filter { $0.severity == .error } }

  /// Findings that fail the build: fail or indeterminate verdicts of rules at `block`.
  public var blockingFindings: [Finding] {
    guard let result else { return [] }
    return result.findings.filter { result.enforcement[$0.ruleID] == .block }
  }

  /// The exit status, failing closed: policy errors, then input errors, then nothing evaluated,
  /// then blocking findings.
  public var exitStatus: Int32 {
    if policyDiagnostics.contains(where: { $0.severity == .error }) { return ExitStatus.policyErrors }
    if !inputErrors.isEmpty { return ExitStatus.inputErrors }
    guard let result, result.evaluatedAnything else { return ExitStatus.nothingEvaluated }
    return blockingFindings.isEmpty ? ExitStatus.success : ExitStatus.blockingFindings
  }

  // MARK: Text

  /// Findings grouped by file with the source line and a caret, then diagnostics and a summary.
  public func text(colored: Bool = false) -> String {
    let renderer = DiagnosticRenderer(sources: ingest.sources + library.sources, colored: colored)
    var out = renderer.render(policyDiagnostics)
    out += renderer.render(ingest.graph.diagnostics.filter { $0.severity != .note })
    guard let result else { return out + summary() }
    var currentFile: String?
    for finding in result.findings {
      if finding.location.path != currentFile {
        currentFile = finding.location.path
        out += "\n" + (colored ? "\u{1B}[1m\(finding.location.path)\u{1B}[0m" : finding.location.path) + "\n"
      }
      let level = result.enforcement[finding.ruleID] ?? .warn
      let label: String
      switch (finding.verdict, level) {
      case (.indeterminate, _): label = "indeterminate"
      case (_, .block): label = "error"
      case (_, .warn): label = "warning"
      default: label = "note"
      }
      let position = "\(finding.location.span.start.line):\(finding.location.span.start.column)"
      out += "  \(position)  \(paint(label, colored)) \(finding.message) [\(finding.ruleID)]\n"
      out += renderer.snippet(finding.location).split(separator: "\n", omittingEmptySubsequences: false)
        .map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
    }
    return out + summary()
  }

  private func paint(_ label: String, _ colored: Bool) -> String {
    guard colored else { return label + ":" }
    let code = label == "error" ? "1;31" : label == "warning" ? "1;33" : label == "indeterminate" ? "1;35" : "1;36"
    return "\u{1B}[\(code)m\(label):\u{1B}[0m"
  }

  /// The closing summary line(s).
  public func summary() -> String {
    let files = ingest.files.filter { $0.format != nil }.count
    let skipped = ingest.files.count - files
    let inputs = "\(files) file\(files == 1 ? "" : "s") checked\(skipped > 0 ? " (\(skipped) skipped)" : ""), \(ingest.graph.entities.count) entities"
    guard let result else {
      return "\n\(inputs); rules did not compile: \(policyDiagnostics.filter { $0.severity == .error }.count) error(s)\n"
    }
    let fails = result.findings.filter { $0.verdict == .fail }.count
    let unknown = result.findings.count - fails
    let blocking = blockingFindings.count
    let ran = result.statistics.count
    let applied = result.statistics.filter { $0.applicable > 0 }.count
    var line = "\n\(inputs); \(ran) rules (\(applied) applied)"
    if let pack { line += ", pack '\(pack.name)'" }
    line += "\n\(result.findings.count) findings: \(fails) failed, \(unknown) indeterminate; \(blocking) blocking"
    if !inputErrors.isEmpty { line += "; \(inputErrors.count) input error\(inputErrors.count == 1 ? "" : "s")" }
    switch exitStatus {
    case ExitStatus.success: line += "\nresult: pass\n"
    case ExitStatus.blockingFindings: line += "\nresult: fail (blocking findings)\n"
    case ExitStatus.inputErrors: line += "\nresult: fail (input errors: some inputs could not be read or are invalid)\n"
    case ExitStatus.nothingEvaluated: line += "\nresult: fail (nothing was evaluated: no rule applied to any input)\n"
    default: line += "\nresult: fail\n"
    }
    return line
  }
}
