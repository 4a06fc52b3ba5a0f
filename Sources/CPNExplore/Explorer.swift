import CPNDiagnostics
import CPNExpressions
import CPNLoad
import CPNModel
import Foundation

/// Limits on an exploration. A limit that stops it makes the verdict
/// `bounded` (exit 3) unless a violation was found first.
public struct ExplorationOptions: Sendable {
    public var maxStates: Int = 5_000_000
    public var maxDepth: Int? = nil
    public var timeLimit: Double? = nil
    /// Called about once a second with the running figures.
    public var progress: (@Sendable (Progress) -> Void)? = nil
    /// Polled during exploration; returning true stops it (Ctrl-C).
    public var isCancelled: @Sendable () -> Bool = { false }
    /// Threads that expand states at once on the place/transition fast path
    /// (the colored path is serial). Results do not depend on it: states are
    /// numbered, and traces chosen, exactly as with one thread.
    public var workers: Int = min(ProcessInfo.processInfo.activeProcessorCount, 8)
    /// Levels narrower than this are expanded on the calling thread alone
    /// (tests lower it to run the parallel path on small nets).
    var parallelThreshold = 512
    /// States expanded in parallel before their successors are inserted.
    var parallelRun = 16_384

    public init() {}

    public struct Progress: Sendable {
        public var states: Int
        public var depth: Int
        public var elapsed: Double
        public var memoryBytes: Int
    }
}

/// Breadth-first exploration of every reachable marking (the state space),
/// checking each property on the way. BFS order makes every counterexample
/// a shortest one: the first state found violating a property has the
/// smallest depth.
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
        if var fast = CounterExpander(net: net, generator: generator) {
            let workers = options.workers
            guard workers > 1 else { return run(file: file, expander: &fast) }
            return run(file: file, expander: &fast) { states, store, expander in
                ExpandedStates.expand(states, store: store, expander: &expander, workers: workers)
            }
        }
        var general = ColoredExpander(generator: generator)
        return run(file: file, expander: &general)
    }

    private func run<E: StateExpander>(file: String, expander: inout E,
                                       expandInParallel: ((Range<Int>, StateStore, inout E) -> [ExpandedStates])? = nil)
        -> ExplorationResult {
        let start = DispatchTime.now().uptimeNanoseconds
        // A local, not the property: a class's stored property is checked for
        // exclusive access (and retained) on every use, in the hottest loop.
        var store = StateStore()
        defer { self.store = store }
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

        var invariantViolations: [Int?] = Array(repeating: nil, count: net.invariants.count)
        var firstDeadlock: Int? = nil
        var deadlocks = 0
        var expressionFailure: (state: Int, failure: BindingFailure?, error: EvaluationError, property: String?)? = nil
        var fired = Array(repeating: false, count: net.transitions.count)
        var isFinal: [Bool] = []
        let hasFinal = net.final != nil
        var edgeFrom: [UInt32] = [], edgeTo: [UInt32] = []
        var edges = 0
        var stopReason: String? = nil

        var bytes: [UInt8] = []
        /// Checks a newly found state's invariants (and `final`), once.
        func visit(_ m: Marking, index: Int) {
            let view = MarkingView(marking: m, interners: generator.interners)
            for (k, inv) in net.invariants.enumerated() where invariantViolations[k] == nil {
                var ctx = EvalContext(slotCount: inv.slotCount, marking: view)
                do {
                    if try inv.expr.evaluate(&ctx) != .bool(true) { invariantViolations[k] = index }
                } catch {
                    if expressionFailure == nil { expressionFailure = (index, nil, error, inv.name) }
                }
            }
            if let f = net.final {
                var ctx = EvalContext(slotCount: f.slotCount, marking: view)
                do {
                    isFinal.append(try f.expr.evaluate(&ctx) == .bool(true))
                } catch {
                    isFinal.append(false)
                    if expressionFailure == nil { expressionFailure = (index, nil, error, "final") }
                }
            }
        }

        // Only properties need a decoded marking of each new state; place
        // bounds are tracked by the expander on the states it expands.
        let needsMarking = !net.invariants.isEmpty || hasFinal

        let initial = generator.initialMarking()
        codec.encode(initial, into: &bytes)
        _ = store.insert(bytes, parent: StateStore.noParent)
        visit(initial, index: 0)

        var current: [UInt8] = []
        var batch = SuccessorBatch(), batchHashes: [UInt64] = []
        var cursor = 0
        var depth = 0
        var levelEnd = 1
        var lastProgress = 0.0
        var full = false

        /// Records successor `k` of the state at `cursor`: inserted unless
        /// `known` (its index when the state was already stored).
        func accept(_ b: UnsafeRawBufferPointer, hash: UInt64, known: Int?) {
            let index: Int
            if let known { index = known } else {
                let (i, inserted) = store.insert(b, hash: hash, parent: UInt32(cursor))
                index = i
                if inserted {
                    if needsMarking { visit(store.withState(index) { codec.decode($0) }, index: index) }
                    if store.count >= options.maxStates || store.isNearCapacity { full = true }
                }
            }
            if hasFinal {
                edgeFrom.append(UInt32(cursor))
                edgeTo.append(UInt32(index))
            }
        }
        /// After the successors of the state at `cursor`: errors and deadlocks.
        func finish(enabled: Bool, failure: BindingFailure?) {
            if let failure, expressionFailure == nil { expressionFailure = (cursor, failure, failure.error, nil) }
            if !enabled {
                let final = hasFinal ? isFinal[cursor] : false
                if !final {
                    deadlocks += 1
                    if firstDeadlock == nil { firstDeadlock = cursor }
                }
            }
        }
        /// Limits polled every 1,024 states; false when exploration must stop.
        func keepGoing() -> Bool {
            guard cursor & 1023 == 0 else { return true }
            let t = elapsed()
            if let limit = options.timeLimit, t >= limit { stopReason = "time limit \(formatSeconds(limit)) reached"; return false }
            if options.isCancelled() { stopReason = "interrupted"; return false }
            if let progress = options.progress, t - lastProgress >= 1 {
                lastProgress = t
                progress(.init(states: store.count, depth: depth, elapsed: t, memoryBytes: store.memoryBytes))
            }
            return true
        }

        exploring: while cursor < store.count {
            if cursor == levelEnd {
                depth += 1
                levelEnd = store.count
            }
            if let maxDepth = options.maxDepth, depth >= maxDepth {
                stopReason = "depth limit \(maxDepth) reached"
                break
            }
            if let expandInParallel, levelEnd - cursor >= options.parallelThreshold {
                // A run of this level's states expanded and looked up on several
                // threads, then inserted here in order (see `ExpandedStates`).
                let run = cursor..<min(levelEnd, cursor + options.parallelRun)
                // A statement of its own: the store copy handed to the workers
                // must be gone before inserting, or the arena would be copied.
                let shares = expandInParallel(run, store, &expander)
                for share in shares {
                    share.batch.bytes.withUnsafeBytes { all in
                        var k = 0, start = 0
                        for (offset, stateEnd) in share.stateEnds.enumerated() {
                            guard keepGoing() else { return }
                            edges += stateEnd - k
                            for t in share.batch.transitions[k..<stateEnd] where t >= 0 { fired[Int(t)] = true }
                            while k < stateEnd {
                                if !full {
                                    let known = share.known[k]
                                    accept(UnsafeRawBufferPointer(rebasing: all[start..<share.batch.ends[k]]), hash: share.hashes[k],
                                           known: known >= 0 ? Int(known) : nil)
                                }
                                start = share.batch.ends[k]
                                k += 1
                            }
                            finish(enabled: share.enabled[offset], failure: share.failures[offset])
                            cursor += 1
                            if full { return }
                        }
                    }
                    if full || stopReason != nil { break }
                }
                if full || stopReason != nil { break exploring }
                continue
            }
            guard keepGoing() else { break }
            var failure: BindingFailure? = nil
            store.copyState(cursor, into: &current)
            // Successors are gathered first, then their table slots prefetched
            // together, then inserted in order: the cache misses of one
            // state's lookups overlap (same states, same order, same result).
            batch.removeAll()
            batchHashes.removeAll(keepingCapacity: true)
            let any = current.withUnsafeBytes { state -> Bool in
                do {
                    return try expander.expand(state, into: &batch)
                } catch {
                    failure = error as? BindingFailure
                    return true  // an erroneous binding is not a deadlock; it is reported as what it is
                }
            }
            edges += batch.count
            for t in batch.transitions where t >= 0 { fired[Int(t)] = true }
            batch.bytes.withUnsafeBytes { all in
                var start = 0
                for end in batch.ends {
                    let h = StateTable.hash(UnsafeRawBufferPointer(rebasing: all[start..<end]))
                    batchHashes.append(h)
                    start = end
                }
                store.prefetch(batchHashes)
                start = 0
                for (k, end) in batch.ends.enumerated() {
                    defer { start = end }
                    if full { break }
                    accept(UnsafeRawBufferPointer(rebasing: all[start..<end]), hash: batchHashes[k], known: nil)
                }
            }
            finish(enabled: any, failure: failure)
            cursor += 1
            if full { break }
        }
        if full {
            stopReason = store.isNearCapacity ? "state store full (4 GiB of encoded states)" : "state limit \(options.maxStates) reached"
        }
        let complete = stopReason == nil
        let builder = TraceBuilder(net: net, generator: generator, codec: codec)
        let maxTokens = expander.maxTokens

        // Properties, each with the shortest trace to its first violation.
        var properties: [PropertyResult] = []
        let openStatus: PropertyResult.Status = complete ? .holds : .unknown
        for (k, inv) in net.invariants.enumerated() {
            var r = PropertyResult(name: inv.name, kind: .invariant, status: openStatus, message: inv.description,
                                   location: .init(inv.span), trace: nil)
            if let s = invariantViolations[k] {
                r.status = .violated
                r.message = "invariant `\(inv.name)` does not hold"
                r.trace = builder.trace(path: store.path(to: s), store: store, property: inv.name)
            }
            properties.append(r)
        }
        var deadlock = PropertyResult(name: "deadlock", kind: .deadlock, status: openStatus,
                                      message: hasFinal ? "no reachable dead marking outside `final`" : "no reachable dead marking",
                                      location: nil, trace: nil)
        if let s = firstDeadlock {
            deadlock.status = .violated
            deadlock.message = "\(deadlocks) dead marking\(deadlocks == 1 ? "" : "s") \(hasFinal ? (deadlocks == 1 ? "that is not final" : "that are not final") : "(the net has no `final`)"); the shortest is shown"
            deadlock.trace = builder.trace(path: store.path(to: s), store: store, property: "deadlock")
        }
        properties.append(deadlock)
        if let f = net.final {
            var r = PropertyResult(name: "final-reachable", kind: .finalReachable, status: openStatus,
                                   message: "from every reachable marking, a final marking (or a reported deadlock) can be reached",
                                   location: .init(f.span), trace: nil)
            if complete, let trapped = FinalReachability.firstTrapped(states: store.count, from: edgeFrom, to: edgeTo,
                                                                     isTarget: { isFinal[$0] || self.isDead($0, edgeFrom, states: store.count) }) {
                r.status = .violated
                r.message = "from the marking shown, no final marking can ever be reached (the net runs forever without finishing)"
                r.trace = builder.trace(path: store.path(to: trapped), store: store, property: "final-reachable")
            } else if !complete {
                r.status = .unknown
            }
            properties.append(r)
        }
        var expression = PropertyResult(name: "expression-errors", kind: .expressionError, status: openStatus,
                                        message: "no evaluation error (overflow, division by zero, value outside its color)",
                                        location: nil, trace: nil)
        if let e = expressionFailure {
            expression.status = .violated
            expression.message = e.error.message
            expression.location = .init(e.error.span)
            var trace = builder.trace(path: store.path(to: e.state), store: store, property: "expression-errors")
            if let failure = e.failure {
                trace.failure = .init(transition: net.transitions[failure.transition].name,
                                      binding: builder.binding(failure.transition, failure.slots),
                                      message: failure.error.message, location: .init(failure.error.span))
            } else {
                trace.failure = .init(transition: e.property.map { "(evaluating \($0))" } ?? "", binding: [],
                                      message: e.error.message, location: .init(e.error.span))
            }
            expression.trace = trace
        }
        properties.append(expression)

        let violated = properties.contains { $0.status == .violated }
        let verdict: Verdict = violated ? .violated : complete ? .pass : .bounded
        let finals = hasFinal ? isFinal.prefix(store.count).filter { $0 }.count : 0
        return ExplorationResult(
            net: net.net.name, file: file, verdict: verdict, complete: complete, stopReason: stopReason,
            states: store.count, edges: edges, depth: depth, elapsedMs: Int(elapsed() * 1000),
            bytesPerState: store.bytesPerState, memoryBytes: store.memoryBytes, timed: generator.timed,
            properties: properties,
            deadTransitions: complete ? net.transitions.indices.filter { !fired[$0] }.map { net.transitions[$0].name } : [],
            placeBounds: net.places.indices.map { PlaceBound(place: net.places[$0].name, max: maxTokens[$0], capacity: net.places[$0].capacity) },
            deadlocks: deadlocks, finalMarkings: finals)
    }

    private var deadStates: Set<Int>? = nil
    /// Whether state `i` has no successors (computed once from the edge list).
    private func isDead(_ i: Int, _ from: [UInt32], states: Int) -> Bool {
        if deadStates == nil {
            var hasOut = Array(repeating: false, count: states)
            for f in from { hasOut[Int(f)] = true }
            deadStates = Set(hasOut.indices.filter { !hasOut[$0] })
        }
        return deadStates!.contains(i)
    }
}

func formatSeconds(_ s: Double) -> String {
    s == s.rounded() ? "\(Int(s)) s" : String(format: "%.1f s", s)
}
