import PlumbGraph

/// Placeholder: links Terraform resources and pipelines to catalog entities.
struct CrossSourceLinker {
  func link(context: inout IngestContext) {}
}
