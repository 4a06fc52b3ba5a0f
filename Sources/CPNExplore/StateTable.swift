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
/// The only unsafe code of the explorer lives here and in `StateStore`, over
/// raw bytes.
struct StateTable {
    private var slots: [UInt32] = Array(repeating: 0, count: 1 << 16)
    private var tags: [UInt8] = Array(repeating: 0, count: 1 << 16)
    private var used = 0

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
        var shift: UInt64 = 0
        while i < n {
            last |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
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
        return tags.withUnsafeBufferPointer { tags in
            slots.withUnsafeBufferPointer { slots in
                let mask = slots.count - 1
                var i = Int(truncatingIfNeeded: hash) & mask
                while true {
                    let t = tags[i]
                    if t == 0 { return nil }
                    if t == tag {
                        let index = Int(slots[i]) - 1
                        if matches(index) { return index }
                    }
                    i = (i + 1) & mask
                }
            }
        }
    }

    /// Asks for the cache lines that lookups of `hashes` read first (their
    /// tags and slots). One pass for a whole batch: the arrays are pinned once.
    func prefetch(_ hashes: [UInt64], from: Int = 0) {
        tags.withUnsafeBufferPointer { tags in
            slots.withUnsafeBufferPointer { slots in
                let mask = slots.count - 1
                for h in hashes[from...] {
                    let i = Int(truncatingIfNeeded: h) & mask
                    cpn_prefetch(tags.baseAddress! + i)
                    cpn_prefetch(slots.baseAddress! + i)
                }
            }
        }
    }

    /// Whether the next insertion must first `grow` the table (load 7/10).
    var isFull: Bool { (used + 1) * 10 > slots.count * 7 }

    /// Inserts a state known to be absent. The caller grows the table first when `isFull`.
    mutating func insert(index: Int, hash: UInt64) {
        place(index, hash)
        used += 1
    }

    private mutating func place(_ index: Int, _ hash: UInt64) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while tags[i] != 0 { i = (i + 1) & mask }
        slots[i] = UInt32(index + 1)
        tags[i] = Self.tag(hash)
    }

    /// Doubles the table; `rehash` gives the hash of a stored state.
    mutating func grow(_ rehash: (Int) -> UInt64) {
        let old = slots
        slots = Array(repeating: 0, count: old.count * 2)
        tags = Array(repeating: 0, count: old.count * 2)
        for s in old where s != 0 { place(Int(s) - 1, rehash(Int(s) - 1)) }
    }
}
