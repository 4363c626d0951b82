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

  /// Creates limits.
  public init(maxDocumentBytes: Int = 256 << 20, maxDepth: Int = 256, maxAliasExpansion: Int = 1_000_000) {
    self.maxDocumentBytes = maxDocumentBytes
    self.maxDepth = maxDepth
    self.maxAliasExpansion = maxAliasExpansion
  }

  /// The defaults: 256 MiB, depth 256, one million alias-expanded nodes.
  public static let `default` = YAMLLimits()
}
