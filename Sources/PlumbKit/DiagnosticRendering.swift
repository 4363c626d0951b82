@_exported import PlumbPolicy
import PlumbDiagnostics

/// Renderers for policy diagnostics (rule files are in memory, so their lines can be shown).
public enum DiagnosticRendering {
  /// A renderer that knows the library's policy sources.
  public static func renderer(_ library: PolicyLibrary, colored: Bool = false) -> DiagnosticRenderer {
    DiagnosticRenderer(sources: library.sources, colored: colored)
  }

  /// A renderer that knows every source a check read (inputs, rules, the waiver file).
  public static func renderer(_ check: CheckRun, colored: Bool = false) -> DiagnosticRenderer {
    DiagnosticRenderer(sources: check.sources, colored: colored)
  }
}
