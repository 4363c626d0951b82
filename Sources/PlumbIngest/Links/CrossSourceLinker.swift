import PlumbDiagnostics
import PlumbGraph

/// Links entities across sources once every adapter has run:
///
/// - a Terraform resource to the catalog entity its component tag names (`belongsTo`, inverse
///   `hasResource`) and to the Group or User its owner tag names (`ownedBy`, inverse `ownerOf`);
///   an untagged companion resource (`companionOf`: a bucket's policy, a table's replica) gets the
///   links of the resource it belongs to, at the place that names that resource;
/// - a GitHub workflow or action, or a GitLab pipeline, to the catalog Component of the repository
///   it lives in (`belongsTo`, inverse `hasPipeline`).
///
/// A link that does not resolve is a diagnostic, never silent.
struct CrossSourceLinker {
  func link(context: inout IngestContext) {
    let entities = context.graph.allEntities
    let catalog = CatalogDirectory(entities.filter { $0.kind.hasPrefix(EntityKinds.catalogPrefix) })
    linkTerraform(entities, catalog, &context)
    linkPipelines(entities, catalog, &context)
  }

  // MARK: Terraform tags

  private func linkTerraform(_ entities: [Entity], _ catalog: CatalogDirectory, _ context: inout IngestContext) {
    let resources = entities.filter { $0.kind == EntityKinds.terraformResource }
    var taggedWithoutCatalog = 0
    /// The links made from each resource's own tags, for its companions.
    var linksByResource: [EntityID: [(edge: String, inverse: String, target: EntityID)]] = [:]
    let links = [
      (context.options.componentTagKeys.map { $0.lowercased() }, ["Component", "Resource", "System", "API"], "belongsTo", "hasResource"),
      (context.options.ownerTagKeys.map { $0.lowercased() }, ["Group", "User"], "ownedBy", "ownerOf"),
    ]
    for resource in resources {
      let tags = resource.attributes["tags"]
      if tags.isUnknown {
        context.graph.diagnose(
          Diagnostic(
            code: "link.tags-unknown", severity: .note,
            message: "cannot link '\(resource.name)' to the catalog: its tags are unknown until apply",
            location: resource.location))
        continue
      }
      let entries = tags.entries
      guard !entries.isEmpty else { continue }
      let loweredKeys = entries.map { $0.key.lowercased() }
      for (keys, defaultKinds, edge, inverse) in links {
        guard let (key, value) = firstTag(entries, loweredKeys, keys) else { continue }
        guard let text = value.string else {
          if value.isUnknown {
            context.graph.diagnose(
              Diagnostic(
                code: "link.tag-unknown", severity: .note,
                message: "tag '\(key)' of '\(resource.name)' is unknown until apply; not linked",
                location: resource.location))
          }
          continue
        }
        if catalog.isEmpty {
          taggedWithoutCatalog += 1
          continue
        }
        let location = value.location ?? resource.location
        if let target = catalog.resolve(text, defaultKinds: defaultKinds) {
          context.graph.connect(resource.id, edge, target.id, at: location)
          context.graph.connect(target.id, inverse, resource.id, at: location)
          linksByResource[resource.id, default: []].append((edge, inverse, target.id))
        } else {
          context.graph.diagnose(
            Diagnostic(
              code: "link.unresolved-tag", severity: .warning,
              message:
                "tag '\(key)' = '\(text)' on '\(resource.name)' names no \(defaultKinds.joined(separator: ", ")) in the catalog",
              location: location))
        }
      }
    }
    inheritCompanionLinks(resources, linksByResource, &context)
    if taggedWithoutCatalog > 0 {
      context.graph.diagnose(
        Diagnostic(
          code: "link.no-catalog", severity: .warning,
          message: "\(taggedWithoutCatalog) Terraform tag link(s) could not be resolved: no Backstage catalog was ingested",
          location: nil))
    }
  }

  /// Gives every companion resource (the plan reader's `companionOf` edges) the component and
  /// owner links of the resource it belongs to, following companions of companions a few steps
  /// (a bucket policy's bucket is itself tagged; a chain longer than 8 is not followed).
  private func inheritCompanionLinks(
    _ resources: [Entity], _ links: [EntityID: [(edge: String, inverse: String, target: EntityID)]],
    _ context: inout IngestContext
  ) {
    var parents: [EntityID: Edge] = [:]
    for edge in context.graph.edges(ofType: "companionOf") where parents[edge.from] == nil { parents[edge.from] = edge }
    guard !parents.isEmpty else { return }
    for resource in resources where links[resource.id] == nil {
      guard let first = parents[resource.id] else { continue }
      var current = first.to
      var inherited = links[current]
      var steps = 0
      while inherited == nil, steps < 8, let next = parents[current] {
        current = next.to
        inherited = links[current]
        steps += 1
      }
      for link in inherited ?? [] {
        context.graph.connect(resource.id, link.edge, link.target, at: first.location)
        context.graph.connect(link.target, link.inverse, resource.id, at: first.location)
      }
    }
  }

  /// The first entry whose key equals one of `keys` (lower-cased), case-insensitively, in the
  /// order of `keys`; `loweredKeys` are the entries' keys lower-cased.
  private func firstTag(
    _ entries: [(key: String, value: Value)], _ loweredKeys: [String], _ keys: [String]
  ) -> (String, Value)? {
    for wanted in keys {
      if let position = loweredKeys.firstIndex(of: wanted) {
        return (entries[position].key, entries[position].value)
      }
    }
    return nil
  }

  // MARK: Pipelines

  private func linkPipelines(_ entities: [Entity], _ catalog: CatalogDirectory, _ context: inout IngestContext) {
    let pipelines = entities.filter {
      $0.kind == EntityKinds.githubWorkflow || $0.kind == EntityKinds.githubAction || $0.kind == EntityKinds.gitlabPipeline
    }
    guard !pipelines.isEmpty else { return }
    if catalog.components.isEmpty {
      context.graph.diagnose(
        Diagnostic(
          code: "link.no-catalog", severity: .warning,
          message: "\(pipelines.count) pipeline file(s) cannot be linked to a component: no catalog Component was ingested",
          location: nil))
      return
    }
    let byRepository = context.options.repository.map { catalog.components(ofRepository: $0) } ?? []
    for pipeline in pipelines {
      let owners = byRepository.isEmpty ? catalog.components(near: pipeline.location.path) : byRepository
      if owners.isEmpty {
        context.graph.diagnose(
          Diagnostic(
            code: "link.pipeline-unowned", severity: .warning,
            message:
              "'\(pipeline.location.path)' belongs to no catalog Component (none is registered in its repository or a parent directory)",
            location: pipeline.location))
        continue
      }
      for component in owners {
        context.graph.connect(pipeline.id, "belongsTo", component.id)
        context.graph.connect(component.id, "hasPipeline", pipeline.id)
      }
    }
  }
}

/// The catalog entities, indexed for linking.
struct CatalogDirectory {
  let entities: [Entity]
  private let byName: [String: [Entity]]
  /// The Components, in entity order.
  let components: [Entity]
  /// The Components by the directory of the file that defines them, in entity order.
  private let componentsByDirectory: [String: [Entity]]

  init(_ entities: [Entity]) {
    self.entities = entities
    var byName: [String: [Entity]] = [:]
    for entity in entities { byName[entity.name.lowercased(), default: []].append(entity) }
    self.byName = byName
    let componentKind = EntityKinds.catalog("Component")
    components = entities.filter { $0.kind == componentKind }
    var byDirectory: [String: [Entity]] = [:]
    for component in components { byDirectory[Self.parent(of: component.location.path), default: []].append(component) }
    componentsByDirectory = byDirectory
  }

  var isEmpty: Bool { entities.isEmpty }

  /// Resolves `[kind:][namespace/]name`; without a kind, the first of `defaultKinds` that has it.
  func resolve(_ reference: String, defaultKinds: [String]) -> Entity? {
    var rest = Substring(reference.trimmingSpaces())
    var kind: String?
    if let colon = rest.firstIndex(of: ":") {
      kind = String(rest[..<colon]).lowercased()
      rest = rest[rest.index(after: colon)...]
    }
    var namespace = "default"
    if let slash = rest.firstIndex(of: "/") {
      namespace = String(rest[..<slash]).lowercased()
      rest = rest[rest.index(after: slash)...]
    }
    let candidates = (byName[rest.lowercased()] ?? []).filter {
      ($0.attributes["namespace"].string ?? "default").lowercased() == namespace
    }
    let kinds = kind.map { [$0] } ?? defaultKinds.map { $0.lowercased() }
    for wanted in kinds {
      if let match = candidates.first(where: { $0.kind.dropFirst(EntityKinds.catalogPrefix.count).lowercased() == wanted }) {
        return match
      }
    }
    return nil
  }

  /// Components whose project-slug or source location names `repository` (`owner/name` or URL).
  func components(ofRepository repository: String) -> [Entity] {
    let wanted = Self.slug(repository)
    return components.filter { component in
      let annotations = component.attributes["metadata"]["annotations"]
      for key in ["github.com/project-slug", "gitlab.com/project-slug"] {
        if let slug = annotations[key].string, slug.lowercased() == wanted { return true }
      }
      for key in ["backstage.io/source-location", "backstage.io/managed-by-location"] {
        if let location = annotations[key].string, Self.slug(location).hasPrefix(wanted) { return true }
      }
      return false
    }
  }

  /// Components defined in catalog files in the nearest directory at or above `path`.
  func components(near path: String) -> [Entity] {
    var directory = Self.parent(of: path)
    while true {
      if let here = componentsByDirectory[directory], !here.isEmpty { return here }
      if directory.isEmpty { return [] }
      directory = Self.parent(of: directory)
    }
  }

  static func parent(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    return String(path[..<slash])
  }

  /// `owner/name` from `owner/name`, `https://github.com/owner/name/tree/main/x`, `url:…`, `….git`.
  static func slug(_ text: String) -> String {
    var rest = text.lowercased()
    if rest.hasPrefix("url:") { rest.removeFirst(4) }
    if let scheme = rest.range(of: "://") {
      rest = String(rest[scheme.upperBound...])
      if let slash = rest.firstIndex(of: "/") { rest = String(rest[rest.index(after: slash)...]) }
    }
    let parts = rest.split(separator: "/", omittingEmptySubsequences: true).prefix(2).map(String.init)
    var slug = parts.joined(separator: "/")
    if slug.hasSuffix(".git") { slug.removeLast(4) }
    return slug
  }
}

extension String {
  fileprivate func trimmingSpaces() -> String {
    var result = Substring(self)
    while result.first == " " { result.removeFirst() }
    while result.last == " " { result.removeLast() }
    return String(result)
  }
}
