import Dispatch
import Synchronization

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
/// thread, each with its hash.
///
/// They are then looked up and inserted on every thread too: the store's
/// shards, each taken by one thread, find each successor stored before the
/// run or take a provisional entry for the first occurrence of each new one,
/// in candidate order (`StateStore.resolveRun`); the explorer numbers those
/// first occurrences walking the run in state order, exactly as the serial
/// loop would; the shards then file the numbers (`settleRun`). So state
/// numbers, traces and every figure are the same with one worker or several.
/// (One lookup per successor, in the shard's thread: looking up here as well
/// would read each new state's table lines twice.)
struct ExpandedStates {
    var batch = SuccessorBatch()
    var hashes: [UInt64] = []
    /// For each state, the end of its successors in `batch`.
    var stateEnds: [Int] = []
    var enabled: [Bool] = []
    /// A binding that failed to evaluate, by state offset in the run.
    var failures: [Int: BindingFailure] = [:]
    /// Set when a bound stopped the work inside a state: `stateEnds` covers
    /// the states before it.
    var interruption: Interruption? = nil
    /// The successors grouped by the store's shard of their hash, in order
    /// within each group: shard `s`'s are `order[orderStart[s]..<orderStart[s + 1]]`.
    /// The thread that takes a shard then walks its own successors, instead
    /// of every successor to pick out its own (`StateStore.resolveRun`).
    var order: [Int32] = []
    var orderStart: [Int32] = []

    /// Empties the share, keeping its storage for the next run (a run's
    /// buffers are megabytes: fresh ones cost page faults and regrowth).
    mutating func removeAll() {
        batch.removeAll()
        hashes.removeAll(keepingCapacity: true)
        stateEnds.removeAll(keepingCapacity: true)
        enabled.removeAll(keepingCapacity: true)
        failures.removeAll(keepingCapacity: true)
        interruption = nil
        order.removeAll(keepingCapacity: true)
        orderStart.removeAll(keepingCapacity: true)
    }

    /// Whether `order` groups every successor by shard.
    var isGrouped: Bool { orderStart.count == StateStore.shardCount + 1 && order.count == hashes.count }

    /// Fills `order` and `orderStart` (a counting sort by shard).
    mutating func groupByShard() {
        var start = [Int32](repeating: 0, count: StateStore.shardCount + 1)
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: repeatElement(0, count: hashes.count))
        // Through buffers: an array written in the loop re-checks its uniqueness per successor.
        hashes.withUnsafeBufferPointer { hashes in
            start.withUnsafeMutableBufferPointer { start in
                for h in hashes { start[StateStore.shard(h) + 1] += 1 }
                for s in 0..<StateStore.shardCount { start[s + 1] += start[s] }
                var next = Array(start)
                next.withUnsafeMutableBufferPointer { next in
                    order.withUnsafeMutableBufferPointer { order in
                        for (k, h) in hashes.enumerated() {
                            let s = StateStore.shard(h)
                            order[Int(next[s])] = Int32(k)
                            next[s] += 1
                        }
                    }
                }
            }
        }
        orderStart = start
    }

    /// Expands `states` and hashes their successors, reading the stored states.
    mutating func fill<E: StateExpander>(_ states: Range<Int>, from stored: StoredStates, expander: inout E) {
        for s in states {
            let from = batch.count
            var expansion = Expansion(), cut: Interruption? = nil
            do throws(Interruption) { expansion = try expander.expand(stored[s], into: &batch) } catch { cut = error }
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
            }
        }
    }

    /// Shares per worker thread: successors per state vary (a level's last
    /// states may enable twice the bindings of its first), so one share per
    /// thread leaves one thread idle while the other finishes; threads take
    /// the next share as they come free.
    static let sharesPerWorker = 8
    /// The fewest states in a share: below it, taking a share costs more than it balances.
    static let smallestShare = 32

    /// Expands `states` on `workers` threads in contiguous shares, each thread
    /// taking the next share as it comes free, and leaves the shares in
    /// `shares` in state order (so the result is the same however the threads
    /// interleave), reusing the storage of the shares it held.
    /// `copies` holds each thread's copy of `expander` from run to run: each
    /// thread makes its own (`workerCopy`) on the first run. `expander`
    /// absorbs the copies' statistics.
    static func expand<E: ParallelStateExpander>(_ states: Range<Int>, store: StateStore, expander: inout E,
                                                 workers: Int, into shares: inout [ExpandedStates], copies: inout [E?]) {
        let n = max(1, min(workers, states.count))
        let shareCount = n == 1 ? 1 : max(n, min(n * sharesPerWorker, states.count / smallestShare))
        if shares.count > shareCount { shares.removeLast(shares.count - shareCount) }
        for k in shares.indices { shares[k].removeAll() }
        while shares.count < shareCount { shares.append(ExpandedStates()) }
        while copies.count < n { copies.append(nil) }
        let size = states.count, base = states.lowerBound
        let next = TicketDispenser()
        shares.withUnsafeMutableBufferPointer { shares in
            copies.withUnsafeMutableBufferPointer { copies in
                // Each worker touches only its own copy and the shares it took; the store is only read.
                // Both are worked on as locals on the worker's stack: side by side in a buffer, two
                // threads' values share cache lines, and each write to such a line stalls the other.
                let work = UnsafeSendable((shares, copies, store, expander))
                DispatchQueue.concurrentPerform(iterations: n) { w in
                    let (shares, copies, store, template) = work.value
                    var mine = copies[w].take() ?? template.workerCopy()
                    var share = ExpandedStates()
                    // Pinned once per thread: pinned per state, the arena's buffer would be
                    // retained and released by both threads for every state.
                    store.withStoredStates { stored in
                        while true {
                            let c = next.take()
                            guard c < shareCount else { break }
                            let range = (base + size * c / shareCount)..<(base + size * (c + 1) / shareCount)
                            swap(&share, &shares[c])
                            share.fill(range, from: stored, expander: &mine)
                            share.groupByShard()
                            swap(&share, &shares[c])
                        }
                    }
                    copies[w] = mine
                }
            }
        }
        for w in 0..<n { expander.absorb(copies[w]!) }
    }
}

/// Hands out numbers 0, 1, 2, … (shares, shards) to whichever thread asks first.
final class TicketDispenser: Sendable {
    private let value = Atomic<Int>(0)
    func take() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue }
}

/// Hands values to worker threads that the caller keeps apart by construction.
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
