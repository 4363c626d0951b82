import Foundation
import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// Reads GitHub Actions workflows (`.github/workflows/*.yml`) and action metadata files
/// (`action.yml`/`action.yaml`) into `github.workflow`, `github.job`, `github.step` and
/// `github.action` entities. See docs/inputs/github-actions.md for the model.
///
/// Local references (`uses: ./path` to an action, `uses: ./.github/workflows/x.yml` to a reusable
/// workflow) are resolved in ``finish(context:)``, once every input has been read; a target that
/// was not among the inputs is loaded from the root when it exists there.
public struct GitHubActionsAdapter: IngestAdapter {
  public static let format = InputFormat.githubWorkflow

  /// Absolute paths already read (a file given twice is read once).
  private var ingested: Set<String> = []
  /// Local references waiting for every input to be read.
  private var references: [LocalReference] = []

  /// Files read ahead by `prepare`, by absolute path.
  private var prepared: [String: GitHubFileReader] = [:]

  public init() {}

  /// Reads the workflow and action files among `inputs` on every core ahead of `ingest`, which
  /// then adds what each read in input order: the same entities, edges and diagnostics as reading
  /// them one after the other (a file's reader sees only that file).
  public mutating func prepare(_ inputs: [LoadedInput], root: String) {
    var seen = Set<String>()
    let files = inputs.filter {
      Self.reads($0.format) && seen.insert($0.absolutePath).inserted
    }
    guard files.count > 1 else { return }
    let rootName = Self.lastComponent(root)
    let readers = files.concurrentMap { Self.read($0, rootName: rootName) }
    for (file, reader) in zip(files, readers) { prepared[file.absolutePath] = reader }
  }

  /// Whether this adapter reads files of `format`: workflows, actions and Dependabot configurations.
  static func reads(_ format: InputFormat?) -> Bool {
    format == .githubWorkflow || format == .githubAction || format == .dependabot
  }

  /// One file's entities, edges, diagnostics and local references.
  static func read(_ input: LoadedInput, rootName: String) -> GitHubFileReader {
    var reader = GitHubFileReader(path: input.path)
    switch input.format {
    case .githubAction: reader.readAction(input, rootName: rootName)
    case .dependabot: reader.readDependabot(input)
    default: reader.readWorkflow(input)
    }
    return reader
  }

  public mutating func ingest(_ input: LoadedInput, context: inout IngestContext) {
    guard ingested.insert(input.absolutePath).inserted else { return }
    context.markConsumed(input, as: input.format ?? .githubWorkflow)
    let reader = prepared.removeValue(forKey: input.absolutePath)
      ?? Self.read(input, rootName: Self.lastComponent(context.root))
    for entity in reader.entities { context.graph.add(entity) }
    for edge in reader.edges { context.graph.connect(edge.from, edge.type, edge.to, at: edge.location) }
    for diagnostic in reader.diagnostics { context.graph.diagnose(diagnostic) }
    references.append(contentsOf: reader.references)
  }

  public mutating func finish(context: inout IngestContext) {
    var position = 0
    // Reading a referenced file may add references: walk until none is left.
    while position < references.count {
      let reference = references[position]
      position += 1
      resolve(reference, context: &context)
    }
    references.removeAll()
  }

  // MARK: Local references

  private mutating func resolve(_ reference: LocalReference, context: inout IngestContext) {
    let candidates: [String]
    let wanted: InputFormat
    let what: String
    switch reference.target {
    case .workflow:
      candidates = [reference.path]
      wanted = .githubWorkflow
      what = "workflow"
    case .action:
      let directory = reference.path.isEmpty ? "" : reference.path + "/"
      candidates = [directory + "action.yml", directory + "action.yaml"]
      wanted = .githubAction
      what = "action"
    }
    let edgeType = reference.target == .workflow ? "callsWorkflow" : "usesAction"
    var problem: String?
    for candidate in candidates {
      let absolute = IngestContext.standardize(context.root + "/" + candidate)
      let relative = context.relative(absolute)
      if relative.hasPrefix("/") || !context.isInsideRoot(absolute) {
        problem = "'\(reference.raw)' points outside the root"
        break
      }
      let id = EntityID("github:" + relative)
      if context.graph.contains(id) {
        context.graph.connect(reference.from, edgeType, id, at: reference.location)
        return
      }
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), !isDirectory.boolValue else {
        continue
      }
      let input = context.load(absolute)
      if input.format == wanted && !ingested.contains(input.absolutePath) {
        ingest(input, context: &context)
      }
      if context.graph.contains(id) {
        context.graph.connect(reference.from, edgeType, id, at: reference.location)
        return
      }
      problem = "'\(reference.raw)' resolves to '\(relative)', which is not a readable GitHub \(what)"
      break
    }
    let message: String
    if let problem {
      message = problem
    } else if reference.target == .workflow {
      message = "reusable workflow '\(reference.raw)' not found: no '\(candidates[0])' under the root"
    } else {
      message = "local action '\(reference.raw)' not found: no '\(candidates[0])' or '\(candidates[1])' under the root"
    }
    context.graph.diagnose(
      Diagnostic(
        code: reference.target == .workflow ? "github.unresolved-workflow" : "github.unresolved-action",
        severity: .warning, message: message, location: reference.location))
  }

  static func lastComponent(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
  }
}

/// A `uses: ./…` waiting to be resolved.
struct LocalReference {
  enum Target { case workflow, action }
  /// The job or step that refers.
  var from: EntityID
  var target: Target
  /// The path relative to the ingest root: the workflow file, or the action's directory.
  var path: String
  /// The `uses` text.
  var raw: String
  /// The `uses` node.
  var location: SourceLocation
}
