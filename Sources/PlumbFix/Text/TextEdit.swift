/// One replacement of a byte range of a file's original text.
///
/// Every edit of a file is computed against the same original bytes, then the edits are sorted,
/// checked for overlaps and applied back to front, so they never shift each other.
public struct TextEdit: Sendable, Hashable {
  /// The replaced bytes of the original text (empty for an insertion).
  public var range: Range<Int>
  /// The bytes written instead.
  public var replacement: [UInt8]
  /// For insertions of whole entries (a key, a list item, an attribute): what the entry is, so two
  /// insertions at one point that add different entries can be joined instead of conflicting.
  public var entry: String?

  /// Creates an edit.
  public init(range: Range<Int>, replacement: [UInt8], entry: String? = nil) {
    self.range = range
    self.replacement = replacement
    self.entry = entry
  }

  /// Creates an edit from text.
  public init(range: Range<Int>, text: String, entry: String? = nil) {
    self.init(range: range, replacement: Array(text.utf8), entry: entry)
  }

  /// Whether the two edits cannot both be applied: their ranges overlap, one inserts strictly
  /// inside the other's range, or both insert at one point (unless they add different entries).
  public func conflicts(with other: TextEdit) -> Bool {
    if self == other { return false }
    if range.isEmpty && other.range.isEmpty {
      guard range.lowerBound == other.range.lowerBound else { return false }
      if let a = entry, let b = other.entry, a != b { return false }
      return true
    }
    if range.isEmpty { return range.lowerBound > other.range.lowerBound && range.lowerBound < other.range.upperBound }
    if other.range.isEmpty {
      return other.range.lowerBound > range.lowerBound && other.range.lowerBound < range.upperBound
    }
    return range.overlaps(other.range)
  }
}

/// Operations on sets of edits of one text.
public enum TextEdits {
  /// The edits without duplicates, in application order (by position; insertions at one point in
  /// the order given).
  public static func normalized(_ edits: [TextEdit]) -> [TextEdit] {
    var unique: [TextEdit] = []
    for edit in edits where !unique.contains(edit) { unique.append(edit) }
    return unique.enumerated().sorted { a, b in
      (a.element.range.lowerBound, a.element.range.upperBound, a.offset)
        < (b.element.range.lowerBound, b.element.range.upperBound, b.offset)
    }.map(\.element)
  }

  /// The first pair of edits that conflict, if any.
  public static func firstConflict(_ edits: [TextEdit]) -> (TextEdit, TextEdit)? {
    let sorted = normalized(edits)
    for i in sorted.indices {
      for j in (i + 1)..<sorted.count {
        if sorted[j].range.lowerBound > sorted[i].range.upperBound { break }
        if sorted[i].conflicts(with: sorted[j]) { return (sorted[i], sorted[j]) }
      }
    }
    return nil
  }

  /// Applies non-conflicting edits to `bytes`.
  public static func apply(_ edits: [TextEdit], to bytes: [UInt8]) -> [UInt8] {
    var result: [UInt8] = []
    result.reserveCapacity(bytes.count + edits.reduce(0) { $0 + $1.replacement.count })
    var cursor = 0
    for edit in normalized(edits) {
      let start = max(cursor, edit.range.lowerBound)
      if start > cursor { result.append(contentsOf: bytes[cursor..<start]) }
      result.append(contentsOf: edit.replacement)
      cursor = max(cursor, edit.range.upperBound)
    }
    if cursor < bytes.count { result.append(contentsOf: bytes[cursor...]) }
    return result
  }
}
