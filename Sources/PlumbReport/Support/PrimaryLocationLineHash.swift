/// GitHub code scanning's `primaryLocationLineHash`, computed as GitHub's upload action
/// (github/codeql-action, `fingerprints.ts`) computes it when a SARIF result has none.
///
/// A rolling hash (base 37, wrapping 64-bit arithmetic) over a window of 100 UTF-16 code units
/// starting at each line: spaces and tabs are skipped, `\r\n`, `\r` and `\n` all count as one `\n`,
/// the end of the file is the code unit 65535 followed by zeros. A line's value is the hash in
/// lower-case hexadecimal and how many earlier lines had the same hash: `hash:count`. Code
/// scanning matches an alert across commits by this value, so a finding keeps its alert when lines
/// are added above it.
///
/// Cost: one pass over the file's code units, whatever the number of findings in it.
public enum PrimaryLocationLineHash {
  static let blockSize = 100
  static let modulus: Int64 = 37
  static let endOfFile: UInt16 = 65535

  /// The value of every line of `text`, index 0 for line 1 (a text ending with a line break has
  /// one more, empty, line).
  public static func lineHashes(_ text: String) -> [String] {
    lineHashes(codeUnits: text.utf16)
  }

  /// The value of every line of UTF-8 `bytes` (invalid sequences decode as U+FFFD, as Node's
  /// `utf8` stream does).
  public static func lineHashes(utf8 bytes: [UInt8]) -> [String] {
    lineHashes(String(decoding: bytes, as: UTF8.self))
  }

  static func lineHashes<Units: Sequence<UInt16>>(codeUnits: Units) -> [String] {
    var firstMod: Int64 = 1
    for _ in 0..<blockSize { firstMod = firstMod &* modulus }
    var window = [Int64](repeating: 0, count: blockSize)
    var lineNumbers = [Int](repeating: -1, count: blockSize)
    var hash: Int64 = 0
    var index = 0
    var lineNumber = 0
    var lineStart = true
    var previousCR = false
    var counts: [UInt64: Int] = [:]
    var output: [String] = []

    func emit() {
      let value = UInt64(bitPattern: hash)
      let count = (counts[value] ?? 0) + 1
      counts[value] = count
      let line = lineNumbers[index]
      if output.count < line { output.append(contentsOf: repeatElement("", count: line - output.count)) }
      output[line - 1] = String(value, radix: 16) + ":" + String(count)
      lineNumbers[index] = -1
    }
    func update(_ current: Int64) {
      let begin = window[index]
      window[index] = current
      hash = modulus &* hash &+ current &- firstMod &* begin
      index = (index + 1) % blockSize
    }
    func process(_ unit: UInt16) {
      var current = unit
      if current == 0x20 || current == 0x09 || (previousCR && current == 0x0A) {
        previousCR = false
        return
      }
      if current == 0x0D {
        current = 0x0A
        previousCR = true
      } else {
        previousCR = false
      }
      if lineNumbers[index] != -1 { emit() }
      if lineStart {
        lineStart = false
        lineNumber += 1
        lineNumbers[index] = lineNumber
      }
      if current == 0x0A { lineStart = true }
      update(Int64(current))
    }

    for unit in codeUnits { process(unit) }
    process(endOfFile)
    for _ in 0..<blockSize {
      if lineNumbers[index] != -1 { emit() }
      update(0)
    }
    return output
  }
}
