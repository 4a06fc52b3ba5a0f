import CPNExpressions
import CPNLoad
import CPNModel

/// Computes the steps enabled in a marking (the firing rule of
/// `specs/net-format.md`, "Semantics").
///
/// Bindings are enumerated arc by arc in the checked binding order: each
/// input tries the distinct ready token values of its place (or looks the
/// one value up directly when the pattern is a constant), so only bindings
/// that the tokens present allow are ever built.
final class SuccessorGenerator {
    let net: CheckedNet
    let interners: [TokenInterner]
    let timed: Bool
    /// Whether token number == value index in every place (see `init`).
    let numbersTokensByColor: Bool
    /// The largest color stored as counters (`StateCodec.Layout.cells`).
    let maximumCells: Int

    /// With `numberTokensByColor`, every value of every place's color is
    /// interned up front in color-index order, so token number == value index
    /// (the unfolded engine's counters; `UnfoldedNet.numbersTokensByColor`
    /// says when colors are small enough). Token numbers decide the
    /// enumeration order, hence state numbers: both engines then agree.
    init(net: CheckedNet, numberTokensByColor: Bool = false, maximumCells: Int = StateCodec.maximumCells) {
        self.net = net
        self.numbersTokensByColor = numberTokensByColor
        self.maximumCells = maximumCells
        self.interners = net.places.map { place in
            // The counter layout stores a count with token number 0, so a
            // color with a single value has it interned first, always.
            let interner = TokenInterner()
            if numberTokensByColor {
                for v in place.color.allValues { _ = interner.id(of: v) }
            } else if place.color.cardinality == 1, let only = place.color.value(at: 0) { _ = interner.id(of: only) }
            return interner
        }
        let levels = Set(net.transitions.map(\.priority)).sorted(by: >)
        self.priorityGroups = levels.map { level in net.transitions.indices.filter { net.transitions[$0].priority == level } }
        self.timed = net.places.contains { $0.initial.contains { $0.delay > 0 } }
            || net.transitions.contains { $0.outputs.contains { $0.delay != nil } }
    }

    /// Transition indices grouped by priority, highest first, each group in
    /// declaration order (one group when no priorities are given).
    let priorityGroups: [[Int]]

    /// Untimed places hold a count per value when their colors are numbered
    /// and small (`StateCodec.maximumCells`); the rest their entries.
    var codec: StateCodec {
        StateCodec(layouts: net.places.map { place -> StateCodec.Layout in
            guard !timed, let n = place.color.cardinality else { return .multiset }
            if n == 1 { return .counter }
            return numbersTokensByColor && n <= maximumCells ? .cells(n) : .multiset
        }, timed: timed)
    }

    func initialMarking() -> Marking {
        var m = Marking(placeCount: net.places.count)
        for (p, place) in net.places.enumerated() {
            for t in place.initial {
                // The checker bounds initial counts and delays to `Int32`.
                m.add(Int32(interners[p].id(of: t.value)), ready: Int32(clamping: t.delay), count: Int32(clamping: t.count), to: p)
            }
        }
        return m
    }

    /// Calls `emit` for every step enabled in `m`. With no firing possible
    /// now, the only step is the clock advancing to the next ready token.
    ///
    /// A binding that fails to evaluate (§7 of `specs/semantics.md`) yields no
    /// step; it is recorded and enumeration goes on, so the other successors
    /// never depend on the order transitions, arcs or tokens are met in. Such a
    /// binding still counts as enabled: time does not pass over it and the
    /// marking is not dead. Throws only when `budget` stops the work.
    func successors(of m: Marking, budget: WorkBudget? = nil, _ emit: (Step, Marking) -> Void) throws(Interruption) -> Expansion {
        var expansion = Expansion()
        // Priority groups, highest first: the first group with something enabled
        // (or failing) is the only one that fires (`specs/semantics.md` §4.5).
        for group in priorityGroups {
            for t in group {
                let found = try successors(of: m, transition: t, budget: budget) { step, next in
                    expansion.enabled = true
                    emit(step, next)
                }
                if let found {
                    expansion.enabled = true
                    if expansion.failure == nil { expansion.failure = found }
                }
            }
            if expansion.enabled { break }
        }
        if !expansion.enabled, let delta = m.nextReadyOffset {
            emit(Step(kind: .tick(delta: delta), slots: [], consumed: [], produced: []), m.advanced(by: delta))
            expansion.enabled = true
        }
        return expansion
    }

    /// The enabled bindings of one transition, after the place-order rule.
    /// Returns the first binding that failed to evaluate, if any.
    func successors(of m: Marking, transition ti: Int, budget: WorkBudget? = nil,
                    _ emit: (Step, Marking) -> Void) throws(Interruption) -> BindingFailure? {
        let t = net.transitions[ti]
        var ctx = EvalContext(slotCount: t.slotCount, budget: budget)
        var consumed: [Bound] = []
        var keys: [Int] = []
        let ordered = t.inputs.contains { !$0.reads && net.places[$0.place].order != nil }
        var candidates: [(keys: [Int], step: Step, next: Marking)] = []
        var failure: BindingFailure? = nil
        var enumeration = Enumeration(transition: t, index: ti, marking: m, budget: budget)
        enumeration.onFailure = { error, slots in
            if failure == nil { failure = BindingFailure(error: error, transition: ti, slots: slots) }
        }
        do {
            try bind(&enumeration, 0, &ctx, &consumed, &keys) { step, next, keys in
                if ordered { candidates.append((keys, step, next)) } else { emit(step, next) }
            }
        } catch {
            throw Interruption(reason: error.message)
        }
        guard ordered, let best = candidates.map(\.keys).max(by: { $0.lexicographicallyPrecedes($1) }) else { return failure }
        for c in candidates where c.keys == best { emit(c.step, c.next) }
        return failure
    }

    /// What one transition's enumeration works on; `onFailure` collects the
    /// bindings that failed to evaluate.
    private struct Enumeration {
        let transition: CheckedTransition
        let index: Int
        let marking: Marking
        let budget: WorkBudget?
        var onFailure: (EvaluationError, [Value]) -> Void = { _, _ in }
    }

    /// A token an input pattern bound: taken, or only read (`read:` arcs).
    private typealias Bound = (place: Int, token: Int32, count: Int, reads: Bool, anyReadyTime: Bool)

    /// Binds input pattern `i` onwards. Evaluation errors of one candidate are
    /// handed to `onFailure` and the next candidate is tried; only an
    /// interruption (the budget) propagates.
    private func bind(_ e: inout Enumeration, _ i: Int, _ ctx: inout EvalContext,
                      _ consumed: inout [Bound], _ keys: inout [Int],
                      _ emit: (Step, Marking, [Int]) -> Void) throws(EvaluationError) {
        let t = e.transition, m = e.marking
        if i == t.inputs.count {
            do {
                try complete(t, e.index, m, &ctx, consumed, keys, emit)
            } catch where !error.isInterruption {
                e.onFailure(error, ctx.slots)
            }
            return
        }
        let input = t.inputs[i]
        let p = input.place
        func alreadyTaken(_ token: Int32) -> Int {
            var n = 0
            for c in consumed where c.place == p && c.token == token { n += c.count }
            return n
        }
        func attempt(_ token: Int32, _ value: Value, _ ctx: inout EvalContext, _ e: inout Enumeration) throws(EvaluationError) {
            try e.budget?.spend()
            let available = input.anyReadyTime ? m.totalCount(token, in: p) : m.readyCount(token, in: p)
            guard available - alreadyTaken(token) >= input.count else { return }
            let keyCount = keys.count
            do {
                guard try input.pattern.match(value, &ctx) else { return }
                if !input.reads, let order = net.places[p].order {
                    var orderContext = EvalContext(slotCount: order.slotCount, budget: e.budget)
                    guard try order.pattern.match(value, &orderContext) else { return }
                    let key = try order.key(&orderContext).asInt ?? 0
                    keys.append(order.highest ? key : (key == Int.min ? Int.max : -key))
                }
            } catch where !error.isInterruption {
                e.onFailure(error, ctx.slots)
                return
            }
            // A read copy is not taken, but no other pattern may take it either.
            consumed.append((p, token, input.count, input.reads, input.anyReadyTime))
            defer {
                consumed.removeLast()
                keys.removeSubrange(keyCount...)
            }
            try bind(&e, i + 1, &ctx, &consumed, &keys, emit)
        }
        if let constant = input.pattern.constant {
            guard let id = interners[p].existingID(of: constant) else { return }
            try attempt(Int32(id), constant, &ctx, &e)
            return
        }
        var previous: Int32 = -1
        for entry in m.places[p] where (entry.ready <= 0 || input.anyReadyTime) && entry.token != previous {
            previous = entry.token
            try attempt(entry.token, interners[p].value(Int(entry.token)), &ctx, &e)
        }
    }

    /// Guard, outputs and capacities of a fully bound transition.
    private func complete(_ t: CheckedTransition, _ ti: Int, _ m: Marking, _ ctx: inout EvalContext,
                          _ consumed: [Bound], _ keys: [Int],
                          _ emit: (Step, Marking, [Int]) -> Void) throws(EvaluationError) {
        for inhibitor in t.inhibitors {
            if try inhibits(inhibitor, m, &ctx) { return }
        }
        if let g = t.guardExpr, try g.evaluate(&ctx) != .bool(true) { return }
        var next = m
        for c in consumed where !c.reads {
            if c.anyReadyTime { next.removeAny(c.token, count: c.count, from: c.place) }
            else { next.removeReady(c.token, count: c.count, from: c.place) }
        }
        var produced: [(place: Int, token: Int32, count: Int, delay: Int)] = []
        for o in t.outputs {
            let value = try o.value.evaluate(&ctx)
            var delay = 0
            if let d = o.delay {
                delay = try d.evaluate(&ctx).asInt ?? 0
                guard delay >= 0 else { throw EvaluationError("a delay cannot be negative, found \(delay)", at: d.span) }
                guard delay <= NetLimits.maximumDelay else { throw EvaluationError("delay \(delay) is too large", at: d.span) }
            }
            let token = Int32(interners[o.place].id(of: value))
            guard o.count <= NetLimits.maximumTokensPerPlace - next.size(of: o.place) else {
                throw Marking.tooManyTokens(in: net.places[o.place].name, at: o.span)
            }
            next.add(token, ready: Int32(delay), count: Int32(o.count), to: o.place)
            produced.append((o.place, token, o.count, delay))
        }
        for o in t.outputs {
            if let cap = net.places[o.place].capacity, next.size(of: o.place) > cap { return }
        }
        emit(Step(kind: .fire(transition: ti), slots: ctx.slots,
                  consumed: consumed.filter { !$0.reads }.map { ($0.place, $0.token, $0.count) }, produced: produced,
                  read: consumed.filter(\.reads).map { ($0.place, $0.token, $0.count) }), next, keys)
    }

    /// Whether an `unless:` arc disables the binding: its place holds at
    /// least `count` ready tokens that its pattern matches, in `m` (before the firing).
    private func inhibits(_ inhibitor: CheckedInhibitor, _ m: Marking, _ ctx: inout EvalContext) throws(EvaluationError) -> Bool {
        let p = inhibitor.place
        if let constant = inhibitor.pattern.constant {
            guard let id = interners[p].existingID(of: constant) else { return false }
            return m.readyCount(Int32(id), in: p) >= inhibitor.count
        }
        var matching = 0
        for entry in m.places[p] where entry.ready <= 0 {
            guard try inhibitor.pattern.match(interners[p].value(Int(entry.token)), &ctx) else { continue }
            matching += Int(entry.count)
            if matching >= inhibitor.count { return true }
        }
        return false
    }
}
