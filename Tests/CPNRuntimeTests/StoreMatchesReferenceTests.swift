import CPNExplore
import CPNRuntime
import CPNRuntimeSQLite
import Foundation
import Testing

/// The store against the explorer: random runs of the seeded simulator (the
/// explorer's own markings) are fired one by one through the engine on
/// SQLite; after every step the store holds exactly the simulator's marking,
/// and the event log folds to the store.
///
/// For a timed net the test sleeps through the simulator's clock ticks
/// (a time unit is 30 ms): time passes in the runtime only while nothing is
/// enabled, as in the model.
@Suite struct StoreMatchesReferenceTests {
    static let nets: [(file: String, seeds: UInt64, steps: Int)] = [
        ("Tests/Fixtures/runtime/priority-dispatch.yaml", 14, 80),
        ("Tests/Fixtures/runtime/bulk-pipeline.yaml", 4, 80),
        ("examples/job-pipeline/net.yaml", 3, 30),
    ]

    @Test(arguments: nets.map(\.file))
    func randomRunsKeepTheStoreEqualToTheSimulator(_ file: String) throws {
        let (_, seeds, length) = Self.nets.first { $0.file == file }!
        let net = try RuntimeTest.net(file)
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        var steps = 0
        let tick: Int64 = 30_000
        for seed in UInt64(1)...seeds {
            let trace = try #require(Simulator(net: net.checked).run(file: file, seed: seed, runs: 1, steps: length).trace)
            let store = try SQLiteStore(path: dir.appendingPathComponent("s\(seed).db").path)
            defer { store.close() }
            var options = EngineOptions()
            options.tickMicros = tick
            let engine = try Engine(net: net, store: store, worker: "reference", options: options)
            try engine.open()
            try expectSame(engine, trace.initial, "\(file) seed \(seed), initial marking")
            var clock = 0
            for step in trace.steps {
                if step.kind == .tick {
                    // Nothing is enabled: a worker's step finds the net idle and starts its clock.
                    guard case .waiting = try engine.step() else { Issue.record("\(file) seed \(seed): the runtime fired where the model ticks"); return }
                    RuntimeClock.sleep(micros: Int64(step.clock - clock) * tick + 3_000)
                    clock = step.clock
                    continue
                }
                let enabled = try engine.snapshot().enabled
                let binding = step.binding.map { BoundVariable(name: $0.variable, value: $0.value) }
                let taken = step.consumed.map { "\($0.place):\($0.token)×\($0.count)" }
                let match = enabled.first {
                    $0.transition == step.transition && $0.variables == binding
                        && $0.consumed.map { "\($0.place):\($0.token)×\($0.count)" } == taken
                }
                let chosen = try #require(match, "\(file) seed \(seed) step \(step.index): the simulator fired \(step.transition ?? "?") \(binding), which the runtime does not offer (it offers \(enabled.map(\.summary)))")
                let event = try #require(try engine.fire(chosen))
                #expect(event.transition == step.transition)
                try expectSame(engine, step.marking, "\(file) seed \(seed) after step \(step.index)")
                steps += 1
            }
            let events = try EventLog.all(store)
            let left = try RuntimeTest.fold(events)
            #expect(RuntimeTest.counts(left.values) == RuntimeTest.counts(try engine.snapshot().tokens), "the event log folds to the store")
        }
        #expect(steps >= 30, "the runs were long enough to say something (\(steps) steps)")
    }

    private func expectSame(_ engine: Engine, _ marking: [PlaceMarking], _ what: String) throws {
        var expected: [String: [String: Int]] = [:]
        for p in marking where !p.tokens.isEmpty {
            for t in p.tokens { expected[p.place, default: [:]][t.token, default: 0] += t.count }
        }
        #expect(RuntimeTest.counts(try engine.snapshot().tokens) == expected, "\(what)")
    }
}
