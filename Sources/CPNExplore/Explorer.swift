import CPNDiagnostics
import CPNExpressions
import CPNLoad
import CPNModel
import Dispatch

/// Breadth-first exploration of every reachable marking (the state space),
/// checking each property on the way. BFS order makes every counterexample
/// a shortest one: the first state found violating a property has the
/// smallest depth.
///
/// ```swift
/// let result = Explorer(net: checked).run(file: "net.yaml")
/// print(result.verdict, result.states)   // pass 55
/// ```
public final class Explorer {
    let net: CheckedNet
    let options: ExplorationOptions
    let generator: SuccessorGenerator
    let codec: StateCodec
    private(set) var store = StateStore()

    public init(net: CheckedNet, options: ExplorationOptions = ExplorationOptions()) {
        self.net = net
        self.options = options
        self.generator = SuccessorGenerator(net: net)
        self.codec = generator.codec
    }

    /// Whether the place/transition fast path applies to this net.
    public var usesCounterFastPath: Bool { CounterExpander(net: net, generator: generator) != nil }

    public func run(file: String) -> ExplorationResult {
        let start = DispatchTime.now().uptimeNanoseconds
        let options = self.options
        let budget = WorkBudget { options.stopReason(startedAt: start) }
        if let fast = CounterExpander(net: net, generator: generator) {
            var search = BreadthFirstSearch(net: net, options: options, generator: generator, expander: fast,
                                            budget: budget, start: start)
            let workers = options.workers
            if workers > 1 {
                search.run { states, store, expander in
                    ExpandedStates.expand(states, store: store, expander: &expander, workers: workers)
                }
            } else {
                search.run()
            }
            return finish(search, file: file)
        }
        var search = BreadthFirstSearch(net: net, options: options, generator: generator,
                                        expander: ColoredExpander(generator: generator, budget: budget),
                                        budget: budget, start: start)
        search.run()
        return finish(search, file: file)
    }

    private func finish<E: StateExpander>(_ search: BreadthFirstSearch<E>, file: String) -> ExplorationResult {
        store = search.store
        let assembly = PropertyAssembly(net: net, findings: search.findings, store: search.store,
                                        traces: TraceBuilder(net: net, generator: generator, codec: codec))
        let findings = search.findings
        let properties = assembly.properties()
        let violated = properties.contains { $0.status == .violated }
        let complete = findings.complete
        let verdict: Verdict = violated ? .violated : complete && properties.allSatisfy({ $0.status == .holds }) ? .pass : .bounded
        let maxTokens = search.expander.maxTokens
        return ExplorationResult(
            net: net.net.name, file: file, verdict: verdict, complete: complete, stopReason: findings.stopReason,
            states: search.store.count, edges: findings.edges, depth: findings.depth,
            elapsedMs: Int(search.elapsed * 1000),
            bytesPerState: search.store.bytesPerState, memoryBytes: search.store.memoryBytes, timed: generator.timed,
            properties: properties,
            deadTransitions: complete ? net.transitions.indices.filter { !findings.fired[$0] && !net.transitions[$0].expectDead }
                .map { net.transitions[$0].name } : [],
            placeBounds: net.places.indices.map { PlaceBound(place: net.places[$0].name, max: maxTokens[$0], capacity: net.places[$0].capacity) },
            deadlocks: findings.deadlocks, finalMarkings: net.final != nil ? findings.isFinal.prefix(search.store.count).filter { $0 }.count : 0)
    }
}
