import PlumbGraph

/// The instance key of a resource or module instance: `[0]` (count) or `["eu"]` (for_each).
enum TerraformInstanceKey: Hashable, Sendable {
  case int(Int)
  case string(String)

  /// The key as a graph value.
  var value: Value {
    switch self {
    case .int(let i): .int(i)
    case .string(let s): .string(s)
    }
  }
}

/// One step of a module instance address: `module.<call>` with an optional instance key.
struct TerraformModuleStep: Hashable, Sendable {
  /// The module call name (`logs` in `module.logs["a"]`).
  let call: String
  /// The instance key, if the call uses `count` or `for_each`.
  let key: TerraformInstanceKey?
  /// The module instance address up to and including this step, exactly as written.
  let address: String
}

/// A parsed resource instance address: `module.a["x"].data.aws_region.current[0]`.
struct TerraformResourceAddress: Hashable, Sendable {
  /// The module instance the resource lives in (empty for the root module).
  let module: [TerraformModuleStep]
  /// `managed` or `data`.
  let mode: String
  /// The resource type (`aws_s3_bucket`).
  let type: String
  /// The resource name (`logs`).
  let name: String
  /// The instance key, if any.
  let key: TerraformInstanceKey?

  /// The module-relative address without instance key: `aws_s3_bucket.logs`, `data.aws_region.current`.
  var relative: String { TerraformAddress.relative(mode: mode, type: type, name: name) }
}

/// What a reference in a configuration expression points at.
enum TerraformReferenceTarget: Hashable, Sendable {
  /// A resource or data source in the same module: its module-relative address (`aws_s3_bucket.x`,
  /// `data.aws_region.current`).
  case resource(String)
  /// A child module call of the same module (`module.logs` → `logs`).
  case module(String)
}

/// Parsing of Terraform addresses as they appear in plan JSON.
///
/// Addresses follow Terraform's own syntax: `module.<call>[<key>].` steps, then `data.` for data
/// sources, then `<type>.<name>[<key>]`. Keys are integers or double-quoted strings with escapes.
enum TerraformAddress {
  /// The module-relative address of a resource without instance key.
  static func relative(mode: String, type: String, name: String) -> String {
    mode == "data" ? "data." + type + "." + name : type + "." + name
  }

  /// Parses a module instance address (`module.a["x"].module.b[0]`); "" is the root module.
  ///
  /// - Returns: the steps, or nil when `text` is not a module instance address.
  static func parseModule(_ text: String) -> [TerraformModuleStep]? {
    if text.isEmpty { return [] }
    var scanner = AddressScanner(text)
    var steps: [TerraformModuleStep] = []
    while true {
      guard let step = scanner.moduleStep() else { return nil }
      steps.append(step)
      if scanner.atEnd { return steps }
      guard scanner.take(UInt8(ascii: ".")) else { return nil }
    }
  }

  /// Parses a resource instance address (`module.a.aws_s3_bucket.b["k"]`, `data.aws_region.r`).
  ///
  /// - Returns: the parsed address, or nil when `text` is not a resource instance address.
  static func parseResource(_ text: String) -> TerraformResourceAddress? {
    var scanner = AddressScanner(text)
    var steps: [TerraformModuleStep] = []
    while scanner.peekModuleStep() {
      guard let step = scanner.moduleStep(), scanner.take(UInt8(ascii: ".")) else { return nil }
      steps.append(step)
    }
    guard var first = scanner.identifier() else { return nil }
    var mode = "managed"
    if first == "data" {
      mode = "data"
      guard scanner.take(UInt8(ascii: ".")), let type = scanner.identifier() else { return nil }
      first = type
    }
    guard scanner.take(UInt8(ascii: ".")), let name = scanner.identifier() else { return nil }
    var key: TerraformInstanceKey?
    if scanner.peek == UInt8(ascii: "[") {
      guard let parsed = scanner.instanceKey() else { return nil }
      key = parsed
    }
    guard scanner.atEnd else { return nil }
    return TerraformResourceAddress(module: steps, mode: mode, type: first, name: name, key: key)
  }

  /// The roots of reference traversals that never name a resource or module.
  private static let nonResourceRoots: Set<String> = [
    "var", "local", "each", "count", "path", "self", "terraform", "ephemeral", "check", "resource", "action",
  ]

  /// What a configuration reference (`aws_security_group.bastion.id`, `module.logs.arn`,
  /// `data.aws_region.current.name`) points at, or nil for `var.`, `local.`, `each.`, `count.`,
  /// `path.` and other references that name no resource or module.
  static func referenceTarget(_ text: String) -> TerraformReferenceTarget? {
    var scanner = AddressScanner(text)
    guard let first = scanner.identifier() else { return nil }
    if nonResourceRoots.contains(first) { return nil }
    guard scanner.take(UInt8(ascii: ".")), let second = scanner.identifier() else { return nil }
    if first == "module" { return .module(second) }
    if first == "data" {
      guard scanner.take(UInt8(ascii: ".")), let name = scanner.identifier() else { return nil }
      return .resource("data." + second + "." + name)
    }
    return .resource(first + "." + second)
  }

  /// Splits a variable reference (`var.cfg["region"]`, `var.regions[0]`, `var.a.b`) into the
  /// variable's name and the traversal applied to its value.
  ///
  /// - Returns: nil when `text` is not a well-formed `var.` reference.
  static func variableReference(_ text: String) -> (name: String, path: [PathComponent])? {
    var scanner = AddressScanner(text)
    guard scanner.identifier() == "var", scanner.take(UInt8(ascii: ".")), let name = scanner.identifier() else {
      return nil
    }
    var path: [PathComponent] = []
    while !scanner.atEnd {
      if scanner.take(UInt8(ascii: ".")) {
        guard let key = scanner.identifier() else { return nil }
        path.append(.key(key))
      } else if scanner.peek == UInt8(ascii: "[") {
        switch scanner.instanceKey() {
        case .int(let i)?: path.append(.index(i))
        case .string(let s)?: path.append(.key(s))
        case nil: return nil
        }
      } else {
        return nil
      }
    }
    return (name, path)
  }

  /// Whether `shorter` is a traversal prefix of `longer` (`var.a` of `var.a.b` or `var.a[0]`).
  static func isTraversalPrefix(_ shorter: String, of longer: String) -> Bool {
    guard longer.utf8.count > shorter.utf8.count, longer.hasPrefix(shorter) else { return false }
    let next = longer.utf8[longer.utf8.index(longer.utf8.startIndex, offsetBy: shorter.utf8.count)]
    return next == UInt8(ascii: ".") || next == UInt8(ascii: "[")
  }
}

/// A cursor over an address's UTF-8 bytes.
private struct AddressScanner {
  let text: String
  let bytes: [UInt8]
  var position = 0

  init(_ text: String) {
    self.text = text
    self.bytes = Array(text.utf8)
  }

  var atEnd: Bool { position >= bytes.count }
  var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

  mutating func take(_ byte: UInt8) -> Bool {
    guard peek == byte else { return false }
    position += 1
    return true
  }

  /// An identifier: one or more bytes that are not `.`, `[`, `]` or `"`.
  mutating func identifier() -> String? {
    let start = position
    while let byte = peek, byte != UInt8(ascii: "."), byte != UInt8(ascii: "["), byte != UInt8(ascii: "]"),
      byte != UInt8(ascii: "\"")
    {
      position += 1
    }
    guard position > start else { return nil }
    return String(decoding: bytes[start..<position], as: UTF8.self)
  }

  /// Whether the bytes ahead start with `module.`.
  func peekModuleStep() -> Bool {
    let word = Array("module.".utf8)
    guard position + word.count <= bytes.count else { return false }
    for i in 0..<word.count where bytes[position + i] != word[i] { return false }
    return true
  }

  /// `module.<call>` with an optional `[key]`.
  mutating func moduleStep() -> TerraformModuleStep? {
    guard identifier() == "module", take(UInt8(ascii: ".")), let call = identifier() else { return nil }
    var key: TerraformInstanceKey?
    if peek == UInt8(ascii: "[") {
      guard let parsed = instanceKey() else { return nil }
      key = parsed
    }
    let address = String(decoding: bytes[0..<position], as: UTF8.self)
    return TerraformModuleStep(call: call, key: key, address: address)
  }

  /// `[<int>]` or `["<string>"]`.
  mutating func instanceKey() -> TerraformInstanceKey? {
    guard take(UInt8(ascii: "[")) else { return nil }
    if take(UInt8(ascii: "\"")) {
      guard let string = quotedRest(), take(UInt8(ascii: "]")) else { return nil }
      return .string(string)
    }
    let start = position
    if peek == UInt8(ascii: "-") { position += 1 }
    while let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { position += 1 }
    guard let value = Int(String(decoding: bytes[start..<position], as: UTF8.self)), take(UInt8(ascii: "]")) else {
      return nil
    }
    return .int(value)
  }

  /// The rest of a double-quoted string after its opening quote, escapes decoded.
  mutating func quotedRest() -> String? {
    var out: [UInt8] = []
    while let byte = peek {
      position += 1
      if byte == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
      guard byte == UInt8(ascii: "\\") else {
        out.append(byte)
        continue
      }
      guard let escaped = peek else { return nil }
      position += 1
      switch escaped {
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "u"):
        guard position + 4 <= bytes.count,
          let scalarValue = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16),
          let scalar = Unicode.Scalar(scalarValue)
        else { return nil }
        position += 4
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
      default: out.append(escaped)
      }
    }
    return nil
  }
}
