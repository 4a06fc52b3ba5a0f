import CPNExpressions
import CPNDiagnostics
import CPNLoad

/// Computes the successors of a stored state. The BFS loop in `Explorer` is
/// generic over it, so the place/transition fast path and the general
/// colored path share everything but this (and Swift specialises the loop).
/// Both encode with the explorer's `StateCodec`, which decodes any state
/// for property checks and traces.
protocol StateExpander {
    /// Appends the encoding of each successor of `state` to `batch`, with the
    /// transition fired (nil for a clock tick). Returns whether any binding was
    /// enabled or failed, and the first failure: a binding that fails to
    /// evaluate yields no successor and the others are still computed.
    /// Throws only when a bound stopped the work inside this state; the
    /// successors found before it stay in `batch`, and the state counts as not
    /// fully expanded.
    mutating func expand(_ state: UnsafeRawBufferPointer, into batch: inout SuccessorBatch) throws(Interruption) -> Expansion

    /// The most tokens seen in each place among the states expanded so far.
    var maxTokens: [Int] { get }
}

/// The successors of one state, encodings back to back: written by an
/// expander, then hashed, prefetched and inserted by the explorer. Reused
/// from state to state, so it allocates only while it grows.
struct SuccessorBatch {
    var bytes: [UInt8] = []
    /// End offset in `bytes` of each successor.
    var ends: [Int] = []
    /// Transition fired for each successor; -1 for a clock tick.
    var transitions: [Int32] = []

    var count: Int { ends.count }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        transitions.removeAll(keepingCapacity: true)
    }

    /// Drops every successor after the first `count`.
    mutating func truncate(toStates count: Int) {
        bytes.removeSubrange((count == 0 ? 0 : ends[count - 1])...)
        ends.removeSubrange(count...)
        transitions.removeSubrange(count...)
    }

    /// Closes the successor whose bytes were appended since the last one.
    @inline(__always)
    mutating func close(transition: Int?) {
        ends.append(bytes.count)
        transitions.append(Int32(transition ?? -1))
    }
}

/// The general expander: decode, enumerate bindings, encode.
struct ColoredExpander: StateExpander {
    let generator: SuccessorGenerator
    let codec: StateCodec
    /// Spent per binding tried, so a marking with astronomically many
    /// partial bindings cannot run past the time limit or Ctrl-C.
    let budget: WorkBudget?
    private var buffer: [UInt8] = []
    private(set) var maxTokens: [Int]

    init(generator: SuccessorGenerator, budget: WorkBudget? = nil) {
        self.generator = generator
        self.codec = generator.codec
        self.budget = budget
        self.maxTokens = Array(repeating: 0, count: generator.net.places.count)
    }

    mutating func expand(_ state: UnsafeRawBufferPointer, into batch: inout SuccessorBatch) throws(Interruption) -> Expansion {
        let m = codec.decode(state)
        for p in m.places.indices { maxTokens[p] = max(maxTokens[p], m.size(of: p)) }
        var buffer = self.buffer
        defer { self.buffer = buffer }
        return try generator.successors(of: m, budget: budget) { step, next in
            codec.encode(next, into: &buffer)
            batch.bytes.append(contentsOf: buffer)
            if case .fire(let t) = step.kind { batch.close(transition: t) } else { batch.close(transition: nil) }
        }
    }
}

/// The fast path for place/transition nets: every place holds plain tokens
/// (a color with one value), no time, no guards, no ordering. A state is then
/// a vector of counts and a transition a pair of weight vectors, so
/// successors are computed on integers without building any `Value`.
/// The encoding is `StateCodec`'s counter layout, byte for byte.
///
/// Arcs are flattened into contiguous arrays and every buffer is reused, so
/// computing a successor allocates nothing.
struct CounterExpander: ParallelStateExpander {
    /// Arcs of transition t: `arcPlace[arcStart[t] ..< inputEnd[t]]` are its
    /// inputs, `arcPlace[inputEnd[t] ..< arcStart[t + 1]]` its outputs.
    private var arcStart: [Int]
    private var inputEnd: [Int]
    private var arcPlace: [Int]
    private var arcWeight: [Int32]
    /// Where each arc is written, for the error when an output overflows a count.
    private let arcSpan: [SourceSpan]
    private let placeNames: [String]
    private var capacity: [Int32]  // Int32.max when unlimited
    private var counts: [Int32]
    private var scratch: [Int32]
    private var bytes: [UInt8] = []
    private(set) var maxTokens: [Int]

    /// Nil when the net needs the general path.
    init?(net: CheckedNet, generator: SuccessorGenerator) {
        guard !generator.timed, !net.hasPriorities, net.places.allSatisfy({ $0.color.cardinality == 1 && $0.order == nil }) else { return nil }
        var start: [Int] = [], inputEnd: [Int] = [], places: [Int] = [], weights: [Int32] = [], spans: [SourceSpan] = []
        for t in net.transitions {
            // `read:` and `unless:` arcs test without moving tokens: the general path.
            guard t.guardExpr == nil, !t.testsWithoutTaking,
                  t.inputs.allSatisfy({ $0.pattern.isIrrefutable || $0.pattern.constant != nil }) else { return nil }
            start.append(places.count)
            for (p, w, span) in Self.merge(t.inputs.map { ($0.place, $0.count, $0.span) }) {
                places.append(p); weights.append(w); spans.append(span)
            }
            inputEnd.append(places.count)
            for (p, w, span) in Self.merge(t.outputs.map { ($0.place, $0.count, $0.span) }) {
                places.append(p); weights.append(w); spans.append(span)
            }
        }
        start.append(places.count)
        arcStart = start
        self.inputEnd = inputEnd
        arcPlace = places
        arcWeight = weights
        arcSpan = spans
        placeNames = net.places.map(\.name)
        capacity = net.places.map { $0.capacity.map { Int32(clamping: $0) } ?? Int32.max }
        counts = Array(repeating: 0, count: net.places.count)
        scratch = counts
        maxTokens = Array(repeating: 0, count: net.places.count)
        bytes.reserveCapacity(16 + net.places.count)
    }

    /// Arcs to the same place add up; the first arc's span stands for them.
    /// The checker keeps every count within `Int32`, so only a sum can exceed
    /// it, and that saturates: no marking can hold more than `Int32.max`, so a
    /// saturated input weight is never enabled and a saturated output overflows.
    private static func merge(_ arcs: [(Int, Int, SourceSpan)]) -> [(Int, Int32, SourceSpan)] {
        var total: [Int: (weight: Int, span: SourceSpan)] = [:]
        for (p, w, span) in arcs {
            if let t = total[p] { total[p] = (t.weight.addingReportingOverflow(w).overflow ? .max : t.weight + w, t.span) }
            else { total[p] = (w, span) }
        }
        return total.keys.sorted().compactMap { p in total[p].map { (p, Int32(clamping: $0.weight), $0.span) } }
    }

    mutating func expand(_ state: UnsafeRawBufferPointer, into batch: inout SuccessorBatch) throws(Interruption) -> Expansion {
        Self.decodeCounts(state, into: &counts)
        for p in counts.indices where Int(counts[p]) > maxTokens[p] { maxTokens[p] = Int(counts[p]) }
        // Worked on as a local: a stored array re-checks its uniqueness on every write.
        var scratch: [Int32] = []
        swap(&scratch, &self.scratch)
        defer { swap(&scratch, &self.scratch) }
        let counts = self.counts
        // `scratch` equals `counts` between transitions: each transition
        // changes only its arc places and puts them back afterwards.
        for p in counts.indices { scratch[p] = counts[p] }
        var expansion = Expansion()
        let codeStart = state.count > 0 && state[0] < 0x80 ? 1 : Self.varintLength(counts.count)
        for t in 0..<inputEnd.count {
            let first = arcStart[t], split = inputEnd[t], end = arcStart[t + 1]
            var enabled = true
            for a in first..<split where counts[arcPlace[a]] < arcWeight[a] { enabled = false; break }
            if !enabled { continue }
            for a in first..<split { scratch[arcPlace[a]] -= arcWeight[a] }
            var fits = true
            for a in split..<end {
                let p = arcPlace[a]
                let (n, overflow) = scratch[p].addingReportingOverflow(arcWeight[a])
                if overflow {
                    // Not a disabled transition (that would be a false deadlock): an error with its trace.
                    if expansion.failure == nil {
                        expansion.failure = BindingFailure(error: Marking.tooManyTokens(in: placeNames[p], at: arcSpan[a]),
                                                           transition: t, slots: [])
                    }
                    expansion.enabled = true
                    fits = false
                    break
                }
                if n > capacity[p] { fits = false; break }
                scratch[p] = n
            }
            if fits {
                expansion.enabled = true
                // Counts below 3 live in the 2-bit codes alone: patch the
                // parent's encoding. Otherwise the varint tail moves: re-encode.
                var patchable = true
                for a in first..<end where counts[arcPlace[a]] >= 3 || scratch[arcPlace[a]] >= 3 { patchable = false; break }
                if patchable {
                    let base = batch.bytes.count
                    batch.bytes.append(contentsOf: state)
                    var patched = batch.bytes.mutableSpan  // one uniqueness check, not one per write
                    for a in first..<end {
                        let p = arcPlace[a]
                        let shift = UInt8((p & 3) * 2)
                        let i = base + codeStart + p >> 2
                        patched[i] = (patched[i] & ~(3 << shift)) | (UInt8(scratch[p]) << shift)
                    }
                } else {
                    Self.encodeCounts(scratch, into: &bytes)
                    batch.bytes.append(contentsOf: bytes)
                }
                batch.close(transition: t)
            }
            for a in first..<end { scratch[arcPlace[a]] = counts[arcPlace[a]] }
        }
        return expansion
    }

    /// A transition's inputs taken and outputs put, per place (a place is a
    /// counter: every color has one value here).
    var countChanges: CountChanges? {
        var changes = CountChanges()
        for t in 0..<inputEnd.count {
            let split = inputEnd[t]
            changes.append((arcStart[t]..<arcStart[t + 1]).lazy.map { a in
                (cell: Int32(self.arcPlace[a]), change: a < split ? -self.arcWeight[a] : self.arcWeight[a])
            })
        }
        return changes
    }

    /// A copy with tables of its own (see `Array.inStorageOfItsOwn`).
    func workerCopy() -> CounterExpander {
        var copy = self
        (copy.arcStart, copy.inputEnd, copy.arcPlace) = (arcStart.inStorageOfItsOwn(), inputEnd.inStorageOfItsOwn(), arcPlace.inStorageOfItsOwn())
        (copy.arcWeight, copy.capacity) = (arcWeight.inStorageOfItsOwn(), capacity.inStorageOfItsOwn())
        return copy
    }

    mutating func absorb(_ other: CounterExpander) {
        for p in maxTokens.indices where other.maxTokens[p] > maxTokens[p] { maxTokens[p] = other.maxTokens[p] }
    }

    private static func varintLength(_ n: Int) -> Int {
        var n = n, length = 1
        while n >= 0x80 { n >>= 7; length += 1 }
        return length
    }

    /// `StateCodec` for all-counter layouts: varint(n), 2-bit codes, varint tail.
    static func encodeCounts(_ counts: [Int32], into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        StateCodec.appendVarint(UInt64(counts.count), to: &out)
        let codeStart = out.count
        out.append(contentsOf: repeatElement(0, count: (counts.count + 3) / 4))
        for i in counts.indices {
            let c = counts[i]
            if c > 0 { out[codeStart + i >> 2] |= UInt8(min(c, 3)) << UInt8((i & 3) * 2) }
        }
        for c in counts where c >= 3 { StateCodec.appendVarint(UInt64(c), to: &out) }
    }

    static func decodeCounts(_ bytes: UnsafeRawBufferPointer, into counts: inout [Int32]) {
        var cursor = 0
        let n = Int(StateCodec.readVarint(bytes, &cursor))
        let codeStart = cursor
        var tail = codeStart + (n + 3) / 4
        for i in 0..<min(n, counts.count) {
            let code = (bytes[codeStart + i >> 2] >> UInt8((i & 3) * 2)) & 3
            counts[i] = code == 3 ? Int32(truncatingIfNeeded: StateCodec.readVarint(bytes, &tail)) : Int32(code)
        }
    }
}
