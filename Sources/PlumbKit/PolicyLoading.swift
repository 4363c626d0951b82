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

  /// The problem with a pack name `library` does not declare: `policy.unknown-pack`, a policy
  /// error (exit 3) in every command, listing the known packs.
  public static func unknownPack(_ name: String, in library: PolicyLibrary) -> Diagnostic {
    let known = library.packs.keys.sorted()
    let hint = suggestion(for: name, among: known).map { "did you mean '\($0)'? " } ?? ""
    return Diagnostic(
      code: "policy.unknown-pack",
      message: "no policy pack named '\(MessageText.shown(name, limit: 200))' (\(hint)known: \(known.joined(separator: ", ")))",
      location: nil)
  }
}
