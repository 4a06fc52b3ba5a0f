import CPNPrefetch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The open-addressing hash table behind `StateStore`: slots hold state
/// index + 1 (0 = empty), linear probing, grown at 7/10 load.
///
/// Beside each slot a one-byte tag holds 7 bits of the state's hash (high bit
/// set = occupied), as Swiss tables do: a probe compares tags, which sit 64 to
/// a cache line, and reads a slot and the stored state only when the tag
/// matches (1 time in 128 for a different state). That keeps probing cheap at
/// a load high enough for memory: 5 bytes per slot, 7–14 bytes per state.
/// A slot may also hold, while a run of states is inserted in parallel (see
/// `StateStore.resolveRun` and `settleRun`), a *provisional* entry (high bit set: a candidate
/// not yet numbered), or a *dead* one (a candidate the search stopped before
/// numbering): lookups skip both.
///
/// The table is a plain value over memory it does not own (no reference
/// counting on the hot path, where a store reads one of several shards):
/// `StateStore` allocates, copies and frees it (`allocate`, `copy`,
/// `deallocate`), and growing frees the old memory.
///
/// The explorer's unsafe code lives here, in `StateStore` (raw bytes) and in
/// `ParallelExpansion` (per-thread shares).
struct StateTable {
    private var slots: UnsafeMutableBufferPointer<UInt32>
    private var tags: UnsafeMutableBufferPointer<UInt8>
    private var used = 0

    /// Slot values at or above this are not stored states.
    static let provisionalBit: UInt32 = 0x8000_0000
    static let dead: UInt32 = .max

    /// A table of `capacity` empty slots (a power of two).
    static func allocate(capacity: Int) -> StateTable {
        let slots = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: capacity)
        let tags = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: capacity)
        slots.initialize(repeating: 0)
        tags.initialize(repeating: 0)
        return StateTable(slots: slots, tags: tags)
    }

    /// A copy in memory of its own.
    func copy() -> StateTable {
        var c = Self.allocate(capacity: slots.count)
        _ = c.slots.update(fromContentsOf: slots)
        _ = c.tags.update(fromContentsOf: tags)
        c.used = used
        return c
    }

    func deallocate() {
        slots.deallocate()
        tags.deallocate()
    }

    var byteCount: Int { slots.count * 5 }

    /// 64-bit hash of a byte string: 8 bytes at a time, multiply-xorshift mixing.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        var last: UInt64 = 0
        if i < n, n >= 8 {
            // The last 1–7 bytes as the top of the word that ends the state
            // (the same value as byte by byte, without a loop).
            last = bytes.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self).littleEndian >> UInt64((8 - (n - i)) * 8)
        } else {
            var shift: UInt64 = 0
            while i < n {
                last |= UInt64(bytes[i]) << shift
                shift += 8
                i += 1
            }
        }
        h = (h ^ last) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 29
        return h
    }

    /// Byte equality, 8 bytes at a time: states are short (tens of bytes), so
    /// an inline loop beats a call to `memcmp`.
    @inline(__always)
    static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let n = a.count
        guard n == b.count else { return false }
        var i = 0
        while i + 8 <= n {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        while i < n {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    @inline(__always)
    private static func tag(_ hash: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: hash >> 57) | 0x80 }

    /// The index whose stored state `matches`, among those with this hash's tag.
    @inline(__always)
    func find(hash: UInt64, _ matches: (Int) -> Bool) -> Int? {
        let tag = Self.tag(hash)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let t = tags[i]
            if t == 0 { return nil }
            if t == tag, slots[i] < Self.provisionalBit {
                let index = Int(slots[i]) - 1
                if matches(index) { return index }
            }
            i = (i + 1) & mask
        }
    }

    /// Asks for the cache lines a lookup of `hash` reads first.
    @inline(__always)
    func prefetch(hash: UInt64) {
        let i = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        cpn_prefetch(tags.baseAddress! + i)
        cpn_prefetch(slots.baseAddress! + i)
    }

    /// Whether the next insertion must first `grow` the table (load 7/10).
    var isFull: Bool { (used + 1) * 10 > slots.count * 7 }

    /// Inserts a state known to be absent. The caller grows the table first when `isFull`.
    mutating func insert(index: Int, hash: UInt64) {
        place(index, hash)
        used += 1
    }

    private mutating func place(_ index: Int, _ hash: UInt64) {
        _ = placeValue(UInt32(index + 1), hash)
    }

    /// Puts a slot value at the end of its probe; returns the slot.
    private mutating func placeValue(_ value: UInt32, _ hash: UInt64) -> Int {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while tags[i] != 0 { i = (i + 1) & mask }
        slots[i] = value
        tags[i] = Self.tag(hash)
        return i
    }

    /// Doubles the table; `rehash` gives the hash of a stored state.
    mutating func grow(_ rehash: (Int) -> UInt64) {
        grow(rehash, provisional: { _ in preconditionFailure("no provisional entry outside a run") }, moved: { _, _ in })
    }

    /// Doubles the table, dropping dead entries. `rehash` gives the hash of a
    /// stored state, `provisional` that of provisional entry `l`, and `moved`
    /// learns where provisional entry `l` now sits.
    mutating func grow(_ rehash: (Int) -> UInt64, provisional: (Int) -> UInt64, moved: (Int, Int) -> Void) {
        let old = slots, oldTags = tags
        let bigger = Self.allocate(capacity: old.count * 2)
        slots = bigger.slots
        tags = bigger.tags
        used = 0
        defer {
            old.deallocate()
            oldTags.deallocate()
        }
        for s in old where s != 0 && s != Self.dead {
            if s < Self.provisionalBit {
                place(Int(s) - 1, rehash(Int(s) - 1))
            } else {
                let l = Int(s & ~Self.provisionalBit), h = provisional(l)
                moved(l, placeValue(s, h))
            }
            used += 1
        }
    }

    // MARK: Provisional entries (parallel insertion)

    /// What `lookUpOrAddProvisional` found for a candidate of a run.
    enum RunLookup {
        /// A state stored before the run: its index.
        case stored(Int)
        /// An earlier candidate of the run: its provisional entry.
        case provisional(Int)
        /// Neither: provisional entry `l` now sits in this slot.
        case added(slot: Int)
    }

    /// Finds, among the entries with this hash's tag, the stored state that
    /// `stored` matches or the provisional entry that `provisional` matches,
    /// or else adds provisional entry `l` where the probe ended: one probe
    /// per candidate whether it is old or new. The caller grows the table
    /// first when `isFull`.
    @inline(__always)
    mutating func lookUpOrAddProvisional(hash: UInt64, entry l: Int, stored: (Int) -> Bool,
                                         provisional: (Int) -> Bool) -> RunLookup {
        let tag = Self.tag(hash)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let t = tags[i]
            if t == 0 { break }
            if t == tag {
                let v = slots[i]
                if v < Self.provisionalBit {
                    if stored(Int(v) - 1) { return .stored(Int(v) - 1) }
                } else if v != Self.dead {
                    let other = Int(v & ~Self.provisionalBit)
                    if provisional(other) { return .provisional(other) }
                }
            }
            i = (i + 1) & mask
        }
        slots[i] = Self.provisionalBit | UInt32(l)
        tags[i] = tag
        used += 1
        return .added(slot: i)
    }

    /// Turns the entry in `slot` into stored state `index`, or into a dead entry (nil).
    mutating func settle(slot: Int, index: Int?) {
        slots[slot] = index.map { UInt32($0 + 1) } ?? Self.dead
    }
}
