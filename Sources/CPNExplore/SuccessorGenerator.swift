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

    init(net: CheckedNet) {
        self.net = net
        self.interners = net.places.map { place in
            // The counter layout stores a count with token number 0, so a
            // color with a single value has it interned first, always.
            let interner = TokenInterner()
            if place.color.cardinality == 1, let only = place.color.value(at: 0) { _ = interner.id(of: only) }
            return interner
        }
        self.timed = net.places.contains { $0.initial.contains { $0.delay > 0 } }
            || net.transitions.contains { $0.outputs.contains { $0.delay != nil } }
    }

    var codec: StateCodec {
        StateCodec(layouts: net.places.map { !timed && $0.color.cardinality == 1 ? .counter : .multiset }, timed: timed)
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
    func successors(of m: Marking, _ emit: (Step, Marking) -> Void) throws(BindingFailure) {
        var fired = false
        for t in net.transitions.indices {
            try successors(of: m, transition: t) { step, next in
                fired = true
                emit(step, next)
            }
        }
        if !fired, let delta = m.nextReadyOffset {
            emit(Step(kind: .tick(delta: delta), slots: [], consumed: [], produced: []), m.advanced(by: delta))
        }
    }

    /// The enabled bindings of one transition, after the place-order rule.
    func successors(of m: Marking, transition ti: Int, _ emit: (Step, Marking) -> Void) throws(BindingFailure) {
        let t = net.transitions[ti]
        var ctx = EvalContext(slotCount: t.slotCount)
        var consumed: [(place: Int, token: Int32, count: Int)] = []
        var keys: [Int] = []
        let ordered = t.inputs.contains { net.places[$0.place].order != nil }
        var candidates: [(keys: [Int], step: Step, next: Marking)] = []
        do {
            try bind(t, ti, m, 0, &ctx, &consumed, &keys) { step, next, keys in
                if ordered { candidates.append((keys, step, next)) } else { emit(step, next) }
            }
        } catch {
            throw BindingFailure(error: error, transition: ti, slots: ctx.slots)
        }
        guard ordered, let best = candidates.map(\.keys).max(by: { $0.lexicographicallyPrecedes($1) }) else { return }
        for c in candidates where c.keys == best { emit(c.step, c.next) }
    }

    private func bind(_ t: CheckedTransition, _ ti: Int, _ m: Marking, _ i: Int, _ ctx: inout EvalContext,
                      _ consumed: inout [(place: Int, token: Int32, count: Int)], _ keys: inout [Int],
                      _ emit: (Step, Marking, [Int]) -> Void) throws(EvaluationError) {
        if i == t.inputs.count {
            try complete(t, ti, m, &ctx, consumed, keys, emit)
            return
        }
        let input = t.inputs[i]
        let p = input.place
        func alreadyTaken(_ token: Int32) -> Int {
            var n = 0
            for c in consumed where c.place == p && c.token == token { n += c.count }
            return n
        }
        func attempt(_ token: Int32, _ value: Value, _ ctx: inout EvalContext) throws(EvaluationError) {
            guard m.readyCount(token, in: p) - alreadyTaken(token) >= input.count else { return }
            guard try input.pattern.match(value, &ctx) else { return }
            var pushedKey = false
            if let order = net.places[p].order {
                var orderContext = EvalContext(slotCount: order.slotCount)
                guard try order.pattern.match(value, &orderContext) else { return }
                let key = try order.key(&orderContext).asInt ?? 0
                keys.append(order.highest ? key : (key == Int.min ? Int.max : -key))
                pushedKey = true
            }
            consumed.append((p, token, input.count))
            try bind(t, ti, m, i + 1, &ctx, &consumed, &keys, emit)
            consumed.removeLast()
            if pushedKey { keys.removeLast() }
        }
        if let constant = input.pattern.constant {
            guard let id = interners[p].existingID(of: constant) else { return }
            try attempt(Int32(id), constant, &ctx)
            return
        }
        var previous: Int32 = -1
        for e in m.places[p] where e.ready <= 0 && e.token != previous {
            previous = e.token
            try attempt(e.token, interners[p].value(Int(e.token)), &ctx)
        }
    }

    /// Guard, outputs and capacities of a fully bound transition.
    private func complete(_ t: CheckedTransition, _ ti: Int, _ m: Marking, _ ctx: inout EvalContext,
                          _ consumed: [(place: Int, token: Int32, count: Int)], _ keys: [Int],
                          _ emit: (Step, Marking, [Int]) -> Void) throws(EvaluationError) {
        if let g = t.guardExpr, try g.evaluate(&ctx) != .bool(true) { return }
        var next = m
        for c in consumed { next.removeReady(c.token, count: c.count, from: c.place) }
        var produced: [(place: Int, token: Int32, count: Int, delay: Int)] = []
        for o in t.outputs {
            let value = try o.value.evaluate(&ctx)
            var delay = 0
            if let d = o.delay {
                delay = try d.evaluate(&ctx).asInt ?? 0
                guard delay >= 0 else { throw EvaluationError("a delay cannot be negative, found \(delay)", at: d.span) }
                guard delay <= Int(Int32.max) else { throw EvaluationError("delay \(delay) is too large", at: d.span) }
            }
            let token = Int32(interners[o.place].id(of: value))
            guard o.count <= Marking.maximumTokensPerPlace - next.size(of: o.place) else {
                throw Marking.tooManyTokens(in: net.places[o.place].name, at: o.span)
            }
            next.add(token, ready: Int32(delay), count: Int32(o.count), to: o.place)
            produced.append((o.place, token, o.count, delay))
        }
        for o in t.outputs {
            if let cap = net.places[o.place].capacity, next.size(of: o.place) > cap { return }
        }
        emit(Step(kind: .fire(transition: ti), slots: ctx.slots, consumed: consumed, produced: produced), next, keys)
    }
}
