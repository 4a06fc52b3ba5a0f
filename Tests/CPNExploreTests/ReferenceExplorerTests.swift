import CPNExplore
import Testing

/// Random small place/transition nets explored twice: by the explorer, and by
/// a naive breadth-first search over count vectors written here from the
/// textbook firing rule. The reachable sets must agree in size and deadlocks.
@Suite struct ReferenceExplorerTests {
    struct RandomNet {
        var places: Int
        var initial: [Int]
        var capacity: [Int?]
        var transitions: [(inputs: [Int: Int], outputs: [Int: Int])]

        var yaml: String {
            var s = "cpn: 1\nplaces:\n"
            for p in 0..<places {
                s += "  p\(p): { color: Unit, initial: \(initial[p])\(capacity[p].map { ", capacity: \($0)" } ?? "") }\n"
            }
            s += "transitions:\n"
            for (i, t) in transitions.enumerated() {
                func arcs(_ a: [Int: Int]) -> String {
                    a.keys.sorted().map { "p\($0): { token: \"()\", count: \(a[$0]!) }" }.joined(separator: ", ")
                }
                s += "  t\(i):\n"
                if !t.inputs.isEmpty { s += "    in: { \(arcs(t.inputs)) }\n" }
                if !t.outputs.isEmpty { s += "    out: { \(arcs(t.outputs)) }\n" }
            }
            return s
        }

        /// Textbook BFS over marking vectors.
        func reference(limit: Int) -> (states: Int, deadlocks: Int)? {
            var seen: Set<[Int]> = [initial]
            var queue = [initial]
            var head = 0, deadlocks = 0
            while head < queue.count {
                let m = queue[head]
                head += 1
                var any = false
                for t in transitions {
                    guard t.inputs.allSatisfy({ m[$0.key] >= $0.value }) else { continue }
                    var next = m
                    for (p, w) in t.inputs { next[p] -= w }
                    for (p, w) in t.outputs { next[p] += w }
                    guard t.outputs.keys.allSatisfy({ capacity[$0] == nil || next[$0] <= capacity[$0]! }) else { continue }
                    any = true
                    if seen.insert(next).inserted {
                        queue.append(next)
                        if seen.count > limit { return nil }
                    }
                }
                if !any { deadlocks += 1 }
            }
            return (seen.count, deadlocks)
        }
    }

    static func randomNet(_ random: inout SplitMix64) -> RandomNet {
        let places = 2 + random.below(4)
        var net = RandomNet(places: places, initial: [], capacity: [], transitions: [])
        for _ in 0..<places {
            net.initial.append(random.below(3))
            // Every place gets a capacity so the net stays finite.
            net.capacity.append(2 + random.below(3))
        }
        for p in 0..<places where net.initial[p] > net.capacity[p]! { net.initial[p] = net.capacity[p]! }
        for _ in 0..<(2 + random.below(4)) {
            var t = (inputs: [Int: Int](), outputs: [Int: Int]())
            for _ in 0..<(1 + random.below(2)) { t.inputs[random.below(places)] = 1 + random.below(2) }
            for _ in 0..<random.below(3) { t.outputs[random.below(places)] = 1 + random.below(2) }
            net.transitions.append(t)
        }
        return net
    }

    @Test func explorerAgreesWithNaiveReference() throws {
        var random = SplitMix64(seed: 20261125)
        var compared = 0
        for _ in 0..<150 {
            let net = Self.randomNet(&random)
            guard let expected = net.reference(limit: 50_000) else { continue }
            let r = try #require(explore(net.yaml))
            #expect(r.states == expected.states, "\(net.yaml)")
            #expect(r.deadlocks == expected.deadlocks, "\(net.yaml)")
            compared += 1
        }
        #expect(compared > 100)
    }
}
