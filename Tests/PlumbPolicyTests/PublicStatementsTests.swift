import Foundation
import PlumbDiagnostics
import PlumbGraph
import Testing

@testable import PlumbPolicy

/// `public_statements`: which resource-policy statements grant access to anyone, in the JSON and
/// the `aws_iam_policy_document` spellings, with unknown parts and hostile documents.
@Suite struct PublicStatementsTests {
  /// The `name: why` of each public statement of a JSON policy text, or "unknown".
  func judge(_ json: String) -> String {
    describe(PublicStatements.judge(.string(json), location: nil))
  }

  func describe(_ verdict: PublicStatements.Verdict) -> String {
    switch verdict {
    case .unknown: return "unknown"
    case .statements(let statements):
      return statements.map { "\($0["name"].string ?? "?"): \($0["why"].string ?? "?")" }.joined(separator: "\n")
    }
  }

  /// A one-statement policy allowing `principal` (JSON text) with `condition` (JSON text or nil).
  func policy(principal: String = #""*""#, condition: String? = nil, effect: String = "Allow") -> String {
    let conditionText = condition.map { #", "Condition": \#($0)"# } ?? ""
    return #"{"Version": "2012-10-17", "Statement": [{"Effect": "\#(effect)", "Principal": \#(principal), "Action": "s3:GetObject", "Resource": "*"\#(conditionText)}]}"#
  }

  @Test func wildcardPrincipalsInEverySpellingArePublic() {
    for principal in [#""*""#, #"{"AWS": "*"}"#, #"{"AWS": ["arn:aws:iam::111122223333:root", "*"]}"#, #"["*"]"#, #"{"CanonicalUser": "*"}"#] {
      #expect(judge(policy(principal: principal)) == "#1: allows Principal '*' without a Condition", "\(principal)")
    }
    #expect(judge(#"{"Statement": {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}, "Action": "*"}}"#)
      == "#1: allows every principal but those in NotPrincipal without a Condition")
  }

  @Test func namedPrincipalsDenyAndMissingEffectAreNotPublic() {
    #expect(judge(policy(principal: #"{"AWS": "arn:aws:iam::111122223333:role/reader"}"#)) == "")
    #expect(judge(policy(principal: #"{"Service": "cloudfront.amazonaws.com"}"#)) == "")
    #expect(judge(policy(effect: "Deny")) == "")
    #expect(judge(#"{"Statement": [{"Principal": "*", "Action": "*"}]}"#) == "")  // AWS rejects it
    #expect(judge(#"{"Statement": []}"#) == "")
    #expect(judge("") == "")
    #expect(judge("  \n") == "")
  }

  @Test func bindingConditionsMakeAStatementNotPublic() {
    let binding = [
      #"{"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}"#,
      #"{"StringEquals": {"aws:sourcevpc": ["vpc-1", "vpc-2"]}}"#,
      #"{"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "2001:db8::/32"]}}"#,
      #"{"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"}}"#,
      #"{"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}"#,
      #"{"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/*"}}"#,
      #"{"StringEquals": {"aws:PrincipalAccount": 111122223333}}"#,
      #"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/ci-*"}}"#,
      #"{"StringEquals": {"AWS:SourceAccount": "111122223333"}}"#,
      #"{"ArnEquals": {"aws:SourceArn": "arn:aws:cloudfront::111122223333:distribution/E2"}}"#,
      #"{"ArnLike": {"aws:SourceArn": "arn:aws:s3:::acme-logs"}}"#,
      #"{"ArnLike": {"aws:SourceArn": "arn:aws:s3:*:*:acme-logs"}}"#,
      #"{"StringEquals": {"aws:SourceOrgID": "o-a1b2c3d4e5"}}"#,
      #"{"StringLike": {"aws:SourceOrgPaths": "o-a1b2c3d4e5/*"}}"#,
      #"{"StringLike": {"aws:userid": "AROAEXAMPLEID:*"}}"#,
      #"{"StringEquals": {"aws:username": "deploy"}}"#,
      #"{"StringEquals": {"aws:SourceOwner": "111122223333"}}"#,
      #"{"StringEquals": {"kms:CallerAccount": "111122223333", "kms:ViaService": "ec2.eu-west-1.amazonaws.com"}}"#,
      #"{"StringEqualsIgnoreCase": {"s3:DataAccessPointAccount": "111122223333"}}"#,
      // One binding test among others that do not bind is enough (tests are ANDed).
      #"{"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"aws:SourceVpce": "vpce-1"}}"#,
    ]
    for condition in binding {
      #expect(judge(policy(condition: condition)) == "", "\(condition)")
    }
  }

  @Test func conditionsThatDoNotRestrictWhoLeaveItPublic() {
    let cases: [(String, String)] = [
      (#"{"Bool": {"aws:SecureTransport": "true"}}"#, "aws:SecureTransport"),
      (#"{"StringLike": {"aws:UserAgent": "*Mozilla*", "aws:Referer": "https://acme.example/*"}}"#, "aws:Referer, aws:UserAgent"),
      (#"{"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}"#, "aws:CurrentTime"),
      // Negated operators, IfExists and ForAllValues: are true for requests without the key or
      // from anyone else.
      (#"{"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}"#, "aws:SourceVpce"),
      (#"{"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}}"#, "aws:SourceIp"),
      (#"{"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}"#, "aws:SourceVpce"),
      (#"{"ForAllValues:StringEquals": {"aws:PrincipalOrgPaths": "o-1/r-1/ou-1/"}}"#, "aws:PrincipalOrgPaths"),
      (#"{"Null": {"aws:SourceVpce": "false"}}"#, "aws:SourceVpce"),
      // Wildcards that match anyone's ids.
      (#"{"StringLike": {"aws:PrincipalOrgID": "o-*"}}"#, "aws:PrincipalOrgID"),
      (#"{"StringLike": {"aws:SourceVpce": "*"}}"#, "aws:SourceVpce"),
      (#"{"StringLike": {"aws:SourceAccount": "1111*"}}"#, "aws:SourceAccount"),
      (#"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/ci"}}"#, "aws:PrincipalArn"),
      (#"{"ArnLike": {"aws:SourceArn": "arn:aws:s3:::acme-*"}}"#, "aws:SourceArn"),
      (#"{"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "0.0.0.0/0"]}}"#, "aws:SourceIp"),
      (#"{"IpAddress": {"aws:SourceIp": "::/0"}}"#, "aws:SourceIp"),
      (#"{"StringLike": {"aws:userid": "*:alice"}}"#, "aws:userid"),
      (#"{"StringLike": {"aws:PrincipalOrgPaths": "o-*/r-1/*"}}"#, "aws:PrincipalOrgPaths"),
      (#"{"StringEquals": {"aws:SourceVpce": []}}"#, "aws:SourceVpce"),
    ]
    for (condition, keys) in cases {
      #expect(
        judge(policy(condition: condition)) == "#1: allows Principal '*' with conditions that do not restrict who can call (\(keys))",
        "\(condition)")
    }
  }

  @Test func sidNamesTheStatementAndEveryPublicStatementIsListed() {
    let text = #"""
      {"Statement": [
        {"Sid": "Owner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "*"},
        {"Sid": "Public\nRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"},
        {"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject"}]}
      """#
    #expect(judge(text) == "'Public\nRead': allows Principal '*' without a Condition\n#3: allows Principal '*' without a Condition")
  }

  @Test func textThatIsNotAPolicyCannotBeJudged() {
    #expect(judge("{not json") == "unknown")
    #expect(judge("[1, 2]") == "unknown")
    #expect(judge("42") == "unknown")
    #expect(describe(PublicStatements.judge(.unknown, location: nil)) == "unknown")
    #expect(describe(PublicStatements.judge(.missing, location: nil)) == "")
    #expect(describe(PublicStatements.judge(.null, location: nil)) == "")
  }

  @Test func deepNestingIsRejectedBeforeParsing() {
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(PolicyJSON.problem(in: Data(deep.utf8)) == .tooDeep)
    #expect(judge(#"{"Statement": "# + deep + "}") == "unknown")
    // Brackets inside strings do not count.
    let quoted = #"{"Statement": [{"Sid": ""# + String(repeating: "[", count: 1000) + #"", "Effect": "Deny"}]}"#
    #expect(judge(quoted) == "")
  }

  /// Parsers disagree on which of two equal keys wins (JSONSerialization keeps the last): a
  /// policy with a key twice, or a key spelt with escapes, is not judged, never passed.
  @Test func duplicateOrEscapedKeysAreNotJudged() {
    let duplicate = #"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Condition": {}, "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}]}"#
    #expect(PolicyJSON.problem(in: Data(duplicate.utf8)) == .duplicateKey)
    #expect(judge(duplicate) == "unknown")
    let escaped = #"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "\u0043ondition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}]}"#
    #expect(PolicyJSON.problem(in: Data(escaped.utf8)) == .escapedKey)
    #expect(judge(escaped) == "unknown")
    // The same key in different objects, and escapes in values, are fine.
    let fine = #"{"Statement": [{"Sid": "a\"b", "Effect": "Deny", "Principal": "*"}, {"Sid": "c", "Effect": "Deny", "Principal": "*"}]}"#
    #expect(PolicyJSON.problem(in: Data(fine.utf8)) == nil)
    #expect(judge(fine) == "")
  }

  @Test func manyStatementsCostLinearTime() {
    let statement = #"{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}"#
    let text = #"{"Statement": ["# + Array(repeating: statement, count: 20_000).joined(separator: ",") + "]}"
    let start = Date()
    #expect(judge(text) == "")
    #expect(Date().timeIntervalSince(start) < 20)
  }

  // MARK: aws_iam_policy_document values

  /// A decoded document in the data source's spelling.
  func hcl(_ statements: [Value]) -> Value { .map(ValueMap([("statement", .list(statements))])) }

  func statement(
    effect: Value = .missing, principals: [(String, [String])] = [("*", ["*"])], conditions: [(String, String, [String])] = [],
    notPrincipals: Bool = false
  ) -> Value {
    var map = ValueMap()
    if !effect.isMissing { map["effect"] = effect }
    let blocks = principals.map { type, identifiers in
      Value.map(ValueMap([("type", .string(type)), ("identifiers", .list(identifiers.map(Value.string)))]))
    }
    map[notPrincipals ? "not_principals" : "principals"] = .list(blocks)
    map["condition"] = .list(
      conditions.map { test, variable, values in
        .map(ValueMap([("test", .string(test)), ("variable", .string(variable)), ("values", .list(values.map(Value.string)))]))
      })
    return .map(map)
  }

  @Test func policyDocumentBlocksAreJudgedLikeJSON() {
    func check(_ value: Value) -> String { describe(PublicStatements.judge(value, location: nil)) }
    #expect(check(hcl([statement()])) == "#1: allows Principal '*' without a Condition")
    #expect(check(hcl([statement(principals: [("AWS", ["*"])])])) == "#1: allows Principal '*' without a Condition")
    #expect(check(hcl([statement(effect: .string("Deny"))])) == "")
    #expect(check(hcl([statement(principals: [("AWS", ["arn:aws:iam::1:root"])])])) == "")
    #expect(check(hcl([statement(conditions: [("StringEquals", "aws:SourceVpce", ["vpce-1"])])])) == "")
    #expect(
      check(hcl([statement(conditions: [("Bool", "aws:SecureTransport", ["true"])])]))
        == "#1: allows Principal '*' with conditions that do not restrict who can call (aws:SecureTransport)")
    #expect(
      check(hcl([statement(principals: [("AWS", ["arn:aws:iam::1:root"])], notPrincipals: true)]))
        == "#1: allows every principal but those in not_principals without a Condition")
    // Unknown parts: an unknown condition could bind; a known public statement fails regardless.
    var unknownCondition = ValueMap()
    unknownCondition["principals"] = .list([.map(ValueMap([("type", .string("*")), ("identifiers", .list([.string("*")]))]))])
    unknownCondition["condition"] = .unknown
    #expect(check(hcl([.map(unknownCondition)])) == "unknown")
    #expect(check(hcl([.map(unknownCondition), statement()])) == "#2: allows Principal '*' without a Condition")
    #expect(check(.map(ValueMap([("statement", .unknown)]))) == "unknown")
    // An identifier computed at apply (a provider's ARN) is a name, not `*`; a whole principals
    // list unknown until apply could be anything.
    var computedIdentifier = ValueMap()
    computedIdentifier["principals"] = .list([.map(ValueMap([("type", .string("Federated")), ("identifiers", .list([.unknown]))]))])
    #expect(check(hcl([.map(computedIdentifier)])) == "")
    var unknownPrincipals = ValueMap()
    unknownPrincipals["principals"] = .unknown
    #expect(check(hcl([.map(unknownPrincipals)])) == "unknown")
  }
}
