#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PlumbDiagnostics
import Synchronization

/// The kind of a YAML node.
public enum YAMLNodeKind: UInt8, Sendable, Codable {
  case scalar
  case sequence
  case mapping
}

/// How a node was written in the source.
///
/// Scalars are `plain`, `singleQuoted`, `doubleQuoted`, `literal` (`|`) or `folded` (`>`);
/// sequences and mappings are `block` or `flow`.
public enum YAMLStyle: UInt8, Sendable, Codable {
  case plain
  case singleQuoted
  case doubleQuoted
  case literal
  case folded
  case block
  case flow
}

/// The type a scalar resolved to under the YAML 1.2 core schema (or its explicit tag).
public enum YAMLScalarType: UInt8, Sendable, Codable {
  case null
  case bool
  case int
  case float
  case string
}

/// One node's record in a ``YAMLTree`` arena (20 bytes).
///
/// Scalars keep their decoded value as a byte range: of the source itself when the decoded value
/// is a verbatim slice of it (the common case), otherwise of the tree's side arena.
struct NodeRecord {
  /// Byte offset where the node starts (its anchor or tag, if any, comes before).
  var start: UInt32
  /// Byte offset just past the node's end.
  var end: UInt32
  /// Scalar: offset of the value bytes. Collection: index of the first child slot. Alias: target.
  var payloadStart: UInt32
  /// Scalar: length of the value bytes. Sequence: element count. Mapping: pair count.
  var payloadCount: UInt32
  /// 0 scalar, 1 sequence, 2 mapping, 3 alias.
  var kind: UInt8
  var style: UInt8
  var scalarType: UInt8
  var flags: UInt8

  static let valueInArena: UInt8 = 1
  /// The node has an entry in the tree's `tags` (so untagged nodes skip the lookup).
  static let hasTag: UInt8 = 2
  /// An alias record the loader made for a pair copied in by a merge key (`<<: *name`): its span
  /// is the `*name` of the merge, its target the copied key or value. It reads as the target
  /// (``YAMLNode/isAlias`` is false, as for any merged pair) and only tells where it is used.
  static let mergeUse: UInt8 = 4
  static let aliasKind: UInt8 = 3
}

/// Immutable storage for every node of one loaded file (all its documents).
///
/// Nodes are records in one contiguous array; children are slices of one index array. Nothing is
/// allocated per node, which keeps loading close to libyaml's own speed and memory small. Read it
/// through ``YAMLNode`` values.
public final class YAMLTree: Sendable {
  /// The file the nodes were loaded from.
  public let source: SourceFile
  let nodes: [NodeRecord]
  let children: [UInt32]
  let arena: [UInt8]
  let tags: [UInt32: String]
  let anchors: [UInt32: String]
  /// For each mapping of at least ``indexedPairs`` pairs that was looked up by key, its pairs
  /// with a scalar key, sorted by the key's bytes (then by position): built on the mapping's
  /// first lookup, so a lookup costs O(log n) byte comparisons instead of a scan of every pair.
  private let keyIndexes = Mutex<[UInt32: [Int32]]>([:])

  /// Mappings with at least this many pairs are looked up through a sorted index.
  static let indexedPairs = 64

  init(
    source: SourceFile,
    nodes: [NodeRecord],
    children: [UInt32],
    arena: [UInt8],
    tags: [UInt32: String],
    anchors: [UInt32: String]
  ) {
    self.source = source
    self.nodes = nodes
    self.children = children
    self.arena = arena
    self.tags = tags
    self.anchors = anchors
  }

  /// The number of node records (aliases count once, not per expansion).
  public var nodeCount: Int { nodes.count }

  /// The child slot (in `children`) of the key of the first pair of mapping record `mapping` whose
  /// key is a scalar (aliases followed) decoded as exactly the bytes of `key`, or -1.
  ///
  /// The same search as comparing every pair's key node with `scalarEquals`, over the raw arrays:
  /// no node view (and so no retain of the tree) per pair. Mappings of ``indexedPairs`` pairs or
  /// more are searched in their sorted index (`indexedPairSlot`): a rule that looks up every key
  /// of a 300,000-key mapping would otherwise scan it 300,000 times.
  ///
  /// - Complexity: O(n) for a mapping of n < ``indexedPairs`` pairs; O(log n) key comparisons
  ///   for larger ones, after O(n log n) on the mapping's first lookup.
  func pairSlot(mapping: Int, key: UnsafeBufferPointer<UInt8>) -> Int {
    let record = nodes[mapping]
    guard record.kind == 2 else { return -1 }
    if record.payloadCount >= Self.indexedPairs { return indexedPairSlot(mapping: mapping, key: key) }
    return nodes.withUnsafeBufferPointer { nodes in
      let start = Int(record.payloadStart)
      let count = Int(record.payloadCount)
      let wantedCount = key.count
      return children.withUnsafeBufferPointer { children in
        source.bytes.withUnsafeBufferPointer { bytes in
          arena.withUnsafeBufferPointer { arena in
            for position in 0..<count {
              let slot = start + 2 * position
              var keyRecord = nodes[Int(children[slot])]
              if keyRecord.kind == NodeRecord.aliasKind { keyRecord = nodes[Int(keyRecord.payloadStart)] }
              guard keyRecord.kind == 0, Int(keyRecord.payloadCount) == wantedCount else { continue }
              if wantedCount == 0 { return slot }
              let base = keyRecord.flags & NodeRecord.valueInArena != 0 ? arena.baseAddress! : bytes.baseAddress!
              let have = base + Int(keyRecord.payloadStart)
              // The first byte settles most keys of the same length without a call.
              guard have.pointee == key[0] else { continue }
              if memcmp(have, key.baseAddress!, wantedCount) == 0 { return slot }
            }
            return -1
          }
        }
      }
    }
  }

  /// `pairSlot` of a large mapping, by binary search in its sorted key index.
  func indexedPairSlot(mapping: Int, key: UnsafeBufferPointer<UInt8>) -> Int {
    let sorted = keyIndexes.withLock { indexes in
      if let index = indexes[UInt32(mapping)] { return index }
      let index = sortedKeyIndex(mapping: mapping)
      indexes[UInt32(mapping)] = index
      return index
    }
    let start = Int(nodes[mapping].payloadStart)
    // The first pair whose key is not below `key`; equal keys are in position order.
    var low = 0
    var high = sorted.count
    while low < high {
      let middle = (low + high) / 2
      if compareKey(atSlot: start + 2 * Int(sorted[middle]), key) < 0 {
        low = middle + 1
      } else {
        high = middle
      }
    }
    guard low < sorted.count else { return -1 }
    let slot = start + 2 * Int(sorted[low])
    return compareKey(atSlot: slot, key) == 0 ? slot : -1
  }

  /// The positions of the pairs of mapping record `mapping` whose key is a scalar, sorted by the
  /// key's decoded bytes, then by position.
  func sortedKeyIndex(mapping: Int) -> [Int32] {
    let record = nodes[mapping]
    let start = Int(record.payloadStart)
    var positions: [Int32] = []
    positions.reserveCapacity(Int(record.payloadCount))
    for position in 0..<Int(record.payloadCount) where nodes[keyRecord(atSlot: start + 2 * position)].kind == 0 {
      positions.append(Int32(position))
    }
    positions.sort { a, b in
      let order = withValueBytes(keyRecord(atSlot: start + 2 * Int(b))) { compareKey(atSlot: start + 2 * Int(a), $0) }
      return order != 0 ? order < 0 : a < b
    }
    return positions
  }

  /// The record of the key in child slot `slot`, aliases followed.
  func keyRecord(atSlot slot: Int) -> Int {
    let index = Int(children[slot])
    return nodes[index].kind == NodeRecord.aliasKind ? Int(nodes[index].payloadStart) : index
  }

  /// The order of the scalar key in child slot `slot` and the bytes `key`: bytewise, a prefix
  /// first.
  func compareKey(atSlot slot: Int, _ key: UnsafeBufferPointer<UInt8>) -> Int {
    withValueBytes(keyRecord(atSlot: slot)) { have in
      let common = min(have.count, key.count)
      if common > 0 {
        let order = memcmp(have.baseAddress!, key.baseAddress!, common)
        if order != 0 { return order < 0 ? -1 : 1 }
      }
      return have.count == key.count ? 0 : (have.count < key.count ? -1 : 1)
    }
  }

  /// Calls `body` with the decoded bytes of scalar record `index`.
  @inline(__always)
  func withValueBytes<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    let record = nodes[index]
    let start = Int(record.payloadStart)
    let count = Int(record.payloadCount)
    if record.flags & NodeRecord.valueInArena != 0 {
      return arena.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<start + count])) }
    }
    return source.bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<start + count])) }
  }
}

/// One document of a YAML stream.
public struct YAMLDocument: Sendable {
  /// The document's root node.
  public let root: YAMLNode
  /// The span from the document's first to its last byte (including `---` / `...` markers).
  public let span: SourceSpan
  /// Whether the document began with an explicit `---`.
  public let hasExplicitStart: Bool
  /// Whether the document ended with an explicit `...`.
  public let hasExplicitEnd: Bool
  /// The `%YAML` directive's version, if one was given (e.g. "1.2").
  public let versionDirective: String?
}
