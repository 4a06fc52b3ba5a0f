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
/// place past `Marking.maximumTokensPerPlace`, is expanded in that marking by
/// the dynamic engine, which reports the failure as it always does.
///
/// Copies share only immutable tables (and a generator whose token numbers
/// were all assigned before exploring), so they may expand states on
/// different threads; each copy gets its own budget.
struct UnfoldedExpander: ParallelStateExpander {
    private let unfolded: UnfoldedNet
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
    private var present: [Int32] = []
    /// The smallest positive ready offset, `UInt32.max` when no token waits.
    private var nextReady: UInt32 = .max

    private var candidates: [Int32] = []
    private var passing: [Int32] = []
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
        maxTokens = Array(repeating: 0, count: unfolded.placeCount)
    }

    func workerCopy() -> UnfoldedExpander {
        var copy = self
        copy.budget = budget?.copy()
        return copy
    }

    mutating func absorb(_ other: UnfoldedExpander) {
        for p in maxTokens.indices where other.maxTokens[p] > maxTokens[p] { maxTokens[p] = other.maxTokens[p] }
    }

    mutating func expand(_ state: UnsafeRawBufferPointer, into batch: inout SuccessorBatch) throws(Interruption) -> Expansion {
        load(state)
        for p in size.indices where size[p] > maxTokens[p] { maxTokens[p] = size[p] }
        try collectCandidates()
        var expansion = Expansion()
        var decoded: Marking? = nil
        var i = 0
        while i < candidates.count {
            let t = unfolded.transitionOf[Int(candidates[i])]
            var j = i + 1
            while j < candidates.count, unfolded.transitionOf[Int(candidates[j])] == t { j += 1 }
            if selectFiring(i..<j) {
                if !passing.isEmpty { expansion.enabled = true }
                for b in passing {
                    writeSuccessor(Int(b), into: &batch.bytes)
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

    /// Flattens `state` into `fields` and fills the ready counters, sizes and next offset.
    private mutating func load(_ state: UnsafeRawBufferPointer) {
        for c in present { ready[Int(c)] = 0 }
        present.removeAll(keepingCapacity: true)
        fields.removeAll(keepingCapacity: true)
        var cursor = 0
        let n = Int(StateCodec.readVarint(state, &cursor))
        let codeStart = cursor
        var tail = codeStart + (n + 3) / 4
        for i in 0..<n {
            let code = (state[codeStart + i >> 2] >> UInt8((i & 3) * 2)) & 3
            fields.append(code == 3 ? UInt32(truncatingIfNeeded: StateCodec.readVarint(state, &tail)) : UInt32(code))
        }
        nextReady = .max
        var i = 0
        let timed = unfolded.timed
        for p in 0..<unfolded.placeCount {
            fieldStart[p] = i
            let base = Int(unfolded.cellStart[p])
            if unfolded.counterLayout[p] {
                let c = fields[i]
                i += 1
                size[p] = Int(c)
                if c > 0 {
                    ready[base] = Int32(truncatingIfNeeded: c)
                    present.append(Int32(base))
                }
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
                    present.append(Int32(cell))
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
        candidates.removeAll(keepingCapacity: true)
        for c in present {
            for k in Int(unfolded.bucketStart[Int(c)])..<Int(unfolded.bucketStart[Int(c) + 1]) {
                let b = Int(unfolded.bucketBinding[k])
                try spend()
                if isEnabled(b) { candidates.append(Int32(b)) }
            }
        }
        for b in unfolded.unconditional {
            try spend()
            candidates.append(b)
        }
        if candidates.count > 1 { candidates.sort() }
    }

    @inline(__always)
    private func spend() throws(Interruption) {
        do { try budget?.spend() } catch { throw Interruption(reason: error.message) }
    }

    @inline(__always)
    private func isEnabled(_ b: Int) -> Bool {
        for k in Int(unfolded.preStart[b])..<Int(unfolded.preStart[b + 1])
        where ready[Int(unfolded.preCell[k])] < unfolded.preCount[k] {
            return false
        }
        return true
    }

    /// Fills `passing` with the bindings of one transition that fire: within
    /// capacity, and the best-keyed on ordered places. False when the
    /// transition needs the dynamic engine here (an error binding is enabled,
    /// or a place would hold more tokens than it can count).
    private mutating func selectFiring(_ range: Range<Int>) -> Bool {
        passing.removeAll(keepingCapacity: true)
        var best: Int32 = -1
        for k in range {
            let b = Int(candidates[k])
            if unfolded.isError[b] { return false }
            var fits = true
            for c in Int(unfolded.checkStart[b])..<Int(unfolded.checkStart[b + 1]) {
                let p = Int(unfolded.checkPlace[c])
                let after = size[p] + unfolded.checkNet[c]
                if after > Marking.maximumTokensPerPlace { return false }
                if after > unfolded.capacity[p] { fits = false }
            }
            if fits {
                passing.append(Int32(b))
                if unfolded.rank[b] > best { best = unfolded.rank[b] }
            }
        }
        if passing.count > 1, unfolded.transitionOrdered[Int(unfolded.transitionOf[Int(passing[0])])] {
            passing.removeAll { unfolded.rank[Int($0)] != best }
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

    /// The parent's integers with binding `b`'s changes merged in, encoded.
    private mutating func writeSuccessor(_ b: Int, into bytes: inout [UInt8]) {
        // Worked on as locals: appending to a stored array re-checks its
        // uniqueness on every call.
        var out: [UInt32] = []
        swap(&out, &self.out)
        defer { swap(&out, &self.out) }
        out.removeAll(keepingCapacity: true)
        let u = unfolded, fields = self.fields, fieldStart = self.fieldStart, width = entryWidth
        var k = Int(u.deltaStart[b])
        let end = Int(u.deltaStart[b + 1])
        var copied = 0  // places before this one are written
        while k < end {
            let p = Int(u.deltaPlace[k])
            var g = k + 1
            while g < end, Int(u.deltaPlace[g]) == p { g += 1 }
            out.append(contentsOf: fields[fieldStart[copied]..<fieldStart[p]])
            if u.counterLayout[p] {
                var c = Int(fields[fieldStart[p]])
                for d in k..<g { c += Int(u.deltaCount[d]) }
                out.append(UInt32(c))
            } else {
                Self.merge(fields, from: fieldStart[p] + 1, to: fieldStart[p + 1], width: width, u, deltas: k..<g, into: &out)
            }
            copied = p + 1
            k = g
        }
        out.append(contentsOf: fields[fieldStart[copied]..<fieldStart[u.placeCount]])
        Self.pack(out, into: &bytes)
    }

    /// Writes one place's entries `fields[from ..< to]` with `deltas` applied;
    /// both are sorted by (token, ready offset).
    private static func merge(_ fields: [UInt32], from: Int, to eEnd: Int, width: Int, _ u: UnfoldedNet,
                              deltas: Range<Int>, into out: inout [UInt32]) {
        let timed = width == 3
        let countSlot = out.count
        out.append(0)
        var e = from
        var d = deltas.lowerBound
        var entries: UInt32 = 0
        while e < eEnd || d < deltas.upperBound {
            var order = 0  // <0: parent entry first, >0: delta first, 0: same key
            if e >= eEnd { order = 1 } else if d >= deltas.upperBound { order = -1 } else {
                let pt = fields[e], dt = UInt32(u.deltaToken[d])
                let pr = timed ? fields[e + 2] : 0, dr = UInt32(u.deltaReady[d])
                order = pt < dt || (pt == dt && pr < dr) ? -1 : (pt == dt && pr == dr ? 0 : 1)
            }
            if order < 0 {
                out.append(fields[e])
                out.append(fields[e + 1])
                if timed { out.append(fields[e + 2]) }
                e += width
                entries += 1
            } else if order > 0 {
                out.append(UInt32(u.deltaToken[d]))
                out.append(UInt32(u.deltaCount[d]))
                if timed { out.append(UInt32(u.deltaReady[d])) }
                d += 1
                entries += 1
            } else {
                let c = Int(fields[e + 1]) + Int(u.deltaCount[d])
                if c > 0 {
                    out.append(fields[e])
                    out.append(UInt32(c))
                    if timed { out.append(fields[e + 2]) }
                    entries += 1
                }
                e += width
                d += 1
            }
        }
        out[countSlot] = entries
    }

    /// The marking after the clock advances by `delta` (`Marking.advanced`).
    private mutating func writeTick(by delta: UInt32, into bytes: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        for p in 0..<unfolded.placeCount {
            var e = fieldStart[p]
            if unfolded.counterLayout[p] {
                out.append(fields[e])
                continue
            }
            let end = fieldStart[p + 1]
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
