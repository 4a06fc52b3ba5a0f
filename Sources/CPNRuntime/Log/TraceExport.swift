import CPNExplore
import CPNJSON
/// The event log as a trace in the verifier's format (`specs/report.schema.json`,
/// `$defs/trace`), so `cpn-author replay` steps through a production run as
/// through a counterexample: the initial marking, then one step per event
/// with its binding, the tokens moved and the marking after it.
///
/// Time: the clock of a step is the number of whole time units the net's
/// clock advanced since the net was put in the store, and a `tick` step is
/// written where it advanced between two events, as in a simulation; ready
/// offsets are time units until a token's ready time, rounded up. Tokens added or taken from outside are steps of
/// kind `fire` whose transition is `(tokens add)` or `(tokens take)`, names no
/// transition can have. Failed handler runs moved nothing and are left out.
public enum TraceExport {
    /// The trace of every event, or of the last `last` ones (the initial
    /// marking is then the marking before them).
    public static func trace(events: [EventRecord], net: RuntimeNet, tickMicros: Int64, last: Int? = nil) throws -> JSONValue {
        guard let start = events.first(where: { $0.kind == .initial }) else {
            throw RuntimeError(.store, "the event log has no `init` event: it does not start with the net's initial marking")
        }
        let tick = max(1, tickMicros)
        var tokens: [Int64: TokenRef] = [:]
        var order: [Int64] = []
        func apply(_ e: EventRecord) {
            for r in e.consumed { tokens[r.id] = nil }
            for r in e.produced { tokens[r.id] = r; order.append(r.id) }
        }
        apply(start)
        let moves = events.filter { $0.id > start.id && [.fire, .add, .take].contains($0.kind) }
        let skipped = last.map { max(0, moves.count - $0) } ?? 0
        for e in moves.prefix(skipped) { apply(e) }
        var clock = skipped > 0 ? ticks(moves[skipped - 1].netAt - start.netAt, tick) : 0
        let initial = marking(tokens, order: &order, at: skipped > 0 ? moves[skipped - 1].netAt : start.netAt, net: net, tick: tick)
        var steps: [JSONValue] = []
        for e in moves.dropFirst(skipped) {
            let now = ticks(e.netAt - start.netAt, tick)
            if now > clock {
                clock = now
                steps.append(.object([
                    ("index", .int(steps.count + 1)), ("kind", .string(TraceStep.Kind.tick.rawValue)), ("binding", .array([])), ("clock", .int(clock)),
                    ("consumed", .array([])), ("produced", .array([])),
                    ("marking", marking(tokens, order: &order, at: e.netAt, net: net, tick: tick)),
                ]))
            }
            apply(e)
            let name: String
            switch e.kind {
            case .fire: name = e.transition ?? "?"
            case .add: name = "(tokens add)"
            default: name = "(tokens take)"
            }
            steps.append(.object([
                ("index", .int(steps.count + 1)),
                ("kind", .string(TraceStep.Kind.fire.rawValue)),
                ("transition", .string(name)),
                ("binding", .array(e.binding.map { .object([("variable", .string($0.name)), ("value", .string($0.value))]) })),
                ("clock", .int(clock)),
                ("consumed", moved(e.consumed, at: e.netAt, tick: tick)),
                ("produced", moved(e.produced, at: e.netAt, tick: tick)),
                ("marking", marking(tokens, order: &order, at: e.netAt, net: net, tick: tick)),
            ]))
        }
        return .object([("net", .string(net.name)), ("initial", initial), ("steps", .array(steps))])
    }

    private static func ticks(_ micros: Int64, _ tick: Int64) -> Int { Int(max(0, micros) / tick) }

    /// Time units until `readyAt`, rounded up; 0 when ready.
    private static func offset(_ readyAt: Int64?, at: Int64, tick: Int64) -> Int {
        guard let readyAt, readyAt > at else { return 0 }
        // Divided before rounding up: `readyAt - at + tick` may not fit 64 bits.
        let (span, overflowed) = readyAt.subtractingReportingOverflow(at)
        guard !overflowed else { return Int(Int32.max) }
        return Int(span / tick + (span % tick == 0 ? 0 : 1))
    }

    private static func moved(_ refs: [TokenRef], at: Int64, tick: Int64) -> JSONValue {
        var entries: [(place: String, token: String, delay: Int, count: Int)] = []
        for r in refs {
            let d = offset(r.readyAt, at: at, tick: tick)
            if let i = entries.firstIndex(where: { $0.place == r.place && $0.token == r.value && $0.delay == d }) { entries[i].count += 1 }
            else { entries.append((r.place, r.value, d, 1)) }
        }
        return .array(entries.map { e in
            var m: [(String, JSONValue)] = [("place", .string(e.place)), ("token", .string(e.token)), ("count", .int(e.count))]
            if e.delay > 0 { m.append(("delay", .int(e.delay))) }
            return .object(m)
        })
    }

    private static func marking(_ tokens: [Int64: TokenRef], order: inout [Int64], at: Int64, net: RuntimeNet, tick: Int64) -> JSONValue {
        order.removeAll { tokens[$0] == nil }
        var perPlace: [String: [(token: String, ready: Int, count: Int)]] = [:]
        for id in order {
            guard let r = tokens[id] else { continue }
            let ready = offset(r.readyAt, at: at, tick: tick)
            if let i = perPlace[r.place]?.firstIndex(where: { $0.token == r.value && $0.ready == ready }) { perPlace[r.place]![i].count += 1 }
            else { perPlace[r.place, default: []].append((r.value, ready, 1)) }
        }
        return .array(net.checked.places.map { place in
            let entries = perPlace[place.name] ?? []
            return .object([("place", .string(place.name)), ("tokens", .array(entries.map { e in
                var m: [(String, JSONValue)] = [("token", .string(e.token)), ("count", .int(e.count))]
                if e.ready > 0 { m.append(("ready", .int(e.ready))) }
                return .object(m)
            }))])
        })
    }
}
