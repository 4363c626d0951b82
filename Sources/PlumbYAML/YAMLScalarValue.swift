/// A scalar's value after resolution by the YAML 1.2 core schema or an explicit standard tag.
///
/// Integers that do not fit in 64 bits are kept as `float` (the way JSON readers do).
public enum YAMLScalarValue: Hashable, Sendable, CustomStringConvertible {
  case null
  case bool(Bool)
  case int(Int)
  case float(Double)
  case string(String)

  static func make(_ type: YAMLScalarType, _ bytes: UnsafeBufferPointer<UInt8>) -> YAMLScalarValue {
    switch type {
    case .null: return .null
    case .bool: return .bool(bytes.first == UInt8(ascii: "t") || bytes.first == UInt8(ascii: "T"))
    case .string: return .string(String(decoding: bytes, as: UTF8.self))
    case .int: return CoreSchema.intValue(bytes)
    case .float: return .float(CoreSchema.floatValue(bytes))
    }
  }

  public var description: String {
    switch self {
    case .null: "null"
    case .bool(let value): String(value)
    case .int(let value): String(value)
    case .float(let value): String(value)
    case .string(let value): value
    }
  }
}

/// The YAML 1.2 core schema (spec 1.2.2 §10.3.2) over raw bytes.
///
/// `NO`, `on`, `yes`, `0777`-as-octal and other YAML 1.1 forms are strings or decimals here.
enum CoreSchema {
  private static let zero = UInt8(ascii: "0")
  private static let nine = UInt8(ascii: "9")
  private static let dot = UInt8(ascii: ".")
  private static let plus = UInt8(ascii: "+")
  private static let minus = UInt8(ascii: "-")

  /// Resolves an untagged plain scalar.
  static func resolve(_ b: UnsafeBufferPointer<UInt8>) -> YAMLScalarType {
    let n = b.count
    if n == 0 { return .null }
    let first = b[0]
    // Fast exit: most strings start with a letter that no special form starts with.
    switch first {
    case UInt8(ascii: "n"), UInt8(ascii: "N"):
      return isOneOf(b, ["null", "Null", "NULL"]) ? .null : .string
    case UInt8(ascii: "~"):
      return n == 1 ? .null : .string
    case UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"):
      return isOneOf(b, ["true", "True", "TRUE", "false", "False", "FALSE"]) ? .bool : .string
    case dot, plus, minus, zero...nine:
      break
    default:
      return .string
    }
    if isInt(b) { return .int }
    if isFloat(b) { return .float }
    return .string
  }

  private static func isOneOf(_ b: UnsafeBufferPointer<UInt8>, _ words: [StaticString]) -> Bool {
    for word in words where word.utf8CodeUnitCount == b.count {
      let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
      if memcmpEqual(w, b) { return true }
    }
    return false
  }

  @inline(__always) private static func isDigit(_ c: UInt8) -> Bool { c >= zero && c <= nine }
  @inline(__always) private static func isHex(_ c: UInt8) -> Bool {
    isDigit(c) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "F"))
  }

  /// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`.
  static func isInt(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    let n = b.count
    if n > 2 && b[0] == zero && (b[1] == UInt8(ascii: "o") || b[1] == UInt8(ascii: "x")) {
      let hex = b[1] == UInt8(ascii: "x")
      for i in 2..<n {
        let c = b[i]
        if hex ? !isHex(c) : !(c >= zero && c <= UInt8(ascii: "7")) { return false }
      }
      return true
    }
    var i = 0
    if b[0] == plus || b[0] == minus { i = 1 }
    if i == n { return false }
    while i < n {
      if !isDigit(b[i]) { return false }
      i += 1
    }
    return true
  }

  /// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`, `[-+]?\.(inf|Inf|INF)`,
  /// `\.(nan|NaN|NAN)`.
  static func isFloat(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    let n = b.count
    var i = 0
    if b[0] == plus || b[0] == minus { i = 1 }
    let rest = UnsafeBufferPointer(rebasing: b[i..<n])
    if isOneOf(rest, [".inf", ".Inf", ".INF"]) { return true }
    if i == 0 && isOneOf(rest, [".nan", ".NaN", ".NAN"]) { return true }
    var intDigits = 0
    while i < n && isDigit(b[i]) {
      i += 1
      intDigits += 1
    }
    var fracDigits = 0
    if i < n && b[i] == dot {
      i += 1
      while i < n && isDigit(b[i]) {
        i += 1
        fracDigits += 1
      }
      if intDigits == 0 && fracDigits == 0 { return false }
    } else if intDigits == 0 {
      return false
    }
    if i < n && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
      i += 1
      if i < n && (b[i] == plus || b[i] == minus) { i += 1 }
      var expDigits = 0
      while i < n && isDigit(b[i]) {
        i += 1
        expDigits += 1
      }
      if expDigits == 0 { return false }
    }
    return i == n
  }

  static func intValue(_ b: UnsafeBufferPointer<UInt8>) -> YAMLScalarValue {
    let text = String(decoding: b, as: UTF8.self)
    if text.hasPrefix("0x"), let value = Int(text.dropFirst(2), radix: 16) { return .int(value) }
    if text.hasPrefix("0o"), let value = Int(text.dropFirst(2), radix: 8) { return .int(value) }
    if let value = Int(text) { return .int(value) }
    return .float(Double(text) ?? .nan)
  }

  static func floatValue(_ b: UnsafeBufferPointer<UInt8>) -> Double {
    var text = String(decoding: b, as: UTF8.self)
    var sign = 1.0
    if text.hasPrefix("-") {
      sign = -1
      text.removeFirst()
    } else if text.hasPrefix("+") {
      text.removeFirst()
    }
    switch text.lowercased() {
    case ".inf": return sign * .infinity
    case ".nan": return .nan
    default: break
    }
    if text.hasPrefix(".") { text = "0" + text }
    return sign * (Double(text) ?? .nan)
  }
}
