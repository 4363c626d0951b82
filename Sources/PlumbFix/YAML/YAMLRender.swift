import Foundation
import PlumbYAML

/// How a file writes YAML, detected from the file itself so new text looks like the old.
public struct YAMLConventions: Sendable, Equatable {
  /// The line break (`\n`, `\r\n` or `\r`).
  public var newline = "\n"
  /// Spaces a nested mapping is indented by, relative to its parent key.
  public var indentStep = 2
  /// Spaces a block sequence's `-` is indented by, relative to its parent key (0 or the step).
  public var sequenceIndent = 2
  /// The quote new strings use when they need one: `"` or `'`.
  public var quote: Character = "\""
  /// Spaces between a value and a trailing `# comment`.
  public var commentGap = 2

  /// The defaults (LF, two spaces, double quotes).
  public init() {}
}

/// Renders fix values as YAML text.
public enum YAMLRender {
  /// Words YAML 1.1 readers take for booleans: quoted, whatever the 1.2 core schema says.
  static let yaml11Words: Set<String> = [
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
    "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "~", "=", "<<",
  ]

  /// Whether `text` can be written as a plain scalar and still read back as the same string (under
  /// the YAML 1.2 core schema and under YAML 1.1 readers).
  public static func plainIsSafe(_ text: String, inFlow: Bool) -> Bool {
    guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
    if yaml11Words.contains(text) { return false }
    if first == " " || last == " " || first == "\t" || last == "\t" { return false }
    for scalar in text.unicodeScalars {
      if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x85 || scalar.value == 0xFEFF { return false }
      if (0x80...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029 { return false }
      if inFlow && ",[]{}".unicodeScalars.contains(scalar) { return false }
    }
    let scalars = Array(text.unicodeScalars)
    if "[]{},#&*!|>'\"%@`".unicodeScalars.contains(first) { return false }
    if "-?:".unicodeScalars.contains(first) {
      guard scalars.count > 1, scalars[1] != " ", !(inFlow && ",[]{}".unicodeScalars.contains(scalars[1])) else {
        return false
      }
    }
    if text.hasSuffix(":") || text.contains(": ") || text.contains(" #") || text.contains(":\t") || text.contains("\t#") {
      return false
    }
    if text == "---" || text == "..." || text.hasPrefix("--- ") || text.hasPrefix("... ") { return false }
    // Anything that looks like a number (in either YAML version) is quoted.
    let numberish = "0123456789_:.+-eExXoObBaAcCdDfF"
    if let head = scalars.first,
      head.properties.numericType != nil || ((head == "+" || head == "-" || head == ".") && scalars.count > 1
        && scalars[1].properties.numericType != nil),
      text.unicodeScalars.allSatisfy({ numberish.unicodeScalars.contains($0) })
    {
      return false
    }
    if [".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN", ".NAN"].contains(text) { return false }
    // The loader has the last word.
    let probe = inFlow ? "[" + text + "]" : "- " + text
    let loaded = YAMLLoader().load(text: probe)
    guard !loaded.hasErrors, let root = loaded.documents.first?.root, root.count == 1, let item = root[0] else {
      return false
    }
    return item.kind == .scalar && item.style == .plain && item.scalarType == .string && item.scalarEquals(text)
  }

  /// Whether `text` can be single-quoted (no line breaks or control characters).
  static func singleQuotable(_ text: String) -> Bool {
    text.unicodeScalars.allSatisfy { $0 == "\t" || ($0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value)) }
      && !text.unicodeScalars.contains { $0.value == 0x2028 || $0.value == 0x2029 || $0.value == 0xFEFF }
  }

  /// `text` in single quotes.
  public static func singleQuoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
  }

  /// `text` in double quotes with YAML escapes.
  public static func doubleQuoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\\": out += "\\\\"
      case "\"": out += "\\\""
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      case "\0": out += "\\0"
      case "\u{85}": out += "\\N"
      case "\u{2028}": out += "\\L"
      case "\u{2029}": out += "\\P"
      case "\u{FEFF}": out += "\\uFEFF"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
          let hex = String(scalar.value, radix: 16, uppercase: true)
          out += "\\x" + (hex.count < 2 ? "0" : "") + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  /// A string scalar: plain when safe (and the original, if any, was plain), else in the original's
  /// quotes when they can hold it, else in `preferred` quotes.
  public static func string(_ text: String, inFlow: Bool, original: YAMLStyle?, preferred: Character) -> String {
    switch original {
    case .singleQuoted?: return singleQuotable(text) ? singleQuoted(text) : doubleQuoted(text)
    case .doubleQuoted?: return doubleQuoted(text)
    default:
      if plainIsSafe(text, inFlow: inFlow) { return text }
      return preferred == "'" && singleQuotable(text) ? singleQuoted(text) : doubleQuoted(text)
    }
  }

  /// A scalar value on one line; nil for lists and maps.
  public static func scalar(_ value: FixValue, inFlow: Bool, original: YAMLStyle? = nil, preferred: Character = "\"")
    -> String?
  {
    switch value {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .number(let n): return n
    case .string(let s): return string(s, inFlow: inFlow, original: original, preferred: preferred)
    case .list(let items): return items.isEmpty ? "[]" : nil
    case .map(let entries): return entries.isEmpty ? "{}" : nil
    }
  }

  /// A mapping key.
  public static func key(_ key: String, inFlow: Bool, preferred: Character) -> String {
    string(key, inFlow: inFlow, original: nil, preferred: preferred)
  }

  /// Any value in flow style, on one line: `{a: 1, b: [x, y]}`.
  public static func flow(_ value: FixValue, preferred: Character) -> String {
    switch value {
    case .list(let items): return "[" + items.map { flow($0, preferred: preferred) }.joined(separator: ", ") + "]"
    case .map(let entries):
      return "{" + entries.map { key($0.key, inFlow: true, preferred: preferred) + ": " + flow($0.value, preferred: preferred) }
        .joined(separator: ", ") + "}"
    default: return scalar(value, inFlow: true, preferred: preferred) ?? ""
    }
  }

  /// The lines of a map's entries or a list's items in block style, at `indent` spaces.
  public static func blockLines(_ value: FixValue, indent: Int, _ conventions: YAMLConventions) -> [String] {
    switch value {
    case .map(let entries): return entries.flatMap { entryLines(key: $0.key, value: $0.value, indent: indent, conventions) }
    case .list(let items): return items.flatMap { itemLines($0, dashIndent: indent, conventions) }
    default: return [String(repeating: " ", count: indent) + (scalar(value, inFlow: false, preferred: conventions.quote) ?? "")]
    }
  }

  /// `key: value` in block style: one line for scalars and empty collections, else the key and the
  /// collection indented below it.
  public static func entryLines(key name: String, value: FixValue, indent: Int, _ conventions: YAMLConventions)
    -> [String]
  {
    let pad = String(repeating: " ", count: indent)
    let written = key(name, inFlow: false, preferred: conventions.quote)
    if let text = scalar(value, inFlow: false, preferred: conventions.quote) { return [pad + written + ": " + text] }
    if case .list = value {
      return [pad + written + ":"] + blockLines(value, indent: indent + conventions.sequenceIndent, conventions)
    }
    return [pad + written + ":"] + blockLines(value, indent: indent + conventions.indentStep, conventions)
  }

  /// `- item` in block style, a map's first entry on the dash's line.
  public static func itemLines(_ value: FixValue, dashIndent: Int, _ conventions: YAMLConventions) -> [String] {
    let pad = String(repeating: " ", count: dashIndent)
    if let text = scalar(value, inFlow: false, preferred: conventions.quote) { return [pad + "- " + text] }
    switch value {
    case .map:
      var lines = blockLines(value, indent: dashIndent + 2, conventions)
      lines[0] = pad + "- " + lines[0].dropFirst(dashIndent + 2)
      return lines
    default:
      return [pad + "- " + flow(value, preferred: conventions.quote)]
    }
  }

  /// A literal block scalar (`|`, `|-`, `|+`) holding `text`, its lines at `indent` spaces; nil when
  /// the text cannot be written that way (leading spaces on the first line, control characters).
  public static func literal(_ text: String, indent: Int, newline: String) -> String? {
    guard !text.isEmpty, !text.hasPrefix(" "), !text.hasPrefix("\t"), !text.hasPrefix("\n") else { return nil }
    guard text.unicodeScalars.allSatisfy({ $0 == "\n" || $0 == "\t" || ($0.value >= 0x20 && $0.value != 0x7F) }) else {
      return nil
    }
    var body = text
    var chomp = "-"
    if body.hasSuffix("\n") {
      body.removeLast()
      chomp = body.hasSuffix("\n") ? "+" : ""
    }
    if chomp == "+" { return nil }
    let pad = String(repeating: " ", count: indent)
    let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }
    return "|" + chomp + newline + lines.joined(separator: newline)
  }
}
