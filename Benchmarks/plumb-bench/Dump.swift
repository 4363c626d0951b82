import PlumbDiagnostics
import PlumbYAML

/// `--mode dump --input PATH` (or `--input @LIST`, one path a line): every node and diagnostic
/// the loader produces, one line each, to compare two builds of the loader byte for byte.
/// `--runs 0` prints one FNV-1a hash per file instead of the lines (for large corpora).
///
/// Per node: record index, kind, style, tag, anchor, alias and use spans, byte range, span,
/// scalar type, value and decoded text. Collections reached again (through an alias or a merge)
/// are printed once, then referred to by index.
func dumpMode(_ options: Options) throws {
  var paths: [String] = []
  if options.input.hasPrefix("@") {
    let list = try readWholeFile(String(options.input.dropFirst()))
    paths = String(decoding: list, as: UTF8.self).split(separator: "\n").map(String.init)
  } else {
    paths = [options.input]
  }
  let hashOnly = options.runs == 0
  for path in paths {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    func emit(_ line: String) {
      if hashOnly {
        for b in line.utf8 {
          hash ^= UInt64(b)
          hash = hash &* 0x100_0000_01B3
        }
        hash ^= 0x0A
        hash = hash &* 0x100_0000_01B3
      } else {
        print(line)
      }
    }
    let bytes = try readWholeFile(path)
    let result = YAMLLoader().load(SourceFile(path: path, bytes: bytes))
    if !hashOnly { print("=== \(path)") }
    func pos(_ p: SourcePosition) -> String { "\(p.line):\(p.column)@\(p.offset)" }
    func span(_ s: SourceSpan?) -> String { s.map { "\(pos($0.start))-\(pos($0.end))" } ?? "-" }
    var seen = Set<Int>()
    func visit(_ node: YAMLNode, _ depth: Int, _ role: String) {
      var line = "\(depth) \(role) #\(node.index) \(node.kind) \(node.style)"
      line += " tag=\(node.tag ?? "-") anchor=\(node.anchor ?? "-") alias=\(node.isAlias)"
      line += " aliasSpan=\(span(node.aliasSpan)) use=\(span(node.useSpan))"
      line += " range=\(node.byteRange.lowerBound)..<\(node.byteRange.upperBound) span=\(span(node.span))"
      switch node.kind {
      case .scalar:
        line += " type=\(node.scalarType.map { "\($0)" } ?? "-") value=\(node.value.map { "\($0)" } ?? "-")"
        line += " string=\(node.string.map { "\($0.debugDescription)" } ?? "-")"
        emit(line)
      case .sequence, .mapping:
        line += " count=\(node.count)"
        if !seen.insert(node.index).inserted {
          emit(line + " (seen)")
          return
        }
        emit(line)
        if node.kind == .sequence {
          for element in node.elements { visit(element, depth + 1, "-") }
        } else {
          for pair in node.pairs {
            visit(pair.key, depth + 1, "k")
            visit(pair.value, depth + 1, "v")
          }
        }
      }
    }
    for document in result.documents {
      emit(
        "doc span=\(span(document.span)) start=\(document.hasExplicitStart) end=\(document.hasExplicitEnd) version=\(document.versionDirective ?? "-")"
      )
      visit(document.root, 0, "root")
    }
    for d in result.diagnostics {
      var line = "diag \(d.code) \(d.severity) \(d.message.debugDescription) at \(span(d.location?.span))"
      for note in d.notes { line += " note \(note.message.debugDescription) at \(span(note.location?.span))" }
      emit(line)
    }
    if hashOnly { print("\(String(hash, radix: 16)) \(path)") }
  }
}
