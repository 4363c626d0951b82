import Foundation
import PlumbDiagnostics
import PlumbYAML
import TestSupport
import Testing

/// Loads every YAML/JSON file of the shared real-world corpus (``SharedData/corpus``, see its
/// README.md): Backstage catalogs, Terraform JSON plans, GitHub Actions and GitLab CI pipelines.
///
/// Every file must load without an error diagnostic, except the files listed in
/// ``CorpusLoadTests/brokenOnPurpose``, which are broken by their authors on purpose and must fail
/// with exactly the positioned errors listed there.
@Suite(.requires(sharedData: SharedCorpus.root))
struct CorpusLoadTests {

  /// A corpus file that is broken on purpose, with the errors it must produce.
  struct Broken: Sendable, CustomStringConvertible {
    /// Path relative to the corpus root.
    let path: String
    /// The error diagnostics expected, in order, as `code@line:column`.
    let errors: [String]
    /// Why the file is broken.
    let reason: String

    var description: String { path }
  }

  static let brokenOnPurpose: [Broken] = [
    // Backstage scaffolder skeletons are Nunjucks templates: the `{%- if values.description %}`
    // lines only become YAML once rendered ('{' opens a flow mapping, '%' cannot start a token).
    // (docs-template-cookiecutter/skeleton is NOT here: its `name: {{cookiecutter.name}}` values
    // are valid YAML, flow mappings used as keys; PyYAML only rejects them as unhashable keys.)
    Broken(
      path: "catalog/backstage__software-templates/scaffolder-templates/create-react-app/skeleton/catalog-info.yaml",
      errors: ["yaml.syntax@5:4"],
      reason: "scaffolder skeleton: Nunjucks '{%- if values.description %}' on line 5 is not YAML until rendered"),
    Broken(
      path: "catalog/backstage__software-templates/scaffolder-templates/react-ssr-template/skeleton/catalog-info.yaml",
      errors: ["yaml.syntax@5:4"],
      reason: "scaffolder skeleton: Nunjucks '{%- if values.description %}' on line 5 is not YAML until rendered"),
    Broken(
      path:
        "catalog/backstage__software-templates/scaffolder-templates/springboot-grpc-template/skeleton/catalog-info.yaml",
      errors: ["yaml.syntax@5:4"],
      reason: "scaffolder skeleton: Nunjucks '{%- if values.description %}' on line 5 is not YAML until rendered"),

    // terraform-json's negative test input.
    Broken(
      path: "terraform-plans/terraform-json/invalid__plan.json",
      errors: ["yaml.syntax@676:29"],
      reason: "intentionally malformed JSON (hashicorp/terraform-json testdata/invalid): '{}}}}}}},' closes the top-level object early"),

    // actionlint's error tests and examples: each file's `.out` expects these errors.
    Broken(
      path: "pipelines/github/actionlint/err/duplicate_keys.yaml",
      errors: ["yaml.duplicate-key@12:5"],
      reason: "duplicate key 'runs-on' (line 12); actionlint error test"),
    Broken(
      path: "pipelines/github/actionlint/err/issue-610_recursive_raw_yaml_value.yaml",
      errors: ["yaml.recursive-alias@10:21"],
      reason: "recursive alias '*recursive_include' (line 10) inside its own anchor; actionlint error test"),
    Broken(
      path: "pipelines/github/actionlint/err/recursive_anchors.yaml",
      errors: ["yaml.recursive-alias@9:14", "yaml.recursive-alias@11:14", "yaml.recursive-alias@15:9"],
      reason: "recursive aliases '*recursive1' (line 9) and '*recursive2' (lines 11, 15); actionlint error test"),
    Broken(
      path: "pipelines/github/actionlint/err/undefined_anchor.yaml",
      errors: ["yaml.undefined-alias@8:14", "yaml.undefined-alias@14:14"],
      reason: "aliases '*default_env' (line 8, anchor defined later) and '*another_env' (line 14, never defined); actionlint error test"),
    Broken(
      path: "pipelines/github/actionlint/err/workflow_call_event.yaml",
      errors: ["yaml.duplicate-key@21:7", "yaml.duplicate-key@42:7"],
      reason: "duplicate key 'input0' (line 21) and duplicate key 'secret1' (line 42); actionlint error test"),
    Broken(
      path: "pipelines/github/actionlint/err/workflow_call_outputs_syntax.yaml",
      errors: ["yaml.duplicate-key@16:7"],
      reason: "duplicate key 'duplicate-key' (line 16); actionlint error test"),
    Broken(
      path: "pipelines/github/actionlint/err/yaml_syntax_error.yaml",
      errors: ["yaml.syntax@2:8"],
      reason: "'steps: -' : a block sequence entry where a value is expected; actionlint error test"),
    Broken(
      path: "pipelines/github/actionlint/examples/broken_yaml.yaml",
      errors: ["yaml.syntax@6:17"],
      reason: "'- run: foo:' : a second ':' in a plain scalar; actionlint example of broken YAML"),
    Broken(
      path: "pipelines/github/actionlint/examples/dangling_alias.yaml",
      errors: ["yaml.undefined-alias@9:14"],
      reason: "alias '*credentials' (line 9) without an anchor; actionlint example"),
    Broken(
      path: "pipelines/github/actionlint/examples/yaml_anchor_usage.yaml",
      errors: ["yaml.recursive-alias@22:14"],
      reason: "recursive alias '*recursive' (line 22) inside its own anchor; actionlint example"),

    // zizmor's intentionally invalid inputs (invalid/).
    Broken(
      path: "pipelines/github/zizmor/test-data/invalid/bad-yaml-2.yml",
      errors: ["yaml.syntax@3:8"],
      reason: "inconsistent indentation: 'baz: qux' (line 3) under a plain scalar; zizmor invalid input"),
    Broken(
      path: "pipelines/github/zizmor/test-data/invalid/invalid-action-2/action.yml",
      errors: ["yaml.syntax@3:8"],
      reason: "inconsistent indentation: 'baz: qux' (line 3) under a plain scalar; zizmor invalid input"),
    Broken(
      path: "pipelines/github/zizmor/test-data/invalid/issue-1395-repro-duplicate-mapping-keys.yml",
      errors: ["yaml.duplicate-key@14:9"],
      reason: "duplicate key 'env' (line 14); zizmor reproducer for issue 1395"),

    // A real pipeline with a genuine duplicate job (the later one silently wins in GitLab).
    Broken(
      path: "pipelines/gitlab/gitlabhq__cli/test/testdata/.gitlab-ci.yml",
      errors: ["yaml.duplicate-key@123:1"],
      reason: "duplicate key 'report2' (line 123); glab CLI test fixture"),
  ]

  static let brokenPaths = Set(brokenOnPurpose.map(\.path))

  /// Every corpus file loaded once, shared by the tests below.
  static let files: [SharedCorpus.File] = SharedCorpus.loadAll()

  /// Renders a result's diagnostics with their source lines, for failure messages.
  static func rendered(_ result: YAMLLoadResult) -> String {
    DiagnosticRenderer(sources: result.source.map { [$0] } ?? []).render(result.diagnostics)
  }

  static func errorSummary(_ result: YAMLLoadResult) -> [String] {
    result.diagnostics.filter { $0.severity == .error }.map { diagnostic in
      let place = diagnostic.location.map { "@\($0.span.start.line):\($0.span.start.column)" } ?? "@<no location>"
      return diagnostic.code + place
    }
  }

  // MARK: Loading

  @Test func corpusHasTheExpectedFolders() {
    for folder in SharedCorpus.folders {
      let count = Self.files.count { $0.path.hasPrefix(folder + "/") }
      // The corpus has ~100 catalog files, ~180 plans and ~660 pipeline files: a small count means
      // discovery broke, not that the corpus shrank.
      #expect(count >= 50, "only \(count) files found under \(folder)/")
    }
  }

  @Test func everyFileLoadsWithoutErrorsExceptTheBrokenOnes() {
    for file in Self.files where !Self.brokenPaths.contains(file.path) {
      #expect(
        !file.result.hasErrors,
        "\(file.path) should load without errors:\n\(Self.rendered(file.result))")
      #expect(file.result.source != nil, "\(file.path) was not read")
    }
  }

  @Test(arguments: CorpusLoadTests.brokenOnPurpose)
  func brokenFileFailsWithPositionedErrors(_ broken: Broken) throws {
    let file = try #require(
      Self.files.first { $0.path == broken.path }, "\(broken.path) is listed as broken but is not in the corpus")
    let result = file.result
    #expect(result.hasErrors, "\(broken.path) should fail: \(broken.reason)")
    #expect(Self.errorSummary(result) == broken.errors, "\(broken.reason)\n\(Self.rendered(result))")
    let source = try #require(result.source)
    for diagnostic in result.diagnostics where diagnostic.severity == .error {
      let location = try #require(diagnostic.location, "\(diagnostic.code) has no location")
      #expect(location.path == file.absolutePath)
      #expect(location.span.start.line >= 1 && location.span.start.line <= source.lineCount)
      #expect(location.span.start.column >= 1)
      #expect(location.span.start.offset <= source.bytes.count)
      // The line/column agree with the byte offset.
      #expect(source.position(ofOffset: location.span.start.offset) == location.span.start)
      #expect(!diagnostic.message.isEmpty)
      // Renders with its source line and a caret.
      let text = DiagnosticRenderer(sources: [source]).render(diagnostic)
      #expect(text.hasPrefix("\(file.absolutePath):\(location.span.start.line):\(location.span.start.column): error: "))
      #expect(text.contains("^"))
    }
  }

  // MARK: What the loaded files contain

  @Test func terraformPlansHaveARootMappingWithFormatVersion() throws {
    var plans = 0
    var withResourceChanges = 0
    for file in Self.files where file.path.hasPrefix("terraform-plans/") && file.path.hasSuffix(".json") {
      guard !Self.brokenPaths.contains(file.path) else { continue }
      plans += 1
      #expect(file.result.documents.count == 1, "\(file.path)")
      guard let root = file.result.documents.first?.root else { continue }
      #expect(root.kind == .mapping, "\(file.path)")
      let version = root["format_version"]
      #expect(version?.scalarType == .string, "\(file.path): format_version \(String(describing: version?.string))")
      #expect(version?.style == .doubleQuoted, "\(file.path)")
      let text = version?.string ?? ""
      let parts = text.split(separator: ".", omittingEmptySubsequences: false)
      #expect(parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }, "\(file.path): '\(text)'")
      // The span of format_version's value is the quoted text in the file.
      #expect(version?.rawText == "\"\(text)\"", "\(file.path)")
      if let changes = root["resource_changes"] {
        withResourceChanges += 1
        #expect(changes.kind == .sequence, "\(file.path)")
        for change in changes.elements {
          #expect(change.kind == .mapping && change["address"]?.scalarType == .string, "\(file.path)")
        }
      }
    }
    #expect(plans >= 150, "only \(plans) plans loaded")
    #expect(withResourceChanges >= 100, "only \(withResourceChanges) plans have resource_changes")
  }

  /// Every JSON file reads exactly as Foundation's JSON parser reads it: same structure, strings,
  /// numbers, booleans and nulls (an independent check of scalar decoding and core-schema typing).
  @Test func jsonFilesMatchFoundationsJSONParser() throws {
    var compared = 0
    for file in Self.files where file.path.hasSuffix(".json") && !Self.brokenPaths.contains(file.path) {
      guard let source = file.result.source, let root = file.result.documents.first?.root else {
        Issue.record("\(file.path): no document")
        continue
      }
      let expected = try JSONSerialization.jsonObject(with: Data(source.bytes), options: [.fragmentsAllowed])
      var mismatches: [String] = []
      compare(root, expected, "$", &mismatches)
      #expect(mismatches.isEmpty, "\(file.path): \(mismatches.prefix(5).joined(separator: "; "))")
      compared += 1
    }
    #expect(compared >= 200, "only \(compared) JSON files compared")
  }

  @Test func githubWorkflowsHaveARootMappingWithJobsAndAStringOnKey() {
    var workflows = 0
    var onKeys = 0
    for file in Self.files where file.path.hasPrefix("pipelines/github/") && !file.path.hasSuffix(".json") {
      guard !Self.brokenPaths.contains(file.path), let source = file.result.source else { continue }
      // A workflow is a file with a top-level `jobs:` key.
      guard source.bytes.starts(with: Array("jobs:".utf8)) || contains(source.bytes, "\njobs:")
      else { continue }
      workflows += 1
      #expect(file.result.documents.count == 1, "\(file.path)")
      guard let root = file.result.documents.first?.root else { continue }
      #expect(root.kind == .mapping, "\(file.path)")
      #expect(root.pair(forKey: "jobs") != nil, "\(file.path)")
      // YAML 1.2 core schema: `on` is the string "on", not the boolean true of YAML 1.1.
      if let on = root.pairs.first(where: { $0.key.rawText == "on" }) {
        onKeys += 1
        #expect(on.key.scalarType == .string && on.key.string == "on", "\(file.path)")
      }
    }
    #expect(workflows >= 400, "only \(workflows) workflows found")
    #expect(onKeys >= 400, "only \(onKeys) workflows have an 'on' key")
  }

  @Test func catalogDocumentsAreEntitiesOrAPISpecs() {
    var entities = 0
    var kinds = Set<String>()
    for file in Self.files where file.path.hasPrefix("catalog/") && !Self.brokenPaths.contains(file.path) {
      for document in file.result.documents {
        let root = document.root
        #expect(root.kind == .mapping, "\(file.path): document at line \(document.span.start.line)")
        // OpenAPI / Swagger definitions referenced by API entities live next to them.
        if root["openapi"] != nil || root["swagger"] != nil { continue }
        entities += 1
        #expect(root["apiVersion"]?.scalarType == .string, "\(file.path): line \(document.span.start.line)")
        if let kind = root["kind"]?.string { kinds.insert(kind) } else { Issue.record("\(file.path): no kind") }
      }
    }
    #expect(entities >= 120, "only \(entities) catalog entities")
    #expect(kinds.isSuperset(of: ["Component", "API", "System", "Domain", "Group", "User", "Location", "Template", "Resource"]), "\(kinds)")
  }

  @Test func gitlabPipelinesAreMappingsAndKeepReferenceTags() {
    var documents = 0
    var referenceTags = 0
    var specHeaders = 0
    for file in Self.files where file.path.hasPrefix("pipelines/gitlab/") && !Self.brokenPaths.contains(file.path) {
      for (position, document) in file.result.documents.enumerated() {
        documents += 1
        #expect(document.root.kind == .mapping, "\(file.path): document \(position)")
        if position == 0 && document.root["spec"]?["inputs"] != nil {
          specHeaders += 1
          // A `spec: inputs:` header is followed by the pipeline itself.
          #expect(file.result.documents.count == 2, "\(file.path)")
          #expect(document.hasExplicitEnd || file.result.documents[1].hasExplicitStart, "\(file.path)")
        }
      }
      referenceTags += countTags("!reference", in: file.result.documents.map(\.root))
    }
    #expect(documents >= 35, "only \(documents) GitLab documents")
    #expect(referenceTags >= 10, "only \(referenceTags) '!reference' tags kept")
    #expect(specHeaders >= 2, "only \(specHeaders) spec headers")
  }

  /// Spans of every node of every file are inside the file, nested in their parent's span, and
  /// scalars' source text matches their style (quotes) and, for one-line plain scalars, their value.
  @Test func everyNodeSpanIsConsistentWithTheSource() {
    var nodes = 0
    for file in Self.files where !Self.brokenPaths.contains(file.path) {
      guard let source = file.result.source else { continue }
      var problems: [String] = []
      for document in file.result.documents {
        checkSpans(document.root, parent: document.span.byteRange, source, &problems, &nodes)
      }
      #expect(problems.isEmpty, "\(file.path): \(problems.prefix(5).joined(separator: "; "))")
    }
    #expect(nodes >= 200_000, "only \(nodes) nodes checked")
  }
}

@Suite struct CorpusJSONComparisonTests {
  /// The JSON comparison of the corpus tests tells types and values apart (booleans are not
  /// numbers to it). It needs no corpus, so it runs without one.
  @Test func jsonComparisonDetectsDifferences() throws {
    let text = #"{"a": true, "b": 1, "c": "x", "d": null, "e": [1.5, 0]}"#
    let root = try #require(YAMLLoader().load(text: text).documents.first?.root)
    func mismatches(_ json: String) throws -> [String] {
      var found: [String] = []
      compare(root, try JSONSerialization.jsonObject(with: Data(json.utf8)), "$", &found)
      return found
    }
    #expect(try mismatches(text).isEmpty)
    for changed in [
      #"{"a": 1, "b": 1, "c": "x", "d": null, "e": [1.5, 0]}"#,
      #"{"a": true, "b": true, "c": "x", "d": null, "e": [1.5, 0]}"#,
      #"{"a": true, "b": 2, "c": "x", "d": null, "e": [1.5, 0]}"#,
      #"{"a": true, "b": 1, "c": "y", "d": null, "e": [1.5, 0]}"#,
      #"{"a": true, "b": 1, "c": "x", "d": "null", "e": [1.5, 0]}"#,
      #"{"a": true, "b": 1, "c": "x", "d": null, "e": [1.5, false]}"#,
      #"{"a": true, "b": 1, "c": "x", "d": null, "e": [1.5]}"#,
      #"{"a": true, "b": 1, "c": "x", "d": null, "e": [1.5, 0], "f": 0}"#,
    ] {
      #expect(try !mismatches(changed).isEmpty, "\(changed)")
    }
  }
}

// MARK: - Corpus discovery and loading

enum SharedCorpus {
  /// The shared corpus.
  static let root = SharedData.corpus
  static let folders = ["catalog", "terraform-plans", "pipelines"]

  struct File: Sendable {
    /// Path relative to the corpus root.
    let path: String
    let absolutePath: String
    let result: YAMLLoadResult
  }

  /// Relative paths of every .yaml/.yml/.json file under the corpus folders, sorted.
  static func discover() -> [String] {
    var paths: [String] = []
    for folder in folders {
      let base = root.appendingPathComponent(folder).path
      guard let enumerator = FileManager.default.enumerator(atPath: base) else { continue }
      while let relative = enumerator.nextObject() as? String {
        guard relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") || relative.hasSuffix(".json") else { continue }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: base + "/" + relative, isDirectory: &isDirectory),
          !isDirectory.boolValue
        else { continue }
        paths.append(folder + "/" + relative)
      }
    }
    return paths.sorted()
  }

  static func loadAll() -> [File] {
    let loader = YAMLLoader()
    return discover().map { path in
      let absolute = root.path + "/" + path
      return File(path: path, absolutePath: absolute, result: loader.load(path: absolute))
    }
  }
}

// MARK: - Helpers

/// Whether `bytes` contain the UTF-8 of `text`.
private func contains(_ bytes: [UInt8], _ text: String) -> Bool {
  let needle = Array(text.utf8)
  guard bytes.count >= needle.count else { return false }
  var i = 0
  while i + needle.count <= bytes.count {
    if bytes[i] == needle[0] && bytes[i..<i + needle.count].elementsEqual(needle) { return true }
    i += 1
  }
  return false
}

private func countTags(_ tag: String, in roots: [YAMLNode]) -> Int {
  var count = 0
  var stack = roots
  while let node = stack.popLast() {
    if node.tag == tag { count += 1 }
    if node.isAlias { continue }
    switch node.kind {
    case .scalar: break
    case .sequence: stack.append(contentsOf: node.elements)
    case .mapping:
      for pair in node.pairs {
        stack.append(pair.key)
        stack.append(pair.value)
      }
    }
  }
  return count
}

private func checkSpans(
  _ node: YAMLNode, parent: Range<Int>, _ source: SourceFile, _ problems: inout [String], _ count: inout Int
) {
  count += 1
  // A node reached through an alias is checked where its anchor is; here only the alias's span.
  let range: Range<Int>
  if node.isAlias, let alias = node.aliasSpan {
    range = alias.byteRange
  } else {
    range = node.byteRange
  }
  if range.lowerBound < parent.lowerBound || range.upperBound > parent.upperBound || range.upperBound > source.bytes.count
  {
    problems.append("node at \(node.span.start) spans \(range), outside its parent \(parent)")
    return
  }
  if node.isAlias { return }
  switch node.kind {
  case .scalar:
    let raw = node.rawText
    switch node.style {
    case .doubleQuoted:
      if !(raw.count >= 2 && raw.hasPrefix("\"") && raw.hasSuffix("\"")) {
        problems.append("double-quoted scalar at \(node.span.start) has source text \(raw.debugDescription)")
      }
    case .singleQuoted:
      if !(raw.count >= 2 && raw.hasPrefix("'") && raw.hasSuffix("'")) {
        problems.append("single-quoted scalar at \(node.span.start) has source text \(raw.debugDescription)")
      }
    case .plain:
      if !raw.contains("\n") && !raw.contains("\r") && raw != node.string {
        problems.append("plain scalar at \(node.span.start) reads \(node.string.debugDescription) but its source is \(raw.debugDescription)")
      }
    case .literal, .folded:
      if !(raw.hasPrefix("|") || raw.hasPrefix(">")) {
        problems.append("block scalar at \(node.span.start) has source text \(raw.prefix(20).debugDescription)")
      }
    default:
      problems.append("scalar at \(node.span.start) has collection style \(node.style)")
    }
  case .sequence:
    if node.style == .flow && !node.rawText.hasPrefix("[") {
      problems.append("flow sequence at \(node.span.start) does not start with '['")
    }
    for element in node.elements {
      checkSpans(element, parent: range, source, &problems, &count)
    }
  case .mapping:
    if node.style == .flow && !node.rawText.hasPrefix("{") {
      problems.append("flow mapping at \(node.span.start) does not start with '{'")
    }
    var previousKey = range.lowerBound
    let hasMergeKey = node.rawText.contains("<<")
    for pair in node.pairs {
      let keyStart = pair.key.isAlias ? (pair.key.aliasSpan?.start.offset ?? 0) : pair.key.byteRange.lowerBound
      // Pairs brought in by a merge key (`<<: *base`) live where `base` is: checked there.
      if hasMergeKey && !range.contains(keyStart) { continue }
      // Keys are in source order.
      if keyStart < previousKey {
        problems.append("key at \(pair.key.span.start) comes before the previous key")
      }
      previousKey = keyStart
      checkSpans(pair.key, parent: range, source, &problems, &count)
      checkSpans(pair.value, parent: range, source, &problems, &count)
    }
  }
}

/// Compares a loaded node with the value Foundation's `JSONSerialization` read, appending the first
/// few differences to `mismatches`.
private func compare(_ node: YAMLNode, _ json: Any, _ path: String, _ mismatches: inout [String]) {
  guard mismatches.count < 5 else { return }
  if let object = json as? [String: Any] {
    guard node.kind == .mapping else {
      mismatches.append("\(path): a \(node.kind) at \(node.span.start), JSON has an object")
      return
    }
    if node.count != object.count { mismatches.append("\(path): \(node.count) keys, JSON has \(object.count)") }
    for pair in node.pairs {
      guard let key = pair.key.string, pair.key.scalarType == .string else {
        mismatches.append("\(path): key at \(pair.key.span.start) is not a string")
        continue
      }
      guard let value = object[key] else {
        mismatches.append("\(path): extra key '\(key)'")
        continue
      }
      compare(pair.value, value, path + "." + key, &mismatches)
    }
  } else if let array = json as? [Any] {
    guard node.kind == .sequence else {
      mismatches.append("\(path): a \(node.kind) at \(node.span.start), JSON has an array")
      return
    }
    if node.count != array.count { mismatches.append("\(path): \(node.count) elements, JSON has \(array.count)") }
    for (index, (element, value)) in zip(node.elements, array).enumerated() {
      compare(element, value, "\(path)[\(index)]", &mismatches)
    }
  } else if json is NSNull {
    if node.value != .null { mismatches.append("\(path): \(String(describing: node.value)), JSON has null") }
  } else if let string = json as? String {
    if node.value != .string(string) {
      mismatches.append("\(path): \(String(describing: node.value)), JSON has \(string.debugDescription)")
    }
  } else if let number = json as? NSNumber {
    let type = String(cString: number.objCType)
    let same: Bool
    switch node.value {
    case .bool(let bool): same = (type == "c" || type == "B") && number.boolValue == bool
    case .int(let int): same = type != "c" && type != "B" && (type == "d" || type == "f" ? Double(int) == number.doubleValue : Int64(int) == number.int64Value)
    case .float(let float): same = type != "c" && type != "B" && float == number.doubleValue
    default: same = false
    }
    if !same { mismatches.append("\(path): \(String(describing: node.value)), JSON has \(number) (\(type))") }
  } else {
    mismatches.append("\(path): unexpected JSON value \(type(of: json))")
  }
}
