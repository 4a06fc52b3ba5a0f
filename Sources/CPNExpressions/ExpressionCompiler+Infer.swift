import CPNDiagnostics
import CPNModel

extension ExpressionCompiler {
    /// Compiles `expr`, using `expected` only as a hint (for record literals and
    /// ambiguous enum cases); `compile` checks the result against it.
    func infer(_ expr: Expr, expected: Color?) -> CompiledExpr? {
        let span = expr.span
        switch expr.kind {
        case .int(let i): return .literal(.int(i), .anyInt, span)
        case .bool(let b): return .literal(.bool(b), .bool, span)
        case .unit: return .literal(.unit, .unit, span)
        case .name(let n): return name(n, span, expected: expected)
        case .wildcard:
            report(.notAllowedHere, "`_` matches anything, so it only makes sense in a pattern", at: span,
                   help: "use `_` on an input arc or as a lambda parameter")
            return nil
        case .unary(let op, let operand): return unary(op, operand, span)
        case .binary(let op, let a, let b): return binary(op, a, b, span)
        case .member(let base, let m): return member(base, m, span)
        case .tuple(let parts): return tuple(parts, span, expected: expected)
        case .record(let fields, let open): return record(fields, open: open, span, expected: expected)
        case .with(let base, let fields): return with(base, fields, span, expected: expected)
        case .conditional(let c, let yes, let no):
            guard let condition = compileCondition(c, what: "the condition of `if`") else { return nil }
            guard let a = compile(yes, expected: expected) else { return nil }
            guard let b = compile(no, expected: expected ?? a.color) else { return nil }
            guard a.color.accepts(b.color) else {
                report(.typeMismatch, "the branches of `if` differ: `\(a.color)` and `\(b.color)`", at: no.span)
                return nil
            }
            let (ce, ae, be) = (condition.evaluate, a.evaluate, b.evaluate)
            return finish(expected ?? a.color, span, parts: [condition, a, b]) { ctx throws(EvaluationError) in
                try ce(&ctx) == .bool(true) ? try ae(&ctx) : try be(&ctx)
            }
        case .call(let name, let arguments): return call(name, arguments, span)
        case .lambda:
            report(.notAllowedHere, "a function `x => ...` can only be the last argument of `count` or `sum`", at: span)
            return nil
        case .quantifier(let q, let variable, let domain, let domainSpan, let body):
            return quantifier(q, variable, domain, domainSpan, body, span)
        }
    }

    // MARK: Names

    private func name(_ name: String, _ span: SourceSpan, expected: Color?) -> CompiledExpr? {
        if poisoned.contains(name) { return nil }
        if let v = lookup(name) {
            let slot = v.slot
            return CompiledExpr(color: v.color, span: span) { ctx throws(EvaluationError) in ctx.slots[slot] }
        }
        if let c = symbols.constants[name] { return .literal(c.value, c.color, span) }
        if let owners = symbols.enumCases[name] { return enumCase(name, owners, span, expected: expected) }
        if symbols.places[name] != nil {
            if context == .property {
                report(.notAllowedHere, "place `\(name)` is a multiset of tokens, not a value", at: span,
                       help: "use `size(\(name))`, `count(\(name), x => ...)` or `forall x in \(name): ...`")
            } else {
                report(.notAllowedHere, "places can only be read in invariants and `final`", at: span,
                       help: "to use a token of `\(name)`, take it with an input arc and name it")
            }
            return nil
        }
        if symbols.colors[name] != nil {
            report(.typeMismatch, "`\(name)` is a color, not a value", at: span,
                   help: "write a value of it, or quantify over it: `forall x in \(name): ...`")
            return nil
        }
        reportUnknownName(name, span)
        return nil
    }

    func reportUnknownName(_ name: String, _ span: SourceSpan) {
        var candidates = Set(frames.flatMap(\.keys))
        candidates.formUnion(symbols.constants.keys)
        candidates.formUnion(symbols.enumCases.keys)
        if context == .property { candidates.formUnion(symbols.places.keys) }
        var help = NameSuggestion.help(for: name, among: candidates)
        if help == nil {
            switch context {
            case .transition: help = "bind `\(name)` with a pattern on an input arc, or declare it under `constants:`"
            case .constant: help = "only constants declared above it and enum cases can be used here"
            case .property: help = "invariants can use places, constants, enum cases and quantified variables"
            }
        }
        if context == .transition {
            report(.unboundVariable, "unbound variable `\(name)`: no input arc binds it and no constant or enum case has this name",
                   at: span, help: help)
        } else {
            report(.unknownName, "unknown name `\(name)`", at: span, help: help)
        }
    }

    private func enumCase(_ name: String, _ owners: [Color], _ span: SourceSpan, expected: Color?) -> CompiledExpr? {
        var owner = owners.first!
        if owners.count > 1 {
            if let expected, owners.contains(where: { $0 == expected }) {
                owner = expected
            } else {
                report(.ambiguousName, "`\(name)` is a case of several enums: " + owners.map { "`\($0)`" }.joined(separator: ", "),
                       at: span, help: "qualify it: `\(owners[0]).\(name)`")
                return nil
            }
        }
        let index = owner.cases!.firstIndex(of: name)!
        return .literal(.enumCase(index), owner, span)
    }

    /// Whether the color of `expr` can be found without a hint from outside.
    func isSelfTyped(_ expr: Expr) -> Bool {
        switch expr.kind {
        case .record: return false
        case .name(let n):
            if lookup(n) != nil || symbols.constants[n] != nil { return true }
            return (symbols.enumCases[n]?.count ?? 0) <= 1
        case .tuple(let parts): return parts.allSatisfy(isSelfTyped)
        case .conditional(_, let yes, let no): return isSelfTyped(yes) || isSelfTyped(no)
        case .with(let base, _): return isSelfTyped(base)
        default: return true
        }
    }

    // MARK: Operators

    private func unary(_ op: UnaryOperator, _ operand: Expr, _ span: SourceSpan) -> CompiledExpr? {
        switch op {
        case .negate:
            guard let x = compile(operand, expected: .anyInt) else { return nil }
            let e = x.evaluate
            return finish(.anyInt, span, parts: [x]) { ctx throws(EvaluationError) in
                .int(try CheckedArithmetic.negate(try e(&ctx).asInt!, at: span))
            }
        case .not:
            guard let x = compileCondition(operand, what: "the operand of `!`") else { return nil }
            let e = x.evaluate
            return finish(.bool, span, parts: [x]) { ctx throws(EvaluationError) in .bool(try e(&ctx) != .bool(true)) }
        }
    }

    private func binary(_ op: BinaryOperator, _ a: Expr, _ b: Expr, _ span: SourceSpan) -> CompiledExpr? {
        switch op {
        case .and, .or:
            let what = "an operand of `\(op.rawValue)`"
            let x = compileCondition(a, what: what), y = compileCondition(b, what: what)
            guard let x, let y else { return nil }
            let (xe, ye) = (x.evaluate, y.evaluate)
            let isAnd = op == .and
            return finish(.bool, span, parts: [x, y]) { ctx throws(EvaluationError) in
                let left = try xe(&ctx) == .bool(true)
                if left != isAnd { return .bool(left) }  // short-circuit
                return try ye(&ctx)
            }
        case .equal, .notEqual:
            let (first, second) = isSelfTyped(a) || !isSelfTyped(b) ? (a, b) : (b, a)
            guard let x = compile(first) else { _ = compile(second); return nil }
            guard let y = compile(second, expected: x.color) else { return nil }
            let (xe, ye) = (x.evaluate, y.evaluate)
            let wantEqual = op == .equal
            return finish(.bool, span, parts: [x, y]) { ctx throws(EvaluationError) in
                .bool((try xe(&ctx) == (try ye(&ctx))) == wantEqual)
            }
        case .less, .lessEqual, .greater, .greaterEqual:
            let x = compileInt(a, op), y = compileInt(b, op)
            guard let x, let y else { return nil }
            let (xe, ye) = (x.evaluate, y.evaluate)
            let compare: @Sendable (Int, Int) -> Bool = switch op {
            case .less: { $0 < $1 }
            case .lessEqual: { $0 <= $1 }
            case .greater: { $0 > $1 }
            default: { $0 >= $1 }
            }
            return finish(.bool, span, parts: [x, y]) { ctx throws(EvaluationError) in
                .bool(compare(try xe(&ctx).asInt!, try ye(&ctx).asInt!))
            }
        case .add, .subtract, .multiply, .divide, .remainder, .power:
            let x = compileInt(a, op), y = compileInt(b, op)
            guard let x, let y else { return nil }
            let (xe, ye) = (x.evaluate, y.evaluate)
            let kind: BinaryOperatorKind = switch op {
            case .add: .add
            case .subtract: .subtract
            case .multiply: .multiply
            case .divide: .divide
            case .remainder: .remainder
            default: .power
            }
            // A constant divisor of 0 (or a constant negative exponent) fails
            // for every binding; `finish` only catches it when both sides are
            // constant, so `t.n / 0` used to load and fail only at run time.
            if let divisor = y.constant?.asInt {
                if divisor == 0, kind == .divide || kind == .remainder {
                    report(.constantEvaluation, "this expression always fails: \(kind == .divide ? "division" : "remainder") by zero",
                           at: b.span, help: "the right side of `\(op.rawValue)` is always 0")
                    return nil
                }
                if divisor < 0, kind == .power {
                    report(.constantEvaluation, "this expression always fails: negative exponent \(divisor)", at: b.span,
                           help: "`**` takes an exponent of 0 or more")
                    return nil
                }
            }
            return finish(.anyInt, span, parts: [x, y]) { ctx throws(EvaluationError) in
                .int(try CheckedArithmetic.apply(kind, try xe(&ctx).asInt!, try ye(&ctx).asInt!, at: span))
            }
        }
    }

    private func compileInt(_ e: Expr, _ op: BinaryOperator) -> CompiledExpr? {
        guard let x = infer(e, expected: .anyInt) else { return nil }
        guard x.color.isInt else {
            report(.typeMismatch, "`\(op.rawValue)` needs Int operands, found `\(x.color)`", at: e.span,
                   help: x.color.cases != nil ? "enum cases have no order or arithmetic; compare them with `==`" : nil)
            return nil
        }
        return x
    }

    // MARK: Records and tuples

    private func member(_ base: Expr, _ member: String, _ span: SourceSpan) -> CompiledExpr? {
        // `Domain.shop`: a qualified enum case, unless `Domain` is also a variable.
        if case .name(let n) = base.kind, lookup(n) == nil, symbols.constants[n] == nil, let color = symbols.colors[n] {
            guard let cases = color.cases else {
                report(.unknownField, "`\(n)` is a color, not a value, so it has no member `\(member)`", at: span)
                return nil
            }
            guard let index = cases.firstIndex(of: member) else {
                report(.unknownField, "enum `\(n)` has no case `\(member)`", at: span,
                       help: NameSuggestion.help(for: member, among: cases) ?? "its cases are: " + cases.joined(separator: ", "))
                return nil
            }
            return .literal(.enumCase(index), color, span)
        }
        guard let x = compile(base) else { return nil }
        let e = x.evaluate
        switch x.color.kind {
        case .record(let fields):
            guard let index = fields.firstIndex(where: { $0.name == member }) else {
                report(.unknownField, "`\(x.color)` has no field `\(member)`", at: span,
                       help: NameSuggestion.help(for: member, among: fields.map(\.name))
                        ?? "its fields are: " + fields.map(\.name).joined(separator: ", "))
                return nil
            }
            return finish(fields[index].color, span, parts: [x]) { ctx throws(EvaluationError) in try e(&ctx).parts![index] }
        case .tuple(let parts):
            guard let index = Int(member), index >= 0, index < parts.count else {
                report(.unknownField, "`\(x.color)` has no component `\(member)`", at: span,
                       help: "tuple components are numbered from 0 to \(parts.count - 1): `.0`")
                return nil
            }
            return finish(parts[index], span, parts: [x]) { ctx throws(EvaluationError) in try e(&ctx).parts![index] }
        default:
            report(.unknownField, "`\(x.color)` has no fields, so `.\(member)` does not exist", at: span)
            return nil
        }
    }

    private func tuple(_ parts: [Expr], _ span: SourceSpan, expected: Color?) -> CompiledExpr? {
        var hints: [Color?] = Array(repeating: nil, count: parts.count)
        if let components = expected?.components, components.count == parts.count { hints = components }
        let compiled = zip(parts, hints).map { compile($0, expected: $1) }
        guard compiled.allSatisfy({ $0 != nil }) else { return nil }
        let items = compiled.map { $0! }
        let evaluators = items.map(\.evaluate)
        let color = Color(.tuple(items.map(\.color)))
        return finish(color, span, parts: items) { ctx throws(EvaluationError) in
            var values: [Value] = []
            values.reserveCapacity(evaluators.count)
            for e in evaluators { values.append(try e(&ctx)) }
            return .tuple(values)
        }
    }

    private func record(_ fields: [Expr.FieldInit], open: Bool, _ span: SourceSpan, expected: Color?) -> CompiledExpr? {
        if open {
            report(.notAllowedHere, "`...` is only allowed in a record pattern on an input arc", at: span,
                   help: "list every field, or use `{t with field: value}` to change some fields of `t`")
            return nil
        }
        guard let expected, let declared = expected.fields else {
            report(.typeMismatch, expected == nil ? "cannot tell which record color this literal has"
                                                  : "expected `\(expected!)`, found a record", at: span,
                   help: expected == nil ? "compare it with a value of known color, or put it where a token is expected" : nil)
            return nil
        }
        var seen = Set<String>()
        var byName: [String: CompiledExpr] = [:]
        var failed = false
        var misspelt = false
        for f in fields {
            guard seen.insert(f.name).inserted else {
                report(.typeMismatch, "field `\(f.name)` is given twice", at: f.nameSpan)
                failed = true
                continue
            }
            guard let field = declared.first(where: { $0.name == f.name }) else {
                report(.unknownField, "`\(expected)` has no field `\(f.name)`", at: f.nameSpan,
                       help: NameSuggestion.help(for: f.name, among: declared.map(\.name).filter { !seen.contains($0) })
                        ?? "its fields are: " + declared.map(\.name).joined(separator: ", "))
                failed = true
                misspelt = true
                continue
            }
            if let c = compile(f.value, expected: field.color) { byName[f.name] = c } else { failed = true }
        }
        let missing = declared.map(\.name).filter { !seen.contains($0) }
        // With a misspelt field, the "missing" one is usually that field: one message is enough.
        if !missing.isEmpty && !misspelt {
            report(.typeMismatch, "record of `\(expected)` lacks " + missing.map { "`\($0)`" }.joined(separator: ", "), at: span,
                   help: "give every field: {" + declared.map { "\($0.name): ..." }.joined(separator: ", ") + "}")
            return nil
        }
        if failed { return nil }
        let items = declared.map { byName[$0.name]! }
        let evaluators = items.map(\.evaluate)
        return finish(expected, span, parts: items) { ctx throws(EvaluationError) in
            var values: [Value] = []
            values.reserveCapacity(evaluators.count)
            for e in evaluators { values.append(try e(&ctx)) }
            return .record(values)
        }
    }

    private func with(_ base: Expr, _ fields: [Expr.FieldInit], _ span: SourceSpan, expected: Color?) -> CompiledExpr? {
        guard let b = compile(base, expected: expected) else { return nil }
        guard let declared = b.color.fields else {
            report(.typeMismatch, "`with` updates a record, but this is `\(b.color)`", at: base.span)
            return nil
        }
        var updates: [(Int, Evaluator)] = []
        var parts = [b]
        for f in fields {
            guard let index = declared.firstIndex(where: { $0.name == f.name }) else {
                report(.unknownField, "`\(b.color)` has no field `\(f.name)`", at: f.nameSpan,
                       help: NameSuggestion.help(for: f.name, among: declared.map(\.name)))
                return nil
            }
            guard let v = compile(f.value, expected: declared[index].color) else { return nil }
            updates.append((index, v.evaluate))
            parts.append(v)
        }
        let fieldUpdates = updates
        let baseEvaluate = b.evaluate
        return finish(b.color, span, parts: parts) { ctx throws(EvaluationError) in
            guard case .record(var values) = try baseEvaluate(&ctx) else { return .unit }
            for (index, e) in fieldUpdates { values[index] = try e(&ctx) }
            return .record(values)
        }
    }
}
