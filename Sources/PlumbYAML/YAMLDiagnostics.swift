import PlumbDiagnostics

/// The loader's diagnostic codes and messages, alphabetised.
enum YAMLDiagnostics {
  static func aliasBudgetExceeded(limit: Int) -> (String, String) {
    ("yaml.alias-budget", "aliases expand to more than \(limit) nodes; refusing to expand further (a 'billion laughs' input?)")
  }
  static func aliasBytesExceeded(budget: Int, fileBytes: Int, limits: YAMLLimits) -> (String, String) {
    (
      "yaml.alias-bytes",
      "aliases expand to more than \(budget) bytes of text, the limit for this \(fileBytes)-byte file "
        + "(\(limits.aliasExpansionBytesPerFileByte) times its size, at least \(limits.minAliasExpansionBytes), "
        + "at most \(limits.maxAliasExpansionBytes) bytes); refusing to expand further"
    )
  }
  static func badMergeValue() -> (String, String) {
    ("yaml.merge-value", "the value of a merge key '<<' must be a mapping or a sequence of mappings")
  }
  static func documentTooLarge(size: Int, limit: Int) -> (String, String) {
    ("yaml.document-size", "file is \(size) bytes, more than the limit of \(limit) bytes")
  }
  static func duplicateKey(_ key: String) -> (String, String) {
    ("yaml.duplicate-key", "duplicate key '\(key)' in mapping; the later value is used")
  }
  static func invalidTaggedValue(tag: String, text: String) -> (String, String) {
    ("yaml.tag-value", "'\(text)' is not a valid value for tag '\(tag)'; kept as a string")
  }
  static func nestingTooDeep(limit: Int) -> (String, String) {
    ("yaml.depth", "nesting deeper than \(limit) levels")
  }
  static func recursiveAlias(_ name: String) -> (String, String) {
    ("yaml.recursive-alias", "alias '*\(name)' refers to a node that contains it")
  }
  static func syntax(_ problem: String) -> (String, String) {
    ("yaml.syntax", problem)
  }
  static func undefinedAlias(_ name: String) -> (String, String) {
    ("yaml.undefined-alias", "alias '*\(name)' refers to an anchor that is not defined before it")
  }
  static func unreadable(_ reason: String) -> (String, String) {
    ("io.unreadable", reason)
  }
  static func unsupportedEncoding(_ name: String) -> (String, String) {
    ("yaml.encoding", "file is \(name); Plumb reads UTF-8 only")
  }
}
