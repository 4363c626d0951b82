import PlumbDiagnostics
/// A JSON value whose object members keep the order they were written in.
///
/// Reporters build one of these and print it: the same report gives the same bytes (members in a
/// fixed, documented order; no dictionary iteration), slashes are not escaped and non-ASCII text
/// is written as UTF-8.
indirect enum JSONValue: Sendable {
  case object([(String, JSONValue)])
  case array([JSONValue])
  case string(String)
  case int(Int)
  case bool(Bool)
  case null

  /// `.string(value)`, or `.null` when `value` is nil.
  static func string(_ value: String?) -> JSONValue {
    value.map { .string($0) } ?? .null
  }

  /// Pretty-printed with two-space indentation and a final newline.
  func rendered() -> String {
    var out = JSONStream()
    write(to: &out)
    return out.finish()
  }

  /// Writes this value at the stream's current position.
  func write(to out: inout JSONStream) {
    switch self {
    case .object(let members):
      out.beginObject()
      for (key, value) in members {
        out.key(key)
        value.write(to: &out)
      }
      out.endObject()
    case .array(let elements):
      out.beginArray()
      for element in elements {
        out.next()
        element.write(to: &out)
      }
      out.endArray()
    case .string(let text): out.string(text)
    case .int(let number): out.int(number)
    case .bool(let flag): out.bool(flag)
    case .null: out.null()
    }
  }

  /// Appends `text` as a JSON string literal (RFC 8259: quote, backslash and C0 controls escaped).
  static func appendQuoted(_ text: String, to out: inout String) {
    JSONText.appendQuoted(text, to: &out)
  }
}
