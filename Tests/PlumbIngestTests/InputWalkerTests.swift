import Foundation
import PlumbDiagnostics
import Testing

@testable import PlumbIngest

@Suite struct InputWalkerTests {
  /// A temporary directory holding `files` (relative path → contents).
  private func repository(_ files: [String: String]) throws -> String {
    let root = FileManager.default.temporaryDirectory
      .appendingPathComponent("plumb-walker-\(UUID().uuidString)")
    for (path, contents) in files {
      let url = root.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try contents.write(to: url, atomically: true, encoding: .utf8)
    }
    return IngestContext.standardize(root.path)
  }

  @Test func plumbsOwnFilesAreNotInputs() throws {
    let root = try repository([
      "catalog-info.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n",
      ".plumb.yaml": "pack: baseline\n",
      ".plumb-waivers.yaml": "waivers: []\n",
      ".plumb/action-pins.yaml": "actions/checkout@v4: 11bd71901bbe5b1630ceea73d27597364c9af683\n",
      "services/api/.plumb-waivers.yaml": "waivers: []\n",
      "services/api/values.yaml": "replicas: 2\n",
    ])
    defer { try? FileManager.default.removeItem(atPath: root) }

    let walked = InputWalker().walk(root).map { String($0.dropFirst(root.count + 1)) }
    #expect(walked == ["catalog-info.yaml", "services/api/values.yaml"])

    // `plumb check` reports what nobody took in as a skipped input: only the file that is no input
    // format, never Plumb's own files.
    let result = Ingestor().ingest(paths: [root])
    let skipped = result.graph.diagnostics.filter { $0.code == "ingest.unknown-format" }.compactMap(\.location?.path)
    #expect(skipped == ["services/api/values.yaml"])
  }

  @Test func aPlumbFileNamedOnTheCommandLineIsStillRead() throws {
    let root = try repository([".plumb-waivers.yaml": "waivers: []\n"])
    defer { try? FileManager.default.removeItem(atPath: root) }
    // The walker skips it; a file the user names explicitly is taken (and reported as not an input).
    let result = Ingestor().ingest(paths: [root + "/.plumb-waivers.yaml"], root: root)
    let skipped = result.graph.diagnostics.filter { $0.code == "ingest.unknown-format" }
    #expect(skipped.count == 1 && skipped.first?.severity == .error)
  }
}
