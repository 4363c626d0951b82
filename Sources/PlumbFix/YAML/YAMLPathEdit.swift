import PlumbPolicy
import PlumbYAML

extension YAMLFile {
  /// The edits (and their meaning) of an operation on a path from a document's root: the same
  /// edits a rule's fix makes, addressed by document path instead of entity attributes (used by
  /// the golden tests and by tools).
  public func edits(
    _ operation: ProposedFix.Operation, document: Int = 0, path: [DocumentStep], value: FixValue?,
    hint: InsertionHint = .end
  ) throws -> (edits: [TextEdit], changes: [SemanticChange]) {
    guard document < result.documents.count else { throw FixRefusal("no document \(document)") }
    guard !path.isEmpty else { throw FixRefusal("the path is empty") }
    var current = result.documents[document].root
    var walked: [DocumentStep] = []
    var parentNode: YAMLNode?
    for (position, step) in path.enumerated() {
      let next: YAMLNode?
      switch step {
      case .key(let key): next = current.kind == .mapping ? current[key] : nil
      case .index(let index): next = current.kind == .sequence ? current[index] : nil
      }
      guard let next else {
        return try missing(operation, document: document, container: current, walked: walked,
          rest: Array(path[position...]), value: value, hint: hint)
      }
      if next.isAlias {
        throw FixRefusal(
          "'\(path[...position].map(\.description).joined(separator: "."))' is the alias *\(next.anchor ?? "") of &\(next.anchor ?? "") "
            + "(line \(next.span.start.line)): editing it would change every use of the anchor")
      }
      parentNode = current
      current = next
      walked.append(step)
    }
    let target = current
    // A key merged in through `<<` is overridden in the mapping itself (the anchor is not touched).
    if operation == .set, let value, let parent = parentNode, parent.kind == .mapping, case .key(let key)? = path.last,
      let pair = parent.pair(forKey: key), !YAMLFile.isOwn(pair, of: parent)
    {
      if let problem = anchorProblem(parent) { throw FixRefusal(problem) }
      return (
        [try insert([FixValue.Entry(key, value)], into: parent, hint: hint)],
        [SemanticChange(document: document, path: path, operation: .set(Canonical(value)))]
      )
    }
    if let problem = anchorProblem(target) { throw FixRefusal(problem) }
    switch operation {
    case .remove:
      guard let parent = parentNode else { throw FixRefusal("cannot remove the root") }
      let change = SemanticChange(document: document, path: path, operation: .remove)
      if parent.kind == .mapping, case .key(let key)? = path.last, let pair = parent.pair(forKey: key) {
        return ([try remove(pair, from: parent)], [change])
      }
      if parent.kind == .sequence, case .index(let index)? = path.last {
        return ([try remove(itemAt: index, from: parent)], [change])
      }
      throw FixRefusal("cannot remove it")
    case .insert:
      throw FixRefusal("already set: insert only adds missing keys")
    case .set:
      guard let value else { throw FixRefusal("no value") }
      return (try set(target, to: value), [SemanticChange(document: document, path: path, operation: .set(Canonical(value)))])
    case .append:
      guard let value else { throw FixRefusal("no value") }
      let change = SemanticChange(document: document, path: path, operation: .append(Canonical(value)))
      if target.kind == .sequence { return (try append(value, to: target), [change]) }
      if target.isNull { return (try set(target, to: .list([value])), [change]) }
      throw FixRefusal("not a list")
    }
  }

  func missing(
    _ operation: ProposedFix.Operation, document: Int, container: YAMLNode, walked: [DocumentStep],
    rest: [DocumentStep], value: FixValue?, hint: InsertionHint
  ) throws -> (edits: [TextEdit], changes: [SemanticChange]) {
    guard operation != .remove else { throw FixRefusal("already absent") }
    guard let value else { throw FixRefusal("no value") }
    var keys: [String] = []
    for step in rest {
      guard case .key(let key) = step else { throw FixRefusal("a fix cannot create list item \(step)") }
      keys.append(key)
    }
    var nested = operation == .append ? FixValue.list([value]) : value
    for key in keys.dropFirst().reversed() { nested = .map([FixValue.Entry(key, nested)]) }
    if let problem = anchorProblem(container) { throw FixRefusal(problem) }
    let change = SemanticChange(document: document, path: walked + [.key(keys[0])], operation: .set(Canonical(nested)))
    if container.kind == .mapping {
      return ([try insert([FixValue.Entry(keys[0], nested)], into: container, hint: hint)], [change])
    }
    if container.isNull { return (try set(container, to: .map([FixValue.Entry(keys[0], nested)])), [change]) }
    throw FixRefusal("not a mapping")
  }

  /// Why `patched` (this file with edits applied) does not load or does not mean what `changes`
  /// say; nil when it does.
  public func semanticProblem(patched: [UInt8], changes: [SemanticChange]) -> String? {
    let after = YAMLFile(path: path, bytes: patched)
    if after.result.hasErrors && !result.hasErrors {
      return "does not load: " + (after.result.diagnostics.first { $0.severity == .error }?.message ?? "")
    }
    guard after.result.documents.count == result.documents.count else { return "the number of documents changed" }
    for (index, (old, new)) in zip(result.documents, after.result.documents).enumerated() {
      var expected = Canonical(old.root)
      for change in changes where change.document == index { expected.apply(change) }
      if expected != Canonical(new.root) {
        return "document \(index): " + (FixEngine.firstDifference(expected, Canonical(new.root), []) ?? "differs")
      }
    }
    return nil
  }
}
