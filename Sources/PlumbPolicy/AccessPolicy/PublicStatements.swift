import PlumbDiagnostics
import PlumbGraph

/// Finds the statements of an IAM-style resource policy (S3 bucket, SQS queue, SNS topic, KMS key,
/// ECR repository, … policies) that grant access to anyone: `"Effect": "Allow"` with a wildcard
/// principal (`"*"`, `{"AWS": "*"}`, `["*"]`, any principal type naming `*`, or `NotPrincipal`),
/// unless a condition binds who may call or from which network (docs/policy-language.md,
/// `public_statements`).
///
/// A condition binds when a positive operator (`StringEquals`, `StringEqualsIgnoreCase`,
/// `StringLike`, `ArnEquals`, `ArnLike`, `IpAddress`, also with `ForAnyValue:`) tests a key that
/// identifies the caller or its network (``bindingKeys``) against values that are not wildcards.
/// Negated operators (`StringNotEquals`, `NotIpAddress`, …), `ForAllValues:` and `…IfExists` (both
/// true when the request has no such key), `Null`, `Bool` and keys that do not say who calls
/// (`aws:SecureTransport`, `aws:UserAgent`, `aws:Referer`, `aws:CurrentTime`, …) leave the
/// statement public. Deny statements never grant.
///
/// Two spellings are read: the JSON document (`Statement`, `Effect`, `Principal`, `Condition`;
/// element names compared without case) and the decoded blocks of `data "aws_iam_policy_document"`
/// (`statement`, `effect` defaulting to Allow, `principals`/`not_principals` with `type` and
/// `identifiers`, `condition` with `test`, `variable` and `values`).
enum PublicStatements {
  /// The outcome for one document.
  enum Verdict {
    /// The statements that grant access to anyone (empty: none does).
    case statements([Value])
    /// Nothing known grants access to anyone, but something unknown until apply might, or the
    /// document could not be read.
    case unknown
  }

  /// The condition keys that bind the caller or its network, lower-cased, by how a value can fail
  /// to bind.
  static let bindingKeys: [String: KeyShape] = [
    "aws:sourcevpce": .identifier, "aws:sourcevpc": .identifier, "aws:sourceip": .network,
    "aws:vpcsourceip": .network, "aws:principalorgid": .identifier, "aws:principalorgpaths": .path,
    "aws:principalaccount": .identifier, "aws:principalarn": .arn, "aws:sourceaccount": .identifier,
    "aws:sourcearn": .arn, "aws:sourceorgid": .identifier, "aws:sourceorgpaths": .path,
    "aws:userid": .userID, "aws:username": .name, "aws:sourceowner": .identifier,
    "aws:vpceaccount": .identifier, "aws:vpceorgid": .identifier, "aws:vpceorgpaths": .path,
    "kms:calleraccount": .identifier, "s3:dataaccesspointaccount": .identifier, "s3:dataaccesspointarn": .arn,
  ]

  /// How a binding key's value can still match anyone.
  enum KeyShape {
    /// An id (account, organization, VPC endpoint): any wildcard matches other owners' ids.
    case identifier
    /// An organization path: a wildcard in the organization (first) segment.
    case path
    /// An ARN: a wildcard in the account field, or (an empty account) in the resource; for S3,
    /// whose bucket names are global, a wildcard in the bucket name.
    case arn
    /// An IP range: a `/0` prefix.
    case network
    /// `aws:userid` (`AROA…:session`): a wildcard in the id before `:`.
    case userID
    /// A name: nothing but wildcards.
    case name
  }

  /// Positive operators that can bind, lower-cased, without `ForAnyValue:`.
  static let bindingOperators: Set<String> = [
    "stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress",
  ]

  /// Judges a policy: a JSON string, a decoded document, or `aws_iam_policy_document` values.
  /// `location` is where string policies' findings point (inside a string there is no node).
  static func judge(_ policy: Value, location: SourceLocation?) -> Verdict {
    switch policy.kind {
    case .unknown: return .unknown
    case .missing, .null: return .statements([])
    case .string:
      let text = policy.string ?? ""
      if text.allSatisfy(\.isWhitespace) { return .statements([]) }
      guard let document = PolicyJSON.decode(text), document.kind == .map else { return .unknown }
      return judgeDocument(document, fallback: policy.location ?? location, decoded: false)
    case .map:
      return judgeDocument(policy, fallback: policy.location ?? location, decoded: true)
    default:
      return .unknown
    }
  }

  private static func judgeDocument(_ document: Value, fallback: SourceLocation?, decoded: Bool) -> Verdict {
    // The JSON spelling (`Statement`) or the data source's blocks (`statement`).
    let hcl = !document["statement"].isMissing && document["Statement"].isMissing
    let statementsValue = hcl ? document["statement"] : member(document, "Statement")
    if statementsValue.isUnknown { return .unknown }
    let statements = statementsValue.kind == .list ? statementsValue.elements : [statementsValue]
    var found: [Value] = []
    var unknown = false
    for (index, statement) in statements.enumerated() {
      if statement.isUnknown {
        unknown = true
        continue
      }
      guard statement.kind == .map else { continue }
      let place = decoded ? (statement.location ?? fallback) : fallback
      switch judgeStatement(statement, hcl: hcl) {
      case .notPublic: continue
      case .unknown: unknown = true
      case .publicBecause(let why):
        let sid = (hcl ? statement["sid"] : member(statement, "Sid")).string ?? ""
        var entry = ValueMap()
        entry["name"] = .string(sid.isEmpty ? "#\(index + 1)" : "'\(sid)'")
        entry["sid"] = .string(sid)
        entry["index"] = .int(index)
        entry["why"] = .string(why)
        found.append(place.map { .located(.map(entry), $0) } ?? .map(entry))
      }
    }
    if found.isEmpty && unknown { return .unknown }
    return .statements(found)
  }

  enum StatementVerdict {
    case notPublic
    case unknown
    /// Public, with the reason in words ("allows Principal '*' without a Condition", …).
    case publicBecause(String)
  }

  static func judgeStatement(_ statement: Value, hcl: Bool) -> StatementVerdict {
    // Effect: Allow (the data source's default); a JSON statement without one is rejected by AWS.
    let effect = hcl ? statement["effect"] : member(statement, "Effect")
    if effect.isUnknown { return .unknown }
    if let text = effect.string {
      guard text.lowercased() == "allow" else { return .notPublic }
    } else if !hcl || !(effect.isMissing || effect.kind == .null) {
      return .notPublic
    }
    // Principal: a wildcard, or NotPrincipal (everyone but the ones named).
    let principal = hcl ? hclPrincipal(statement) : jsonPrincipal(statement)
    switch principal {
    case .notPublic: return .notPublic
    case .unknown: return .unknown
    case .publicBecause: break
    }
    let wildcardText = principal.reason
    // Conditions: one that binds makes the statement not public.
    let conditions = hcl ? hclConditions(statement) : jsonConditions(statement)
    guard let conditions else { return .unknown }
    if conditions.isEmpty { return .publicBecause("allows \(wildcardText) without a Condition") }
    var unknown = false
    var keys: [String] = []
    for condition in conditions {
      switch binds(condition) {
      case true?: return .notPublic
      case nil: unknown = true
      case false?: if !keys.contains(condition.key) { keys.append(condition.key) }
      }
    }
    if unknown { return .unknown }
    return .publicBecause(
      "allows \(wildcardText) with conditions that do not restrict who can call (\(keys.joined(separator: ", ")))")
  }

  // MARK: Principals

  private static func jsonPrincipal(_ statement: Value) -> StatementVerdict {
    let notPrincipal = member(statement, "NotPrincipal")
    if notPrincipal.isUnknown { return .unknown }
    if !notPrincipal.isMissing && notPrincipal.kind != .null { return .publicBecause("every principal but those in NotPrincipal") }
    let principal = member(statement, "Principal")
    switch principal.kind {
    case .unknown: return .unknown
    case .string: return principal.string == "*" ? .publicBecause("Principal '*'") : .notPublic
    case .list: return anyWildcard(principal)
    case .map:
      var unknown = false
      for (_, value) in principal.entries {
        switch anyWildcard(value) {
        case .publicBecause: return .publicBecause("Principal '*'")
        case .unknown: unknown = true
        case .notPublic: break
        }
      }
      return unknown ? .unknown : .notPublic
    default: return .notPublic
    }
  }

  private static func hclPrincipal(_ statement: Value) -> StatementVerdict {
    let not = statement["not_principals"]
    if not.isUnknown { return .unknown }
    if not.elementCount > 0 || not.kind == .map { return .publicBecause("every principal but those in not_principals") }
    let principals = statement["principals"]
    if principals.isUnknown { return .unknown }
    var unknown = false
    for block in principals.kind == .list ? principals.elements : [principals] {
      if block.isUnknown {
        unknown = true
        continue
      }
      // An identifier unknown until apply is computed from a resource of the plan (a role's or an
      // identity provider's ARN): never the literal `*`, which Terraform knows at plan time.
      switch anyWildcard(block["identifiers"], unknownElementsAreNames: true) {
      case .publicBecause: return .publicBecause("Principal '*'")
      case .unknown: unknown = true
      case .notPublic: break
      }
    }
    return unknown ? .unknown : .notPublic
  }

  /// `"*"`, or a list holding `"*"`. With `unknownElementsAreNames`, an element unknown until
  /// apply counts as a name, not a wildcard.
  private static func anyWildcard(_ value: Value, unknownElementsAreNames: Bool = false) -> StatementVerdict {
    if value.isUnknown { return .unknown }
    if value.string == "*" { return .publicBecause("Principal '*'") }
    var unknown = false
    for element in value.elements {
      if element.isUnknown {
        if !unknownElementsAreNames { unknown = true }
      } else if element.string == "*" {
        return .publicBecause("Principal '*'")
      }
    }
    return unknown ? .unknown : .notPublic
  }

  // MARK: Conditions

  /// One test of a condition: operator, key and values.
  struct Condition {
    let `operator`: Value
    let key: String
    let values: Value
  }

  /// The tests of a JSON `Condition` (`{"Operator": {"key": value or [values]}}`); nil when
  /// something in it is unknown until apply.
  private static func jsonConditions(_ statement: Value) -> [Condition]? {
    let condition = member(statement, "Condition")
    if condition.isUnknown { return nil }
    guard condition.kind == .map else { return [] }
    var result: [Condition] = []
    for (operatorName, tests) in condition.entries {
      if tests.isUnknown { return nil }
      for (key, values) in tests.entries {
        result.append(Condition(operator: .string(operatorName), key: key, values: values))
      }
    }
    return result
  }

  /// The `condition` blocks of an `aws_iam_policy_document` statement; nil when unknown.
  private static func hclConditions(_ statement: Value) -> [Condition]? {
    let blocks = statement["condition"]
    if blocks.isUnknown { return nil }
    var result: [Condition] = []
    for block in blocks.kind == .list ? blocks.elements : (blocks.kind == .map ? [blocks] : []) {
      if block.isUnknown { return nil }
      let variable = block["variable"]
      if variable.isUnknown { return nil }
      result.append(Condition(operator: block["test"], key: variable.string ?? "", values: block["values"]))
    }
    return result
  }

  /// Whether a test binds the caller or its network; nil when unknown until apply.
  static func binds(_ condition: Condition) -> Bool? {
    if condition.operator.isUnknown { return nil }
    guard let shape = bindingKeys[condition.key.lowercased()] else { return false }
    var op = (condition.operator.string ?? "").lowercased()
    if op.hasPrefix("foranyvalue:") { op.removeFirst("foranyvalue:".count) }
    // ForAllValues: and …IfExists are true when the request has no such key.
    guard bindingOperators.contains(op) else { return false }
    let values = condition.values
    if values.isUnknown { return nil }
    let list = values.kind == .list ? values.elements : [values]
    guard !list.isEmpty else { return false }
    // Values are alternatives: one that matches anyone opens the statement.
    var unknown = false
    for value in list {
      if value.isUnknown {
        unknown = true
        continue
      }
      guard let text = value.string ?? value.int.map(String.init) else { return false }
      if !valueBinds(text, shape) { return false }
    }
    return unknown ? nil : true
  }

  /// Whether one condition value names particular callers or networks.
  static func valueBinds(_ text: String, _ shape: KeyShape) -> Bool {
    func wild(_ part: Substring) -> Bool { part.contains("*") || part.contains("?") }
    let trimmed = Substring(text)
    if trimmed.isEmpty || trimmed.allSatisfy({ $0 == "*" || $0 == "?" }) { return false }
    switch shape {
    case .identifier: return !wild(trimmed)
    case .path: return !wild(trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)[0])
    case .userID: return !wild(trimmed.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0])
    case .name: return true
    case .network:
      guard let slash = trimmed.lastIndex(of: "/") else { return true }
      return Int(trimmed[trimmed.index(after: slash)...]) != 0
    case .arn:
      let fields = trimmed.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
      guard fields.count == 6 else { return !wild(trimmed) }
      // S3 bucket names are global: the bucket decides, whatever the region and account fields
      // say (`arn:aws:s3:*:*:acme-logs`, AWS's own example for event notifications).
      if fields[2] == "s3" {
        return !wild(fields[5].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)[0])
      }
      if wild(fields[4]) { return false }
      if fields[4].isEmpty { return !wild(fields[5]) }
      return true
    }
  }

  // MARK: Helpers

  /// The member `key` (an IAM element name such as `Statement`), else one spelled with other
  /// case. The exact spelling is looked up first, so an unknown planned member is seen as unknown.
  static func member(_ value: Value, _ key: String) -> Value {
    let exact = value[key]
    if !exact.isMissing { return exact }
    let lowered = key.lowercased()
    for (name, member) in value.entries where name.lowercased() == lowered { return member }
    return .missing
  }
}

extension PublicStatements.StatementVerdict {
  fileprivate var reason: String {
    if case .publicBecause(let text) = self { return text }
    return ""
  }
}
