/// A point in a source file.
///
/// `line` and `column` are 1-based; `column` counts Unicode scalars (code points) from the start
/// of the line, the unit libyaml and SARIF's `unicodeCodePoints` use. `offset` is the 0-based
/// UTF-8 byte offset from the start of the file, the unit edits splice at.
public struct SourcePosition: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
  /// 1-based line number.
  public var line: Int
  /// 1-based column, counted in Unicode scalars.
  public var column: Int
  /// 0-based UTF-8 byte offset from the start of the file.
  public var offset: Int

  /// Creates a position.
  public init(line: Int, column: Int, offset: Int) {
    self.line = line
    self.column = column
    self.offset = offset
  }

  public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool { lhs.offset < rhs.offset }

  /// `line:column`.
  public var description: String { "\(line):\(column)" }
}

/// A half-open range of a source file: `start` is the first byte, `end` is one past the last.
public struct SourceSpan: Hashable, Sendable, Codable, CustomStringConvertible {
  /// The first position covered.
  public var start: SourcePosition
  /// The position just after the last byte covered.
  public var end: SourcePosition

  /// Creates a span.
  public init(start: SourcePosition, end: SourcePosition) {
    self.start = start
    self.end = end
  }

  /// The byte range covered, for slicing or splicing the file's bytes.
  public var byteRange: Range<Int> { start.offset..<max(start.offset, end.offset) }

  /// `line:column-line:column`.
  public var description: String { "\(start)-\(end)" }
}

/// A position in a named file, the unit diagnostics and findings point at.
public struct SourceLocation: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
  /// The file's path as given by the user.
  public var path: String
  /// The span inside the file.
  public var span: SourceSpan
  /// For a place inside a YAML anchor's value reached through an alias: the span of that alias in
  /// the same file (`*name`, or the `*name` of a `<<` merge key), where the value is used. Nil
  /// otherwise. It takes no part in equality, hashing or ordering, which are about `span`.
  public var usedAt: SourceSpan?

  /// Creates a location.
  public init(path: String, span: SourceSpan, usedAt: SourceSpan? = nil) {
    self.path = path
    self.span = span
    self.usedAt = usedAt
  }

  public static func == (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
    lhs.path == rhs.path && lhs.span == rhs.span
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(path)
    hasher.combine(span)
  }

  /// The place to show a reader: the alias's use when there is one, else the span itself.
  public var useSite: SourceLocation {
    guard let usedAt else { return self }
    return SourceLocation(path: path, span: usedAt)
  }

  /// The same place without its use: where the value is written.
  public var definition: SourceLocation { SourceLocation(path: path, span: span) }

  public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
    (lhs.path, lhs.span.start.offset, lhs.span.end.offset) < (rhs.path, rhs.span.start.offset, rhs.span.end.offset)
  }

  /// `path:line:column`, the form editors and CI problem matchers understand.
  public var description: String { "\(path):\(span.start.line):\(span.start.column)" }
}
