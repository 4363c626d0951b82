/// The field-format rules of the Backstage catalog (`KubernetesValidatorFunctions`,
/// `CommonValidatorFunctions`, `makeValidator`), with the expectations `FieldFormatEntityPolicy`
/// words its errors with.
///
/// Every rule that accepts a string only accepts ASCII, so lengths are counted in UTF-8 bytes
/// (equal to JavaScript's UTF-16 length for every string that can pass).
public enum CatalogFieldRule: String, Sendable, CaseIterable {
  /// `apiVersion`: `[<DNS subdomain>/]<[a-z0-9A-Z]{1,63}>`.
  case apiVersion
  /// `kind`: `^[a-zA-Z][a-z0-9A-Z]*$`, 1–63.
  case kind
  /// `metadata.name`, label-key names, link icons: `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`, 1–63.
  case objectName
  /// `metadata.namespace`: a DNS label, `^[a-z0-9]+(-[a-z0-9]+)*$`, 1–63.
  case namespace
  /// Label keys: `[<DNS subdomain>/]<object name>`.
  case labelKey
  /// Label values: empty or an object name.
  case labelValue
  /// Annotation keys: `[<DNS subdomain>/]<object name>`.
  case annotationKey
  /// Tags: `^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$`, 1–63.
  case tag
  /// Link URLs: parseable as an absolute URL.
  case url
  /// Link titles: not blank.
  case nonEmptyString

  /// What `FieldFormatEntityPolicy` says it expected.
  public var expectation: String {
    switch self {
    case .objectName, .labelValue:
      return "a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total"
    case .labelKey, .apiVersion, .annotationKey:
      return "a valid prefix and/or suffix"
    case .namespace:
      return "a string that is sequences of [a-z0-9] separated by [-], at most 63 characters in total"
    case .tag:
      return "a string that is sequences of [a-z0-9+#] separated by [-], at most 63 characters in total"
    case .kind:
      return "a string that is a sequence of [a-zA-Z][a-z0-9A-Z], at most 63 characters in total"
    case .url:
      return "a string that is a valid url"
    case .nonEmptyString:
      return "a non empty string"
    }
  }

  /// Whether `value` satisfies the rule.
  public func accepts(_ value: String) -> Bool {
    switch self {
    case .apiVersion:
      return CatalogFieldRule.prefixed(value, prefix: CatalogFieldRule.isDNSSubdomain) { suffix in
        (1...63).contains(suffix.count) && suffix.allSatisfy { $0.isASCIIAlphanumeric }
      }
    case .kind:
      let bytes = Array(value.utf8)
      guard (1...63).contains(bytes.count), bytes[0].isASCIILetter else { return false }
      return bytes.allSatisfy { $0.isASCIIAlphanumeric }
    case .objectName:
      return CatalogFieldRule.isObjectName(Array(value.utf8)[...])
    case .namespace:
      return CatalogFieldRule.isDNSLabel(Array(value.utf8)[...])
    case .labelKey, .annotationKey:
      return CatalogFieldRule.prefixed(value, prefix: CatalogFieldRule.isDNSSubdomain, suffix: CatalogFieldRule.isObjectName)
    case .labelValue:
      return value.isEmpty || CatalogFieldRule.isObjectName(Array(value.utf8)[...])
    case .tag:
      return CatalogFieldRule.isTag(Array(value.utf8)[...])
    case .url:
      return CatalogFieldRule.isURL(value)
    case .nonEmptyString:
      return value.contains { !$0.isWhitespace }
    }
  }

  /// The message `FieldFormatEntityPolicy` throws for `field` holding `value`, in Plumb's style
  /// (single quotes, no trailing period, without the link to the file-format ADR).
  public static func message(field: String, rule: CatalogFieldRule, value: String) -> String {
    "'\(field)' is not valid; expected \(rule.expectation) but found '\(value)'"
  }

  // MARK: The building blocks

  /// `CommonValidatorFunctions.isValidPrefixAndOrSuffix` with `/`: one part is the suffix, two
  /// parts are prefix and suffix, more is invalid.
  static func prefixed(
    _ value: String,
    prefix: (ArraySlice<UInt8>) -> Bool,
    suffix: (ArraySlice<UInt8>) -> Bool
  ) -> Bool {
    let bytes = Array(value.utf8)
    let parts = bytes[...].split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
    switch parts.count {
    case 1: return suffix(parts[0])
    case 2: return prefix(parts[0]) && suffix(parts[1])
    default: return false
    }
  }

  /// `^[a-z0-9]+(-[a-z0-9]+)*$`, 1–63.
  static func isDNSLabel(_ bytes: ArraySlice<UInt8>) -> Bool {
    guard (1...63).contains(bytes.count) else { return false }
    return isDashSeparated(bytes) { $0.isLowerASCIIAlphanumeric }
  }

  /// 1–253 characters whose `.`-separated parts are DNS labels.
  static func isDNSSubdomain(_ bytes: ArraySlice<UInt8>) -> Bool {
    guard (1...253).contains(bytes.count) else { return false }
    return bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy(isDNSLabel)
  }

  /// `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`, 1–63.
  static func isObjectName(_ bytes: ArraySlice<UInt8>) -> Bool {
    guard (1...63).contains(bytes.count), let first = bytes.first, let last = bytes.last else { return false }
    guard first.isASCIIAlphanumeric, last.isASCIIAlphanumeric else { return false }
    return bytes.allSatisfy {
      $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
    }
  }

  /// `^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$`, 1–63 (the inline `isValidTag` of current `makeValidator`).
  static func isTag(_ bytes: ArraySlice<UInt8>) -> Bool {
    guard (1...63).contains(bytes.count) else { return false }
    return isDashSeparated(bytes) {
      $0.isLowerASCIIAlphanumeric || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#")
    }
  }

  /// Non-empty runs of `allowed` bytes separated by single dashes.
  static func isDashSeparated(_ bytes: ArraySlice<UInt8>, _ allowed: (UInt8) -> Bool) -> Bool {
    var runLength = 0
    for byte in bytes {
      if byte == UInt8(ascii: "-") {
        if runLength == 0 { return false }
        runLength = 0
      } else if allowed(byte) {
        runLength += 1
      } else {
        return false
      }
    }
    return runLength > 0
  }

  /// An approximation of `new URL(value)` succeeding (the WHATWG URL parser): a scheme
  /// (`[A-Za-z][A-Za-z0-9+.-]*:`), and for the special schemes (`http`, `https`, `ws`, `wss`,
  /// `ftp`, `file`) an authority with a host free of spaces and forbidden characters.
  static func isURL(_ raw: String) -> Bool {
    // The URL parser trims C0 controls and spaces at both ends.
    let value = raw.trimmingASCIIWhitespace()
    guard let colon = value.firstIndex(of: ":") else { return false }
    let scheme = value[value.startIndex..<colon]
    guard let first = scheme.utf8.first, first.isASCIILetter else { return false }
    let schemeByte: (UInt8) -> Bool = {
      $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
    }
    guard scheme.utf8.allSatisfy(schemeByte) else { return false }
    let lowered = scheme.lowercased()
    let special: Set<String> = ["http", "https", "ws", "wss", "ftp", "file"]
    guard special.contains(lowered) else { return true }
    // Special schemes: slashes (any number, either kind) then the host up to /, ?, # or the end.
    var rest = value[value.index(after: colon)...]
    while let c = rest.first, c == "/" || c == "\\" { rest = rest.dropFirst() }
    let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" && $0 != "\\" }
    let hostAndPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? authority[...]
    var host = hostAndPort[...]
    if host.hasPrefix("[") {
      // An IPv6 literal: accept when bracketed.
      return host.contains("]")
    }
    if let portColon = host.lastIndex(of: ":") {
      let port = host[host.index(after: portColon)...]
      guard port.allSatisfy(\.isASCIIDigit) else { return false }
      host = host[host.startIndex..<portColon]
    }
    if lowered == "file" { return !host.contains(" ") }
    let forbidden: Set<Character> = [" ", "<", ">", "^", "|", "%", "\t", "\n", "\r"]
    return !host.isEmpty && !host.contains { forbidden.contains($0) }
  }
}

fileprivate extension UInt8 {
  @inline(__always) var isASCIILetter: Bool {
    (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z")) || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z"))
  }
  @inline(__always) var isASCIIDigitByte: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
  @inline(__always) var isASCIIAlphanumeric: Bool { isASCIILetter || isASCIIDigitByte }
  @inline(__always) var isLowerASCIIAlphanumeric: Bool {
    (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z")) || isASCIIDigitByte
  }
}

fileprivate extension Character {
  var isASCIIDigit: Bool { isASCII && isNumber }
}

fileprivate extension String {
  /// The string without leading and trailing ASCII spaces and control characters.
  func trimmingASCIIWhitespace() -> Substring {
    let isTrimmed: (Character) -> Bool = { c in c.unicodeScalars.allSatisfy { $0.value <= 0x20 } }
    guard let start = firstIndex(where: { !isTrimmed($0) }), let end = lastIndex(where: { !isTrimmed($0) }) else {
      return self[endIndex...]
    }
    return self[start...end]
  }
}
