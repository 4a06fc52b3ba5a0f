import CPNDiagnostics
import CPNModel

/// Type-checks expressions and compiles them to closures in one pass.
///
/// Checking is bidirectional: a position that knows its color (an arc's
/// place, a record field, the other side of `==`) passes it down as
/// `expected`, which is how record literals and same-named enum cases get
/// their color. Every problem is recorded in `diagnostics` and the node
/// yields nil, so one bad subexpression produces one message, not a cascade.
public final class ExpressionCompiler {
    public let symbols: SymbolTable
    public let context: ExpressionContext
    public private(set) var diagnostics = DiagnosticBag()

    /// Variables in scope, innermost frame last.
    var frames: [[String: Variable]] = [[:]]
    /// Names whose declaration failed (see `SymbolTable.failed`), plus
    /// variables bound by arcs from such places.
    public var poisoned: Set<String>
    /// Slots handed out so far: the size an `EvalContext` needs.
    public private(set) var slotCount = 0

    public struct Variable: Sendable {
        public var name: String
        public var color: Color
        public var slot: Int
        public var span: SourceSpan
        public var used: Bool
    }

    /// Quantifier domains larger than this are refused: checking would
    /// enumerate them in every state.
    public static let maximumQuantifierDomain = 100_000

    public init(symbols: SymbolTable, context: ExpressionContext) {
        self.symbols = symbols
        self.context = context
        self.poisoned = symbols.failed
    }

    // MARK: - Scopes

    public func beginScope() { frames.append([:]) }

    /// Closes the innermost scope and returns its variables in slot order.
    @discardableResult
    public func endScope() -> [Variable] {
        let frame = frames.removeLast()
        return frame.values.sorted { $0.slot < $1.slot }
    }

    /// The variables of the innermost scope, in slot order.
    public var currentVariables: [Variable] { frames.last!.values.sorted { $0.slot < $1.slot } }

    func lookup(_ name: String) -> Variable? {
        for i in frames.indices.reversed() {
            if let v = frames[i][name] {
                frames[i][name]!.used = true
                return v
            }
        }
        return nil
    }

    func declare(_ name: String, _ color: Color, _ span: SourceSpan) -> Int {
        let slot = slotCount
        slotCount += 1
        frames[frames.count - 1][name] = Variable(name: name, color: color, slot: slot, span: span, used: false)
        return slot
    }

    func report(_ code: DiagnosticCode, _ message: String, at span: SourceSpan, help: String? = nil,
                notes: [Diagnostic.Note] = []) {
        diagnostics.add(code, message, at: span, help: help, notes: notes)
    }

    // MARK: - Entry points

    /// Compiles `expr`, which must have a color `expected` accepts (when given).
    public func compile(_ expr: Expr, expected: Color? = nil) -> CompiledExpr? {
        guard let result = infer(expr, expected: expected) else { return nil }
        guard let expected else { return result }
        guard expected.accepts(result.color) else {
            report(.typeMismatch, "expected `\(expected)`, found `\(result.color)`", at: expr.span,
                   help: conversionHelp(from: result.color, to: expected))
            return nil
        }
        return coerce(result, to: expected)
    }

    /// Compiles a guard, invariant or `final`: it must be Bool.
    public func compileCondition(_ expr: Expr, what: String) -> CompiledExpr? {
        guard let result = infer(expr, expected: .bool) else { return nil }
        guard result.color.isBool else {
            report(.notBool, "\(what) must be Bool, found `\(result.color)`", at: expr.span,
                   help: result.color.isInt ? "compare it: `\(abbreviate(expr)) > 0`" : "write a condition that is true or false")
            return nil
        }
        return result
    }

    private func conversionHelp(from found: Color, to expected: Color) -> String? {
        if expected.isBool && found.isInt { return "compare the number to get a condition, e.g. `... > 0`" }
        if case .tuple(let parts) = expected.kind, parts.count > 1 {
            return "a token of `\(expected)` is a tuple: `(" + parts.map { "<\($0)>" }.joined(separator: ", ") + ")`"
        }
        if let fields = expected.fields {
            return "a token of `\(expected)` is a record: `{" + fields.map { "\($0.name): <\($0.color)>" }.joined(separator: ", ") + "}`"
        }
        if let cases = expected.cases { return "`\(expected)` is one of: " + cases.joined(separator: ", ") }
        return nil
    }

    func abbreviate(_ expr: Expr) -> String {
        if case .name(let n) = expr.kind { return n }
        return "..."
    }

    /// Wraps `value` so it lands in `color`: the static color becomes
    /// `color`, and a range check is added where the value could fall outside.
    func coerce(_ value: CompiledExpr, to color: Color) -> CompiledExpr? {
        if let constant = value.constant {
            guard color.contains(constant) else {
                report(.outOfColorRange, "value \(value.color.format(constant)) is outside the color \(color.explained)",
                       at: value.span, help: rangeHelp(color))
                return nil
            }
            return .literal(constant, color, value.span)
        }
        var result = value
        result.color = color
        guard Self.needsRangeCheck(from: value.color, to: color) else { return result }
        let evaluate = value.evaluate, span = value.span
        result.evaluate = { context throws(EvaluationError) in
            let v = try evaluate(&context)
            guard color.contains(v) else {
                throw EvaluationError("value \(color.format(v)) is outside the color \(color.explained)", at: span)
            }
            return v
        }
        return result
    }

    func rangeHelp(_ color: Color) -> String? {
        if case .int(let r?) = color.kind { return "`\(color)` holds \(r.lowerBound) ... \(r.upperBound)" }
        return nil
    }

    /// Whether a value of static color `source` may fall outside `target`.
    static func needsRangeCheck(from source: Color, to target: Color) -> Bool {
        switch (source.kind, target.kind) {
        case (_, .int(nil)): return false
        case let (.int(s?), .int(t?)): return !(t.contains(s.lowerBound) && t.contains(s.upperBound))
        case (_, .int): return true
        case let (.record(a), .record(b)) where a.count == b.count:
            return zip(a, b).contains { needsRangeCheck(from: $0.color, to: $1.color) }
        case let (.tuple(a), .tuple(b)) where a.count == b.count:
            return zip(a, b).contains { needsRangeCheck(from: $0, to: $1) }
        default: return false
        }
    }

    /// Folds a node whose parts are all constant, reporting an expression
    /// that fails whatever the marking (say `1 / 0`) at load time.
    func finish(_ color: Color, _ span: SourceSpan, parts: [CompiledExpr], _ evaluate: @escaping Evaluator) -> CompiledExpr? {
        let node = CompiledExpr(color: color, span: span, evaluate: evaluate)
        guard parts.allSatisfy({ $0.constant != nil }) else { return node }
        var scratch = EvalContext(slotCount: 0)
        do {
            return .literal(try evaluate(&scratch), color, span)
        } catch {
            report(.constantEvaluation, "this expression always fails: \(error.message)", at: error.span)
            return nil
        }
    }
}
