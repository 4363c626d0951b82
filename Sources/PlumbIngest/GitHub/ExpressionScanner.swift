import Foundation
import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// Finds `${{ … }}` expressions in scalars and the context paths they reference.
///
/// Two scans of the same scalar: one over its decoded text (what GitHub evaluates: the
/// expression's `text`) and one over its source bytes (where it is written: the exact span). They
/// pair up one to one for every scalar style, because `${{` and `}}` contain nothing a YAML
/// scalar style escapes or folds. If the counts ever differ (an escaped `$` in a double-quoted
/// scalar), the expressions keep the whole scalar's location.
enum ExpressionScanner {
  /// One expression found in a scalar.
  struct Found {
    /// The expression between `${{` and `}}`, trimmed, as GitHub reads it.
    var text: String
    /// Where `${{ … }}` is written (or the scalar, when it could not be placed exactly).
    var location: SourceLocation
    /// Whether `}}` was found.
    var terminated: Bool
  }

  private static let dollar = UInt8(ascii: "$")
  private static let open = UInt8(ascii: "{")
  private static let close = UInt8(ascii: "}")
  private static let quote = UInt8(ascii: "'")

  /// Byte ranges (relative to `bytes`) of each `${{ … }}`; `inner` excludes the delimiters.
  /// `doubledQuotes`: a `''` pair is one quote character (single-quoted YAML source).
  static func occurrences(
    _ bytes: UnsafeBufferPointer<UInt8>, doubledQuotes: Bool = false
  ) -> [(outer: Range<Int>, inner: Range<Int>, terminated: Bool)] {
    var result: [(outer: Range<Int>, inner: Range<Int>, terminated: Bool)] = []
    let count = bytes.count
    var index = 0
    guard let base = bytes.baseAddress else { return result }
    while index + 2 < count {
      // To the next `$` (`memchr`: scripts are long, expressions few).
      guard let hit = memchr(base + index, Int32(dollar), count - 2 - index) else { break }
      index = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
      guard bytes[index + 1] == open, bytes[index + 2] == open else {
        index += 1
        continue
      }
      let start = index
      var cursor = index + 3
      var inString = false
      var end: Int?
      while cursor < count {
        let byte = bytes[cursor]
        if byte == quote {
          if doubledQuotes && cursor + 1 < count && bytes[cursor + 1] == quote {
            // `''` in single-quoted YAML is one `'` of the expression.
            if cursor + 3 < count && bytes[cursor + 2] == quote && bytes[cursor + 3] == quote && inString {
              // `''''` inside an expression string: an escaped quote, stays in the string.
              cursor += 4
              continue
            }
            inString.toggle()
            cursor += 2
            continue
          }
          if !doubledQuotes && inString && cursor + 1 < count && bytes[cursor + 1] == quote {
            cursor += 2  // '' inside an expression string literal
            continue
          }
          inString.toggle()
          cursor += 1
          continue
        }
        if !inString && byte == close && cursor + 1 < count && bytes[cursor + 1] == close {
          end = cursor
          break
        }
        cursor += 1
      }
      if let end {
        result.append((start..<(end + 2), (start + 3)..<end, true))
        index = end + 2
      } else {
        result.append((start..<count, (start + 3)..<count, false))
        break
      }
    }
    return result
  }

  /// Every expression in the scalar `node` (nothing for collections).
  static func scan(_ node: YAMLNode) -> [Found] {
    guard node.kind == .scalar else { return [] }
    let decoded: [(text: String, terminated: Bool)] = node.withValueBytes { value in
      guard value.count >= 3 else { return [] }
      return occurrences(value).map { occurrence in
        (trimmed(UnsafeBufferPointer(rebasing: value[occurrence.inner])), occurrence.terminated)
      }
    }
    guard !decoded.isEmpty else { return [] }
    let source = node.tree.source
    let range = node.byteRange
    let raw: [(outer: Range<Int>, inner: Range<Int>, terminated: Bool)] = source.bytes.withUnsafeBufferPointer {
      buffer in
      let lower = max(0, min(range.lowerBound, buffer.count))
      let upper = max(lower, min(range.upperBound, buffer.count))
      return occurrences(
        UnsafeBufferPointer(rebasing: buffer[lower..<upper]), doubledQuotes: node.style == .singleQuoted
      )
      .map { ($0.outer.shifted(by: lower), $0.inner.shifted(by: lower), $0.terminated) }
    }
    let exact = raw.count == decoded.count
    var found: [Found] = []
    found.reserveCapacity(decoded.count)
    for (position, expression) in decoded.enumerated() {
      let location: SourceLocation
      if exact {
        let outer = raw[position].outer
        location = SourceLocation(
          path: source.path, span: source.span(from: outer.lowerBound, to: outer.upperBound), usedAt: node.useSpan)
      } else {
        location = node.location
      }
      found.append(Found(text: expression.text, location: location, terminated: expression.terminated))
    }
    return found
  }

  private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    var lower = 0
    var upper = bytes.count
    while lower < upper && isSpace(bytes[lower]) { lower += 1 }
    while upper > lower && isSpace(bytes[upper - 1]) { upper -= 1 }
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[lower..<upper]), as: UTF8.self)
  }

  @inline(__always) private static func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
  }

  // MARK: Context paths

  private static let literals: Set<String> = ["true", "false", "null", "nan", "infinity"]

  /// The context paths an expression references, in order of first appearance, without
  /// duplicates, in lower case: `github.event.pull_request.title`, `secrets.token`,
  /// `steps.a.outputs.b`.
  ///
  /// GitHub looks up context names and properties case-insensitively (`GITHUB.EVENT.ISSUE.TITLE`
  /// reads the title), so every path is given in one spelling, lower case, and a rule
  /// compares it with lower-case names. As GitHub's lexer does, white space may stand between the
  /// parts of a path (`github . event [ 'issue' ]`). `x['name']` reads as `x.name`, `x[0]` as
  /// `x[0]`, the object filter `x.*` as `x.*`, and a computed index `x[expr]` as `x[*]` (the
  /// identifiers inside `expr` are contexts too). Function names (an identifier followed by `(`),
  /// literals, numbers and string literals are skipped.
  static func contexts(in expression: String) -> [String] {
    var result: [String] = []
    var seen = Set<String>()
    let bytes = Array(expression.utf8)
    let count = bytes.count
    var index = 0
    var previousSignificant: UInt8 = 0
    func skipSpaces(from start: Int) -> Int {
      var cursor = start
      while cursor < count && isSpace(bytes[cursor]) { cursor += 1 }
      return cursor
    }
    while index < count {
      let byte = bytes[index]
      if byte == quote {
        index = skipString(bytes, from: index)
        previousSignificant = quote
        continue
      }
      if isIdentifierStart(byte) {
        let start = index
        index = identifierEnd(bytes, from: index)
        if previousSignificant == UInt8(ascii: ".") {
          // A member of something that is not a context (`fromJSON(x).y`, `a[b].c`).
          previousSignificant = byte
          continue
        }
        let lookahead = skipSpaces(from: index)
        if lookahead < count && bytes[lookahead] == UInt8(ascii: "(") {
          previousSignificant = byte
          continue
        }
        let name = String(decoding: bytes[start..<index], as: UTF8.self).lowercased()
        if literals.contains(name) {
          previousSignificant = byte
          continue
        }
        var path = name
        accessors: while index < count {
          let next = skipSpaces(from: index)
          guard next < count else { break }
          switch bytes[next] {
          case UInt8(ascii: "."):
            let member = skipSpaces(from: next + 1)
            if member < count && bytes[member] == UInt8(ascii: "*") {
              path += ".*"
              index = member + 1
            } else if member < count && isIdentifierStart(bytes[member]) {
              let end = identifierEnd(bytes, from: member)
              path += "." + String(decoding: bytes[member..<end], as: UTF8.self).lowercased()
              index = end
            } else {
              break accessors
            }
          case UInt8(ascii: "["):
            let cursor = skipSpaces(from: next + 1)
            if cursor < count && bytes[cursor] == quote {
              let stringEnd = skipString(bytes, from: cursor)
              let closing = skipSpaces(from: stringEnd)
              if closing < count && bytes[closing] == UInt8(ascii: "]") && stringEnd - cursor >= 2 {
                let literal = String(decoding: bytes[(cursor + 1)..<(stringEnd - 1)], as: UTF8.self)
                path += "." + literal.replacingDoubledQuotes().lowercased()
                index = closing + 1
                continue accessors
              }
            } else if cursor < count && isDigit(bytes[cursor]) {
              var end = cursor
              while end < count && isDigit(bytes[end]) { end += 1 }
              let closing = skipSpaces(from: end)
              if closing < count && bytes[closing] == UInt8(ascii: "]") {
                path += "[" + String(decoding: bytes[cursor..<end], as: UTF8.self) + "]"
                index = closing + 1
                continue accessors
              }
            } else if cursor < count && bytes[cursor] == UInt8(ascii: "*") {
              let closing = skipSpaces(from: cursor + 1)
              if closing < count && bytes[closing] == UInt8(ascii: "]") {
                path += ".*"
                index = closing + 1
                continue accessors
              }
            }
            // A computed index: the path ends here; what is inside is scanned on its own.
            path += "[*]"
            index = next + 1
            previousSignificant = UInt8(ascii: "[")
            break accessors
          default:
            break accessors
          }
        }
        if seen.insert(path).inserted { result.append(path) }
        if index > 0 && bytes[index - 1] != UInt8(ascii: "[") { previousSignificant = bytes[index - 1] }
        continue
      }
      if isDigit(byte) {
        // A number literal (`1`, `0x1F`, `1.5e3`): not an identifier.
        while index < count
          && (isIdentifierPart(bytes[index]) || bytes[index] == UInt8(ascii: ".")
            || ((bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) && index > 0
              && (bytes[index - 1] == UInt8(ascii: "e") || bytes[index - 1] == UInt8(ascii: "E"))))
        {
          index += 1
        }
        previousSignificant = byte
        continue
      }
      if !isSpace(byte) { previousSignificant = byte }
      index += 1
    }
    return result
  }

  /// The index just past the string literal starting at `start` (a `'`); `''` is an escaped quote.
  private static func skipString(_ bytes: [UInt8], from start: Int) -> Int {
    var index = start + 1
    while index < bytes.count {
      if bytes[index] == quote {
        if index + 1 < bytes.count && bytes[index + 1] == quote {
          index += 2
          continue
        }
        return index + 1
      }
      index += 1
    }
    return bytes.count
  }

  private static func identifierEnd(_ bytes: [UInt8], from start: Int) -> Int {
    var index = start
    while index < bytes.count && isIdentifierPart(bytes[index]) { index += 1 }
    return index
  }

  @inline(__always) private static func isIdentifierStart(_ byte: UInt8) -> Bool {
    (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == UInt8(ascii: "_")
  }

  @inline(__always) private static func isIdentifierPart(_ byte: UInt8) -> Bool {
    isIdentifierStart(byte) || isDigit(byte) || byte == UInt8(ascii: "-")
  }

  @inline(__always) private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}

extension Range where Bound == Int {
  fileprivate func shifted(by offset: Int) -> Range<Int> { (lowerBound + offset)..<(upperBound + offset) }
}

extension String {
  fileprivate func replacingDoubledQuotes() -> String {
    guard contains("''") else { return self }
    var result = ""
    var previousWasQuote = false
    for character in self {
      if character == "'" && previousWasQuote {
        previousWasQuote = false
        continue
      }
      previousWasQuote = character == "'"
      result.append(character)
    }
    return result
  }
}
