import CPNLoad

/// Turns what a search found into property results: a status for each, how
/// a `holds` was shown, why an `unknown` is unknown, and the shortest trace of
/// each violation.
///
/// The rule (`specs/semantics.md` §6): `violated` when a violation was found;
/// `holds` only when the search was complete and the property was decided on
/// every reachable marking; `unknown` otherwise — never `holds` by default.
struct PropertyAssembly {
    let net: CheckedNet
    let findings: SearchFindings
    let store: StateStore
    let traces: TraceBuilder

    func properties() -> [PropertyResult] {
        var out: [PropertyResult] = []
        for (k, inv) in net.invariants.enumerated() {
            var r = open(name: inv.name, kind: .invariant, message: inv.description, location: .init(inv.span),
                         undecided: findings.invariantUndecided[k] ? "it failed to evaluate in a reachable marking (see expression-errors)" : nil)
            if let s = findings.invariantViolations[k] {
                r.violate("invariant `\(inv.name)` does not hold", trace: trace(to: s, property: inv.name))
            }
            out.append(r)
        }
        let hasFinal = net.final != nil
        var deadlock = open(name: "deadlock", kind: .deadlock,
                            message: hasFinal ? "no reachable dead marking outside `final`" : "no reachable dead marking",
                            location: nil,
                            undecided: findings.deadlockUndecided ? "`final` failed to evaluate in a dead marking (see expression-errors)" : nil)
        if let s = findings.firstDeadlock {
            let n = findings.deadlocks
            deadlock.violate("\(n) dead marking\(n == 1 ? "" : "s") \(hasFinal ? (n == 1 ? "that is not final" : "that are not final") : "(the net has no `final`)"); the shortest is shown",
                             trace: trace(to: s, property: "deadlock"))
        }
        out.append(deadlock)
        if let f = net.final {
            var r = open(name: "final-reachable", kind: .finalReachable,
                         message: "from every reachable marking, a final marking (or a reported deadlock) can be reached",
                         location: .init(f.span), undecided: nil)
            if findings.complete, let trapped = firstTrapped() {
                if findings.finalUndecided {
                    r.status = .unknown
                    r.proof = nil
                    r.undecidedBecause = "`final` failed to evaluate in a reachable marking (see expression-errors)"
                } else {
                    r.violate("from the marking after the stem, no final marking can ever be reached: the net can only go round the cycle shown, forever",
                              trace: lasso(to: trapped, property: "final-reachable"))
                }
            }
            out.append(r)
        }
        for (k, l) in net.leadsTo.enumerated() {
            var r = open(name: l.name, kind: .leadsTo, message: l.description, location: .init(l.span),
                         undecided: findings.leadsToUndecided[k] ? "a side of it failed to evaluate in a reachable marking (see expression-errors)" : nil)
            if findings.complete, !findings.leadsToUndecided[k], let t = leadsToCounterexample(k) {
                r.violate("from the marking after the stem, where `from` holds, the net can run forever (or stop) without `to` ever holding",
                          trace: t)
            }
            out.append(r)
        }
        for (t, transition) in net.transitions.enumerated() where transition.expectDead {
            var r = open(name: transition.name, kind: .expectedDead, message: "transition `\(transition.name)` is never enabled",
                         location: .init(transition.span), undecided: nil)
            if findings.firstEnabled[t] >= 0 {
                r.violate("transition `\(transition.name)` (expect: dead) is enabled in the marking shown",
                          trace: trace(to: findings.firstEnabled[t], property: transition.name))
            }
            out.append(r)
        }
        var bounded = open(name: "bounded", kind: .boundedness, message: "every place holds a bounded number of tokens",
                           location: nil, undecided: nil)
        if let w = findings.unbounded {
            var t = traces.trace(path: w.path, store: store, property: "bounded")
            let grows = w.grows.map { net.places[$0].name }
            t.loop = .init(start: w.pumpStart, kind: .pump, grows: grows)
            bounded.violate("\(grows.count == 1 ? "place" : "places") \(grows.map { "`\($0)`" }.joined(separator: ", ")) \(grows.count == 1 ? "is" : "are") unbounded: the steps after step \(w.pumpStart) can repeat forever, each time adding tokens",
                            trace: t)
        }
        out.append(bounded)
        var expression = open(name: "expression-errors", kind: .expressionError,
                              message: "no evaluation error (overflow, division by zero, value outside its color)",
                              location: nil, undecided: nil)
        if let e = findings.expressionFailure {
            var t = trace(to: e.state, property: "expression-errors")
            if let failure = e.failure {
                t.failure = .init(transition: net.transitions[failure.transition].name,
                                  binding: traces.binding(failure.transition, failure.slots),
                                  message: failure.error.message, location: .init(failure.error.span))
            } else {
                t.failure = .init(transition: e.property.map { "(evaluating \($0))" } ?? "", binding: [],
                                  message: e.error.message, location: .init(e.error.span))
            }
            expression.violate(e.error.message, trace: t)
            expression.location = .init(e.error.span)
        }
        out.append(expression)
        return out
    }

    /// A property not (yet) violated: `holds`, proved on every reachable
    /// state, when the search was complete and the property decided everywhere.
    private func open(name: String, kind: PropertyResult.Kind, message: String?, location: PropertyResult.Location?,
                      undecided: String?) -> PropertyResult {
        var r = PropertyResult(name: name, kind: kind, status: .unknown, message: message, location: location, trace: nil)
        if let undecided {
            r.undecidedBecause = undecided
        } else if let stop = findings.stopReason {
            r.undecidedBecause = "exploration was incomplete (\(stop))"
        } else {
            r.status = .holds
            r.proof = .exhaustive(states: store.count)
        }
        return r
    }

    private func trace(to state: Int, property: String) -> Trace {
        traces.trace(path: store.path(to: state), store: store, property: property)
    }

    /// The shortest trace to `trapped`, then on into a bottom SCC and round
    /// one of its cycles (a lasso); the plain trace if no cycle is found.
    private func lasso(to trapped: Int, property: String) -> Trace {
        let graph = Lasso.Graph(states: store.count, from: findings.edgeFrom, to: findings.edgeTo)
        guard let lasso = Lasso.find(from: trapped, in: graph) else { return trace(to: trapped, property: property) }
        let stem = store.path(to: trapped) + lasso.stem.dropFirst()
        var t = traces.trace(path: stem + lasso.cycle, store: store, property: property)
        t.loop = .init(start: stem.count - 1, kind: .cycle)
        return t
    }

    /// A lasso for leads-to property `k`, or nil when it holds.
    ///
    /// Fairness (specs/semantics.md §6): a run that never reaches `to` must
    /// end in a bottom SCC of the state graph (or a dead marking) and is then
    /// assumed to visit all of it. So `from ~> to` fails exactly when some
    /// reachable `from` marking has a path through `¬to` markings into a
    /// bottom SCC without any `to` marking.
    private func leadsToCounterexample(_ k: Int) -> Trace? {
        let from = findings.leadsFrom[k], to = findings.leadsTo[k]
        let graph = Lasso.Graph(states: store.count, from: findings.edgeFrom, to: findings.edgeTo)
        let components = Lasso.bottomComponents(from: 0, in: graph)
        var bad = Array(repeating: false, count: store.count)
        for c in components where !c.contains(where: { to[$0] }) { for s in c { bad[s] = true } }
        // Backward from the bad components through markings where `to` is false.
        let predecessors = Lasso.Graph(states: store.count, from: findings.edgeTo, to: findings.edgeFrom)
        var reaches = bad
        var queue = (0..<store.count).filter { bad[$0] }, head = 0
        while head < queue.count {
            let s = queue[head]
            head += 1
            for p32 in predecessors.out(s) {
                let p = Int(p32)
                if !reaches[p] && !to[p] { reaches[p] = true; queue.append(p) }
            }
        }
        guard let origin = (0..<store.count).first(where: { from[$0] && reaches[$0] }) else { return nil }
        let prefix = store.path(to: origin)
        guard let stem = Lasso.shortestPath(from: origin, in: graph, to: { bad[$0] }, through: { !to[$0] }),
              let entry = stem.last else { return nil }
        let full = prefix + stem.dropFirst()
        if graph.out(entry).isEmpty {
            // A dead marking without `to`: the run stops there.
            return traces.trace(path: full, store: store, property: l(k))
        }
        let inside = Set(components.first { $0.contains(entry) } ?? [entry])
        let cycle = graph.out(entry).lazy.compactMap { first -> [Int]? in
            Int(first) == entry ? [entry] : Lasso.shortestPath(from: Int(first), in: graph, to: { $0 == entry }, through: { inside.contains($0) })
        }.first
        var t = traces.trace(path: full + (cycle ?? []), store: store, property: l(k))
        if cycle != nil { t.loop = .init(start: full.count - 1, kind: .cycle) }
        return t
    }

    private func l(_ k: Int) -> String { net.leadsTo[k].name }

    /// The first state (BFS order) from which no final or dead state is reachable.
    private func firstTrapped() -> Int? {
        var hasOut = Array(repeating: false, count: store.count)
        for f in findings.edgeFrom { hasOut[Int(f)] = true }
        return FinalReachability.firstTrapped(states: store.count, from: findings.edgeFrom, to: findings.edgeTo,
                                              isTarget: { findings.isFinal[$0] || !hasOut[$0] })
    }
}

extension PropertyResult {
    mutating func violate(_ message: String, trace: Trace) {
        status = .violated
        self.message = message
        self.trace = trace
        proof = nil
        undecidedBecause = nil
    }
}
