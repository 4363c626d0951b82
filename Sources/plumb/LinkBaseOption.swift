import ArgumentParser
import PlumbDiagnostics
import PlumbKit

/// Checks a `--rule-docs-base` or `--source-link-base` value: empty (links off), an http(s) URL
/// or a relative reference Plumb may emit (``LinkTarget/isAllowed(_:)``); anything else is a
/// usage error naming the flag.
func validateLinkBase(_ value: String?, flag: String) throws {
  guard let value, !value.isEmpty, !LinkTarget.isAllowed(value) else { return }
  throw ValidationError("\(flag) must be an http(s) URL or a relative path with no white space, found '\(Console.quoted(value))'")
}
