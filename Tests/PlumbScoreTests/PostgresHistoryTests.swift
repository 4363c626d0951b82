import Foundation
import PlumbKit
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `--db` as a PostgreSQL URL: parsing and redaction (no server needed).
@Suite struct PostgresURLTests {
  @Test func urlFormsAndDefaults() throws {
    let full = try PostgresHistoryURL("postgres://ci:s3cr%40t@db.example.com:6543/plumb?sslmode=require", environment: [:])
    #expect(full.user == "ci" && full.password == "s3cr@t" && full.host == "db.example.com" && full.port == 6543)
    #expect(full.database == "plumb" && full.sslMode == .require && full.connectTimeout == 10)
    #expect(full.redacted == "postgres://ci:***@db.example.com:6543/plumb?sslmode=require")
    // However it is printed, never the password.
    for printed in ["\(full)", String(reflecting: full), "\(ScoreHistoryLocation.postgres(full))",
                    String(reflecting: ScoreHistoryLocation.postgres(full)), "\(Mirror(reflecting: full).children.map(\.value))"] {
      #expect(!printed.contains("s3cr"), "\(printed)")
    }

    let bare = try PostgresHistoryURL("postgresql://db/history", environment: [:])
    #expect(bare.user == "postgres" && bare.password == nil && bare.port == 5432 && bare.sslMode == .prefer)
    #expect(bare.redacted == "postgres://postgres@db:5432/history?sslmode=prefer")

    // PGPASSWORD and PGUSER fill in what the URL leaves out; the URL wins.
    let env = try PostgresHistoryURL("postgres://db", environment: ["PGPASSWORD": "pw", "PGUSER": "scorer"])
    #expect(env.password == "pw" && env.user == "scorer" && env.database == "scorer")
    #expect(try PostgresHistoryURL("postgres://u:url@db/x", environment: ["PGPASSWORD": "env"]).password == "url")

    // A Unix socket directory, as libpq: ?host=/dir, or percent-encoded in the host.
    let socket = try PostgresHistoryURL("postgres://u@localhost/x?host=/tmp/pg&port=5433&connect_timeout=3", environment: [:])
    #expect(socket.isUnixSocket && socket.socketPath == "/tmp/pg/.s.PGSQL.5433" && socket.connectTimeout == 3)
    #expect(try PostgresHistoryURL("postgres://u@%2Fvar%2Frun%2Fpostgresql/x", environment: [:]).socketPath
      == "/var/run/postgresql/.s.PGSQL.5432")
    #expect(try PostgresHistoryURL("postgres://u@[::1]:5433/x", environment: [:]).host == "::1")

    // A path stays SQLite; the scheme is matched without regard to case.
    #expect(try ScoreHistoryLocation(".plumb/history.sqlite") == .sqlite(path: ".plumb/history.sqlite"))
    #expect(try ScoreHistoryLocation("POSTGRES://u@h/x", environment: [:]).description == "postgres://u@h:5432/x?sslmode=prefer")
  }

  @Test func badURLsAreErrorsThatNeverShowThePassword() {
    for text in [
      "postgres://u:hunter2@h/x?sslmode=allow", "postgres://u:hunter2@h/x?connect_timeout=0",
      "postgres://u:hunter2@h/x?options=-c", "postgres://u:hunter2@h/x/y", "postgres://u:hunter2@h:99999/x",
      "postgres://u:hunter2@h:port/x",
    ] {
      do {
        _ = try PostgresHistoryURL(text, environment: [:])
        Issue.record("\(text) was accepted")
      } catch {
        #expect(!"\(error)".contains("hunter2"), "\(error)")
      }
    }
  }
}

/// The PostgreSQL store against the throwaway server (``PostgresTestServer``): what the SQLite
/// store cannot show (concurrency across connections, permissions, connection failures). The
/// behaviour both stores share is tested on both in `ScoreHistoryTests` and `StoreContractTests`.
@Suite struct PostgresHistoryTests {
  /// A fresh database's URL (the tests that call it are `.requiresPostgres`).
  func freshURL() throws -> (PostgresTestServer, String, PostgresHistoryURL) {
    let server = try #require(PostgresTestServer.shared)
    let name = try server.createDatabase()
    return (server, name, try PostgresHistoryURL(server.tcpURL(name)))
  }

  @Test(.requiresPostgres) func concurrentRecordsGetDistinctGrowingIdsAndCompleteRuns() throws {
    let (_, _, url) = try freshURL()
    // Six stores open an empty database at once: one creates the schema, the others wait for it.
    let openers = 6
    let opened = Locked<[Result<PostgresScoreHistoryStore, any Error>]>([])
    DispatchQueue.concurrentPerform(iterations: openers) { _ in
      let result = Result { try PostgresScoreHistoryStore(url: url) }
      opened.mutate { $0.append(result) }
    }
    let stores = try opened.value.map { try $0.get() }
    #expect(stores.count == openers)

    // Two of them record from two threads at once, each run tagged with its thread and number.
    let perThread = 8
    let recorded = Locked<[String: [Int64]]>([:])
    let group = DispatchGroup()
    for (index, store) in stores.prefix(2).enumerated() {
      DispatchQueue.global().async(group: group) {
        for n in 0..<perThread {
          let snapshot = StoreContract.snapshot(tag: "t\(index)-\(n)", rules: 40)
          do {
            let info = try store.record(snapshot)
            recorded.mutate { $0["t\(index)", default: []].append(info.id) }
          } catch {
            recorded.mutate { $0["error", default: []].append(-1) }
          }
        }
      }
    }
    #expect(group.wait(timeout: .now() + 60) == .success)
    let ids = recorded.value
    #expect(ids["error"] == nil)
    let all = (ids["t0"] ?? []) + (ids["t1"] ?? [])
    #expect(all.count == 2 * perThread && Set(all).count == all.count, "\(ids)")
    // Each thread's ids grow.
    #expect(ids["t0"] == ids["t0"]?.sorted() && ids["t1"] == ids["t1"]?.sorted())

    // Every run is whole: read back equal to what was recorded, whatever the interleaving.
    let reader = stores[5]
    let runs = try reader.runs()
    #expect(runs.map(\.id) == all.sorted())
    for info in runs {
      let run = try #require(try reader.run(id: info.id))
      let tag = try #require(info.commit)
      #expect(run.snapshot == StoreContract.snapshot(tag: tag, rules: 40).normalizedForStore, "\(tag)")
    }
  }

  @Test(.requiresPostgres) func connectionFailuresAreClearErrorsWithoutThePassword() throws {
    let server = try #require(PostgresTestServer.shared)
    let name = try server.createDatabase()
    func failure(_ text: String, environment: [String: String] = [:]) -> String {
      do {
        _ = try ScoreHistoryLocation(text, environment: environment).open()
        return "(opened)"
      } catch {
        return "\(error)"
      }
    }
    // Wrong password.
    let wrong = failure("postgres://postgres:not-the-password@127.0.0.1:\(server.port)/\(name)?sslmode=disable")
    #expect(wrong.contains("password authentication failed"), "\(wrong)")
    #expect(!wrong.contains("not-the-password"))
    // No password at all.
    let none = failure("postgres://postgres@127.0.0.1:\(server.port)/\(name)?sslmode=disable")
    #expect(none.contains("asks for a password"), "\(none)")
    // The password from PGPASSWORD, over the Unix socket.
    #expect(failure(server.socketURL(name), environment: ["PGPASSWORD": PostgresTestServer.password]) == "(opened)")
    // TLS required from a server without it.
    let tls = failure(server.tcpURL(name, sslMode: "require"))
    #expect(tls.contains("does not offer TLS"), "\(tls)")
    // Nothing listening.
    let closed = ListeningSocket(listen: false)
    let refused = failure("postgres://postgres:hunter2@127.0.0.1:\(closed.port)/\(name)")
    #expect(refused == "cannot connect to 127.0.0.1:\(closed.port): Connection refused", "\(refused)")
    #expect(!refused.contains("hunter2"))
    // A peer that accepts and then says nothing: the connect timeout, not a hang.
    let silent = ListeningSocket(listen: true)
    let started = Date()
    let hung = failure("postgres://postgres:hunter2@127.0.0.1:\(silent.port)/\(name)?sslmode=disable&connect_timeout=1")
    #expect(hung.contains("no answer from 127.0.0.1:\(silent.port) within 1 s (connect_timeout)"), "\(hung)")
    #expect(Date().timeIntervalSince(started) < 10)
    // A database that does not exist.
    let missing = failure(server.tcpURL("no_such_database"))
    #expect(missing.contains("does not exist"), "\(missing)")
  }

  @Test func theScoreRunReportsAnUnreachableServerAsAHistoryError() throws {
    let closed = ListeningSocket(listen: false)
    let run = ScoreFixtures.score(ScoreFixtures.fixture) { options in
      options.record = true
      options.databasePath = "postgres://ci:hunter2@127.0.0.1:\(closed.port)/plumb?sslmode=disable"
      options.now = "2026-01-05"
    }
    #expect(run.exitStatus == ExitStatus.inputErrors)
    #expect(run.recorded == nil)
    let problem = try #require(run.problems.first { $0.contains("history database") })
    #expect(problem.contains("'postgres://ci:***@127.0.0.1:\(closed.port)/plumb?sslmode=disable'"), "\(problem)")
    #expect(problem.contains("cannot connect"), "\(problem)")
    #expect(!run.problems.joined().contains("hunter2"))
  }

  /// After the schema exists, a role with SELECT and INSERT (and the id sequence) records and
  /// reads; a role with SELECT only reads, and its record is a clear error.
  @Test(.requiresPostgres) func rolesNeedCreateOnlyOnFirstUse() throws {
    let (server, name, url) = try freshURL()
    _ = try PostgresScoreHistoryStore(url: url).record(StoreContract.snapshot(tag: "owner", rules: 3))
    let suffix = name.suffix(8)
    try server.psql(
      """
      CREATE ROLE writer_\(suffix) LOGIN PASSWORD 'w'; CREATE ROLE reader_\(suffix) LOGIN PASSWORD 'r';
      """)
    try server.psql(
      """
      GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO writer_\(suffix);
      GRANT USAGE ON SEQUENCE score_run_id_seq TO writer_\(suffix);
      GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader_\(suffix);
      """, database: name)
    let writer = try PostgresScoreHistoryStore(
      url: PostgresHistoryURL("postgres://writer_\(suffix):w@127.0.0.1:\(server.port)/\(name)?sslmode=disable"))
    #expect(try writer.record(StoreContract.snapshot(tag: "writer", rules: 3)).id == 2)
    let reader = try PostgresScoreHistoryStore(
      url: PostgresHistoryURL("postgres://reader_\(suffix):r@127.0.0.1:\(server.port)/\(name)?sslmode=disable"))
    #expect(try reader.runs().map(\.commit) == ["owner", "writer"])
    #expect(throws: ScoreHistoryError.self) { try reader.record(StoreContract.snapshot(tag: "reader", rules: 3)) }
    do {
      _ = try reader.record(StoreContract.snapshot(tag: "reader", rules: 3))
    } catch {
      #expect("\(error)".contains("permission denied"), "\(error)")
    }
    // The failed record left nothing behind, and the connection is usable after the rollback.
    #expect(try reader.runs().count == 2)
    #expect(try server.psql("SELECT identifier FROM plumb_schema_migrations ORDER BY identifier", database: name) == "v1\nv2\n")
  }
}

/// A value behind a lock, for results gathered from several threads.
final class Locked<Value>: @unchecked Sendable {
  private var stored: Value
  private let lock = NSLock()
  init(_ value: Value) { stored = value }
  var value: Value { lock.withLock { stored } }
  func mutate(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}

/// A TCP socket on 127.0.0.1: listening (accepts connections into its backlog and never answers)
/// or only bound (connections are refused). Closed when released.
final class ListeningSocket {
  let fd: Int32
  let port: Int

  init(listen shouldListen: Bool) {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    if shouldListen { _ = Glibc.listen(descriptor, 8) }
    fd = descriptor
    port = Int(UInt16(bigEndian: address.sin_port))
  }

  deinit { close(fd) }
}
