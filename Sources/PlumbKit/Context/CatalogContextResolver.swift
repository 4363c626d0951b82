import Foundation
import PlumbCatalogClient
@_exported import PlumbConfig
import PlumbDiagnostics
import PlumbIngest
import PlumbReport

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

/// How one source's entities were obtained: what reports show of it.
public typealias CatalogContextOrigin = CatalogContextSummary.Source

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

  /// A live catalog: asked (unless offline), its snapshot written; the snapshot read instead when
  /// the server is down.
  func resolveLive(_ url: String, source: CatalogSourceConfiguration) -> (
    CatalogContextSource, CatalogContextOrigin, [Diagnostic]
  ) {
    let snapshotPath = source.snapshot ?? CatalogSnapshot.defaultPath(for: url, root: root)
    let shown = IngestPaths.display(snapshotPath, root: root)
    var origin = CatalogContextOrigin(
      name: url, kind: "live", entities: 0, fetchedAt: nil, snapshot: shown, fellBack: false)
    func failed(_ code: String, _ message: String) -> (CatalogContextSource, CatalogContextOrigin, [Diagnostic]) {
      (CatalogContextSource.failed(url, message, code: code, location: source.declaredAt), origin, [])
    }

    if options.offline {
      return fromSnapshot(url, source: source, path: snapshotPath, shown: shown, origin: origin, because: nil)
    }
    switch fetchSnapshot(url, source: source) {
    case .failure(let failure):
      // A server that is down (or failing) may be stood in for by a young enough snapshot; one that
      // refuses the token, or answers something that is not a catalog, is a failure to fix.
      guard let error = failure.error, error.serverIsDown else { return failed(failure.code, failure.message) }
      return fromSnapshot(url, source: source, path: snapshotPath, shown: shown, origin: origin, because: error)
    case .success(let fetched):
      var warnings: [Diagnostic] = []
      do {
        try OutputWriter.write(String(decoding: fetched.bytes, as: UTF8.self), to: snapshotPath, root: root)
      } catch {
        warnings.append(
          Diagnostic(
            code: "context.snapshot-not-written", severity: .warning,
            message: "catalog source '\(url)': its snapshot could not be written to '\(shown)' "
              + "(\(OutputWriter.reason(error))); this run uses what was read", location: nil))
      }
      let read = CatalogContextSource.read(
        path: snapshotPath, name: url, displayPath: shown, options: ingestOptions, contents: fetched.bytes)
      origin.entities = read.entityCount
      origin.fetchedAt = fetched.fetchedAt
      return (read, origin, warnings)
    }
  }

  /// Why a live catalog could not be read.
  public struct FetchFailure: Error, Sendable {
    /// The diagnostic code.
    public var code: String
    /// The message, naming the source.
    public var message: String
    /// The client's error, when the catalog was asked.
    public var error: BackstageCatalogError?
  }

  /// A live catalog's entities, read now, as the bytes of its snapshot.
  public struct Fetched: Sendable {
    /// The snapshot's bytes.
    public var bytes: [UInt8]
    /// When it was read.
    public var fetchedAt: String
    /// Pages read.
    public var pages: Int
    /// Entities served.
    public var entities: Int
  }

  /// Reads the live catalog at `url` (token from the environment variable the source names).
  public func fetchSnapshot(_ url: String, source: CatalogSourceConfiguration) -> Result<Fetched, FetchFailure> {
    var token: String?
    if let name = source.tokenEnvironment {
      guard let value = environment[name], !value.isEmpty else {
        return .failure(
          FetchFailure(
            code: "context.token-missing",
            message: "catalog source '\(url)': the environment variable \(name) named by token_env is not set or is empty"))
      }
      token = value
    }
    let request = BackstageCatalogRequest(
      baseURL: url, token: token, timeout: source.timeout, retries: source.retries,
      maxResponseBytes: source.maxResponseBytes, maxTotalBytes: ingestOptions.limits.maxDocumentBytes,
      pageSize: source.pageSize, filters: source.filters)
    switch BackstageCatalogClient(request).fetchAll() {
    case .failure(let error):
      return .failure(FetchFailure(code: "context." + error.kind.rawValue, message: "catalog source '\(url)': \(error.message)", error: error))
    case .success(let pages):
      let fetchedAt = CatalogSnapshot.timestamp(now)
      let bytes = CatalogSnapshot.bytes(of: pages, source: url, fetchedAt: fetchedAt)
      return .success(
        Fetched(bytes: bytes, fetchedAt: fetchedAt, pages: pages.count, entities: pages.reduce(0) { $0 + $1.items.count }))
    }
  }

  /// The snapshot of a live catalog, read because `error` happened (nil: offline), checked to be
  /// of this catalog and young enough.
  func fromSnapshot(
    _ url: String, source: CatalogSourceConfiguration, path: String, shown: String, origin: CatalogContextOrigin,
    because error: BackstageCatalogError?
  ) -> (CatalogContextSource, CatalogContextOrigin, [Diagnostic]) {
    var origin = origin
    origin.fellBack = error != nil
    let why = error.map { "\($0.message); " } ?? "offline (--catalog-offline); "
    func failed(_ code: String, _ message: String) -> (CatalogContextSource, CatalogContextOrigin, [Diagnostic]) {
      (
        CatalogContextSource.failed(url, "catalog source '\(url)': " + why + message, code: code, location: source.declaredAt),
        origin, []
      )
    }
    guard FileManager.default.fileExists(atPath: path) else {
      return failed(
        error == nil ? "context.no-snapshot" : "context." + (error?.kind.rawValue ?? "unreachable"),
        "no snapshot to fall back on at '\(shown)' (`plumb catalog pull` writes one)")
    }
    let read = CatalogContextSource.read(path: path, name: url, displayPath: shown, options: ingestOptions)
    if let failure = read.failures.first {
      return failed(failure.code, "its snapshot '\(shown)' cannot be used: \(failure.message)")
    }
    guard let header = read.snapshot else {
      return failed("context.not-a-catalog", "'\(shown)' is not a Plumb snapshot (it has no '\(CatalogSnapshotHeader.key)')")
    }
    guard Self.sameCatalog(header.source, url) else {
      return failed(
        "context.snapshot-mismatch",
        "the snapshot '\(shown)' was read from '\(MessageText.shown(header.source, limit: 200))', not from this catalog")
    }
    if let failure = ageFailure(header, source: source, file: shown) {
      return failed(failure.code, failure.message)
    }
    origin.entities = read.entityCount
    origin.fetchedAt = header.fetchedAt
    var warnings: [Diagnostic] = []
    if let error {
      let age = now.timeIntervalSince(CatalogSnapshot.date(header.fetchedAt) ?? now)
      warnings.append(
        Diagnostic(
          code: "context.snapshot-used", severity: .warning,
          message: "catalog source '\(url)': \(error.message); using its snapshot '\(shown)' read "
            + "\(Self.age(age)) ago (\(header.fetchedAt)), within max_age \(ConfigurationValues.describe(seconds: maxAge(source)))",
          location: nil))
    }
    return (read, origin, warnings)
  }

  /// Why a snapshot read at `header.fetchedAt` is too old (or from the future) for `source`.
  func ageFailure(_ header: CatalogSnapshotHeader, source: CatalogSourceConfiguration, file: String) -> (
    code: String, message: String
  )? {
    guard let fetched = CatalogSnapshot.date(header.fetchedAt) else {
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
