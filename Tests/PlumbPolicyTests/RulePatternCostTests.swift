import Foundation
import Testing
import TestSupport

@testable import PlumbPolicy

/// The built-in rules' regular expressions run in time linear in the text (issue 13, class 7):
/// measured in steps of ICU's engine on generated texts that repeat a fragment (the shapes that
/// made the old patterns quadratic: many `"Deny"`s before no `SecureTransport`, many `>` on one
/// line, many `curl`s without a pipe…). And the rewritten patterns match exactly what the old ones
/// did.
@Suite struct RulePatternCostTests {
  /// Fragments every pattern is tried with, besides its own literals.
  static let generic = [
    "a", " ", "{", "\"", "\n", "-", "/", "$", "x ", "sh -x ", "dash -", "%a%", "> ", "git fetch ", "curl ", "iex ",
    "iwr ", "xargs ", "${{ ", "\"Effect\": \"Deny\", ", "\"aws:SecureTransport\": \"false\" ", "{\"a\": {", "==",
  ]

  /// Runs of plain characters in `pattern` (escaped punctuation unescaped), a crude but useful
  /// source of texts that get the engine going.
  static func literalRuns(_ pattern: String) -> [String] {
    var runs: [String] = []
    var run = ""
    var inClass = false
    var characters = Array(pattern)[...]
    func flush() {
      if !run.isEmpty { runs.append(run) }
      run = ""
    }
    while let character = characters.popFirst() {
      if inClass {
        if character == "]" { inClass = false } else if character == "\\" { _ = characters.popFirst() }
        continue
      }
      switch character {
      case "[":
        flush()
        inClass = true
      case "\\":
        guard let next = characters.popFirst() else { break }
        if next.isLetter || next.isNumber {
          flush()
          if next == "s" { runs.append(" ") }
        } else {
          run.append(next)
        }
      case "(", ")", "|", "?", "*", "+", "{", "}", "^", "$", ".": flush()
      default: run.append(character)
      }
    }
    flush()
    return runs
  }

  /// The steps `regex` takes on `fragment` repeated to about `size` bytes, then `suffix`; nil when
  /// it needs more than `limit`.
  static func steps(_ regex: BoundedRegex, _ fragment: String, _ suffix: String, size: Int, limit: Int) -> Int? {
    let text = String(repeating: fragment, count: max(1, size / max(1, fragment.utf8.count))) + suffix
    var steps = 0
    if case .found = regex.firstMatch(in: text, stepLimit: limit, steps: &steps) { return steps }
    return nil
  }

  @Test(arguments: RulePatterns.matched)
  func everyRulePatternIsLinearOnRepeatedFragments(_ pattern: String) throws {
    var problems: [String] = []
    do {
      let regex = try BoundedRegex(pattern)
      let literals = Self.literalRuns(pattern) + ((RulePrefilterTable.expected[pattern] ?? nil) ?? [])
      var fragments = Set(Self.generic)
      for literal in literals where !literal.isEmpty && literal != "(?i)" {
        fragments.formUnion([literal, literal + " ", literal + "\n"])
      }
      fragments.insert(literals.joined(separator: " ") + " ")
      for fragment in fragments.sorted() {
        for suffix in ["", "\n", "|", "/"] {
          // Four times the text may cost four times the steps, and ICU counts in ticks of 10,000.
          let small = Self.steps(regex, fragment, suffix, size: 3_000, limit: 50_000_000)
          let large = Self.steps(regex, fragment, suffix, size: 12_000, limit: 50_000_000)
          guard let small, let large else {
            problems.append("\(pattern) on \(fragment.debugDescription)…\(suffix.debugDescription): over 50,000,000 steps")
            continue
          }
          if large > 8 * max(small, BoundedRegex.stepsPerTick) {
            problems.append("\(pattern) on \(fragment.debugDescription)…\(suffix.debugDescription): \(small) → \(large) steps")
          }
        }
      }
    }
    #expect(problems.isEmpty, "superlinear:\n\(problems.prefix(20).joined(separator: "\n"))")
  }

  // MARK: The rewritten patterns match what the old ones did

  /// The patterns as they were before they were rewritten to run in linear time, and as they are.
  /// The old ones are kept here only to show that nothing else changed.
  static let rewritten: [(old: String, new: String)] = [
    (
      #"(?i)^\s*!?\s*(startswith|endswith|contains)\([^&|]*\)\s*$|^[^'&|]*(==|!=|<|>)[^&|]*$"#,
      #"(?i)^\s*+(?:!\s*+)?(startswith|endswith|contains)\([^&|]*\)\s*$|^(?=[^&|]*$)[^'&|]*?(==|!=|<|>)"#
    ),
    (
      #"(?i)(>|\btee\b|out-file|add-content|set-content)[^\n]*(\$\{?|\$env:|%)github_(env|path)\b"#,
      #"(?im)^(?>[^\n]*?(?:>|\btee\b|out-file|add-content|set-content))[^\n]*(?:\$\{?|\$env:|%)github_(?:env|path)\b"#
    ),
    (#"%[A-Za-z_][A-Za-z0-9_]*%[^>]*>"#, #"(?:^|>)(?>[^>]*?%[A-Za-z_][A-Za-z0-9_]*%)[^>]*>"#),
    (
      #"(?i)(\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+(-\S+\s+)*)?((ba|z|da|k|fi)?sh|python[0-9.]*|perl|ruby|node)\b|\b(ba|z)?sh\s+(-\S+\s+)*<\(\s*(curl|wget)\b|\b(ba|z)?sh\s+-c\s+["']?\$\(\s*(curl|wget)\b|\b(iex|invoke-expression)\b.*\b(downloadstring|iwr|irm|invoke-webrequest|invoke-restmethod)\b|\b(iwr|irm|invoke-webrequest|invoke-restmethod)\b[^|]*\|\s*(iex|invoke-expression)\b)"#,
      #"(?i)((?:^|[|;&])(?>[^|;&]*?\b(?:curl|wget)\b)[^|;&]*+\|\s*+(?:sudo\s++(?:-\S++\s++)*+)?(?:(?:ba|z|da|k|fi)?sh|python[0-9.]*|perl|ruby|node)\b|\b(?:ba|z)?sh\s++(?:-\S++\s++){0,16}+<\(\s*+(?:curl|wget)\b|\b(?:ba|z)?sh\s+-c\s+["']?\$\(\s*(?:curl|wget)\b|(?m:^)(?>.*?\b(?:iex|invoke-expression)\b).*\b(?:downloadstring|iwr|irm|invoke-webrequest|invoke-restmethod)\b|(?:^|\|)(?>[^|]*?\b(?:iwr|irm|invoke-webrequest|invoke-restmethod)\b)[^|]*+\|\s*+(?:iex|invoke-expression)\b)"#
    ),
    (
      #"(\beval\b|\b(ba|z|da|k)?sh\s+(-\w+\s+)*-c\b|\b(python[0-9.]*|perl|ruby|node|php)\s+(-\w+\s+)*-[ce]\b|\bsource\s+<\(|\bxargs\b.*\b(ba|z)?sh\b)"#,
      #"(\beval\b|\b(ba|z|da|k)?sh\s++(-\w++\s++){0,16}-c\b|\b(python[0-9.]*|perl|ruby|node|php)\s++(-\w++\s++){0,16}-[ce]\b|\bsource\s+<\(|(?m:^)(?>.*?\bxargs\b).*\b(?:ba|z)?sh\b)"#
    ),
    (
      #"(?m)(\bgh\s+pr\s+checkout\b|\bgit\s+(fetch|pull)\b.*(refs/)?pull/)"#,
      #"(?m)(\bgh\s+pr\s+checkout\b|^(?>.*?\bgit\s+(?:fetch|pull)\b).*pull/)"#
    ),
    (#"\$[^/]*$"#, #"\$[^/$]*$"#),
    (
      #"(?s)"Effect"\s*:\s*"Deny".*(?i:"aws:SecureTransport")\s*:\s*(?:"false"|false|\[\s*"false"\s*\])|(?i:"aws:SecureTransport")\s*:\s*(?:"false"|false|\[\s*"false"\s*\]).*"Effect"\s*:\s*"Deny(?=")"#,
      #"(?s)^(?>.*?"Effect"\s*+:\s*+"Deny").*(?i:"aws:SecureTransport")\s*:\s*(?:"false"|false|\[\s*"false"\s*\])|^(?>.*?(?i:"aws:SecureTransport")\s*+:\s*+(?:"false"|false|\[\s*+"false"\s*+\])).*"Effect"\s*:\s*"Deny(?=")"#
    ),
  ]

  /// Pieces the texts are built of: what the patterns look for, what separates it, line breaks of
  /// every kind, and noise.
  static let pieces = [
    "curl", "wget", "CURL", " ", "  ", "\t", "\n", "\r", "\r\n", "\u{2028}", "|", ";", "&", "sh", "bash", "zsh", "dash",
    "sudo", "-x", "-e", "-c", "-sSL", "python3", "node", "<(", "$(", "\"", "'", "iex", "Invoke-Expression", "iwr",
    "irm", "DownloadString", "eval", "source", "xargs", "perl", "-", "x", "/", "$", "$GITHUB_ENV", "${GITHUB_PATH}",
    "%GITHUB_ENV%", "$env:GITHUB_ENV", ">", ">>", "tee", "Out-File", "echo", "%A%", "%", "git", "fetch", "pull",
    "pull/", "refs/", "gh pr checkout", "==", "!=", "<", "!", "contains(", "startsWith(", ")", "github.event.x",
    "\"Effect\"", ":", "\"Deny\"", "\"Allow\"", "\"aws:SecureTransport\"", "\"false\"", "false", "[", "]", "{", "}",
    "image:$TAG", "registry/app:$V", "a/b", "\"Effect\": \"Deny\"", "\"aws:SecureTransport\": false",
    "\"AWS:SecureTransport\" : [\"false\"]",
  ]

  @Test(arguments: rewritten.indices)
  func aRewrittenPatternMatchesWhatTheOldOneDid(_ index: Int) throws {
    let (old, new) = Self.rewritten[index]
    let reference = try NSRegularExpression(pattern: old)
    let bounded = try BoundedRegex(new)
    var random = SplitMix64(state: 0x0D15_EA5E &+ UInt64(index))
    var texts = RulePatterns.exampleLines + RulePatterns.exampleTexts
    for _ in 0..<4_000 {
      let count = Int.random(in: 1...14, using: &random)
      texts.append((0..<count).map { _ in Self.pieces[Int.random(in: 0..<Self.pieces.count, using: &random)] }.joined())
    }
    var matched = 0
    for text in texts {
      let expected = reference.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
      var steps = 0
      let answer = bounded.firstMatch(in: text, stepLimit: 100_000_000, steps: &steps)
      #expect(answer == .found(expected), "\(new.prefix(40)) on \(text.debugDescription)")
      if expected { matched += 1 }
    }
    // The generated texts reach both answers.
    #expect(matched > 20 && matched < texts.count - 20, "\(matched) of \(texts.count) matched")
  }
}
