import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A small HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for tests of what speaks HTTP: each
/// request is answered by a closure, after an optional delay, and every request is recorded.
/// Nothing leaves loopback. One connection per request (`Connection: close`).
public final class LoopbackHTTPServer: Sendable {
  /// A request as the server saw it.
  public struct Request: Sendable {
    /// `GET`, `POST`, …
    public let method: String
    /// The request target, path and query (`/api/catalog/entities/by-query?limit=10`).
    public let uri: String
    /// The headers, in order, names as sent.
    public let headers: [(name: String, value: String)]

    /// The path without the query.
    public var path: String { String(uri.prefix { $0 != "?" }) }

    /// The query parameters, decoded, in order of appearance per name.
    public var query: [String: [String]] {
      guard let components = URLComponents(string: uri) else { return [:] }
      var result: [String: [String]] = [:]
      for item in components.queryItems ?? [] { result[item.name, default: []].append(item.value ?? "") }
      return result
    }

    /// The first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
      headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
  }

  /// An answer.
  public struct Response: Sendable {
    /// The status code.
    public var status: Int
    /// Headers besides `Content-Length` (or `Transfer-Encoding`) and `Connection`.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: [UInt8]
    /// Seconds to wait before answering.
    public var delay: Double = 0
    /// Send the body chunked, in parts of this many bytes, without a `Content-Length`.
    public var chunkSize: Int?

    /// An answer.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [], delay: Double = 0) {
      self.status = status
      self.headers = headers
      self.body = body
      self.delay = delay
    }

    /// A JSON answer.
    public static func json(_ text: String, status: Int = 200) -> Response {
      Response(status: status, headers: [("Content-Type", "application/json; charset=utf-8")], body: Array(text.utf8))
    }
  }

  private let group: MultiThreadedEventLoopGroup
  private let channel: any Channel
  private let recorded: RequestLog
  /// The port listened on.
  public let port: Int

  /// `http://127.0.0.1:<port>`.
  public var baseURL: String { "http://127.0.0.1:\(port)" }

  /// The requests received so far, in order.
  public var requests: [Request] { recorded.all }

  /// The requests received, shared by the server's handlers.
  private final class RequestLog: Sendable {
    private let requests = Mutex<[Request]>([])
    func append(_ request: Request) { requests.withLock { $0.append(request) } }
    var all: [Request] { requests.withLock { $0 } }
  }

  /// Starts a server answering with `handler`.
  public init(handler: @escaping @Sendable (Request) -> Response) throws {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let recorded = RequestLog()
    let log: @Sendable (Request) -> Void = { recorded.append($0) }
    let bootstrap = ServerBootstrap(group: group)
      .serverChannelOption(ChannelOptions.backlog, value: 64)
      .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        channel.pipeline.configureHTTPServerPipeline().flatMap {
          channel.pipeline.addHandler(Handler(handler: handler, log: log))
        }
      }
    do {
      channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
    } catch {
      try? group.syncShutdownGracefully()
      throw error
    }
    self.group = group
    self.recorded = recorded
    self.port = channel.localAddress?.port ?? 0
  }

  /// Stops listening and closes the event loop.
  public func shutdown() {
    try? channel.close().wait()
    try? group.syncShutdownGracefully()
  }

  /// A port on 127.0.0.1 that nothing listens on (bound, then closed): connecting is refused.
  public static func closedPort() throws -> Int {
    let server = try LoopbackHTTPServer { _ in Response(status: 500) }
    let port = server.port
    server.shutdown()
    return port
  }

  private final class Handler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let handler: @Sendable (Request) -> Response
    let log: @Sendable (Request) -> Void
    var head: HTTPRequestHead?

    init(handler: @escaping @Sendable (Request) -> Response, log: @escaping @Sendable (Request) -> Void) {
      self.handler = handler
      self.log = log
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      switch unwrapInboundIn(data) {
      case .head(let head): self.head = head
      case .body: break
      case .end:
        guard let head else { return }
        let request = Request(
          method: head.method.rawValue, uri: head.uri, headers: head.headers.map { (name: $0.name, value: $0.value) })
        log(request)
        let response = handler(request)
        if response.delay > 0 {
          let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
          context.eventLoop.scheduleTask(in: .milliseconds(Int64(response.delay * 1000))) {
            let (handler, context) = loopBound.value
            handler.respond(response, context: context)
          }
        } else {
          respond(response, context: context)
        }
      }
    }

    func respond(_ response: Response, context: ChannelHandlerContext) {
      var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
      headers.replaceOrAdd(name: "Connection", value: "close")
      if response.chunkSize == nil {
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
      } else {
        headers.replaceOrAdd(name: "Transfer-Encoding", value: "chunked")
      }
      let head = HTTPResponseHead(
        version: .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
      context.write(wrapOutboundOut(.head(head)), promise: nil)
      let size = max(1, response.chunkSize ?? max(1, response.body.count))
      var offset = 0
      while offset < response.body.count {
        let end = min(offset + size, response.body.count)
        var buffer = context.channel.allocator.buffer(capacity: end - offset)
        buffer.writeBytes(response.body[offset..<end])
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        offset = end
      }
      context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
      context.close(promise: nil)
    }
  }
}
