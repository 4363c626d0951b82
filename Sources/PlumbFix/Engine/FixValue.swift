/// A value a fix writes, parsed from the JSON text of a ``PlumbPolicy/ProposedFix``.
public indirect enum FixValue: Sendable, Hashable, CustomStringConvertible {
  case null
  case bool(Bool)
  /// A number, as written (`42`, `1.5`): integers stay integers.
  case number(String)
  case string(String)
  case list([FixValue])
  /// Entries in the order written.
  case map([Entry])

  /// A map entry.
  public struct Entry: Sendable, Hashable {
    public var key: String
    public var value: FixValue
    public init(_ key: String, _ value: FixValue) {
      self.key = key
      self.value = value
    }
  }

  /// Whether the value is a list or a map.
  public var isCollection: Bool {
    switch self {
    case .list, .map: return true
    default: return false
    }
  }

  /// Whether the value is an empty list or map.
  public var isEmptyCollection: Bool {
    switch self {
    case .list(let items): return items.isEmpty
    case .map(let entries): return entries.isEmpty
    default: return false
    }
  }

  /// Compact JSON text.
  public var description: String {
    switch self {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .number(let n): return n
    case .string(let s): return FixValue.jsonQuote(s)
    case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
    case .map(let entries):
      return "{" + entries.map { FixValue.jsonQuote($0.key) + ": " + $0.value.description }.joined(separator: ", ") + "}"
    }
  }

  static func jsonQuote(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
      switch c {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if c.value < 0x20 {
          let hex = String(c.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(c)
        }
      }
    }
    return out + "\""
  }

  /// Parses JSON text (the form fixes carry their values in); nil when it is not JSON.
  public static func parse(_ text: String) -> FixValue? {
    var parser = JSONParser(Array(text.utf8))
    guard let value = parser.value() else { return nil }
    parser.skipSpace()
    return parser.position == parser.bytes.count ? value : nil
  }
}

/// A small JSON reader that keeps key order and number text.
struct JSONParser {
  let bytes: [UInt8]
  var position = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  mutating func skipSpace() {
    while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
  }

  mutating func literal(_ word: String) -> Bool {
    let w = Array(word.utf8)
    guard position + w.count <= bytes.count, Array(bytes[position..<position + w.count]) == w else { return false }
    position += w.count
    return true
  }

  mutating func value() -> FixValue? {
    skipSpace()
    guard position < bytes.count else { return nil }
    switch bytes[position] {
    case UInt8(ascii: "n"): return literal("null") ? .null : nil
    case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
    case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
    case UInt8(ascii: "\""): return string().map(FixValue.string)
    case UInt8(ascii: "["):
      position += 1
      var items: [FixValue] = []
      skipSpace()
      if position < bytes.count && bytes[position] == UInt8(ascii: "]") {
        position += 1
        return .list(items)
      }
      while true {
        guard let item = value() else { return nil }
        items.append(item)
        skipSpace()
        guard position < bytes.count else { return nil }
        if bytes[position] == UInt8(ascii: ",") {
          position += 1
          continue
        }
        if bytes[position] == UInt8(ascii: "]") {
          position += 1
          return .list(items)
        }
        return nil
      }
    case UInt8(ascii: "{"):
      position += 1
      var entries: [FixValue.Entry] = []
      skipSpace()
      if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
        position += 1
        return .map(entries)
      }
      while true {
        skipSpace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\""), let key = string() else { return nil }
        skipSpace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return nil }
        position += 1
        guard let item = value() else { return nil }
        entries.removeAll { $0.key == key }
        entries.append(FixValue.Entry(key, item))
        skipSpace()
        guard position < bytes.count else { return nil }
        if bytes[position] == UInt8(ascii: ",") {
          position += 1
          continue
        }
        if bytes[position] == UInt8(ascii: "}") {
          position += 1
          return .map(entries)
        }
        return nil
      }
    default:
      let start = position
      while position < bytes.count, "+-0123456789.eE".utf8.contains(bytes[position]) { position += 1 }
      guard position > start else { return nil }
      let text = String(decoding: bytes[start..<position], as: UTF8.self)
      guard Double(text) != nil else { return nil }
      return .number(text)
    }
  }

  mutating func string() -> String? {
    position += 1
    var scalars = String.UnicodeScalarView()
    var run: [UInt8] = []
    func flush(_ scalars: inout String.UnicodeScalarView, _ run: inout [UInt8]) {
      scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
      run.removeAll()
    }
    while position < bytes.count {
      let b = bytes[position]
      if b == UInt8(ascii: "\"") {
        position += 1
        flush(&scalars, &run)
        return String(scalars)
      }
      if b == UInt8(ascii: "\\") {
        flush(&scalars, &run)
        position += 1
        guard position < bytes.count else { return nil }
        let e = bytes[position]
        position += 1
        switch e {
        case UInt8(ascii: "n"): scalars.append("\n")
        case UInt8(ascii: "t"): scalars.append("\t")
        case UInt8(ascii: "r"): scalars.append("\r")
        case UInt8(ascii: "b"): scalars.append("\u{8}")
        case UInt8(ascii: "f"): scalars.append("\u{C}")
        case UInt8(ascii: "/"): scalars.append("/")
        case UInt8(ascii: "\\"): scalars.append("\\")
        case UInt8(ascii: "\""): scalars.append("\"")
        case UInt8(ascii: "u"):
          guard position + 4 <= bytes.count,
            var code = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
          else { return nil }
          position += 4
          // A surrogate pair.
          if code >= 0xD800 && code < 0xDC00, position + 6 <= bytes.count, bytes[position] == UInt8(ascii: "\\"),
            bytes[position + 1] == UInt8(ascii: "u"),
            let low = UInt32(String(decoding: bytes[position + 2..<position + 6], as: UTF8.self), radix: 16)
          {
            position += 6
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          }
          guard let scalar = Unicode.Scalar(code) else { return nil }
          scalars.append(scalar)
        default: return nil
        }
        continue
      }
      run.append(b)
      position += 1
    }
    return nil
  }
}
