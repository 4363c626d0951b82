import PlumbYAML

/// Where a new key goes in a block mapping: after the first of `after` that is present, else
/// before the first of `before` that is present, else after the last key.
public struct InsertionHint: Sendable, Equatable {
  public var after: [String]
  public var before: [String]
  public init(after: [String] = [], before: [String] = []) {
    self.after = after
    self.before = before
  }
  public static let end = InsertionHint()
}

/// Edits of a YAML file as byte-span replacements: only the bytes of the changed node (or the
/// lines of an added or removed entry) change; comments, blank lines, indentation, quoting, key
/// order, line breaks, a byte order mark and a missing final newline are kept.
extension YAMLFile {
  var nl: String { conventions.newline }

  func spaces(_ n: Int) -> String { String(repeating: " ", count: max(0, n)) }

  /// The text that puts `lines` on new lines at an insertion point.
  func linesText(_ newLines: [String], atLineStart: Bool, blankAfter: Bool = false) -> String {
    let body = newLines.joined(separator: nl)
    return atLineStart ? body + nl + (blankAfter ? nl : "") : nl + body
  }

  // MARK: Set

  /// Sets `node` (a mapping value, a sequence element) to `value`, changing as little as possible:
  /// a scalar's bytes, the entries of a mapping that differ, or the whole value.
  public func set(_ node: YAMLNode, to value: FixValue) throws -> [TextEdit] {
    if Canonical(node) == Canonical(value) { return [] }
    let inFlow = isInFlow(node) || node.style == .flow
    switch (node.kind, value.isCollection && !value.isEmptyCollection) {
    case (.scalar, false):
      return [try setScalar(node, to: value, inFlow: isInFlow(node))]
    case (.scalar, true):
      if inFlow { return [scalarEdit(node, YAMLRender.flow(value, preferred: conventions.quote))] }
      return [try replaceWithBlock(node, value)]
    case (_, false):
      let text = YAMLRender.scalar(value, inFlow: isInFlow(node), preferred: conventions.quote) ?? ""
      if node.style == .flow {
        if let problem = removalProblem(node, keepsProperties: true) { throw FixRefusal(problem) }
        return [TextEdit(range: node.byteRange, text: text)]
      }
      return [try replaceBlockCollection(node, withInline: text)]
    case (.mapping, true):
      if case .map(let entries) = value, let merged = try mergeMapping(node, entries) { return merged }
      fallthrough
    default:
      if inFlow {
        if let problem = removalProblem(node, keepsProperties: true) { throw FixRefusal(problem) }
        return [TextEdit(range: node.byteRange, text: YAMLRender.flow(value, preferred: conventions.quote))]
      }
      return [try replaceWithBlock(node, value)]
    }
  }

  /// A scalar replaced by a scalar, keeping its quote style where the new value allows it.
  func setScalar(_ node: YAMLNode, to value: FixValue, inFlow: Bool) throws -> TextEdit {
    if node.style == .literal || node.style == .folded {
      var text = YAMLRender.scalar(value, inFlow: false, preferred: conventions.quote) ?? ""
      if case .string(let s) = value, s.contains("\n"), node.style == .literal {
        let indent = blockScalarIndent(node) ?? (parentColumn(node) + conventions.indentStep)
        if let literal = YAMLRender.literal(s, indent: indent, newline: nl) { text = literal }
      }
      return TextEdit(range: node.byteRange.lowerBound..<contentEnd(node), text: text)
    }
    if node.byteRange.isEmpty, node.anchor != nil || node.tag != nil {
      throw FixRefusal("the empty value at line \(node.span.start.line) carries an anchor or a tag: edit it by hand")
    }
    var original: YAMLStyle?
    if case .string = value { original = node.style }
    let text = YAMLRender.scalar(value, inFlow: inFlow, original: original, preferred: conventions.quote) ?? ""
    return scalarEdit(node, text)
  }

  /// The indentation of a block scalar's content lines.
  func blockScalarIndent(_ node: YAMLNode) -> Int? {
    guard let first = lines.nextLineStart(node.byteRange.lowerBound), first < node.byteRange.upperBound else { return nil }
    var line = first
    while line < node.byteRange.upperBound {
      if !lines.isBlank(line) { return lines.indentation(line) }
      guard let next = lines.nextLineStart(line) else { break }
      line = next
    }
    return nil
  }

  /// The column of the key (or `-`) a node hangs from.
  func parentColumn(_ node: YAMLNode) -> Int {
    if let (_, pair) = pair(holding: node) { return column(pair.key) }
    if let parent = parent(of: node), parent.kind == .sequence { return column(parent) }
    return 0
  }

  /// Replaces a scalar's bytes with `text`; an empty scalar (`key:` with nothing) gets a space.
  func scalarEdit(_ node: YAMLNode, _ text: String) -> TextEdit {
    guard node.byteRange.isEmpty else { return TextEdit(range: node.byteRange, text: text) }
    let start = node.byteRange.lowerBound
    var end = start
    while end < bytes.count && (bytes[end] == 0x20 || bytes[end] == 0x09) { end += 1 }
    let previous = start > 0 ? bytes[start - 1] : 0x20
    let prefix = previous == UInt8(ascii: ":") || previous == UInt8(ascii: "-") ? " " : ""
    let followedByComment = end < bytes.count && bytes[end] == UInt8(ascii: "#")
    return TextEdit(range: start..<end, text: prefix + text + (followedByComment ? " " : ""))
  }

  /// A scalar (possibly empty) replaced by a block collection written below its key or dash.
  func replaceWithBlock(_ node: YAMLNode, _ value: FixValue) throws -> TextEdit {
    if let problem = removalProblem(node) { throw FixRefusal(problem) }
    if let (_, pair) = pair(holding: node) {
      guard let colon = colonAfter(pair.key) else { throw FixRefusal("cannot find the ':' after '\(pair.key.rawText)'") }
      let indent: Int
      if case .list = value {
        indent = column(pair.key) + conventions.sequenceIndent
      } else {
        indent = column(pair.key) + conventions.indentStep
      }
      let newLines = YAMLRender.blockLines(value, indent: indent, conventions)
      let keyLineEnd = lines.lineEnd(colon)
      let blockish = node.kind != .scalar || node.style == .literal || node.style == .folded
      let valueLast = node.byteRange.isEmpty ? colon : blockish ? contentEnd(node) : max(node.byteRange.upperBound, colon)
      let lastLineEnd = max(lines.lineEnd(valueLast), keyLineEnd)
      // Comments on the key's line and after a scalar stay, before the new lines.
      var kept = trailingComment(from: colon).map { lines.text($0) } ?? ""
      if !blockish && valueLast > keyLineEnd, let comment = trailingComment(from: valueLast) {
        kept += lines.text(comment)
      }
      return TextEdit(range: colon..<lastLineEnd, text: kept + nl + newLines.joined(separator: nl))
    }
    if let parent = parent(of: node), parent.kind == .sequence {
      let indent = column(node)
      var newLines = YAMLRender.blockLines(value, indent: indent, conventions)
      if case .list = value { newLines = [YAMLRender.flow(value, preferred: conventions.quote)] }
      newLines[0] = String(newLines[0].drop { $0 == " " })
      let end = node.kind == .scalar && node.style != .literal && node.style != .folded
        ? node.byteRange.upperBound : contentEnd(node)
      return TextEdit(range: node.byteRange.lowerBound..<end, text: newLines.joined(separator: nl))
    }
    throw FixRefusal("cannot replace the document's root")
  }

  /// A block collection replaced by a scalar (or `{}`/`[]`) on its key's line.
  func replaceBlockCollection(_ node: YAMLNode, withInline text: String) throws -> TextEdit {
    if let problem = removalProblem(node) { throw FixRefusal(problem) }
    let end = lines.lineEnd(contentEnd(node))
    if let (_, pair) = pair(holding: node) {
      guard let colon = colonAfter(pair.key) else { throw FixRefusal("cannot find the ':' after '\(pair.key.rawText)'") }
      let keyComment = trailingComment(from: colon).map { lines.text($0) } ?? ""
      let keyLineEnd = lines.lineEnd(colon)
      return TextEdit(range: colon..<max(end, keyLineEnd), text: " " + text + (keyLineEnd < end ? keyComment : ""))
    }
    if let parent = parent(of: node), parent.kind == .sequence {
      return TextEdit(range: node.byteRange.lowerBound..<end, text: text)
    }
    throw FixRefusal("cannot replace the document's root")
  }

  /// Setting a mapping to a map by editing only the entries that differ; nil when entries must go
  /// (the whole value is replaced then).
  func mergeMapping(_ node: YAMLNode, _ entries: [FixValue.Entry]) throws -> [TextEdit]? {
    let own = ownPairs(node)
    let wanted = Set(entries.map(\.key))
    if node.pairs.contains(where: { !wanted.contains($0.key.string ?? $0.key.rawText) }) { return nil }
    var edits: [TextEdit] = []
    var missing: [FixValue.Entry] = []
    for entry in entries {
      if let pair = own.first(where: { ($0.key.string ?? $0.key.rawText) == entry.key }) {
        if let problem = anchorProblem(pair.value), Canonical(pair.value) != Canonical(entry.value) {
          throw FixRefusal(problem)
        }
        edits += try set(pair.value, to: entry.value)
      } else {
        missing.append(entry)
      }
    }
    if !missing.isEmpty { edits.append(try insert(missing, into: node, hint: .end)) }
    return edits
  }

  // MARK: Insert

  /// Adds entries to a mapping: in a flow mapping after its last entry, in a block mapping as new
  /// lines at its keys' indentation, placed by `hint`.
  public func insert(_ entries: [FixValue.Entry], into mapping: YAMLNode, hint: InsertionHint) throws -> TextEdit {
    guard mapping.kind == .mapping else { throw FixRefusal("'\(mapping.rawText)' is not a mapping") }
    let label = "keys:" + entries.map(\.key).joined(separator: ",")
    let own = ownPairs(mapping)
    if mapping.style == .flow || isInFlow(mapping) {
      let text = entries.map {
        YAMLRender.key($0.key, inFlow: true, preferred: conventions.quote) + ": "
          + YAMLRender.flow($0.value, preferred: conventions.quote)
      }.joined(separator: ", ")
      if let last = own.last {
        let end = extent(last.value).upperBound
        return TextEdit(range: end..<end, text: ", " + text, entry: label)
      }
      let open = mapping.byteRange.lowerBound + 1
      return TextEdit(range: open..<open, text: text, entry: label)
    }
    guard let first = own.first else { throw FixRefusal("the mapping has no entries of its own to align with") }
    let indent = column(first.key)
    let newLines = entries.flatMap { YAMLRender.entryLines(key: $0.key, value: $0.value, indent: indent, conventions) }
    func named(_ name: String) -> YAMLPair? { own.first { ($0.key.string ?? $0.key.rawText) == name } }
    for name in hint.after {
      if let pair = named(name) { return insertLines(newLines, after: pair.value, label: label) }
    }
    for name in hint.before {
      if let pair = named(name), startsLine(pair.key) {
        var start = lines.lineStart(pair.key.byteRange.lowerBound)
        while let previous = lines.previousLineStart(start), lines.isCommentLine(previous) { start = previous }
        let blankBefore = lines.previousLineStart(start).map(lines.isBlank) ?? false
        return TextEdit(
          range: start..<start, text: linesText(newLines, atLineStart: true, blankAfter: blankBefore), entry: label)
      }
    }
    return insertLines(newLines, after: own.last!.value, label: label)
  }

  func insertLines(_ newLines: [String], after node: YAMLNode, label: String) -> TextEdit {
    let point = insertionPoint(after: node)
    return TextEdit(
      range: point.offset..<point.offset, text: linesText(newLines, atLineStart: point.atLineStart), entry: label)
  }

  // MARK: Append

  /// Adds an item at the end of a sequence; nothing when an equal item is already there.
  public func append(_ value: FixValue, to sequence: YAMLNode) throws -> [TextEdit] {
    guard sequence.kind == .sequence else { throw FixRefusal("'\(sequence.rawText)' is not a list") }
    if sequence.elements.contains(where: { Canonical($0) == Canonical(value) }) { return [] }
    let label = "item:" + value.description
    if sequence.style == .flow || isInFlow(sequence) {
      let text = YAMLRender.flow(value, preferred: conventions.quote)
      if let last = sequence.elements.last {
        let end = last.isAlias ? (last.aliasSpan?.end.offset ?? last.byteRange.upperBound) : last.byteRange.upperBound
        return [TextEdit(range: end..<end, text: ", " + text, entry: label)]
      }
      let open = sequence.byteRange.lowerBound + 1
      return [TextEdit(range: open..<open, text: text, entry: label)]
    }
    guard let last = sequence.elements.last else { throw FixRefusal("the list has no items to align with") }
    let newLines = YAMLRender.itemLines(value, dashIndent: column(sequence), conventions)
    let lastNode = last.isAlias ? nil : last
    let point: (offset: Int, atLineStart: Bool) =
      lastNode.map(insertionPoint(after:)) ?? (lines.lineEnd(last.aliasSpan?.end.offset ?? 0), false)
    return [
      TextEdit(range: point.offset..<point.offset, text: linesText(newLines, atLineStart: point.atLineStart), entry: label)
    ]
  }

  // MARK: Remove

  /// Removes a pair of a mapping: its lines (with the comment lines right above it at its
  /// indentation), or `, key: value` in a flow mapping. The last pair leaves `{}`.
  public func remove(_ pair: YAMLPair, from mapping: YAMLNode) throws -> TextEdit {
    let own = ownPairs(mapping)
    guard let position = own.firstIndex(where: { $0.key.index == pair.key.index }) else {
      throw FixRefusal("'\(pair.key.rawText)' comes from a merge key ('<<'); remove it where it is defined")
    }
    if hasMergeKey(mapping) {
      throw FixRefusal("the mapping merges others in ('<<'): removing '\(pair.key.rawText)' could uncover a merged value")
    }
    if let problem = removalProblem(pair.value, keepsProperties: true) { throw FixRefusal(problem) }
    if mapping.style == .flow || isInFlow(mapping) {
      if own.count == 1 { return TextEdit(range: mapping.byteRange, text: "{}") }
      if position > 0 {
        return TextEdit(range: end(of: own[position - 1].value)..<end(of: pair.value), text: "")
      }
      return TextEdit(range: pair.key.byteRange.lowerBound..<own[1].key.byteRange.lowerBound, text: "")
    }
    if own.count == 1 && mapping.pairs.count == 1 { return try emptyCollection(mapping, "{}") }
    if !startsLine(pair.key) {
      guard position + 1 < own.count else { throw FixRefusal("cannot remove '\(pair.key.rawText)' from its line") }
      return TextEdit(range: pair.key.byteRange.lowerBound..<own[position + 1].key.byteRange.lowerBound, text: "")
    }
    return removeLines(from: pair.key, through: pair.value, indent: column(pair.key))
  }

  /// Removes several entries of one mapping together (a fix that removes every matching key), so
  /// their edits never overlap: all of its entries leave `{}`; in flow style each run of
  /// neighbouring entries is one edit; in block style each entry's lines go.
  public func remove(_ pairs: [YAMLPair], from mapping: YAMLNode) throws -> [TextEdit] {
    let own = ownPairs(mapping)
    var positions: [Int] = []
    for pair in pairs {
      guard let position = own.firstIndex(where: { $0.key.index == pair.key.index }) else {
        throw FixRefusal("'\(pair.key.rawText)' comes from a merge key ('<<'); remove it where it is defined")
      }
      if !positions.contains(position) { positions.append(position) }
    }
    positions.sort()
    if positions.count <= 1 { return try positions.map { try remove(own[$0], from: mapping) } }
    if hasMergeKey(mapping) {
      throw FixRefusal("the mapping merges others in ('<<'): removing keys could uncover merged values")
    }
    for position in positions {
      if let problem = removalProblem(own[position].value, keepsProperties: true) { throw FixRefusal(problem) }
    }
    let flow = mapping.style == .flow || isInFlow(mapping)
    if positions.count == own.count && mapping.pairs.count == own.count {
      return [flow ? TextEdit(range: mapping.byteRange, text: "{}") : try emptyCollection(mapping, "{}")]
    }
    guard flow else {
      return try positions.map { position in
        let pair = own[position]
        guard startsLine(pair.key) else { throw FixRefusal("cannot remove '\(pair.key.rawText)' from its line") }
        return removeLines(from: pair.key, through: pair.value, indent: column(pair.key))
      }
    }
    // Runs of neighbouring entries: `, a: 1, b: 2` after a kept entry, or `a: 1, b: 2, ` at the start.
    var runs: [(first: Int, last: Int)] = []
    for position in positions {
      if let last = runs.last, last.last + 1 == position {
        runs[runs.count - 1].last = position
      } else {
        runs.append((position, position))
      }
    }
    return runs.map { run in
      if run.first > 0 {
        return TextEdit(range: end(of: own[run.first - 1].value)..<end(of: own[run.last].value), text: "")
      }
      return TextEdit(range: own[0].key.byteRange.lowerBound..<own[run.last + 1].key.byteRange.lowerBound, text: "")
    }
  }

  /// Removes an item of a sequence: its lines, or `, item` in a flow sequence. The last item
  /// leaves `[]`.
  public func remove(itemAt position: Int, from sequence: YAMLNode) throws -> TextEdit {
    let elements = sequence.elements
    guard position >= 0 && position < elements.count else { throw FixRefusal("no item \(position) in the list") }
    let item = elements[position]
    if let problem = removalProblem(item, keepsProperties: true) { throw FixRefusal(problem) }
    if sequence.style == .flow || isInFlow(sequence) {
      if elements.count == 1 { return TextEdit(range: sequence.byteRange, text: "[]") }
      if position > 0 { return TextEdit(range: end(of: elements[position - 1])..<end(of: item), text: "") }
      return TextEdit(range: start(of: item)..<start(of: elements[1]), text: "")
    }
    if elements.count == 1 { return try emptyCollection(sequence, "[]") }
    let dashLine = lines.lineStart(start(of: item))
    let dash = lines.firstNonSpace(dashLine)
    guard dash < bytes.count, bytes[dash] == UInt8(ascii: "-"), lines.indentation(dashLine) == column(sequence) else {
      throw FixRefusal("cannot remove the item from its line")
    }
    return removeLines(from: item, through: item, indent: column(sequence))
  }

  func start(of node: YAMLNode) -> Int { node.aliasSpan?.start.offset ?? node.byteRange.lowerBound }
  func end(of node: YAMLNode) -> Int { node.aliasSpan?.end.offset ?? node.byteRange.upperBound }

  /// An emptied collection written as `{}` or `[]` on its key's line.
  func emptyCollection(_ node: YAMLNode, _ text: String) throws -> TextEdit {
    if pair(holding: node) == nil, parent(of: node) == nil {
      throw FixRefusal("removing it would leave the document empty")
    }
    return try replaceBlockCollection(node, withInline: text)
  }

  /// Removes the lines from the one holding `first` to the last line of `last`, with the comment
  /// lines right above at the same indentation, and without leaving two blank lines (or a blank
  /// last line) behind. A file without a final newline keeps having none.
  func removeLines(from first: YAMLNode, through last: YAMLNode, indent: Int) -> TextEdit {
    var start = lines.lineStart(extent(first).lowerBound)
    while let previous = lines.previousLineStart(start), lines.isCommentLine(previous),
      lines.indentation(previous) == indent
    {
      start = previous
    }
    let lastEnd = last.isAlias ? end(of: last) : contentEnd(last)
    var end = lines.afterBreak(lines.lineEnd(lastEnd))
    if !last.isAlias, keepsTrailingBreaks(last) { end = max(end, last.byteRange.upperBound) }
    if end >= bytes.count && !lines.endsWithNewline, let previous = lines.previousLineStart(start) {
      // The removed line is the last one and has no line break: take the one before it instead.
      return TextEdit(range: lines.lineEnd(previous)..<bytes.count, text: "")
    }
    let blankBefore = lines.previousLineStart(start).map(lines.isBlank) ?? true
    if blankBefore {
      if end < bytes.count && lines.isBlank(end) {
        end = lines.afterBreak(lines.lineEnd(end))
      } else if end >= bytes.count, let previous = lines.previousLineStart(start) {
        start = previous
      }
    }
    return TextEdit(range: start..<end, text: "")
  }

  // MARK: Comments

  /// Adds ` # text` after `node` when its line has no comment yet (e.g. the tag an action was pinned
  /// from); returns nil when there is one.
  func commentAfter(_ node: YAMLNode, _ text: String) -> String? {
    if trailingComment(from: end(of: node)) != nil { return nil }
    return spaces(conventions.commentGap) + "# " + text
  }

  /// The edit that writes `text` first in the comment already on `node`'s line (`# zizmor:
  /// ignore[…]` becomes `# v4.2.2 zizmor: ignore[…]`), so the pinned tag is still read from it;
  /// nil when the line has no comment or its comment already holds `text` as a word.
  func prefixComment(after node: YAMLNode, _ text: String) -> TextEdit? {
    guard let comment = trailingComment(from: end(of: node)),
      let hash = comment.first(where: { bytes[$0] == UInt8(ascii: "#") })
    else { return nil }
    let body = String(decoding: bytes[(hash + 1)..<comment.upperBound], as: UTF8.self)
    if body.split(whereSeparator: { $0 == " " || $0 == "\t" }).contains(Substring(text)) { return nil }
    var at = hash + 1
    if at < comment.upperBound && bytes[at] == 0x20 { at += 1 }
    return TextEdit(range: at..<at, text: text + " ")
  }
}
