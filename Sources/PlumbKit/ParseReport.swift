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
    for file in files {
      let documents = file.result.documents
      let nodes = file.result.documents.first?.root.tree.nodeCount ?? 0
      out += "\(file.path): \(documents.count) document\(documents.count == 1 ? "" : "s"), \(nodes) nodes\n"
      for (number, document) in documents.enumerated() {
        out += "  document \(number + 1) [\(document.span)]\n"
        dumpNode(document.root, indent: 4, role: "", into: &out)
      }
    }
    let renderer = DiagnosticRenderer(sources: sources, colored: diagnosticsColored)
    out += renderer.render(diagnostics)
    let errors = errorCount
    let warnings = diagnostics.filter { $0.severity == .warning }.count
    out += "\(files.count) file\(files.count == 1 ? "" : "s") loaded, \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n"
    return out
  }

  // MARK: JSON

  /// The report as JSON: files, documents, node trees with spans, diagnostics.
  public func json() -> String {
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
        writeNode(document.root, &writer)
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
    return writer.output + "\n"
  }
}

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

func writeNode(_ node: YAMLNode, _ writer: inout JSONWriter) {
  writer.beginObject()
  writer.key("kind")
  writer.string(String(describing: node.kind))
  writer.key("style")
  writer.string(String(describing: node.style))
  if let tag = node.tag {
    writer.key("tag")
    writer.string(tag)
  }
  if let anchor = node.anchor {
    writer.key("anchor")
    writer.string(anchor)
  }
  if let aliasSpan = node.aliasSpan {
    writer.key("aliasSpan")
    writeSpan(aliasSpan, &writer)
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
    for element in node.elements { writeNode(element, &writer) }
    writer.endArray()
  case .mapping:
    writer.key("pairs")
    writer.beginArray()
    for pair in node.pairs {
      writer.beginObject()
      writer.key("key")
      writeNode(pair.key, &writer)
      writer.key("value")
      writeNode(pair.value, &writer)
      writer.endObject()
    }
    writer.endArray()
  }
  writer.endObject()
}

/// Writes the one-line-per-node text dump (aliases are shown, not expanded).
func dumpNode(_ node: YAMLNode, indent: Int, role: String, into output: inout String) {
  var line = String(repeating: " ", count: indent) + role
  line += "\(node.kind) \(node.style)"
  if let type = node.scalarType { line += " \(type)" }
  if let tag = node.tag { line += " tag=\(tag)" }
  if let anchor = node.anchor { line += " &\(anchor)" }
  if let aliasSpan = node.aliasSpan { line += " (alias at \(aliasSpan.start))" }
  line += " [\(node.span) bytes \(node.byteRange.lowerBound)..<\(node.byteRange.upperBound)]"
  if node.kind == .scalar, let value = node.value {
    if case .string(let text) = value {
      line += " " + JSONWriter.quoted(text)
    } else {
      line += " = \(value)"
    }
  }
  output += line + "\n"
  if node.isAlias { return }
  switch node.kind {
  case .scalar: break
  case .sequence:
    for element in node.elements { dumpNode(element, indent: indent + 2, role: "- ", into: &output) }
  case .mapping:
    for pair in node.pairs {
      dumpNode(pair.key, indent: indent + 2, role: "key: ", into: &output)
      dumpNode(pair.value, indent: indent + 4, role: "value: ", into: &output)
    }
  }
}
