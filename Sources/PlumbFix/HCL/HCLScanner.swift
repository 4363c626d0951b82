import Foundation

/// A small HCL (Terraform `.tf`) reader that finds blocks and attributes with exact byte ranges.
///
/// It understands what can hide a brace or a line break: strings with `${ … }` and `%{ … }`
/// templates (and `$${` escapes), heredocs (`<<EOF`, `<<-EOF`), comments (`#`, `//`, `/* */`) and
/// brackets spanning lines. It does not evaluate expressions: an attribute's value is a byte range,
/// and only literals (`true`, `42`, `"text"` without templates, `null`) are read as values.
public struct HCLFile: Sendable {
  /// The file's bytes.
  public let bytes: [UInt8]
  /// The top-level items.
  public let body: [HCLItem]

  /// Scans `bytes`; throws an ``HCLError`` at the first thing it cannot read.
  public init(bytes: [UInt8]) throws {
    self.bytes = bytes
    var scanner = HCLScanner(bytes: bytes)
    body = try scanner.body(topLevel: true)
  }

  /// The top-level blocks of `type` whose labels are `labels`.
  public func blocks(_ type: String, _ labels: [String]) -> [HCLBlock] {
    body.compactMap { item in
      if case .block(let block) = item, block.type == type, block.labels == labels { return block }
      return nil
    }
  }
}

/// Where and why a `.tf` file could not be read.
public struct HCLError: Error, Sendable, Equatable, CustomStringConvertible {
  public var offset: Int
  public var message: String
  public var description: String { "\(message) (byte \(offset))" }
}

/// An attribute or a block.
public enum HCLItem: Sendable, Equatable {
  case attribute(HCLAttribute)
  case block(HCLBlock)

  /// The first byte of the item (its name).
  public var start: Int {
    switch self {
    case .attribute(let a): return a.nameRange.lowerBound
    case .block(let b): return b.typeRange.lowerBound
    }
  }

  /// The end of the item's last byte (a value's last byte, a block's `}`).
  public var end: Int {
    switch self {
    case .attribute(let a): return a.expression.upperBound
    case .block(let b): return b.close + 1
    }
  }
}

/// `name = expression`.
public struct HCLAttribute: Sendable, Equatable {
  public var name: String
  public var nameRange: Range<Int>
  /// The `=`.
  public var equals: Int
  /// The expression, without surrounding white space or a trailing comment.
  public var expression: Range<Int>
}

/// `type "label" … { body }`.
public struct HCLBlock: Sendable, Equatable {
  public var type: String
  public var labels: [String]
  public var typeRange: Range<Int>
  /// The `{`.
  public var open: Int
  /// The `}`.
  public var close: Int
  public var body: [HCLItem]

  /// The attributes of the body named `name`.
  public func attribute(_ name: String) -> HCLAttribute? {
    for item in body { if case .attribute(let a) = item, a.name == name { return a } }
    return nil
  }

  /// The nested blocks of the body of `type` (labels ignored).
  public func blocks(_ type: String) -> [HCLBlock] {
    body.compactMap { item in
      if case .block(let b) = item, b.type == type { return b }
      return nil
    }
  }
}

struct HCLScanner {
  let bytes: [UInt8]
  var position = 0

  init(bytes: [UInt8]) {
    self.bytes = bytes
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
  }

  var atEnd: Bool { position >= bytes.count }
  func peek(_ offset: Int = 0) -> UInt8 { position + offset < bytes.count ? bytes[position + offset] : 0 }

  static func isNameByte(_ b: UInt8) -> Bool {
    (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b == 95 || b == 45 || b >= 0x80
  }

  func error(_ message: String, at offset: Int? = nil) -> HCLError {
    HCLError(offset: offset ?? position, message: message)
  }

  /// Skips spaces, tabs, comments and (when asked) line breaks.
  mutating func skipTrivia(newlines: Bool) throws {
    while !atEnd {
      let b = peek()
      if b == 0x20 || b == 0x09 || ((b == 0x0A || b == 0x0D) && newlines) {
        position += 1
      } else if b == UInt8(ascii: "#") || (b == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "/")) {
        while !atEnd && peek() != 0x0A && peek() != 0x0D { position += 1 }
      } else if b == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "*") {
        let start = position
        position += 2
        while !atEnd && !(peek() == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/")) { position += 1 }
        guard !atEnd else { throw error("unterminated /* comment", at: start) }
        position += 2
      } else {
        return
      }
    }
  }

  mutating func name() -> (String, Range<Int>)? {
    let start = position
    while !atEnd && Self.isNameByte(peek()) { position += 1 }
    guard position > start else { return nil }
    return (String(decoding: bytes[start..<position], as: UTF8.self), start..<position)
  }

  /// A body: items until `}` (left unread) or the end of the file.
  mutating func body(topLevel: Bool) throws -> [HCLItem] {
    var items: [HCLItem] = []
    while true {
      try skipTrivia(newlines: true)
      if atEnd {
        if topLevel { return items }
        throw error("unterminated block: missing '}'")
      }
      if peek() == UInt8(ascii: "}") {
        if topLevel { throw error("unexpected '}'") }
        return items
      }
      guard let (name, nameRange) = name() else {
        throw error("expected an attribute or a block, found '\(String(decoding: [peek()], as: UTF8.self))'")
      }
      try skipTrivia(newlines: false)
      if peek() == UInt8(ascii: "=") && peek(1) != UInt8(ascii: "=") {
        let equals = position
        position += 1
        try skipTrivia(newlines: false)
        let start = position
        let end = try expression()
        guard end > start else { throw error("missing value after '='", at: equals) }
        items.append(.attribute(HCLAttribute(name: name, nameRange: nameRange, equals: equals, expression: start..<end)))
        continue
      }
      var labels: [String] = []
      while true {
        if peek() == UInt8(ascii: "\"") {
          let start = position
          try string()
          labels.append(String(decoding: bytes[(start + 1)..<(position - 1)], as: UTF8.self))
        } else if let (label, _) = self.name() {
          labels.append(label)
        } else {
          break
        }
        try skipTrivia(newlines: false)
      }
      guard peek() == UInt8(ascii: "{") else { throw error("expected '{' or '=' after '\(name)'") }
      let open = position
      position += 1
      let inner = try body(topLevel: false)
      let close = position
      position += 1
      items.append(
        .block(HCLBlock(type: name, labels: labels, typeRange: nameRange, open: open, close: close, body: inner)))
    }
  }

  /// Reads an expression up to a line break (outside brackets), a comment, or a `}` that closes
  /// the enclosing block; returns the end of its last byte that is not white space.
  mutating func expression() throws -> Int {
    var depth = 0
    var lastContent = position
    while !atEnd {
      let b = peek()
      switch b {
      case 0x0A, 0x0D:
        if depth == 0 { return lastContent }
        position += 1
        continue
      case 0x20, 0x09:
        position += 1
        continue
      case UInt8(ascii: "#"):
        try skipTrivia(newlines: false)
        continue
      case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "/") || peek(1) == UInt8(ascii: "*"):
        try skipTrivia(newlines: false)
        continue
      case UInt8(ascii: "\""):
        try string()
      case UInt8(ascii: "<") where peek(1) == UInt8(ascii: "<") && (Self.isNameByte(peek(2)) || peek(2) == UInt8(ascii: "-")):
        try heredoc()
      case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
        depth += 1
        position += 1
      case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
        if depth == 0 { return lastContent }
        depth -= 1
        position += 1
      case UInt8(ascii: ","):
        if depth == 0 { return lastContent }
        position += 1
      default:
        position += 1
      }
      lastContent = position
    }
    if depth > 0 { throw error("unbalanced brackets in an expression") }
    return lastContent
  }

  /// A quoted string with escapes and `${ }` / `%{ }` templates (which may hold strings and braces).
  mutating func string() throws {
    let start = position
    position += 1
    while !atEnd {
      let b = peek()
      if b == 0x0A || b == 0x0D { throw error("unterminated string", at: start) }
      if b == UInt8(ascii: "\\") {
        position += 2
        continue
      }
      if b == UInt8(ascii: "\"") {
        position += 1
        return
      }
      if (b == UInt8(ascii: "$") || b == UInt8(ascii: "%")) && peek(1) == b && peek(2) == UInt8(ascii: "{") {
        position += 3
        continue
      }
      if (b == UInt8(ascii: "$") || b == UInt8(ascii: "%")) && peek(1) == UInt8(ascii: "{") {
        position += 2
        try template()
        continue
      }
      position += 1
    }
    throw error("unterminated string", at: start)
  }

  /// The inside of `${ … }` up to its closing brace.
  mutating func template() throws {
    let start = position
    var depth = 0
    while !atEnd {
      let b = peek()
      if b == UInt8(ascii: "\"") {
        try string()
        continue
      }
      if b == UInt8(ascii: "<") && peek(1) == UInt8(ascii: "<") && (Self.isNameByte(peek(2)) || peek(2) == UInt8(ascii: "-")) {
        try heredoc()
        continue
      }
      if b == UInt8(ascii: "{") { depth += 1 }
      if b == UInt8(ascii: "}") {
        if depth == 0 {
          position += 1
          return
        }
        depth -= 1
      }
      position += 1
    }
    throw error("unterminated template", at: start)
  }

  /// `<<EOF` or `<<-EOF` … a line holding only `EOF` (indented or not).
  mutating func heredoc() throws {
    let start = position
    position += 2
    if peek() == UInt8(ascii: "-") { position += 1 }
    guard let (marker, _) = name() else { throw error("heredoc without a marker", at: start) }
    // The rest of the opening line, then line by line.
    while !atEnd && peek() != 0x0A && peek() != 0x0D { position += 1 }
    while !atEnd {
      if peek() == 0x0D { position += 1 }
      if peek() == 0x0A { position += 1 }
      let lineStart = position
      while !atEnd && peek() != 0x0A && peek() != 0x0D { position += 1 }
      var line = bytes[lineStart..<position]
      while let first = line.first, first == 0x20 || first == 0x09 { line = line.dropFirst() }
      while let last = line.last, last == 0x20 || last == 0x09 { line = line.dropLast() }
      if Array(line) == Array(marker.utf8) { return }
    }
    throw error("unterminated heredoc <<\(marker)", at: start)
  }
}

/// Literal values of expressions, and values written as HCL.
public enum HCLValue {
  /// The value of a literal expression (`true`, `-1`, `1.5`, `null`, a string without templates);
  /// nil when the expression is anything else (a reference, a call, a template, a collection).
  public static func literal(_ text: String) -> FixValue? {
    let t = text.trimmingCharacters(in: .whitespaces)
    switch t {
    case "true": return .bool(true)
    case "false": return .bool(false)
    case "null": return .null
    default: break
    }
    if let first = t.first, first.isNumber || first == "-", Double(t) != nil,
      t.allSatisfy({ $0.isNumber || "-+.eE".contains($0) })
    {
      return .number(t)
    }
    guard t.count >= 2, t.hasPrefix("\""), t.hasSuffix("\"") else { return nil }
    var out = ""
    var scalars = Array(t.unicodeScalars.dropFirst().dropLast())
    var i = 0
    while i < scalars.count {
      let c = scalars[i]
      if c == "\"" { return nil }
      if c == "\\" {
        guard i + 1 < scalars.count else { return nil }
        switch scalars[i + 1] {
        case "n": out += "\n"
        case "t": out += "\t"
        case "r": out += "\r"
        case "\"": out += "\""
        case "\\": out += "\\"
        default: return nil
        }
        i += 2
        continue
      }
      if (c == "$" || c == "%") && i + 1 < scalars.count {
        if scalars[i + 1] == "{" { return nil }
        if scalars[i + 1] == c && i + 2 < scalars.count && scalars[i + 2] == "{" {
          out.unicodeScalars.append(c)
          out += "{"
          i += 3
          continue
        }
      }
      out.unicodeScalars.append(c)
      i += 1
    }
    scalars.removeAll()
    return .string(out)
  }

  /// A value written as HCL: `true`, `42`, `"text"` (escaped), `[a, b]`, `{ key = value }`.
  public static func render(_ value: FixValue) -> String {
    switch value {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .number(let n): return n
    case .string(let s): return quote(s)
    case .list(let items): return "[" + items.map(render).joined(separator: ", ") + "]"
    case .map(let entries):
      if entries.isEmpty { return "{}" }
      return "{ " + entries.map { key($0.key) + " = " + render($0.value) }.joined(separator: ", ") + " }"
    }
  }

  /// An object key: bare when it is an identifier, else quoted.
  public static func key(_ name: String) -> String {
    guard let first = name.unicodeScalars.first, first == "_" || (first.properties.isAlphabetic && first.isASCII),
      name.unicodeScalars.allSatisfy({ ($0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil)) || $0 == "_" || $0 == "-" })
    else { return quote(name) }
    return name
  }

  /// A quoted HCL string.
  public static func quote(_ s: String) -> String {
    var out = "\""
    let scalars = Array(s.unicodeScalars)
    for (i, c) in scalars.enumerated() {
      switch c {
      case "\\": out += "\\\\"
      case "\"": out += "\\\""
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      case "$", "%":
        out.unicodeScalars.append(c)
        if i + 1 < scalars.count && scalars[i + 1] == "{" { out.unicodeScalars.append(c) }
      default: out.unicodeScalars.append(c)
      }
    }
    return out + "\""
  }
}
