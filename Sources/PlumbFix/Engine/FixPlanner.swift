import Foundation
import PlumbDiagnostics
import PlumbGraph
import PlumbPolicy
import PlumbYAML

/// The edits one fix makes to one file, and what they must achieve.
public struct FileEdits: Sendable {
  public enum Language: String, Sendable, Codable {
    case yaml, hcl
  }
  /// The path relative to the root (as findings show it).
  public var path: String
  /// The absolute path.
  public var absolutePath: String
  public var language: Language
  public var edits: [TextEdit]
  /// YAML: what the edits mean (checked against the re-loaded file).
  public var changes: [SemanticChange] = []
  /// HCL: the literal values the edited file must hold.
  public var expectations: [HCLExpectation] = []
}

/// A value a `.tf` file must hold after a fix.
public struct HCLExpectation: Sendable, Equatable {
  public var keyword: String
  public var type: String
  public var name: String
  public var path: [String]
  /// The value; nil when the attribute must be gone.
  public var value: FixValue?
}

/// A finding's fix, turned into edits.
public struct PlannedFix: Sendable {
  public var finding: Finding
  public var files: [FileEdits]
  /// What the user should know about the edit.
  public var notes: [String] = []
  /// Why the fix is unsafe (empty: safe).
  public var unsafeReasons: [String] = []
  /// Whether the fix edits Terraform source (verified by re-reading it, not by re-planning).
  public var isTerraform = false

  /// The edits of `path`.
  public func edits(of path: String) -> [TextEdit] { files.filter { $0.absolutePath == path }.flatMap(\.edits) }
}

/// Where new keys go, so they land where people write them.
enum InsertionHints {
  static func hint(kind: String, container: [String], key: String) -> InsertionHint {
    switch (kind, container, key) {
    case (EntityKinds.githubWorkflow, [], _): return InsertionHint(before: ["jobs"])
    case (EntityKinds.githubJob, [], "permissions"):
      return InsertionHint(after: ["runs-on", "needs", "if", "name"], before: ["uses", "steps"])
    case (EntityKinds.githubStep, [], "with"): return InsertionHint(after: ["uses"])
    case (EntityKinds.githubStep, [], "env"): return InsertionHint(after: ["with", "uses"], before: ["run"])
    case (_, ["spec"], "owner"): return InsertionHint(after: ["lifecycle", "type"])
    default: return .end
    }
  }
}

/// Turns a finding's proposed fixes into byte edits of its source files, or says why it cannot.
public final class FixPlanner: @unchecked Sendable {
  let graph: DocumentGraph
  let root: String
  let sources: [String: SourceFile]
  let pins: ActionPins
  let terraform: TerraformSources
  let limits: YAMLLimits
  let overlay: [String: [UInt8]]
  private var files: [String: YAMLFile] = [:]
  private let lock = NSLock()

  /// - Parameters:
  ///   - graph: the graph the findings came from.
  ///   - sources: the files it was built from.
  ///   - root: the ingest root.
  ///   - overlay: bytes that replace `.tf` files on disk (by absolute path), for re-planning.
  public init(
    graph: DocumentGraph, sources: [SourceFile], root: String, pins: ActionPins, terraform: TerraformSources,
    limits: YAMLLimits = .default, overlay: [String: [UInt8]] = [:]
  ) {
    self.graph = graph
    self.root = root
    self.sources = Dictionary(sources.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    self.pins = pins
    self.terraform = terraform
    self.limits = limits
    self.overlay = overlay
  }

  func absolute(_ path: String) -> String { IngestPath.absolute(path, root: root) }

  /// The file at `path` (relative to the root), loaded for editing from the graph's bytes.
  func yamlFile(_ path: String) -> YAMLFile? {
    lock.lock()
    defer { lock.unlock() }
    if let cached = files[path] { return cached }
    guard let source = sources[path] else { return nil }
    let file = YAMLFile(path: path, bytes: source.bytes, limits: limits)
    files[path] = file
    return file
  }

  /// Entries of one mapping that a fix removes: removed together, so that their edits do not
  /// overlap and removing every entry leaves `{}`.
  struct PendingRemovals {
    var file: YAMLFile
    var mapping: YAMLNode
    var pairs: [YAMLPair] = []
    var changes: [SemanticChange] = []
  }

  /// The pending removals of a fix by mapping, in the order they were first named (a fix may remove
  /// keys from thousands of mappings: each is found by its file and node, not by a scan).
  struct PendingRemovalList {
    private(set) var groups: [PendingRemovals] = []
    private var positions: [String: Int] = [:]

    /// The keys the fix removes from `mapping`.
    func removedKeys(of mapping: YAMLNode, in file: YAMLFile) -> Set<String> {
      guard let position = positions["\(file.path)\u{0}\(mapping.index)"] else { return [] }
      return Set(groups[position].pairs.map { $0.key.string ?? $0.key.rawText })
    }

    mutating func add(_ pair: YAMLPair, of mapping: YAMLNode, in file: YAMLFile, _ change: SemanticChange) {
      let key = "\(file.path)\u{0}\(mapping.index)"
      if let position = positions[key] {
        groups[position].pairs.append(pair)
        groups[position].changes.append(change)
      } else {
        positions[key] = groups.count
        groups.append(PendingRemovals(file: file, mapping: mapping, pairs: [pair], changes: [change]))
      }
    }
  }

  /// The edits of every proposed fix of `finding`, or the first reason one of them cannot be made.
  public func plan(_ finding: Finding) -> Result<PlannedFix, FixRefusal> {
    guard !finding.fixes.isEmpty else { return .failure(FixRefusal("the rule has no fix for this finding")) }
    var planned = PlannedFix(finding: finding, files: [])
    var removals = PendingRemovalList()
    do {
      for fix in finding.fixes {
        guard let entity = graph.entity(fix.entity) else { throw FixRefusal("entity '\(fix.entity)' is not in the graph") }
        let value: FixValue?
        if let text = fix.value {
          guard let parsed = FixValue.parse(text) else { throw FixRefusal("the fix value '\(text)' is not JSON") }
          value = parsed
        } else {
          value = nil
        }
        if entity.kind == EntityKinds.terraformResource || entity.kind == EntityKinds.terraformDataSource {
          try planTerraform(fix, value, entity, into: &planned)
        } else {
          try planYAML(fix, value, entity, into: &planned, removals: &removals)
        }
      }
      for group in removals.groups {
        add(
          FileEdits(
            path: group.file.path, absolutePath: absolute(group.file.path), language: .yaml,
            edits: try group.file.remove(group.pairs, from: group.mapping), changes: group.changes),
          to: &planned)
      }
    } catch let refusal as FixRefusal {
      return .failure(refusal)
    } catch {
      return .failure(FixRefusal("\(error)"))
    }
    var seen: Set<String> = []
    planned.notes = planned.notes.filter { seen.insert($0).inserted }
    return .success(planned)
  }

  func add(_ edits: FileEdits, to planned: inout PlannedFix) {
    if let index = planned.files.firstIndex(where: { $0.absolutePath == edits.absolutePath }) {
      planned.files[index].edits += edits.edits
      planned.files[index].changes += edits.changes
      planned.files[index].expectations += edits.expectations
    } else {
      planned.files.append(edits)
    }
  }

  // MARK: YAML

  func describe(_ path: [String]) -> String {
    path.reduce("") { text, key in
      if Int(key) != nil { return text + "[\(key)]" }
      return text.isEmpty ? key : text + "." + key
    }
  }

  /// JSON files are read as YAML but must stay JSON: they are not edited.
  func editable(_ path: String) throws {
    if path.lowercased().hasSuffix(".json") {
      throw FixRefusal("\(path) is JSON: plumb fix edits YAML and Terraform source, not JSON files")
    }
  }

  /// The node behind a graph value, in the editable copy of its file.
  func local(_ value: Value, _ what: String) throws -> (YAMLFile, YAMLNode) {
    guard case .yaml(let node) = value else {
      throw FixRefusal("'\(what)' is computed by Plumb, not written as one value in a file")
    }
    try editable(node.tree.source.path)
    guard let file = yamlFile(node.tree.source.path), let local = file.node(matching: node) else {
      throw FixRefusal("cannot find '\(what)' in \(node.tree.source.path)")
    }
    return (file, local)
  }

  func planYAML(
    _ fix: ProposedFix, _ value: FixValue?, _ entity: Entity, into planned: inout PlannedFix,
    removals: inout PendingRemovalList
  ) throws {
    let path = fix.path
    guard !path.isEmpty else { throw FixRefusal("the fix names no attribute") }
    // Follow the path through the values the rule read.
    var trail: [Value] = []
    var current = entity.attributes
    var missingAt: Int?
    for (position, key) in path.enumerated() {
      let next: Value
      if let index = Int(key), current.kind == .list { next = current[index] } else { next = current[key] }
      if next.isMissing {
        missingAt = position
        break
      }
      if next.isUnknown { throw FixRefusal("'\(describe(Array(path[...position])))' is unknown") }
      if case .yaml(let node) = next, node.isAlias {
        let alias = node.aliasSpan.map { "line \($0.start.line)" } ?? "an alias"
        throw FixRefusal(
          "'\(describe(Array(path[...position])))' is the alias *\(node.anchor ?? "") (\(alias)) of &\(node.anchor ?? "") "
            + "(line \(node.span.start.line)): editing it would change every use of the anchor")
      }
      trail.append(next)
      current = next
    }
    let what = describe(path)

    func entityMapping() throws -> (YAMLFile, YAMLNode) {
      try editable(entity.location.path)
      guard let file = yamlFile(entity.location.path), let mapping = file.mapping(at: entity.location) else {
        throw FixRefusal("cannot find the mapping of '\(entity.name)' in \(entity.location.path)")
      }
      return (file, mapping)
    }
    func record(_ file: YAMLFile, _ edits: [TextEdit], _ changes: [SemanticChange]) {
      add(
        FileEdits(path: file.path, absolutePath: absolute(file.path), language: .yaml, edits: edits, changes: changes),
        to: &planned)
    }
    func documentPath(_ file: YAMLFile, _ node: YAMLNode) throws -> (Int, [DocumentStep]) {
      guard let found = file.documentPath(node) else { throw FixRefusal("cannot locate '\(what)' in its document") }
      return found
    }
    func guardAnchor(_ file: YAMLFile, _ node: YAMLNode) throws {
      if let problem = file.anchorProblem(node) { throw FixRefusal("'\(what)': \(problem)") }
    }
    func noteIfShared(_ file: YAMLFile, _ node: YAMLNode) {
      let span = entity.location.span
      if file.path != entity.location.path || node.byteRange.lowerBound < span.start.offset
        || node.byteRange.upperBound > span.end.offset
      {
        planned.notes.append("'\(what)' is written outside '\(entity.name)' (\(file.path):\(node.span.start.line)): the edit changes it for everything that uses it")
        planned.unsafeReasons.append("edits a value shared with other entities")
      }
    }

    switch (fix.operation, missingAt) {
    case (.remove, nil):
      let (file, node) = try local(trail.last!, what)
      try guardAnchor(file, node)
      noteIfShared(file, node)
      guard let parent = file.parent(of: node) else { throw FixRefusal("cannot remove the document's root") }
      let (document, parentPath) = try documentPath(file, parent)
      if let (mapping, pair) = file.pair(holding: node) {
        let key = pair.key.string ?? pair.key.rawText
        let change = SemanticChange(document: document, path: parentPath + [.key(key)], operation: .remove)
        removals.add(pair, of: mapping, in: file, change)
      } else if parent.kind == .sequence, let position = parent.elements.firstIndex(where: { $0.index == node.index }) {
        record(
          file, [try file.remove(itemAt: position, from: parent)],
          [SemanticChange(document: document, path: parentPath + [.index(position)], operation: .remove)])
      } else {
        throw FixRefusal("'\(what)' comes from a merge key ('<<'): remove it where it is defined")
      }

    case (.remove, _?):
      throw FixRefusal("'\(what)' is already absent")

    case (.insert, nil):
      throw FixRefusal("'\(what)' is already set: insert only adds missing keys")

    case (.set, nil):
      guard let value else { throw FixRefusal("the fix has no value") }
      let target = trail.last!
      let container = trail.count >= 2 ? trail[trail.count - 2] : entity.attributes
      let (file, node) = try local(target, what)
      // A key merged in through `<<`: override it in the mapping itself.
      if case .yaml(let graphMapping) = container, graphMapping.kind == .mapping,
        let mapping = file.node(matching: graphMapping),
        let pair = mapping.pair(forKey: path.last!), !YAMLFile.isOwn(pair, of: mapping)
      {
        try guardAnchor(file, mapping)
        let (document, mappingPath) = try documentPath(file, mapping)
        let edit = try file.insert([FixValue.Entry(path.last!, value)], into: mapping, hint: .end)
        planned.notes.append("'\(what)' comes from a merge key ('<<'): the fix overrides it in the mapping itself")
        record(
          file, [edit],
          [SemanticChange(document: document, path: mappingPath + [.key(path.last!)], operation: .set(Canonical(value)))])
        return
      }
      try guardAnchor(file, node)
      noteIfShared(file, node)
      let (document, nodePath) = try documentPath(file, node)
      var edits = try file.set(node, to: value)
      pinComment(&edits, entity: entity, path: path, node: node, value: value, file: file)
      record(file, edits, [SemanticChange(document: document, path: nodePath, operation: .set(Canonical(value)))])

    case (.append, nil):
      guard let value else { throw FixRefusal("the fix has no value") }
      let (file, node) = try local(trail.last!, what)
      try guardAnchor(file, node)
      noteIfShared(file, node)
      let (document, nodePath) = try documentPath(file, node)
      let edits: [TextEdit]
      if node.kind == .sequence {
        edits = try file.append(value, to: node)
      } else if node.isNull {
        edits = try file.set(node, to: .list([value]))
      } else {
        throw FixRefusal("'\(what)' is not a list")
      }
      record(file, edits, [SemanticChange(document: document, path: nodePath, operation: .append(Canonical(value)))])

    case (_, let missing?):
      guard let value else { throw FixRefusal("the fix has no value") }
      let rest = Array(path[missing...])
      if let numeric = rest.first(where: { Int($0) != nil }) {
        throw FixRefusal("'\(what)' needs list item \(numeric), which does not exist: a fix cannot create it")
      }
      var nested = fix.operation == .append ? FixValue.list([value]) : value
      for key in rest.dropFirst().reversed() { nested = .map([FixValue.Entry(key, nested)]) }
      let (file, container) = try missing == 0 ? entityMapping() : local(trail[missing - 1], describe(Array(path[..<missing])))
      try guardAnchor(file, container)
      let (document, containerPath) = try documentPath(file, container)
      let change = SemanticChange(
        document: document, path: containerPath + [.key(rest[0])], operation: .set(Canonical(nested)))
      if container.kind == .mapping {
        var hint = InsertionHints.hint(kind: entity.kind, container: Array(path[..<missing]), key: rest[0])
        // The fix also removes the mapping's last keys: the new key goes after the last one kept,
        // not into the removed lines.
        let removed = removals.removedKeys(of: container, in: file)
        if hint == .end, !removed.isEmpty,
          let kept = file.ownPairs(container).map({ $0.key.string ?? $0.key.rawText })
            .last(where: { !removed.contains($0) })
        {
          hint = InsertionHint(after: [kept])
        }
        if missing > 0 { noteIfShared(file, container) }
        record(file, [try file.insert([FixValue.Entry(rest[0], nested)], into: container, hint: hint)], [change])
      } else if container.isNull {
        record(file, try file.set(container, to: .map([FixValue.Entry(rest[0], nested)])), [change])
      } else {
        throw FixRefusal("'\(describe(Array(path[..<missing])))' is not a mapping, so '\(rest[0])' cannot be added to it")
      }
    }
  }

  /// When a fix pins `uses: owner/repo@tag` to a commit SHA, the tag goes in a comment after it
  /// (`# v4.2.2`, the longest tag known for that SHA), as Dependabot and Renovate read it; a comment
  /// already on the line keeps its text after the tag.
  func pinComment(
    _ edits: inout [TextEdit], entity: Entity, path: [String], node: YAMLNode, value: FixValue, file: YAMLFile
  ) {
    guard path == ["uses"], entity.kind == EntityKinds.githubStep || entity.kind == EntityKinds.githubJob,
      case .string(let new) = value, let old = node.string, edits.count == 1, edits[0].range == node.byteRange,
      let newAt = new.lastIndex(of: "@"), let oldAt = old.lastIndex(of: "@")
    else { return }
    let sha = String(new[new.index(after: newAt)...])
    let tag = String(old[old.index(after: oldAt)...])
    guard ActionPins.isSHA(sha), !ActionPins.isSHA(tag),
      new[..<newAt].lowercased() == old[..<oldAt].lowercased()
    else { return }
    let parts = new[..<newAt].split(separator: "/")
    let repository = parts.count >= 2 ? parts[0] + "/" + parts[1] : String(new[..<newAt])
    let comment = pins.longestTag(repository: repository, sha: sha) ?? tag
    if let text = file.commentAfter(node, comment) {
      edits[0].replacement += Array(text.utf8)
    } else if let edit = file.prefixComment(after: node, comment) {
      edits.append(edit)
    }
  }

  // MARK: Terraform

  func planTerraform(_ fix: ProposedFix, _ value: FixValue?, _ entity: Entity, into planned: inout PlannedFix) throws {
    guard let first = fix.path.first, first == "after" || first == "values", fix.path.count >= 2 else {
      throw FixRefusal(
        "the fix edits '\(describe(fix.path))', not a planned value ('after.…'): only attributes of the resource can be fixed in the source")
    }
    let attributePath = Array(fix.path.dropFirst())
    // A value the plan already has is left alone (a fix may set several attributes, some of them
    // already right, perhaps through an expression).
    if fix.operation == .set, let value, let planned = plannedCanonical(entity, fix.path), planned == Canonical(value) {
      return
    }
    let location = try terraform.locate(entity, overlay: overlay)
    let editor = HCLEditor(location.file)
    let edits: [TextEdit]
    switch fix.operation {
    case .set, .insert:
      guard let value else { throw FixRefusal("the fix has no value") }
      if fix.operation == .insert, editor.lookup(attributePath[...], in: location.block) != .missing {
        throw FixRefusal("'\(describe(attributePath))' is already set: insert only adds missing attributes")
      }
      edits = try editor.set(attributePath[...], to: value, in: location.block)
    case .remove:
      edits = try editor.remove(attributePath[...], in: location.block)
    case .append:
      throw FixRefusal("appending to a list in Terraform source is not supported: edit it by hand")
    }
    planned.isTerraform = true
    planned.notes += location.notes
    if !planned.unsafeReasons.contains(Self.terraformUnsafe) { planned.unsafeReasons.append(Self.terraformUnsafe) }
    let keyword = location.block.type
    add(
      FileEdits(
        path: IngestPath.relative(location.absolutePath, root: root), absolutePath: location.absolutePath,
        language: .hcl, edits: edits,
        expectations: [
          HCLExpectation(
            keyword: keyword, type: location.block.labels[0], name: location.block.labels[1], path: attributePath,
            value: fix.operation == .remove ? nil : value)
        ]), to: &planned)
  }

  /// The planned value at `path` (`after.…`), when it is known.
  func plannedCanonical(_ entity: Entity, _ path: [String]) -> Canonical? {
    var value = entity.attributes
    for key in path {
      if let index = Int(key), value.kind == .list { value = value[index] } else { value = value[key] }
    }
    guard value.kind != .missing, value.kind != .unknown, let node = value.node else { return nil }
    return Canonical(node)
  }

  static let terraformUnsafe =
    "verified by re-reading the .tf source only: the plan cannot be regenerated without terraform (run terraform plan)"
}
