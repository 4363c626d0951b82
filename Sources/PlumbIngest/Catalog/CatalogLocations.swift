import Foundation
import PlumbDiagnostics
import PlumbYAML

/// Resolves a Location entity's targets to files, the way the catalog's file reader does:
/// relative to the Location's own file, with `*`, `?` and `**` globs, never leaving the ingest
/// root. URL targets are recorded, not fetched.
struct CatalogLocationResolver {
  /// One file a Location asks to read.
  struct Target {
    /// The file's absolute, standardised path.
    let absolutePath: String
    /// The target's node.
    let location: SourceLocation
    /// Whether it came from a glob (a glob that matches its own Location's file is not a loop).
    let fromGlob: Bool
  }

  private(set) var diagnostics: [Diagnostic] = []

  /// Location types whose targets are files in the checkout.
  static let fileTypes: Set<String> = ["file", "url"]

  /// Resolves every target of `request`, written in the file at `fileAbsolutePath`.
  mutating func resolve(
    _ request: CatalogLocationRequest, fileAbsolutePath: String, context: IngestContext
  ) -> [Target] {
    if let type = request.type, !Self.fileTypes.contains(type) {
      if let node = request.typeNode, !request.targets.isEmpty {
        report(
          "unsupported-location-type", .note, "location type '\(type)' is not followed; its targets are not read",
          at: node.location)
      }
      return []
    }
    let directory = (fileAbsolutePath as NSString).deletingLastPathComponent
    var result: [Target] = []
    for (node, text) in request.targets {
      let location = node.location
      if Self.isAbsoluteURL(text) {
        report("remote-target", .note, "location target '\(text)' is a URL; it is recorded but not fetched", at: location)
        continue
      }
      let joined = text.hasPrefix("/") ? text : directory + "/" + text
      let absolute = IngestContext.standardize(joined)
      guard context.isInsideRoot(absolute) else {
        report(
          "target-outside-root", .error, "location target '\(text)' resolves outside the ingest root; it is not read",
          at: location)
        continue
      }
      let missingSeverity: DiagnosticSeverity = request.optional ? .note : .error
      if Self.isGlob(text) {
        let matches = Self.expandGlob(absolute)
        for match in matches {
          guard context.isInsideRoot(match) else {
            report(
              "target-outside-root", .error,
              "location target '\(text)' matches '\(context.relative(match))', "
                + "which resolves outside the ingest root; it is not read",
              at: location)
            continue
          }
          result.append(Target(absolutePath: match, location: location, fromGlob: true))
        }
        if matches.isEmpty {
          report("missing-target", missingSeverity, "location target '\(text)' matches no file", at: location)
        }
        continue
      }
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) else {
        report(
          "missing-target", missingSeverity,
          "location target '\(text)' does not exist: no file at '\(context.relative(absolute))'", at: location)
        continue
      }
      if isDirectory.boolValue {
        report("invalid-target", .error, "location target '\(text)' is a directory, not a file", at: location)
        continue
      }
      result.append(Target(absolutePath: absolute, location: location, fromGlob: false))
    }
    return result
  }

  private mutating func report(
    _ code: String, _ severity: DiagnosticSeverity, _ message: String, at location: SourceLocation
  ) {
    diagnostics.append(Diagnostic(code: "catalog." + code, severity: severity, message: message, location: location))
  }

  // MARK: Helpers

  /// `scheme://…`.
  static func isAbsoluteURL(_ text: String) -> Bool {
    guard let range = text.range(of: "://") else { return false }
    let scheme = text[text.startIndex..<range.lowerBound].unicodeScalars
    let isLetter: (Unicode.Scalar) -> Bool = { ("a"..."z").contains($0) || ("A"..."Z").contains($0) }
    guard let first = scheme.first, isLetter(first) else { return false }
    return scheme.allSatisfy { isLetter($0) || ("0"..."9").contains($0) || $0 == "+" || $0 == "-" || $0 == "." }
  }

  static func isGlob(_ text: String) -> Bool { text.contains("*") || text.contains("?") }

  /// The regular files matching an absolute glob pattern, sorted. `*` and `?` match within one
  /// path segment and not a leading `.`; `**` matches any number of directories (not hidden ones,
  /// and not through directory symlinks).
  static func expandGlob(_ pattern: String) -> [String] {
    let segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    var found = Set<String>()
    // Work items: (directory, index of the next segment). Iterative, so deep trees cannot
    // exhaust the stack.
    var work: [(String, Int)] = [("", 0)]
    var visited = Set<String>()
    let manager = FileManager.default
    while let (directory, index) = work.popLast() {
      guard visited.insert("\(index)\u{0}\(directory)").inserted else { continue }
      guard index < segments.count else { continue }
      let segment = segments[index]
      let isLast = index == segments.count - 1
      let base = directory.isEmpty ? "/" : directory
      if segment == "**" {
        if isLast {
          // `dir/**`: every file below.
          for (path, isDir) in entries(base, manager) where !isDir && !isHidden(path) { found.insert(path) }
        } else {
          work.append((directory, index + 1))
        }
        for (path, isDir) in entries(base, manager) where isDir && !isHidden(path) && !isSymlink(path, manager) {
          work.append((path, index))
        }
      } else if isGlob(segment) {
        for (path, isDir) in entries(base, manager) {
          let name = (path as NSString).lastPathComponent
          guard matches(name, segment) else { continue }
          if isLast {
            if !isDir { found.insert(path) }
          } else if isDir {
            work.append((path, index + 1))
          }
        }
      } else {
        let path = directory + "/" + segment
        var isDir: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDir) else { continue }
        if isLast {
          if !isDir.boolValue { found.insert(path) }
        } else if isDir.boolValue {
          work.append((path, index + 1))
        }
      }
    }
    return found.sorted()
  }

  private static func entries(_ directory: String, _ manager: FileManager) -> [(String, Bool)] {
    guard let names = try? manager.contentsOfDirectory(atPath: directory) else { return [] }
    let prefix = directory == "/" ? "/" : directory + "/"
    return names.sorted().map { name in
      let path = prefix + name
      var isDir: ObjCBool = false
      _ = manager.fileExists(atPath: path, isDirectory: &isDir)
      return (path, isDir.boolValue)
    }
  }

  private static func isHidden(_ path: String) -> Bool { (path as NSString).lastPathComponent.hasPrefix(".") }

  private static func isSymlink(_ path: String, _ manager: FileManager) -> Bool {
    (try? manager.destinationOfSymbolicLink(atPath: path)) != nil
  }

  /// Whether `name` matches a one-segment pattern of literals, `*` and `?`.
  static func matches(_ name: String, _ pattern: String) -> Bool {
    let n = Array(name.unicodeScalars)
    let p = Array(pattern.unicodeScalars)
    // Wildcards never match a leading dot.
    if n.first == "." && p.first != "." { return false }
    var ni = 0
    var pi = 0
    var starP = -1
    var starN = 0
    while ni < n.count {
      if pi < p.count && (p[pi] == "?" || p[pi] == n[ni]) && p[pi] != "*" {
        ni += 1
        pi += 1
      } else if pi < p.count && p[pi] == "*" {
        starP = pi
        starN = ni
        pi += 1
      } else if starP >= 0 {
        pi = starP + 1
        starN += 1
        ni = starN
      } else {
        return false
      }
    }
    while pi < p.count && p[pi] == "*" { pi += 1 }
    return pi == p.count
  }
}
