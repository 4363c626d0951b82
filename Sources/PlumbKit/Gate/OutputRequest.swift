import PlumbDiagnostics
import PlumbPolicy
import PlumbReport

/// One `--output FORMAT[=PATH]`: a reporter and where its text goes (standard output when no
/// path, or `-`).
public struct OutputRequest: Sendable, Equatable, CustomStringConvertible {
  /// The reporter's identifier (`text`, `json`, `sarif`, `github`, `github-summary`, `gitlab`,
  /// `junit`, `markdown`).
  public var format: String
  /// The file to write, nil for standard output.
  public var path: String?

  /// Creates a request.
  public init(format: String, path: String? = nil) {
    self.format = format
    self.path = path
  }

  /// The identifiers of every output format.
  public static var knownFormats: [String] { Reporters.all.map { $0.identifier } }

  /// Parses `FORMAT[=PATH]`; an unknown format or an empty path is an error naming the known ones.
  public static func parse(_ text: String) -> Result<OutputRequest, OutputRequestError> {
    let format: String
    var path: String?
    if let equals = text.firstIndex(of: "=") {
      format = String(text[..<equals])
      let rest = String(text[text.index(after: equals)...])
      guard !rest.isEmpty else {
        return .failure(OutputRequestError(message: "--output \(text): give a file after '=' (or leave out '=' for standard output)"))
      }
      path = rest == "-" ? nil : rest
    } else {
      format = text
    }
    guard Reporters.named(format) != nil else {
      let known = knownFormats
      let hint = suggestion(for: format, among: known).map { "; did you mean '\($0)'?" } ?? ""
      return .failure(
        OutputRequestError(
          message: "unknown output format '\(format)'\(hint) (known: \(known.joined(separator: ", ")))"))
    }
    return .success(OutputRequest(format: format, path: path))
  }

  /// `FORMAT[=PATH]`.
  public var description: String { path.map { "\(format)=\($0)" } ?? format }
}

/// Why an `--output` value is wrong (a usage error).
public struct OutputRequestError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}
