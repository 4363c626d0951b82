import Foundation
import OutputFuzzing
import PlumbDiagnostics
import Testing
import TestSupport

/// The output escapers' deterministic fuzz run (docs/fuzzing.md): seeded hostile strings written
/// into every free-text field of real check and score reports, every format rendered and checked
/// (`OutputHarness`, shared with the `fuzz-output` libFuzzer target).
@Suite struct OutputFuzzTests {
  @Test func everyOutputHoldsItsPropertiesForSeededHostileStrings() {
    var generator = SplitMix64(state: 0x0BAD_5EED_0F0F_7E57)
    var failures: [String] = []
    for index in 0..<120 {
      let strings = OutputHarness.randomStrings(using: &generator)
      let problems = OutputHarness.violations(strings)
      if !problems.isEmpty {
        failures.append("case \(index) \(strings.map { TerminalText.visible($0) }): \(problems.prefix(3))")
      }
      if failures.count >= 3 { break }
    }
    #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
  }

  @Test func theHandWrittenAttacksHoldToo() {
    let attacks = [
      "\n::add-mask::leaked", "\"\u{301} autofocus onfocus=alert(1) x=\"", "<\u{301}script>alert(1)</script>",
      "##[error]x", "#\u{AD}#[x", "\u{1B}[2J\u{202E}", "]]><!-- -->", "javascript:alert(1)", "a|b\nc", "`code` ``",
      "", "\r::warning::x", "\u{3000}::notice::y", "x\u{2028}::error::z",
    ]
    let problems = OutputHarness.violations(attacks)
    #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
  }

  /// The checks find what they look for (a check that cannot fail proves nothing).
  @Test func theChecksCatchBrokenOutputs() {
    #expect(OutputProperties.workflowCommands("ok\n  ::add-mask::x").count == 1)
    #expect(OutputProperties.workflowCommands("a\r::error::x").count == 1)
    #expect(OutputProperties.workflowCommands(":\u{200B}:x").count == 1)
    #expect(OutputProperties.workflowCommands("x ##[error]y").count == 1)
    #expect(OutputProperties.workflowCommands("x #\u{AD}#[y").count == 1)
    #expect(OutputProperties.workflowCommands("::error file=a::m", allowedPrefixes: ["::error "]).isEmpty)
    #expect(OutputProperties.rawHiddenScalars("a\u{1B}[2J").count == 1)
    #expect(OutputProperties.rawHiddenScalars("\u{1B}[1;31mx\u{1B}[0m", allowingColor: true).isEmpty)
    #expect(!OutputProperties.jsonErrors("{\"a\": \"\u{1}\"}").isEmpty)
    #expect(!OutputProperties.xmlElements("<a>\u{1}</a>").errors.isEmpty)
    let html = "<a title=\"x\"\u{301} autofocus onfocus=alert(1)//\">t</a><script>s()</script>"
    #expect(OutputProperties.htmlScriptHooks(html).count == 2)
    #expect(OutputProperties.htmlTags(html).tags.first?.attributes == ["title", "\u{301}", "autofocus", "onfocus"])
    #expect(OutputProperties.htmlTags(html).scripts == ["s()"])
    #expect(OutputProperties.markdownLinkSchemes("[a](javascript:alert(1)) [b](https://x) \\[c\\](data:x)").count == 1)
    #expect(OutputProperties.markdownTableBreaks("| a | b |\n| --- | --- |\n| x | y | z |").count == 1)
    #expect(OutputProperties.markdownHTMLTags("a <b>x</b> \\<i> `<s>`") == ["<b>", "</b>"])
  }
}
