/// Every state found so far, in the order found (which is BFS order, so the
/// store is also the queue), each with the index of the state it was first
/// reached from. Parent pointers give shortest traces.
///
/// Storage: encoded states back to back in one byte arena, a start offset
/// and a parent index per state, and an open-addressing hash table of state
/// indices (see `StateTable`). No per-state objects.
///
/// Memory per state: its encoding + 4 (offset) + 4 (parent) + 5 / load (table).
struct StateStore {
    private(set) var arena: [UInt8] = []
    private(set) var offsets: [UInt32] = [0]
    private(set) var parents: [UInt32] = []
    private var table = StateTable()

    static let noParent = UInt32.max

    var count: Int { parents.count }

    /// Inserts `bytes` unless present. Returns the state's index and whether it is new.
    mutating func insert(_ bytes: [UInt8], parent: UInt32) -> (index: Int, inserted: Bool) {
        bytes.withUnsafeBytes { b in insert(b, hash: StateTable.hash(b), parent: parent) }
    }

    /// Starts loading what lookups of `hashes[from...]` will read (see `StateTable.prefetch`).
    func prefetch(_ hashes: [UInt64], from: Int = 0) { table.prefetch(hashes, from: from) }

    /// The index of a stored state equal to `b`, if any. Only reads: several
    /// threads may look up at once while nothing inserts.
    func find(_ b: UnsafeRawBufferPointer, hash: UInt64) -> Int? {
        arena.withUnsafeBytes { a in
            offsets.withUnsafeBufferPointer { o in
                table.find(hash: hash) { index in
                    StateTable.equal(UnsafeRawBufferPointer(rebasing: a[Int(o[index])..<Int(o[index + 1])]), b)
                }
            }
        }
    }

    /// Inserts a state whose hash (`StateTable.hash`) is already known.
    mutating func insert(_ b: UnsafeRawBufferPointer, hash: UInt64, parent: UInt32) -> (index: Int, inserted: Bool) {
        // Compare against the arena through raw pointers: no closure over
        // `self`, no retain per probe.
        if let found = find(b, hash: hash) { return (found, false) }
        let index = parents.count
        arena.append(contentsOf: b)
        offsets.append(UInt32(truncatingIfNeeded: arena.count))
        parents.append(parent)
        if table.isFull {
            // Growing rehashes stored states; read them through local copies
            // (no copying happens: nothing mutates the arena meanwhile).
            let arena = self.arena, offsets = self.offsets
            table.grow { i in
                arena.withUnsafeBytes { StateTable.hash(UnsafeRawBufferPointer(rebasing: $0[Int(offsets[i])..<Int(offsets[i + 1])])) }
            }
        }
        table.insert(index: index, hash: hash)
        return (index, true)
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
    var bytesPerState: Double {
        guard count > 0 else { return 0 }
        let total = arena.count + offsets.count * 4 + parents.count * 4 + table.byteCount
        return Double(total) / Double(count)
    }

    var memoryBytes: Int { arena.capacity + offsets.capacity * 4 + parents.capacity * 4 + table.byteCount }

    /// For tests: every stored state is found again at its own index.
    func checkInvariants() -> Bool {
        (0..<count).allSatisfy { i in
            withState(i) { b in table.find(hash: StateTable.hash(b)) { j in withState(j) { $0.elementsEqual(b) } } == i }
        }
    }
}
