import Foundation
import Testing

@testable import PlumbPolicy

/// `split` and `replace` search literally, left to right, without overlaps, like Foundation's
/// `components(separatedBy:)` and `replacingOccurrences(of:with:)` on the texts rules see.
@Suite struct LiteralTextTests {
  @Test func splitKeepsEmptyPiecesAtBothEndsAndBetweenSeparators() {
    #expect(LiteralText.split("a,b,,c", separator: ",") == ["a", "b", "", "c"])
    #expect(LiteralText.split(",a,", separator: ",") == ["", "a", ""])
    #expect(LiteralText.split("", separator: ",") == [""])
    #expect(LiteralText.split("abc", separator: "abcd") == ["abc"])
    #expect(LiteralText.split("x::y::", separator: "::") == ["x", "y", ""])
    for (text, separator) in [("a,b,,c", ","), ("línea\nñ\n", "\n"), ("x::y::", "::"), ("ééé", "é")] {
      #expect(LiteralText.split(text, separator: separator) == text.components(separatedBy: separator))
    }
  }

  @Test func replaceIsLeftToRightWithoutOverlapsAndKeepsMultibyteText() {
    #expect(LiteralText.replacing("aa", with: "X", in: "aaa") == "Xa")
    #expect(LiteralText.replacing("inputs.", with: "", in: "github.event.inputs.name") == "github.event.name")
    #expect(LiteralText.replacing("ü", with: "ue", in: "Grüße über") == "Grueße ueber")
    #expect(LiteralText.replacing("zz", with: "y", in: "abc") == "abc")
    #expect(LiteralText.replacing("b", with: "", in: "bbb") == "")
  }

  @Test func containsAnswersAsFoundationDoes() {
    let texts = [
      "", "a", "abc", "curl -sSL https://get.example.com | sh", String(repeating: "x", count: 40) + "needle",
      "café", "cafe\u{301}", "Grüße über", "e", "ü", "日本語のテキスト", "a\u{0}b",
    ]
    let needles = ["", "a", "c", "bc", "abcd", "| sh", "needle", "é", "e", "e\u{301}", "ü", "über", "本語", "\u{0}", "x"]
    for text in texts {
      for needle in needles {
        #expect(LiteralText.contains(text, needle) == text.contains(needle), "\(text.debugDescription) ∋ \(needle.debugDescription)")
      }
    }
    #expect(LiteralText.contains("echo $X >> $GITHUB_ENV", "GITHUB_ENV"))
    #expect(!LiteralText.contains("echo", "echo hello"))
  }

  @Test func splitAndReplaceWorkThroughTheLanguage() {
    var fixture = GraphFixture()
    fixture.add("catalog.Component", "a-b-c", "metadata:\n  name: a-b-c\n")
    let graph = fixture.build()
    let result = evaluate(
      """
      rule parts {
        title "t"
        category ownership
        for c in catalog.Component
        let parts = split(c.metadata.name, "-")
        require count(parts) == 2 and replace(c.metadata.name, "-", "_") == "a_b"
          else "${count(parts)} parts, ${replace(c.metadata.name, "-", "_")}"
      }
      """, graph)
    #expect(result.findings.map(\.message) == ["3 parts, a_b_c"])
  }
}
