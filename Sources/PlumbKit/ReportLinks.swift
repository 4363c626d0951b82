import PlumbDiagnostics

/// Where the links in a report lead: rule documentation pages and source lines.
///
/// Chosen once per run, flag first, then `.plumb.yaml`, then the CI environment or the default,
/// and handed to every reporter (``ReporterOptions``). Only http(s) and relative links ever:
/// a value that is not one (`javascript:`, white space, a control, a hidden scalar) is dropped.
public struct ReportLinks: Sendable, Equatable {
  /// Rule pages are `<ruleDocsBase>/<rule_id>.md`.
  public var ruleDocsBase: String
  /// `path:line` links are `<sourceLinkBase><path>#L<line>`; nil: locations are not linked.
  public var sourceLinkBase: String?

  /// The default rule documentation base: the rule pages of Plumb's own repository.
  public static let defaultRuleDocsBase = Plumb.repositoryURL + "/blob/main/docs/rules"

  public init(ruleDocsBase: String = ReportLinks.defaultRuleDocsBase, sourceLinkBase: String? = nil) {
    self.ruleDocsBase = ruleDocsBase
    self.sourceLinkBase = sourceLinkBase
  }

  /// The links of a run: `ruleDocsBase` (`--rule-docs-base`, else `rule_docs_base:`, else the
  /// default) and `sourceLinkBase` (`--source-link-base`, else `source_link_base:`, else from the
  /// CI variables in `environment`). An empty value switches links off (rule pages: the default
  /// relative `docs/rules`); a value Plumb may not emit is ignored.
  public static func resolve(
    ruleDocsFlag: String?, sourceLinkFlag: String?, configuration: (ruleDocs: String?, sourceLink: String?),
    environment: [String: String]
  ) -> ReportLinks {
    var links = ReportLinks()
    if let docs = [ruleDocsFlag, configuration.ruleDocs].compactMap({ $0 }).first {
      links.ruleDocsBase = docs.isEmpty ? "docs/rules" : (LinkTarget.isAllowed(docs) ? docs : defaultRuleDocsBase)
    }
    if let source = [sourceLinkFlag, configuration.sourceLink].compactMap({ $0 }).first {
      links.sourceLinkBase = source.isEmpty || !LinkTarget.isAllowed(source) ? nil : source
    } else {
      links.sourceLinkBase = sourceLinkBase(environment: environment)
    }
    return links
  }

  /// `<GITHUB_SERVER_URL>/<GITHUB_REPOSITORY>/blob/<GITHUB_SHA>/` in GitHub Actions,
  /// `<CI_PROJECT_URL>/-/blob/<CI_COMMIT_SHA>/` in GitLab CI; nil elsewhere, and when a variable
  /// is not what CI sets (a server or project URL that is not a plain http(s) URL, a repository
  /// that is not `owner/name`, a commit that is not 7 to 64 hexadecimal digits).
  /// An empty variable counts as unset.
  public static func sourceLinkBase(environment: [String: String]) -> String? {
    let environment = environment.filter { !$0.value.isEmpty }
    if let repository = environment["GITHUB_REPOSITORY"], let sha = environment["GITHUB_SHA"] {
      let server = environment["GITHUB_SERVER_URL"] ?? "https://github.com"
      guard isPlainHTTPURL(server), isRepositoryName(repository), isCommit(sha) else { return nil }
      return trimmedSlash(server) + "/" + repository + "/blob/" + sha + "/"
    }
    if let project = environment["CI_PROJECT_URL"], let sha = environment["CI_COMMIT_SHA"] {
      guard isPlainHTTPURL(project), isCommit(sha) else { return nil }
      return trimmedSlash(project) + "/-/blob/" + sha + "/"
    }
    return nil
  }

  /// An `http://` or `https://` URL of printable ASCII with no character that could end a
  /// Markdown link, an HTML attribute or a table cell, and no query or fragment.
  static func isPlainHTTPURL(_ text: String) -> Bool {
    let lowered = text.lowercased()
    guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://"), text.count <= 2048 else { return false }
    let host = text.drop(while: { $0 != "/" }).dropFirst(2)
    guard let first = host.first, first != "/" else { return false }
    return text.unicodeScalars.allSatisfy {
      $0.isASCIILetter || ("0"..."9").contains($0) || "-._~/:%@".unicodeScalars.contains($0)
    }
  }

  /// `owner/name`: letters, digits, `-`, `_`, `.`, one slash, neither part `.` or `..`.
  static func isRepositoryName(_ text: String) -> Bool {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    return parts.count == 2
      && parts.allSatisfy { part in
        !part.isEmpty && part != "." && part != ".." && part.count <= 100
          && part.unicodeScalars.allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }
      }
  }

  /// 7 to 64 hexadecimal digits.
  static func isCommit(_ text: String) -> Bool {
    (7...64).contains(text.count) && text.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit }
  }

  static func trimmedSlash(_ text: String) -> String {
    var text = Substring(text)
    while text.hasSuffix("/") { text.removeLast() }
    return String(text)
  }
}
