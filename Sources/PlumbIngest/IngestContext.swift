import Foundation
import PlumbConfig
import PlumbDiagnostics
import PlumbFiles
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
  /// What is left out of the inputs (`exclude:`, `--exclude`, the root's `.gitignore`), relative
  /// to the root: never opened, counted as skipped (`excluded`).
  public var exclusions = PathExclusions()
  /// Files that are the run's policy, never inputs, wherever they are and however they are found
  /// (absolute, standardised): the waiver file, whatever its name.
  public var policyFiles: Set<String> = []

  /// The defaults.
  public init() {}

  /// The defaults with `configuration`'s settings applied.
  public init(configuration: PlumbConfiguration) {
    apply(configuration)
  }

  /// Applies the configuration's ingest settings (`repository`, `links`, `exclude`, the waiver file).
  public mutating func apply(_ configuration: PlumbConfiguration) {
    exclusions = configuration.exclusions
    policyFiles.insert(IngestContext.standardize(configuration.waiverFilePath))
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
  /// Where every file read must resolve, except the files named on the command line: the root and
  /// the directories named (``InputDiscovery``).
  public let boundary: ReadBoundary
  /// The files named on the command line: the user's choice, read wherever they are.
  public let namedFiles: Set<String>
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

  /// Creates a context rooted at `root`. Files are read only when they resolve inside `boundary`
  /// (default: the root), except `namedFiles`.
  public init(
    root: String, options: IngestOptions = IngestOptions(), boundary: ReadBoundary? = nil,
    namedFiles: Set<String> = []
  ) {
    self.root = IngestContext.standardize(root)
    self.boundary = boundary ?? ReadBoundary(root: self.root)
    self.namedFiles = namedFiles
    self.options = options
  }

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
    let inside = Self.relative(absolutePath, root: root)
    if displayPrefix.isEmpty || displayPrefix == "." || inside.hasPrefix("/") { return inside }
    if inside == "." { return displayPrefix }
    return displayPrefix.hasSuffix("/") ? displayPrefix + inside : displayPrefix + "/" + inside
  }

  /// `absolutePath` relative to `root` (both standardised), or as given when it is outside.
  public static func relative(_ absolutePath: String, root: String) -> String {
    if absolutePath == root { return "." }
    let prefix = root.hasSuffix("/") ? root : root + "/"
    return absolutePath.hasPrefix(prefix) ? String(absolutePath.dropFirst(prefix.count)) : absolutePath
  }

  /// Whether the absolute, standardised `absolutePath` resolves inside the ``boundary`` (the root,
  /// and the directories named): symbolic links are resolved as far as the path exists, so a path
  /// that does not exist yet is judged by its nearest existing ancestor.
  public func isInsideRoot(_ absolutePath: String) -> Bool {
    var existing = absolutePath
    var rest: [Substring] = []
    while true {
      if case .success(let real) = realPath(existing) {
        let full = rest.isEmpty ? real : (real == "/" ? "" : real) + "/" + rest.reversed().joined(separator: "/")
        return boundary.contains(realPath: full)
      }
      guard let slash = existing.lastIndex(of: "/"), existing != "/" else { return false }
      rest.append(existing[existing.index(after: slash)...])
      existing = slash == existing.startIndex ? "/" : String(existing[..<slash])
    }
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
      ?? loader.load(path: path, displayPath: relativePath, within: namedFiles.contains(path) ? nil : boundary)
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
