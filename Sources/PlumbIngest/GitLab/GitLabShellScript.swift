/// A small POSIX-shell reader for GitLab job scripts: enough of the shell's grammar to tell where
/// a variable's value is expanded (unquoted, in double quotes, in single quotes where it is not
/// expanded at all) and what the command around it does with it.
///
/// It reads simple commands, pipelines and lists (`;`, `&&`, `||`, `&`, `|`, newlines), quoting
/// (`'…'`, `"…"`, `\`), parameter expansions (`$NAME`, `${NAME…}`), command substitutions
/// (`$(…)`, backquotes) and process substitutions (`<(…)`, read as nested scripts), redirections,
/// here-strings (`<<<`) and here-documents (`<<EOF`, expanded unless the delimiter is quoted),
/// and comments. It never fails: text it does not understand is read as literal characters. Its
/// cost is linear in the text (nesting is bounded by ``maximumDepth``).
struct GitLabShellScript {
  /// How a piece of a word was quoted.
  enum Quoting: Equatable {
    case unquoted, double, single
  }

  /// One piece of a word.
  enum Segment {
    /// Literal characters (quotes removed).
    case literal(String, Quoting)
    /// `$NAME` / `${NAME…}`; `offset` is the index of `$` in the script text (in scalars).
    case variable(name: String, quoting: Quoting, offset: Int)
    /// `$(…)`, backquotes or `<(…)`: the commands inside.
    case substitution([Command], Quoting)
  }

  struct Word {
    var segments: [Segment] = []
    /// Index of the word's first scalar in the script text.
    var offset = 0
  }

  /// A here-document or here-string fed to a command's standard input.
  struct Input {
    var segments: [Segment]
  }

  /// A simple command: its words (redirection targets removed), its standard-input documents,
  /// and its place in a pipeline.
  struct Command {
    var words: [Word] = []
    var inputs: [Input] = []
    /// The commands before this one in the same pipeline (`a | b | c`: `c` has a and b).
    var pipedFrom: [Int] = []
    /// Index of the command's first scalar.
    var offset = 0
  }

  static let maximumDepth = 8

  let scalars: [Unicode.Scalar]
  private(set) var commands: [Command] = []
  /// A number the caller gives to tell scripts apart.
  let number: Int
  /// Offsets of the line feeds, in order.
  private let lineFeeds: [Int]

  init(_ text: String, number: Int = 0) {
    self.number = number
    let all = Array(text.unicodeScalars)
    scalars = all
    lineFeeds = all.indices.filter { all[$0] == "\n" }
    var index = 0
    var parser = Parser(scalars: scalars)
    commands = parser.parseList(&index, until: nil, depth: 0)
  }

  /// Where the physical line around `offset` starts.
  func lineStart(at offset: Int) -> Int {
    // The last line feed before `offset` (binary search).
    var low = 0
    var high = lineFeeds.count
    while low < high {
      let middle = (low + high) / 2
      if lineFeeds[middle] < offset { low = middle + 1 } else { high = middle }
    }
    return low == 0 ? 0 : lineFeeds[low - 1] + 1
  }

  /// The physical line of the script around `offset`, without surrounding white space.
  func line(at offset: Int) -> String {
    let start = min(lineStart(at: max(offset, 0)), scalars.count)
    var end = min(max(offset, start), scalars.count)
    while end < scalars.count && scalars[end] != "\n" { end += 1 }
    var text = String.UnicodeScalarView()
    text.append(contentsOf: scalars[start..<end])
    return String(text).trimmingWhitespace()
  }

  // MARK: Words

  /// The literal text of a word when it has no expansions, else nil.
  static func literal(_ word: Word) -> String? {
    var text = ""
    for segment in word.segments {
      guard case .literal(let part, _) = segment else { return nil }
      text += part
    }
    return text
  }

  /// The words' text after quote removal, as a second shell (`eval`, `sh -c`) reads it: literal
  /// text as written (a `$NAME` that was single-quoted or escaped is expanded by that second
  /// shell), and what the first shell expanded as the placeholder `x` (its value, when untrusted,
  /// is reported where the first shell passes it on).
  static func reparseText(_ words: [Word]) -> String {
    words.map { word in
      word.segments.map { segment -> String in
        switch segment {
        case .literal(let text, _): return text
        case .variable: return "x"
        case .substitution: return "x"
        }
      }.joined()
    }.joined(separator: " ")
  }

  /// Whether a literal word is an assignment `NAME=…` (its name then).
  static func assignmentName(_ word: Word) -> String? {
    // The name is unquoted literal text before the first `=`.
    var name = String.UnicodeScalarView()
    var length = 0
    for segment in word.segments {
      guard case .literal(let text, .unquoted) = segment else { return nil }
      for scalar in text.unicodeScalars {
        if scalar == "=" {
          guard let head = name.first, !("0"..."9").contains(head) else { return nil }
          return String(name)
        }
        guard scalar == "_" || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar),
          length < 256
        else { return nil }
        name.append(scalar)
        length += 1
      }
    }
    return nil
  }

  // MARK: Parser

  private struct Parser {
    let scalars: [Unicode.Scalar]
    /// Here-documents waiting for the end of the current line: (delimiter, expanded, command index).
    var pendingDocuments: [(delimiter: String, expands: Bool, strip: Bool, command: Int)] = []

    init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

    func peek(_ index: Int, _ ahead: Int = 0) -> Unicode.Scalar? {
      index + ahead < scalars.count ? scalars[index + ahead] : nil
    }

    /// Reads commands until `until` (`)` or a backquote) or the end; `index` ends after it.
    mutating func parseList(_ index: inout Int, until terminator: Unicode.Scalar?, depth: Int) -> [Command] {
      var commands: [Command] = []
      var current = Command()
      var word = Word()
      var inWord = false
      var pipeline: [Int] = []
      var redirectNext = false
      var hereString = false
      let savedDocuments = pendingDocuments
      pendingDocuments = []
      defer { pendingDocuments = savedDocuments }

      func endWord() {
        if inWord {
          if hereString {
            current.inputs.append(Input(segments: word.segments))
          } else if !redirectNext {
            current.words.append(word)
          }
          redirectNext = false
          hereString = false
        }
        word = Word()
        inWord = false
      }
      func endCommand(piped: Bool) {
        endWord()
        if !current.words.isEmpty || !current.inputs.isEmpty {
          current.pipedFrom = pipeline
          commands.append(current)
          if piped { pipeline.append(commands.count - 1) } else { pipeline = [] }
        } else if !piped {
          pipeline = []
        }
        current = Command()
        redirectNext = false
        hereString = false
      }
      func startWord(_ at: Int) {
        if !inWord {
          inWord = true
          word.offset = at
          if current.words.isEmpty && current.inputs.isEmpty { current.offset = at }
        }
      }

      while index < scalars.count {
        let c = scalars[index]
        if let terminator, c == terminator {
          index += 1
          endCommand(piped: false)
          return commands
        }
        switch c {
        case " ", "\t", "\r":
          endWord()
          index += 1
        case "\n":
          endCommand(piped: false)
          index += 1
          readDocuments(&index, into: &commands, depth: depth)
        case ";", "&":
          endCommand(piped: false)
          index += 1
          if peek(index) == "&" || peek(index) == ";" { index += 1 }
        case "|":
          if peek(index, 1) == "|" {
            endCommand(piped: false)
            index += 2
          } else {
            endCommand(piped: true)
            index += 1
            if peek(index) == "&" { index += 1 }
          }
        case "(", ")":
          // Subshells: their commands are commands like any other.
          endCommand(piped: false)
          index += 1
        case "{" where !inWord, "}" where !inWord:
          if peek(index, 1).map({ $0 == " " || $0 == "\t" || $0 == "\n" || $0 == ";" }) ?? true {
            endCommand(piped: false)
            index += 1
          } else {
            startWord(index)
            word.segments.append(.literal(String(c), .unquoted))
            index += 1
          }
        case "#" where !inWord:
          while index < scalars.count && scalars[index] != "\n" { index += 1 }
        case "<" where peek(index, 1) == "(" && depth < GitLabShellScript.maximumDepth:
          startWord(index)
          index += 2
          let nested = parseList(&index, until: ")", depth: depth + 1)
          word.segments.append(.substitution(nested, .unquoted))
        case "<", ">":
          endWord()
          if c == "<" && peek(index, 1) == "<" && peek(index, 2) == "<" {
            index += 3
            hereString = true
          } else if c == "<" && peek(index, 1) == "<" {
            index += 2
            let strip = peek(index) == "-"
            if strip { index += 1 }
            while peek(index) == " " || peek(index) == "\t" { index += 1 }
            let (delimiter, quoted) = readDelimiter(&index)
            pendingDocuments.append((delimiter, !quoted, strip, commands.count))
          } else {
            index += 1
            while let next = peek(index), next == ">" || next == "&" || next == "|" { index += 1 }
            redirectNext = true
          }
        case "'":
          startWord(index)
          index += 1
          var text = String.UnicodeScalarView()
          while index < scalars.count && scalars[index] != "'" {
            text.append(scalars[index])
            index += 1
          }
          index += 1
          word.segments.append(.literal(String(text), .single))
        case "\"":
          startWord(index)
          index += 1
          readDoubleQuoted(&index, into: &word.segments, depth: depth)
        case "\\":
          startWord(index)
          if let next = peek(index, 1), next != "\n" {
            word.segments.append(.literal(String(next), .single))
          }
          index += 2
        case "$":
          startWord(index)
          readDollar(&index, quoting: .unquoted, into: &word.segments, depth: depth)
        case "`" where depth < GitLabShellScript.maximumDepth:
          startWord(index)
          index += 1
          let nested = parseList(&index, until: "`", depth: depth + 1)
          word.segments.append(.substitution(nested, .unquoted))
        default:
          startWord(index)
          word.segments.append(.literal(String(c), .unquoted))
          index += 1
        }
      }
      endCommand(piped: false)
      return commands
    }

    /// Reads the body of `"…"` (index after the opening quote; ends after the closing one).
    mutating func readDoubleQuoted(_ index: inout Int, into segments: inout [Segment], depth: Int) {
      var text = String.UnicodeScalarView()
      func flush() {
        if !text.isEmpty { segments.append(.literal(String(text), .double)) }
        text = String.UnicodeScalarView()
      }
      while index < scalars.count {
        let c = scalars[index]
        if c == "\"" {
          index += 1
          break
        }
        if c == "\\", let next = peek(index, 1), "$`\"\\\n".unicodeScalars.contains(next) {
          if next != "\n" { text.append(next) }
          index += 2
        } else if c == "$" {
          flush()
          readDollar(&index, quoting: .double, into: &segments, depth: depth)
        } else if c == "`" && depth < GitLabShellScript.maximumDepth {
          flush()
          index += 1
          let nested = parseList(&index, until: "`", depth: depth + 1)
          segments.append(.substitution(nested, .double))
        } else {
          text.append(c)
          index += 1
        }
      }
      flush()
    }

    /// Reads an expansion starting at `$`.
    mutating func readDollar(_ index: inout Int, quoting: Quoting, into segments: inout [Segment], depth: Int) {
      let start = index
      index += 1
      guard let next = peek(index) else {
        segments.append(.literal("$", quoting))
        return
      }
      if next == "(" && depth < GitLabShellScript.maximumDepth {
        index += 1
        let nested = parseList(&index, until: ")", depth: depth + 1)
        segments.append(.substitution(nested, quoting))
      } else if next == "{" {
        index += 1
        var name = String.UnicodeScalarView()
        while let c = peek(index), Self.isNameScalar(c) {
          name.append(c)
          index += 1
        }
        // The rest of `${NAME:-word}` / `${NAME#pattern}`: skipped up to the closing brace.
        var nesting = 0
        while let c = peek(index) {
          index += 1
          if c == "{" { nesting += 1 }
          if c == "}" {
            if nesting == 0 { break }
            nesting -= 1
          }
        }
        if name.isEmpty {
          segments.append(.literal("", quoting))
        } else {
          segments.append(.variable(name: String(name), quoting: quoting, offset: start))
        }
      } else if next == "'" && quoting == .unquoted {
        // ANSI-C quoting: literal text.
        index += 1
        var text = String.UnicodeScalarView()
        while let c = peek(index), c != "'" {
          text.append(c)
          index += c == "\\" ? 2 : 1
        }
        index += 1
        segments.append(.literal(String(text), .single))
      } else if Self.isNameScalar(next) && !("0"..."9").contains(next) {
        var name = String.UnicodeScalarView()
        while let c = peek(index), Self.isNameScalar(c) {
          name.append(c)
          index += 1
        }
        segments.append(.variable(name: String(name), quoting: quoting, offset: start))
      } else {
        segments.append(.literal("$", quoting))
      }
    }

    /// A here-document's delimiter word and whether any of it was quoted.
    mutating func readDelimiter(_ index: inout Int) -> (String, Bool) {
      var text = String.UnicodeScalarView()
      var quoted = false
      while let c = peek(index), c != " ", c != "\t", c != "\n", c != ";", c != "|", c != "&", c != ">", c != "<" {
        if c == "'" || c == "\"" || c == "\\" {
          quoted = true
        } else {
          text.append(c)
        }
        index += 1
      }
      return (String(text), quoted)
    }

    /// After a newline: the bodies of the here-documents started on that line.
    mutating func readDocuments(_ index: inout Int, into commands: inout [Command], depth: Int) {
      let documents = pendingDocuments
      pendingDocuments = []
      for document in documents {
        var segments: [Segment] = []
        while index < scalars.count {
          var end = index
          while end < scalars.count && scalars[end] != "\n" { end += 1 }
          var lineText = String.UnicodeScalarView()
          lineText.append(contentsOf: scalars[index..<end])
          let line = String(lineText)
          let compared = document.strip ? String(line.drop(while: { $0 == "\t" })) : line
          if compared == document.delimiter {
            index = min(end + 1, scalars.count)
            break
          }
          if document.expands {
            var position = index
            while position < end {
              if scalars[position] == "$" {
                readDollar(&position, quoting: .double, into: &segments, depth: depth)
              } else {
                segments.append(.literal(String(scalars[position]), .double))
                position += 1
              }
            }
          } else {
            segments.append(.literal(line, .single))
          }
          segments.append(.literal("\n", .single))
          index = min(end + 1, scalars.count)
        }
        if document.command < commands.count {
          commands[document.command].inputs.append(Input(segments: segments))
        }
      }
    }

    static func isNameScalar(_ c: Unicode.Scalar) -> Bool {
      c == "_" || ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
    }
  }
}

extension String {
  fileprivate func trimmingWhitespace() -> String {
    let scalars = unicodeScalars
    guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
      let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
    else { return "" }
    return String(scalars[start...end])
  }
}
