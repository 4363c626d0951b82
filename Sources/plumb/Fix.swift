import ArgumentParser
import Foundation
import PlumbKit

extension BundleGrouping: ExpressibleByArgument {}

extension PlumbCommand {
  struct Fix: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Fix findings: verified edits of the source files, as a diff, in place, or as pull-request bundles.",
      discussion: """
        Checks the inputs like `plumb check` (same rules, pack, waivers and inline ignores), then \
        turns each finding's fix into byte-exact edits of its source file (a workflow, a catalog \
        file, a pipeline, or the .tf file of a planned resource), keeping comments, indentation, \
        quoting, key order and line endings. Every fix is verified before it is offered: the \
        patched files load, mean what the fix intended, and evaluate again without the finding and \
        without any new one, and a second run changes nothing. Only safe fixes apply unless \
        --unsafe is given. Without --diff, --write or --bundle nothing is changed: a summary is \
        printed.

        Exit status: 0 done (the summary lists fixes that could not be made), 2 an input could \
        not be read or is invalid (its errors go to standard error; the fixes that could be made \
        are still printed or written), or a file or the bundle could not be written, 3 the rules \
        or pack did not load, 64 usage error. See docs/fixes.md.
        """
    )

    @Argument(help: "Files or directories to check and fix.")
    var paths: [String]

    @Flag(help: "Print a unified diff of the fixes (git apply reads it); the summary goes to standard error.")
    var diff = false

    @Flag(help: "Write the fixes into the files (atomically; only inside the root; never through a symlink).")
    var write = false

    @Option(help: "Write one change set per owning team (or rule) to this directory: <name>.patch, <name>.json, index.json.")
    var bundle: String?

    @Option(help: "How --bundle groups fixes: owner (the owning team, via the catalog) or rule.")
    var groupBy: BundleGrouping = .owner

    @Flag(help: "Also apply unsafe fixes (values a person should confirm; Terraform source edits).")
    var unsafe = false

    @Option(name: .customLong("rule"), help: "Only fix findings of this rule (repeatable).")
    var onlyRules: [String] = []

    @Option(help: "The Terraform root module's directory (default: the directory holding the plan).")
    var tfRoot: String?

    @Option(name: .customLong("rules"), help: "More rule and policy files or directories (repeatable).")
    var ruleDirectories: [String] = []

    @Option(help: "The policy pack to apply.")
    var pack: String?

    @Flag(help: "Do not load the rules that ship with Plumb.")
    var noBuiltinRules = false

    @Option(help: "The repository root: references never leave it, and nothing outside it is written.")
    var root: String?

    @Option(help: "The waiver file (default: .plumb-waivers.yaml at the root, if present).")
    var waivers: String?

    @Option(help: "The date waivers expire against, YYYY-MM-DD (default: $PLUMB_TODAY, else today in UTC).")
    var today: String?

    @OptionGroup(title: "Exclusions")
    var exclusions: ExclusionArguments

    @OptionGroup(title: "Catalog context")
    var catalog: CatalogArguments

    func validate() throws {
      if let today, ISODate(today) == nil {
        throw ValidationError("--today must be a date written YYYY-MM-DD, found '\(today)'")
      }
    }

    func run() throws {
      var check = CheckOptions(paths: paths, root: root)
      check.ruleDirectories = ruleDirectories
      check.pack = pack
      check.useBuiltinRules = !noBuiltinRules
      check.waiversPath = waivers
      check.exclude = exclusions.patterns
      check.respectGitignore = exclusions.respectGitignore
      check.catalog = catalog.options
      check.today = today.flatMap(ISODate.init) ?? ISODate.today()
      check.arguments = Array(CommandLine.arguments.dropFirst())
      var options = FixRunOptions(check: check)
      options.includeUnsafe = unsafe
      options.rules = onlyRules.isEmpty ? nil : Set(onlyRules)
      options.terraformRoot = tfRoot
      let progress = ProgressLine("planning fixes")
      let run = FixRun.run(options)
      progress.finish()

      if run.exitStatus == ExitStatus.policyErrors {
        let renderer = DiagnosticRendering.renderer(run.check.library)
        Console.write(renderer.render(run.check.policyDiagnostics), to: .standardError)
        throw ExitCode(ExitStatus.policyErrors)
      }
      // Write first, so the summary says what was written, not what was planned.
      let notWritten = write ? run.write() : [:]
      let summary = run.summary(notWritten: notWritten)
      if diff {
        Console.write(run.diff, to: .standardOutput, guarded: false)
        Console.write(summary, to: .standardError)
      } else {
        Console.write(summary, to: .standardOutput)
      }
      var problems = notWritten.sorted { $0.key < $1.key }.map { "\($0.key) was not written: \($0.value)" }
      if let bundle {
        let (notes, errors) = run.bundle(to: bundle, grouping: groupBy)
        for note in notes { Console.write("plumb: \(note)\n", to: .standardError) }
        problems += errors
      }
      for problem in problems { Console.write("plumb: \(problem)\n", to: .standardError) }
      // Inputs that could not be read or are invalid are never silent: their fixes are missing.
      let inputErrors = run.check.inputDiagnostics.filter { $0.severity == .error }
      if !inputErrors.isEmpty {
        Console.write(DiagnosticRendering.renderer(run.check).render(inputErrors), to: .standardError)
      }
      if !problems.isEmpty || !inputErrors.isEmpty { throw ExitCode(ExitStatus.inputErrors) }
    }
  }
}
