import Foundation
import PlumbDiagnostics
import Testing

@testable import PlumbYAML

/// Conformance against the official YAML test suite (https://github.com/yaml/yaml-test-suite),
/// read from `../shared/corpus/yaml-test-suite/data/<ID>[/<NN>]/` next to the package root.
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
  static let knownDeviations: [String: String] = [:]

  // MARK: Tests

  @Test(
    "YAML test suite case",
    // Skips (never passes) when the corpus is absent; `YAMLTestSuite.isAvailable` prints a loud
    // warning in that case.
    .enabled(if: YAMLTestSuite.isAvailable, "yaml-test-suite corpus not found (see the warning printed above)"),
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
    .enabled(if: YAMLTestSuite.isAvailable, "yaml-test-suite corpus not found (see the warning printed above)")
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

// MARK: - The corpus

enum YAMLTestSuite {
  /// `<package root>/../shared/corpus/yaml-test-suite`, from this file's path.
  static let suiteDirectory: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // PlumbYAMLTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()  // package root
    .deletingLastPathComponent()
    .appendingPathComponent("shared/corpus/yaml-test-suite", isDirectory: true)

  static let dataDirectory = suiteDirectory.appendingPathComponent("data", isDirectory: true)

  /// Whether the corpus is present; prints a loud warning (once) when it is not.
  static let isAvailable: Bool = {
    var isDirectory: ObjCBool = false
    let present = FileManager.default.fileExists(atPath: dataDirectory.path, isDirectory: &isDirectory)
      && isDirectory.boolValue
    if !present {
      let line = String(repeating: "!", count: 78)
      let message = """
        \(line)
        WARNING: the YAML test suite corpus is missing at
          \(dataDirectory.path)
        The YAML conformance tests (YAMLTestSuiteTests) are SKIPPED, not passed.
        \(line)
        """
      FileHandle.standardError.write(Data((message + "\n").utf8))
      print(message)
    }
    return present
  }()

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

    var description: String {
      switch self {
      case .rejectsValid(let detail): "valid input rejected: \(detail)"
      case .plumbError(let detail): "valid input gave a Plumb error: \(detail)"
      case .acceptsInvalid: "invalid input accepted without an error diagnostic"
      case .mismatch(let detail): "loaded values differ from in.json: \(detail)"
      case .badExpectation(let detail): "cannot read in.json: \(detail)"
      }
    }

    /// The reason categories a deviation of this kind may be listed under.
    var allowedCategories: Set<String> {
      switch self {
      case .rejectsValid: ["libyaml rejects"]
      case .plumbError: ["Plumb choice"]
      case .acceptsInvalid: ["libyaml accepts invalid"]
      case .mismatch: ["libyaml misparses", "Plumb choice"]
      case .badExpectation: []
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
      guard let failure else { return true }
      if case .mismatch = failure { return true }
      return false
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
    guard hasJSON else { return evaluation }
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
    }
    return evaluation
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
