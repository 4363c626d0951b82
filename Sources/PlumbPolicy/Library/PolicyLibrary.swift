import Foundation
import PlumbDiagnostics
import PlumbFiles
import PlumbYAML

/// A rule file's text, with the path it is known by (built-in rules are embedded in the binary).
public struct PolicySource: Sendable {
  /// The path shown in diagnostics (e.g. `rules/security/github_actions_pinned.plumb`).
  public var path: String
  /// The file's text.
  public var text: String

  /// Creates a policy source.
  public init(path: String, text: String) {
    self.path = path
    self.text = text
  }
}

/// Every rule, policy pack and scorecard loaded for a run, checked.
public struct PolicyLibrary: Sendable {
  /// Rules that compiled, sorted by id.
  public private(set) var rules: [CompiledRule] = []
  /// Policy packs, by name.
  public private(set) var packs: [String: PackDecl] = [:]
  /// Scorecards, by name.
  public private(set) var scorecards: [String: ScorecardDecl] = [:]
  /// The sources of packs and scorecards, by name, for locating their diagnostics.
  public private(set) var declarationSources: [String: SourceFile] = [:]
  /// Problems: syntax and check errors, duplicates, unknown references.
  public private(set) var diagnostics: [Diagnostic] = []
  /// Every policy file read.
  public private(set) var sources: [SourceFile] = []
  /// Test files that contributed examples, by rule id.
  public private(set) var externalExampleSources: [String: [String]] = [:]

  /// Parses and checks `sources`.
  public init(sources policySources: [PolicySource]) {
    var ruleDecls: [(RuleDecl, SourceFile)] = []
    var packDecls: [(PackDecl, SourceFile)] = []
    var cardDecls: [(ScorecardDecl, SourceFile)] = []
    var external: [(String, [ExampleDecl], Range<Int>, SourceFile)] = []
    // Files are parsed on every core (a run parses all the built-in rules), then taken in order.
    let parsed = policySources.concurrentMap { policy in
      let source = SourceFile(path: policy.path, text: policy.text)
      var parser = Parser(source: source)
      let file = parser.parseFile()
      return (source: source, file: file, problems: parser.diagnostics)
    }
    for (source, file, problems) in parsed {
      sources.append(source)
      diagnostics.append(contentsOf: problems)
      // A rule whose text has syntax errors is never run, even if the parser recovered.
      let broken = problems.compactMap { $0.location?.span.start.offset }
      ruleDecls += file.rules.filter { rule in !broken.contains { rule.range.contains($0) } }.map { ($0, source) }
      packDecls += file.packs.map { ($0, source) }
      cardDecls += file.scorecards.map { ($0, source) }
      external += file.externalExamples.map { ($0.ruleID, $0.examples, $0.range, source) }
    }
    // Examples from test files join their rule.
    for (ruleID, examples, range, source) in external {
      guard let position = ruleDecls.firstIndex(where: { $0.0.id == ruleID }) else {
        diagnostics.append(error(source, range, "examples for unknown rule '\(ruleID)'", "policy.unknown-rule"))
        continue
      }
      ruleDecls[position].0.examples += examples
      externalExampleSources[ruleID, default: []].append(source.path)
    }
    var seen: [String: SourceLocation] = [:]
    var unique: [(RuleDecl, SourceFile)] = []
    for (decl, source) in ruleDecls {
      let location = SourceLocation(path: source.path, span: source.span(from: decl.idRange.lowerBound, to: decl.idRange.upperBound))
      if let first = seen[decl.id] {
        diagnostics.append(
          Diagnostic(
            code: "policy.duplicate-rule", message: "rule '\(decl.id)' is defined more than once", location: location,
            notes: [Diagnostic.Note(message: "first defined here", location: first)]))
        continue
      }
      seen[decl.id] = location
      unique.append((decl, source))
    }
    // Rules are checked on every core too; their diagnostics are kept in declaration order.
    let checked = unique.concurrentMap { decl, source in
      var checker = Checker(source: source)
      let compiled = checker.check(decl)
      return (rule: compiled, problems: checker.diagnostics)
    }
    for (compiled, problems) in checked {
      if let compiled { rules.append(compiled) }
      diagnostics.append(contentsOf: problems)
    }
    rules.sort { $0.id < $1.id }
    let allRuleIDs = Set(ruleDecls.map(\.0.id))
    for (pack, source) in packDecls {
      if packs[pack.name] != nil {
        diagnostics.append(error(source, pack.range, "pack '\(pack.name)' is defined more than once", "policy.duplicate-pack"))
        continue
      }
      checkPack(pack, source, allRuleIDs)
      packs[pack.name] = pack
      declarationSources["pack:" + pack.name] = source
    }
    for (card, source) in cardDecls {
      if scorecards[card.name] != nil {
        diagnostics.append(
          error(source, card.range, "scorecard '\(card.name)' is defined more than once", "policy.duplicate-scorecard"))
        continue
      }
      checkScorecard(card, source, allRuleIDs)
      scorecards[card.name] = card
      declarationSources["scorecard:" + card.name] = source
    }
  }

  /// The largest policy file read, in bytes (16 MiB; the built-in library is under 1 MiB in all).
  /// Rules come from the repository being checked: a huge file is refused before it is read.
  public static let maxFileBytes = 16 << 20

  /// Reads every `*.plumb` file under `paths` (files or directories), sorted by path.
  ///
  /// A file given is read wherever it is; a file found by walking a directory given must resolve
  /// inside `root` or inside that directory (symbolic links to directories are not followed).
  /// Only regular files are read (``readFile(path:displayPath:limit:within:)``).
  public static func read(paths: [String], root: String? = nil) -> (sources: [PolicySource], diagnostics: [Diagnostic]) {
    var found: [(path: String, boundary: ReadBoundary?)] = []
    var problems: [Diagnostic] = []
    for path in paths {
      var info = stat()
      guard stat(path, &info) == 0 else {
        let error = FileSystemError(errno)
        let message =
          error.code == ENOENT && symbolicLinkTarget(path) == nil
          ? "no such rule or policy path: '\(path)'" : "cannot read rule or policy path '\(path)': \(error)"
        problems.append(Diagnostic(code: error.code == ENOENT ? "io.missing" : "io.unreadable", message: message, location: nil))
        continue
      }
      guard info.st_mode & S_IFMT == S_IFDIR else {
        found.append((path, nil))
        continue
      }
      let boundary = ReadBoundary(root: root ?? path, also: [path])
      let walk = DirectoryWalker(boundary: boundary, takesFile: { $0.hasSuffix(".plumb") }).walk(path) { $0 }
      found += walk.files.map { ($0, boundary) }
      problems += walk.problems
      problems += walk.linkedDirectories.map {
        Diagnostic(
          code: "io.symlinked-directory", severity: .note,
          message: "'\($0)' is a symbolic link to a directory, which is not followed", location: nil)
      }
    }
    var sources: [PolicySource] = []
    for (file, boundary) in found.sorted(by: { $0.path < $1.path }) {
      switch readFile(path: file, displayPath: file, limit: maxFileBytes, within: boundary) {
      case .success(let bytes):
        if let text = String(validating: bytes, as: UTF8.self) {
          sources.append(PolicySource(path: file, text: text))
        } else {
          problems.append(Diagnostic(code: "io.unreadable", message: "cannot read '\(file)' as UTF-8 text", location: nil))
        }
      case .failure(let failure):
        if let size = failure.tooLargeSize {
          problems.append(
            Diagnostic(
              code: "policy.file-size",
              message: "'\(file)' is \(size) bytes, more than the limit of \(maxFileBytes) bytes for a policy file",
              location: nil))
        } else {
          problems.append(Diagnostic(code: failure.code, message: failure.message, location: nil))
        }
      }
    }
    return (sources, problems)
  }

  /// The rule with `id`.
  public func rule(_ id: String) -> CompiledRule? { rules.first { $0.id == id } }

  /// Whether any diagnostic is an error.
  public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

  // MARK: Checking packs and scorecards

  private func error(_ source: SourceFile, _ range: Range<Int>, _ message: String, _ code: String) -> Diagnostic {
    Diagnostic(
      code: code, message: message,
      location: SourceLocation(path: source.path, span: source.span(from: range.lowerBound, to: range.upperBound)))
  }

  private mutating func checkPack(_ pack: PackDecl, _ source: SourceFile, _ ruleIDs: Set<String>) {
    let categories = Set(rules.map(\.decl.category))
    for entry in pack.entries {
      switch entry.target {
      case .rule(let id):
        guard ruleIDs.contains(id) else {
          let hint = suggestion(for: id, among: ruleIDs).map { "; did you mean '\($0)'?" } ?? ""
          diagnostics.append(error(source, entry.range, "pack '\(pack.name)' names unknown rule '\(id)'\(hint)", "policy.unknown-rule"))
          continue
        }
        guard let rule = rule(id) else { continue }
        for (name, value, range) in entry.params {
          guard let param = rule.decl.params.first(where: { $0.name == name }) else {
            let hint = suggestion(for: name, among: rule.decl.params.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""
            diagnostics.append(error(source, range, "rule '\(id)' has no parameter '\(name)'\(hint)", "policy.unknown-parameter"))
            continue
          }
          guard let constant = Checker.constant(value), Checker.conforms(constant, to: param.type) else {
            diagnostics.append(error(source, value.range, "'\(name)' of rule '\(id)' must be a \(param.type) literal", "policy.parameter-type"))
            continue
          }
          // A pattern that does not compile would make every match fail at run time: refused now.
          for (range, pattern, problem) in Checker.invalidPatterns(value, type: param.type) {
            diagnostics.append(
              error(
                source, range,
                "'\(name)' of rule '\(id)' is not a valid regular expression: '\(EvaluationError.excerpt(pattern))' (\(problem))",
                "policy.invalid-pattern"))
          }
        }
      case .category(let category):
        if !categories.contains(category) {
          diagnostics.append(
            error(source, entry.range, "pack '\(pack.name)' names category '\(category)', which no rule has", "policy.unknown-category"))
        }
        if !entry.params.isEmpty {
          diagnostics.append(error(source, entry.range, "parameters can only be set on a single rule", "policy.parameter-scope"))
        }
      case .all:
        if !entry.params.isEmpty {
          diagnostics.append(error(source, entry.range, "parameters can only be set on a single rule", "policy.parameter-scope"))
        }
      }
    }
  }

  private mutating func checkScorecard(_ card: ScorecardDecl, _ source: SourceFile, _ ruleIDs: Set<String>) {
    var checker = Checker(source: source)
    if let selector = card.selector {
      checker.checkSelector(selector)
      if let filter = card.filter { _ = checker.infer(filter, [card.variable: .entity(selector.kind)]) }
    }
    diagnostics.append(contentsOf: checker.diagnostics)
    var levels = Set<String>()
    for level in card.levels {
      for (member, range) in level.members where !ruleIDs.contains(member) && !levels.contains(member) {
        let hint = suggestion(for: member, among: ruleIDs.union(levels)).map { "; did you mean '\($0)'?" } ?? ""
        diagnostics.append(
          error(source, range, "scorecard '\(card.name)' names unknown rule or earlier level '\(member)'\(hint)", "policy.unknown-rule"))
      }
      if levels.contains(level.name) {
        diagnostics.append(error(source, level.range, "level '\(level.name)' is defined twice", "policy.duplicate-level"))
      }
      levels.insert(level.name)
    }
    for (rule, _, range) in card.weights where !ruleIDs.contains(rule) {
      diagnostics.append(error(source, range, "weight for unknown rule '\(rule)'", "policy.unknown-rule"))
    }
  }
}
