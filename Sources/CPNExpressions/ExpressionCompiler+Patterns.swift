import CPNDiagnostics
import CPNModel

extension ExpressionCompiler {
    /// Compiles a pattern matched against tokens of `color`.
    ///
    /// A name in a pattern is, in this order: a variable already bound by an
    /// earlier input arc (a join: the token must equal it), a constant or a
    /// case of `color` (the token must equal it), or a new variable bound to
    /// the token. With `fresh` (lambda and quantifier parameters) only the
    /// last two apply. Anything else is an expression the token must equal.
    public func compilePattern(_ expr: Expr, color: Color, fresh: Bool = false) -> CompiledPattern? {
        var boundHere: [String: SourceSpan] = [:]
        return pattern(expr, color, fresh: fresh, boundHere: &boundHere)
    }

    private func pattern(_ expr: Expr, _ color: Color, fresh: Bool, boundHere: inout [String: SourceSpan]) -> CompiledPattern? {
        let span = expr.span
        switch expr.kind {
        case .wildcard:
            return CompiledPattern(match: { _, _ throws(EvaluationError) in true }, isIrrefutable: true, constant: nil)
        case .name(let name):
            if let first = boundHere[name] {
                _ = lookup(name)  // the first binding is not "unused": this is the mistake
                report(.boundTwice, "variable `\(name)` is bound twice in one pattern", at: span,
                       help: "use two names and relate them in the guard, e.g. `\(name) == \(name)2`",
                       notes: [.init("first bound here", at: first)])
                return nil
            }
            if !fresh, frames.last?[name] != nil, let v = lookup(name) {
                guard color.accepts(v.color) else {
                    report(.typeMismatch, "`\(name)` is bound to a `\(v.color)` by another arc, but this place holds `\(color)`",
                           at: span, notes: [.init("`\(name)` is bound here", at: v.span)])
                    return nil
                }
                let slot = v.slot
                return CompiledPattern(match: { value, ctx throws(EvaluationError) in ctx.slots[slot] == value },
                                       isIrrefutable: false, constant: nil)
            }
            if let c = symbols.constants[name] {
                guard color.accepts(c.color) else {
                    report(.typeMismatch, "`\(name)` is a constant of `\(c.color)`, but this place holds `\(color)`", at: span,
                           help: "rename the variable so it does not hide the constant")
                    return nil
                }
                return literalPattern(c.value, color, span)
            }
            if let cases = color.cases, let index = cases.firstIndex(of: name) {
                return literalPattern(.enumCase(index), color, span)
            }
            if let owners = symbols.enumCases[name] {
                report(.typeMismatch, "`\(name)` is a case of `\(owners[0])`, but this place holds `\(color)`", at: span,
                       help: color.cases.map { "its cases are: " + $0.joined(separator: ", ") } ?? "use another name to bind the token")
                return nil
            }
            boundHere[name] = span
            let slot = declare(name, color, span)
            return CompiledPattern(match: { value, ctx throws(EvaluationError) in
                ctx.slots[slot] = value
                return true
            }, isIrrefutable: true, constant: nil)
        case .tuple(let parts):
            guard let components = color.components else {
                report(.typeMismatch, "a tuple pattern cannot match a token of `\(color)`", at: span)
                return nil
            }
            guard components.count == parts.count else {
                report(.typeMismatch, "tokens of `\(color)` have \(components.count) components, the pattern has \(parts.count)",
                       at: span)
                return nil
            }
            let subpatterns = zip(parts, components).map { pattern($0, $1, fresh: fresh, boundHere: &boundHere) }
            guard subpatterns.allSatisfy({ $0 != nil }) else { return nil }
            return structured(subpatterns.map { $0! }.enumerated().map { ($0.offset, $0.element) })
        case .record(let fields, let open):
            guard let declared = color.fields else {
                report(.typeMismatch, "a record pattern cannot match a token of `\(color)`", at: span)
                return nil
            }
            var subpatterns: [(Int, CompiledPattern)] = []
            var failed = false
            for f in fields {
                guard let index = declared.firstIndex(where: { $0.name == f.name }) else {
                    report(.unknownField, "`\(color)` has no field `\(f.name)`", at: f.nameSpan,
                           help: NameSuggestion.help(for: f.name, among: declared.map(\.name)))
                    failed = true
                    continue
                }
                if let p = pattern(f.value, declared[index].color, fresh: fresh, boundHere: &boundHere) {
                    subpatterns.append((index, p))
                } else { failed = true }
            }
            let missing = declared.map(\.name).filter { n in !fields.contains { $0.name == n } }
            if !open && !missing.isEmpty {
                report(.invalidPattern, "the pattern does not mention " + missing.map { "`\($0)`" }.joined(separator: ", ")
                       + " of `\(color)`", at: span, help: "add `...` before `}` to ignore the other fields")
                return nil
            }
            return failed ? nil : structured(subpatterns)
        case .int(let i) where !color.contains(.int(i)) && color.isInt:
            // "`Int[0..3]` is Int[0..3]" said nothing for an inline range: name the values instead.
            report(.neverFires, "pattern `\(i)` can never match a token of `\(color)`", at: span,
                   help: rangeHelp(color).map { $0 + ", so the transition can never fire" })
            return CompiledPattern(match: { _, _ throws(EvaluationError) in false }, isIrrefutable: false, constant: nil)
        default:
            guard let value = compile(expr, expected: color) else { return nil }
            if let c = value.constant { return literalPattern(c, color, span) }
            let e = value.evaluate
            return CompiledPattern(match: { token, ctx throws(EvaluationError) in try e(&ctx) == token },
                                   isIrrefutable: false, constant: nil)
        }
    }

    private func literalPattern(_ value: Value, _ color: Color, _ span: SourceSpan) -> CompiledPattern {
        CompiledPattern(match: { token, _ throws(EvaluationError) in token == value }, isIrrefutable: false, constant: value)
    }

    private func structured(_ parts: [(Int, CompiledPattern)]) -> CompiledPattern {
        let refutable = parts.filter { !$0.1.isIrrefutable }.map { ($0.0, $0.1.match) }
        let binders = parts.filter { $0.1.isIrrefutable }.map { ($0.0, $0.1.match) }
        let irrefutable = refutable.isEmpty
        return CompiledPattern(match: { token, ctx throws(EvaluationError) in
            guard let values = token.parts else { return false }
            // Test the literal parts before binding anything.
            for (i, m) in refutable where !(try m(values[i], &ctx)) { return false }
            for (i, m) in binders { _ = try m(values[i], &ctx) }
            return true
        }, isIrrefutable: irrefutable, constant: nil)
    }
}

/// What an input-arc pattern needs and provides, computed before compiling
/// so that arcs can be matched in an order where every variable an
/// expression uses is already bound.
public struct PatternNames: Sendable {
    /// Names in binding position (may bind, or join with an earlier arc).
    public var binding: [String] = []
    /// Names inside expressions (`t.domain`, `n + 1`): must be bound earlier.
    public var required: [(String, SourceSpan)] = []

    /// `isGlobal` says whether a name is a constant or enum case (never a variable).
    public init(_ expr: Expr, isGlobal: (String) -> Bool) {
        collect(expr, isGlobal: isGlobal)
    }

    private mutating func collect(_ expr: Expr, isGlobal: (String) -> Bool) {
        switch expr.kind {
        case .name(let n): if !isGlobal(n) { binding.append(n) }
        case .wildcard, .int, .bool, .unit: break
        case .tuple(let parts): parts.forEach { collect($0, isGlobal: isGlobal) }
        case .record(let fields, _): fields.forEach { collect($0.value, isGlobal: isGlobal) }
        default:
            for (n, s) in expr.names where !isGlobal(n) { required.append((n, s)) }
        }
    }
}
