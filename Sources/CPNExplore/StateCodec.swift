/// Encodes a marking as a short byte string, the form states are stored,
/// hashed and compared in.
///
/// A marking is first flattened to a sequence of non-negative integers
/// (per place: the count for a counter place; one count per value for a
/// place of `cells` layout; otherwise the number of entries, then token,
/// count and, in timed nets, ready offset of each).
/// The sequence is stored as its length (varint), then 2 bits per integer
/// (0, 1, 2, or 3 = "see the tail"), then the tail: a varint for each
/// integer of 3 or more. A 1-safe net thus costs a quarter byte per place.
struct StateCodec {
    /// `counter`: one count (a color with one value). `cells(n)`: one count
    /// per value of an untimed place whose `n` values are numbered up front
    /// (`SuccessorGenerator(numberTokensByColor:)`), so the state is a
    /// fixed-width vector of counters that the unfolded engine edits in place.
    /// `multiset`: the entries present.
    enum Layout: Equatable { case counter, multiset, cells(Int) }

    /// Largest color stored as `cells`: 16 bytes of 2-bit codes at most, while
    /// a multiset entry costs about 1.5 bytes (its value index is mostly ≥ 3,
    /// so it lands in the tail), so the counters are never much larger and are
    /// smaller as soon as a place holds a tenth of its values.
    static let maximumCells = 64
    let layouts: [Layout]
    let timed: Bool

    func encode(_ m: Marking, into out: inout [UInt8]) {
        var fields: [UInt64] = []
        fields.reserveCapacity(layouts.count * 2)
        for (p, layout) in layouts.enumerated() {
            let entries = m.places[p]
            switch layout {
            case .counter:
                fields.append(UInt64(entries.reduce(0) { $0 + Int($1.count) }))
            case .cells(let n):
                let first = fields.count
                fields.append(contentsOf: repeatElement(0, count: n))
                // Untimed, and every token number is a value index below `n`.
                for e in entries { fields[first + Int(e.token)] += UInt64(e.count) }
            case .multiset:
                fields.append(UInt64(entries.count))
                for e in entries {
                    fields.append(UInt64(e.token))
                    fields.append(UInt64(e.count))
                    if timed { fields.append(UInt64(e.ready)) }
                }
            }
        }
        out.removeAll(keepingCapacity: true)
        Self.appendVarint(UInt64(fields.count), to: &out)
        let codeStart = out.count
        out.append(contentsOf: repeatElement(0, count: (fields.count + 3) / 4))
        for (i, f) in fields.enumerated() {
            let code = UInt8(min(f, 3))
            out[codeStart + i / 4] |= code << UInt8((i % 4) * 2)
            if code == 3 { Self.appendVarint(f, to: &out) }
        }
    }

    func decode(_ bytes: UnsafeRawBufferPointer) -> Marking {
        var m = Marking(placeCount: layouts.count)
        var cursor = 0
        let count = Int(Self.readVarint(bytes, &cursor))
        let codeStart = cursor
        var tail = codeStart + (count + 3) / 4
        var index = 0
        func next() -> Int {
            let code = (bytes[codeStart + index / 4] >> UInt8((index % 4) * 2)) & 3
            index += 1
            return code == 3 ? Int(Self.readVarint(bytes, &tail)) : Int(code)
        }
        for (p, layout) in layouts.enumerated() {
            switch layout {
            case .counter:
                let n = next()
                if n > 0 { m.places[p] = [Marking.Entry(token: 0, ready: 0, count: Int32(n))] }
            case .cells(let n):
                var list: [Marking.Entry] = []
                for v in 0..<n {
                    let c = next()
                    if c > 0 { list.append(Marking.Entry(token: Int32(v), ready: 0, count: Int32(c))) }
                }
                m.places[p] = list
            case .multiset:
                let entries = next()
                var list: [Marking.Entry] = []
                list.reserveCapacity(entries)
                for _ in 0..<entries {
                    let token = next(), count = next()
                    let ready = timed ? next() : 0
                    list.append(Marking.Entry(token: Int32(token), ready: Int32(ready), count: Int32(count)))
                }
                m.places[p] = list
            }
        }
        return m
    }

    static func appendVarint(_ v: UInt64, to out: inout [UInt8]) {
        var v = v
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    static func readVarint(_ bytes: UnsafeRawBufferPointer, _ cursor: inout Int) -> UInt64 {
        var result: UInt64 = 0, shift: UInt64 = 0
        while cursor < bytes.count {
            let b = bytes[cursor]
            cursor += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { break }
            shift += 7
        }
        return result
    }
}

/// The nonzero counters of a state whose integers are all counters
/// (`StateCodec`'s counter layout for every place), in order: the 2-bit
/// codes four a byte, empty bytes skipped, a code 3 read from the varint tail.
struct NonzeroCounters: IteratorProtocol {
    private let state: UnsafeRawBufferPointer
    private let codeStart: Int, codeBytes: Int
    private var byte = -1, codes: UInt8 = 0
    private var tail: Int

    /// `codeStart`: where the codes of the `count` integers begin (after the length varint).
    init(_ state: UnsafeRawBufferPointer, codeStart: Int, count: Int) {
        self.state = state
        self.codeStart = codeStart
        codeBytes = (count + 3) / 4
        tail = codeStart + codeBytes
    }

    @inline(__always)
    mutating func next() -> (cell: Int, count: Int)? {
        while codes == 0 {
            byte += 1
            guard byte < codeBytes else { return nil }
            codes = state[codeStart + byte]
        }
        // The lowest code left in the byte.
        let slot = codes.trailingZeroBitCount >> 1, shift = UInt8(slot << 1)
        let code = (codes >> shift) & 3
        codes &= ~(3 << shift)
        return (byte << 2 | slot, code == 3 ? Int(StateCodec.readVarint(state, &tail)) : Int(code))
    }
}
