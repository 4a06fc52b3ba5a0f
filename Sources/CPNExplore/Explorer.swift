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
        // Token numbers by color index whenever colors are small, whatever
        // the engine: state numbers, hence traces, never depend on the engine.
        self.generator = SuccessorGenerator(net: net, numberTokensByColor: UnfoldedNet.numbersTokensByColor(net),
                                            maximumCells: options.maximumCells)
        self.codec = generator.codec
    }

    /// Whether the place/transition fast path applies to this net.
    public var usesCounterFastPath: Bool { CounterExpander(net: net, generator: generator) != nil }

    public func run(file: String) -> ExplorationResult {
        let start = DispatchTime.now().uptimeNanoseconds
        let options = self.options
        let budget = WorkBudget { options.stopReason(startedAt: start) }
        if options.engine == .automatic, let fast = CounterExpander(net: net, generator: generator) {
            return finish(runInParallel(fast, budget: budget, start: start), file: file, engine: "place/transition counters")
        }
        if options.engine != .dynamic, UnfoldedNet.numbersTokensByColor(net),
           let unfolded = UnfoldedNet(net: net, codec: codec, timed: generator.timed,
                                      shouldStop: { options.stopReason(startedAt: start) }) {
            let expander = UnfoldedExpander(unfolded: unfolded, generator: generator, budget: budget)
            return finish(runInParallel(expander, budget: budget, start: start), file: file, engine: unfolded.engineDescription)
        }
        var search = BreadthFirstSearch(net: net, options: options, generator: generator,
                                        expander: ColoredExpander(generator: generator, budget: budget),
                                        budget: budget, start: start)
        search.run()
        return finish(search, file: file, engine: "dynamic")
    }

    /// The search with an expander whose copies can work on `options.workers` threads.
    private func runInParallel<E: ParallelStateExpander>(_ expander: E, budget: WorkBudget,
                                                        start: UInt64) -> BreadthFirstSearch<E> {
        var search = BreadthFirstSearch(net: net, options: options, generator: generator, expander: expander,
                                        budget: budget, start: start)
        if UnfoldedNet.numbersTokensByColor(net) {
            search.counterProperties = CounterProperties(net: net, codec: codec, timed: generator.timed)
            if let changes = expander.countChanges {
                var initial: [UInt8] = []
                codec.encode(generator.initialMarking(), into: &initial)
                initial.withUnsafeBytes { search.counterProperties?.settle(changes, initial: $0) }
            }
        }
        let workers = options.workers
        if workers > 1 {
            search.run { states, store, expander, shares, copies in
                ExpandedStates.expand(states, store: store, expander: &expander, workers: workers, into: &shares, copies: &copies)
            }
        } else {
            search.run()
        }
        return search
    }

    private func finish<E: StateExpander>(_ search: BreadthFirstSearch<E>, file: String, engine: String) -> ExplorationResult {
        store = search.store
        let assembly = PropertyAssembly(net: net, findings: search.findings, store: search.store,
                                        traces: TraceBuilder(net: net, generator: generator, codec: codec))
        let findings = search.findings
        let properties = assembly.properties()
        let violated = properties.contains { $0.status == .violated }
        let complete = findings.complete
        let verdict: Verdict = violated ? .violated : complete && properties.allSatisfy({ $0.status == .holds }) ? .pass : .bounded
        let maxTokens = search.expander.maxTokens
        var result = ExplorationResult(
            net: net.net.name, file: file, verdict: verdict, complete: complete, stopReason: findings.stopReason,
            states: search.store.count, edges: findings.edges, depth: findings.depth,
            elapsedMs: Int(search.elapsed * 1000),
            bytesPerState: search.store.bytesPerState, memoryBytes: search.store.memoryBytes, timed: generator.timed,
            properties: properties,
            deadTransitions: complete ? net.transitions.indices.filter { !findings.fired[$0] && !net.transitions[$0].expectDead }
                .map { net.transitions[$0].name } : [],
            placeBounds: net.places.indices.map { PlaceBound(place: net.places[$0].name, max: maxTokens[$0], capacity: net.places[$0].capacity) },
            deadlocks: findings.deadlocks, finalMarkings: net.final != nil ? findings.isFinal.prefix(search.store.count).filter { $0 }.count : 0)
        result.engine = engine
        return result
    }
}
