import Foundation
import Testing

/// `plumb parse` end to end, on the built binary.
@Suite struct ParseCommandTests {
  @Test func parsesTheShippedFixturesCleanly() throws {
    let result = try runPlumb(["parse", "fixtures"])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("fixtures/platform/catalog/components.yaml: 5 documents"))
    #expect(result.stdout.contains("fixtures/yaml/bom.yaml: 1 document"))
    #expect(result.stdout.hasSuffix("0 errors, 0 warnings\n"))
  }

  @Test func reportsEveryBrokenFileWithPositionAndCaretAndKeepsGoing() throws {
    let directory = try temporaryDirectory()
    try "a: [b\nc: d\n".write(to: directory.appendingPathComponent("one.yaml"), atomically: true, encoding: .utf8)
    try "ok: true\n".write(to: directory.appendingPathComponent("two.yaml"), atomically: true, encoding: .utf8)
    try "x: 1\nx: 2\n".write(to: directory.appendingPathComponent("three.yml"), atomically: true, encoding: .utf8)
    let result = try runPlumb(["parse", "--color", "never", "one.yaml", "two.yaml", "three.yml"], in: directory)
    #expect(result.status == 2)
    #expect(
      result.stdout.contains(
        """
        one.yaml:2:2: error: did not find expected ',' or ']' [yaml.syntax]
          |
        2 | c: d
          |  ^
        one.yaml:1:4: note: while parsing a flow sequence
        """))
    #expect(result.stdout.contains("three.yml:2:1: error: duplicate key 'x' in mapping; the later value is used"))
    #expect(result.stdout.contains("two.yaml: 1 document"))
    #expect(result.stdout.hasSuffix("3 files loaded, 2 errors, 0 warnings\n"))
  }

  @Test func aMissingPathIsAnInputError() throws {
    let result = try runPlumb(["parse", "fixtures/yaml/bom.yaml", "no/such/file.yaml"])
    #expect(result.status == 2)
    #expect(result.stdout.contains("error: no such file or directory: 'no/such/file.yaml' [io.missing]"))
  }

  @Test func nothingFoundIsNotSuccess() throws {
    let directory = try temporaryDirectory()
    let result = try runPlumb(["parse", directory.path])
    #expect(result.status == 4)
    #expect(result.stderr.contains("no YAML or JSON input found"))
  }

  @Test func usageErrorsExitWith64() throws {
    let result = try runPlumb(["parse", "--format", "xml", "fixtures"])
    #expect(result.status == 64)
  }

  @Test func jsonOutputCarriesSpansThatSliceTheSource() throws {
    let result = try runPlumb(["parse", "--format", "json", "fixtures/yaml/multibyte.yaml"])
    #expect(result.status == 0)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let files = try #require(json["files"] as? [[String: Any]])
    let documents = try #require(files.first?["documents"] as? [[String: Any]])
    let root = try #require(documents.first?["root"] as? [String: Any])
    let pairs = try #require(root["pairs"] as? [[String: Any]])
    let bytes = try Data(contentsOf: packageRoot.appendingPathComponent("fixtures/yaml/multibyte.yaml"))
    var checked = 0
    for pair in pairs {
      let value = try #require(pair["value"] as? [String: Any])
      guard value["kind"] as? String == "scalar" else { continue }
      let span = try #require(value["span"] as? [String: [String: Int]])
      let start = try #require(span["start"]?["offset"])
      let end = try #require(span["end"]?["offset"])
      let raw = try #require(value["raw"] as? String)
      #expect(String(decoding: bytes[start..<end], as: UTF8.self) == raw)
      checked += 1
    }
    #expect(checked == 4)
    let city = pairs.first { ($0["key"] as? [String: Any])?["value"] as? String == "city" }
    #expect((city?["value"] as? [String: Any])?["value"] as? String == "Zürich")
  }
}
