/// A shell-style pattern for waiver selectors: `*` and `?` are wildcards, everything else is
/// literal (so entity ids with `[0]` or `"` need no escaping).
///
/// In a path glob, `*` and `?` stop at `/` and `**` crosses directories (`infra/**/plan.json`);
/// in an entity glob, `*` matches any text, `/` included.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
  /// The pattern as written.
  public let pattern: String
  /// Whether `*` stops at `/`.
  public let pathAware: Bool
  private let tokens: [Token]

  private enum Token: Hashable, Sendable {
    case literal(Unicode.Scalar)
    case any
    case star
    case globstar
  }

  /// A glob over paths (`*` stops at `/`).
  public static func path(_ pattern: String) -> Glob { Glob(pattern, pathAware: true) }
  /// A glob over entity ids (`*` matches anything).
  public static func entity(_ pattern: String) -> Glob { Glob(pattern, pathAware: false) }

  init(_ pattern: String, pathAware: Bool) {
    self.pattern = pattern
    self.pathAware = pathAware
    var tokens: [Token] = []
    let scalars = Array(pattern.unicodeScalars)
    var index = 0
    while index < scalars.count {
      let scalar = scalars[index]
      if scalar == "*" {
        if index + 1 < scalars.count && scalars[index + 1] == "*" {
          tokens.append(.globstar)
          index += 2
          // `**/` also matches no directory at all.
          if pathAware && index < scalars.count && scalars[index] == "/" { index += 1 }
          continue
        }
        tokens.append(pathAware ? .star : .globstar)
      } else if scalar == "?" {
        tokens.append(.any)
      } else {
        tokens.append(.literal(scalar))
      }
      index += 1
    }
    self.tokens = tokens
  }

  /// Whether the pattern has no wildcard (then it matches exactly one text).
  public var isLiteral: Bool { !tokens.contains { if case .literal = $0 { false } else { true } } }

  /// Whether `text` matches the whole pattern.
  ///
  /// - Complexity: O(pattern × text), by dynamic programming (no backtracking blow-up).
  public func matches(_ text: String) -> Bool {
    let input = Array(text.unicodeScalars)
    // reachable[j]: the pattern prefix consumed so far can match input[0..<j].
    var reachable = Array(repeating: false, count: input.count + 1)
    reachable[0] = true
    for token in tokens {
      var next = Array(repeating: false, count: input.count + 1)
      switch token {
      case .literal(let scalar):
        for j in 0..<input.count where reachable[j] && input[j] == scalar { next[j + 1] = true }
      case .any:
        for j in 0..<input.count where reachable[j] && !(pathAware && input[j] == "/") { next[j + 1] = true }
      case .star:
        for j in 0...input.count {
          if reachable[j] || (j > 0 && next[j - 1] && input[j - 1] != "/") { next[j] = true }
        }
      case .globstar:
        for j in 0...input.count where reachable[j] || (j > 0 && next[j - 1]) { next[j] = true }
      }
      reachable = next
    }
    return reachable[input.count]
  }

  public var description: String { pattern }
}
