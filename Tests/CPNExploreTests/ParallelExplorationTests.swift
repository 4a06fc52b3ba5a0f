@testable import CPNExplore
import CPNLoad
import Foundation
import Testing

/// The place/transition fast path may expand a level's states on several
/// threads; the result must not depend on it in any way: same states in the
/// same order, same edges, depth, deadlocks, traces, bounds.
@Suite struct ParallelExplorationTests {
    private func run(_ yaml: String, workers: Int, maxStates: Int = 1_000_000,
                     maximumProvisionalRun: Int? = nil, parallelRun: Int = 7, failFast: Bool = false) throws -> Data {
        let net = try #require(checked(yaml))
        var options = ExplorationOptions()
        options.workers = workers
        options.maxStates = maxStates
        // Tiny thresholds so even small levels go through the parallel path.
        options.parallelThreshold = 1
        options.parallelRun = parallelRun
        options.failFast = failFast
        if let maximumProvisionalRun { options.maximumProvisionalRun = maximumProvisionalRun }
        var result = Explorer(net: net, options: options).run(file: "test.yaml")
        // Time, and allocated capacity (which malloc rounds differently run to run), vary anyway.
        result.elapsedMs = 0
        result.memoryBytes = 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(result)
    }

    @Test(arguments: [2, 3, 5])
    func sameResultAsOneWorker(workers: Int) throws {
        let nets = [philosophers(8), philosophers(6, eitherFirst: true)]
        for yaml in nets {
            #expect(try run(yaml, workers: workers) == run(yaml, workers: 1))
        }
    }

    /// Runs long enough to be cut into several shares per worker
    /// (`ExpandedStates.sharesPerWorker`), which threads take as they come
    /// free: the result still does not depend on which thread took which.
    @Test(arguments: [2, 3])
    func sameResultWithManySharesPerWorker(workers: Int) throws {
        let nets = [philosophers(9), RandomColoredNet.philosophers(7)]
        for yaml in nets {
            let one = try run(yaml, workers: 1)
            #expect(try run(yaml, workers: workers, parallelRun: 4_000) == one)
            #expect(try run(yaml, workers: workers, maxStates: 3_000, parallelRun: 4_000)
                == run(yaml, workers: 1, maxStates: 3_000))
        }
        // Stopping at the first violation in the middle of a run: the states
        // expanded and numbered after it are dropped, on every thread.
        let violated = RandomColoredNet.philosophers(7) + "\n  at_most_two_eat: { expr: \"size(eating) <= 2\" }\n"
        let serial = try run(violated, workers: 1, failFast: true)
        #expect(String(decoding: serial, as: UTF8.self).contains("stopped at the first violation"))
        #expect(try run(violated, workers: workers, parallelRun: 4_000, failFast: true) == serial)
    }

    @Test func sameResultOnRandomNetsAndAtTheStateLimit() throws {
        var random = SplitMix64(seed: 7)
        for _ in 0..<40 {
            let yaml = ReferenceExplorerTests.randomNet(&random).yaml
            #expect(try run(yaml, workers: 2) == run(yaml, workers: 1), "\(yaml)")
            #expect(try run(yaml, workers: 2, maxStates: 50) == run(yaml, workers: 1, maxStates: 50), "\(yaml)")
            // Runs too long for provisional numbering are inserted one state at a time.
            #expect(try run(yaml, workers: 2, maximumProvisionalRun: 10) == run(yaml, workers: 1), "\(yaml)")
        }
    }
}
