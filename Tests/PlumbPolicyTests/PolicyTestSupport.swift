import PlumbDiagnostics
import PlumbGraph
import PlumbYAML
import Testing

@testable import PlumbPolicy

/// Builds a small graph from inline YAML documents, one entity each.
struct GraphFixture {
  var builder = GraphBuilder()
  var loader = YAMLLoader()

  mutating func add(_ kind: String, _ name: String, type: String? = nil, _ yaml: String) {
    let result = loader.load(text: yaml, path: "\(name).yaml")
    #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    guard let root = result.documents.first?.root else { return }
    builder.add(
      Entity(
        id: EntityID("\(kind):\(name)"), kind: kind, type: type, name: name, location: root.location,
        attributes: .yaml(root)))
  }

  /// Adds a Terraform-style resource whose `after` is seen through `after_unknown`.
  mutating func addPlanned(_ name: String, type: String, _ changeJSON: String) {
    let result = loader.load(text: changeJSON, path: "\(name).json")
    guard let change = result.documents.first?.root else { return }
    let after = Value.planned(
      PlannedValue(after: change["after"], unknownMask: change["after_unknown"], sensitiveMask: nil))
    var map = ValueMap()
    map["type"] = .string(type)
    map["after"] = after
    map["tags"] = after["tags"]
    builder.add(
      Entity(
        id: EntityID("terraform.resource:\(name)"), kind: "terraform.resource", type: type, name: name,
        location: change.location, attributes: .map(map)))
  }

  mutating func connect(_ from: String, _ type: String, _ to: String) {
    builder.connect(EntityID(from), type, EntityID(to))
  }

  func build() -> DocumentGraph { builder.build() }
}

/// Compiles policy text; records every diagnostic as a test issue unless `expectErrors`.
func compile(_ text: String, expectErrors: Bool = false, sourceLocation: Testing.SourceLocation = #_sourceLocation)
  -> PolicyLibrary
{
  let library = PolicyLibrary(sources: [PolicySource(path: "test.plumb", text: text)])
  if !expectErrors && !library.diagnostics.isEmpty {
    Issue.record("unexpected diagnostics: \(library.diagnostics.map { "\($0.location?.description ?? ""): \($0.message)" })", sourceLocation: sourceLocation)
  }
  return library
}

/// The messages of a library's diagnostics, with line:column.
func messages(_ library: PolicyLibrary) -> [String] {
  library.diagnostics.map { "\($0.location.map { "\($0.span.start.line):\($0.span.start.column)" } ?? "-") \($0.message)" }
}

func evaluate(_ text: String, _ graph: DocumentGraph, pack: String? = nil) -> EvaluationResult {
  let library = compile(text)
  return PolicyEngine(library: library, pack: pack.flatMap { library.packs[$0] }).evaluate(graph)
}
