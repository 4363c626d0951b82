import PlumbDiagnostics

/// Why a baseline could not be had (unreadable file, bad git revision): the run fails closed.
public struct BaselineError: Error, Sendable, Equatable {
  /// `baseline.unreadable`, `baseline.malformed`, `baseline.git`.
  public var code: String
  /// What went wrong.
  public var message: String

  public init(code: String, message: String) {
    self.code = code
    self.message = message
  }

  /// As an input diagnostic (exit status 2).
  public var diagnostic: Diagnostic { Diagnostic(code: code, message: message, location: nil) }
}
