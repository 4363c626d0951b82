import PlumbDiagnostics
import PlumbYAML

/// `--mode census --input PATH`: where the loaded scalars' values live (a verbatim slice of the
/// source, or a copy in the tree's side arena), by style. A diagnostic aid for memory numbers.
func censusMode(_ options: Options) throws {
  let bytes = try readWholeFile(options.input)
  let source = SourceFile(path: options.input, bytes: bytes)
  let result = YAMLLoader().load(source)
  var inSource: [String: (count: Int, bytes: Int)] = [:]
  var inArena: [String: (count: Int, bytes: Int)] = [:]
  var collections = 0
  var aliases = 0
  source.bytes.withUnsafeBufferPointer { whole in
    let low = UInt(bitPattern: whole.baseAddress)
    let high = low + UInt(whole.count)
    func visit(_ node: YAMLNode) {
      if node.isAlias {
        aliases += 1
        return
      }
      switch node.kind {
      case .scalar:
        let key = "\(node.style)"
        node.withValueBytes { value in
          let address = UInt(bitPattern: value.baseAddress)
          if value.count == 0 || (address >= low && address < high) {
            inSource[key, default: (0, 0)].count += 1
            inSource[key, default: (0, 0)].bytes += value.count
          } else {
            inArena[key, default: (0, 0)].count += 1
            inArena[key, default: (0, 0)].bytes += value.count
          }
        }
      case .sequence:
        collections += 1
        for element in node.elements { visit(element) }
      case .mapping:
        collections += 1
        for pair in node.pairs {
          visit(pair.key)
          visit(pair.value)
        }
      }
    }
    for document in result.documents { visit(document.root) }
  }
  print("collections=\(collections) aliases=\(aliases) diagnostics=\(result.diagnostics.count)")
  for (name, table) in [("source", inSource), ("arena", inArena)] {
    for (style, entry) in table.sorted(by: { $0.key < $1.key }) {
      print("\(name) \(style): \(entry.count) scalars, \(entry.bytes) bytes")
    }
  }
}
