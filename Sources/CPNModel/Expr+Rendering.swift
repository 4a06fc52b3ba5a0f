/// Canonical text of an expression: what a reader would write, with the fewest
/// parentheses that keep the parse the same.
///
/// Two expressions that differ only in spacing or redundant parentheses render
/// to the same text, which is what structural diffs (`revise`, `review`) and
/// pictures (`graph`) need: they compare and show meaning, not layout. The
/// binding powers mirror `CPNExpressions.Parser`; `Expr+RenderingTests` checks
/// that rendering then parsing gives the same tree.
extension Expr {
    public var rendered: String { Self.render(self, needs: 0) }

    /// Binding strength of the construct at the root of `e` (higher binds tighter).
    private static func level(_ e: Expr) -> Int {
        switch e.kind {
        case .int(let i): return i < 0 ? 11 : 100  // `-5` reads like unary minus
        case .bool, .unit, .name, .wildcard, .tuple, .record, .with, .call: return 100
        case .member: return 15
        case .binary(let op, _, _): return powers(op).left
        case .unary: return 11
        // Prefix forms that run to the end of the text: parenthesised as operands.
        case .conditional, .lambda, .quantifier: return 0
        }
    }

    /// Left binding power and what each operand must reach to go unparenthesised.
    private static func powers(_ op: BinaryOperator) -> (left: Int, lhs: Int, rhs: Int) {
        switch op {
        case .or: (1, 1, 2)
        case .and: (3, 3, 4)
        // Comparisons do not chain: a comparison operand of a comparison needs parentheses.
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: (5, 6, 6)
        case .add, .subtract: (7, 7, 8)
        case .multiply, .divide, .remainder: (9, 9, 10)
        // Right-associative and above unary minus: `-a ** b` is `-(a ** b)`.
        case .power: (14, 15, 13)
        }
    }

    private static func render(_ e: Expr, needs: Int) -> String {
        let text = bare(e)
        let own = level(e)
        // A prefix form at the top (needs 0) stands alone; anywhere else it is wrapped.
        if own < needs || (own == 0 && needs > 0) { return "(\(text))" }
        return text
    }

    private static func bare(_ e: Expr) -> String {
        switch e.kind {
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .unit: return "()"
        case .name(let n): return n
        case .wildcard: return "_"
        case .unary(let op, let x): return op.rawValue + render(x, needs: 11)
        case .binary(let op, let a, let b):
            let p = powers(op)
            return "\(render(a, needs: p.lhs)) \(op.rawValue) \(render(b, needs: p.rhs))"
        case .member(let x, let field): return "\(render(x, needs: 15)).\(field)"
        case .tuple(let xs): return "(" + xs.map { render($0, needs: 0) }.joined(separator: ", ") + ")"
        case .record(let fields, let open):
            var parts = fields.map { "\($0.name): \(render($0.value, needs: 0))" }
            if open { parts.append("...") }
            return "{" + parts.joined(separator: ", ") + "}"
        case .with(let base, let fields):
            let parts = fields.map { "\($0.name): \(render($0.value, needs: 0))" }
            return "{\(render(base, needs: 1)) with " + parts.joined(separator: ", ") + "}"
        case .conditional(let c, let t, let f):
            return "if \(render(c, needs: 0)) then \(render(t, needs: 0)) else \(render(f, needs: 0))"
        case .call(let name, let args):
            return name + "(" + args.map { render($0, needs: 0) }.joined(separator: ", ") + ")"
        case .lambda(let pattern, let body): return "\(render(pattern, needs: 1)) => \(render(body, needs: 0))"
        case .quantifier(let q, let variable, let domain, _, let body):
            return "\(q.rawValue) \(render(variable, needs: 1)) in \(domain): \(render(body, needs: 0))"
        }
    }
}

extension ColorSyntax {
    /// Canonical text of a color as written, in the notation messages use
    /// (`Int[0..3]`, `enum{idle, busy}`), bounds rendered as expressions.
    public var rendered: String {
        switch self {
        case .reference(let name, _): name
        case .unit: "Unit"
        case .bool: "Bool"
        case .int(let lo, let hi, _): "Int[\(lo.rendered)..\(hi.rendered)]"
        case .unboundedInt: "Int"
        case .enumeration(let cases, _): "enum{" + cases.map(\.0).joined(separator: ", ") + "}"
        case .record(let fields, _): "{" + fields.map { "\($0.0): \($0.2.rendered)" }.joined(separator: ", ") + "}"
        case .tuple(let parts, _): "(" + parts.map(\.rendered).joined(separator: ", ") + ")"
        }
    }
}

extension Inscription {
    /// `expr`, with `×count` when more than one token and `@+ delay` when timed.
    public var rendered: String {
        var text = expr.rendered
        if let delay { text += " @+ \(delay.rendered)" }
        if count != 1 { text += " ×\(count)" }
        return text
    }
}
