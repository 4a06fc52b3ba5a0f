import Dispatch

/// An expander whose copies may expand different states at the same time:
/// it shares nothing mutable between copies (the place/transition fast path
/// and the unfolded engine; the dynamic colored path interns token values as
/// it goes, so it stays serial).
protocol ParallelStateExpander: StateExpander {
    /// Folds another copy's running statistics (most tokens per place) into this one.
    mutating func absorb(_ other: Self)

    /// A copy for another thread, with its own `WorkBudget` (a budget's
    /// countdown is not synchronised).
    func workerCopy() -> Self

    /// Every fixed change a firing makes to the counters of `CounterProperties`
    /// (which number a place's values from `cellStart`), for settling the
    /// properties' atoms no firing moves; nil when changes are not fixed.
    var countChanges: CountChanges? { get }
}

extension ParallelStateExpander {
    func workerCopy() -> Self { self }
}

/// The successors of a run of consecutive states, computed off the main
/// thread, each already looked up in the state table as it was before the
/// run: `known` holds the index of a state stored earlier, or -1.
///
/// The unknown ones are then inserted on every thread too: the store's
/// shards, each owned by one thread, take a provisional entry for the first
/// occurrence of each unknown state in candidate order (`StateStore.resolveRun`);
/// the explorer numbers those first occurrences walking the run in state
/// order, exactly as the serial loop would; the shards then file the numbers
/// (`settleRun`). A state found before the run is found again (the table only
/// grows). So state numbers, traces and every figure are the same with one
/// worker or several.
struct ExpandedStates {
    var batch = SuccessorBatch()
    var hashes: [UInt64] = []
    var known: [Int32] = []
    /// For each state, the end of its successors in `batch`.
    var stateEnds: [Int] = []
    var enabled: [Bool] = []
    /// A binding that failed to evaluate, by state offset in the run.
    var failures: [Int: BindingFailure] = [:]
    /// Set when a bound stopped the work inside a state: `stateEnds` covers
    /// the states before it.
    var interruption: Interruption? = nil

    /// Expands `states`, reading the store without changing it.
    mutating func fill<E: StateExpander>(_ states: Range<Int>, from store: StateStore, expander: inout E) {
        for s in states {
            let from = batch.count
            var expansion = Expansion(), cut: Interruption? = nil
            store.withState(s) { state in
                do throws(Interruption) { expansion = try expander.expand(state, into: &batch) } catch { cut = error }
            }
            if let cut {
                // The state was cut short: the explorer stops before it, so
                // its partial successors are dropped with it.
                interruption = cut
                batch.truncate(toStates: from)
                return
            }
            if let failed = expansion.failure { failures[s - states.lowerBound] = failed }
            enabled.append(expansion.enabled)
            stateEnds.append(batch.count)
            batch.bytes.withUnsafeBytes { all in
                var start = from == 0 ? 0 : batch.ends[from - 1]
                for k in from..<batch.count {
                    hashes.append(StateTable.hash(UnsafeRawBufferPointer(rebasing: all[start..<batch.ends[k]])))
                    start = batch.ends[k]
                }
                store.prefetch(hashes, from: from)
                start = from == 0 ? 0 : batch.ends[from - 1]
                for k in from..<batch.count {
                    let b = UnsafeRawBufferPointer(rebasing: all[start..<batch.ends[k]])
                    known.append(store.find(b, hash: hashes[k]).map { Int32(truncatingIfNeeded: $0) } ?? -1)
                    start = batch.ends[k]
                }
            }
        }
    }

    /// Expands `states` on `workers` threads, one contiguous share each, and
    /// returns the shares in state order. `expander` absorbs the copies' statistics.
    static func expand<E: ParallelStateExpander>(_ states: Range<Int>, store: StateStore, expander: inout E,
                                                 workers: Int) -> [ExpandedStates] {
        let n = max(1, min(workers, states.count))
        let shares = UnsafeMutableBufferPointer<ExpandedStates>.allocate(capacity: n)
        let copies = UnsafeMutableBufferPointer<E>.allocate(capacity: n)
        _ = shares.initialize(from: repeatElement(ExpandedStates(), count: n))
        _ = copies.initialize(from: (0..<n).map { _ in expander.workerCopy() })
        defer {
            shares.deinitialize()
            shares.deallocate()
            copies.deinitialize()
            copies.deallocate()
        }
        let size = states.count, base = states.lowerBound
        // Each worker touches only its own share and copy; the store is only read.
        let work = UnsafeSendable((shares, copies, store))
        DispatchQueue.concurrentPerform(iterations: n) { w in
            let (shares, copies, store) = work.value
            let range = (base + size * w / n)..<(base + size * (w + 1) / n)
            shares[w].fill(range, from: store, expander: &copies[w])
        }
        for w in 0..<n { expander.absorb(copies[w]) }
        return Array(shares)
    }
}

/// Hands values to worker threads that the caller keeps apart by construction.
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
