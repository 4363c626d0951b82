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
    .init(name: "matches", arity: 2...2, signature: "matches(s, regex)", summary: "true if the regular expression finds a match in s (same as `s matches regex`); an invalid pattern, or a match over the evaluation budget, is an evaluation error"),
    .init(name: "split", arity: 2...2, signature: "split(s, separator)", summary: "the parts of s between separators (an empty separator is an evaluation error)"),
    .init(name: "join", arity: 2...2, signature: "join(list, separator)", summary: "the elements as strings, joined"),
    .init(name: "replace", arity: 3...3, signature: "replace(s, old, new)", summary: "s with every occurrence of old replaced by new (an empty old is an evaluation error)"),
    .init(name: "to_string", arity: 1...1, signature: "to_string(x)", summary: "x as text"),
    .init(name: "to_int", arity: 1...1, signature: "to_int(x)", summary: "an integer from a number or a numeric string, else missing; a number outside the 64-bit range is an evaluation error"),
    .init(name: "name", arity: 1...1, signature: "name(e)", summary: "an entity's name (catalog name, resource address, job id)"),
    .init(name: "kind", arity: 1...1, signature: "kind(e)", summary: "an entity's kind, e.g. \"catalog.Component\""),
    .init(name: "type", arity: 1...1, signature: "type(e)", summary: "an entity's type (component type, resource type)"),
    .init(name: "id", arity: 1...1, signature: "id(e)", summary: "an entity's stable id"),
    .init(name: "file", arity: 1...1, signature: "file(x)", summary: "the file an entity or value was written in"),
    .init(
      name: "version_compare", arity: 2...2, signature: "version_compare(a, b)",
      summary: "-1, 0 or 1 as version a is lower than, equal to or higher than b (dotted numbers, a leading `v` and a `-pre` suffix allowed; missing when either is not a version)"),
    .init(
      name: "version_floor", arity: 1...1, signature: "version_floor(constraint)",
      summary: "the lowest version a Terraform version constraint admits (`~> 5.2` → `5.2`, `>= 3.1, < 4` → `3.1`, `1.4.0` → `1.4.0`); missing when it has no lower bound"),
    .init(
      name: "location", arity: 1...1, signature: "location(r)",
      summary: "where a Terraform resource keeps its data: AWS `region` (else the provider's region), Azure `location` (lower case, no spaces; child resources: their parent's), Google `location`/`region`/`zone` (zones → region; `eu`, `eur4` … as tokens); `global` for global services; unknown when the plan cannot tell; missing when the resource has no location"),
    .init(
      name: "replica_locations", arity: 1...1, signature: "replica_locations(r)",
      summary: "locations of the copies a resource makes of its data: DynamoDB `replica`, Secrets Manager `replica`, S3 replication destinations (buckets in the same plan), RDS automated-backup replication, AWS Backup copy actions, Azure geo-redundant storage/backups (the paired region), Key Vault pair, Cosmos DB `geo_location`, Cloud SQL backup location, Secret Manager replicas (`auto` → `global`), GCS dual-region `data_locations`; an element is unknown where the plan cannot tell"),
    .init(
      name: "is_global_service", arity: 1...1, signature: "is_global_service(r)",
      summary: "true for resources of global services that have no region (AWS IAM, Route 53, CloudFront, Organizations …; Azure Front Door, DNS, Traffic Manager; Google DNS, IAM, global load balancing) and for resources whose location is `global`"),
    .init(
      name: "jurisdiction_of", arity: 1...1, signature: "jurisdiction_of(location)",
      summary: "the jurisdiction of a location: `EU`, `EEA` (EEA outside the EU), `UK`, `CH`, `US`, another country's ISO code, `EU+UK` for a dual-region across both, `ALL` for `global`; missing when the location is not in Plumb's region data"),
    .init(
      name: "public_statements", arity: 1...1, signature: "public_statements(policy)",
      summary: "the statements of an IAM-style resource policy (a JSON string, a decoded document, or `aws_iam_policy_document` values) that allow a wildcard principal (`*`, `{\"AWS\": \"*\"}`, `[\"*\"]`, an Allow with `NotPrincipal`) with no condition that binds the caller or its network (`aws:SourceVpce`, `aws:SourceIp`, `aws:PrincipalOrgID`, `aws:SourceArn`, … with a positive operator and exact values); each is a map with `name` (`'Sid'` or `#n`), `sid`, `index` and `why`. Unknown when nothing known in the policy is public but something is unknown until apply, or the text is not a JSON document"),
    .init(
      name: "in_jurisdiction", arity: 2...2, signature: "in_jurisdiction(location, jurisdiction)",
      summary: "true when every place a location stores data is inside the jurisdiction (`EU`, `EEA`, `UK`, `CH`, `US`, `ALL`, an ISO country code, or a list of these); unknown when the location is unknown or not in Plumb's region data; a jurisdiction Plumb does not know is an evaluation error"),
  ]

  static let byName: [String: BuiltinFunction] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}

extension Evaluator {
  mutating func call(_ callee: Callee, _ arguments: [Expr], _ env: Env, _ expr: Expr) -> RuntimeValue {
    // The checker rejects unknown functions: a rule that calls one is never evaluated.
    guard let function = callee.builtin, let first = arguments.first else { return .missing }
    let x = eval(first, env)
    // Most built-ins take one argument: no argument array for them (the checker has checked
    // every call's arity, so `args[1]` is only read where there is one).
    var args: [RuntimeValue] = []
    if arguments.count > 1 {
      args.reserveCapacity(arguments.count)
      args.append(x)
      for argument in arguments.dropFirst() { args.append(eval(argument, env)) }
    }
    if recording {
      switch function {
      case .exists, .is_null, .is_unknown, .known, .is_empty: record(first, x)
      default: break
      }
    }
    switch function {
    case .exists: return .bool(!x.isMissing)
    case .is_null: return .bool(x.kind == .null)
    case .is_unknown: return .bool(x.isUnknown)
    case .known: return .bool(!x.isUnknown)
    case .is_empty:
      switch x.kind {
      case .missing, .null: return .bool(true)
      case .unknown: return .unknown
      case .string: return .bool((x.scalar.string ?? "").isEmpty)
      case .list: return .bool((x.elementCount ?? 0) == 0)
      case .map: return .bool((x.entries ?? []).isEmpty)
      default: return .bool(false)
      }
    case .`default`:
      return x.kind == .missing || x.kind == .null ? args[1] : x
    case .length, .count:
      if x.isUnknown { return .unknown }
      if let count = x.elementCount { return .int(count) }
      if x.kind == .map { return .int(x.entries?.count ?? 0) }
      if case .string(let s) = x.scalar {
        // Counting characters reads every byte.
        guard charge(s.utf8.count) else { return .unknown }
        return .int(s.count)
      }
      return .int(0)
    case .first, .last:
      if x.isUnknown { return .unknown }
      guard let count = x.elementCount, count > 0 else { return .missing }
      return x.element(function == .first ? 0 : count - 1)
    case .flatten:
      if x.isUnknown { return .unknown }
      let lists = x.elements ?? []
      // The result's size is charged before it is built (a nested map can ask for billions).
      // Inner lists are read element by element (a YAML or planned list is not built, twice).
      let size = lists.reduce(0) { $0 + ($1.elementCount ?? 1) }
      guard charge(size) else { return .unknown }
      var flat: [RuntimeValue] = []
      flat.reserveCapacity(size)
      for list in lists {
        if let count = list.elementCount {
          for position in 0..<count { flat.append(list.element(position)) }
        } else {
          flat.append(list)
        }
      }
      return .list(flat)
    case .keys:
      if x.isUnknown { return .unknown }
      return .list((x.entries ?? []).map { RuntimeValue.string($0.key) })
    case .values:
      if x.isUnknown { return .unknown }
      return .list((x.entries ?? []).map(\.value))
    case .name, .kind, .type, .id:
      guard case .entity(let entity) = x else { return x.isUnknown ? .unknown : .missing }
      switch function {
      case .name: return .string(entity.name)
      case .kind: return .string(entity.kind)
      case .type: return entity.type.map { .string($0) } ?? .missing
      default: return .string(entity.id.rawValue)
      }
    case .file:
      return x.location.map { .string($0.path) } ?? .missing
    case .to_string:
      if x.isUnknown { return .unknown }
      let text = x.text
      guard charge(text.utf8.count) else { return .unknown }
      return .string(text)
    case .to_int:
      return toInt(x, expr)
    case .contains:
      guard chargeSearch(x, args[1]) else { return .unknown }
      return self.contains(x, args[1]).runtime
    case .matches:
      return matches(x, args[1], expr).runtime
    case .join:
      if x.isUnknown || args[1].isUnknown { return .unknown }
      guard let elements = x.elements, case .string(let separator) = args[1].scalar else { return .missing }
      if elements.contains(where: \.isUnknown) { return .unknown }
      let joined = elements.map(\.text).joined(separator: separator)
      guard charge(elements.count + joined.utf8.count) else { return .unknown }
      return .string(joined)
    case .version_compare:
      if x.isUnknown || args[1].isUnknown { return .unknown }
      guard case .string(let a) = x.scalar, case .string(let b) = args[1].scalar,
        let left = Versions.parse(a), let right = Versions.parse(b)
      else { return .missing }
      return .int(Versions.compare(left, right))
    case .version_floor:
      if x.isUnknown { return .unknown }
      guard case .string(let constraint) = x.scalar, let floor = Versions.floor(constraint) else { return .missing }
      return x.location.map { .value(.located(.string(floor), $0)) } ?? .string(floor)
    case .location, .replica_locations, .is_global_service:
      if x.isUnknown { return .unknown }
      guard case .entity(let entity) = x else { return function == .is_global_service ? .bool(false) : .missing }
      let resolver = ResidencyResolver(graph: graph, indexes: indexes)
      switch function {
      case .location: return .value(resolver.location(entity))
      case .replica_locations: return .value(resolver.replicaLocations(entity))
      default:
        // What the type says is worked out once per type and rule (prefix tests of every type).
        guard let cloud = ResidencyResolver.cloud(of: entity) else { return .bool(false) }
        let type = entity.type ?? ""
        let byType: Bool?
        if let cached = globalServiceTypes[type] {
          byType = cached
        } else {
          byType = ResidencyResolver.globalServiceByType(cloud, type)
          globalServiceTypes[type] = byType
        }
        return .bool(resolver.isGlobalService(entity, cloud: cloud, byType: byType))
      }
    case .jurisdiction_of:
      if x.isUnknown { return .unknown }
      guard case .string(let location) = x.scalar else { return .missing }
      guard let places = Regions.places(location) else { return .missing }
      return .string(Regions.jurisdictionName(places))
    case .in_jurisdiction:
      return inJurisdiction(x, args[1], expr)
    case .public_statements:
      return publicStatements(x)
    default:
      let strings = args.isEmpty ? [x] : args
      // A string function reads every byte of its arguments, and writes its result.
      var bytes = 0
      for argument in strings where argument.kind == .string {
        if case .string(let text) = argument.scalar { bytes += text.utf8.count }
      }
      guard charge(bytes) else { return .unknown }
      if function == .split || function == .replace, !x.isUnknown, !args[1].isUnknown,
        case .string(let separator) = args[1].scalar, separator.isEmpty
      {
        let what = function == .split ? "separator" : "text to replace"
        return fail(.invalidArgument, "'\(rule.text(expr))' has an empty \(what)", at: expr, value: args[1])
      }
      let result = stringFunction(function, strings)
      if case .value(.string(let text)) = result { guard charge(text.utf8.count) else { return .unknown } }
      if let parts = result.elementCount { guard charge(parts) else { return .unknown } }
      return result
    }
  }

  /// `public_statements(policy)`: see ``PublicStatements``. Decoding a JSON policy reads every byte
  /// of it, charged to the entity's budget.
  mutating func publicStatements(_ x: RuntimeValue) -> RuntimeValue {
    guard case .value(let policy) = x else { return x.isUnknown ? .unknown : .missing }
    if case .string(let text) = policy.scalar { guard charge(text.utf8.count) else { return .unknown } }
    switch PublicStatements.judge(policy, location: policy.location) {
    case .unknown: return .unknown
    case .statements(let statements):
      guard charge(statements.count) else { return .unknown }
      return .value(.list(statements))
    }
  }

  /// `to_int(x)`: an integer from a number or a numeric string; missing for other values and for
  /// text that is not an integer. A number outside the 64-bit range (a float, or a string of
  /// digits) is an overflow error, not missing: `not (to_int(x) > 1)` must not turn it into true.
  mutating func toInt(_ x: RuntimeValue, _ expr: Expr) -> RuntimeValue {
    switch x.scalar {
    case .int: return .value(x.scalar)
    case .float(let f):
      guard f.isFinite && f >= -9.223_372_036_854_775_808e18 && f < 9.223_372_036_854_775_808e18 else {
        return fail(.overflow, "overflow: '\(rule.text(expr))' of \(f) is outside the 64-bit integer range", at: expr, value: x)
      }
      return .int(Int(f))
    case .string(let s):
      guard charge(s.utf8.count) else { return .unknown }
      let text = s.trimmingCharacters(in: .whitespaces)
      if let number = Int(text) { return .int(number) }
      let digits = text.first == "-" || text.first == "+" ? text.dropFirst() : Substring(text)
      if !digits.isEmpty && digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
        return fail(
          .overflow, "overflow: '\(rule.text(expr))' of '\(EvaluationError.excerpt(text))' is outside the 64-bit integer range",
          at: expr, value: x)
      }
      return .missing
    case .unknown: return .unknown
    default: return .missing
    }
  }

  /// `in_jurisdiction(location, jurisdiction)`: every place of the location inside the union of
  /// the named jurisdictions. A jurisdiction name Plumb does not know is an error (a misspelt
  /// parameter must not make `not in_jurisdiction(…)` true everywhere); a jurisdiction that is
  /// not a string or a list of strings gives missing.
  mutating func inJurisdiction(_ location: RuntimeValue, _ jurisdiction: RuntimeValue, _ expr: Expr) -> RuntimeValue {
    if location.isUnknown || jurisdiction.isUnknown { return .unknown }
    let allowed: Set<String>
    if case .string(let single) = jurisdiction.scalar, jurisdiction.elements == nil {
      // One jurisdiction (the usual parameter): its countries are looked up once per rule.
      let countries: Set<String>?
      if let cached = jurisdictionSets[single] {
        countries = cached
      } else {
        countries = Regions.countries(ofJurisdiction: single)
        jurisdictionSets[single] = countries
      }
      guard let countries else { return unknownJurisdiction(single, expr, jurisdiction) }
      allowed = countries
    } else {
      var union = Set<String>()
      for name in jurisdiction.elements ?? [jurisdiction] {
        if name.isUnknown { return .unknown }
        guard case .string(let text) = name.scalar else { return .missing }
        guard let countries = Regions.countries(ofJurisdiction: text) else {
          return unknownJurisdiction(text, expr, name)
        }
        union.formUnion(countries)
      }
      allowed = union
    }
    guard case .string(let text) = location.scalar else { return .missing }
    guard let places = Regions.places(text), !places.isEmpty else { return .unknown }
    return .bool(places.allSatisfy { Regions.place($0, isIn: allowed) })
  }

  mutating func unknownJurisdiction(_ name: String, _ expr: Expr, _ value: RuntimeValue) -> RuntimeValue {
    fail(
      .invalidArgument,
      "'\(EvaluationError.excerpt(name))' is not a jurisdiction Plumb knows (EU, EEA, UK, CH, US, ALL or an ISO country code)",
      at: expr, value: value)
  }

  func stringFunction(_ function: BuiltinName, _ args: [RuntimeValue]) -> RuntimeValue {
    if args.contains(where: \.isUnknown) { return .unknown }
    let strings = args.map { arg -> String? in
      if case .string(let s) = arg.scalar { return s }
      return nil
    }
    guard let s = strings[0] else { return .missing }
    switch function {
    case .lower: return .string(s.lowercased())
    case .upper: return .string(s.uppercased())
    case .trim: return .string(s.trimmingCharacters(in: .whitespacesAndNewlines))
    case .starts_with: return strings[1].map { .bool(s.hasPrefix($0)) } ?? .missing
    case .ends_with: return strings[1].map { .bool(s.hasSuffix($0)) } ?? .missing
    case .split:
      guard let separator = strings[1], !separator.isEmpty else { return .missing }
      return .list(LiteralText.split(s, separator: separator).map { RuntimeValue.string($0) })
    case .replace:
      guard let old = strings[1], let new = strings[2], !old.isEmpty else { return .missing }
      return .string(LiteralText.replacing(old, with: new, in: s))
    default: return .missing
    }
  }
}

/// Dotted version numbers, for `version_compare` and `version_floor`.
enum Versions {
  struct Version {
    var numbers: [Int]
    var prerelease: String?
  }

  /// `1.2.3`, `v1.2`, `1.2.3-rc.1`, `1.2.3+build` → numbers and pre-release; nil otherwise.
  static func parse(_ text: String) -> Version? {
    var body = Substring(text.trimmingCharacters(in: .whitespaces))
    if body.first == "v" || body.first == "V" { body = body.dropFirst() }
    if let plus = body.firstIndex(of: "+") { body = body[..<plus] }
    var prerelease: String?
    if let dash = body.firstIndex(of: "-") {
      prerelease = String(body[body.index(after: dash)...])
      body = body[..<dash]
    }
    let parts = body.split(separator: ".", omittingEmptySubsequences: false)
    guard !parts.isEmpty, parts.count <= 4 else { return nil }
    var numbers: [Int] = []
    for part in parts {
      guard !part.isEmpty, part.allSatisfy(\.isASCII), let number = Int(part), number >= 0 else { return nil }
      numbers.append(number)
    }
    return Version(numbers: numbers, prerelease: prerelease)
  }

  /// -1, 0 or 1. Missing components count as 0; a pre-release is lower than its release.
  static func compare(_ a: Version, _ b: Version) -> Int {
    for position in 0..<max(a.numbers.count, b.numbers.count) {
      let x = position < a.numbers.count ? a.numbers[position] : 0
      let y = position < b.numbers.count ? b.numbers[position] : 0
      if x != y { return x < y ? -1 : 1 }
    }
    switch (a.prerelease, b.prerelease) {
    case (nil, nil): return 0
    case (nil, _): return 1
    case (_, nil): return -1
    case (let x?, let y?): return x == y ? 0 : (x < y ? -1 : 1)
    }
  }

  /// The highest lower bound of a Terraform version constraint (`~>`, `>=`, `>`, `=` or a bare
  /// version); nil when it has none (`< 2.0`, `!= 1.1`) or does not parse.
  static func floor(_ constraint: String) -> String? {
    var best: (text: String, version: Version)?
    for clause in constraint.split(separator: ",") {
      var text = Substring(clause.trimmingCharacters(in: .whitespaces))
      var lower = true
      for op in ["~>", ">=", "<=", "!=", ">", "<", "="] where text.hasPrefix(op) {
        lower = ["~>", ">=", ">", "="].contains(op)
        text = text.dropFirst(op.count)
        break
      }
      let versionText = text.trimmingCharacters(in: .whitespaces)
      guard let version = parse(versionText) else { return nil }
      guard lower else { continue }
      if best == nil || compare(version, best!.version) > 0 { best = (versionText, version) }
    }
    return best?.text
  }
}
