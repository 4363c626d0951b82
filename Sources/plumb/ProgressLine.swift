import Dispatch
import Foundation
import PlumbKit

/// "plumb: checking… 3s" on standard error while a long run works: only when standard error is
/// a terminal (never in a CI log or a redirected file), only after about a second (a quick run
/// prints nothing), and erased before the results are printed.
final class ProgressLine: @unchecked Sendable {
  private let queue = DispatchQueue(label: "plumb.progress")
  private var timer: DispatchSourceTimer?
  private var shown = false
  private let start = DispatchTime.now()
  private let what: String

  /// Whether a progress line may be shown: standard error is a terminal and `PLUMB_NO_PROGRESS`
  /// is unset.
  static var enabled: Bool {
    isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["PLUMB_NO_PROGRESS"] == nil
  }

  /// Starts a line saying `what` (e.g. "checking"), shown after `delay` seconds if still running
  /// (`PLUMB_PROGRESS_AFTER` seconds when set: the tests use 0).
  init(_ what: String, delay: Double = 1.0) {
    self.what = what
    guard Self.enabled else { return }
    let environment = ProcessInfo.processInfo.environment["PLUMB_PROGRESS_AFTER"]
    let delay = environment.flatMap(Double.init).map { min(max($0, 0), 60) } ?? delay
    let timer = DispatchSource.makeTimerSource(queue: queue)
    timer.schedule(deadline: .now() + delay, repeating: 1.0)
    timer.setEventHandler { [weak self] in self?.draw() }
    timer.resume()
    self.timer = timer
  }

  private func draw() {
    let seconds = (DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1_000_000_000
    // Carriage return and erase-line: the line is rewritten in place.
    FileHandle.standardError.write(Data("\r\u{1B}[2Kplumb: \(what)… \(seconds)s".utf8))
    shown = true
  }

  /// Stops the line and erases it (before anything else is printed).
  func finish() {
    guard let timer else { return }
    timer.cancel()
    self.timer = nil
    queue.sync {
      if shown { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
      shown = false
    }
  }

  deinit { timer?.cancel() }
}
