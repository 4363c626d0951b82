import PlumbDiagnostics

/// The diagnostics the Terraform plan adapter reports.
enum TerraformDiagnostics {
  /// A plan `format_version` Plumb does not read (major 2 or later, or not a version number).
  static let unsupportedFormat = "terraform.unsupported-format"
  /// The plan says it is incomplete (`complete: false`) or that planning failed (`errored: true`).
  static let partialPlan = "terraform.partial-plan"
  /// A part of the plan does not have the shape the plan format defines.
  static let malformed = "terraform.malformed"
  /// A plan file holds more than one YAML document; only the first is read.
  static let extraDocuments = "terraform.extra-documents"

  static func malformed(
    _ message: String, at location: SourceLocation, severity: DiagnosticSeverity = .error
  ) -> Diagnostic {
    Diagnostic(code: malformed, severity: severity, message: message, location: location)
  }
}
