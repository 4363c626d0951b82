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
    var out = ""
    write(to: &out, indent: 0)
    out += "\n"
    return out
  }

  private func write(to out: inout String, indent: Int) {
    switch self {
    case .object(let members):
      guard !members.isEmpty else {
        out += "{}"
        return
      }
      out += "{\n"
      for (index, (key, value)) in members.enumerated() {
        out += JSONValue.indentation(indent + 1)
        JSONValue.appendQuoted(key, to: &out)
        out += ": "
        value.write(to: &out, indent: indent + 1)
        out += index == members.count - 1 ? "\n" : ",\n"
      }
      out += JSONValue.indentation(indent)
      out += "}"
    case .array(let elements):
      guard !elements.isEmpty else {
        out += "[]"
        return
      }
      out += "[\n"
      for (index, element) in elements.enumerated() {
        out += JSONValue.indentation(indent + 1)
        element.write(to: &out, indent: indent + 1)
        out += index == elements.count - 1 ? "\n" : ",\n"
      }
      out += JSONValue.indentation(indent)
      out += "]"
    case .string(let text):
      JSONValue.appendQuoted(text, to: &out)
    case .int(let number):
      out += String(number)
    case .bool(let flag):
      out += flag ? "true" : "false"
    case .null:
      out += "null"
    }
  }

  /// Two spaces per level; the first levels are made once (every line of a report starts with one).
  private static let indentations = (0..<16).map { String(repeating: "  ", count: $0) }
  static func indentation(_ level: Int) -> String {
    level < indentations.count ? indentations[level] : String(repeating: "  ", count: level)
  }

  /// Appends `text` as a JSON string literal (RFC 8259: quote, backslash and C0 controls escaped).
  static func appendQuoted(_ text: String, to out: inout String) {
    JSONText.appendQuoted(text, to: &out)
  }
}
