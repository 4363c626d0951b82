internal import CYAML
import PlumbDiagnostics
import PlumbFiles

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Loads YAML (and JSON, which libyaml reads as YAML) into node trees with exact source spans.
///
/// One libyaml event loop builds every document of a file into one ``YAMLTree``: scalars resolved
/// by the YAML 1.2 core schema, anchors and aliases resolved (with an expansion budget), merge keys
/// applied, duplicate keys reported, nesting depth and file size bounded. It never throws and
/// never traps on input: every problem is a ``Diagnostic`` with its location.
public struct YAMLLoader: Sendable {
  /// The bounds applied to every file.
  public var limits: YAMLLimits

  /// Creates a loader.
  public init(limits: YAMLLimits = .default) {
    self.limits = limits
  }

  /// Reads (through ``readFile(path:displayPath:limit:within:)``: regular files only) and loads the
  /// file at `path`; a file that cannot be read gives one diagnostic (`io.unreadable`,
  /// `io.not-regular-file`, `io.outside-root`, `yaml.document-size`) and no source.
  ///
  /// - Parameters:
  ///   - path: where to read the file.
  ///   - displayPath: the path diagnostics and spans name (defaults to `path`), e.g. relative to
  ///     a repository root.
  ///   - boundary: where the file must resolve (nil: a file the user named, read wherever it is).
  public func load(path: String, displayPath: String? = nil, within boundary: ReadBoundary? = nil) -> YAMLLoadResult {
    let shown = displayPath ?? path
    switch readFile(path: path, displayPath: shown, limit: limits.maxDocumentBytes, within: boundary) {
    case .success(let bytes):
      return load(SourceFile(path: shown, bytes: bytes))
    case .failure(let failure):
      var diagnostic = failure.diagnostic(path: shown)
      if let size = failure.tooLargeSize {
        (diagnostic.code, diagnostic.message) = YAMLDiagnostics.documentTooLarge(size: size, limit: limits.maxDocumentBytes)
        diagnostic.message = "'\(shown)': " + diagnostic.message
      }
      return YAMLLoadResult(source: nil, documents: [], diagnostics: [diagnostic])
    }
  }

  /// Loads YAML text held in memory (tests, stdin).
  public func load(text: String, path: String = "<input>") -> YAMLLoadResult {
    load(SourceFile(path: path, text: text))
  }

  /// Loads an already read source file.
  public func load(_ source: SourceFile) -> YAMLLoadResult {
    let bytes = source.bytes
    if bytes.count > limits.maxDocumentBytes {
      let (code, message) = YAMLDiagnostics.documentTooLarge(size: bytes.count, limit: limits.maxDocumentBytes)
      return YAMLLoadResult(
        source: source, documents: [],
        diagnostics: [Diagnostic(code: code, message: message, location: location(source, 0, 0))])
    }
    if let encoding = UnsupportedEncoding.detect(bytes) {
      let (code, message) = YAMLDiagnostics.unsupportedEncoding(encoding.description)
      return YAMLLoadResult(
        source: source, documents: [],
        diagnostics: [Diagnostic(code: code, message: message, location: location(source, 0, encoding.signatureLength))])
    }
    var builder = TreeBuilder(source: source, limits: limits)
    bytes.withUnsafeBufferPointer { buffer in
      builder.run(buffer)
    }
    return builder.finish()
  }
}

func location(_ source: SourceFile, _ start: Int, _ end: Int) -> SourceLocation {
  SourceLocation(path: source.path, span: source.span(from: start, to: end))
}

// MARK: - The event loop

struct Frame {
  var nodeIndex: UInt32
  var pendingStart: Int
  /// Nodes below this collection, counted with repetition through aliases. For the innermost
  /// open collection the running count is `TreeBuilder.openExpanded` (saved here when a
  /// collection opens inside it).
  var expanded: Int
  var isMapping: Bool
  var isBlock: Bool
  var hasAnchor = false
}

struct AnchorInfo {
  var index: UInt32
  /// Nodes of the anchored subtree, aliases inside it counted as what they expand to.
  var expanded: Int
  /// Bytes of scalar text (decoded) of the anchored subtree, counted the same way.
  var bytes: Int
  var complete: Bool
}

struct DocumentRecord {
  var root: UInt32
  var start: Int
  var end: Int
  var explicitStart: Bool
  var explicitEnd: Bool
  var version: String?
}

let nullScalarRoot = UInt32.max

struct TreeBuilder {
  let source: SourceFile
  let limits: YAMLLimits
  var nodes: [NodeRecord] = []
  var children: [UInt32] = []
  var arena: [UInt8] = []
  var tags: [UInt32: String] = [:]
  var anchorNames: [UInt32: String] = [:]
  var pending: [UInt32] = []
  var frames: [Frame] = []
  /// The innermost open collection's `expanded` count, kept out of `frames` so that completing a
  /// node does not write into the array.
  var openExpanded = 0
  /// Bytes of scalar text (decoded) of every node finished so far, aliases counted as what they
  /// name: an anchored collection's own count is the difference between its close and its open.
  var scalarBytes = 0
  /// `scalarBytes` when each open anchored collection opened, innermost last.
  var anchoredBytesAtOpen: [Int] = []
  var anchors: [String: AnchorInfo] = [:]
  var aliasBudgetUsed = 0
  var aliasBytesUsed = 0
  /// The file's byte budget for aliases (``YAMLLimits/aliasExpansionByteBudget(fileBytes:)``).
  let aliasByteBudget: Int
  var statistics = YAMLLoadStatistics()
  var diagnostics: [Diagnostic] = []
  var documents: [DocumentRecord] = []
  var documentRoot: UInt32?
  var documentStart = 0
  var documentExplicitStart = false
  var documentVersion: String?
  /// Scratch space for the duplicate-key check of large mappings, reused across mappings.
  var keySlots: [Int32] = []
  var keyHashes: [Int] = []
  /// Scratch space for mappings with merge or repeated keys (`finishMapping`), reused across
  /// mappings: the keys looked up, one entry per pair, each key's first occurrence, the explicit
  /// keys dropped as repeated.
  var keyItems: [KeyItem] = []
  var keyEntries: [MappingEntry] = []
  var keyFirst: [Int32] = []
  var keyDropped: [Bool] = []

  init(source: SourceFile, limits: YAMLLimits) {
    self.source = source
    self.limits = limits
    self.aliasByteBudget = limits.aliasExpansionByteBudget(fileBytes: source.bytes.count)
    // A guess that avoids regrowth (a copy, and old plus new storage at once at the peak): compact
    // JSON runs about one node per 11 bytes, so room for one per 8. Pages never written are only
    // reserved address space, not resident memory.
    nodes.reserveCapacity(min(source.bytes.count / 8, 1 << 24))
    children.reserveCapacity(min(source.bytes.count / 8, 1 << 24))
    // Decoded values that are not verbatim slices of the source (block scalars, escapes): often a
    // third of a block-YAML file, a few percent of JSON.
    arena.reserveCapacity(source.bytes.count / 2)
  }

  mutating func error(_ pair: (String, String), _ start: Int, _ end: Int, notes: [Diagnostic.Note] = []) {
    diagnostics.append(
      Diagnostic(code: pair.0, message: pair.1, location: location(source, start, end), notes: notes))
  }

  mutating func warning(_ pair: (String, String), _ start: Int, _ end: Int) {
    diagnostics.append(
      Diagnostic(code: pair.0, severity: .warning, message: pair.1, location: location(source, start, end)))
  }

  // MARK: Running

  mutating func run(_ buffer: UnsafeBufferPointer<UInt8>) {
    var parser = yaml_parser_t()
    guard yaml_parser_initialize(&parser) == 1 else {
      error(("yaml.internal", "libyaml could not be initialised"), 0, 0)
      return
    }
    defer { yaml_parser_delete(&parser) }
    // libyaml asserts a non-null input pointer, even for empty input.
    var empty: UInt8 = 0
    withUnsafeMutablePointer(to: &empty) { emptyPointer in
      let base = buffer.baseAddress ?? UnsafePointer(emptyPointer)
      yaml_parser_set_input_string(&parser, base, buffer.count)
      var marks = MarkConverter(bytes: buffer, source: source)
      var event = yaml_event_t()
      while true {
        guard yaml_parser_parse(&parser, &event) == 1 else {
          reportParserError(&parser, &marks)
          return
        }
        let type = event.type
        let keepGoing = handle(&event, buffer, &marks)
        yaml_event_delete(&event)
        if !keepGoing || type == YAML_STREAM_END_EVENT { return }
      }
    }
  }

  /// Handles one event; false stops the loop (a limit was hit).
  mutating func handle(
    _ event: inout yaml_event_t,
    _ buffer: UnsafeBufferPointer<UInt8>,
    _ marks: inout MarkConverter
  ) -> Bool {
    let start = marks.offset(ofCharacterIndex: Int(event.start_mark.index))
    let end = marks.offset(ofCharacterIndex: Int(event.end_mark.index))
    switch event.type {
    case YAML_DOCUMENT_START_EVENT:
      documentRoot = nil
      documentStart = start
      documentExplicitStart = event.data.document_start.implicit == 0
      if let directive = event.data.document_start.version_directive {
        documentVersion = "\(directive.pointee.major).\(directive.pointee.minor)"
      } else {
        documentVersion = nil
      }
      anchors.removeAll(keepingCapacity: true)
    case YAML_DOCUMENT_END_EVENT:
      documents.append(
        DocumentRecord(
          root: documentRoot ?? nullScalarRoot,
          start: documentStart,
          end: max(end, documentStart),
          explicitStart: documentExplicitStart,
          explicitEnd: event.data.document_end.implicit == 0,
          version: documentVersion))
    case YAML_SCALAR_EVENT:
      return scalar(&event, start, end, buffer)
    case YAML_ALIAS_EVENT:
      return alias(&event, start, end)
    case YAML_SEQUENCE_START_EVENT:
      let data = event.data.sequence_start
      return open(
        isMapping: false, isBlock: data.style != YAML_FLOW_SEQUENCE_STYLE,
        anchor: data.anchor, tag: data.tag, start, buffer)
    case YAML_MAPPING_START_EVENT:
      let data = event.data.mapping_start
      return open(
        isMapping: true, isBlock: data.style != YAML_FLOW_MAPPING_STYLE,
        anchor: data.anchor, tag: data.tag, start, buffer)
    case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
      close(end)
    default:
      break
    }
    return true
  }

  /// Skips `&anchor` / `!tag` properties (and the space after them) so spans start at content.
  func contentStart(_ start: Int, _ buffer: UnsafeBufferPointer<UInt8>, hasProperties: Bool) -> Int {
    guard hasProperties else { return start }
    var i = start
    let n = buffer.count
    while i < n && (buffer[i] == UInt8(ascii: "&") || buffer[i] == UInt8(ascii: "!")) {
      if buffer[i] == UInt8(ascii: "!") && i + 1 < n && buffer[i + 1] == UInt8(ascii: "<") {
        // A verbatim tag (`!<tag:yaml.org,2002:str>`) may contain flow indicators; it ends at '>'.
        while i < n && buffer[i] != UInt8(ascii: ">") { i += 1 }
        if i < n { i += 1 }
      } else {
        while i < n && !isSpaceOrBreak(buffer[i]) && !isFlowIndicator(buffer[i]) { i += 1 }
      }
      // Whitespace, line breaks and comments may separate properties from content.
      while i < n {
        if isSpaceOrBreak(buffer[i]) {
          i += 1
        } else if buffer[i] == UInt8(ascii: "#") {
          while i < n && buffer[i] != 0x0A && buffer[i] != 0x0D { i += 1 }
        } else {
          break
        }
      }
    }
    return i
  }

  // MARK: Nodes

  mutating func scalar(
    _ event: inout yaml_event_t,
    _ eventStart: Int,
    _ end: Int,
    _ buffer: UnsafeBufferPointer<UInt8>
  ) -> Bool {
    let data = event.data.scalar
    let hasProperties = data.anchor != nil || data.tag != nil
    var start = contentStart(eventStart, buffer, hasProperties: hasProperties)
    if start > end { start = end }
    let index = UInt32(nodes.count)
    let length = Int(data.length)
    let value = UnsafeBufferPointer(start: data.value, count: length)

    var style: YAMLStyle
    switch data.style {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
    case YAML_LITERAL_SCALAR_STYLE: style = .literal
    case YAML_FOLDED_SCALAR_STYLE: style = .folded
    default: style = .plain
    }

    // Where the decoded value lives: a verbatim slice of the source, or the arena.
    var payloadStart = 0
    var inArena = true
    var sliceStart = -1
    switch style {
    case .plain: sliceStart = start
    case .singleQuoted, .doubleQuoted: sliceStart = start + 1
    default: break
    }
    if sliceStart >= 0 && sliceStart + length <= buffer.count {
      if length == 0 || memcmp(buffer.baseAddress! + sliceStart, value.baseAddress!, length) == 0 {
        payloadStart = sliceStart
        inArena = false
      }
    }
    if inArena {
      payloadStart = arena.count
      arena.append(contentsOf: value)
    }

    var type: YAMLScalarType = .string
    var tagName: String?
    if let tag = data.tag {
      tagName = String(cString: tag)
    }
    if let tagName {
      type = resolveTagged(tagName, value, start, end)
    } else if style == .plain {
      type = CoreSchema.resolve(value)
    }

    nodes.append(
      NodeRecord(
        start: UInt32(start), end: UInt32(end),
        payloadStart: UInt32(payloadStart), payloadCount: UInt32(length),
        kind: YAMLNodeKind.scalar.rawValue, style: style.rawValue, scalarType: type.rawValue,
        flags: (inArena ? NodeRecord.valueInArena : 0) | (data.tag != nil ? NodeRecord.hasTag : 0)))
    if let tagName { tags[index] = tagName }
    if let anchor = data.anchor {
      let name = String(cString: anchor)
      anchorNames[index] = name
      anchors[name] = AnchorInfo(index: index, expanded: 1, bytes: length, complete: true)
    }
    scalarBytes &+= length
    complete(index, expanded: 1)
    return true
  }

  mutating func resolveTagged(_ tag: String, _ value: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int)
    -> YAMLScalarType
  {
    let prefix = "tag:yaml.org,2002:"
    guard tag.hasPrefix(prefix) else { return .string }
    let wanted: YAMLScalarType
    switch tag.dropFirst(prefix.count) {
    case "null": wanted = .null
    case "bool": wanted = .bool
    case "int": wanted = .int
    case "float": wanted = .float
    default: return .string
    }
    let resolved = CoreSchema.resolve(value)
    if resolved == wanted || (wanted == .float && resolved == .int) { return wanted }
    if wanted == .null && value.count == 0 { return .null }
    warning(YAMLDiagnostics.invalidTaggedValue(tag: tag, text: String(decoding: value, as: UTF8.self)), start, end)
    return .string
  }

  mutating func alias(_ event: inout yaml_event_t, _ start: Int, _ end: Int) -> Bool {
    let name = String(cString: event.data.alias.anchor)
    let index = UInt32(nodes.count)
    guard let info = anchors[name], info.complete else {
      let problem = anchors[name] == nil ? YAMLDiagnostics.undefinedAlias(name) : YAMLDiagnostics.recursiveAlias(name)
      error(problem, start, end)
      // Keep the tree well-formed: the alias reads as null.
      nodes.append(
        NodeRecord(
          start: UInt32(start), end: UInt32(end), payloadStart: UInt32(start), payloadCount: 0,
          kind: YAMLNodeKind.scalar.rawValue, style: YAMLStyle.plain.rawValue,
          scalarType: YAMLScalarType.null.rawValue, flags: 0))
      complete(index, expanded: 1)
      return true
    }
    // Both budgets count what the alias names, with the aliases inside it expanded: nodes (a
    // "billion laughs" of small nodes) and bytes of scalar text (one large value used many times).
    aliasBudgetUsed = saturatingSum(aliasBudgetUsed, info.expanded)
    aliasBytesUsed = saturatingSum(aliasBytesUsed, info.bytes)
    if aliasBudgetUsed > limits.maxAliasExpansion {
      error(YAMLDiagnostics.aliasBudgetExceeded(limit: limits.maxAliasExpansion), start, end)
      return false
    }
    if aliasBytesUsed > aliasByteBudget {
      error(YAMLDiagnostics.aliasBytesExceeded(budget: aliasByteBudget, fileBytes: source.bytes.count, limits: limits), start, end)
      return false
    }
    nodes.append(
      NodeRecord(
        start: UInt32(start), end: UInt32(end), payloadStart: info.index, payloadCount: 0,
        kind: NodeRecord.aliasKind, style: 0, scalarType: 0, flags: 0))
    // Held far below overflow, so that adding a scalar's length cannot wrap.
    scalarBytes = min(saturatingSum(scalarBytes, info.bytes), 1 << 62)
    complete(index, expanded: info.expanded)
    return true
  }

  mutating func open(
    isMapping: Bool,
    isBlock: Bool,
    anchor: UnsafeMutablePointer<yaml_char_t>?,
    tag: UnsafeMutablePointer<yaml_char_t>?,
    _ eventStart: Int,
    _ buffer: UnsafeBufferPointer<UInt8>
  ) -> Bool {
    if frames.count >= limits.maxDepth {
      error(YAMLDiagnostics.nestingTooDeep(limit: limits.maxDepth), eventStart, eventStart + 1)
      return false
    }
    let start = contentStart(eventStart, buffer, hasProperties: anchor != nil || tag != nil)
    let index = UInt32(nodes.count)
    nodes.append(
      NodeRecord(
        start: UInt32(start), end: UInt32(start), payloadStart: 0, payloadCount: 0,
        kind: isMapping ? YAMLNodeKind.mapping.rawValue : YAMLNodeKind.sequence.rawValue,
        style: isBlock ? YAMLStyle.block.rawValue : YAMLStyle.flow.rawValue, scalarType: 0,
        flags: tag != nil ? NodeRecord.hasTag : 0))
    if let tag { tags[index] = String(cString: tag) }
    if let anchor {
      let name = String(cString: anchor)
      anchorNames[index] = name
      anchors[name] = AnchorInfo(index: index, expanded: 0, bytes: 0, complete: false)
    }
    if anchor != nil { anchoredBytesAtOpen.append(scalarBytes) }
    if !frames.isEmpty { frames[frames.count - 1].expanded = openExpanded }
    frames.append(
      Frame(
        nodeIndex: index, pendingStart: pending.count, expanded: 1, isMapping: isMapping, isBlock: isBlock,
        hasAnchor: anchor != nil))
    openExpanded = 1
    return true
  }

  mutating func close(_ eventEnd: Int) {
    guard var frame = frames.popLast() else { return }
    frame.expanded = openExpanded
    if let parent = frames.last { openExpanded = parent.expanded }
    let index = Int(frame.nodeIndex)
    var items = pending[frame.pendingStart...]
    var end = eventEnd
    // A single-pair mapping in a flow sequence (`[a: b]`, `[{a: b}: c]`) has no braces of its
    // own (its first key starts where it starts): it ends like a block collection.
    let start = Int(nodes[index].start)
    let braced = start < source.bytes.count && source.bytes[start] == UInt8(ascii: "{")
      && (items.first.map { Int(nodes[Int($0)].start) > start } ?? true)
    if frame.isBlock || (frame.isMapping && !braced), let last = items.last {
      // A block collection ends where its last item ends, not at the next token libyaml saw.
      end = Int(nodes[Int(last)].end)
    }
    nodes[index].end = UInt32(max(end, Int(nodes[index].start)))
    nodes[index].payloadStart = UInt32(children.count)
    if frame.isMapping && mappingKeepsItsSlots(from: frame.pendingStart) {
      // The common case (no merge key, no repeated key): finishMapping would return the pairs
      // unchanged, so they are copied without its intermediate arrays.
      let pairs = items.count / 2
      children.append(contentsOf: items.prefix(2 * pairs))
      nodes[index].payloadCount = UInt32(pairs)
    } else if frame.isMapping {
      nodes[index].payloadCount = UInt32(finishMapping(from: frame.pendingStart))
    } else {
      children.append(contentsOf: items)
      nodes[index].payloadCount = UInt32(items.count)
    }
    // Drop the slice first: while it shares pending's storage, shrinking pending copies all of it.
    items = []
    pending.removeLast(pending.count - frame.pendingStart)
    if frame.hasAnchor {
      let bytes = scalarBytes - (anchoredBytesAtOpen.popLast() ?? 0)
      if let name = anchorNames[frame.nodeIndex], anchors[name]?.index == frame.nodeIndex {
        anchors[name] = AnchorInfo(index: frame.nodeIndex, expanded: frame.expanded, bytes: bytes, complete: true)
      }
    }
    complete(frame.nodeIndex, expanded: frame.expanded)
  }

  /// Adds a finished node (`expanded` nodes, aliases expanded) to the open collection, or makes it
  /// the document's root.
  mutating func complete(_ index: UInt32, expanded: Int) {
    if frames.isEmpty {
      documentRoot = index
    } else {
      pending.append(index)
      let (sum, overflow) = openExpanded.addingReportingOverflow(expanded)
      openExpanded = overflow ? Int.max : sum
    }
  }

  // MARK: Errors

  mutating func reportParserError(_ parser: inout yaml_parser_t, _ marks: inout MarkConverter) {
    let problem = parser.problem.map { String(cString: $0) } ?? "unknown libyaml error"
    var start: Int
    switch parser.error {
    case YAML_READER_ERROR:
      start = min(Int(parser.problem_offset), source.bytes.count)
      var message = problem
      if parser.problem_value != -1 {
        let hex = String(UInt32(bitPattern: parser.problem_value), radix: 16, uppercase: true)
        message += " (byte 0x\(hex))"
      }
      error(YAMLDiagnostics.syntax(message), start, min(start + 1, source.bytes.count))
      return
    case YAML_MEMORY_ERROR:
      error(("yaml.memory", "libyaml ran out of memory"), 0, 0)
      return
    default:
      start = marks.offset(ofCharacterIndex: Int(parser.problem_mark.index))
    }
    var notes: [Diagnostic.Note] = []
    if let context = parser.context {
      let contextStart = marks.offset(ofCharacterIndex: Int(parser.context_mark.index))
      notes.append(
        Diagnostic.Note(
          message: String(cString: context), location: location(source, contextStart, contextStart)))
    }
    error(YAMLDiagnostics.syntax(problem), start, start, notes: notes)
  }

  // MARK: Finishing

  mutating func finish() -> YAMLLoadResult {
    // Documents without a root (stopped by an error) or empty documents read as a null scalar.
    var records = documents
    for i in records.indices where records[i].root == nullScalarRoot {
      records[i].root = UInt32(nodes.count)
      let at = UInt32(records[i].start)
      nodes.append(
        NodeRecord(
          start: at, end: at, payloadStart: at, payloadCount: 0,
          kind: YAMLNodeKind.scalar.rawValue, style: YAMLStyle.plain.rawValue,
          scalarType: YAMLScalarType.null.rawValue, flags: 0))
    }
    let tree = YAMLTree(
      source: source, nodes: nodes, children: children, arena: arena, tags: tags, anchors: anchorNames)
    let documents = records.map { record in
      YAMLDocument(
        root: YAMLNode(tree: tree, index: Int(record.root)),
        span: source.span(from: record.start, to: record.end),
        hasExplicitStart: record.explicitStart,
        hasExplicitEnd: record.explicitEnd,
        versionDirective: record.version)
    }
    let sorted = diagnostics.enumerated().sorted { a, b in
      let left = a.element.location?.span.start.offset ?? 0
      let right = b.element.location?.span.start.offset ?? 0
      return left != right ? left < right : a.offset < b.offset
    }.map(\.element)
    statistics.aliasExpandedNodes = aliasBudgetUsed
    statistics.aliasExpandedBytes = aliasBytesUsed
    return YAMLLoadResult(source: source, documents: documents, diagnostics: sorted, statistics: statistics)
  }

  // MARK: Helpers for the mapping finisher

  func resolved(_ index: UInt32) -> Int {
    let record = nodes[Int(index)]
    return record.kind == NodeRecord.aliasKind ? Int(record.payloadStart) : Int(index)
  }

  func valueBytes<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    let record = nodes[index]
    let start = Int(record.payloadStart)
    let count = Int(record.payloadCount)
    if record.flags & NodeRecord.valueInArena != 0 {
      return arena.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<start + count])) }
    }
    return source.bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<start + count])) }
  }
}

@inline(__always) private func isSpaceOrBreak(_ c: UInt8) -> Bool {
  c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D
}

@inline(__always) private func isFlowIndicator(_ c: UInt8) -> Bool {
  c == UInt8(ascii: ",") || c == UInt8(ascii: "[") || c == UInt8(ascii: "]") || c == UInt8(ascii: "{")
    || c == UInt8(ascii: "}")
}

@inline(__always) func saturatingSum(_ a: Int, _ b: Int) -> Int {
  let (sum, overflow) = a.addingReportingOverflow(b)
  return overflow ? Int.max : sum
}
