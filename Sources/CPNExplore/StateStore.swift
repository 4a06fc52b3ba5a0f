import Dispatch

/// Every state found so far, in the order found (which is BFS order, so the
/// store is also the queue), each with the index of the state it was first
/// reached from. Parent pointers give shortest traces.
///
/// Storage: encoded states back to back in one byte arena, a start offset
/// and a parent index per state, and open-addressing hash tables of state
/// indices (see `StateTable`), one per shard of the hash space. No per-state
/// objects.
///
/// The shards let several threads insert a run of states at once, each into
/// shards of its own (`resolveRun`, `settleRun`); their number is fixed, so
/// the tables, and every figure read off them, are the same for any number
/// of workers.
///
/// Memory per state: its encoding + 4 (offset) + 4 (parent) + 5 / load (table).
struct StateStore {
    private(set) var arena: [UInt8] = []
    private(set) var offsets: [UInt32] = [0]
    private(set) var parents: [UInt32] = []
    private var tables = (0..<StateStore.shardCount).map { _ in StateTable.allocate(capacity: 1 << 13) }
    /// Frees the tables' memory with the last copy of the store; a copy that
    /// is about to change first takes tables of its own (`uniqueTables`).
    private var owner: TableOwner

    init() { owner = TableOwner(tables) }

    /// Gives this copy tables of its own before it changes them.
    @inline(__always)
    private mutating func uniqueTables() {
        if !isKnownUniquelyReferenced(&owner) {
            tables = tables.map { $0.copy() }
            owner = TableOwner(tables)
        }
    }


    static let noParent = UInt32.max
    static let shardCount = 8
    /// The most successors `resolveRun` numbers in one run: provisional
    /// entries hold 31-bit candidate numbers (and `StateTable.dead` is taken).
    static let maximumRun = Int(StateTable.provisionalBit) - 2

    /// The shard of a hash: bits the slot index (low bits) and the tag (top 7) do not use.
    @inline(__always)
    static func shard(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash >> 40) & (shardCount - 1) }

    var count: Int { parents.count }

    /// Inserts `bytes` unless present. Returns the state's index and whether it is new.
    mutating func insert(_ bytes: [UInt8], parent: UInt32) -> (index: Int, inserted: Bool) {
        bytes.withUnsafeBytes { b in insert(b, hash: StateTable.hash(b), parent: parent) }
    }

    /// Starts loading what lookups of `hashes` will read (see `StateTable.prefetch`).
    func prefetch(_ hashes: [UInt64]) {
        tables.withUnsafeBufferPointer { tables in
            hashes.withUnsafeBufferPointer { hashes in
                for h in hashes { tables[Self.shard(h)].prefetch(hash: h) }
            }
        }
    }

    /// The index of a stored state equal to `b`, if any. Only reads: several
    /// threads may look up at once while nothing inserts.
    func find(_ b: UnsafeRawBufferPointer, hash: UInt64) -> Int? {
        // Pinned here rather than through `StoredStates.pinning`: this is the
        // serial search's lookup of every successor, and the generic closure
        // cost 1.5% more instructions there (callgrind, workers N=9).
        arena.withUnsafeBytes { a in
            offsets.withUnsafeBufferPointer { o in
                let stored = StoredStates(arena: a, offsets: o)
                return tables[Self.shard(hash)].find(hash: hash) { index in StateTable.equal(stored[index], b) }
            }
        }
    }

    /// Inserts a state whose hash (`StateTable.hash`) is already known.
    mutating func insert(_ b: UnsafeRawBufferPointer, hash: UInt64, parent: UInt32) -> (index: Int, inserted: Bool) {
        // Compare against the arena through raw pointers: no closure over
        // `self`, no retain per probe.
        if let found = find(b, hash: hash) { return (found, false) }
        let index = appendResolved(b, parent: parent)
        let s = Self.shard(hash)
        uniqueTables()
        if tables[s].isFull {
            // Growing rehashes stored states; read them through local copies
            // (no copying happens: nothing mutates the arena meanwhile).
            let arena = self.arena, offsets = self.offsets
            StoredStates.pinning(arena, offsets) { stored in tables[s].grow { stored.hash($0) } }
            owner.tables[s] = tables[s]
        }
        tables[s].insert(index: index, hash: hash)
        return (index, true)
    }

    /// Appends a state's bytes and parent, without touching the tables: for
    /// `insert`, and for a state that `resolveRun` found new (its table entry
    /// is provisional until `settleRun`). Returns its index.
    mutating func appendResolved(_ b: UnsafeRawBufferPointer, parent: UInt32) -> Int {
        let index = parents.count
        arena.append(contentsOf: b)
        offsets.append(UInt32(truncatingIfNeeded: arena.count))
        parents.append(parent)
        return index
    }

    /// Offsets and indices are 32-bit: stop well before they would wrap.
    var isNearCapacity: Bool { arena.count >= Int(UInt32.max) - (1 << 20) || parents.count >= Int(UInt32.max) - 1 }

    func parent(of index: Int) -> Int? {
        let p = parents[index]
        return p == Self.noParent ? nil : Int(p)
    }

    func withState<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let start = Int(offsets[index]), end = Int(offsets[index + 1])
        return arena.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    /// Calls `body` with every stored state readable through the arena and
    /// offsets pinned once (for a worker expanding many states).
    func withStoredStates<R>(_ body: (StoredStates) -> R) -> R { StoredStates.pinning(arena, offsets, body) }

    /// Copies a state's encoding into `buffer` (reusing its storage), so it
    /// can be read while new states are appended.
    func copyState(_ index: Int, into buffer: inout [UInt8]) {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: arena[Int(offsets[index])..<Int(offsets[index + 1])])
    }

    func bytes(of index: Int) -> [UInt8] {
        Array(arena[Int(offsets[index])..<Int(offsets[index + 1])])
    }

    private func equals(_ index: Int, _ other: UnsafeRawBufferPointer) -> Bool {
        withState(index) { StateTable.equal($0, other) }
    }

    /// The path of state indices from the initial state to `index`.
    func path(to index: Int) -> [Int] {
        var path = [index]
        var i = index
        while let p = parent(of: i) { path.append(p); i = p }
        return path.reversed()
    }

    /// Bytes held per state, all structures included.
    private var tableBytes: Int { tables.reduce(0) { $0 + $1.byteCount } }

    var bytesPerState: Double {
        guard count > 0 else { return 0 }
        let total = arena.count + offsets.count * 4 + parents.count * 4 + tableBytes
        return Double(total) / Double(count)
    }

    var memoryBytes: Int { arena.capacity + offsets.capacity * 4 + parents.capacity * 4 + tableBytes }

    /// For tests: every stored state is found again at its own index.
    func checkInvariants() -> Bool {
        (0..<count).allSatisfy { i in
            withState(i) { b in let h = StateTable.hash(b); return tables[Self.shard(h)].find(hash: h) { j in withState(j) { $0.elementsEqual(b) } } == i }
        }
    }
}

/// The stored states, read through pinned memory (`StateStore.withStoredStates`);
/// valid only inside that call, while nothing is inserted.
struct StoredStates {
    private let arena: UnsafeRawBufferPointer
    private let offsets: UnsafeBufferPointer<UInt32>

    fileprivate init(arena: UnsafeRawBufferPointer, offsets: UnsafeBufferPointer<UInt32>) {
        self.arena = arena
        self.offsets = offsets
    }

    /// Calls `body` with `arena` and `offsets` (a store's) pinned.
    @inline(__always)
    fileprivate static func pinning<R>(_ arena: [UInt8], _ offsets: [UInt32], _ body: (StoredStates) -> R) -> R {
        arena.withUnsafeBytes { a in offsets.withUnsafeBufferPointer { o in body(StoredStates(arena: a, offsets: o)) } }
    }

    /// The bytes of stored state `index`.
    subscript(index: Int) -> UnsafeRawBufferPointer {
        @inline(__always) get { UnsafeRawBufferPointer(rebasing: arena[Int(offsets[index])..<Int(offsets[index + 1])]) }
    }

    /// The hash of stored state `index` (for growing a table).
    @inline(__always)
    func hash(_ index: Int) -> UInt64 { StateTable.hash(self[index]) }
}

// MARK: Inserting a run of states on several threads

/// How `resolveRun` classified a run's candidates (the successors in a list
/// of `ExpandedStates`, numbered in order across them): each is a state
/// stored before the run, the first occurrence of a new state, or a later
/// occurrence of one. The explorer then numbers the first occurrences in
/// candidate order, exactly as inserting one at a time would.
struct RunResolution {
    enum Candidate: Equatable {
        /// Equal to the state of this index, stored before the run.
        case stored(Int)
        /// The first occurrence of a state not stored before the run.
        case first
        /// Equal to the earlier candidate `of`, a first occurrence.
        case duplicate(of: Int)
    }

    /// Candidates in the run.
    let count: Int
    /// Per thread, per candidate, written only at the candidates of that
    /// thread's shards (the rest is never read): a stored state's index, or
    /// `firstBit | first` for a candidate whose first occurrence is `first`
    /// (`resolveRun` runs only while indices fit 31 bits).
    /// One array per thread: a candidate's neighbours belong to other
    /// threads' shards, and two threads writing one cache line stall each other.
    fileprivate var found: [[UInt32]]
    fileprivate static let firstBit: UInt32 = 0x8000_0000
    /// Per shard, the run's new entries in candidate order: the candidate and its slot.
    fileprivate var entries: [[(candidate: Int32, slot: Int)]]
    /// Byte `s` is the thread that took shard `s` (read without an array access per candidate).
    private let owners: UInt64

    fileprivate init(count: Int, found: [[UInt32]], entries: [[(candidate: Int32, slot: Int)]], ownerOfShard: [UInt8]) {
        self.count = count
        self.found = found
        self.entries = entries
        owners = ownerOfShard.indices.reduce(0) { $0 | UInt64(ownerOfShard[$1]) << ($1 * 8) }
    }

    /// What candidate `g` is; `hash` is its hash (which says whose shard it is in).
    @inline(__always)
    func candidate(_ g: Int, hash: UInt64) -> Candidate {
        let v = found[Int(truncatingIfNeeded: owners >> (StateStore.shard(hash) * 8)) & 0xFF][g]
        if v < Self.firstBit { return .stored(Int(v)) }
        let first = Int(v & ~Self.firstBit)
        return first == g ? .first : .duplicate(of: first)
    }
}

extension StateStore {
    /// Looks every candidate up, and adds a provisional table entry for the
    /// first occurrence of every one not stored, on `workers` threads, each
    /// taking whole shards as it comes free and walking a shard's candidates
    /// in order, so which occurrence comes first is the same as in a serial
    /// walk. A candidate's one probe finds a stored state or an earlier
    /// candidate alike, its table lines fetched a few candidates ahead. The
    /// arena is only read; `settleRun` must follow before any other insertion.
    mutating func resolveRun(_ shares: [ExpandedStates], workers: Int,
                             limit: Int = maximumRun) -> RunResolution? {
        var none = [NoRunVisitor](repeating: NoRunVisitor(), count: Self.resolvers(workers))
        return resolveRun(shares, visitors: &none, limit: limit)
    }

    /// How many threads `resolveRun` uses for `workers` workers.
    static func resolvers(_ workers: Int) -> Int { max(1, min(workers, shardCount)) }

    /// `resolveRun` on `visitors.count` threads, thread `w` showing each new
    /// state it files (its first occurrence's candidate number and bytes) to
    /// `visitors[w]`.
    /// Nil, changing nothing, when the run has more than `limit` successors
    /// (at most `maximumRun`), or the store 2^31 states or more (its findings
    /// are 31-bit numbers): the caller then inserts them one at a time.
    mutating func resolveRun<V: RunVisitor>(_ shares: [ExpandedStates], visitors: inout [V],
                                            limit: Int = maximumRun) -> RunResolution? {
        var shares = shares
        for j in shares.indices where !shares[j].isGrouped { shares[j].groupByShard() }
        var bases: [Int] = [0]
        for share in shares { bases.append(bases.last! + share.batch.count) }
        let total = bases.last!
        guard total <= min(limit, Self.maximumRun), count < Int(RunResolution.firstBit) else { return nil }
        var entries = Array(repeating: [(candidate: Int32, slot: Int)](), count: Self.shardCount)
        let n = visitors.count
        precondition(n >= 1 && n <= Self.shardCount)
        var found = [[UInt32]](repeating: [], count: n)
        var ownerOfShard = [UInt8](repeating: 0, count: Self.shardCount)
        let nextShard = TicketDispenser()
        let arena = self.arena, offsets = self.offsets
        uniqueTables()
        defer { owner.tables = tables }
        visitors.withUnsafeMutableBufferPointer { visitors in
            RunCandidates.with(shares, bases: bases) { candidates in
                StoredStates.pinning(arena, offsets) { stored in
                    found.withUnsafeMutableBufferPointer { found in
                        entries.withUnsafeMutableBufferPointer { entries in
                            tables.withUnsafeMutableBufferPointer { tables in
                                ownerOfShard.withUnsafeMutableBufferPointer { ownerOfShard in
                                    let work = UnsafeSendable((stored, found, entries, tables, candidates, visitors, ownerOfShard))
                                    DispatchQueue.concurrentPerform(iterations: n) { w in
                                        let (stored, found, entries, tables, candidates, visitors, ownerOfShard) = work.value
                                        found[w] = Self.resolve(worker: w, candidates, total: total, nextShard: nextShard,
                                                                stored: stored, entries: entries, tables: tables,
                                                                ownerOfShard: ownerOfShard, visitor: visitors.baseAddress! + w)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return RunResolution(count: total, found: found, entries: entries, ownerOfShard: ownerOfShard)
    }

    /// How many candidates ahead `resolve` asks for table lines: enough to
    /// cover a memory access with the work on the candidates between.
    private static let lookahead = 16

    /// One thread's part of `resolveRun`: whole shards, taken as the thread
    /// comes free (a shard's lookups depend on no other shard's), each
    /// walked in candidate order across the shares. Returns its
    /// `RunResolution.found`, `total` long, written at its shards' candidates
    /// only, and marks the shards it took in `ownerOfShard`. It works on
    /// copies of its shards' tables and entry lists, and of its visitor, and
    /// puts them back at the end: their neighbours in memory are other threads'.
    private static func resolve<V: RunVisitor>(worker w: Int, _ candidates: RunCandidates, total: Int,
                                nextShard: TicketDispenser, stored: StoredStates,
                                entries entriesOut: UnsafeMutableBufferPointer<[(candidate: Int32, slot: Int)]>,
                                tables tablesOut: UnsafeMutableBufferPointer<StateTable>,
                                ownerOfShard: UnsafeMutableBufferPointer<UInt8>,
                                visitor visitorOut: UnsafeMutablePointer<V>) -> [UInt32] {
        // Left uninitialized where other threads' candidates are: never read there.
        var foundArray = [UInt32](unsafeUninitializedCapacity: total) { _, initialized in initialized = total }
        var tablesArray = Array(tablesOut)
        var entries = [[(candidate: Int32, slot: Int)]](repeating: [], count: shardCount)
        var visitor = visitorOut.move()
        visitor.prepare()
        // Each entry's bytes kept beside it, so comparing with an earlier candidate needs no search.
        var entryBytes = [[UnsafeRawBufferPointer]](repeating: [], count: shardCount)
        var taken: [Int] = []
        foundArray.withUnsafeMutableBufferPointer { found in
            tablesArray.withUnsafeMutableBufferPointer { tables in
                while true {
                    let s = nextShard.take()
                    guard s < shardCount else { break }
                    taken.append(s)
                    for j in candidates.shares.indices {
                        let share = candidates.shares[j], base = candidates.bases[j]
                        // The share's candidates in shard `s`, in order (`ExpandedStates.groupByShard`).
                        let own = UnsafeBufferPointer(rebasing: share.order[Int(share.orderStart[s])..<Int(share.orderStart[s + 1])])
                        var ahead = 0
                        for position in own.indices {
                            let k = Int(own[position]), hash = share.hashes[k], g = base + k
                            // Ask for the table lines of the next few candidates.
                            while ahead < own.count, ahead <= position + lookahead {
                                tables[s].prefetch(hash: share.hashes[Int(own[ahead])])
                                ahead += 1
                            }
                            if tables[s].isFull {
                                tables[s].grow({ stored.hash($0) },
                                               provisional: { l in candidates.hash(Int(entries[s][l].candidate)) },
                                               moved: { l, slot in entries[s][l].slot = slot })
                            }
                            let bytes = share.bytes(k)
                            let lookup = entryBytes.withUnsafeBufferPointer { entryBytes in
                                tables[s].lookUpOrAddProvisional(hash: hash, entry: entries[s].count, stored: { index in
                                    StateTable.equal(stored[index], bytes)
                                }, provisional: { l in
                                    StateTable.equal(entryBytes[s][l], bytes)
                                })
                            }
                            switch lookup {
                            case .stored(let index):
                                found[g] = UInt32(truncatingIfNeeded: index)
                            case .provisional(let l):
                                found[g] = RunResolution.firstBit | UInt32(entries[s][l].candidate)
                            case .added(let slot):
                                entries[s].append((Int32(g), slot))
                                entryBytes[s].append(bytes)
                                found[g] = RunResolution.firstBit | UInt32(g)
                                visitor.visit(candidate: g, bytes: bytes)
                            }
                        }
                    }
                }
            }
        }
        for s in taken {
            ownerOfShard[s] = UInt8(w)
            tablesOut[s] = tablesArray[s]
            entriesOut[s] = entries[s]
        }
        visitorOut.initialize(to: visitor)
        return foundArray
    }

    /// Turns the provisional entries of `run` into stored states, `indexOf`
    /// giving each candidate's state index (-1 where the search stopped
    /// before numbering it: its entry dies). One thread per group of shards.
    mutating func settleRun(_ run: RunResolution, indexOf: [Int32], workers: Int) {
        let n = Self.resolvers(workers)
        uniqueTables()
        tables.withUnsafeMutableBufferPointer { tables in
            let work = UnsafeSendable((tables, run, indexOf))
            DispatchQueue.concurrentPerform(iterations: n) { w in
                let (tables, run, indexOf) = work.value
                for s in stride(from: w, to: Self.shardCount, by: n) {
                    for (g, slot) in run.entries[s] {
                        let index = indexOf[Int(g)]
                        tables[s].settle(slot: slot, index: index >= 0 ? Int(index) : nil)
                    }
                }
            }
        }
    }
}

/// Sees each new state of a run on the thread that files it (`StateStore.resolveRun`).
protocol RunVisitor {
    /// Called on the visitor's thread before its first candidate of a run.
    mutating func prepare()
    mutating func visit(candidate: Int, bytes: UnsafeRawBufferPointer)
}

struct NoRunVisitor: RunVisitor {
    func prepare() {}
    @inline(__always)
    func visit(candidate: Int, bytes: UnsafeRawBufferPointer) {}
}

/// Owns the memory of a store's tables (kept up to date as they grow).
private final class TableOwner {
    var tables: [StateTable]
    init(_ tables: [StateTable]) { self.tables = tables }
    deinit { for t in tables { t.deallocate() } }
}

/// The candidates of a run, read through pointers pinned for the duration of
/// `with`: each share's successor bytes, ends and hashes.
private struct RunCandidates {
    struct Share {
        var bytesBase: UnsafeRawBufferPointer
        var ends: UnsafeBufferPointer<Int>
        var hashes: UnsafeBufferPointer<UInt64>
        /// `ExpandedStates.order` and `orderStart`.
        var order: UnsafeBufferPointer<Int32>
        var orderStart: UnsafeBufferPointer<Int32>

        @inline(__always)
        func bytes(_ k: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: bytesBase[(k == 0 ? 0 : ends[k - 1])..<ends[k]])
        }
    }
    var shares: [Share] = []
    /// Candidate number of each share's first successor.
    var bases: [Int]

    @inline(__always)
    private func locate(_ g: Int) -> (Share, Int) {
        var j = 0
        while bases[j + 1] <= g { j += 1 }
        return (shares[j], g - bases[j])
    }

    func hash(_ g: Int) -> UInt64 { let (share, k) = locate(g); return share.hashes[k] }

    /// Calls `body` with every share pinned (nested, one share at a time).
    static func with(_ shares: [ExpandedStates], bases: [Int], _ body: (RunCandidates) -> Void) {
        func pin(_ j: Int, _ pinned: RunCandidates) {
            guard j < shares.count else { return body(pinned) }
            shares[j].batch.bytes.withUnsafeBytes { bytes in
                shares[j].batch.ends.withUnsafeBufferPointer { ends in
                    shares[j].hashes.withUnsafeBufferPointer { hashes in
                        shares[j].order.withUnsafeBufferPointer { order in
                            shares[j].orderStart.withUnsafeBufferPointer { orderStart in
                                var next = pinned
                                next.shares.append(Share(bytesBase: bytes, ends: ends, hashes: hashes, order: order, orderStart: orderStart))
                                pin(j + 1, next)
                            }
                        }
                    }
                }
            }
        }
        pin(0, RunCandidates(bases: bases))
    }
}

extension OutputSpan<UInt8> {
    /// Appends a copy of `source` (an encoded state) with one `memcpy`.
    ///
    /// `Array.append(contentsOf:)` on a raw buffer goes through the generic
    /// sequence copy (about 100 instructions for a 30-byte state, as much as
    /// the rest of writing a successor); this is the successor writer's copy of
    /// its parent, so it sits with the explorer's other unsafe code.
    @inline(__always)
    mutating func appendCopy(of source: UnsafeRawBufferPointer) {
        let n = source.count
        withUnsafeMutableBufferPointer { buffer, initialized in
            precondition(buffer.count - initialized >= n, "OutputSpan too small for the copy")
            guard n > 0, let start = buffer.baseAddress, let from = source.baseAddress else { return }
            UnsafeMutableRawPointer(start + initialized).copyMemory(from: from, byteCount: n)
            initialized += n
        }
    }
}
