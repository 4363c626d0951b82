extension Evaluator {
  /// The variables in scope while evaluating: the judged entity, `let`s, quantifier variables, a
  /// join's candidate. There are a handful, so a linear search of their names (short strings,
  /// compared in place) costs less than hashing them, which a dictionary does on every read and
  /// write. Reads, writes and removals behave as a dictionary's.
  ///
  /// Names and values are kept in one array of pairs: a quantifier or a join copies the
  /// environment it binds its variable in, and one array is one allocation (and one buffer to
  /// release) per copy instead of two.
  struct Env: ExpressibleByDictionaryLiteral {
    /// A struct, not a tuple: arrays of tuples are destroyed through the runtime's generic tuple
    /// witness, element by element.
    private struct Binding {
      var name: String
      var value: RuntimeValue
    }
    private var bindings: [Binding] = []

    init(dictionaryLiteral elements: (String, RuntimeValue)...) {
      for (name, value) in elements { self[name] = value }
    }

    /// An environment binding only `name`, reusing this one's storage when nothing else holds it
    /// (one per judged entity, without allocating).
    mutating func reset(_ name: String, _ value: RuntimeValue) {
      bindings.removeAll(keepingCapacity: true)
      bindings.append(Binding(name: name, value: value))
    }

    private func position(of name: String) -> Int? {
      for position in bindings.indices where bindings[position].name == name { return position }
      return nil
    }

    subscript(name: String) -> RuntimeValue? {
      get {
        for position in bindings.indices where bindings[position].name == name { return bindings[position].value }
        return nil
      }
      set {
        if let position = position(of: name) {
          if let newValue {
            bindings[position].value = newValue
          } else {
            bindings.remove(at: position)
          }
        } else if let newValue {
          bindings.append(Binding(name: name, value: newValue))
        }
      }
    }
  }
}
