/// Where `plumb check` takes its baseline from.
public enum BaselineSource: Sendable, Equatable {
  /// A JSON report of an earlier run (`--baseline FILE`).
  case file(String)
  /// The same paths checked at a git revision (`--baseline-ref REF`).
  case gitRevision(String)
}
