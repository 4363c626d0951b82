import ArgumentParser
import Foundation
import PlumbKit

extension PlumbCommand {
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check catalogs, plans and pipelines against the rules and a policy pack.",
      discussion: """
        Loads the inputs into the document graph, evaluates the built-in rules and any rules \
        given with --rules (or `rules:` in .plumb.yaml) through the policy pack (--pack, \
        `pack:` in .plumb.yaml, else 'baseline'), and prints findings grouped by file with the \
        source line and a caret. Exit status: 0 pass, 1 blocking findings, 2 input errors, \
        3 rule or policy errors, 4 nothing evaluated, 64 usage error.
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

    @Option(help: "The repository root: references never leave it; paths are shown relative to it.")
    var root: String?

    @Option(help: "Colour output: auto, always or never.")
    var color: ColorMode = .auto

    func run() throws {
      var options = CheckOptions(paths: paths, root: root)
      options.ruleDirectories = ruleDirectories
      options.pack = pack
      options.useBuiltinRules = !noBuiltinRules
      let run = CheckRun.run(options)
      let colored = color.enabled(isTTY: isatty(STDOUT_FILENO) == 1)
      FileHandle.standardOutput.write(Data(run.text(colored: colored).utf8))
      let status = run.exitStatus
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
        FileHandle.standardError.write(Data(renderer.render(problems).utf8))
        throw ExitCode(ExitStatus.policyErrors)
      }
      let results = RuleTestRunner().run(library, only: only.isEmpty ? nil : Set(only))
      FileHandle.standardOutput.write(Data(RuleTestRunner.report(results).utf8))
      if results.isEmpty {
        FileHandle.standardError.write(Data("plumb: no rule to test\n".utf8))
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
        FileHandle.standardError.write(Data("plumb: no rule '\(rule)'\(hint)\n".utf8))
        throw ExitCode(ExitStatus.usage)
      }
      FileHandle.standardOutput.write(Data(RuleDocumentation.markdown(compiled).utf8))
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
        FileHandle.standardError.write(Data(DiagnosticRendering.renderer(library).render(problems).utf8))
        throw ExitCode(ExitStatus.policyErrors)
      }
      var enforcement: [String: PlumbKit.Enforcement] = [:]
      if let pack {
        guard let declaration = library.packs[pack] else {
          FileHandle.standardError.write(Data("plumb: no policy pack named '\(pack)'\n".utf8))
          throw ExitCode(ExitStatus.usage)
        }
        for binding in PolicyEngine(library: library, pack: declaration).bindings {
          enforcement[binding.rule.id] = binding.enforcement
        }
      }
      FileHandle.standardOutput.write(Data(RuleDocumentation.list(library.rules, enforcement: enforcement).utf8))
    }
  }
}
