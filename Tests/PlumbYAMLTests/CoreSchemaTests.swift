import Testing

@testable import PlumbYAML

/// Plain scalars resolve by the YAML 1.2 core schema, not YAML 1.1.
@Suite struct CoreSchemaTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var text: String
    var expected: YAMLScalarValue
    var testDescription: String { text.isEmpty ? "<empty>" : text }
  }

  static let cases: [Case] = [
    Case(text: "~", expected: .null), Case(text: "null", expected: .null), Case(text: "Null", expected: .null),
    Case(text: "NULL", expected: .null), Case(text: "", expected: .null),
    Case(text: "true", expected: .bool(true)), Case(text: "False", expected: .bool(false)),
    Case(text: "TRUE", expected: .bool(true)),
    // YAML 1.1 booleans are strings in 1.2.
    Case(text: "NO", expected: .string("NO")), Case(text: "on", expected: .string("on")),
    Case(text: "yes", expected: .string("yes")), Case(text: "Off", expected: .string("Off")),
    Case(text: "y", expected: .string("y")),
    Case(text: "0", expected: .int(0)), Case(text: "-17", expected: .int(-17)), Case(text: "+5", expected: .int(5)),
    Case(text: "0x1F", expected: .int(31)), Case(text: "0o17", expected: .int(15)),
    // A leading zero is decimal in 1.2 (octal was 1.1).
    Case(text: "0777", expected: .int(777)),
    Case(text: "0x", expected: .string("0x")), Case(text: "0xG", expected: .string("0xG")),
    Case(text: "1.5", expected: .float(1.5)), Case(text: "-.5", expected: .float(-0.5)),
    Case(text: "1e3", expected: .float(1000)), Case(text: "6.02E+23", expected: .float(6.02e23)),
    Case(text: "1.", expected: .float(1)), Case(text: ".inf", expected: .float(.infinity)),
    Case(text: "-.Inf", expected: .float(-.infinity)),
    Case(text: "1_000", expected: .string("1_000")), Case(text: "1:20", expected: .string("1:20")),
    Case(text: ".", expected: .string(".")), Case(text: "--", expected: .string("--")), Case(text: "-x", expected: .string("-x")),
    Case(text: "e3", expected: .string("e3")), Case(text: "nulls", expected: .string("nulls")),
    Case(text: "2001-12-14", expected: .string("2001-12-14")),
  ]

  @Test(arguments: cases) func plainScalar(_ c: Case) throws {
    let result = YAMLLoader().load(text: "v: \(c.text)\n")
    let value = try #require(result.documents.first?.root["v"]?.value)
    #expect(value == c.expected)
  }

  @Test func nanResolvesToFloat() throws {
    let result = YAMLLoader().load(text: "v: .NaN\n")
    guard case .float(let value) = try #require(result.documents.first?.root["v"]?.value) else {
      Issue.record("not a float")
      return
    }
    #expect(value.isNaN)
  }

  @Test func quotedAndBlockScalarsAreAlwaysStrings() throws {
    let root = try #require(YAMLLoader().load(text: "a: 'true'\nb: \"1\"\nc: |\n  null\n").documents.first?.root)
    #expect(root["a"]?.value == .string("true"))
    #expect(root["b"]?.value == .string("1"))
    #expect(root["c"]?.value == .string("null\n"))
  }

  @Test func explicitTagsOverrideResolution() throws {
    let result = YAMLLoader().load(text: "a: !!str true\nb: !!int \"42\"\nc: !!float 1\nd: !custom 5\ne: !!int nope\n")
    let root = try #require(result.documents.first?.root)
    #expect(root["a"]?.value == .string("true"))
    #expect(root["b"]?.value == .int(42))
    #expect(root["c"]?.value == .float(1))
    #expect(root["d"]?.value == .string("5"))
    #expect(root["d"]?.tag == "!custom")
    // An invalid value for a standard tag is a warning and stays a string.
    #expect(root["e"]?.value == .string("nope"))
    #expect(result.diagnostics.map(\.code) == ["yaml.tag-value"])
    #expect(result.diagnostics.first?.severity == .warning)
  }

  @Test func integersBeyond64BitsBecomeFloats() throws {
    let root = try #require(YAMLLoader().load(text: "v: 123456789012345678901234\n").documents.first?.root)
    #expect(root["v"]?.value == .float(123456789012345678901234))
  }
}
