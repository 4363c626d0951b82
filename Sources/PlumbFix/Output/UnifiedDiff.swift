/// Unified diffs (`git apply` reads them): `--- a/path`, `+++ b/path`, hunks with three lines of
/// context, `\ No newline at end of file` where a side has no final line break. Lines are split at
/// LF, as git does, so CRLF files keep their CRs inside the lines.
public enum UnifiedDiff {
  /// The diff of one file; empty when the texts are equal.
  public static func make(path: String, old: [UInt8], new: [UInt8], context: Int = 3) -> String {
    guard old != new else { return "" }
    let a = split(old)
    let b = split(new)
    let script = edits(a, b)
    var out = "--- a/\(path)\n+++ b/\(path)\n"
    // Group the script into hunks.
    var index = 0
    while index < script.count {
      guard let firstChange = script[index...].firstIndex(where: { $0.kind != .same }) else { break }
      var start = max(index, firstChange - context)
      if start < index { start = index }
      var end = firstChange
      // Extend while the next change is within 2 * context lines.
      while true {
        var next = end
        while next < script.count && script[next].kind != .same { next += 1 }
        var sameRun = next
        while sameRun < script.count && script[sameRun].kind == .same { sameRun += 1 }
        if sameRun < script.count && sameRun - next <= 2 * context {
          end = sameRun
          continue
        }
        end = min(next + context, script.count)
        break
      }
      let hunk = script[start..<end]
      let oldLines = hunk.filter { $0.kind != .insert }
      let newLines = hunk.filter { $0.kind != .delete }
      let oldStart = oldLines.first.map { $0.old + 1 } ?? (hunk.first.map { $0.old } ?? 0)
      let newStart = newLines.first.map { $0.new + 1 } ?? (hunk.first.map { $0.new } ?? 0)
      out += "@@ -\(oldStart),\(oldLines.count) +\(newStart),\(newLines.count) @@\n"
      for line in hunk {
        let text: [UInt8]
        let prefix: String
        switch line.kind {
        case .same:
          prefix = " "
          text = a[line.old]
        case .delete:
          prefix = "-"
          text = a[line.old]
        case .insert:
          prefix = "+"
          text = b[line.new]
        }
        out += prefix + String(decoding: text, as: UTF8.self)
        if text.last != 0x0A { out += "\n\\ No newline at end of file\n" }
      }
      index = end
    }
    return out
  }

  static func split(_ bytes: [UInt8]) -> [[UInt8]] {
    var lines: [[UInt8]] = []
    var start = 0
    for (i, b) in bytes.enumerated() where b == 0x0A {
      lines.append(Array(bytes[start...i]))
      start = i + 1
    }
    if start < bytes.count { lines.append(Array(bytes[start...])) }
    return lines
  }

  struct Line {
    enum Kind { case same, delete, insert }
    var kind: Kind
    /// Index in the old lines (for same/delete), or the old position before which it is inserted.
    var old: Int
    /// Index in the new lines (for same/insert), or the new position for a deletion.
    var new: Int
  }

  /// The shortest edit script (Myers' algorithm).
  static func edits(_ a: [[UInt8]], _ b: [[UInt8]]) -> [Line] {
    var ids: [[UInt8]: Int] = [:]
    func id(_ line: [UInt8]) -> Int {
      if let known = ids[line] { return known }
      ids[line] = ids.count
      return ids.count - 1
    }
    let xs = a.map(id)
    let y = b.map(id)
    let n = xs.count
    let m = y.count
    let max = n + m
    var v = [Int](repeating: 0, count: 2 * max + 2)
    var trace: [[Int]] = []
    outer: for d in 0...max {
      trace.append(v)
      var k = -d
      while k <= d {
        var i: Int
        if k == -d || (k != d && v[k - 1 + max] < v[k + 1 + max]) {
          i = v[k + 1 + max]
        } else {
          i = v[k - 1 + max] + 1
        }
        var j = i - k
        while i < n && j < m && xs[i] == y[j] {
          i += 1
          j += 1
        }
        v[k + max] = i
        if i >= n && j >= m { break outer }
        k += 2
      }
    }
    // Backtrack.
    var result: [Line] = []
    var i = n
    var j = m
    for d in stride(from: trace.count - 1, through: 0, by: -1) {
      let v = trace[d]
      let k = i - j
      let previousK: Int
      if k == -d || (k != d && v[k - 1 + max] < v[k + 1 + max]) {
        previousK = k + 1
      } else {
        previousK = k - 1
      }
      let previousI = d == 0 ? 0 : v[previousK + max]
      let previousJ = previousI - previousK
      while i > previousI && j > previousJ {
        i -= 1
        j -= 1
        result.append(Line(kind: .same, old: i, new: j))
      }
      if d > 0 {
        if i == previousI {
          j -= 1
          result.append(Line(kind: .insert, old: i, new: j))
        } else {
          i -= 1
          result.append(Line(kind: .delete, old: i, new: j))
        }
      }
    }
    return result.reversed()
  }
}
