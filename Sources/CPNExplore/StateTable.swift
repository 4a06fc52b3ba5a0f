#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The open-addressing hash table behind `StateStore`: slots hold state
/// index + 1 (0 = empty), linear probing, grown at 1/2 load. The only
/// unsafe code of the explorer lives here, in the hash over raw bytes.
struct StateTable {
    private var slots: [UInt32] = Array(repeating: 0, count: 1 << 16)
    private var used = 0

    var byteCount: Int { slots.count * 4 }

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

    static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard let x = a.baseAddress, let y = b.baseAddress else { return a.count == 0 }
        return memcmp(x, y, a.count) == 0
    }

    func find(hash: UInt64, _ matches: (Int) -> Bool) -> Int? {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let s = slots[i]
            if s == 0 { return nil }
            if matches(Int(s) - 1) { return Int(s) - 1 }
            i = (i + 1) & mask
        }
    }

    /// Whether the next insertion must first `grow` the table (load 1/2).
    var isFull: Bool { (used + 1) * 2 > slots.count }

    /// Inserts a state known to be absent. The caller grows the table first when `isFull`.
    mutating func insert(index: Int, hash: UInt64) {
        place(index, hash)
        used += 1
    }

    private mutating func place(_ index: Int, _ hash: UInt64) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = UInt32(index + 1)
    }

    /// Doubles the table; `rehash` gives the hash of a stored state.
    mutating func grow(_ rehash: (Int) -> UInt64) {
        let old = slots
        slots = Array(repeating: 0, count: old.count * 2)
        for s in old where s != 0 { place(Int(s) - 1, rehash(Int(s) - 1)) }
    }
}
