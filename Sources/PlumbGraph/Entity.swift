import PlumbDiagnostics

/// A stable identifier: the same input gives the same id on every run, on every machine.
///
/// Ids are built from what identifies the thing in its own world, never from file order:
/// `catalog:component:default/payments-api`, `terraform:infra/plan.json#module.logs.aws_s3_bucket.this["a"]`,
/// `github:.github/workflows/ci.yml#jobs.build.steps[2]`, `gitlab:.gitlab-ci.yml#deploy`.
public struct EntityID: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
  /// The id's text.
  public let rawValue: String

  /// Creates an id from its text.
  public init(_ rawValue: String) {
    self.rawValue = rawValue
  }

  public static func < (lhs: EntityID, rhs: EntityID) -> Bool { lhs.rawValue < rhs.rawValue }
  public var description: String { rawValue }
}

/// The well-known entity kinds. Kinds are strings so users and adapters can add more.
public enum EntityKinds {
  /// Prefix of catalog kinds: `catalog.Component`, `catalog.Group`, …
  public static let catalogPrefix = "catalog."
  public static let terraformResource = "terraform.resource"
  public static let terraformDataSource = "terraform.data"
  public static let terraformModule = "terraform.module"
  public static let terraformPlan = "terraform.plan"
  public static let githubWorkflow = "github.workflow"
  public static let githubJob = "github.job"
  public static let githubStep = "github.step"
  public static let githubAction = "github.action"
  public static let githubDependabot = "github.dependabot"
  public static let githubDependabotUpdate = "github.dependabot_update"
  public static let githubDependabotRegistry = "github.dependabot_registry"
  public static let gitlabPipeline = "gitlab.pipeline"
  public static let gitlabJob = "gitlab.job"
  public static let gitlabTemplate = "gitlab.template"

  /// The catalog kind for a Backstage `kind` value (`Component` → `catalog.Component`).
  public static func catalog(_ kind: String) -> String { catalogPrefix + kind }
}

/// One thing in the document graph: a catalog entity, a Terraform resource instance, a workflow,
/// a job, a step.
///
/// A class, immutable: entities are shared by the graph, its indexes, rules and findings, and
/// passing one around costs a single reference count instead of one per field.
public final class Entity: Sendable {
  /// The stable id.
  public let id: EntityID
  /// The kind, e.g. `catalog.Component`, `terraform.resource`, `github.step`.
  public let kind: String
  /// A sub-type where the kind has one: a component's `spec.type`, a resource's type
  /// (`aws_s3_bucket`), a step's form (`uses`, `run`), a GitLab job's stage.
  public let type: String?
  /// The name by which rules and people refer to it (entity name, resource address, job id).
  public let name: String
  /// The file and span of the node that defines it.
  public let location: SourceLocation
  /// The attribute tree rules read.
  public let attributes: Value

  /// Creates an entity.
  public init(id: EntityID, kind: String, type: String?, name: String, location: SourceLocation, attributes: Value) {
    self.id = id
    self.kind = kind
    self.type = type
    self.name = name
    self.location = location
    self.attributes = attributes
  }
}

/// A typed, directed edge between two entities.
public struct Edge: Hashable, Sendable {
  /// The entity the edge starts at.
  public let from: EntityID
  /// The relation, e.g. `ownedBy`, `partOf`, `needs`, `inModule`, `references`, `linkedTo`.
  public let type: String
  /// The entity the edge points at.
  public let to: EntityID
  /// Where the edge was declared (the reference's node), if in a file.
  public let location: SourceLocation?

  /// Creates an edge.
  public init(from: EntityID, type: String, to: EntityID, location: SourceLocation? = nil) {
    self.from = from
    self.type = type
    self.to = to
    self.location = location
  }
}
