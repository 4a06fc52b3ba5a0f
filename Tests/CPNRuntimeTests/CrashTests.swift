import CPNRuntime
import CPNRuntimeSQLite
import Foundation
import Testing

/// `kill -9` of a worker process: in the middle of a firing (its inputs
/// deleted, its outputs not yet written) and in the middle of a handler's
/// work. The store must come back with nothing lost and nothing doubled, and
/// another worker must finish the run.
@Suite(.serialized) struct CrashTests {
    @Test func killingAWorkerInTheMiddleOfAFiringLosesAndDuplicatesNothing() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let net = RuntimeTest.path("Tests/Fixtures/runtime/bulk-pipeline.yaml")
        let runtimeNet = try RuntimeTest.net("Tests/Fixtures/runtime/bulk-pipeline.yaml")
        let storePath = dir.appendingPathComponent("state.db").path
        var firedBeforeKills: [Int] = []
        for round in 1...4 {
            // Rounds 1 and 2 commit each firing alone; rounds 3 and 4 are killed inside a batch,
            // which must vanish whole.
            let batch = round <= 2 ? "1" : "16"
            let child = try RuntimeTest.Child(["run", net, "--store", "sqlite:state.db", "--no-verify", "--seed", "\(round)", "--batch", batch], in: dir,
                                              environment: ["CPN_RUNTIME_PAUSE_MID_FIRING_MS": "150"], name: "worker\(round)")
            // Let it commit a few firings, then kill it while it says it is inside one.
            let pausesBefore = 2 + round
            let deadline = RuntimeClock.monotonic() + 20_000_000
            while RuntimeClock.monotonic() < deadline, child.output.components(separatedBy: "pausing").count - 1 < pausesBefore {
                RuntimeClock.sleep(micros: 5_000)
            }
            #expect(child.output.components(separatedBy: "pausing").count - 1 >= pausesBefore, "the worker reached a firing: \(child.output)")
            RuntimeClock.sleep(micros: 30_000)
            child.kill9()
            #expect(child.process.terminationReason == .uncaughtSignal)

            let store = try SQLiteStore(path: storePath)
            defer { store.close() }
            let events = try EventLog.all(store)
            let left = try RuntimeTest.fold(events)
            let rows = try Engine.attach(store: store, worker: "check").snapshot().tokens
            #expect(RuntimeTest.counts(left.values) == RuntimeTest.counts(rows), "round \(round): the store is exactly what its log says")
            #expect(rows.count == 60 + 4 - (rows.filter { $0.place == "running" }.count), "round \(round): 60 jobs and 4 slots, none lost or doubled")
            #expect(try RuntimeTest.invariantsAlongLog(events, net: runtimeNet).isEmpty)
            firedBeforeKills.append(events.count { $0.kind == .fire })
        }
        #expect(firedBeforeKills == firedBeforeKills.sorted() && firedBeforeKills.last! > firedBeforeKills.first!, "each round got further: \(firedBeforeKills)")

        let finish = try RuntimeTest.run(["run", net, "--store", "sqlite:state.db", "--no-verify"], in: dir)
        #expect(finish.status == 0, "\(finish.output)")
        let store = try SQLiteStore(path: storePath)
        defer { store.close() }
        let events = try EventLog.all(store)
        let left = try RuntimeTest.fold(events)
        #expect(RuntimeTest.counts(left.values) == ["done": ["()": 60], "slots": ["s1": 1, "s2": 1, "s3": 1, "s4": 1]])
        #expect(events.count { $0.kind == .fire } == 180, "each of the 60 jobs staged, started and finished exactly once")
    }

    @Test func aWorkerKilledWhileItsHandlerWorksLeavesTheTokensHeldUntilTheLeaseEnds() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let net = RuntimeTest.path("Tests/Fixtures/runtime/priority-dispatch.yaml")
        try """
            handlers:
              finish:
                transitions: [finish_cpu, finish_io, bounce]
                command: sleep 0.4; echo finish_cpu finish_io
                timeout: 1s
                lease: 1.5s
            automatic: [take_cpu, take_io, requeue]
            """.write(to: dir.appendingPathComponent("handlers.yaml"), atomically: true, encoding: .utf8)
        let args = ["run", net, "--store", "sqlite:state.db", "--no-verify", "--handlers", "handlers.yaml"]
        let child = try RuntimeTest.Child(args, in: dir, name: "doomed")
        let storePath = dir.appendingPathComponent("state.db").path
        var held: [StoredToken] = []
        let deadline = RuntimeClock.monotonic() + 20_000_000
        while held.isEmpty && RuntimeClock.monotonic() < deadline {
            RuntimeClock.sleep(micros: 20_000)
            guard FileManager.default.fileExists(atPath: storePath), let store = try? SQLiteStore(path: storePath) else { continue }
            held = (try? Engine.attach(store: store, worker: "check").snapshot().tokens.filter { $0.claimedBy != nil }) ?? []
            store.close()
        }
        child.kill9()
        #expect(!held.isEmpty, "a handler was working when the worker died: \(child.output)")

        let killedAt = RuntimeClock.now()
        let finish = try RuntimeTest.run(args, in: dir)
        #expect(finish.status == 0, "\(finish.output)")
        let store = try SQLiteStore(path: storePath)
        defer { store.close() }
        let events = try EventLog.all(store)
        let left = try RuntimeTest.fold(events)
        #expect(RuntimeTest.counts(left.values)["done"]?.values.reduce(0, +) == 5)
        // The held tokens were taken exactly once, by a firing after their lease ran out.
        for token in held {
            let takers = events.filter { $0.consumed.contains { $0.id == token.id } }
            #expect(takers.count == 1)
            if let t = takers.first, let until = token.claimUntil { #expect(t.at >= until && t.at > killedAt, "taken only after the lease") }
        }
        #expect(try RuntimeTest.invariantsAlongLog(events, net: RuntimeTest.net("Tests/Fixtures/runtime/priority-dispatch.yaml")).isEmpty)
    }
}
