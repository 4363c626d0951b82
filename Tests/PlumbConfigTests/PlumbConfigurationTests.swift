import Foundation
import PlumbConfig
import PlumbDiagnostics
import Testing

/// `.plumb.yaml`, read once: every key, and a diagnostic at file:line:column for every unknown key
/// and wrong shape.
@Suite struct PlumbConfigurationTests {
  func parse(_ text: String, root: String = "/repo") -> PlumbConfiguration {
    PlumbConfiguration.parse(text: text, root: root)
  }

  /// `code@line:column message` for each diagnostic.
  func problems(_ configuration: PlumbConfiguration) -> [String] {
    configuration.diagnostics.map { d in
      "\(d.code)@\(d.location.map { "\($0.span.start.line):\($0.span.start.column)" } ?? "-") \(d.message)"
    }
  }

  @Test func readsEveryKey() {
    let configuration = parse(
      """
      # the platform repository
      repository: acme/platform
      rules: [policy/rules, /opt/shared-rules]
      pack: strict
      links:
        component_tags: [component, service]
        owner_tags: [team]
      """)
    #expect(configuration.diagnostics.isEmpty)
    #expect(configuration.repository == "acme/platform")
    #expect(configuration.ruleDirectories == ["policy/rules", "/opt/shared-rules"])
    #expect(configuration.ruleDirectoryPaths == ["/repo/policy/rules", "/opt/shared-rules"])
    #expect(configuration.pack == "strict")
    #expect(configuration.componentTagKeys == ["component", "service"])
    #expect(configuration.ownerTagKeys == ["team"])
  }

  @Test func anEmptyFileOrOnlyCommentsIsAnEmptyConfiguration() {
    for text in ["", "# nothing here\n", "---\n", "~\n"] {
      let configuration = parse(text)
      #expect(configuration.diagnostics.isEmpty, "\(text.debugDescription)")
      #expect(configuration.repository == nil && configuration.pack == nil && configuration.ruleDirectories.isEmpty)
    }
  }

  @Test func unknownKeysAreErrorsAtTheirNodeWithTheClosestKnownKey() {
    let configuration = parse("repository: a/b\npak: gate\nlinks:\n  owner_tag: [team]\nfrobnicate: 1\n")
    #expect(
      problems(configuration) == [
        "config.unknown-key@2:1 unknown key 'pak'; did you mean 'pack'?",
        "config.unknown-key@4:3 unknown key 'owner_tag' in 'links'; did you mean 'owner_tags'?",
        "config.unknown-key@5:1 unknown key 'frobnicate'",
      ])
    #expect(configuration.diagnostics.allSatisfy { $0.severity == .error && $0.location?.path == ".plumb.yaml" })
    // What is known is still read.
    #expect(configuration.repository == "a/b")
  }

  @Test func wrongShapesAreErrorsNeverSilentDefaults() {
    let configuration = parse(
      """
      repository: 42
      rules: policy/rules
      pack: [strict]
      links: [component]
      """)
    #expect(
      problems(configuration) == [
        "config.type@1:13 'repository': expected a string, found a number",
        "config.type@2:8 'rules': expected a list of strings, found a string",
        "config.type@3:7 'pack': expected a string, found a list",
        "config.type@4:8 'links': expected a mapping, found a list",
      ])
    #expect(configuration.repository == nil && configuration.pack == nil && configuration.ruleDirectories.isEmpty)
  }

  @Test func elementsOfTheWrongTypeAreReportedAndLeftOut() {
    let configuration = parse("rules: [a, {b: c}, 3]\nlinks:\n  component_tags: {x: y}\n")
    #expect(
      problems(configuration) == [
        "config.type@1:12 'rules': expected a string, found a mapping",
        "config.type@1:20 'rules': expected a string, found a number",
        "config.type@3:19 'component_tags': expected a list of strings, found a mapping",
      ])
    #expect(configuration.ruleDirectories == ["a"])
    #expect(configuration.componentTagKeys == nil)
  }

  @Test func aTopLevelThatIsNotAMappingIsAnError() {
    #expect(problems(parse("- repository: a/b\n")) == ["config.type@1:1 expected a mapping, found a list"])
    #expect(problems(parse("just text\n")) == ["config.type@1:1 expected a mapping, found a string"])
  }

  @Test func documentsAfterTheFirstAreAnErrorNotIgnored() {
    let configuration = parse("pack: strict\n---\npack: gate\n")
    #expect(problems(configuration) == ["config.type@3:1 .plumb.yaml holds one document; the ones after the first are not read"])
    #expect(configuration.pack == "strict")
  }

  @Test func malformedYAMLIsReportedByTheLoaderAtItsPosition() {
    let configuration = parse("pack: [strict\n")
    #expect(configuration.diagnostics.contains { $0.code.hasPrefix("yaml.") && $0.severity == .error })
    #expect(configuration.diagnostics.allSatisfy { $0.location?.path == ".plumb.yaml" })
  }

  @Test func duplicateKeysAreReported() {
    let configuration = parse("pack: strict\npack: gate\n")
    #expect(configuration.diagnostics.contains { $0.code == "yaml.duplicate-key" && $0.location?.span.start.line == 2 })
  }

  @Test func keyNamesWithControlCharactersStayOnOneLineInMessages() {
    let configuration = parse("\"pa\\nck\\u001b[31m\": x\n\"\(String(repeating: "k", count: 500))\": y\n")
    let messages = configuration.diagnostics.map(\.message)
    #expect(messages.count == 2)
    #expect(messages[0] == "unknown key 'pa<U+000A>ck<U+001B>[31m'")
    #expect(messages.allSatisfy { !$0.contains("\n") && !$0.contains("\u{1B}") && $0.count < 120 })
  }

  @Test func aMissingFileIsAnEmptyConfiguration() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-config-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let configuration = PlumbConfiguration.load(root: directory.path)
    #expect(configuration.diagnostics.isEmpty && configuration.source == nil)
    try "pack: gate\n".write(to: directory.appendingPathComponent(".plumb.yaml"), atomically: true, encoding: .utf8)
    let loaded = PlumbConfiguration.load(root: directory.path)
    #expect(loaded.pack == "gate" && loaded.source?.path == ".plumb.yaml")
  }

  @Test func durationsAndSizes() {
    #expect(ConfigurationValues.seconds("90") == 90)
    #expect(ConfigurationValues.seconds("500ms") == 0.5)
    #expect(ConfigurationValues.seconds("30s") == 30)
    #expect(ConfigurationValues.seconds("15m") == 900)
    #expect(ConfigurationValues.seconds("24h") == 86_400)
    #expect(ConfigurationValues.seconds("7d") == 604_800)
    #expect(ConfigurationValues.seconds("1.5h") == 5400)
    for bad in ["", "h", "-3s", "3 weeks", "1e9s", "nan", "3x"] { #expect(ConfigurationValues.seconds(bad) == nil, "\(bad)") }
    #expect(ConfigurationValues.bytes("1024") == 1024)
    #expect(ConfigurationValues.bytes("64MiB") == 64 << 20)
    #expect(ConfigurationValues.bytes("10MB") == 10_000_000)
    #expect(ConfigurationValues.bytes("99999999999999GiB") == nil)
    #expect(ConfigurationValues.bytes("-1") == nil)
    #expect(ConfigurationValues.describe(seconds: 86_400) == "1d")
    #expect(ConfigurationValues.describe(seconds: 5400) == "90m")
    #expect(ConfigurationValues.describe(seconds: 0.25) == "250ms")
  }
}
