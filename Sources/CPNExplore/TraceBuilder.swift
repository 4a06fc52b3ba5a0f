import CPNExpressions
import CPNLoad
import CPNModel

/// Turns a path of stored states into a readable trace: for each pair of
/// consecutive states it finds again the step that links them (the store
/// keeps only parent pointers, as TLC keeps fingerprints), then prints the
/// binding, the tokens moved and the marking after.
struct TraceBuilder {
    let net: CheckedNet
    let generator: SuccessorGenerator
    let codec: StateCodec

    func trace(path: [Int], store: StateStore, property: String?) -> Trace {
        let markings = path.map { i in store.withState(i) { codec.decode($0) } }
        var steps: [TraceStep] = []
        var clock = 0
        for k in markings.indices.dropFirst() {
            let target = store.bytes(of: path[k])
            var found: Step? = nil
            var scratch: [UInt8] = []
            _ = try? generator.successors(of: markings[k - 1]) { step, next in
                guard found == nil else { return }
                codec.encode(next, into: &scratch)
                if scratch == target { found = step }
            }
            guard let step = found else { break }
            if case .tick(let d) = step.kind { clock += Int(d) }
            steps.append(describe(step, index: k, clock: clock, after: markings[k]))
        }
        return Trace(net: net.net.name, property: property, initial: snapshot(markings[0]), steps: steps, failure: nil)
    }

    func describe(_ step: Step, index: Int, clock: Int, after: Marking) -> TraceStep {
        switch step.kind {
        case .tick:
            return TraceStep(index: index, kind: .tick, transition: nil, binding: [], clock: clock, consumed: [], produced: [],
                             marking: snapshot(after))
        case .fire(let ti):
            return TraceStep(index: index, kind: .fire, transition: net.transitions[ti].name,
                             binding: binding(ti, step.slots), clock: clock,
                             consumed: step.consumed.map { TokenMove(place: net.places[$0.place].name, token: token($0.place, $0.token), count: $0.count, delay: nil) },
                             produced: step.produced.map { TokenMove(place: net.places[$0.place].name, token: token($0.place, $0.token), count: $0.count, delay: $0.delay > 0 ? $0.delay : nil) },
                             marking: snapshot(after))
        }
    }

    func binding(_ ti: Int, _ slots: [Value]) -> [Binding] {
        net.transitions[ti].variables.compactMap { v in
            guard v.slot < slots.count else { return nil }
            return Binding(variable: v.name, value: v.color.format(slots[v.slot]))
        }
    }

    func token(_ place: Int, _ id: Int32) -> String {
        net.places[place].color.format(generator.interners[place].value(Int(id)))
    }

    func snapshot(_ m: Marking) -> [PlaceMarking] {
        net.places.indices.map { p in
            PlaceMarking(place: net.places[p].name, tokens: m.places[p].map {
                TokenCount(token: token(p, $0.token), count: Int($0.count), ready: $0.ready > 0 ? Int($0.ready) : nil)
            })
        }
    }
}
