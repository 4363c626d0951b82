import Foundation
import PlumbDiagnostics
import PlumbYAML
import TestSupport

/// Repositories and central catalogs for the catalog-context tests, and a Backstage catalog API
/// served on loopback.
enum CatalogFixtures {
  /// Writes `files` (relative path: text) under a new temporary directory.
  static func directory(_ files: [String: String]) throws -> URL {
    let root = try temporaryDirectory()
    for (path, text) in files {
      let url = root.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
    }
    return root
  }

  /// A service repository: one component whose owner (and system) the central catalog defines.
  static let serviceCatalogInfo = """
    apiVersion: backstage.io/v1alpha1
    kind: Component
    metadata:
      name: payments-api
      description: Takes payments
      tags: [java]
      annotations:
        github.com/project-slug: acme/payments-api
    spec:
      type: service
      lifecycle: production
      owner: team-payments
      system: payments
    """

  /// The central catalog: the team and system the service names, and entities with problems of
  /// their own (a component without an owner, a dangling reference) that a service's gate must
  /// not report.
  static let centralFiles: [String: String] = [
    "teams/payments.yaml": """
      apiVersion: backstage.io/v1alpha1
      kind: Group
      metadata:
        name: team-payments
        description: The payments team
      spec:
        type: team
        children: []
        members: [alice]
      ---
      apiVersion: backstage.io/v1alpha1
      kind: User
      metadata:
        name: alice
      spec:
        memberOf: [team-payments]
      """,
    "systems/payments.yaml": """
      apiVersion: backstage.io/v1alpha1
      kind: System
      metadata:
        name: payments
        description: Payments
      spec:
        owner: team-payments
      """,
    "components/legacy.yaml": """
      apiVersion: backstage.io/v1alpha1
      kind: Component
      metadata:
        name: legacy-ledger
      spec:
        type: service
        lifecycle: production
        owner: ghosts
      """,
  ]

  /// A central catalog directory.
  static func central(extra: [String: String] = [:]) throws -> URL {
    try directory(centralFiles.merging(extra) { $1 })
  }

  // MARK: Exports

  /// The entities of catalog YAML files as the catalog API serves them: JSON objects with
  /// `metadata.uid` and `etag`, and the `relations` Backstage computes from `spec.owner`.
  static func servedEntities(from directory: URL) throws -> [String] {
    let files = (FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? [])
      .filter { ["yaml", "yml"].contains($0.pathExtension) }
      .sorted { $0.path < $1.path }
    var entities: [String] = []
    for file in files {
      let result = YAMLLoader().load(path: file.path)
      for document in result.documents {
        let root = document.root
        guard root.kind == .mapping, let api = root["apiVersion"]?.string, api.contains("backstage.io"),
          let kind = root["kind"]?.string, let name = root["metadata"]?["name"]?.string
        else { continue }
        entities.append(served(root, kind: kind, name: name, index: entities.count))
      }
    }
    return entities
  }

  /// One served entity.
  static func served(_ root: YAMLNode, kind: String, name: String, index: Int) -> String {
    var members: [String] = []
    for pair in root.pairs {
      guard let key = pair.key.string else { continue }
      if key == "metadata" {
        var metadata = pair.value.pairs.compactMap { p in p.key.string.map { JSONText.quoted($0) + ":" + json(p.value) } }
        metadata.append("\"uid\":" + JSONText.quoted(String(format: "00000000-0000-4000-8000-%012d", index)))
        metadata.append("\"etag\":" + JSONText.quoted("etag-\(index)"))
        members.append("\"metadata\":{" + metadata.joined(separator: ",") + "}")
      } else {
        members.append(JSONText.quoted(key) + ":" + json(pair.value))
      }
    }
    var relations: [String] = []
    if let owner = root["spec"]?["owner"]?.string {
      let ref = owner.contains(":") ? owner : "group:default/" + owner
      relations.append("{\"type\":\"ownedBy\",\"targetRef\":" + JSONText.quoted(ref.lowercased()) + "}")
    }
    members.append("\"relations\":[" + relations.joined(separator: ",") + "]")
    return "{" + members.joined(separator: ",") + "}"
  }

  /// A YAML node as JSON.
  static func json(_ node: YAMLNode) -> String {
    switch node.kind {
    case .mapping:
      return "{" + node.pairs.map { JSONText.quoted($0.key.string ?? $0.key.rawText) + ":" + json($0.value) }
        .joined(separator: ",") + "}"
    case .sequence:
      return "[" + node.elements.map(json).joined(separator: ",") + "]"
    case .scalar:
      switch node.scalarType ?? .string {
      case .null: return "null"
      case .bool: return node.isTrue ? "true" : "false"
      case .int, .float: return Double(node.string ?? "").map { _ in node.string ?? "0" } ?? JSONText.quoted(node.string ?? "")
      case .string: return JSONText.quoted(node.string ?? "")
      }
    }
  }

  /// `GET /entities`: an array.
  static func arrayExport(_ entities: [String]) -> String { "[\n" + entities.joined(separator: ",\n") + "\n]\n" }

  /// `GET /entities/by-query`: one page holding everything.
  static func pageExport(_ entities: [String]) -> String {
    "{\"items\":[\n" + entities.joined(separator: ",\n") + "\n],\"totalItems\":\(entities.count),\"pageInfo\":{}}\n"
  }

  // MARK: A catalog API on loopback

  /// Answers `GET /api/catalog/entities/by-query` with `entities`, `pageSize` per page, following
  /// opaque cursors (base64, as Backstage's are); with `token`, anything else than
  /// `Authorization: Bearer <token>` is 401.
  static func catalogAPI(_ entities: [String], pageSize: Int, token: String? = nil)
    -> @Sendable (LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response
  {
    { request in
      guard request.path == "/api/catalog/entities/by-query" else {
        return .json("{\"error\":{\"name\":\"NotFoundError\",\"message\":\"Not found\"}}", status: 404)
      }
      if let token, request.header("Authorization") != "Bearer " + token {
        return .json("{\"error\":{\"name\":\"AuthenticationError\",\"message\":\"Missing credentials\"}}", status: 401)
      }
      var offset = 0
      if let cursor = request.query["cursor"]?.first {
        guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8),
          text.hasPrefix("{\"offset\":"), let value = Int(text.dropFirst(10).dropLast())
        else { return .json("{\"error\":{\"name\":\"InputError\",\"message\":\"Malformed cursor\"}}", status: 400) }
        offset = value
      }
      let end = min(offset + pageSize, entities.count)
      let items = offset < end ? Array(entities[offset..<end]) : []
      var info = "{}"
      if end < entities.count {
        info = "{\"nextCursor\":" + JSONText.quoted(Data("{\"offset\":\(end)}".utf8).base64EncodedString()) + "}"
      }
      return .json(
        "{\"items\":[" + items.joined(separator: ",") + "],\"totalItems\":\(entities.count),\"pageInfo\":\(info)}")
    }
  }
}

/// The JSON report of a run, parsed.
struct JSONReport {
  let object: [String: Any]

  init(_ text: String) throws {
    object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
  }

  var findings: [[String: Any]] { object["findings"] as? [[String: Any]] ?? [] }
  var ruleIDs: [String] { findings.compactMap { $0["ruleId"] as? String } }
  var findingPaths: [String] { findings.compactMap { ($0["location"] as? [String: Any])?["path"] as? String } }
  var inputDiagnostics: [[String: Any]] { object["inputDiagnostics"] as? [[String: Any]] ?? [] }
  var inputCodes: [String] { inputDiagnostics.compactMap { $0["code"] as? String } }
  var context: [String: Any]? { object["context"] as? [String: Any] }
}
