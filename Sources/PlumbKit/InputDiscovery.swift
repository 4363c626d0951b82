import Foundation
import PlumbDiagnostics

/// Expands the paths given on the command line into the input files to load.
///
/// A file is taken as given, whatever its name. A directory is walked recursively for `*.yaml`,
/// `*.yml` and `*.json` files, skipping `.git`, `.build*` and `node_modules`. The result is sorted
/// so that every run sees the same files in the same order.
public struct InputDiscovery: Sendable {
  /// File name extensions collected from directories.
  public var extensions: Set<String> = ["yaml", "yml", "json"]

  /// Creates a discovery with the default extensions.
  public init() {}

  /// The files found, and a diagnostic for each path that does not exist.
  public func discover(_ paths: [String]) -> (files: [String], diagnostics: [Diagnostic]) {
    var files: [String] = []
    var diagnostics: [Diagnostic] = []
    let manager = FileManager.default
    for path in paths {
      var isDirectory: ObjCBool = false
      guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
        diagnostics.append(
          Diagnostic(code: "io.missing", message: "no such file or directory: '\(path)'", location: nil))
        continue
      }
      if !isDirectory.boolValue {
        files.append(path)
        continue
      }
      files.append(contentsOf: walk(path))
    }
    var seen = Set<String>()
    return (files.filter { seen.insert($0).inserted }, diagnostics)
  }

  private func walk(_ root: String) -> [String] {
    let manager = FileManager.default
    var found: [String] = []
    var stack = [root]
    while let directory = stack.popLast() {
      guard let names = try? manager.contentsOfDirectory(atPath: directory) else { continue }
      for name in names.sorted() {
        let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
        if isDirectory.boolValue {
          if name == ".git" || name.hasPrefix(".build") || name == "node_modules" { continue }
          // Do not follow directory symlinks: they can loop or leave the tree.
          if (try? manager.destinationOfSymbolicLink(atPath: path)) != nil { continue }
          stack.append(path)
        } else if let dot = name.lastIndex(of: "."), extensions.contains(String(name[name.index(after: dot)...]).lowercased()) {
          found.append(path)
        }
      }
    }
    return found.sorted()
  }
}
