import Foundation

/// Runs `first` on the calling thread while `second` runs on a global queue, and returns both
/// results. Either may itself use every core: neither runs inside a `concurrentPerform`, which
/// libdispatch would narrow (an apply nested in an apply gets a fraction of the threads; nesting
/// the ingest's parallel loads that way made large checks a third slower).
func concurrently<A: Sendable, B: Sendable>(
  _ first: () -> A, _ second: @escaping @Sendable () -> B
) -> (A, B) {
  let box = ResultBox<B>()
  let group = DispatchGroup()
  DispatchQueue.global().async(group: group) { box.value = second() }
  let a = first()
  group.wait()
  return (a, box.value!)
}

/// One value handed from the queue to the waiting thread (written before `group.wait` returns).
private final class ResultBox<T>: @unchecked Sendable {
  var value: T?
}
