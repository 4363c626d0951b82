extension Parser {
  /// Parses an expression; ``lastDepth`` is then its tree's depth.
  mutating func parseExpression() -> Expr {
    guard enter() else {
      lastDepth = 0
      return .null(current.range)
    }
    defer { nesting -= 1 }
    return parseOr()
  }

  mutating func parseOr() -> Expr {
    var left = parseAnd()
    var depth = lastDepth
    while check(.or) {
      advance()
      let right = parseAnd()
      left = node(.binary(.or, left, right, left.range.lowerBound..<right.range.upperBound), depth: 1 + max(depth, lastDepth))
      depth = lastDepth
    }
    lastDepth = depth
    return left
  }

  mutating func parseAnd() -> Expr {
    var left = parseNot()
    var depth = lastDepth
    while check(.and) {
      advance()
      let right = parseNot()
      left = node(.binary(.and, left, right, left.range.lowerBound..<right.range.upperBound), depth: 1 + max(depth, lastDepth))
      depth = lastDepth
    }
    lastDepth = depth
    return left
  }

  mutating func parseNot() -> Expr {
    if check(.not) {
      let start = current.range.lowerBound
      advance()
      guard enter() else {
        lastDepth = 0
        return .null(start..<current.range.lowerBound)
      }
      defer { nesting -= 1 }
      let operand = parseNot()
      return node(.unary(.not, operand, start..<operand.range.upperBound), depth: 1 + lastDepth)
    }
    return parseComparison()
  }

  mutating func parseComparison() -> Expr {
    let left = parseAdditive()
    let leftDepth = lastDepth
    var op: BinaryOperator?
    switch current.kind {
    case .symbol(.equalEqual): op = .equal
    case .symbol(.notEqual): op = .notEqual
    case .symbol(.less): op = .less
    case .symbol(.lessEqual): op = .lessEqual
    case .symbol(.greater): op = .greater
    case .symbol(.greaterEqual): op = .greaterEqual
    case .keyword(.in): op = .in
    case .keyword(.matches): op = .matches
    case .keyword(.not) where peek().kind == .keyword(.in):
      advance()
      op = .notIn
    default: break
    }
    guard let op else {
      lastDepth = leftDepth
      return left
    }
    advance()
    let right = parseAdditive()
    return node(.binary(op, left, right, left.range.lowerBound..<right.range.upperBound), depth: 1 + max(leftDepth, lastDepth))
  }

  mutating func parseAdditive() -> Expr {
    var left = parseMultiplicative()
    var depth = lastDepth
    while check(.plus) || check(.minus) {
      let op: BinaryOperator = check(.plus) ? .add : .subtract
      advance()
      let right = parseMultiplicative()
      left = node(.binary(op, left, right, left.range.lowerBound..<right.range.upperBound), depth: 1 + max(depth, lastDepth))
      depth = lastDepth
    }
    lastDepth = depth
    return left
  }

  mutating func parseMultiplicative() -> Expr {
    var left = parseUnary()
    var depth = lastDepth
    while check(.star) || check(.slash) {
      let op: BinaryOperator = check(.star) ? .multiply : .divide
      advance()
      let right = parseUnary()
      left = node(.binary(op, left, right, left.range.lowerBound..<right.range.upperBound), depth: 1 + max(depth, lastDepth))
      depth = lastDepth
    }
    lastDepth = depth
    return left
  }

  mutating func parseUnary() -> Expr {
    if check(.minus) {
      let start = current.range.lowerBound
      advance()
      guard enter() else {
        lastDepth = 0
        return .null(start..<current.range.lowerBound)
      }
      defer { nesting -= 1 }
      let operand = parseUnary()
      return node(.unary(.negate, operand, start..<operand.range.upperBound), depth: 1 + lastDepth)
    }
    return parsePostfix()
  }

  mutating func parsePostfix() -> Expr {
    var expr = parsePrimary()
    var depth = lastDepth
    defer { lastDepth = depth }
    while true {
      if check(.dot) {
        advance()
        // Keywords are fine as attribute names: `x.in`, `step.if`… (`if` is not a keyword anyway).
        let token = current
        switch token.kind {
        case .identifier, .keyword:
          advance()
          expr = node(.member(expr, token.text, expr.range.lowerBound..<token.range.upperBound), depth: depth + 1)
          depth = lastDepth
        default:
          error("expected an attribute name after '.', found \(describe(token))", token.range)
          return expr
        }
      } else if check(.lbracket) {
        advance()
        let key = parseExpression()
        expect(.rbracket, "to close the index")
        expr = node(.index(expr, key, range(from: expr.range.lowerBound)), depth: 1 + max(depth, lastDepth))
        depth = lastDepth
      } else if check(.arrow) {
        advance()
        guard let (relation, _) = expectIdentifier("a relation name after '->'") else { return expr }
        expr = node(.traverse(expr, relation, range(from: expr.range.lowerBound)), depth: depth + 1)
        depth = lastDepth
      } else {
        return expr
      }
    }
  }

  /// Comma-separated expressions up to `closer` (left for the caller), and the deepest of them.
  mutating func parseElements(until closer: Symbol) -> (elements: [Expr], depth: Int) {
    var elements: [Expr] = []
    var depth = 0
    while !atEnd && !check(closer) {
      elements.append(parseExpression())
      depth = max(depth, lastDepth)
      if !accept(.comma) { break }
    }
    return (elements, depth)
  }

  /// The arguments of a call to the function named by `token` (just read), from its `(`.
  mutating func parseCall(_ token: Token, _ start: Int) -> Expr {
    advance()
    let (arguments, depth) = parseElements(until: .rparen)
    expect(.rparen, "to close the call to '\(token.text)'")
    return node(.call(Callee(token.text), arguments, range(from: start)), depth: 1 + depth)
  }

  mutating func parsePrimary() -> Expr {
    let token = current
    let start = token.range.lowerBound
    lastDepth = 0
    switch token.kind {
    case .keyword(.true):
      advance()
      return .bool(true, token.range)
    case .keyword(.false):
      advance()
      return .bool(false, token.range)
    case .keyword(.null):
      advance()
      return .null(token.range)
    case .int:
      advance()
      guard let value = Int(token.text) else {
        error("number '\(token.text)' is too large", token.range)
        return .int(0, token.range)
      }
      return .int(value, token.range)
    case .float:
      advance()
      return .float(Double(token.text) ?? 0, token.range)
    case .string:
      advance()
      let parts = interpolate(token)
      let interpolated = parts.contains { if case .expr = $0 { true } else { false } }
      return node(.string(parts, token.range), depth: interpolated ? 1 + lastDepth : 0)
    case .block:
      advance()
      return .string([.text(token.text)], token.range)
    case .keyword(.param):
      advance()
      expect(.dot, "after 'param'")
      guard let (name, _) = expectIdentifier("a parameter name") else { return .null(token.range) }
      return .param(name, range(from: start))
    case .keyword(.all), .keyword(.any), .keyword(.none):
      return parseQuantifier(Quantifier(rawValue: token.text) ?? .all)
    case .identifier where ["count", "filter", "map"].contains(token.text) && isQuantifierAhead():
      return parseQuantifier(Quantifier(rawValue: token.text) ?? .count)
    case .identifier where Parser.sources.contains(token.text) && peek().kind == .symbol(.dot):
      guard let selector = parseSelector() else { return .null(token.range) }
      var filter: Expr?
      lastDepth = 0
      if check(.lbracket) {
        advance()
        filter = parseExpression()
        expect(.rbracket, "to close the filter")
      }
      return node(.select(selector, filter: filter, range(from: start)), depth: 1 + lastDepth)
    // `matches(s, regex)`: the operator's keyword called as a function (documented as a built-in).
    case .keyword(.matches) where peek().kind == .symbol(.lparen):
      advance()
      return parseCall(token, start)
    case .identifier:
      advance()
      if check(.lparen) { return parseCall(token, start) }
      return .name(token.text, token.range)
    case .symbol(.lparen):
      advance()
      let inner = parseExpression()
      expect(.rparen, "to close the parenthesis")
      return inner
    case .symbol(.lbracket):
      advance()
      let (elements, depth) = parseElements(until: .rbracket)
      expect(.rbracket, "to close the list")
      return node(.list(elements, range(from: start)), depth: 1 + depth)
    case .symbol(.lbrace):
      advance()
      var entries: [(String, Expr)] = []
      var depth = 0
      while !atEnd && !check(.rbrace) {
        var key = ""
        if current.kind == .string || current.kind == .identifier {
          key = current.text
          advance()
        } else {
          error("expected a map key (a name or a string), found \(describe(current))", current.range)
          break
        }
        expect(.colon, "after the map key")
        entries.append((key, parseExpression()))
        depth = max(depth, lastDepth)
        if !accept(.comma) { break }
      }
      expect(.rbrace, "to close the map")
      return node(.map(entries, range(from: start)), depth: 1 + depth)
    default:
      error("expected an expression, found \(describe(token))", token.range)
      // Leave keywords and closers for the statement parser to recover on.
      switch token.kind {
      case .keyword, .symbol(.rbrace), .symbol(.rparen), .symbol(.rbracket), .endOfFile: break
      default: advance()
      }
      lastDepth = 0
      return .null(token.range)
    }
  }

  /// `name(x in …` or `name(k, v in …`.
  func isQuantifierAhead() -> Bool {
    guard peek().kind == .symbol(.lparen), peek(2).kind == .identifier else { return false }
    if peek(3).kind == .keyword(.in) { return true }
    return peek(3).kind == .symbol(.comma) && peek(4).kind == .identifier && peek(5).kind == .keyword(.in)
  }

  /// `all(x in xs, cond)`, `count(k, v in m, cond)`, `map(x in xs, expr)`.
  mutating func parseQuantifier(_ quantifier: Quantifier) -> Expr {
    let start = current.range.lowerBound
    advance()
    expect(.lparen, "after '\(quantifier.rawValue)'")
    var variables: [String] = []
    if let (first, _) = expectIdentifier("a variable name") { variables.append(first) }
    if accept(.comma), let (second, _) = expectIdentifier("a second variable name") { variables.append(second) }
    expect(.in, "after the variable")
    let collection = parseExpression()
    let collectionDepth = lastDepth
    expect(.comma, "between the collection and the condition")
    let body = parseExpression()
    expect(.rparen, "to close '\(quantifier.rawValue)'")
    return node(
      .quantifier(quantifier, variables: variables, collection: collection, body: body, range(from: start)),
      depth: 1 + max(collectionDepth, lastDepth))
  }

  /// Parses the `${…}` parts of a string token; ``lastDepth`` is then the deepest part's depth.
  mutating func interpolate(_ token: Token) -> [InterpolatedPart] {
    var depth = 0
    let parts = token.parts.map { part -> InterpolatedPart in
      switch part {
      case .text(let text):
        return .text(text)
      case .interpolation(let sourceText, let offset):
        // Nested `${"${…}"}` recurse through a parser per level: they count towards the depth.
        var inner = Parser(source: source, tokensIn: offset..<(offset + sourceText.utf8.count), nesting: nesting + 1)
        inner.reportedTooDeep = reportedTooDeep
        let expr = inner.parseExpression()
        if !inner.atEnd && !inner.reportedTooDeep {
          inner.error("unexpected \(inner.describe(inner.current)) in '${…}'", inner.current.range)
        }
        depth = max(depth, inner.lastDepth)
        reportedTooDeep = inner.reportedTooDeep
        diagnostics.append(contentsOf: inner.diagnostics)
        return .expr(expr)
      }
    }
    lastDepth = depth
    return parts
  }
}

