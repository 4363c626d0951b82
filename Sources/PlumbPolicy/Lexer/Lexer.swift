import PlumbDiagnostics

/// Turns policy text into tokens. Comments run from `#` to the end of the line.
///
/// Strings are `"…"` with escapes (`\"`, `\\`, `\n`, `\t`, `\$`) and `${expr}` interpolation;
/// blocks are `"""…"""` whose common leading indentation is removed (for messages, rationale and
/// example documents). Problems become diagnostics; lexing always reaches the end.
struct Lexer {
  let source: SourceFile
  private let bytes: ArraySlice<UInt8>
  private var position = 0
  private(set) var diagnostics: [Diagnostic] = []

  /// Lexes the whole file, or only `range` of it (an interpolated expression inside a string).
  init(source: SourceFile, range: Range<Int>? = nil) {
    self.source = source
    let range = range ?? 0..<source.bytes.count
    self.bytes = source.bytes[range]
    position = range.lowerBound
    if range.lowerBound == 0 && source.hasByteOrderMark { position = 3 }
  }

  mutating func tokenize() -> [Token] {
    var tokens: [Token] = []
    while true {
      let token = next()
      tokens.append(token)
      if token.kind == .endOfFile { return tokens }
    }
  }

  private func peek(_ offset: Int = 0) -> UInt8? {
    let index = position + offset
    return index < bytes.endIndex ? bytes[index] : nil
  }

  private mutating func error(_ message: String, _ start: Int, _ end: Int) {
    diagnostics.append(
      Diagnostic(
        code: "policy.lex", message: message,
        location: SourceLocation(path: source.path, span: source.span(from: start, to: end))))
  }

  private mutating func skipTrivia() {
    while let byte = peek() {
      if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
        position += 1
      } else if byte == UInt8(ascii: "#") {
        while let b = peek(), b != 0x0A { position += 1 }
      } else {
        return
      }
    }
  }

  private mutating func next() -> Token {
    skipTrivia()
    let start = position
    guard let byte = peek() else { return Token(kind: .endOfFile, range: start..<start, text: "") }
    if isIdentifierStart(byte) {
      while let b = peek(), isIdentifierContinue(b) { position += 1 }
      let text = String(decoding: bytes[start..<position], as: UTF8.self)
      if let keyword = Keyword.byName[text] { return Token(kind: .keyword(keyword), range: start..<position, text: text) }
      return Token(kind: .identifier, range: start..<position, text: text)
    }
    if isDigit(byte) { return number(start) }
    if byte == UInt8(ascii: "\"") {
      if peek(1) == UInt8(ascii: "\"") && peek(2) == UInt8(ascii: "\"") { return block(start) }
      return string(start)
    }
    // Two-character symbols first.
    if let second = peek(1), let symbol = Symbol.pair(byte, second) {
      position += 2
      return Token(kind: .symbol(symbol), range: start..<position, text: symbol.rawValue)
    }
    if let symbol = Symbol.single(byte) {
      position += 1
      return Token(kind: .symbol(symbol), range: start..<position, text: symbol.rawValue)
    }
    // Unknown character: consume one whole UTF-8 scalar.
    position += 1
    while let b = peek(), b & 0xC0 == 0x80 { position += 1 }
    let text = String(decoding: bytes[start..<position], as: UTF8.self)
    error("unexpected character '\(text)'", start, position)
    return Token(kind: .invalid, range: start..<position, text: text)
  }

  private mutating func number(_ start: Int) -> Token {
    while let b = peek(), isDigit(b) || b == UInt8(ascii: "_") { position += 1 }
    var isFloat = false
    if peek() == UInt8(ascii: "."), let after = peek(1), isDigit(after) {
      isFloat = true
      position += 1
      while let b = peek(), isDigit(b) { position += 1 }
    }
    let text = String(decoding: bytes[start..<position], as: UTF8.self).replacingUnderscores()
    return Token(kind: isFloat ? .float : .int, range: start..<position, text: text)
  }

  private mutating func string(_ start: Int) -> Token {
    position += 1
    var parts: [StringPart] = []
    var current: [UInt8] = []
    while true {
      guard let byte = peek(), byte != 0x0A else {
        error("unterminated string", start, position)
        break
      }
      if byte == UInt8(ascii: "\"") {
        position += 1
        break
      }
      if byte == UInt8(ascii: "\\") {
        let escapeStart = position
        position += 1
        guard let escaped = peek() else { continue }
        position += 1
        switch escaped {
        case UInt8(ascii: "n"): current.append(0x0A)
        case UInt8(ascii: "t"): current.append(0x09)
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "$"): current.append(escaped)
        default: error("unknown escape '\\\(Character(Unicode.Scalar(escaped)))'", escapeStart, position)
        }
        continue
      }
      if byte == UInt8(ascii: "$") && peek(1) == UInt8(ascii: "{") {
        if !current.isEmpty {
          parts.append(.text(String(decoding: current, as: UTF8.self)))
          current.removeAll()
        }
        let interpolationStart = position
        position += 2
        let contentStart = position
        var depth = 1
        while let b = peek(), b != 0x0A {
          if b == UInt8(ascii: "{") { depth += 1 }
          if b == UInt8(ascii: "}") {
            depth -= 1
            if depth == 0 { break }
          }
          position += 1
        }
        guard peek() == UInt8(ascii: "}") else {
          error("unterminated '${' in string", interpolationStart, position)
          break
        }
        parts.append(
          .interpolation(source: String(decoding: bytes[contentStart..<position], as: UTF8.self), offset: contentStart))
        position += 1
        continue
      }
      current.append(byte)
      position += 1
    }
    if !current.isEmpty || parts.isEmpty { parts.append(.text(String(decoding: current, as: UTF8.self))) }
    let text = parts.map { part -> String in
      if case .text(let t) = part { return t }
      return ""
    }.joined()
    return Token(kind: .string, range: start..<position, text: text, parts: parts)
  }

  /// `"""` … `"""`: raw text; the first line break after the opening quotes is dropped and the
  /// common indentation of the non-blank lines is removed.
  private mutating func block(_ start: Int) -> Token {
    position += 3
    let contentStart = position
    var end: Int?
    while position < bytes.endIndex {
      if peek() == UInt8(ascii: "\"") && peek(1) == UInt8(ascii: "\"") && peek(2) == UInt8(ascii: "\"") {
        end = position
        position += 3
        break
      }
      position += 1
    }
    guard let contentEnd = end else {
      error("unterminated '\"\"\"' block", start, min(start + 3, bytes.endIndex))
      return Token(kind: .block, range: start..<position, text: "")
    }
    let raw = String(decoding: bytes[contentStart..<contentEnd], as: UTF8.self)
    return Token(kind: .block, range: start..<position, text: Self.dedent(raw))
  }

  /// Removes the block's leading blank line, its closing-quotes line and the common indentation of
  /// its non-blank lines. Works on UTF-8 bytes (lines split at `\n`, a `\r` before it kept), which
  /// costs a fraction of the same by characters: every built-in rule's examples go through here.
  static func dedent(_ raw: String) -> String {
    let bytes = Array(raw.utf8)
    func isBlank(_ line: Range<Int>, allowingCR: Bool) -> Bool {
      bytes[line].allSatisfy { $0 == 0x20 || $0 == 0x09 || (allowingCR && $0 == 0x0D) }
    }
    var lines: [Range<Int>] = []
    var lineStart = 0
    for (offset, byte) in bytes.enumerated() where byte == 0x0A {
      lines.append(lineStart..<offset)
      lineStart = offset + 1
    }
    lines.append(lineStart..<bytes.count)
    if let first = lines.first, isBlank(first, allowingCR: true) { lines.removeFirst() }
    // The closing quotes' own line (only spaces) is not content.
    if let last = lines.last, isBlank(last, allowingCR: false) { lines[lines.count - 1] = last.lowerBound..<last.lowerBound }
    var common = Int.max
    for line in lines where !isBlank(line, allowingCR: true) {
      let indent = bytes[line].prefix { $0 == 0x20 || $0 == 0x09 }.count
      common = min(common, indent)
    }
    if common == Int.max { common = 0 }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    for (index, line) in lines.enumerated() {
      if index > 0 { out.append(0x0A) }
      if line.count >= common {
        out += bytes[(line.lowerBound + common)..<line.upperBound]
      } else {
        out += bytes[line].drop { $0 == 0x20 || $0 == 0x09 }
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  private func isIdentifierStart(_ b: UInt8) -> Bool {
    (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
      || b == UInt8(ascii: "_")
  }

  private func isIdentifierContinue(_ b: UInt8) -> Bool { isIdentifierStart(b) || isDigit(b) }
  private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
}

extension String {
  fileprivate func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
