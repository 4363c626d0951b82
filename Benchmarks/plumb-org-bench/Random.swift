// Deterministic randomness for the organisation generator: SplitMix64, never the system RNG, so
// the same seed writes the same bytes on every machine and every run.

struct SeededRandom {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A number in `0..<bound` (bound > 0).
  mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

  /// A number in `range`.
  mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.count) }

  /// True with probability `p`.
  mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }

  /// A random element.
  mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

  /// A random element, by weight.
  mutating func weighted<T>(_ items: [(T, Int)]) -> T {
    let total = items.reduce(0) { $0 + $1.1 }
    var roll = below(total)
    for (item, weight) in items {
      if roll < weight { return item }
      roll -= weight
    }
    return items[items.count - 1].0
  }

  /// `count` distinct elements (all of them when there are fewer).
  mutating func sample<T>(_ items: [T], _ count: Int) -> [T] {
    guard count < items.count else { return items }
    var chosen = Set<Int>()
    var result: [T] = []
    while result.count < count {
      let index = below(items.count)
      if chosen.insert(index).inserted { result.append(items[index]) }
    }
    return result
  }

  /// A lower-case hex string of `length` digits (a git SHA, a digest).
  mutating func hex(_ length: Int) -> String {
    let digits = Array("0123456789abcdef")
    var s = ""
    s.reserveCapacity(length)
    for _ in 0..<length { s.append(digits[below(16)]) }
    return s
  }
}
