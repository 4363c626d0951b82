import Foundation
import PlumbDiagnostics

/// Where a check's time went, by phase and by rule: what `plumb check --profile` prints.
public struct CheckTimings: Sendable {
  /// Discovering, loading and ingesting the inputs and building the graph.
  public var ingest: Duration
  /// Reading, parsing and checking the rules (at the same time as `ingest`).
  public var rules: Duration
  /// Evaluating every rule (the rules run on every core).
  public var evaluation: Duration
  /// Waivers, inline ignores, the baseline and the gate.
  public var gate: Duration
  /// Each rule's evaluation, by rule id (wall clock on its core).
  public var perRule: [String: Duration]

  /// A table for a person: the phases, then the `top` slowest rules.
  public func rendered(top: Int = 15) -> String {
    var lines = ["plumb check --profile (wall clock)"]
    func row(_ label: String, _ duration: Duration) -> String {
      label.padding(toLength: 46, withPad: " ", startingAt: 0) + " " + Self.milliseconds(duration)
    }
    lines.append(row("  inputs: load, ingest, build graph", ingest))
    lines.append(row("  rules: parse and check (concurrently)", rules))
    lines.append(row("  evaluation (\(perRule.count) rules)", evaluation))
    lines.append(row("  waivers, baseline, gate", gate))
    let slowest = perRule.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(top)
    if !slowest.isEmpty {
      lines.append("  slowest rules:")
      for (rule, duration) in slowest { lines.append(row("    " + rule, duration)) }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func milliseconds(_ duration: Duration) -> String {
    String(format: "%10.1f ms", duration.milliseconds)
  }

}

extension ContinuousClock {
  /// Runs `work` and returns its result with how long it took.
  func measured<T>(_ work: () throws -> T) rethrows -> (T, Duration) {
    let start = now
    let value = try work()
    return (value, now - start)
  }
}
