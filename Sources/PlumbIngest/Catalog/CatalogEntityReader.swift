import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// A reference from one entity's `spec` to another entity, parsed but not yet resolved.
struct CatalogPendingReference: Sendable {
  /// Where it was written, e.g. `spec.owner` or `spec.providesApis[1]`.
  let field: String
  /// The target, with the field's defaults applied.
  let target: CatalogEntityRef
  /// The relation from the referring entity to the target.
  let forward: String
  /// The relation from the target back.
  let reverse: String
  /// The reference's node.
  let location: SourceLocation
}

/// What a Location entity asks to read.
struct CatalogLocationRequest: Sendable {
  /// `spec.type`, if written as a string.
  let type: String?
  /// `spec.type`'s node.
  let typeNode: YAMLNode?
  /// Whether `spec.presence` is `optional`.
  let optional: Bool
  /// The `spec.target` and `spec.targets[]` string nodes, in order.
  let targets: [(node: YAMLNode, text: String)]
}

/// A relation the catalog server computed and served with an entity (`relations[]` of an entity
/// read from the catalog API): `{type, targetRef}`.
struct CatalogServedRelation: Sendable {
  /// The relation, e.g. `ownedBy`, `partOf`, or one a custom processor emits.
  let type: String
  /// The entity it points at.
  let target: CatalogEntityRef
  /// The relation's node.
  let location: SourceLocation
}

/// One document read as an entity.
struct CatalogReadEntity {
  let entity: Entity
  /// The entity's own reference (canonical kind casing, effective namespace, name as written).
  let ref: CatalogEntityRef
  /// The canonical kind (`Component`) or, for kinds Plumb does not know, the kind as written.
  let kind: String
  let references: [CatalogPendingReference]
  let locationRequest: CatalogLocationRequest?
  /// The relations the server sent with a served entity (empty for a descriptor file).
  var servedRelations: [CatalogServedRelation] = []
  /// Why the catalog would reject the entity (its first error, or a kind no core processor
  /// accepts), nil when it is valid. Rules still see an invalid entity, but references to it do
  /// not resolve: the catalog would not hold it.
  var invalidReason: String?
}

/// Validates one YAML document the way the catalog does (envelope, field formats, kind schema,
/// entity references) and turns it into an ``Entity`` with its pending references.
///
/// Problems are collected in ``diagnostics``; an entity is returned whenever it can be identified
/// (it has a kind and a name), invalid or not, so rules still see it.
struct CatalogEntityReader {
  private(set) var diagnostics: [Diagnostic] = []

  static let rootFields: Set<String> = ["apiVersion", "kind", "metadata", "spec"]
  static let generatedMetadataFields = ["uid", "etag", "generation"]
  /// What the catalog server adds to an entity it serves (`GET /entities`): computed relations
  /// and processing status at the root, and `metadata.uid`, `etag` and `generation`.
  static let servedRootFields: Set<String> = ["relations", "status"]

  /// Whether the entities read are served by the catalog API (an export or a snapshot) rather
  /// than written in descriptor files: the server's own fields are expected, not errors, and
  /// Location entities are not followed (their targets are already among the served entities).
  var served = false

  // MARK: Diagnostics

  private mutating func report(
    _ code: String, _ severity: DiagnosticSeverity, _ message: String, at node: YAMLNode,
    notes: [Diagnostic.Note] = []
  ) {
    diagnostics.append(
      Diagnostic(code: "catalog." + code, severity: severity, message: message, location: node.location, notes: notes))
  }

  private mutating func schemaError(_ message: String, at node: YAMLNode, notes: [Diagnostic.Note] = []) {
    report("schema", .error, message, at: node, notes: notes)
  }

  private mutating func formatError(field: String, rule: CatalogFieldRule, value: String, at node: YAMLNode) {
    report("field-format", .error, CatalogFieldRule.message(field: field, rule: rule, value: value), at: node)
  }

  /// A JSON pointer segment: `~` → `~0`, `/` → `~1`.
  static func pointer(_ key: String) -> String {
    guard key.contains("~") || key.contains("/") else { return key }
    return key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
  }

  static func keyText(_ node: YAMLNode) -> String { node.string ?? node.rawText }

  /// The JSON type name AJV and `typeof` would give the node.
  static func jsonType(_ node: YAMLNode) -> String {
    switch node.kind {
    case .mapping: return "object"
    case .sequence: return "array"
    case .scalar:
      switch node.scalarType ?? .string {
      case .null: return "null"
      case .bool: return "boolean"
      case .int, .float: return "number"
      case .string: return "string"
      }
    }
  }

  /// Whether `node` is a substitution placeholder, a mapping with one `$`-key (`$text`, `$json`,
  /// `$yaml`, or a module's own such as `$openapi`), which the catalog replaces before validating.
  static func isPlaceholder(_ node: YAMLNode) -> Bool {
    guard node.kind == .mapping, node.count == 1, let key = node.pairs.first?.key.string else { return false }
    return key.hasPrefix("$") && key.count > 1
  }

  /// Adds `notes` to the diagnostic reported for an identifying field since `count`, or reports
  /// the field as not a string when nothing was (a placeholder cannot name an entity).
  private mutating func unidentified(_ path: String, _ node: YAMLNode, reportedSince count: Int, notes: [Diagnostic.Note]) {
    if diagnostics.count > count {
      diagnostics[diagnostics.count - 1].notes += notes
    } else {
      schemaError("\(path) must be string", at: node, notes: notes)
    }
  }

  // MARK: Typed checks (AJV's messages)

  /// Checks a `type: string, minLength: 1` value; returns the string when it is one.
  private mutating func string(_ node: YAMLNode, _ path: String, minLength: Bool = true) -> String? {
    if Self.isPlaceholder(node) { return nil }
    guard node.kind == .scalar, node.scalarType == .string, let text = node.string else {
      schemaError("\(path) must be string", at: node)
      return nil
    }
    if minLength && text.isEmpty {
      schemaError("\(path) must NOT have fewer than 1 characters", at: node)
      return nil
    }
    return text
  }

  /// Checks a `type: array` of `string, minLength: 1`; returns the elements that are strings.
  private mutating func stringArray(_ node: YAMLNode, _ path: String) -> [(node: YAMLNode, text: String)] {
    guard node.kind == .sequence else {
      schemaError("\(path) must be array", at: node)
      return []
    }
    var result: [(node: YAMLNode, text: String)] = []
    for (index, element) in node.elements.enumerated() {
      if let text = string(element, "\(path)/\(index)") { result.append((element, text)) }
    }
    return result
  }

  private mutating func object(_ node: YAMLNode, _ path: String) -> Bool {
    guard node.kind == .mapping else {
      schemaError("\(path) must be object", at: node)
      return false
    }
    return true
  }

  // MARK: Reading

  /// Reads one document; nil when it is not an entity or cannot be identified.
  mutating func read(_ document: YAMLDocument) -> CatalogReadEntity? {
    read(document.root, start: document.span.start)
  }

  /// Reads one entity node (a document's root, or an element of an export's items); `start` is
  /// where an empty one is reported.
  mutating func read(_ root: YAMLNode, start: SourcePosition) -> CatalogReadEntity? {
    switch root.kind {
    case .scalar where root.isNull:
      diagnostics.append(
        Diagnostic(
          code: "catalog.empty-document", severity: .note, message: "empty document is ignored",
          location: SourceLocation(path: root.tree.source.path, span: SourceSpan(start: start, end: start))))
      return nil
    case .scalar, .sequence:
      report("not-an-entity", .error, "expected object at root, got \(Self.jsonType(root))", at: root)
      return nil
    case .mapping:
      break
    }
    let problemsBefore = diagnostics.count

    // Root fields.
    var apiVersionPair: YAMLPair?
    var kindPair: YAMLPair?
    var metadataPair: YAMLPair?
    var specPair: YAMLPair?
    var relationsNode: YAMLNode?
    for pair in root.pairs {
      let key = pair.key
      if served, key.scalarEquals("relations") {
        relationsNode = pair.value
      } else if served, key.scalarEquals("status") {
        continue
      } else if key.scalarEquals("apiVersion") {
        apiVersionPair = pair
      } else if key.scalarEquals("kind") {
        kindPair = pair
      } else if key.scalarEquals("metadata") {
        metadataPair = pair
      } else if key.scalarEquals("spec") {
        specPair = pair
      } else {
        report("unknown-field", .error, "unknown field '\(Self.keyText(key))'", at: key)
      }
    }

    let skipped = [Diagnostic.Note(message: "the document is skipped: an entity needs a kind and a name", location: nil)]

    // apiVersion.
    var apiVersion: String?
    if let pair = apiVersionPair {
      apiVersion = string(pair.value, "/apiVersion")
      if let value = apiVersion, !CatalogFieldRule.apiVersion.accepts(value) {
        formatError(field: "apiVersion", rule: .apiVersion, value: value, at: pair.value)
      }
    } else {
      schemaError("<root> must have required property 'apiVersion'", at: root)
    }

    // kind: identifies the entity, so a non-string scalar still counts (reported).
    var kindText: String?
    if let pair = kindPair {
      let node = pair.value
      let before = diagnostics.count
      if let value = string(node, "/kind") {
        kindText = value
        if !CatalogFieldRule.kind.accepts(value) { formatError(field: "kind", rule: .kind, value: value, at: node) }
      } else if node.kind == .scalar, !node.isNull, let text = node.string, !text.isEmpty {
        kindText = text
      } else {
        unidentified("/kind", node, reportedSince: before, notes: skipped)
      }
    } else {
      schemaError("<root> must have required property 'kind'", at: root, notes: skipped)
    }

    // metadata and its name.
    var metadata: YAMLNode?
    var nameText: String?
    if let pair = metadataPair {
      if object(pair.value, "/metadata") { metadata = pair.value }
    } else {
      schemaError("<root> must have required property 'metadata'", at: root, notes: skipped)
    }
    if let metadata, let metadataKey = metadataPair?.key {
      if let node = metadata["name"] {
        let before = diagnostics.count
        if let value = string(node, "/metadata/name") {
          nameText = value
          if !CatalogFieldRule.objectName.accepts(value) {
            formatError(field: "metadata.name", rule: .objectName, value: value, at: node)
          }
        } else if node.kind == .scalar, !node.isNull, let text = node.string, !text.isEmpty {
          nameText = text
        } else {
          unidentified("/metadata/name", node, reportedSince: before, notes: skipped)
        }
      } else {
        schemaError("/metadata must have required property 'name'", at: metadataKey, notes: skipped)
      }
    }

    var namespace = "default"
    var namespaceNode: YAMLNode?
    if let metadata {
      namespaceNode = readMetadata(metadata)
      if let node = namespaceNode, node.kind == .scalar, !node.isNull, let text = node.string, !text.isEmpty {
        namespace = text
      }
    }

    guard let kindText, let nameText else { return nil }

    // The kind model.
    let model = CatalogKinds.byLowercasedName[kindText.lowercased()]
    let kind = model?.name ?? kindText
    if let model, let kindNode = kindPair?.value {
      if kindText != model.name {
        report(
          "kind-casing", .error,
          "kind '\(kindText)' is not recognized: the catalog matches kinds case-sensitively; write '\(model.name)'",
          at: kindNode)
      }
      if let apiVersion, let node = apiVersionPair?.value, !model.apiVersions.contains(apiVersion) {
        let accepted = model.apiVersions.map { "'\($0)'" }.joined(separator: " or ")
        report(
          "api-version", .error,
          "no processor recognized the entity as valid, possibly caused by a foreign kind or apiVersion: "
            + "kind '\(model.name)' takes apiVersion \(accepted), not '\(apiVersion)'",
          at: node)
      }
    } else if model == nil, let kindNode = kindPair?.value {
      report(
        "unknown-kind", .note,
        "kind '\(kindText)' is not a core catalog kind; only its envelope is checked and it has no relations",
        at: kindNode)
    }

    // spec.
    var spec: YAMLNode?
    if let pair = specPair {
      if object(pair.value, "/spec") { spec = pair.value }
    } else if model != nil {
      schemaError("<root> must have required property 'spec'", at: root)
    }

    var references: [CatalogPendingReference] = []
    var locationRequest: CatalogLocationRequest?
    var type: String?
    if let spec, let specKey = specPair?.key {
      if let typeNode = spec["type"], typeNode.kind == .scalar, typeNode.scalarType == .string {
        type = typeNode.string
      }
      if var model {
        if model.name == "API", let type, CatalogKinds.remoteAPITypes.contains(type) { model = CatalogKinds.remoteAPI }
        checkSpec(spec, key: specKey, model: model)
        references = readReferences(spec, model: model, namespace: namespace)
        if model.name == "Location" && !served { locationRequest = readLocation(spec) }
      }
    }

    // The entity.
    let ref = CatalogEntityRef(kind: kind, namespace: namespace, name: nameText)
    let rootLocation = root.location
    var attributes = ValueMap()
    for pair in root.pairs { attributes[Self.keyText(pair.key)] = .yaml(pair.value) }
    attributes["ref"] = .located(.string(ref.canonical), rootLocation)
    attributes["namespace"] = .located(.string(namespace), namespaceNode?.location ?? rootLocation)
    let entity = Entity(
      id: ref.entityID, kind: EntityKinds.catalog(kind), type: type, name: nameText, location: rootLocation,
      attributes: .map(attributes))
    var read = CatalogReadEntity(entity: entity, ref: ref, kind: kind, references: references, locationRequest: locationRequest)
    if let relationsNode { read.servedRelations = readServedRelations(relationsNode) }
    if let error = diagnostics[problemsBefore...].first(where: { $0.severity == .error }) {
      read.invalidReason = error.message
    } else if model == nil && !served {
      // A served entity of another kind was accepted by the server's own processors.
      read.invalidReason = "kind '\(kindText)' is not a core catalog kind"
    }
    return read
  }

  /// `relations: [{type, targetRef}]` (or the older `target: {kind, namespace, name}`), as the
  /// catalog API serves them. What cannot be read is left out: the server computed these, and
  /// Plumb derives the standard ones from `spec` itself.
  private mutating func readServedRelations(_ node: YAMLNode) -> [CatalogServedRelation] {
    guard node.kind == .sequence else {
      schemaError("/relations must be array", at: node)
      return []
    }
    var relations: [CatalogServedRelation] = []
    for element in node.elements where element.kind == .mapping {
      guard let type = element["type"]?.string, !type.isEmpty else { continue }
      var target: CatalogEntityRef?
      if let text = element["targetRef"]?.string,
        case .success(let ref) = CatalogEntityRef.parse(text, defaultKind: nil, defaultNamespace: nil)
      {
        target = ref
      } else if let old = element["target"], let kind = old["kind"]?.string, let name = old["name"]?.string,
        !kind.isEmpty, !name.isEmpty
      {
        target = CatalogEntityRef(kind: kind, namespace: old["namespace"]?.string ?? "default", name: name)
      }
      if let target { relations.append(CatalogServedRelation(type: type, target: target, location: element.location)) }
    }
    return relations
  }

  // MARK: metadata

  /// Checks the metadata fields other than `name`; returns the `namespace` node, if any.
  private mutating func readMetadata(_ metadata: YAMLNode) -> YAMLNode? {
    var namespaceNode: YAMLNode?
    for pair in metadata.pairs {
      let key = pair.key
      let value = pair.value
      if key.scalarEquals("namespace") {
        namespaceNode = value
        if let text = string(value, "/metadata/namespace"), !CatalogFieldRule.namespace.accepts(text) {
          formatError(field: "metadata.namespace", rule: .namespace, value: text, at: value)
        }
      } else if key.scalarEquals("description") {
        _ = string(value, "/metadata/description", minLength: false)
      } else if key.scalarEquals("labels") {
        readStringMap(value, path: "/metadata/labels", field: "labels", keyRule: .labelKey, valueRule: .labelValue)
      } else if key.scalarEquals("annotations") {
        readStringMap(value, path: "/metadata/annotations", field: "annotations", keyRule: .annotationKey, valueRule: nil)
      } else if key.scalarEquals("tags") {
        guard value.kind == .sequence else {
          schemaError("/metadata/tags must be array", at: value)
          continue
        }
        for (index, tag) in value.elements.enumerated() {
          if let text = string(tag, "/metadata/tags/\(index)"), !CatalogFieldRule.tag.accepts(text) {
            formatError(field: "tags.\(index)", rule: .tag, value: text, at: tag)
          }
        }
      } else if key.scalarEquals("links") {
        readLinks(value)
      } else if let name = Self.generatedMetadataFields.first(where: { key.scalarEquals($0) }), !served {
        report(
          "generated-field", .warning,
          "metadata.\(name) is generated by the catalog and must not be written in a descriptor file", at: key)
      }
    }
    return namespaceNode
  }

  private mutating func readStringMap(
    _ node: YAMLNode, path: String, field: String, keyRule: CatalogFieldRule, valueRule: CatalogFieldRule?
  ) {
    guard object(node, path) else { return }
    for pair in node.pairs {
      let key = Self.keyText(pair.key)
      if !keyRule.accepts(key) { formatError(field: "\(field).\(key)", rule: keyRule, value: key, at: pair.key) }
      guard pair.value.kind == .scalar, pair.value.scalarType == .string, let text = pair.value.string else {
        schemaError("\(path)/\(Self.pointer(key)) must be string", at: pair.value)
        continue
      }
      if let valueRule, !valueRule.accepts(text) {
        formatError(field: "\(field).\(key)", rule: valueRule, value: text, at: pair.value)
      }
    }
  }

  private mutating func readLinks(_ node: YAMLNode) {
    guard node.kind == .sequence else {
      schemaError("/metadata/links must be array", at: node)
      return
    }
    for (index, link) in node.elements.enumerated() {
      let path = "/metadata/links/\(index)"
      guard object(link, path) else { continue }
      if let url = link["url"] {
        if let text = string(url, "\(path)/url"), !CatalogFieldRule.url.accepts(text) {
          formatError(field: "links.\(index).url", rule: .url, value: text, at: url)
        }
      } else {
        schemaError("\(path) must have required property 'url'", at: link)
      }
      if let title = link["title"], let text = string(title, "\(path)/title"),
        !CatalogFieldRule.nonEmptyString.accepts(text)
      {
        formatError(field: "links.\(index).title", rule: .nonEmptyString, value: text, at: title)
      }
      if let icon = link["icon"], let text = string(icon, "\(path)/icon"), !CatalogFieldRule.objectName.accepts(text) {
        formatError(field: "links.\(index).icon", rule: .objectName, value: text, at: icon)
      }
      if let type = link["type"] { _ = string(type, "\(path)/type") }
    }
  }

  // MARK: spec

  private mutating func checkSpec(_ spec: YAMLNode, key: YAMLNode, model: CatalogKindModel) {
    for field in model.fields {
      guard let value = spec[field.name] else {
        if field.required { schemaError("/spec must have required property '\(field.name)'", at: key) }
        continue
      }
      let path = "/spec/\(field.name)"
      switch field.type {
      case .string:
        _ = string(value, path)
      case .stringArray:
        _ = stringArray(value, path)
      case .object(let members):
        guard object(value, path) else { continue }
        for member in members {
          if let node = value[member] { _ = string(node, "\(path)/\(member)") }
        }
      case .steps:
        guard value.kind == .sequence else {
          schemaError("\(path) must be array", at: value)
          continue
        }
        for (index, step) in value.elements.enumerated() {
          let stepPath = "\(path)/\(index)"
          guard object(step, stepPath) else { continue }
          if let action = step["action"] {
            _ = string(action, "\(stepPath)/action", minLength: false)
          } else {
            schemaError("\(stepPath) must have required property 'action'", at: step)
          }
        }
      case .objectOrObjectArray:
        let valid =
          value.kind == .mapping || Self.isPlaceholder(value)
          || (value.kind == .sequence && value.elements.allSatisfy { $0.kind == .mapping })
        if !valid { schemaError("\(path) must match exactly one schema in oneOf", at: value) }
      case .remotes:
        guard value.kind == .sequence else {
          schemaError("\(path) must be array", at: value)
          continue
        }
        if value.count == 0 { schemaError("\(path) must NOT have fewer than 1 items", at: value) }
        for (index, remote) in value.elements.enumerated() {
          let remotePath = "\(path)/\(index)"
          guard object(remote, remotePath) else { continue }
          for member in ["type", "url"] {
            if let node = remote[member] {
              _ = string(node, "\(remotePath)/\(member)")
            } else {
              schemaError("\(remotePath) must have required property '\(member)'", at: remote)
            }
          }
        }
      case .presence:
        if let text = string(value, path), text != "required" && text != "optional" {
          schemaError("\(path) must be equal to one of the allowed values ('required', 'optional')", at: value)
        }
      }
    }
  }

  // MARK: References

  private mutating func readReferences(
    _ spec: YAMLNode, model: CatalogKindModel, namespace: String
  ) -> [CatalogPendingReference] {
    var result: [CatalogPendingReference] = []
    for field in model.references {
      guard let value = spec[field.name] else { continue }
      if field.isList {
        guard value.kind == .sequence else { continue }  // reported by the schema check
        for (index, element) in value.elements.enumerated() {
          guard element.kind == .scalar, element.scalarType == .string, let text = element.string, !text.isEmpty
          else { continue }
          let path = "spec.\(field.name)[\(index)]"
          if let reference = reference(text, node: element, field: field, path: path, namespace: namespace) {
            result.append(reference)
          }
        }
      } else {
        guard value.kind == .scalar, value.scalarType == .string, let text = value.string, !text.isEmpty else { continue }
        if let reference = reference(text, node: value, field: field, path: "spec.\(field.name)", namespace: namespace) {
          result.append(reference)
        }
      }
    }
    return result
  }

  private mutating func reference(
    _ text: String, node: YAMLNode, field: CatalogKindModel.ReferenceField, path: String, namespace: String
  ) -> CatalogPendingReference? {
    switch CatalogEntityRef.parse(text, defaultKind: field.defaultKind, defaultNamespace: namespace) {
    case .failure(let error):
      var notes: [Diagnostic.Note] = []
      if field.defaultKind == nil, case .missingKind = error {
        notes.append(
          Diagnostic.Note(
            message: "spec.\(field.name) has no default kind: write the kind, e.g. 'component:\(text)' or 'resource:\(text)'",
            location: nil))
      }
      report("invalid-reference", .error, "\(path): \(error.message)", at: node, notes: notes)
      return nil
    case .success(let target):
      if let expected = field.expectedKinds, !expected.contains(target.kind.lowercased()) {
        let wanted = expected.map { kind -> String in
          let name = CatalogKinds.byLowercasedName[kind]?.name ?? kind
          return ("AEIO".contains(name.prefix(1)) ? "an " : "a ") + name
        }.joined(separator: " or ")
        report(
          "unexpected-kind", .warning,
          "\(path) refers to '\(target.canonical)', which is not \(wanted)", at: node)
      }
      return CatalogPendingReference(
        field: path, target: target, forward: field.forward, reverse: field.reverse, location: node.location)
    }
  }

  // MARK: Location

  private func readLocation(_ spec: YAMLNode) -> CatalogLocationRequest {
    let typeNode = spec["type"]
    let type = typeNode.flatMap { $0.kind == .scalar && $0.scalarType == .string ? $0.string : nil }
    let optional = spec["presence"]?.scalarEquals("optional") ?? false
    var targets: [(node: YAMLNode, text: String)] = []
    if let target = spec["target"], target.kind == .scalar, target.scalarType == .string, let text = target.string,
      !text.isEmpty
    {
      targets.append((target, text))
    }
    if let list = spec["targets"], list.kind == .sequence {
      for element in list.elements {
        if element.kind == .scalar, element.scalarType == .string, let text = element.string, !text.isEmpty {
          targets.append((element, text))
        }
      }
    }
    return CatalogLocationRequest(type: type, typeNode: typeNode, optional: optional, targets: targets)
  }
}
