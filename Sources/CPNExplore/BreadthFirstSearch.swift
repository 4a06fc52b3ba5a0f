import CPNExpressions
import CPNLoad
import CPNModel
import Dispatch

/// What a breadth-first search found, before `PropertyAssembly` turns it into
/// property results. Every flag is decided over the states discovered; the
/// search says through `stopReason` whether that is every reachable state.
struct SearchFindings {
    /// Per invariant, the first state that violates it.
    var invariantViolations: [Int?]
    /// Per invariant, whether it failed to evaluate somewhere: it is then not
    /// decided on every reachable marking, and cannot be reported as holding.
    var invariantUndecided: [Bool]
    var firstDeadlock: Int? = nil
    var deadlocks = 0
    /// A dead marking whose `final` failed to evaluate: whether it is a
    /// deadlock is not decided.
    var deadlockUndecided = false
    var expressionFailure: ExpressionFailure? = nil
    /// Per transition, whether some expanded state fired it.
    var fired: [Bool]
    /// Per transition, the first expanded state (BFS order) where it is
    /// enabled, or -1: the counterexample of `expect: dead`.
    var firstEnabled: [Int] = []
    /// Per state, whether `final` holds (only when the net has `final`).
    var isFinal: [Bool] = []
    /// Per leads-to property, per state: whether `from` and `to` hold.
    var leadsFrom: [[Bool]] = [], leadsTo: [[Bool]] = []
    /// Per leads-to property: whether `from` or `to` failed to evaluate somewhere.
    var leadsToUndecided: [Bool] = []
    /// Some marking's `final` failed to evaluate.
    var finalUndecided = false
    /// Every edge, when a property over the graph needs them (`final`, leads-to).
    var edgeFrom: [UInt32] = [], edgeTo: [UInt32] = []
    var edges = 0
    var depth = 0
    var stopReason: String? = nil
    /// A place proved unbounded, with the run that pumps it.
    var unbounded: UnboundednessWitness? = nil

    var complete: Bool { stopReason == nil }

    /// Whether something is violated already (for `--fail-fast`).
    var anyViolation: Bool {
        firstDeadlock != nil || expressionFailure != nil || unbounded != nil || invariantViolations.contains { $0 != nil }
    }
}

/// An evaluation error met during the search: in a binding (`failure`) or in
/// a property (`property` names it).
struct ExpressionFailure {
    var state: Int
    var failure: BindingFailure?
    var error: EvaluationError
    var property: String?
}

/// The breadth-first search itself: the state store (also the queue), the
/// findings, and the limits, as one value whose methods are the steps of the
/// loop. Generic over the expander so the loop is specialised for each.
///
/// Every bound is enforced inside the loop: time, Ctrl-C and memory are
/// polled after a number of work units that grows with the size of the states
/// expanded (a state of 10,000 tokens costs more than one of 10), and the
/// expander polls the same rule inside a single marking's bindings.
struct BreadthFirstSearch<E: StateExpander> {
    let net: CheckedNet
    let options: ExplorationOptions
    let generator: SuccessorGenerator
    let codec: StateCodec
    var expander: E
    let start: UInt64

    var store = StateStore()
    var findings: SearchFindings
    /// Invariants and `final` compiled to counters: evaluated on a new state's
    /// encoding, the rest on its decoded marking.
    var counterProperties: CounterProperties? = nil
    /// The compiled properties' evaluators of the parallel insertion, one per thread.
    private var runEvaluators: [RunPropertyEvaluator] = []

    private let hasFinal: Bool
    private let recordsEdges: Bool
    /// Only properties need a decoded marking of each new state; place bounds
    /// are tracked by the expander on the states it expands.
    private let needsMarking: Bool
    private let budget: WorkBudget
    private var cursor = 0
    /// Transitions not yet fired: once every one has, successors need not be looked at for it.
    private var unfired: Int
    private var levelEnd = 1
    private var full = false
    private var lastProgress = 0.0
    private var units = 0
    /// The state count at which to look for an unbounded place next: it
    /// doubles, so the looking costs a bounded share of the search.
    private var nextCoverageCheck = 4_096

    init(net: CheckedNet, options: ExplorationOptions, generator: SuccessorGenerator, expander: E,
         budget: WorkBudget, start: UInt64) {
        self.net = net
        self.options = options
        self.generator = generator
        self.codec = generator.codec
        self.expander = expander
        self.budget = budget
        self.start = start
        hasFinal = net.final != nil
        recordsEdges = net.final != nil || !net.leadsTo.isEmpty
        needsMarking = !net.invariants.isEmpty || net.final != nil || !net.leadsTo.isEmpty
        findings = SearchFindings(invariantViolations: Array(repeating: nil, count: net.invariants.count),
                                  invariantUndecided: Array(repeating: false, count: net.invariants.count),
                                  fired: Array(repeating: false, count: net.transitions.count))
        findings.firstEnabled = Array(repeating: -1, count: net.transitions.count)
        unfired = net.transitions.count
        findings.leadsFrom = Array(repeating: [], count: net.leadsTo.count)
        findings.leadsTo = Array(repeating: [], count: net.leadsTo.count)
        findings.leadsToUndecided = Array(repeating: false, count: net.leadsTo.count)
    }

    var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    // MARK: The loop

    /// Explores; `expandInParallel` expands a run of states into the shares
    /// it is given (their storage reused from run to run), with the worker
    /// copies of the expander it is given (made on the first run, then kept).
    mutating func run(expandInParallel: ((Range<Int>, StateStore, inout E, inout [ExpandedStates], inout [E?]) -> Void)? = nil) {
        var bytes: [UInt8] = []
        let initial = generator.initialMarking()
        codec.encode(initial, into: &bytes)
        _ = store.insert(bytes, parent: StateStore.noParent)
        visit(initial, index: 0)
        if store.count >= options.maxStates { full = true }

        var current: [UInt8] = []
        var batch = SuccessorBatch(), hashes: [UInt64] = []
        var shares: [ExpandedStates] = []
        var workerCopies: [E?] = []
        while !full, findings.stopReason == nil, cursor < store.count {
            if cursor == levelEnd {
                findings.depth += 1
                levelEnd = store.count
            }
            if let maxDepth = options.maxDepth, findings.depth >= maxDepth {
                findings.stopReason = "depth limit \(maxDepth) reached"
                break
            }
            if let expandInParallel, levelEnd - cursor >= options.parallelThreshold {
                let run = cursor..<min(levelEnd, cursor + options.parallelRun)
                // A statement of its own: the store copy handed to the workers
                // must be gone before inserting, or the arena would be copied.
                expandInParallel(run, store, &expander, &shares, &workerCopies)
                insertParallel(shares)
                if store.count >= nextCoverageCheck {
                    nextCoverageCheck = store.count * 2
                    lookForUnboundedPlace()
                }
                continue
            }
            store.copyState(cursor, into: &current)
            guard keepGoing(cost: current.count) else { break }
            expandSerially(current, &batch, &hashes)
            if store.count >= nextCoverageCheck {
                nextCoverageCheck = store.count * 2
                lookForUnboundedPlace()
            }
        }
        if full {
            findings.stopReason = store.isNearCapacity ? "state store full (4 GiB of encoded states)"
                : "state limit \(options.maxStates) reached"
        }
        // A bound stopped the search: before saying "bounded", look once more
        // for the reason it may never have finished.
        if findings.unbounded == nil, findings.stopReason != nil, findings.stopReason != ExplorationOptions.interrupted {
            lookForUnboundedPlace(sample: 256)
        }
    }

    /// Compares the most recently found states with their ancestors (see
    /// `UnboundednessWitness`); a witness stops the search, which could
    /// otherwise never complete.
    private mutating func lookForUnboundedPlace(sample: Int = 64) {
        let candidates = Array((max(0, store.count - sample)..<store.count).reversed())
        let traces = TraceBuilder(net: net, generator: generator, codec: codec)
        guard let witness = UnboundednessWitness.find(candidates: candidates, store: store, codec: codec, net: net, traces: traces)
        else { return }
        findings.unbounded = witness
        let names = witness.grows.map { "`\(net.places[$0].name)`" }.joined(separator: ", ")
        findings.stopReason = "place\(witness.grows.count == 1 ? "" : "s") \(names) \(witness.grows.count == 1 ? "is" : "are") unbounded"
    }

    /// Expands the state at `cursor` on this thread. Successors are gathered
    /// first, their table slots prefetched together, then inserted in order:
    /// the cache misses of one state's lookups overlap.
    private mutating func expandSerially(_ current: [UInt8], _ batch: inout SuccessorBatch, _ hashes: inout [UInt64]) {
        batch.removeAll()
        hashes.removeAll(keepingCapacity: true)
        var expansion = Expansion()
        var cut: Interruption? = nil
        current.withUnsafeBytes { state in
            do throws(Interruption) { expansion = try expander.expand(state, into: &batch) } catch { cut = error }
        }
        if let cut {
            // The marking was not fully expanded: stop before it, so that no
            // figure or property counts a partial successor set.
            findings.stopReason = cut.reason
            return
        }
        findings.edges += batch.count
        if unfired > 0 { for t in batch.transitions where t >= 0 { markFired(Int(t)) } }
        batch.bytes.withUnsafeBytes { all in
            var start = 0
            for end in batch.ends {
                hashes.append(StateTable.hash(UnsafeRawBufferPointer(rebasing: all[start..<end])))
                start = end
            }
            store.prefetch(hashes)
            start = 0
            for (k, end) in batch.ends.enumerated() {
                defer { start = end }
                if full { break }
                accept(UnsafeRawBufferPointer(rebasing: all[start..<end]), hash: hashes[k])
            }
        }
        finish(expansion)
        cursor += 1
    }

    /// Inserts, in state order, what the workers expanded (see
    /// `ExpandedStates`): the store first finds each run's new states on
    /// every thread (`resolveRun`), this loop numbers them in order, as the
    /// serial loop would, and the store then files the numbers (`settleRun`).
    private mutating func insertParallel(_ shares: [ExpandedStates]) {
        // The compiled properties of new states are evaluated on the threads
        // that file them; the rest (decoded markings) stay on this one.
        // A run too long to number provisionally (nil) is inserted one state at a time.
        let run: RunResolution?
        var evaluated: [UInt8] = []
        let width = counterProperties?.packedWidth ?? 0
        if needsMarking, let properties = counterProperties {
            // Kept from run to run: each takes a copy of the properties of its own once.
            if runEvaluators.isEmpty {
                runEvaluators = Array(repeating: RunPropertyEvaluator(properties), count: StateStore.resolvers(options.workers))
            }
            for k in runEvaluators.indices { runEvaluators[k].removeAll() }
            run = store.resolveRun(shares, visitors: &runEvaluators, limit: options.maximumProvisionalRun)
            if let run { evaluated = RunPropertyEvaluator.merge(runEvaluators, candidates: run.count, width: width) }
        } else {
            run = store.resolveRun(shares, workers: options.workers, limit: options.maximumProvisionalRun)
        }
        var indexOf = [Int32](repeating: -1, count: run?.count ?? 0)
        var g = 0
        defer { if let run { store.settleRun(run, indexOf: indexOf, workers: options.workers) } }
        for share in shares {
            share.batch.bytes.withUnsafeBytes { all in
                var k = 0, start = 0
                for (offset, stateEnd) in share.stateEnds.enumerated() {
                    guard keepGoing(cost: 0) else { return }
                    findings.edges += stateEnd - k
                    if unfired > 0 { for t in share.batch.transitions[k..<stateEnd] where t >= 0 { markFired(Int(t)) } }
                    while k < stateEnd {
                        if !full {
                            let b = UnsafeRawBufferPointer(rebasing: all[start..<share.batch.ends[k]])
                            if let run {
                                let index: Int
                                switch run.candidate(g, hash: share.hashes[k]) {
                                case .stored(let i):
                                    index = i
                                case .first:
                                    index = store.appendResolved(b, parent: UInt32(cursor))
                                    indexOf[g] = Int32(index)
                                    if !evaluated.isEmpty { counterProperties!.unpackValues(evaluated, at: g * width) }
                                    stored(index, evaluated: !evaluated.isEmpty)
                                case .duplicate(let first):
                                    index = Int(indexOf[first])
                                }
                                recordEdge(to: index)
                            } else {
                                accept(b, hash: share.hashes[k])
                            }
                        }
                        start = share.batch.ends[k]
                        k += 1
                        g += 1
                    }
                    // Failures are rare: no dictionary lookup per state when there are none.
                    finish(Expansion(enabled: share.enabled[offset], failure: share.failures.isEmpty ? nil : share.failures[offset]))
                    cursor += 1
                    if full || findings.stopReason != nil { return }
                }
            }
            if let cut = share.interruption, findings.stopReason == nil { findings.stopReason = cut.reason }
            if full || findings.stopReason != nil { return }
        }
    }

    // MARK: Steps

    @inline(__always)
    private mutating func markFired(_ t: Int) {
        guard !findings.fired[t] else { return }
        findings.fired[t] = true
        unfired -= 1
        findings.firstEnabled[t] = cursor
        if net.transitions[t].expectDead, options.failFast, findings.stopReason == nil {
            findings.stopReason = "stopped at the first violation (--fail-fast)"
        }
    }

    /// Checks a newly stored state: the compiled properties on its encoding,
    /// the others on its decoded marking (decoded only when some need it).
    /// `evaluated`: the compiled ones were evaluated already (`insertParallel`).
    private mutating func visitStored(_ index: Int, evaluated: Bool = false) {
        guard counterProperties != nil else {
            visit(store.withState(index) { codec.decode($0) }, index: index)
            return
        }
        if !evaluated { store.withState(index) { counterProperties!.evaluate($0) } }
        if recordDecided(index) { return }
        // Not decided on counters alone: some property needs the decoded marking.
        let known = (invariants: counterProperties!.invariantValues, final: counterProperties!.finalValue)
        visit(store.withState(index) { codec.decode($0) }, index: index, known: known)
    }

    /// Records the compiled properties' values of the state just evaluated
    /// when they decide everything (no invariant still undecided is left to
    /// the general evaluator, `final` is known, no leads-to): the common case,
    /// done without a decoded marking or copies of the value arrays. False,
    /// recording nothing, otherwise: then some property needs the marking.
    private mutating func recordDecided(_ index: Int) -> Bool {
        guard net.leadsTo.isEmpty, !hasFinal || counterProperties!.finalValue != nil else { return false }
        for k in findings.invariantViolations.indices
        where findings.invariantViolations[k] == nil && counterProperties!.invariantValues[k] == nil { return false }
        for k in findings.invariantViolations.indices
        where findings.invariantViolations[k] == nil && counterProperties!.invariantValues[k] == false {
            findings.invariantViolations[k] = index
        }
        if hasFinal { findings.isFinal.append(counterProperties!.finalValue!) }
        stopAtViolationIfFailFast()
        return true
    }

    /// Checks a newly found state's invariants (and `final`), once; `known`
    /// holds the values already computed on counters.
    private mutating func visit(_ m: Marking, index: Int, known: (invariants: [Bool?], final: Bool?)? = nil) {
        let view = MarkingView(marking: m, interners: generator.interners)
        for (k, inv) in net.invariants.enumerated() where findings.invariantViolations[k] == nil {
            if let holds = known?.invariants[k] {
                if !holds { findings.invariantViolations[k] = index }
                continue
            }
            do {
                if try !inv.holds(on: view, budget: budget) { findings.invariantViolations[k] = index }
            } catch where error.isInterruption {
                findings.stopReason = error.message
            } catch {
                findings.invariantUndecided[k] = true
                recordFailure(ExpressionFailure(state: index, failure: nil, error: error, property: inv.name))
            }
        }
        if let isFinal = known?.final {
            findings.isFinal.append(isFinal)
        } else if let f = net.final {
            do {
                findings.isFinal.append(try f.holds(on: view, budget: budget))
            } catch {
                findings.isFinal.append(false)
                if error.isInterruption { findings.stopReason = error.message } else {
                    findings.finalUndecided = true
                    recordFailure(ExpressionFailure(state: index, failure: nil, error: error, property: "final"))
                }
            }
        }
        for (k, l) in net.leadsTo.enumerated() {
            findings.leadsFrom[k].append(condition(l.from, view, leadsTo: k, state: index))
            findings.leadsTo[k].append(condition(l.to, view, leadsTo: k, state: index))
        }
        stopAtViolationIfFailFast()
    }

    /// One side of a leads-to property in a marking; false (and the property
    /// undecided) when it fails to evaluate.
    private mutating func condition(_ c: CheckedProperty, _ view: MarkingView, leadsTo k: Int, state: Int) -> Bool {
        do {
            return try c.holds(on: view, budget: budget)
        } catch where error.isInterruption {
            findings.stopReason = error.message
        } catch {
            findings.leadsToUndecided[k] = true
            recordFailure(ExpressionFailure(state: state, failure: nil, error: error, property: c.name))
        }
        return false
    }

    /// Records a successor of the state at `cursor`, inserting it unless stored.
    @inline(__always)
    private mutating func accept(_ b: UnsafeRawBufferPointer, hash: UInt64) {
        let (index, inserted) = store.insert(b, hash: hash, parent: UInt32(cursor))
        if inserted { stored(index) }
        recordEdge(to: index)
    }

    /// A state just stored: its properties, and whether the store is full.
    @inline(__always)
    private mutating func stored(_ index: Int, evaluated: Bool = false) {
        if needsMarking { visitStored(index, evaluated: evaluated) }
        if store.count >= options.maxStates || store.isNearCapacity { full = true }
    }

    @inline(__always)
    private mutating func recordEdge(to index: Int) {
        if recordsEdges {
            findings.edgeFrom.append(UInt32(cursor))
            findings.edgeTo.append(UInt32(index))
        }
    }

    /// After the successors of the state at `cursor`: errors and deadlocks.
    private mutating func finish(_ expansion: Expansion) {
        if let failure = expansion.failure {
            recordFailure(ExpressionFailure(state: cursor, failure: failure, error: failure.error, property: nil))
        }
        if !expansion.enabled {
            if !hasFinal || findings.isFinal[cursor] == false {
                // A dead marking whose `final` could not be evaluated is not
                // known to be a deadlock: leave it undecided, never guess.
                if finalFailures.contains(cursor) {
                    findings.deadlockUndecided = true
                } else {
                    findings.deadlocks += 1
                    if findings.firstDeadlock == nil { findings.firstDeadlock = cursor }
                }
            }
        }
        stopAtViolationIfFailFast()
    }

    /// With `--fail-fast`, stops the search once something is violated.
    @inline(__always)
    private mutating func stopAtViolationIfFailFast() {
        if options.failFast, findings.anyViolation, findings.stopReason == nil {
            findings.stopReason = "stopped at the first violation (--fail-fast)"
        }
    }

    /// The states whose `final` failed to evaluate.
    private var finalFailures: Set<Int> = []

    private mutating func recordFailure(_ failure: ExpressionFailure) {
        if failure.property == "final" { finalFailures.insert(failure.state) }
        if findings.expressionFailure == nil { findings.expressionFailure = failure }
    }

    /// Polls the bounds after `cost` more units of work (a state's encoded
    /// size stands for the work of expanding it); false when the search must stop.
    @inline(__always)
    private mutating func keepGoing(cost: Int) -> Bool {
        units += 64 + cost
        guard units >= 65_536 else { return true }
        units = 0
        if let reason = options.stopReason(startedAt: start) {
            findings.stopReason = reason
            return false
        }
        let t = elapsed
        if let progress = options.progress, t - lastProgress >= 1 {
            lastProgress = t
            progress(.init(states: store.count, generated: findings.edges, queue: store.count - cursor, depth: findings.depth,
                           elapsed: t, memoryBytes: store.memoryBytes, residentBytes: ResidentMemory.bytes() ?? 0))
        }
        return true
    }
}
