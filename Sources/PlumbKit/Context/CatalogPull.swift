import Foundation
import PlumbConfig
import PlumbDiagnostics
import PlumbIngest

/// `plumb catalog pull`: reads every live catalog source and writes its snapshot, on purpose (a
/// scheduled job, or before a run that must not depend on the server).
public struct CatalogPull: Sendable {
  /// One line per catalog read.
  public let report: String
  /// What went wrong, rendered (standard error).
  public let problems: String
  /// 0 every snapshot written; 2 a catalog not read or a snapshot not written; 3 `.plumb.yaml`
  /// did not load; 64 no catalog URL.
  public let exitStatus: Int32

  /// `path` absolute and standardised.
  public static func root(_ path: String) -> String { IngestContext.standardize(path) }

  /// `path` against `base` when relative, standardised.
  public static func absolute(_ path: String, base: String) -> String {
    IngestContext.standardize(path.hasPrefix("/") ? path : base + "/" + path)
  }

  /// Reads the URL sources of `.plumb.yaml` at `root` and `extraSources`; `snapshot` overrides
  /// where the one URL's snapshot goes.
  public static func run(
    root: String, extraSources: [CatalogSourceConfiguration], snapshot: String? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment, now: Date = Date()
  ) -> CatalogPull {
    let configuration = PlumbConfiguration.load(root: root)
    let renderer = DiagnosticRenderer(sources: [configuration.source].compactMap { $0 })
    if configuration.diagnostics.contains(where: { $0.severity == .error }) {
      return CatalogPull(report: "", problems: renderer.render(configuration.diagnostics), exitStatus: ExitStatus.policyErrors)
    }
    var sources = (configuration.catalog + extraSources).filter {
      if case .url = $0.location { true } else { false }
    }
    guard !sources.isEmpty else {
      return CatalogPull(
        report: "",
        problems: "plumb: no catalog URL to read: give --catalog https://…/api/catalog, or a source with 'url:' under "
          + "'catalog:' in .plumb.yaml\n", exitStatus: ExitStatus.usage)
    }
    if let snapshot {
      guard sources.count == 1 else {
        return CatalogPull(
          report: "", problems: "plumb: --snapshot names one file; there are \(sources.count) catalog URLs\n",
          exitStatus: ExitStatus.usage)
      }
      sources[0].snapshot = snapshot
    }
    var resolver = CatalogContextResolver(root: root, options: CatalogContextOptions(), ingestOptions: IngestOptions())
    resolver.environment = environment
    resolver.now = now
    var report = ""
    var problems: [Diagnostic] = []
    for source in sources {
      guard case .url(let url) = source.location else { continue }
      let path = source.snapshot ?? CatalogSnapshot.defaultPath(for: url, root: root)
      let shown = IngestPaths.display(path, root: root)
      switch resolver.fetchSnapshot(url, source: source) {
      case .failure(let failure):
        problems.append(Diagnostic(code: failure.code, message: failure.message, location: source.declaredAt))
      case .success(let fetched):
        // What was read must be a catalog before it replaces the last good snapshot.
        let read = CatalogContextSource.read(
          path: path, name: url, displayPath: shown, options: IngestOptions(), contents: fetched.bytes)
        if let failure = read.failures.first {
          problems.append(
            Diagnostic(
              code: failure.code, message: "catalog source '\(url)': the snapshot is not written: \(failure.message)",
              location: source.declaredAt))
          continue
        }
        do {
          try OutputWriter.write(String(decoding: fetched.bytes, as: UTF8.self), to: path, root: root)
        } catch {
          problems.append(
            Diagnostic(
              code: "context.snapshot-not-written",
              message: "catalog source '\(url)': cannot write its snapshot to '\(shown)': \(OutputWriter.reason(error))",
              location: source.declaredAt))
          continue
        }
        let pages = fetched.pages == 1 ? "1 page" : "\(fetched.pages) pages"
        report += "\(url): \(read.entityCount) entities in \(pages) -> \(shown) (\(fetched.fetchedAt))\n"
      }
    }
    return CatalogPull(
      report: report, problems: renderer.render(problems),
      exitStatus: problems.isEmpty ? ExitStatus.success : ExitStatus.inputErrors)
  }
}
