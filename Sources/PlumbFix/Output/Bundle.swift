import Foundation
import PlumbDiagnostics
import PlumbFiles
import PlumbGraph
import PlumbPolicy

/// How fixes are split into change sets (one pull request each).
public enum BundleGrouping: String, Sendable, CaseIterable {
  /// By the team that owns the fixed entity (its `ownedBy` relation, through the catalog).
  case owner
  /// By rule.
  case rule
}

/// One change set: the fixes of one team (or rule), their patch and their pull request.
public struct ChangeSet: Sendable {
  /// A file-name-safe name (`payments`, `unowned`, `checkout_persist_credentials`).
  public var name: String
  /// The owner's reference (`group:default/payments`) or the rule id.
  public var group: String
  public var fixes: [PlannedFix]
  public var changes: [FileChange]
  public var title: String
  public var branch: String
  public var labels: [String]
  /// The pull request's Markdown body.
  public var body: String
  /// The unified diff of every change.
  public var patch: String
}

/// Builds change sets and writes bundles: `<name>.patch` and `<name>.json` per change set, and
/// `index.json` listing them (see docs/fixes.md).
public struct BundleBuilder {
  let engine: FixEngine
  let graph: DocumentGraph
  /// Rule pages in the body are `<ruleDocsBase>/<rule_id>.md` (a rule's own `docs` link wins).
  public var ruleDocsBase = "docs/rules"
  /// `path:line` in the body links to `<sourceLinkBase><path>#L<line>` when set.
  public var sourceLinkBase: String?

  public init(engine: FixEngine, graph: DocumentGraph) {
    self.engine = engine
    self.graph = graph
  }

  static let containment: Set<String> = [
    "inJob", "inWorkflow", "inAction", "inParallel", "inPipeline", "inModule", "inPlan", "belongsTo",
  ]

  /// The owner of an entity: its own `ownedBy`, else that of what contains it or what it belongs
  /// to (a step's job's workflow's component).
  public func owner(of id: EntityID) -> Entity? {
    var frontier = [id]
    var seen: Set<EntityID> = [id]
    for _ in 0..<8 {
      var next: [EntityID] = []
      for current in frontier {
        if let owner = graph.related(current, "ownedBy").sorted(by: { $0.id < $1.id }).first { return owner }
        for edge in graph.edges(from: current) where Self.containment.contains(edge.type) && !seen.contains(edge.to) {
          seen.insert(edge.to)
          next.append(edge.to)
        }
      }
      if next.isEmpty { return nil }
      frontier = next.sorted()
    }
    return nil
  }

  /// A name for files and branches: ASCII lower-case letters, digits and `_`, everything else
  /// one `-` (no `.`, so no `..`, `.lock` or hidden file; at most 64 scalars).
  static func slug(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    for c in text.unicodeScalars {
      let lowered: Unicode.Scalar = c >= "A" && c <= "Z" ? Unicode.Scalar(c.value + 32)! : c
      if (lowered >= "a" && lowered <= "z") || (lowered >= "0" && lowered <= "9") || lowered == "_" {
        out.append(lowered)
      } else if out.last != "-" {
        out.append("-")
      }
      if out.count >= 64 { break }
    }
    while out.last == "-" { out.removeLast() }
    while out.first == "-" { out.removeFirst() }
    return out.isEmpty ? "change" : String(out)
  }

  /// Splits `fixes` into change sets, each verified on its own (a set that fails is left out and
  /// reported in `problems`).
  public func changeSets(_ fixes: [PlannedFix], grouping: BundleGrouping) -> (sets: [ChangeSet], problems: [String]) {
    var groups: [String: (name: String, fixes: [PlannedFix])] = [:]
    for fix in fixes {
      let key: String
      let name: String
      switch grouping {
      case .rule:
        key = fix.finding.ruleID
        name = Self.slug(fix.finding.ruleID)
      case .owner:
        if let owner = owner(of: fix.finding.entity) {
          key = owner.attributes["ref"].string ?? owner.id.rawValue
          name = Self.slug(owner.name)
        } else {
          key = "unowned"
          name = "unowned"
        }
      }
      groups[key, default: (name, [])].fixes.append(fix)
    }
    var sets: [ChangeSet] = []
    var problems: [String] = []
    var usedNames: Set<String> = []
    for (key, group) in groups.sorted(by: { $0.key < $1.key }) {
      if let problem = engine.verify(group.fixes) {
        problems.append("change set '\(group.name)' left out: \(problem)")
        continue
      }
      var name = group.name
      var counter = 2
      while usedNames.contains(name) {
        name = group.name + "-\(counter)"
        counter += 1
      }
      usedNames.insert(name)
      let changes = engine.changes(group.fixes)
      let patch = changes.map { UnifiedDiff.make(path: $0.path, old: $0.original, new: $0.patched) }.joined()
      let ownerName = grouping == .owner ? (key == "unowned" ? nil : group.name) : nil
      sets.append(
        ChangeSet(
          name: name, group: key, fixes: group.fixes, changes: changes,
          title: title(group.fixes, grouping: grouping, owner: ownerName),
          branch: "plumb/fix-" + name, labels: labels(group.fixes), body: body(group.fixes, changes), patch: patch))
    }
    return (sets, problems)
  }

  /// The pull request's title: one line, shown as text (hidden scalars as `<U+XXXX>`, no workflow
  /// command), since bots print it.
  func title(_ fixes: [PlannedFix], grouping: BundleGrouping, owner: String?) -> String {
    TerminalText.guarded(TerminalText.oneLine(rawTitle(fixes, grouping: grouping, owner: owner)))
  }

  func rawTitle(_ fixes: [PlannedFix], grouping: BundleGrouping, owner: String?) -> String {
    let count = fixes.count
    let findings = count == 1 ? "1 finding" : "\(count) findings"
    switch grouping {
    case .rule:
      let id = fixes[0].finding.ruleID
      return "Plumb: \(engine.rule(id)?.title ?? id) (\(findings))"
    case .owner:
      let rules = Set(fixes.map(\.finding.ruleID))
      let what = rules.count == 1 ? (engine.rule(rules.first!)?.title ?? rules.first!) : "fix \(findings)"
      return "Plumb: \(what)" + (owner.map { " for \($0)" } ?? "")
    }
  }

  func labels(_ fixes: [PlannedFix]) -> [String] {
    var labels = ["plumb"]
    labels += Set(fixes.map(\.finding.category)).sorted()
    if fixes.contains(where: { !$0.unsafeReasons.isEmpty }) { labels.append("needs-review") }
    return labels
  }

  /// `` [`rule_id`](docs) ``: the rule's own docs link when it is one Plumb may emit
  /// (``LinkTarget/isAllowed(_:)``), else its page under ``ruleDocsBase``.
  func ruleLink(_ id: String) -> String {
    let own = engine.rule(id)?.docs.flatMap { LinkTarget.isAllowed($0) ? $0 : nil }
    var base = Substring(ruleDocsBase)
    while base.hasSuffix("/") { base.removeLast() }
    let page = (base.isEmpty ? "" : String(base) + "/") + "\(id).md"
    return MarkdownText.link(MarkdownText.codeSpan(id), to: own ?? page)
  }

  /// `` `path:line` ``, linked to `<sourceLinkBase><path>#L<line>` when a base is set.
  func placeLink(_ location: SourceLocation) -> String {
    let line = location.span.start.line
    let text = MarkdownText.codeSpan("\(location.path):\(line)")
    guard let base = sourceLinkBase else { return text }
    return MarkdownText.link(text, to: LinkTarget.sourceLink(base: base, path: location.path, line: line))
  }

  /// The pull request body: what changed, why, what to review, how it was checked.
  func body(_ fixes: [PlannedFix], _ changes: [FileChange]) -> String {
    let files = changes.count == 1 ? "1 file" : "\(changes.count) files"
    var out = "## What changed\n\n"
    out += "`plumb fix` fixed \(fixes.count == 1 ? "1 finding" : "\(fixes.count) findings") in \(files). "
    out += "Only the changed values and lines differ: comments, indentation, quoting and key order are kept.\n\n"
    out += "| Rule | Where | Finding | Fix |\n| --- | --- | --- | --- |\n"
    for fix in fixes {
      let f = fix.finding
      let safety = fix.unsafeReasons.isEmpty ? "safe" : "**review**"
      let place = placeLink(f.location)
      out += "| \(ruleLink(f.ruleID)) | \(place) | \(MarkdownText.inline(f.message)) | \(safety) |\n"
    }
    out += "\n## Why\n"
    for id in Set(fixes.map(\.finding.ruleID)).sorted() {
      let rule = engine.rule(id)
      out += "\n### \(ruleLink(id)): \(MarkdownText.inline(rule?.title ?? id))\n\n"
      if let rationale = rule?.rationale, !rationale.isEmpty {
        out += MarkdownText.prose(rationale.trimmingCharacters(in: .whitespacesAndNewlines)) + "\n\n"
      }
      if let remediation = rule?.remediation, !remediation.isEmpty { out += "**Remediation:** " + MarkdownText.prose(remediation) + "\n" }
    }
    let review = fixes.filter { !$0.unsafeReasons.isEmpty || !$0.notes.isEmpty }
    if !review.isEmpty {
      out += "\n## Review notes\n\n"
      for fix in review {
        let f = fix.finding
        let place = MarkdownText.codeSpan("\(f.location.path):\(f.location.span.start.line)")
        for reason in fix.unsafeReasons { out += "- \(place) (\(f.ruleID)): \(MarkdownText.inline(reason))\n" }
        for note in fix.notes { out += "- \(place) (\(f.ruleID)): \(MarkdownText.inline(note))\n" }
      }
    }
    out += "\n## How it was checked\n\n"
    out += "Plumb applied these edits to a copy of the inputs, loaded them again and evaluated the same rules and pack: "
    out += "each finding above is gone, no new finding appeared, and running `plumb fix` again changes nothing."
    if fixes.contains(where: \.isTerraform) {
      out += " Terraform edits were checked by re-reading the `.tf` files (the plan itself cannot be regenerated without Terraform): run `terraform plan` to confirm."
    }
    out += "\n"
    return out
  }

  /// Writes the bundle: `<name>.patch`, `<name>.json` per change set, and `index.json`, through
  /// ``OutputDirectory`` (the directory is refused when it, or inside `root` any directory on the
  /// way to it, is a symbolic link; files in it are written as every output is).
  public func write(_ sets: [ChangeSet], grouping: BundleGrouping, to directory: String, root: String) throws {
    let output = try OutputDirectory(directory, root: root)
    var index: [[String: Any]] = []
    for set in sets {
      let patchName = set.name + ".patch"
      let jsonName = set.name + ".json"
      try output.write(set.patch, name: patchName)
      let fixes: [[String: Any]] = set.fixes.map { fix in
        let f = fix.finding
        return [
          "rule": f.ruleID, "fingerprint": f.fingerprint, "entity": f.entity.rawValue, "file": f.location.path,
          "line": f.location.span.start.line, "message": f.message, "safe": fix.unsafeReasons.isEmpty,
          "unsafe_reasons": fix.unsafeReasons, "notes": fix.notes, "edited_files": fix.files.map(\.path),
        ]
      }
      let pullRequest: [String: Any] = [
        "version": 1, "name": set.name, "group": set.group, "grouping": grouping.rawValue, "title": set.title,
        "branch": set.branch, "labels": set.labels, "body": set.body, "patch": patchName,
        "files": set.changes.map(\.path), "fixes": fixes,
      ]
      try output.write(Self.json(pullRequest), name: jsonName)
      index.append([
        "name": set.name, "group": set.group, "title": set.title, "branch": set.branch, "patch": patchName,
        "pull_request": jsonName, "fixes": set.fixes.count,
      ])
    }
    let document: [String: Any] = ["version": 1, "grouping": grouping.rawValue, "change_sets": index]
    try output.write(Self.json(document), name: "index.json")
  }

  /// Pretty JSON with sorted keys, hidden scalars and `##[` escaped (``JSONText/hardened(_:)``).
  static func json(_ object: Any) throws -> String {
    let data = try JSONSerialization.data(
      withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    return JSONText.hardened(String(decoding: data, as: UTF8.self)) + "\n"
  }
}
