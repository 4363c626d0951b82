import Foundation
import PlumbDiagnostics
import PlumbYAML

/// One source of catalog context: the central catalog that references, relations and joins
/// resolve against, whose own entities are not checked (`catalog:` in `.plumb.yaml`, `--catalog`).
///
/// ```yaml
/// catalog:
///   - ../central-catalog                  # a directory or file of catalog YAML
///   - path: exports/entities.json         # a Backstage entities export, or a Plumb snapshot
///   - url: https://backstage.example.com/api/catalog
///     token_env: BACKSTAGE_TOKEN          # the NAME of the variable holding the bearer token
///     timeout: 30s
///     retries: 2
///     max_bytes: 64MiB                    # per response
///     page_size: 500
///     filter: [kind=group, kind=user, kind=component]
///     snapshot: .plumb/catalog/backstage.json
///     max_age: 24h                        # the oldest snapshot a run may fall back on
/// ```
public struct CatalogSourceConfiguration: Sendable, Hashable {
  /// Where the entities come from.
  public enum Location: Sendable, Hashable {
    /// A directory or file on disk (absolute, standardised).
    case path(String)
    /// A Backstage catalog API base URL (`…/api/catalog`), http or https.
    case url(String)
  }

  /// Where the entities come from.
  public var location: Location
  /// The source as written (a path relative to where it was written, or the URL): how messages
  /// name it.
  public var display: String
  /// The environment variable that holds the bearer token (URL sources). Never the token.
  public var tokenEnvironment: String?
  /// Seconds one request may take (URL sources).
  public var timeout: Double = Self.defaultTimeout
  /// How many times a failed request is tried again: connection failures, timeouts, 429 and 5xx
  /// answers (URL sources).
  public var retries: Int = Self.defaultRetries
  /// The largest response body accepted, in bytes (URL sources).
  public var maxResponseBytes: Int = Self.defaultMaxResponseBytes
  /// Entities asked for per page (URL sources).
  public var pageSize: Int = Self.defaultPageSize
  /// Backstage `filter` parameters (`kind=group,spec.type=team`); several are alternatives.
  public var filters: [String] = []
  /// Where the snapshot of a URL source is written and read back (absolute); nil: the default
  /// under the root's `.plumb/catalog/`.
  public var snapshot: String?
  /// The oldest snapshot a run accepts, in seconds; nil: the default (24 hours).
  public var maxAge: Double?
  /// Where the source was declared (`.plumb.yaml`), nil for `--catalog`.
  public var declaredAt: SourceLocation?

  /// 30 seconds per request.
  public static let defaultTimeout: Double = 30
  /// Two more tries after a failure.
  public static let defaultRetries = 2
  /// 64 MiB per response.
  public static let defaultMaxResponseBytes = 64 << 20
  /// 500 entities per page.
  public static let defaultPageSize = 500
  /// 24 hours.
  public static let defaultMaxAge: Double = 86_400

  /// Creates a source with the default options.
  public init(location: Location, display: String, declaredAt: SourceLocation? = nil) {
    self.location = location
    self.display = display
    self.declaredAt = declaredAt
  }

  /// A source written as one string (a path or an http/https URL), relative paths resolved
  /// against `base`; the error says why `text` is not one.
  public static func parse(_ text: String, base: String) -> Result<CatalogSourceConfiguration, CatalogSourceError> {
    if let scheme = urlScheme(text) {
      guard scheme == "http" || scheme == "https" else {
        return .failure(
          CatalogSourceError("catalog source '\(text)': only http and https URLs are read, not '\(scheme):'"))
      }
      guard let url = URL(string: text), url.host?.isEmpty == false else {
        return .failure(CatalogSourceError("catalog source '\(text)' is not a valid URL"))
      }
      if url.user != nil || url.password != nil {
        return .failure(
          CatalogSourceError(
            "catalog source URL must not hold credentials; name the variable that holds a token with token_env"))
      }
      return .success(CatalogSourceConfiguration(location: .url(text), display: text))
    }
    guard !text.isEmpty else { return .failure(CatalogSourceError("a catalog source must not be empty")) }
    let joined = text.hasPrefix("/") ? text : (base.hasSuffix("/") ? base : base + "/") + text
    return .success(CatalogSourceConfiguration(location: .path(standardized(joined)), display: text))
  }

  /// The scheme of `text` when it is written `scheme://…`.
  static func urlScheme(_ text: String) -> String? {
    guard let range = text.range(of: "://") else { return nil }
    let scheme = text[..<range.lowerBound]
    guard let first = scheme.first, first.isLetter,
      scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") })
    else { return nil }
    return scheme.lowercased()
  }

  /// Whether `name` can be an environment variable's name (letters, digits, `_`; not a digit first).
  public static func isEnvironmentName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, !("0"..."9").contains(first), name.count <= 256 else { return false }
    return name.unicodeScalars.allSatisfy {
      ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
    }
  }

  /// `.` and `..` removed, by text alone.
  static func standardized(_ path: String) -> String {
    var parts: [Substring] = []
    for part in path.split(separator: "/") {
      switch part {
      case ".": continue
      case "..": if !parts.isEmpty { parts.removeLast() }
      default: parts.append(part)
      }
    }
    return "/" + parts.joined(separator: "/")
  }

  // MARK: Reading `catalog:`

  static let keys = [
    "path", "url", "token_env", "timeout", "retries", "max_bytes", "page_size", "filter", "snapshot", "max_age",
  ]
  static let urlOnlyKeys: Set<String> = ["token_env", "timeout", "retries", "max_bytes", "page_size", "filter", "snapshot"]

  /// Reads `catalog:` (a list of sources, each a string or a mapping), relative paths against `root`.
  static func readList(_ node: YAMLNode, root: String, reader: inout ConfigurationReader) -> [CatalogSourceConfiguration] {
    guard node.kind == .sequence else {
      reader.expected("a list of catalog sources", at: node, key: "catalog")
      return []
    }
    var sources: [CatalogSourceConfiguration] = []
    for element in node.elements {
      if element.kind == .scalar {
        guard let text = reader.nonEmptyString(element, key: "catalog") else { continue }
        switch parse(text, base: root) {
        case .success(var source):
          source.declaredAt = element.location
          sources.append(source)
        case .failure(let error):
          reader.report("config.value", error.message, at: element)
        }
      } else if let source = readMapping(element, root: root, reader: &reader) {
        sources.append(source)
      }
    }
    return sources
  }

  private static func readMapping(
    _ node: YAMLNode, root: String, reader: inout ConfigurationReader
  ) -> CatalogSourceConfiguration? {
    guard node.kind == .mapping else {
      reader.expected("a path, a URL or a mapping with 'path' or 'url'", at: node, key: "catalog")
      return nil
    }
    let path = node.pair(forKey: "path")
    let url = node.pair(forKey: "url")
    guard let written = path ?? url, path == nil || url == nil else {
      reader.report(
        "config.value",
        path == nil ? "a catalog source needs 'path' or 'url'" : "a catalog source has either 'path' or 'url', not both",
        at: node)
      return nil
    }
    guard let text = reader.nonEmptyString(written.value, key: written.key.string) else { return nil }
    var source: CatalogSourceConfiguration
    switch parse(text, base: root) {
    case .success(let parsed): source = parsed
    case .failure(let error):
      reader.report("config.value", error.message, at: written.value)
      return nil
    }
    if path != nil, case .url = source.location {
      reader.report("config.value", "'path' names a file or directory; write a URL under 'url'", at: written.value)
      return nil
    }
    if url != nil, case .path = source.location {
      reader.report("config.value", "'url' must be an http or https URL, found '\(MessageText.shown(text, limit: 200))'", at: written.value)
      return nil
    }
    source.declaredAt = node.location
    let isURL = url != nil
    reader.mapping(node, key: "catalog", known: keys) { reader, key, value in
      if !isURL && urlOnlyKeys.contains(key) {
        reader.report("config.value", "'\(key)' applies to 'url' sources only", at: value)
        return true
      }
      switch key {
      case "path", "url":
        break
      case "token", "bearer", "password", "secret":
        reader.report(
          "config.unknown-key",
          "unknown key '\(key)' in 'catalog': a token is never read from the configuration; "
            + "name the environment variable that holds it with 'token_env'", at: value)
      case "token_env":
        guard let name = reader.nonEmptyString(value, key: key) else { break }
        if isEnvironmentName(name) {
          source.tokenEnvironment = name
        } else {
          // The value may be the token itself, pasted by mistake: never repeat it.
          reader.report(
            "config.value",
            "'token_env' names the environment variable that holds the token (letters, digits and '_'); "
              + "the value written is not one and is not shown", at: value)
        }
      case "timeout":
        if let seconds = reader.duration(value, key: key, maximum: 3600) { source.timeout = seconds }
      case "retries":
        if let count = reader.integer(value, key: key, in: 0...10) { source.retries = count }
      case "max_bytes":
        if let bytes = reader.byteCount(value, key: key, in: 1024...(1 << 30)) { source.maxResponseBytes = bytes }
      case "page_size":
        if let size = reader.integer(value, key: key, in: 1...10_000) { source.pageSize = size }
      case "filter":
        if value.kind == .scalar, let one = reader.nonEmptyString(value, key: key) {
          source.filters = [one]
        } else if value.kind == .sequence, let list = reader.strings(value, key: key) {
          source.filters = list
        } else if value.kind != .scalar {
          reader.expected("a filter or a list of filters", at: value, key: key)
        }
      case "snapshot":
        if let text = reader.nonEmptyString(value, key: key) {
          source.snapshot = standardized(text.hasPrefix("/") ? text : root + "/" + text)
        }
      case "max_age":
        if let seconds = reader.duration(value, key: key) { source.maxAge = seconds }
      default:
        return false
      }
      return true
    }
    return source
  }
}

/// Why a catalog source cannot be used as written.
public struct CatalogSourceError: Error, Sendable, Equatable {
  /// What is wrong, naming the source.
  public let message: String

  /// Creates an error.
  public init(_ message: String) { self.message = message }
}
