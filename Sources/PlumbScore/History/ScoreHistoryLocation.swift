import Foundation

/// Where score history lives, as given to `--db`: a file path (SQLite) or a PostgreSQL URL
/// (`postgres://user:password@host:port/database?sslmode=disable|prefer|require|verify-full`, or
/// `postgresql://…`). Its description never shows a password.
public enum ScoreHistoryLocation: Sendable, Hashable, CustomStringConvertible {
  case sqlite(path: String)
  case postgres(PostgresHistoryURL)

  /// A PostgreSQL URL when `text` starts with `postgres://` or `postgresql://` (a malformed one
  /// throws), otherwise a SQLite file path. `environment` supplies `PGPASSWORD` and `PGUSER`.
  public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
    if PostgresHistoryURL.looksLikeURL(text) {
      self = .postgres(try PostgresHistoryURL(text, environment: environment))
    } else {
      self = .sqlite(path: text)
    }
  }

  /// The path, or the URL with its password replaced by `***`.
  public var description: String {
    switch self {
    case .sqlite(let path): path
    case .postgres(let url): url.redacted
    }
  }

  /// Opens the store (creating the database file or the tables on first use).
  public func open() throws -> any ScoreHistoryStore {
    switch self {
    case .sqlite(let path): try SQLiteScoreHistoryStore(path: path)
    case .postgres(let url): try PostgresScoreHistoryStore(url: url)
    }
  }
}

/// A parsed PostgreSQL connection URL, in libpq's URI form with the parameters Plumb supports.
/// Printed (`description`, `debugDescription`, a mirror) it is always ``redacted``.
public struct PostgresHistoryURL: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
  CustomReflectable
{
  /// How TLS is used, as libpq's `sslmode`.
  public enum SSLMode: String, Sendable, Hashable, CaseIterable {
    /// Plain TCP.
    case disable
    /// TLS when the server offers it, without verifying its certificate (libpq's default).
    case prefer
    /// TLS or fail, without verifying the server's certificate (as libpq).
    case require
    /// TLS or fail, the certificate verified against the system's roots and the host name.
    case verifyFull = "verify-full"
  }

  public var user: String
  /// From the URL, else `PGPASSWORD`; nil when neither gives one.
  public var password: String?
  /// A host name or IP address, or, starting with `/`, the directory of the server's Unix socket.
  public var host: String
  public var port: Int
  public var database: String
  public var sslMode: SSLMode
  /// Seconds to wait for the connection and the server's greeting (`connect_timeout`, default 10).
  public var connectTimeout: Int

  /// Whether `text` is meant as a PostgreSQL URL.
  public static func looksLikeURL(_ text: String) -> Bool {
    let lower = text.lowercased()
    return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
  }

  /// The parameters accepted after `?`.
  public static let parameters = ["sslmode", "connect_timeout", "host", "port", "user", "dbname"]

  /// Parses `text`. Missing parts default as in libpq: the user to `PGUSER`, else `postgres`; the
  /// host to `localhost`; the port to 5432; the database to the user's name; the password to
  /// `PGPASSWORD`. Errors never quote the password.
  public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
    guard Self.looksLikeURL(text) else {
      throw ScoreHistoryError("not a PostgreSQL URL (postgres://user@host:port/database)")
    }
    // A malformed escape is refused, never decoded to nothing: `pw%zz` once dropped the password
    // (falling back on PGPASSWORD) and `?host=%2` the host.
    try Self.checkPercentEscapes(text)
    // `URLComponents` wants a host it can parse; a socket directory is given percent-encoded
    // (`postgres://user@%2Ftmp%2Fpg/db`) or as `?host=/tmp/pg`.
    guard let components = URLComponents(string: text) else {
      throw ScoreHistoryError("malformed PostgreSQL URL (expected postgres://user:password@host:port/database)")
    }
    var user = try Self.decoded(components.percentEncodedUser, "user") ?? environment["PGUSER"] ?? "postgres"
    let password = try Self.decoded(components.percentEncodedPassword, "password")
    var host = try Self.decoded(components.percentEncodedHost, "host") ?? ""
    if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    var port = components.port ?? 5432
    var database = try Self.decoded(String(components.percentEncodedPath.drop(while: { $0 == "/" })), "database") ?? ""
    if database.contains("/") {
      throw ScoreHistoryError("malformed PostgreSQL URL: the path after the host is one database name")
    }
    var sslMode = SSLMode.prefer
    var timeout = 10
    for item in components.percentEncodedQueryItems ?? [] {
      let name = try Self.decoded(item.name, "parameter name") ?? ""
      let value = try Self.decoded(item.value, "value of '\(name)'") ?? ""
      switch name {
      case "sslmode":
        guard let mode = SSLMode(rawValue: value) else {
          throw ScoreHistoryError(
            "unsupported sslmode '\(value)' (supported: \(SSLMode.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        sslMode = mode
      case "connect_timeout":
        guard let seconds = Int(value), seconds > 0, seconds <= 3600 else {
          throw ScoreHistoryError("connect_timeout must be a number of seconds from 1 to 3600, found '\(value)'")
        }
        timeout = seconds
      case "host": host = value
      case "port":
        guard let number = Int(value), (1...65535).contains(number) else {
          throw ScoreHistoryError("port must be from 1 to 65535, found '\(value)'")
        }
        port = number
      case "user": user = value
      case "dbname": database = value
      default:
        throw ScoreHistoryError(
          "unsupported PostgreSQL URL parameter '\(name)' (supported: \(Self.parameters.joined(separator: ", ")))")
      }
    }
    if host.isEmpty { host = "localhost" }
    guard (1...65535).contains(port) else { throw ScoreHistoryError("port must be from 1 to 65535") }
    if user.isEmpty { throw ScoreHistoryError("the PostgreSQL URL names no user") }
    if database.isEmpty { database = user }
    self.user = user
    self.password = password ?? environment["PGPASSWORD"]
    self.host = host
    self.port = port
    self.database = database
    self.sslMode = sslMode
    connectTimeout = timeout
  }

  /// Throws when a `%` in `text` is not followed by two hexadecimal digits, naming the position
  /// (never the surrounding text, which may be a password).
  static func checkPercentEscapes(_ text: String) throws {
    func isHexDigit(_ byte: UInt8) -> Bool {
      (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20)
    }
    let bytes = Array(text.utf8)
    var index = 0
    while index < bytes.count {
      guard bytes[index] == UInt8(ascii: "%") else {
        index += 1
        continue
      }
      guard index + 2 < bytes.count, isHexDigit(bytes[index + 1]), isHexDigit(bytes[index + 2]) else {
        throw ScoreHistoryError(
          "malformed percent-encoding in the PostgreSQL URL at byte \(index + 1) ('%' must be followed by two hexadecimal digits)")
      }
      index += 3
    }
  }

  /// `part` with its escapes decoded; escapes that do not decode to UTF-8 throw, naming the part.
  static func decoded(_ part: String?, _ name: String) throws -> String? {
    guard let part else { return nil }
    guard let value = part.removingPercentEncoding else {
      throw ScoreHistoryError("malformed percent-encoding in the PostgreSQL URL's \(name) (not UTF-8)")
    }
    return value
  }

  /// Whether `host` is a Unix socket directory.
  public var isUnixSocket: Bool { host.hasPrefix("/") }

  /// The socket file for a Unix socket host (`<dir>/.s.PGSQL.<port>`, as the server names it).
  public var socketPath: String? {
    isUnixSocket ? (host.hasSuffix("/") ? host : host + "/") + ".s.PGSQL.\(port)" : nil
  }

  public var description: String { redacted }
  public var debugDescription: String { redacted }
  public var customMirror: Mirror { Mirror(self, children: ["url": redacted]) }

  /// The URL as shown to people: never the password (`***` in its place when there is one).
  public var redacted: String {
    let unreserved = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
    func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text }
    let credentials = encode(user) + (password == nil ? "" : ":***")
    let place = isUnixSocket ? "" : (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
    var query = ["sslmode=\(sslMode.rawValue)"]
    if isUnixSocket { query.insert("host=\(host)", at: 0) }
    return "postgres://\(credentials)@\(place)/\(encode(database))?\(query.joined(separator: "&"))"
  }
}
