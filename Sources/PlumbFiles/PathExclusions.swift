/// One exclusion pattern in `.gitignore` syntax, matched against a path relative to the root.
///
/// - `*` matches any run of characters but `/`, `?` one character but `/`, `[a-z]` / `[!a-z]` one
///   character of (not of) a class, `\x` the character `x`.
/// - `**` as a whole segment matches any number of directories: `**/name`, `dir/**`, `a/**/b`.
/// - A trailing `/` matches directories only (and so everything under them).
/// - A pattern with a `/` at its start or in its middle is anchored at the root; one without
///   matches a file or directory of that name at any depth.
/// - A leading `!` re-includes what an earlier pattern excluded (not under an excluded directory,
///   which is never walked: as in git).
public struct ExclusionPattern: Sendable, Hashable {
  /// The pattern as written (for messages).
  public let text: String
  /// Whether a match re-includes (`!`).
  public let negated: Bool
  /// Whether only directories match (a trailing `/`).
  public let directoryOnly: Bool
  /// Whether the pattern is matched from the root (else at any depth, against the last segment).
  public let anchored: Bool
  /// The pattern's segments (split at `/`); `**` is a segment of its own.
  let segments: [[UInt8]]

  /// The longest pattern accepted, in bytes.
  public static let maximumLength = 4096

  /// Parses one line of `.gitignore` (or one `exclude:` entry); nil for a blank line, a comment,
  /// or a pattern that matches nothing (`/`, `!`).
  public init?(_ line: String) {
    var bytes = Array(line.utf8)
    // Trailing spaces are dropped unless escaped with a backslash; a trailing CR too (CRLF files).
    while let last = bytes.last, last == UInt8(ascii: "\r") { bytes.removeLast() }
    while let last = bytes.last, last == UInt8(ascii: " "),
      !(bytes.count >= 2 && bytes[bytes.count - 2] == UInt8(ascii: "\\"))
    {
      bytes.removeLast()
    }
    guard let first = bytes.first, first != UInt8(ascii: "#") else { return nil }
    var negated = false
    if first == UInt8(ascii: "!") {
      negated = true
      bytes.removeFirst()
    } else if first == UInt8(ascii: "\\"), bytes.count > 1,
      bytes[1] == UInt8(ascii: "!") || bytes[1] == UInt8(ascii: "#")
    {
      bytes.removeFirst()
    }
    var directoryOnly = false
    if bytes.last == UInt8(ascii: "/") {
      directoryOnly = true
      while bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
    }
    let slash = UInt8(ascii: "/")
    let anchored = bytes.contains(slash)
    while bytes.first == slash { bytes.removeFirst() }
    guard !bytes.isEmpty else { return nil }
    var segments = bytes.split(separator: slash, omittingEmptySubsequences: true).map(Array.init)
    // Consecutive `**` segments mean what one does.
    segments = segments.enumerated().filter { index, segment in
      !(index > 0 && segment == Self.doubleStar && segments[index - 1] == Self.doubleStar)
    }.map(\.element)
    self.text = line
    self.negated = negated
    self.directoryOnly = directoryOnly
    // `**/x` at the start means what an unanchored `x` means, and is matched the same way.
    self.anchored = anchored
    self.segments = segments
  }

  static let doubleStar: [UInt8] = Array("**".utf8)

  /// Whether the pattern matches `path` (relative to the root, `/`-separated, no leading `/`).
  public func matches(_ path: String, isDirectory: Bool) -> Bool {
    if directoryOnly && !isDirectory { return false }
    let parts = Array(path.utf8).split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map(Array.init)
    guard !parts.isEmpty else { return false }
    if !anchored {
      // No slash: one segment, matched against the last segment of the path.
      return Self.glob(segments[0], parts[parts.count - 1])
    }
    return Self.match(segments, parts)
  }

  /// Segments against path parts, `**` matching any number of parts; a table over (segment,
  /// part) pairs, so many `**` cost at most segments × parts steps.
  static func match(_ pattern: [[UInt8]], _ parts: [[UInt8]]) -> Bool {
    let columns = parts.count + 1
    // reach[i * columns + j]: pattern[i...] matches parts[j...].
    var reach = [Bool](repeating: false, count: (pattern.count + 1) * columns)
    reach[pattern.count * columns + parts.count] = true
    for i in stride(from: pattern.count - 1, through: 0, by: -1) {
      for j in stride(from: parts.count, through: 0, by: -1) {
        let value: Bool
        if pattern[i] == doubleStar {
          // A trailing `**` needs at least one part (`dir/**` is what is inside dir).
          let isLast = i == pattern.count - 1
          value = (!isLast && reach[(i + 1) * columns + j]) || (j < parts.count && (reach[i * columns + j + 1] || (isLast && j + 1 == parts.count)))
        } else {
          value = j < parts.count && reach[(i + 1) * columns + j + 1] && glob(pattern[i], parts[j])
        }
        reach[i * columns + j] = value
      }
    }
    return reach[0]
  }

  /// One segment's glob (`*`, `?`, `[…]`, `\x`) against one part, without `/`: greedy with one
  /// backtrack point, so at most pattern × text steps.
  static func glob(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
    var p = 0
    var t = 0
    var starP = -1
    var starT = 0
    while t < text.count {
      if p < pattern.count {
        switch pattern[p] {
        case UInt8(ascii: "*"):
          starP = p
          starT = t
          p += 1
          continue
        case UInt8(ascii: "?"):
          p += 1
          t += 1
          continue
        case UInt8(ascii: "["):
          if let (matched, next) = matchClass(pattern, from: p, text[t]) {
            if matched {
              p = next
              t += 1
              continue
            }
          } else if text[t] == UInt8(ascii: "[") {
            // An unclosed `[` is itself.
            p += 1
            t += 1
            continue
          }
        case UInt8(ascii: "\\") where p + 1 < pattern.count:
          if pattern[p + 1] == text[t] {
            p += 2
            t += 1
            continue
          }
        case let byte:
          if byte == text[t] {
            p += 1
            t += 1
            continue
          }
        }
      }
      guard starP >= 0 else { return false }
      p = starP + 1
      starT += 1
      t = starT
    }
    while p < pattern.count && pattern[p] == UInt8(ascii: "*") { p += 1 }
    return p == pattern.count
  }

  /// A `[…]` class at `start`: whether `byte` is in it and the index after it; nil when unclosed.
  static func matchClass(_ pattern: [UInt8], from start: Int, _ byte: UInt8) -> (Bool, Int)? {
    var i = start + 1
    var negate = false
    if i < pattern.count && (pattern[i] == UInt8(ascii: "!") || pattern[i] == UInt8(ascii: "^")) {
      negate = true
      i += 1
    }
    var matched = false
    var first = true
    while i < pattern.count {
      var low = pattern[i]
      if low == UInt8(ascii: "]") && !first { return (matched != negate, i + 1) }
      first = false
      if low == UInt8(ascii: "\\") && i + 1 < pattern.count {
        i += 1
        low = pattern[i]
      }
      var high = low
      if i + 2 < pattern.count && pattern[i + 1] == UInt8(ascii: "-") && pattern[i + 2] != UInt8(ascii: "]") {
        high = pattern[i + 2]
        i += 2
      }
      if low <= byte && byte <= high { matched = true }
      i += 1
    }
    return nil
  }
}

/// The exclusions of a run: `exclude:` patterns, `--exclude` patterns and (optionally) the root's
/// `.gitignore`, in that order; the last pattern that matches a path decides, as in git.
public struct PathExclusions: Sendable, Hashable {
  /// The patterns, in order.
  public var patterns: [ExclusionPattern]

  /// No exclusions.
  public init(_ patterns: [ExclusionPattern] = []) {
    self.patterns = patterns
  }

  /// Whether nothing is excluded.
  public var isEmpty: Bool { patterns.isEmpty }

  /// Whether `path` (relative to the root) is excluded.
  public func excludes(_ path: String, isDirectory: Bool) -> Bool {
    var excluded = false
    for pattern in patterns where pattern.negated == excluded {
      if pattern.matches(path, isDirectory: isDirectory) { excluded = !pattern.negated }
    }
    return excluded
  }

  /// Whether the absolute `path` is excluded under `root` (absolute, standardised); a path
  /// outside the root is never excluded.
  public func excludes(absolute path: String, root: String, isDirectory: Bool) -> Bool {
    guard !patterns.isEmpty else { return false }
    let prefix = root.hasSuffix("/") ? root : root + "/"
    guard path.hasPrefix(prefix) else { return false }
    return excludes(String(path.dropFirst(prefix.count)), isDirectory: isDirectory)
  }

  /// The patterns of a `.gitignore` text, one a line (blank lines and comments left out).
  public static func gitignorePatterns(_ text: String) -> [ExclusionPattern] {
    text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
      .compactMap { ExclusionPattern(String($0)) }
  }
}
