import PlumbDiagnostics
import PlumbYAML

/// Byte offset → line and column for one file, in O(log lines) plus a bounded scan.
///
/// `SourceFile.position(ofOffset:)` counts Unicode scalars from the start of the line, which is
/// O(line length) for files with non-ASCII bytes. Terraform writes a plan as a single line, so
/// every location computed that way would scan up to the whole file (quadratic over a plan's
/// resources). This locator gives the same positions as `SourceFile` but keeps the column at a
/// checkpoint every `stride` bytes, built in one pass the first time it is needed, so a lookup
/// scans at most `stride` bytes.
final class SourceLocator {
  /// The file positions are computed in.
  let source: SourceFile
  private let stride = 512
  /// The column (as `SourceFile` computes it) at byte offset `k * stride`, for non-ASCII files.
  private lazy var checkpoints: [Int] = buildCheckpoints()

  init(_ source: SourceFile) {
    self.source = source
  }

  /// The file and span of `node` (equal to `node.location`, without the per-line scan).
  func location(_ node: YAMLNode) -> SourceLocation {
    let range = node.byteRange
    return SourceLocation(
      path: source.path, span: SourceSpan(start: position(range.lowerBound), end: position(range.upperBound)))
  }

  /// The position of a byte offset (clamped to the file), equal to `SourceFile.position(ofOffset:)`.
  func position(_ rawOffset: Int) -> SourcePosition {
    let bytes = source.bytes
    let offset = max(0, min(rawOffset, bytes.count))
    let line = source.lineIndex(ofOffset: offset)
    let start = lineStart(line, offset: offset)
    if source.isASCII {
      return SourcePosition(line: line + 1, column: 1 + offset - start, offset: offset)
    }
    let block = offset / stride
    let checkpoint = block * stride
    let column: Int
    if checkpoint >= start && block < checkpoints.count {
      column = checkpoints[block] + scalarStarts(checkpoint, offset)
    } else {
      column = 1 + scalarStarts(start, offset)
    }
    return SourcePosition(line: line + 1, column: column, offset: offset)
  }

  /// Where line `line` starts for columns (after a byte order mark on the first line).
  private func lineStart(_ line: Int, offset: Int) -> Int {
    let start = line < source.lineStarts.count ? source.lineStarts[line] : 0
    return line == 0 && source.hasByteOrderMark ? min(3, offset) : start
  }

  /// The number of UTF-8 scalar starts in `from..<to`.
  private func scalarStarts(_ from: Int, _ to: Int) -> Int {
    source.bytes.withUnsafeBufferPointer { bytes in
      var count = 0
      var index = from
      while index < to {
        if bytes[index] & 0xC0 != 0x80 { count += 1 }
        index += 1
      }
      return count
    }
  }

  private func buildCheckpoints() -> [Int] {
    let total = source.bytes.count / stride + 1
    var columns = [Int](repeating: 1, count: total)
    var previousLine = -1
    var previousOffset = 0
    var previousColumn = 1
    for block in 0..<total {
      let offset = block * stride
      let line = source.lineIndex(ofOffset: offset)
      let start = lineStart(line, offset: offset)
      let column: Int
      if line == previousLine && previousOffset >= start {
        column = previousColumn + scalarStarts(previousOffset, offset)
      } else {
        column = 1 + scalarStarts(start, offset)
      }
      columns[block] = column
      previousLine = line
      previousOffset = offset
      previousColumn = column
    }
    return columns
  }
}
