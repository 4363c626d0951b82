import ArgumentParser
import Foundation
import PlumbKit
import PlumbDiagnostics
import PlumbFiles

extension PlumbCommand {
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check catalogs, plans and pipelines against the rules and a policy pack.",
      discussion: """
        Loads the inputs into the document graph, evaluates the built-in rules and any rules \
        given with --rules (or `rules:` in .plumb.yaml) through the policy pack (--pack, \
        `pack:` in .plumb.yaml, else 'baseline'), applies waivers (.plumb-waivers.yaml or \
        --waivers) and inline `# plumb:ignore rule -- reason` comments, compares with a \
        baseline (--baseline, --baseline-ref) and writes each --output.

        Output formats: \(OutputRequest.knownFormats.joined(separator: ", ")).

        The central catalog is context (--catalog, `catalog:` in .plumb.yaml): a catalog \
        directory, a Backstage entities export or snapshot, or a live catalog API URL. Its \
        entities resolve references, relations and joins; only the repository's own inputs are \
        checked (--check-context checks the context too). See docs/organisation.md.

        Exit status (the first that applies, in this order): 64 usage error, 3 policy errors \
        (rules, packs, waivers, configuration), 2 input errors (unreadable, malformed, unknown \
        format when named, invalid; an unreadable baseline; an output that cannot be written; \
        a catalog context that cannot be read or a snapshot older than its maximum age), \
        4 nothing evaluated, 1 blocking findings, 0 pass. See docs/exit-codes.md.
        """
    )

    @Argument(help: "Files or directories to check.")
    var paths: [String]

    @Option(name: .customLong("rules"), help: "More rule and policy files or directories (repeatable).")
    var ruleDirectories: [String] = []

    @Option(help: "The policy pack to apply.")
    var pack: String?

    @Flag(help: "Do not load the rules that ship with Plumb.")
    var noBuiltinRules = false

    @Option(
      help: """
        The repository root: references never leave it; paths are shown relative to it \
        (default: the git top level of the first path, else the current directory).
        """)
    var root: String?

    @Option(help: "Base URL of rule documentation pages, <base>/<rule>.md (default: rule_docs_base in .plumb.yaml, else Plumb's published pages).")
    var ruleDocsBase: String?

    @Option(
      help: """
        Base URL that path#L<line> links are made from, e.g. https://github.com/OWNER/REPO/blob/SHA/ \
        (default: source_link_base in .plumb.yaml, else from GITHUB_SERVER_URL/GITHUB_REPOSITORY/GITHUB_SHA \
        or CI_PROJECT_URL/CI_COMMIT_SHA; empty: no links).
        """)
    var sourceLinkBase: String?

    @Option(help: "The code-scanning category: SARIF's automationDetails.id is plumb/<category>/ (default: check).")
    var sarifCategory: String?

    @Option(
      name: .customLong("output"),
      help: ArgumentHelp(
        "An output: FORMAT or FORMAT=PATH (repeatable; no PATH: standard output; default: outputs in .plumb.yaml, else text).",
        valueName: "format[=path]"))
    var outputs: [String] = []

    @Option(help: "Which findings fail the build, by their rule's enforcement level (never: none do; default: fail_on in .plumb.yaml, else block).")
    var failOn: GateOptions.FailOn?

    @Option(help: "Only findings of rules at this severity or above fail the build.")
    var failOnSeverity: Severity?

    @Option(help: "Whether indeterminate findings (values unknown until apply) of failing levels block, or only warn.")
    var indeterminate: GateOptions.Indeterminate = .block

    @Option(help: "The lowest enforcement level the text output shows (blocking findings always show); never changes what fails.")
    var show: ShowLevel = .advisory

    @Option(help: "The waiver file (default: .plumb-waivers.yaml at the root, if present).")
    var waivers: String?

    @Option(help: "A JSON report of an earlier run (--output json=FILE) to compare with.")
    var baseline: String?

    @Option(help: "A git revision: check the same paths as they were there and compare with its findings.")
    var baselineRef: String?

    @Flag(help: "Only findings not in the baseline fail the build (needs --baseline or --baseline-ref).")
    var newOnly = false

    @Option(help: "The date waivers expire against, YYYY-MM-DD (default: $PLUMB_TODAY, else today in UTC).")
    var today: String?

    @Option(help: "Colour output: auto, always or never.")
    var color: ColorMode = .auto

    @Flag(help: "Print to standard error where the time went: each phase and the slowest rules.")
    var profile = false

    @OptionGroup(title: "Exclusions")
    var exclusions: ExclusionArguments
    @OptionGroup(title: "Repository identity")
    var identity: RepositoryArguments

    @OptionGroup(title: "Catalog context")
    var catalog: CatalogArguments

    func validate() throws {
      for output in outputs {
        if case .failure(let error) = OutputRequest.parse(output) { throw ValidationError(error.message) }
      }
      if baseline != nil && baselineRef != nil {
        throw ValidationError("give either --baseline or --baseline-ref, not both")
      }
      if newOnly && baseline == nil && baselineRef == nil {
        throw ValidationError("--new-only needs a baseline: --baseline FILE or --baseline-ref REF")
      }
      if let today, ISODate(today) == nil {
        throw ValidationError("--today must be a date written YYYY-MM-DD, found '\(today)'")
      }
      try validateLinkBase(ruleDocsBase, flag: "--rule-docs-base")
      try validateLinkBase(sourceLinkBase, flag: "--source-link-base")
      if today == nil, ISODate.today() == nil {
        let value = ProcessInfo.processInfo.environment["PLUMB_TODAY"] ?? ""
        throw ValidationError("PLUMB_TODAY must be a date written YYYY-MM-DD, found '\(value)'")
      }
    }

    /// How many errors are printed to standard error when no text output goes to standard output.
    static let errorsOnStandardError = 20

    func run() throws {
      // Valid by now (`validate`).
      let named = outputs.compactMap { try? OutputRequest.parse($0).get() }
      var options = CheckOptions(paths: paths, root: root)
      options.ruleDirectories = ruleDirectories
      options.pack = pack
      options.useBuiltinRules = !noBuiltinRules
      if let failOn {
        options.gate.failOn = failOn
        options.failOnIsExplicit = true
      }
      options.gate.minimumSeverity = failOnSeverity
      options.gate.indeterminate = indeterminate
      options.gate.newOnly = newOnly
      options.waiversPath = waivers
      options.exclude = exclusions.patterns
      options.respectGitignore = exclusions.respectGitignore
      options.baseline = baseline.map(BaselineSource.file) ?? baselineRef.map(BaselineSource.gitRevision)
      options.today = today.flatMap(ISODate.init) ?? ISODate.today()
      options.arguments = Array(CommandLine.arguments.dropFirst())
      options.catalog = catalog.options
      options.repository = identity.overrides
      options.ruleDocsBase = ruleDocsBase
      options.sourceLinkBase = sourceLinkBase
      options.codeScanningCategory = sarifCategory
      options.outputPaths = named.compactMap(\.path)
      let progress = ProgressLine("checking")
      let run = CheckRun.run(options)
      progress.finish()

      var status = run.exitStatus
      // The command line's outputs replace the configuration's; without either, text.
      let requests = !named.isEmpty ? named : !run.configuredOutputs.isEmpty ? run.configuredOutputs : [OutputRequest(format: "text")]
      let terminal = color.enabled(isTTY: isatty(STDOUT_FILENO) == 1)
      for request in requests {
        let text = run.render(request.format, colored: request.path == nil && terminal, show: show) ?? ""
        PhaseClock.mark("render \(request.format)")
        guard let path = request.path else {
          // Every format escapes what it holds for itself; `github` is workflow commands.
          Console.write(text, to: .standardOutput, guarded: false)
          continue
        }
        do {
          try OutputWriter.write(text, to: path, root: run.ingest.root)
        } catch {
          let reason = OutputWriter.reason(error)
          Console.write(
            "plumb: cannot write \(request.format) output to '\(Console.quoted(path))': \(reason)\n", to: .standardError)
          status = ExitStatus.mostSevere(status, ExitStatus.inputErrors)
        }
      }
      // With no text on standard output (only files, or machine formats), the errors that fail the
      // run still reach the person reading the CI log.
      if !requests.contains(where: { $0.format == "text" && $0.path == nil }) {
        let errors = (run.policyDiagnostics + run.inputDiagnostics).filter { $0.severity == .error }
        if !errors.isEmpty {
          let colored = color.enabled(isTTY: isatty(STDERR_FILENO) == 1)
          let shown = Array(errors.prefix(Self.errorsOnStandardError))
          var text = DiagnosticRendering.renderer(run, colored: colored).render(shown)
          if errors.count > shown.count {
            text += "plumb: \(errors.count - shown.count) more errors; every one is in the report\n"
          }
          Console.write(text, to: .standardError)
        }
      }
      if profile { Console.write(run.timings.rendered(), to: .standardError) }
      // The run (graph, loaded files, findings) lives until the process exits, which frees it at
      // once instead of object by object (half a second for an organisation-sized graph).
      keptUntilExit = run
      PhaseClock.mark("write")
      if status != ExitStatus.success { throw ExitCode(status) }
    }
  }

  struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run every rule's examples and report coverage.",
      discussion: """
        Runs the inline examples of the built-in rules and of the rules under the given paths \
        (and `examples for RULE { … }` blocks in test files). A rule fails when an example \
        does not behave as declared, or when it has no failing or no passing example. Exit \
        status: 0 when every rule passed, 1 when one failed, 3 when a rule did not compile.
        """
    )

    @Argument(help: "Rule files or directories to test in addition to the built-in rules.")
    var paths: [String] = []

    @Option(name: .customLong("rule"), help: "Only test this rule (repeatable).")
    var only: [String] = []

    @Flag(help: "Do not test the rules that ship with Plumb.")
    var noBuiltinRules = false

    func run() throws {
      let (library, problems) = PolicyLoading.library(paths: paths, builtins: !noBuiltinRules)
      if problems.contains(where: { $0.severity == .error }) {
        let renderer = DiagnosticRendering.renderer(library)
        Console.write(renderer.render(problems), to: .standardError)
        throw ExitCode(ExitStatus.policyErrors)
      }
      let results = RuleTestRunner().run(library, only: only.isEmpty ? nil : Set(only))
      Console.write(RuleTestRunner.report(results), to: .standardOutput)
      if results.isEmpty {
        Console.write("plumb: no rule to test\n", to: .standardError)
        throw ExitCode(ExitStatus.nothingEvaluated)
      }
      if results.contains(where: { !$0.passed }) { throw ExitCode(ExitStatus.blockingFindings) }
    }
  }

  struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a rule's documentation and examples.")

    @Argument(help: "The rule's id.")
    var rule: String

    @Option(name: .customLong("rules"), help: "More rule files or directories.")
    var ruleDirectories: [String] = []

    func run() throws {
      let (library, _) = PolicyLoading.library(paths: ruleDirectories)
      guard let compiled = library.rule(rule) else {
        let ids = library.rules.map(\.id)
        let hint = ids.min { editCost(rule, $0) < editCost(rule, $1) }.map { "; did you mean '\($0)'?" } ?? ""
        Console.write("plumb: no rule '\(Console.quoted(rule))'\(hint)\n", to: .standardError)
        throw ExitCode(ExitStatus.usage)
      }
      // The page holds the rule's own texts (a user rule's title, examples): guarded.
      Console.write(RuleDocumentation.markdown(compiled), to: .standardOutput)
    }

    private func editCost(_ a: String, _ b: String) -> Int {
      Set(a).symmetricDifference(Set(b)).count + abs(a.count - b.count)
    }
  }

  struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the rules with id, severity, category and title.")

    @Option(name: .customLong("rules"), help: "More rule files or directories.")
    var ruleDirectories: [String] = []

    @Option(help: "Show each rule's enforcement level in this policy pack.")
    var pack: String?

    func run() throws {
      let (library, problems) = PolicyLoading.library(paths: ruleDirectories)
      if problems.contains(where: { $0.severity == .error }) {
        Console.write(DiagnosticRendering.renderer(library).render(problems), to: .standardError)
        throw ExitCode(ExitStatus.policyErrors)
      }
      var enforcement: [String: PlumbKit.Enforcement] = [:]
      if let pack {
        guard let declaration = library.packs[pack] else {
          // The same problem, and the same exit status (3), as `plumb check --pack`.
          let problem = PolicyLoading.unknownPack(pack, in: library)
          Console.write(DiagnosticRendering.renderer(library).render([problem]), to: .standardError)
          throw ExitCode(ExitStatus.policyErrors)
        }
        for binding in PolicyEngine(library: library, pack: declaration).bindings {
          enforcement[binding.rule.id] = binding.enforcement
        }
      }
      Console.write(RuleDocumentation.list(library.rules, enforcement: enforcement), to: .standardOutput)
    }
  }
}

/// The last check run, never released: the process exit frees its memory.
nonisolated(unsafe) private var keptUntilExit: CheckRun?
