import CPNDiagnostics
import CPNExpressions
import CPNModel

/// Numbers written as constants: wherever a count goes (a Unit place's
/// initial tokens and arcs, `count:`, `capacity:`), a constant or a constant
/// expression (`MAX`, `MAX - 1`) may stand for it, so a limit is written once.
extension NetChecker {
    /// How many `()` tokens a term on a Unit place stands for: a bare integer,
    /// or an Int expression computable at load time (`initial: MAX`). Nil when
    /// the term is a token expression (`()`, a variable): it is checked as one.
    func unitCount(_ i: Inscription) -> Int? {
        if let n = i.bareCount { return n }
        guard i.delay == nil, i.countExpr == nil else { return nil }
        let compiler = ExpressionCompiler(symbols: symbols, context: .constant)
        guard let result = compiler.compile(i.expr), !compiler.diagnostics.hasErrors else { return nil }
        return result.constant?.asInt
    }

    /// `count: N`: the value of N, from 1 to the most tokens a place holds; nil (reported) otherwise.
    mutating func resolvedCount(_ i: Inscription) -> Int? {
        guard let e = i.countExpr else { return i.count }
        guard let n = constantValue(e, color: .anyInt, what: "`count`")?.asInt else { return nil }
        guard n >= 1, n <= NetLimits.maximumTokensPerPlace else {
            diagnostics.add(.badInteger, "`count` must be from 1 to \(NetLimits.maximumTokensPerPlace), but `\(e.rendered)` is \(n)", at: e.span,
                            help: "`count` is how many copies of the token there are; remove the token to have none")
            return nil
        }
        return n
    }

    /// An arc's term with its count: `count:` resolved, and on a Unit place a
    /// number (or a constant) turned into that many `()` tokens, at least one
    /// (`tooFew` words the error for fewer). Nil, reported, when a count is wrong.
    mutating func arcTerm(_ i: Inscription, color: Color,
                          tooFew: (Int) -> (message: String, help: String)) -> (expr: Expr, count: Int)? {
        guard var count = resolvedCount(i) else { return nil }
        var expr = i.expr
        if color.kind == .unit {
            unitTermSpans.insert(i.expr.span)
            if let n = unitCount(i) {
                guard n >= 1 else {
                    let words = tooFew(n)
                    diagnostics.add(.badInteger, words.message, at: i.span, help: words.help)
                    return nil
                }
                expr = Expr(.unit, i.expr.span)
                count = n
            }
        }
        return (expr, count)
    }

    /// Says, on a type mismatch at a term of a Unit place, what a number means there.
    static func unitCountHelp(_ d: Diagnostic, spans: Set<SourceSpan>) -> Diagnostic {
        guard d.code == .typeMismatch, d.help == nil, let span = d.span, spans.contains(span) else { return d }
        var d = d
        d.help = "on a Unit place a number is a count of `()` tokens: a literal or a constant (`MAX`) computable when the net is loaded; for one token write `\"()\"`"
        return d
    }
}
