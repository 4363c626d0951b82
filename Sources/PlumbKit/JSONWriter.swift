import PlumbDiagnostics

/// A small streaming JSON writer with deterministic output (keys in the order written).
///
/// Used for reports whose size makes building a dictionary first wasteful.
public struct JSONWriter: Sendable {
  /// The JSON text written so far.
  public private(set) var output = ""
  private var needsComma: [Bool] = [false]
  private let indentUnit: String
  private var pretty: Bool { !indentUnit.isEmpty }

  /// Creates a writer; `indent` spaces per level, 0 for compact output.
  public init(indent: Int = 2) {
    indentUnit = String(repeating: " ", count: indent)
  }

  private mutating func newline() {
    guard pretty else { return }
    output += "\n"
    output += String(repeating: indentUnit, count: needsComma.count - 1)
  }

  private mutating func beforeValue() {
    if needsComma[needsComma.count - 1] { output += "," }
    needsComma[needsComma.count - 1] = true
    if needsComma.count > 1 { newline() }
  }

  /// Writes a key inside an object; the next call writes its value.
  public mutating func key(_ name: String) {
    beforeValue()
    output += Self.quoted(name)
    output += pretty ? ": " : ":"
    needsComma[needsComma.count - 1] = false
    keyPending = true
  }

  private var keyPending = false

  private mutating func startValue() {
    if keyPending {
      keyPending = false
      needsComma[needsComma.count - 1] = true
    } else {
      beforeValue()
    }
  }

  /// Opens an object.
  public mutating func beginObject() {
    startValue()
    output += "{"
    needsComma.append(false)
  }

  /// Closes an object.
  public mutating func endObject() {
    let hadMembers = needsComma.removeLast()
    if hadMembers { newline() }
    output += "}"
  }

  /// Opens an array.
  public mutating func beginArray() {
    startValue()
    output += "["
    needsComma.append(false)
  }

  /// Closes an array.
  public mutating func endArray() {
    let hadMembers = needsComma.removeLast()
    if hadMembers { newline() }
    output += "]"
  }

  /// Writes a string value.
  public mutating func string(_ value: String) {
    startValue()
    output += Self.quoted(value)
  }

  /// Writes an integer value.
  public mutating func int(_ value: Int) {
    startValue()
    output += String(value)
  }

  /// Writes a number; non-finite numbers become strings (".inf", "-.inf", ".nan").
  public mutating func double(_ value: Double) {
    startValue()
    if value.isNaN {
      output += "\".nan\""
    } else if value.isInfinite {
      output += value < 0 ? "\"-.inf\"" : "\".inf\""
    } else if value == value.rounded() && abs(value) < 1e15 {
      output += String(Int(value)) + ".0"
    } else {
      output += String(value)
    }
  }

  /// Writes a boolean value.
  public mutating func bool(_ value: Bool) {
    startValue()
    output += value ? "true" : "false"
  }

  /// Writes null.
  public mutating func null() {
    startValue()
    output += "null"
  }

  /// Hands the text written so far to `sink` and forgets it, so that a large report can be
  /// written out in pieces.
  public mutating func drain(into sink: (String) -> Void) {
    sink(output)
    output = ""
  }

  /// A JSON string literal for `text`.
  public static func quoted(_ text: String) -> String { JSONText.quoted(text) }
}
