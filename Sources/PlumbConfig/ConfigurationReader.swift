import Foundation
import PlumbDiagnostics
import PlumbYAML

/// Reads typed values out of configuration nodes, turning every wrong shape into a diagnostic at
/// the node (file:line:column) instead of a silent default.
///
/// Each `read…` returns nil (and records why) when the node is not of the expected shape; callers
/// keep their default then.
public struct ConfigurationReader: Sendable {
  /// The problems found so far, in the order found.
  public private(set) var diagnostics: [Diagnostic] = []

  /// Creates a reader with no problems recorded.
  public init() {}

  /// Records a problem at `node`.
  public mutating func report(
    _ code: String, _ message: String, at node: YAMLNode, severity: DiagnosticSeverity = .error
  ) {
    diagnostics.append(Diagnostic(code: code, severity: severity, message: message, location: node.location))
  }

  /// A wrong shape: `config.type`.
  public mutating func expected(_ what: String, at node: YAMLNode, key: String? = nil) {
    let place = key.map { "'\($0)': " } ?? ""
    report("config.type", "\(place)expected \(what), found \(Self.describe(node))", at: node)
  }

  /// A string scalar.
  public mutating func string(_ node: YAMLNode, key: String? = nil) -> String? {
    if node.kind == .scalar, node.scalarType == .string, let text = node.string { return text }
    expected("a string", at: node, key: key)
    return nil
  }

  /// A boolean (`true` or `false`).
  public mutating func bool(_ node: YAMLNode, key: String? = nil) -> Bool? {
    if node.kind == .scalar, node.scalarType == .bool, let text = node.string?.lowercased() {
      return text == "true"
    }
    expected("true or false", at: node, key: key)
    return nil
  }

  /// A non-empty string scalar.
  public mutating func nonEmptyString(_ node: YAMLNode, key: String? = nil) -> String? {
    guard let text = string(node, key: key) else { return nil }
    if text.isEmpty {
      report("config.value", "\(key.map { "'\($0)' " } ?? "")must not be empty", at: node)
      return nil
    }
    return text
  }

  /// A link base: a string that is empty, an http(s) URL or a relative reference, with no white
  /// space, control or hidden character (``LinkTarget/isAllowed(_:)``); anything else is reported.
  public mutating func linkBase(_ node: YAMLNode, key: String) -> String? {
    guard let text = string(node, key: key) else { return nil }
    if text.isEmpty || LinkTarget.isAllowed(text) { return text }
    report(
      "config.value",
      "'\(key)' must be an http(s) URL or a relative path with no white space, found '\(MessageText.shown(text, limit: 200))'",
      at: node)
    return nil
  }

  /// The entries of a value written either alone or as a list (`exclude: x` or `exclude: [x, y]`):
  /// the string, or the list's elements; nil, reported as not `what`, for any other shape.
  public mutating func oneOrList(_ node: YAMLNode, key: String, what: String) -> [YAMLNode]? {
    if node.kind == .scalar && node.scalarType == .string { return [node] }
    if node.kind == .sequence { return Array(node.elements) }
    expected(what, at: node, key: key)
    return nil
  }

  /// A list of strings (every element that is not one is reported and left out).
  public mutating func strings(_ node: YAMLNode, key: String? = nil) -> [String]? {
    guard node.kind == .sequence else {
      expected("a list of strings", at: node, key: key)
      return nil
    }
    return node.elements.compactMap { string($0, key: key) }
  }

  /// A whole number in `range`.
  public mutating func integer(_ node: YAMLNode, key: String, in range: ClosedRange<Int>) -> Int? {
    guard node.kind == .scalar, node.scalarType == .int, let text = node.string, let value = Int(text) else {
      expected("a whole number", at: node, key: key)
      return nil
    }
    guard range.contains(value) else {
      report("config.value", "'\(key)' must be between \(range.lowerBound) and \(range.upperBound), found \(value)", at: node)
      return nil
    }
    return value
  }

  /// A duration: a whole number of seconds, or a number with a unit (`500ms`, `30s`, `15m`, `24h`,
  /// `7d`), at most `maximum` seconds.
  public mutating func duration(_ node: YAMLNode, key: String, maximum: Double = 366 * 86_400) -> Double? {
    guard node.kind == .scalar, let text = node.string, node.scalarType == .string || node.scalarType == .int,
      let seconds = ConfigurationValues.seconds(text)
    else {
      expected("a duration such as 30s, 15m, 24h or 7d", at: node, key: key)
      return nil
    }
    guard seconds > 0, seconds <= maximum else {
      report("config.value", "'\(key)' must be more than 0 and at most \(Int(maximum)) seconds, found '\(node.rawText)'", at: node)
      return nil
    }
    return seconds
  }

  /// A size in bytes: a whole number, or a number with a unit (`512KiB`, `64MiB`, `1GiB`, `10MB`).
  public mutating func byteCount(_ node: YAMLNode, key: String, in range: ClosedRange<Int>) -> Int? {
    guard node.kind == .scalar, let text = node.string, node.scalarType == .string || node.scalarType == .int,
      let bytes = ConfigurationValues.bytes(text)
    else {
      expected("a size such as 512KiB, 64MiB or 1GiB", at: node, key: key)
      return nil
    }
    guard range.contains(bytes) else {
      report(
        "config.value",
        "'\(key)' must be between \(range.lowerBound) and \(range.upperBound) bytes, found '\(node.rawText)'", at: node)
      return nil
    }
    return bytes
  }

  /// The pairs of a mapping, each handed to `handle` with its key's text; keys `handle` does not
  /// know (it returns false) are reported as unknown, with the closest known key as a hint.
  public mutating func mapping(
    _ node: YAMLNode, key: String?, known: [String],
    _ handle: (inout ConfigurationReader, String, YAMLNode) -> Bool
  ) {
    guard node.kind == .mapping else {
      expected("a mapping", at: node, key: key)
      return
    }
    for pair in node.pairs {
      guard let name = pair.key.string, pair.key.kind == .scalar else {
        report("config.type", "expected a key written as a string, found \(Self.describe(pair.key))", at: pair.key)
        continue
      }
      if !handle(&self, name, pair.value) { unknown(pair.key, name: name, in: key, known: known) }
    }
  }

  /// An unknown key: `config.unknown-key`, with the closest known key as a hint.
  public mutating func unknown(_ node: YAMLNode, name: String, in section: String?, known: [String], hint: String? = nil) {
    let place = section.map { " in '\($0)'" } ?? ""
    var message = "unknown key '\(MessageText.shown(name))'\(place)"
    if let hint {
      message += "; " + hint
    } else if let close = suggestion(for: name, among: known) {
      message += "; did you mean '\(close)'?"
    }
    report("config.unknown-key", message, at: node)
  }

  /// The node as people call it: `a string`, `a list`, `a mapping`, `a number`, `null`.
  static func describe(_ node: YAMLNode) -> String {
    switch node.kind {
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .scalar:
      switch node.scalarType ?? .string {
      case .null: return "null"
      case .bool: return "a boolean"
      case .int, .float: return "a number"
      case .string: return "a string"
      }
    }
  }
}

/// The value syntaxes configuration shares with command-line options (durations, sizes).
public enum ConfigurationValues {
  /// Seconds in `text`: `90`, `500ms`, `30s`, `15m`, `24h`, `7d`; nil when it is not one.
  public static func seconds(_ text: String) -> Double? {
    let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    for (unit, factor) in units where trimmed.hasSuffix(unit) {
      let number = trimmed.dropLast(unit.count)
      // `ms` before `s`: "500ms" must not read as "500m" followed by "s".
      if unit == "s", number.hasSuffix("m") { continue }
      guard let value = Double(number), value.isFinite, value >= 0, number.allSatisfy({ $0.isNumber || $0 == "." })
      else { return nil }
      return value * factor
    }
    guard let value = Int(trimmed), value >= 0 else { return nil }
    return Double(value)
  }

  /// Bytes in `text`: `1048576`, `512KiB`, `64MiB`, `1GiB`, `10KB`, `10MB`, `1GB`; nil when it is not one.
  public static func bytes(_ text: String) -> Int? {
    let units: [(String, Int)] = [
      ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000),
    ]
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    for (unit, factor) in units where trimmed.hasSuffix(unit) {
      let number = trimmed.dropLast(unit.count).trimmingCharacters(in: .whitespaces)
      guard let value = Int(number), value >= 0 else { return nil }
      let (product, overflow) = value.multipliedReportingOverflow(by: factor)
      return overflow ? nil : product
    }
    guard let value = Int(trimmed), value >= 0 else { return nil }
    return value
  }

  /// `90s` → `1m30s`-style short text for messages: the largest unit that divides it evenly.
  public static func describe(seconds: Double) -> String {
    if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
    let whole = Int(seconds.rounded())
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60)] where whole >= size && whole % size == 0 {
      return "\(whole / size)\(unit)"
    }
    return "\(whole)s"
  }
}
