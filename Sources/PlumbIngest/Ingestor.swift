import Foundation
import PlumbDiagnostics
import PlumbFiles
import PlumbGraph
import PlumbYAML

/// The result of ingesting a set of paths.
public struct IngestResult: Sendable {
  /// The document graph.
  public let graph: DocumentGraph
  /// Every file found (and every symbolic link to a directory not followed, and every directory
  /// that could not be walked), sorted by path, with what became of it.
  public let files: [IngestedFile]
  /// The root paths are relative to.
  public let root: String
  /// The loaded sources, for rendering diagnostics with their lines.
  public let sources: [SourceFile]
}

/// One input found, and what became of it.
public struct IngestedFile: Sendable, Hashable {
  /// What became of an input.
  public enum Status: Sendable, Hashable {
    /// An adapter read it as this format (it may still hold errors, reported as diagnostics).
    case read(InputFormat)
    /// It is not an input, for this reason (reported as a note).
    case skipped(SkipReason)
    /// It could not be read (unreadable, not a regular file, outside the root, over a limit,
    /// malformed) or looks like one of Plumb's formats but does not validate: an error.
    case failed
  }

  /// The path relative to the root (absolute when outside it).
  public let path: String
  /// What became of it.
  public let status: Status

  /// Creates a record.
  public init(path: String, status: Status) {
    self.path = path
    self.status = status
  }

  /// The format it was read as; nil when skipped or failed.
  public var format: InputFormat? {
    if case .read(let format) = status { return format }
    return nil
  }

  /// Why it was skipped; nil when read or failed.
  public var skipReason: SkipReason? {
    if case .skipped(let reason) = status { return reason }
    return nil
  }
}

/// Why a file found is not an input. Files that cannot be read, or that look like one of Plumb's
/// formats but are not valid, are never skipped: they are errors.
public enum SkipReason: String, Sendable, Hashable, CaseIterable, Codable {
  /// No YAML document, or only empty ones.
  case empty
  /// Not a Backstage catalog, Terraform plan, GitHub Actions or GitLab CI file, and nothing like one.
  case unknownFormat = "unknown-format"
  /// A symbolic link to a directory inside the root: not followed (what it leads to is walked
  /// where it is, if it is under a path given).
  case symlinkedDirectory = "symlinked-directory"
  /// Left out by an exclusion (`exclude:`, `--exclude`, `.gitignore`): never opened. A directory
  /// excluded is one entry, whatever it holds.
  case excluded
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

  /// The root a run over `paths` uses (standardized): `root` when given; else, inside a git
  /// repository, the nearest directory from the first path up to the repository's top level that
  /// holds a `.plumb.yaml` (a project of its own, as a monorepo's subproject or a sample platform
  /// is), else the git top level (nearest `.git`, a directory or a worktree's file) of the first
  /// path, a directory included (`plumb check terraform/` at the top of a repository reports
  /// `terraform/plan.json`), so paths in every output are the repository's paths and local
  /// includes and Location targets resolve as they do in the repository. Outside any repository: the one directory given
  /// (nothing tells where a repository would begin, and the root is the read boundary, so it is
  /// not widened to the working directory); else the current directory when every path lies
  /// inside it, or the nearest directory holding every path.
  public static func root(of paths: [String], given root: String? = nil) -> String {
    if let root { return IngestContext.standardize(root) }
    if let first = paths.first, let repository = repositoryRoot(containing: first) {
      return IngestContext.standardize(configuredProject(containing: first, within: repository) ?? repository)
    }
    let absolute = paths.map(IngestContext.standardize)
    let directories = absolute.map { path -> (path: String, isDirectory: Bool) in
      var isDirectory: ObjCBool = false
      let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      return exists && isDirectory.boolValue ? (path, true) : (URL(fileURLWithPath: path).deletingLastPathComponent().path, false)
    }
    if directories.count == 1, directories[0].isDirectory { return directories[0].path }
    let current = IngestContext.standardize(FileManager.default.currentDirectoryPath)
    if absolute.allSatisfy({ isInside($0, current) }) { return current }
    return commonDirectory(directories.map(\.path)) ?? current
  }

  /// Whether the standardized `path` is `directory` or lies under it.
  static func isInside(_ path: String, _ directory: String) -> Bool {
    path == directory || path.hasPrefix(directory == "/" ? "/" : directory + "/")
  }

  /// The deepest directory every standardized directory in `directories` is or lies under.
  static func commonDirectory(_ directories: [String]) -> String? {
    guard let first = directories.first else { return nil }
    var common = first.split(separator: "/", omittingEmptySubsequences: true)
    for directory in directories.dropFirst() {
      let parts = directory.split(separator: "/", omittingEmptySubsequences: true)
      var length = 0
      while length < min(common.count, parts.count) && common[length] == parts[length] { length += 1 }
      common.removeLast(common.count - length)
    }
    return "/" + common.joined(separator: "/")
  }

  /// The root of a library call that gives none (``ingest(paths:root:)`` with `root` nil): the
  /// one directory given (inside a repository too), else ``root(of:given:)``. The commands always name their root
  /// (``root(of:given:)``: the repository's top level), so that paths are the repository's.
  public static func directoryRoot(of paths: [String]) -> String {
    if paths.count == 1 {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: paths[0], isDirectory: &isDirectory), isDirectory.boolValue {
        return IngestContext.standardize(paths[0])
      }
    }
    return root(of: paths)
  }

  /// Ingests `paths` (files or directories). `root` bounds references (Location targets, local
  /// includes) and walked files, and makes paths relative; by default it is ``directoryRoot(of:)``.
  /// The configuration (`.plumb.yaml`) is not read here: the caller reads it once and applies it
  /// to ``options`` (``IngestOptions/apply(_:)``), the catalog context included.
  public func ingest(paths: [String], root: String? = nil) -> IngestResult {
    let rootPath = root.map { IngestContext.standardize($0) } ?? Self.directoryRoot(of: paths)
    let discovery = InputDiscovery(
      paths, root: rootPath, exclusions: options.exclusions, policyFiles: options.policyFiles
    ) {
      IngestContext.relative($0, root: rootPath)
    }
    var context = IngestContext(
      root: rootPath, options: options, boundary: discovery.boundary, namedFiles: discovery.namedFiles)
    context.graph.contextIsChecked = options.checkContext
    for problem in discovery.problems { context.graph.diagnose(problem) }
    // A file of the catalog context is context, not an input, even when it lies under a path given.
    let contextFiles = options.catalogContext?.files ?? []
    let inputFiles = contextFiles.isEmpty ? discovery.files : discovery.files.filter { !contextFiles.contains($0) }
    context.preload(inputFiles)
    let inputs = inputFiles.map { context.load($0) }
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
      case .githubWorkflow, .githubAction, .dependabot: github.ingest(input, context: &context)
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

    var files = context.loaded.values.sorted { $0.absolutePath < $1.absolutePath }.map { input in
      IngestedFile(path: input.path, status: Self.status(of: input, named: discovery.namedFiles, context: &context))
    }
    for link in discovery.linkedDirectories {
      let path = context.relative(link)
      files.append(IngestedFile(path: path, status: .skipped(.symlinkedDirectory)))
      context.graph.diagnose(
        .atStart(
          of: path, code: "ingest.symlinked-directory", severity: .note,
          message: "skipped: '\(path)' is a symbolic link to a directory, which is not followed"))
    }
    files += discovery.failed.map { IngestedFile(path: context.relative($0), status: .failed) }
    files += discovery.excluded.map { IngestedFile(path: context.relative($0), status: .skipped(.excluded)) }
    files.sort { $0.path < $1.path }
    onStage?(.linked)
    let graph = context.graph.build()
    onStage?(.built)
    PhaseClock.mark("ingest.build")
    return IngestResult(
      graph: graph, files: files, root: context.root,
      sources: context.loaded.values.compactMap(\.result.source)
        + (options.catalogContext?.sources.flatMap(\.sourceFiles) ?? []))
  }

  /// What became of a loaded file, reporting what nobody took in: a near miss of one of Plumb's
  /// formats, or a file named on the command line, is an error; any other file is skipped (a note).
  private static func status(
    of input: LoadedInput, named: Set<String>, context: inout IngestContext
  ) -> IngestedFile.Status {
    if input.result.source == nil || input.result.hasErrors && !context.consumed.contains(input.absolutePath) {
      return .failed
    }
    if let format = context.consumedFormats[input.absolutePath] { return .read(format) }
    let isEmpty = input.documents.allSatisfy(\.root.isNull)
    let nearMiss = isEmpty ? nil : FormatNearMiss.find(path: input.path, documents: input.documents)
    if let nearMiss {
      context.graph.diagnose(nearMiss.diagnostic)
      return .failed
    }
    let what = "not a Backstage catalog, Terraform plan, GitHub Actions or GitLab CI file" + (isEmpty ? " (it is empty)" : "")
    if named.contains(input.absolutePath) {
      context.graph.diagnose(.atStart(of: input.path, code: "ingest.unknown-format", message: what))
      return .failed
    }
    context.graph.diagnose(
      .atStart(of: input.path, code: "ingest.unknown-format", severity: .note, message: "skipped: " + what))
    return .skipped(isEmpty ? .empty : .unknownFormat)
  }
}

extension Ingestor {
  /// The nearest directory from `path` (or its directory) up to `repository` that holds a
  /// `.plumb.yaml` (of any file type: the configuration reader refuses what it may not read),
  /// nil when none does.
  static func configuredProject(containing path: String, within repository: String) -> String? {
    nearestDirectory(from: path, holding: ".plumb.yaml", within: IngestContext.standardize(repository), followingLinks: false)
  }

  /// The repository `path` lives in: the nearest directory at or above it holding `.git` (a
  /// directory, or a worktree's file; a link counts when it leads to one).
  static func repositoryRoot(containing path: String) -> String? {
    nearestDirectory(from: path, holding: ".git", within: "/", followingLinks: true)
  }

  /// The nearest directory from `path` (itself when it is a directory, else its directory) up to
  /// `top` that holds an entry named `name`: one that exists when `followingLinks`, else any entry
  /// of that name (a dangling link included).
  static func nearestDirectory(from path: String, holding name: String, within top: String, followingLinks: Bool)
    -> String?
  {
    let standardized = IngestContext.standardize(path)
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: standardized, isDirectory: &isDirectory)
    var directory = URL(fileURLWithPath: standardized)
    if !(exists && isDirectory.boolValue) { directory.deleteLastPathComponent() }
    while isInside(directory.path, top) {
      let entry = directory.appendingPathComponent(name).path
      let found =
        followingLinks
        ? FileManager.default.fileExists(atPath: entry) : (try? FileManager.default.attributesOfItem(atPath: entry)) != nil
      if found { return directory.path }
      if directory.path == top || directory.path == "/" { return nil }
      directory.deleteLastPathComponent()
    }
    return nil
  }

}
