import PlumbDiagnostics
import PlumbPolicy

/// Loads built-in rules plus user rule directories, for the commands that only need rules.
public enum PolicyLoading {
  /// The library from the built-in policies (unless `builtins` is false) and `paths`.
  public static func library(paths: [String], builtins: Bool = true) -> (PolicyLibrary, [Diagnostic]) {
    let (sources, problems) = PolicyLibrary.read(paths: paths)
    let library = PolicyLibrary(sources: (builtins ? BuiltinPolicies.sources : []) + sources)
    return (library, problems + library.diagnostics)
  }
}
