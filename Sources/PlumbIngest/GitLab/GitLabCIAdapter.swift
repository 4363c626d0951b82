import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// Reads GitLab CI configuration (`.gitlab-ci.yml` and the files it includes) into the graph.
///
/// Every GitLab file is collected first; in ``finish(context:)`` the files another collected
/// file includes are told apart from root files, and each root becomes one `gitlab.pipeline`
/// with its jobs (`gitlab.job`) and hidden jobs (`gitlab.template`), after GitLab's own
/// processing: local includes merged (the including file wins), `extends` applied, `!reference`
/// tags resolved, `default:` keywords inherited. See docs/inputs/gitlab-ci.md.
public struct GitLabCIAdapter: IngestAdapter {
  public static let format = InputFormat.gitlabCI

  private var candidates: [LoadedInput] = []
  private var seen: Set<String> = []
  private var resolver = GitLabIncludeResolver()
  private var reported: Set<String> = []

  public init() {}

  public mutating func ingest(_ input: LoadedInput, context: inout IngestContext) {
    context.markConsumed(input, as: Self.format)
    if seen.insert(input.absolutePath).inserted { candidates.append(input) }
  }

  public mutating func finish(context: inout IngestContext) {
    var built: Set<String> = []
    var triggers: [(job: EntityID, include: GitLabInclude)] = []
    for root in rootFiles(context: &context) {
      built.insert(root.absolutePath)
      triggers.append(contentsOf: buildPipeline(root, context: &context))
    }
    // Child pipelines (`trigger: include: local`) are pipelines too, even when no file was
    // given for them: build them, then link the triggering jobs to them.
    var index = 0
    while index < triggers.count {
      let (job, include) = triggers[index]
      index += 1
      let writtenIn = include.valueNode.location.path
      let includingFile = writtenIn.hasPrefix("/") ? writtenIn : IngestContext.standardize(context.root + "/" + writtenIn)
      let resolution = resolver.resolveLocal(include, includingFile: includingFile, context: context)
      for problem in resolution.problems { report(problem, context: &context) }
      for absolute in resolution.absolute {
        if built.insert(absolute).inserted {
          let input = context.load(absolute)
          context.markConsumed(input, as: Self.format)
          triggers.append(contentsOf: buildPipeline(input, context: &context))
        }
        context.graph.connect(
          job, "triggers", EntityID("gitlab:" + context.relative(absolute)), at: include.valueNode.location)
      }
    }
    candidates = []
    seen = []
  }

  /// Builds one pipeline into the graph; returns its jobs' child-pipeline includes.
  private mutating func buildPipeline(
    _ root: LoadedInput, context: inout IngestContext
  ) -> [(job: EntityID, include: GitLabInclude)] {
    var merger = GitLabConfigMerger()
    merger.merge(root: root, context: &context, resolver: &resolver)
    var builder = GitLabPipelineBuilder(input: root, merged: merger.result)
    builder.build()
    for entity in builder.entities { context.graph.add(entity) }
    for edge in builder.edges { context.graph.connect(edge.from, edge.type, edge.to, at: edge.location) }
    for diagnostic in merger.result.diagnostics + builder.diagnostics { report(diagnostic, context: &context) }
    return builder.triggers
  }

  /// Reports a diagnostic once: a file included by several pipelines has its problems found by
  /// each of them.
  private mutating func report(_ diagnostic: Diagnostic, context: inout IngestContext) {
    let key = [
      diagnostic.code, diagnostic.message, diagnostic.location?.path ?? "",
      String(diagnostic.location?.span.start.offset ?? -1), String(diagnostic.location?.span.end.offset ?? -1),
    ].joined(separator: "\u{0}")
    if reported.insert(key).inserted { context.graph.diagnose(diagnostic) }
  }

  /// The collected files that are pipelines of their own: those no other collected file includes
  /// (directly or through other includes). Files that include each other (a cycle) all stay
  /// roots; the cycle is reported when they are built.
  private mutating func rootFiles(context: inout IngestContext) -> [LoadedInput] {
    guard candidates.count > 1 else { return candidates }
    var direct: [String: [String]] = [:]
    func reach(_ start: String, context: inout IngestContext) -> Set<String> {
      var visited: Set<String> = []
      var queue = [start]
      while let path = queue.popLast() {
        let targets: [String]
        if let known = direct[path] {
          targets = known
        } else {
          let input = context.load(path)
          targets = GitLabConfigMerger.directLocalIncludes(of: input, context: context, resolver: &resolver)
          direct[path] = targets
        }
        for target in targets where visited.insert(target).inserted { queue.append(target) }
      }
      return visited
    }
    var reaches: [String: Set<String>] = [:]
    var includedBy: [String: [String]] = [:]
    for candidate in candidates {
      let reached = reach(candidate.absolutePath, context: &context)
      reaches[candidate.absolutePath] = reached
      for path in reached where path != candidate.absolutePath {
        includedBy[path, default: []].append(candidate.absolutePath)
      }
    }
    return candidates.filter { candidate in
      let ownReach = reaches[candidate.absolutePath] ?? []
      return !(includedBy[candidate.absolutePath] ?? []).contains { !ownReach.contains($0) }
    }
  }
}
