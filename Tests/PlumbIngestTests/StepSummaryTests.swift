import Testing

@testable import PlumbIngest

@Suite struct StepSummaryTests {
  /// What `summary` computed before it stopped splitting the whole script into lines.
  func splitting(_ text: String) -> String {
    let line = text.split(whereSeparator: \.isNewline).first { !$0.allSatisfy(\.isWhitespace) } ?? ""
    var result = String(line.drop { $0.isWhitespace })
    while result.last?.isWhitespace == true { result.removeLast() }
    if result.count > 60 { result = String(result.prefix(59)) + "…" }
    return result
  }

  @Test(arguments: [
    "", " ", "\n\n", "npm test", "  npm test  \n", "\n\n  \t\r\n  make build\nmake test", "echo a\r\necho b",
    "\u{2028}  x \u{2029} y", "\u{85}z", "\u{A0}\u{A0}nbsp first\n", "\t\u{0B}\u{0C}v", String(repeating: "x", count: 70),
    "  " + String(repeating: "é", count: 61) + " \n tail", "line one   \n line two", "é\u{301}\ncombining",
  ])
  func firstNonBlankLineAsBefore(text: String) {
    #expect(GitHubFileReader.summary(text) == splitting(text))
  }
}
