import CPNExplore
import CPNLoad
import Testing

/// `weight:` makes `simulate` pick a transition's bindings more or less often;
/// `verify` ignores it.
@Suite struct SimulationWeightTests {
    static func net(_ crashWeight: String) -> String {
        """
        cpn: 1
        constants:
          RARE: 1
        places:
          job:     { color: Unit, initial: 1 }
          done:    Unit
          crashed: Unit
        transitions:
          finish: { in: { job: 1 }, out: { done: 1 }, weight: 9 }
          crash:  { in: { job: 1 }, out: { crashed: 1 }\(crashWeight) }
        """
    }

    private func crashes(_ yaml: String) throws -> Int {
        let net = try #require(checked(yaml))
        let r = Simulator(net: net).run(file: "t.yaml", seed: 7, runs: 2_000, steps: 5)
        return r.firings.first { $0.transition == "crash" }?.count ?? 0
    }

    /// One step per run, finish against crash at 9 : 1: about 200 crashes in
    /// 2,000 runs (the bounds are many standard deviations wide, about 13).
    /// With equal weights, about 1,000.
    @Test func weightsSkewTheChoice() throws {
        let rare = try crashes(Self.net(", weight: RARE"))
        #expect(rare > 100 && rare < 320, "\(rare) crashes")
        let even = try crashes(Self.net(", weight: 9"))
        #expect(even > 850 && even < 1_150, "\(even) crashes")
    }

    @Test func verifyIgnoresWeights() throws {
        let weighted = try #require(explore(Self.net(", weight: RARE")))
        let plain = try #require(explore(Self.net("").replacingOccurrences(of: ", weight: 9", with: "")))
        #expect(weighted.states == plain.states && weighted.states == 3)
        #expect(weighted.edges == plain.edges)
    }
}
