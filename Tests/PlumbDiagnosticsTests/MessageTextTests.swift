import PlumbDiagnostics
import Testing

/// Untrusted text quoted in a one-line diagnostic message.
@Suite struct MessageTextTests {
  @Test(arguments: [
    ("a\nb", "a<U+000A>b"), ("a\tb", "a<U+0009>b"), ("a\rb", "a<U+000D>b"), ("\u{1B}[31m", "<U+001B>[31m"),
    ("x\u{202E}y", "x<U+202E>y"), ("zero\u{200B}width", "zero<U+200B>width"), ("line\u{2028}sep", "line<U+2028>sep"),
    ("\u{FEFF}bom", "<U+FEFF>bom"), ("arabic\u{061C}mark", "arabic<U+061C>mark"), ("\u{0}", "<U+0000>"),
  ])
  func hiddenScalarsAndLineBreaksAreSpelled(_ input: String, _ expected: String) {
    #expect(MessageText.shown(input) == expected)
  }

  @Test func visibleTextIsKeptAsWritten() {
    // A combining mark, a wide character and an emoji with a zero width joiner are text.
    let text = "e\u{301} 名前 👩\u{200D}💻 \"quoted\""
    #expect(MessageText.shown(text) == text)
  }

  @Test func longTextIsCutAtTheLimitInScalars() {
    #expect(MessageText.shown(String(repeating: "a", count: 70), limit: 64) == String(repeating: "a", count: 64) + "…")
    #expect(MessageText.shown("abc", limit: 3) == "abc")
  }
}
