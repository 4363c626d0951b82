import ArgumentParser
import Foundation

/// When to colour terminal output.
enum ColorMode: String, ExpressibleByArgument, CaseIterable {
  case auto
  case always
  case never

  /// Whether to colour: `auto` colours a TTY unless `NO_COLOR` is set.
  func enabled(isTTY: Bool) -> Bool {
    switch self {
    case .always: return true
    case .never: return false
    case .auto:
      let noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
      return isTTY && !noColor
    }
  }
}
