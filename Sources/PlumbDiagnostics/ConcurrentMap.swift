import Foundation

extension Array where Element: Sendable {
  /// `map` with each element transformed on any core (`DispatchQueue.concurrentPerform`), the
  /// results in the elements' order. For independent, comparable-cost work such as reading one
  /// input file each.
  public func concurrentMap<T>(_ transform: @Sendable (Element) -> T) -> [T] {
    let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
    slots.initialize(repeating: nil)
    defer {
      slots.deinitialize()
      slots.deallocate()
    }
    // Each iteration writes only its own slot; concurrentPerform returns after all of them.
    nonisolated(unsafe) let shared = slots
    DispatchQueue.concurrentPerform(iterations: count) { position in
      shared[position] = transform(self[position])
    }
    return slots.map { $0! }
  }
}
