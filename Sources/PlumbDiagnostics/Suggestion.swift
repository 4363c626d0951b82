/// The closest candidate by edit distance, if close enough to be a plausible typo.
public func suggestion(for name: String, among candidates: some Sequence<String>) -> String? {
  var best: (String, Int)?
  let allowed = max(1, name.count / 3)
  let lowered = name.lowercased()
  for candidate in candidates {
    let other = candidate.lowercased()
    // The distance is at least the difference in length: no table for those too far apart (a long
    // hostile name costs nothing).
    guard abs(other.unicodeScalars.count - lowered.unicodeScalars.count) <= allowed else { continue }
    let distance = editDistance(lowered, other)
    if distance <= allowed, distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
  }
  return best?.0
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent
/// transpositions (`spce` → `spec` is one edit) each cost 1.
public func editDistance(_ a: String, _ b: String) -> Int {
  let x = Array(a.unicodeScalars)
  let y = Array(b.unicodeScalars)
  if x.isEmpty { return y.count }
  if y.isEmpty { return x.count }
  var table = Array(repeating: Array(repeating: 0, count: y.count + 1), count: x.count + 1)
  for i in 0...x.count { table[i][0] = i }
  for j in 0...y.count { table[0][j] = j }
  for i in 1...x.count {
    for j in 1...y.count {
      let cost = x[i - 1] == y[j - 1] ? 0 : 1
      table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
      if i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] {
        table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
      }
    }
  }
  return table[x.count][y.count]
}
