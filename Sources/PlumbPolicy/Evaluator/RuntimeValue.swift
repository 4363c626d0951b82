import PlumbGraph

/// What an expression evaluates to: a graph value, an entity, or a list of either.
public enum RuntimeValue: Sendable {
  case value(Value)
  case entity(Entity)
  case list([RuntimeValue])

  static let missing = RuntimeValue.value(.missing)
  static let unknown = RuntimeValue.value(.unknown)
  static let null = RuntimeValue.value(.null)
  static func bool(_ b: Bool) -> RuntimeValue { .value(.bool(b)) }
  static func string(_ s: String) -> RuntimeValue { .value(.string(s)) }
  static func int(_ i: Int) -> RuntimeValue { .value(.int(i)) }

  /// The kind, looking through views.
  var kind: ValueKind {
    switch self {
    case .value(let v): return v.kind
    case .entity: return .map
    case .list: return .list
    }
  }

  var isUnknown: Bool { kind == .unknown }
  var isMissing: Bool { kind == .missing }

  /// Scalar form (views resolved), for comparisons and arithmetic.
  var scalar: Value {
    switch self {
    case .value(let v): return v.scalar
    case .entity, .list: return .missing
    }
  }

  /// The elements when this is a list (entity lists, value lists); nil when not a list.
  var elements: [RuntimeValue]? {
    switch self {
    case .list(let items): return items
    case .value(let v): return v.kind == .list ? v.elements.map(RuntimeValue.value) : nil
    case .entity: return nil
    }
  }

  /// `elements?.count`, without building the elements (a YAML sequence, a planned list).
  var elementCount: Int? {
    switch self {
    case .list(let items): return items.count
    case .value(let v): return v.kind == .list ? v.elementCount : nil
    case .entity: return nil
    }
  }

  /// `elements![position]` for a position below `elementCount`, without building the others.
  func element(_ position: Int) -> RuntimeValue {
    switch self {
    case .list(let items): return items[position]
    case .value(let v): return .value(v[position])
    case .entity: return .missing
    }
  }

  /// The entries when this is a map or an entity's attributes; nil otherwise.
  var entries: [(key: String, value: RuntimeValue)]? {
    switch self {
    case .value(let v): return v.kind == .map ? v.entries.map { ($0.key, RuntimeValue.value($0.value)) } : nil
    case .entity(let e): return e.attributes.entries.map { ($0.key, RuntimeValue.value($0.value)) }
    case .list: return nil
    }
  }

  /// Where the value was written, if it came from a file.
  var location: PlumbDiagnosticsLocation? {
    switch self {
    case .value(let v): return v.location
    case .entity(let e): return e.location
    case .list: return nil
    }
  }

  /// A readable rendering for messages and evidence.
  var text: String {
    switch self {
    case .entity(let e): return e.name
    case .list(let items): return "[" + items.map(\.quotedText).joined(separator: ", ") + "]"
    case .value(let v):
      switch v.kind {
      case .missing: return "<missing>"
      case .unknown: return "<unknown until apply>"
      case .null: return "null"
      case .list: return "[" + v.elements.map { RuntimeValue.value($0).quotedText }.joined(separator: ", ") + "]"
      case .map:
        return "{" + v.entries.map { "\($0.key): \(RuntimeValue.value($0.value).quotedText)" }.joined(separator: ", ") + "}"
      default:
        switch v.scalar {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .float(let f): return String(f)
        case .bool(let b): return String(b)
        default: return "null"
        }
      }
    }
  }

  /// Like `text`, but strings inside collections are quoted.
  var quotedText: String {
    if case .value(let v) = self, case .string(let s) = v.scalar, v.kind == .string { return "\"\(s)\"" }
    return text
  }
}

import PlumbDiagnostics

typealias PlumbDiagnosticsLocation = SourceLocation

/// Three-valued truth: Kleene logic over true, false and unknown.
enum Truth: Sendable, Equatable {
  case yes, no, unknown

  init(_ b: Bool) { self = b ? .yes : .no }

  static func and(_ a: Truth, _ b: Truth) -> Truth {
    if a == .no || b == .no { return .no }
    if a == .unknown || b == .unknown { return .unknown }
    return .yes
  }

  static func or(_ a: Truth, _ b: Truth) -> Truth {
    if a == .yes || b == .yes { return .yes }
    if a == .unknown || b == .unknown { return .unknown }
    return .no
  }

  var negated: Truth {
    switch self {
    case .yes: .no
    case .no: .yes
    case .unknown: .unknown
    }
  }

  var runtime: RuntimeValue {
    switch self {
    case .yes: .bool(true)
    case .no: .bool(false)
    case .unknown: .unknown
    }
  }
}
