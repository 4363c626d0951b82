extension Parser {
  // MARK: rule

  mutating func parseRule() -> RuleDecl? {
    let start = current.range.lowerBound
    advance()
    guard let (id, idRange) = expectIdentifier("a rule id") else {
      skipToTopLevel()
      return nil
    }
    var rule = RuleDecl(id: id, range: start..<start, idRange: idRange)
    guard expect(.lbrace, "after the rule id") else {
      skipToTopLevel()
      return nil
    }
    var requireCount = 0
    while !atEnd && !check(.rbrace) {
      let itemStart = index
      switch current.kind {
      case .identifier where Parser.metadataNames.contains(current.text):
        parseMetadata(into: &rule)
      case .keyword(.param):
        if let param = parseParam() { rule.params.append(param) }
      case .keyword(.for):
        let forStart = current.range.lowerBound
        advance()
        if rule.selector != nil { error("a rule has one 'for'; use 'let' and quantifiers for more", range(from: forStart)) }
        if let (name, _) = expectIdentifier("a variable name after 'for'") {
          rule.variable = name
          expect(.in, "after the 'for' variable")
          rule.selector = parseSelector()
        }
      case .keyword(.let):
        let letStart = current.range.lowerBound
        advance()
        if let (name, _) = expectIdentifier("a name after 'let'") {
          expect(.equal, "after the 'let' name")
          let value = parseExpression()
          rule.body.append(.let(name: name, value: value, range: range(from: letStart)))
        }
      case .keyword(.when):
        let whenStart = current.range.lowerBound
        advance()
        rule.body.append(.when(parseExpression(), range: range(from: whenStart)))
      case .keyword(.require):
        if let statement = parseRequire(ordinal: requireCount) {
          rule.body.append(.require(statement))
          requireCount += 1
        }
      case .keyword(.example):
        if let example = parseExample() { rule.examples.append(example) }
      default:
        error(
          "expected a rule item (title, severity, category, rationale, remediation, docs, tags, param, for, let, when, require, example), found \(describe(current))",
          current.range)
        advance()
        synchronize()
      }
      if index == itemStart { advance() }
    }
    expect(.rbrace, "to close rule '\(id)'")
    rule.range = range(from: start)
    if rule.selector == nil {
      error("rule '\(id)' has no 'for' clause saying which entities it checks", idRange)
    }
    return rule
  }

  mutating func parseMetadata(into rule: inout RuleDecl) {
    let name = current.text
    let nameRange = current.range
    advance()
    switch name {
    case "severity":
      if let (value, valueRange) = expectIdentifier("a severity (info, low, medium, high, critical)") {
        if let severity = Severity(rawValue: value) {
          rule.severity = severity
        } else {
          error("unknown severity '\(value)'; use info, low, medium, high or critical", valueRange)
        }
      }
    case "category":
      if current.kind == .identifier {
        rule.category = current.text
        advance()
      } else if let text = expectString("a category") {
        rule.category = text
      }
    case "tags":
      guard expect(.lbracket, "after 'tags'") else { return }
      while !atEnd && !check(.rbracket) {
        if current.kind == .identifier {
          // Bare tags may contain dashes: `github-actions`.
          var tag = current.text
          advance()
          while check(.minus), peek().kind == .identifier || peek().kind == .int {
            advance()
            tag += "-" + current.text
            advance()
          }
          rule.tags.append(tag)
        } else if let text = expectString("a tag") {
          rule.tags.append(text)
        } else {
          break
        }
        if !accept(.comma) { break }
      }
      expect(.rbracket, "to close 'tags'")
    default:
      let valueRange = current.range
      guard let text = expectString("the rule's \(name)") else { return }
      switch name {
      case "title": rule.title = text
      case "rationale": rule.rationale = text
      case "remediation": rule.remediation = text
      case "docs":
        rule.docs = text
        rule.docsRange = valueRange
      default: error("unknown metadata '\(name)'", nameRange)
      }
    }
  }

  mutating func parseParam() -> ParamDecl? {
    let start = current.range.lowerBound
    advance()
    guard let (name, _) = expectIdentifier("a parameter name") else {
      synchronize()
      return nil
    }
    expect(.colon, "after the parameter name")
    let type = parseType()
    var defaultValue: Expr?
    if accept(.equal) { defaultValue = parseExpression() }
    return ParamDecl(name: name, type: type, defaultValue: defaultValue, range: range(from: start))
  }

  mutating func parseType() -> ParamType {
    // `any` is also a quantifier, so it comes as a keyword.
    if current.kind == .keyword(.any) {
      advance()
      return .any
    }
    guard let (name, nameRange) = expectIdentifier("a type (bool, int, number, string, pattern, any, list<…>)") else { return .any }
    switch name {
    case "bool": return .bool
    case "int": return .int
    case "number": return .number
    case "string": return .string
    case "pattern": return .pattern
    case "any": return .any
    case "list":
      expect(.less, "after 'list'")
      guard enter() else { return .any }
      defer { nesting -= 1 }
      let element = parseType()
      expect(.greater, "to close 'list<'")
      return .list(element)
    default:
      error("unknown type '\(name)'; use bool, int, number, string, pattern, any or list<…>", nameRange)
      return .any
    }
  }

  /// `source.Name [("type", …)]`
  mutating func parseSelector() -> Selector? {
    let start = current.range.lowerBound
    guard current.kind == .identifier, Parser.sources.contains(current.text) else {
      error("expected a selector such as catalog.Component or terraform.resource, found \(describe(current))", current.range)
      return nil
    }
    let sourceName = current.text
    advance()
    expect(.dot, "after '\(sourceName)'")
    guard let (name, _) = expectIdentifier("an entity kind after '\(sourceName).'") else { return nil }
    var types: [String] = []
    if check(.lparen) {
      advance()
      while !atEnd && !check(.rparen) {
        guard let text = expectString("a type name") else { break }
        types.append(text)
        if !accept(.comma) { break }
      }
      expect(.rparen, "to close the type list")
    }
    return Selector(source: sourceName, name: name, types: types, range: range(from: start))
  }

  mutating func parseRequire(ordinal: Int) -> RequireStatement? {
    let start = current.range.lowerBound
    advance()
    let condition = parseExpression()
    var message = Expr.string([.text("")], start..<start)
    if expect(.else, "after the 'require' condition (every requirement needs a message)") {
      message = parsePrimary()
      if case .string = message {} else { error("the message after 'else' must be a string", message.range) }
    }
    var at: Expr?
    if accept(.at) { at = parseExpression() }
    var fixes: [FixStatement] = []
    if check(.fix) {
      advance()
      expect(.lbrace, "after 'fix'")
      fixes = parseFixStatements()
      expect(.rbrace, "to close the fix")
    }
    return RequireStatement(
      condition: condition, message: message, at: at, fixes: fixes, range: range(from: start), ordinal: ordinal)
  }

  /// The statements of a fix block (or of a `for` inside one), up to the closing brace.
  mutating func parseFixStatements() -> [FixStatement] {
    var fixes: [FixStatement] = []
    while !atEnd && !check(.rbrace) {
      let fixStart = current.range.lowerBound
      let before = index
      switch current.kind {
      case .keyword(.for):
        advance()
        guard let (name, _) = expectIdentifier("a variable name after 'for'") else { break }
        expect(.in, "after the 'for' variable")
        let collection = parseExpression()
        expect(.lbrace, "before the statements the 'for' repeats")
        let body = parseFixStatements()
        expect(.rbrace, "to close the 'for'")
        fixes.append(.each(variable: name, collection: collection, body: body, range: range(from: fixStart)))
      case .keyword(.set), .keyword(.insert):
        let isSet = check(.set)
        advance()
        let target = parsePostfix()
        expect(.equal, "in the fix")
        let value = parseExpression()
        fixes.append(
          isSet
            ? .set(target: target, value: value, range: range(from: fixStart))
            : .insert(target: target, value: value, range: range(from: fixStart)))
      case .keyword(.remove):
        advance()
        fixes.append(.remove(target: parsePostfix(), range: range(from: fixStart)))
      case .keyword(.append):
        advance()
        let target = parsePostfix()
        expect(.comma, "between the list and the value to append")
        fixes.append(.append(target: target, value: parseExpression(), range: range(from: fixStart)))
      default:
        error("expected 'set', 'insert', 'remove', 'append' or 'for' in a fix, found \(describe(current))", current.range)
        advance()
      }
      if index == before { advance() }
    }
    return fixes
  }

  /// `example pass|fail|indeterminate ["name"] (BLOCK | { file "path" BLOCK … }) { expect "text" }`
  mutating func parseExample() -> ExampleDecl? {
    let start = current.range.lowerBound
    advance()
    guard let (word, wordRange) = expectIdentifier("'pass', 'fail' or 'indeterminate'") else {
      synchronize()
      return nil
    }
    guard let verdict = ExampleVerdict(rawValue: word) else {
      error("unknown example verdict '\(word)'; use pass, fail or indeterminate", wordRange)
      synchronize()
      return nil
    }
    var name: String?
    if current.kind == .string {
      name = current.text
      advance()
    }
    var files: [(String, String)] = []
    if current.kind == .block {
      files.append(("", current.text))
      advance()
    } else if accept(.lbrace) {
      while !atEnd && !check(.rbrace) {
        guard checkWord("file") else {
          error("expected 'file \"path\" \"\"\"…\"\"\"' in the example, found \(describe(current))", current.range)
          advance()
          continue
        }
        advance()
        guard let path = expectString("the example file's path") else { break }
        guard current.kind == .block else {
          error("expected the file's content as a \"\"\"…\"\"\" block", current.range)
          break
        }
        files.append((path, current.text))
        advance()
      }
      expect(.rbrace, "to close the example")
    } else {
      error("expected the example's input as a \"\"\"…\"\"\" block or { file … }", current.range)
    }
    var expectations: [String] = []
    while checkWord("expect") {
      advance()
      if let text = expectString("the expected message") { expectations.append(text) }
    }
    return ExampleDecl(verdict: verdict, name: name, files: files, expectations: expectations, range: range(from: start))
  }

  // MARK: pack

  mutating func parsePack() -> PackDecl? {
    let start = current.range.lowerBound
    advance()
    guard let (name, _) = expectIdentifier("a pack name"), expect(.lbrace, "after the pack name") else {
      skipToTopLevel()
      return nil
    }
    var pack = PackDecl(name: name, range: start..<start)
    while !atEnd && !check(.rbrace) {
      let before = index
      let entryStart = current.range.lowerBound
      if checkWord("title") || checkWord("description") {
        let which = current.text
        advance()
        if let text = expectString("the pack's \(which)") {
          if which == "title" { pack.title = text } else { pack.description = text }
        }
      } else if checkWord("inline_ignores") {
        advance()
        if let (value, valueRange) = expectIdentifier("'allowed' or 'forbidden'") {
          switch value {
          case "allowed": pack.forbidInlineIgnores = false
          case "forbidden": pack.forbidInlineIgnores = true
          default: error("expected 'allowed' or 'forbidden', found '\(value)'", valueRange)
          }
        }
      } else if checkWord("max_waiver_days") {
        advance()
        if current.kind == .int, let days = Int(current.text), days > 0 {
          pack.maxWaiverDays = days
          advance()
        } else {
          let start = current.range.lowerBound
          let negative = accept(.minus)
          let found = negative ? "a negative number" : describe(current)
          error(
            "expected the longest a waiver may run, a whole number of days above 0, after 'max_waiver_days', found \(found)",
            start..<current.range.upperBound)
          // Skip the wrong value (not the next setting) so that it gives no second error.
          let nextSetting = ["title", "description", "inline_ignores", "max_waiver_days", "category"]
          if [.int, .float, .string].contains(current.kind)
            || (current.kind == .identifier && !nextSetting.contains(current.text))
          {
            advance()
          }
        }
      } else if check(.rule) || checkWord("category") || check(.all) {
        var target: PackEntry.Target = .all
        if accept(.rule) {
          if let (id, _) = expectIdentifier("a rule id") { target = .rule(id) }
        } else if checkWord("category") {
          advance()
          if let (category, _) = expectIdentifier("a category") { target = .category(category) }
        } else {
          advance()
          if checkWord("rules") { advance() }
        }
        expect(.colon, "before the enforcement level")
        var enforcement = Enforcement.warn
        if let (level, levelRange) = expectIdentifier("an enforcement level (off, advisory, warn, block)") {
          if let parsed = Enforcement(rawValue: level) {
            enforcement = parsed
          } else {
            error("unknown enforcement level '\(level)'; use off, advisory, warn or block", levelRange)
          }
        }
        var params: [(String, Expr, Range<Int>)] = []
        if accept(.lbrace) {
          while !atEnd && !check(.rbrace) {
            let paramStart = current.range.lowerBound
            guard let (paramName, _) = expectIdentifier("a parameter name") else {
              advance()
              continue
            }
            expect(.equal, "after the parameter name")
            params.append((paramName, parseExpression(), range(from: paramStart)))
          }
          expect(.rbrace, "to close the parameters")
        }
        pack.entries.append(
          PackEntry(target: target, enforcement: enforcement, params: params, range: range(from: entryStart)))
      } else {
        error(
          "expected 'title', 'description', 'inline_ignores', 'max_waiver_days', 'rule', 'category' or 'all' in a pack, found \(describe(current))",
          current.range)
        advance()
      }
      if index == before { advance() }
    }
    expect(.rbrace, "to close pack '\(name)'")
    pack.range = range(from: start)
    return pack
  }

  // MARK: scorecard

  mutating func parseScorecard() -> ScorecardDecl? {
    let start = current.range.lowerBound
    advance()
    guard let (name, nameRange) = expectIdentifier("a scorecard name"), expect(.lbrace, "after the scorecard name") else {
      skipToTopLevel()
      return nil
    }
    var card = ScorecardDecl(name: name, range: start..<start)
    while !atEnd && !check(.rbrace) {
      let before = index
      let itemStart = current.range.lowerBound
      if checkWord("title") {
        advance()
        if let text = expectString("the scorecard's title") { card.title = text }
      } else if accept(.for) {
        if current.kind == .identifier && peek().kind == .keyword(.in) {
          card.variable = current.text
          advance()
          advance()
        }
        card.selector = parseSelector()
        if accept(.when) || accept(.where) { card.filter = parseExpression() }
      } else if checkWord("level") {
        advance()
        guard let (levelName, _) = expectIdentifier("a level name") else { continue }
        expect(.colon, "after the level name")
        var members: [(String, Range<Int>)] = []
        while let (member, memberRange) = expectIdentifier("a rule id or an earlier level") {
          members.append((member, memberRange))
          if !accept(.comma) { break }
        }
        card.levels.append(.init(name: levelName, members: members, range: range(from: itemStart)))
      } else if checkWord("weight") {
        advance()
        if let (rule, _) = expectIdentifier("a rule id") {
          if current.kind == .int, let weight = Int(current.text) {
            advance()
            card.weights.append((rule, weight, range(from: itemStart)))
          } else {
            error("expected a whole-number weight, found \(describe(current))", current.range)
          }
        }
      } else {
        error("expected 'title', 'for', 'level' or 'weight' in a scorecard, found \(describe(current))", current.range)
        advance()
      }
      if index == before { advance() }
    }
    expect(.rbrace, "to close scorecard '\(name)'")
    card.range = range(from: start)
    if card.selector == nil { error("scorecard '\(name)' has no 'for' clause saying which entities it scores", nameRange) }
    return card
  }
}
