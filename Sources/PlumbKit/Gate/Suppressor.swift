import PlumbDiagnostics
import PlumbGraph
import PlumbPolicy
import PlumbReport

/// Applies waivers and inline ignore comments to findings, and governs them: expired waivers
/// become findings, waivers that run longer than the pack allows are errors, unused ones are
/// reported, inline ignores need a reason and a pack may forbid them.
public struct Suppressor: Sendable {
  /// The rule id of the findings expired waivers become.
  public static let expiredRuleID = "waiver_expired"
  /// Days before expiry from which a waiver is reported as expiring soon.
  public static let expiryWarningDays = 14

  /// The waiver file's valid entries.
  public var waivers: [Waiver]
  /// The inline ignore comments found in the inputs.
  public var inlineIgnores: [InlineIgnore]
  /// Whether the policy pack forbids inline ignores (`inline_ignores forbidden`).
  public var inlineIgnoresForbidden: Bool
  /// The pack's name, for messages.
  public var packName: String?
  /// The longest a waiver may still run, in days from ``today`` (the pack's `max_waiver_days`).
  public var maximumWaiverDays: Int
  /// The date expiry is judged against.
  public var today: ISODate
  /// Every known rule id (an inline ignore naming another one is reported).
  public var knownRules: Set<String>

  /// What applying them decided.
  public struct Outcome: Sendable {
    /// Per finding (same order as given), its suppression or nil.
    public var suppressions: [Suppression?]
    /// One finding per expired waiver.
    public var expiredWaiverFindings: [Finding]
    /// Waivers that run longer than the pack allows (errors); unused and expiring waivers; inline
    /// ignores without a reason, forbidden, unused or naming an unknown rule.
    public var diagnostics: [Diagnostic]
  }

  /// Creates a suppressor.
  public init(
    waivers: [Waiver], inlineIgnores: [InlineIgnore], inlineIgnoresForbidden: Bool, packName: String? = nil,
    maximumWaiverDays: Int = PackDecl.defaultMaxWaiverDays, today: ISODate, knownRules: Set<String>
  ) {
    self.waivers = waivers
    self.inlineIgnores = inlineIgnores
    self.inlineIgnoresForbidden = inlineIgnoresForbidden
    self.packName = packName
    self.maximumWaiverDays = maximumWaiverDays
    self.today = today
    self.knownRules = knownRules
  }

  /// Decides the suppression of each of `findings`.
  public func apply(to findings: [Finding]) -> Outcome {
    var diagnostics: [Diagnostic] = []
    // A waiver that runs longer than the pack allows is an error and suppresses nothing.
    let tooLong = waivers.map { $0.expires.dayNumber - today.dayNumber > maximumWaiverDays }
    for (waiver, refused) in zip(waivers, tooLong) where refused {
      diagnostics.append(tooLongDiagnostic(waiver))
    }
    let active = waivers.enumerated().filter { !$0.element.isExpired(on: today) && !tooLong[$0.offset] }
    var used = Array(repeating: false, count: waivers.count)

    // Inline ignores that may suppress; the others are reported once each.
    var usable: [Int] = []
    for (index, ignore) in inlineIgnores.enumerated() {
      if inlineIgnoresForbidden {
        let pack = packName.map { "policy pack '\($0)'" } ?? "the policy pack"
        diagnostics.append(
          Diagnostic(
            code: "ignore.forbidden",
            message: "\(pack) forbids inline ignores; this comment suppresses nothing (use a waiver in \(WaiverFile.defaultName))",
            location: ignore.location))
        continue
      }
      let unknown = ignore.rules.filter { !knownRules.contains($0) }
      for rule in unknown {
        let hint = suggestion(for: rule, among: knownRules.sorted()).map { "; did you mean '\($0)'?" } ?? ""
        diagnostics.append(
          Diagnostic(code: "ignore.unknown-rule", message: "inline ignore names unknown rule '\(rule)'\(hint)", location: ignore.location))
      }
      guard ignore.reason != nil else {
        let ids = ignore.rules.joined(separator: ",")
        diagnostics.append(
          Diagnostic(
            code: "ignore.missing-reason",
            message: "inline ignore of '\(ids)' has no reason: write '# plumb:ignore \(ids) -- why'; it suppresses nothing",
            location: ignore.location))
        continue
      }
      if unknown.count < ignore.rules.count { usable.append(index) }
    }
    var ignoreUsed = Array(repeating: false, count: inlineIgnores.count)
    var usableByPath: [String: [Int]] = [:]
    for index in usable { usableByPath[inlineIgnores[index].path, default: []].append(index) }

    var suppressions: [Suppression?] = []
    suppressions.reserveCapacity(findings.count)
    for finding in findings {
      if let (index, waiver) = active.first(where: { $0.element.matches(finding) }) {
        used[index] = true
        suppressions.append(
          Suppression(
            kind: .waiver, reason: waiver.reason, owner: waiver.accountable, expires: waiver.expires.description,
            location: waiver.location))
        continue
      }
      let candidates = usableByPath[finding.location.path] ?? []
      // An ignore comment on the alias's use covers that use; one on the anchored value covers
      // every use of it.
      let places = [finding.location] + (finding.definedAt.map { [$0] } ?? [])
      if let index = candidates.first(where: { candidate in
        places.contains { inlineIgnores[candidate].covers(ruleID: finding.ruleID, at: $0) }
      }) {
        ignoreUsed[index] = true
        suppressions.append(
          Suppression(kind: .inline, reason: inlineIgnores[index].reason ?? "", location: inlineIgnores[index].location))
        continue
      }
      suppressions.append(nil)
    }

    var expired: [Finding] = []
    for (index, waiver) in waivers.enumerated() where !tooLong[index] {
      if waiver.isExpired(on: today) {
        let matching = findings.filter { waiver.matches($0) }.count
        expired.append(expiredFinding(waiver, matching: matching))
        continue
      }
      if !used[index] {
        diagnostics.append(
          Diagnostic(
            code: "waiver.unused", severity: .warning,
            message: "waiver of '\(waiver.rule)' (\(waiver.selectorDescription)) matched no finding; remove it or fix its selector",
            location: waiver.location))
      }
      let left = waiver.expires.dayNumber - today.dayNumber
      if left <= Suppressor.expiryWarningDays {
        let when = left == 0 ? "today" : left == 1 ? "tomorrow" : "in \(left) days"
        diagnostics.append(
          Diagnostic(
            code: "waiver.expiring", severity: .warning,
            message: "waiver of '\(waiver.rule)' expires \(when) (\(waiver.expires)); renew it or fix the finding",
            location: waiver.expiresLocation))
      }
    }
    for index in usable where !ignoreUsed[index] {
      let ignore = inlineIgnores[index]
      diagnostics.append(
        Diagnostic(
          code: "ignore.unused", severity: .warning,
          message: "inline ignore of '\(ignore.rules.joined(separator: ","))' suppresses no finding on this line or the next",
          location: ignore.location))
    }
    return Outcome(suppressions: suppressions, expiredWaiverFindings: expired, diagnostics: diagnostics)
  }

  /// The error for a waiver whose `expires` is more than ``maximumWaiverDays`` after today, at its
  /// `expires:` value.
  func tooLongDiagnostic(_ waiver: Waiver) -> Diagnostic {
    let days = waiver.expires.dayNumber - today.dayNumber
    let latest = ISODate(dayNumber: today.dayNumber + maximumWaiverDays)
    let pack = packName.map { "policy pack '\($0)'" } ?? "the policy pack"
    let limit = maximumWaiverDays == 1 ? "1 day" : "\(maximumWaiverDays) days"
    return Diagnostic(
      code: "waiver.too-long",
      message: "waiver of '\(waiver.rule)' (\(waiver.selectorDescription)) runs until \(waiver.expires), \(days) days from "
        + "today (\(today)); \(pack) allows at most \(limit) (max_waiver_days): set 'expires' to \(latest) or "
        + "earlier, and renew it then; it suppresses nothing",
      location: waiver.expiresLocation)
  }

  /// The finding an expired waiver becomes: at its `expires` date, blocking like a block-level rule.
  func expiredFinding(_ waiver: Waiver, matching: Int) -> Finding {
    let who = waiver.accountable.map { ", owner \($0)" } ?? ""
    let covered =
      matching == 0 ? "" : "; the \(matching == 1 ? "finding it waived is" : "\(matching) findings it waived are") no longer suppressed"
    return Finding(
      ruleID: Suppressor.expiredRuleID, title: "Waiver expired", severity: .high, category: "governance",
      message: "waiver of '\(waiver.rule)' (\(waiver.selectorDescription)\(who)) expired on \(waiver.expires)\(covered)",
      entity: EntityID("waiver:\(waiver.location.path)#\(waiver.rule)[\(waiver.selectorDescription)]"),
      entityKind: "plumb.waiver", location: waiver.expiresLocation, verdict: .fail, fingerprint: waiver.identity,
      requirement: 0)
  }

  /// How the expired-waiver findings are described as a rule (SARIF `rules[]`, JUnit).
  public static func expiredRule(findings: Int) -> ReportedRule {
    var statistics = RuleStatistics(ruleID: expiredRuleID)
    statistics.selected = findings
    statistics.applicable = findings
    statistics.failed = findings
    return ReportedRule(
      id: expiredRuleID, title: "Waiver expired", severity: .high, category: "governance",
      rationale: "A waiver accepts a risk for a stated time. After it expires the risk needs a new decision.",
      remediation: "Fix the waived finding, or renew the waiver with a new 'expires' date, reason and owner.",
      helpURI: Plumb.repositoryURL + "/blob/main/docs/waivers.md", enforcement: .block, statistics: statistics,
      hasFix: false)
  }
}
