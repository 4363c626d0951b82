import PlumbGraph

/// A Backstage entity reference, `[<kind>:][<namespace>/]<name>`, with the defaults applied.
///
/// Parsing follows `parseEntityRef` in `@backstage/catalog-model` (`ref.ts`) exactly: the first
/// `:` separates the kind unless a `/` comes before it, the first `/` separates the namespace, and
/// a part that is present but empty makes the reference malformed. Comparison is
/// case-insensitive: ``canonical`` lower-cases every part, the way `stringifyEntityRef` does.
public struct CatalogEntityRef: Hashable, Sendable, CustomStringConvertible {
  /// The kind, as written or defaulted (`Group`, `component`, …).
  public let kind: String
  /// The namespace, as written or defaulted.
  public let namespace: String
  /// The name, as written.
  public let name: String

  /// Creates a reference from its parts.
  public init(kind: String, namespace: String, name: String) {
    self.kind = kind
    self.namespace = namespace
    self.name = name
  }

  /// `kind:namespace/name`, all lower-cased: Backstage's canonical string form.
  public var canonical: String {
    kind.lowercased() + ":" + namespace.lowercased() + "/" + name.lowercased()
  }

  /// The graph id of the entity this reference names: `catalog:` + ``canonical``.
  public var entityID: EntityID { EntityID("catalog:" + canonical) }

  public var description: String { canonical }

  /// Why a reference could not be parsed. ``message`` is worded like Backstage's errors.
  public enum ParseError: Error, Hashable, Sendable {
    /// The reference is the empty string.
    case empty
    /// A part is present but empty (`:name`, `kind:/name`, `ns/`).
    case malformed(String)
    /// No kind was written and the field has no default kind.
    case missingKind(String)
    /// The namespace is empty after defaults.
    case missingNamespace(String)
    /// The name is empty.
    case missingName(String)

    /// The diagnostic text (Backstage's wording, with Plumb's quoting).
    public var message: String {
      switch self {
      case .empty:
        return "entity reference must not be empty"
      case .malformed(let ref):
        return "entity reference '\(ref)' was not on the form [<kind>:][<namespace>/]<name>"
      case .missingKind(let ref):
        return "entity reference '\(ref)' had missing or empty kind (e.g. did not start with 'component:' or similar)"
      case .missingNamespace(let ref):
        return "entity reference '\(ref)' had missing or empty namespace"
      case .missingName(let ref):
        return "entity reference '\(ref)' had missing or empty name"
      }
    }
  }

  /// Parses `text` with Backstage's algorithm, filling in `defaultKind` (per field; nil when the
  /// field has none, like `dependsOn`) and `defaultNamespace` (the referring entity's namespace;
  /// `default` when nil or empty).
  public static func parse(
    _ text: String, defaultKind: String?, defaultNamespace: String?
  ) -> Result<CatalogEntityRef, ParseError> {
    if text.isEmpty { return .failure(.empty) }
    var colon = text.firstIndex(of: ":")
    let slash = text.firstIndex(of: "/")
    // A `/` before the `:` means the rest, colon included, is the name (`ns/a:b`).
    if let s = slash, let c = colon, s < c { colon = nil }

    let kind: Substring? = colon.map { text[text.startIndex..<$0] }
    let namespace: Substring? = slash.map { s in
      let start = colon.map { text.index(after: $0) } ?? text.startIndex
      return start <= s ? text[start..<s] : text[s..<s]
    }
    let nameStart: String.Index = {
      let afterColon = colon.map { text.index(after: $0) } ?? text.startIndex
      let afterSlash = slash.map { text.index(after: $0) } ?? text.startIndex
      return max(afterColon, afterSlash)
    }()
    let name = text[nameStart...]
    if kind?.isEmpty == true || namespace?.isEmpty == true || name.isEmpty {
      return .failure(.malformed(text))
    }

    let effectiveKind = kind.map(String.init) ?? defaultKind
    let effectiveNamespace: String? = {
      if let namespace { return String(namespace) }
      if let defaultNamespace, !defaultNamespace.isEmpty { return defaultNamespace }
      return "default"
    }()
    guard let effectiveKind, !effectiveKind.isEmpty else { return .failure(.missingKind(text)) }
    guard let effectiveNamespace, !effectiveNamespace.isEmpty else {
      return .failure(.missingNamespace(text))
    }
    return .success(CatalogEntityRef(kind: effectiveKind, namespace: effectiveNamespace, name: String(name)))
  }
}
