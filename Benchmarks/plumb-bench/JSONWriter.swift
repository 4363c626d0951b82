/// A JSON value for the generator; objects keep the order they are built in.
indirect enum JSONValue {
  case null
  case bool(Bool)
  case int(Int)
  /// A number written verbatim (e.g. "0.0416"), so no float formatting is involved.
  case number(String)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  /// An object with its keys sorted, the way Terraform writes cty values (Go maps).
  static func sorted(_ pairs: [(String, JSONValue)]) -> JSONValue {
    .object(pairs.sorted { $0.0 < $1.0 })
  }

  static func strings(_ items: [String]) -> JSONValue { .array(items.map { .string($0) }) }
}

/// Compact JSON into a byte buffer, escaping like Go's encoding/json (which Terraform uses):
/// `<`, `>` and `&` become `\u003c`, `\u003e`, `\u0026`; other non-ASCII text stays UTF-8.
struct JSONWriter {
  var bytes: [UInt8] = []

  init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

  mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

  mutating func raw(_ other: [UInt8]) { bytes.append(contentsOf: other) }

  mutating func string(_ text: String) {
    bytes.append(0x22)
    for byte in text.utf8 {
      switch byte {
      case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
      case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
      case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
      case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
      case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
      case UInt8(ascii: "<"): raw("\\u003c")
      case UInt8(ascii: ">"): raw("\\u003e")
      case UInt8(ascii: "&"): raw("\\u0026")
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        raw("\\u00")
        bytes.append(hex[Int(byte >> 4)])
        bytes.append(hex[Int(byte & 15)])
      default: bytes.append(byte)
      }
    }
    bytes.append(0x22)
  }

  mutating func value(_ value: JSONValue) {
    switch value {
    case .null: raw("null")
    case .bool(let flag): raw(flag ? "true" : "false")
    case .int(let number): raw(String(number))
    case .number(let text): raw(text)
    case .string(let text): string(text)
    case .array(let items):
      bytes.append(UInt8(ascii: "["))
      for (i, item) in items.enumerated() {
        if i > 0 { bytes.append(UInt8(ascii: ",")) }
        self.value(item)
      }
      bytes.append(UInt8(ascii: "]"))
    case .object(let pairs):
      bytes.append(UInt8(ascii: "{"))
      for (i, pair) in pairs.enumerated() {
        if i > 0 { bytes.append(UInt8(ascii: ",")) }
        string(pair.0)
        bytes.append(UInt8(ascii: ":"))
        self.value(pair.1)
      }
      bytes.append(UInt8(ascii: "}"))
    }
  }

  /// Appends `items` (each already a serialized JSON value) as the elements of an array.
  mutating func array(of items: [[UInt8]]) {
    bytes.append(UInt8(ascii: "["))
    for (i, item) in items.enumerated() {
      if i > 0 { bytes.append(UInt8(ascii: ",")) }
      bytes.append(contentsOf: item)
    }
    bytes.append(UInt8(ascii: "]"))
  }
}

extension JSONValue {
  /// Serialized compact bytes.
  var bytes: [UInt8] {
    var writer = JSONWriter()
    writer.value(self)
    return writer.bytes
  }
}
