/// Which links Plumb emits, and paths as URI references.
public enum LinkTarget {
  /// Whether `link` may be written as a link (Markdown, HTML, SARIF `helpUri`): an `http:` or
  /// `https:` URL, or a relative reference (no scheme: `docs/rules/x.md`, `../x`, `#anchor`).
  ///
  /// Any other scheme (`javascript:`, `data:`, `file:`, `vbscript:`) is refused, and so is a link
  /// with white space, a control or a hidden scalar anywhere: browsers drop tabs and line breaks
  /// from URLs and trim leading spaces and controls, so `java\tscript:` and ` javascript:` run
  /// script. The scheme is what RFC 3986 says it is: letters, digits, `+`, `-` and `.` after a
  /// letter, before the first `:`, and before any `/`, `?` or `#`; case does not matter.
  public static func isAllowed(_ link: String) -> Bool {
    guard !link.isEmpty else { return false }
    for scalar in link.unicodeScalars
    where scalar.value <= 0x20 || scalar.properties.isWhitespace || TerminalText.isHidden(scalar)
      || scalar.properties.isDefaultIgnorableCodePoint
    {
      return false
    }
    guard let scheme = scheme(of: link) else { return true }
    let lowered = scheme.lowercased()
    return lowered == "http" || lowered == "https"
  }

  /// The scheme of `link` (RFC 3986), nil for a relative reference.
  public static func scheme(of link: String) -> Substring? {
    var end = link.startIndex
    for scalar in link.unicodeScalars {
      if scalar == ":" { break }
      if scalar == "/" || scalar == "?" || scalar == "#" { return nil }
      end = link.unicodeScalars.index(after: end)
    }
    guard end < link.endIndex else { return nil }
    let scheme = link[link.startIndex..<end]
    guard let first = scheme.unicodeScalars.first, first.isASCIILetter else { return nil }
    let valid = scheme.unicodeScalars.allSatisfy {
      $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "+" || $0 == "-" || $0 == "."
    }
    return valid ? scheme : nil
  }

  /// The link to a source line: `<base><path>#L<line>` (`#L6-L7` when `lastLine` is after
  /// `line`; no fragment for a line below 1), the path as ``uriPath(_:)`` gives it.
  public static func sourceLink(base: String, path: String, line: Int, lastLine: Int? = nil) -> String {
    var url = base + (base.hasSuffix("/") ? "" : "/") + uriPath(path)
    guard line >= 1 else { return url }
    url += "#L\(line)"
    if let lastLine, lastLine > line { url += "-L\(lastLine)" }
    return url
  }

  /// A relative or absolute path as a URI reference: every byte except RFC 3986 unreserved
  /// characters and `/` is percent-encoded (UTF-8), so `catalog/équipe.yaml` becomes
  /// `catalog/%C3%A9quipe.yaml`.
  public static func uriPath(_ path: String) -> String {
    var out = ""
    for byte in path.utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
        UInt8(ascii: "~"), UInt8(ascii: "/"):
        out.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        out += "%" + TerminalText.hex(UInt32(byte), width: 2)
      }
    }
    return out
  }
}

extension Unicode.Scalar {
  /// `a`–`z` or `A`–`Z`.
  public var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
