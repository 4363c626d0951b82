import Foundation
import PlumbConfig
import PlumbDiagnostics
import PlumbGraph
import PlumbIngest
import PlumbPolicy
import PlumbReport

/// What `plumb check` was asked to do.
public struct CheckOptions: Sendable {
  /// Files or directories to check.
  public var paths: [String]
  /// The repository root (default: the git top level of the first path; see
  /// ``Ingestor/root(of:given:)``).
  public var root: String?
  /// More rule and policy files or directories.
  public var ruleDirectories: [String] = []
  /// The policy pack to apply (default: `.plumb.yaml`'s `pack`, else `baseline`).
  public var pack: String?
  /// Whether to load the rules that ship with Plumb.
  public var useBuiltinRules = true
  /// Which findings fail the build.
  public var gate = GateOptions()
  /// Whether `gate.failOn` was chosen by the caller (`--fail-on`); otherwise `fail_on:` in
  /// `.plumb.yaml` sets it.
  public var failOnIsExplicit = false
  /// The files the caller writes the outputs to (`--output FORMAT=PATH`): never read as inputs,
  /// so a report written under the root is not an input of the next run there.
  public var outputPaths: [String] = []
  /// The waiver file (default: `waivers:` in `.plumb.yaml`, else `.plumb-waivers.yaml` at the
  /// root, if present).
  public var waiversPath: String?
  /// `--exclude` patterns (`.gitignore` syntax, relative to the root), after `exclude:`.
  public var exclude: [String] = []
  /// `--respect-gitignore`: the root's `.gitignore` excludes inputs too.
  public var respectGitignore = false
  /// The baseline to compare with, if any.
  public var baseline: BaselineSource?
  /// The date waivers expire against (default: `PLUMB_TODAY`, else today in UTC).
  public var today: ISODate?
  /// The command line, recorded in reports.
  public var arguments: [String] = []
  /// The repository, branch, default branch and commit as given on the command line (each
  /// overrides what `RepositoryIdentityResolver` would find).
  public var repository = RepositoryIdentityResolver.Overrides()
  /// The configuration, when the caller has read it already (nil: `.plumb.yaml` at the root is
  /// read, once, by the run).
  public var configuration: PlumbConfiguration?
  /// Catalog context from the command line (`--catalog`, `--check-context`, …), besides
  /// `catalog:` in the configuration.
  public var catalog = CatalogContextOptions()
  /// `--rule-docs-base` (nil: `.plumb.yaml`'s `rule_docs_base`, else ``ReportLinks/defaultRuleDocsBase``).
  public var ruleDocsBase: String?
  /// `--source-link-base` (nil: `.plumb.yaml`'s `source_link_base`, else from the CI variables).
  public var sourceLinkBase: String?
  /// `--sarif-category`: SARIF's `automationDetails.id` is `plumb/<category>/` (nil: `check`).
  public var codeScanningCategory: String?
  /// The environment the CI variables are read from (`GITHUB_*`, `CI_PROJECT_URL`, …).
  public var environment: [String: String] = ProcessInfo.processInfo.environment

  /// Creates options.
  public init(paths: [String], root: String? = nil) {
    self.paths = paths
    self.root = root
  }
}

/// One `plumb check`: ingest, load rules, evaluate, apply waivers and inline ignores, compare with
/// the baseline, gate, and build the ``CheckReport`` every output format renders.
public struct CheckRun: Sendable {
  /// The configuration the run read (`.plumb.yaml`), handed to every stage.
  public let configuration: PlumbConfiguration
  /// The options the inputs were ingested with, the catalog context included (a re-ingest, such
  /// as a fix's verification or a baseline at a git revision, uses the same).
  public let ingestOptions: IngestOptions
  /// The catalog context as resolved: its sources and what failed.
  public let context: ResolvedCatalogContext
  /// The ingested inputs.
  public let ingest: IngestResult
  /// The rules, packs and scorecards loaded.
  public let library: PolicyLibrary
  /// The pack applied, if any.
  public let pack: PackDecl?
  /// The evaluation (nil when the rules did not compile).
  public let result: EvaluationResult?
  /// The waiver file read.
  public let waiverFile: WaiverFile
  /// The report: findings with enforcement, suppression, baseline status and blocking; the exit
  /// status and verdict.
  public let report: CheckReport
  /// Where the time went (`plumb check --profile`).
  public let timings: CheckTimings
  /// Where rule and source links lead in every output.
  public let links: ReportLinks
  /// SARIF's code-scanning category (`--sarif-category`).
  public let codeScanningCategory: String?
  /// The outputs `.plumb.yaml` asks for (`outputs:`), for a command line that names none.
  public let configuredOutputs: [OutputRequest]

  /// Problems with rules, packs, configuration, waivers and inline ignores.
  public var policyDiagnostics: [Diagnostic] { report.policyDiagnostics }
  /// Problems with inputs (and with the baseline).
  public var inputDiagnostics: [Diagnostic] { report.inputDiagnostics }
  /// The exit status the gate decided.
  public var exitStatus: Int32 { report.exitStatus }
  /// Findings that fail the build.
  public var blockingFindings: [ReportedFinding] { report.findings.filter(\.blocking) }

  /// Every source file a reporter may quote: inputs, rules, the waiver file.
  public var sources: [SourceFile] {
    ingest.sources + library.sources + [waiverFile.source, configuration.source].compactMap { $0 }
  }

  /// Runs a check.
  public static func run(_ options: CheckOptions) -> CheckRun {
    PhaseClock.mark("start")
    // Reading the inputs and compiling the rules are independent: they run at the same time.
    let root = Ingestor.root(of: options.paths, given: options.root)
    // The configuration is read once, here, and handed to ingest, policy and the gate.
    var loaded = options.configuration ?? PlumbConfiguration.load(root: root)
    loaded.addCommandLine(exclude: options.exclude, respectGitignore: options.respectGitignore)
    let configuration = loaded
    var outputProblems: [Diagnostic] = []
    let configuredOutputs = Self.outputs(configuration, problems: &outputProblems)
    let writtenFiles = options.outputPaths + configuredOutputs.compactMap(\.path)
    let clock = ContinuousClock()
    // The catalog context is read (and a live catalog asked) while the rules compile, and then
    // handed to every ingest of the run.
    let (((context, ingestOptions, ingest), ingestTime), ((policy, policyTime), repository)) = concurrently(
      {
        clock.measured {
          var ingestOptions = IngestOptions(configuration: configuration)
          // The waiver file is policy: when a walk finds it, or it is named, it is not an input.
          if let path = options.waiversPath { ingestOptions.policyFiles.insert(IngestPaths.absolute(path)) }
          // Plumb's own outputs are not inputs either.
          for path in writtenFiles { ingestOptions.policyFiles.insert(IngestPaths.absolute(path)) }
          let context = CatalogContextResolver(root: root, options: options.catalog, ingestOptions: ingestOptions)
            .resolve(configuration.catalog + options.catalog.sources)
          PhaseClock.mark("catalog context")
          if !context.context.sources.isEmpty { ingestOptions.catalogContext = context.context }
          ingestOptions.checkContext = options.catalog.check
          return (context, ingestOptions, Ingestor(options: ingestOptions).ingest(paths: options.paths, root: root))
        }
      },
      {
        // The repository's identity asks git (process starts): it waits beside the inputs too.
        (
          clock.measured { loadPolicy(options, configuration: configuration) },
          RepositoryIdentityResolver.resolve(
            root: root, configured: configuration.repository, overrides: options.repository)
        )
      })
    PhaseClock.mark("ingest and policy (concurrently)")
    // `.plumb.yaml` is configuration: its problems are policy problems (exit 3), not input errors.
    var policyProblems = policy.problems + GraphBuilder.sortedByLocation(configuration.diagnostics)

    // A catalog context that could not be read fails the run (exit 2); its own files' problems
    // are the central catalog's, reported only when it is checked.
    var inputDiagnostics = context.failures + context.warnings
    inputDiagnostics += ingest.graph.diagnostics
    if options.catalog.check { inputDiagnostics += ingest.graph.context.diagnostics }

    let engine = policy.compiled ? PolicyEngine(library: policy.library, pack: policy.pack) : nil
    var (result, evaluationTime) = clock.measured { engine?.evaluate(ingest.graph) }
    if let findings = result?.findings, !options.catalog.check, let context = ingestOptions.catalogContext {
      result?.findings = anchoredInRepository(findings, graph: ingest.graph, context: context)
    }
    PhaseClock.mark("evaluate")
    let gateStart = clock.now

    // Waivers and inline ignores.
    let knownRules = Set(policy.library.rules.map(\.id))
    let waiverFile = WaiverFile.load(
      explicitPath: options.waiversPath,
      configuredPath: configuration.waiverFile == nil ? nil : configuration.waiverFilePath, root: ingest.root, knownRules: policy.compiled ? knownRules : nil)
    policyProblems += waiverFile.diagnostics
    let (ignores, ignoreProblems) = InlineIgnoreScanner().scan(ingest.sources)
    policyProblems += ignoreProblems
    let suppressor = Suppressor(
      waivers: waiverFile.waivers, inlineIgnores: ignores,
      inlineIgnoresForbidden: policy.pack?.forbidInlineIgnores ?? false, packName: policy.pack?.name,
      maximumWaiverDays: policy.pack?.waiverDayLimit ?? PackDecl.defaultMaxWaiverDays,
      today: options.today ?? ISODate.today() ?? ISODate(Date()), knownRules: knownRules)
    let outcome = suppressor.apply(to: result?.findings ?? [])
    var findings: [(finding: Finding, enforcement: Enforcement, suppression: Suppression?)] = []
    if let result {
      policyProblems += result.diagnostics
      policyProblems += outcome.diagnostics
      for (finding, suppression) in zip(result.findings, outcome.suppressions) {
        findings.append((finding, result.enforcement[finding.ruleID] ?? .warn, suppression))
      }
      findings += outcome.expiredWaiverFindings.map { ($0, .block, nil) }
    }

    PhaseClock.mark("suppress")
    // The baseline.
    var baseline: Baseline?
    if let source = options.baseline, let engine {
      switch loadBaseline(source, options: options, ingestOptions: ingestOptions, root: ingest.root, engine: engine) {
      case .success(let loaded): baseline = loaded
      case .failure(let error): inputDiagnostics.append(error.diagnostic)
      }
    }
    let (statuses, fixed) = BaselineComparison.compare(findings.map(\.finding), with: baseline)

    // The gate.
    var gateOptions = options.gate
    if !options.failOnIsExplicit, let configured = configuration.failOn {
      if let value = GateOptions.FailOn(rawValue: configured.value) {
        gateOptions.failOn = value
      } else {
        policyProblems.append(
          Diagnostic(
            code: "config.value",
            message: "'fail_on' is one of \(GateOptions.FailOn.allCases.map(\.rawValue).joined(separator: ", ")), not "
              + "'\(MessageText.shown(configured.value, limit: 200))'",
            location: configured.location))
      }
    }
    policyProblems += outputProblems
    let gate = Gate(options: gateOptions)
    let reported = zip(findings, statuses).map { item, status in
      ReportedFinding(
        finding: item.finding, enforcement: item.enforcement, suppression: item.suppression, baseline: status,
        blocking: gate.isBlocking(
          item.finding, enforcement: item.enforcement, suppressed: item.suppression != nil, baseline: status))
    }.sortedIfNeeded(by: inReportOrder)
    var rules = result.map { ReportedRules.make($0) } ?? []
    if !outcome.expiredWaiverFindings.isEmpty && result != nil {
      rules.append(Suppressor.expiredRule(findings: outcome.expiredWaiverFindings.count))
      rules.sort { $0.id < $1.id }
    }
    let (status, verdict) = Gate.decide(
      policyErrors: policyProblems.count(where: Gate.isFatal),
      inputErrors: inputDiagnostics.count { $0.severity == .error },
      coverage: coverage(ingest, result), blocking: reported.count(where: \.blocking), rulesCompiled: policy.compiled)

    PhaseClock.mark("gate")
    var report = CheckReport(
      toolVersion: Plumb.version, arguments: options.arguments,
      workingDirectory: FileManager.default.currentDirectoryPath, startTime: nil, pack: policy.pack?.name,
      findings: reported, fixed: fixed, rules: rules, inputDiagnostics: inputDiagnostics,
      policyDiagnostics: policyProblems,
      files: ingest.files.map {
        InputFileSummary(
          path: $0.path, format: $0.format?.rawValue, skipReason: $0.skipReason?.rawValue, failed: $0.status == .failed)
      },
      exitStatus: status, verdict: verdict)
    report.context = contextSummary(context, ingest.graph, checked: options.catalog.check)
    report.repository = repository
    report.root = ingest.root
    PhaseClock.mark("report")
    let timings = CheckTimings(
      ingest: ingestTime, rules: policyTime, evaluation: evaluationTime, gate: clock.now - gateStart,
      perRule: result?.durations ?? [:])
    return CheckRun(
      configuration: configuration, ingestOptions: ingestOptions, context: context, ingest: ingest, library: policy.library, pack: policy.pack, result: result, waiverFile: waiverFile, report: report,
      timings: timings,
      links: ReportLinks.resolve(
        ruleDocsFlag: options.ruleDocsBase, sourceLinkFlag: options.sourceLinkBase,
        configuration: (configuration.ruleDocsBase, configuration.sourceLinkBase), environment: options.environment),
      codeScanningCategory: options.codeScanningCategory, configuredOutputs: configuredOutputs)
  }

  /// `outputs:` of the configuration as requests, paths resolved against the root; an unknown
  /// format is a configuration problem at its entry.
  static func outputs(_ configuration: PlumbConfiguration, problems: inout [Diagnostic]) -> [OutputRequest] {
    configuration.outputs.compactMap { entry in
      switch OutputRequest.parse(entry.value) {
      case .success(var request):
        if let path = request.path {
          request.path = (configuration.root.hasSuffix("/") ? configuration.root : configuration.root + "/") + path
        }
        return request
      case .failure(let error):
        problems.append(Diagnostic(code: "config.value", message: "'outputs': \(error.reason)", location: entry.location))
        return nil
      }
    }
  }

  /// The rules (built-in, `--rules`, `.plumb.yaml`'s `rules:`) and the pack, with their problems;
  /// `compiled` is false when an error means nothing may be evaluated. The configuration's own
  /// problems are not among them (the caller reports those).
  static func loadPolicy(_ options: CheckOptions, configuration: PlumbConfiguration) -> (
    library: PolicyLibrary, pack: PackDecl?, problems: [Diagnostic], compiled: Bool
  ) {
    var problems: [Diagnostic] = []
    var sources = options.useBuiltinRules ? BuiltinPolicies.sources : []
    let (userSources, readProblems) = PolicyLibrary.read(
      paths: options.ruleDirectories + configuration.ruleDirectoryPaths, root: configuration.root)
    sources += userSources
    problems += readProblems
    let library = PolicyLibrary(sources: sources)
    problems += library.diagnostics
    var pack: PackDecl?
    if let name = options.pack ?? configuration.pack {
      pack = library.packs[name]
      if pack == nil { problems.append(PolicyLoading.unknownPack(name, in: library)) }
    } else {
      pack = library.packs["baseline"]
    }
    return (library, pack, problems, !problems.contains { $0.severity == .error })
  }

  /// `findings` with those that point into a catalog context file (a rule's `at` on a joined
  /// context entity) pointed at their own entity instead: a repository's findings stay in the
  /// repository's files, where code scanning and annotations can show them.
  static func anchoredInRepository(_ findings: [Finding], graph: DocumentGraph, context: CatalogContext) -> [Finding] {
    let contextFiles = Set(context.sources.flatMap { $0.sourceFiles.map(\.path) })
    return findings.map { finding in
      guard contextFiles.contains(finding.location.path), let entity = graph.entity(finding.entity),
        !graph.isContext(entity.id)
      else { return finding }
      var anchored = finding
      anchored.location = entity.location
      anchored.definedAt = nil
      return anchored
    }
  }

  /// The catalog context as reports describe it; nil without one.
  static func contextSummary(_ context: ResolvedCatalogContext, _ graph: DocumentGraph, checked: Bool)
    -> CatalogContextSummary?
  {
    guard !context.origins.isEmpty else { return nil }
    return CatalogContextSummary(
      sources: context.origins,
      entities: graph.context.ids.count,
      overlapping: graph.diagnostics.count { $0.code == CatalogContextSource.overlapCode },
      problemsNotReported: checked ? 0 : graph.context.diagnostics.count, checked: checked)
  }

  /// What there was to evaluate.
  static func coverage(_ ingest: IngestResult, _ result: EvaluationResult?) -> Gate.Coverage {
    guard let result else { return .notRun }
    if !ingest.files.contains(where: { $0.format != nil }) { return .noInput }
    if result.rules.isEmpty { return .noRule }
    return result.evaluatedAnything ? .evaluated : .nothingApplied
  }

  /// Findings by file, position, rule, entity, fingerprint: the order of every report.
  static func inReportOrder(_ a: ReportedFinding, _ b: ReportedFinding) -> Bool {
    let (x, y) = (a.finding, b.finding)
    return (x.location.path, x.location.span.start.offset, x.ruleID, x.entity.rawValue, x.fingerprint)
      < (y.location.path, y.location.span.start.offset, y.ruleID, y.entity.rawValue, y.fingerprint)
  }

  /// The baseline findings: read from a report file, or by checking the same paths at a git
  /// revision with the same rules and pack (no waivers: a baseline holds every finding).
  static func loadBaseline(
    _ source: BaselineSource, options: CheckOptions, ingestOptions: IngestOptions, root: String, engine: PolicyEngine
  ) -> Result<Baseline, BaselineError> {
    switch source {
    case .file(let path):
      return Baseline.read(path: path, displayPath: path)
    case .gitRevision(let ref):
      switch GitRevisionCheckout.make(ref: ref, root: root, paths: options.paths) {
      case .failure(let error):
        return .failure(error)
      case .success(let checkout):
        defer { checkout.remove() }
        // The same ingest settings (and catalog context) as the run, so that only the inputs differ.
        let base = Ingestor(options: ingestOptions).ingest(paths: checkout.paths, root: checkout.root)
        let findings = engine.evaluate(base.graph).findings
        return .success(Baseline(findings: findings, origin: "git revision '\(ref)' (\(checkout.commit.prefix(12)))"))
      }
    }
  }

  // MARK: Output

  /// The report in `format` (a reporter identifier), nil for an unknown format. `show` filters the
  /// findings the `text` format lists; it never changes the verdict or the exit status.
  public func render(_ format: String, colored: Bool = false, show: ShowLevel = .advisory) -> String? {
    guard let reporter = Reporters.named(format) else { return nil }
    let shown = format == TextReporter.identifier ? show.filter(report) : report
    return reporter.render(shown, options: reporterOptions(colored: colored))
  }

  /// What every reporter of this run is given: the sources, the links, the SARIF category.
  public func reporterOptions(colored: Bool = false) -> ReporterOptions {
    ReporterOptions(
      sources: sources, colored: colored, ruleDocsBaseURL: links.ruleDocsBase, sourceLinkBaseURL: links.sourceLinkBase,
      codeScanningCategory: codeScanningCategory)
  }

  /// Terminal text (the `text` format).
  public func text(colored: Bool = false, show: ShowLevel = .advisory) -> String {
    render(TextReporter.identifier, colored: colored, show: show) ?? ""
  }
}
