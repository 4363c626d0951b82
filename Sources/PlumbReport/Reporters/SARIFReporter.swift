import PlumbDiagnostics
import PlumbPolicy

/// SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, IDE viewers).
///
/// One run. `tool.driver.rules[]` lists the rules that ran, sorted by id; each result points at
/// its rule by `ruleId` and `ruleIndex`. Locations are relative URIs under `%SRCROOT%` (the
/// working directory, in `originalUriBaseIds`), with columns in Unicode code points
/// (`columnKind`) and byte offsets. Suppressed findings stay in `results` with `suppressions`;
/// with a baseline every result has a `baselineState`. `fixes` are best effort: the replaced
/// region is the fix's anchor node and the inserted text its value; `plumb fix` produces the
/// exact, verified patch. Input diagnostics become `toolExecutionNotifications`, policy
/// diagnostics `toolConfigurationNotifications`.
public struct SARIFReporter: Reporter {
  public static let identifier = "sarif"
  public static let description = "SARIF 2.1.0 for code scanning: rules, locations, fingerprints, suppressions, baseline state, fixes"

  static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
  static let informationURI = "https://plumb.dev"
  /// The key of Plumb's fingerprint in `partialFingerprints`.
  static let fingerprintKey = "plumb/v1"
  static let rootBaseID = "%SRCROOT%"

  /// SARIF's `versionControlProvenance` for a repository whose name came from a github.com remote
  /// or `repository:` (`owner/name`, a `repositoryUri` code scanning can match) or from another
  /// host's remote (`host/path`, as `https://host/path`); nil for a directory name, which is no URI.
  static func versionControlProvenance(_ identity: RepositoryIdentity?) -> JSONValue? {
    guard let identity, identity.source != .directory else { return nil }
    let parts = identity.name.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty }),
      identity.name.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F && !"\"<>\\^`{|}%?#".unicodeScalars.contains($0) })
    else { return nil }
    let uri = parts.count == 2 || !parts[0].contains(".") ? "https://github.com/" + identity.name : "https://" + identity.name
    var members: [(String, JSONValue)] = [("repositoryUri", .string(uri))]
    if let commit = identity.commit { members.append(("revisionId", .string(commit))) }
    if let branch = identity.branch { members.append(("branch", .string(branch))) }
    return .array([.object(members)])
  }

  public static func render(_ report: CheckReport, options: ReporterOptions) -> String {
    let facts = ReportFacts(report)
    var ruleIndex: [String: Int] = [:]
    for (index, rule) in facts.rules.enumerated() where ruleIndex[rule.id] == nil { ruleIndex[rule.id] = index }

    var driver: [(String, JSONValue)] = [("name", .string("Plumb")), ("version", .string(report.toolVersion))]
    if isSemanticVersion(report.toolVersion) { driver.append(("semanticVersion", .string(report.toolVersion))) }
    driver.append(("informationUri", .string(informationURI)))
    driver.append(("rules", .array(facts.rules.map { rule($0, facts: facts, options: options) })))

    var run: [(String, JSONValue)] = [("tool", .object([("driver", .object(driver))]))]
    run.append(("invocations", .array([invocation(report)])))
    if let provenance = versionControlProvenance(report.repository) { run.append(("versionControlProvenance", provenance)) }
    if let root = directoryURI(report.workingDirectory) {
      run.append(("originalUriBaseIds", .object([(rootBaseID, .object([("uri", .string(root))]))])))
    }
    run.append(("results", .array(facts.findings.map { result($0, ruleIndex: ruleIndex) })))
    run.append(("columnKind", .string("unicodeCodePoints")))
    var properties: [(String, JSONValue)] = [("verdict", .string(report.verdict))]
    if let pack = report.pack { properties.append(("pack", .string(pack))) }
    if let identity = report.repository {
      properties.append(("repository", .string(identity.name)))
      if let branch = identity.branch { properties.append(("branch", .string(branch))) }
      if let commit = identity.commit { properties.append(("commit", .string(commit))) }
    }
    run.append(("properties", .object(properties)))

    return JSONValue.object([
      ("$schema", .string(schemaURI)),
      ("version", .string("2.1.0")),
      ("runs", .array([.object(run)])),
    ]).rendered()
  }

  // MARK: Rules

  private static func rule(_ rule: ReportedRule, facts: ReportFacts, options: ReporterOptions) -> JSONValue {
    var members: [(String, JSONValue)] = [
      ("id", .string(rule.id)),
      ("name", .string(pascalCase(rule.id))),
      ("shortDescription", .object([("text", .string(rule.title))])),
      ("fullDescription", .object([("text", .string(rule.rationale))])),
    ]
    let docs = facts.docsURL(rule.id, options)
    let helpURI = docs.flatMap { LinkTarget.scheme(of: $0) == nil ? nil : $0 }
    var markdown = MarkdownText.prose(rule.remediation)
    if let docs { markdown += "\n\n" + MarkdownText.link("Rule documentation", to: docs) }
    members.append(("help", .object([("text", .string(rule.remediation)), ("markdown", .string(markdown))])))
    // `helpUri` must be an absolute URI (http or https: `docsURL` emits no other scheme); a
    // relative docs path is only linked from `help.markdown`.
    if let helpURI { members.append(("helpUri", .string(helpURI))) }
    members.append(("defaultConfiguration", .object([("level", .string(level(rule.enforcement)))])))
    var tags = [rule.category]
    if !tags.contains(rule.severity.rawValue) { tags.append(rule.severity.rawValue) }
    var properties: [(String, JSONValue)] = [("tags", .array(tags.map { .string($0) }))]
    properties.append(("severity", .string(rule.severity.rawValue)))
    properties.append(("enforcement", .string(rule.enforcement.rawValue)))
    // GitHub code scanning ranks security alerts by this CVSS-like score.
    if rule.category == "security", let score = securitySeverity(rule.severity) {
      properties.append(("security-severity", .string(score)))
    }
    members.append(("properties", .object(properties)))
    return .object(members)
  }

  /// SARIF level of a rule's enforcement: block → error, warn → warning, advisory → note.
  static func level(_ enforcement: Enforcement) -> String {
    switch enforcement {
    case .block: "error"
    case .warn: "warning"
    case .advisory: "note"
    case .off: "none"
    }
  }

  static func securitySeverity(_ severity: Severity) -> String? {
    switch severity {
    case .critical: "9.5"
    case .high: "8.0"
    case .medium: "5.5"
    case .low: "3.0"
    case .info: nil
    }
  }

  // MARK: Results

  private static func result(_ reported: ReportedFinding, ruleIndex: [String: Int]) -> JSONValue {
    let finding = reported.finding
    var members: [(String, JSONValue)] = [("ruleId", .string(finding.ruleID))]
    if let index = ruleIndex[finding.ruleID] { members.append(("ruleIndex", .int(index))) }
    // A rule that could not be evaluated is an error whatever its enforcement.
    members.append(("level", .string(finding.verdict == .error ? "error" : level(reported.enforcement))))
    members.append(("message", .object([("text", .string(finding.message))])))
    var location = physicalLocation(finding.location)
    location.append(
      ("logicalLocations", .array([.object([("fullyQualifiedName", .string(finding.entity.rawValue)), ("kind", .string(finding.entityKind))])])))
    members.append(("locations", .array([.object(location)])))
    if let defined = finding.definedAt {
      // The finding points at an alias's use; the anchored value it reads is written here.
      var related = physicalLocation(defined)
      related.insert(("id", .int(1)), at: 0)
      related.append(("message", .object([("text", .string("the anchored value is defined here"))])))
      members.append(("relatedLocations", .array([.object(related)])))
    }
    members.append(("partialFingerprints", .object([(fingerprintKey, .string(finding.fingerprint))])))
    if let suppression = reported.suppression {
      var entry: [(String, JSONValue)] = [
        ("kind", .string(suppression.kind == .waiver ? "external" : "inSource")),
        ("status", .string("accepted")),
        ("justification", .string(suppression.reason)),
      ]
      if let place = suppression.location { entry.append(("location", .object(physicalLocation(place)))) }
      var properties: [(String, JSONValue)] = []
      if let owner = suppression.owner { properties.append(("owner", .string(owner))) }
      if let expires = suppression.expires { properties.append(("expires", .string(expires))) }
      if !properties.isEmpty { entry.append(("properties", .object(properties))) }
      members.append(("suppressions", .array([.object(entry)])))
    }
    if reported.baseline != .none { members.append(("baselineState", .string(reported.baseline.rawValue))) }
    if let fix = fix(finding) { members.append(("fixes", .array([fix]))) }
    members.append(
      (
        "properties",
        .object([
          ("verdict", .string(finding.verdict.rawValue)),
          ("enforcement", .string(reported.enforcement.rawValue)),
          ("blocking", .bool(reported.blocking)),
          ("entity", .string(finding.entity.rawValue)),
          ("entityKind", .string(finding.entityKind)),
          (
            "evidence",
            .array(
              finding.evidence.map {
                .object([
                  ("expression", .string($0.expression)), ("value", .string($0.value)),
                  ("location", .string($0.location?.description)),
                ])
              })
          ),
        ])
      ))
    return .object(members)
  }

  /// `physicalLocation` (and nothing else) of a location, as members of a SARIF `location`.
  private static func physicalLocation(_ location: SourceLocation) -> [(String, JSONValue)] {
    var physical: [(String, JSONValue)] = [("artifactLocation", artifactLocation(location.path))]
    if let region = region(location.span) { physical.append(("region", region)) }
    return [("physicalLocation", .object(physical))]
  }

  static func artifactLocation(_ path: String) -> JSONValue {
    if path.hasPrefix("/") {
      return .object([("uri", .string("file://" + LinkTarget.uriPath(path)))])
    }
    return .object([("uri", .string(LinkTarget.uriPath(path))), ("uriBaseId", .string(rootBaseID))])
  }

  /// The region of a span; nil when it has no line (SARIF lines start at 1).
  static func region(_ span: SourceSpan) -> JSONValue? {
    guard span.start.line >= 1 else { return nil }
    let end = span.end.offset >= span.start.offset && span.end.line >= 1 ? span.end : span.start
    let startColumn = max(1, span.start.column)
    let endColumn = end.line == span.start.line ? max(startColumn, end.column) : max(1, end.column)
    return .object([
      ("startLine", .int(span.start.line)),
      ("startColumn", .int(startColumn)),
      ("endLine", .int(max(span.start.line, end.line))),
      ("endColumn", .int(endColumn)),
      ("byteOffset", .int(max(0, span.start.offset))),
      ("byteLength", .int(max(0, end.offset - span.start.offset))),
    ])
  }

  /// One SARIF fix holding every proposed edit that has an anchor, grouped by file.
  private static func fix(_ finding: Finding) -> JSONValue? {
    let anchored = finding.fixes.compactMap { fix in fix.anchor.map { (fix, $0) } }
    guard !anchored.isEmpty else { return nil }
    var byPath: [String: [(ProposedFix, SourceLocation)]] = [:]
    for entry in anchored { byPath[entry.1.path, default: []].append(entry) }
    let changes: [JSONValue] = byPath.keys.sorted().map { path in
      let edits = (byPath[path] ?? []).sorted { $0.1 < $1.1 }
      let replacements: [JSONValue] = edits.compactMap { edit, anchor in
        var deleted = anchor.span
        if edit.operation == .insert || edit.operation == .append { deleted.start = deleted.end }
        guard let region = region(deleted) else { return nil }
        var replacement: [(String, JSONValue)] = [("deletedRegion", region)]
        if edit.operation != .remove, let value = edit.value {
          replacement.append(("insertedContent", .object([("text", .string(value))])))
        }
        return .object(replacement)
      }
      return .object([("artifactLocation", artifactLocation(path)), ("replacements", .array(replacements))])
    }
    let description = finding.fixes.map(describe).joined(separator: "; ") + " (approximate edit: `plumb fix` writes the verified patch)"
    return .object([
      ("description", .object([("text", .string(description))])),
      ("artifactChanges", .array(changes)),
    ])
  }

  /// `set 'spec.owner' to "group:payments"`.
  static func describe(_ fix: ProposedFix) -> String {
    let path = "'" + fix.path.joined(separator: ".") + "'"
    let value = fix.value ?? "null"
    switch fix.operation {
    case .set: return "set \(path) to \(value)"
    case .insert: return "insert \(path) = \(value)"
    case .remove: return "remove \(path)"
    case .append: return "append \(value) to \(path)"
    }
  }

  // MARK: Invocation

  private static func invocation(_ report: CheckReport) -> JSONValue {
    var members: [(String, JSONValue)] = []
    if !report.arguments.isEmpty {
      members.append(("commandLine", .string(shellCommandLine(report.arguments))))
      members.append(("arguments", .array(report.arguments.map { .string($0) })))
    }
    if let start = report.startTime { members.append(("startTimeUtc", .string(start))) }
    members.append(("exitCode", .int(Int(report.exitStatus))))
    // 0 (no blocking finding) and 1 (blocking findings) are runs that completed; anything else
    // (unreadable input, broken policy, nothing evaluated, usage) is not.
    members.append(("executionSuccessful", .bool(report.exitStatus == 0 || report.exitStatus == 1)))
    if let directory = directoryURI(report.workingDirectory) {
      members.append(("workingDirectory", .object([("uri", .string(directory))])))
    }
    if !report.inputDiagnostics.isEmpty {
      members.append(("toolExecutionNotifications", .array(report.inputDiagnostics.map(notification))))
    }
    if !report.policyDiagnostics.isEmpty {
      members.append(("toolConfigurationNotifications", .array(report.policyDiagnostics.map(notification))))
    }
    return .object(members)
  }

  private static func notification(_ diagnostic: Diagnostic) -> JSONValue {
    var members: [(String, JSONValue)] = []
    if let location = diagnostic.location { members.append(("locations", .array([.object(physicalLocation(location))]))) }
    members.append(("message", .object([("text", .string(diagnostic.message))])))
    members.append(("level", .string(diagnostic.severity.rawValue)))
    members.append(("descriptor", .object([("id", .string(diagnostic.code))])))
    return .object(members)
  }

  /// `file:///abs/dir/` for an absolute directory; nil otherwise.
  static func directoryURI(_ directory: String) -> String? {
    guard directory.hasPrefix("/") else { return nil }
    let path = directory.hasSuffix("/") ? directory : directory + "/"
    return "file://" + LinkTarget.uriPath(path)
  }

  /// Arguments joined into one POSIX shell command line, quoting where needed.
  static func shellCommandLine(_ arguments: [String]) -> String {
    arguments.map { argument in
      let safe = !argument.isEmpty
        && argument.unicodeScalars.allSatisfy {
          $0.isASCIILetter || ("0"..."9").contains($0) || "-_./=:,@%+".unicodeScalars.contains($0)
        }
      guard !safe else { return argument }
      // Scalar by scalar: a `'` followed by a combining mark is still a quote to the shell.
      var quoted = "'"
      for scalar in argument.unicodeScalars {
        if scalar == "'" { quoted += "'\\''" } else { quoted.unicodeScalars.append(scalar) }
      }
      return quoted + "'"
    }.joined(separator: " ")
  }

  /// `component_has_owner` → `ComponentHasOwner`.
  static func pascalCase(_ id: String) -> String {
    id.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map { $0.prefix(1).uppercased() + $0.dropFirst() }
      .joined()
  }

  /// `MAJOR.MINOR.PATCH` with optional `-prerelease` / `+build`.
  static func isSemanticVersion(_ version: String) -> Bool {
    let core = version.split(whereSeparator: { $0 == "-" || $0 == "+" }).first ?? ""
    let parts = core.split(separator: ".", omittingEmptySubsequences: false)
    return parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
      && !version.hasPrefix("-")
  }
}
