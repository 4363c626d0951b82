import Foundation
import PlumbDiagnostics

/// The JSON output: the ``ScoreReport`` as it is, keys sorted, two-space indentation. The same
/// inputs give the same bytes (no timestamp unless `--now` or `--record`).
public enum ScoreJSONRenderer {
  public static func render(_ report: ScoreReport) -> String { encode(report) }

  /// A diff as JSON.
  public static func render(_ diff: ScoreDiff) -> String { encode(diff) }

  static func encode<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(value) else { return "{}\n" }
    // No raw control, bidirectional override or `##[` from the inputs: same values, escaped.
    return JSONText.hardened(String(decoding: data, as: UTF8.self)) + "\n"
  }
}
