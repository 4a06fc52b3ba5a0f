import CPNDiagnostics

/// Integer arithmetic that reports overflow and division by zero as
/// evaluation errors at the operator's span, where Swift would trap.
enum CheckedArithmetic {
    static func apply(_ op: BinaryOperatorKind, _ a: Int, _ b: Int, at span: SourceSpan) throws(EvaluationError) -> Int {
        switch op {
        case .add: return try check(a.addingReportingOverflow(b), "\(a) + \(b)", span)
        case .subtract: return try check(a.subtractingReportingOverflow(b), "\(a) - \(b)", span)
        case .multiply: return try check(a.multipliedReportingOverflow(by: b), "\(a) * \(b)", span)
        case .divide:
            guard b != 0 else { throw EvaluationError("division by zero in \(a) / 0", at: span) }
            return try check(a.dividedReportingOverflow(by: b), "\(a) / \(b)", span)
        case .remainder:
            guard b != 0 else { throw EvaluationError("remainder by zero in \(a) % 0", at: span) }
            return try check(a.remainderReportingOverflow(dividingBy: b), "\(a) % \(b)", span)
        case .power: return try power(a, b, span)
        }
    }

    static func negate(_ a: Int, at span: SourceSpan) throws(EvaluationError) -> Int {
        try check(0.subtractingReportingOverflow(a), "-(\(a))", span)
    }

    private static func power(_ base: Int, _ exponent: Int, _ span: SourceSpan) throws(EvaluationError) -> Int {
        guard exponent >= 0 else { throw EvaluationError("negative exponent in \(base) ** \(exponent)", at: span) }
        var result = 1, b = base, e = exponent
        while e > 0 {
            if e & 1 == 1 { result = try check(result.multipliedReportingOverflow(by: b), "\(base) ** \(exponent)", span) }
            e >>= 1
            if e > 0 { b = try check(b.multipliedReportingOverflow(by: b), "\(base) ** \(exponent)", span) }
        }
        return result
    }

    /// `what` is built only on overflow: formatting both operands on every
    /// operation was most of the cost of evaluating an invariant.
    private static func check(_ r: (partialValue: Int, overflow: Bool), _ what: @autoclosure () -> String,
                              _ span: SourceSpan) throws(EvaluationError) -> Int {
        if r.overflow { throw EvaluationError("integer overflow in \(what())", at: span) }
        return r.partialValue
    }
}

enum BinaryOperatorKind { case add, subtract, multiply, divide, remainder, power }
