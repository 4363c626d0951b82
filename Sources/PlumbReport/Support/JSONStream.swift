import Foundation
import PlumbDiagnostics

/// Writes pretty-printed JSON straight into a byte buffer, in the exact layout of
/// ``JSONValue/rendered()`` (two-space indentation, `"key": value`, one member or element per
/// line, `{}` and `[]` when empty), without building a tree first: a report with a hundred
/// thousand findings is written member by member.
struct JSONStream {
  /// The bytes written so far.
  private(set) var bytes: [UInt8] = []
  /// Per open object or array: whether a member or element was written yet.
  private var started: [Bool] = []

  init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

  /// The document, with its final newline.
  mutating func finish() -> String {
    bytes.append(0x0A)
    return String(decoding: bytes, as: UTF8.self)
  }

  // MARK: Structure

  mutating func beginObject() {
    bytes.append(UInt8(ascii: "{"))
    started.append(false)
  }

  mutating func endObject() { close(UInt8(ascii: "}")) }

  mutating func beginArray() {
    bytes.append(UInt8(ascii: "["))
    started.append(false)
  }

  mutating func endArray() { close(UInt8(ascii: "]")) }

  private mutating func close(_ bracket: UInt8) {
    if started.removeLast() {
      bytes.append(0x0A)
      indent(started.count)
    }
    bytes.append(bracket)
  }

  /// Starts the next member of the open object: separator, indentation, quoted key, `: `.
  mutating func key(_ key: String) {
    next()
    appendQuoted(key)
    bytes.append(UInt8(ascii: ":"))
    bytes.append(UInt8(ascii: " "))
  }

  /// Starts the next element of the open array: separator and indentation.
  mutating func next() {
    if started[started.count - 1] {
      bytes.append(UInt8(ascii: ","))
    } else {
      started[started.count - 1] = true
    }
    bytes.append(0x0A)
    indent(started.count)
  }

  private mutating func indent(_ level: Int) {
    for _ in 0..<(2 * level) { bytes.append(UInt8(ascii: " ")) }
  }

  /// Writes `items` as an array, each with `write`, the same bytes as `beginArray`, `next` and
  /// `write` per item, and `endArray`; long arrays are written in slices on all cores, then joined.
  mutating func array<T: Sendable>(_ items: [T], write: @Sendable (T, inout JSONStream) -> Void) {
    beginArray()
    let depth = started.count
    let sliceCount = items.count < 2_000 ? 1 : min(64, items.count / 1_000)
    let sliceSize = (items.count + sliceCount - 1) / max(sliceCount, 1)
    let slices = ConcurrentSlices(count: sliceCount)
    DispatchQueue.concurrentPerform(iterations: sliceCount) { slice in
      var out = JSONStream()
      out.started = Array(repeating: true, count: depth)
      let range = (slice * sliceSize)..<min(items.count, (slice + 1) * sliceSize)
      for position in range {
        if position > 0 { out.bytes.append(UInt8(ascii: ",")) }
        out.bytes.append(0x0A)
        out.indent(depth)
        write(items[position], &out)
      }
      slices.set(slice, out.bytes)
    }
    for slice in slices.values { bytes.append(contentsOf: slice) }
    if !items.isEmpty { started[depth - 1] = true }
    endArray()
  }

  // MARK: Scalars

  mutating func string(_ text: String?) {
    guard let text else { return null() }
    appendQuoted(text)
  }

  mutating func int(_ number: Int) { bytes.append(contentsOf: String(number).utf8) }

  mutating func bool(_ flag: Bool) { bytes.append(contentsOf: (flag ? "true" : "false").utf8) }

  mutating func null() { bytes.append(contentsOf: "null".utf8) }

  /// `"key": "text"` (or `null`).
  mutating func member(_ name: String, _ text: String?) {
    key(name)
    string(text)
  }

  /// `"key": number`.
  mutating func member(_ name: String, _ number: Int) {
    key(name)
    int(number)
  }

  /// `"key": true|false`.
  mutating func member(_ name: String, _ flag: Bool) {
    key(name)
    bool(flag)
  }

  /// A JSON string literal, escaped by ``JSONText/appendQuoted(_:to:)-(_,inout [UInt8])``.
  mutating func appendQuoted(_ text: String) {
    JSONText.appendQuoted(text, to: &bytes)
  }
}

/// Byte buffers filled concurrently, one per slice.
private final class ConcurrentSlices: @unchecked Sendable {
  private let lock = NSLock()
  private var storage: [[UInt8]]

  init(count: Int) { storage = Array(repeating: [], count: count) }

  func set(_ index: Int, _ value: [UInt8]) {
    lock.lock()
    storage[index] = value
    lock.unlock()
  }

  var values: [[UInt8]] {
    lock.lock()
    defer { lock.unlock() }
    return storage
  }
}
