import CPNDiagnostics

/// Checks that handlers fit the net before anything runs: every outcome is a
/// transition, no transition has two handlers, and the outcomes of one
/// handler take the same input tokens (the tokens held while the work runs
/// must be exactly what the chosen outcome consumes).
enum HandlerValidation {
    /// Transition index → handler index.
    static func index(_ handlers: [Handler], net: RuntimeNet) throws -> [Int: Int] {
        var index: [Int: Int] = [:]
        let names = net.checked.transitions.map(\.name)
        for (h, handler) in handlers.enumerated() {
            guard !handler.transitions.isEmpty else {
                throw RuntimeError(.invalidInput, "handler `\(handler.name)` has no transitions")
            }
            guard handler.timeout > 0, handler.lease > handler.timeout else {
                throw RuntimeError(.invalidInput, "handler `\(handler.name)`: the lease (\(handler.lease)s) must be longer than the timeout (\(handler.timeout)s), and the timeout positive")
            }
            var shape: [String: Int]? = nil
            var first = ""
            for name in handler.transitions {
                guard let t = net.transitionIndex(name) else {
                    let hint = NameSuggestion.closest(to: name, among: names).map { " (did you mean `\($0)`?)" } ?? ""
                    throw RuntimeError(.invalidInput, "handler `\(handler.name)`: net `\(net.name)` has no transition `\(name)`\(hint)")
                }
                if let other = index[t] {
                    throw RuntimeError(.invalidInput, "transition `\(name)` has two handlers, `\(handlers[other].name)` and `\(handler.name)`")
                }
                index[t] = h
                var inputs: [String: Int] = [:]
                for i in net.checked.transitions[t].inputs where !i.reads { inputs[net.checked.places[i.place].name, default: 0] += i.count }
                if let shape, shape != inputs {
                    throw RuntimeError(.invalidInput, "handler `\(handler.name)`: `\(first)` and `\(name)` take different input tokens, so they cannot be outcomes of the same work",
                                       details: ["  \(first): " + describe(shape), "  \(name): " + describe(inputs),
                                                 "help: outcomes of one handler take the same places with the same counts (`in: { in_flight: \"(p, t)\" }`)"])
                }
                if shape == nil { shape = inputs; first = name }
            }
            if shape?.isEmpty ?? true {
                throw RuntimeError(.invalidInput, "handler `\(handler.name)`: its transitions take no tokens, so nothing would be held while the work runs")
            }
        }
        return index
    }

    private static func describe(_ inputs: [String: Int]) -> String {
        inputs.keys.sorted().map { inputs[$0]! == 1 ? $0 : "\(inputs[$0]!)×\($0)" }.joined(separator: ", ")
    }
}
