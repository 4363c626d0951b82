import Foundation
import PlumbDiagnostics
import PlumbGraph
import PlumbIngest
import FuzzSupport
import Testing
import TestSupport

@testable import PlumbPolicy

/// A deterministic fuzz run of the policy language's front end (the libFuzzer target is
/// `scripts/fuzz.sh policy`, see docs/fuzzing.md): seeded mutations of the built-in rules, packs
/// and the grammar seed — byte flips, truncation, splicing, keywords and symbols, invalid UTF-8,
/// deep nesting, huge strings — compiled with `PolicyLibrary(sources:)`, some evaluated over
/// `fixtures/platform`. Every diagnostic must be inside the file; a neutral edit of a file (two
/// comment lines before it) must compile the same, with every diagnostic two lines lower.
@Suite struct PolicyFuzzTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// Every `.plumb` file under `rules/`, `policies/` and `fixtures/fuzz/policy`, by path.
  static let seeds: [PolicySource] = {
    let folders = ["rules", "policies", "fixtures/fuzz/policy"].map { repository.appendingPathComponent($0).path }
    return PolicyLibrary.read(paths: folders).sources
  }()

  static let graph: DocumentGraph = {
    let root = repository.appendingPathComponent("fixtures/platform").path
    return Ingestor().ingest(paths: [root], root: root).graph
  }()

  static let tokens: [String] = [
    "rule ", "pack ", "scorecard ", "param ", "example ", "fix ", "for ", " in ", "let ", "when ", "require ", "else ",
    " at ", "where ", " and ", " or ", "not ", "all(", "any(", "count(", "map(", "filter(", "matches ", "true", "null",
    "set ", "remove ", "append ", "title ", "severity ", "category ", "tags [", "examples for ", "level ", "weight ",
    "list<", "catalog.Component", "terraform.resource(\"aws\")", "[name(it) == x]", "->", "==", "!=", "<=", "{", "}",
    "(", ")", "[", "]", ",", ".", ":", "=", "+", "-", "*", "/", "\"", "\"\"\"", "${", "}\"", "\\", "#", "\n", "↓", "é",
    "9223372036854775808", "1.5e", "_1",
  ]

  @Test func seedsAreThere() {
    #expect(Self.seeds.count > 100, "rules/, policies/ and fixtures/fuzz/policy should be readable")
  }

  @Test func mutatedPolicyFilesCompileWithPositionedDiagnostics() {
    let seeds = Self.seeds.map { Array($0.text.utf8) }
    var mutator = Mutator(
      seed: 0xC0FF_EE00, tokens: Self.tokens.map { Array($0.utf8) },
      nesting: [("(", ")"), ("[", "]"), ("not ", ""), ("-", ""), ("f(", ")"), ("\"${", "}\""), ("{a: ", "}")],
      maxDepth: 600, maxRun: 8_000)
    var withErrors = 0
    var evaluated = 0
    for round in 0..<1200 {
      let seed = seeds[round % seeds.count]
      let other = seeds[Int.random(in: 0..<seeds.count, using: &mutator.random)]
      let input = mutator.mutate(seed, other: other)
      let text = String(decoding: input, as: UTF8.self)
      let library = PolicyLibrary(sources: [PolicySource(path: "case.plumb", text: text)])
      if library.hasErrors { withErrors += 1 }
      let lines = lineCount(text)
      for diagnostic in library.diagnostics where !inside(diagnostic, text, lines: lines) {
        Issue.record("case \(round): \(diagnostic.code) '\(diagnostic.message)' outside the file: \(text.prefix(300))")
        return
      }
      // Some of the rules that still compile run over a small platform (the rest keeps it fast).
      if round % 10 == 0 && !library.rules.isEmpty {
        let result = PolicyEngine(library: library, pack: nil).evaluate(Self.graph)
        #expect(result.findings.allSatisfy { !$0.fingerprint.isEmpty })
        evaluated += 1
      }
    }
    #expect(withErrors > 300)
    #expect(evaluated > 10)
  }

  @Test func neutralEditsCompileTheSame() {
    for seed in Self.seeds {
      let original = PolicyLibrary(sources: [seed])
      let edited = PolicyLibrary(sources: [PolicySource(path: seed.path, text: "# a comment\n\n" + seed.text)])
      #expect(edited.rules.map(\.id) == original.rules.map(\.id), "\(seed.path)")
      #expect(edited.packs.keys.sorted() == original.packs.keys.sorted(), "\(seed.path)")
      #expect(
        edited.diagnostics.map { "\($0.message) \(($0.location?.span.start.line ?? 0) - 2):\($0.location?.span.start.column ?? 0)" }
          == original.diagnostics.map { "\($0.message) \($0.location?.span.start.line ?? 0):\($0.location?.span.start.column ?? 0)" },
        "\(seed.path)")
    }
  }

  // MARK: Rules with runtime errors never pass

  /// Compiles `text`, injects a failing first statement into every rule that compiled (the
  /// libFuzzer harness does the same), evaluates the injected rules over the platform, and
  /// returns the problems: an entity that is not an error, a finding that is not an error, a rule
  /// that erred without a policy error. Also returns how many entities were judged.
  static func runtimeErrorProblems(_ text: String, statement: String) -> (problems: [String], judged: Int) {
    let library = PolicyLibrary(sources: [PolicySource(path: "case.plumb", text: text)])
    let offsets = library.rules.compactMap { $0.decl.selector?.range.upperBound }
    let injected = PolicyLibrary(
      sources: [PolicySource(path: "case.plumb", text: ErrorInjection.inject(statement, into: text, at: offsets))])
    let failing = injected.rules.filter { rule in
      guard case .let(let name, _, _)? = rule.decl.body.first else { return false }
      return name == "plumb_injected_error"
    }
    guard !failing.isEmpty else { return ([], 0) }
    let result = PolicyEngine(rules: failing).evaluate(graph)
    var problems: [String] = []
    var judged = 0
    for rule in failing {
      let states = result.states[rule.id] ?? [:]
      judged += states.count
      for (entity, state) in states where state != .error {
        problems.append("'\(statement)' in \(rule.id): \(entity.rawValue) is \(state.rawValue)")
      }
      if !states.isEmpty && !result.diagnostics.contains(where: { $0.message.contains("'\(rule.id)'") }) {
        problems.append("'\(statement)' in \(rule.id): no policy error")
      }
    }
    for finding in result.findings where finding.verdict != .error {
      problems.append("'\(statement)': a \(finding.verdict.rawValue) finding '\(finding.message)'")
    }
    return (problems, judged)
  }

  /// Every built-in rule, with every failing expression in every operator around it: no entity
  /// of the platform passes, none is "not applicable".
  @Test func builtinRulesWithRuntimeErrorsNeverPass() {
    let sources = Self.seeds.filter { $0.path.contains("/rules/") }
    var judged = 0
    for (index, seed) in sources.enumerated() {
      // Each file gets a few of the combinations; together they cover all of them.
      for step in 0..<3 {
        let statement = ErrorInjection.statement(index * 3 + step * 97)
        let (problems, count) = Self.runtimeErrorProblems(seed.text, statement: statement)
        judged += count
        for problem in problems.prefix(3) { Issue.record("\(seed.path): \(problem)") }
      }
    }
    #expect(judged > 500, "the injected rules judged only \(judged) entities")
    // Every combination is reachable.
    let combinations = ErrorInjection.failing.count * ErrorInjection.wrappings.count
    #expect(Set((0..<combinations).map(ErrorInjection.statement)).count == combinations)
  }

  /// Mutated policy files (as in the run above) that still compile, with a failing first
  /// statement: their entities are errors too, whatever the mutations did to the rest.
  @Test func mutatedRulesWithRuntimeErrorsNeverPass() {
    let seeds = Self.seeds.map { Array($0.text.utf8) }
    var mutator = Mutator(
      seed: 0xE440_0213, tokens: Self.tokens.map { Array($0.utf8) },
      nesting: [("(", ")"), ("[", "]"), ("not ", ""), ("-", ""), ("f(", ")")], maxDepth: 50, maxRun: 2_000)
    var judged = 0
    for round in 0..<400 {
      let seed = seeds[round % seeds.count]
      let other = seeds[Int.random(in: 0..<seeds.count, using: &mutator.random)]
      let text = String(decoding: mutator.mutate(seed, other: other), as: UTF8.self)
      let (problems, count) = Self.runtimeErrorProblems(text, statement: ErrorInjection.statement(round * 7))
      judged += count
      for problem in problems.prefix(3) { Issue.record("case \(round): \(problem)\n\(text.prefix(400))") }
    }
    #expect(judged > 100, "the injected rules judged only \(judged) entities")
  }

  // MARK: Regressions: nesting that overflowed the stack (found by the fuzz harness, docs/fuzzing.md)

  static func rule(_ condition: String) -> String {
    "rule deep {\n  title \"t\"\n  category c\n  for c in catalog.Component\n  require \(condition) else \"m\"\n}\n"
  }

  struct DeepCase: Sendable, CustomTestStringConvertible {
    var name: String
    var text: String
    var testDescription: String { name }
  }

  static let deepCases: [DeepCase] = {
    // 100,000 levels of nesting; operator and postfix chains (which nest the tree, not the
    // parser) and the wordier forms at 20,000, which is as far past the limit and keeps this fast.
    let n = 100_000
    let m = 20_000
    return [
      DeepCase(name: "parentheses", text: rule(String(repeating: "(", count: n) + "true" + String(repeating: ")", count: n))),
      DeepCase(name: "lists", text: rule(String(repeating: "[", count: n) + String(repeating: "]", count: n) + " == []")),
      DeepCase(name: "calls", text: rule(String(repeating: "exists(", count: m) + "c" + String(repeating: ")", count: m))),
      DeepCase(name: "not", text: rule(String(repeating: "not ", count: n) + "true")),
      DeepCase(name: "negation", text: rule(String(repeating: "-", count: n) + "1 < 0")),
      DeepCase(name: "operator chain", text: rule("1" + String(repeating: " + 1", count: m) + " > 0")),
      DeepCase(name: "or chain", text: rule(Array(repeating: "c", count: m).joined(separator: " or "))),
      DeepCase(name: "member chain", text: rule("c" + String(repeating: ".a", count: m) + " == 1")),
      DeepCase(name: "index chain", text: rule("c" + String(repeating: "[0]", count: m) + " == 1")),
      DeepCase(name: "relation chain", text: rule("count(c" + String(repeating: " -> ownedBy", count: m) + ") > 0")),
      DeepCase(
        name: "quantifiers",
        text: rule(String(repeating: "all(x in [1], ", count: m) + "true" + String(repeating: ")", count: m))),
      DeepCase(
        name: "interpolation",
        text: rule((0..<2_000).reduce("c.metadata.name") { inner, _ in "\"${" + inner + "}\"" } + " != \"\"")),
      DeepCase(
        name: "parameter type",
        text: "rule deep {\n  title \"t\"\n  category c\n  param p: " + String(repeating: "list<", count: n) + "int"
          + String(repeating: ">", count: n) + "\n  for c in catalog.Component\n  require true else \"m\"\n}\n"),
    ]
  }()

  @Test(arguments: deepCases) func deepNestingIsADepthError(_ deep: DeepCase) throws {
    let library = PolicyLibrary(sources: [PolicySource(path: "deep.plumb", text: deep.text)])
    let depth = library.diagnostics.filter { $0.code == "policy.depth" }
    #expect(depth.count == 1, "\(library.diagnostics.prefix(5).map(\.message))")
    let diagnostic = try #require(depth.first)
    #expect(diagnostic.message == "expression nested more than 256 levels deep")
    #expect(diagnostic.location?.span.start.line == (deep.name == "parameter type" ? 4 : 5))
    #expect(inside(diagnostic, deep.text))
    #expect(library.rules.isEmpty, "a rule with a syntax error never runs")
    // Bounded noise: the parser recovers past the deep part instead of reporting every level.
    #expect(library.diagnostics.count < 10, "\(library.diagnostics.prefix(12).map(\.message))")
  }

  @Test func nestingJustUnderTheLimitCompilesAndEvaluates() {
    let depth = Parser.maxDepth - 2
    let text = Self.rule(
      String(repeating: "(", count: depth) + "c.spec.type == \"service\"" + String(repeating: ")", count: depth)
        + String(repeating: " or false", count: depth - 1))
    let library = PolicyLibrary(sources: [PolicySource(path: "deep.plumb", text: text)])
    #expect(library.diagnostics.isEmpty, "\(library.diagnostics.map(\.message))")
    #expect(library.rules.map(\.id) == ["deep"])
    let result = PolicyEngine(library: library, pack: nil).evaluate(Self.graph)
    #expect(result.evaluatedAnything)
  }

  @Test func depthCountsTheTreeNotOnlyTheParser() {
    // Left-deep chains recurse in the checker and the evaluator, not in the parser: each of these
    // is one level over the limit, and only the tree's depth says so.
    for text in [
      Self.rule("1" + String(repeating: " + 1", count: Parser.maxDepth) + " > 0"),
      Self.rule("(" + "1" + String(repeating: " + 1", count: Parser.maxDepth - 10) + ")" + String(repeating: " * 1", count: 10) + " > 0"),
    ] {
      let library = PolicyLibrary(sources: [PolicySource(path: "deep.plumb", text: text)])
      #expect(library.diagnostics.map(\.code) == ["policy.depth"], "\(library.diagnostics.map(\.message))")
    }
  }

  // MARK: Invariants

  /// Lines as `SourceFile` counts them: LF, CR and CRLF each end one (a mutated file with a lone
  /// CR has one line more than its LFs say).
  func lineCount(_ text: String) -> Int {
    var lines = 1
    var afterCR = false
    for byte in text.utf8 {
      if byte == 0x0A && !afterCR || byte == 0x0D { lines += 1 }
      afterCR = byte == 0x0D
    }
    return lines
  }

  func inside(_ diagnostic: Diagnostic, _ text: String, lines: Int? = nil) -> Bool {
    guard let location = diagnostic.location else { return false }
    let lines = lines ?? lineCount(text)
    return ([location.span] + diagnostic.notes.compactMap(\.location?.span)).allSatisfy { span in
      span.start.offset >= 0 && span.start.offset <= span.end.offset && span.end.offset <= text.utf8.count
        && span.start.line >= 1 && span.start.line <= lines && span.start.column >= 1
    }
  }
}
