@testable import CPNExplore
import Testing

@Suite struct StateStoreTests {
    @Test func codecRoundTripsRandomMarkings() {
        var random = SplitMix64(seed: 42)
        for timed in [false, true] {
            let layouts: [StateCodec.Layout] = [.counter, .multiset, .cells(7), .multiset, .counter, .cells(64)]
            let codec = StateCodec(layouts: timed ? layouts.map { _ in .multiset } : layouts, timed: timed)
            for _ in 0..<500 {
                var m = Marking(placeCount: layouts.count)
                for p in 0..<layouts.count {
                    if codec.layouts[p] == .counter {
                        let n = random.below(6)
                        if n > 0 { m.add(0, ready: 0, count: Int32(n), to: p) }
                    } else if case .cells(let values) = codec.layouts[p] {
                        for _ in 0..<random.below(5) {
                            m.add(Int32(random.below(values)), ready: 0, count: Int32(1 + random.below(4)), to: p)
                        }
                    } else {
                        for _ in 0..<random.below(4) {
                            m.add(Int32(random.below(300)), ready: timed ? Int32(random.below(200)) : 0,
                                  count: Int32(1 + random.below(1000)), to: p)
                        }
                    }
                }
                var bytes: [UInt8] = []
                codec.encode(m, into: &bytes)
                let decoded = bytes.withUnsafeBytes { codec.decode($0) }
                #expect(decoded == m)
            }
        }
    }

    @Test func storeFindsEveryStateAgainAcrossGrowth() {
        var store = StateStore()
        var random = SplitMix64(seed: 7)
        var inserted: [[UInt8]] = []
        for i in 0..<100_000 {
            let bytes = (0..<(1 + random.below(12))).map { _ in UInt8(random.below(256)) }
            let (index, isNew) = store.insert(bytes, parent: i == 0 ? StateStore.noParent : 0)
            if isNew { inserted.append(bytes); #expect(index == inserted.count - 1) }
        }
        #expect(store.count == inserted.count)
        #expect(store.checkInvariants())
        for (i, b) in inserted.enumerated().prefix(1000) {
            #expect(store.insert(b, parent: 0) == (i, false))
        }
    }

    /// A run inserted on several threads (`resolveRun`, then numbering in
    /// order, then `settleRun`) numbers states exactly as inserting them one
    /// at a time does, across table growth and duplicates between shares;
    /// candidates left unnumbered (a cut) are never found afterwards.
    @Test(arguments: [1, 2, 3])
    func parallelRunNumbersStatesAsSerialInsertion(workers: Int) throws {
        var random = SplitMix64(seed: UInt64(11 + workers))
        var serial = StateStore(), parallel = StateStore()
        _ = serial.insert([0], parent: StateStore.noParent)
        _ = parallel.insert([0], parent: StateStore.noParent)
        var cutOff: [[UInt8]] = []
        for round in 0..<30 {
            var shares: [ExpandedStates] = []
            var all: [[UInt8]] = []
            for _ in 0..<(1 + random.below(4)) {
                var share = ExpandedStates()
                for _ in 0..<random.below(3_000) {
                    // Few distinct values: duplicates within and across shares, and of stored states.
                    let bytes = (0..<(1 + random.below(3))).map { _ in UInt8(random.below(40)) }
                    share.batch.bytes.append(contentsOf: bytes)
                    share.batch.close(transition: 0)
                    let hash = bytes.withUnsafeBytes { StateTable.hash($0) }
                    share.hashes.append(hash)
                    all.append(bytes)
                }
                shares.append(share)
            }
            // The last round stops part-way, as a state limit would.
            let cut = round == 29 ? all.count / 2 : all.count
            let resolved = parallel.resolveRun(shares, workers: workers)
            let run = try #require(resolved)
            var indexOf = [Int32](repeating: -1, count: all.count)
            var flat = 0
            for share in shares {
                for k in 0..<share.batch.count {
                    defer { flat += 1 }
                    guard flat < cut else { continue }
                    let expected = serial.insert(all[flat], parent: 0).index
                    let got: Int
                    switch run.candidate(flat, hash: share.hashes[k]) {
                    case .stored(let index):
                        got = index
                        #expect(all[flat].withUnsafeBytes { parallel.find($0, hash: StateTable.hash($0)) } == got)
                    case .first:
                        got = all[flat].withUnsafeBytes { parallel.appendResolved($0, parent: 0) }
                        indexOf[flat] = Int32(got)
                    case .duplicate(let first):
                        #expect(first < flat)
                        got = Int(indexOf[first])
                    }
                    #expect(got == expected)
                }
            }
            parallel.settleRun(run, indexOf: indexOf, workers: workers)
            #expect(parallel.count == serial.count)
            cutOff = Array(all[cut...])
        }
        #expect(parallel.checkInvariants())
        for i in 0..<serial.count {
            let b = serial.bytes(of: i)
            #expect(b.withUnsafeBytes { parallel.find($0, hash: StateTable.hash($0)) } == i)
        }
        // A candidate cut off before numbering is not found: its entry died.
        #expect(!cutOff.isEmpty)
        for b in cutOff where b.withUnsafeBytes({ serial.find($0, hash: StateTable.hash($0)) }) == nil {
            #expect(b.withUnsafeBytes { parallel.find($0, hash: StateTable.hash($0)) } == nil)
            #expect(parallel.insert(b, parent: 0) == serial.insert(b, parent: 0))
        }
    }

    /// The store is a value: a copy that changes leaves the original as it was.
    @Test func copiesOfTheStoreAreIndependent() {
        var a = StateStore()
        for i in 0..<20_000 { _ = a.insert(withUnsafeBytes(of: UInt32(i)) { Array($0) }, parent: 0) }
        var b = a
        for i in 20_000..<60_000 { _ = b.insert(withUnsafeBytes(of: UInt32(i)) { Array($0) }, parent: 0) }
        #expect(a.count == 20_000 && b.count == 60_000)
        let late = withUnsafeBytes(of: UInt32(50_000)) { Array($0) }
        #expect(late.withUnsafeBytes { a.find($0, hash: StateTable.hash($0)) } == nil)
        #expect(late.withUnsafeBytes { b.find($0, hash: StateTable.hash($0)) } == 50_000)
        #expect(a.checkInvariants() && b.checkInvariants())
    }
}
