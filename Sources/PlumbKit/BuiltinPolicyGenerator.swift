import Foundation
import PlumbPolicy

/// Writes `BuiltinPolicies+Generated.swift`: the texts of `rules/**/*.plumb` and
/// `policies/**/*.plumb`, embedded so the `plumb` binary is self-contained.
///
/// Run `swift run plumb-generate` after changing a rule; a test fails while the file is stale.
public enum BuiltinPolicyGenerator {
  /// The folders read, relative to the package root.
  public static let folders = ["rules", "policies"]

  /// The generated Swift source for the policy files under `root`.
  public static func render(root: String) -> String {
    var out = """
      // GENERATED FILE. DO NOT EDIT! Run `swift run plumb-generate` to update it.
      // Embeds the texts of rules/ and policies/ so the plumb binary is self-contained.
      import PlumbPolicy

      extension BuiltinPolicies {
        static let embedded: [PolicySource] = [

      """
    for path in policyFiles(root: root) {
      let text = (try? String(contentsOfFile: root + "/" + path, encoding: .utf8)) ?? ""
      var fence = "#"
      while text.contains("\"\"\"" + fence) || text.contains("\"" + fence) { fence += "#" }
      out += "    PolicySource(\n      path: \"\(path)\",\n      text: \(fence)\"\"\"\n"
      for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        out += line.isEmpty ? "\n" : "      " + line + "\n"
      }
      if !text.hasSuffix("\n") { out += "\n" }
      out += "      \"\"\"\(fence)),\n"
    }
    out += "  ]\n}\n"
    return out
  }

  /// The policy files under `root`'s folders, sorted, relative to `root`.
  public static func policyFiles(root: String) -> [String] {
    var files: [String] = []
    for folder in folders {
      guard let enumerator = FileManager.default.enumerator(atPath: root + "/" + folder) else { continue }
      while let relative = enumerator.nextObject() as? String {
        if relative.hasSuffix(".plumb") { files.append(folder + "/" + relative) }
      }
    }
    return files.sorted()
  }

  /// Where the generated file lives, relative to the package root.
  public static let outputPath = "Sources/PlumbKit/BuiltinPolicies+Generated.swift"
}

/// The rules, packs and scorecards that ship with Plumb.
public enum BuiltinPolicies {
  /// Every built-in policy source.
  public static var sources: [PolicySource] { embedded }
}
