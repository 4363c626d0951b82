import Foundation
import PlumbGraph

/// Decodes a policy document written as a JSON string (`jsonencode(…)`, a heredoc, a data source's
/// `json`) into a ``Value`` tree that ``PublicStatements`` reads like a decoded document.
///
/// Numbers and booleans become their text (condition values compare as strings). A text that is
/// not JSON, nests deeper than ``maximumDepth``, or has an object with the same key twice (or a
/// key written with escapes, which could spell a duplicate) gives nil: parsers disagree on which
/// duplicate wins, so the caller treats the policy as one it cannot judge (indeterminate), never
/// as a policy without public statements.
enum PolicyJSON {
  /// Deeper documents are not policies (IAM allows a handful of levels).
  static let maximumDepth = 64

  /// Why a text is not read.
  enum Problem: Equatable {
    case tooDeep
    case duplicateKey
    case escapedKey
  }

  /// The decoded document, or nil when `text` is not a JSON document within the limits.
  static func decode(_ text: String) -> Value? {
    guard let data = text.data(using: .utf8), problem(in: data) == nil,
      let object = try? JSONSerialization.jsonObject(with: data, options: [])
    else { return nil }
    return convert(object)
  }

  /// One pass over the bytes, before `JSONSerialization` (whose parser recurses and keeps the last
  /// of duplicate keys): the first shape problem, or nil. Malformed text is left to the parser.
  static func problem(in data: Data) -> Problem? {
    /// An open object (its keys so far, and whether a key comes next) or array.
    struct Frame {
      var keys: Set<String>?
      var expectsKey = false
    }
    var stack: [Frame] = []
    let bytes = [UInt8](data)
    var position = 0
    while position < bytes.count {
      let byte = bytes[position]
      switch byte {
      case UInt8(ascii: "\""):
        // A string: find its end; a key when an object expects one.
        var end = position + 1
        var escaped = false
        while end < bytes.count {
          let c = bytes[end]
          if c == UInt8(ascii: "\\") {
            escaped = true
            end += 2
            continue
          }
          if c == UInt8(ascii: "\"") { break }
          end += 1
        }
        if let top = stack.indices.last, stack[top].keys != nil, stack[top].expectsKey {
          if escaped { return .escapedKey }
          let key = String(decoding: bytes[(position + 1)..<min(end, bytes.count)], as: UTF8.self)
          if stack[top].keys!.insert(key).inserted == false { return .duplicateKey }
          stack[top].expectsKey = false
        }
        position = end + 1
        continue
      case UInt8(ascii: "{"):
        stack.append(Frame(keys: [], expectsKey: true))
      case UInt8(ascii: "["):
        stack.append(Frame(keys: nil))
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        if !stack.isEmpty { stack.removeLast() }
      case UInt8(ascii: ","):
        if let top = stack.indices.last, stack[top].keys != nil { stack[top].expectsKey = true }
      default:
        break
      }
      if stack.count > maximumDepth { return .tooDeep }
      position += 1
    }
    return nil
  }

  /// `JSONSerialization`'s objects as values (depth bounded by the check above).
  private static func convert(_ object: Any) -> Value {
    switch object {
    case let dictionary as [String: Any]:
      // JSONSerialization does not keep key order: sorted keys keep results deterministic.
      return .map(ValueMap(dictionary.keys.sorted().map { ($0, convert(dictionary[$0] as Any)) }))
    case let array as [Any]:
      return .list(array.map(convert))
    case let string as String:
      return .string(string)
    case is NSNull:
      return .null
    case let number as NSNumber:
      return .string(number.stringValue)
    default:
      return .null
    }
  }
}
