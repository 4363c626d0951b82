import PlumbDiagnostics
import PlumbFiles

/// Standard output and standard error of the `plumb` command: every line it prints goes through
/// here.
///
/// Human-readable text is guarded (``TerminalText/guarded(_:allowingColor:)``): values from the
/// inputs that reach a message (a path, a name, an option's value) cannot rewrite the terminal or
/// start a workflow command in a CI log. Formats that are safe by construction and must reach
/// their reader byte for byte (JSON, SARIF, GitHub annotations, which are workflow commands, and
/// unified diffs) are written with `guarded: false`.
public enum Console {
  /// Where to print.
  public enum Stream: Sendable {
    case standardOutput
    case standardError

    var descriptor: Int32 { self == .standardOutput ? 1 : 2 }
  }

  /// Prints `text` to `stream`, guarded unless `guarded` is false; ANSI colour sequences are kept
  /// when `allowingColor`.
  public static func write(_ text: String, to stream: Stream = .standardOutput, guarded: Bool = true, allowingColor: Bool = false) {
    let shown = guarded ? TerminalText.guarded(text, allowingColor: allowingColor) : text
    try? OutputFile.writeAll(shown, to: stream.descriptor, path: stream == .standardOutput ? "/dev/stdout" : "/dev/stderr")
  }

  /// `value` as it may appear inside a one-line message: hidden scalars and line breaks shown.
  public static func quoted(_ value: String) -> String { TerminalText.oneLine(value) }
}
