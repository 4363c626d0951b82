import Foundation
import PlumbConfig
import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// One input file, loaded.
public struct LoadedInput: Sendable {
  /// The path relative to the ingest root (or as given, when outside it); used in ids and output.
  public let path: String
  /// The absolute, standardised path.
  public let absolutePath: String
  /// What the loader produced.
  public let result: YAMLLoadResult
  /// The recognised format, or nil.
  public let format: InputFormat?

  /// The file's documents.
  public var documents: [YAMLDocument] { result.documents }
}

/// Options that shape ingestion.
public struct IngestOptions: Sendable {
  /// Tag or label keys on Terraform resources that name a catalog entity, tried in order.
  public var componentTagKeys: [String] = ["backstage.io/component", "component", "service", "app"]
  /// Tag or label keys on Terraform resources that name an owner (a Group or User).
  public var ownerTagKeys: [String] = ["owner", "team"]
  /// Loader limits.
  public var limits: YAMLLimits = .default
  /// The repository the inputs come from (`owner/name`, or a URL), used to link pipelines to the
  /// catalog component whose `github.com/project-slug`, `gitlab.com/project-slug` or
  /// `backstage.io/source-location` names it. Nil: link by directory instead.
  public var repository: String?
  /// Contents to read instead of the files on disk, by absolute standardised path (a fix is
  /// verified by ingesting the patched text without writing it).
  public var overlay: [String: [UInt8]] = [:]
  /// The central catalog as context: its entities resolve references and joins, and are not
  /// judged (see ``CatalogContext``).
  public var catalogContext: CatalogContext?
  /// Whether rules and scorecards judge the context's entities too, and its problems are
  /// reported (`--check-context`).
  public var checkContext = false

  /// The defaults.
  public init() {}

  /// The defaults with `configuration`'s settings applied.
  public init(configuration: PlumbConfiguration) {
    apply(configuration)
  }

  /// Applies the configuration's ingest settings (`repository`, `links`).
  public mutating func apply(_ configuration: PlumbConfiguration) {
    if let repository = configuration.repository { self.repository = repository }
    if let keys = configuration.componentTagKeys { componentTagKeys = keys }
    if let keys = configuration.ownerTagKeys { ownerTagKeys = keys }
  }
}

/// What adapters share while they run: the graph being built, the root, and a file loader that
/// refuses to leave the root and loads each file once.
public struct IngestContext: Sendable {
  /// The directory inputs are resolved against; nothing outside it is read by reference.
  public let root: String
  /// Written before the path of every file inside the root, as output shows it (a catalog
  /// context source's name, so its files read `../central-catalog/teams.yaml`); empty for the
  /// repository's own inputs.
  public var displayPrefix = ""
  /// Ingest options.
  public let options: IngestOptions
  /// The graph under construction.
  public var graph = GraphBuilder()
  /// Files loaded so far, by absolute path.
  public private(set) var loaded: [String: LoadedInput] = [:]
  /// Absolute paths of files an adapter took in (the others are reported as skipped).
  public private(set) var consumed: Set<String> = []
  /// The format each consumed file was read as, by absolute path.
  public private(set) var consumedFormats: [String: InputFormat] = [:]

  /// Records that an adapter took `input` in as `format`.
  public mutating func markConsumed(_ input: LoadedInput, as format: InputFormat) {
    consumed.insert(input.absolutePath)
    consumedFormats[input.absolutePath] = format
  }

  /// Creates a context rooted at `root`.
  public init(root: String, options: IngestOptions = IngestOptions()) {
    self.root = IngestContext.standardize(root)
    self.resolvedRoot = URL(fileURLWithPath: self.root).resolvingSymlinksInPath().path
    self.options = options
  }

  /// The root with symlinks resolved (resolved once: every reference is checked against it).
  private let resolvedRoot: String

  /// An absolute, standardised path (`.` and `..` removed, no repeated or trailing slash), by
  /// text alone like `URL.standardizedFileURL` (no file system access): it runs once per file.
  public static func standardize(_ path: String) -> String {
    let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    if isStandard(absolute) { return absolute }
    var parts: [Substring] = []
    for part in absolute.split(separator: "/") {
      switch part {
      case ".": continue
      case "..": if !parts.isEmpty { parts.removeLast() }
      default: parts.append(part)
      }
    }
    return "/" + parts.joined(separator: "/")
  }

  /// Whether an absolute path has no `.` or `..` component, no `//` and no trailing slash.
  private static func isStandard(_ absolute: String) -> Bool {
    let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
    var previous = slash  // the leading slash
    var componentLength = 0
    var dotsOnly = true
    for byte in absolute.utf8.dropFirst() {
      if byte == slash {
        if previous == slash || (dotsOnly && componentLength <= 2) { return false }
        componentLength = 0
        dotsOnly = true
      } else {
        componentLength += 1
        if byte != dot { dotsOnly = false }
      }
      previous = byte
    }
    return absolute.utf8.count == 1 || !(previous == slash || (dotsOnly && componentLength <= 2))
  }

  /// The path relative to the root (after ``displayPrefix``), or the absolute path when it is outside.
  public func relative(_ absolutePath: String) -> String {
    if absolutePath == root { return displayPrefix.isEmpty ? "." : displayPrefix }
    let prefix = root.hasSuffix("/") ? root : root + "/"
    guard absolutePath.hasPrefix(prefix) else { return absolutePath }
    let inside = String(absolutePath.dropFirst(prefix.count))
    if displayPrefix.isEmpty || displayPrefix == "." { return inside }
    return displayPrefix.hasSuffix("/") ? displayPrefix + inside : displayPrefix + "/" + inside
  }

  /// Whether `absolutePath` lies inside the root (after resolving symlinks).
  public func isInsideRoot(_ absolutePath: String) -> Bool {
    let resolved = URL(fileURLWithPath: absolutePath).resolvingSymlinksInPath().path
    return resolved == resolvedRoot || resolved.hasPrefix(resolvedRoot.hasSuffix("/") ? resolvedRoot : resolvedRoot + "/")
  }

  /// Loads the file at `absolutePath` once (later calls return the cached result) and reports its
  /// loader diagnostics the first time.
  public mutating func load(_ absolutePath: String) -> LoadedInput {
    let path = IngestContext.standardize(absolutePath)
    if let cached = loaded[path] { return cached }
    return register(read(path))
  }

  /// Loads the files at `absolutePaths` on every core, as `load` would one after the other (in
  /// this order: their diagnostics are reported in it); `load` then finds them cached.
  public mutating func preload(_ absolutePaths: [String]) {
    var seen = Set<String>()
    let paths = absolutePaths.map(IngestContext.standardize).filter { loaded[$0] == nil && seen.insert($0).inserted }
    guard paths.count > 1 else { return }
    let inputs = UnsafeMutableBufferPointer<LoadedInput?>.allocate(capacity: paths.count)
    inputs.initialize(repeating: nil)
    defer {
      inputs.deinitialize()
      inputs.deallocate()
    }
    let context = self
    nonisolated(unsafe) let slots = inputs
    DispatchQueue.concurrentPerform(iterations: paths.count) { slots[$0] = context.read(paths[$0]) }
    for input in inputs { if let input { _ = register(input) } }
  }

  /// Reads and recognises the file at the standardised `path`.
  private func read(_ path: String) -> LoadedInput {
    let relativePath = relative(path)
    let loader = YAMLLoader(limits: options.limits)
    let result =
      options.overlay[path].map { loader.load(SourceFile(path: relativePath, bytes: $0)) }
      ?? loader.load(path: path, displayPath: relativePath)
    return LoadedInput(
      path: relativePath, absolutePath: path, result: result,
      format: InputFormat.recognize(path: relativePath, documents: result.documents))
  }

  /// Caches `input` and reports its loader diagnostics.
  private mutating func register(_ input: LoadedInput) -> LoadedInput {
    loaded[input.absolutePath] = input
    for diagnostic in input.result.diagnostics { graph.diagnose(diagnostic) }
    return input
  }
}

/// An input adapter: turns files of one format into entities and edges.
public protocol IngestAdapter {
  /// The format this adapter reads.
  static var format: InputFormat { get }
  /// Ingests one file of the adapter's format.
  mutating func ingest(_ input: LoadedInput, context: inout IngestContext)
  /// Called once after every file was ingested, for work that needs them all (references).
  mutating func finish(context: inout IngestContext)
}
