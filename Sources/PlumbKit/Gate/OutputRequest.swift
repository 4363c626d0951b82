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
        return .failure(OutputRequestError(reason: "give a file after '=' (or leave out '=' for standard output)", value: text))
      }
      path = rest == "-" ? nil : rest
    } else {
      format = text
    }
    guard Reporters.named(format) != nil else {
      let known = knownFormats
      let hint = suggestion(for: format, among: known).map { "; did you mean '\($0)'?" } ?? ""
      return .failure(
        OutputRequestError(reason: "unknown output format '\(format)'\(hint) (known: \(known.joined(separator: ", ")))"))
    }
    return .success(OutputRequest(format: format, path: path))
  }

  /// `FORMAT[=PATH]`.
  public var description: String { path.map { "\(format)=\($0)" } ?? format }
}

/// Why an `--output` value is wrong (a usage error).
public struct OutputRequestError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What is wrong, without naming where the value came from (`.plumb.yaml`'s `outputs:` quotes it
  /// with its place).
  public var reason: String
  /// The `--output` value the reason is about, when the reason does not quote it itself.
  public var value: String?
  /// The command line's message: `--output VALUE: reason`, or the reason when it quotes the value.
  public var message: String { value.map { "--output \($0): \(reason)" } ?? reason }
  public var description: String { message }

  public init(reason: String, value: String? = nil) {
    self.reason = reason
    self.value = value
  }
}
