import CPNDiagnostics
import CPNModel

extension ExpressionCompiler {
    static let functionNames = ["count", "size", "sum", "min", "max", "abs"]

    func call(_ name: String, _ arguments: [Expr], _ span: SourceSpan) -> CompiledExpr? {
        switch name {
        case "min", "max":
            guard expectArguments(name, arguments, 2...2, span, usage: "\(name)(a, b)") else { return nil }
            let a = compile(arguments[0], expected: .anyInt), b = compile(arguments[1], expected: .anyInt)
            guard let a, let b else { return nil }
            let (ae, be) = (a.evaluate, b.evaluate)
            let pickMin = name == "min"
            return finish(.anyInt, span, parts: [a, b]) { ctx throws(EvaluationError) in
                let x = try ae(&ctx).asInt!, y = try be(&ctx).asInt!
                return .int(pickMin ? Swift.min(x, y) : Swift.max(x, y))
            }
        case "abs":
            guard expectArguments(name, arguments, 1...1, span, usage: "abs(n)") else { return nil }
            guard let a = compile(arguments[0], expected: .anyInt) else { return nil }
            let ae = a.evaluate
            return finish(.anyInt, span, parts: [a]) { ctx throws(EvaluationError) in
                let x = try ae(&ctx).asInt!
                return .int(x >= 0 ? x : try CheckedArithmetic.negate(x, at: span))
            }
        case "size", "count", "sum":
            guard context == .property else {
                report(.notAllowedHere, "`\(name)` reads the marking, so it is only allowed in invariants and `final`",
                       at: span, help: "a guard sees only the tokens its input arcs take")
                return nil
            }
            return markingFunction(name, arguments, span)
        default:
            report(.badCall, "unknown function `\(name)`", at: span,
                   help: NameSuggestion.help(for: name, among: Self.functionNames)
                    ?? "the functions are " + Self.functionNames.map { "`\($0)`" }.joined(separator: ", "))
            return nil
        }
    }

    private func expectArguments(_ name: String, _ arguments: [Expr], _ arity: ClosedRange<Int>, _ span: SourceSpan,
                                 usage: String) -> Bool {
        guard arity.contains(arguments.count) else {
            let expected = arity.count == 1 ? "\(arity.lowerBound)" : "\(arity.lowerBound) or \(arity.upperBound)"
            report(.badCall, "`\(name)` takes \(expected) argument\(arity.upperBound == 1 ? "" : "s"), found \(arguments.count)",
                   at: span, help: "write `\(usage)`")
            return false
        }
        return true
    }

    /// `size(p)`, `count(p)`, `count(p, x => cond)`, `count(p, value)`, `sum(p)`, `sum(p, x => n)`.
    private func markingFunction(_ name: String, _ arguments: [Expr], _ span: SourceSpan) -> CompiledExpr? {
        let usage = name == "size" ? "size(place)" : name == "count" ? "count(place, x => condition)" : "sum(place, x => number)"
        guard expectArguments(name, arguments, name == "size" ? 1...1 : 1...2, span, usage: usage) else { return nil }
        guard let (place, color) = placeArgument(arguments[0]) else { return nil }
        if arguments.count == 1 {
            if name == "sum" {
                guard color.isInt else {
                    report(.typeMismatch, "`sum(\(abbreviate(arguments[0])))` needs a place of Int tokens, this one holds `\(color)`",
                           at: span, help: "say what to add up: `sum(\(abbreviate(arguments[0])), x => x.field)`")
                    return nil
                }
                return CompiledExpr(color: .anyInt, span: span) { ctx throws(EvaluationError) in
                    var total = 0
                    for (v, n) in try ctx.readTokens(place) {
                        total = try CheckedArithmetic.apply(.add, total,
                                                            try CheckedArithmetic.apply(.multiply, v.asInt!, n, at: span), at: span)
                    }
                    return .int(total)
                }
            }
            // Checked like every other sum: `&+` wrapped a huge count to a negative size.
            return CompiledExpr(color: .anyInt, span: span) { ctx throws(EvaluationError) in
                var total = 0
                for (_, n) in try ctx.readTokens(place) { total = try CheckedArithmetic.apply(.add, total, n, at: span) }
                return .int(total)
            }
        }
        let second = arguments[1]
        if case .lambda(let parameter, let body) = second.kind {
            beginScope()
            defer { endScope() }
            guard let pattern = compilePattern(parameter, color: color, fresh: true) else { return nil }
            let isCount = name == "count"
            guard let b = isCount ? compileCondition(body, what: "the condition of `count`") : compile(body, expected: .anyInt)
            else { return nil }
            let (match, be) = (pattern.match, b.evaluate)
            return CompiledExpr(color: .anyInt, span: span) { ctx throws(EvaluationError) in
                var total = 0
                for (v, n) in try ctx.readTokens(place) where try match(v, &ctx) {
                    let x = try be(&ctx)
                    if isCount {
                        if x == .bool(true) { total = try CheckedArithmetic.apply(.add, total, n, at: span) }
                    } else {
                        total = try CheckedArithmetic.apply(.add, total, try CheckedArithmetic.apply(.multiply, x.asInt!, n, at: span), at: span)
                    }
                }
                return .int(total)
            }
        }
        guard name == "count" else {
            report(.badCall, "the second argument of `sum` is a function `x => number`", at: second.span, help: "write `\(usage)`")
            return nil
        }
        guard let value = compile(second, expected: color) else { return nil }
        let ve = value.evaluate
        return CompiledExpr(color: .anyInt, span: span) { ctx throws(EvaluationError) in
            let wanted = try ve(&ctx)
            return .int(try ctx.readTokens(place).first { $0.value == wanted }?.count ?? 0)
        }
    }

    private func placeArgument(_ e: Expr) -> (Int, Color)? {
        guard case .name(let n) = e.kind else {
            report(.badCall, "the first argument must name a place", at: e.span)
            return nil
        }
        guard let p = symbols.places[n] else {
            if poisoned.contains(n) { return nil }
            report(.unknownPlace, "unknown place `\(n)`", at: e.span,
                   help: NameSuggestion.help(for: n, among: symbols.places.keys))
            return nil
        }
        return (p.index, p.color)
    }

    // MARK: Quantifiers

    func quantifier(_ q: Quantifier, _ variable: Expr, _ domain: String, _ domainSpan: SourceSpan, _ body: Expr,
                    _ span: SourceSpan) -> CompiledExpr? {
        enum Source { case color([Value]), place(Int) }
        let source: Source
        let color: Color
        if let p = symbols.places[domain], context == .property {
            source = .place(p.index)
            color = p.color
        } else if let c = symbols.colors[domain] {
            guard let n = c.cardinality, n <= Self.maximumQuantifierDomain else {
                report(.notAllowedHere, "`\(domain)` has too many values to quantify over (more than \(Self.maximumQuantifierDomain))",
                       at: domainSpan, help: "quantify over a smaller color, or over the tokens of a place")
                return nil
            }
            source = .color(c.allValues)
            color = c
        } else if poisoned.contains(domain) {
            return nil
        } else if symbols.places[domain] != nil {
            report(.notAllowedHere, "places can only be read in invariants and `final`", at: domainSpan)
            return nil
        } else {
            var candidates = Array(symbols.colors.keys)
            if context == .property { candidates += symbols.places.keys }
            report(.unknownName, "unknown color or place `\(domain)`", at: domainSpan,
                   help: NameSuggestion.help(for: domain, among: candidates))
            return nil
        }
        beginScope()
        defer { endScope() }
        guard let pattern = compilePattern(variable, color: color, fresh: true) else { return nil }
        guard let b = compileCondition(body, what: "the body of `\(q.rawValue)`") else { return nil }
        let (match, be) = (pattern.match, b.evaluate)
        let isForall = q == .forall
        let evaluate: Evaluator = { ctx throws(EvaluationError) in
            let values: [Value]
            switch source {
            case .color(let all): values = all
            case .place(let index): values = try ctx.readTokens(index).map(\.value)
            }
            for v in values where try match(v, &ctx) {
                try ctx.budget?.spend()
                if (try be(&ctx) == .bool(true)) != isForall { return .bool(!isForall) }
            }
            return .bool(isForall)
        }
        if case .color = source, b.constant != nil { return finish(.bool, span, parts: [b], evaluate) }
        return CompiledExpr(color: .bool, span: span, evaluate: evaluate)
    }
}
