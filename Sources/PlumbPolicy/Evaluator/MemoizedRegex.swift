import Foundation

/// A compiled pattern that remembers its answer for short texts. Rules match the same short
/// strings over and over (context names, action references, keys, shell names across thousands
/// of steps); hashing one costs a fraction of a match through NSRegularExpression, which first
/// bridges the text to UTF-16. Long texts (scripts) are matched every time, so the memo stays small.
/// Before either, the pattern's literal prefilter (``RegexPrefilter``), when it has one, rejects
/// texts that lack all of its required literals with a byte search.
final class MemoizedRegex {
  // One per pattern per rule evaluation: used by one thread.
  /// Texts at most this long (UTF-8 bytes) are remembered.
  static let longestRemembered = 200
  /// Remembered texts per pattern, at most.
  static let capacity = 50_000

  let regex: NSRegularExpression
  /// Literals one of which every text the pattern matches in contains; nil when none were derived.
  let prefilter: RegexPrefilter?
  private var answers: [String: Bool] = [:]

  init(_ regex: NSRegularExpression) {
    self.regex = regex
    prefilter = RegexPrefilter(regex)
  }

  /// Whether `regex` matches anywhere in `text`.
  func matches(_ text: String) -> Bool {
    if let prefilter, !prefilter.mayMatch(text) { return false }
    let remember = text.utf8.count <= Self.longestRemembered && answers.count < Self.capacity
    if remember, let known = answers[text] { return known }
    let range = NSRange(text.startIndex..<text.endIndex, in: text)
    let answer = regex.firstMatch(in: text, range: range) != nil
    if remember { answers[text] = answer }
    return answer
  }
}
