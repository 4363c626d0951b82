import Foundation
@_exported import PlumbConfig
import PlumbDiagnostics
import PlumbIngest

/// What the command line says about catalog context (beside `catalog:` in `.plumb.yaml`).
public struct CatalogContextOptions: Sendable {
  /// `--catalog SOURCE`: sources after the configuration's.
  public var sources: [CatalogSourceConfiguration] = []
  /// `--catalog-max-age`: the oldest snapshot accepted, for every source (nil: each source's own).
  public var maxAge: Double?
  /// `--catalog-offline`: live catalogs are not asked; their snapshots are read.
  public var offline = false
  /// `--check-context`: the context's entities are judged and its problems reported.
  public var check = false

  /// No sources from the command line.
  public init() {}
}

/// The catalog context of a run, and what went wrong getting it.
public struct ResolvedCatalogContext: Sendable {
  /// The sources read (those that failed included, with no entity), in order.
  public var context: CatalogContext
  /// Problems that fail the run (exit 2): a source that could not be read.
  public var failures: [Diagnostic]
  /// Problems that do not: a live catalog that is down while a fresh enough snapshot stands in,
  /// a snapshot that could not be written.
  public var warnings: [Diagnostic]
  /// How each source was obtained, for reports.
  public var origins: [CatalogContextOrigin]

  /// Nothing.
  public static let none = ResolvedCatalogContext(context: CatalogContext(), failures: [], warnings: [], origins: [])
}

/// How one source's entities were obtained.
public struct CatalogContextOrigin: Sendable, Hashable {
  /// The source as named (path as written, or URL).
  public var name: String
  /// `directory`, `file`, `export`, `snapshot` or `live`.
  public var kind: String
  /// Entities read.
  public var entities: Int
  /// The snapshot's `fetchedAt`, for live catalogs and snapshot files.
  public var fetchedAt: String?
  /// The snapshot file (as shown) when one was written or read.
  public var snapshot: String?
  /// Whether the live catalog could not be read and its snapshot stood in.
  public var fellBack: Bool
}

/// Turns the configured sources into the run's ``CatalogContext``: reads directories, files and
/// exports, asks live catalogs (writing their snapshots), falls back on a snapshot when a server
/// is down and the snapshot is young enough, and says loudly what failed.
public struct CatalogContextResolver {
  /// The repository root (relative snapshot paths and the default snapshot directory).
  public var root: String
  /// The command line's options.
  public var options: CatalogContextOptions
  /// Ingest settings for reading the sources (limits).
  public var ingestOptions: IngestOptions
  /// The environment (tokens are read from it by name).
  public var environment: [String: String] = ProcessInfo.processInfo.environment
  /// The time snapshots are aged against.
  public var now = Date()

  /// A resolver for a run rooted at `root`.
  public init(root: String, options: CatalogContextOptions, ingestOptions: IngestOptions) {
    self.root = root
    self.options = options
    var sourceOptions = ingestOptions
    sourceOptions.catalogContext = nil
    sourceOptions.overlay = [:]
    self.ingestOptions = sourceOptions
  }

  /// Reads every source, in order.
  public func resolve(_ sources: [CatalogSourceConfiguration]) -> ResolvedCatalogContext {
    guard !sources.isEmpty else { return .none }
    var resolved = ResolvedCatalogContext.none
    for source in sources {
      let (read, origin, warnings) = resolve(source)
      resolved.context.sources.append(read)
      resolved.failures += read.failures
      resolved.warnings += warnings
      resolved.origins.append(origin)
    }
    return resolved
  }

  /// The oldest snapshot `source` accepts, in seconds.
  func maxAge(_ source: CatalogSourceConfiguration) -> Double {
    options.maxAge ?? source.maxAge ?? CatalogSourceConfiguration.defaultMaxAge
  }

  func resolve(_ source: CatalogSourceConfiguration) -> (CatalogContextSource, CatalogContextOrigin, [Diagnostic]) {
    switch source.location {
    case .path(let path):
      var read = CatalogContextSource.read(path: path, name: source.display, options: ingestOptions)
      if read.failures.isEmpty, let header = read.snapshot, let failure = ageFailure(header, source: source, file: source.display) {
        read = CatalogContextSource.failed(source.display, failure.message, code: failure.code, location: source.declaredAt)
      }
      let origin = CatalogContextOrigin(
        name: source.display, kind: read.kind.rawValue, entities: read.entityCount, fetchedAt: read.snapshot?.fetchedAt,
        snapshot: read.kind == .snapshot ? source.display : nil, fellBack: false)
      return (read, origin, [])
    case .url(let url):
      return resolveLive(url, source: source)
    }
  }

  /// A live catalog (read in the next step of this work).
  func resolveLive(_ url: String, source: CatalogSourceConfiguration) -> (
    CatalogContextSource, CatalogContextOrigin, [Diagnostic]
  ) {
    let origin = CatalogContextOrigin(name: url, kind: "live", entities: 0, fetchedAt: nil, snapshot: nil, fellBack: false)
    return (
      CatalogContextSource.failed(
        url, "catalog source '\(url)': live catalogs are not read yet", code: "context.unsupported",
        location: source.declaredAt), origin, []
    )
  }

  /// Why a snapshot read at `header.fetchedAt` is too old (or from the future) for `source`.
  func ageFailure(_ header: CatalogSnapshotHeader, source: CatalogSourceConfiguration, file: String) -> (
    code: String, message: String
  )? {
    guard let fetched = Self.date(header.fetchedAt) else {
      return ("context.not-a-catalog", "snapshot '\(file)': fetchedAt '\(MessageText.shown(header.fetchedAt))' is not an ISO 8601 time")
    }
    let age = now.timeIntervalSince(fetched)
    if age < -300 {
      return ("context.stale-snapshot", "snapshot '\(file)' says it was read at \(header.fetchedAt), in the future")
    }
    let limit = maxAge(source)
    guard age > limit else { return nil }
    return (
      "context.stale-snapshot",
      "snapshot '\(file)' was read \(Self.age(age)) ago (\(header.fetchedAt)), longer than its max_age of "
        + "\(ConfigurationValues.describe(seconds: limit)); refresh it with `plumb catalog pull`"
    )
  }

  /// The date a snapshot's `fetchedAt` names, nil when it is not ISO 8601.
  static func date(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions.insert(.withFractionalSeconds)
    return formatter.date(from: text)
  }

  /// Whether two catalog URLs are the same but for a trailing slash.
  static func sameCatalog(_ a: String, _ b: String) -> Bool {
    func trimmed(_ text: String) -> Substring {
      var text = Substring(text)
      while text.hasSuffix("/") { text = text.dropLast() }
      return text
    }
    return trimmed(a) == trimmed(b)
  }

  /// `3d 4h`, `5h 12m`, `12m`, `40s`.
  static func age(_ seconds: Double) -> String {
    let whole = max(0, Int(seconds))
    let (days, hours, minutes) = (whole / 86_400, whole % 86_400 / 3600, whole % 3600 / 60)
    if days > 0 { return "\(days)d \(hours)h" }
    if hours > 0 { return "\(hours)h \(minutes)m" }
    if minutes > 0 { return "\(minutes)m" }
    return "\(whole)s"
  }
}
