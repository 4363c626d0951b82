import Foundation
import Testing
import TestSupport

/// `exclude:`, `--exclude` and `respect_gitignore`, end to end on the built binary: the motivating
/// case is a catalog repository holding a Backstage scaffolder template, whose
/// `skeleton/catalog-info.yaml` is not an entity yet (`${{ values.name }}`).
@Suite struct ExclusionCommandTests {
  static let component = """
    apiVersion: backstage.io/v1alpha1
    kind: Component
    metadata:
      name: payments-api
    spec:
      type: service
      lifecycle: production
      owner: group:default/payments
    ---
    apiVersion: backstage.io/v1alpha1
    kind: Group
    metadata:
      name: payments
    spec:
      type: team
      children: []

    """

  static let skeleton = """
    apiVersion: backstage.io/v1alpha1
    kind: Component
    metadata:
      name: ${{ values.name | dump }}
      description: ${{ values.description }}
    spec:
      type: service
      lifecycle: experimental
      owner: ${{ values.owner }}

    """

  /// A catalog repository with a scaffolder template's skeleton.
  func catalogRepository() throws -> URL {
    let root = try temporaryDirectory()
    try Self.component.write(to: root.appendingPathComponent("catalog-info.yaml"), atomically: true, encoding: .utf8)
    let skeleton = root.appendingPathComponent("templates/service/skeleton")
    try FileManager.default.createDirectory(at: skeleton, withIntermediateDirectories: true)
    try Self.skeleton.write(to: skeleton.appendingPathComponent("catalog-info.yaml"), atomically: true, encoding: .utf8)
    return root
  }

  func json(_ text: String) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  @Test func aSkeletonFailsTheRunUntilItIsExcluded() throws {
    let root = try catalogRepository()
    defer { try? FileManager.default.removeItem(at: root) }
    let before = try runPlumb(["check", "--color", "never", "."], in: root)
    #expect(before.status == 2, "\(before.stdout)\(before.stderr)")
    #expect((before.stdout + before.stderr).contains("templates/service/skeleton/catalog-info.yaml"))

    try "exclude:\n  - \"**/skeleton/\"\n".write(
      to: root.appendingPathComponent(".plumb.yaml"), atomically: true, encoding: .utf8)
    let after = try runPlumb(["check", "--color", "never", "--output", "text", "--output", "json=report.json", "."], in: root)
    #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
    #expect(after.stdout.contains("1 excluded"), "\(after.stdout)")
    let report = try json(String(contentsOf: root.appendingPathComponent("report.json"), encoding: .utf8))
    let files = try #require(report["files"] as? [[String: Any]])
    let excluded = files.filter { $0["skipReason"] as? String == "excluded" }.compactMap { $0["path"] as? String }
    #expect(excluded == ["templates/service/skeleton"])
  }

  @Test func theCommandLineExcludesOnCheckGraphAndScore() throws {
    let root = try catalogRepository()
    defer { try? FileManager.default.removeItem(at: root) }
    let check = try runPlumb(["check", "--color", "never", "--exclude", "templates/*/skeleton/", "."], in: root)
    #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    let graph = try runPlumb(["graph", "--format", "json", "--exclude", "skeleton", "."], in: root)
    #expect(graph.status == 0, "\(graph.stdout)\(graph.stderr)")
    #expect(graph.stdout.contains("\"excluded\""))
    let score = try runPlumb(["score", "--exclude", "**/skeleton/**", "."], in: root)
    #expect(score.status != 2, "\(score.stdout)\(score.stderr)")
    // Without the exclusion, every command sees the skeleton.
    let graphAll = try runPlumb(["graph", "--format", "json", "."], in: root)
    #expect(graphAll.status == 2)
  }

  @Test func gitignoreIsReadOnlyWhenAskedAndItsNegationsHold() throws {
    let root = try catalogRepository()
    defer { try? FileManager.default.removeItem(at: root) }
    try "templates/\n!templates/keep.yaml\n".write(
      to: root.appendingPathComponent(".gitignore"), atomically: true, encoding: .utf8)
    let ignored = try runPlumb(["check", "--color", "never", "."], in: root)
    #expect(ignored.status == 2, "the .gitignore is not read unless asked")
    let flag = try runPlumb(["check", "--color", "never", "--respect-gitignore", "."], in: root)
    #expect(flag.status == 0, "\(flag.stdout)\(flag.stderr)")
    try "respect_gitignore: true\n".write(to: root.appendingPathComponent(".plumb.yaml"), atomically: true, encoding: .utf8)
    let configured = try runPlumb(["check", "--color", "never", "."], in: root)
    #expect(configured.status == 0, "\(configured.stdout)\(configured.stderr)")
    // A later `exclude:` negation re-includes what .gitignore left out (the .gitignore comes first).
    try "respect_gitignore: true\nexclude: ['!templates/']\n".write(
      to: root.appendingPathComponent(".plumb.yaml"), atomically: true, encoding: .utf8)
    let reincluded = try runPlumb(["check", "--color", "never", "."], in: root)
    #expect(reincluded.status == 2, "\(reincluded.stdout)")
  }

  @Test func anExcludedFileIsNeverOpenedWhateverItIs() throws {
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    try Self.component.write(to: root.appendingPathComponent("catalog-info.yaml"), atomically: true, encoding: .utf8)
    let generated = root.appendingPathComponent("generated")
    try FileManager.default.createDirectory(at: generated, withIntermediateDirectories: true)
    // A FIFO would block a reader; a link out of the root and an unreadable file would be errors.
    try SpecialFile.fifo.make(at: generated.appendingPathComponent("pipe.yaml").path)
    try makeSymlink(at: generated.appendingPathComponent("passwd.yaml").path, to: "/etc/passwd")
    let secret = generated.appendingPathComponent("secret.yaml")
    try "a: 1\n".write(to: secret, atomically: true, encoding: .utf8)
    chmod(secret.path, 0)
    try makeSymlink(at: root.appendingPathComponent("outside").path, to: "/etc")
    let plain = try runPlumbBounded(["check", "--color", "never", "."], in: root, timeoutSeconds: 120)
    #expect(plain.status == 2, "without exclusions these are errors: \(plain.stdout)")
    let result = try runPlumbBounded(
      ["check", "--color", "never", "--exclude", "generated/", "--exclude", "/outside", "."], in: root,
      timeoutSeconds: 120)
    #expect(!result.timedOut)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("2 excluded"), "\(result.stdout)")
  }

  @Test func aFileNamedOnTheCommandLineIsExcludedToo() throws {
    let root = try catalogRepository()
    defer { try? FileManager.default.removeItem(at: root) }
    try "exclude: ['**/skeleton/**']\n".write(to: root.appendingPathComponent(".plumb.yaml"), atomically: true, encoding: .utf8)
    let result = try runPlumb(
      ["check", "--color", "never", "--root", ".", "catalog-info.yaml", "templates/service/skeleton/catalog-info.yaml"],
      in: root)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
  }

  @Test func badExclusionsArePolicyErrorsAtTheirPlace() throws {
    let root = try catalogRepository()
    defer { try? FileManager.default.removeItem(at: root) }
    try "exclude:\n  - \"\\e[31m\"\n  - 42\nrespect_gitignore: maybe\n".write(
      to: root.appendingPathComponent(".plumb.yaml"), atomically: true, encoding: .utf8)
    let result = try runPlumb(["check", "--color", "never", "."], in: root)
    #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
    let all = result.stdout + result.stderr
    #expect(all.contains(".plumb.yaml:3:5"), "\(all)")
    #expect(all.contains(".plumb.yaml:4:20"), "\(all)")
    #expect(!all.contains("\u{1B}[31m"), "a control character reaches the terminal")
    // An unreadable .gitignore asked for is an error, never an empty exclusion list.
    try "respect_gitignore: true\n".write(to: root.appendingPathComponent(".plumb.yaml"), atomically: true, encoding: .utf8)
    try makeSymlink(at: root.appendingPathComponent(".gitignore").path, to: "/etc/passwd")
    let outside = try runPlumb(["check", "--color", "never", "."], in: root)
    #expect(outside.status == 3, "\(outside.stdout)\(outside.stderr)")
    #expect((outside.stdout + outside.stderr).contains(".gitignore"))
  }

  @Test func theWaiverFileNamedInTheConfigurationIsPolicyNotInput() throws {
    let root = try catalogRepository()
    defer { try? FileManager.default.removeItem(at: root) }
    try FileManager.default.removeItem(at: root.appendingPathComponent("templates"))
    try FileManager.default.createDirectory(at: root.appendingPathComponent("policy"), withIntermediateDirectories: true)
    try "waivers: []\n".write(to: root.appendingPathComponent("policy/waivers.yaml"), atomically: true, encoding: .utf8)
    try "waivers: policy/waivers.yaml\n".write(to: root.appendingPathComponent(".plumb.yaml"), atomically: true, encoding: .utf8)
    let result = try runPlumb(["check", "--color", "never", "--output", "json", "."], in: root)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(!result.stdout.contains("policy/waivers.yaml"), "the waiver file is listed as an input")
    // Named but missing: an error, never no waivers.
    try "waivers: policy/missing.yaml\n".write(to: root.appendingPathComponent(".plumb.yaml"), atomically: true, encoding: .utf8)
    let missing = try runPlumb(["check", "--color", "never", "."], in: root)
    #expect(missing.status == 3, "\(missing.stdout)\(missing.stderr)")
    #expect((missing.stdout + missing.stderr).contains("policy/missing.yaml"))
  }
}
