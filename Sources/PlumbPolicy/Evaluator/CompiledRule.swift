import Foundation
import PlumbDiagnostics
import PlumbGraph

/// A rule that passed the checker, with what the checker worked out for running it.
public struct CompiledRule: Sendable {
  /// The declaration.
  public let decl: RuleDecl
  /// The file it came from.
  public let source: SourceFile
  /// Index plans for the rule's joins, by the select expression's start offset.
  let joins: [Int: JoinPlan]

  /// The rule's id.
  public var id: String { decl.id }

  /// The source text of an expression, for evidence and fingerprints.
  func text(_ expr: Expr) -> String { source.text(from: expr.range.lowerBound, to: expr.range.upperBound) }
}

/// How a filtered selector (`catalog.Group[metadata.name == x]`) is answered from an index.
struct JoinPlan: Sendable {
  enum Key: Sendable {
    /// An attribute path of the candidate.
    case attribute([PathComponent])
    /// The candidate's name (`name(it)`), case-insensitive like catalog names.
    case name
  }
  var kind: String
  var types: [String]
  var key: Key
  /// The side of the equality evaluated in the enclosing scope.
  var probe: Expr
  /// The other conjuncts, evaluated on each index hit.
  var residual: [Expr]
}

/// Indexes built on first use and shared by every rule of a run.
public final class IndexCache: @unchecked Sendable {
  private let lock = NSLock()
  private var indexes: [String: AttributeIndex] = [:]

  /// Creates an empty cache.
  public init() {}

  /// The index of the entities of `kind` (of `types`, when given) by the value at `path`.
  func index(_ graph: DocumentGraph, kind: String, types: [String] = [], path: [PathComponent]) -> AttributeIndex {
    let key =
      kind + "\u{0}" + types.sorted().joined(separator: "\u{2}") + "\u{0}"
      + path.map(\.description).joined(separator: "\u{1}")
    lock.lock()
    let cached = indexes[key]
    lock.unlock()
    if let cached { return cached }
    // Built outside the lock, so that the other rules go on evaluating meanwhile; when two rules
    // build the same index at once, the first one stored is kept (they are the same).
    let index = graph.index(kind: kind, types: types, path: path)
    lock.lock()
    defer { lock.unlock() }
    if let existing = indexes[key] { return existing }
    indexes[key] = index
    return index
  }
}
