import BenchmarkSupport
import Foundation
import OutputFuzzing
import PlumbDiagnostics
import Testing
import TestSupport

/// End to end through the binary: whatever a pull request puts into Plumb's inputs, no output
/// becomes a CI command, reaches a terminal as control, or runs script in a browser; and no output
/// destroys what its path names (issue 13, classes 5 and 6, and two of class 9).
@Suite struct HostileOutputTests {
  // MARK: Hostile inputs

  /// Strings that try every trick: a line that starts a workflow command, terminal escapes, a
  /// bidirectional override, markup characters each followed by a combining mark (one Swift
  /// `Character`), legacy commands, XML and comment terminators, a bare CR.
  static let payloads = [
    "\n::add-mask::leaked-secret\n", "\u{1B}[2J\u{1B}]0;owned\u{7}", "\u{202E}evil\u{202C}\u{2066}x\u{2069}",
    "\"\u{301}<\u{301}>\u{301}&\u{301}'\u{301}|\u{301}`\u{301}]\u{301}", "##[error]legacy", "]]>--><!--",
    "\r::warning::cr", "#\u{AD}#[debug]soft", "\u{3000}::notice::wide",
  ]
  static let hostile = payloads.joined(separator: " ")

  /// A Group title that closes an HTML attribute with `"` + a combining mark and adds a focus
  /// handler: it set the dashboard's title in a browser before the fix.
  static let attributeBreakout = "x\"\u{301} autofocus tabindex=0 onfocus=document.title='PW'+'NED'//"

  /// `text` as a YAML double-quoted scalar (everything outside printable ASCII escaped).
  static func yamlQuoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      default:
        if scalar.value >= 0x20 && scalar.value < 0x7F {
          out.unicodeScalars.append(scalar)
        } else {
          out += "\\u" + TerminalText.hex(scalar.value, width: 4)
        }
      }
    }
    return out + "\""
  }

  static let rules = """
    rule descriptions_are_reviewed {
      title "Descriptions ::x ##[warning]t \\"\u{301}<b>"
      severity high
      category hygiene
      rationale "Why: `code` and <b>html</b> [link](javascript:alert(1)) ##[error]r"
      remediation "Fix \\n::add-mask::r"
      for c in catalog.Component
      require not exists(c.metadata.description)
        else "described as ${c.metadata.description} titled ${c.metadata.title}" at c.metadata.description
    }

    pack hostile {
      title "Hostile"
      rule descriptions_are_reviewed: block
    }

    scorecard hostile_card {
      title "Card \\"\u{301}<b> ##[x]"
      for c in catalog.Component
      level bronze: descriptions_are_reviewed
    }
    """

  /// A repository whose catalog, file names and rules carry the payloads; and a directory for
  /// output files outside it.
  static func hostileRepository() throws -> (root: URL, outputs: URL) {
    let group = """
      apiVersion: backstage.io/v1alpha1
      kind: Group
      metadata:
        name: platform
        title: \(yamlQuoted(attributeBreakout))
        description: \(yamlQuoted(hostile))
      spec:
        type: team
        children: []

      """
    func component(_ name: String) -> String {
      """
      apiVersion: backstage.io/v1alpha1
      kind: Component
      metadata:
        name: \(name)
        title: \(yamlQuoted(attributeBreakout + hostile))
        description: \(yamlQuoted(hostile))
      spec:
        type: service
        lifecycle: production
        owner: group:platform

      """
    }
    // Raw controls in a file: a load error whose snippet shows the line.
    let raw = "a: 1\nb: [\u{1B}[2J \u{202E}x ##[error]y\nc: \"::add-mask::z\n"
    let root = try makeRepository(
      [
        "catalog/groups.yaml": group, "catalog/components.yaml": component("svc"),
        "catalog/a\n::add-mask::b\u{1B}[31m\u{202E}.yaml": component("other"),
        "catalog/raw.yaml": raw, "policy/hostile.plumb": rules,
      ], rules: false)
    let outputs = try temporaryDirectory()
    return (root, outputs)
  }

  /// What is wrong with one output of the binary.
  static func problems(_ name: String, _ text: String) -> [String] {
    var found: [String] = []
    let isAnnotations = name.hasSuffix(".github")
    found += OutputProperties.workflowCommands(
      text, allowedPrefixes: isAnnotations ? ["::error ", "::warning ", "::notice ", "::group::", "::endgroup::"] : [])
    found += OutputProperties.rawHiddenScalars(text)
    if name.hasSuffix(".json") || name.hasSuffix(".sarif") { found += OutputProperties.jsonErrors(text) }
    if name.hasSuffix(".xml") { found += OutputProperties.xmlElements(text).errors }
    if name.hasSuffix(".html") { found += OutputProperties.htmlScriptHooks(text) }
    if name.hasSuffix(".md") { found += OutputProperties.markdownLinkSchemes(text) }
    return found.map { "\(name): \($0)" }
  }

  static func read(_ url: URL) -> String {
    (try? Data(contentsOf: url)).map { String(decoding: $0, as: UTF8.self) } ?? ""
  }

  @Test func aHostileCatalogMakesNoCommandAndNoControlInAnyOutput() throws {
    let (root, outputs) = try Self.hostileRepository()
    defer {
      try? FileManager.default.removeItem(at: root)
      try? FileManager.default.removeItem(at: outputs)
    }
    let policy = root.appendingPathComponent("policy").path
    let common = ["--no-builtin-rules", "--rules", policy, "--pack", "hostile"]
    var problems: [String] = []
    var seen: [String: String] = [:]
    func record(_ name: String, _ result: BoundedResult, statuses: Set<Int32>) {
      #expect(!result.timedOut && !result.crashed, "\(name): \(result.status)")
      #expect(statuses.contains(result.status), "\(name): exit \(result.status)\n\(result.stderr)")
      seen[name + ".stdout"] = result.stdout
      seen[name + ".stderr"] = result.stderr
    }

    let files = [
      "json": "check.json", "sarif": "check.sarif", "github": "check.github", "github-summary": "summary.md",
      "gitlab": "gitlab.json", "junit": "junit.xml", "markdown": "comment.md", "text": "check.txt",
      "sarif-upload": "upload.sarif", "gitlab-sast": "gl-sast-report.json",
    ]
    var check = ["check", "--color", "never", "--today", "2026-01-01"] + common + ["--output", "text"]
    for (format, file) in files.sorted(by: { $0.key < $1.key }) {
      check += ["--output", "\(format)=\(outputs.appendingPathComponent(file).path)"]
    }
    record("check", try runPlumbBounded(check + [root.path], in: outputs), statuses: [2])
    for (_, file) in files { seen[file] = Self.read(outputs.appendingPathComponent(file)) }
    record("check-github", try runPlumbBounded(["check", "--output", "github"] + common + [root.path], in: outputs), statuses: [2])
    seen["check-github.stdout.github"] = seen.removeValue(forKey: "check-github.stdout")

    for format in ["text", "json", "markdown", "html"] {
      let file = outputs.appendingPathComponent("score." + (format == "markdown" ? "md" : format == "text" ? "txt" : format))
      record(
        "score-\(format)",
        try runPlumbBounded(["score", "--format", format, "--output", file.path] + common + [root.path], in: outputs),
        statuses: [2])
      seen[file.lastPathComponent] = Self.read(file)
      record("score-\(format)-stdout", try runPlumbBounded(["score", "--format", format] + common + [root.path], in: outputs), statuses: [2])
    }
    for target in ["svc", "platform", "organisation"] {
      record("explain-\(target)", try runPlumbBounded(["score", "--explain", target] + common + [root.path], in: outputs), statuses: [2])
    }
    record("graph", try runPlumbBounded(["graph", "--color", "never", root.path], in: outputs), statuses: [2])
    record("parse", try runPlumbBounded(["parse", "--color", "never", root.path], in: outputs), statuses: [2])
    record("explain-rule", try runPlumbBounded(["explain", "descriptions_are_reviewed", "--rules", policy], in: outputs), statuses: [0])
    record("rules", try runPlumbBounded(["rules", "--rules", policy], in: outputs), statuses: [0])

    for (name, text) in seen.sorted(by: { $0.key < $1.key }) { problems += Self.problems(name, text) }
    #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))")
    // The payloads did reach the outputs (shown, not obeyed).
    #expect(seen["check.stdout"]?.contains(":<U+003A>add-mask::leaked-secret") == true, "\(seen["check.stdout"] ?? "")")
    #expect(seen["check.stdout"]?.contains("<U+001B>[2J") == true)
    #expect(seen["check.github"]?.contains("%0A") == true)
    #expect(seen["score.html"]?.contains("&quot;\u{301} autofocus") == true)
  }

  // MARK: A real browser

  static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }

  @Test(
    .enabled(if: chromium != nil, "headless Chromium is not installed (Debian: apt-get install chromium)"))
  func theDashboardRunsNoScriptInABrowser() throws {
    let (root, outputs) = try Self.hostileRepository()
    defer {
      try? FileManager.default.removeItem(at: root)
      try? FileManager.default.removeItem(at: outputs)
    }
    let html = outputs.appendingPathComponent("dashboard.html")
    let policy = root.appendingPathComponent("policy").path
    let score = try runPlumbBounded(
      ["score", "--format", "html", "--output", html.path, "--no-builtin-rules", "--rules", policy, "--pack", "hostile", root.path],
      in: outputs)
    #expect(score.status == 2 && FileManager.default.fileExists(atPath: html.path), "\(score.stderr)")
    // The page as the browser built it, after its scripts and any autofocus ran.
    let browser = try runBounded(
      [
        try #require(Self.chromium), "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=3000",
        "--user-data-dir=\(outputs.appendingPathComponent("profile").path)", "--dump-dom", html.absoluteString,
      ], options: BoundedRunOptions(timeoutSeconds: 120, addressSpaceMiB: nil, directory: outputs.path, environment: [:]))
    let dom = browser.stdout
    #expect(!browser.timedOut && dom.contains("</html>"), "\(browser.stderr)")
    #expect(dom.contains("<title>Plumb scorecards</title>"), "\(dom.prefix(400))")
    #expect(!dom.contains("PWNED"))
    // The hostile title is on the page, as text.
    #expect(dom.contains("autofocus tabindex=0 onfocus="))
  }

  // MARK: Outputs never destroy what they write over

  static func fileType(_ path: String) -> mode_t? {
    var info = stat()
    return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : nil
  }

  static func plainRepository() throws -> URL {
    try makeRepository(["catalog/c.yaml": component("svc")])
  }

  @Test func aDeviceNodeIsWrittenIntoNeverReplaced() throws {
    let root = try Self.plainRepository()
    defer { try? FileManager.default.removeItem(at: root) }
    // A character device of our own (the null device's numbers) when we may create one, else
    // the machine's /dev/null, which the old writer replaced when run as root.
    let node = root.appendingPathComponent("null").path
    let device = mknod(node, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0 ? node : "/dev/null"
    let check = try runPlumbBounded(gateArguments(root, ["--output", "json=\(device)"]))
    #expect(check.status == 1, "\(check.stderr)")
    #expect(Self.fileType(device) == S_IFCHR)
    let score = try runPlumbBounded(["score", "--format", "json", "--output", device, root.path])
    #expect(score.status == 0, "\(score.stderr)")
    #expect(Self.fileType(device) == S_IFCHR)
  }

  @Test func aFIFOIsWrittenIntoAndOneWithoutAReaderIsAnErrorNotAHang() throws {
    let root = try Self.plainRepository()
    let outputs = try temporaryDirectory()
    defer {
      try? FileManager.default.removeItem(at: root)
      try? FileManager.default.removeItem(at: outputs)
    }
    // Outside the root: reading a FIFO among the inputs is another matter (issue 13, class 3).
    let fifo = outputs.appendingPathComponent("report.json").path
    #expect(mkfifo(fifo, 0o600) == 0)
    let lonely = try runPlumbBounded(gateArguments(root, ["--output", "json=\(fifo)"]), timeoutSeconds: 60)
    #expect(!lonely.timedOut)
    #expect(lonely.status == 2, "\(lonely.stderr)")
    #expect(lonely.stderr.contains("FIFO that no process is reading"), "\(lonely.stderr)")
    #expect(Self.fileType(fifo) == S_IFIFO)

    // With a reader the report goes through the FIFO.
    let reader = open(fifo, O_RDONLY | O_NONBLOCK)
    #expect(reader >= 0)
    defer { close(reader) }
    let received = Received()
    let drain = Thread {
      var buffer = [UInt8](repeating: 0, count: 65_536)
      var idle = 0
      while idle < 600 {
        let count = Foundation.read(reader, &buffer, buffer.count)
        if count > 0 {
          received.append(buffer[0..<count])
          idle = 0
        } else {
          idle += 1
          usleep(50_000)
        }
        if received.isComplete { break }
      }
    }
    drain.start()
    let withReader = try runPlumbBounded(gateArguments(root, ["--output", "json=\(fifo)"]), timeoutSeconds: 60)
    #expect(withReader.status == 1, "\(withReader.stderr)")
    for _ in 0..<200 where !received.isComplete { usleep(50_000) }
    #expect(OutputProperties.jsonErrors(received.text).isEmpty, "\(received.text.prefix(200))")
    #expect(Self.fileType(fifo) == S_IFIFO)
  }

  @Test func standardOutputAliasesAreTheProcessStreams() throws {
    let root = try Self.plainRepository()
    defer { try? FileManager.default.removeItem(at: root) }
    let result = try runPlumbBounded(gateArguments(root, ["--output", "json=/dev/stdout", "--output", "text=/dev/stderr"]))
    #expect(result.status == 1)
    #expect(OutputProperties.jsonErrors(result.stdout).isEmpty, "\(result.stdout.prefix(200))")
    #expect(result.stderr.contains("verdict: fail"))
    #expect(Self.fileType("/dev/null") == S_IFCHR)
  }

  @Test func symlinksDirectoriesAndSocketsAreRefusedAsOutputs() throws {
    let root = try Self.plainRepository()
    let outside = try temporaryDirectory()
    defer {
      try? FileManager.default.removeItem(at: root)
      try? FileManager.default.removeItem(at: outside)
    }
    let target = outside.appendingPathComponent("precious.txt")
    try "keep".write(to: target, atomically: true, encoding: .utf8)
    let link = root.appendingPathComponent("plumb.sarif")
    try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
    let linked = try runPlumbBounded(gateArguments(root, ["--output", "sarif=\(link.path)"]))
    #expect(linked.status == 2)
    #expect(linked.stderr.contains("symbolic link"), "\(linked.stderr)")
    #expect(Self.read(target) == "keep")
    #expect(Self.fileType(link.path) == S_IFLNK)

    let directory = try runPlumbBounded(gateArguments(root, ["--output", "json=\(outside.path)"]))
    #expect(directory.status == 2)
    #expect(directory.stderr.contains("is a directory"), "\(directory.stderr)")

    // A directory inside the root that links out: nothing is written through it.
    try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("reports"), withDestinationURL: outside)
    let through = try runPlumbBounded(
      gateArguments(root, ["--root", root.path, "--output", "json=\(root.appendingPathComponent("reports/p.json").path)"]))
    #expect(through.status == 2, "\(through.stderr)")
    #expect(!FileManager.default.fileExists(atPath: outside.appendingPathComponent("p.json").path))
  }

  // MARK: plumb fix

  static let workflow = """
    name: ci
    on: [push, pull_request]
    jobs:
      build:
        runs-on: ubuntu-24.04
        steps:
          - uses: actions/checkout@v4
          - run: npm test

    """

  @Test func aSymlinkedBundleDirectoryOutsideTheRootIsRefused() throws {
    let root = try makeRepository([".github/workflows/ci.yml": Self.workflow], rules: false)
    let outside = try temporaryDirectory()
    defer {
      try? FileManager.default.removeItem(at: root)
      try? FileManager.default.removeItem(at: outside)
    }
    // Beside the repository and inside it: a link to a directory elsewhere is never written through.
    let beside = root.deletingLastPathComponent().appendingPathComponent("bundle-\(UUID().uuidString)")
    try FileManager.default.createSymbolicLink(at: beside, withDestinationURL: outside)
    defer { try? FileManager.default.removeItem(at: beside) }
    let inside = root.appendingPathComponent("bundle")
    try FileManager.default.createSymbolicLink(at: inside, withDestinationURL: outside)
    for bundle in [beside, inside] {
      let result = try runPlumbBounded(["fix", "--bundle", bundle.path, "--root", root.path, root.path])
      #expect(result.status == 2, "\(result.stdout)\n\(result.stderr)")
      #expect(result.stderr.contains("symbolic link"), "\(result.stderr)")
      #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
    }
    // A real directory works (without the link, which the input walker reports as an input error).
    try FileManager.default.removeItem(at: inside)
    let real = try runPlumbBounded(["fix", "--bundle", root.appendingPathComponent("real").path, root.path])
    #expect(real.status == 0, "\(real.stderr)")
    #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("real/index.json").path))
  }

  /// A catalog snapshot's default path is under the root (`.plumb/catalog/`), which the pull
  /// request controls: a planted `.plumb` link to a directory elsewhere is never written through,
  /// by `plumb catalog pull` (exit 2) nor by a run that reads the live catalog (a warning; the run
  /// goes on with what it read).
  @Test func aSymlinkedSnapshotDirectoryInTheRootIsNeverWrittenThrough() throws {
    let entities = try CatalogFixtures.servedEntities(from: try CatalogFixtures.central())
    let server = try LoopbackHTTPServer(handler: CatalogFixtures.catalogAPI(entities, pageSize: 2))
    defer { server.shutdown() }
    let root = try CatalogFixtures.directory([
      "catalog-info.yaml": CatalogFixtures.serviceCatalogInfo,
      ".plumb.yaml": "catalog:\n  - url: \(server.baseURL)/api/catalog\n",
    ])
    let outside = try temporaryDirectory()
    defer {
      try? FileManager.default.removeItem(at: root)
      try? FileManager.default.removeItem(at: outside)
    }
    try FileManager.default.createSymbolicLink(
      at: root.appendingPathComponent(".plumb"), withDestinationURL: outside)

    let pull = try runPlumbBounded(["catalog", "pull"], in: root, timeoutSeconds: 120)
    #expect(pull.status == 2, "\(pull.stdout)\n\(pull.stderr)")
    #expect(pull.stderr.contains("symbolic link"), "\(pull.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)

    let check = try runPlumbBounded(["check", ".", "--output", "json"], in: root, timeoutSeconds: 120)
    #expect(!check.timedOut)
    #expect(check.stdout.contains("context.snapshot-not-written"), "\(check.stdout.prefix(2000))")
    #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
  }

  @Test func aFixBundleCarriesNoCommandNoControlAndNoMarkupFromItsInputs() throws {
    // A job named with the payloads: it reaches the fix's message, the summary, the pull
    // request's title and body, and the patch's context.
    let job = Self.yamlQuoted("build" + Self.hostile)
    let workflow = Self.workflow.replacingOccurrences(of: "  build:", with: "  \(job):")
    let root = try makeRepository([".github/workflows/ci.yml": workflow], rules: false)
    let bundle = try temporaryDirectory()
    defer {
      try? FileManager.default.removeItem(at: root)
      try? FileManager.default.removeItem(at: bundle)
    }
    let result = try runPlumbBounded(["fix", "--bundle", bundle.path, "--group-by", "rule", root.path])
    #expect(result.status == 0, "\(result.stderr)")
    var problems = Self.problems("fix.stdout", result.stdout) + Self.problems("fix.stderr", result.stderr)
    let names = try FileManager.default.contentsOfDirectory(atPath: bundle.path)
    #expect(names.contains("index.json") && names.contains { $0.hasSuffix(".patch") }, "\(names)")
    for name in names where name.hasSuffix(".json") {
      let text = Self.read(bundle.appendingPathComponent(name))
      problems += Self.problems(name, text)
      guard name != "index.json",
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
        let title = object["title"] as? String, let body = object["body"] as? String, let branch = object["branch"] as? String
      else { continue }
      #expect(!title.contains("\n") && OutputProperties.rawHiddenScalars(title).isEmpty, "\(title)")
      problems += Self.problems(name + ".title", title) + Self.problems(name + ".body.md", body)
      problems += OutputProperties.markdownTableBreaks(body).map { "\(name).body: \($0)" }
      // A branch name git accepts: printable ASCII, no space, no `..`, no `.lock`.
      #expect(branch.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F } && !branch.contains(".."), "\(branch)")
      #expect(!branch.hasSuffix(".lock"))
      #expect(body.contains("build"), "the job's name reaches the body, escaped")
    }
    #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
  }

  @Test func aRefusedWriteIsNotCountedAsFixed() throws {
    let root = try makeRepository(["real/ci.yml.txt": Self.workflow], rules: false)
    defer { try? FileManager.default.removeItem(at: root) }
    let workflows = root.appendingPathComponent(".github/workflows")
    try FileManager.default.createDirectory(at: workflows, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      atPath: workflows.appendingPathComponent("ci.yml").path, withDestinationPath: "../../real/ci.yml.txt")
    let result = try runPlumbBounded(["fix", "--write", root.path])
    #expect(result.status == 2, "\(result.stdout)\n\(result.stderr)")
    #expect(result.stdout.contains("0 fixed (0 files)"), "\(result.stdout)")
    #expect(result.stdout.contains("not written"), "\(result.stdout)")
    #expect(!result.stdout.contains("1 fixed"))
    #expect(Self.read(root.appendingPathComponent("real/ci.yml.txt")) == Self.workflow)
  }

  @Test func fixNeverReadsAModuleOutsideTheRoot() throws {
    let fixture = packageRoot.appendingPathComponent("fixtures/fixes/terraform/modules/before")
    let parent = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: parent) }
    let root = parent.appendingPathComponent("repo")
    let outside = parent.appendingPathComponent("outside")
    try FileManager.default.copyItem(at: fixture, to: root)
    try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
    try FileManager.default.moveItem(
      at: root.appendingPathComponent("modules/storage"), to: outside.appendingPathComponent("storage"))
    let secret = "# SECRET-OUTSIDE-THE-ROOT\n"
    let moved = outside.appendingPathComponent("storage/main.tf")
    try (secret + Self.read(moved)).write(to: moved, atomically: true, encoding: .utf8)
    let plan = root.appendingPathComponent("plan.json")
    try Self.read(plan).replacingOccurrences(of: "\"./modules/storage\"", with: "\"../outside/storage\"")
      .write(to: plan, atomically: true, encoding: .utf8)
    let main = root.appendingPathComponent("main.tf")
    try Self.read(main).replacingOccurrences(of: "\"./modules/storage\"", with: "\"../outside/storage\"")
      .write(to: main, atomically: true, encoding: .utf8)
    let result = try runPlumbBounded(["fix", "--diff", "--unsafe", "--root", root.path, root.path])
    #expect(!result.timedOut && !result.crashed)
    #expect(!result.stdout.contains("SECRET-OUTSIDE-THE-ROOT"), "\(result.stdout)")
    #expect(!result.stdout.contains("outside/storage/main.tf"))
    #expect(result.stderr.contains("outside the root"), "\(result.stderr)")
  }

  // MARK: Links

  @Test func aDocsLinkThatCouldRunScriptIsAPolicyError() throws {
    let rule = """
      rule scripted_docs {
        title "Docs"
        severity low
        category docs
        docs "javascript:alert(1)"
        for c in catalog.Component
        require exists(c.spec.owner) else "no owner" at c.spec
      }
      """
    let root = try makeRepository(["catalog/c.yaml": component("svc"), "policy/r.plumb": rule], rules: false)
    defer { try? FileManager.default.removeItem(at: root) }
    let result = try runPlumbBounded(
      ["check", "--no-builtin-rules", "--rules", root.appendingPathComponent("policy").path, "--output", "markdown", root.path])
    #expect(result.status == 3, "\(result.stdout)\n\(result.stderr)")
    #expect((result.stdout + result.stderr).contains("docs must be an http or https URL or a relative path"))
    #expect(!result.stdout.contains("](javascript:"))
  }
}

/// Bytes read from a FIFO on another thread.
private final class Received: @unchecked Sendable {
  private let lock = NSLock()
  private var bytes: [UInt8] = []

  func append(_ chunk: ArraySlice<UInt8>) {
    lock.lock()
    bytes += chunk
    lock.unlock()
  }

  var text: String {
    lock.lock()
    defer { lock.unlock() }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// A whole JSON report arrived (it ends with `}` and a newline).
  var isComplete: Bool { text.hasSuffix("}\n") }
}
