import Foundation

/// Runs `first` and `second` at the same time (each may itself run work on every core) and
/// returns both results.
func concurrently<A: Sendable, B: Sendable>(
  _ first: @Sendable () -> A, _ second: @Sendable () -> B
) -> (A, B) {
  nonisolated(unsafe) var a: A?
  nonisolated(unsafe) var b: B?
  DispatchQueue.concurrentPerform(iterations: 2) { position in
    if position == 0 { a = first() } else { b = second() }
  }
  // concurrentPerform returns after both iterations finished: both are set.
  return (a!, b!)
}
