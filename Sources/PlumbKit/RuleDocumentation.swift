import PlumbPolicy

/// A rule's documentation as Markdown: what `plumb explain` prints and `docs/rules/` holds.
public enum RuleDocumentation {
  /// The page for `rule`.
  public static func markdown(_ rule: CompiledRule) -> String {
    let decl = rule.decl
    var out = "# \(decl.title)\n\n"
    out += "- Identifier: `\(decl.id)`\n"
    out += "- Severity: \(decl.severity.rawValue)\n"
    out += "- Category: \(decl.category)\n"
    if let selector = decl.selector {
      out += "- Checks: `\(selector.kind)`\(selector.types.isEmpty ? "" : " of type " + selector.types.map { "`\($0)`" }.joined(separator: ", "))\n"
    }
    if !decl.tags.isEmpty { out += "- Tags: \(decl.tags.joined(separator: ", "))\n" }
    out += "- Source: `\(rule.source.path)`\n"
    if !decl.rationale.isEmpty { out += "\n## Why\n\n\(decl.rationale.trimmingTrailingNewlines())\n" }
    if !decl.remediation.isEmpty { out += "\n## How to fix\n\n\(decl.remediation.trimmingTrailingNewlines())\n" }
    let fixable = decl.body.contains { if case .require(let r) = $0 { return !r.fixes.isEmpty } else { return false } }
    if fixable { out += "\nThis rule proposes an automatic fix (`plumb fix`).\n" }
    if !decl.params.isEmpty {
      out += "\n## Parameters\n\n| name | type | default |\n| ---- | ---- | ------- |\n"
      for param in decl.params {
        let value = param.defaultValue.map { rule.source.text(from: $0.range.lowerBound, to: $0.range.upperBound) } ?? "(none)"
        out += "| `\(param.name)` | \(param.type) | `\(value)` |\n"
      }
    }
    if let docs = decl.docs { out += "\nMore: \(docs)\n" }
    for verdict in [ExampleVerdict.pass, .fail, .indeterminate] {
      let examples = decl.examples.filter { $0.verdict == verdict }
      guard !examples.isEmpty else { continue }
      let heading = verdict == .pass ? "Passing examples" : verdict == .fail ? "Failing examples" : "Indeterminate examples"
      out += "\n## \(heading)\n"
      for example in examples {
        if let name = example.name { out += "\n\(name):\n" }
        for (path, text) in example.files {
          let file = path.isEmpty ? RuleTestRunner.defaultFileName(for: decl.selector?.kind ?? "") : path
          let language = file.hasSuffix(".json") ? "json" : "yaml"
          out += "\n`\(file)`\n\n```\(language)\n\(text.trimmingTrailingNewlines())\n```\n"
        }
        for expected in example.expectations { out += "\nExpected finding: \(expected)\n" }
      }
    }
    return out
  }

  /// One line per rule: id, severity, category, title.
  public static func list(_ rules: [CompiledRule], enforcement: [String: Enforcement] = [:]) -> String {
    let width = rules.map(\.id.count).max() ?? 0
    var out = ""
    for rule in rules {
      let padded = rule.id + String(repeating: " ", count: width - rule.id.count)
      let level = enforcement[rule.id].map { "  \($0.rawValue)" } ?? ""
      out += "\(padded)  \(rule.decl.severity.rawValue.padding(8))  \(rule.decl.category.padding(12))\(level.isEmpty ? "" : level.padding(10))  \(rule.decl.title)\n"
    }
    out += "\(rules.count) rule\(rules.count == 1 ? "" : "s")\n"
    return out
  }
}

extension String {
  fileprivate func trimmingTrailingNewlines() -> String {
    var copy = self
    while copy.hasSuffix("\n") { copy.removeLast() }
    return copy
  }

  fileprivate func padding(_ width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }
}
