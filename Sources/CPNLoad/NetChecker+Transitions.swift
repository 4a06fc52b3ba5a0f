import CPNDiagnostics
import CPNExpressions
import CPNModel

extension NetChecker {
    private struct InputTerm {
        let place: Int
        let color: Color
        let inscription: Inscription
        let count: Int
        let names: PatternNames
        /// From a `read:` arc: bound like an input, not taken.
        let reads: Bool
        /// From a `cancel:` arc: taken whatever its ready time.
        var anyReadyTime = false
    }

    mutating func checkTransition(_ t: Transition) -> CheckedTransition? {
        if t.inputs.isEmpty && t.outputs.isEmpty && t.reads.isEmpty && t.cancels.isEmpty {
            diagnostics.add(.emptyTransition, "transition `\(t.name)` has no arcs", at: t.span,
                            help: "give it `in:` and `out:` arcs, or remove it")
            return nil
        }
        let compiler = ExpressionCompiler(symbols: symbols, context: .transition)
        var ok = true

        // Gather input terms and decide the order in which they bind.
        var terms: [InputTerm] = []
        // A place is either cancelled from or taken/read from: mixing both would
        // make "which copies" depend on ready times in ways no one means.
        for arc in t.cancels where (t.inputs + t.reads).contains(where: { $0.place == arc.place }) {
            diagnostics.add(.notAllowedHere, "transition `\(t.name)` has both a `cancel` arc and an `in` or `read` arc on `\(arc.place)`",
                            at: arc.placeSpan, help: "`cancel` already takes ready tokens too: move the patterns on `\(arc.place)` under `cancel`")
            ok = false
        }
        let arcs = t.inputs.map { ($0, false, false) } + t.reads.map { ($0, true, false) } + t.cancels.map { ($0, false, true) }
        for (arc, reads, anyReadyTime) in arcs {
            guard let (place, color) = placeOf(arc) else {
                ok = false
                // Variables this arc would bind are unknown now; do not report their uses too.
                for i in arc.inscriptions {
                    compiler.poisoned.formUnion(PatternNames(i.expr) { symbols.constants[$0] != nil || symbols.enumCases[$0] != nil }.binding)
                }
                continue
            }
            for i in arc.inscriptions {
                guard let (expr, count) = arcTerm(i, color: color, tooFew: { ("an arc takes at least one token, found \($0)", "remove the arc instead") }) else {
                    ok = false
                    continue
                }
                var inscription = i
                inscription.expr = expr
                let names = PatternNames(inscription.expr) { n in
                    symbols.constants[n] != nil || symbols.enumCases[n] != nil
                }
                terms.append(InputTerm(place: place, color: color, inscription: inscription, count: count, names: names, reads: reads,
                                       anyReadyTime: anyReadyTime))
            }
        }
        guard let ordered = bindingOrder(terms, transition: t, poisoned: compiler.poisoned) else { return nil }

        var inputs: [CheckedInput] = []
        for term in ordered {
            if let p = compiler.compilePattern(term.inscription.expr, color: term.color) {
                inputs.append(CheckedInput(place: term.place, pattern: p, count: term.count, span: term.inscription.span, reads: term.reads,
                                           anyReadyTime: term.anyReadyTime))
            } else { ok = false }
        }
        let inhibitors = checkInhibitors(t, compiler: compiler, ok: &ok)

        var guardExpr: CompiledExpr? = nil
        if let g = t.guardExpr {
            guardExpr = compiler.compileCondition(g, what: "the guard of `\(t.name)`")
            if guardExpr == nil { ok = false }
            if guardExpr?.constant == .bool(false) {
                diagnostics.add(.neverFires, "transition `\(t.name)` can never fire: its guard is always false", at: g.span,
                                help: "fix the guard, or remove the transition")
            }
        }

        var outputs: [CheckedOutput] = []
        // Variables used by arcs that could not be checked (their place's color
        // failed): not compiled, so not marked used, yet not unused either.
        var usedByUncheckedArcs = Set<String>()
        for arc in t.outputs {
            guard let (place, color) = placeOf(arc) else {
                ok = false
                for i in arc.inscriptions {
                    usedByUncheckedArcs.formUnion(i.expr.names.map(\.0))
                    usedByUncheckedArcs.formUnion((i.delay?.names ?? []).map(\.0))
                }
                continue
            }
            for i in arc.inscriptions {
                guard let (expr, count) = arcTerm(i, color: color, tooFew: { ("an arc produces at least one token, found \($0)", "remove the arc instead") }) else {
                    ok = false
                    continue
                }
                let value = compiler.compile(expr, expected: color)
                var delay: CompiledExpr? = nil
                if let d = i.delay {
                    delay = compiler.compile(d, expected: .anyInt)
                    if delay == nil { ok = false }
                    if let c = delay?.constant?.asInt, c < 0 {
                        diagnostics.add(.constantEvaluation, "a delay cannot be negative, found \(c)", at: d.span)
                        ok = false
                    }
                }
                if let value { outputs.append(CheckedOutput(place: place, value: value, count: count, delay: delay, span: i.span)) }
                else { ok = false }
            }
        }
        diagnostics.append(contentsOf: compiler.diagnostics.items)

        let variables = compiler.currentVariables
        for v in variables where !v.used && !v.name.hasPrefix("_") && !usedByUncheckedArcs.contains(v.name)
            && !incompleteTransitions.contains(t.name) {
            diagnostics.add(.unusedVariable, "variable `\(v.name)` is never used", at: v.span,
                            help: "if any token will do, write `_` (or `_\(v.name)`)")
        }
        guard ok, !compiler.diagnostics.hasErrors else { return nil }
        var checked = CheckedTransition(name: t.name, span: t.span, inputs: inputs, outputs: outputs, guardExpr: guardExpr,
                                        slotCount: compiler.slotCount, variables: variables.map { ($0.name, $0.color, $0.slot) })
        checked.expectDead = t.expectDead
        checked.kind = t.kind
        checked.inhibitors = inhibitors
        if let p = t.priority ?? t.priorityExpr.flatMap({ constantValue($0, color: .anyInt, what: "a priority")?.asInt }) {
            checked.priority = p
        } else if t.priorityExpr != nil {
            return nil
        }
        if let w = t.weight ?? t.weightExpr.flatMap({ constantValue($0, color: .anyInt, what: "a weight")?.asInt }) {
            guard (1...Self.maximumWeight).contains(w) else {
                diagnostics.add(.badInteger, "`weight` must be from 1 to \(Self.maximumWeight), found \(w)", at: t.weightSpan ?? t.span,
                                help: "a weight is how often `simulate` picks this transition relative to the others (default 1); to never fire it, remove it")
                return nil
            }
            checked.weight = w
        } else if t.weightExpr != nil {
            return nil
        }
        return checked
    }

    /// The `unless:` arcs of `t`, compiled once its inputs are: their patterns
    /// only test, so every name in them must already be a variable.
    private mutating func checkInhibitors(_ t: Transition, compiler: ExpressionCompiler, ok: inout Bool) -> [CheckedInhibitor] {
        var result: [CheckedInhibitor] = []
        let bound = Set(compiler.currentVariables.map(\.name)).union(compiler.poisoned)
        for arc in t.inhibitors {
            guard let (place, color) = placeOf(arc) else {
                ok = false
                continue
            }
            for i in arc.inscriptions {
                let tooFew = { (n: Int) in
                    ("an `unless` arc needs a count of at least one, found \(n)", "`unless: { \(arc.place): 1 }` means \"while `\(arc.place)` is empty\"")
                }
                guard let (expr, count) = arcTerm(i, color: color, tooFew: tooFew) else {
                    ok = false
                    continue
                }
                let names = PatternNames(expr) { symbols.constants[$0] != nil || symbols.enumCases[$0] != nil }
                if let fresh = names.binding.first(where: { !bound.contains($0) }) {
                    diagnostics.add(.bindingInhibitor,
                                    "`\(fresh)` in the `unless` arc of `\(t.name)` is not bound by an `in` or `read` arc, and `unless` binds nothing",
                                    at: i.span,
                                    help: "write `_` to match any token, or bind `\(fresh)` on an `in` or `read` arc to forbid a token equal to it")
                    ok = false
                    continue
                }
                guard let p = compiler.compilePattern(expr, color: color) else {
                    ok = false
                    continue
                }
                result.append(CheckedInhibitor(place: place, pattern: p, count: count, span: i.span))
            }
        }
        return result
    }

    /// Whether `t`, for any binding, produces at least what it consumes plus
    /// more, with nothing to stop it: every input token is given back at once
    /// (the same expression, no delay, on the same place), some output adds a
    /// token beyond that, no output place has a capacity, and no input place
    /// is ordered. Its enabling then survives its own firing (the guard reads
    /// only the binding), so it can fire forever: the place it adds to is
    /// unbounded as soon as `t` is enabled. Returns that place.
    /// `read:` arcs count as given back; an `unless:` arc may stop it.
    private func reproducesItsInputsPlusMore(_ t: Transition, placeNamed: [String: CheckedPlace]) -> String? {
        guard !t.inputs.isEmpty || !t.reads.isEmpty, t.inhibitors.isEmpty, t.cancels.isEmpty else { return nil }
        func place(_ name: String) -> CheckedPlace? { placeNamed[name] }
        var extra: [String: [String]] = [:]
        for o in t.outputs {
            guard place(o.place)?.capacity == nil else { return nil }
            extra[o.place, default: []] += o.inscriptions.flatMap { i in
                i.delay == nil ? Array(repeating: i.expr.rendered, count: max(1, i.count)) : ["@delayed"]
            }
        }
        for arc in t.inputs {
            guard place(arc.place)?.order == nil else { return nil }
            for i in arc.inscriptions {
                for _ in 0..<max(1, i.count) {
                    guard let k = extra[arc.place]?.firstIndex(of: i.expr.rendered) else { return nil }
                    extra[arc.place]!.remove(at: k)
                }
            }
        }
        return t.outputs.map(\.place).first { !(extra[$0] ?? []).isEmpty }
    }

    private mutating func placeOf(_ arc: Arc) -> (Int, Color)? {
        if let p = symbols.places[arc.place] { return p }
        if symbols.failed.contains(arc.place) { return nil }  // declared, but it failed: reported there
        diagnostics.add(.unknownPlace, "unknown place `\(arc.place)`", at: arc.placeSpan,
                        help: NameSuggestion.help(for: arc.place, among: net.places.map(\.name))
                            ?? "declare it under `places:`")
        return nil
    }

    /// Orders input terms so every name an expression needs is bound by an
    /// earlier term. Terms that need nothing keep their written order.
    private mutating func bindingOrder(_ terms: [InputTerm], transition t: Transition, poisoned: Set<String>) -> [InputTerm]? {
        var remaining = terms
        var ordered: [InputTerm] = []
        var bound = poisoned
        while !remaining.isEmpty {
            guard let next = remaining.firstIndex(where: { $0.names.required.allSatisfy { bound.contains($0.0) } }) else {
                let allBinding = Set(remaining.flatMap(\.names.binding)).union(bound)
                var reported = false
                for term in remaining {
                    for (name, span) in term.names.required where !allBinding.contains(name) {
                        diagnostics.add(.unboundVariable, "unbound variable `\(name)`: no input arc of `\(t.name)` binds it", at: span,
                                        help: NameSuggestion.help(for: name, among: allBinding)
                                            ?? "bind it with a pattern on an input arc (a bare name like `\(name)` takes any token and names it)")
                        reported = true
                    }
                }
                if !reported, let first = remaining.first, let (name, span) = first.names.required.first {
                    diagnostics.add(.circularArcs, "the input arcs of `\(t.name)` depend on each other in a cycle", at: span,
                                    help: "`\(name)` is only bound by an arc that itself needs this one; bind `\(name)` with a plain pattern")
                }
                return nil
            }
            let term = remaining.remove(at: next)
            bound.formUnion(term.names.binding)
            ordered.append(term)
        }
        return ordered
    }

    // MARK: - Structural warnings

    mutating func warnAboutStructure(places: [CheckedPlace]) {
        var read = Set<String>(), written = Set<String>()
        for t in net.transitions {
            t.inputs.forEach { read.insert($0.place) }
            t.reads.forEach { read.insert($0.place) }
            t.inhibitors.forEach { read.insert($0.place) }
            t.cancels.forEach { read.insert($0.place) }
            t.outputs.forEach { written.insert($0.place) }
        }
        for p in net.places where !read.contains(p.name) && !written.contains(p.name) {
            diagnostics.add(.unusedPlace, "place `\(p.name)` is not connected to any transition", at: p.span,
                            help: "remove it, or check the arcs for a misspelt place name")
        }
        // Places that can ever hold a token: start marked, or filled by a transition that can fire.
        // A worklist: each transition is looked at again only when one of its input places
        // becomes markable, so a long chain of places costs linear time, not quadratic.
        var markable = Set(places.filter { !$0.initial.isEmpty }.map(\.name))
        var waitingOn: [String: [Int]] = [:]
        var missing: [Int] = []
        var ready: [Int] = []
        for (i, t) in net.transitions.enumerated() {
            let needs = Set((t.inputs + t.reads + t.cancels).map(\.place)).filter { !markable.contains($0) }
            missing.append(needs.count)
            if needs.isEmpty { ready.append(i) }
            for p in needs { waitingOn[p, default: []].append(i) }
        }
        while let i = ready.popLast() {
            for o in net.transitions[i].outputs where markable.insert(o.place).inserted {
                for j in waitingOn[o.place] ?? [] {
                    missing[j] -= 1
                    if missing[j] == 0 { ready.append(j) }
                }
            }
        }
        // By name, once: a net with thousands of places and transitions is not checked in quadratic time.
        let placeNamed = Dictionary(places.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for t in net.transitions {
            if let empty = (t.inputs + t.reads + t.cancels).first(where: { !markable.contains($0.place) }) {
                diagnostics.add(.neverFires, "transition `\(t.name)` can never fire: place `\(empty.place)` starts empty and nothing can fill it",
                                at: empty.placeSpan, help: "give `\(empty.place)` initial tokens, or an arc into it from a transition that can fire")
            }
            if t.inputs.isEmpty, t.reads.isEmpty, t.inhibitors.isEmpty, t.cancels.isEmpty, !t.outputs.isEmpty,
               t.outputs.contains(where: { o in placeNamed[o.place]?.capacity == nil }) {
                diagnostics.add(.unboundedSource, "transition `\(t.name)` has no input arcs, so it can fire forever", at: t.span,
                                help: "take a token from a budget place, or put a `capacity` on every place it fills")
            }
            if let grown = reproducesItsInputsPlusMore(t, placeNamed: placeNamed) {
                diagnostics.add(.pumpingTransition,
                                "transition `\(t.name)` gives back every token it takes and adds more to `\(grown)`, so once enabled it can fire forever",
                                at: t.span,
                                help: "consume what it adds to `\(grown)` elsewhere, put a `capacity` on `\(grown)`, or stop giving back a token it should keep")
            }
        }
    }
}
