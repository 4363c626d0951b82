import Foundation
import PlumbDiagnostics
import PlumbFiles
import PlumbPolicy

/// The findings of an earlier run that new findings are compared with: a JSON report written by
/// `--output json=FILE`, or the result of checking the same paths at a git revision.
///
/// Findings are matched by fingerprint only (rule, entity id, requirement, the rule's `at` text),
/// never by line or by (resource, rule): two files declaring the same resource address stay apart.
public struct Baseline: Sendable {
  /// One finding of the earlier run.
  public struct Entry: Sendable, Hashable {
    public var fingerprint: String
    public var ruleID: String
    public var message: String
    public var entity: String

    public init(fingerprint: String, ruleID: String, message: String = "", entity: String = "") {
      self.fingerprint = fingerprint
      self.ruleID = ruleID
      self.message = message
      self.entity = entity
    }
  }

  /// The earlier findings.
  public var entries: [Entry]
  /// Where they came from, for messages (`file 'base.json'`, `git revision 'origin/main'`).
  public var origin: String

  /// A baseline of `entries`.
  public init(entries: [Entry], origin: String) {
    self.entries = entries
    self.origin = origin
  }

  /// A baseline of an evaluation's findings.
  public init(findings: [Finding], origin: String) {
    self.init(
      entries: findings.map {
        Entry(fingerprint: $0.fingerprint, ruleID: $0.ruleID, message: $0.message, entity: $0.entity.rawValue)
      }, origin: origin)
  }

  /// The largest baseline file read, in bytes (256 MiB, as for inputs).
  public static let maxFileBytes = 256 << 20

  /// Reads a baseline file. Accepted shapes, tolerant of any other keys:
  /// - a Plumb JSON report: `{"findings": [{"finding": {"fingerprint", "ruleID", …}, …}]}`, or with
  ///   `fingerprint` and `ruleID`/`rule_id`/`ruleId`/`rule` directly on each finding;
  /// - a bare array of such findings;
  /// - a SARIF log: `runs[].results[]` with `ruleId` and `partialFingerprints`.
  ///
  /// An unreadable or unrecognised file is a diagnostic (the run then fails closed).
  public static func read(path: String, displayPath: String? = nil) -> Result<Baseline, BaselineError> {
    let shown = displayPath ?? path
    let data: Data
    switch readFile(path: path, displayPath: shown, limit: maxFileBytes) {
    case .success(let bytes): data = Data(bytes)
    case .failure(let failure):
      return .failure(BaselineError(code: "baseline.unreadable", message: "cannot read baseline file '\(shown)': \(failure.reason)"))
    }
    guard let json = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
      return .failure(BaselineError(code: "baseline.malformed", message: "baseline file '\(shown)' is not JSON"))
    }
    let origin = "file '\(shown)'"
    if let object = json as? [String: Any], let runs = object["runs"] as? [Any] {
      return sarif(runs, origin: origin, shown: shown)
    }
    let list: [Any]
    if let object = json as? [String: Any], let findings = object["findings"] as? [Any] {
      list = findings
    } else if let array = json as? [Any] {
      list = array
    } else {
      return .failure(
        BaselineError(
          code: "baseline.malformed",
          message: "baseline file '\(shown)' has no 'findings' list (write one with --output json=FILE)"))
    }
    var entries: [Entry] = []
    for item in list {
      guard let object = item as? [String: Any] else { continue }
      let inner = object["finding"] as? [String: Any] ?? [:]
      guard let fingerprint = string(object, ["fingerprint"]) ?? string(inner, ["fingerprint"]) else { continue }
      let ruleKeys = ["ruleID", "ruleId", "rule_id", "rule"]
      entries.append(
        Entry(
          fingerprint: fingerprint, ruleID: string(object, ruleKeys) ?? string(inner, ruleKeys) ?? "",
          message: string(object, ["message"]) ?? string(inner, ["message"]) ?? "",
          entity: entity(object["entity"]) ?? entity(inner["entity"]) ?? ""))
    }
    if entries.isEmpty && !list.isEmpty {
      return .failure(
        BaselineError(code: "baseline.malformed", message: "baseline file '\(shown)' has findings without fingerprints"))
    }
    return .success(Baseline(entries: entries, origin: origin))
  }

  private static func sarif(_ runs: [Any], origin: String, shown: String) -> Result<Baseline, BaselineError> {
    var entries: [Entry] = []
    var results = 0
    for case let run as [String: Any] in runs {
      for case let result as [String: Any] in run["results"] as? [Any] ?? [] {
        results += 1
        let partial = result["partialFingerprints"] as? [String: Any] ?? [:]
        let keys = partial.keys.sorted()
        let key = keys.first { $0.lowercased().contains("plumb") } ?? keys.first
        guard let key, let fingerprint = partial[key] as? String else { continue }
        let message = (result["message"] as? [String: Any])?["text"] as? String ?? ""
        entries.append(Entry(fingerprint: fingerprint, ruleID: result["ruleId"] as? String ?? "", message: message))
      }
    }
    if entries.isEmpty && results > 0 {
      return .failure(
        BaselineError(code: "baseline.malformed", message: "SARIF baseline '\(shown)' has results without partialFingerprints"))
    }
    return .success(Baseline(entries: entries, origin: origin))
  }

  private static func string(_ object: [String: Any], _ keys: [String]) -> String? {
    for key in keys { if let value = object[key] as? String { return value } }
    return nil
  }

  private static func entity(_ value: Any?) -> String? {
    if let text = value as? String { return text }
    if let object = value as? [String: Any] { return object["rawValue"] as? String ?? object["id"] as? String }
    return nil
  }
}
