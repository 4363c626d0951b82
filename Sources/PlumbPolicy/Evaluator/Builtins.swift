import Foundation
import PlumbGraph

/// A built-in function's signature and documentation (the checker and the reference use it).
public struct BuiltinFunction: Sendable {
  public let name: String
  public let arity: ClosedRange<Int>
  public let signature: String
  public let summary: String
}

/// Every built-in function. The policy-language reference lists them from this table.
public enum Builtins {
  public static let all: [BuiltinFunction] = [
    .init(name: "exists", arity: 1...1, signature: "exists(x)", summary: "true unless x is missing (null and unknown values exist)"),
    .init(name: "is_null", arity: 1...1, signature: "is_null(x)", summary: "true if x is null"),
    .init(name: "is_unknown", arity: 1...1, signature: "is_unknown(x)", summary: "true if x is unknown until apply"),
    .init(name: "known", arity: 1...1, signature: "known(x)", summary: "true unless x is unknown until apply"),
    .init(name: "is_empty", arity: 1...1, signature: "is_empty(x)", summary: "true if x is missing, null, \"\", [] or {} (unknown stays unknown)"),
    .init(name: "default", arity: 2...2, signature: "default(x, fallback)", summary: "x, or fallback when x is missing or null"),
    .init(name: "length", arity: 1...1, signature: "length(x)", summary: "characters of a string, elements of a list, entries of a map; 0 when missing"),
    .init(name: "count", arity: 1...1, signature: "count(list)", summary: "the number of elements (see also the count(x in xs, cond) quantifier)"),
    .init(name: "first", arity: 1...1, signature: "first(list)", summary: "the first element, or missing"),
    .init(name: "last", arity: 1...1, signature: "last(list)", summary: "the last element, or missing"),
    .init(name: "flatten", arity: 1...1, signature: "flatten(list)", summary: "a list of lists as one list"),
    .init(name: "keys", arity: 1...1, signature: "keys(map)", summary: "the keys of a map, in order"),
    .init(name: "values", arity: 1...1, signature: "values(map)", summary: "the values of a map, in order"),
    .init(name: "lower", arity: 1...1, signature: "lower(s)", summary: "lower-cased string"),
    .init(name: "upper", arity: 1...1, signature: "upper(s)", summary: "upper-cased string"),
    .init(name: "trim", arity: 1...1, signature: "trim(s)", summary: "the string without leading and trailing white space"),
    .init(name: "starts_with", arity: 2...2, signature: "starts_with(s, prefix)", summary: "true if s starts with prefix"),
    .init(name: "ends_with", arity: 2...2, signature: "ends_with(s, suffix)", summary: "true if s ends with suffix"),
    .init(name: "contains", arity: 2...2, signature: "contains(s, part)", summary: "true if the string s contains part, or the list s contains the element part"),
    .init(name: "matches", arity: 2...2, signature: "matches(s, regex)", summary: "true if the regular expression finds a match in s (same as `s matches regex`)"),
    .init(name: "split", arity: 2...2, signature: "split(s, separator)", summary: "the parts of s between separators"),
    .init(name: "join", arity: 2...2, signature: "join(list, separator)", summary: "the elements as strings, joined"),
    .init(name: "replace", arity: 3...3, signature: "replace(s, old, new)", summary: "s with every occurrence of old replaced by new"),
    .init(name: "to_string", arity: 1...1, signature: "to_string(x)", summary: "x as text"),
    .init(name: "to_int", arity: 1...1, signature: "to_int(x)", summary: "an integer from a number or a numeric string, else missing"),
    .init(name: "name", arity: 1...1, signature: "name(e)", summary: "an entity's name (catalog name, resource address, job id)"),
    .init(name: "kind", arity: 1...1, signature: "kind(e)", summary: "an entity's kind, e.g. \"catalog.Component\""),
    .init(name: "type", arity: 1...1, signature: "type(e)", summary: "an entity's type (component type, resource type)"),
    .init(name: "id", arity: 1...1, signature: "id(e)", summary: "an entity's stable id"),
    .init(name: "file", arity: 1...1, signature: "file(x)", summary: "the file an entity or value was written in"),
  ]

  static let byName: [String: BuiltinFunction] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}

extension Evaluator {
  mutating func call(_ name: String, _ arguments: [Expr], _ env: Env, _ expr: Expr) -> RuntimeValue {
    let args = arguments.map { eval($0, env) }
    if let first = arguments.first, ["exists", "is_null", "is_unknown", "known", "is_empty"].contains(name) {
      record(first, args[0])
    }
    guard let x = args.first else { return .missing }
    switch name {
    case "exists": return .bool(!x.isMissing)
    case "is_null": return .bool(x.kind == .null)
    case "is_unknown": return .bool(x.isUnknown)
    case "known": return .bool(!x.isUnknown)
    case "is_empty":
      switch x.kind {
      case .missing, .null: return .bool(true)
      case .unknown: return .unknown
      case .string: return .bool((x.scalar.string ?? "").isEmpty)
      case .list: return .bool((x.elements ?? []).isEmpty)
      case .map: return .bool((x.entries ?? []).isEmpty)
      default: return .bool(false)
      }
    case "default":
      return x.kind == .missing || x.kind == .null ? args[1] : x
    case "length", "count":
      if x.isUnknown { return .unknown }
      if let elements = x.elements { return .int(elements.count) }
      if x.kind == .map { return .int(x.entries?.count ?? 0) }
      if case .string(let s) = x.scalar { return .int(s.count) }
      return .int(0)
    case "first", "last":
      if x.isUnknown { return .unknown }
      guard let elements = x.elements, !elements.isEmpty else { return .missing }
      return (name == "first" ? elements.first : elements.last) ?? .missing
    case "flatten":
      if x.isUnknown { return .unknown }
      return .list((x.elements ?? []).flatMap { $0.elements ?? [$0] })
    case "keys":
      if x.isUnknown { return .unknown }
      return .list((x.entries ?? []).map { RuntimeValue.string($0.key) })
    case "values":
      if x.isUnknown { return .unknown }
      return .list((x.entries ?? []).map(\.value))
    case "name", "kind", "type", "id":
      guard case .entity(let entity) = x else { return x.isUnknown ? .unknown : .missing }
      switch name {
      case "name": return .string(entity.name)
      case "kind": return .string(entity.kind)
      case "type": return entity.type.map { .string($0) } ?? .missing
      default: return .string(entity.id.rawValue)
      }
    case "file":
      return x.location.map { .string($0.path) } ?? .missing
    case "to_string":
      return x.isUnknown ? .unknown : .string(x.text)
    case "to_int":
      switch x.scalar {
      case .int: return .value(x.scalar)
      case .float(let f): return f.isFinite && abs(f) < 9e18 ? .int(Int(f)) : .missing
      case .string(let s): return Int(s.trimmingCharacters(in: .whitespaces)).map { .int($0) } ?? .missing
      case .unknown: return .unknown
      default: return .missing
      }
    case "contains":
      if x.elements != nil { return self.contains(x, args[1]).runtime }
      return self.contains(x, args[1]).runtime
    case "matches":
      return matches(x, args[1]).runtime
    case "join":
      if x.isUnknown || args[1].isUnknown { return .unknown }
      guard let elements = x.elements, case .string(let separator) = args[1].scalar else { return .missing }
      if elements.contains(where: \.isUnknown) { return .unknown }
      return .string(elements.map(\.text).joined(separator: separator))
    default:
      return stringFunction(name, args)
    }
  }

  func stringFunction(_ name: String, _ args: [RuntimeValue]) -> RuntimeValue {
    if args.contains(where: \.isUnknown) { return .unknown }
    let strings = args.map { arg -> String? in
      if case .string(let s) = arg.scalar { return s }
      return nil
    }
    guard let s = strings[0] else { return .missing }
    switch name {
    case "lower": return .string(s.lowercased())
    case "upper": return .string(s.uppercased())
    case "trim": return .string(s.trimmingCharacters(in: .whitespacesAndNewlines))
    case "starts_with": return strings[1].map { .bool(s.hasPrefix($0)) } ?? .missing
    case "ends_with": return strings[1].map { .bool(s.hasSuffix($0)) } ?? .missing
    case "split":
      guard let separator = strings[1], !separator.isEmpty else { return .missing }
      return .list(s.components(separatedBy: separator).map { RuntimeValue.string($0) })
    case "replace":
      guard let old = strings[1], let new = strings[2], !old.isEmpty else { return .missing }
      return .string(s.replacingOccurrences(of: old, with: new))
    default: return .missing
    }
  }
}
