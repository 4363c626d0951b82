import Foundation
import PlumbDiagnostics
import TestSupport
import Testing

@testable import PlumbYAML

/// Conformance against the official YAML test suite (https://github.com/yaml/yaml-test-suite),
/// read from `corpus/yaml-test-suite/data/<ID>[/<NN>]/` of the shared data (``SharedData``).
///
/// For every case:
/// - a case with an `error` file must give at least one error diagnostic;
/// - any other case must load without errors, and when it has an `in.json`, its documents,
///   converted to plain JSON values, must equal that file's values (numbers compared as numbers,
///   key order ignored, scalar keys compared by their text).
///
/// libyaml 0.2.5 rejects some valid YAML 1.2 and accepts some invalid YAML, and Plumb makes a few
/// deliberate choices (duplicate keys are errors, `<<` is a merge key). Those cases are listed,
/// with their reason, in ``YAMLTestSuiteTests/knownDeviations``. The list is exact: a case that
/// fails without being listed fails the test, and so does a listed case that now passes.
///
/// `scripts/yaml-conformance-report.sh` runs this suite and regenerates the counts and table in
/// `docs/yaml-conformance.md` (through the `PLUMB_YAML_CONFORMANCE_REPORT` variable).
@Suite struct YAMLTestSuiteTests {
  // MARK: Known deviations (reviewed; keep exact)

  /// Cases that do not pass, by id, with why. Each reason starts with its category:
  /// - "libyaml rejects:" valid YAML that libyaml 0.2.5 reports as a syntax error;
  /// - "libyaml accepts invalid:" invalid YAML that libyaml 0.2.5 loads without error;
  /// - "libyaml misparses:" valid YAML that libyaml loads, but to other values than the suite's;
  /// - "Plumb choice:" a deliberate Plumb behaviour (duplicate keys are errors, merge keys).
  static let knownDeviations: [String: String] = [
    // libyaml 0.2.5 rejects valid YAML 1.2.
    "2JQS": "libyaml rejects: block mapping entries with empty implicit keys (`: a`)",
    "2LFX": "libyaml rejects: a reserved directive (`%FOO`), which YAML says to ignore with a warning",
    "2SXE": "libyaml rejects: ':' in anchor and alias names (`&a:`, `*a:`)",
    "4ABK": "libyaml rejects: a flow mapping entry with an omitted value after an adjacent ':' (`omitted value:,`)",
    "4MUZ/00": "libyaml rejects: in a flow mapping, ':' on the line after its (quoted) key",
    "4MUZ/01": "libyaml rejects: in a flow mapping, ':' on the line after its (quoted) key",
    "4MUZ/02": "libyaml rejects: in a flow mapping, ':' on the line after its (plain) key",
    "58MP": "libyaml rejects: a flow mapping value starting with ':' (`{x: :x}`)",
    "5MUD": "libyaml rejects: ':' on the line after a quoted flow key, adjacent to the value (`:bar`)",
    "5T43": "libyaml rejects: a plain value starting with ':' right after a JSON-like key's ':' (`\"key\"::value`)",
    "6BCT": "libyaml rejects: a tab as separation space after a block sequence '-' (`-\\tbaz`, spec example 6.3)",
    "6CA3": "libyaml rejects: tabs before a top-level flow sequence",
    "6LVF": "libyaml rejects: a reserved directive (`%FOO`), which YAML says to ignore with a warning",
    "6M2F": "libyaml rejects: a block mapping entry with an empty key (`: *a`) after an explicit entry",
    "7Z25": "libyaml rejects: a bare document (no `---`) after a `...` document end marker",
    "8XYN": "libyaml rejects: non-ASCII characters in anchor names",
    "96NN/00": "libyaml rejects: a tab at the start of literal block scalar content",
    "96NN/01": "libyaml rejects: a tab at the start of literal block scalar content",
    "9SA2": "libyaml rejects: a multi-line double-quoted implicit key in a flow mapping",
    "A2M4": "libyaml rejects: a tab as separation space after block sequence '-' (spec example 6.2)",
    "BEC7": "libyaml rejects: `%YAML 1.3`, which YAML says to process with a warning (spec example 6.14)",
    "CFD4": "libyaml rejects: an empty implicit key in a single-pair flow sequence entry (`[ : empty key ]`)",
    "DBG4": "libyaml rejects: a plain scalar starting with `::` inside a flow sequence (spec example 7.10)",
    "DK3J": "libyaml rejects: a folded block scalar at indentation 0 (`--- >`) with a line starting with '#'",
    "DK95/00": "libyaml rejects: a tab after the indentation of a mapping value on the next line (`foo:\\n \\tbar`)",
    "DK95/03": "libyaml rejects: a line of a space and a tab before the first mapping entry",
    "DK95/04": "libyaml rejects: a line holding only a tab between mapping entries",
    "FP8R": "libyaml rejects: a folded block scalar at indentation 0 (`--- >`)",
    "FRK4": "libyaml rejects: completely empty flow nodes (`? foo :,`, `: bar`; spec example 7.3)",
    "HM87/00": "libyaml rejects: a plain scalar starting with ':' in a flow sequence (`[:x]`)",
    "HWV9": "libyaml rejects: a stream holding only a document end marker (`...`)",
    "K3WX": "libyaml rejects: ':' after a comment, on the line after a quoted flow key",
    "M2N8/00": "libyaml rejects: an explicit key holding a mapping with an empty key (`- ? : x`)",
    "M7A3": "libyaml rejects: a bare document after `...` (spec example 9.3)",
    "MUS6/05": "libyaml rejects: an unknown directive (`%YAM`), which YAML says to ignore",
    "MUS6/06": "libyaml rejects: an unknown directive (`%YAMLL`), which YAML says to ignore",
    "NHX8": "libyaml rejects: a top-level mapping entry with an empty key and value (`:`)",
    "NJ66": "libyaml rejects: a multi-line plain implicit key in a flow mapping",
    "NKF9": "libyaml rejects: empty keys (`: empty key`) in block and flow mappings",
    "Q5MG": "libyaml rejects: a tab before a top-level flow mapping",
    "QT73": "libyaml rejects: a stream of only a comment and a document end marker (`...`)",
    "R4YG": "libyaml rejects: a tab in a leading line of a folded block scalar (spec example 8.2)",
    "S3PD": "libyaml rejects: a block mapping entry with an empty key (`: # Both empty`, spec example 8.18)",
    "SM9W/01": "libyaml rejects: a stream that is a single ':' (empty key and value)",
    "UKK6/00": "libyaml rejects: a sequence entry that is a mapping with empty key and value (`- :`)",
    "UT92": "libyaml rejects: a multi-line plain implicit key in a flow mapping (`{ matches\\n% : 20 }`, spec example 9.4)",
    "VJP3/01": "libyaml rejects: a flow mapping key, ':' and value on separate lines",
    "W4TN": "libyaml rejects: a literal block scalar at indentation 0 whose line starts with '%' (spec example 9.5)",
    "W5VH": "libyaml rejects: alias and anchor names with characters other than letters, digits, '-' and '_'",
    "Y79Y/001": "libyaml rejects: a tab-only line inside a literal block scalar",
    "Y79Y/010": "libyaml rejects: a tab as separation space after a block sequence '-' (`-\\t-1`)",

    // libyaml 0.2.5 accepts invalid YAML (and so does Plumb: it adds no syntax checks of its own).
    "9C9N": "libyaml accepts invalid: flow sequence lines not indented more than the enclosing block mapping key",
    "9HCY": "libyaml accepts invalid: a `%TAG` directive after a document without a `...` end marker",
    "9JBA": "libyaml accepts invalid: a comment without whitespace before it, after a flow sequence (`]#invalid`)",
    "CVW2": "libyaml accepts invalid: a comment without whitespace before it, after a comma (`,#invalid`)",
    "DK95/01": "libyaml accepts invalid: a tab as indentation of a double-quoted scalar's continuation line",
    "EB22": "libyaml accepts invalid: a `%YAML` directive after a document without a `...` end marker",
    "G5U8": "libyaml accepts invalid: '-' as a plain scalar in a flow sequence (`[-, -]`)",
    "MUS6/00": "libyaml accepts invalid: a comment without whitespace before it, after a directive (`%YAML 1.1#...`)",
    "MUS6/01": "libyaml accepts invalid: a `%YAML` directive after a document without a `...` end marker",
    "QB6E": "libyaml accepts invalid: double-quoted continuation lines not indented more than the mapping key",
    "RHX7": "libyaml accepts invalid: a `%YAML` directive after a document without a `...` end marker",
    "S98Z": "libyaml accepts invalid: a block scalar whose leading blank lines are more indented than the line after them",
    "SU5Z": "libyaml accepts invalid: a comment without whitespace before it, after a double-quoted scalar",
    "X4QW": "libyaml accepts invalid: a comment without whitespace before it, after a block scalar indicator (`>#`)",
    "Y79Y/003": "libyaml accepts invalid: a tab as indentation inside a flow sequence",
    "YJV2": "libyaml accepts invalid: '-' as a plain scalar in a flow sequence (`[-]`)",

    // libyaml 0.2.5 loads valid YAML to other values than the suite's (checked against its events).
    "652Z": "libyaml misparses: `?foo` in a flow mapping is read as an explicit key `foo`, not the plain scalar `?foo`",
    "HM87/01": "libyaml misparses: `[?x]` is read as a single-pair mapping `{x: null}`, not the plain scalar `?x`",
    "JEF9/02": "libyaml misparses: a keep-chomped literal (`|+`) ending in a line of spaces without a final line break loses the kept line break (\"\" instead of \"\\n\")",
    "L24T/01": "libyaml misparses: a literal scalar ending in a more-indented line of spaces without a final line break gives \"x\\n \" instead of \"x\\n \\n\"",
    "Y2GN": "libyaml misparses: ':' in an anchor name (`&an:chor value`) ends the anchor; the value becomes `:chor value`",

    // Deliberate Plumb behaviour.
    "X38W": "Plumb choice: duplicate keys are errors; the key `*a` is the same node as the first key `&a [a, &b b]` (the suite does not check key uniqueness)",
  ]

  // MARK: Tests

  @Test(
    "YAML test suite case",
    // Skips (never passes) when the corpus is absent, with the missing path as its reason.
    .requires(sharedData: YAMLTestSuite.dataDirectory),
    arguments: YAMLTestSuite.cases
  )
  func conformance(_ suiteCase: YAMLTestSuite.Case) {
    let evaluation = YAMLTestSuite.evaluate(suiteCase)
    let reason = Self.knownDeviations[suiteCase.id]
    if let problem = YAMLTestSuite.problem(evaluation, knownReason: reason) {
      Issue.record(Comment(rawValue: problem))
    }
  }

  @Test(
    "YAML test suite summary and deviation list",
    .requires(sharedData: YAMLTestSuite.dataDirectory)
  )
  func summary() throws {
    let cases = YAMLTestSuite.cases
    #expect(!cases.isEmpty, "the yaml-test-suite corpus has no cases")
    let ids = Set(cases.map(\.id))
    for id in Self.knownDeviations.keys.sorted() where !ids.contains(id) {
      Issue.record("knownDeviations lists '\(id)', which is not a case of the suite")
    }
    for (id, reason) in Self.knownDeviations.sorted(by: { $0.key < $1.key })
    where YAMLTestSuite.category(ofReason: reason) == nil {
      Issue.record("knownDeviations['\(id)'] has no known category prefix: \(reason)")
    }
    let evaluations = cases.map(YAMLTestSuite.evaluate)
    let report = YAMLTestSuite.Report(evaluations: evaluations, knownDeviations: Self.knownDeviations)
    print(report.summaryLine)
    if let path = ProcessInfo.processInfo.environment["PLUMB_YAML_CONFORMANCE_REPORT"], !path.isEmpty {
      try report.markdown.write(toFile: path, atomically: true, encoding: .utf8)
      print("YAML conformance report written to \(path)")
    }
  }
}

extension YAMLTestSuiteTests {
  // These check the checker itself and run even without the corpus.

  @Test func deviationListIsEnforcedBothWays() {
    func evaluation(_ failure: YAMLTestSuite.Failure?) -> YAMLTestSuite.Evaluation {
      YAMLTestSuite.Evaluation(
        id: "X", title: "t", isErrorCase: false, hasJSON: true, rejectedBySyntax: false, matchedJSON: false,
        failure: failure)
    }
    #expect(YAMLTestSuite.problem(evaluation(nil), knownReason: nil) == nil)
    // A listed case that passes must be removed from the list.
    #expect(YAMLTestSuite.problem(evaluation(nil), knownReason: "libyaml rejects: x")?.contains("now passes") == true)
    // An unlisted failure fails.
    #expect(YAMLTestSuite.problem(evaluation(.acceptsInvalid), knownReason: nil) != nil)
    // A listed failure passes only under its own category.
    #expect(YAMLTestSuite.problem(evaluation(.acceptsInvalid), knownReason: "libyaml accepts invalid: x") == nil)
    #expect(YAMLTestSuite.problem(evaluation(.acceptsInvalid), knownReason: "libyaml rejects: x") != nil)
    #expect(YAMLTestSuite.problem(evaluation(.mismatch("m")), knownReason: "libyaml misparses: x") == nil)
    #expect(YAMLTestSuite.problem(evaluation(.mismatch("m")), knownReason: "no category") != nil)
    // Wrong spans are loader bugs: never an acceptable deviation.
    #expect(YAMLTestSuite.problem(evaluation(.span("s")), knownReason: "libyaml misparses: x") != nil)
  }

  @Test func concatenatedJSONDocumentsAreSplit() throws {
    let text = "{\"a\": [1, \"]}\\\"\"]}\n\"x y\"\nnull true 2.5\n[]\n-3"
    let values = try YAMLTestSuite.parseJSONStream(Data(text.utf8))
    #expect(
      values == [
        .object(["a": .array([.number(1), .string("]}\"")])]), .string("x y"), .null, .bool(true), .number(2.5),
        .array([]), .number(-3),
      ])
    #expect(try YAMLTestSuite.parseJSONStream(Data(" \n".utf8)).isEmpty)
  }

  @Test func yamlValuesConvertToJSONValues() throws {
    let result = YAMLLoader().load(text: "1: true\n~: [0x10, 1.5, '2', null]\n")
    let root = try #require(result.documents.first?.root)
    #expect(
      JSONValue(node: root)
        == .object(["1": .bool(true), "~": .array([.number(16), .number(1.5), .string("2"), .null])]))
  }
}

// MARK: - The corpus

enum YAMLTestSuite {
  /// The shared corpus's `yaml-test-suite` (``SharedData``); the environment variable
  /// `PLUMB_YAML_TEST_SUITE` (a path) points at another copy.
  static let suiteDirectory: URL = {
    if let path = ProcessInfo.processInfo.environment["PLUMB_YAML_TEST_SUITE"], !path.isEmpty {
      return URL(fileURLWithPath: path, isDirectory: true)
    }
    return SharedData.corpus("yaml-test-suite")
  }()

  static let dataDirectory = suiteDirectory.appendingPathComponent("data", isDirectory: true)

  /// Whether the corpus is present (``SharedData/check(_:)`` warns loudly, once, when it is not).
  static let isAvailable = SharedData.check(dataDirectory)

  /// One test case: a folder with `in.yaml`.
  struct Case: Sendable, CustomTestStringConvertible {
    /// `ID` or `ID/NN` for multi-case tests.
    var id: String
    var directory: URL
    var testDescription: String { id }
  }

  /// All cases, sorted by id (empty when the corpus is absent).
  static let cases: [Case] = {
    guard isAvailable else { return [] }
    let manager = FileManager.default
    var found: [Case] = []
    let ids = (try? manager.contentsOfDirectory(atPath: dataDirectory.path)) ?? []
    for id in ids.sorted() where !id.hasPrefix(".") {
      let directory = dataDirectory.appendingPathComponent(id, isDirectory: true)
      if manager.fileExists(atPath: directory.appendingPathComponent("in.yaml").path) {
        found.append(Case(id: id, directory: directory))
        continue
      }
      let subs = (try? manager.contentsOfDirectory(atPath: directory.path)) ?? []
      for sub in subs.sorted() where !sub.hasPrefix(".") {
        let subdirectory = directory.appendingPathComponent(sub, isDirectory: true)
        if manager.fileExists(atPath: subdirectory.appendingPathComponent("in.yaml").path) {
          found.append(Case(id: "\(id)/\(sub)", directory: subdirectory))
        }
      }
    }
    return found
  }()

  // MARK: Evaluating a case

  /// Why a case did not pass.
  enum Failure: Sendable {
    /// A valid input gave a libyaml syntax error.
    case rejectsValid(String)
    /// A valid input gave an error from Plumb's own checks (duplicate key, merge value, ...).
    case plumbError(String)
    /// An invalid input loaded without error.
    case acceptsInvalid
    /// A valid input loaded, but not to the values of `in.json`.
    case mismatch(String)
    /// `in.json` could not be read (a problem of the test, never a deviation).
    case badExpectation(String)
    /// A node's span does not cover what was written for it (a loader bug, never a deviation).
    case span(String)

    var description: String {
      switch self {
      case .rejectsValid(let detail): "valid input rejected: \(detail)"
      case .plumbError(let detail): "valid input gave a Plumb error: \(detail)"
      case .acceptsInvalid: "invalid input accepted without an error diagnostic"
      case .mismatch(let detail): "loaded values differ from in.json: \(detail)"
      case .badExpectation(let detail): "cannot read in.json: \(detail)"
      case .span(let detail): "wrong span: \(detail)"
      }
    }

    /// The reason categories a deviation of this kind may be listed under.
    var allowedCategories: Set<String> {
      switch self {
      case .rejectsValid: ["libyaml rejects"]
      case .plumbError: ["Plumb choice"]
      case .acceptsInvalid: ["libyaml accepts invalid"]
      case .mismatch: ["libyaml misparses", "Plumb choice"]
      case .badExpectation, .span: []
      }
    }
  }

  struct Evaluation: Sendable {
    var id: String
    var title: String
    var isErrorCase: Bool
    var hasJSON: Bool
    /// Error case rejected by a libyaml syntax error (as opposed to one of Plumb's checks).
    var rejectedBySyntax: Bool
    /// Non-error case whose documents were compared with in.json (and matched).
    var matchedJSON: Bool
    var failure: Failure?
    var passed: Bool { failure == nil }
    /// A valid case that loaded without error (whether or not its values matched).
    var loaded: Bool {
      guard !isErrorCase else { return false }
      switch failure {
      case nil, .mismatch, .span: return true
      default: return false
      }
    }
  }

  static let categories = ["libyaml rejects", "libyaml accepts invalid", "libyaml misparses", "Plumb choice"]

  static func category(ofReason reason: String) -> String? {
    categories.first { reason.hasPrefix($0 + ":") }
  }

  static func evaluate(_ suiteCase: Case) -> Evaluation {
    let manager = FileManager.default
    let directory = suiteCase.directory
    let isErrorCase = manager.fileExists(atPath: directory.appendingPathComponent("error").path)
    let jsonURL = directory.appendingPathComponent("in.json")
    let hasJSON = manager.fileExists(atPath: jsonURL.path)
    let titleText = (try? String(contentsOf: directory.appendingPathComponent("==="), encoding: .utf8)) ?? ""
    var evaluation = Evaluation(
      id: suiteCase.id, title: titleText.trimmingCharacters(in: .whitespacesAndNewlines),
      isErrorCase: isErrorCase, hasJSON: hasJSON, rejectedBySyntax: false, matchedJSON: false, failure: nil)

    let result = YAMLLoader().load(path: directory.appendingPathComponent("in.yaml").path)
    let errors = result.diagnostics.filter { $0.severity == .error }

    if isErrorCase {
      if errors.isEmpty {
        evaluation.failure = .acceptsInvalid
      } else {
        evaluation.rejectedBySyntax = errors.contains { $0.code == "yaml.syntax" }
      }
      return evaluation
    }
    if !errors.isEmpty {
      let rendered = errors.map { error in
        let line = error.location.map { "line \($0.span.start.line)" } ?? "no location"
        return "\(error.code) at \(line): \(error.message)"
      }.joined(separator: "; ")
      if errors.contains(where: { $0.code == "yaml.syntax" }) {
        evaluation.failure = .rejectsValid(rendered)
      } else {
        evaluation.failure = .plumbError(rendered)
      }
      return evaluation
    }
    if hasJSON {
      let expected: [JSONValue]
      do {
        expected = try parseJSONStream(Data(contentsOf: jsonURL))
      } catch {
        evaluation.failure = .badExpectation("\(error)")
        return evaluation
      }
      let actual = result.documents.map { JSONValue(node: $0.root) }
      if actual == expected {
        evaluation.matchedJSON = true
      } else {
        evaluation.failure = .mismatch(
          "expected \(expected.map(\.description).joined(separator: " ")), "
            + "got \(actual.map(\.description).joined(separator: " "))")
        return evaluation
      }
    }
    let wrongSpans = result.documents.flatMap { spanProblems($0.root) }
    if !wrongSpans.isEmpty {
      evaluation.failure = .span(wrongSpans.prefix(5).joined(separator: "; "))
    }
    return evaluation
  }

  /// Checks that every node's span covers what was written for it: within the file and on
  /// character boundaries, inside its parent, quotes and brackets included, single-line plain
  /// scalars exactly. (Block scalars end after their trailing line breaks, as libyaml marks them.)
  static func spanProblems(_ root: YAMLNode) -> [String] {
    let bytes = root.tree.source.bytes
    var problems: [String] = []
    func visit(_ node: YAMLNode, parent: Range<Int>?, depth: Int) {
      // Aliases read as their anchored node, written elsewhere: checked where they were written.
      guard !node.isAlias, depth < 200 else { return }
      let range = node.byteRange
      func fail(_ what: String) {
        let raw = String(decoding: bytes[max(0, range.lowerBound)..<min(bytes.count, range.upperBound)], as: UTF8.self)
        problems.append(
          "\(node.kind) \(node.style) at line \(node.span.start.line): \(what) (span text \(raw.debugDescription))")
      }
      guard range.lowerBound >= 0, range.upperBound <= bytes.count else {
        fail("span \(range) outside the file (\(bytes.count) bytes)")
        return
      }
      for offset in [range.lowerBound, range.upperBound] where offset < bytes.count && bytes[offset] & 0xC0 == 0x80 {
        fail("offset \(offset) is inside a UTF-8 character")
      }
      if let parent, !(parent.lowerBound <= range.lowerBound && range.upperBound <= parent.upperBound) {
        fail("span \(range) is not inside its parent's span \(parent)")
      }
      let raw = bytes[range]
      func starts(_ c: Character) -> Bool { raw.first == c.asciiValue }
      func ends(_ c: Character) -> Bool { raw.count >= 2 && raw.last == c.asciiValue }
      switch (node.kind, node.style) {
      case (.scalar, .singleQuoted) where !(starts("'") && ends("'")): fail("not quoted")
      case (.scalar, .doubleQuoted) where !(starts("\"") && ends("\"")): fail("not quoted")
      case (.scalar, .literal) where !starts("|"): fail("does not start at '|'")
      case (.scalar, .folded) where !starts(">"): fail("does not start at '>'")
      case (.scalar, .plain):
        let text = String(decoding: raw, as: UTF8.self)
        if !text.contains(where: \.isNewline), text != node.string {
          fail("single-line plain scalar's span differs from its value \(node.string.debugDescription)")
        }
      case (.sequence, .flow) where !(starts("[") && ends("]")): fail("not bracketed")
      case (.sequence, .block) where !starts("-"): fail("does not start at '-'")
      case (.mapping, .flow):
        // A single-pair mapping in a flow sequence (`[a: b]`, `[{a: b}: c]`) has no braces.
        let braced = starts("{") && (node.pairs.first.map { $0.key.byteRange.lowerBound > range.lowerBound } ?? true)
        if braced ? !ends("}") : raw.last.map({ $0 == 0x20 || $0 == 0x0A || $0 == 0x09 }) == true {
          fail("flow mapping does not end at '}' or at its last value")
        }
      default: break
      }
      for element in node.elements { visit(element, parent: range, depth: depth + 1) }
      // Pairs brought in by a merge key (`<<: *base`) were written before this mapping.
      for pair in node.pairs where pair.key.isAlias || pair.key.byteRange.lowerBound >= range.lowerBound {
        visit(pair.key, parent: range, depth: depth + 1)
        visit(pair.value, parent: range, depth: depth + 1)
      }
    }
    visit(root, parent: nil, depth: 0)
    return problems
  }

  /// What is wrong with `evaluation` given its entry in the deviation list, or nil if nothing.
  static func problem(_ evaluation: Evaluation, knownReason: String?) -> String? {
    let name = "\(evaluation.id) (\(evaluation.title))"
    switch (evaluation.failure, knownReason) {
    case (nil, nil):
      return nil
    case (nil, let reason?):
      return "\(name) now passes but is listed in knownDeviations (\(reason)); remove it from the list"
    case (let failure?, nil):
      return "\(name) fails: \(failure.description)"
    case (let failure?, let reason?):
      guard let category = category(ofReason: reason) else {
        return "\(name): deviation reason has no known category prefix: \(reason)"
      }
      if !failure.allowedCategories.contains(category) {
        return "\(name) is listed as '\(category)' but fails differently: \(failure.description)"
      }
      return nil
    }
  }

  // MARK: JSON

  /// Splits concatenated JSON texts (whitespace-separated) and parses each with JSONSerialization.
  static func parseJSONStream(_ data: Data) throws -> [JSONValue] {
    let bytes = [UInt8](data)
    var values: [JSONValue] = []
    var i = 0
    let n = bytes.count
    func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
    while true {
      while i < n && isSpace(bytes[i]) { i += 1 }
      if i == n { break }
      let start = i
      switch bytes[i] {
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        var depth = 0
        var inString = false
        while i < n {
          let c = bytes[i]
          i += 1
          if inString {
            if c == UInt8(ascii: "\\") {
              i += 1
            } else if c == UInt8(ascii: "\"") {
              inString = false
            }
          } else if c == UInt8(ascii: "\"") {
            inString = true
          } else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
            depth += 1
          } else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
            depth -= 1
            if depth == 0 { break }
          }
        }
      case UInt8(ascii: "\""):
        i += 1
        while i < n && bytes[i] != UInt8(ascii: "\"") {
          i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1
        }
        i = min(i + 1, n)
      default:
        while i < n && !isSpace(bytes[i]) && bytes[i] != UInt8(ascii: "{") && bytes[i] != UInt8(ascii: "[")
          && bytes[i] != UInt8(ascii: "\"")
        {
          i += 1
        }
      }
      let piece = Data(bytes[start..<i])
      let object = try JSONSerialization.jsonObject(with: piece, options: [.fragmentsAllowed])
      values.append(try JSONValue(foundation: object))
    }
    return values
  }
}

/// A plain JSON value, for comparing YAML documents with `in.json`.
enum JSONValue: Equatable, Sendable, CustomStringConvertible {
  case null
  case bool(Bool)
  /// Numbers compare as doubles: JSON does not tell 1 from 1.0.
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  struct Unsupported: Error, CustomStringConvertible {
    var description: String
  }

  private static let booleanType = ObjectIdentifier(type(of: NSNumber(value: true)))

  init(foundation value: Any) throws {
    switch value {
    case is NSNull:
      self = .null
    case let text as String:
      self = .string(text)
    case let number as NSNumber:
      // Foundation boxes JSON `true`/`false` in a distinct NSNumber subclass.
      if ObjectIdentifier(type(of: number)) == Self.booleanType {
        self = .bool(number.boolValue)
      } else {
        self = .number(number.doubleValue)
      }
    case let array as [Any]:
      self = .array(try array.map(JSONValue.init(foundation:)))
    case let object as [String: Any]:
      self = .object(try object.mapValues(JSONValue.init(foundation:)))
    default:
      throw Unsupported(description: "unsupported JSON value of type \(type(of: value))")
    }
  }

  init(node: YAMLNode) {
    switch node.kind {
    case .scalar:
      switch node.value ?? .null {
      case .null: self = .null
      case .bool(let value): self = .bool(value)
      case .int(let value): self = .number(Double(value))
      case .float(let value): self = .number(value)
      case .string(let value): self = .string(value)
      }
    case .sequence:
      self = .array(node.elements.map(JSONValue.init(node:)))
    case .mapping:
      var object: [String: JSONValue] = [:]
      for pair in node.pairs {
        object[Self.keyText(pair.key)] = JSONValue(node: pair.value)
      }
      self = .object(object)
    }
  }

  /// A key as JSON writes it: a scalar's text (`1`, `true` and `~` keys become "1", "true", "~").
  static func keyText(_ key: YAMLNode) -> String {
    if key.kind == .scalar { return key.string ?? "" }
    // Collections cannot be JSON keys; the suite gives no in.json for such inputs.
    return "<\(key.kind) key: \(JSONValue(node: key).description)>"
  }

  var description: String {
    switch self {
    case .null: return "null"
    case .bool(let value): return String(value)
    case .number(let value): return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    case .string(let value): return "\"" + value.debugDescription.dropFirst().dropLast() + "\""
    case .array(let values): return "[" + values.map(\.description).joined(separator: ", ") + "]"
    case .object(let object):
      return "{" + object.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value.description)" }
        .joined(separator: ", ") + "}"
    }
  }
}

// MARK: - The report

extension YAMLTestSuite {
  struct Report {
    var evaluations: [Evaluation]
    var knownDeviations: [String: String]

    var total: Int { evaluations.count }
    var errorCases: [Evaluation] { evaluations.filter(\.isErrorCase) }
    var validCases: [Evaluation] { evaluations.filter { !$0.isErrorCase } }
    var passed: [Evaluation] { evaluations.filter(\.passed) }
    var failed: [Evaluation] { evaluations.filter { !$0.passed } }

    func count(category: String) -> Int {
      failed.filter { knownDeviations[$0.id].flatMap(YAMLTestSuite.category(ofReason:)) == category }.count
    }

    var unlisted: [Evaluation] { failed.filter { knownDeviations[$0.id] == nil } }

    var summaryLine: String {
      let accepted = validCases.filter(\.loaded)
      let compared = accepted.filter(\.hasJSON)
      let categories = YAMLTestSuite.categories.map { "\($0)=\(count(category: $0))" }.joined(separator: " ")
      return "YAML-CONFORMANCE total=\(total) error-cases=\(errorCases.count) "
        + "error-rejected=\(errorCases.filter(\.passed).count) "
        + "(by-libyaml-syntax=\(errorCases.filter(\.rejectedBySyntax).count)) "
        + "valid-cases=\(validCases.count) valid-accepted=\(accepted.count) "
        + "json-compared=\(compared.count) json-matched=\(validCases.filter(\.matchedJSON).count) "
        + "passed=\(passed.count) not-passed=\(failed.count) [\(categories)] unlisted-failures=\(unlisted.count)"
    }

    static func cell(_ text: String) -> String {
      text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    /// The generated part of docs/yaml-conformance.md: counts and the table of cases not passed.
    var markdown: String {
      let acceptedValid = validCases.filter(\.loaded)
      let compared = acceptedValid.filter(\.hasJSON)
      var lines: [String] = []
      lines.append("| Count | Cases |")
      lines.append("|---|---:|")
      lines.append("| Test cases (folders with `in.yaml`) | \(total) |")
      lines.append("| Error cases (`error` file: must be rejected) | \(errorCases.count) |")
      lines.append("| … rejected (pass) | \(errorCases.filter(\.passed).count) |")
      lines.append("| … of which by a libyaml syntax error | \(errorCases.filter(\.rejectedBySyntax).count) |")
      lines.append(
        "| … of which only by a Plumb check (duplicate key, alias, merge) | "
          + "\(errorCases.filter { $0.passed && !$0.rejectedBySyntax }.count) |")
      lines.append("| Valid cases (must load) | \(validCases.count) |")
      lines.append("| … loaded without error | \(acceptedValid.count) |")
      lines.append("| … loaded and compared with `in.json` | \(compared.count) |")
      lines.append("| … matched `in.json` | \(validCases.filter(\.matchedJSON).count) |")
      lines.append(
        "| … loaded, no `in.json` to compare | \(acceptedValid.filter { !$0.hasJSON }.count) |")
      lines.append("| **Passed** | **\(passed.count)** |")
      lines.append("| **Not passed (known deviations)** | **\(failed.count)** |")
      for category in YAMLTestSuite.categories {
        lines.append("| … \(category) | \(count(category: category)) |")
      }
      if !unlisted.isEmpty {
        lines.append("| … NOT LISTED (test fails) | \(unlisted.count) |")
      }
      lines.append("")
      lines.append("| Case | Title | Kind | Reason |")
      lines.append("|---|---|---|---|")
      for evaluation in failed {
        let reason = knownDeviations[evaluation.id] ?? "NOT LISTED: \(evaluation.failure!.description)"
        let kind = evaluation.isErrorCase ? "error case" : (evaluation.hasJSON ? "valid, in.json" : "valid")
        lines.append(
          "| `\(evaluation.id)` | \(Self.cell(evaluation.title)) | \(kind) | \(Self.cell(reason)) |")
      }
      return lines.joined(separator: "\n") + "\n"
    }
  }
}
