/// Seeded mutations of byte strings, as a small libFuzzer would make them; the same seed gives the
/// same cases on every run. The YAML and the policy-language fuzz tests use it with their own
/// tokens and nesting forms.
public struct Mutator {
  public var random: SplitMix64
  let tokens: [[UInt8]]
  /// Opening and closing texts of the nesting the language has (`[`…`]`, `not `…).
  let nesting: [(String, String)]
  /// The deepest nesting a case inserts.
  let maxDepth: Int
  /// The longest run of one byte a case inserts.
  let maxRun: Int
  /// Inputs stay below this size.
  let maxSize = 300_000

  /// A mutator for a language with `tokens` and `nesting` forms.
  public init(seed: UInt64, tokens: [[UInt8]], nesting: [(String, String)], maxDepth: Int, maxRun: Int) {
    random = SplitMix64(state: seed)
    self.tokens = tokens
    self.nesting = nesting
    self.maxDepth = maxDepth
    self.maxRun = maxRun
  }

  /// One to four mutation steps of `input`; `other` is spliced in by some of them.
  public mutating func mutate(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
    var bytes = input
    for _ in 0..<Int.random(in: 1...4, using: &random) { bytes = step(bytes, other: other) }
    return Array(bytes.prefix(maxSize))
  }

  mutating func position(in bytes: [UInt8]) -> Int { Int.random(in: 0...bytes.count, using: &random) }

  mutating func step(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
    var bytes = input
    switch Int.random(in: 0..<10, using: &random) {
    case 0:  // flip bits
      for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
        bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= 1 << UInt8.random(in: 0..<8, using: &random)
      }
    case 1:  // truncate
      bytes = Array(bytes.prefix(position(in: bytes)))
    case 2:  // splice with another input
      bytes = Array(bytes.prefix(position(in: bytes))) + Array(other.suffix(position(in: other)))
    case 3, 4:  // insert a token
      let token = tokens[Int.random(in: 0..<tokens.count, using: &random)]
      bytes.insert(contentsOf: token, at: position(in: bytes))
    case 5:  // invalid UTF-8: a stray continuation, a truncated sequence, a surrogate, an overlong form
      let invalid: [[UInt8]] = [[0x80], [0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80]]
      bytes.insert(contentsOf: invalid[Int.random(in: 0..<invalid.count, using: &random)], at: position(in: bytes))
    case 6:  // deep nesting around a token or the input
      let depth = Int.random(in: 1...maxDepth, using: &random)
      let (open, close) = nesting[Int.random(in: 0..<nesting.count, using: &random)]
      let at = position(in: bytes)
      let inner = Array(bytes[at...].prefix(Int.random(in: 0...8, using: &random)))
      bytes.replaceSubrange(
        at..<(at + inner.count),
        with: Array(String(repeating: open, count: depth).utf8) + inner + Array(String(repeating: close, count: depth).utf8))
    case 7:  // a huge scalar, string or name
      let byte = [UInt8(ascii: "a"), UInt8(ascii: " "), UInt8(ascii: "\""), 0xC3, UInt8(ascii: "\\")][Int.random(in: 0..<5, using: &random)]
      bytes.insert(contentsOf: repeatElement(byte, count: Int.random(in: 1_000...maxRun, using: &random)), at: position(in: bytes))
    case 8:  // repeat a slice
      let start = position(in: bytes)
      let slice = bytes[start...].prefix(Int.random(in: 1...64, using: &random))
      for _ in 0..<Int.random(in: 1...50, using: &random) { bytes.insert(contentsOf: slice, at: start) }
    default:  // delete a slice
      let start = position(in: bytes)
      bytes.removeSubrange(start..<min(bytes.count, start + Int.random(in: 1...32, using: &random)))
    }
    return bytes
  }
}

/// SplitMix64: a tiny, fast, seedable generator, so that fuzz cases are the same on every run.
public struct SplitMix64: RandomNumberGenerator {
  var state: UInt64

  /// A generator starting at `state`.
  public init(state: UInt64) { self.state = state }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
