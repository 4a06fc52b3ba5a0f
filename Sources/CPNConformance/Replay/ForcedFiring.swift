import CPNExpressions
import CPNLoad
import CPNModel

/// Token-based replay's "force": the event happened, the net says the
/// transition was not enabled, so find the binding it must have had and say
/// what was missing. This is not a second firing rule: the replayer only comes
/// here after `FiringRule` (the explorer's rule) found no enabled binding that
/// agrees with the event. It looks for a binding of the transition's input
/// patterns that agrees with the event, preferring tokens the marking holds
/// (then any value of the place's color, for colors of at most
/// `maximumEnumerated` values), and a true guard; the tokens the marking lacks
/// are the missing ones, as PM4Py adds them before firing.
struct ForcedFiring {
    static let maximumEnumerated = 4_096

    struct Outcome {
        var consumed: [(place: Int, value: Value, count: Int)]
        var read: [(place: Int, value: Value, count: Int)]
        var produced: [(place: Int, value: Value, count: Int)]
        var missing: [(place: Int, value: Value, count: Int)]
        var guardHolds: Bool
        var slots: [Value]
    }

    enum Failure: Error {
        /// No binding agrees with the event within the bound.
        case unmatched(String)
        case evaluation(EvaluationError)
    }

    let net: CheckedNet

    func force(_ binding: EventBinding, in marking: ReplayMarking, attempts: Int) -> Result<Outcome, Failure> {
        let t = net.transitions[binding.transition]
        var ctx = EvalContext(slotCount: t.slotCount)
        // Pre-set whole-variable values so a pattern that binds one to another value
        // changes its slot: that is how a wrong candidate is noticed at once.
        for c in binding.constraints where c.path.isEmpty && c.slot < ctx.slots.count { ctx.slots[c.slot] = c.value }
        var budget = attempts
        var guardFalse: (EvalContext, [Value])? = nil
        var picks: [Value] = []
        var evaluationError: EvaluationError? = nil

        func consistent(_ before: [Value], _ after: [Value]) -> Bool {
            for c in binding.constraints where c.slot < after.count && before[c.slot] != after[c.slot] {
                if EventBinding.component(of: after[c.slot], at: c.path) != c.value { return false }
            }
            return true
        }
        func candidates(_ place: Int) -> [Value] {
            var out: [Value] = []
            for t in marking.places[place].sorted(by: { $0.ready && !$1.ready }) where !out.contains(t.value) { out.append(t.value) }
            let color = net.places[place].color
            if let n = color.cardinality, n <= Self.maximumEnumerated {
                let present = Set(out)
                out += color.allValues.filter { !present.contains($0) }
            }
            return out
        }
        /// Depth-first over the inputs; true when a binding with a true guard is found.
        func search(_ i: Int, _ ctx: EvalContext) -> EvalContext? {
            if i == t.inputs.count {
                guard binding.agrees(with: ctx.slots) else { return nil }
                var c = ctx
                do {
                    if let g = t.guardExpr, try g.evaluate(&c) != .bool(true) {
                        if guardFalse == nil { guardFalse = (ctx, picks) }
                        return nil
                    }
                } catch {
                    if evaluationError == nil { evaluationError = error }
                    return nil
                }
                return ctx
            }
            let input = t.inputs[i]
            for v in candidates(input.place) {
                budget -= 1
                if budget < 0 { return nil }
                var c = ctx
                guard (try? input.pattern.match(v, &c)) == true, consistent(ctx.slots, c.slots) else { continue }
                picks.append(v)
                if let found = search(i + 1, c) { return found }
                picks.removeLast()
            }
            return nil
        }
        var chosen: EvalContext
        var guardHolds = true
        if let found = search(0, ctx) {
            chosen = found
        } else if let (c, p) = guardFalse {
            chosen = c
            picks = p
            guardHolds = false
        } else if let e = evaluationError {
            return .failure(.evaluation(e))
        } else {
            return .failure(.unmatched(budget < 0 ? "no binding of `\(t.name)` agrees with the event within \(attempts) candidates"
                                       : "no binding of `\(t.name)` agrees with the event"))
        }
        // The picks were made in input order, but `search` returned the context of a
        // successful path, whose picks are the values matched along it.
        var pickValues = picks
        if pickValues.count != t.inputs.count { pickValues = [] }
        var consumed: [(Int, Value, Int)] = [], read: [(Int, Value, Int)] = []
        var need: [Int: [Value: Int]] = [:]
        for (k, input) in t.inputs.enumerated() {
            guard k < pickValues.count else { break }
            let v = pickValues[k]
            if input.reads { read.append((input.place, v, input.count)) } else { consumed.append((input.place, v, input.count)) }
            need[input.place, default: [:]][v, default: 0] += input.count
        }
        var missing: [(Int, Value, Int)] = []
        for (place, values) in need.sorted(by: { $0.key < $1.key }) {
            for (v, n) in values.sorted(by: { $0.key < $1.key }) {
                let lack = n - marking.count(of: v, in: place)
                if lack > 0 { missing.append((place, v, lack)) }
            }
        }
        var produced: [(Int, Value, Int)] = []
        do {
            for o in t.outputs {
                var c = chosen
                produced.append((o.place, try o.value.evaluate(&c), o.count))
            }
        } catch {
            return .failure(.evaluation(error))
        }
        return .success(Outcome(consumed: consumed, read: read, produced: produced, missing: missing, guardHolds: guardHolds, slots: chosen.slots))
    }
}
