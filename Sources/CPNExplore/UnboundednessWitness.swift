import CPNLoad

/// Proof that a place is unbounded: a reachable marking `M'` that strictly
/// covers an ancestor `M` on its own BFS path (as many tokens of every value
/// and ready offset everywhere, more somewhere), where the steps from `M` to
/// `M'` can be taken again from `M'`, and again, forever — each time leaving
/// more tokens in the places that grew (the Karp–Miller argument).
///
/// Repeating the steps is only guaranteed when more tokens can never disable
/// them: no clock tick among them (a tick waits for nothing to be enabled),
/// no output place with a capacity, and no input from an ordered place (a
/// better token could win the binding). Candidates that fail this are
/// dropped, so a reported witness is always a real one.
struct UnboundednessWitness {
    /// States from the initial one to `M'`; `M` is `path[pumpStart]`.
    var path: [Int]
    var pumpStart: Int
    /// Places that hold more tokens in `M'` than in `M`.
    var grows: [Int]

    /// Looks for a witness among `candidates` (recently found states), each
    /// compared with every ancestor on its path.
    static func find(candidates: [Int], store: StateStore, codec: StateCodec, net: CheckedNet,
                     traces: TraceBuilder) -> UnboundednessWitness? {
        var decoded: [Int: Marking] = [:]
        func marking(_ i: Int) -> Marking {
            if let m = decoded[i] { return m }
            let m = store.withState(i) { codec.decode($0) }
            decoded[i] = m
            return m
        }
        // At most this many comparisons per look: a deep BFS tree must not
        // make looking cost more than exploring.
        var comparisons = 200_000
        for c in candidates {
            let top = marking(c)
            var ancestor = store.parent(of: c)
            while let a = ancestor, comparisons > 0 {
                comparisons -= 1
                if strictlyCovers(top, marking(a)) {
                    let path = store.path(to: c)
                    guard let start = path.firstIndex(of: a) else { break }
                    if repeatable(path[start...], store: store, net: net, traces: traces) {
                        return shortest(on: path, marking: marking, store: store, net: net, traces: traces)
                            ?? witness(path: path, start: start, marking)
                    }
                }
                ancestor = store.parent(of: a)
            }
        }
        return nil
    }

    /// The earliest witness along `path`: the first marking on it that
    /// strictly covers an earlier one with repeatable steps between, so the
    /// trace shown is as short as this path allows.
    private static func shortest(on path: [Int], marking: (Int) -> Marking, store: StateStore, net: CheckedNet,
                                 traces: TraceBuilder) -> UnboundednessWitness? {
        var comparisons = 2_000_000
        for j in path.indices.dropFirst() {
            let top = marking(path[j])
            for i in stride(from: j - 1, through: 0, by: -1) {
                comparisons -= 1
                if comparisons == 0 { return nil }
                if strictlyCovers(top, marking(path[i])), repeatable(path[i...j], store: store, net: net, traces: traces) {
                    return witness(path: Array(path[...j]), start: i, marking)
                }
            }
        }
        return nil
    }

    private static func witness(path: [Int], start: Int, _ marking: (Int) -> Marking) -> UnboundednessWitness {
        let top = marking(path[path.count - 1]), low = marking(path[start])
        let grows = top.places.indices.filter { top.places[$0] != low.places[$0] }
        return UnboundednessWitness(path: path, pumpStart: start, grows: grows)
    }

    /// Whether `a` has at least the tokens of `b` for every (place, value,
    /// ready offset), and is not equal to it.
    static func strictlyCovers(_ a: Marking, _ b: Marking) -> Bool {
        var larger = false
        for p in a.places.indices {
            let x = a.places[p], y = b.places[p]
            var i = 0
            for e in y {
                while i < x.count, (x[i].token, x[i].ready) < (e.token, e.ready) { larger = true; i += 1 }
                guard i < x.count, x[i].token == e.token, x[i].ready == e.ready, x[i].count >= e.count else { return false }
                if x[i].count > e.count { larger = true }
                i += 1
            }
            if i < x.count { larger = true }
        }
        return larger
    }

    /// Whether the steps along `segment` stay enabled with more tokens (see the type's comment).
    private static func repeatable(_ segment: ArraySlice<Int>, store: StateStore, net: CheckedNet, traces: TraceBuilder) -> Bool {
        let trace = traces.trace(path: Array(segment), store: store, property: nil)
        guard trace.steps.count == segment.count - 1 else { return false }
        for step in trace.steps {
            guard step.kind == .fire, let name = step.transition, let t = net.transitionIndex(named: name) else { return false }
            let transition = net.transitions[t]
            if transition.inputs.contains(where: { net.places[$0.place].order != nil }) { return false }
            // More tokens can disable an `unless:` arc.
            if !transition.inhibitors.isEmpty { return false }
            if transition.outputs.contains(where: { net.places[$0.place].capacity != nil }) { return false }
        }
        return true
    }
}
