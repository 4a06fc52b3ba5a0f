import CPNExpressions
import CPNModel

/// Expands states over an `UnfoldedNet`: a marking is read as counters
/// straight from its encoding, the bindings whose most selective input
/// counter is ready are tested against their input vectors, and each enabled
/// one's successor is the parent's encoding with its fixed change merged in.
/// No `Value` is built and nothing is evaluated, so the work per state grows
/// with the bindings looked at, not with the bindings of the net.
///
/// The semantics are `SuccessorGenerator`'s, step for step (`specs/semantics.md`
/// §3–4): capacities and the per-place token limit after consumption, ordered
/// places by the best key vector among a transition's enabled bindings, a tick
/// by the smallest waiting offset only when nothing is enabled or failing. A
/// transition with an enabled error binding, or a binding that would push a
/// place past `NetLimits.maximumTokensPerPlace`, is expanded in that marking by
/// the dynamic engine, which reports the failure as it always does.
///
/// Copies share only immutable tables (and a generator whose token numbers
/// were all assigned before exploring), so they may expand states on
/// different threads; each copy gets its own budget.
struct UnfoldedExpander: ParallelStateExpander {
    private var unfolded: UnfoldedNet
    private let generator: SuccessorGenerator
    private let codec: StateCodec
    /// Spent per binding considered, polled for time, Ctrl-C and memory.
    private var budget: WorkBudget?
    /// Integers per entry of a multiset place: token, count and, when timed, ready offset.
    private let entryWidth: Int

    // The marking being expanded, as `StateCodec` flattens it.
    private var fields: [UInt32] = []
    /// Per place: where its integers start in `fields`; the last is `fields.count`.
    private var fieldStart: [Int]
    /// Per place: tokens held, ready or waiting.
    private var size: [Int]
    /// Per counter: ready tokens. Zero except at `present`.
    private var ready: [Int32]
    /// The counters with ready tokens: `present[..<presentCount]` (one slot
    /// per counter, written by index: appending re-checks capacity and
    /// uniqueness for each counter).
    private var present: [Int32]
    private var presentCount = 0
    /// The smallest positive ready offset, `UInt32.max` when no token waits.
    private var nextReady: UInt32 = .max
    /// Where the 2-bit codes start in the state's bytes.
    private var codeStart = 0
    /// Per integer of `fields`: where its varint is (or would be) in the
    /// state's tail; the last is the end of the state.
    private var tailPos: [Int] = []
    /// Per counter with ready tokens in a multiset place: the index in
    /// `fields` of its ready entry (valid where `ready` is not zero).
    private var entryAt: [Int32]

    /// A successor as the parent's integers with a few edits, sorted by position.
    private var edits: [Edit] = []
    private var codes: [UInt8] = []
    private var tail: [UInt8] = []

    /// At `position` in the parent's integers: replace one by `token`
    /// (`count`, `ready` unused), delete an entry, or insert the entry
    /// (`token`, `count`, `ready`) before it.
    private struct Edit {
        enum Kind { case replace, delete, insert }
        var position: Int
        var kind: Kind
        var token: UInt32, count: UInt32 = 0, ready: UInt32 = 0
    }

    /// Per binding, when every place is counters: its change as additions to
    /// the bytes of 2-bit codes, `patchByte`/`patchAdd[patchStart[b]..<patchStart[b + 1]]`
    /// (one per byte touched). Valid when no changed count is or becomes 3 or
    /// more: a byte's fields then stay within 0...2, so adding `Σ change·4^field`
    /// to the byte carries into no neighbour.
    private var patchStart: [Int32], patchByte: [Int32], patchAdd: [UInt8]
    /// Per binding, when every place is counters: the counters it raises, and
    /// the largest count each may hold for the raised one to stay below 3
    /// (`growCell`/`growLimit[growStart[b]..<growStart[b + 1]]`). In a state
    /// whose counts are all below 3 these are the only checks a patch needs.
    private var growStart: [Int32], growCell: [Int32], growLimit: [Int32]
    /// The state being expanded has a varint tail: some count is 3 or more.
    private var hasTail = false

    /// Per binding: whether an output place of it has a capacity.
    private var checksCapacity: [Bool]
    /// The largest net gain of a place by one binding.
    private let largestGain: Int
    /// In the marking being expanded, no binding can push a place past
    /// `NetLimits.maximumTokensPerPlace`: only capacities need checking.
    private var withinTokenLimit = false

    /// The enabled bindings of the marking: `candidates[..<candidateCount]`
    /// (one slot per binding, written by index like `present`).
    private var candidates: [Int32]
    private var candidateCount = 0
    /// The bindings of one transition that fire: `passing[..<passingCount]`.
    private var passing: [Int32]
    private var passingCount = 0
    private var out: [UInt32] = []
    private var buffer: [UInt8] = []
    private(set) var maxTokens: [Int]

    init(unfolded: UnfoldedNet, generator: SuccessorGenerator, budget: WorkBudget?) {
        self.unfolded = unfolded
        self.generator = generator
        self.codec = generator.codec
        self.budget = budget
        entryWidth = unfolded.timed ? 3 : 2
        fieldStart = Array(repeating: 0, count: unfolded.placeCount + 1)
        size = Array(repeating: 0, count: unfolded.placeCount)
        ready = Array(repeating: 0, count: unfolded.cells)
        present = Array(repeating: 0, count: unfolded.cells)
        candidates = Array(repeating: 0, count: unfolded.bindings)
        passing = Array(repeating: 0, count: unfolded.bindings)
        entryAt = Array(repeating: 0, count: unfolded.cells)
        maxTokens = Array(repeating: 0, count: unfolded.placeCount)
        checksCapacity = (0..<unfolded.bindings).map { b in
            (Int(unfolded.checkStart[b])..<Int(unfolded.checkStart[b + 1])).contains { unfolded.capacity[Int(unfolded.checkPlace[$0])] != .max }
        }
        largestGain = unfolded.checkNet.max() ?? 0
        var patchStart: [Int32] = [0], patchByte: [Int32] = [], patchAdd: [UInt8] = []
        var growStart: [Int32] = [0], growCell: [Int32] = [], growLimit: [Int32] = []
        if unfolded.allCounters {
            for b in 0..<unfolded.bindings {
                let first = patchByte.count
                for d in Int(unfolded.deltaStart[b])..<Int(unfolded.deltaStart[b + 1]) {
                    let cell = Int(unfolded.deltaCell[d]), change = Int(unfolded.deltaCount[d])
                    let byte = Int32(cell >> 2), add = UInt8(truncatingIfNeeded: change &* (1 << ((cell & 3) * 2)))
                    // Changes come in counter order, so those of one byte are adjacent and
                    // merge; additions commute, so an unmerged pair would still be right.
                    if patchByte.count > first, patchByte[patchByte.count - 1] == byte {
                        patchAdd[patchAdd.count - 1] &+= add
                    } else {
                        patchByte.append(byte)
                        patchAdd.append(add)
                    }
                    if change > 0 {
                        growCell.append(Int32(cell))
                        growLimit.append(Int32(clamping: 2 - change))
                    }
                }
                patchStart.append(Int32(patchByte.count))
                growStart.append(Int32(growCell.count))
            }
        }
        (self.patchStart, self.patchByte, self.patchAdd) = (patchStart, patchByte, patchAdd)
        (self.growStart, self.growCell, self.growLimit) = (growStart, growCell, growLimit)
    }

    /// Unfoldings up to this many bindings (about 5 MB of tables, at the 100
    /// bytes per binding `UnfoldedNet.Limits` measured) get a copy of their
    /// tables per worker thread (`UnfoldedNet(privateCopyOf:)`); larger ones
    /// share them: copies would cost memory per thread, and each of their
    /// states does more work, so the shared reference counts weigh less.
    static let privateTablesBindings = 50_000

    func workerCopy() -> UnfoldedExpander {
        var copy = self
        copy.budget = budget?.copy()
        if unfolded.bindings <= Self.privateTablesBindings { copy.unfolded = UnfoldedNet(privateCopyOf: unfolded) }
        (copy.patchStart, copy.patchByte, copy.patchAdd) = (patchStart.inStorageOfItsOwn(), patchByte.inStorageOfItsOwn(), patchAdd.inStorageOfItsOwn())
        (copy.growStart, copy.growCell, copy.growLimit) = (growStart.inStorageOfItsOwn(), growCell.inStorageOfItsOwn(), growLimit.inStorageOfItsOwn())
        copy.checksCapacity = checksCapacity.inStorageOfItsOwn()
        return copy
    }

    /// A binding's changes, per counter; error bindings fire nothing (their
    /// transition's other bindings are these same vectors, fired dynamically).
    var countChanges: CountChanges? {
        var changes = CountChanges()
        let u = unfolded
        for b in 0..<u.bindings where !u.isError[b] {
            changes.append((Int(u.deltaStart[b])..<Int(u.deltaStart[b + 1])).lazy.map { (cell: u.deltaCell[$0], change: u.deltaCount[$0]) })
        }
        return changes
    }

    mutating func absorb(_ other: UnfoldedExpander) {
        for p in maxTokens.indices where other.maxTokens[p] > maxTokens[p] { maxTokens[p] = other.maxTokens[p] }
    }

    mutating func expand(_ state: UnsafeRawBufferPointer, into batch: inout SuccessorBatch) throws(Interruption) -> Expansion {
        if unfolded.allCounters { loadCounters(state) } else { load(state) }
        var largest = 0
        for p in size.indices {
            if size[p] > maxTokens[p] { maxTokens[p] = size[p] }
            if size[p] > largest { largest = size[p] }
        }
        withinTokenLimit = largest <= NetLimits.maximumTokensPerPlace - largestGain
        try collectCandidates()
        var expansion = Expansion()
        var decoded: Marking? = nil
        var i = 0
        while i < candidateCount {
            let t = unfolded.transitionOf[Int(candidates[i])]
            var j = i + 1
            while j < candidateCount, unfolded.transitionOf[Int(candidates[j])] == t { j += 1 }
            if selectFiring(i..<j) {
                if passingCount > 0 { expansion.enabled = true }
                for q in 0..<passingCount {
                    let b = passing[q]
                    if unfolded.allCounters {
                        writeCounters(Int(b), parent: state, into: &batch.bytes)
                    } else {
                        writeSuccessor(Int(b), parent: state, into: &batch.bytes)
                    }
                    batch.close(transition: Int(t))
                }
            } else {
                let m = decoded ?? codec.decode(state)
                decoded = m
                try expandDynamically(m, transition: Int(t), into: &batch, &expansion)
            }
            i = j
        }
        if !expansion.enabled, nextReady != .max {
            writeTick(by: nextReady, into: &batch.bytes)
            batch.close(transition: nil)
            expansion.enabled = true
        }
        return expansion
    }

    // MARK: Reading a marking

    /// `load` when every place is stored as counters (`UnfoldedNet.allCounters`,
    /// an untimed net): the state's integers are the counters themselves, read
    /// a byte of four 2-bit codes at a time, skipping empty runs.
    private mutating func loadCounters(_ state: UnsafeRawBufferPointer) {
        var cursor = 0
        let n = Int(StateCodec.readVarint(state, &cursor))
        codeStart = cursor
        hasTail = state.count > cursor + (n + 3) / 4
        nextReady = .max
        let codeStart = cursor, placeOfCell = unfolded.placeOfCell, previous = presentCount
        var count = 0
        // Written through spans: an array written in a loop re-checks its
        // uniqueness on every write (50 calls a state here); a span checks once.
        var readyArray: [Int32] = [], presentArray: [Int32] = [], sizeArray: [Int] = []
        swap(&readyArray, &ready)
        swap(&presentArray, &present)
        swap(&sizeArray, &size)
        do {
            var ready = readyArray.mutableSpan, present = presentArray.mutableSpan, size = sizeArray.mutableSpan
            for i in 0..<previous { ready[Int(present[i])] = 0 }
            for p in size.indices { size[p] = 0 }
            var counters = NonzeroCounters(state, codeStart: codeStart, count: n)
            while let (cell, c) = counters.next() {
                ready[cell] = Int32(truncatingIfNeeded: c)
                present[count] = Int32(cell)
                count += 1
                size[Int(placeOfCell[cell])] += c
            }
        }
        swap(&readyArray, &ready)
        swap(&presentArray, &present)
        swap(&sizeArray, &size)
        presentCount = count
    }

    /// Flattens `state` into `fields` and fills the ready counters, sizes and next offset.
    private mutating func load(_ state: UnsafeRawBufferPointer) {
        for i in 0..<presentCount { ready[Int(present[i])] = 0 }
        presentCount = 0
        fields.removeAll(keepingCapacity: true)
        tailPos.removeAll(keepingCapacity: true)
        var cursor = 0
        let n = Int(StateCodec.readVarint(state, &cursor))
        codeStart = cursor
        var tail = codeStart + (n + 3) / 4
        for i in 0..<n {
            let code = (state[codeStart + i >> 2] >> UInt8((i & 3) * 2)) & 3
            tailPos.append(tail)
            fields.append(code == 3 ? UInt32(truncatingIfNeeded: StateCodec.readVarint(state, &tail)) : UInt32(code))
        }
        tailPos.append(tail)
        nextReady = .max
        var i = 0
        let timed = unfolded.timed
        for p in 0..<unfolded.placeCount {
            fieldStart[p] = i
            let base = Int(unfolded.cellStart[p])
            if unfolded.counterLayout[p] {
                var total = 0
                for cell in base..<Int(unfolded.cellStart[p + 1]) {
                    let c = fields[i]
                    i += 1
                    total += Int(c)
                    if c > 0 {
                        ready[cell] = Int32(truncatingIfNeeded: c)
                        present[presentCount] = Int32(cell)
                        presentCount += 1
                    }
                }
                size[p] = total
                continue
            }
            let entries = Int(fields[i])
            i += 1
            var total = 0
            for _ in 0..<entries {
                let cell = base + Int(fields[i]), count = fields[i + 1]
                let offset = timed ? fields[i + 2] : 0
                i += entryWidth
                total += Int(count)
                if offset == 0 {
                    ready[cell] = Int32(truncatingIfNeeded: count)
                    entryAt[cell] = Int32(i - entryWidth)
                    present[presentCount] = Int32(cell)
                    presentCount += 1
                } else if offset < nextReady {
                    nextReady = offset
                }
            }
            size[p] = total
        }
        fieldStart[unfolded.placeCount] = i
    }

    // MARK: Choosing bindings

    /// The enabled bindings (error bindings included), in enumeration order.
    private mutating func collectCandidates() throws(Interruption) {
        let u = unfolded
        // The tables as locals and the outputs as spans: read from the class and
        // appended to, each access re-loads the array or re-checks its uniqueness.
        let bucketStart = u.bucketStart, bucketBinding = u.bucketBinding, preStart = u.preStart, preCell = u.preCell,
            preCount = u.preCount, inhibitStart = u.inhibitStart
        var list: [Int32] = []
        swap(&list, &candidates)
        var count = 0
        // Spent in batches: a call per counter costs more than the few bindings it pays for.
        var units = u.unconditional.count
        do {
            var out = list.mutableSpan
            for i in 0..<presentCount {
                let c = Int(present[i])
                let first = Int(bucketStart[c]), end = Int(bucketStart[c + 1])
                units += end - first
                if units >= 4_096 {
                    do { try spend(units) } catch {
                        swap(&list, &candidates)
                        throw error
                    }
                    units = 0
                }
                for k in first..<end {
                    let b = Int(bucketBinding[k])
                    var enabled = true
                    for q in Int(preStart[b])..<Int(preStart[b + 1]) where ready[Int(preCell[q])] < preCount[q] {
                        enabled = false
                        break
                    }
                    if enabled, inhibitStart[b] != inhibitStart[b + 1], isInhibited(b) { enabled = false }
                    if enabled {
                        out[count] = Int32(b)
                        count += 1
                    }
                }
            }
            for b in u.unconditional where !isInhibited(Int(b)) {
                out[count] = b
                count += 1
            }
            // A few bindings, nearly in order (buckets are visited by counter):
            // insertion sort beats the general one.
            if count > 1, count <= 16 {
                for i in 1..<count {
                    let b = out[i]
                    var j = i
                    while j > 0, out[j - 1] > b {
                        out[j] = out[j - 1]
                        j -= 1
                    }
                    out[j] = b
                }
            }
        }
        if count > 16 { list[..<count].sort() }
        swap(&list, &candidates)
        candidateCount = count
        try spend(units)
    }

    @inline(__always)
    private func spend(_ units: Int) throws(Interruption) {
        do { try budget?.spend(units) } catch { throw Interruption(reason: error.message) }
    }

    /// Whether an `unless:` arc of binding `b` sees enough matching ready tokens.
    @inline(__always)
    private func isInhibited(_ b: Int) -> Bool {
        for g in Int(unfolded.inhibitStart[b])..<Int(unfolded.inhibitStart[b + 1]) {
            var matching = 0
            for k in Int(unfolded.inhibitCellStart[g])..<Int(unfolded.inhibitCellStart[g + 1]) {
                matching += Int(ready[Int(unfolded.inhibitCell[k])])
            }
            if matching >= Int(unfolded.inhibitLimit[g]) { return true }
        }
        return false
    }

    /// Fills `passing` with the bindings of one transition that fire: within
    /// capacity, and the best-keyed on ordered places. False when the
    /// transition needs the dynamic engine here (an error binding is enabled,
    /// or a place would hold more tokens than it can count).
    private mutating func selectFiring(_ range: Range<Int>) -> Bool {
        passingCount = 0
        var best: Int32 = -1
        for k in range {
            let b = Int(candidates[k])
            if unfolded.isError[b] { return false }
            var fits = true
            if checksCapacity[b] || !withinTokenLimit {
                for c in Int(unfolded.checkStart[b])..<Int(unfolded.checkStart[b + 1]) {
                    let p = Int(unfolded.checkPlace[c])
                    let after = size[p] + unfolded.checkNet[c]
                    if after > NetLimits.maximumTokensPerPlace { return false }
                    if after > unfolded.capacity[p] { fits = false }
                }
            }
            if fits {
                passing[passingCount] = Int32(b)
                passingCount += 1
                if unfolded.rank[b] > best { best = unfolded.rank[b] }
            }
        }
        if passingCount > 1, unfolded.transitionOrdered[Int(unfolded.transitionOf[Int(passing[0])])] {
            var kept = 0
            for q in 0..<passingCount where unfolded.rank[Int(passing[q])] == best {
                passing[kept] = passing[q]
                kept += 1
            }
            passingCount = kept
        }
        return true
    }

    /// One transition in one marking by `SuccessorGenerator`: its successors
    /// (in its order, which is ours) and its first failure.
    private mutating func expandDynamically(_ m: Marking, transition t: Int, into batch: inout SuccessorBatch,
                                            _ expansion: inout Expansion) throws(Interruption) {
        var buffer = self.buffer
        defer { self.buffer = buffer }
        let codec = self.codec
        var emitted = false
        let failure = try generator.successors(of: m, transition: t, budget: budget) { _, next in
            codec.encode(next, into: &buffer)
            batch.bytes.append(contentsOf: buffer)
            batch.close(transition: t)
            emitted = true
        }
        if emitted || failure != nil { expansion.enabled = true }
        if let failure, expansion.failure == nil { expansion.failure = failure }
    }

    // MARK: Writing successors

    /// `writeSuccessor` when every place is stored as counters: the parent's
    /// bytes with the 2-bit codes of the changed counters patched, or (when a
    /// count is or becomes 3 or more, so the varint tail moves) the counters
    /// with the change applied, encoded afresh.
    private mutating func writeCounters(_ b: Int, parent state: UnsafeRawBufferPointer, into bytes: inout [UInt8]) {
        let u = unfolded
        let first = Int(u.deltaStart[b]), end = Int(u.deltaStart[b + 1])
        var patchable = true
        if hasTail {
            for d in first..<end {
                let old = ready[Int(u.deltaCell[d])]
                if old >= 3 || old + u.deltaCount[d] >= 3 { patchable = false; break }
            }
        } else {
            // Every count is below 3 (no tail): only a raised one can reach 3.
            for k in Int(growStart[b])..<Int(growStart[b + 1]) where ready[Int(growCell[k])] > growLimit[k] {
                patchable = false
                break
            }
        }
        if patchable {
            let codeStart = self.codeStart, from = Int(patchStart[b]), to = Int(patchStart[b + 1])
            // The tables are read through `self`: copied into locals, the closure
            // would retain and release both arrays for every successor.
            bytes.append(addingCapacity: state.count) { out in
                out.appendCopy(of: state)
                var patched = out.mutableSpan
                for k in from..<to { patched[codeStart + Int(self.patchByte[k])] &+= self.patchAdd[k] }
            }
            return
        }
        var ready: [Int32] = []
        swap(&ready, &self.ready)
        defer { swap(&ready, &self.ready) }
        for d in first..<end { ready[Int(u.deltaCell[d])] += u.deltaCount[d] }
        let n = ready.count
        StateCodec.appendVarint(UInt64(n), to: &bytes)
        let codes = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: (n + 3) / 4))
        for c in 0..<n where ready[c] > 0 {
            bytes[codes + c >> 2] |= UInt8(min(ready[c], 3)) << UInt8((c & 3) << 1)
        }
        for c in 0..<n where ready[c] >= 3 { StateCodec.appendVarint(UInt64(ready[c]), to: &bytes) }
        for d in first..<end { ready[Int(u.deltaCell[d])] -= u.deltaCount[d] }
    }

    /// The successor by binding `b`: the parent's encoding with the binding's
    /// changes edited in. Runs of unchanged integers are copied from the
    /// parent's bytes (their 2-bit codes and tail varints), so the work is
    /// one pass over the codes plus the few integers that change.
    private mutating func writeSuccessor(_ b: Int, parent state: UnsafeRawBufferPointer, into bytes: inout [UInt8]) {
        collectEdits(b)
        let edits = self.edits
        let width = entryWidth
        let n = fields.count
        var fieldCount = n
        for e in edits {
            if e.kind == .insert { fieldCount += width } else if e.kind == .delete { fieldCount -= width }
        }
        // Worked on as locals: a stored array re-checks its uniqueness on every write.
        var codes: [UInt8] = [], tail: [UInt8] = []
        swap(&codes, &self.codes)
        swap(&tail, &self.tail)
        codes.removeAll(keepingCapacity: true)
        codes.append(contentsOf: repeatElement(0, count: (fieldCount + 3) / 4))
        tail.removeAll(keepingCapacity: true)
        let codeStart = self.codeStart, tailPos = self.tailPos
        var i = 0, k = 0  // next parent integer, next output integer
        var e = 0
        while true {
            // The unchanged run up to the next edit.
            let j = e < edits.count ? edits[e].position : n
            if i < j {
                Self.copyCodes(state, codeStart, from: i, count: j - i, into: &codes, at: k)
                tail.append(contentsOf: UnsafeRawBufferPointer(rebasing: state[tailPos[i]..<tailPos[j]]))
                k += j - i
                i = j
            }
            guard e < edits.count else { break }
            let edit = edits[e]
            e += 1
            switch edit.kind {
            case .delete:
                i += width
                continue
            case .replace:
                i += 1
            case .insert:
                break
            }
            let values = edit.kind == .replace ? 1 : width
            for slot in 0..<values {
                let v = slot == 0 ? edit.token : slot == 1 ? edit.count : edit.ready
                codes[k >> 2] |= UInt8(min(v, 3)) << UInt8((k & 3) << 1)
                if v >= 3 { StateCodec.appendVarint(UInt64(v), to: &tail) }
                k += 1
            }
        }
        StateCodec.appendVarint(UInt64(fieldCount), to: &bytes)
        bytes.append(contentsOf: codes)
        bytes.append(contentsOf: tail)
        swap(&codes, &self.codes)
        swap(&tail, &self.tail)
    }

    /// Copies `count` 2-bit codes of the parent, from integer `from`, to
    /// integer `to` of `codes` (zero there): a byte at a time where it can.
    private static func copyCodes(_ state: UnsafeRawBufferPointer, _ codeStart: Int, from: Int, count: Int,
                                  into codes: inout [UInt8], at to: Int) {
        var from = from, to = to, left = count
        while left > 0, to & 3 != 0 {
            codes[to >> 2] |= ((state[codeStart + from >> 2] >> UInt8((from & 3) << 1)) & 3) << UInt8((to & 3) << 1)
            from += 1
            to += 1
            left -= 1
        }
        if left >= 4 {
            let shift = UInt16((from & 3) << 1), last = state.count - 1
            var source = codeStart + from >> 2, target = to >> 2
            while left >= 4 {
                let low = UInt16(state[source]), high = source < last ? UInt16(state[source + 1]) : 0
                codes[target] = UInt8(truncatingIfNeeded: (low | high << 8) >> shift)
                source += 1
                target += 1
                left -= 4
            }
            from = (source - codeStart) << 2 | (from & 3)
            to = target << 2
        }
        while left > 0 {
            codes[to >> 2] |= ((state[codeStart + from >> 2] >> UInt8((from & 3) << 1)) & 3) << UInt8((to & 3) << 1)
            from += 1
            to += 1
            left -= 1
        }
    }

    /// Binding `b`'s changes as edits of the parent's integers, in order:
    /// a count replaced, an entry deleted (its count reaches 0) or inserted
    /// (a value not held, or not at that ready offset).
    private mutating func collectEdits(_ b: Int) {
        var edits: [Edit] = []
        swap(&edits, &self.edits)
        defer { swap(&edits, &self.edits) }
        edits.removeAll(keepingCapacity: true)
        let u = unfolded, width = entryWidth, timed = u.timed, fields = self.fields
        var k = Int(u.deltaStart[b])
        let end = Int(u.deltaStart[b + 1])
        while k < end {
            let p = Int(u.deltaPlace[k])
            var g = k + 1
            while g < end, Int(u.deltaPlace[g]) == p { g += 1 }
            let at = fieldStart[p]
            if u.counterLayout[p] {
                // Untimed: one change per value, in value order.
                for d in k..<g {
                    let q = at + Int(u.deltaToken[d])
                    edits.append(Edit(position: q, kind: .replace, token: UInt32(Int(fields[q]) + Int(u.deltaCount[d]))))
                }
                k = g
                continue
            }
            let countEdit = edits.count
            edits.append(Edit(position: at, kind: .replace, token: 0))
            let held = Int(fields[at])
            var entries = held
            let first = at + 1
            for d in k..<g {
                let token = UInt32(u.deltaToken[d]), offset = UInt32(u.deltaReady[d]), change = Int(u.deltaCount[d])
                var q = -1
                if offset == 0 {
                    let cell = Int(u.cellStart[p]) + Int(token)
                    if ready[cell] > 0 { q = Int(entryAt[cell]) }
                }
                // Otherwise the first entry with (token, offset) or more, by binary search.
                var lo = 0, hi = q >= 0 ? 0 : held
                while lo < hi {
                    let mid = (lo + hi) >> 1, e = first + mid * width
                    if fields[e] < token || (timed && fields[e] == token && fields[e + 2] < offset) { lo = mid + 1 } else { hi = mid }
                }
                if q < 0, lo < held {
                    let e = first + lo * width
                    if fields[e] == token, timed && fields[e + 2] == offset { q = e }
                }
                if q >= 0 {
                    let c = Int(fields[q + 1]) + change
                    if c == 0 {
                        edits.append(Edit(position: q, kind: .delete, token: 0))
                        entries -= 1
                    } else {
                        edits.append(Edit(position: q + 1, kind: .replace, token: UInt32(c)))
                    }
                } else {
                    edits.append(Edit(position: first + lo * width, kind: .insert, token: token, count: UInt32(change), ready: offset))
                    entries += 1
                }
            }
            edits[countEdit].token = UInt32(entries)
            k = g
        }
    }

    /// The marking after the clock advances by `delta` (`Marking.advanced`).
    private mutating func writeTick(by delta: UInt32, into bytes: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        for p in 0..<unfolded.placeCount {
            var e = fieldStart[p]
            let end = fieldStart[p + 1]
            if unfolded.counterLayout[p] {
                out.append(contentsOf: fields[e..<end])
                continue
            }
            e += 1
            let countSlot = out.count
            out.append(0)
            var entries: UInt32 = 0
            while e < end {
                let token = fields[e], count = fields[e + 1], offset = fields[e + 2] > delta ? fields[e + 2] - delta : 0
                e += entryWidth
                if entries > 0, out[out.count - 3] == token, out[out.count - 1] == offset {
                    out[out.count - 2] += count
                } else {
                    out.append(token)
                    out.append(count)
                    out.append(offset)
                    entries += 1
                }
            }
            out[countSlot] = entries
        }
        Self.pack(out, into: &bytes)
    }

    /// `StateCodec`'s byte form of a flattened marking: length, 2-bit codes, varint tail.
    private static func pack(_ f: [UInt32], into bytes: inout [UInt8]) {
        let n = f.count
        StateCodec.appendVarint(UInt64(n), to: &bytes)
        var i = 0
        while i < n {
            var byte: UInt8 = 0
            var k = 0
            while k < 4, i + k < n {
                byte |= UInt8(min(f[i + k], 3)) << UInt8(k * 2)
                k += 1
            }
            bytes.append(byte)
            i += 4
        }
        for v in f where v >= 3 { StateCodec.appendVarint(UInt64(v), to: &bytes) }
    }
}
