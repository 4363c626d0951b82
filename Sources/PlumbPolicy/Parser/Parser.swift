import PlumbDiagnostics

/// Parses policy files. It recovers from errors (skipping to the next statement) so that one file
/// reports all its problems at once.
struct Parser {
  let source: SourceFile
  var tokens: [Token]
  var index = 0
  var diagnostics: [Diagnostic] = []
  /// How many expressions (and parameter types) the parser is inside now: it recurses on them.
  var nesting = 0
  /// The depth of the expression tree the last parse function returned (0 for a leaf).
  var lastDepth = 0
  /// Whether a too-deep expression was reported (once per file is enough).
  var reportedTooDeep = false

  /// How deeply expressions may nest, counted both as the parser's recursion (parentheses, lists,
  /// calls, `not`, `-`, `list<…>`, `${…}`) and as the depth of the tree built (operator chains
  /// such as `a or b or …` and `x.a.b…` are left-deep trees). The parser, the checker, the
  /// evaluator and the tree's deallocation all recurse on it, so deeper input would overflow the
  /// stack; it is a `policy.depth` error instead. Real rules nest a few levels.
  static let maxDepth = 256

  static let sources: Set<String> = ["catalog", "terraform", "github", "gitlab"]
  static let metadataNames: Set<String> = ["title", "severity", "category", "rationale", "remediation", "docs", "tags"]

  init(source: SourceFile) {
    self.init(source: source, tokensIn: nil)
  }

  /// A parser over the whole file, or over `range` of it (an interpolated expression).
  init(source: SourceFile, tokensIn range: Range<Int>?, nesting: Int = 0) {
    self.source = source
    var lexer = Lexer(source: source, range: range)
    self.tokens = lexer.tokenize().filter { $0.kind != .invalid }
    self.diagnostics = lexer.diagnostics
    self.nesting = nesting
  }

  /// Parses a whole file.
  mutating func parseFile() -> PolicyFile {
    var file = PolicyFile(source: source)
    while !atEnd {
      switch current.kind {
      case .keyword(.rule): if let rule = parseRule() { file.rules.append(rule) }
      case .keyword(.pack): if let pack = parsePack() { file.packs.append(pack) }
      case .keyword(.scorecard): if let card = parseScorecard() { file.scorecards.append(card) }
      case .identifier where current.text == "examples":
        if let external = parseExternalExamples() { file.externalExamples.append(external) }
      default:
        error("expected 'rule', 'pack', 'scorecard' or 'examples', found \(describe(current))", current.range)
        advance()
        skipToTopLevel()
      }
    }
    return file
  }

  // MARK: Token helpers

  var current: Token { tokens[min(index, tokens.count - 1)] }
  var atEnd: Bool { current.kind == .endOfFile }
  func peek(_ n: Int = 1) -> Token { tokens[min(index + n, tokens.count - 1)] }

  mutating func advance() {
    if index < tokens.count - 1 { index += 1 }
  }

  func check(_ symbol: Symbol) -> Bool { current.kind == .symbol(symbol) }
  func check(_ keyword: Keyword) -> Bool { current.kind == .keyword(keyword) }
  func checkWord(_ word: String) -> Bool { current.kind == .identifier && current.text == word }

  mutating func accept(_ symbol: Symbol) -> Bool {
    if check(symbol) {
      advance()
      return true
    }
    return false
  }

  mutating func accept(_ keyword: Keyword) -> Bool {
    if check(keyword) {
      advance()
      return true
    }
    return false
  }

  @discardableResult
  mutating func expect(_ symbol: Symbol, _ context: String) -> Bool {
    if accept(symbol) { return true }
    error("expected '\(symbol.rawValue)' \(context), found \(describe(current))", current.range)
    return false
  }

  @discardableResult
  mutating func expect(_ keyword: Keyword, _ context: String) -> Bool {
    if accept(keyword) { return true }
    error("expected '\(keyword.rawValue)' \(context), found \(describe(current))", current.range)
    return false
  }

  mutating func expectIdentifier(_ context: String) -> (String, Range<Int>)? {
    if current.kind == .identifier {
      let token = current
      advance()
      return (token.text, token.range)
    }
    error("expected \(context), found \(describe(current))", current.range)
    return nil
  }

  mutating func expectString(_ context: String) -> String? {
    if current.kind == .string || current.kind == .block {
      let token = current
      advance()
      // Metadata never interpolates: `${…}` (a GitHub expression in a remediation) stays literal.
      guard token.kind == .string else { return token.text }
      return token.parts.map { part in
        switch part {
        case .text(let text): return text
        case .interpolation(let source, _): return "${" + source + "}"
        }
      }.joined()
    }
    error("expected \(context) (a string), found \(describe(current))", current.range)
    return nil
  }

  func describe(_ token: Token) -> String {
    switch token.kind {
    case .endOfFile: return "end of file"
    case .string, .block: return "a string"
    case .int, .float: return "number '\(token.text)'"
    case .identifier: return "'\(token.text)'"
    case .keyword(let k): return "'\(k.rawValue)'"
    case .symbol(let s): return "'\(s.rawValue)'"
    case .invalid: return "'\(token.text)'"
    }
  }

  mutating func error(_ message: String, _ range: Range<Int>) {
    // One error per position is enough; recovery may otherwise repeat it.
    if let last = diagnostics.last, last.location?.span.start.offset == range.lowerBound { return }
    diagnostics.append(
      Diagnostic(
        code: "policy.syntax", message: message,
        location: SourceLocation(path: source.path, span: source.span(from: range.lowerBound, to: range.upperBound))))
  }

  // MARK: Depth

  /// Enters one more level of recursion; at the limit, reports it, skips the too-deep part (one
  /// bracketed group, or one token) and returns false.
  mutating func enter() -> Bool {
    guard nesting < Parser.maxDepth else {
      tooDeep(current.range)
      skipGroup()
      return false
    }
    nesting += 1
    return true
  }

  /// `expr`, whose tree is `depth` deep, or (past the limit, reported) a null in its place.
  mutating func node(_ expr: Expr, depth: Int) -> Expr {
    guard depth <= Parser.maxDepth else {
      tooDeep(expr.range)
      lastDepth = 0
      return .null(expr.range)
    }
    lastDepth = depth
    return expr
  }

  mutating func tooDeep(_ range: Range<Int>) {
    guard !reportedTooDeep else { return }
    reportedTooDeep = true
    diagnostics.append(
      Diagnostic(
        code: "policy.depth", message: "expression nested more than \(Parser.maxDepth) levels deep",
        location: SourceLocation(path: source.path, span: source.span(from: range.lowerBound, to: range.upperBound))))
  }

  /// Skips one token, or a whole bracketed group when it starts one (stopping at end of file).
  mutating func skipGroup() {
    var depth = 0
    repeat {
      if check(.lparen) || check(.lbracket) || check(.lbrace) {
        depth += 1
      } else if check(.rparen) || check(.rbracket) || check(.rbrace) {
        if depth == 0 { return }
        depth -= 1
      }
      advance()
    } while !atEnd && depth > 0
  }

  func range(from start: Int) -> Range<Int> {
    let end = index > 0 ? tokens[index - 1].range.upperBound : start
    return start..<max(start, end)
  }

  /// Skips to the next top-level declaration.
  mutating func skipToTopLevel() {
    while !atEnd && !check(.rule) && !check(.pack) && !check(.scorecard) && !checkWord("examples") { advance() }
  }

  /// `examples for rule_id { example … }`: examples kept in a separate test file.
  mutating func parseExternalExamples() -> (ruleID: String, examples: [ExampleDecl], range: Range<Int>)? {
    let start = current.range.lowerBound
    advance()
    expect(.for, "after 'examples'")
    guard let (ruleID, _) = expectIdentifier("a rule id"), expect(.lbrace, "after the rule id") else {
      skipToTopLevel()
      return nil
    }
    var examples: [ExampleDecl] = []
    while !atEnd && !check(.rbrace) {
      let before = index
      if check(.example) {
        if let example = parseExample() { examples.append(example) }
      } else {
        error("expected 'example', found \(describe(current))", current.range)
        advance()
      }
      if index == before { advance() }
    }
    expect(.rbrace, "to close the examples")
    return (ruleID, examples, range(from: start))
  }

  /// Skips to the start of the next item inside a block (or its closing brace), honouring nesting.
  mutating func synchronize() {
    var depth = 0
    while !atEnd {
      if depth == 0 {
        switch current.kind {
        case .keyword(.let), .keyword(.when), .keyword(.require), .keyword(.param), .keyword(.example),
          .keyword(.for), .keyword(.rule), .keyword(.pack), .keyword(.scorecard):
          return
        case .identifier where Parser.metadataNames.contains(current.text) || current.text == "level":
          return
        case .symbol(.rbrace):
          return
        default: break
        }
      }
      if check(.lbrace) || check(.lparen) || check(.lbracket) { depth += 1 }
      if check(.rbrace) || check(.rparen) || check(.rbracket) { depth = max(0, depth - 1) }
      advance()
    }
  }
}
