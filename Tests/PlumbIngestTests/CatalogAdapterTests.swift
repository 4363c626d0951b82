import Foundation
import PlumbDiagnostics
import PlumbGraph
import PlumbYAML
import TestSupport
import Testing

@testable import PlumbIngest

// MARK: - Where things are

private let packageRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let catalogCorpus = SharedData.corpus("catalog").path
private let acmeExamplesURL = SharedData.corpus("catalog/backstage__backstage/examples")
private let acmeExamples = acmeExamplesURL.path
private let platformFixture = packageRoot.appendingPathComponent("fixtures/platform").path

// MARK: - Helpers

private func id(_ ref: String) -> EntityID { EntityID("catalog:" + ref) }

/// The graph has the edge `from -type-> to` (refs without the `catalog:` prefix).
private func hasEdge(_ graph: DocumentGraph, _ from: String, _ type: String, _ to: String) -> Bool {
  graph.edges(from: id(from), type: type).contains { $0.to == id(to) }
}

/// `code@path:line:column` for the catalog's diagnostics (or those with `prefix`).
private func summary(_ graph: DocumentGraph, prefix: String = "catalog.") -> [String] {
  graph.diagnostics.filter { $0.code.hasPrefix(prefix) }.map(place)
}

private func place(_ diagnostic: Diagnostic) -> String {
  let where_ = diagnostic.location.map { "\($0.path):\($0.span.start.line):\($0.span.start.column)" } ?? "-"
  return "\(diagnostic.code)@\(where_)"
}

private func diagnostics(_ graph: DocumentGraph, _ code: String) -> [Diagnostic] {
  graph.diagnostics.filter { $0.code == code }
}

private func kindCounts(_ graph: DocumentGraph) -> [String: Int] {
  var counts: [String: Int] = [:]
  for kind in graph.kinds where kind.hasPrefix("catalog.") { counts[kind] = graph.entities(ofKind: kind).count }
  return counts
}

/// Writes `files` (relative path → text) under a fresh directory and returns its path.
private func scratch(_ files: [String: String]) throws -> String {
  let directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("plumb-catalog-\(UUID().uuidString)").path
  for (path, text) in files {
    let url = URL(fileURLWithPath: directory + "/" + path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
  }
  return directory
}

/// Ingests `files` written to a scratch directory: the whole directory, or only `entry` (relative
/// paths) with the directory as root.
private func ingest(_ files: [String: String], entry: [String]? = nil) throws -> IngestResult {
  let directory = try scratch(files)
  defer { try? FileManager.default.removeItem(atPath: directory) }
  if let entry {
    return Ingestor().ingest(paths: entry.map { directory + "/" + $0 }, root: directory)
  }
  return Ingestor().ingest(paths: [directory])
}

/// One entity document.
private func doc(_ kind: String, _ name: String, spec: String = "", metadata: String = "", apiVersion: String = "backstage.io/v1alpha1") -> String {
  var text = "apiVersion: \(apiVersion)\nkind: \(kind)\nmetadata:\n  name: \(name)\n"
  if !metadata.isEmpty { text += metadata.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n") + "\n" }
  if !spec.isEmpty { text += "spec:\n" + spec.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n" }
  return text
}

private func group(_ name: String, _ extra: String = "") -> String {
  doc("Group", name, spec: "type: team\nchildren: []" + (extra.isEmpty ? "" : "\n" + extra))
}

private func component(_ name: String, _ extra: String = "", owner: String = "team") -> String {
  doc("Component", name, spec: "type: service\nlifecycle: production\nowner: \(owner)" + (extra.isEmpty ? "" : "\n" + extra))
}

// MARK: - The Backstage example catalog (acme-corp)

@Suite(.requires(sharedData: acmeExamplesURL))
struct CatalogAdapterAcmeTests {
  static let directory = Ingestor().ingest(paths: [acmeExamples])
  static let fromAllYAML = Ingestor().ingest(paths: [acmeExamples + "/all.yaml"], root: acmeExamples)

  @Test func countsPerKindFromTheDirectory() {
    #expect(
      kindCounts(Self.directory.graph) == [
        "catalog.API": 10, "catalog.Component": 13, "catalog.Domain": 3, "catalog.Environment": 2,
        "catalog.Group": 9, "catalog.Location": 9, "catalog.Resource": 1, "catalog.System": 3, "catalog.User": 17,
      ])
  }

  @Test func everyFileIsReadOnceAndConsumed() {
    let files = Self.directory.files
    #expect(files.count == 50)
    let skipped = files.filter { $0.format != .backstageCatalog }.map(\.path)
    #expect(skipped == ["apis/petstore-webhook.oas.yaml"])  // a $text target, not a catalog file
    // Locations re-target files the directory walk already found: no duplicates of anything.
    #expect(diagnostics(Self.directory.graph, "catalog.duplicate-entity").isEmpty)
    #expect(diagnostics(Self.directory.graph, "graph.duplicate-id").isEmpty)
  }

  @Test func onlyTheKnownProblemsAreReported() {
    #expect(
      summary(Self.directory.graph) == [
        "catalog.missing-target@all-apis.yaml:16:7",
        "catalog.dangling-reference@components/playback-order-component.yaml:12:10",
        "catalog.unknown-kind@environments/dev.yaml:2:7",
        "catalog.unknown-kind@environments/prod.yaml:2:7",
      ])
    let missing = diagnostics(Self.directory.graph, "catalog.missing-target")
    #expect(missing.first?.severity == .error)
    #expect(
      missing.first?.message
        == "location target './apis/swapi-graphql.yaml' does not exist: no file at 'apis/swapi-graphql.yaml'")
    // `owner: guest` defaults to a Group; the guest is a User, so Backstage's relation dangles.
    #expect(
      diagnostics(Self.directory.graph, "catalog.dangling-reference").first?.message
        == "spec.owner refers to 'group:default/guest', which does not exist in the catalog")
    #expect(diagnostics(Self.directory.graph, "catalog.unknown-kind").first?.severity == .note)
  }

  @Test func entityShape() throws {
    let graph = Self.directory.graph
    let lookup = try #require(graph.entity(id("component:default/artist-lookup")))
    #expect(lookup.kind == "catalog.Component")
    #expect(lookup.type == "service")
    #expect(lookup.name == "artist-lookup")
    #expect(lookup.location.path == "components/artist-lookup-component.yaml")
    #expect(lookup.location.span.start.line == 1)
    #expect(lookup.attributes["ref"].string == "component:default/artist-lookup")
    #expect(lookup.attributes["namespace"].string == "default")
    #expect(lookup.attributes["metadata"]["tags"].elements.compactMap(\.string) == ["java", "data"])
    #expect(lookup.attributes["spec"]["owner"].string == "team-a")
    #expect(lookup.attributes["spec"]["owner"].location?.span.start.line == 37)
    #expect(lookup.attributes["apiVersion"].string == "backstage.io/v1alpha1")
    #expect(lookup.attributes.entries.map(\.key) == ["apiVersion", "kind", "metadata", "spec", "ref", "namespace"])

    let guest = try #require(graph.entity(id("user:development/guest")))
    #expect(guest.attributes["namespace"].string == "development")
    #expect(guest.attributes["namespace"].location?.span.start.line == 68)
    #expect(graph.entity(id("user:default/guest")) != nil)
    // Unknown kinds keep the casing written.
    #expect(graph.entity(id("environment:default/prod"))?.kind == "catalog.Environment")
    #expect(graph.entities(ofKind: "catalog.API", type: "grpc").map(\.name) == ["hello-world"])
  }

  @Test func relationsBackstageDerives() throws {
    let graph = Self.directory.graph
    // owner (default kind Group) both ways.
    #expect(hasEdge(graph, "component:default/artist-lookup", "ownedBy", "group:default/team-a"))
    #expect(hasEdge(graph, "group:default/team-a", "ownerOf", "component:default/artist-lookup"))
    #expect(hasEdge(graph, "domain:default/playback", "ownedBy", "user:default/frank.tiernan"))
    #expect(hasEdge(graph, "user:default/frank.tiernan", "ownerOf", "domain:default/playback"))
    // system, domain, subdomainOf, subcomponentOf: partOf / hasPart.
    #expect(hasEdge(graph, "component:default/artist-lookup", "partOf", "system:default/artist-engagement-portal"))
    #expect(hasEdge(graph, "system:default/artist-engagement-portal", "hasPart", "component:default/artist-lookup"))
    #expect(hasEdge(graph, "system:default/artist-engagement-portal", "partOf", "domain:default/artists"))
    #expect(hasEdge(graph, "domain:default/artists", "hasPart", "system:default/artist-engagement-portal"))
    #expect(hasEdge(graph, "domain:default/artists", "partOf", "domain:default/audio"))
    #expect(hasEdge(graph, "component:default/wayback-archive-storage", "partOf", "component:default/wayback-archive"))
    #expect(hasEdge(graph, "component:default/wayback-archive", "hasPart", "component:default/wayback-archive-ingestion"))
    // Group hierarchy: parent and children give the same pair once.
    #expect(hasEdge(graph, "group:default/team-a", "childOf", "group:default/backstage"))
    #expect(hasEdge(graph, "group:default/backstage", "parentOf", "group:default/team-a"))
    #expect(graph.edges(from: id("group:default/team-a"), type: "childOf").count == 1)
    #expect(hasEdge(graph, "group:default/infrastructure", "childOf", "group:default/acme-corp"))
    #expect(graph.related(id("group:default/boxoffice"), "parentOf").map(\.name).sorted() == ["team-c", "team-d", "team-e"])
    // Membership.
    #expect(hasEdge(graph, "user:default/breanna.davison", "memberOf", "group:default/team-a"))
    #expect(hasEdge(graph, "group:default/team-a", "hasMember", "user:default/breanna.davison"))
    #expect(hasEdge(graph, "user:development/guest", "memberOf", "group:default/team-a"))
    #expect(graph.edges(from: id("group:default/team-a"), type: "hasMember").count == 5)
    // APIs.
    #expect(hasEdge(graph, "component:default/petstore", "providesApi", "api:default/streetlights"))
    #expect(hasEdge(graph, "api:default/streetlights", "apiProvidedBy", "component:default/petstore"))
    #expect(hasEdge(graph, "component:default/wayback-search", "consumesApi", "api:default/wayback-archive"))
    #expect(hasEdge(graph, "api:default/wayback-archive", "apiConsumedBy", "component:default/wayback-search"))
    // dependsOn with an explicit kind.
    #expect(hasEdge(graph, "component:default/artist-lookup", "dependsOn", "resource:default/artists-db"))
    #expect(hasEdge(graph, "resource:default/artists-db", "dependencyOf", "component:default/artist-lookup"))
    // No relation to the dangling owner.
    #expect(graph.edges(from: id("component:default/playback-order"), type: "ownedBy").isEmpty)
    // Edges are located at the reference.
    let owned = try #require(graph.edges(from: id("component:default/artist-lookup"), type: "ownedBy").first)
    #expect(owned.location.map { "\($0.path):\($0.span.start.line):\($0.span.start.column)" } == "components/artist-lookup-component.yaml:37:10")
    // Every catalog edge has its inverse.
    let inverse = [
      "ownedBy": "ownerOf", "ownerOf": "ownedBy", "partOf": "hasPart", "hasPart": "partOf", "dependsOn": "dependencyOf",
      "dependencyOf": "dependsOn", "providesApi": "apiProvidedBy", "apiProvidedBy": "providesApi",
      "consumesApi": "apiConsumedBy", "apiConsumedBy": "consumesApi", "memberOf": "hasMember", "hasMember": "memberOf",
      "childOf": "parentOf", "parentOf": "childOf",
    ]
    let catalogEdges = graph.edges.filter { $0.from.rawValue.hasPrefix("catalog:") && $0.to.rawValue.hasPrefix("catalog:") }
    // 82 references, one dangling, 7 parent/children pairs written on both sides: 74 pairs.
    #expect(catalogEdges.count == 2 * 74)
    for edge in catalogEdges {
      let back = try #require(inverse[edge.type])
      #expect(graph.edges(from: edge.to, type: back).contains { $0.to == edge.from }, "\(edge.from) \(edge.type) \(edge.to)")
    }
  }

  @Test func startingFromAllYAMLFollowsTheLocations() {
    let result = Self.fromAllYAML
    let graph = result.graph
    #expect(
      kindCounts(graph) == [
        "catalog.API": 10, "catalog.Component": 13, "catalog.Domain": 3, "catalog.Location": 6,
        "catalog.Resource": 1, "catalog.System": 3,
      ])
    #expect(result.files.count == 36)
    #expect(result.files.allSatisfy { $0.format == .backstageCatalog })
    #expect(summary(graph).first == "catalog.missing-target@all-apis.yaml:16:7")
    // all.yaml does not reach the groups and users: every owner dangles, and nothing else.
    let dangling = diagnostics(graph, "catalog.dangling-reference")
    #expect(dangling.count == 30)
    #expect(dangling.allSatisfy { $0.message.hasPrefix("spec.owner refers to ") && $0.severity == .warning })
    #expect(summary(graph).count == 31)
    // The relations among what was reached are the same as from the directory.
    #expect(hasEdge(graph, "system:default/podcast", "partOf", "domain:default/playback"))
    #expect(hasEdge(graph, "component:default/artist-lookup", "dependsOn", "resource:default/artists-db"))
    #expect(graph.edges(from: id("component:default/artist-lookup"), type: "ownedBy").isEmpty)
    let acme = Self.directory.graph
    for entity in graph.entities {
      #expect(acme.entity(entity.id)?.location == entity.location)
    }
  }
}

// MARK: - Every other real catalog file

@Suite(.requires(sharedData: acmeExamplesURL))
struct CatalogAdapterCorpusTests {
  /// Files that are not catalog descriptors (an OpenAPI document, a `$openapi` target).
  static let notCatalogs: Set<String> = [
    "backstage__backstage/examples/apis/petstore-webhook.oas.yaml",
    "janus-idp__backstage-showcase/catalog-entities/apis/nexus-swagger.json",
  ]
  /// A cookiecutter skeleton whose `name: {{cookiecutter.name | jsonify}}` is a YAML mapping: no
  /// entity can be identified, and the catalog says so.
  static let unidentifiable = "backstage__software-templates/scaffolder-templates/docs-template-cookiecutter/skeleton/catalog-info.yaml"
  /// Scaffolder skeletons that are Nunjucks templates: not YAML until rendered.
  static let unrenderedSkeletons: Set<String> = [
    "backstage__software-templates/scaffolder-templates/create-react-app/skeleton/catalog-info.yaml",
    "backstage__software-templates/scaffolder-templates/react-ssr-template/skeleton/catalog-info.yaml",
    "backstage__software-templates/scaffolder-templates/springboot-grpc-template/skeleton/catalog-info.yaml",
  ]

  static func corpusFiles() -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: catalogCorpus)
    var paths: [String] = []
    while let path = enumerator?.nextObject() as? String {
      if path.hasSuffix(".yaml") || path.hasSuffix(".yml") || path.hasSuffix(".json") { paths.append(path) }
    }
    return paths.sorted()
  }

  @Test func theWholeCatalogFolder() {
    let result = Ingestor().ingest(paths: [catalogCorpus])
    let graph = result.graph
    #expect(
      kindCounts(graph) == [
        "catalog.API": 14, "catalog.AiResource": 6, "catalog.Component": 33, "catalog.Domain": 3,
        "catalog.Environment": 2, "catalog.Group": 12, "catalog.Location": 16, "catalog.Resource": 8,
        "catalog.System": 5, "catalog.Template": 16, "catalog.User": 17,
      ])
    // The three Nunjucks skeletons fail in the loader, positioned at their `{%- if` line.
    #expect(
      summary(graph, prefix: "yaml.") == Self.unrenderedSkeletons.sorted().map { "yaml.syntax@\($0):5:4" })
    let skipped = result.files.filter { $0.format == nil }.map(\.path)
    #expect(Set(skipped) == Self.notCatalogs.union(Self.unrenderedSkeletons))
    // No entity goes missing silently: every document of every catalog file is an entity or a
    // diagnostic, and templates' skeletons with `${{ values.name }}` names are flagged.
    #expect(
      diagnostics(graph, "catalog.field-format").map(place).contains(
        "catalog.field-format@backstage__software-templates/scaffolder-templates/docs-template/skeleton/catalog-info.yaml:4:9"))
    // Roadie's `./plugins/**/catalog-info.yaml` glob matches, `./utils/**` matches nothing.
    #expect(
      summary(graph).contains("catalog.missing-target@RoadieHQ__roadie-backstage-plugins/catalog-info.yaml:20:7"))
    // A `$openapi` placeholder is a valid definition.
    #expect(
      !summary(graph).contains { $0.hasPrefix("catalog.schema@janus-idp__backstage-showcase/catalog-entities/apis/") })
  }

  @Test func eachFileOnItsOwn() {
    for path in Self.corpusFiles() {
      let result = Ingestor().ingest(paths: [catalogCorpus + "/" + path], root: catalogCorpus)
      let own = result.files.first { $0.path == path }
      if Self.notCatalogs.contains(path) || Self.unrenderedSkeletons.contains(path) {
        #expect(own?.format == nil, "\(path)")
        continue
      }
      #expect(own?.format == .backstageCatalog, "\(path)")
      if path == Self.unidentifiable {
        let skipped = diagnostics(result.graph, "catalog.schema").first { $0.message == "/metadata/name must be string" }
        #expect(skipped.map(place) == "catalog.schema@\(path):4:9")
        #expect(skipped?.notes.map(\.message) == ["the document is skipped: an entity needs a kind and a name"])
        #expect(!result.graph.entities.contains { $0.location.path == path })
        continue
      }
      #expect(result.graph.entities.contains { $0.location.path == path }, "\(path) gave no entity")
      #expect(result.graph.diagnostics.allSatisfy { $0.location != nil }, "\(path): a diagnostic without a location")
    }
  }

  @Test func aGlobLocation() throws {
    let roadie = catalogCorpus + "/RoadieHQ__roadie-backstage-plugins"
    let result = Ingestor().ingest(paths: [roadie + "/catalog-info.yaml"], root: roadie)
    let components = result.graph.entities(ofKind: "catalog.Component").map(\.location.path)
    #expect(components.count == 7)
    #expect(components.filter { $0.hasPrefix("plugins/") && $0.hasSuffix("/catalog-info.yaml") }.count == 6)
    #expect(
      summary(result.graph).filter { !$0.hasPrefix("catalog.dangling-reference") } == [
        "catalog.missing-target@catalog-info.yaml:20:7"
      ])
    #expect(
      diagnostics(result.graph, "catalog.missing-target").first?.message
        == "location target './utils/**/catalog-info.yaml' matches no file")
  }

  @Test func janusLocationTree() {
    let root = catalogCorpus + "/janus-idp__backstage-showcase/catalog-entities"
    let result = Ingestor().ingest(paths: [root + "/all.yaml"], root: root)
    #expect(kindCounts(result.graph)["catalog.Location"] == 6)
    #expect(kindCounts(result.graph)["catalog.Group"] == 2)
    #expect(summary(result.graph, prefix: "catalog.schema").isEmpty)
  }
}

// MARK: - The project's fixture

@Suite struct CatalogAdapterFixtureTests {
  static let result = Ingestor().ingest(paths: [platformFixture])

  @Test func counts() {
    let counts = kindCounts(Self.result.graph)
    #expect(
      counts == [
        "catalog.API": 1, "catalog.Component": 3, "catalog.Group": 3, "catalog.Location": 1, "catalog.System": 1,
        "catalog.User": 1,
      ])
  }

  @Test func relations() {
    let graph = Self.result.graph
    #expect(hasEdge(graph, "component:default/storefront", "dependsOn", "component:default/payments-api"))
    #expect(hasEdge(graph, "component:default/payments-api", "dependencyOf", "component:default/storefront"))
    #expect(hasEdge(graph, "component:default/storefront", "consumesApi", "api:default/payments-api"))
    #expect(hasEdge(graph, "component:default/payments-api", "providesApi", "api:default/payments-api"))
    #expect(hasEdge(graph, "component:default/payments-api", "ownedBy", "group:default/payments"))
    #expect(hasEdge(graph, "component:default/payments-api", "partOf", "system:default/checkout"))
    #expect(hasEdge(graph, "system:default/checkout", "ownedBy", "group:default/payments"))
    // Declared on both sides, added once.
    #expect(graph.edges(from: id("user:default/ana.garcia"), type: "memberOf").count == 1)
    #expect(graph.edges(from: id("group:default/payments"), type: "hasMember").count == 1)
    #expect(graph.edges(from: id("group:default/payments"), type: "childOf").count == 1)
    #expect(graph.related(id("group:default/engineering"), "parentOf").map(\.name) == ["payments", "web"])
  }

  @Test func nightlyReportsOwnerDangles() throws {
    let catalog = Self.result.graph.diagnostics.filter { $0.code.hasPrefix("catalog.") }
    #expect(catalog.map(place) == ["catalog.dangling-reference@catalog/components.yaml:58:10"])
    let dangling = try #require(catalog.first)
    #expect(dangling.severity == .warning)
    #expect(dangling.message == "spec.owner refers to 'group:default/data-platform', which does not exist in the catalog")
    #expect(Self.result.graph.edges(from: id("component:default/nightly-report"), type: "ownedBy").isEmpty)
  }

  @Test func theLocationDoesNotReadItsTargetsTwice() {
    let catalogFiles = Self.result.files.filter { $0.format == .backstageCatalog }.map(\.path)
    #expect(catalogFiles == ["catalog-info.yaml", "catalog/components.yaml", "catalog/org.yaml"])
    #expect(diagnostics(Self.result.graph, "catalog.duplicate-entity").isEmpty)
  }
}

// MARK: - Unit tests on small catalogs

@Suite struct CatalogEntityRefTests {
  private func parse(_ text: String, kind: String? = "Group", namespace: String? = "default") -> String {
    switch CatalogEntityRef.parse(text, defaultKind: kind, defaultNamespace: namespace) {
    case .success(let ref): return "\(ref.kind)|\(ref.namespace)|\(ref.name)"
    case .failure(let error): return error.message
    }
  }

  @Test func parsesLikeBackstage() {
    #expect(parse("team-a") == "Group|default|team-a")
    #expect(parse("user:jdoe") == "user|default|jdoe")
    #expect(parse("Component:Prod/Foo") == "Component|Prod|Foo")
    #expect(parse("team-a", namespace: "development") == "Group|development|team-a")
    #expect(parse("default/team-a", namespace: "development") == "Group|default|team-a")
    // A `/` before the `:` makes the rest the name.
    #expect(parse("ns/a:b") == "Group|ns|a:b")
    #expect(parse("a:b:c") == "a|default|b:c")
    #expect(parse("k:ns/a/b") == "k|ns|a/b")
    // Empty default namespace falls back to `default`.
    #expect(parse("x", namespace: "") == "Group|default|x")
    #expect(parse("x", namespace: nil) == "Group|default|x")
  }

  @Test func errorsAreWordedLikeBackstage() {
    #expect(parse("") == "entity reference must not be empty")
    #expect(parse(":x") == "entity reference ':x' was not on the form [<kind>:][<namespace>/]<name>")
    #expect(parse("k:/x") == "entity reference 'k:/x' was not on the form [<kind>:][<namespace>/]<name>")
    #expect(parse("ns/") == "entity reference 'ns/' was not on the form [<kind>:][<namespace>/]<name>")
    #expect(parse("k:") == "entity reference 'k:' was not on the form [<kind>:][<namespace>/]<name>")
    #expect(
      parse("payments-db", kind: nil)
        == "entity reference 'payments-db' had missing or empty kind (e.g. did not start with 'component:' or similar)")
  }

  @Test func canonicalFormIsLowerCase() throws {
    let ref = try CatalogEntityRef.parse("Component:Prod/Foo", defaultKind: nil, defaultNamespace: nil).get()
    #expect(ref.canonical == "component:prod/foo")
    #expect(ref.entityID == EntityID("catalog:component:prod/foo"))
  }
}

@Suite struct CatalogFieldRuleTests {
  @Test func rulesAcceptAndReject() {
    let cases: [(CatalogFieldRule, String, Bool)] = [
      (.objectName, "artist-lookup", true), (.objectName, "ana.garcia", true), (.objectName, "a_b", true),
      (.objectName, "A", true), (.objectName, "Foo_", false), (.objectName, "-foo", false),
      (.objectName, String(repeating: "a", count: 63), true), (.objectName, String(repeating: "a", count: 64), false),
      (.objectName, "", false), (.objectName, "ä", false),
      (.namespace, "default", true), (.namespace, "team-a", true), (.namespace, "Prod", false),
      (.namespace, "a--b", false), (.namespace, "a_b", false),
      (.tag, "java", true), (.tag, "c++", true), (.tag, "c#", true), (.tag, "k8s:prod", true),
      (.tag, "Java", false), (.tag, "tier_gold", false), (.tag, "a--b", false), (.tag, "-a", false),
      (.labelKey, "example.com/custom", true), (.labelKey, "goVersion", true), (.labelKey, "a/b/c", false),
      (.labelKey, "Example.com/x", false), (.labelKey, "example.com/", false),
      (.labelValue, "", true), (.labelValue, "go1.15.3", true), (.labelValue, "custom_label_value", true),
      (.labelValue, "a b", false),
      (.annotationKey, "backstage.io/techdocs-ref", true), (.annotationKey, "jira/project-key", true),
      (.annotationKey, "github.com/project slug", false),
      (.apiVersion, "backstage.io/v1alpha1", true), (.apiVersion, "scaffolder.backstage.io/v1beta3", true),
      (.apiVersion, "v1", true), (.apiVersion, "backstage.io/v1/alpha", false), (.apiVersion, "backstage.io/v1.0", false),
      (.kind, "Component", true), (.kind, "AiResource", true), (.kind, "1Kind", false), (.kind, "My-Kind", false),
      (.url, "https://example.com/x", true), (.url, "http://www.acme.com/", true), (.url, "mailto:a@b.c", true),
      (.url, "example.com", false), (.url, "http://", false), (.url, "https://exa mple.com", false),
      (.nonEmptyString, "Website", true), (.nonEmptyString, "  ", false),
    ]
    for (rule, value, expected) in cases {
      #expect(rule.accepts(value) == expected, "\(rule) '\(value)'")
    }
  }

  @Test func formatErrorsAreWordedLikeBackstage() throws {
    let text = """
      apiVersion: backstage.io/v1/alpha
      kind: Component
      metadata:
        name: Foo_
        namespace: Prod
        labels:
          a/b/c: x
          tier: "gold tier"
        annotations:
          Example.com/x: y
        tags: [java, Java]
        links:
          - url: example.com
            title: "  "
            icon: bad icon
      spec:
        type: service
        lifecycle: production
        owner: team-a

      """
    let graph = try ingest(["c.yaml": text]).graph
    let format = diagnostics(graph, "catalog.field-format")
    #expect(
      format.map(place) == [
        "catalog.field-format@c.yaml:1:13", "catalog.field-format@c.yaml:4:9", "catalog.field-format@c.yaml:5:14",
        "catalog.field-format@c.yaml:7:5", "catalog.field-format@c.yaml:8:11", "catalog.field-format@c.yaml:10:5",
        "catalog.field-format@c.yaml:11:16", "catalog.field-format@c.yaml:13:12", "catalog.field-format@c.yaml:14:14",
        "catalog.field-format@c.yaml:15:13",
      ])
    #expect(
      format.map(\.message) == [
        "'apiVersion' is not valid; expected a valid prefix and/or suffix but found 'backstage.io/v1/alpha'",
        "'metadata.name' is not valid; expected a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total but found 'Foo_'",
        "'metadata.namespace' is not valid; expected a string that is sequences of [a-z0-9] separated by [-], at most 63 characters in total but found 'Prod'",
        "'labels.a/b/c' is not valid; expected a valid prefix and/or suffix but found 'a/b/c'",
        "'labels.tier' is not valid; expected a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total but found 'gold tier'",
        "'annotations.Example.com/x' is not valid; expected a valid prefix and/or suffix but found 'Example.com/x'",
        "'tags.1' is not valid; expected a string that is sequences of [a-z0-9+#] separated by [-], at most 63 characters in total but found 'Java'",
        "'links.0.url' is not valid; expected a string that is a valid url but found 'example.com'",
        "'links.0.title' is not valid; expected a non empty string but found '  '",
        "'links.0.icon' is not valid; expected a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total but found 'bad icon'",
      ])
    #expect(format.allSatisfy { $0.severity == .error })
    // Still an entity (it can be identified), with its id lower-cased.
    #expect(graph.entity(id("component:prod/foo_"))?.name == "Foo_")
  }
}

@Suite struct CatalogValidationTests {
  @Test func requiredSpecFieldsPerKind() throws {
    let text = [
      doc("Component", "c", spec: "type: service\nowner: team"),
      doc("API", "a", spec: "type: openapi\nlifecycle: production\nowner: team"),
      doc("API", "mcp", spec: "type: mcp-server\nlifecycle: production\nowner: team\nremotes:\n  - type: sse\n    url: http://x"),
      doc("Resource", "r", spec: "owner: team"),
      doc("System", "s", spec: "domain: d"),
      doc("Domain", "d", spec: "type: area"),
      doc("Group", "g", spec: "type: team"),
      doc("User", "u", spec: "profile: {email: u@example.com}"),
      doc("Location", "l", spec: "type: file"),
      doc("Template", "t", spec: "type: service\nsteps:\n  - id: fetch", apiVersion: "scaffolder.backstage.io/v1beta3"),
      doc("Component", "nospec"),
      group("team"),
    ].joined(separator: "---\n")
    let graph = try ingest(["all.yaml": text]).graph
    let schema = diagnostics(graph, "catalog.schema")
    #expect(
      schema.map { "\($0.location?.span.start.line ?? 0) \($0.message)" } == [
        "5 /spec must have required property 'lifecycle'",
        "13 /spec must have required property 'definition'",
        "34 /spec must have required property 'type'",
        "41 /spec must have required property 'owner'",
        "48 /spec must have required property 'owner'",
        "55 /spec must have required property 'children'",
        "62 /spec must have required property 'memberOf'",
        "79 /spec/steps/0 must have required property 'action'",
        "81 <root> must have required property 'spec'",
      ])
    // Invalid entities are still entities.
    #expect(graph.entities.filter { $0.kind.hasPrefix("catalog.") }.count == 12)
  }

  @Test func envelopeProblems() throws {
    let text = """
      apiVersion: backstage.io/v1alpha1
      kind: Component
      metadata:
        description: no name
      spec: {type: service, lifecycle: production, owner: team}
      ---
      apiVersion: backstage.io/v1alpha1
      metadata:
        name: no-kind
      ---
      apiVersion: backstage.io/v1alpha1
      kind: component
      metadata:
        name: lower
      spec: {type: service, lifecycle: production, owner: team}
      relations: []
      ---
      apiVersion: backstage.io/v2
      kind: Group
      metadata:
        name: team
        uid: 1234
      spec: {type: team, children: []}
      ---
      just a string
      ---
      - a
      ---
      # only a comment
      ---
      kind: Widget
      metadata:
        name: w
        tags: not-a-list

      """
    let graph = try ingest(["e.yaml": text]).graph
    #expect(
      summary(graph) == [
        "catalog.schema@e.yaml:3:1", "catalog.schema@e.yaml:7:1", "catalog.kind-casing@e.yaml:12:7",
        "catalog.invalid-reference-target@e.yaml:15:53", "catalog.unknown-field@e.yaml:16:1", "catalog.api-version@e.yaml:18:13", "catalog.generated-field@e.yaml:22:3",
        "catalog.not-an-entity@e.yaml:25:1", "catalog.not-an-entity@e.yaml:27:1", "catalog.empty-document@e.yaml:28:1",
        "catalog.schema@e.yaml:31:1", "catalog.unknown-kind@e.yaml:31:7", "catalog.schema@e.yaml:34:9",
      ])
    let messages = graph.diagnostics.filter { $0.code.hasPrefix("catalog.") }.map(\.message)
    #expect(
      messages == [
        "/metadata must have required property 'name'",
        "<root> must have required property 'kind'",
        "kind 'component' is not recognized: the catalog matches kinds case-sensitively; write 'Component'",
        "spec.owner refers to 'group:default/team', which is not a valid entity (no processor recognized the entity as valid, possibly caused by a foreign kind or apiVersion: kind 'Group' takes apiVersion 'backstage.io/v1alpha1' or 'backstage.io/v1beta1', not 'backstage.io/v2'): the catalog would reject it, so the reference does not resolve",
        "unknown field 'relations'",
        "no processor recognized the entity as valid, possibly caused by a foreign kind or apiVersion: kind 'Group' takes apiVersion 'backstage.io/v1alpha1' or 'backstage.io/v1beta1', not 'backstage.io/v2'",
        "metadata.uid is generated by the catalog and must not be written in a descriptor file",
        "expected object at root, got string",
        "expected object at root, got array",
        "empty document is ignored",
        "<root> must have required property 'apiVersion'",
        "kind 'Widget' is not a core catalog kind; only its envelope is checked and it has no relations",
        "/metadata/tags must be array",
      ])
    let skippedNote = "the document is skipped: an entity needs a kind and a name"
    #expect(diagnostics(graph, "catalog.schema").filter { $0.notes.map(\.message) == [skippedNote] }.count == 2)
    // The nameless and kindless documents are not entities; the rest are, with canonical kinds.
    #expect(
      graph.entities.map(\.id.rawValue) == [
        "catalog:component:default/lower", "catalog:group:default/team", "catalog:widget:default/w",
      ])
    #expect(graph.entity(id("component:default/lower"))?.kind == "catalog.Component")
    #expect(graph.entity(id("widget:default/w"))?.kind == "catalog.Widget")
    #expect(diagnostics(graph, "catalog.empty-document").first?.severity == .note)
  }

  @Test func referencesWithoutADefaultKind() throws {
    let text = [
      component("storefront", "dependsOn:\n  - payments-db\n  - resource:payments-db\n  - ':bad'\nsystem: 42"),
      doc("Resource", "payments-db", spec: "type: database\nowner: team"),
      group("team"),
    ].joined(separator: "---\n")
    let graph = try ingest(["r.yaml": text]).graph
    #expect(
      summary(graph) == [
        "catalog.invalid-reference@r.yaml:10:7", "catalog.invalid-reference@r.yaml:12:7", "catalog.schema@r.yaml:13:11",
      ])
    let invalid = diagnostics(graph, "catalog.invalid-reference")
    #expect(
      invalid.map(\.message) == [
        "spec.dependsOn[0]: entity reference 'payments-db' had missing or empty kind (e.g. did not start with 'component:' or similar)",
        "spec.dependsOn[2]: entity reference ':bad' was not on the form [<kind>:][<namespace>/]<name>",
      ])
    #expect(
      invalid.first?.notes.map(\.message) == [
        "spec.dependsOn has no default kind: write the kind, e.g. 'component:payments-db' or 'resource:payments-db'"
      ])
    #expect(diagnostics(graph, "catalog.schema").first?.message == "/spec/system must be string")
    #expect(graph.related(id("component:default/storefront"), "dependsOn").map(\.name) == ["payments-db"])
  }

  @Test func unexpectedTargetKinds() throws {
    let text = [
      component("a", "system: component:b\nprovidesApis: [group:team]", owner: "component:b"),
      component("b"),
      group("team"),
    ].joined(separator: "---\n")
    let graph = try ingest(["k.yaml": text]).graph
    #expect(
      diagnostics(graph, "catalog.unexpected-kind").map(\.message) == [
        "spec.owner refers to 'component:default/b', which is not a Group or a User",
        "spec.system refers to 'component:default/b', which is not a System",
        "spec.providesApis[0] refers to 'group:default/team', which is not an API",
      ])
    // Backstage still emits the relations.
    #expect(hasEdge(graph, "component:default/a", "ownedBy", "component:default/b"))
  }
}

@Suite struct CatalogGraphCheckTests {
  @Test func groupParentCycleIsReportedOnce() throws {
    let text = [
      // a's parent is b, b's parent is c, and a lists c as its child.
      doc("Group", "a", spec: "type: team\nparent: b\nchildren: [c]"),
      group("b", "parent: c"),
      group("c"),
      group("self", "parent: self"),
    ].joined(separator: "---\n")
    let graph = try ingest(["g.yaml": text]).graph
    let cycles = diagnostics(graph, "catalog.parent-cycle")
    #expect(
      cycles.map(\.message) == [
        "group hierarchy cycle: 'group:default/a' → 'group:default/b' → 'group:default/c' → 'group:default/a' (each is a child of the next)",
        "group hierarchy cycle: 'group:default/self' → 'group:default/self' (each is a child of the next)",
      ])
    #expect(cycles.map(place) == ["catalog.parent-cycle@g.yaml:7:11", "catalog.parent-cycle@g.yaml:34:11"])
    #expect(cycles.allSatisfy { $0.severity == .warning })
    #expect(graph.edges(from: id("group:default/a"), type: "childOf").count == 1)
    #expect(hasEdge(graph, "group:default/c", "childOf", "group:default/a"))
    #expect(hasEdge(graph, "group:default/a", "parentOf", "group:default/c"))
  }

  @Test func partOfAndOwnershipCycles() throws {
    let text = [
      component("x", "subcomponentOf: y"),
      component("y", "subcomponentOf: z"),
      component("z", "subcomponentOf: x"),
      doc("Domain", "d1", spec: "owner: team\nsubdomainOf: d2"),
      doc("Domain", "d2", spec: "owner: team\nsubdomainOf: d1"),
      component("p", owner: "component:q"),
      component("q", owner: "component:p"),
      group("team"),
    ].joined(separator: "---\n")
    let graph = try ingest(["p.yaml": text]).graph
    #expect(
      diagnostics(graph, "catalog.parent-cycle").map(\.message) == [
        "partOf cycle: 'component:default/x' → 'component:default/y' → 'component:default/z' → 'component:default/x' (each is part of the next)",
        "partOf cycle: 'domain:default/d1' → 'domain:default/d2' → 'domain:default/d1' (each is part of the next)",
      ])
    #expect(
      diagnostics(graph, "catalog.ownership-cycle").map(\.message) == [
        "ownership cycle: 'component:default/p' → 'component:default/q' → 'component:default/p' (each is owned by the next)"
      ])
    #expect(diagnostics(graph, "catalog.ownership-cycle").map(place) == ["catalog.ownership-cycle@p.yaml:54:10"])
  }

  @Test func duplicatesAreCaseInsensitiveAndNotedAtTheFirst() throws {
    let graph = try ingest([
      "a.yaml": component("Payments") + "---\n" + group("team"),
      "b.yaml": component("payments", owner: "nobody"),
    ]).graph
    let duplicates = diagnostics(graph, "catalog.duplicate-entity")
    #expect(duplicates.map(place) == ["catalog.duplicate-entity@b.yaml:1:1"])
    #expect(duplicates.first?.message == "entity 'component:default/payments' is defined more than once; the first definition is kept")
    #expect(duplicates.first?.notes.map(\.message) == ["first defined here"])
    #expect(duplicates.first?.notes.first?.location.map { "\($0.path):\($0.span.start.line)" } == "a.yaml:1")
    #expect(graph.entities(ofKind: "catalog.Component").map(\.name) == ["Payments"])
    // The dropped duplicate's references are dropped with it.
    #expect(diagnostics(graph, "catalog.dangling-reference").isEmpty)
    #expect(hasEdge(graph, "component:default/payments", "ownedBy", "group:default/team"))
  }

  /// An owner or parent the catalog would reject (issue 16, item 5) does not resolve: the
  /// reference is reported like a dangling one, with why, and no relation is derived.
  @Test(arguments: [
    ("wrong apiVersion", "team", doc("Group", "team", spec: "type: team\nchildren: []", apiVersion: "backstage.io/v2")),
    ("kind cased wrongly", "team", doc("group", "team", spec: "type: team\nchildren: []")),
    ("invalid name", "team!", doc("Group", "team!", spec: "type: team\nchildren: []")),
    ("name too long", String(repeating: "t", count: 64), doc("Group", String(repeating: "t", count: 64), spec: "type: team\nchildren: []")),
    ("invalid label key", "team", doc("Group", "team", spec: "type: team\nchildren: []", metadata: "labels: {'bad key!': v}")),
    ("missing spec field", "team", doc("Group", "team", spec: "children: []")),
    ("a kind no core processor accepts", "team:team", doc("Team", "team", spec: "type: team")),
  ])
  func aTargetTheCatalogWouldRejectDoesNotResolve(spelling: String, owner: String, target: String) throws {
    let graph = try ingest(["c.yaml": component("payments", owner: owner) + "---\n" + target]).graph
    let problems = diagnostics(graph, "catalog.invalid-reference-target")
    #expect(problems.count == 1, "\(spelling): \(summary(graph))")
    #expect(problems.first?.message.hasPrefix("spec.owner refers to '") == true, "\(spelling)")
    #expect(problems.first?.message.contains("which is not a valid entity (") == true, "\(spelling)")
    #expect(problems.first?.notes.map(\.message) == ["defined here"], "\(spelling)")
    #expect(graph.edges(from: id("component:default/payments"), type: "ownedBy").isEmpty, "\(spelling)")
    #expect(diagnostics(graph, "catalog.dangling-reference").isEmpty, "\(spelling)")
  }

  @Test func aValidTargetStillResolves() throws {
    let graph = try ingest(["c.yaml": component("payments", owner: "team") + "---\n" + group("team")]).graph
    #expect(hasEdge(graph, "component:default/payments", "ownedBy", "group:default/team"))
    #expect(diagnostics(graph, "catalog.invalid-reference-target").isEmpty)
  }

  @Test func namespacesComeFromTheReferringEntity() throws {
    let graph = try ingest([
      "n.yaml": [
        doc("Component", "svc", spec: "type: service\nlifecycle: production\nowner: team\nsystem: default/shop", metadata: "namespace: payments"),
        doc("Group", "team", spec: "type: team\nchildren: []", metadata: "namespace: payments"),
        doc("System", "shop", spec: "owner: payments/team"),
      ].joined(separator: "---\n")
    ]).graph
    #expect(hasEdge(graph, "component:payments/svc", "ownedBy", "group:payments/team"))
    #expect(hasEdge(graph, "component:payments/svc", "partOf", "system:default/shop"))
    #expect(hasEdge(graph, "system:default/shop", "ownedBy", "group:payments/team"))
    #expect(summary(graph).isEmpty)
  }
}

@Suite struct CatalogLocationTests {
  @Test func targetsAreFollowedOnceFromTheEntryFile() throws {
    let result = try ingest(
      [
        "catalog-info.yaml": doc("Location", "root", spec: "targets:\n  - ./teams/*.yaml\n  - ./services/**/component.yaml\n  - ./teams/a.yaml"),
        "teams/a.yaml": group("a"),
        "teams/b.yaml": group("b"),
        "teams/.hidden.yaml": group("hidden"),
        "services/one/component.yaml": component("one", owner: "a"),
        "services/deep/er/component.yaml": component("two", owner: "b"),
        "services/other.yaml": component("other"),
      ], entry: ["catalog-info.yaml"])
    let graph = result.graph
    #expect(graph.entities.map(\.name) == ["one", "two", "a", "b", "root"])
    #expect(summary(graph).isEmpty)
    #expect(result.files.map(\.path) == [
      "catalog-info.yaml", "services/deep/er/component.yaml", "services/one/component.yaml", "teams/a.yaml", "teams/b.yaml",
    ])
  }

  @Test func aTargetOutsideTheRootIsNotRead() throws {
    let outer = try scratch([
      "root/catalog-info.yaml": doc("Location", "root", spec: "targets: [../outside.yaml, ./link.yaml, /etc/hostname]"),
      "outside.yaml": group("outsider"),
    ])
    defer { try? FileManager.default.removeItem(atPath: outer) }
    try FileManager.default.createSymbolicLink(atPath: outer + "/root/link.yaml", withDestinationPath: outer + "/outside.yaml")
    let root = outer + "/root"
    let result = Ingestor().ingest(paths: [root + "/catalog-info.yaml"], root: root)
    #expect(
      summary(result.graph) == [
        "catalog.target-outside-root@catalog-info.yaml:6:13", "catalog.target-outside-root@catalog-info.yaml:6:30",
        "catalog.target-outside-root@catalog-info.yaml:6:43",
      ])
    #expect(
      diagnostics(result.graph, "catalog.target-outside-root").first?.message
        == "location target '../outside.yaml' resolves outside the ingest root; it is not read")
    #expect(result.graph.entity(id("group:default/outsider")) == nil)
    #expect(result.files.map(\.path) == ["catalog-info.yaml"])
  }

  @Test func aLoopIsReportedOnceAndNotFollowedAgain() throws {
    let files = [
      "a.yaml": doc("Location", "a", spec: "target: ./b.yaml") + "---\n" + group("ga"),
      "b.yaml": doc("Location", "b", spec: "targets: [./c.yaml]") + "---\n" + group("gb"),
      "c.yaml": doc("Location", "c", spec: "targets: [./a.yaml, ./c.yaml]"),
    ]
    for entry in [["a.yaml"], nil] {
      let result = try ingest(files, entry: entry)
      let loops = diagnostics(result.graph, "catalog.location-loop")
      #expect(
        loops.map(\.message) == [
          "location targets form a loop: 'a.yaml' → 'b.yaml' → 'c.yaml' → 'a.yaml'; each file is read once",
          "location targets form a loop: 'c.yaml' → 'c.yaml'; each file is read once",
        ])
      #expect(loops.map(place) == ["catalog.location-loop@a.yaml:6:11", "catalog.location-loop@c.yaml:6:23"])
      #expect(result.graph.entities.count == 5)
      #expect(diagnostics(result.graph, "catalog.duplicate-entity").isEmpty)
    }
  }

  @Test func otherTargets() throws {
    let result = try ingest(
      [
        "catalog-info.yaml": [
          doc("Location", "remote", spec: "type: url\ntargets:\n  - https://github.com/acme/x/blob/main/catalog-info.yaml\n  - ./relative.yaml"),
          doc("Location", "discovery", spec: "type: github-discovery\ntarget: https://github.com/acme"),
          doc("Location", "optional", spec: "presence: optional\ntarget: ./maybe.yaml"),
          doc("Location", "folder", spec: "target: ./dir"),
        ].joined(separator: "---\n"),
        "relative.yaml": "# not recognised as anything on its own\nname: value\n",
        "dir/x.txt": "x",
      ], entry: ["catalog-info.yaml"])
    #expect(
      summary(result.graph) == [
        "catalog.remote-target@catalog-info.yaml:8:7", "catalog.unsupported-location-type@catalog-info.yaml:16:9",
        "catalog.missing-target@catalog-info.yaml:25:11", "catalog.invalid-target@catalog-info.yaml:32:11",
        "catalog.unknown-field@relative.yaml:2:1", "catalog.schema@relative.yaml:2:1",
        "catalog.schema@relative.yaml:2:1", "catalog.schema@relative.yaml:2:1",
      ])
    #expect(diagnostics(result.graph, "catalog.missing-target").first?.severity == .note)
    // A file a Location targets is a catalog file, whatever its content.
    #expect(result.files.first { $0.path == "relative.yaml" }?.format == .backstageCatalog)
  }
}

// MARK: - Scale

@Suite struct CatalogScaleTests {
  @Test func tenThousandEntities() throws {
    var text = ""
    for team in 0..<100 { text += "---\n" + group("team-\(team)", "parent: team-\((team + 1) % 100)") }
    for index in 0..<9_900 {
      text += "---\n" + component(
        "svc-\(index)", "system: sys\ndependsOn: [component:svc-\((index + 1) % 9_900)]\nprovidesApis: [api-\(index)]",
        owner: "team-\(index % 100)")
    }
    let graph = try ingest(["big.yaml": text]).graph
    #expect(graph.entities.count == 10_000)
    #expect(diagnostics(graph, "catalog.dangling-reference").count == 2 * 9_900)
    #expect(diagnostics(graph, "catalog.parent-cycle").count == 1)  // team-0 → team-1 → … → team-99 → team-0
  }
}
