/// Escaping for the text formats reporters write. Finding messages interpolate values from the
/// inputs, so they are untrusted: every format escapes them for its own syntax.
enum Escape {
  /// Whether a scalar would be invisible or misleading on a terminal or a rendered page: C0/C1
  /// controls other than tab and line feed, DEL, and the bidirectional overrides and isolates
  /// ("Trojan Source").
  static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09, 0x0A: false
    case 0x00...0x1F, 0x7F...0x9F: true
    case 0x202A...0x202E, 0x2066...0x2069: true
    default: false
    }
  }

  /// `text` with hidden scalars shown as `<U+XXXX>` (for terminals, Markdown, annotations).
  static func visible(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isHidden) else { return text }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if isHidden(scalar) {
        out.append(contentsOf: "<U+\(hex(scalar.value, width: 4))>".unicodeScalars)
      } else {
        out.append(scalar)
      }
    }
    return String(out)
  }

  /// `text` with every line break (CRLF, CR, LF) as LF and hidden scalars made visible: a bare
  /// CR could otherwise overwrite a terminal line.
  static func visibleLines(_ text: String) -> String {
    visible(text.replacingNewlines(with: "\n"))
  }

  static func hex(_ value: UInt32, width: Int) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }

  // MARK: XML

  /// Text for XML 1.0 element content (`attribute: false`) or a double-quoted attribute value.
  ///
  /// `&`, `<`, `>`, `"` and `'` become entities. In attributes, tab, line feed and carriage return
  /// become character references so attribute-value normalisation keeps them. Scalars XML 1.0
  /// cannot carry (C0 controls other than tab/LF/CR, U+FFFE, U+FFFF) become U+FFFD.
  static func xml(_ text: String, attribute: Bool = false) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += attribute ? "&quot;" : "\""
      case "'": out += attribute ? "&apos;" : "'"
      case "\n": out += attribute ? "&#10;" : "\n"
      case "\r": out += "&#13;"
      case "\t": out += attribute ? "&#9;" : "\t"
      default:
        if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
          out += "\u{FFFD}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }

  // MARK: Markdown

  /// Inline Markdown text (GitHub-flavoured): ASCII punctuation that could start markup is
  /// backslash-escaped, `$` included (math), line breaks become `<br>` so the text stays in one
  /// table cell or list item, hidden scalars are made visible.
  static func markdown(_ text: String) -> String {
    var out = ""
    for scalar in visibleLines(text).unicodeScalars {
      switch scalar {
      case "\\", "`", "*", "_", "[", "]", "<", ">", "|", "~", "&", "$", "#", "!":
        out += "\\"
        out.unicodeScalars.append(scalar)
      case "\n":
        out += "<br>"
      default:
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// A Markdown code span showing `text` literally (fence longer than any backtick run inside),
  /// safe in a table cell (`|` escaped, as GitHub requires even inside code spans).
  static func markdownCode(_ text: String) -> String {
    let flat = visibleLines(text).replacingNewlines(with: " ")
    var longest = 0
    var run = 0
    for scalar in flat.unicodeScalars {
      run = scalar == "`" ? run + 1 : 0
      longest = max(longest, run)
    }
    let fence = String(repeating: "`", count: longest + 1)
    let padded = flat.hasPrefix("`") || flat.hasSuffix("`") ? " \(flat) " : flat
    return fence + padded.replacing("|", with: "\\|") + fence
  }

  /// A URL for a Markdown link target: `(`, `)`, spaces and `<`/`>` percent-encoded.
  static func markdownURL(_ url: String) -> String {
    var out = ""
    for scalar in url.unicodeScalars {
      switch scalar {
      case " ": out += "%20"
      case "(": out += "%28"
      case ")": out += "%29"
      case "<": out += "%3C"
      case ">": out += "%3E"
      default:
        if isHidden(scalar) || scalar == "\n" || scalar == "\t" {
          for byte in String(scalar).utf8 { out += "%" + hex(UInt32(byte), width: 2) }
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }

  // MARK: URIs

  /// A relative or absolute path as a URI reference: every byte except RFC 3986 unreserved
  /// characters and `/` is percent-encoded (UTF-8), so `catalog/équipe.yaml` becomes
  /// `catalog/%C3%A9quipe.yaml`.
  static func uriPath(_ path: String) -> String {
    var out = ""
    for byte in path.utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
        UInt8(ascii: "~"), UInt8(ascii: "/"):
        out.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        out += "%" + hex(UInt32(byte), width: 2)
      }
    }
    return out
  }

  /// Whether `text` starts with a URI scheme (`https:`, `file:`): an absolute URI.
  static func isAbsoluteURI(_ text: String) -> Bool {
    guard let colon = text.firstIndex(of: ":") else { return false }
    let scheme = text[..<colon].unicodeScalars
    guard let first = scheme.first, first.isASCIILetter else { return false }
    return scheme.allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0) }
  }

  // MARK: Shell

  /// Arguments joined into one POSIX shell command line, quoting where needed.
  static func shellCommandLine(_ arguments: [String]) -> String {
    arguments.map { argument in
      let safe = !argument.isEmpty
        && argument.unicodeScalars.allSatisfy {
          $0.isASCIILetter || ("0"..."9").contains($0) || "-_./=:,@%+".unicodeScalars.contains($0)
        }
      return safe ? argument : "'" + argument.replacing("'", with: "'\\''") + "'"
    }.joined(separator: " ")
  }
}

extension Unicode.Scalar {
  var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}

extension String {
  /// Every CRLF, CR or LF replaced by `replacement`.
  func replacingNewlines(with replacement: String) -> String {
    guard unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) else { return self }
    var out = ""
    var previousWasCR = false
    for scalar in unicodeScalars {
      defer { previousWasCR = scalar == "\r" }
      if scalar == "\n" {
        if !previousWasCR { out += replacement }
      } else if scalar == "\r" {
        out += replacement
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
