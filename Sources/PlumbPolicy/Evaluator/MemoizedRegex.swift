/// A compiled pattern that remembers its answer for short texts. Rules match the same short
/// strings over and over (context names, action references, keys, shell names across thousands
/// of steps); hashing one costs a fraction of a match through ICU, which first converts the text
/// to UTF-16. Long texts (scripts) are matched every time, so the memo stays small.
/// Before either, the pattern's literal prefilter (``RegexPrefilter``), when it has one, rejects
/// texts that lack all of its required literals with a byte search.
///
/// Every match ICU runs is bounded (``BoundedRegex``); only answers are remembered, never a match
/// that ran over its limit.
final class MemoizedRegex {
  // One per pattern per rule evaluation: used by one thread.
  /// Texts at most this long (UTF-8 bytes) are remembered.
  static let longestRemembered = 200
  /// Remembered texts per pattern, at most.
  static let capacity = 50_000

  let regex: BoundedRegex
  /// Literals one of which every text the pattern matches in contains; nil when none were derived.
  let prefilter: RegexPrefilter?
  private var answers: [String: Bool] = [:]

  init(_ regex: BoundedRegex) {
    self.regex = regex
    prefilter = RegexPrefilter(pattern: regex.pattern)
  }

  /// Whether the pattern matches anywhere in `text`, within `stepLimit` steps of ICU's match
  /// engine; the steps ICU took are added to `steps` (a prefilter rejection or a remembered
  /// answer takes none).
  func matches(_ text: String, stepLimit: Int, steps: inout Int) -> BoundedMatch {
    if let prefilter, !prefilter.mayMatch(text) { return .found(false) }
    let remember = text.utf8.count <= Self.longestRemembered && answers.count < Self.capacity
    if remember, let known = answers[text] { return .found(known) }
    let answer = regex.firstMatch(in: text, stepLimit: stepLimit, steps: &steps)
    if remember, case .found(let found) = answer { answers[text] = found }
    return answer
  }
}
