import CPNExpressions
import CPNModel

/// One way to leave a marking: a transition firing under a binding, or the
/// clock advancing because nothing can fire now but a token will be ready.
struct Step {
    enum Kind: Equatable {
        case fire(transition: Int)
        case tick(delta: Int32)
    }

    var kind: Kind
    /// The binding's variable slots (empty for a tick).
    var slots: [Value]
    var consumed: [(place: Int, token: Int32, count: Int)]
    var produced: [(place: Int, token: Int32, count: Int, delay: Int)]
    /// Tokens `read:` arcs needed and left in place.
    var read: [(place: Int, token: Int32, count: Int)] = []
}

/// An evaluation error met while computing a binding: the explorer reports
/// it as a violation with the trace to the state and this binding.
struct BindingFailure: Error {
    var error: EvaluationError
    var transition: Int
    var slots: [Value]
}

/// What enumerating the bindings of a marking found besides its successors.
struct Expansion {
    /// Some step was possible (a binding, or the clock advancing) or a
    /// binding failed to evaluate: the marking is not dead.
    var enabled = false
    /// The first binding that failed to evaluate, in enumeration order.
    var failure: BindingFailure? = nil
}

/// A `WorkBudget` stopped the enumeration of one marking's bindings: the
/// marking was not fully expanded, so the exploration is incomplete.
struct Interruption: Error {
    var reason: String
}
