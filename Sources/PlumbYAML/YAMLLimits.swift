/// Bounds that keep hostile or accidental inputs from exhausting time, memory or stack.
///
/// Each limit that is hit becomes an error diagnostic at the place it was hit; loading of that
/// file stops there, and the documents completed before it are kept.
public struct YAMLLimits: Sendable, Hashable {
  /// Largest file accepted, in bytes.
  public var maxDocumentBytes: Int
  /// Deepest nesting of sequences and mappings.
  public var maxDepth: Int
  /// Most nodes that aliases may expand to in one file, counted with repetition (the defence
  /// against "billion laughs" files).
  public var maxAliasExpansion: Int
  /// Bytes of scalar text that aliases may expand to in one file, per byte of the file (before
  /// ``minAliasExpansionBytes`` and ``maxAliasExpansionBytes`` apply); see
  /// ``aliasExpansionByteBudget(fileBytes:)``.
  public var aliasExpansionBytesPerFileByte: Int
  /// The byte budget of aliases in a file, however small the file (the floor).
  public var minAliasExpansionBytes: Int
  /// The byte budget of aliases in a file, however large the file (the ceiling).
  public var maxAliasExpansionBytes: Int

  /// Creates limits.
  public init(
    maxDocumentBytes: Int = 256 << 20, maxDepth: Int = 256, maxAliasExpansion: Int = 1_000_000,
    aliasExpansionBytesPerFileByte: Int = 16, minAliasExpansionBytes: Int = 1 << 20,
    maxAliasExpansionBytes: Int = 256 << 20
  ) {
    self.maxDocumentBytes = maxDocumentBytes
    self.maxDepth = maxDepth
    self.maxAliasExpansion = maxAliasExpansion
    self.aliasExpansionBytesPerFileByte = aliasExpansionBytesPerFileByte
    self.minAliasExpansionBytes = minAliasExpansionBytes
    self.maxAliasExpansionBytes = maxAliasExpansionBytes
  }

  /// The defaults: 256 MiB, depth 256, one million alias-expanded nodes, and alias-expanded
  /// scalar text of 16 times the file's size, at least 1 MiB and at most 256 MiB.
  public static let `default` = YAMLLimits()

  /// The most bytes of scalar text that aliases may expand to in a file of `fileBytes` bytes:
  /// ``aliasExpansionBytesPerFileByte`` times its size, at least ``minAliasExpansionBytes``, at
  /// most ``maxAliasExpansionBytes``.
  ///
  /// Every alias counts the decoded bytes of every scalar (keys and values) in the subtree it
  /// names, with the aliases inside that subtree counted the same way.
  public func aliasExpansionByteBudget(fileBytes: Int) -> Int {
    let (scaled, overflow) = fileBytes.multipliedReportingOverflow(by: aliasExpansionBytesPerFileByte)
    return min(max(overflow ? Int.max : scaled, minAliasExpansionBytes), maxAliasExpansionBytes)
  }
}
