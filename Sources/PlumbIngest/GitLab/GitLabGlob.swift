import Foundation

/// The wildcard patterns of `include: local:` (https://docs.gitlab.com/ci/yaml/#includelocal):
/// `*` matches within one path segment, `**` across segments (so `configs/**.yml` matches every
/// `.yml` file under `configs/`, and `configs/**/*.yml` only those in its subfolders), `?` one
/// character, `[abc]`/`[a-z]`/`[!a]` a class and `{a,b}` alternatives. Dot files match.
enum GitLabGlob {
  /// Whether `path` has wildcard characters.
  static func isPattern(_ path: String) -> Bool {
    path.contains { $0 == "*" || $0 == "?" || $0 == "[" || $0 == "{" }
  }

  private enum Token {
    case literal(UInt8)
    case one
    case star
    case doubleStar
    case set([ClosedRange<UInt8>], negated: Bool)
  }

  /// Whether `path` (relative, `/`-separated) matches `pattern`.
  static func matches(_ pattern: String, _ path: String) -> Bool {
    expandBraces(pattern).contains { matchesExpanded(tokens($0), Array(path.utf8)) }
  }

  /// The patterns `{a,b}` alternatives stand for (nested braces supported; unbalanced braces are
  /// literal).
  static func expandBraces(_ pattern: String) -> [String] {
    let bytes = Array(pattern.utf8)
    guard let open = bytes.firstIndex(of: UInt8(ascii: "{")) else { return [pattern] }
    var depth = 0
    var close: Int?
    var commas: [Int] = []
    for index in open..<bytes.count {
      switch bytes[index] {
      case UInt8(ascii: "{"): depth += 1
      case UInt8(ascii: "}"):
        depth -= 1
        if depth == 0 { close = index }
      case UInt8(ascii: ","): if depth == 1 { commas.append(index) }
      default: break
      }
      if close != nil { break }
    }
    guard let close else { return [pattern] }
    let prefix = String(decoding: bytes[..<open], as: UTF8.self)
    let suffix = String(decoding: bytes[(close + 1)...], as: UTF8.self)
    let bounds = [open] + commas + [close]
    var result: [String] = []
    for index in 0..<(bounds.count - 1) {
      let alternative = String(decoding: bytes[(bounds[index] + 1)..<bounds[index + 1]], as: UTF8.self)
      result.append(contentsOf: expandBraces(prefix + alternative + suffix))
    }
    return result
  }

  private static func tokens(_ pattern: String) -> [Token] {
    let bytes = Array(pattern.utf8)
    var result: [Token] = []
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "*"):
        if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*") {
          result.append(.doubleStar)
          index += 2
          while index < bytes.count && bytes[index] == UInt8(ascii: "*") { index += 1 }
          continue
        }
        result.append(.star)
      case UInt8(ascii: "?"):
        result.append(.one)
      case UInt8(ascii: "["):
        if let (token, next) = parseSet(bytes, from: index) {
          result.append(token)
          index = next
          continue
        }
        result.append(.literal(byte))
      case UInt8(ascii: "\\") where index + 1 < bytes.count:
        result.append(.literal(bytes[index + 1]))
        index += 2
        continue
      default:
        result.append(.literal(byte))
      }
      index += 1
    }
    return result
  }

  private static func parseSet(_ bytes: [UInt8], from start: Int) -> (Token, Int)? {
    var index = start + 1
    var negated = false
    if index < bytes.count && (bytes[index] == UInt8(ascii: "!") || bytes[index] == UInt8(ascii: "^")) {
      negated = true
      index += 1
    }
    var ranges: [ClosedRange<UInt8>] = []
    var first = true
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "]") && !first { return (.set(ranges, negated: negated), index + 1) }
      first = false
      if index + 2 < bytes.count && bytes[index + 1] == UInt8(ascii: "-") && bytes[index + 2] != UInt8(ascii: "]") {
        let low = min(byte, bytes[index + 2])
        let high = max(byte, bytes[index + 2])
        ranges.append(low...high)
        index += 3
      } else {
        ranges.append(byte...byte)
        index += 1
      }
    }
    return nil
  }

  /// Dynamic programming over (token, byte): linear in pattern × path, no backtracking blow-up.
  private static func matchesExpanded(_ tokens: [Token], _ path: [UInt8]) -> Bool {
    let n = path.count
    let slash = UInt8(ascii: "/")
    // next[s]: whether tokens[t+1...] match path[s...]; current: the same for tokens[t...].
    var next = [Bool](repeating: false, count: n + 1)
    next[n] = true
    var current = [Bool](repeating: false, count: n + 1)
    for token in tokens.reversed() {
      for s in stride(from: n, through: 0, by: -1) {
        let hasByte = s < n
        switch token {
        case .literal(let byte):
          current[s] = hasByte && path[s] == byte && next[s + 1]
        case .one:
          current[s] = hasByte && path[s] != slash && next[s + 1]
        case .star:
          current[s] = next[s] || (hasByte && path[s] != slash && current[s + 1])
        case .doubleStar:
          current[s] = next[s] || (hasByte && current[s + 1])
        case .set(let ranges, let negated):
          if hasByte && path[s] != slash {
            let inSet = ranges.contains { $0.contains(path[s]) }
            current[s] = inSet != negated && next[s + 1]
          } else {
            current[s] = false
          }
        }
      }
      swap(&current, &next)
    }
    return next[0]
  }

  /// The files under `root` whose root-relative path matches `pattern` (no leading `/`), sorted.
  /// Walks only the pattern's literal leading directories, skips `.git` and never follows
  /// directory symlinks.
  static func files(matching pattern: String, under root: String) -> [String] {
    let components = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    var baseComponents: [String] = []
    for component in components.dropLast() {
      if isPattern(component) { break }
      baseComponents.append(component)
    }
    let base = baseComponents.isEmpty ? "" : baseComponents.joined(separator: "/")
    let manager = FileManager.default
    var found: [String] = []
    var stack = [base]
    while let relativeDirectory = stack.popLast() {
      let directory = relativeDirectory.isEmpty ? root : root + "/" + relativeDirectory
      guard let names = try? manager.contentsOfDirectory(atPath: directory) else { continue }
      for name in names.sorted() {
        let relative = relativeDirectory.isEmpty ? name : relativeDirectory + "/" + name
        let absolute = directory + "/" + name
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: absolute, isDirectory: &isDirectory) else { continue }
        if isDirectory.boolValue {
          if name == ".git" { continue }
          if (try? manager.destinationOfSymbolicLink(atPath: absolute)) != nil { continue }
          stack.append(relative)
        } else if matches(pattern, relative) {
          found.append(relative)
        }
      }
    }
    return found.sorted()
  }
}
