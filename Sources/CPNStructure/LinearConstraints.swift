import CPNDiagnostics
import CPNExpressions
import CPNLoad
import CPNModel

/// One linear constraint over the unfolded places: Σ weight·M(place, value) = bound, or ≤ bound.
struct LinearConstraint {
    enum Relation { case equal, atMost }
    /// Unfolded place (cell index) → weight, zeros left out.
    var weights: [Int: Int]
    var relation: Relation
    var bound: Int
    /// The `forall` values that produced this instance, e.g. `d = shop`; empty outside any `forall`.
    var instance: String
}

/// Turns a declared invariant into linear constraints over the unfolded
/// places, when it is one: a conjunction (`&&`, and `forall x in Color:`
/// unrolled over the color's values) of comparisons `==`, `<=`, `<`, `>=`, `>`
/// between sums of `size(p)`, `count(p, ...)`, `sum(p, ...)`, constants and
/// constant multiples. Anything else (`||`, `!`, `!=`, `exists`, a product of
/// two marking terms, `min`, `if` over the marking, a quantifier over a place)
/// is not linear, and so not something a P-invariant can prove.
///
/// The shape is checked on the syntax; the weights come from the compiled
/// expressions themselves, evaluated on a marking holding a single token of
/// each unfolded place in turn. That is exact because every accepted shape is
/// affine in the marking, and it reuses the checker's meaning of patterns,
/// lambdas and constants instead of re-implementing it.
struct LinearConstraintExtractor {
    enum Outcome {
        case constraints([LinearConstraint])
        case notLinear(String)
        case notComputed(String)
        /// A constant part of it is false: it fails in every marking.
        case alwaysFalse(String)
    }

    let net: CheckedNet
    /// First cell index of each place; a place's cells follow in value order.
    let cellBase: [Int]
    /// Every value of each place's color, in index order.
    let placeValues: [[Value]]
    var maxConstraints = 10_000
    var maxQuantifierDomain = 10_000
    /// Checked once per unrolled instance: the time limit and Ctrl-C.
    var shouldStop: () -> Bool = { false }

    // MARK: Shapes, compiled

    private indirect enum IntTerm {
        case constant(Evaluator)
        /// `size`, `count` or `sum` of one place.
        case atom(place: Int, Evaluator)
        case add(IntTerm, IntTerm)
        case subtract(IntTerm, IntTerm)
        case negate(IntTerm)
        case scale(Evaluator, IntTerm)
    }

    private indirect enum BoolTerm {
        case constant(Evaluator, String)
        case all([BoolTerm])
        case forall(variable: String, match: Matcher, values: [Value], color: Color, body: BoolTerm)
        case compare(BinaryOperator, IntTerm, IntTerm)
    }

    private struct NotLinear: Error { var reason: String }
    private struct AlwaysFalse: Error { var text: String }

    func extract(_ expr: Expr) -> Outcome {
        let compiler = ExpressionCompiler(symbols: net.symbols, context: .property)
        let term: BoolTerm
        do { term = try condition(expr, compiler) } catch { return .notLinear(error.reason) }
        var ctx = EvalContext(slotCount: compiler.slotCount)
        var out: [LinearConstraint] = []
        do {
            try instantiate(term, &ctx, [], &out)
        } catch let e as NotLinear {
            return .notComputed(e.reason)
        } catch let e as AlwaysFalse {
            return .alwaysFalse(e.text)
        } catch {
            return .notComputed("\(error)")
        }
        return .constraints(out)
    }

    private func readsMarking(_ e: Expr) -> Bool {
        var reads = false
        e.visit { x in
            switch x.kind {
            case .call(let name, _) where ["size", "count", "sum"].contains(name): reads = true
            case .quantifier(_, _, let domain, _, _) where net.symbols.places[domain] != nil: reads = true
            case .name(let n) where net.symbols.places[n] != nil: reads = true
            default: break
            }
        }
        return reads
    }

    private func condition(_ e: Expr, _ compiler: ExpressionCompiler) throws(NotLinear) -> BoolTerm {
        if !readsMarking(e) {
            guard let c = compiler.compileCondition(e, what: "a condition") else {
                throw NotLinear(reason: "`\(e.rendered)` could not be compiled on its own")
            }
            return .constant(c.evaluate, e.rendered)
        }
        switch e.kind {
        case .binary(.and, let a, let b):
            return .all([try condition(a, compiler), try condition(b, compiler)])
        case .binary(let op, let a, let b) where [.equal, .lessEqual, .less, .greaterEqual, .greater].contains(op):
            return .compare(op, try integer(a, compiler), try integer(b, compiler))
        case .quantifier(.forall, let variable, let domain, _, let body):
            guard net.symbols.places[domain] == nil, let color = net.symbols.colors[domain] else {
                throw NotLinear(reason: "`forall` over the tokens of place `\(domain)` depends on the marking")
            }
            guard let n = color.cardinality, n <= maxQuantifierDomain else {
                throw NotLinear(reason: "`forall` over `\(domain)` has too many values to unroll")
            }
            compiler.beginScope()
            defer { compiler.endScope() }
            guard let pattern = compiler.compilePattern(variable, color: color, fresh: true) else {
                throw NotLinear(reason: "the `forall` variable `\(variable.rendered)` could not be compiled")
            }
            return .forall(variable: variable.rendered, match: pattern.match, values: color.allValues, color: color,
                           body: try condition(body, compiler))
        case .binary(.or, _, _):
            throw NotLinear(reason: "`||` is a disjunction, not a linear constraint")
        case .binary(.notEqual, _, _):
            throw NotLinear(reason: "`!=` is not a linear constraint (it excludes one value)")
        case .unary(.not, _):
            throw NotLinear(reason: "a negation (`!`) is not a linear constraint")
        case .quantifier(.exists, _, _, _, _):
            throw NotLinear(reason: "`exists` is a disjunction, not a linear constraint")
        default:
            throw NotLinear(reason: "`\(e.rendered)` is not a linear (in)equality over the marking")
        }
    }

    private func integer(_ e: Expr, _ compiler: ExpressionCompiler) throws(NotLinear) -> IntTerm {
        if !readsMarking(e) {
            guard let c = compiler.compile(e), c.color.isInt else {
                throw NotLinear(reason: "`\(e.rendered)` is not a number")
            }
            return .constant(c.evaluate)
        }
        switch e.kind {
        case .call(let name, let arguments) where ["size", "count", "sum"].contains(name):
            guard let first = arguments.first, case .name(let placeName) = first.kind,
                  let place = net.symbols.places[placeName]?.index else {
                throw NotLinear(reason: "`\(e.rendered)` does not name a place")
            }
            if arguments.dropFirst().contains(where: readsMarking) {
                throw NotLinear(reason: "`\(e.rendered)` reads the marking inside its condition")
            }
            guard let c = compiler.compile(e), c.color.isInt else {
                throw NotLinear(reason: "`\(e.rendered)` could not be compiled on its own")
            }
            return .atom(place: place, c.evaluate)
        case .binary(.add, let a, let b): return .add(try integer(a, compiler), try integer(b, compiler))
        case .binary(.subtract, let a, let b): return .subtract(try integer(a, compiler), try integer(b, compiler))
        case .unary(.negate, let a): return .negate(try integer(a, compiler))
        case .binary(.multiply, let a, let b):
            if !readsMarking(a), let k = compiler.compile(a), k.color.isInt { return .scale(k.evaluate, try integer(b, compiler)) }
            if !readsMarking(b), let k = compiler.compile(b), k.color.isInt { return .scale(k.evaluate, try integer(a, compiler)) }
            throw NotLinear(reason: "`\(e.rendered)` multiplies two terms that depend on the marking")
        default:
            throw NotLinear(reason: "`\(e.rendered)` is not linear in the marking")
        }
    }

    // MARK: Instances

    /// A marking with one token, of one unfolded place.
    private struct SingleToken: MarkingReader {
        var place: Int
        var value: Value?
        func tokens(inPlace index: Int) -> [(value: Value, count: Int)] {
            guard index == place, let value else { return [] }
            return [(value: value, count: 1)]
        }
    }

    private func instantiate(_ t: BoolTerm, _ ctx: inout EvalContext, _ instance: [String],
                             _ out: inout [LinearConstraint]) throws {
        switch t {
        case .constant(let c, let text):
            ctx.marking = SingleToken(place: -1, value: nil)
            // A constant condition: true adds nothing, false can never be proved.
            if try c(&ctx) != .bool(true) {
                throw AlwaysFalse(text: instance.isEmpty ? text : "\(text) (\(instance.joined(separator: ", ")))")
            }
        case .all(let parts):
            for p in parts { try instantiate(p, &ctx, instance, &out) }
        case .forall(let variable, let match, let values, let color, let body):
            for v in values {
                if shouldStop() { throw NotLinear(reason: "stopped by the time limit") }
                let saved = ctx.slots
                defer { ctx.slots = saved }
                guard try match(v, &ctx) else { continue }
                try instantiate(body, &ctx, instance + ["\(variable) = \(color.format(v))"], &out)
            }
        case .compare(let op, let a, let b):
            let (wa, ca) = try form(a, &ctx), (wb, cb) = try form(b, &ctx)
            // a op b  ⇔  (wa − wb)·M op cb − ca
            var weights = wa
            for (cell, w) in wb { weights[cell] = try checked(weights[cell, default: 0], try negated(w)) }
            weights = weights.filter { $0.value != 0 }
            let bound = try checked(cb, try negated(ca))
            let text = instance.joined(separator: ", ")
            switch op {
            case .equal: out.append(LinearConstraint(weights: weights, relation: .equal, bound: bound, instance: text))
            case .lessEqual: out.append(LinearConstraint(weights: weights, relation: .atMost, bound: bound, instance: text))
            case .less: out.append(LinearConstraint(weights: weights, relation: .atMost, bound: try checked(bound, -1), instance: text))
            case .greaterEqual:
                out.append(LinearConstraint(weights: try negated(weights), relation: .atMost, bound: try negated(bound), instance: text))
            case .greater:
                out.append(LinearConstraint(weights: try negated(weights), relation: .atMost, bound: try checked(try negated(bound), -1),
                                            instance: text))
            default: break
            }
            if out.count > maxConstraints { throw NotLinear(reason: "more than \(maxConstraints) instances after unrolling `forall`") }
        }
    }

    /// The weights and constant of an integer term: term(M) = Σ weights·M + constant.
    private func form(_ t: IntTerm, _ ctx: inout EvalContext) throws -> ([Int: Int], Int) {
        switch t {
        case .constant(let c):
            ctx.marking = SingleToken(place: -1, value: nil)
            guard case .int(let k) = try c(&ctx) else { throw NotLinear(reason: "a constant is not a number") }
            return ([:], k)
        case .atom(let place, let ev):
            ctx.marking = SingleToken(place: place, value: nil)
            guard case .int(let zero) = try ev(&ctx) else { throw NotLinear(reason: "a marking term is not a number") }
            var weights: [Int: Int] = [:]
            for (i, v) in placeValues[place].enumerated() {
                ctx.marking = SingleToken(place: place, value: v)
                guard case .int(let x) = try ev(&ctx) else { throw NotLinear(reason: "a marking term is not a number") }
                let w = try checked(x, -zero)
                if w != 0 { weights[cellBase[place] + i] = w }
            }
            return (weights, zero)
        case .add(let a, let b), .subtract(let a, let b):
            let sign = if case .add = t { 1 } else { -1 }
            var (w, c) = try form(a, &ctx)
            let (wb, cb) = try form(b, &ctx)
            for (cell, x) in wb { w[cell] = try checked(w[cell, default: 0], sign == 1 ? x : try negated(x)) }
            c = try checked(c, sign == 1 ? cb : try negated(cb))
            return (w.filter { $0.value != 0 }, c)
        case .negate(let a):
            let (w, c) = try form(a, &ctx)
            return (try negated(w), try negated(c))
        case .scale(let k, let a):
            ctx.marking = SingleToken(place: -1, value: nil)
            guard case .int(let m) = try k(&ctx) else { throw NotLinear(reason: "a factor is not a number") }
            let (w, c) = try form(a, &ctx)
            var out: [Int: Int] = [:]
            for (cell, x) in w {
                let (p, o) = x.multipliedReportingOverflow(by: m)
                if o { throw NotLinear(reason: "a weight overflows") }
                if p != 0 { out[cell] = p }
            }
            let (pc, o) = c.multipliedReportingOverflow(by: m)
            if o { throw NotLinear(reason: "a constant overflows") }
            return (out, pc)
        }
    }

    private func negated(_ a: Int) throws -> Int {
        let (n, o) = 0.subtractingReportingOverflow(a)
        if o { throw NotLinear(reason: "a weight overflows") }
        return n
    }

    private func negated(_ w: [Int: Int]) throws -> [Int: Int] {
        var out: [Int: Int] = [:]
        for (cell, x) in w { out[cell] = try negated(x) }
        return out
    }

    private func checked(_ a: Int, _ b: Int) throws -> Int {
        let (s, o) = a.addingReportingOverflow(b)
        if o { throw NotLinear(reason: "a weight overflows") }
        return s
    }
}
