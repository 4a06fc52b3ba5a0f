import CPNDiagnostics
import CPNModel

/// A failure while evaluating a well-typed expression: overflow, division by
/// zero, a value outside its color, a negative delay. These are properties
/// of a particular binding, so the explorer reports them with the trace that
/// reached them instead of trapping.
public struct EvaluationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var span: SourceSpan
    /// Set when a `WorkBudget` stopped the evaluation (time, memory, Ctrl-C):
    /// nothing is wrong with the expression, the work was cut short.
    public var isInterruption = false

    public init(_ message: String, at span: SourceSpan) {
        self.message = message
        self.span = span
    }

    public var description: String { "\(span): \(message)" }
}

/// Read access to a marking, for invariants and `final`: the distinct token
/// values of a place with their multiplicities.
public protocol MarkingReader {
    func tokens(inPlace index: Int) -> [(value: Value, count: Int)]
}

/// What an evaluator reads: variable slots (filled by binding patterns) and,
/// for properties, the marking.
public struct EvalContext {
    public var slots: [Value]
    public var marking: (any MarkingReader)?
    /// Spent by quantifiers and marking reads, so one evaluation cannot run
    /// past a time limit or Ctrl-C (nil: unbounded, for callers with small inputs).
    public var budget: WorkBudget?

    public init(slotCount: Int, marking: (any MarkingReader)? = nil, budget: WorkBudget? = nil) {
        self.slots = Array(repeating: .unit, count: max(0, slotCount))
        self.marking = marking
        self.budget = budget
    }

    /// The tokens of a place (properties only), charged to the budget by their number.
    public func readTokens(_ place: Int) throws(EvaluationError) -> [(value: Value, count: Int)] {
        let tokens = marking!.tokens(inPlace: place)
        try budget?.spend(tokens.count)
        return tokens
    }
}

/// A type-checked expression compiled to a closure.
public typealias Evaluator = @Sendable (inout EvalContext) throws(EvaluationError) -> Value

/// Matches a token against a compiled pattern, filling variable slots.
public typealias Matcher = @Sendable (Value, inout EvalContext) throws(EvaluationError) -> Bool

public struct CompiledExpr: Sendable {
    public var color: Color
    public var evaluate: Evaluator
    /// The value, when it does not depend on variables or the marking.
    public var constant: Value?
    public var span: SourceSpan

    public init(color: Color, span: SourceSpan, constant: Value? = nil, evaluate: @escaping Evaluator) {
        self.color = color
        self.span = span
        self.constant = constant
        self.evaluate = evaluate
    }

    public static func literal(_ value: Value, _ color: Color, _ span: SourceSpan) -> CompiledExpr {
        CompiledExpr(color: color, span: span, constant: value) { _ throws(EvaluationError) in value }
    }
}

public struct CompiledPattern: Sendable {
    public var match: Matcher
    /// Always matches (a variable or `_`): the explorer can skip the call's result.
    public var isIrrefutable: Bool
    /// The single value it matches, when it is a constant.
    public var constant: Value?
}
