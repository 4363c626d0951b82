import PlumbGraph

// The evaluator's pure helpers are static (they read nothing of the evaluator); these forwarders
// keep their call sites unchanged. Inlined, a call from a `mutating` method needs no copy of the
// evaluator: calling an instance method there copies the whole struct (a retain per field), which
// cost about a tenth of the evaluation time.
extension Evaluator {
  @inline(__always) func member(_ base: RuntimeValue, _ name: String) -> RuntimeValue { Self.member(base, name) }
  @inline(__always) func toValue(_ runtime: RuntimeValue) -> Value { Self.toValue(runtime) }
  @inline(__always) func truth(_ value: RuntimeValue) -> Truth { Self.truth(value) }
  @inline(__always) func equals(_ a: RuntimeValue, _ b: RuntimeValue) -> Truth { Self.equals(a, b) }
  @inline(__always) func scalarEquals(_ a: Value, _ b: Value) -> Bool { Self.scalarEquals(a, b) }
  @inline(__always) func compare(_ a: RuntimeValue, _ b: RuntimeValue, _ op: BinaryOperator) -> Truth {
    Self.compare(a, b, op)
  }
  @inline(__always) func contains(_ container: RuntimeValue, _ item: RuntimeValue) -> Truth {
    Self.contains(container, item)
  }
  @inline(__always) func arithmetic(_ op: BinaryOperator, _ a: RuntimeValue, _ b: RuntimeValue)
    -> Result<RuntimeValue, ArithmeticError>
  {
    Self.arithmetic(op, a, b)
  }
  @inline(__always) func number(_ value: Value) -> Double? { Self.number(value) }
}
