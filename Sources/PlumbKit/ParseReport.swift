import PlumbDiagnostics
import PlumbFiles
import PlumbIngest
import PlumbYAML

/// What `plumb parse` loaded: every file's documents, node trees with spans, and diagnostics.
public struct ParseReport: Sendable {
  /// One loaded file.
  public struct File: Sendable {
    /// The path as discovered.
    public var path: String
    /// The load result.
    public var result: YAMLLoadResult
  }

  /// The files, in discovery order.
  public var files: [File]
  /// Problems that belong to no file (a path that does not exist).
  public var discoveryDiagnostics: [Diagnostic]

  /// Discovers (``InputDiscovery``, as `plumb check` does) and loads the inputs under `paths`,
  /// shown relative to the current directory. A file found by walking a directory is read only
  /// when it resolves inside the root (``Ingestor/root(of:given:)``) or that directory.
  public static func load(paths: [String], loader: YAMLLoader = YAMLLoader()) -> ParseReport {
    let here = IngestContext.standardize(".")
    let display = { (path: String) in IngestContext.relative(path, root: here) }
    let discovery = InputDiscovery(paths, root: Ingestor.root(of: paths), display: display)
    let files = discovery.files.map { path in
      File(
        path: display(path),
        result: loader.load(
          path: path, displayPath: display(path), within: discovery.namedFiles.contains(path) ? nil : discovery.boundary))
    }
    let skipped = discovery.linkedDirectories.map {
      Diagnostic.atStart(
        of: display($0), code: "ingest.symlinked-directory", severity: .note,
        message: "skipped: '\(display($0))' is a symbolic link to a directory, which is not followed")
    }
    return ParseReport(files: files, discoveryDiagnostics: discovery.problems + skipped)
  }

  /// Every diagnostic: discovery problems first, then each file's in order.
  public var diagnostics: [Diagnostic] {
    discoveryDiagnostics + files.flatMap(\.result.diagnostics)
  }

  /// The number of error diagnostics.
  public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }

  /// The sources that loaded, for rendering diagnostics with their lines.
  public var sources: [SourceFile] { files.compactMap(\.result.source) }

  // MARK: Text

  /// A readable dump: one line per node, indented, with kind, style, value and span.
  public func text(diagnosticsColored: Bool = false) -> String {
    var out = ""
    writeText(diagnosticsColored: diagnosticsColored) { out += $0 }
    return out
  }

  /// Writes ``text(diagnosticsColored:)`` to `sink` in pieces of about 64 KiB, so that a large
  /// input's dump is never held in memory whole. Each piece is whole lines, guarded
  /// (``TerminalText/guarded(_:allowingColor:)``): paths, tags, anchors and values come from the
  /// inputs, and no line may start a CI command.
  public func writeText(diagnosticsColored: Bool = false, to output: (String) -> Void) {
    func sink(_ piece: String) { output(TerminalText.guarded(piece, allowingColor: diagnosticsColored)) }
    var out = ""
    for file in files {
      let documents = file.result.documents
      let nodes = file.result.documents.first?.root.tree.nodeCount ?? 0
      out += "\(TerminalText.oneLine(file.path)): \(documents.count) document\(documents.count == 1 ? "" : "s"), \(nodes) nodes\n"
      for (number, document) in documents.enumerated() {
        out += "  document \(number + 1) [\(document.span)]\n"
        dumpNode(document.root, indent: 4, role: "", into: &out, flushingTo: sink)
      }
    }
    let renderer = DiagnosticRenderer(sources: sources, colored: diagnosticsColored)
    out += renderer.render(diagnostics)
    let errors = errorCount
    let warnings = diagnostics.filter { $0.severity == .warning }.count
    out += "\(files.count) file\(files.count == 1 ? "" : "s") loaded, \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n"
    sink(out)
  }

  // MARK: JSON

  /// The report as JSON: files, documents, node trees with spans, diagnostics.
  public func json() -> String {
    var out = ""
    writeJSON { out += $0 }
    return out
  }

  /// Writes ``json()`` to `sink` in pieces of about 64 KiB, so that a large input's node trees
  /// are never held in memory whole as JSON.
  public func writeJSON(to sink: (String) -> Void) {
    var writer = JSONWriter()
    writer.beginObject()
    writer.key("version")
    writer.string(Plumb.version)
    writer.key("files")
    writer.beginArray()
    for file in files {
      writer.beginObject()
      writer.key("path")
      writer.string(file.path)
      writer.key("documents")
      writer.beginArray()
      for document in file.result.documents {
        writer.beginObject()
        writer.key("span")
        writeSpan(document.span, &writer)
        writer.key("explicitStart")
        writer.bool(document.hasExplicitStart)
        writer.key("root")
        writeNode(document.root, &writer, flushingTo: sink)
        writer.endObject()
      }
      writer.endArray()
      writer.key("diagnostics")
      writeDiagnostics(file.result.diagnostics, &writer)
      writer.endObject()
    }
    writer.endArray()
    writer.key("diagnostics")
    writeDiagnostics(discoveryDiagnostics, &writer)
    writer.endObject()
    writer.drain(into: sink)
    sink("\n")
  }
}

/// How much output the parse dumps collect before handing it to their sink.
private let flushBytes = 1 << 16

/// Whether `node` is printed as a reference to where it is defined instead of with its content: a
/// node reached through an alias (`*name`), or a pair copied by a merge key through one
/// (`<<: *name`). The anchored node itself is printed where it is written, so the dumps grow with
/// the file, never with what its aliases expand to.
private func isReference(_ node: YAMLNode) -> Bool { node.isAlias || node.useSpan != nil }

func writeSpan(_ span: SourceSpan, _ writer: inout JSONWriter) {
  writer.beginObject()
  for (name, position) in [("start", span.start), ("end", span.end)] {
    writer.key(name)
    writer.beginObject()
    writer.key("line")
    writer.int(position.line)
    writer.key("column")
    writer.int(position.column)
    writer.key("offset")
    writer.int(position.offset)
    writer.endObject()
  }
  writer.endObject()
}

func writeDiagnostics(_ diagnostics: [Diagnostic], _ writer: inout JSONWriter) {
  writer.beginArray()
  for diagnostic in diagnostics {
    writer.beginObject()
    writer.key("code")
    writer.string(diagnostic.code)
    writer.key("severity")
    writer.string(diagnostic.severity.rawValue)
    writer.key("message")
    writer.string(diagnostic.message)
    if let location = diagnostic.location {
      writer.key("path")
      writer.string(location.path)
      writer.key("span")
      writeSpan(location.span, &writer)
    }
    if !diagnostic.notes.isEmpty {
      writer.key("notes")
      writer.beginArray()
      for note in diagnostic.notes {
        writer.beginObject()
        writer.key("message")
        writer.string(note.message)
        if let location = note.location {
          writer.key("span")
          writeSpan(location.span, &writer)
        }
        writer.endObject()
      }
      writer.endArray()
    }
    writer.endObject()
  }
  writer.endArray()
}

/// Writes one node and, unless it is a reference (``isReference(_:)``), its content.
func writeNode(_ node: YAMLNode, _ writer: inout JSONWriter, flushingTo sink: (String) -> Void) {
  if writer.output.utf8.count >= flushBytes { writer.drain(into: sink) }
  writer.beginObject()
  writer.key("kind")
  writer.string(String(describing: node.kind))
  writer.key("style")
  writer.string(String(describing: node.style))
  if let tag = node.tag {
    writer.key("tag")
    writer.string(tag)
  }
  if isReference(node) {
    if let aliasSpan = node.aliasSpan {
      writer.key("alias")
      writer.string(node.anchor ?? "")
      writer.key("aliasSpan")
      writeSpan(aliasSpan, &writer)
    } else if let useSpan = node.useSpan {
      writer.key("mergeAliasSpan")
      writeSpan(useSpan, &writer)
    }
    writer.key("span")
    writeSpan(node.span, &writer)
    writer.endObject()
    return
  }
  if let anchor = node.anchor {
    writer.key("anchor")
    writer.string(anchor)
  }
  writer.key("span")
  writeSpan(node.span, &writer)
  switch node.kind {
  case .scalar:
    writer.key("type")
    writer.string(String(describing: node.scalarType ?? .string))
    writer.key("value")
    switch node.value ?? .null {
    case .null: writer.null()
    case .bool(let value): writer.bool(value)
    case .int(let value): writer.int(value)
    case .float(let value): writer.double(value)
    case .string(let value): writer.string(value)
    }
    writer.key("raw")
    writer.string(node.rawText)
  case .sequence:
    writer.key("items")
    writer.beginArray()
    for element in node.elements { writeNode(element, &writer, flushingTo: sink) }
    writer.endArray()
  case .mapping:
    writer.key("pairs")
    writer.beginArray()
    for pair in node.pairs {
      writer.beginObject()
      writer.key("key")
      writeNode(pair.key, &writer, flushingTo: sink)
      writer.key("value")
      writeNode(pair.value, &writer, flushingTo: sink)
      writer.endObject()
    }
    writer.endArray()
  }
  writer.endObject()
}

/// Writes the one-line-per-node text dump; references (``isReference(_:)``) are one line each,
/// without their value or content.
func dumpNode(
  _ node: YAMLNode, indent: Int, role: String, into output: inout String, flushingTo sink: (String) -> Void
) {
  if output.utf8.count >= flushBytes {
    sink(output)
    output = ""
  }
  var line = String(repeating: " ", count: indent) + role
  line += "\(node.kind) \(node.style)"
  if let type = node.scalarType { line += " \(type)" }
  if let tag = node.tag { line += " tag=\(TerminalText.oneLine(tag))" }
  let reference = isReference(node)
  if let anchor = node.anchor { line += reference ? " *\(TerminalText.oneLine(anchor))" : " &\(TerminalText.oneLine(anchor))" }
  if let aliasSpan = node.aliasSpan {
    line += " (alias at \(aliasSpan.start))"
  } else if reference, let useSpan = node.useSpan {
    line += " (merged through the alias at \(useSpan.start))"
  }
  line += " [\(node.span) bytes \(node.byteRange.lowerBound)..<\(node.byteRange.upperBound)]"
  if !reference, node.kind == .scalar, let value = node.value {
    if case .string(let text) = value {
      line += " " + JSONWriter.quoted(text)
    } else {
      line += " = \(value)"
    }
  }
  output += line + "\n"
  if reference { return }
  switch node.kind {
  case .scalar: break
  case .sequence:
    for element in node.elements { dumpNode(element, indent: indent + 2, role: "- ", into: &output, flushingTo: sink) }
  case .mapping:
    for pair in node.pairs {
      dumpNode(pair.key, indent: indent + 2, role: "key: ", into: &output, flushingTo: sink)
      dumpNode(pair.value, indent: indent + 4, role: "value: ", into: &output, flushingTo: sink)
    }
  }
}
