/// The core catalog kinds as data: accepted `apiVersion`s, the shape of `spec` (from the kind
/// schemas in `packages/catalog-model/src/schema/kinds`), and the reference fields with the
/// relations `BuiltinKindsEntityProcessor` emits for them.
struct CatalogKindModel: Sendable {
  /// The kind's canonical spelling (`Component`, `API`, …).
  let name: String
  /// The `apiVersion` values the kind's schema accepts.
  let apiVersions: [String]
  /// The `spec` fields the schema types, in schema order.
  let fields: [SpecField]
  /// The reference fields, in the order the processor reads them.
  let references: [ReferenceField]

  /// One typed `spec` field.
  struct SpecField: Sendable {
    let name: String
    let type: FieldType
    let required: Bool
  }

  /// The JSON-schema types the kind schemas use for `spec` fields.
  enum FieldType: Sendable {
    /// `type: string, minLength: 1`.
    case string
    /// `type: array, items: {type: string, minLength: 1}`.
    case stringArray
    /// `type: object` whose listed members are `string, minLength: 1`.
    case object(stringMembers: [String])
    /// `Template.spec.steps`: an array of objects that each require a string `action`.
    case steps
    /// `Template.spec.parameters`: an object or an array of objects.
    case objectOrObjectArray
    /// `API.spec.remotes` (MCP and AI model server APIs): at least one `{type, url}` object.
    case remotes
    /// `Location.spec.presence`: `required` or `optional`.
    case presence
  }

  /// A reference field and the pair of relations it produces.
  struct ReferenceField: Sendable {
    /// The `spec` key.
    let name: String
    /// Whether the field holds a list of references.
    let isList: Bool
    /// The kind a reference without `kind:` gets; nil when the field has none.
    let defaultKind: String?
    /// The relation from the referring entity to the target.
    let forward: String
    /// The relation from the target back to the referring entity.
    let reverse: String
    /// The target kinds (lower-cased) the field is meant for; nil for any.
    let expectedKinds: [String]?
  }
}

/// The relation names of `packages/catalog-model/src/kinds/relations.ts`.
public enum CatalogRelation {
  public static let ownedBy = "ownedBy"
  public static let ownerOf = "ownerOf"
  public static let partOf = "partOf"
  public static let hasPart = "hasPart"
  public static let dependsOn = "dependsOn"
  public static let dependencyOf = "dependencyOf"
  public static let providesApi = "providesApi"
  public static let apiProvidedBy = "apiProvidedBy"
  public static let consumesApi = "consumesApi"
  public static let apiConsumedBy = "apiConsumedBy"
  public static let memberOf = "memberOf"
  public static let hasMember = "hasMember"
  public static let childOf = "childOf"
  public static let parentOf = "parentOf"
}

enum CatalogKinds {
  static let coreVersions = ["backstage.io/v1alpha1", "backstage.io/v1beta1"]
  static let templateVersions = ["scaffolder.backstage.io/v1beta3", "backstage.io/v1beta3", "backstage.io/v1beta2"]

  typealias Field = CatalogKindModel.SpecField
  typealias Ref = CatalogKindModel.ReferenceField

  static let profileMembers = ["displayName", "email", "picture"]

  static func owner() -> Ref {
    Ref(name: "owner", isList: false, defaultKind: "Group", forward: CatalogRelation.ownedBy,
        reverse: CatalogRelation.ownerOf, expectedKinds: ["group", "user"])
  }
  static func system() -> Ref {
    Ref(name: "system", isList: false, defaultKind: "System", forward: CatalogRelation.partOf,
        reverse: CatalogRelation.hasPart, expectedKinds: ["system"])
  }
  static func dependsOn() -> Ref {
    Ref(name: "dependsOn", isList: true, defaultKind: nil, forward: CatalogRelation.dependsOn,
        reverse: CatalogRelation.dependencyOf, expectedKinds: nil)
  }
  static func dependencyOf() -> Ref {
    Ref(name: "dependencyOf", isList: true, defaultKind: nil, forward: CatalogRelation.dependencyOf,
        reverse: CatalogRelation.dependsOn, expectedKinds: nil)
  }

  static let component = CatalogKindModel(
    name: "Component", apiVersions: coreVersions,
    fields: [
      Field(name: "type", type: .string, required: true),
      Field(name: "lifecycle", type: .string, required: true),
      Field(name: "owner", type: .string, required: true),
      Field(name: "system", type: .string, required: false),
      Field(name: "subcomponentOf", type: .string, required: false),
      Field(name: "providesApis", type: .stringArray, required: false),
      Field(name: "consumesApis", type: .stringArray, required: false),
      Field(name: "dependsOn", type: .stringArray, required: false),
      Field(name: "dependencyOf", type: .stringArray, required: false),
    ],
    references: [
      owner(),
      Ref(name: "subcomponentOf", isList: false, defaultKind: "Component", forward: CatalogRelation.partOf,
          reverse: CatalogRelation.hasPart, expectedKinds: ["component"]),
      Ref(name: "providesApis", isList: true, defaultKind: "API", forward: CatalogRelation.providesApi,
          reverse: CatalogRelation.apiProvidedBy, expectedKinds: ["api"]),
      Ref(name: "consumesApis", isList: true, defaultKind: "API", forward: CatalogRelation.consumesApi,
          reverse: CatalogRelation.apiConsumedBy, expectedKinds: ["api"]),
      dependsOn(),
      dependencyOf(),
      system(),
    ])

  static let api = CatalogKindModel(
    name: "API", apiVersions: coreVersions,
    fields: [
      Field(name: "type", type: .string, required: true),
      Field(name: "lifecycle", type: .string, required: true),
      Field(name: "owner", type: .string, required: true),
      Field(name: "system", type: .string, required: false),
      Field(name: "definition", type: .string, required: true),
    ],
    references: [owner(), system()])

  /// `API.v1alpha1.mcp-server` and `API.v1alpha1.ai-model-server`: `remotes` instead of a definition.
  static let remoteAPITypes: Set<String> = ["mcp-server", "ai-model-server"]
  static let remoteAPI = CatalogKindModel(
    name: "API", apiVersions: coreVersions,
    fields: [
      Field(name: "type", type: .string, required: true),
      Field(name: "lifecycle", type: .string, required: true),
      Field(name: "owner", type: .string, required: true),
      Field(name: "system", type: .string, required: false),
      Field(name: "remotes", type: .remotes, required: true),
    ],
    references: [owner(), system()])

  static let resource = CatalogKindModel(
    name: "Resource", apiVersions: coreVersions,
    fields: [
      Field(name: "type", type: .string, required: true),
      Field(name: "owner", type: .string, required: true),
      Field(name: "dependsOn", type: .stringArray, required: false),
      Field(name: "dependencyOf", type: .stringArray, required: false),
      Field(name: "system", type: .string, required: false),
    ],
    references: [owner(), dependsOn(), dependencyOf(), system()])

  static let systemKind = CatalogKindModel(
    name: "System", apiVersions: coreVersions,
    fields: [
      Field(name: "owner", type: .string, required: true),
      Field(name: "domain", type: .string, required: false),
      Field(name: "type", type: .string, required: false),
    ],
    references: [
      owner(),
      Ref(name: "domain", isList: false, defaultKind: "Domain", forward: CatalogRelation.partOf,
          reverse: CatalogRelation.hasPart, expectedKinds: ["domain"]),
    ])

  static let domain = CatalogKindModel(
    name: "Domain", apiVersions: coreVersions,
    fields: [
      Field(name: "owner", type: .string, required: true),
      Field(name: "subdomainOf", type: .string, required: false),
      Field(name: "type", type: .string, required: false),
    ],
    references: [
      owner(),
      Ref(name: "subdomainOf", isList: false, defaultKind: "Domain", forward: CatalogRelation.partOf,
          reverse: CatalogRelation.hasPart, expectedKinds: ["domain"]),
    ])

  static let group = CatalogKindModel(
    name: "Group", apiVersions: coreVersions,
    fields: [
      Field(name: "type", type: .string, required: true),
      Field(name: "profile", type: .object(stringMembers: profileMembers), required: false),
      Field(name: "parent", type: .string, required: false),
      Field(name: "children", type: .stringArray, required: true),
      Field(name: "members", type: .stringArray, required: false),
    ],
    references: [
      Ref(name: "parent", isList: false, defaultKind: "Group", forward: CatalogRelation.childOf,
          reverse: CatalogRelation.parentOf, expectedKinds: ["group"]),
      Ref(name: "children", isList: true, defaultKind: "Group", forward: CatalogRelation.parentOf,
          reverse: CatalogRelation.childOf, expectedKinds: ["group"]),
      Ref(name: "members", isList: true, defaultKind: "User", forward: CatalogRelation.hasMember,
          reverse: CatalogRelation.memberOf, expectedKinds: ["user"]),
    ])

  static let user = CatalogKindModel(
    name: "User", apiVersions: coreVersions,
    fields: [
      Field(
        name: "profile",
        type: .object(stringMembers: profileMembers + [
          "pronouns", "jobTitle", "startDateISO", "manager", "timezoneISO", "location", "directMessageURL",
        ]),
        required: false),
      // The TypeScript type made `memberOf` optional (backstage#10205), but the JSON schema the
      // catalog validates with still requires it ("must be present, but may be empty").
      Field(name: "memberOf", type: .stringArray, required: true),
    ],
    references: [
      Ref(name: "memberOf", isList: true, defaultKind: "Group", forward: CatalogRelation.memberOf,
          reverse: CatalogRelation.hasMember, expectedKinds: ["group"])
    ])

  static let location = CatalogKindModel(
    name: "Location", apiVersions: coreVersions,
    fields: [
      Field(name: "type", type: .string, required: false),
      Field(name: "target", type: .string, required: false),
      Field(name: "targets", type: .stringArray, required: false),
      Field(name: "presence", type: .presence, required: false),
    ],
    references: [])

  static let template = CatalogKindModel(
    name: "Template", apiVersions: templateVersions,
    fields: [
      Field(name: "type", type: .string, required: true),
      Field(name: "parameters", type: .objectOrObjectArray, required: false),
      Field(name: "steps", type: .steps, required: true),
      Field(name: "owner", type: .string, required: false),
    ],
    references: [owner()])

  /// The core kinds by lower-cased name.
  static let byLowercasedName: [String: CatalogKindModel] = {
    var map: [String: CatalogKindModel] = [:]
    for model in [component, api, resource, systemKind, domain, group, user, location, template] {
      map[model.name.lowercased()] = model
    }
    return map
  }()
}
