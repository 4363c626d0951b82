import Foundation
import PlumbDiagnostics
import PlumbFiles
import PlumbGraph
import PlumbIngest
import PlumbPolicy
import PlumbYAML

/// What happened to one finding's fix.
public struct FixOutcome: Sendable {
  public enum Status: String, Sendable, Codable {
    /// Applied and verified.
    case fixed
    /// Verified as far as possible but unsafe, and unsafe fixes were not asked for.
    case unsafe
    /// No edit could be made (the reason says why).
    case refused
    /// Its edits overlap another fix's in the same file; a later run can apply it.
    case conflict
    /// The edits were made but failed verification, so they are not offered.
    case unverified
  }
  public var finding: Finding
  public var status: Status
  /// Whether the fix is safe to apply without review.
  public var safe: Bool
  /// Why it was not applied, or why it is unsafe.
  public var reason: String?
  /// What the user should know.
  public var notes: [String]
  /// Files the fix edits (relative paths).
  public var files: [String]
}

/// A file's text before and after the fixes applied to it.
public struct FileChange: Sendable {
  public var path: String
  public var absolutePath: String
  public var language: FileEdits.Language
  public var original: [UInt8]
  public var patched: [UInt8]
}

/// Everything a fix run produced.
public struct FixResult: Sendable {
  /// One per finding that had a fix, in report order.
  public var outcomes: [FixOutcome]
  /// The fixes that were applied and verified.
  public var applied: [PlannedFix]
  /// The changed files, by path.
  public var changes: [FileChange]

  public init(outcomes: [FixOutcome], applied: [PlannedFix], changes: [FileChange]) {
    self.outcomes = outcomes
    self.applied = applied
    self.changes = changes
  }
}

/// How a fix run behaves.
public struct FixOptions: Sendable {
  /// Apply unsafe fixes too.
  public var includeUnsafe = false
  /// Only fix findings of these rules (nil: all).
  public var rules: Set<String>?
  public init() {}
}

/// The tag a rule carries when its fix needs a value a person should confirm.
public let unsafeFixTag = "unsafe-fix"

/// Plans, verifies and applies fixes for a set of findings.
///
/// Fixes are grouped by the file they edit. A group's fixes are applied together and verified: the
/// patched files re-load; a YAML file means exactly what the fixes intended (nothing else changed);
/// a `.tf` file holds the new literal values; then the inputs are ingested and evaluated again with
/// the same rules and pack: each targeted finding is gone, no finding appears that was not there
/// before, and planning the same fixes again changes nothing. When a group fails, its fixes are tried
/// one by one and only those that pass are kept. Fixes that fail are reported, never offered.
public final class FixEngine: @unchecked Sendable {
  let ingest: IngestResult
  let paths: [String]
  let ingestOptions: IngestOptions
  let policy: PolicyEngine
  let baseline: [Finding]
  let pins: ActionPins
  let terraform: TerraformSources
  let planner: FixPlanner
  let rules: [String: RuleDecl]
  let baselineKeys: Set<String>
  let baselineErrors: [String: Int]

  /// - Parameters:
  ///   - ingest: the ingested inputs.
  ///   - paths: the paths that were ingested (verification ingests them again).
  ///   - policy: the rules and pack (with any parameters the run supplies).
  ///   - findings: `policy`'s findings on `ingest` (all of them: the baseline of "no new finding").
  ///   - terraformRoot: the root module's directory when it is not the plan's.
  public init(
    ingest: IngestResult, paths: [String], ingestOptions: IngestOptions = IngestOptions(), policy: PolicyEngine,
    findings: [Finding], pins: ActionPins, terraformRoot: String? = nil
  ) {
    self.ingest = ingest
    self.paths = paths
    self.ingestOptions = ingestOptions
    self.policy = policy
    self.baseline = findings
    self.pins = pins
    self.terraform = TerraformSources(root: ingest.root, terraformRoot: terraformRoot)
    self.planner = FixPlanner(
      graph: ingest.graph, sources: ingest.sources, root: ingest.root, pins: pins, terraform: terraform,
      limits: ingestOptions.limits)
    self.rules = Dictionary(policy.bindings.map { ($0.rule.id, $0.rule.decl) }, uniquingKeysWith: { a, _ in a })
    self.baselineKeys = Set(findings.map(Self.key))
    var errors: [String: Int] = [:]
    for diagnostic in ingest.graph.diagnostics where diagnostic.severity == .error {
      errors[diagnostic.location?.path ?? "", default: 0] += 1
    }
    self.baselineErrors = errors
  }

  static func key(_ finding: Finding) -> String { finding.fingerprint + "/" + finding.verdict.rawValue }

  /// The rule's metadata.
  public func rule(_ id: String) -> RuleDecl? { rules[id] }

  // MARK: Run

  /// Plans and verifies fixes for `candidates` (findings to fix: not suppressed).
  public func run(_ candidates: [Finding], options: FixOptions = FixOptions()) -> FixResult {
    var outcomes: [String: FixOutcome] = [:]
    var eligible: [PlannedFix] = []
    let fixable = candidates.filter {
      $0.verdict == .fail && !$0.fixes.isEmpty && (options.rules?.contains($0.ruleID) ?? true)
    }
    for finding in fixable {
      switch planner.plan(finding) {
      case .failure(let refusal):
        outcomes[finding.fingerprint] = FixOutcome(
          finding: finding, status: .refused, safe: false, reason: refusal.reason, notes: [], files: [])
      case .success(var planned):
        if rules[finding.ruleID]?.tags.contains(unsafeFixTag) ?? false {
          planned.unsafeReasons.insert("the rule marks its fix unsafe: the value should be confirmed by a person", at: 0)
        }
        if planned.files.allSatisfy({ $0.edits.isEmpty }) {
          outcomes[finding.fingerprint] = FixOutcome(
            finding: finding, status: .refused, safe: planned.unsafeReasons.isEmpty,
            reason: "the fix changes nothing: the file already holds what it would write", notes: planned.notes,
            files: [])
          continue
        }
        if !planned.unsafeReasons.isEmpty && !options.includeUnsafe {
          outcomes[finding.fingerprint] = FixOutcome(
            finding: finding, status: .unsafe, safe: false,
            reason: "unsafe: " + planned.unsafeReasons.joined(separator: "; ") + " (apply with --unsafe)",
            notes: planned.notes, files: planned.files.map(\.path))
          continue
        }
        eligible.append(planned)
      }
    }
    let applied = verifyInGroups(eligible) { planned, status, reason in
      outcomes[planned.finding.fingerprint] = FixOutcome(
        finding: planned.finding, status: status, safe: planned.unsafeReasons.isEmpty,
        reason: status == .fixed ? (planned.unsafeReasons.isEmpty ? nil : "unsafe: " + planned.unsafeReasons.joined(separator: "; ")) : reason,
        notes: planned.notes, files: planned.files.map(\.path))
    }
    let ordered = fixable.compactMap { outcomes[$0.fingerprint] }
    return FixResult(outcomes: ordered, applied: applied, changes: changes(applied))
  }

  /// Verifies fixes group by group (a group: the fixes whose first file is the same), keeping what
  /// passes; calls `report` once per fix.
  func verifyInGroups(_ fixes: [PlannedFix], report: (PlannedFix, FixOutcome.Status, String?) -> Void) -> [PlannedFix] {
    let sorted = fixes.sorted { a, b in
      (a.files.first?.path ?? "", a.finding.location.span.start.offset, a.finding.ruleID, a.finding.fingerprint)
        < (b.files.first?.path ?? "", b.finding.location.span.start.offset, b.finding.ruleID, b.finding.fingerprint)
    }
    var groups: [[PlannedFix]] = []
    for fix in sorted {
      if let last = groups.last?.last, last.files.first?.absolutePath == fix.files.first?.absolutePath {
        groups[groups.count - 1].append(fix)
      } else {
        groups.append([fix])
      }
    }
    // Overlapping edits: the first fix (in file order) wins, the others wait for the next run.
    var candidates: [[PlannedFix]] = []
    var kept: [PlannedFix] = []
    for group in groups {
      var tentative: [PlannedFix] = []
      for fix in group {
        if let other = conflict(fix, with: kept + tentative) {
          report(fix, .conflict, "its edits overlap the fix for \(other.finding.ruleID) at line \(other.finding.location.span.start.line); run plumb fix again after applying this one")
        } else {
          tentative.append(fix)
        }
      }
      kept += tentative
      if !tentative.isEmpty { candidates.append(tentative) }
    }
    // Everything at once first (one evaluation); group by group only when that fails.
    if !kept.isEmpty, verify(kept) == nil {
      for fix in kept { report(fix, .fixed, nil) }
      return kept
    }
    var accepted: [PlannedFix] = []
    for tentative in candidates {
      if verify(accepted + tentative, targets: tentative) == nil {
        accepted += tentative
        for fix in tentative { report(fix, .fixed, nil) }
        continue
      }
      for fix in tentative {
        switch verifyWithCompanions(fix, after: accepted) {
        case .success(let verified):
          accepted.append(verified)
          report(verified, .fixed, nil)
        case .failure(let problem):
          // A fix that verifies on its own but not after the ones already accepted (two rules
          // removing the last two keys of one mapping leave it null, not `{}`) waits for the next
          // run instead of being reported as wrong.
          if !accepted.isEmpty, verify([fix]) == nil {
            report(
              fix, .conflict,
              "it verifies on its own but not together with the fixes applied before it (\(problem.reason)); "
                + "run plumb fix again after applying them")
          } else {
            report(fix, .unverified, problem.reason)
          }
        }
      }
    }
    return accepted
  }

  /// The first fix of `others` whose edits conflict with `fix`'s, if any.
  func conflict(_ fix: PlannedFix, with others: [PlannedFix]) -> PlannedFix? {
    for file in fix.files {
      for other in others {
        let mine = file.edits
        let theirs = other.edits(of: file.absolutePath)
        guard !theirs.isEmpty else { continue }
        for a in mine where theirs.contains(where: { a.conflicts(with: $0) }) { return other }
      }
    }
    return nil
  }

  // MARK: Files

  /// The original bytes of a file a fix edits.
  func original(_ edits: FileEdits) -> [UInt8]? {
    if edits.language == .yaml { return planner.sources[edits.path]?.bytes }
    return try? readFile(
      path: edits.absolutePath, displayPath: edits.path, limit: TerraformSources.maxFileBytes
    ).get()
  }

  /// The files `fixes` change, with their patched text.
  public func changes(_ fixes: [PlannedFix]) -> [FileChange] {
    var byFile: [String: (FileEdits, [TextEdit])] = [:]
    var order: [String] = []
    for fix in fixes {
      for file in fix.files {
        if byFile[file.absolutePath] == nil {
          order.append(file.absolutePath)
          byFile[file.absolutePath] = (file, [])
        }
        byFile[file.absolutePath]!.1 += file.edits
      }
    }
    return order.sorted().compactMap { path in
      let (file, edits) = byFile[path]!
      guard let original = original(file) else { return nil }
      let patched = TextEdits.apply(edits, to: original)
      guard patched != original else { return nil }
      return FileChange(
        path: file.path, absolutePath: path, language: file.language, original: original, patched: patched)
    }
  }

  // MARK: Verification

  /// Why a fix failed verification; `revealed`: findings that appeared (their rules' fixes may
  /// complete the edit).
  struct VerificationFailure: Error {
    var reason: String
    var revealed: [Finding] = []
  }

  /// Verifies `fix` after `accepted`. When the edit reveals findings that a requirement masked
  /// before (a job's own setting removed uncovers the pipeline's), the fixes of those findings are
  /// planned on the original files and added to the edit, at most twice, so the whole change is
  /// verified as one.
  func verifyWithCompanions(_ fix: PlannedFix, after accepted: [PlannedFix]) -> Result<PlannedFix, VerificationFailure> {
    var current = fix
    for round in 0..<3 {
      guard let failure = check(accepted + [current], targets: [current]) else { return .success(current) }
      guard round < 2, !failure.revealed.isEmpty, failure.revealed.allSatisfy({ !$0.fixes.isEmpty && $0.verdict == .fail })
      else { return .failure(failure) }
      var grown = current
      for revealed in failure.revealed {
        guard case .success(let companion) = planner.plan(revealed),
          conflict(companion, with: accepted + [grown]) == nil
        else { return .failure(failure) }
        for file in companion.files {
          if let index = grown.files.firstIndex(where: { $0.absolutePath == file.absolutePath }) {
            grown.files[index].edits += file.edits
            grown.files[index].changes += file.changes
            grown.files[index].expectations += file.expectations
          } else {
            grown.files.append(file)
          }
        }
        grown.notes.append("also applies the fix of \(revealed.ruleID) (\(revealed.message)), which the edit alone would uncover")
        for reason in companion.unsafeReasons where !grown.unsafeReasons.contains(reason) { grown.unsafeReasons.append(reason) }
        if rules[revealed.ruleID]?.tags.contains(unsafeFixTag) ?? false,
          !grown.unsafeReasons.contains("the rule marks its fix unsafe: the value should be confirmed by a person")
        {
          grown.unsafeReasons.append("the rule marks its fix unsafe: the value should be confirmed by a person")
        }
      }
      current = grown
    }
    return .failure(VerificationFailure(reason: "verification did not settle"))
  }

  /// Why `fixes` (applied together) fail verification, checking that every fix of `targets` worked;
  /// nil when they pass.
  public func verify(_ fixes: [PlannedFix], targets: [PlannedFix]? = nil) -> String? {
    check(fixes, targets: targets)?.reason
  }

  func check(_ fixes: [PlannedFix], targets: [PlannedFix]? = nil) -> VerificationFailure? {
    let targets = targets ?? fixes
    // Edits apply cleanly.
    var byFile: [String: (FileEdits, [TextEdit], [SemanticChange], [HCLExpectation])] = [:]
    for fix in fixes {
      for file in fix.files {
        var entry = byFile[file.absolutePath] ?? (file, [], [], [])
        entry.1 += file.edits
        entry.2 += file.changes
        entry.3 += file.expectations
        byFile[file.absolutePath] = entry
      }
    }
    var yamlOverlay: [String: [UInt8]] = [:]
    var hclOverlay: [String: [UInt8]] = [:]
    for (path, (file, edits, changes, expectations)) in byFile.sorted(by: { $0.key < $1.key }) {
      if let (a, b) = TextEdits.firstConflict(edits) {
        return VerificationFailure(reason: "overlapping edits in \(file.path) (bytes \(a.range) and \(b.range))")
      }
      guard let original = original(file) else { return VerificationFailure(reason: "cannot read \(file.path)") }
      let patched = TextEdits.apply(edits, to: original)
      switch file.language {
      case .yaml:
        if let problem = verifyYAML(file.path, original: original, patched: patched, changes: changes) { return VerificationFailure(reason: problem) }
        yamlOverlay[path] = patched
      case .hcl:
        if let problem = verifyHCL(file.path, patched: patched, expectations: expectations) { return VerificationFailure(reason: problem) }
        hclOverlay[path] = patched
      }
    }
    // Evaluate again.
    var graph = ingest.graph
    var sources = ingest.sources
    if !yamlOverlay.isEmpty {
      var options = ingestOptions
      options.overlay = yamlOverlay
      let again = Ingestor(options: options).ingest(paths: paths, root: ingest.root)
      var errors: [String: Int] = [:]
      for diagnostic in again.graph.diagnostics where diagnostic.severity == .error {
        errors[diagnostic.location?.path ?? "", default: 0] += 1
      }
      for (file, count) in errors where count > baselineErrors[file] ?? 0 {
        let first = again.graph.diagnostics.first { $0.severity == .error && $0.location?.path == file }
        return VerificationFailure(reason: "the patched inputs have new errors in \(file): \(first?.message ?? "")")
      }
      let findings = policy.evaluate(again.graph).findings
      let after = Set(findings.map(Self.key))
      for target in targets where !target.isTerraform && after.contains(Self.key(target.finding)) {
        return VerificationFailure(reason: "the finding is still reported after the fix: \(target.finding.message)")
      }
      let new = findings.filter { !baselineKeys.contains(Self.key($0)) }
      if let first = new.first {
        return VerificationFailure(
          reason: "the fix makes a new finding: \(first.ruleID): \(first.message) (\(first.location.path):\(first.location.span.start.line))",
          revealed: new)
      }
      graph = again.graph
      sources = again.sources
    }
    // A second run changes nothing.
    let second = FixPlanner(
      graph: graph, sources: sources, root: ingest.root, pins: pins, terraform: terraform,
      limits: ingestOptions.limits, overlay: hclOverlay)
    for fix in targets {
      var finding = fix.finding
      finding.fixes = fix.finding.fixes
      if case .success(let again) = second.plan(finding), again.files.contains(where: { !$0.edits.isEmpty }) {
        return VerificationFailure(reason: "not idempotent: planning the same fix on the patched files edits them again")
      }
    }
    return nil
  }

  /// The patched YAML loads without new errors and means what the original means with `changes`.
  func verifyYAML(_ path: String, original: [UInt8], patched: [UInt8], changes: [SemanticChange]) -> String? {
    let before = YAMLFile(path: path, bytes: original, limits: ingestOptions.limits)
    let after = YAMLFile(path: path, bytes: patched, limits: ingestOptions.limits)
    let errorsBefore = before.result.diagnostics.filter { $0.severity == .error }.count
    if let error = after.result.diagnostics.first(where: { $0.severity == .error }),
      after.result.diagnostics.filter({ $0.severity == .error }).count > errorsBefore
    {
      let line = error.location.map { ":\($0.span.start.line)" } ?? ""
      return "the patched \(path) does not load: \(error.message) (\(path)\(line))"
    }
    guard before.result.documents.count == after.result.documents.count else {
      return "the patched \(path) has \(after.result.documents.count) documents instead of \(before.result.documents.count)"
    }
    for (index, (old, new)) in zip(before.result.documents, after.result.documents).enumerated() {
      var expected = Canonical(old.root)
      for change in changes where change.document == index { expected.apply(change) }
      let actual = Canonical(new.root)
      if expected != actual {
        let at = Self.firstDifference(expected, actual, []) ?? "the document"
        return "the patched \(path) does not mean what the fix intended at \(at)"
      }
    }
    return nil
  }

  /// The path of the first difference between two values.
  static func firstDifference(_ a: Canonical, _ b: Canonical, _ path: [String]) -> String? {
    guard a != b else { return nil }
    let here = path.isEmpty ? "the document's root" : path.joined(separator: ".")
    switch (a, b) {
    case (.map(let x), .map(let y)):
      for key in Set(x.keys).union(y.keys).sorted() {
        guard let u = x[key], let v = y[key] else {
          return (path + [key]).joined(separator: ".") + (x[key] == nil ? " (added)" : " (removed)")
        }
        if let found = firstDifference(u, v, path + [key]) { return found }
      }
      return here
    case (.list(let x), .list(let y)) where x.count == y.count:
      for (i, (u, v)) in zip(x, y).enumerated() {
        if let found = firstDifference(u, v, path + ["[\(i)]"]) { return found }
      }
      return here
    default:
      return "\(here) (expected \(a), found \(b))"
    }
  }

  /// The patched `.tf` file still reads, and holds the values the fixes set.
  func verifyHCL(_ path: String, patched: [UInt8], expectations: [HCLExpectation]) -> String? {
    let file: HCLFile
    do {
      file = try HCLFile(bytes: patched)
    } catch {
      return "the patched \(path) cannot be read: \(error)"
    }
    let editor = HCLEditor(file)
    for expectation in expectations {
      let blocks = file.blocks(expectation.keyword, [expectation.type, expectation.name])
      guard blocks.count == 1 else {
        return "the patched \(path) has \(blocks.count) '\(expectation.keyword) \"\(expectation.type)\" \"\(expectation.name)\"' blocks"
      }
      let found = editor.lookup(expectation.path[...], in: blocks[0])
      let wanted = expectation.value.map(HCLLookup.literal) ?? .missing
      let same: Bool
      if case .literal(let x) = found, case .literal(let y) = wanted {
        same = Canonical(x) == Canonical(y)
      } else {
        same = found == wanted
      }
      if !same {
        return "the patched \(path) does not hold \(expectation.path.joined(separator: ".")) = \(expectation.value?.description ?? "(absent)") (found \(found))"
      }
    }
    return nil
  }
}
