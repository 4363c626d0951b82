// A tiny JSON tree and a compact writer (one line, like `terraform show -json`), for the generator.

indirect enum JSON {
  case null
  case bool(Bool)
  case int(Int)
  case string(String)
  case array([JSON])
  case object([(String, JSON)])

  static let emptyObject = JSON.object([])
  static let emptyArray = JSON.array([])
  static let `true` = JSON.bool(true)
  static let `false` = JSON.bool(false)

  /// The member `key` of an object, if present.
  subscript(key: String) -> JSON? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.0 == key }?.1
  }

  /// A string array.
  static func strings(_ items: [String]) -> JSON { .array(items.map(JSON.string)) }

  /// A string-to-string object.
  static func stringMap(_ items: [(String, String)]) -> JSON { .object(items.map { ($0.0, .string($0.1)) }) }
}

/// Appends compact JSON to a byte buffer.
struct JSONOutput {
  var bytes: [UInt8] = []

  init(capacity: Int = 1 << 20) { bytes.reserveCapacity(capacity) }

  mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

  mutating func write(_ value: JSON) {
    switch value {
    case .null: raw("null")
    case .bool(let b): raw(b ? "true" : "false")
    case .int(let i): raw(String(i))
    case .string(let s): string(s)
    case .array(let items):
      bytes.append(UInt8(ascii: "["))
      for (i, item) in items.enumerated() {
        if i > 0 { bytes.append(UInt8(ascii: ",")) }
        write(item)
      }
      bytes.append(UInt8(ascii: "]"))
    case .object(let members):
      bytes.append(UInt8(ascii: "{"))
      for (i, (key, item)) in members.enumerated() {
        if i > 0 { bytes.append(UInt8(ascii: ",")) }
        string(key)
        bytes.append(UInt8(ascii: ":"))
        write(item)
      }
      bytes.append(UInt8(ascii: "}"))
    }
  }

  mutating func string(_ s: String) {
    bytes.append(UInt8(ascii: "\""))
    for byte in s.utf8 {
      switch byte {
      case UInt8(ascii: "\""): raw("\\\"")
      case UInt8(ascii: "\\"): raw("\\\\")
      case UInt8(ascii: "\n"): raw("\\n")
      case UInt8(ascii: "\t"): raw("\\t")
      // Terraform escapes <, > and & like Go's encoding/json does.
      case UInt8(ascii: "<"): raw("\\u003c")
      case UInt8(ascii: ">"): raw("\\u003e")
      case UInt8(ascii: "&"): raw("\\u0026")
      case 0..<0x20: raw("\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16))
      default: bytes.append(byte)
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }
}
