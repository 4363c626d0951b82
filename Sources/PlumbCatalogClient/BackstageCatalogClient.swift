import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PlumbDiagnostics
import PlumbYAML

/// What to read from a Backstage catalog API, and the bounds on reading it.
public struct BackstageCatalogRequest: Sendable {
  /// The catalog API's base URL, `https://backstage.example.com/api/catalog` (http or https).
  public var baseURL: String
  /// The bearer token, if any. Sent only in the `Authorization` header; never in a message.
  public var token: String?
  /// Seconds one request may take, connecting included.
  public var timeout: Double
  /// How many times a request that failed for a reason that may pass is tried again: a
  /// connection that failed or timed out, 429, and 5xx answers.
  public var retries: Int
  /// The largest response body accepted, in bytes.
  public var maxResponseBytes: Int
  /// The most bytes all pages together may hold.
  public var maxTotalBytes: Int
  /// Entities asked for per page (`limit`).
  public var pageSize: Int
  /// Backstage `filter` parameters for the first request (the cursor carries them after).
  public var filters: [String]
  /// The most pages read (a server whose cursor never ends is an error, not a hang).
  public var maxPages: Int

  /// A request with Plumb's defaults: 30 s, two retries, 64 MiB per response, 256 MiB in all,
  /// 500 entities per page, at most 10,000 pages.
  public init(
    baseURL: String, token: String? = nil, timeout: Double = 30, retries: Int = 2,
    maxResponseBytes: Int = 64 << 20, maxTotalBytes: Int = 256 << 20, pageSize: Int = 500, filters: [String] = [],
    maxPages: Int = 10_000
  ) {
    self.baseURL = baseURL
    self.token = token
    self.timeout = timeout
    self.retries = retries
    self.maxResponseBytes = maxResponseBytes
    self.maxTotalBytes = maxTotalBytes
    self.pageSize = pageSize
    self.filters = filters
    self.maxPages = maxPages
  }
}

/// One page of `GET {base}/entities/by-query`, parsed.
public struct BackstageCatalogPage: Sendable {
  /// The page as the loader read it (its `items` are the entities).
  public let document: YAMLDocument
  /// The `items` array's elements.
  public let items: [YAMLNode]
  /// `totalItems`, when the server sent it.
  public let totalItems: Int?
}

/// Why the catalog could not be read. Messages name the URL (without credentials) and never the
/// token.
public struct BackstageCatalogError: Error, Sendable, CustomStringConvertible {
  /// What kind of failure, for diagnostic codes.
  public enum Kind: String, Sendable {
    /// The server could not be reached (refused, reset, name not resolved, TLS failed).
    case unreachable
    /// A request took longer than the timeout.
    case timeout
    /// The server answered 401 Unauthorized.
    case unauthorized
    /// The server answered 403 Forbidden.
    case forbidden
    /// Any other answer than 200 (a redirect included).
    case status
    /// A response larger than the limit.
    case tooLarge = "too-large"
    /// A body that is not well-formed JSON.
    case malformed
    /// Well-formed JSON that is not a catalog page.
    case notACatalog = "not-a-catalog"
    /// Pages that do not end, or repeat.
    case pagination
  }

  /// What kind of failure.
  public let kind: Kind
  /// What went wrong.
  public let message: String
  /// The HTTP status, when the server answered.
  public var status: Int? = nil

  public var description: String { message }

  /// Whether the server is down or failing (unreachable, too slow, 429, 5xx), rather than
  /// refusing the request or answering something that is not a catalog: the case a snapshot may
  /// stand in for.
  public var serverIsDown: Bool {
    switch kind {
    case .unreachable, .timeout: true
    case .status: status.map { $0 == 429 || $0 >= 500 } ?? false
    default: false
    }
  }
}

/// Reads every entity of a Backstage catalog through its REST API, `GET /entities/by-query` page
/// by page with `pageInfo.nextCursor`, the way Backstage's own `CatalogClient` pages.
///
/// Every request has a deadline, answers are bounded in size, failures that may pass are tried
/// again a bounded number of times with a growing pause, redirects are not followed (the
/// `Authorization` header must not travel to another host) and TLS certificates are verified.
/// Synchronous: it blocks the calling thread on its own requests (never a Swift concurrency task).
public struct BackstageCatalogClient: Sendable {
  /// The request.
  public let request: BackstageCatalogRequest

  /// A client for `request`.
  public init(_ request: BackstageCatalogRequest) {
    self.request = request
  }

  /// Every page, in order.
  public func fetchAll() -> Result<[BackstageCatalogPage], BackstageCatalogError> {
    let configuration = HTTPClient.Configuration(
      tlsConfiguration: nil, redirectConfiguration: .disallow,
      timeout: .init(connect: .milliseconds(milliseconds(request.timeout)), read: .milliseconds(milliseconds(request.timeout))),
      decompression: .disabled)
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    defer { try? client.syncShutdown() }
    var pages: [BackstageCatalogPage] = []
    var cursor: String?
    var seenCursors = Set<String>()
    var total = 0
    repeat {
      guard pages.count < request.maxPages else {
        return .failure(
          BackstageCatalogError(
            kind: .pagination, message: "\(shownBase) returned more than \(request.maxPages) pages; the read was stopped"))
      }
      let url = pageURL(cursor: cursor)
      let body: [UInt8]
      switch get(url, client: client) {
      case .failure(let error): return .failure(error)
      case .success(let bytes): body = bytes
      }
      total += body.count
      if total > request.maxTotalBytes {
        return .failure(
          BackstageCatalogError(
            kind: .tooLarge,
            message: "\(shownBase): the pages together hold more than \(request.maxTotalBytes) bytes, the limit"))
      }
      let page: BackstageCatalogPage
      let next: String?
      switch Self.parse(body, name: "\(shownBase) (page \(pages.count + 1))", limit: request.maxResponseBytes) {
      case .failure(let error): return .failure(error)
      case .success(let parsed): (page, next) = parsed
      }
      pages.append(page)
      if let next {
        guard seenCursors.insert(next).inserted else {
          return .failure(
            BackstageCatalogError(
              kind: .pagination, message: "\(shownBase) returned a cursor it had returned before; the pages would not end"))
        }
        guard !page.items.isEmpty else {
          return .failure(
            BackstageCatalogError(
              kind: .pagination, message: "\(shownBase) returned an empty page with a next cursor; the pages would not end"))
        }
      }
      cursor = next
    } while cursor != nil
    return .success(pages)
  }

  /// The base URL as messages show it (no trailing slash).
  var shownBase: String { Self.shown(base, limit: 200) }

  var base: String {
    var text = request.baseURL
    while text.hasSuffix("/") { text.removeLast() }
    return text
  }

  /// `{base}/entities/by-query?limit=N&filter=…` for the first page, `…?limit=N&cursor=C` after.
  func pageURL(cursor: String?) -> String {
    var query = ["limit=\(request.pageSize)"]
    if let cursor {
      query.append("cursor=" + Self.queryEncoded(cursor))
    } else {
      query += request.filters.map { "filter=" + Self.queryEncoded($0) }
    }
    return base + "/entities/by-query?" + query.joined(separator: "&")
  }

  /// One GET, tried again on failures that may pass.
  func get(_ url: String, client: HTTPClient) -> Result<[UInt8], BackstageCatalogError> {
    var attempt = 0
    while true {
      let result = once(url, client: client)
      guard case .failure(let failure) = result, failure.retryable, attempt < request.retries else {
        return result.mapError(\.error)
      }
      attempt += 1
      Thread.sleep(forTimeInterval: failure.retryAfter ?? min(0.25 * Double(1 << min(attempt - 1, 5)), 5))
    }
  }

  struct Failure: Error {
    let error: BackstageCatalogError
    let retryable: Bool
    var retryAfter: Double? = nil
  }

  /// One GET: the body of a 200 answer, or why not.
  func once(_ url: String, client: HTTPClient) -> Result<[UInt8], Failure> {
    var httpRequest: HTTPClient.Request
    do {
      httpRequest = try HTTPClient.Request(url: url, method: .GET)
    } catch {
      return .failure(
        Failure(error: BackstageCatalogError(kind: .unreachable, message: "\(shownBase) is not a usable URL: \(error)"), retryable: false))
    }
    httpRequest.headers.add(name: "Accept", value: "application/json")
    httpRequest.headers.add(name: "User-Agent", value: "plumb")
    if let token = request.token { httpRequest.headers.add(name: "Authorization", value: "Bearer " + token) }
    let delegate = ResponseAccumulator(request: httpRequest, maxBodySize: request.maxResponseBytes)
    let deadline = NIODeadline.now() + .milliseconds(milliseconds(request.timeout))
    let response: HTTPClient.Response
    do {
      response = try client.execute(request: httpRequest, delegate: delegate, deadline: deadline).wait()
    } catch {
      return .failure(failure(for: error))
    }
    let status = Int(response.status.code)
    guard status == 200 else { return .failure(failure(status: status, response: response)) }
    if let type = response.headers.first(name: "Content-Type")?.lowercased(), !type.contains("json") {
      return .failure(
        Failure(
          error: BackstageCatalogError(
            kind: .notACatalog,
            message: "\(shownBase) answered with '\(Self.shown(type, limit: 80))', not JSON: is this the catalog API (…/api/catalog)?"),
          retryable: false))
    }
    var body = response.body ?? ByteBuffer()
    return .success(body.readBytes(length: body.readableBytes) ?? [])
  }

  func failure(for error: Error) -> Failure {
    if error is ResponseAccumulator.ResponseTooBigError {
      return Failure(
        error: BackstageCatalogError(
          kind: .tooLarge, message: "\(shownBase): a response is larger than \(request.maxResponseBytes) bytes, the limit (max_bytes)"),
        retryable: false)
    }
    let timeouts: [HTTPClientError] = [
      .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout,
    ]
    if let http = error as? HTTPClientError, timeouts.contains(http) {
      return Failure(
        error: BackstageCatalogError(
          kind: .timeout, message: "\(shownBase) did not answer within \(Self.seconds(request.timeout)) (timeout)"),
        retryable: true)
    }
    return Failure(
      error: BackstageCatalogError(
        kind: .unreachable, message: "cannot reach \(shownBase): \(Self.shown(String(describing: error), limit: 200))"),
      retryable: true)
  }

  func failure(status: Int, response: HTTPClient.Response) -> Failure {
    let reason = Self.shown(response.status.reasonPhrase, limit: 60)
    let answered = "\(shownBase) answered \(status) \(reason)"
    func error(_ kind: BackstageCatalogError.Kind, _ message: String) -> BackstageCatalogError {
      BackstageCatalogError(kind: kind, message: message, status: status)
    }
    switch status {
    case 401:
      let hint = request.token == nil ? "no token was sent (name its variable with token_env)" : "the token was refused"
      return Failure(error: error(.unauthorized, "\(answered): \(hint)"), retryable: false)
    case 403:
      return Failure(error: error(.forbidden, "\(answered): the token may not read the catalog"), retryable: false)
    case 300..<400:
      let target = response.headers.first(name: "Location").map { " to '\(Self.shown($0, limit: 200))'" } ?? ""
      return Failure(
        error: error(.status, "\(answered) (a redirect\(target)); redirects are not followed: give the final URL"),
        retryable: false)
    case 404:
      return Failure(error: error(.status, "\(answered): is this the catalog API's base URL (…/api/catalog)?"), retryable: false)
    case 429, 500..<600:
      let after = response.headers.first(name: "Retry-After").flatMap(Double.init).map { min(max($0, 0), 10) }
      return Failure(error: error(.status, answered), retryable: true, retryAfter: after)
    default:
      return Failure(error: error(.status, answered), retryable: false)
    }
  }

  /// Parses one page: an object whose `items` is an array, with `pageInfo.nextCursor` when more
  /// pages follow.
  public static func parse(_ body: [UInt8], name: String, limit: Int) -> Result<
    (page: BackstageCatalogPage, next: String?), BackstageCatalogError
  > {
    let result = YAMLLoader(limits: YAMLLimits(maxDocumentBytes: limit)).load(SourceFile(path: name, bytes: body))
    if let error = result.diagnostics.first(where: { $0.severity == .error }) {
      let place = error.location.map { " at \($0.span.start.line):\($0.span.start.column)" } ?? ""
      return .failure(BackstageCatalogError(kind: .malformed, message: "\(name) is not well-formed JSON\(place): \(error.message)"))
    }
    guard result.documents.count == 1, let document = result.documents.first, document.root.kind == .mapping,
      let items = document.root["items"], items.kind == .sequence
    else {
      return .failure(
        BackstageCatalogError(
          kind: .notACatalog, message: "\(name) is not a catalog page: expected an object with an 'items' array"))
    }
    var next: String?
    if let info = document.root["pageInfo"], let cursor = info["nextCursor"], !cursor.isNull {
      guard cursor.kind == .scalar, cursor.scalarType == .string, let text = cursor.string, !text.isEmpty else {
        return .failure(
          BackstageCatalogError(kind: .notACatalog, message: "\(name): 'pageInfo.nextCursor' is not a string"))
      }
      next = text
    }
    let total = document.root["totalItems"].flatMap { $0.scalarType == .int ? $0.string.flatMap { Int($0) } : nil }
    return .success((BackstageCatalogPage(document: document, items: Array(items.elements), totalItems: total), next))
  }

  // MARK: Helpers

  func milliseconds(_ seconds: Double) -> Int64 { Int64((seconds * 1000).rounded(.up)) }

  static func seconds(_ value: Double) -> String {
    value < 1 ? "\(Int((value * 1000).rounded()))ms" : (value == value.rounded() ? "\(Int(value))s" : "\(value)s")
  }

  /// Percent-encodes a query value (everything but unreserved characters).
  static func queryEncoded(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
  }
  static func shown(_ text: String, limit: Int) -> String { MessageText.shown(text, limit: limit) }
}
