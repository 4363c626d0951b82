import Foundation
import PlumbDiagnostics
@_exported import PlumbFix
import PlumbGraph
import PlumbIngest
import PlumbPolicy
import PlumbReport

/// What `plumb fix` was asked to do.
public struct FixRunOptions: Sendable {
  /// The check the fixes come from (paths, root, rules, pack, waivers).
  public var check: CheckOptions
  /// Apply unsafe fixes too.
  public var includeUnsafe = false
  /// Only fix findings of these rules.
  public var rules: Set<String>?
  /// The Terraform root module's directory (default: the plan's directory).
  public var terraformRoot: String?

  public init(check: CheckOptions) {
    self.check = check
  }
}

/// One `plumb fix`: the check, then fixes for its findings (waived and ignored ones excepted),
/// planned, verified and ready to print as a diff, write in place, or bundle per team.
public struct FixRun: Sendable {
  /// The check the findings come from.
  public let check: CheckRun
  /// The fix engine (for re-verification of bundles).
  public let engine: FixEngine?
  /// The fixes.
  public let result: FixResult
  /// The action pins known to the run.
  public let pins: ActionPins

  /// The exit status: policy errors stop everything (3); otherwise 0.
  public var exitStatus: Int32 { engine == nil ? ExitStatus.policyErrors : ExitStatus.success }

  /// Runs the check and plans and verifies the fixes.
  public static func run(_ options: FixRunOptions) -> FixRun {
    let check = CheckRun.run(options.check)
    let pins = ActionPins.load(root: check.ingest.root, graph: check.ingest.graph)
    guard check.result != nil else {
      return FixRun(check: check, engine: nil, result: FixResult(outcomes: [], applied: [], changes: []), pins: pins)
    }
    // The same rules and pack as the check, with the pins the repository knows.
    let pinValue = RuntimeValue.value(.map(ValueMap(pins.parameterEntries.map { ($0.0, Value.string($0.1)) })))
    let policy = PolicyEngine(library: check.library, pack: check.pack).updatingParameter("action_pins") { _ in pinValue }
    let findings = policy.evaluate(check.ingest.graph).findings
    let suppressed = Set(check.report.findings.filter { $0.suppression != nil }.map(\.finding.fingerprint))
    // Fixes never touch the catalog context, even when it is checked: it is another repository's.
    let contextFiles = Set(check.ingestOptions.catalogContext?.sources.flatMap { $0.sourceFiles.map(\.path) } ?? [])
    let engine = FixEngine(
      ingest: check.ingest, paths: options.check.paths, ingestOptions: check.ingestOptions, policy: policy,
      findings: findings, pins: pins, terraformRoot: options.terraformRoot)
    var fixOptions = FixOptions()
    fixOptions.includeUnsafe = options.includeUnsafe
    fixOptions.rules = options.rules
    let result = engine.run(
      findings.filter { !suppressed.contains($0.fingerprint) && !contextFiles.contains($0.location.path) },
      options: fixOptions)
    return FixRun(check: check, engine: engine, result: result, pins: pins)
  }

  /// The unified diff of every change (`git apply` reads it).
  public var diff: String {
    result.changes.map { UnifiedDiff.make(path: $0.path, old: $0.original, new: $0.patched) }.joined()
  }

  /// Writes every change in place (atomic, inside the root, never through a symlink); returns,
  /// per file that was not written, why (empty when all were written).
  public func write() -> [String: String] {
    let writer = SafeWriter(root: check.ingest.root)
    var refused: [String: String] = [:]
    for change in result.changes {
      do {
        try writer.write(change.patched, to: change.absolutePath, expected: change.original)
      } catch {
        refused[change.path] = "\(error)"
      }
    }
    return refused
  }

  /// Writes a bundle of change sets to `directory`. `notes`: change sets left out because they do
  /// not verify on their own; `errors`: the bundle could not be written.
  public func bundle(to directory: String, grouping: BundleGrouping) -> (notes: [String], errors: [String]) {
    guard let engine else { return ([], ["the rules did not compile"]) }
    var builder = BundleBuilder(engine: engine, graph: check.ingest.graph)
    builder.ruleDocsBase = check.links.ruleDocsBase
    builder.sourceLinkBase = check.links.sourceLinkBase
    let (sets, notes) = builder.changeSets(result.applied, grouping: grouping)
    do {
      try builder.write(sets, grouping: grouping, to: directory, root: check.ingest.root)
    } catch {
      return (notes, ["cannot write the bundle to \(TerminalText.oneLine(directory)): \(error)"])
    }
    return (notes, [])
  }

  /// A summary: one line per finding with a fix, then the totals. `notWritten` (from ``write()``):
  /// the files `--write` could not write, with why; a fix that edits one of them is "not
  /// written", not "fixed", and the totals count it so.
  public func summary(notWritten: [String: String] = [:]) -> String {
    var out = ""
    var unwritten = 0
    for outcome in result.outcomes {
      let f = outcome.finding
      let refusals = outcome.status == .fixed ? outcome.files.compactMap { notWritten[$0] } : []
      if !refusals.isEmpty { unwritten += 1 }
      let status =
        refusals.isEmpty
        ? outcome.status.rawValue + (outcome.status == .fixed && !outcome.safe ? " (unsafe)" : "") : "not written"
      let line = "\(f.location.path):\(f.location.span.start.line)  \(f.ruleID)  \(TerminalText.oneLine(f.message))"
      out += "\(status.padding(toLength: 18, withPad: " ", startingAt: 0)) \(TerminalText.oneLine(line))\n"
      for refusal in refusals { out += "    \(TerminalText.oneLine(refusal))\n" }
      if let reason = outcome.reason, outcome.status != .fixed || !outcome.safe { out += "    \(TerminalText.oneLine(reason))\n" }
      for note in outcome.notes { out += "    note: \(TerminalText.oneLine(note))\n" }
    }
    let count = { (status: FixOutcome.Status) in result.outcomes.filter { $0.status == status }.count }
    let files = result.changes.filter { notWritten[$0.path] == nil }.count
    var totals = ["\(count(.fixed) - unwritten) fixed (\(files) file\(files == 1 ? "" : "s"))"]
    if unwritten > 0 { totals.append("\(unwritten) not written") }
    if count(.unsafe) > 0 { totals.append("\(count(.unsafe)) unsafe not applied (--unsafe)") }
    if count(.conflict) > 0 { totals.append("\(count(.conflict)) deferred (overlapping edits)") }
    if count(.unverified) > 0 { totals.append("\(count(.unverified)) failed verification") }
    if count(.refused) > 0 { totals.append("\(count(.refused)) not fixable") }
    out += totals.joined(separator: ", ") + "\n"
    for diagnostic in pins.diagnostics { out += "\(ActionPins.fileName): \(TerminalText.oneLine(diagnostic.message))\n" }
    // Paths and messages come from the inputs: no line may start a CI command.
    return TerminalText.guarded(out)
  }
}
