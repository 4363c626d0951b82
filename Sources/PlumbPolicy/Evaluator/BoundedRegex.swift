import Foundation

#if canImport(_FoundationICU)
  import _FoundationICU
#endif

/// Why a text is not a regular expression: ICU's reason, and where in the pattern (UTF-16
/// offset) when ICU says.
public struct PatternError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The reason in words, e.g. `mismatched parenthesis`.
  public var reason: String
  /// The UTF-16 offset in the pattern ICU stopped at, if it gave one.
  public var offset: Int?

  /// `mismatched parenthesis at offset 3`.
  public var description: String { offset.map { "\(reason) at offset \($0)" } ?? reason }
}

/// How one bounded match ended.
enum BoundedMatch: Equatable {
  /// The pattern finds a match in the text (true) or does not (false).
  case found(Bool)
  /// The match needed more steps than it was allowed.
  case overStepLimit
  /// The match needed more backtracking memory than ``BoundedRegex/stackLimitBytes``.
  case overMemoryLimit
}

/// A regular expression in ICU's syntax (exactly what `NSRegularExpression(pattern:)` with no
/// options accepts, on the same engine) whose every match is bounded.
///
/// Rules and their parameters come from the repository being checked, and so do the texts they
/// match: a pattern such as `(a|aa)+$` backtracks exponentially, `"Deny".*"x"` quadratically, and
/// NSRegularExpression has no way to stop either. This calls ICU's C API (the `_FoundationICU`
/// module Foundation itself uses on Linux) so that every match runs under ICU's step limit
/// (`uregex_setTimeLimit`, counted in steps of the match engine, not in wall-clock time, so the
/// outcome is the same on every machine and every run) and a backtracking memory limit
/// (`uregex_setStackLimit`). A match callback counts the steps a match took, so that the
/// evaluator charges them to the entity's evaluation budget.
///
/// One instance is used by one thread at a time (an evaluator's own patterns).
final class BoundedRegex {
  /// ICU checks its step limit (and calls the match callback) every this many steps of its
  /// match engine (`TIMER_INITIAL_VALUE` in ICU's `regeximp.h`); limits are whole multiples.
  static let stepsPerTick = 10_000
  /// The backtracking memory one match may use (ICU's own default, set explicitly).
  static let stackLimitBytes: Int32 = 8 << 20

  /// The pattern's text.
  let pattern: String

  #if canImport(_FoundationICU)
    private let regex: OpaquePointer
    /// Ticks (``stepsPerTick`` steps each) the current match has taken: written by the callback.
    private let ticks: UnsafeMutablePointer<Int32>
    /// An empty text the regex points at between matches (it keeps the address of its text).
    private let empty: UnsafeMutablePointer<UInt16>
  #else
    private let regex: NSRegularExpression
  #endif

  /// Compiles `pattern`; throws when it is not a valid pattern.
  init(_ pattern: String) throws(PatternError) {
    self.pattern = pattern
    #if canImport(_FoundationICU)
      var status = U_ZERO_ERROR
      var parseError = UParseError()
      let units = Array(pattern.utf16)
      let compiled = units.withUnsafeBufferPointer { buffer in
        swift_uregex_open(buffer.baseAddress, Int32(clamping: buffer.count), 0, &parseError, &status)
      }
      guard let compiled, status.rawValue <= U_ZERO_ERROR.rawValue else {
        if let compiled { swift_uregex_close(compiled) }
        throw PatternError(
          reason: Self.reason(status), offset: parseError.offset >= 0 && parseError.line <= 1 ? Int(parseError.offset) : nil)
      }
      regex = compiled
      ticks = .allocate(capacity: 1)
      ticks.initialize(to: 0)
      empty = .allocate(capacity: 1)
      empty.initialize(to: 0)
      swift_uregex_setStackLimit(regex, Self.stackLimitBytes, &status)
      swift_uregex_setMatchCallback(regex, { context, elapsed in
        // `elapsed` is the match's ticks so far; the context is `ticks`.
        UnsafeMutableRawPointer(mutating: context)?.assumingMemoryBound(to: Int32.self).pointee = elapsed
        return 1
      }, UnsafeRawPointer(ticks), &status)
    #else
      do {
        regex = try NSRegularExpression(pattern: pattern)
      } catch {
        throw PatternError(reason: "not a valid regular expression", offset: nil)
      }
    #endif
  }

  deinit {
    #if canImport(_FoundationICU)
      swift_uregex_close(regex)
      ticks.deallocate()
      empty.deallocate()
    #endif
  }

  /// Whether the pattern finds a match anywhere in `text`, within `stepLimit` steps of ICU's
  /// match engine (rounded up to a whole tick); the steps the match took are added to `steps`.
  func firstMatch(in text: String, stepLimit: Int, steps: inout Int) -> BoundedMatch {
    #if canImport(_FoundationICU)
      var status = U_ZERO_ERROR
      let limitTicks = Int32(clamping: max(1, (stepLimit + Self.stepsPerTick - 1) / Self.stepsPerTick))
      swift_uregex_setTimeLimit(regex, limitTicks, &status)
      ticks.pointee = 0
      var units: [UInt16] = []
      units.reserveCapacity(text.utf8.count)
      units.append(contentsOf: text.utf16)
      let found = units.withUnsafeBufferPointer { buffer -> Bool in
        swift_uregex_setText(regex, buffer.baseAddress, Int32(clamping: buffer.count), &status)
        let found = swift_uregex_find(regex, 0, &status) != 0
        // The regex keeps the text's address: point it at nothing before the buffer goes.
        var reset = U_ZERO_ERROR
        swift_uregex_setText(regex, empty, 0, &reset)
        return found
      }
      steps += Int(ticks.pointee) * Self.stepsPerTick
      if status == U_REGEX_TIME_OUT { return .overStepLimit }
      if status == U_REGEX_STACK_OVERFLOW || status == U_MEMORY_ALLOCATION_ERROR { return .overMemoryLimit }
      return .found(found)
    #else
      let range = NSRange(text.startIndex..<text.endIndex, in: text)
      return .found(regex.firstMatch(in: text, range: range) != nil)
    #endif
  }

  /// Whether `pattern` is a valid pattern: nil, or why not.
  static func problem(_ pattern: String) -> PatternError? {
    do {
      _ = try BoundedRegex(pattern)
      return nil
    } catch {
      return error
    }
  }

  #if canImport(_FoundationICU)
    /// ICU's error in words: `U_REGEX_MISMATCHED_PAREN` → `mismatched paren`.
    static func reason(_ status: UErrorCode) -> String {
      let name = swift_u_errorName(status).map { String(cString: $0) } ?? "U_REGEX_RULE_SYNTAX"
      switch name {
      case "U_REGEX_RULE_SYNTAX": return "syntax error"
      case "U_REGEX_MISMATCHED_PAREN": return "unbalanced parentheses"
      case "U_REGEX_MISSING_CLOSE_BRACKET": return "missing ']'"
      case "U_REGEX_BAD_ESCAPE_SEQUENCE": return "unknown escape sequence"
      case "U_REGEX_BAD_INTERVAL": return "malformed {min,max} interval"
      case "U_REGEX_MAX_LT_MIN": return "{min,max} with max below min"
      case "U_REGEX_INVALID_RANGE": return "character range out of order"
      case "U_REGEX_INVALID_BACK_REF": return "back-reference to a group that does not exist"
      case "U_REGEX_LOOK_BEHIND_LIMIT": return "look-behind without a bounded length"
      case "U_REGEX_INVALID_FLAG": return "unknown flag"
      case "U_REGEX_NUMBER_TOO_BIG": return "number too big"
      case "U_REGEX_PROPERTY_SYNTAX": return "malformed \\p{…} property"
      case "U_REGEX_PATTERN_TOO_BIG": return "pattern too big"
      case "U_REGEX_INVALID_CAPTURE_GROUP_NAME": return "invalid capture group name"
      default:
        var words = name
        for prefix in ["U_REGEX_", "U_"] where words.hasPrefix(prefix) {
          words.removeFirst(prefix.count)
          break
        }
        return words.lowercased().replacingOccurrences(of: "_", with: " ")
      }
    }
  #endif
}
