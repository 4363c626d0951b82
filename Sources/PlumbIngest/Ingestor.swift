import Foundation
import PlumbConfig
import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// The result of ingesting a set of paths.
public struct IngestResult: Sendable {
  /// The document graph.
  public let graph: DocumentGraph
  /// Every file loaded, sorted by path, with the format it was read as (nil when skipped).
  public let files: [(path: String, format: InputFormat?)]
  /// The root paths are relative to.
  public let root: String
  /// The loaded sources, for rendering diagnostics with their lines.
  public let sources: [SourceFile]
}

/// The stages of an ingest, in order, as ``Ingestor/onStage`` reports them (for benchmarks).
public enum IngestStage: String, Sendable, CaseIterable {
  /// Every input discovered, loaded (parsed) and recognised.
  case loaded
  /// The adapters and the cross-source links have run.
  case linked
  /// The graph is built.
  case built
}

/// Turns paths into one document graph: discovers inputs, loads them, recognises each format,
/// runs the adapters, links across sources, and reports what it could not use.
public struct Ingestor: Sendable {
  /// Ingest options.
  public var options: IngestOptions
  /// Called as each stage ends (benchmarks time and measure the stages with it).
  public var onStage: (@Sendable (IngestStage) -> Void)?

  /// Creates an ingestor.
  public init(options: IngestOptions = IngestOptions()) {
    self.options = options
  }

  /// The root a run over `paths` uses (standardized): `root` when given; else the one directory
  /// given; else, for files, the repository they live in (nearest `.git`), so local includes and
  /// Location targets resolve as they do in the repository; else the current directory.
  public static func root(of paths: [String], given root: String? = nil) -> String {
    if let root { return IngestContext.standardize(root) }
    let manager = FileManager.default
    if paths.count == 1 {
      var isDirectory: ObjCBool = false
      if manager.fileExists(atPath: paths[0], isDirectory: &isDirectory), isDirectory.boolValue {
        return IngestContext.standardize(paths[0])
      }
    }
    if let first = paths.first, let repository = repositoryRoot(containing: first) {
      return IngestContext.standardize(repository)
    }
    return IngestContext.standardize(manager.currentDirectoryPath)
  }

  /// Ingests `paths` (files or directories). `root` bounds references (Location targets, local
  /// includes) and makes paths relative; by default it is the one directory given, else the
  /// current directory. The configuration (`.plumb.yaml`) is not read here: the caller reads it
  /// once and applies it to ``options`` (``IngestOptions/apply(_:)``).
  public func ingest(paths: [String], root: String? = nil) -> IngestResult {
    let manager = FileManager.default
    let rootPath = Self.root(of: paths, given: root)
    var context = IngestContext(root: rootPath, options: options)
    context.graph.contextIsChecked = options.checkContext
    var explicitFiles = Set<String>()
    var discovered: [String] = []
    for path in paths {
      var isDirectory: ObjCBool = false
      let absolute = IngestContext.standardize(path)
      guard manager.fileExists(atPath: absolute, isDirectory: &isDirectory) else {
        context.graph.diagnose(
          Diagnostic(code: "io.missing", message: "no such file or directory: '\(path)'", location: nil))
        continue
      }
      if isDirectory.boolValue {
        discovered.append(contentsOf: InputWalker().walk(absolute))
      } else {
        explicitFiles.insert(absolute)
        discovered.append(absolute)
      }
    }
    // A file of the catalog context is context, not an input, even when it lies under a path given.
    let paths = Array(Set(discovered).subtracting(options.catalogContext?.files ?? [])).sorted()
    context.preload(paths)
    let inputs = paths.map { context.load($0) }
    onStage?(.loaded)
    PhaseClock.mark("ingest.load")

    var catalog = CatalogAdapter()
    var terraform = TerraformPlanAdapter()
    var github = GitHubActionsAdapter()
    var gitlab = GitLabCIAdapter()
    terraform.prepare(inputs)
    PhaseClock.mark("ingest.terraform.prepare")
    github.prepare(inputs, root: context.root)
    PhaseClock.mark("ingest.github.prepare")
    for input in inputs {
      switch input.format {
      case .backstageCatalog: catalog.ingest(input, context: &context)
      case .terraformPlan: terraform.ingest(input, context: &context)
      case .githubWorkflow, .githubAction: github.ingest(input, context: &context)
      case .gitlabCI: gitlab.ingest(input, context: &context)
      case nil: break
      }
    }
    // The central catalog as context, after the repository's own entities (which win).
    for source in options.catalogContext?.sources ?? [] { catalog.absorb(source, context: &context) }
    catalog.finish(context: &context)
    terraform.finish(context: &context)
    github.finish(context: &context)
    gitlab.finish(context: &context)
    PhaseClock.mark("ingest.adapters")
    CrossSourceLinker().link(context: &context)
    PhaseClock.mark("ingest.link")

    // What nobody took in is reported: an error when the user named the file, a note otherwise.
    for (absolute, input) in context.loaded.sorted(by: { $0.key < $1.key })
    where !context.consumed.contains(absolute) && !input.result.hasErrors {
      let explicit = explicitFiles.contains(absolute)
      let start = SourcePosition(line: 1, column: 1, offset: 0)
      context.graph.diagnose(
        Diagnostic(
          code: "ingest.unknown-format",
          severity: explicit ? .error : .note,
          message: explicit
            ? "not a Backstage catalog, Terraform plan, GitHub Actions or GitLab CI file"
            : "skipped: not a Backstage catalog, Terraform plan, GitHub Actions or GitLab CI file",
          location: SourceLocation(path: input.path, span: SourceSpan(start: start, end: start))))
    }
    let files = context.loaded.values.sorted { $0.path < $1.path }.map {
      (path: $0.path, format: context.consumedFormats[$0.absolutePath])
    }
    onStage?(.linked)
    let graph = context.graph.build()
    onStage?(.built)
    PhaseClock.mark("ingest.build")
    return IngestResult(
      graph: graph, files: files, root: context.root,
      sources: context.loaded.values.compactMap(\.result.source)
        + (options.catalogContext?.sources.flatMap(\.sourceFiles) ?? []))
  }
}

extension Ingestor {
  /// The nearest directory at or above `path` that holds `.git`, if any.
  static func repositoryRoot(containing path: String) -> String? {
    var directory = URL(fileURLWithPath: IngestContext.standardize(path)).deletingLastPathComponent()
    while directory.path != "/" {
      if FileManager.default.fileExists(atPath: directory.appendingPathComponent(".git").path) { return directory.path }
      directory.deleteLastPathComponent()
    }
    return nil
  }
}

/// Walks a directory for YAML and JSON files, skipping VCS and build folders and Plumb's own files
/// (`.plumb.yaml`, `.plumb-waivers.yaml`, the `.plumb/` directory), and never following directory
/// symlinks.
struct InputWalker {
  /// Plumb's own files, wherever they are: the configuration and the waiver file.
  static let ownFileNames = PlumbConfiguration.ownFileNames
  /// Plumb's own state directory (the fix engine's action pins, the score history, catalog snapshots).
  static let stateDirectoryName = PlumbConfiguration.stateDirectoryName

  func walk(_ root: String) -> [String] {
    let manager = FileManager.default
    var found: [String] = []
    var stack = [root]
    while let directory = stack.popLast() {
      guard let names = try? manager.contentsOfDirectory(atPath: directory) else { continue }
      for name in names {
        let path = directory + "/" + name
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
        if isDirectory.boolValue {
          if name == ".git" || name.hasPrefix(".build") || name == "node_modules" || name == ".terraform" { continue }
          // Plumb's own state (`.plumb/action-pins.yaml`, `.plumb/history.sqlite`) is not an input.
          if name == Self.stateDirectoryName { continue }
          if (try? manager.destinationOfSymbolicLink(atPath: path)) != nil { continue }
          stack.append(path)
        } else {
          let lower = name.lowercased()
          // Plumb's own configuration and waivers are not inputs.
          if Self.ownFileNames.contains(name) { continue }
          if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") || lower.hasSuffix(".json") { found.append(path) }
        }
      }
    }
    return found.sorted()
  }
}
