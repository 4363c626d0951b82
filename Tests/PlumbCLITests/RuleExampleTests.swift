import PlumbKit
import PlumbPolicy
import Testing

/// Every shipped rule's examples, one test per rule, so a failure names its rule (and
/// `swift test --filter RuleExampleTests` reruns one).
@Suite struct RuleExampleTests {
  /// The built-in library, compiled once for every argument.
  static let library = PolicyLoading.library(paths: [], builtins: true).0

  /// The IDs of the shipped rules, in library order.
  static let ruleIDs: [String] = library.rules.map(\.id)

  @Test func theBuiltInLibraryCompilesWithoutErrors() {
    let problems = PolicyLoading.library(paths: [], builtins: true).1.filter { $0.severity == .error }
    #expect(problems.isEmpty, "\(problems)")
    #expect(Self.ruleIDs.count >= 100, "only \(Self.ruleIDs.count) built-in rules compiled")
  }

  @Test(arguments: ruleIDs)
  func ruleBehavesAsItsExamplesSay(_ ruleID: String) throws {
    let rule = try #require(Self.library.rules.first { $0.id == ruleID })
    let result = RuleTestRunner().run(rule)
    #expect(result.problems.isEmpty, "\(result.problems)")
    for example in result.examples where !example.passed {
      Issue.record("\(ruleID), \(example.name) (\(example.verdict)): \(example.problems.joined(separator: "; "))")
    }
    #expect(!result.examples.isEmpty)
  }
}
