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

  /// Every keyword by its text (one hash per identifier instead of a comparison per keyword).
  static let byName: [String: Keyword] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })
}

enum Symbol: String, Sendable, CaseIterable {
  case lbrace = "{", rbrace = "}", lparen = "(", rparen = ")", lbracket = "[", rbracket = "]"
  case comma = ",", dot = ".", colon = ":", equal = "=", equalEqual = "==", notEqual = "!="
  case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
  case plus = "+", minus = "-", star = "*", slash = "/", arrow = "->"
}

extension Symbol {
  /// The two-character symbol spelled by `first` and `second`, if any.
  static func pair(_ first: UInt8, _ second: UInt8) -> Symbol? {
    switch (first, second) {
    case (UInt8(ascii: "="), UInt8(ascii: "=")): return .equalEqual
    case (UInt8(ascii: "!"), UInt8(ascii: "=")): return .notEqual
    case (UInt8(ascii: "<"), UInt8(ascii: "=")): return .lessEqual
    case (UInt8(ascii: ">"), UInt8(ascii: "=")): return .greaterEqual
    case (UInt8(ascii: "-"), UInt8(ascii: ">")): return .arrow
    default: return nil
    }
  }

  /// The one-character symbol `byte` spells, if any.
  static func single(_ byte: UInt8) -> Symbol? {
    switch byte {
    case UInt8(ascii: "{"): return .lbrace
    case UInt8(ascii: "}"): return .rbrace
    case UInt8(ascii: "("): return .lparen
    case UInt8(ascii: ")"): return .rparen
    case UInt8(ascii: "["): return .lbracket
    case UInt8(ascii: "]"): return .rbracket
    case UInt8(ascii: ","): return .comma
    case UInt8(ascii: "."): return .dot
    case UInt8(ascii: ":"): return .colon
    case UInt8(ascii: "="): return .equal
    case UInt8(ascii: "<"): return .less
    case UInt8(ascii: ">"): return .greater
    case UInt8(ascii: "+"): return .plus
    case UInt8(ascii: "-"): return .minus
    case UInt8(ascii: "*"): return .star
    case UInt8(ascii: "/"): return .slash
    default: return nil
    }
  }
}

