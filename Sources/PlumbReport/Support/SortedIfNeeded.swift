extension Array {
  /// `sorted(by:)`, without the sort when the elements are already in order (one linear check):
  /// the findings of a run arrive sorted, and a stable sort of a sorted array changes nothing.
  public func sortedIfNeeded(by areInIncreasingOrder: (Element, Element) -> Bool) -> [Element] {
    var position = 1
    while position < count {
      if areInIncreasingOrder(self[position], self[position - 1]) { return sorted(by: areInIncreasingOrder) }
      position += 1
    }
    return self
  }
}
