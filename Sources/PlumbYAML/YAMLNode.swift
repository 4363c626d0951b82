import PlumbDiagnostics

/// A node of a loaded YAML document: a cheap view (tree + index) into a ``YAMLTree``.
///
/// Aliases are followed transparently: a node reached through `*name` reads as the anchored node,
/// and ``aliasSpan`` tells where the alias itself was written. A node reached through an alias,
/// directly or from an ancestor (a step inside `steps: *shared`, a key copied by `<<: *defaults`),
/// also remembers the outermost such alias: ``useSpan``, and ``location``'s `usedAt`.
public struct YAMLNode: Sendable, Hashable {
  /// The tree holding the node.
  public let tree: YAMLTree
  /// The record index of the node (the alias target when reached through an alias).
  @inline(__always) public var index: Int { Int(storedIndex) }
  /// `index`, stored in 32 bits (a tree's records are counted in 32 bits) so that a node view
  /// stays small (24 bytes with the two alias indexes) and fits inline in a `Value`.
  let storedIndex: UInt32
  /// The record index of the alias this node was reached through, or -1.
  let aliasIndex: Int32
  /// The record index of the outermost alias (or merge use) on the way to this node, or -1.
  let useIndex: Int32

  init(tree: YAMLTree, index: Int, use: Int32 = -1) {
    let record = tree.nodes[index]
    self.tree = tree
    if record.kind == NodeRecord.aliasKind {
      self.storedIndex = record.payloadStart
      // A pair copied by a merge key reads as a pair of the mapping, as it always did.
      self.aliasIndex = record.flags & NodeRecord.mergeUse != 0 ? -1 : Int32(index)
      self.useIndex = use >= 0 ? use : Int32(index)
    } else {
      self.storedIndex = UInt32(index)
      self.aliasIndex = -1
      self.useIndex = use
    }
  }

  /// Equal views of the same node; where an ancestor alias was used does not count.
  public static func == (lhs: YAMLNode, rhs: YAMLNode) -> Bool {
    lhs.tree === rhs.tree && lhs.index == rhs.index && lhs.aliasIndex == rhs.aliasIndex
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(ObjectIdentifier(tree))
    hasher.combine(index)
    hasher.combine(aliasIndex)
  }

  @inline(__always) var record: NodeRecord { tree.nodes[index] }

  /// Scalar, sequence or mapping.
  public var kind: YAMLNodeKind { YAMLNodeKind(rawValue: record.kind) ?? .scalar }
  /// How the node was written.
  public var style: YAMLStyle { YAMLStyle(rawValue: record.style) ?? .plain }
  /// The node's resolved tag (e.g. `tag:yaml.org,2002:str`, `!reference`), or nil if untagged.
  public var tag: String? { tree.tags[UInt32(index)] }
  /// The anchor defined on this node (`&name`), or nil.
  public var anchor: String? { tree.anchors[UInt32(index)] }
  /// Whether this node was reached through an alias.
  public var isAlias: Bool { aliasIndex >= 0 }

  /// The node's bytes in the source file.
  public var byteRange: Range<Int> { Int(record.start)..<Int(record.end) }
  /// The node's span (line, column and byte offset of its start and end).
  public var span: SourceSpan { tree.source.span(from: Int(record.start), to: Int(record.end)) }
  /// The node's file and span, with `usedAt` set to ``useSpan`` when it was reached through an
  /// alias.
  public var location: SourceLocation { SourceLocation(path: tree.source.path, span: span, usedAt: useSpan) }
  /// The span of the outermost alias this node was reached through, itself or from an ancestor
  /// (`*name`, or the `*name` after a `<<` merge key that copied it), if any: where the anchored
  /// value is used. Nil for nodes read where they are written.
  public var useSpan: SourceSpan? {
    guard useIndex >= 0 else { return nil }
    let use = tree.nodes[Int(useIndex)]
    return tree.source.span(from: Int(use.start), to: Int(use.end))
  }
  /// The span of the alias (`*name`) this node was reached through, if any.
  public var aliasSpan: SourceSpan? {
    guard aliasIndex >= 0 else { return nil }
    let alias = tree.nodes[Int(aliasIndex)]
    return tree.source.span(from: Int(alias.start), to: Int(alias.end))
  }
  /// The node's text exactly as written in the source (quotes, indicators and all).
  public var rawText: String { tree.source.text(from: Int(record.start), to: Int(record.end)) }

  // MARK: Scalars

  /// The scalar's resolved type, or nil for collections.
  public var scalarType: YAMLScalarType? {
    kind == .scalar ? YAMLScalarType(rawValue: record.scalarType) : nil
  }

  /// The scalar's decoded text (escapes processed, folding applied), whatever its type; nil for
  /// collections.
  public var string: String? {
    guard kind == .scalar else { return nil }
    return tree.withValueBytes(index) { String(decoding: $0, as: UTF8.self) }
  }

  /// The scalar's resolved value; nil for collections.
  public var value: YAMLScalarValue? {
    guard let type = scalarType else { return nil }
    return tree.withValueBytes(index) { YAMLScalarValue.make(type, $0) }
  }

  /// True for a scalar that resolved to the boolean true (the same as `value == .bool(true)`,
  /// without decoding the scalar).
  public var isTrue: Bool {
    let record = self.record
    guard record.kind == 0, record.scalarType == YAMLScalarType.bool.rawValue else { return false }
    return tree.withValueBytes(index) { $0.first == UInt8(ascii: "t") || $0.first == UInt8(ascii: "T") }
  }

  /// True for a scalar that resolved to null (`null`, `~`, empty).
  public var isNull: Bool { scalarType == .null }

  /// Calls `body` with the scalar's decoded bytes (empty for collections), without copying.
  public func withValueBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    guard kind == .scalar else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
    return tree.withValueBytes(index, body)
  }

  /// Whether this scalar's decoded text equals `text` (no String is created).
  public func scalarEquals(_ text: String) -> Bool {
    guard kind == .scalar else { return false }
    var text = text
    return text.withUTF8 { wanted in
      tree.withValueBytes(index) { have in
        have.count == wanted.count && (have.count == 0 || memcmpEqual(have, wanted))
      }
    }
  }

  // MARK: Collections

  /// The number of elements (sequence), pairs (mapping) or 0 (scalar).
  public var count: Int { kind == .scalar ? 0 : Int(record.payloadCount) }

  /// The elements of a sequence (empty for other kinds).
  public var elements: YAMLElements {
    let record = self.record
    guard record.kind == 1 else { return YAMLElements(tree: tree, start: 0, count: 0, use: useIndex) }
    return YAMLElements(tree: tree, start: Int(record.payloadStart), count: Int(record.payloadCount), use: useIndex)
  }

  /// The key/value pairs of a mapping in source order, merge keys applied (empty for other kinds).
  public var pairs: YAMLPairs {
    let record = self.record
    guard record.kind == 2 else { return YAMLPairs(tree: tree, start: 0, count: 0, use: useIndex) }
    return YAMLPairs(tree: tree, start: Int(record.payloadStart), count: Int(record.payloadCount), use: useIndex)
  }

  /// The value for the scalar key `key` in a mapping, or nil.
  ///
  /// - Complexity: O(n) in the number of pairs.
  public subscript(key: String) -> YAMLNode? {
    guard let slot = slot(forKey: key) else { return nil }
    return YAMLNode(tree: tree, index: Int(tree.children[slot + 1]), use: useIndex)
  }

  /// The pair whose scalar key is `key` in a mapping, or nil.
  public func pair(forKey key: String) -> YAMLPair? {
    guard let slot = slot(forKey: key) else { return nil }
    return YAMLPair(
      key: YAMLNode(tree: tree, index: Int(tree.children[slot]), use: useIndex),
      value: YAMLNode(tree: tree, index: Int(tree.children[slot + 1]), use: useIndex))
  }

  /// The child slot of the key of the pair whose scalar key is `key` in a mapping, or nil.
  @inline(__always)
  func slot(forKey key: String) -> Int? {
    var key = key
    let slot = key.withUTF8 { tree.pairSlot(mapping: index, key: $0) }
    return slot < 0 ? nil : slot
  }

  /// The element at `position` of a sequence, or nil.
  public subscript(position: Int) -> YAMLNode? {
    let elements = self.elements
    return position >= 0 && position < elements.count ? elements[position] : nil
  }
}

/// A mapping entry.
public struct YAMLPair: Sendable, Hashable {
  /// The key node.
  public let key: YAMLNode
  /// The value node.
  public let value: YAMLNode
}

/// The elements of a sequence node.
public struct YAMLElements: RandomAccessCollection, Sendable {
  let tree: YAMLTree
  let start: Int
  public let count: Int
  /// The alias the sequence was reached through (its elements inherit it), or -1.
  let use: Int32
  public var startIndex: Int { 0 }
  public var endIndex: Int { count }
  public subscript(position: Int) -> YAMLNode {
    YAMLNode(tree: tree, index: Int(tree.children[start + position]), use: use)
  }
}

/// The pairs of a mapping node.
public struct YAMLPairs: RandomAccessCollection, Sendable {
  let tree: YAMLTree
  let start: Int
  public let count: Int
  /// The alias the mapping was reached through (its keys and values inherit it), or -1.
  let use: Int32
  public var startIndex: Int { 0 }
  public var endIndex: Int { count }
  public subscript(position: Int) -> YAMLPair {
    let slot = start + 2 * position
    return YAMLPair(
      key: YAMLNode(tree: tree, index: Int(tree.children[slot]), use: use),
      value: YAMLNode(tree: tree, index: Int(tree.children[slot + 1]), use: use)
    )
  }
}

@inline(__always)
func memcmpEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
  guard a.count == b.count else { return false }
  for i in 0..<a.count where a[i] != b[i] { return false }
  return true
}
