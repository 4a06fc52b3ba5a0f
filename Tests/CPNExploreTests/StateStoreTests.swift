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
}
