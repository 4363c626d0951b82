/// A token of the policy language.
struct Token: Sendable, Equatable {
  /// What kind of token.
  var kind: TokenKind
  /// The token's bytes in the policy file.
  var range: Range<Int>
  /// The token's text (for identifiers, numbers, punctuation) or decoded content (strings).
  var text: String
  /// For strings: the literal and interpolated parts.
  var parts: [StringPart] = []
}

/// A piece of a string literal: text, or an interpolated expression's source and where it starts.
enum StringPart: Sendable, Equatable {
  case text(String)
  case interpolation(source: String, offset: Int)
}

enum TokenKind: Sendable, Equatable {
  case identifier
  case keyword(Keyword)
  case int
  case float
  case string
  /// A `"""…"""` block: raw text, common indentation removed.
  case block
  case symbol(Symbol)
  case endOfFile
  /// A character the lexer does not know; reported, then skipped.
  case invalid
}

/// Reserved words. Metadata names (title, severity, …) are contextual, not reserved.
enum Keyword: String, Sendable, CaseIterable {
  case rule, pack, scorecard, param, example, fix
  case `for`, `in`, `let`, when, require, `else`, at, `where`
  case and, or, not, all, any, none, matches
  case `true`, `false`, null
  case set, insert, remove, append
}

enum Symbol: String, Sendable, CaseIterable {
  case lbrace = "{", rbrace = "}", lparen = "(", rparen = ")", lbracket = "[", rbracket = "]"
  case comma = ",", dot = ".", colon = ":", equal = "=", equalEqual = "==", notEqual = "!="
  case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
  case plus = "+", minus = "-", star = "*", slash = "/", arrow = "->"
}
