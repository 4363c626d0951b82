import PlumbDiagnostics
import PlumbYAML

/// Why a fix cannot be made; said to the user instead of guessing.
public struct FixRefusal: Error, Sendable, Equatable, CustomStringConvertible {
  public var reason: String
  public init(_ reason: String) { self.reason = reason }
  public var description: String { reason }
}

/// A step of a path inside a YAML document.
public enum DocumentStep: Hashable, Sendable, CustomStringConvertible {
  case key(String)
  case index(Int)
  public var description: String {
    switch self {
    case .key(let k): return k
    case .index(let i): return "[\(i)]"
    }
  }
}

/// A YAML file loaded for editing: its nodes with their parents, anchors that aliases use, and the
/// file's writing conventions.
///
/// The file is loaded from the same bytes, with the same limits, as the document graph's copy, so
/// node indexes are the same in both and a graph value's node is found here by its index.
public final class YAMLFile: @unchecked Sendable {
  /// The path shown to the user (relative to the root).
  public let path: String
  /// The file's bytes.
  public let bytes: [UInt8]
  /// Line facts.
  public let lines: Lines
  /// What the loader produced.
  public let result: YAMLLoadResult
  /// How the file writes YAML.
  public private(set) var conventions = YAMLConventions()

  /// Nodes by index (each written node once; aliases are not nodes of their own).
  private(set) var nodes: [Int: YAMLNode] = [:]
  /// The parent of each node.
  private(set) var parents: [Int: Int] = [:]
  /// The document each node belongs to.
  private(set) var documentOf: [Int: Int] = [:]
  /// For anchored nodes that aliases (or merge keys) use: where they are used.
  private(set) var aliasUses: [Int: [SourceSpan]] = [:]

  /// Loads `bytes` as `path`.
  public init(path: String, bytes: [UInt8], limits: YAMLLimits = .default) {
    self.path = path
    self.bytes = bytes
    self.lines = Lines(bytes)
    self.result = YAMLLoader(limits: limits).load(SourceFile(path: path, bytes: bytes))
    index()
    detectConventions()
  }

  // MARK: Index

  private func index() {
    var mergedKeys: [(key: Int, user: SourceSpan)] = []
    for (documentIndex, document) in result.documents.enumerated() {
      var stack: [(node: YAMLNode, parent: Int?)] = [(document.root, nil)]
      while let (node, parent) = stack.popLast() {
        if node.isAlias {
          aliasUses[node.index, default: []].append(node.aliasSpan ?? node.span)
          continue
        }
        guard nodes[node.index] == nil else { continue }
        nodes[node.index] = node
        documentOf[node.index] = documentIndex
        if let parent { parents[node.index] = parent }
        switch node.kind {
        case .scalar: break
        case .sequence:
          for element in node.elements.reversed() { stack.append((element, node.index)) }
        case .mapping:
          for pair in node.pairs.reversed() {
            if !Self.isOwn(pair, of: node) {
              mergedKeys.append((pair.key.index, node.span))
              continue
            }
            stack.append((pair.value, node.index))
            stack.append((pair.key, node.index))
          }
        }
      }
    }
    for (key, user) in mergedKeys {
      if let mapping = parents[key] { aliasUses[mapping, default: []].append(user) }
    }
    for key in aliasUses.keys { aliasUses[key]?.sort { $0.start.offset < $1.start.offset } }
  }

  /// Whether `pair` is written in `mapping` itself (not merged in through `<<`).
  static func isOwn(_ pair: YAMLPair, of mapping: YAMLNode) -> Bool {
    let range = mapping.byteRange
    return pair.key.byteRange.lowerBound >= range.lowerBound && pair.key.byteRange.upperBound <= range.upperBound
      && !pair.key.isAlias
  }

  /// The pairs written in `mapping` itself.
  public func ownPairs(_ mapping: YAMLNode) -> [YAMLPair] {
    mapping.pairs.filter { Self.isOwn($0, of: mapping) }
  }

  /// This file's copy of a node of the graph's copy of the file.
  public func node(matching other: YAMLNode) -> YAMLNode? {
    guard let node = nodes[other.index], node.kind == other.kind, node.byteRange == other.byteRange else { return nil }
    return node
  }

  /// The parent of `node`.
  public func parent(of node: YAMLNode) -> YAMLNode? {
    parents[node.index].flatMap { nodes[$0] }
  }

  /// The mapping pair whose value is `node`, with the mapping.
  public func pair(holding node: YAMLNode) -> (mapping: YAMLNode, pair: YAMLPair)? {
    guard let parent = parent(of: node), parent.kind == .mapping else { return nil }
    for pair in ownPairs(parent) where pair.value.index == node.index && !pair.value.isAlias { return (parent, pair) }
    return nil
  }

  /// The path from the document root to `node`, and the document's index.
  public func documentPath(_ node: YAMLNode) -> (document: Int, path: [DocumentStep])? {
    guard let document = documentOf[node.index] else { return nil }
    var steps: [DocumentStep] = []
    var current = node
    while let parent = parent(of: current) {
      switch parent.kind {
      case .mapping:
        guard let pair = ownPairs(parent).first(where: { $0.value.index == current.index && !$0.value.isAlias }) else {
          return nil  // a key node
        }
        steps.append(.key(pair.key.string ?? pair.key.rawText))
      case .sequence:
        guard let position = parent.elements.firstIndex(where: { $0.index == current.index && !$0.isAlias }) else {
          return nil
        }
        steps.append(.index(position))
      case .scalar: return nil
      }
      current = parent
    }
    return (document, steps.reversed())
  }

  /// Whether `node` sits inside a flow collection (or is one).
  public func isInFlow(_ node: YAMLNode) -> Bool {
    var current: YAMLNode? = node.kind == .scalar ? parent(of: node) : node
    while let candidate = current {
      if candidate.style == .flow { return true }
      current = parent(of: candidate)
    }
    return false
  }

  /// Why `node` must not be edited: it, or a collection holding it, is an anchor that aliases or
  /// merge keys use elsewhere, so the edit would change every use. Nil when it is free to edit.
  public func anchorProblem(_ node: YAMLNode) -> String? {
    var current: YAMLNode? = node
    while let candidate = current {
      if let uses = aliasUses[candidate.index], !uses.isEmpty {
        let name = candidate.anchor.map { "&\($0)" } ?? "an anchor"
        let places = uses.map { "line \($0.start.line)" }.joined(separator: ", ")
        return "the value is inside \(name) (line \(candidate.span.start.line)), which is also used at \(places): "
          + "editing it would change every use; edit the anchor by hand or write the value out where it is used"
      }
      current = parent(of: candidate)
    }
    return nil
  }

  /// The entity's own mapping: the outermost mapping ending where `location` ends and starting
  /// inside it (a job's location runs from its key to the end of its mapping).
  public func mapping(at location: SourceLocation) -> YAMLNode? {
    let start = location.span.start.offset
    let end = location.span.end.offset
    var best: YAMLNode?
    for node in nodes.values where node.kind == .mapping {
      let range = node.byteRange
      guard range.upperBound == end, range.lowerBound >= start else { continue }
      if best == nil || range.lowerBound < best!.byteRange.lowerBound { best = node }
    }
    return best
  }

  // MARK: Geometry

  /// The bytes where the node is written: an alias's own `*name`, not its anchor's node.
  public func extent(_ node: YAMLNode) -> Range<Int> {
    node.aliasSpan.map { $0.start.offset..<$0.end.offset } ?? node.byteRange
  }

  /// The node's column (0-based, in characters), which is its indentation for lines written below.
  public func column(_ node: YAMLNode) -> Int { (node.aliasSpan ?? node.span).start.column - 1 }

  /// The end of the node's last character that is not white space (block scalars' spans run on
  /// through trailing line breaks).
  public func contentEnd(_ node: YAMLNode) -> Int {
    let range = extent(node)
    return max(range.lowerBound, lines.endOfContent(before: range.upperBound))
  }

  /// Why the node must not be replaced or removed: an anchor inside it is used by an alias outside
  /// it, or (for replacements that rewrite the text after the key) it carries an anchor or a tag.
  public func removalProblem(_ node: YAMLNode, keepsProperties: Bool = false) -> String? {
    if !keepsProperties, !node.isAlias, node.anchor != nil || node.tag != nil {
      let what = node.anchor.map { "the anchor &\($0)" } ?? "the tag \(node.tag!)"
      return "it carries \(what) (line \(node.span.start.line)): edit it by hand"
    }
    let range = extent(node)
    var stack = [node]
    while let current = stack.popLast() {
      if current.isAlias { continue }
      if let uses = aliasUses[current.index],
        let outside = uses.first(where: { $0.start.offset < range.lowerBound || $0.end.offset > range.upperBound })
      {
        let name = current.anchor.map { "&\($0)" } ?? "an anchor"
        return "it holds \(name) (line \(current.span.start.line)), which is used at line \(outside.start.line): "
          + "removing or replacing it would break that alias"
      }
      switch current.kind {
      case .scalar: break
      case .sequence: stack += current.elements
      case .mapping:
        for pair in ownPairs(current) { stack += [pair.key, pair.value] }
      }
    }
    return nil
  }

  /// Whether a mapping merges others in (`<<:`), so that removing a key may uncover a merged value.
  func hasMergeKey(_ mapping: YAMLNode) -> Bool {
    mapping.pairs.contains { !Self.isOwn($0, of: mapping) } || lines.text(extent(mapping)).contains("<<")
  }

  /// Whether a block scalar keeps its trailing line breaks (`|+`, `>+`).
  func keepsTrailingBreaks(_ node: YAMLNode) -> Bool {
    guard !node.isAlias, node.kind == .scalar, node.style == .literal || node.style == .folded else { return false }
    let end = lines.lineEnd(node.byteRange.lowerBound)
    return lines.text(node.byteRange.lowerBound..<end).split(separator: "#").first?.contains("+") ?? false
  }

  /// Where lines go after `node`: the end of its last line (before the line break; after a trailing
  /// comment), or, for a block scalar that keeps its trailing breaks, the start of the line after it.
  func insertionPoint(after node: YAMLNode) -> (offset: Int, atLineStart: Bool) {
    if keepsTrailingBreaks(node) {
      let end = node.byteRange.upperBound
      if end == lines.lineStart(end) && end > 0 { return (end, true) }
    }
    return (lines.lineEnd(contentEnd(node)), false)
  }

  /// The offset just past the `:` that follows a mapping key.
  func colonAfter(_ key: YAMLNode) -> Int? {
    var i = key.byteRange.upperBound
    while i < bytes.count {
      switch bytes[i] {
      case UInt8(ascii: ":"): return i + 1
      case 0x20, 0x09, 0x0A, 0x0D: i += 1
      default: return nil
      }
    }
    return nil
  }

  /// The `# comment` on the line of `offset`, at or after it, with the white space before it.
  func trailingComment(from offset: Int) -> Range<Int>? {
    let end = lines.lineEnd(offset)
    var i = offset
    var quote: UInt8?
    while i < end {
      let b = bytes[i]
      if let q = quote {
        if b == q { quote = nil }
      } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
        quote = b
      } else if b == UInt8(ascii: "#") && (i == 0 || bytes[i - 1] == 0x20 || bytes[i - 1] == 0x09) {
        var start = i
        while start > offset && (bytes[start - 1] == 0x20 || bytes[start - 1] == 0x09) { start -= 1 }
        return start..<end
      }
      i += 1
    }
    return nil
  }

  /// Whether the key is the first thing on its line (not after `- ` or `? `).
  func startsLine(_ node: YAMLNode) -> Bool {
    let start = extent(node).lowerBound
    return lines.firstNonSpace(lines.lineStart(start)) == start
      || (start == 3 && bytes.starts(with: [0xEF, 0xBB, 0xBF]) && lines.firstNonSpace(0) == 0)
  }

  // MARK: Conventions

  private func detectConventions() {
    var c = YAMLConventions()
    c.newline = lines.newline
    var steps: [Int: Int] = [:]
    var sequenceIndents: [Int: Int] = [:]
    var single = 0
    var double = 0
    for node in nodes.values {
      switch node.style {
      case .singleQuoted: single += 1
      case .doubleQuoted: double += 1
      default: break
      }
      guard node.kind == .mapping, node.style == .block else { continue }
      for pair in ownPairs(node) where pair.value.style == .block && startsLine(pair.key) {
        let parentColumn = column(pair.key)
        if pair.value.kind == .mapping, let first = ownPairs(pair.value).first, startsLine(first.key) {
          let step = column(first.key) - parentColumn
          if step > 0 { steps[step, default: 0] += 1 }
        } else if pair.value.kind == .sequence {
          sequenceIndents[column(pair.value) - parentColumn, default: 0] += 1
        }
      }
    }
    if let step = Self.mode(steps) { c.indentStep = step }
    c.sequenceIndent = Self.mode(sequenceIndents) ?? c.indentStep
    if single > double { c.quote = "'" }
    // Spaces before trailing comments.
    var gaps: [Int: Int] = [:]
    var lineStart = 0
    while lineStart < bytes.count {
      let end = lines.lineEnd(lineStart)
      if !lines.isCommentLine(lineStart), let comment = trailingComment(from: lines.firstNonSpace(lineStart)) {
        var gap = 0
        var i = comment.lowerBound
        while i < comment.upperBound && bytes[i] != UInt8(ascii: "#") {
          gap += 1
          i += 1
        }
        if gap > 0 { gaps[gap, default: 0] += 1 }
      }
      guard end < bytes.count else { break }
      lineStart = lines.afterBreak(end)
    }
    c.commentGap = Self.mode(gaps) ?? 2
    conventions = c
  }

  /// The most frequent key (the smallest on a tie); nil when empty.
  static func mode(_ counts: [Int: Int]) -> Int? {
    counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key
  }
}
