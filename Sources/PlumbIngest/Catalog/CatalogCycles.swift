/// Cycle finding over small integer graphs: strongly connected components (Tarjan's algorithm,
/// iterative), one shortest cycle through the lowest node of each, and every self-loop, so each
/// cycle is reported once, the same way on every run.
enum CatalogCycles {
  /// The cycles of the directed graph `successors` (node i → successors[i]): one per strongly
  /// connected component of two or more nodes, as a node path that starts and ends at the
  /// component's lowest node, plus `[n, n]` for every node that points at itself. Ordered by
  /// first node, then length.
  ///
  /// - Complexity: O(nodes + edges).
  static func cycles(_ successors: [[Int]]) -> [[Int]] {
    let count = successors.count
    var index = [Int](repeating: -1, count: count)
    var lowlink = [Int](repeating: 0, count: count)
    var onStack = [Bool](repeating: false, count: count)
    var component = [Int](repeating: -1, count: count)
    var stack: [Int] = []
    var nextIndex = 0
    var components: [[Int]] = []

    for start in 0..<count where index[start] < 0 {
      // Frames: (node, position in its successor list).
      var frames: [(node: Int, next: Int)] = [(start, 0)]
      index[start] = nextIndex
      lowlink[start] = nextIndex
      nextIndex += 1
      stack.append(start)
      onStack[start] = true
      while let frame = frames.last {
        let node = frame.node
        let edges = successors[node]
        if frame.next < edges.count {
          frames[frames.count - 1].next += 1
          let target = edges[frame.next]
          if index[target] < 0 {
            index[target] = nextIndex
            lowlink[target] = nextIndex
            nextIndex += 1
            stack.append(target)
            onStack[target] = true
            frames.append((target, 0))
          } else if onStack[target] {
            lowlink[node] = min(lowlink[node], index[target])
          }
          continue
        }
        frames.removeLast()
        if let parent = frames.last?.node { lowlink[parent] = min(lowlink[parent], lowlink[node]) }
        if lowlink[node] == index[node] {
          var members: [Int] = []
          while let member = stack.popLast() {
            onStack[member] = false
            component[member] = components.count
            members.append(member)
            if member == node { break }
          }
          components.append(members)
        }
      }
    }

    var result: [[Int]] = []
    // A node that points at itself is a cycle of its own, inside a larger component or not.
    for node in 0..<count where successors[node].contains(node) { result.append([node, node]) }
    for (id, members) in components.enumerated() where members.count > 1 {
      guard let lowest = members.min() else { continue }
      if let path = shortestCycle(through: lowest, component: id, successors, component) { result.append(path) }
    }
    return result.sorted { ($0.first ?? 0, $0.count) < ($1.first ?? 0, $1.count) }
  }

  /// A shortest path from `start` back to itself inside one component (breadth-first, taking
  /// successors in their given order).
  private static func shortestCycle(
    through start: Int, component id: Int, _ successors: [[Int]], _ component: [Int]
  ) -> [Int]? {
    var previous: [Int: Int] = [:]
    var queue: [Int] = []
    var head = 0
    for next in successors[start] where component[next] == id && next != start {
      if previous[next] == nil {
        previous[next] = start
        queue.append(next)
      }
    }
    while head < queue.count {
      let node = queue[head]
      head += 1
      for next in successors[node] where component[next] == id {
        if next == start {
          var path = [start]
          var cursor = node
          while cursor != start {
            path.append(cursor)
            guard let before = previous[cursor] else { return nil }
            cursor = before
          }
          path.append(start)
          // `path` is start, node, …, start reversed in the middle: put it in walking order.
          let middle = path[1..<(path.count - 1)].reversed()
          return [start] + middle + [start]
        }
        if previous[next] == nil {
          previous[next] = node
          queue.append(next)
        }
      }
    }
    return nil
  }
}
