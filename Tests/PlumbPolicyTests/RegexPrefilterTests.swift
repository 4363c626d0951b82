import Foundation
import Testing
import TestSupport

@testable import PlumbPolicy

/// The literal prefilter of `matches` (`RegexPrefilter`): the literals derived from patterns, the
/// patterns that get none, and its one promise, checked against NSRegularExpression: wherever the
/// expression matches, `mayMatch` is true.
@Suite struct RegexPrefilterTests {
  /// The derived literals, sorted, with a `(?i)` mark when they match case-insensitively; nil when
  /// there is no prefilter.
  static func derived(_ pattern: String) -> [String]? {
    guard let prefilter = RegexPrefilter(pattern: pattern) else { return nil }
    let literals = prefilter.literals.map { String(decoding: $0, as: UTF8.self) }.sorted()
    return prefilter.caseInsensitive ? ["(?i)"] + literals : literals
  }

  @Test(arguments: [
    ("abc", ["abc"]),
    ("(?i)ABC", ["(?i)", "abc"]),
    ("a|b", ["a", "b"]),
    ("colou?r", ["color", "colour"]),
    ("gh[pousr]_[A-Za-z0-9]{36}", ["gho_", "ghp_", "ghr_", "ghs_", "ghu_"]),
    ("x+", ["x"]),
    ("(ab){2}", ["abab"]),
    ("a{3,}", ["aaa"]),
    ("-{5}BEGIN", ["-----BEGIN"]),
    ("a{0,2}b", ["b"]),
    ("\\bfoo\\b", ["foo"]),
    ("^foo$", ["foo"]),
    ("\\Afoo\\z", ["foo"]),
    ("foo(?=barbaz)", ["barbaz"]),
    ("(?=abc)", ["abc"]),
    ("(?<=abcd)e", ["abcd"]),
    ("(?!abc)de", ["de"]),
    ("(?<!abc)de", ["de"]),
    ("a(?i)b", ["(?i)", "ab"]),
    ("(?i:AB)c", ["(?i)", "abc"]),
    ("(?-i)abc", ["abc"]),
    ("(?s)ab.c", ["ab"]),
    ("(?m)^abc$", ["abc"]),
    ("\\$\\{\\{", ["${{"]),
    ("[^a]bc", ["bc"]),
    ("[Kk]ey", ["Key", "key"]),
    ("(?i)[Kk]ey", ["(?i)", "key"]),
    // A literal that contains another is implied by it.
    ("(ba|z)?sh\\b", ["sh"]),
    ("(ba|z)?sh(ell)?", ["sh"]),
    ("(?:ab|cd)+ef", ["ef"]),
    ("(?:abc|cde)+ef", ["abc", "cde"]),
    ("(?>ab|a)c", ["abc", "ac"]),
    ("a++b", ["a"]),
    ("a*?bc", ["bc"]),
    ("\\d+\\.\\d+", ["."]),
    ("\\t\\n", ["\t\n"]),
    ("[-a]b", ["-b", "ab"]),
    ("[a-]b", ["-b", "ab"]),
    ("[\\]x]y", ["]y", "xy"]),
    ("é+", ["é"]),
    ("(?i)éab", ["(?i)", "ab"]),
    ("日本", ["日本"]),
    ("(foo|bar)(baz|qux)", ["barbaz", "barqux", "foobaz", "fooqux"]),
    // Past 32 strings a run of exact parts is cut and starts again.
    ("(a|b)(c|d)(e|f)(g|h)(i|j)(k|l)xyzzy", ["kxyzzy", "lxyzzy"]),
    // A union too large is cut to prefixes that are still required.
    ("(" + (0..<40).map { "w\($0 / 10)\($0 % 10)x" }.joined(separator: "|") + ")", ["w0", "w1", "w2", "w3"]),
    // Positive lookaheads are required in the text even though they match no characters.
    ("(?s)^(?=.*\\$\\{\\{)(?!\\$\\{\\{((?!\\}\\}).)*\\}\\}\\z)", ["${{"]),
  ] as [(String, [String])])
  func derivesRequiredLiterals(_ pattern: String, _ expected: [String]) {
    #expect(Self.derived(pattern) == expected, "\(pattern)")
  }

  @Test(arguments: [
    "", "a?", "x*", ".*", "a|", "\\d+", "[a-z]+", "(a|b*)", "(?!abc)", "\\b",
    // Backreferences, quoting, properties, hex and Unicode escapes, named groups, comments.
    "(a)\\1", "\\Qabc\\E", "\\p{L}abc", "\\x41bc", "\\u0041bc", "\\N{LATIN SMALL LETTER A}bc", "\\cAbc",
    "(?<name>abc)", "(?P<name>abc)", "(?#note)abc", "(?x)a b c", "(?ix)abc", "(?u)abc", "\\kabc", "\\0abc",
    // Nested sets, set operations, POSIX classes.
    "[[a]]bc", "[a&&b]bc", "[a--b]bc", "[[:alpha:]]bc", "[:alpha:]bc",
    // Quantifiers that stack, stand alone or follow zero-width items.
    "a**", "*a", "a{,3}", "a{x}", "{abc", "abc}", "a]", "^*abc", "(?=a)*bc", "\\b+abc",
    // Unbalanced parentheses.
    "(abc", "abc)",
    // Case-insensitive non-ASCII: Unicode folding reaches ASCII (KELVIN SIGN, LONG S).
    "(?i)\u{212A}", "(?i)\u{17F}", "(?i)ß",
  ])
  func givesNoPrefilter(_ pattern: String) {
    #expect(Self.derived(pattern) == nil, "\(pattern) → \(Self.derived(pattern) ?? [])")
  }

  @Test func searchesBytesCaseSensitivelyOrFolded() throws {
    let exact = try #require(RegexPrefilter(pattern: "AKIA|ghp_"))
    #expect(exact.mayMatch("token ghp_123"))
    #expect(exact.mayMatch("AKIA"))
    #expect(!exact.mayMatch("akia GHP_"))
    #expect(!exact.mayMatch(""))
    #expect(!exact.mayMatch("AKI"))
    let one = try #require(RegexPrefilter(pattern: "\\$\\{\\{"))
    #expect(one.mayMatch("a ${{ b"))
    #expect(!one.mayMatch("a ${ { b $"))
    let folded = try #require(RegexPrefilter(pattern: "(?i)curl|wget"))
    #expect(folded.mayMatch("CuRl x"))
    #expect(folded.mayMatch("xWGET"))
    #expect(!folded.mayMatch("cur l"))
    // Unicode case folding: any non-ASCII text may match a case-insensitive pattern.
    #expect(folded.mayMatch("\u{212A}"))
    let single = try #require(RegexPrefilter(pattern: "(?i)x|[yz]"))
    #expect(single.mayMatch("X"))
    #expect(single.mayMatch("aaZ"))
    #expect(!single.mayMatch("abc"))
    let unicode = try #require(RegexPrefilter(pattern: "日本|é"))
    #expect(unicode.mayMatch("x日本"))
    #expect(unicode.mayMatch("café"))
    #expect(!unicode.mayMatch("cafe\u{301}"))
    // Bridged (non-contiguous) strings are searched too.
    let bridged = NSString(string: "a ghp_ b") as String
    #expect(exact.mayMatch(bridged))
  }

  @Test func memoizedRegexAnswersTheSameWithItsPrefilter() throws {
    let pattern = "(?i)\\b(curl|wget)\\b[^|]*\\|\\s*(ba)?sh\\b"
    let regex = MemoizedRegex(try BoundedRegex(pattern))
    #expect(regex.prefilter != nil)
    for text in ["curl -fsSL x | sh", "CURL x|bash", "curl x > f", "echo", "wget \u{212A} | sh", String(repeating: "a", count: 300)] {
      let expected = try NSRegularExpression(pattern: pattern).firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
      var steps = 0
      #expect(regex.matches(text, stepLimit: 1_000_000, steps: &steps) == .found(expected), "\(text)")
      #expect(regex.matches(text, stepLimit: 1_000_000, steps: &steps) == .found(expected), "\(text) (remembered)")
    }
    // Options the prefilter does not understand give none.
    #expect(RegexPrefilter(try NSRegularExpression(pattern: "abc", options: .allowCommentsAndWhitespace)) == nil)
    #expect(RegexPrefilter(try NSRegularExpression(pattern: "abc", options: .ignoreMetacharacters)) == nil)
    #expect(RegexPrefilter(try NSRegularExpression(pattern: "ABC", options: .caseInsensitive))?.caseInsensitive == true)
  }

  // MARK: The rules' patterns

  /// Every pattern a built-in rule matches with, and what it gets. Update this table when a rule's
  /// pattern changes (the test prints what it derived).
  static let rulePrefilters: [String: [String]?] = RulePrefilterTable.expected

  @Test func everyRulePatternGetsTheExpectedLiterals() {
    let patterns = RulePatterns.matched
    #expect(patterns.count >= 40, "only \(patterns.count) rule patterns found")
    var report: [String] = []
    for pattern in patterns {
      let got = Self.derived(pattern)
      if Self.rulePrefilters[pattern] != .some(got) {
        report.append("    ##\"\(pattern)\"##: \(got.map { "[\($0.map(\.debugDescription).joined(separator: ", "))]" } ?? "nil"),")
      }
    }
    let stale = Set(Self.rulePrefilters.keys).subtracting(patterns)
    if !report.isEmpty { print("RulePrefilterTable: derived now:\n\(report.joined(separator: "\n"))") }
    #expect(report.isEmpty, "\(report.count) rule patterns get other literals than RulePrefilterTable lists (printed above)")
    #expect(stale.isEmpty, "patterns in the table that no rule uses: \(stale.sorted())")
  }

  // MARK: Soundness

  /// Hand-written patterns with traps: case folding, lookaround, optional parts, classes.
  static let trickyPatterns: [String] = [
    "(?i)kelvin", "(?i)strasse", "(?i)ss", "(?i)[k-m]x", "x(?i)k", "(?i:k)ey", "(?s)a.b", "(?m)^ab$", "a\\Rb",
    "\\d{3}-\\d{4}", "[0-9]{3}ab", "(a|b)*c", "(?:ab|cd)+ef", "a{2,3}", "(?>ab|a)c", "a++b", "a*?b",
    "(?=.*x)(?=.*y)z", "\\w+@\\w+\\.com", "[-a]b", "[a-]b", "[\\-x]y", "[\\]]a", "\\.\\*\\+", "é+", "日本",
    "(?i)日本x", "\\t\\n", "[\\t ]x", "colou?r", "(ba|z)?sh\\b", "gh[pousr]_[A-Za-z0-9]{4}", "^$", "a|b|c",
    "(?<=ab)c", "(?<!ab)c", "(?!x)y", "foo(?=bar)", "(?i)FOO(?-i)bar", "(?i)(?:abc){2,}", "(x|y|)z",
    "(?i)ǆ", "(?i)ﬀ", "(?i)ff", "[é]x", "(?i)[é]x", "\\bword\\b", "\\Bord", "a.{0,3}b", "(ab)?(cd)?ef",
  ]

  /// Every rule pattern and every string in the rules that compiles as a regular expression, and
  /// the tricky ones.
  static let soundnessPatterns: [String] = {
    var seen = Set<String>()
    return (RulePatterns.matched + trickyPatterns + RulePatterns.strings).filter {
      seen.insert($0).inserted && (try? NSRegularExpression(pattern: $0)) != nil
    }
  }()

  /// Characters that stress case folding, UTF-8 and word boundaries.
  static let pool: [String] = [
    "a", "Z", "0", "9", " ", "\n", "\t", "-", "_", "/", ".", "|", "$", "{", "}", "\"", "'", "x", "é", "\u{301}",
    "\u{212A}", "\u{17F}", "ß", "İ", "ı", "ﬀ", "日", "😀", "K", "S", "k", "s", "(", ")", "<", ">", "=", "\r\n",
  ]

  @Test func wheneverTheRegexMatchesMayMatchIsTrue() throws {
    var random = SplitMix64(state: 0x5EED_F11E)
    // Texts the policy-document patterns match, which the generator rarely builds.
    let policies = [
      #"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#,
      #"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "s3:GetObject"}]}"#,
      #"{"Statement": [{"Effect": "Deny", "Condition": {"Bool": {"AWS:SecureTransport": "false"}}}]}"#,
      #"{"Condition": {"Bool": {"aws:securetransport": [ "false" ]}}, "Effect":"Deny"}"#,
    ]
    let context = RulePatterns.exampleTexts + policies + ["", "run: echo hi", "curl -fsSL https://x | sh", "${{ github.event.issue.title }}"]
    var checked = 0
    var matched = 0
    var withPrefilter = 0
    var neverMatched: [String] = []
    for pattern in Self.soundnessPatterns {
      let regex = try NSRegularExpression(pattern: pattern)
      guard let prefilter = RegexPrefilter(pattern: pattern) else { continue }
      withPrefilter += 1
      var parser = PatternParser(scalars: Array(pattern.unicodeScalars))
      let root = try parser.parse()
      var texts: [String] = []
      for _ in 0..<80 {
        let alphabet = Self.alphabets[Int.random(in: 0..<Self.alphabets.count, using: &random)]
        var text = Self.sample(root, folds: parser.foldsCase, alphabet, &random)
        if Bool.random(using: &random) {
          let around = context[Int.random(in: 0..<context.count, using: &random)]
          let cut = around.index(around.startIndex, offsetBy: Int.random(in: 0...min(around.count, 200), using: &random))
          text = String(around[..<cut]) + text + String(around[cut...].prefix(200))
        }
        texts.append(text)
        texts.append(Self.mutate(text, &random))
      }
      // The rules' own examples, whole and some of their lines.
      texts.append(contentsOf: RulePatterns.exampleTexts + policies)
      for _ in 0..<100 { texts.append(RulePatterns.exampleLines[Int.random(in: 0..<RulePatterns.exampleLines.count, using: &random)]) }
      var matchedHere = 0
      for text in texts {
        checked += 1
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        guard regex.firstMatch(in: text, range: range) != nil else { continue }
        matched += 1
        matchedHere += 1
        #expect(prefilter.mayMatch(text), "'\(pattern)' matches \(text.debugDescription) but the prefilter \(prefilter.literals.map { String(decoding: $0, as: UTF8.self) }) rejects it")
      }
      if matchedHere == 0 { neverMatched.append(pattern) }
    }
    print("prefilter soundness: \(withPrefilter) patterns with a prefilter, \(checked) texts, \(matched) matched")
    #expect(neverMatched.isEmpty, "no generated text matched \(neverMatched)")
    #expect(withPrefilter >= 40, "only \(withPrefilter) patterns have a prefilter")
    #expect(matched * 5 >= checked / 10, "only \(matched) of \(checked) texts matched: the generator does not exercise the prefilter")
  }

  /// Regular-expression syntax, understood or not, for mutating patterns.
  static let syntax: [String] = [
    "(", ")", "|", "*", "+", "?", "??", "*+", "{2}", "{1,3}", "{0,}", "[", "]", "[^", "-", "&&", "--", "\\", "\\b",
    "\\Q", "\\E", "\\x{41}", "\\x41", "\\u0041", "\\p{L}", "\\N{DIGIT ONE}", "\\1", "\\k<n>", "(?<n>", "(?i)",
    "(?-i)", "(?i:", "(?x)", "(?s)", "(?=", "(?!", "(?<=", "(?<!", "(?>", "(?#", "^", "$", ".", "\\s", "\\d", "[:alpha:]",
    "k", "K", "s", "S", "\u{212A}", "\u{17F}", "ß", "é", " ", "#", "ab", "xyz",
  ]

  /// Mutated patterns (syntax inserted, spans cut, two patterns spliced) that ICU compiles: each
  /// prefilter derived must hold on texts generated from the mutant itself. Catches mis-parsed
  /// syntax. (Not `Mutator`: its repeated slices make patterns ICU backtracks on for minutes.)
  @Test func mutatedPatternsStaySound() throws {
    let seeds = (RulePatterns.matched + Self.trickyPatterns).map { Array($0.unicodeScalars) }
    let syntax = Self.syntax.map { Array($0.unicodeScalars) }
    var random = SplitMix64(state: 0xBADC_0FFE)
    var compiled = 0
    var derived = 0
    var matched = 0
    for round in 0..<2_500 {
      var scalars = seeds[round % seeds.count]
      for _ in 0..<Int.random(in: 1...3, using: &random) {
        let at = Int.random(in: 0...scalars.count, using: &random)
        switch Int.random(in: 0..<4, using: &random) {
        case 0, 1: scalars.insert(contentsOf: syntax[Int.random(in: 0..<syntax.count, using: &random)], at: at)
        case 2: scalars.removeSubrange(at..<min(scalars.count, at + Int.random(in: 1...4, using: &random)))
        default:
          let other = seeds[Int.random(in: 0..<seeds.count, using: &random)]
          scalars = Array(scalars[..<at]) + Array(other[Int.random(in: 0...other.count, using: &random)...])
        }
      }
      var view = String.UnicodeScalarView()
      view.append(contentsOf: scalars)
      let pattern = String(view)
      guard let regex = try? NSRegularExpression(pattern: pattern) else { continue }
      compiled += 1
      guard let prefilter = RegexPrefilter(pattern: pattern) else { continue }
      derived += 1
      var parser = PatternParser(scalars: Array(pattern.unicodeScalars))
      let root = try parser.parse()
      for _ in 0..<12 {
        let alphabet = Self.alphabets[Int.random(in: 0..<Self.alphabets.count, using: &random)]
        let sample = Self.sample(root, folds: parser.foldsCase, alphabet, &random)
        for text in [sample, Self.mutate(sample, &random), "x " + sample + "\n"] {
          guard regex.firstMatch(in: text, range: NSRange(text.startIndex..<text.endIndex, in: text)) != nil else { continue }
          matched += 1
          #expect(prefilter.mayMatch(text), "'\(pattern)' matches \(text.debugDescription) but the prefilter \(prefilter.literals.map { String(decoding: $0, as: UTF8.self) }) rejects it")
        }
      }
    }
    print("prefilter on mutated patterns: \(compiled) compiled, \(derived) with a prefilter, \(matched) matching texts checked")
    #expect(derived >= 500 && matched >= 5_000, "too few mutants exercised the prefilter")
  }

  /// What a character the prefilter does not know (`.`, `\S`, `[A-Za-z0-9]`) is drawn from, one
  /// alphabet per text: runs of hex digits, capitals and digits, alphanumerics, or anything.
  static let alphabets: [[String]] = [
    "0123456789abcdef".map(String.init), "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".map(String.init),
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".map(String.init), [" ", "\t", "\n", "\r\n"], pool,
  ]

  /// A random string the pattern may match (lookarounds and anchors may still make it fail; the
  /// test asks NSRegularExpression).
  static func sample(_ node: PatternNode, folds: Bool, _ alphabet: [String], _ random: inout SplitMix64) -> String {
    switch node {
    case .empty: return ""
    case .any:
      let from = Int.random(in: 0..<10, using: &random) == 0 ? pool : alphabet
      return from[Int.random(in: 0..<from.count, using: &random)]
    case .scalar(let scalar): return variant(scalar, folds: folds, &random)
    case .members(let scalars): return variant(scalars[Int.random(in: 0..<scalars.count, using: &random)], folds: folds, &random)
    case .concatenation(let items): return items.map { sample($0, folds: folds, alphabet, &random) }.joined()
    case .alternation(let branches):
      return sample(branches[Int.random(in: 0..<branches.count, using: &random)], folds: folds, alphabet, &random)
    case .repetition(let operand, let min, let max):
      // At most 64 copies: mutants nest large counts.
      let low = Swift.min(min, 64)
      let count = Bool.random(using: &random) ? low : Int.random(in: low...Swift.min(max ?? (low + 3), low + 3), using: &random)
      return (0..<count).map { _ in sample(operand, folds: folds, alphabet, &random) }.joined()
    case .lookaround(let inner): return Bool.random(using: &random) ? sample(inner, folds: folds, alphabet, &random) : ""
    }
  }

  /// A character, in another case or as a Unicode look-alike now and then when folding.
  static func variant(_ scalar: Unicode.Scalar, folds: Bool, _ random: inout SplitMix64) -> String {
    let text = String(Character(scalar))
    guard folds else { return text }
    switch Int.random(in: 0..<8, using: &random) {
    case 0: return text.uppercased()
    case 1: return text.lowercased()
    case 2 where scalar == "k" || scalar == "K": return "\u{212A}"
    case 2 where scalar == "s" || scalar == "S": return "\u{17F}"
    default: return text
    }
  }

  /// One small edit: a character dropped, doubled, or replaced from the pool; the case flipped.
  static func mutate(_ text: String, _ random: inout SplitMix64) -> String {
    var scalars = Array(text.unicodeScalars)
    let position = Int.random(in: 0...scalars.count, using: &random)
    switch Int.random(in: 0..<4, using: &random) {
    case 0 where position < scalars.count: scalars.remove(at: position)
    case 1 where position < scalars.count: scalars.insert(scalars[position], at: position)
    case 2: scalars.insert(contentsOf: pool[Int.random(in: 0..<pool.count, using: &random)].unicodeScalars, at: position)
    default:
      return Bool.random(using: &random) ? text.uppercased() : text.lowercased()
    }
    var result = String.UnicodeScalarView()
    result.append(contentsOf: scalars)
    return String(result)
  }
}

/// The rules' patterns and example texts, read from `rules/`.
enum RulePatterns {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static let rules: [CompiledRule] = {
    let (sources, _) = PolicyLibrary.read(paths: [repository.appendingPathComponent("rules").path])
    return PolicyLibrary(sources: sources).rules
  }()

  /// Every pattern a rule's `matches` (operator or function) uses: a string literal, a parameter's
  /// default (or the elements of a list parameter a quantifier walks), or a `let` bound to a literal.
  static let matched: [String] = {
    var found = Set<String>()
    for rule in rules {
      var lets: [String: String] = [:]
      var params: [String: [String]] = [:]
      for param in rule.decl.params {
        params[param.name] = param.defaultValue.map(strings) ?? []
      }
      var bound: [String: [String]] = [:]  // quantifier variables over a list parameter
      var expressions: [Expr] = []
      for statement in rule.decl.body {
        switch statement {
        case .let(let name, let value, _):
          if case .string(let parts, _) = value, parts.count == 1, case .text(let text) = parts[0] { lets[name] = text }
          expressions.append(value)
        case .when(let condition, _): expressions.append(condition)
        case .require(let require): expressions.append(contentsOf: [require.condition, require.message])
        }
      }
      func resolve(_ pattern: Expr) -> [String] {
        switch pattern {
        case .string(let parts, _):
          if parts.count == 1, case .text(let text) = parts[0] { return [text] }
          return []
        case .param(let name, _): return params[name] ?? []
        case .name(let name, _): return lets[name].map { [$0] } ?? bound[name] ?? []
        default: return []
        }
      }
      func visit(_ expr: Expr) {
        switch expr {
        case .binary(let op, let left, let right, _):
          if op == .matches { found.formUnion(resolve(right)) }
          visit(left)
          visit(right)
        case .call(let callee, let arguments, _):
          if callee.builtin == .matches, arguments.count == 2 { found.formUnion(resolve(arguments[1])) }
          arguments.forEach(visit)
        case .quantifier(_, let variables, let collection, let body, _):
          if case .param(let name, _) = collection, let variable = variables.last { bound[variable] = params[name] }
          visit(collection)
          visit(body)
        case .string(let parts, _):
          for case .expr(let inner) in parts { visit(inner) }
        case .list(let items, _): items.forEach(visit)
        case .map(let entries, _): entries.forEach { visit($0.value) }
        case .member(let base, _, _), .traverse(let base, _, _), .unary(_, let base, _): visit(base)
        case .index(let base, let key, _):
          visit(base)
          visit(key)
        case .select(_, let filter, _): filter.map(visit)
        case .null, .bool, .int, .float, .name, .param: break
        }
      }
      expressions.forEach(visit)
    }
    return found.sorted()
  }()

  /// The text of every string literal in the rules (parameter defaults and bodies).
  static let strings: [String] = {
    var found = Set<String>()
    for rule in rules {
      for param in rule.decl.params { param.defaultValue.map { found.formUnion(strings($0)) } }
      for statement in rule.decl.body {
        if case .let(_, let value, _) = statement { found.formUnion(strings(value)) }
      }
    }
    return found.sorted()
  }()

  /// The string literals in a (default value) expression.
  static func strings(_ expr: Expr) -> [String] {
    switch expr {
    case .string(let parts, _):
      return parts.compactMap { if case .text(let text) = $0 { text } else { nil } }
    case .list(let items, _): return items.flatMap(strings)
    default: return []
    }
  }

  /// The files of every rule example, without their `↓` marks.
  static let exampleTexts: [String] = rules.flatMap { rule in
    rule.decl.examples.flatMap { $0.files.map { $0.text.replacingOccurrences(of: "↓", with: "") } }
  }

  /// The lines of the examples.
  static let exampleLines: [String] = exampleTexts.flatMap { $0.split(separator: "\n").map(String.init) }
}

/// The real `run:` scripts of the shared corpus's workflows (`corpus/pipelines`).
@Suite struct RegexPrefilterCorpusTests {
  static let corpus = SharedData.corpus("pipelines")

  @Test(.requires(sharedData: corpus)) func rulePatternsOnCorpusPipelines() throws {
    let files = (FileManager.default.enumerator(atPath: Self.corpus.path)?.allObjects as? [String] ?? [])
      .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted()
    #expect(files.count > 500, "only \(files.count) corpus pipelines")
    var texts = Set<String>()
    for file in files {
      guard let data = FileManager.default.contents(atPath: Self.corpus.appendingPathComponent(file).path) else { continue }
      let text = String(decoding: data, as: UTF8.self)
      texts.insert(text)
      for line in text.split(separator: "\n") { texts.insert(String(line)) }
    }
    let all = Array(texts)
    let patterns = RulePatterns.matched.compactMap { pattern -> (String, NSRegularExpression, RegexPrefilter)? in
      guard let regex = try? NSRegularExpression(pattern: pattern), let prefilter = RegexPrefilter(pattern: pattern) else { return nil }
      return (pattern, regex, prefilter)
    }
    // Only the texts the prefilter rejects need ICU: none of them may match.
    let failures = Slots(count: patterns.count)
    DispatchQueue.concurrentPerform(iterations: patterns.count) { index in
      let (pattern, regex, prefilter) = patterns[index]
      var wrong: [String] = []
      var rejected = 0
      for text in all where !prefilter.mayMatch(text) {
        rejected += 1
        if regex.firstMatch(in: text, range: NSRange(text.startIndex..<text.endIndex, in: text)) != nil {
          wrong.append(String(text.prefix(200)))
        }
      }
      failures.set(index, (pattern, rejected, wrong))
    }
    var rejectedTotal = 0
    for (pattern, rejected, wrong) in failures.values {
      rejectedTotal += rejected
      #expect(wrong.isEmpty, "'\(pattern)' matches texts its prefilter rejects: \(wrong.prefix(3))")
    }
    print("prefilter on the corpus: \(all.count) texts × \(patterns.count) patterns, \(rejectedTotal) rejections confirmed by ICU")
    #expect(rejectedTotal > all.count, "the prefilter rejected almost nothing")
  }

  /// Results written from concurrent iterations, one slot each.
  final class Slots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [(String, Int, [String])?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: (String, Int, [String])) { lock.withLock { slots[index] = value } }
    var values: [(String, Int, [String])] { lock.withLock { slots.compactMap { $0 } } }
  }
}
