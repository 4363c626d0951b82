import PlumbDiagnostics

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// Mapping keys: the duplicate-key check of every mapping and merge keys (`<<`).
//
// Both come down to one question over a list of key slots: which earlier key, if any, is equal to
// each key (`firstOccurrences`). A fast unkeyed hash answers it in a table for ordinary keys; the
// table's work is budgeted, and a list that exceeds the budget (keys crafted to collide in the
// hash, which anyone can compute) is sorted instead, so no input makes it worse than O(n log n).
// The answer is the same either way, and output never follows hash order.

/// One key of the list `finishMapping` looks up: its slot and hash and, for a merged key, its
/// value and the alias that names its mapping (or -1).
struct KeyItem {
  var key: UInt32
  var value: UInt32
  var hash: Int
  var alias: Int32
}

/// One pair of a mapping being finished (``TreeBuilder/finishMapping(from:)``).
struct MappingEntry {
  /// Whether the key is a merge key (`<<`).
  var isMerge: Bool
  /// Whether a merge key's value is a mapping or a sequence of mappings.
  var valid: Bool
  /// An explicit key: its item in the key list. A merge key: its merged keys' items, `first..<end`.
  var first: Int32
  var end: Int32
}

/// The loader's key hash, for generators of hostile inputs (benchmarks and tests) that craft keys
/// against it.
///
/// The hash is fast and unkeyed (the same in every process), so anyone can craft keys that collide
/// in it; the loader bounds the work such keys cause (``YAMLLoadStatistics/keyTableFallbacks``).
@_spi(HostileInputs) public enum LoaderKeyHash {
  /// The hash of a string key with these decoded bytes.
  public static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    bytes.count == 0 ? 0 : Int(truncatingIfNeeded: hashBytes(bytes.baseAddress!, bytes.count))
  }

  /// The number of slots of the table for a list of `keyCount` keys (more than 12).
  public static func tableSize(keyCount: Int) -> Int {
    var size = 16
    while size < 2 * keyCount { size <<= 1 }
    return size
  }

  /// The slot where a key with hash `hash` starts probing in a table of `tableSize` slots: the
  /// hash's top bits. (Not its low bits: the last multiplication carries a difference in the
  /// last bytes of a key only upwards, so keys that differ in their last characters, `k1`, `k2`,
  /// …, used to share their low bits, and sequential keys took 35 probes each.)
  public static func homeSlot(hash: Int, tableSize: Int) -> Int {
    Int(truncatingIfNeeded: UInt64(bitPattern: Int64(hash)) >> shift(tableSize: tableSize))
  }

  /// How far a hash is shifted right to give a slot of a table of `tableSize` (a power of two).
  @inline(__always)
  static func shift(tableSize: Int) -> UInt64 { UInt64(64 - tableSize.trailingZeroBitCount) }
}

/// The hash of a collection used as a key (`? [a]: b`): its record index, spread over the top bits
/// (a collection key equals only itself).
@inline(__always)
func collectionKeyHash(_ index: Int) -> Int { index &* Int(bitPattern: 0x9E37_79B9_7F4A_7C15) }

extension TreeBuilder {
  /// Lists of at most this many keys compare every pair of keys with equal hashes.
  static let pairwiseKeys = 12
  /// The table's work budget: this many probes per key, plus `probeSlack`. At the table's load of
  /// at most one half, keys with random hashes take about 1.5 probes each.
  static let probesPerKey = 4
  static let probeSlack = 64

  /// Makes `table` an empty table for `keyCount` keys (growing it if needed) and returns what
  /// probing it takes: the mask of its slots, the shift that turns a hash into a home slot
  /// (``LoaderKeyHash/homeSlot(hash:tableSize:)``), and the work budget of its probes.
  static func emptyTable(_ table: inout [Int32], keyCount: Int) -> (mask: Int, shift: UInt64, budget: Int) {
    let size = LoaderKeyHash.tableSize(keyCount: keyCount)
    if table.count < size {
      table = [Int32](repeating: -1, count: size)
    } else {
      for s in 0..<size { table[s] = -1 }
    }
    return (size - 1, LoaderKeyHash.shift(tableSize: size), probesPerKey * keyCount + probeSlack)
  }

  /// Finds, for each key of `items` (their hashes are equal for equal keys), the first key equal
  /// to it (`sameKey`), and writes its index to `first[i]` (i itself when no
  /// earlier key is equal). Returns whether any key repeats an earlier one, and whether the keys
  /// had to be sorted.
  ///
  /// Up to ``pairwiseKeys`` keys compare every pair with equal hashes. Longer lists probe an
  /// open-addressing table (linear probing from the hash's low bits) within a budget of
  /// ``probesPerKey`` probes per key plus ``probeSlack``; a list that exceeds it is sorted instead
  /// (`compareKeys`), which takes O(n log n) comparisons whatever the keys. Both give the same
  /// answer.
  ///
  /// - Parameters:
  ///   - table: the table's storage, reused across calls.
  ///   - work: incremented by the probes and comparisons made.
  func firstOccurrences(
    _ items: [KeyItem], first: inout [Int32], table: inout [Int32], work: inout Int
  ) -> (repeats: Bool, sorted: Bool) {
    let count = items.count
    if first.count < count { first = [Int32](repeating: 0, count: max(count, 64)) }
    var repeats = false
    if count <= Self.pairwiseKeys {
      for j in 0..<count {
        first[j] = Int32(j)
        let hash = items[j].hash
        for i in 0..<j where items[i].hash == hash && sameKey(items[i].key, items[j].key) {
          first[j] = Int32(i)
          repeats = true
          break
        }
      }
      return (repeats, false)
    }
    let (mask, shift, budget) = Self.emptyTable(&table, keyCount: count)
    var probes = 0
    var withinBudget = true
    insertions: for j in 0..<count {
      let hash = items[j].hash
      var slot = Int(truncatingIfNeeded: UInt64(bitPattern: Int64(hash)) >> shift)
      var found = Int32(j)
      while table[slot] >= 0 {
        let i = table[slot]
        probes += 1
        if items[Int(i)].hash == hash && sameKey(items[Int(i)].key, items[j].key) {
          found = i
          repeats = true
          break
        }
        if probes > budget {
          withinBudget = false
          break insertions
        }
        slot = (slot + 1) & mask
      }
      if found == Int32(j) { table[slot] = Int32(j) }
      first[j] = found
    }
    work += probes
    if withinBudget { return (repeats, false) }

    // Keys that defeat the table: sort the items by key (equal keys by position), so that equal
    // keys are neighbours and the first of each run is the first occurrence.
    var comparisons = 0
    var order = (0..<Int32(count)).map { $0 }
    order.sort { a, b in
      comparisons += 1
      let order = compareKeys(items[Int(a)].key, items[Int(b)].key)
      return order != 0 ? order < 0 : a < b
    }
    repeats = false
    var run = 0
    for position in 0..<count {
      if position > 0 {
        comparisons += 1
        if compareKeys(items[Int(order[run])].key, items[Int(order[position])].key) != 0 {
          run = position
        } else {
          repeats = true
        }
      }
      first[Int(order[position])] = order[run]
    }
    work += comparisons
    return (repeats, true)
  }

  /// A total order of key slots in which two keys are equal exactly when `sameKey` says so:
  /// scalars before collections (ordered by node), then by resolved type, then strings by their
  /// bytes and other scalars by value (a NaN equal to nothing, not even another NaN).
  func compareKeys(_ a: UInt32, _ b: UInt32) -> Int {
    let left = resolved(a)
    let right = resolved(b)
    if left == right { return 0 }
    let leftScalar = isScalar(left)
    let rightScalar = isScalar(right)
    guard leftScalar && rightScalar else {
      if leftScalar != rightScalar { return leftScalar ? -1 : 1 }
      return left < right ? -1 : 1
    }
    let leftType = nodes[left].scalarType
    let rightType = nodes[right].scalarType
    if leftType != rightType { return leftType < rightType ? -1 : 1 }
    guard let type = YAMLScalarType(rawValue: leftType), type != .string else {
      return valueBytes(left) { l in valueBytes(right) { r in compareBytes(l, r) } }
    }
    let leftValue = valueBytes(left) { YAMLScalarValue.make(type, $0) }
    let rightValue = valueBytes(right) { YAMLScalarValue.make(type, $0) }
    switch (leftValue, rightValue) {
    case (.null, .null): return 0
    case (.bool(let l), .bool(let r)): return l == r ? 0 : (!l ? -1 : 1)
    case (.int(let l), .int(let r)): return l == r ? 0 : (l < r ? -1 : 1)
    case (.float(let l), .float(let r)):
      if l.isNaN || r.isNaN {
        if l.isNaN && r.isNaN { return left < right ? -1 : 1 }
        return l.isNaN ? 1 : -1
      }
      return l == r ? 0 : (l < r ? -1 : 1)
    case (.string(let l), .string(let r)): return l == r ? 0 : (l < r ? -1 : 1)
    default:
      // Different kinds of value under one type (an int too large for 64 bits is a float).
      return valueRank(leftValue) < valueRank(rightValue) ? -1 : 1
    }
  }
}

private func valueRank(_ value: YAMLScalarValue) -> Int {
  switch value {
  case .null: 0
  case .bool: 1
  case .int: 2
  case .float: 3
  case .string: 4
  }
}

/// Lexicographic order of two byte strings (a prefix first).
private func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
  let common = min(a.count, b.count)
  if common > 0 {
    let order = memcmp(a.baseAddress!, b.baseAddress!, common)
    if order != 0 { return order < 0 ? -1 : 1 }
  }
  return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
}

// MARK: - Mappings: duplicate keys and merge keys

/// Turns the pending key/value slots of a finished mapping into its final pairs.
extension TreeBuilder {

  func isScalar(_ index: Int) -> Bool { nodes[index].kind == YAMLNodeKind.scalar.rawValue }

  func isMergeKey(_ slot: UInt32) -> Bool {
    let index = resolved(slot)
    let record = nodes[index]
    guard record.kind == YAMLNodeKind.scalar.rawValue else { return false }
    if record.flags & NodeRecord.hasTag != 0, let tag = tags[UInt32(index)] { return tag == "tag:yaml.org,2002:merge" }
    guard record.style == YAMLStyle.plain.rawValue, record.payloadCount == 2 else { return false }
    return valueBytes(index) { $0[0] == UInt8(ascii: "<") && $0[1] == UInt8(ascii: "<") }
  }

  /// Whether two key slots denote the same key (scalars with equal type and text).
  func sameKey(_ a: UInt32, _ b: UInt32) -> Bool {
    let left = resolved(a)
    let right = resolved(b)
    if left == right { return true }
    guard isScalar(left), isScalar(right) else { return false }
    guard nodes[left].scalarType == nodes[right].scalarType else { return false }
    // Null, bool, int and float keys are equal by value (`~`/`null`, `true`/`True`, `16`/`0x10`).
    if let type = YAMLScalarType(rawValue: nodes[left].scalarType), type != .string {
      return valueBytes(left) { l in
        valueBytes(right) { r in YAMLScalarValue.make(type, l) == YAMLScalarValue.make(type, r) }
      }
    }
    guard nodes[left].payloadCount == nodes[right].payloadCount else { return false }  // lengths differ
    return valueBytes(left) { l in valueBytes(right) { r in memcmpEqual(l, r) } }
  }

  func keyText(_ slot: UInt32) -> String {
    let index = resolved(slot)
    guard isScalar(index) else { return "<\(nodes[index].kind == 1 ? "sequence" : "mapping") key>" }
    return valueBytes(index) { String(decoding: $0, as: UTF8.self) }
  }

  /// A hash of a null, bool, int or float key's value (`16` and `0x10` hash alike), with Swift's
  /// per-process seeded `Hasher`.
  func keyHash(_ slot: UInt32) -> Int {
    let index = resolved(slot)
    guard isScalar(index) else { return collectionKeyHash(index) }
    var hasher = Hasher()
    hasher.combine(nodes[index].scalarType)
    if let type = YAMLScalarType(rawValue: nodes[index].scalarType), type != .string {
      valueBytes(index) { hasher.combine(YAMLScalarValue.make(type, $0)) }
    } else {
      valueBytes(index) { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
    return hasher.finalize()
  }

  /// A hash of key slot `slot`, equal for keys `sameKey` calls equal: a string key's bytes (eight
  /// at a time), a null, bool, int or float key's value (`keyHash`: `16` and `0x10` are equal), a
  /// collection's index.
  func exactKeyHash(_ slot: UInt32) -> Int {
    let index = resolved(slot)
    let record = nodes[index]
    guard record.kind == YAMLNodeKind.scalar.rawValue else { return collectionKeyHash(index) }
    guard record.scalarType == YAMLScalarType.string.rawValue else { return keyHash(slot) }
    return valueBytes(index) { LoaderKeyHash.hash($0) }
  }

  /// A new alias record for `slot` copied by a merge key, spanning the merge's alias `alias`.
  @inline(__always)
  mutating func mergeUse(of slot: UInt32, at alias: Int) -> UInt32 {
    let index = UInt32(nodes.count)
    nodes.append(
      NodeRecord(
        start: nodes[alias].start, end: nodes[alias].end, payloadStart: UInt32(resolved(slot)), payloadCount: 0,
        kind: NodeRecord.aliasKind, style: 0, scalarType: 0, flags: NodeRecord.mergeUse))
    return index
  }

  /// Whether a merge key's value `valueSlot` is a mapping or a sequence of mappings.
  func isValidMergeValue(_ valueSlot: UInt32) -> Bool {
    let record = nodes[resolved(valueSlot)]
    if record.kind == YAMLNodeKind.mapping.rawValue { return true }
    guard record.kind == YAMLNodeKind.sequence.rawValue else { return false }
    for position in 0..<Int(record.payloadCount)
    where nodes[resolved(children[Int(record.payloadStart) + position])].kind != YAMLNodeKind.mapping.rawValue {
      return false
    }
    return true
  }

  /// The `position`th mapping a valid merge value `valueSlot` names (the value itself, or an
  /// element of a sequence), with the alias that names it (`<<: *name`, `<<: [*a, *b]`) or -1.
  func mergedMapping(_ valueSlot: UInt32, _ position: Int) -> (mapping: Int, alias: Int) {
    let record = nodes[resolved(valueSlot)]
    let slot = record.kind == YAMLNodeKind.sequence.rawValue ? children[Int(record.payloadStart) + position] : valueSlot
    return (resolved(slot), nodes[Int(slot)].kind == NodeRecord.aliasKind ? Int(slot) : -1)
  }

  /// How many mappings a valid merge value names: 1 for a mapping, a sequence's length.
  func mergedMappingCount(_ valueSlot: UInt32) -> Int {
    let record = nodes[resolved(valueSlot)]
    return record.kind == YAMLNodeKind.sequence.rawValue ? Int(record.payloadCount) : 1
  }

  /// Writes the final pairs of the mapping whose key/value slots are `pending[start...]` to
  /// `children` and returns how many pairs it wrote. Duplicate explicit keys are reported (the
  /// later one kept); merge keys (`<<`) copy in the pairs of the mappings they name, explicit keys
  /// winning and, among merged mappings, the first.
  ///
  /// One list holds the explicit keys, then every merged key in merge order; a key is kept where
  /// it first occurs in that list (`firstOccurrences`), so the whole mapping costs time linear in
  /// its keys and the keys merged in (O(n log n) for keys crafted against the hash).
  mutating func finishMapping(from start: Int) -> Int {
    let pairs = (pending.count - start) / 2
    // The scratch arrays, kept across mappings, are taken out of `self` while in use.
    var items: [KeyItem] = []
    var entries: [MappingEntry] = []
    var first: [Int32] = []
    var dropped: [Bool] = []
    var table: [Int32] = []
    swap(&items, &keyItems)
    swap(&entries, &keyEntries)
    swap(&first, &keyFirst)
    swap(&dropped, &keyDropped)
    swap(&table, &keySlots)
    defer {
      items.removeAll(keepingCapacity: true)
      entries.removeAll(keepingCapacity: true)
      dropped.removeAll(keepingCapacity: true)
      swap(&items, &keyItems)
      swap(&entries, &keyEntries)
      swap(&first, &keyFirst)
      swap(&dropped, &keyDropped)
      swap(&table, &keySlots)
    }
    // The explicit keys first, in order...
    for k in 0..<pairs {
      let key = pending[start + 2 * k]
      if isMergeKey(key) {
        entries.append(MappingEntry(isMerge: true, valid: false, first: 0, end: 0))
      } else {
        entries.append(MappingEntry(isMerge: false, valid: true, first: Int32(items.count), end: 0))
        items.append(KeyItem(key: key, value: pending[start + 2 * k + 1], hash: exactKeyHash(key), alias: -1))
      }
    }
    let explicitCount = items.count
    // ...then the keys of every merged mapping, in merge order.
    for k in 0..<pairs where entries[k].isMerge {
      entries[k].first = Int32(items.count)
      let value = pending[start + 2 * k + 1]
      if isValidMergeValue(value) {
        entries[k].valid = true
        for position in 0..<mergedMappingCount(value) {
          let (mapping, alias) = mergedMapping(value, position)
          let record = nodes[mapping]
          for pair in 0..<Int(record.payloadCount) {
            let mergedKey = children[Int(record.payloadStart) + 2 * pair]
            items.append(
              KeyItem(
                key: mergedKey, value: children[Int(record.payloadStart) + 2 * pair + 1],
                hash: exactKeyHash(mergedKey), alias: Int32(alias)))
          }
        }
      }
      entries[k].end = Int32(items.count)
    }
    var work = 0
    let (_, sorted) = firstOccurrences(items, first: &first, table: &table, work: &work)
    if items.count > Self.pairwiseKeys {
      statistics.keysLooked += items.count
      statistics.keyWork += work
      if sorted { statistics.keyTableFallbacks += 1 }
    }

    // Duplicates among explicit keys: each later key is reported with the first key equal to it,
    // and that first one dropped.
    for j in 0..<explicitCount where first[j] != Int32(j) {
      let i = Int(first[j])
      if dropped.isEmpty { dropped.append(contentsOf: repeatElement(false, count: explicitCount)) }
      dropped[i] = true
      reportDuplicate(first: items[i].key, later: items[j].key)
    }
    // The pairs in order: explicit keys not dropped, and where each merge key was, the keys it
    // merges that occur nowhere earlier in the list (an explicit key, dropped or not, or a key
    // merged before).
    var written = 0
    for k in 0..<pairs {
      let entry = entries[k]
      guard entry.isMerge else {
        if dropped.isEmpty || !dropped[Int(entry.first)] {
          children.append(pending[start + 2 * k])
          children.append(pending[start + 2 * k + 1])
          written += 1
        }
        continue
      }
      guard entry.valid else {
        let node = nodes[Int(pending[start + 2 * k + 1])]
        let pair = YAMLDiagnostics.badMergeValue()
        diagnostics.append(
          Diagnostic(code: pair.0, message: pair.1, location: location(source, Int(node.start), Int(node.end))))
        continue
      }
      for index in Int(entry.first)..<Int(entry.end) where first[index] == Int32(index) {
        let item = items[index]
        if item.alias >= 0 {
          // Copied through an alias: keep where it is used (the `*name` of the merge).
          let useKey = mergeUse(of: item.key, at: Int(item.alias))
          let useValue = mergeUse(of: item.value, at: Int(item.alias))
          children.append(useKey)
          children.append(useValue)
        } else {
          children.append(item.key)
          children.append(item.value)
        }
        written += 1
      }
    }
    return written
  }

  /// Reports a repeated mapping key at the later key, with a note at the first.
  mutating func reportDuplicate(first: UInt32, later: UInt32) {
    let firstNode = nodes[Int(first)]
    let laterNode = nodes[Int(later)]
    diagnostics.append(
      Diagnostic(
        code: YAMLDiagnostics.duplicateKey(keyText(later)).0,
        message: YAMLDiagnostics.duplicateKey(keyText(later)).1,
        location: location(source, Int(laterNode.start), Int(laterNode.end)),
        notes: [
          Diagnostic.Note(
            message: "first defined here",
            location: location(source, Int(firstNode.start), Int(firstNode.end)))
        ]))
  }
}

// MARK: - Mappings: the fast path

extension TreeBuilder {
  /// Whether the key/value slots `pending[start...]` of a finished mapping stay as they are: no
  /// merge key and no repeated key, the case where ``finishMapping(from:)`` leaves them unchanged.
  /// Uses the same tests (`isMergeKey`, `sameKey`, and the table of `firstOccurrences` with its
  /// work budget) without allocating per mapping: each key is hashed once, and only keys with
  /// equal hashes are compared.
  mutating func mappingKeepsItsSlots(from start: Int) -> Bool {
    let pairs = (pending.count - start) / 2
    if pairs < 2 {
      return pairs == 0 || !isMergeKey(pending[start])
    }
    // The hashes are taken out of `self` while they are written (and put back after).
    var hashes: [Int] = []
    swap(&hashes, &keyHashes)
    defer { swap(&hashes, &keyHashes) }
    if hashes.count < pairs { hashes = [Int](repeating: 0, count: max(pairs, 64)) }
    let exact = pairs > Self.pairwiseKeys
    let hashed = hashes.withUnsafeMutableBufferPointer { hashes in
      pending.withUnsafeBufferPointer { pending in
        nodes.withUnsafeBufferPointer { nodes in
          source.bytes.withUnsafeBufferPointer { bytes in
            arena.withUnsafeBufferPointer { arena in
              for p in 0..<pairs {
                let slot = pending[start + 2 * p]
                var index = Int(slot)
                var record = nodes[index]
                if record.kind == NodeRecord.aliasKind {
                  index = Int(record.payloadStart)
                  record = nodes[index]
                }
                if record.kind != YAMLNodeKind.scalar.rawValue {
                  hashes[p] = collectionKeyHash(index)
                  continue
                }
                if record.flags & NodeRecord.hasTag != 0
                  || (record.style == YAMLStyle.plain.rawValue && record.payloadCount == 2)
                {
                  if isMergeKey(slot) { return false }
                }
                guard record.scalarType == YAMLScalarType.string.rawValue else {
                  hashes[p] = exact ? keyHash(slot) : Int(record.scalarType) &* 0x2545_F491
                  continue
                }
                let base = record.flags & NodeRecord.valueInArena != 0 ? arena.baseAddress : bytes.baseAddress
                let count = Int(record.payloadCount)
                hashes[p] = count == 0 ? 0 : Int(truncatingIfNeeded: hashBytes(base! + Int(record.payloadStart), count))
              }
              return true
            }
          }
        }
      }
    }
    if !hashed { return false }  // a merge key
    // Equal keys have equal hashes (strings hash their bytes, eight at a time; null, bool, int and
    // float keys, equal by value as in `16` and `0x10`, their value with `keyHash` in large
    // mappings and only their type in small ones; collections their index): only keys with equal
    // hashes are compared. A repeated key, or keys that take the table over its work budget,
    // send the mapping to `finishMapping`, which reports the first and sorts the second.
    if !exact {
      // Small mappings: every pair of hashes.
      for j in 1..<pairs {
        let hash = hashes[j]
        for i in 0..<j where hashes[i] == hash && sameKey(pending[start + 2 * i], pending[start + 2 * j]) {
          return false
        }
      }
      return true
    }
    // Large mappings: an open-addressing table of the hashes, reused across calls.
    let (mask, shift, budget) = Self.emptyTable(&keySlots, keyCount: pairs)
    var probes = 0
    defer { statistics.keyWork += probes }
    for j in 0..<pairs {
      let hash = hashes[j]
      var slot = Int(truncatingIfNeeded: UInt64(bitPattern: Int64(hash)) >> shift)
      while keySlots[slot] >= 0 {
        let i = Int(keySlots[slot])
        probes += 1
        if hashes[i] == hash && sameKey(pending[start + 2 * i], pending[start + 2 * j]) { return false }
        if probes > budget { return false }
        slot = (slot + 1) & mask
      }
      keySlots[slot] = Int32(j)
    }
    statistics.keysLooked += pairs
    return true
  }
}

/// A fast hash of `count` bytes at `bytes`, eight bytes at a time. Unkeyed, so keys can be crafted
/// to collide in it: the tables that use it bound their work (`firstOccurrences`).
@inline(__always)
func hashBytes(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
  let k: UInt64 = 0x9E37_79B9_7F4A_7C15
  var h = UInt64(truncatingIfNeeded: count) &* k
  let raw = UnsafeRawPointer(bytes)
  if count >= 8 {
    // Whole words, then the last eight bytes (overlapping the previous word when the length is
    // not a multiple of eight).
    var i = 0
    while i + 8 < count {
      h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* k
      h ^= h >> 32
      i += 8
    }
    h = (h ^ raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)) &* k
  } else if count >= 4 {
    let low = UInt64(raw.loadUnaligned(as: UInt32.self))
    let high = UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
    h = (h ^ (low | high << 32)) &* k
  } else if count > 0 {
    h = (h ^ (UInt64(bytes[0]) | UInt64(bytes[count / 2]) << 8 | UInt64(bytes[count - 1]) << 16)) &* k
  }
  h ^= h >> 32
  return h
}
