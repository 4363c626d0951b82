import PlumbPolicy
import PlumbReport

/// Splits findings into new and unchanged against a baseline, and lists what the baseline had that
/// is gone (fixed). Matching is by fingerprint, counted: two equal fingerprints now and one in the
/// baseline make one unchanged finding and one new one.
public enum BaselineComparison {
  /// The status of each of `findings` (same order) and the baseline findings no longer present.
  public static func compare(_ findings: [Finding], with baseline: Baseline?) -> (
    statuses: [BaselineStatus], fixed: [FixedFinding]
  ) {
    guard let baseline else { return (Array(repeating: .none, count: findings.count), []) }
    var remaining: [String: Int] = [:]
    for entry in baseline.entries { remaining[entry.fingerprint, default: 0] += 1 }
    var statuses: [BaselineStatus] = []
    statuses.reserveCapacity(findings.count)
    for finding in findings {
      if let count = remaining[finding.fingerprint], count > 0 {
        remaining[finding.fingerprint] = count - 1
        statuses.append(.unchanged)
      } else {
        statuses.append(.new)
      }
    }
    var fixed: [FixedFinding] = []
    for entry in baseline.entries {
      guard let count = remaining[entry.fingerprint], count > 0 else { continue }
      remaining[entry.fingerprint] = count - 1
      fixed.append(
        FixedFinding(ruleID: entry.ruleID, fingerprint: entry.fingerprint, message: entry.message, entity: entry.entity))
    }
    fixed.sort { ($0.ruleID, $0.entity, $0.fingerprint, $0.message) < ($1.ruleID, $1.entity, $1.fingerprint, $1.message) }
    return (statuses, fixed)
  }
}
