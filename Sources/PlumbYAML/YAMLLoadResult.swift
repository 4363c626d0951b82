import PlumbDiagnostics

/// Everything loading one file produced: its documents and its diagnostics.
///
/// Loading never throws: I/O failures, syntax errors and exceeded limits are diagnostics, and the
/// documents completed before an error are kept.
public struct YAMLLoadResult: Sendable {
  /// The file that was loaded (nil when it could not be read).
  public let source: SourceFile?
  /// The documents of the stream, in order.
  public let documents: [YAMLDocument]
  /// Problems found, in source order.
  public let diagnostics: [Diagnostic]
  /// What loading cost, in units that do not depend on the machine (for tests and benchmarks).
  public let statistics: YAMLLoadStatistics

  /// Creates a result.
  public init(
    source: SourceFile?, documents: [YAMLDocument], diagnostics: [Diagnostic],
    statistics: YAMLLoadStatistics = YAMLLoadStatistics()
  ) {
    self.source = source
    self.documents = documents
    self.diagnostics = diagnostics
    self.statistics = statistics
  }

  /// Whether any diagnostic is an error.
  public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Work counts of one load, to check that the cost of hostile input stays bounded without timing
/// it.
public struct YAMLLoadStatistics: Sendable, Hashable {
  /// Mapping keys looked up in tables: the keys of every mapping of more than 12 keys, and, for a
  /// mapping with merge keys (`<<`) whose list of explicit and merged keys is longer than 12, that
  /// list. (Shorter lists compare at most 66 pairs of hashes and are not counted.)
  public var keysLooked = 0
  /// The work those lookups took: table probes (each a comparison of hashes, and of keys when
  /// they are equal) and, for lists of keys that defeated the table, comparisons while sorting.
  /// Linear in ``keysLooked`` for ordinary keys, at most O(n log n) for any keys.
  public var keyWork = 0
  /// Lists of keys whose hash-table lookups went over their work budget (keys crafted to collide
  /// in the loader's hash) and were sorted instead.
  public var keyTableFallbacks = 0
  /// Nodes that aliases expanded to, counted with repetition (limited by
  /// ``YAMLLimits/maxAliasExpansion``).
  public var aliasExpandedNodes = 0
  /// Bytes of scalar text that aliases expanded to, counted with repetition (limited by
  /// ``YAMLLimits/aliasExpansionByteBudget(fileBytes:)``).
  public var aliasExpandedBytes = 0

  /// Creates statistics (all zero by default).
  public init() {}
}
