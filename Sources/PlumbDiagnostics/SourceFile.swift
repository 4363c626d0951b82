import Synchronization

/// The bytes of one input file and a table of where its lines start.
///
/// Every position Plumb reports is derived from a byte offset into `bytes` through this table, so
/// line and column numbers and byte offsets always agree. Line breaks are LF, CR and CRLF (a CRLF
/// pair is one break). A UTF-8 byte order mark at the start is part of the bytes but not of the
/// first line's columns.
public final class SourceFile: Sendable {
  /// The path as given by the user (or a display name for in-memory text).
  public let path: String
  /// The file's bytes, exactly as read.
  public let bytes: [UInt8]
  /// Byte offset of the first byte of each line; `lineStarts[0] == 0`.
  public let lineStarts: [Int]
  /// True when every byte after the optional byte order mark is ASCII (then a character index
  /// plus the BOM's length is the byte offset).
  public let isASCII: Bool
  /// True when the file starts with a UTF-8 byte order mark (EF BB BF).
  public let hasByteOrderMark: Bool
  /// For non-ASCII files: the column at every `checkpointStride`-th byte offset, so that a
  /// position on a very long line (Terraform writes a plan on one line) costs O(stride), not
  /// O(line length). Built on first use, by a position more than `checkpointDistance` bytes into
  /// its line (files of short lines never build it).
  private let checkpoints = Mutex<[Int]?>(nil)
  private static let checkpointStride = 512
  /// Positions at most this far from their line's start are counted directly.
  private static let checkpointDistance = 4096

  /// Creates a source file from its bytes, computing the line table in one pass.
  public init(path: String, bytes: [UInt8]) {
    self.path = path
    self.bytes = bytes
    let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    self.hasByteOrderMark = bom
    var starts: [Int] = [0]
    var ascii = true
    bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      let count = buffer.count
      var index = bom ? 3 : 0
      var high: UInt8 = 0
      var highWords: UInt64 = 0
      // Eight bytes at a time: a word without a line break is skipped, and the LFs of a word
      // without a CR are found from its mask of LF bytes. A word with a CR (a CRLF may straddle
      // two words) goes through the byte loop below.
      let ones: UInt64 = 0x0101_0101_0101_0101
      let highBits: UInt64 = 0x8080_8080_8080_8080
      let lowBits: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
      while index < count {
        if index + 8 <= count {
          let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
          let lf = word ^ (ones &* 0x0A)
          let cr = word ^ (ones &* 0x0D)
          // The top bit of each byte of `lf` (`cr`) that is zero: of each LF (CR) byte, exactly (no
          // borrow between bytes, unlike the quicker "has a zero byte" test).
          let lfMask = ~(((lf & lowBits) &+ lowBits) | lf | lowBits)
          let crMask = ~(((cr & lowBits) &+ lowBits) | cr | lowBits)
          if crMask == 0 {
            highWords |= word
            var mask = lfMask
            while mask != 0 {
              starts.append(index + mask.trailingZeroBitCount / 8 + 1)
              mask &= mask &- 1
            }
            index += 8
            continue
          }
        }
        let end = min(index + 8, count)
        while index < end {
          let byte = buffer[index]
          high |= byte
          if byte == 0x0A {
            starts.append(index + 1)
          } else if byte == 0x0D {
            if index + 1 < count && buffer[index + 1] == 0x0A {
              index += 1
            }
            starts.append(index + 1)
          }
          index += 1
        }
      }
      ascii = high < 0x80 && highWords & highBits == 0
    }
    self.lineStarts = starts
    self.isASCII = ascii
  }

  /// The checkpoints of a non-ASCII file, computed once.
  private func columnCheckpoints() -> [Int] {
    checkpoints.withLock { cached in
      if let cached { return cached }
      let built = Self.columnCheckpoints(bytes, lineStarts: lineStarts, bom: hasByteOrderMark)
      cached = built
      return built
    }
  }

  /// The column (1 + Unicode scalars since the line's start) at offsets 0, stride, 2·stride, …
  ///
  /// Between two checkpoints of the same line the count continues, so the bytes are counted once,
  /// eight at a time (`scalarCount`).
  private static func columnCheckpoints(_ bytes: [UInt8], lineStarts: [Int], bom: Bool) -> [Int] {
    var result: [Int] = []
    result.reserveCapacity(bytes.count / checkpointStride + 2)
    let contentStart = bom ? 3 : 0
    bytes.withUnsafeBufferPointer { buffer in
      var line = 0
      var previous = -1  // the previous checkpoint's offset, if on the current line
      var scalars = 0
      var offset = 0
      while offset <= buffer.count {
        var moved = false
        while line + 1 < lineStarts.count && lineStarts[line + 1] <= offset {
          line += 1
          moved = true
        }
        if moved || previous < 0 {
          let from = max(lineStarts[line], contentStart)
          scalars = from < offset ? scalarCount(buffer, from, offset) : 0
        } else {
          scalars += scalarCount(buffer, max(previous, contentStart), offset)
        }
        result.append(1 + scalars)
        previous = offset
        offset += checkpointStride
      }
    }
    return result
  }

  /// The number of Unicode scalars (bytes that are not UTF-8 continuation bytes) in
  /// `buffer[from..<to]`, eight bytes at a time.
  @inline(__always)
  static func scalarCount(_ buffer: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Int {
    var index = from
    var continuations = 0
    if let base = buffer.baseAddress {
      let highBits: UInt64 = 0x8080_8080_8080_8080
      while index + 8 <= to {
        let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
        // A continuation byte is 10xxxxxx: its top bit set and the next bit (shifted up) clear.
        continuations &+= (word & ~(word << 1) & highBits).nonzeroBitCount
        index += 8
      }
    }
    while index < to {
      if buffer[index] & 0xC0 == 0x80 { continuations += 1 }
      index += 1
    }
    return to - from - continuations
  }

  /// Creates a source file from text (tests and in-memory inputs).
  public convenience init(path: String, text: String) {
    self.init(path: path, bytes: Array(text.utf8))
  }

  /// The number of lines (a final line break does not start a new, empty line).
  public var lineCount: Int {
    if let last = lineStarts.last, last == bytes.count, lineStarts.count > 1 {
      return lineStarts.count - 1
    }
    return lineStarts.count
  }

  /// The 0-based index of the line holding `offset`.
  ///
  /// - Complexity: O(log n) in the number of lines.
  public func lineIndex(ofOffset offset: Int) -> Int {
    var low = 0
    var high = lineStarts.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
    }
    return low
  }

  /// The position (1-based line, 1-based column in Unicode scalars) of a byte offset.
  ///
  /// Offsets past the end are clamped to the end of the file.
  public func position(ofOffset rawOffset: Int) -> SourcePosition {
    let offset = max(0, min(rawOffset, bytes.count))
    let line = lineIndex(ofOffset: offset)
    var start = lineStarts[line]
    if line == 0 && hasByteOrderMark { start = min(3, offset) }
    if isASCII {
      return SourcePosition(line: line + 1, column: 1 + offset - start, offset: offset)
    }
    // Count from the line's start, or, far into a long line (Terraform writes a plan on one line),
    // from the nearest checkpoint (the table is built on first use: files of short lines never
    // need it).
    var column = 1
    var index = start
    if offset - start > Self.checkpointDistance {
      let block = offset / Self.checkpointStride
      let checkpoint = block * Self.checkpointStride
      let checkpoints = columnCheckpoints()
      if checkpoint >= start && checkpoint >= (hasByteOrderMark ? 3 : 0) && block < checkpoints.count {
        column = checkpoints[block]
        index = checkpoint
      }
    }
    bytes.withUnsafeBufferPointer { buffer in
      column += Self.scalarCount(buffer, index, offset)
    }
    return SourcePosition(line: line + 1, column: column, offset: offset)
  }

  /// The span between two byte offsets.
  public func span(from start: Int, to end: Int) -> SourceSpan {
    SourceSpan(start: position(ofOffset: start), end: position(ofOffset: end))
  }

  /// The text of the 1-based line `line`, without its line break (and without a leading BOM).
  public func lineText(_ line: Int) -> String {
    guard line >= 1 && line <= lineStarts.count else { return "" }
    var start = lineStarts[line - 1]
    if line == 1 && hasByteOrderMark { start = 3 }
    var end = line < lineStarts.count ? lineStarts[line] : bytes.count
    while end > start && (bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D) { end -= 1 }
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }

  /// The text between two byte offsets, decoded as UTF-8 (invalid bytes become U+FFFD).
  public func text(from start: Int, to end: Int) -> String {
    let lower = max(0, min(start, bytes.count))
    let upper = max(lower, min(end, bytes.count))
    return String(decoding: bytes[lower..<upper], as: UTF8.self)
  }
}
