import Foundation
import Testing
import TestSupport

/// A live Backstage catalog as context: a catalog API served on loopback from the corpus's
/// Backstage example catalog, read page by page, with its failures (down, 401, 403, 500,
/// malformed, not a catalog, too slow, too large) and its snapshot (written, used when the server
/// is down, refused when stale).
@Suite struct LiveCatalogTests {
  static let examples = SharedData.corpus("catalog/backstage__backstage/examples")

  /// The example catalog as the API serves it; a service whose owner, `team-a`, it defines.
  static func exampleEntities() throws -> [String] {
    try CatalogFixtures.servedEntities(from: examples)
  }

  static let serviceOwnedByTeamA = CatalogFixtures.serviceCatalogInfo
    .replacingOccurrences(of: "owner: team-payments", with: "owner: team-a")
    .replacingOccurrences(of: "system: payments", with: "system: audio-playback")

  /// A repository whose `.plumb.yaml` names the catalog at `url` with `options`.
  func repository(url: String, options: String = "", catalogInfo: String = Self.serviceOwnedByTeamA) throws -> URL {
    try CatalogFixtures.directory([
      "catalog-info.yaml": catalogInfo,
      ".plumb.yaml": "catalog:\n  - url: \(url)\n" + options.split(separator: "\n").map { "    \($0)\n" }.joined(),
    ])
  }

  func check(_ directory: URL, _ arguments: [String] = [], environment: [String: String?] = [:]) throws
    -> (status: Int32, report: JSONReport, stdout: String, stderr: String)
  {
    var env = environment
    env["PLUMB_TODAY"] = "2026-06-01"
    let result = try runPlumbBounded(
      ["check", "."] + arguments + ["--output", "json"], in: directory, environment: env, timeoutSeconds: 120)
    #expect(!result.timedOut)
    return (result.status, try JSONReport(result.stdout), result.stdout, result.stderr)
  }

  func snapshotPath(_ repository: URL, _ server: LoopbackHTTPServer) -> URL {
    repository.appendingPathComponent(".plumb/catalog/127.0.0.1_\(server.port)_api_catalog.json")
  }

  @Test(.enabled(if: SharedData.isPresent(examples), Comment(rawValue: SharedData.absentReason(examples))))
  func aLiveCatalogIsReadPageByPageAndItsSnapshotWritten() throws {
    let entities = try Self.exampleEntities()
    #expect(entities.count > 50)
    let server = try LoopbackHTTPServer(handler: CatalogFixtures.catalogAPI(entities, pageSize: 10))
    defer { server.shutdown() }
    let url = server.baseURL + "/api/catalog"
    let repository = try repository(url: url, options: "page_size: 10")

    // Without the context the owner is unknown.
    let plain = try CatalogFixtures.directory(["catalog-info.yaml": Self.serviceOwnedByTeamA])
    let alone = try check(plain)
    #expect(alone.report.ruleIDs.contains("owner_is_a_group") && alone.status == 1)

    let run = try check(repository)
    #expect(!run.report.ruleIDs.contains("owner_is_a_group"), "\(run.report.ruleIDs) \(run.report.inputCodes)")
    #expect(run.report.findingPaths.allSatisfy { $0 == "catalog-info.yaml" })
    #expect(run.status == 0 || run.status == 1)
    #expect(!run.report.inputDiagnostics.contains { $0["severity"] as? String == "error" })
    // Every page was asked for, the first with the limit, the others with the cursor given.
    let pages = (entities.count + 9) / 10
    #expect(server.requests.count == pages)
    #expect(server.requests.first?.query["limit"] == ["10"] && server.requests.first?.query["cursor"] == nil)
    #expect(server.requests.dropFirst().allSatisfy { $0.query["cursor"]?.first?.isEmpty == false })
    let context = try #require(run.report.context)
    let sources = try #require(context["sources"] as? [[String: Any]])
    #expect(sources.first?["kind"] as? String == "live" && sources.first?["entities"] as? Int == entities.count)
    // The snapshot holds every entity and is itself a Backstage by-query page.
    let snapshot = try String(contentsOf: snapshotPath(repository, server), encoding: .utf8)
    #expect(snapshot.hasPrefix("{\"plumbSnapshot\":{\"version\":1,\"source\":\"\(url)\""))
    let parsed = try #require(try JSONSerialization.jsonObject(with: Data(snapshot.utf8)) as? [String: Any])
    #expect((parsed["items"] as? [Any])?.count == entities.count)

    // `plumb catalog pull` writes it on purpose; `--catalog-offline` then reads it without asking.
    let asked = server.requests.count
    let pull = try runPlumbBounded(["catalog", "pull"], in: repository)
    #expect(pull.status == 0, "\(pull.stderr)")
    #expect(pull.stdout.contains("\(entities.count) entities in \(pages) pages"))
    let offline = try check(repository, ["--catalog-offline"])
    #expect(!offline.report.ruleIDs.contains("owner_is_a_group"))
    #expect(server.requests.count == asked + pages)
  }

  @Test func theTokenIsSentFromItsVariableAndNeverShown() throws {
    let token = "s3cr3t-token-value-9f8e7d"
    let entities = try CatalogFixtures.servedEntities(from: try CatalogFixtures.central())
    let server = try LoopbackHTTPServer(handler: CatalogFixtures.catalogAPI(entities, pageSize: 2, token: token))
    defer { server.shutdown() }
    let repository = try repository(
      url: server.baseURL + "/api/catalog", options: "token_env: CATALOG_TOKEN",
      catalogInfo: CatalogFixtures.serviceCatalogInfo)
    let run = try check(repository, environment: ["CATALOG_TOKEN": token])
    #expect(run.status == 0, "\(run.report.inputCodes) \(run.stderr)")
    #expect(server.requests.allSatisfy { $0.header("Authorization") == "Bearer " + token })
    let snapshot = try String(contentsOf: snapshotPath(repository, server), encoding: .utf8)
    for text in [run.stdout, run.stderr, snapshot] { #expect(!text.contains(token)) }

    // A wrong token: 401, loud, and still not shown.
    let wrong = try check(repository, environment: ["CATALOG_TOKEN": "wrong-token-123"])
    #expect(wrong.status == 2)
    #expect(wrong.report.inputCodes.contains("context.unauthorized"))
    #expect(!(wrong.stdout + wrong.stderr).contains("wrong-token-123"))
    // The variable unset: nothing is asked, and the run fails.
    let before = server.requests.count
    let unset = try check(repository, environment: ["CATALOG_TOKEN": nil])
    #expect(unset.status == 2 && unset.report.inputCodes.contains("context.token-missing"))
    #expect(server.requests.count == before)
  }

  /// Each failure of a live catalog with no snapshot to fall back on: exit 2, a diagnostic that
  /// names the source, never a run without its context.
  struct Failure: Sendable, CustomTestStringConvertible {
    let name: String
    let response: LoopbackHTTPServer.Response
    let options: String
    let code: String
    let words: String
    var testDescription: String { name }
  }

  static let failures: [Failure] = {
    var huge = LoopbackHTTPServer.Response.json(
      "{\"items\":[" + String(repeating: "{\"a\":1},", count: 200_000) + "{}]}")
    var chunked = huge
    chunked.chunkSize = 64 * 1024
    huge.chunkSize = nil
    return [
      Failure(name: "401", response: .json("{\"error\":{}}", status: 401), options: "", code: "context.unauthorized", words: "401"),
      Failure(name: "403", response: .json("{\"error\":{}}", status: 403), options: "", code: "context.forbidden", words: "403"),
      Failure(name: "500", response: .json("{\"error\":{}}", status: 500), options: "retries: 1", code: "context.status", words: "500"),
      Failure(name: "404", response: .json("{}", status: 404), options: "", code: "context.status", words: "/api/catalog"),
      Failure(
        name: "malformed JSON", response: .json("{\"items\": [{\"kind\": \"Group\",, }"), options: "",
        code: "context.malformed", words: "not well-formed JSON"),
      Failure(
        name: "not a catalog", response: .json("{\"hello\": \"world\"}"), options: "", code: "context.not-a-catalog",
        words: "'items'"),
      Failure(
        name: "HTML login page", response: .init(status: 200, headers: [("Content-Type", "text/html")], body: Array("<html>".utf8)),
        options: "", code: "context.not-a-catalog", words: "text/html"),
      Failure(
        name: "slow", response: .init(status: 200, headers: [], body: Array("{\"items\":[]}".utf8), delay: 4),
        options: "timeout: 1s\nretries: 0", code: "context.timeout", words: "1s"),
      Failure(name: "huge", response: huge, options: "max_bytes: 1MiB", code: "context.too-large", words: "1048576"),
      Failure(name: "huge, chunked", response: chunked, options: "max_bytes: 1MiB", code: "context.too-large", words: "1048576"),
    ]
  }()

  @Test(arguments: failures)
  func aFailingCatalogFailsTheRun(_ failure: Failure) throws {
    let server = try LoopbackHTTPServer { _ in failure.response }
    defer { server.shutdown() }
    let url = server.baseURL + "/api/catalog"
    let repository = try repository(url: url, options: failure.options)
    let run = try check(repository)
    #expect(run.status == 2, "\(run.report.inputCodes)")
    let diagnostic = run.report.inputDiagnostics.first { $0["code"] as? String == failure.code }
    let message = diagnostic?["message"] as? String ?? ""
    #expect(message.contains(url), "\(run.report.inputDiagnostics)")
    #expect(message.contains(failure.words), "\(message)")
    // Nothing was written over by a failed read.
    #expect(!FileManager.default.fileExists(atPath: snapshotPath(repository, server).path))
    if failure.name == "500" { #expect(server.requests.count == 2) }
  }

  @Test func anUnreachableCatalogWithoutASnapshotFailsTheRun() throws {
    let port = try LoopbackHTTPServer.closedPort()
    let url = "http://127.0.0.1:\(port)/api/catalog"
    let repository = try repository(url: url, options: "retries: 0")
    let run = try check(repository)
    #expect(run.status == 2)
    let message = run.report.inputDiagnostics.first { $0["code"] as? String == "context.unreachable" }?["message"] as? String
    #expect(message?.contains(url) == true && message?.contains("no snapshot") == true, "\(run.report.inputDiagnostics)")
  }

  @Test func aYoungSnapshotStandsInWhenTheServerIsDownAndAStaleOneDoesNot() throws {
    let entities = try CatalogFixtures.servedEntities(from: try CatalogFixtures.central())
    let server = try LoopbackHTTPServer(handler: CatalogFixtures.catalogAPI(entities, pageSize: 100))
    let url = server.baseURL + "/api/catalog"
    let repository = try repository(url: url, options: "retries: 0", catalogInfo: CatalogFixtures.serviceCatalogInfo)
    let good = try check(repository)
    #expect(good.status == 0)
    let snapshot = snapshotPath(repository, server)
    server.shutdown()

    // Down, with the snapshot just written: the run goes on with it, and says so.
    let down = try check(repository)
    #expect(down.status == 0, "\(down.report.inputCodes)")
    #expect(!down.report.ruleIDs.contains("owner_is_a_group"))
    let used = down.report.inputDiagnostics.first { $0["code"] as? String == "context.snapshot-used" }
    #expect(used?["severity"] as? String == "warning")
    #expect((used?["message"] as? String)?.contains(url) == true)
    let sources = down.report.context?["sources"] as? [[String: Any]]
    #expect(sources?.first?["fellBack"] as? Bool == true)

    // The same snapshot, read two days ago: older than max_age (24h by default).
    var text = try String(contentsOf: snapshot, encoding: .utf8)
    let fetched = try #require(text.firstRange(of: #/"fetchedAt":"[^"]*"/#))
    let twoDaysAgo = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-2 * 86_400))
    text.replaceSubrange(fetched, with: "\"fetchedAt\":\"\(twoDaysAgo)\"")
    try text.write(to: snapshot, atomically: true, encoding: .utf8)
    let stale = try check(repository)
    #expect(stale.status == 2)
    let message = stale.report.inputDiagnostics.first { $0["code"] as? String == "context.stale-snapshot" }?["message"] as? String
    #expect(message?.contains("max_age of 1d") == true, "\(stale.report.inputDiagnostics)")
    // A longer maximum on the command line accepts it.
    let relaxed = try check(repository, ["--catalog-max-age", "3d"])
    #expect(relaxed.status == 0, "\(relaxed.report.inputCodes)")
    // Offline never asks, and checks the age the same way.
    #expect(try check(repository, ["--catalog-offline"]).status == 2)
    #expect(try check(repository, ["--catalog-offline", "--catalog-max-age", "7d"]).status == 0)
  }

  @Test func aSnapshotOfAnotherCatalogIsRefused() throws {
    let entities = try CatalogFixtures.servedEntities(from: try CatalogFixtures.central())
    let server = try LoopbackHTTPServer(handler: CatalogFixtures.catalogAPI(entities, pageSize: 100))
    let repository = try repository(url: server.baseURL + "/api/catalog", catalogInfo: CatalogFixtures.serviceCatalogInfo)
    #expect(try check(repository).status == 0)
    server.shutdown()
    // The configuration now names another catalog, whose snapshot path is pinned to the first's.
    let other = "http://127.0.0.1:\(try LoopbackHTTPServer.closedPort())/api/catalog"
    let snapshot = snapshotPath(repository, server).path
    try "catalog:\n  - url: \(other)\n    retries: 0\n    snapshot: \(snapshot)\n".write(
      to: repository.appendingPathComponent(".plumb.yaml"), atomically: true, encoding: .utf8)
    let run = try check(repository)
    #expect(run.status == 2)
    #expect(run.report.inputCodes.contains("context.snapshot-mismatch"), "\(run.report.inputCodes)")
  }
}
