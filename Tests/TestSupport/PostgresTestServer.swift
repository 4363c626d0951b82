import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A throwaway PostgreSQL server for the history tests, started once per test process on first
/// use (``shared``) and shared by every test, each in a database of its own (``createDatabase()``).
///
/// It uses the PostgreSQL 15 binaries at ``binaries`` (Debian's `postgresql-15`). PostgreSQL
/// refuses to run as root, so as root `initdb` and `pg_ctl` run as the `postgres` user
/// (`runuser`), with the cluster in a fresh `/tmp/plumb-pg-XXXXXX` owned by it. The server listens
/// on a Unix socket in that directory and on 127.0.0.1 at a free port, with password
/// authentication (scram-sha-256, user `postgres`, ``password``) and `-F -c fsync=off` for speed.
/// It is stopped (immediate shutdown) and its directory removed when the test process exits
/// (`atexit`), and by a small watchdog shell if the process dies without exiting.
///
/// When the binaries are absent ``shared`` is nil and a loud warning says so: the tests that need
/// it carry the `.requiresPostgres` trait and are skipped, listed as skipped with their reason.
public final class PostgresTestServer: Sendable {
  public static let binaries = ProcessInfo.processInfo.environment["PLUMB_TEST_PG_BIN"] ?? "/usr/lib/postgresql/15/bin"
  /// Why the PostgreSQL tests are skipped when ``shared`` is nil.
  public static let absentReason =
    "no PostgreSQL test server (PostgreSQL 15's initdb, pg_ctl and postgres in \(binaries); install postgresql-15 or set PLUMB_TEST_PG_BIN)"
  /// The superuser's password.
  public static let password = "plumb-test-secret"
  /// The cluster's directory; the Unix socket is in it.
  public let directory: String
  /// The TCP port on 127.0.0.1.
  public let port: Int
  /// Seconds the start took (initdb and pg_ctl).
  public let startSeconds: Double

  /// The server of this test process, nil when it cannot run here (after a loud warning).
  public static let shared: PostgresTestServer? = {
    do {
      let server = try PostgresTestServer()
      print("PostgreSQL test server started in \(String(format: "%.1f", server.startSeconds)) s at \(server.directory) (port \(server.port))")
      return server
    } catch {
      let banner = String(repeating: "!", count: 100)
      print(
        """
        \(banner)
        !!! WARNING: no PostgreSQL test server: \(error)
        !!! The PostgreSQL history tests are SKIPPED (install postgresql-15, or set PLUMB_TEST_PG_BIN).
        \(banner)
        """)
      return nil
    }
  }()

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  private init() throws {
    let started = Date()
    let fm = FileManager.default
    for tool in ["initdb", "pg_ctl", "postgres"] where !fm.isExecutableFile(atPath: Self.binaries + "/" + tool) {
      throw Failure(description: "\(Self.binaries)/\(tool) is missing")
    }
    let asRoot = geteuid() == 0
    if asRoot && !fm.isExecutableFile(atPath: "/usr/sbin/runuser") && !fm.isExecutableFile(atPath: "/sbin/runuser") {
      throw Failure(description: "running as root, and runuser (to run PostgreSQL as 'postgres') is missing")
    }
    var template = Array("/tmp/plumb-pg-XXXXXX".utf8CString)
    guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
      throw Failure(description: "cannot create a temporary directory")
    }
    let directory = String(cString: made)
    var cleanUp = true
    defer { if cleanUp { try? fm.removeItem(atPath: directory) } }
    if asRoot {
      guard let user = getpwnam("postgres") else {
        throw Failure(description: "running as root, and there is no 'postgres' user to run PostgreSQL as")
      }
      guard chown(directory, user.pointee.pw_uid, user.pointee.pw_gid) == 0 else {
        throw Failure(description: "cannot give \(directory) to the postgres user")
      }
    }
    let passwordFile = directory + "/pw"
    try Self.password.write(toFile: passwordFile, atomically: false, encoding: .utf8)
    if asRoot, let user = getpwnam("postgres") { _ = chown(passwordFile, user.pointee.pw_uid, user.pointee.pw_gid) }

    let data = directory + "/data"
    try Self.runAsPostgres(
      [
        Self.binaries + "/initdb", "-D", data, "-U", "postgres", "--pwfile=" + passwordFile, "-A", "scram-sha-256",
        "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions",
      ], log: directory + "/initdb.log", asRoot: asRoot)

    // A free port on 127.0.0.1 (another process could take it before the server does: retry).
    var lastError: (any Error)?
    var chosen = 0
    for _ in 0..<3 {
      let port = Self.freePort()
      do {
        try Self.runAsPostgres(
          [
            Self.binaries + "/pg_ctl", "-D", data, "-l", directory + "/server.log", "-w", "-t", "60", "-o",
            "-F -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c listen_addresses=127.0.0.1 -p \(port) -k \(directory)",
            "start",
          ], log: directory + "/pg_ctl.log", asRoot: asRoot)
        chosen = port
        lastError = nil
        break
      } catch {
        lastError = error
      }
    }
    if let lastError { throw lastError }
    self.directory = directory
    port = chosen
    startSeconds = Date().timeIntervalSince(started)
    cleanUp = false
    Self.register(directory: directory)
  }

  /// A new, empty database; its name. Its default collation is ICU's `en-US` where the server
  /// has ICU (Debian's has), so text sorts by locale unless a query asks for byte order, as on
  /// most production servers; else the cluster's C.UTF-8.
  public func createDatabase() throws -> String {
    let name = "plumb_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
    do {
      try psql("CREATE DATABASE \(name) TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'")
    } catch {
      try psql("CREATE DATABASE \(name)")
    }
    return name
  }

  /// A URL for database `name` over TCP, the password in it.
  public func tcpURL(_ name: String, sslMode: String = "disable") -> String {
    "postgres://postgres:\(Self.password)@127.0.0.1:\(port)/\(name)?sslmode=\(sslMode)"
  }

  /// A URL for database `name` over the Unix socket, without a password (give PGPASSWORD).
  public func socketURL(_ name: String) -> String {
    "postgresql://postgres@localhost/\(name)?host=\(directory)&port=\(port)"
  }

  /// Runs `sql` with psql as the superuser in database `database`; its output.
  @discardableResult
  public func psql(_ sql: String, database: String = "postgres") throws -> String {
    let output = directory + "/psql-\(UUID().uuidString).out"
    defer { try? FileManager.default.removeItem(atPath: output) }
    var environment = ProcessInfo.processInfo.environment
    environment["PGPASSWORD"] = Self.password
    let status = try Self.spawn(
      [
        Self.binaries + "/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", directory, "-p", "\(port)",
        "-U", "postgres", "-d", database, "-c", sql,
      ], output: output, environment: environment)
    let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    guard status == 0 else { throw Failure(description: "psql \(sql): \(text)") }
    return text
  }

  // MARK: Starting and stopping

  /// Runs `command` (as `postgres` when root), its output to `log`; throws with the log on failure.
  private static func runAsPostgres(_ command: [String], log: String, asRoot: Bool) throws {
    let status = try spawn(asRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + command : command, output: log)
    guard status == 0 else {
      let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
      throw Failure(description: "\(URL(fileURLWithPath: command[0]).lastPathComponent) failed: \(text.suffix(2000))")
    }
  }

  /// Runs `arguments` (the first a path) with standard input from /dev/null and standard output
  /// and error to the file `output`, and waits for it; its exit status (128 + n for signal n).
  ///
  /// posix_spawn and waitpid, not Foundation's `Process`: `Process.waitUntilExit()` was seen to
  /// hang here on a `runuser` that had exited (left a zombie) when called from a test.
  /// `wait: false` starts it and returns 0 (for the watchdog).
  @discardableResult
  static func spawn(_ arguments: [String], output: String, environment: [String: String]? = nil, wait: Bool = true)
    throws -> Int32
  {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let variables = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
    let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
    defer { envp.forEach { free($0) } }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
    guard spawned == 0 else {
      throw Failure(description: "cannot run \(arguments[0]): \(String(cString: strerror(spawned)))")
    }
    guard wait else { return 0 }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 {
      // ECHILD: someone else reaped it; its status is lost, and what follows will tell.
      if errno != EINTR { return 0 }
    }
    return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
  }

  /// A TCP port on 127.0.0.1 that was free a moment ago.
  private static func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    guard bound == 0 else { return Int.random(in: 20_000...60_000) }
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
  }

  /// The directory of the running server, for the exit handler.
  nonisolated(unsafe) private static var running: String?

  private static func register(directory: String) {
    running = directory
    atexit { PostgresTestServer.stopRunning() }
    // If the process dies without exiting (a crash, a kill), a watchdog stops the server.
    let script = """
      while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done
      if [ -f '\(directory)/data/postmaster.pid' ]; then kill -QUIT "$(head -n 1 '\(directory)/data/postmaster.pid')" 2>/dev/null; sleep 2; fi
      rm -rf '\(directory)'
      """
    _ = try? spawn(["/bin/sh", "-c", script], output: "/dev/null", wait: false)
  }

  /// Immediate shutdown (SIGQUIT to the postmaster), then the directory removed.
  private static func stopRunning() {
    guard let directory = running else { return }
    running = nil
    let pidFile = directory + "/data/postmaster.pid"
    if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
      let first = text.split(separator: "\n").first, let pid = pid_t(first.trimmingCharacters(in: .whitespaces))
    {
      kill(pid, SIGQUIT)
      for _ in 0..<100 where kill(pid, 0) == 0 { usleep(50_000) }
    }
    try? FileManager.default.removeItem(atPath: directory)
  }
}
