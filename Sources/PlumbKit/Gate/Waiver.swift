import PlumbDiagnostics
import PlumbPolicy

/// One entry of the waiver file: a rule's findings, narrowed by a selector, suppressed for a reason
/// until a date, under someone's name.
public struct Waiver: Sendable, Hashable {
  /// The rule waived (a known rule id).
  public var rule: String
  /// Entity id, or glob over entity ids (`*` matches anything).
  public var entity: Glob?
  /// Glob over the path of the finding's file, relative to the root (`*` stops at `/`, `**` crosses).
  public var path: Glob?
  /// One finding's exact fingerprint.
  public var fingerprint: String?
  /// Why the finding is accepted.
  public var reason: String
  /// Who owns the risk.
  public var owner: String?
  /// Who approved the waiver.
  public var approvedBy: String?
  /// The last day the waiver applies (inclusive).
  public var expires: ISODate
  /// A ticket or link, if given.
  public var ticket: String?
  /// Where the entry is written.
  public var location: SourceLocation
  /// Where its `expires` date is written (expired-waiver findings point here).
  public var expiresLocation: SourceLocation

  /// Creates a waiver.
  public init(
    rule: String, entity: Glob? = nil, path: Glob? = nil, fingerprint: String? = nil, reason: String,
    owner: String? = nil, approvedBy: String? = nil, expires: ISODate, ticket: String? = nil,
    location: SourceLocation, expiresLocation: SourceLocation? = nil
  ) {
    self.rule = rule
    self.entity = entity
    self.path = path
    self.fingerprint = fingerprint
    self.reason = reason
    self.owner = owner
    self.approvedBy = approvedBy
    self.expires = expires
    self.ticket = ticket
    self.location = location
    self.expiresLocation = expiresLocation ?? location
  }

  /// Whether the waiver's rule and every selector it has match `finding` (expiry aside).
  public func matches(_ finding: Finding) -> Bool {
    guard finding.ruleID == rule else { return false }
    if let entity, !entity.matches(finding.entity.rawValue) { return false }
    if let path, !path.matches(finding.location.path) { return false }
    if let fingerprint, fingerprint != finding.fingerprint { return false }
    return true
  }

  /// Whether the waiver has run out on `today` (it applies up to and including `expires`).
  public func isExpired(on today: ISODate) -> Bool { expires < today }

  /// Who answers for it: the owner, else the approver.
  public var accountable: String? { owner ?? approvedBy }

  /// The selectors, as written, e.g. `entity 'github:…#jobs.build', path '.github/**'`.
  public var selectorDescription: String {
    var parts: [String] = []
    if let entity { parts.append("entity '\(entity.pattern)'") }
    if let path { parts.append("path '\(path.pattern)'") }
    if let fingerprint { parts.append("fingerprint '\(fingerprint)'") }
    return parts.joined(separator: ", ")
  }

  /// A fingerprint of the waiver itself that survives reordering and reformatting the file.
  public var identity: String {
    stableHash(["waiver", rule, entity?.pattern ?? "", path?.pattern ?? "", fingerprint ?? "", expires.description])
  }
}
