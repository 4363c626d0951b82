/// Rules with runtime errors, for the policy fuzzers' property "a rule whose evaluation errors
/// never yields pass for that entity" (docs/fuzzing.md).
///
/// A rule that compiled gets a first statement that evaluates an expression which always fails
/// at run time (a division by zero, an overflow, an invalid regular expression built at run time,
/// an empty separator…) inside an operator that would turn a plain value into true (`not`, `==`,
/// `or true`, `exists`, a quantifier, an interpolation…). Since the statement comes before every
/// `when` and `require`, every entity the rule selects must then be judged an error: never pass,
/// never not applicable.
public enum ErrorInjection {
  /// Expressions that always fail at run time, whatever the input.
  public static let failing: [String] = [
    "1 / 0", "1.5 / 0", "9223372036854775807 + 1", "0 - 9223372036854775807 - 2", "3037000500 * 3037000500",
    "to_int(\"99999999999999999999\")", "\"a\" matches \"(\" + \"\"", "split(\"a\", \"\" + \"\")",
    "replace(\"a\", \"\" + \"\", \"b\")", "in_jurisdiction(\"eu-west-1\", \"EU\" + \"X\")",
  ]

  /// Operators around a failing expression `X` that would make a plain value true.
  public static let wrappings: [String] = [
    "X", "not (X)", "(X) == (X)", "(X) != 1", "not ((X) > 1)", "(X) or true", "exists(X)", "not exists(X)",
    "default(X, 1)", "is_unknown(X) or true", "all(e in [1], not ((X) == e))", "count(e in [1, 2], (X) == e) == 0",
    "\"${X}\" != \"\"", "[X]", "{k: X}", "is_empty(X)", "known(X)", "to_string(X)",
  ]

  /// The statement for choice `index` (any integer; taken modulo the combinations).
  public static func statement(_ index: Int) -> String {
    let count = failing.count * wrappings.count
    let choice = ((index % count) + count) % count
    let expression = wrappings[choice % wrappings.count]
      .replacingOccurrences(of: "X", with: failing[choice / wrappings.count])
    return "let plumb_injected_error = \(expression)"
  }

  /// `text` with `statement` inserted on its own line at each UTF-8 byte offset in `offsets`
  /// (the ends of the rules' `for` selectors).
  public static func inject(_ statement: String, into text: String, at offsets: [Int]) -> String {
    var bytes = Array(text.utf8)
    let line = Array("\n  \(statement)\n".utf8)
    for offset in Set(offsets).sorted(by: >) where offset >= 0 && offset <= bytes.count {
      bytes.insert(contentsOf: line, at: offset)
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
