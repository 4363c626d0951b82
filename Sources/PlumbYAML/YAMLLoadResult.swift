import PlumbDiagnostics

/// Everything loading one file produced: its documents and its diagnostics.
///
/// Loading never throws: I/O failures, syntax errors and exceeded limits are diagnostics, and the
/// documents completed before an error are kept.
public struct YAMLLoadResult: Sendable {
  /// The file that was loaded (nil when it could not be read).
  public let source: SourceFile?
  /// The documents of the stream, in order.
  public let documents: [YAMLDocument]
  /// Problems found, in source order.
  public let diagnostics: [Diagnostic]

  /// Whether any diagnostic is an error.
  public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}
