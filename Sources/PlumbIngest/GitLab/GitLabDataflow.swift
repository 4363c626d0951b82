import PlumbDiagnostics
import PlumbGraph
import PlumbYAML

/// Follows text chosen by whoever pushes a branch or tag or opens a merge request (GitLab's
/// predefined merge-request, branch, tag and commit-message variables) through `variables:` and
/// script assignments to the places where a shell runs it as code.
///
/// Propagation: a variable whose value references (`$X`, `${X}`) a source or a tainted variable is
/// tainted (GitLab expands variables in variables, unless `expand: false`), at every level:
/// `workflow: rules: variables:` and global `variables:`, a job's `variables:` after `extends`,
/// `!reference` and merges, `rules: variables:`; in scripts, `NAME=…` / `export NAME=…`.
/// Sinks (``GitLabShellScript`` reads the script): `eval` arguments, the code of `sh -c` (and
/// `bash`, `zsh`, … `-c`, `su -c`, `ssh host cmd`), interpreters' `-c`/`-e` code, the command
/// position, text piped or fed by here-document or here-string into a shell or interpreter, and
/// unquoted expansions in arguments of commands where word splitting injects options that run
/// code (`git`, `find`, `tar`, `xargs`, interpreters, …). Double-quoted data elsewhere is safe;
/// single-quoted text is not expanded (but is read again when it is `eval`'s or `sh -c`'s code).
struct GitLabDataflow {
  /// Predefined variables whose value an outsider (a merge-request author, a branch or tag
  /// pusher, a commit author) chooses.
  static let sources: Set<String> = [
    "CI_MERGE_REQUEST_TITLE", "CI_MERGE_REQUEST_DESCRIPTION", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
    "CI_COMMIT_MESSAGE", "CI_COMMIT_TITLE", "CI_COMMIT_DESCRIPTION", "CI_COMMIT_TAG_MESSAGE",
    "CI_COMMIT_BRANCH", "CI_COMMIT_REF_NAME", "CI_COMMIT_TAG", "CI_COMMIT_AUTHOR",
    "CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME",
  ]

  /// Sources that are ref names: Git refuses white space, `*`, `?` and `[` in them, so word
  /// splitting and globbing of an unquoted expansion cannot add words.
  static let refNameSources: Set<String> = [
    "CI_COMMIT_BRANCH", "CI_COMMIT_REF_NAME", "CI_COMMIT_TAG", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
    "CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME",
  ]

  /// One step of a path from a source to a sink.
  struct Hop: Equatable {
    var text: String
    var location: SourceLocation?
  }

  /// How a variable came to hold untrusted text.
  struct Taint: Equatable {
    var source: String
    /// The variables it passed through, source first (the source itself is not a hop).
    var hops: [Hop]

    var pathText: String { ([source] + hops.map(\.text)).joined(separator: " → ") }

    /// Adds a hop; a path longer than ``maximumHops`` keeps its first and last hops around "…".
    mutating func append(_ hop: Hop) {
      hops.append(hop)
      if hops.count > Taint.maximumHops {
        hops[Taint.maximumHops / 2] = Hop(text: "…", location: nil)
        hops.remove(at: Taint.maximumHops / 2 + 1)
      }
    }

    static let maximumHops = 20
  }

  /// A place where a shell runs untrusted text as code.
  struct Sink {
    var kind: String
    var command: String
    var variable: String
    var taint: Taint
    var line: String
    var entry: Int
  }

  /// A `variables:` entry.
  struct Definition {
    var name: String
    var value: String
    var node: YAMLNode?
    var scope: String
    var expands: Bool
    /// How the job got it when it is written elsewhere (`extends`, `!reference`).
    var origin: String? = nil
  }

  // MARK: Variables

  /// The entries of a `variables:` mapping (`NAME: value`, `NAME: {value: …, expand: false}`).
  static func definitions(_ node: GitLabNode?, scope: String, only names: Set<String>? = nil) -> [Definition] {
    guard let map = node?.asMap else { return [] }
    var result: [Definition] = []
    for key in map.keys where names?.contains(key) ?? true {
      guard let value = map[key] else { continue }
      if let text = value.string {
        result.append(Definition(name: key, value: text, node: value.yamlNode, scope: scope, expands: true))
      } else if let valueNode = value["value"], let text = valueNode.string {
        let expands = value["expand"]?.yamlNode?.value != .bool(false)
        result.append(Definition(name: key, value: text, node: valueNode.yamlNode, scope: scope, expands: expands))
      }
    }
    return result
  }

  /// The names a variable value references: `$NAME` and `${NAME}` (`$$` is a literal dollar).
  static func references(in text: String) -> [String] {
    let scalars = Array(text.unicodeScalars)
    var names: [String] = []
    var index = 0
    while index < scalars.count {
      guard scalars[index] == "$" else {
        index += 1
        continue
      }
      index += 1
      if index < scalars.count && scalars[index] == "$" {
        index += 1
        continue
      }
      let braced = index < scalars.count && scalars[index] == "{"
      if braced { index += 1 }
      var name = String.UnicodeScalarView()
      while index < scalars.count, isName(scalars[index]) {
        name.append(scalars[index])
        index += 1
      }
      if !name.isEmpty { names.append(String(name)) }
    }
    return names
  }

  private static func isName(_ c: Unicode.Scalar) -> Bool {
    c == "_" || ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
  }

  /// Which of `definitions` hold untrusted text, and through which path. A name defined several
  /// times (a global value, a job's, a rule's) is tainted when any of its definitions is.
  static func propagate(_ definitions: [Definition]) -> [String: Taint] {
    // Breadth first from the sources over "value references name" edges: linear in the
    // definitions and their references, and each variable gets a shortest path.
    var tainted: [String: Taint] = [:]
    var dependents: [String: [Int]] = [:]
    var queue: [String] = []
    for (index, definition) in definitions.enumerated() where definition.expands {
      for name in references(in: definition.value) where name != definition.name {
        if sources.contains(name) {
          if tainted[definition.name] == nil {
            var taint = Taint(source: name, hops: [])
            taint.append(hop(definition))
            tainted[definition.name] = taint
            queue.append(definition.name)
          }
        } else {
          dependents[name, default: []].append(index)
        }
      }
    }
    var head = 0
    while head < queue.count {
      let name = queue[head]
      head += 1
      guard let upstream = tainted[name] else { continue }
      for index in dependents[name] ?? [] {
        let definition = definitions[index]
        guard tainted[definition.name] == nil else { continue }
        var taint = upstream
        taint.append(hop(definition))
        tainted[definition.name] = taint
        queue.append(definition.name)
      }
    }
    return tainted
  }

  private static func hop(_ definition: Definition) -> Hop {
    Hop(
      text: "\(definition.scope) \(definition.name)" + (definition.origin.map { " (\($0))" } ?? ""),
      location: definition.node?.location)
  }

  // MARK: Scripts

  /// The sinks of one shell session (`before_script` + `script`, or `after_script`): entries in
  /// order, assignments carried from one entry to the next.
  static func sinks(
    entries: [(text: String, location: SourceLocation)], tainted: [String: Taint]
  ) -> [Sink] {
    var analysis = ScriptAnalysis(tainted: tainted)
    for (index, entry) in entries.enumerated() {
      analysis.entry = index
      analysis.entryLocation = entry.location
      analysis.analyse(entry.text, depth: 0)
    }
    return analysis.sinks
  }

  /// The sinks of a job, as the `tainted_sinks` attribute: each a map located at its script entry
  /// with `kind`, `command`, `variable`, `source`, `path` (the hops, each located where the
  /// variable is defined), `via` (the path as text) and `line` (the physical line).
  static func sinkValues(
    sessions: [[(text: String, location: SourceLocation)]], tainted: [String: Taint]
  ) -> [Value] {
    var values: [Value] = []
    for session in sessions {
      for sink in sinks(entries: session, tainted: tainted) {
        let location = session[sink.entry].location
        var map = ValueMap()
        map["kind"] = .string(sink.kind)
        map["command"] = .string(sink.command)
        map["variable"] = .string(sink.variable)
        map["source"] = .string(sink.taint.source)
        map["via"] = .string(sink.taint.pathText)
        map["path"] = .list(sink.taint.hops.map { hop in hop.location.map { .located(.string(hop.text), $0) } ?? .string(hop.text) })
        map["line"] = .located(.string(sink.line), location)
        values.append(.located(.map(map), location))
      }
    }
    return values
  }

  /// The `tainted_variables` attribute: name → `{source, via, path}`.
  static func taintValues(_ tainted: [String: Taint]) -> Value {
    var map = ValueMap()
    for name in tainted.keys.sorted() {
      guard let taint = tainted[name] else { continue }
      var entry = ValueMap()
      entry["source"] = .string(taint.source)
      entry["via"] = .string(taint.pathText)
      entry["path"] = .list(taint.hops.map { hop in hop.location.map { .located(.string(hop.text), $0) } ?? .string(hop.text) })
      let located = taint.hops.last?.location
      map[name] = located.map { .located(.map(entry), $0) } ?? .map(entry)
    }
    return .map(map)
  }
}

/// The walk over one shell session's commands.
private struct ScriptAnalysis {
  typealias Word = GitLabShellScript.Word
  typealias Command = GitLabShellScript.Command

  static let shells: Set<String> = ["sh", "bash", "zsh", "dash", "ksh", "ash", "mksh", "busybox"]
  /// Interpreters and the options whose next argument is code.
  static let interpreters: [String: Set<Character>] = [
    "python": ["c"], "python2": ["c"], "python3": ["c"], "perl": ["e", "E"], "ruby": ["e"],
    "node": ["e", "p"], "nodejs": ["e", "p"], "php": ["r"], "pwsh": ["c"], "powershell": ["c"],
  ]
  /// Commands that run the command in their arguments, with their options that take a value.
  static let wrappers: [String: Set<String>] = [
    "sudo": ["-u", "-g", "-C", "-h", "-p", "-r", "-t", "-U", "-D"], "doas": ["-u", "-C"], "env": ["-u", "-C", "-S"],
    "exec": ["-a"], "command": [], "builtin": [], "nohup": [], "time": ["-f", "-o"], "nice": ["-n"],
    "timeout": ["-s", "-k"], "xargs": ["-I", "-i", "-n", "-P", "-L", "-l", "-d", "-E", "-e", "-s", "-a"],
    "stdbuf": ["-i", "-o", "-e"], "watch": ["-n", "-d"], "retry": ["-t", "--times", "-d", "--delay"],
  ]
  /// Commands where an unquoted argument split into several words can add options that run code.
  static let wordSplitting: Set<String> = [
    "git", "find", "tar", "rsync", "scp", "zip", "sed", "awk", "gawk", "mawk", "make", "gmake", "ssh", "docker",
    "podman", "curl", "wget", "npm", "npx", "yarn", "pip", "pip3", "helm", "kubectl",
  ]
  static let declarations: Set<String> = ["export", "declare", "local", "readonly", "typeset"]
  /// Reserved words that start a compound command; the command proper follows them.
  static let reserved: Set<String> = ["if", "then", "else", "elif", "do", "while", "until", "!", "{"]

  var tainted: [String: GitLabDataflow.Taint]
  var sinks: [GitLabDataflow.Sink] = []
  var entry = 0
  var entryLocation: SourceLocation?
  private var seen: Set<String> = []
  /// The text of each line reported, by script and line start: a long line is built once.
  private var lines: [Int: String] = [:]
  private var scriptNumber = 0
  /// While a second shell reads text again (`eval`, `sh -c`): the line of the script as written.
  private var writtenLine: String?
  private var writtenLineKey: String?

  init(tainted: [String: GitLabDataflow.Taint]) { self.tainted = tainted }

  mutating func analyse(_ text: String, depth: Int) {
    guard depth <= 4 else { return }
    let script = GitLabShellScript(text, number: scriptNumber)
    scriptNumber += 1
    lines = [:]
    for command in script.commands { analyse(command, in: script, siblings: script.commands, depth: depth) }
  }

  /// Reads `text` again as a script (the code of `eval`, `sh -c`), reporting at `line`.
  private mutating func reread(_ text: String, in script: GitLabShellScript, at offset: Int, depth: Int) {
    let saved = (writtenLine, writtenLineKey, lines)
    if writtenLine == nil {
      writtenLineKey = "\(script.number):\(script.lineStart(at: offset))"
      writtenLine = lines[script.lineStart(at: offset)] ?? script.line(at: offset)
    }
    analyse(text, depth: depth + 1)
    (writtenLine, writtenLineKey, lines) = saved
  }

  private func taint(_ name: String) -> GitLabDataflow.Taint? {
    if let known = tainted[name] { return known }
    if GitLabDataflow.sources.contains(name) { return GitLabDataflow.Taint(source: name, hops: []) }
    return nil
  }

  /// The expansions in segments: (name, quoting, offset); nested substitutions' words too when asked.
  private static func references(
    _ segments: [GitLabShellScript.Segment], nested: Bool
  ) -> [(name: String, quoting: GitLabShellScript.Quoting, offset: Int)] {
    var result: [(String, GitLabShellScript.Quoting, Int)] = []
    for segment in segments {
      switch segment {
      case .variable(let name, let quoting, let offset): result.append((name, quoting, offset))
      case .substitution(let commands, _) where nested:
        for command in commands {
          for word in command.words { result.append(contentsOf: references(word.segments, nested: true)) }
          for input in command.inputs { result.append(contentsOf: references(input.segments, nested: true)) }
        }
      default: break
      }
    }
    return result
  }

  private static func commandName(_ word: Word) -> String? {
    guard let text = GitLabShellScript.literal(word) else { return nil }
    return text.split(separator: "/").last.map(String.init)
  }

  private static func isOption(_ word: Word) -> Bool {
    guard let text = GitLabShellScript.literal(word) else { return false }
    return text.count > 1 && (text.hasPrefix("-") || text.hasPrefix("+"))
  }

  private mutating func report(
    _ kind: String, command: String, segments: [GitLabShellScript.Segment], nested: Bool,
    unquotedOnly: Bool = false, in script: GitLabShellScript
  ) {
    for reference in Self.references(segments, nested: nested) where reference.quoting != .single {
      if unquotedOnly && reference.quoting != .unquoted { continue }
      guard let taint = taint(reference.name) else { continue }
      if unquotedOnly && GitLabDataflow.refNameSources.contains(taint.source) { continue }
      let lineStart = script.lineStart(at: reference.offset)
      let lineKey = writtenLineKey ?? "\(script.number):\(lineStart)"
      let key = "\(entry)\u{0}\(lineKey)\u{0}\(reference.name)\u{0}\(kind)"
      guard seen.insert(key).inserted else { continue }
      let line: String
      if let written = writtenLine {
        line = written
      } else if let known = lines[lineStart] {
        line = known
      } else {
        line = script.line(at: reference.offset)
        lines[lineStart] = line
      }
      sinks.append(
        GitLabDataflow.Sink(kind: kind, command: command, variable: reference.name, taint: taint, line: line, entry: entry))
    }
  }

  private mutating func assign(_ word: Word, in script: GitLabShellScript) {
    guard let name = GitLabShellScript.assignmentName(word) else { return }
    for reference in Self.references(word.segments, nested: true) where reference.quoting != .single {
      guard var upstream = taint(reference.name), reference.name != name || tainted[name] != nil else { continue }
      upstream.append(GitLabDataflow.Hop(text: "script \(name)", location: entryLocation))
      tainted[name] = upstream
      return
    }
  }

  private mutating func analyse(_ command: Command, in script: GitLabShellScript, siblings: [Command], depth: Int) {
    let words = command.words
    // Nested command substitutions are commands of their own.
    for word in words {
      for segment in word.segments {
        if case .substitution(let nested, _) = segment {
          for inner in nested { analyse(inner, in: script, siblings: nested, depth: depth) }
        }
      }
    }
    var index = 0
    while index < words.count, let word = GitLabShellScript.literal(words[index]), Self.reserved.contains(word) { index += 1 }
    let first = index
    while index < words.count, GitLabShellScript.assignmentName(words[index]) != nil { index += 1 }
    guard index < words.count else {
      for word in words[first...] { assign(word, in: script) }
      return
    }
    // Wrappers (`sudo`, `env`, `xargs`, …) run the command in their arguments.
    var guardCount = 0
    while index < words.count, let name = Self.commandName(words[index]), let valued = Self.wrappers[name], guardCount < 8 {
      guardCount += 1
      index += 1
      while index < words.count {
        let word = words[index]
        if Self.isOption(word) {
          let text = GitLabShellScript.literal(word) ?? ""
          index += valued.contains(text) ? 2 : 1
        } else if name == "env" && GitLabShellScript.assignmentName(word) != nil {
          index += 1
        } else if name == "timeout" {
          index += 1
          break
        } else {
          break
        }
      }
    }
    guard index < words.count else { return }
    let head = words[index]
    let arguments = Array(words[(index + 1)...])
    report("command position", command: "the command", segments: head.segments, nested: false, in: script)
    guard let name = Self.commandName(head) else { return }

    if Self.declarations.contains(name) {
      for word in arguments { assign(word, in: script) }
      return
    }
    if name == "eval" {
      report("eval", command: name, segments: arguments.flatMap(\.segments), nested: true, in: script)
      reread(GitLabShellScript.reparseText(arguments), in: script, at: command.offset, depth: depth)
      return
    }
    if name == "source" || name == "." {
      report("sourced", command: name, segments: arguments.flatMap(\.segments).filter {
        if case .substitution = $0 { return true } else { return false }
      }, nested: true, in: script)
      return
    }
    if Self.shells.contains(name) || name == "su" {
      shell(name, arguments: arguments, command: command, in: script, siblings: siblings, depth: depth)
      return
    }
    if let flags = Self.interpreters[name] {
      var position = 0
      while position < arguments.count, Self.isOption(arguments[position]) {
        let option = GitLabShellScript.literal(arguments[position]) ?? ""
        if !option.hasPrefix("--"), option.dropFirst().contains(where: { flags.contains($0) }) {
          if position + 1 < arguments.count {
            report("\(name) code", command: name, segments: arguments[position + 1].segments, nested: true, in: script)
          }
          return
        }
        position += 1
      }
      report("unquoted argument", command: name, segments: arguments.flatMap(\.segments), nested: false, unquotedOnly: true, in: script)
      if position == arguments.count || GitLabShellScript.literal(arguments[position]) == "-" {
        standardInput(name, command: command, in: script, siblings: siblings)
      }
      return
    }
    if name == "ssh" {
      var position = 0
      let valued: Set<String> = ["-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O", "-o", "-p", "-Q", "-R", "-S", "-W", "-w"]
      while position < arguments.count, Self.isOption(arguments[position]) {
        position += valued.contains(GitLabShellScript.literal(arguments[position]) ?? "") ? 2 : 1
      }
      if position + 1 < arguments.count {
        report("ssh remote command", command: name, segments: arguments[(position + 1)...].flatMap(\.segments), nested: true, in: script)
      }
      return
    }
    // A shell started by another command (`docker run img sh -c …`, `kubectl exec … -- bash -c …`).
    for (position, word) in arguments.enumerated() {
      if let inner = Self.commandName(word), Self.shells.contains(inner) {
        shell(inner, arguments: Array(arguments[(position + 1)...]), command: command, in: script, siblings: [], depth: depth)
        break
      }
    }
    if Self.wordSplitting.contains(name) {
      report("unquoted argument", command: name, segments: arguments.flatMap(\.segments), nested: false, unquotedOnly: true, in: script)
    }
  }

  /// `sh -c code`, `sh script args`, or `sh` reading its standard input.
  private mutating func shell(
    _ name: String, arguments: [Word], command: Command, in script: GitLabShellScript, siblings: [Command], depth: Int
  ) {
    var position = 0
    var code = false
    if name == "su" {
      // `su [user] -c command`: the option may follow the user.
      guard let option = arguments.firstIndex(where: { ["-c", "--command"].contains(GitLabShellScript.literal($0) ?? "") }),
        option + 1 < arguments.count
      else { return }
      report("su -c", command: name, segments: arguments[option + 1].segments, nested: true, in: script)
      reread(GitLabShellScript.reparseText([arguments[option + 1]]), in: script, at: command.offset, depth: depth)
      return
    }
    while position < arguments.count, Self.isOption(arguments[position]) {
      let option = GitLabShellScript.literal(arguments[position]) ?? ""
      if !option.hasPrefix("--"), option.dropFirst().contains("c") { code = true }
      position += (option == "-o" || option == "+o" || option == "-O") ? 2 : 1
      if code { break }
    }
    if code {
      guard position < arguments.count else { return }
      report("\(name) -c", command: name, segments: arguments[position].segments, nested: true, in: script)
      reread(GitLabShellScript.reparseText([arguments[position]]), in: script, at: command.offset, depth: depth)
      return
    }
    report("unquoted argument", command: name, segments: arguments.flatMap(\.segments), nested: false, unquotedOnly: true, in: script)
    if position == arguments.count || GitLabShellScript.literal(arguments[position]) == "-" {
      standardInput(name, command: command, in: script, siblings: siblings)
    }
  }

  /// A shell or interpreter reading code from standard input: here-documents, here-strings, and
  /// what the commands before it in the pipeline print.
  private mutating func standardInput(_ name: String, command: Command, in script: GitLabShellScript, siblings: [Command]) {
    for input in command.inputs {
      report("here-document into \(name)", command: name, segments: input.segments, nested: true, in: script)
    }
    for index in command.pipedFrom where index < siblings.count {
      let upstream = siblings[index]
      report("piped into \(name)", command: name, segments: upstream.words.dropFirst().flatMap(\.segments), nested: true, in: script)
    }
  }
}
