import Testing

@testable import PlumbPolicy

@Suite struct ParserTests {
  @Test func parsesAFullRule() throws {
    let library = compile(
      """
      # A comment.
      rule component_owner_exists {
        title "Components have an owner"
        severity high
        category ownership
        rationale \"\"\"
          Unowned services rot.
        \"\"\"
        remediation "Set spec.owner."
        docs "https://example.com/owner"
        tags [catalog, "ownership"]
        param allowed: list<string> = ["service", "website"]
        for c in catalog.Component
        let owner = c.spec.owner
        when c.spec.type in param.allowed
        require exists(owner) and owner != "" else "component '${c.metadata.name}' has no owner" at c.metadata
        example pass \"\"\"
          kind: Component
        \"\"\"
        example fail "no owner" \"\"\"
          kind: Component
        \"\"\" expect "has no owner"
      }
      """)
    let rule = try #require(library.rule("component_owner_exists"))
    #expect(rule.decl.title == "Components have an owner")
    #expect(rule.decl.severity == .high)
    #expect(rule.decl.category == "ownership")
    #expect(rule.decl.rationale == "Unowned services rot.\n")
    #expect(rule.decl.tags == ["catalog", "ownership"])
    #expect(rule.decl.params.map(\.name) == ["allowed"])
    #expect(rule.decl.params.first?.type == .list(.string))
    #expect(rule.decl.selector?.kind == "catalog.Component")
    #expect(rule.decl.body.count == 3)
    #expect(rule.decl.examples.map(\.verdict) == [.pass, .fail])
    #expect(rule.decl.examples[1].expectations == ["has no owner"])
    #expect(rule.decl.examples[1].name == "no owner")
  }

  @Test func reportsSeveralSyntaxErrorsInOneFileWithPositions() {
    let library = compile(
      """
      rule a {
        title "A"
        category x
        severity enormous
        for c in catalog.Component
        require c.spec.owner == else "missing value"
        require exists(c.spec) "no else"
      }
      rule b {
        title "B"
        category x
        for c in catalog.Component
        require (c.spec else "unclosed"
      }
      """, expectErrors: true)
    let found = messages(library)
    #expect(found.contains("4:12 unknown severity 'enormous'; use info, low, medium, high or critical"))
    #expect(found.contains("6:27 expected an expression, found 'else'"))
    #expect(found.contains { $0.hasPrefix("7:26 expected 'else' after the 'require' condition") })
    #expect(found.contains("13:19 expected ')' to close the parenthesis, found 'else'"))
    #expect(found.count == 4)
    #expect(library.rules.isEmpty)
  }

  @Test func blocksLoseTheirCommonIndentationAndTheirQuoteLines() {
    // Leading blank line dropped, common indent removed, deeper indent and blank lines kept,
    // the closing quotes' own line empty; multibyte text untouched.
    #expect(Lexer.dedent("\n    a:\n      b: ü\n\n    c\n  ") == "a:\n  b: ü\n\nc\n")
    // A tab counts as one column of indentation, like a space.
    #expect(Lexer.dedent("\n\tx\n\t y\n") == "x\n y\n")
    // CRLF: lines still split and dedented; the carriage returns are kept.
    #expect(Lexer.dedent("\r\n    a: 1\r\n    b: 2\r\n  ") == "a: 1\r\nb: 2\r\n")
    // A whitespace line shorter than the common indent becomes empty.
    #expect(Lexer.dedent("\n    a\n  \n    b") == "a\n\nb")
    // No content at all.
    #expect(Lexer.dedent("") == "")
  }

  @Test func lexerErrorsArePositioned() {
    let library = compile("rule a {\n  title \"unterminated\n}\n", expectErrors: true)
    #expect(messages(library).first == "2:9 unterminated string")
  }

  @Test func interpolationParsesExpressionsWithTheirOwnPositions() throws {
    let library = compile(
      """
      rule a {
        title "A"
        category x
        for c in catalog.Component
        require false else "owner ${c.spce.owner} of ${name(c)}"
      }
      """, expectErrors: true)
    #expect(messages(library) == ["5:31 catalog.Component has no attribute 'spce'; did you mean 'spec'?"])
    #expect(library.rule("a") == nil)
  }

  @Test func packsAndScorecardsParse() throws {
    let library = compile(
      """
      rule r1 {
        title "R1"
        category security
        param limit: int = 3
        for s in github.step
        require exists(s.uses) else "x"
      }
      pack strict {
        title "Strict"
        description "Everything blocks."
        inline_ignores forbidden
        all rules: warn
        category security: block
        rule r1: advisory { limit = 5 }
      }
      scorecard readiness {
        title "Readiness"
        for c in catalog.Component when c.spec.lifecycle == "production"
        level bronze: r1
        level silver: bronze
        weight r1 2
      }
      """)
    let pack = try #require(library.packs["strict"])
    #expect(pack.forbidInlineIgnores)
    #expect(pack.entries.map(\.enforcement) == [.warn, .block, .advisory])
    #expect(pack.entries.last?.params.first?.name == "limit")
    let card = try #require(library.scorecards["readiness"])
    #expect(card.levels.map(\.name) == ["bronze", "silver"])
    #expect(card.weights.first?.weight == 2)
    #expect(card.selector?.kind == "catalog.Component")
  }
}

@Suite struct SymbolSpellingTests {
  /// The lexer matches symbols byte by byte: every symbol's spelling must map back to it.
  @Test func everySymbolIsRecognisedFromItsBytes() {
    for symbol in Symbol.allCases {
      let bytes = Array(symbol.rawValue.utf8)
      let found = bytes.count == 2 ? Symbol.pair(bytes[0], bytes[1]) : Symbol.single(bytes[0])
      #expect(found == symbol, "\(symbol.rawValue)")
    }
    #expect(Symbol.pair(UInt8(ascii: "="), UInt8(ascii: ">")) == nil)
    #expect(Symbol.single(UInt8(ascii: "!")) == nil)
    #expect(Keyword.byName.count == Keyword.allCases.count)
  }
}
