import Foundation

/// A write a step's script makes that later steps or jobs read.
struct TaintWrite {
  enum Target: Equatable {
    /// A step output (`name=value >> $GITHUB_OUTPUT`, `::set-output name=…::`, `core.setOutput`);
    /// `*` when the name is not on the line (a heredoc body, a computed name).
    case output(String)
    /// An environment variable of later steps (`$GITHUB_ENV`, `::set-env`); nil name: unknown.
    case env(String?)
    /// A directory prepended to `PATH` of later steps (`$GITHUB_PATH`).
    case path
  }
  var target: Target
  var origins: [TaintOrigin]
  /// The line that writes, trimmed.
  var line: String
}

/// What a `run:` script does with tainted values, line by line: variables assigned from them
/// (`X=$TITLE`, `X=$(jq -r .pull_request.title "$GITHUB_EVENT_PATH")`), and lines that write them
/// to `$GITHUB_OUTPUT`, `$GITHUB_ENV` or `$GITHUB_PATH` (also inside `{ …; } >> "$GITHUB_OUTPUT"`
/// groups, and the deprecated `::set-output` / `::set-env` commands). Lexical: no quoting rules,
/// no control flow; a variable assigned a value without origins loses its taint.
enum ShellTaint {
  struct Effects {
    var writes: [TaintWrite] = []
  }

  static func run(_ script: String, scope: TaintAnalysis.Scope, pass: TaintAnalysis.Pass) -> Effects {
    var effects = Effects()
    var variables = scope.env
    var group: [String]?
    for raw in script.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      if var lines = group {
        if line.hasPrefix("}") {
          group = nil
          if let file = writtenFile(line) {
            for inner in lines {
              let origins = self.origins(of: inner, variables: variables, scope: scope, pass: pass)
              if !origins.isEmpty {
                effects.writes.append(TaintWrite(target: target(file, line: inner), origins: origins, line: inner))
              }
            }
          }
          continue
        }
        lines.append(line)
        group = lines
        assign(line, variables: &variables, scope: scope, pass: pass)
        continue
      }
      if line == "{" || (line.hasPrefix("{ ") && !line.contains("}")) {
        group = line == "{" ? [] : [String(line.dropFirst(2))]
        continue
      }
      if let file = writtenFile(line) {
        let origins = self.origins(of: line, variables: variables, scope: scope, pass: pass)
        if !origins.isEmpty {
          effects.writes.append(TaintWrite(target: target(file, line: line), origins: origins, line: line))
        }
        continue
      }
      if let command = workflowCommand(line) {
        let origins = self.origins(of: line, variables: variables, scope: scope, pass: pass)
        if !origins.isEmpty { effects.writes.append(TaintWrite(target: command, origins: origins, line: line)) }
        continue
      }
      assign(line, variables: &variables, scope: scope, pass: pass)
    }
    return effects
  }

  /// Records `NAME=…` (`export`, `local`, `declare`, `readonly`; PowerShell `$name = …`).
  private static func assign(
    _ line: String, variables: inout [String: [TaintOrigin]], scope: TaintAnalysis.Scope, pass: TaintAnalysis.Pass
  ) {
    guard let (name, value) = assignment(line) else { return }
    let origins = self.origins(of: value, variables: variables, scope: scope, pass: pass)
    variables[name.lowercased()] = origins.isEmpty ? nil : origins
  }

  /// The name and value text of an assignment line.
  static func assignment(_ line: String) -> (String, String)? {
    var rest = Substring(line)
    for prefix in ["export ", "local ", "readonly ", "declare -x ", "declare ", "typeset "] where rest.hasPrefix(prefix) {
      rest = rest.dropFirst(prefix.count).drop(while: { $0 == " " })
      break
    }
    if rest.hasPrefix("$") { rest = rest.dropFirst() }  // PowerShell
    guard let first = rest.first, first.isLetter || first == "_" else { return nil }
    let name = rest.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" })
    var after = rest.dropFirst(name.count)
    after = after.drop(while: { $0 == " " })
    guard after.hasPrefix("="), !after.hasPrefix("==") else { return nil }
    // `x = 1` is a command in a POSIX shell, an assignment in PowerShell; both read the value.
    return (String(name), String(after.dropFirst()))
  }

  /// Which of `GITHUB_OUTPUT`, `GITHUB_ENV`, `GITHUB_PATH` a line writes to, if any.
  static func writtenFile(_ line: String) -> String? {
    let lower = line.lowercased()
    guard lower.contains("github_") else { return nil }
    guard lower.contains(">") || lower.contains("tee") || lower.contains("out-file") || lower.contains("add-content")
      || lower.contains("set-content")
    else { return nil }
    for file in ["github_output", "github_env", "github_path"] {
      var search = lower.startIndex
      while let found = lower.range(of: file, range: search..<lower.endIndex) {
        search = found.upperBound
        let before = found.lowerBound > lower.startIndex ? lower[lower.index(before: found.lowerBound)] : " "
        let after = found.upperBound < lower.endIndex ? lower[found.upperBound] : " "
        if "${:%".contains(before) && !(after.isLetter || after.isNumber || after == "_") { return file }
      }
    }
    return nil
  }

  private static func target(_ file: String, line: String) -> TaintWrite.Target {
    switch file {
    case "github_output": return .output(assignedName(line)?.lowercased() ?? "*")
    case "github_env": return .env(assignedName(line))
    default: return .path
    }
  }

  /// The first `name=` or `name<<` on a line after its command word (`echo "branch=$B"`).
  static func assignedName(_ line: String) -> String? {
    let characters = Array(line)
    var index = 0
    while index < characters.count {
      let character = characters[index]
      if character.isLetter || character == "_" {
        let start = index
        while index < characters.count
          && (characters[index].isLetter || characters[index].isNumber || characters[index] == "_"
            || characters[index] == "-")
        {
          index += 1
        }
        let previous = start > 0 ? characters[start - 1] : " "
        if previous == "$" || previous == "{" || previous == ":" || previous == "%" { continue }
        if index < characters.count && characters[index] == "=" && (index + 1 >= characters.count || characters[index + 1] != "=")
          || (index + 1 < characters.count && characters[index] == "<" && characters[index + 1] == "<")
        {
          return String(characters[start..<index])
        }
        continue
      }
      index += 1
    }
    return nil
  }

  /// `::set-output name=X::…` / `::set-env name=X::…` (deprecated, still honoured where enabled).
  static func workflowCommand(_ line: String) -> TaintWrite.Target? {
    for (command, isOutput) in [("::set-output name=", true), ("::set-env name=", false)] {
      guard let found = line.range(of: command) else { continue }
      let name = line[found.upperBound...].prefix(while: { $0 != ":" && $0 != " " && $0 != "\"" && $0 != "'" })
      guard !name.isEmpty else { return nil }
      return isOutput ? .output(name.lowercased()) : .env(String(name))
    }
    return nil
  }

  /// The origins a line's text reads: its `${{ … }}` expressions, the shell variables it expands,
  /// the event file (`$GITHUB_EVENT_PATH` through `jq`), and files of an artifact from another run.
  static func origins(
    of text: String, variables: [String: [TaintOrigin]], scope: TaintAnalysis.Scope, pass: TaintAnalysis.Pass
  ) -> [TaintOrigin] {
    var result = pass.origins(ofText: text, scope: scope)
    for name in referencedVariables(text) {
      if name == "github_event_path" {
        result.append(TaintOrigin(context: eventPath(text), hops: ["$GITHUB_EVENT_PATH"], texts: []))
      } else if let origins = variables[name] {
        result += origins
      }
    }
    if let artifact = scope.foreignArtifact {
      let lower = text.lowercased()
      if ["cat ", "$(<", "< ", "head ", "jq ", "read "].contains(where: { lower.contains($0) })
        && !lower.contains("github_event_path")
      {
        result.append(TaintOrigin(context: "artifact", hops: [artifact], texts: []))
      }
    }
    return TaintAnalysis.Pass.bounded(result)
  }

  /// `github.event.<path>` for `jq … .a.b "$GITHUB_EVENT_PATH"`, else `github.event`.
  static func eventPath(_ text: String) -> String {
    guard let jq = text.range(of: "jq ") else { return "github.event" }
    let rest = text[jq.upperBound...]
    var index = rest.startIndex
    while index < rest.endIndex {
      let character = rest[index]
      let previous = index > rest.startIndex ? rest[rest.index(before: index)] : " "
      if character == ".", " '\"".contains(previous) {
        let path = rest[rest.index(after: index)...].prefix(while: {
          $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-"
        })
        if !path.isEmpty { return "github.event." + path.lowercased() }
      }
      index = rest.index(after: index)
    }
    return "github.event"
  }

  /// The lower-case names of variables a text expands: `$X`, `${X…}`, `$env:X`, `%X%`.
  static func referencedVariables(_ text: String) -> [String] {
    let characters = Array(text)
    var names: [String] = []
    var index = 0
    func name(from start: Int) -> (String, Int)? {
      guard start < characters.count, characters[start].isLetter || characters[start] == "_" else { return nil }
      var end = start
      while end < characters.count && (characters[end].isLetter || characters[end].isNumber || characters[end] == "_") {
        end += 1
      }
      return (String(characters[start..<end]).lowercased(), end)
    }
    while index < characters.count {
      switch characters[index] {
      case "$":
        var start = index + 1
        if start < characters.count && characters[start] == "{" {
          if start + 1 < characters.count && characters[start + 1] == "{" {
            index = start + 2
            continue
          }
          start += 1
        }
        if start + 4 <= characters.count && String(characters[start..<start + 4]).lowercased() == "env:" {
          start += 4
        }
        if let (found, end) = name(from: start) {
          names.append(found)
          index = end
          continue
        }
      case "%":
        if let (found, end) = name(from: index + 1), end < characters.count, characters[end] == "%" {
          names.append(found)
          index = end + 1
          continue
        }
      default: break
      }
      index += 1
    }
    return names
  }
}

/// What an `actions/github-script` script passes on: `core.setOutput`, `core.exportVariable` and
/// its `return` value (the `result` output), from `context.payload.…` (the event),
/// `process.env.X`, `${{ … }}` and variables assigned from these.
enum ScriptTaint {
  struct Effects {
    var outputs: [String: [TaintOrigin]] = [:]
    var exported: [String: [TaintOrigin]] = [:]
  }

  static func run(_ script: String, scope: TaintAnalysis.Scope, pass: TaintAnalysis.Pass) -> Effects {
    var effects = Effects()
    var variables: [String: [TaintOrigin]] = [:]
    for raw in script.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("//") { continue }
      for call in ["core.setOutput(", "core.exportVariable("] {
        guard let found = line.range(of: call) else { continue }
        let arguments = String(line[found.upperBound...])
        guard let name = firstStringLiteral(arguments) else { continue }
        let origins = self.origins(of: arguments, variables: variables, scope: scope, pass: pass)
        guard !origins.isEmpty else { continue }
        if call == "core.setOutput(" {
          effects.outputs[name.lowercased(), default: []] += origins
        } else {
          effects.exported[name, default: []] += origins
        }
      }
      if line.hasPrefix("return ") || line.hasPrefix("return(") {
        let origins = self.origins(of: String(line.dropFirst(6)), variables: variables, scope: scope, pass: pass)
        if !origins.isEmpty { effects.outputs["result", default: []] += origins }
      }
      for keyword in ["const ", "let ", "var "] where line.hasPrefix(keyword) {
        if let (name, value) = ShellTaint.assignment(String(line.dropFirst(keyword.count))) {
          let origins = self.origins(of: value, variables: variables, scope: scope, pass: pass)
          variables[name] = origins.isEmpty ? nil : origins
        }
      }
    }
    return effects
  }

  private static func firstStringLiteral(_ text: String) -> String? {
    guard let open = text.firstIndex(where: { $0 == "'" || $0 == "\"" || $0 == "`" }) else { return nil }
    let quote = text[open]
    let rest = text[text.index(after: open)...]
    guard let close = rest.firstIndex(of: quote) else { return nil }
    let name = String(rest[..<close])
    return name.isEmpty || name.contains("${") ? nil : name
  }

  static func origins(
    of text: String, variables: [String: [TaintOrigin]], scope: TaintAnalysis.Scope, pass: TaintAnalysis.Pass
  ) -> [TaintOrigin] {
    var result = pass.origins(ofText: text, scope: scope)
    var search = text.startIndex
    while let found = text.range(of: "context.payload", range: search..<text.endIndex) {
      search = found.upperBound
      let path = text[found.upperBound...].prefix(while: {
        $0.isLetter || $0.isNumber || $0 == "_" || $0 == "."
      })
      result.append(TaintOrigin(context: "github.event" + path.lowercased(), hops: ["context.payload"], texts: []))
    }
    search = text.startIndex
    while let found = text.range(of: "process.env.", range: search..<text.endIndex) {
      search = found.upperBound
      let name = text[found.upperBound...].prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" })
      result += scope.env[name.lowercased()] ?? []
    }
    // Identifiers naming tainted script variables.
    var word = ""
    for character in text + " " {
      if character.isLetter || character.isNumber || character == "_" || character == "$" {
        word.append(character)
      } else {
        if let origins = variables[word] { result += origins }
        word = ""
      }
    }
    return TaintAnalysis.Pass.bounded(result)
  }
}
