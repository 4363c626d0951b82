import Foundation
import PlumbDiagnostics

/// A literal prefilter for a regular expression, as RE2, ripgrep and Hyperscan have: a few byte
/// strings at least one of which every text the expression matches in must contain. A byte search
/// for them rejects most texts (long `run` scripts tested against secret or download patterns)
/// without bridging the text to UTF-16 and running ICU.
///
/// The guarantee (soundness): if the expression matches anywhere in a text, ``mayMatch(_:)`` is
/// true for that text. The pattern is parsed for a subset of ICU's syntax (literals, the usual
/// escapes, `.`, classes, groups, lookaround, anchors, alternation, quantifiers, the `i m s w`
/// flags); anything else gives no prefilter. Lookarounds add nothing to the matched text; a
/// positive one's literals are still required in the text. Case-insensitive patterns (a flag `i`
/// anywhere, or the option) fold every literal to ASCII lower case, and ICU folds with Unicode
/// rules (KELVIN SIGN matches `k`, LONG S matches `s`, `ß` matches `ss`), so: their literals are
/// ASCII, a non-ASCII pattern character counts as any text, and any text holding a non-ASCII byte
/// may match.
struct RegexPrefilter: Sendable {
  /// Most literals kept (more are shortened to prefixes, or give no prefilter).
  static let maxLiterals = 32
  /// Largest class expanded into alternatives (`gh[pousr]_`).
  static let maxClassSize = 8
  /// Longest pattern parsed, in Unicode scalars.
  static let maxPatternLength = 10_000

  /// The required literals, folded to ASCII lower case when `caseInsensitive`; none is empty and
  /// none contains another.
  let literals: [[UInt8]]
  /// Whether literals match ASCII-case-insensitively (and texts with non-ASCII bytes always pass).
  let caseInsensitive: Bool

  /// Bytes that alone mean "may match": one-byte literals (both cases), and every non-ASCII byte
  /// when case-insensitive.
  private let passing: [Bool]
  /// Bit `a << 8 | b` is set when some literal (in some case) starts with the bytes `a b`.
  private let pairs: [UInt64]
  /// Literals of two bytes or more, verified where their first two bytes are found.
  private let long: [[UInt8]]

  /// The prefilter of an ICU pattern (matched case-insensitively as a whole when `caseInsensitive`,
  /// the option); nil when none can be derived.
  init?(pattern: String, caseInsensitive: Bool = false) {
    let scalars = Array(pattern.unicodeScalars)
    guard scalars.count <= Self.maxPatternLength else { return nil }
    var parser = PatternParser(scalars: scalars)
    guard let root = try? parser.parse() else { return nil }
    let folds = caseInsensitive || parser.foldsCase
    guard let required = LiteralAnalysis(foldsCase: folds).info(root).required, !required.isEmpty else { return nil }
    self.init(literals: Array(required), caseInsensitive: folds)
  }

  /// The prefilter of a compiled expression (its pattern and options); nil when none can be derived.
  init?(_ regex: NSRegularExpression) {
    let understood: NSRegularExpression.Options = [
      .caseInsensitive, .dotMatchesLineSeparators, .anchorsMatchLines, .useUnixLineSeparators,
      .useUnicodeWordBoundaries,
    ]
    guard regex.options.isSubset(of: understood) else { return nil }
    self.init(pattern: regex.pattern, caseInsensitive: regex.options.contains(.caseInsensitive))
  }

  /// A prefilter for `literals` (none empty; folded to lower case here when `caseInsensitive`).
  private init(literals: [[UInt8]], caseInsensitive: Bool) {
    let folded = literals.map { caseInsensitive ? $0.map(asciiLower) : $0 }
    self.literals = Set(folded).sorted { $0.lexicographicallyPrecedes($1) }
    self.caseInsensitive = caseInsensitive
    var passing = [Bool](repeating: false, count: 256)
    var pairs = [UInt64](repeating: 0, count: 1024)
    if caseInsensitive { for byte in 0x80...0xFF { passing[byte] = true } }
    func variants(_ byte: UInt8) -> [UInt8] {
      caseInsensitive && asciiLower(byte) != asciiUpper(byte) ? [asciiLower(byte), asciiUpper(byte)] : [byte]
    }
    for literal in self.literals {
      if literal.count == 1 {
        for byte in variants(literal[0]) { passing[Int(byte)] = true }
        continue
      }
      for a in variants(literal[0]) {
        for b in variants(literal[1]) {
          let key = Int(a) << 8 | Int(b)
          pairs[key >> 6] |= 1 << UInt64(key & 63)
        }
      }
    }
    self.passing = passing
    self.pairs = pairs
    self.long = self.literals.filter { $0.count > 1 }
  }

  /// False only when the expression cannot match anywhere in `text`.
  func mayMatch(_ text: String) -> Bool {
    if let answer = text.utf8.withContiguousStorageIfAvailable({ mayMatch(bytes: $0) }) { return answer }
    var contiguous = text
    contiguous.makeContiguousUTF8()
    return contiguous.utf8.withContiguousStorageIfAvailable { mayMatch(bytes: $0) } ?? true
  }

  /// False only when the expression cannot match anywhere in the UTF-8 text `bytes`.
  func mayMatch(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    // One exact literal: memchr to its first byte.
    if !caseInsensitive, literals.count == 1 { return bytes.firstOffset(of: literals[0]) != nil }
    let count = bytes.count
    guard count > 0, let base = bytes.baseAddress else { return false }
    return passing.withUnsafeBufferPointer { passing in
      pairs.withUnsafeBufferPointer { pairs in
        var index = 0
        while index < count {
          let byte = base[index]
          if passing[Int(byte)] { return true }
          if index + 1 < count {
            let key = Int(byte) << 8 | Int(base[index + 1])
            if pairs[key >> 6] & (1 << UInt64(key & 63)) != 0, literalStarts(at: index, base, count) { return true }
          }
          index += 1
        }
        return false
      }
    }
  }

  /// Whether one of the literals of two bytes or more starts at `index`.
  private func literalStarts(at index: Int, _ base: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    for literal in long where literal.count <= count - index {
      var matched = true
      for (offset, expected) in literal.enumerated() {
        let byte = base[index + offset]
        if (caseInsensitive ? asciiLower(byte) : byte) != expected {
          matched = false
          break
        }
      }
      if matched { return true }
    }
    return false
  }
}

@inline(__always) private func asciiLower(_ byte: UInt8) -> UInt8 {
  byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
}

@inline(__always) private func asciiUpper(_ byte: UInt8) -> UInt8 {
  byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte
}

// MARK: - The pattern subset

/// What the prefilter understands of a pattern.
indirect enum PatternNode {
  /// Matches the empty string only: anchors, `\b`, flag settings, negative lookaround.
  case empty
  /// One character.
  case scalar(Unicode.Scalar)
  /// One character of a positive class whose members are known exactly.
  case members([Unicode.Scalar])
  /// Anything (`.`, `\s`, a negated or large class): requires no literal.
  case any
  case concatenation([PatternNode])
  case alternation([PatternNode])
  case repetition(PatternNode, min: Int, max: Int?)
  /// A positive lookahead or lookbehind: matches the empty string, but its content matches in the text.
  case lookaround(PatternNode)
}

/// A recursive-descent parser for the subset of ICU regular expressions the prefilter derives
/// literals from; throws on anything else.
struct PatternParser {
  struct Unsupported: Error {}

  let scalars: [Unicode.Scalar]
  var index = 0
  /// Whether a flag `i` is turned on anywhere (then every literal is folded: still sound whatever
  /// the flag's scope).
  private(set) var foldsCase = false
  private var depth = 0

  init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

  private var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
  private func peekAhead(_ ahead: Int) -> Unicode.Scalar? { index + ahead < scalars.count ? scalars[index + ahead] : nil }

  private mutating func next() throws -> Unicode.Scalar {
    guard index < scalars.count else { throw Unsupported() }
    defer { index += 1 }
    return scalars[index]
  }

  private mutating func expect(_ scalar: Unicode.Scalar) throws {
    guard try next() == scalar else { throw Unsupported() }
  }

  mutating func parse() throws -> PatternNode {
    let node = try alternation()
    guard index == scalars.count else { throw Unsupported() }  // a stray `)`
    return node
  }

  private mutating func alternation() throws -> PatternNode {
    depth += 1
    defer { depth -= 1 }
    guard depth <= 100 else { throw Unsupported() }
    var branches = [try concatenation()]
    while peek == "|" {
      index += 1
      branches.append(try concatenation())
    }
    return branches.count == 1 ? branches[0] : .alternation(branches)
  }

  private mutating func concatenation() throws -> PatternNode {
    var items: [PatternNode] = []
    while let scalar = peek, scalar != "|", scalar != ")" {
      let (node, quantifiable) = try atom()
      items.append(try quantified(node, quantifiable: quantifiable))
    }
    return items.count == 1 ? items[0] : .concatenation(items)
  }

  /// One atom, and whether a quantifier may follow it (not after zero-width items: bail out).
  private mutating func atom() throws -> (PatternNode, Bool) {
    let scalar = try next()
    switch scalar {
    case "(": return try group()
    case "[": return (try characterClass(), true)
    case ".": return (.any, true)
    case "^", "$": return (.empty, false)
    case "\\": return try escape()
    case "*", "+", "?", "{", "}", "]", ")": throw Unsupported()
    default: return (.scalar(scalar), true)
    }
  }

  private mutating func group() throws -> (PatternNode, Bool) {
    guard peek == "?" else {
      let inner = try alternation()
      try expect(")")
      return (inner, true)
    }
    index += 1
    switch try next() {
    case ":", ">":  // non-capturing, atomic
      let inner = try alternation()
      try expect(")")
      return (inner, true)
    case "=":
      let inner = try alternation()
      try expect(")")
      return (.lookaround(inner), false)
    case "!":
      _ = try alternation()
      try expect(")")
      return (.empty, false)
    case "<":
      let kind = try next()
      guard kind == "=" || kind == "!" else { throw Unsupported() }  // a named group
      let inner = try alternation()
      try expect(")")
      return (kind == "=" ? .lookaround(inner) : .empty, false)
    default:
      // Flags: `(?ismw-ismw)` for the rest of the group, `(?ismw-ismw:…)` for a group.
      index -= 1
      var on = true
      var sawFlag = false
      var sawMinus = false
      while true {
        let flag = try next()
        switch flag {
        case "i":
          if on { foldsCase = true }
          sawFlag = true
        case "m", "s", "w": sawFlag = true
        case "-":
          guard !sawMinus else { throw Unsupported() }
          sawMinus = true
          on = false
        case ")":
          guard sawFlag else { throw Unsupported() }
          return (.empty, false)
        case ":":
          guard sawFlag else { throw Unsupported() }
          let inner = try alternation()
          try expect(")")
          return (inner, true)
        default: throw Unsupported()  // `x` (comments) and anything unknown
        }
      }
    }
  }

  private mutating func escape() throws -> (PatternNode, Bool) {
    let scalar = try next()
    switch scalar {
    case "b", "B", "A", "z", "Z", "G": return (.empty, false)
    case "d", "D", "w", "W", "s", "S", "h", "H", "v", "V", "R", "X": return (.any, true)
    default:
      if let control = Self.controlEscape(scalar) { return (.scalar(control), true) }
      guard Self.isQuotable(scalar) else { throw Unsupported() }
      return (.scalar(scalar), true)
    }
  }

  /// `\t \n \r \f \a \e`.
  static func controlEscape(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
    switch scalar {
    case "t": "\t"
    case "n": "\n"
    case "r": "\r"
    case "f": "\u{0C}"
    case "a": "\u{07}"
    case "e": "\u{1B}"
    default: nil
    }
  }

  /// ASCII punctuation, which a backslash makes literal.
  static func isQuotable(_ scalar: Unicode.Scalar) -> Bool {
    scalar.isASCII && scalar.value > 0x20 && scalar.value < 0x7F && !isAlphanumeric(scalar)
  }

  static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
  }

  private enum ClassItem {
    case scalar(Unicode.Scalar)
    /// `\d`, `\s`, …: members not known.
    case opaque
  }

  /// A class after its `[`. Positive classes whose members are all known exactly become
  /// `.members`; negated ones, large ones and ones with characters ICU's set syntax may read
  /// otherwise become `.any`. Nested sets, set operations, `\p{…}` and `[:…:]` are not understood.
  private mutating func characterClass() throws -> PatternNode {
    var negated = false
    if peek == "^" {
      negated = true
      index += 1
    }
    if peek == "]" || peek == ":" { throw Unsupported() }
    var members: [Unicode.Scalar] = []
    var exact = true
    var first = true
    while true {
      let scalar = try next()
      if scalar == "]" { break }
      if scalar == "[" { throw Unsupported() }
      if scalar == "-" {
        if peek == "-" { throw Unsupported() }  // `--`: set difference
        if !first && peek != "]" { exact = false }  // a dash neither first nor last
      }
      if scalar == "&" {
        if peek == "&" { throw Unsupported() }  // `&&`: intersection
        exact = false
      }
      if ["$", "{", "}", ":", "^"].contains(scalar) || scalar.properties.isWhitespace { exact = false }
      first = false
      let lower = try classItem(scalar)
      if peek == "-", let after = peekAhead(1), after != "]" {
        index += 1
        let upperScalar = try next()
        if upperScalar == "-" || upperScalar == "[" { throw Unsupported() }
        let upper = try classItem(upperScalar)
        guard case .scalar(let low) = lower, case .scalar(let high) = upper, low.value <= high.value else {
          throw Unsupported()
        }
        if high.value - low.value >= 64 {
          exact = false
        } else {
          for value in low.value...high.value {
            guard let member = Unicode.Scalar(value) else { throw Unsupported() }
            members.append(member)
          }
        }
      } else if case .scalar(let member) = lower {
        members.append(member)
      } else {
        exact = false
      }
    }
    if negated || !exact || members.isEmpty { return .any }
    var seen = Set<Unicode.Scalar>()
    return .members(members.filter { seen.insert($0).inserted })
  }

  private mutating func classItem(_ scalar: Unicode.Scalar) throws -> ClassItem {
    guard scalar == "\\" else { return .scalar(scalar) }
    let escaped = try next()
    if let control = Self.controlEscape(escaped) { return .scalar(control) }
    if ["d", "D", "w", "W", "s", "S", "h", "H", "v", "V"].contains(escaped) { return .opaque }
    guard Self.isQuotable(escaped) else { throw Unsupported() }
    return .scalar(escaped)
  }

  private mutating func quantified(_ node: PatternNode, quantifiable: Bool) throws -> PatternNode {
    var low = 0
    var high: Int? = nil
    switch peek {
    case "*"?: break
    case "+"?: low = 1
    case "?"?: high = 1
    case "{"?:
      index += 1
      low = try number()
      if peek == "," {
        index += 1
        if peek != "}" { high = try number() }
      } else {
        high = low
      }
      guard peek == "}" else { throw Unsupported() }  // consumed with the quantifier below
    default: return node
    }
    guard quantifiable, high.map({ low <= $0 }) ?? true else { throw Unsupported() }
    index += 1
    if peek == "?" || peek == "+" { index += 1 }  // lazy, possessive
    if let scalar = peek, ["*", "+", "?", "{"].contains(scalar) { throw Unsupported() }
    return .repetition(node, min: low, max: high)
  }

  private mutating func number() throws -> Int {
    var value = 0
    var digits = 0
    while let scalar = peek, ("0"..."9").contains(scalar) {
      value = value * 10 + Int(scalar.value - 0x30)
      digits += 1
      index += 1
      guard digits <= 6 else { throw Unsupported() }
    }
    guard digits > 0 else { throw Unsupported() }
    return value
  }
}

// MARK: - Required literals

/// Required literal sets, computed bottom-up (after Russ Cox's trigram index and regex-syntax's
/// literal extraction).
struct LiteralAnalysis {
  /// What is known of the strings a node matches.
  struct Info {
    /// Every string the node can match, when there are few; nil otherwise.
    var exact: Set<[UInt8]>?
    /// Literals at least one of which the text contains wherever the node matches (none empty);
    /// nil when there are none.
    var required: Set<[UInt8]>?

    static let anything = Info(exact: nil, required: nil)
    static let nothing = Info(exact: [[]], required: nil)
  }

  let foldsCase: Bool
  /// Longest literal built by concatenation.
  static let maxLiteralLength = 128
  /// Copies of a repeated node's literals written out (`-{5}` → `-----`).
  static let maxCopies = 16

  init(foldsCase: Bool) { self.foldsCase = foldsCase }

  func info(_ node: PatternNode) -> Info {
    switch node {
    case .empty: return .nothing
    case .any: return .anything
    case .scalar(let scalar):
      guard let bytes = bytes(scalar) else { return .anything }
      return Info(exact: [bytes], required: [bytes])
    case .members(let scalars):
      var set = Set<[UInt8]>()
      for scalar in scalars {
        guard let bytes = bytes(scalar) else { return .anything }
        set.insert(bytes)
      }
      guard set.count <= RegexPrefilter.maxClassSize else { return .anything }
      return Info(exact: set, required: set)
    case .concatenation(let items): return concatenation(items.map(info))
    case .alternation(let branches):
      let infos = branches.map(info)
      var exact: Set<[UInt8]>? = []
      var required: Set<[UInt8]>? = []
      for branch in infos {
        if let e = branch.exact, let sofar = exact { exact = sofar.union(e) } else { exact = nil }
        if let r = branch.required, let sofar = required { required = sofar.union(r) } else { required = nil }
      }
      if let e = exact, e.count > RegexPrefilter.maxLiterals { exact = nil }
      return Info(exact: exact, required: required.flatMap(Self.normalized))
    case .repetition(let operand, let min, let max):
      return repetition(info(operand), min: min, max: max)
    case .lookaround(let inner):
      return Info(exact: [[]], required: info(inner).required)
    }
  }

  /// A character's UTF-8 bytes, folded to ASCII lower case when folding; nil for a non-ASCII
  /// character when folding (Unicode case folding may match it to ASCII text).
  func bytes(_ scalar: Unicode.Scalar) -> [UInt8]? {
    if foldsCase {
      guard scalar.isASCII else { return nil }
      return [asciiLower(UInt8(scalar.value))]
    }
    return Array(String(Character(scalar)).utf8)
  }

  func repetition(_ operand: Info, min: Int, max: Int?) -> Info {
    if min == 0 {
      // Nothing required; the exact strings of a short optional run (`colou?r`, `(ba|z)?sh`).
      guard let e = operand.exact, let max, max <= 8 else { return .anything }
      var all: Set<[UInt8]> = [[]]
      var power: Set<[UInt8]> = [[]]
      for _ in 0..<max {
        guard let next = Self.product(power, e) else { return .anything }
        power = next
        all.formUnion(power)
        if all.count > RegexPrefilter.maxLiterals { return .anything }
      }
      return Info(exact: all, required: nil)
    }
    // x{n,m} with n ≥ 1 is x written n times, then x{0,m-n}.
    let copies = Swift.min(min, Self.maxCopies)
    var parts = Array(repeating: operand, count: copies)
    if min > copies {
      parts.append(.anything)
    } else if max != min {
      parts.append(repetition(operand, min: 0, max: max.map { $0 - min }))
    }
    return concatenation(parts)
  }

  /// The best required set of a concatenation: the longest runs of adjacent exact items, written
  /// out as their products, and every item's own required set.
  func concatenation(_ items: [Info]) -> Info {
    var candidates: [Set<[UInt8]>] = []
    var run: Set<[UInt8]> = [[]]
    var wholeIsExact = true
    for item in items {
      if let required = item.required { candidates.append(required) }
      if let exact = item.exact {
        if let product = Self.product(run, exact) {
          run = product
        } else {
          candidates.append(run)
          run = exact
          wholeIsExact = false
        }
      } else {
        candidates.append(run)
        run = [[]]
        wholeIsExact = false
      }
    }
    candidates.append(run)
    let best = candidates.compactMap(Self.normalized).max { Self.score($0) < Self.score($1) }
    return Info(exact: wholeIsExact ? run : nil, required: best)
  }

  /// Every concatenation of a string of `left` and one of `right`; nil past the size limits.
  static func product(_ left: Set<[UInt8]>, _ right: Set<[UInt8]>) -> Set<[UInt8]>? {
    guard left.count * right.count <= RegexPrefilter.maxLiterals else { return nil }
    var result = Set<[UInt8]>()
    for a in left {
      for b in right {
        guard a.count + b.count <= maxLiteralLength else { return nil }
        result.insert(a + b)
      }
    }
    return result
  }

  /// A required set without redundant literals (one containing another is implied by it), at most
  /// `maxLiterals` of them (longer ones cut to prefixes, which are still required); nil when it
  /// holds the empty string or cannot be made small enough.
  static func normalized(_ set: Set<[UInt8]>) -> Set<[UInt8]>? {
    guard !set.isEmpty, !set.contains([]) else { return nil }
    var current = minimal(set)
    var length = current.map(\.count).max() ?? 0
    while current.count > RegexPrefilter.maxLiterals {
      length -= 1
      guard length >= 1 else { return nil }
      current = minimal(Set(current.map { Array($0.prefix(length)) }))
    }
    return current
  }

  /// The literals of `set` that contain no other literal of it.
  static func minimal(_ set: Set<[UInt8]>) -> Set<[UInt8]> {
    let sorted = set.sorted { $0.count < $1.count }
    var kept: [[UInt8]] = []
    for literal in sorted where !kept.contains(where: { isSubstring($0, of: literal) }) { kept.append(literal) }
    return Set(kept)
  }

  static func isSubstring(_ needle: [UInt8], of haystack: [UInt8]) -> Bool {
    guard needle.count <= haystack.count else { return false }
    if needle.count == haystack.count { return needle == haystack }
    return haystack.withUnsafeBufferPointer { $0.firstOffset(of: needle) != nil }
  }

  /// How selective a required set is: its shortest literal first, then fewer literals.
  static func score(_ set: Set<[UInt8]>) -> (Int, Int) {
    (set.map(\.count).min() ?? 0, -set.count)
  }
}
