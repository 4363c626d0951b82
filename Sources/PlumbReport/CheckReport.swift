import PlumbDiagnostics
import PlumbGraph
import PlumbPolicy

/// Why a finding is suppressed.
public struct Suppression: Sendable, Codable, Hashable {
  public enum Kind: String, Sendable, Codable {
    /// A waiver in the repository's waiver file.
    case waiver
    /// An inline ignore comment next to the node.
    case inline
  }
  /// Waiver file or inline comment.
  public var kind: Kind
  /// The justification (always present: a suppression without a reason is rejected).
  public var reason: String
  /// Who owns or approved it, if known.
  public var owner: String?
  /// When it stops applying (ISO date), if it expires.
  public var expires: String?
  /// Where the waiver or comment is written.
  public var location: SourceLocation?

  public init(kind: Kind, reason: String, owner: String? = nil, expires: String? = nil, location: SourceLocation? = nil) {
    self.kind = kind
    self.reason = reason
    self.owner = owner
    self.expires = expires
    self.location = location
  }
}

/// A finding's status against a baseline.
public enum BaselineStatus: String, Sendable, Codable {
  /// Not in the baseline.
  case new
  /// In the baseline too.
  case unchanged
  /// No baseline was given.
  case none
}

/// A finding as the gate and every reporter see it.
public struct ReportedFinding: Sendable, Codable, Hashable {
  /// The finding itself.
  public var finding: Finding
  /// The enforcement level of its rule in the active pack.
  public var enforcement: Enforcement
  /// Set when a waiver or inline comment suppresses it (it stays visible, marked suppressed).
  public var suppression: Suppression?
  /// Against the baseline.
  public var baseline: BaselineStatus
  /// Whether it fails the build under the active `--fail-on` settings.
  public var blocking: Bool

  /// The message, followed for a finding reached through a YAML alias (it points at the alias,
  /// the use) by "(the anchored value is defined at path:line:column)": for the formats that have
  /// no field for a related location (GitHub annotations, GitLab Code Quality, Markdown).
  public var messageWithDefinition: String {
    finding.message + (finding.definedAt.map { " (the anchored value is defined at \($0))" } ?? "")
  }

  public init(finding: Finding, enforcement: Enforcement, suppression: Suppression? = nil, baseline: BaselineStatus = .none, blocking: Bool) {
    self.finding = finding
    self.enforcement = enforcement
    self.suppression = suppression
    self.baseline = baseline
    self.blocking = blocking
  }
}

/// A rule as reporters describe it (SARIF `rules[]`, JUnit test cases, Markdown tables).
public struct ReportedRule: Sendable, Codable, Hashable {
  public var id: String
  public var title: String
  public var severity: Severity
  public var category: String
  public var rationale: String
  public var remediation: String
  /// Link to the rule's documentation page.
  public var helpURI: String
  public var enforcement: Enforcement
  public var statistics: RuleStatistics
  public var hasFix: Bool

  public init(
    id: String, title: String, severity: Severity, category: String, rationale: String, remediation: String,
    helpURI: String, enforcement: Enforcement, statistics: RuleStatistics, hasFix: Bool
  ) {
    self.id = id
    self.title = title
    self.severity = severity
    self.category = category
    self.rationale = rationale
    self.remediation = remediation
    self.helpURI = helpURI
    self.enforcement = enforcement
    self.statistics = statistics
    self.hasFix = hasFix
  }
}

/// Everything one `plumb check` decided, in the form every output format renders.
///
/// Deterministic: no timestamps unless `startTime` is set by the caller, findings sorted by
/// location then rule.
public struct CheckReport: Sendable, Codable {
  /// Plumb's version.
  public var toolVersion: String
  /// The command line, for SARIF `invocations`.
  public var arguments: [String]
  /// The working directory paths are relative to.
  public var workingDirectory: String
  /// When the run started (ISO 8601), only if requested.
  public var startTime: String?
  /// The policy pack applied.
  public var pack: String?
  /// Every finding, including suppressed ones.
  public var findings: [ReportedFinding]
  /// Baseline findings that are gone (fingerprint, rule, message, location text).
  public var fixed: [FixedFinding]
  /// The rules that ran.
  public var rules: [ReportedRule]
  /// Problems with inputs (unreadable, malformed, unknown format, invalid entities).
  public var inputDiagnostics: [Diagnostic]
  /// Problems with rules, packs, waivers or configuration.
  public var policyDiagnostics: [Diagnostic]
  /// Input files and the format each was read as (nil: skipped).
  public var files: [InputFileSummary]
  /// The process exit status the gate decided.
  public var exitStatus: Int32
  /// One line saying why (e.g. "fail (2 blocking findings)").
  public var verdict: String
  /// The catalog context the run resolved references against, if any.
  public var context: CatalogContextSummary?
  /// The repository checked, its branch and commit (nil when the caller did not say).
  public var repository: RepositoryIdentity?

  public init(
    toolVersion: String, arguments: [String], workingDirectory: String, startTime: String?, pack: String?,
    findings: [ReportedFinding], fixed: [FixedFinding], rules: [ReportedRule], inputDiagnostics: [Diagnostic],
    policyDiagnostics: [Diagnostic], files: [InputFileSummary], exitStatus: Int32, verdict: String
  ) {
    self.toolVersion = toolVersion
    self.arguments = arguments
    self.workingDirectory = workingDirectory
    self.startTime = startTime
    self.pack = pack
    self.findings = findings
    self.fixed = fixed
    self.rules = rules
    self.inputDiagnostics = inputDiagnostics
    self.policyDiagnostics = policyDiagnostics
    self.files = files
    self.exitStatus = exitStatus
    self.verdict = verdict
  }
}

/// The catalog context a check ran with (the central catalog: its entities resolve references and
/// joins, and are not checked), as reports describe it.
public struct CatalogContextSummary: Sendable, Codable, Hashable {
  /// One source of context.
  public struct Source: Sendable, Codable, Hashable {
    /// The source as named: a path as written, or a catalog API URL.
    public var name: String
    /// `directory`, `file`, `export`, `snapshot` or `live`.
    public var kind: String
    /// The entities it holds.
    public var entities: Int
    /// When a live catalog or snapshot was read (ISO 8601), if it was.
    public var fetchedAt: String?
    /// The snapshot file written or read, if any.
    public var snapshot: String?
    /// Whether a live catalog could not be read and its snapshot stood in.
    public var fellBack: Bool

    public init(name: String, kind: String, entities: Int, fetchedAt: String?, snapshot: String?, fellBack: Bool) {
      self.name = name
      self.kind = kind
      self.entities = entities
      self.fetchedAt = fetchedAt
      self.snapshot = snapshot
      self.fellBack = fellBack
    }
  }

  /// The sources, in order.
  public var sources: [Source]
  /// Context entities in the graph (those the repository redefines are the repository's).
  public var entities: Int
  /// Entities both the repository and the context define (the repository's definition is used).
  public var overlapping: Int
  /// Problems of the context's own files left out of the report (0 when it is checked).
  public var problemsNotReported: Int
  /// Whether the context was checked too (`--check-context`).
  public var checked: Bool

  public init(sources: [Source], entities: Int, overlapping: Int, problemsNotReported: Int, checked: Bool) {
    self.sources = sources
    self.entities = entities
    self.overlapping = overlapping
    self.problemsNotReported = problemsNotReported
    self.checked = checked
  }
}

/// A baseline finding no longer present.
public struct FixedFinding: Sendable, Codable, Hashable {
  public var ruleID: String
  public var fingerprint: String
  public var message: String
  public var entity: String

  public init(ruleID: String, fingerprint: String, message: String, entity: String) {
    self.ruleID = ruleID
    self.fingerprint = fingerprint
    self.message = message
    self.entity = entity
  }
}

/// One input file and how it was read: checked (it has a format), skipped (not an input, with a
/// reason), or failed (it could not be read, or looks like one of Plumb's formats but is not valid).
public struct InputFileSummary: Sendable, Codable, Hashable {
  public var path: String
  /// The format's name (`backstage-catalog`, `terraform-plan`, …), nil when skipped or failed.
  public var format: String?
  /// Why it was skipped (`empty`, `unknown-format`, `symlinked-directory`), when it was.
  public var skipReason: String?
  /// Whether it failed: an error is reported for it, and it is neither checked nor skipped.
  public var failed: Bool

  public init(path: String, format: String?, skipReason: String? = nil, failed: Bool = false) {
    self.path = path
    self.format = format
    self.skipReason = skipReason
    self.failed = failed
  }

  /// `checked`, `skipped` or `failed`.
  public var status: String { format != nil ? "checked" : failed ? "failed" : "skipped" }

  /// How summaries name a skip reason: `not a known format`, `empty`, `symbolic link to a directory`.
  public static func phrase(forSkipReason reason: String) -> String {
    switch reason {
    case "unknown-format": "not a known format"
    case "symlinked-directory": "symbolic link to a directory"
    default: reason
    }
  }
}
