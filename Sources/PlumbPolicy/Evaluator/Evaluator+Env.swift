extension Evaluator {
  /// The variables in scope while evaluating: the judged entity, `let`s, quantifier variables, a
  /// join's candidate. There are a handful, so a linear search of their names (short strings,
  /// compared in place) costs less than hashing them, which a dictionary does on every read and
  /// write. Reads, writes and removals behave as a dictionary's.
  struct Env: ExpressibleByDictionaryLiteral {
    private var names: [String] = []
    private var values: [RuntimeValue] = []

    init(dictionaryLiteral elements: (String, RuntimeValue)...) {
      for (name, value) in elements { self[name] = value }
    }

    /// An environment binding only `name`, reusing this one's storage when nothing else holds it
    /// (one per judged entity, without allocating).
    mutating func reset(_ name: String, _ value: RuntimeValue) {
      names.removeAll(keepingCapacity: true)
      values.removeAll(keepingCapacity: true)
      names.append(name)
      values.append(value)
    }

    subscript(name: String) -> RuntimeValue? {
      get {
        for position in names.indices where names[position] == name { return values[position] }
        return nil
      }
      set {
        if let position = names.firstIndex(of: name) {
          if let newValue {
            values[position] = newValue
          } else {
            names.remove(at: position)
            values.remove(at: position)
          }
        } else if let newValue {
          names.append(name)
          values.append(newValue)
        }
      }
    }
  }
}
