/// How serious a diagnostic is.
public enum DiagnosticSeverity: String, Sendable, Codable, Comparable {
  case note
  case warning
  case error

  private var rank: Int {
    switch self {
    case .note: 0
    case .warning: 1
    case .error: 2
    }
  }

  public static func < (lhs: DiagnosticSeverity, rhs: DiagnosticSeverity) -> Bool { lhs.rank < rhs.rank }
}

/// A problem found in an input (YAML syntax, a limit, a bad reference), with where it is.
///
/// Messages are lowercase, quote names with `'…'` and have no trailing period. `code` is a stable
/// identifier such as `yaml.syntax` or `yaml.duplicate-key` that tests and filters can match on.
public struct Diagnostic: Hashable, Sendable, Codable {
  /// Stable machine-readable identifier, `domain.name`.
  public var code: String
  /// How serious the problem is.
  public var severity: DiagnosticSeverity
  /// One-line human-readable message.
  public var message: String
  /// Where the problem is; nil only for problems that concern no file (a missing path).
  public var location: SourceLocation?
  /// Related places (the first of two duplicate keys, the context a parser was in).
  public var notes: [Note]

  /// A related place with its own message.
  public struct Note: Hashable, Sendable, Codable {
    /// What this place has to do with the diagnostic.
    public var message: String
    /// The place.
    public var location: SourceLocation?

    /// Creates a note.
    public init(message: String, location: SourceLocation?) {
      self.message = message
      self.location = location
    }
  }

  /// Creates a diagnostic.
  public init(
    code: String,
    severity: DiagnosticSeverity = .error,
    message: String,
    location: SourceLocation?,
    notes: [Note] = []
  ) {
    self.code = code
    self.severity = severity
    self.message = message
    self.location = location
    self.notes = notes
  }
}
