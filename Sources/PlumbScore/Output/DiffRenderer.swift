import PlumbDiagnostics

/// `plumb score --diff` as terminal text.
public enum ScoreDiffRenderer {
  static func describe(_ run: RunInfo) -> String {
    var text = "run #\(run.id) at \(run.recordedAt)"
    if let commit = run.commit { text += ", commit \(Format.shown(String(commit.prefix(12))))" }
    return text
  }

  public static func text(_ diff: ScoreDiff) -> String {
    // Names and messages come from the inputs: no line may start a CI command.
    TerminalText.guarded(unguarded(diff))
  }

  static func unguarded(_ diff: ScoreDiff) -> String {
    var out = "from \(describe(diff.from))\n  to \(describe(diff.to))\n"
    if diff.isEmpty { return out + "\nno change\n" }

    if !diff.levelChanges.isEmpty {
      out += "\nlevels\n"
      for change in diff.levelChanges {
        let owner = change.owner.map { " (\(Format.shortName($0)))" } ?? ""
        let what: String
        switch change.direction {
        case "added": what = "now scored at \(Format.level(change.to))"
        case "removed": what = "no longer scored (was \(Format.level(change.from)))"
        default:
          what = "\(Format.level(change.from)) → \(Format.level(change.to)) (\(change.direction)), score "
            + "\(Format.percent(change.fromScore)) → \(Format.percent(change.toScore))"
        }
        out += "  [\(Format.shown(change.scorecard))] \(Format.shown(change.name))\(Format.shown(owner)): \(what)\n"
      }
    }
    if !diff.ruleChanges.isEmpty {
      out += "\nrules\n"
      for change in diff.ruleChanges {
        out += "  [\(Format.shown(change.scorecard))] \(Format.shown(Format.shortName(change.entity))) \(change.rule): "
          + "\(change.from?.rawValue ?? "absent") → \(change.to?.rawValue ?? "absent")\n"
        for finding in change.appeared {
          out += "    + \(finding.fingerprint) [\(finding.verdict)\(finding.suppressed ? ", waived" : "")] \(Format.shown(finding.location)) \(Format.shown(finding.message))\n"
        }
        for finding in change.resolved {
          out += "    - \(finding.fingerprint) [\(finding.verdict)] \(Format.shown(finding.location)) \(Format.shown(finding.message))\n"
        }
        for finding in change.suppressionChanged {
          out += "    ~ \(finding.fingerprint) \(finding.suppressed ? "now waived" : "no longer waived"): \(Format.shown(finding.message))\n"
        }
      }
    }
    if !diff.rollupChanges.isEmpty {
      out += "\nroll-ups\n"
      for change in diff.rollupChanges {
        let levels = change.toLevels.map { to in
          let from = change.fromLevels.first { $0.level == to.level }?.count ?? 0
          return from == to.count ? "\(Format.shown(to.level)) \(to.count)" : "\(Format.shown(to.level)) \(from)→\(to.count)"
        }
        out += "  [\(Format.shown(change.scorecard))] \(change.dimension.rawValue) \(Format.shown(change.name)): average "
          + "\(Format.percent(change.fromAverage)) → \(Format.percent(change.toAverage)), entities "
          + "\(change.fromEntities) → \(change.toEntities); \(levels.joined(separator: " · "))\n"
      }
    }
    return out
  }
}
