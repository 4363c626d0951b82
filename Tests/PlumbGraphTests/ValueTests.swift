import PlumbDiagnostics
import PlumbYAML
import Testing

@testable import PlumbGraph

@Suite struct ValueTests {
  func yaml(_ text: String) throws -> Value {
    let result = YAMLLoader().load(text: text, path: "v.json")
    #expect(result.diagnostics.isEmpty)
    return .yaml(try #require(result.documents.first?.root))
  }

  @Test func missingNullAndValuesAreDistinct() throws {
    let value = try yaml("a: null\nb: ~\nc: 1\nd: text\n")
    #expect(value["a"].kind == .null)
    #expect(value["b"].kind == .null)
    #expect(value["z"].kind == .missing)
    #expect(value["c"].int == 1)
    #expect(value["d"].string == "text")
    // Looking further into a missing value stays missing, never traps.
    #expect(value["z"]["y"][3].kind == .missing)
    #expect(value.at([.key("c"), .index(0)]).kind == .missing)
  }

  @Test func yamlValuesKeepTheirLocation() throws {
    let value = try yaml("list:\n  - first\n  - second\n")
    let second = value["list"][1]
    #expect(second.string == "second")
    #expect(second.location?.span.start == SourcePosition(line: 3, column: 5, offset: 20))
    #expect(value["list"].elements.count == 2)
  }

  /// Terraform omits unknown attributes from `after` and nulls unknown list elements; only the
  /// `after_unknown` mask tells them apart from absent and null values.
  @Test func plannedValuesSeparateUnknownFromMissingAndNull() throws {
    let change = try yaml(
      """
      {"after": {"bucket": "b", "acl": null, "tags": {"owner": "web"}, "cidrs": ["10.0.0.0/8", null], "password": "x"},
       "after_unknown": {"arn": true, "tags": {}, "cidrs": [false, true], "replica": true},
       "after_sensitive": {"password": true, "tags": {}}}
      """)
    let planned = Value.planned(
      PlannedValue(after: change["after"].node, unknownMask: change["after_unknown"].node,
        sensitiveMask: change["after_sensitive"].node))
    #expect(planned["bucket"].string == "b")
    #expect(planned["acl"].kind == .null)
    #expect(planned["arn"].kind == .unknown)
    #expect(planned["replica"].kind == .unknown)
    #expect(planned["nothing"].kind == .missing)
    #expect(planned["tags"]["owner"].string == "web")
    #expect(planned["cidrs"][0].string == "10.0.0.0/8")
    #expect(planned["cidrs"][1].kind == .unknown)
    #expect(planned["cidrs"].elements.map(\.kind) == [.string, .unknown])
    #expect(planned["password"].isSensitive)
    #expect(!planned["bucket"].isSensitive)
    // Unknown attributes are listed among the entries, so quantifiers see them.
    let keys = planned.entries.map(\.key)
    #expect(keys.contains("arn") && keys.contains("replica"))
    #expect(planned.entries.first { $0.key == "arn" }?.value.kind == .unknown)
    // Anything below an unknown value is unknown too.
    #expect(planned["replica"]["region"].kind == .unknown)
  }

  @Test func valueMapKeepsInsertionOrderAndReplaces() {
    var map = ValueMap([("b", .int(1)), ("a", .int(2))])
    map["b"] = .int(3)
    map["c"] = .string("x")
    #expect(map.entries.map(\.key) == ["b", "a", "c"])
    #expect(map["b"].map { Value.map(ValueMap([("v", $0)]))["v"].int } == 3)
    map["a"] = nil
    #expect(map.entries.map(\.key) == ["b", "c"])
    #expect(map["c"]?.string == "x")
  }

  @Test func locatedValuesCarryTheirOwnLocation() {
    let location = PlumbDiagnostics.SourceLocation(
      path: "w.yml",
      span: SourceSpan(
        start: SourcePosition(line: 4, column: 9, offset: 40), end: SourcePosition(line: 4, column: 20, offset: 51)))
    let value = Value.located(.string("github.event.issue.title"), location)
    #expect(value.string == "github.event.issue.title")
    #expect(value.location == location)
    #expect(value.kind == .string)
  }
}

@Suite struct DocumentGraphTests {
  func location(_ line: Int) -> PlumbDiagnostics.SourceLocation {
    let position = SourcePosition(line: line, column: 1, offset: line * 10)
    return PlumbDiagnostics.SourceLocation(path: "g.yaml", span: SourceSpan(start: position, end: position))
  }

  func entity(_ id: String, _ kind: String, name: String, type: String? = nil, owner: String? = nil) -> Entity {
    var map = ValueMap()
    if let owner { map["owner"] = .string(owner) }
    return Entity(id: EntityID(id), kind: kind, type: type, name: name, location: location(1), attributes: .map(map))
  }

  func sample() -> DocumentGraph {
    var builder = GraphBuilder()
    builder.add(entity("c:b", "catalog.Component", name: "Beta", type: "service", owner: "team-a"))
    builder.add(entity("c:a", "catalog.Component", name: "alpha", type: "website", owner: "team-b"))
    builder.add(entity("g:a", "catalog.Group", name: "team-a"))
    builder.add(entity("t:1", "terraform.resource", name: "aws_s3_bucket.x", type: "aws_s3_bucket", owner: "team-a"))
    builder.connect(EntityID("c:b"), "ownedBy", EntityID("g:a"), at: location(3))
    builder.connect(EntityID("g:a"), "ownerOf", EntityID("c:b"))
    builder.connect(EntityID("c:a"), "ownedBy", EntityID("g:missing"), at: location(7))
    builder.add(entity("c:a", "catalog.Component", name: "again"))
    return builder.build()
  }

  @Test func entitiesAreSortedByIDWhateverTheInsertionOrder() {
    #expect(sample().entities.map(\.id.rawValue) == ["c:a", "c:b", "g:a", "t:1"])
  }

  @Test func lookupsByKindNameAndType() {
    let graph = sample()
    #expect(graph.entities(ofKind: "catalog.Component").count == 2)
    #expect(graph.entities(ofKind: "catalog.Component", named: "BETA").map(\.id.rawValue) == ["c:b"])
    #expect(graph.entities(ofKind: "catalog.Component", type: "website").map(\.name) == ["alpha"])
    #expect(graph.entities(ofKind: "catalog.System").isEmpty)
    #expect(graph.kinds == ["catalog.Component", "catalog.Group", "terraform.resource"])
  }

  @Test func edgesInBothDirectionsAndRelated() {
    let graph = sample()
    #expect(graph.related(EntityID("c:b"), "ownedBy").map(\.name) == ["team-a"])
    #expect(graph.edges(to: EntityID("g:a"), type: "ownedBy").map(\.from.rawValue) == ["c:b"])
    #expect(graph.edges(from: EntityID("c:a")).isEmpty)
  }

  @Test func danglingEdgesAndDuplicateIDsAreDiagnostics() {
    let codes = sample().diagnostics.map(\.code)
    #expect(codes.contains("graph.dangling-edge"))
    #expect(codes.contains("graph.duplicate-id"))
    let dangling = sample().diagnostics.first { $0.code == "graph.dangling-edge" }
    #expect(dangling?.location?.span.start.line == 7)
    #expect(dangling?.message.contains("g:missing") == true)
  }

  @Test func attributeIndexJoinsWithoutScanning() {
    let graph = sample()
    let byOwner = graph.index(kind: "catalog.Component", path: [.key("owner")])
    #expect(byOwner.lookup("team-a").map(\.id.rawValue) == ["c:b"])
    #expect(byOwner.lookup("nobody").isEmpty)
    let insensitive = graph.index(kind: "catalog.Component", path: [.key("owner")], caseInsensitive: true)
    #expect(insensitive.lookup("TEAM-B").map(\.name) == ["alpha"])
  }
}
