import Foundation
import PlumbGraph

/// Decodes a policy document written as a JSON string (`jsonencode(…)`, a heredoc, a data source's
/// `json`) into a ``Value`` tree that ``PublicStatements`` reads like a decoded document.
///
/// Numbers and booleans become their text (condition values compare as strings). Nesting deeper
/// than ``maximumDepth`` and text that is not JSON give nil: the caller treats the policy as one it
/// cannot judge (indeterminate), never as a policy without statements.
enum PolicyJSON {
  /// Deeper documents are not policies (IAM allows a handful of levels).
  static let maximumDepth = 64

  /// The decoded document, or nil when `text` is not a JSON document within the limits.
  static func decode(_ text: String) -> Value? {
    guard let data = text.data(using: .utf8), !Self.nestsDeeperThanLimit(data),
      let object = try? JSONSerialization.jsonObject(with: data, options: [])
    else { return nil }
    return convert(object)
  }

  /// Whether brackets outside strings nest deeper than ``maximumDepth`` (checked before
  /// `JSONSerialization`, whose parser recurses).
  static func nestsDeeperThanLimit(_ data: Data) -> Bool {
    var depth = 0
    var inString = false
    var escaped = false
    for byte in data {
      if inString {
        if escaped {
          escaped = false
        } else if byte == UInt8(ascii: "\\") {
          escaped = true
        } else if byte == UInt8(ascii: "\"") {
          inString = false
        }
        continue
      }
      switch byte {
      case UInt8(ascii: "\""): inString = true
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        depth += 1
        if depth > maximumDepth { return true }
      case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
      default: break
      }
    }
    return false
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
