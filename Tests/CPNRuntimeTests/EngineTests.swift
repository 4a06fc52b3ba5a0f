import CPNRuntime
import CPNRuntimeSQLite
import Foundation
import Testing
import CPNJSON

/// The engine's promises on one store: atomic firings, refusals that change
/// nothing, external tokens, claims for handlers, timed tokens on the wall clock.
@Suite struct EngineTests {
    func withEngine(_ file: String, tick: Int64 = 1_000_000, handlers: [Handler] = [], _ body: (Engine, SQLiteStore) throws -> Void) throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStore(path: dir.appendingPathComponent("state.db").path)
        defer { store.close() }
        var options = EngineOptions()
        options.tickMicros = tick
        let engine = try Engine(net: try RuntimeTest.net(file), store: store, worker: "test", handlers: handlers, options: options)
        try engine.open()
        try body(engine, store)
    }

    @Test func aRefusedExternalChangeLeavesTheStoreAsItWas() throws {
        try withEngine("Tests/Fixtures/runtime/priority-dispatch.yaml") { engine, store in
            let before = try engine.snapshot().tokens
            let events = try EventLog.all(store).count
            // A sixth task breaks `tasks_conserved`.
            #expect(throws: RuntimeError.self) { try engine.addTokens(place: "inbox", values: ["{id: 1, kind: io, prio: 0}"]) }
            // Not a value of the color; not a place.
            #expect(throws: RuntimeError.self) { try engine.addTokens(place: "inbox", values: ["{id: 9, kind: io, prio: 0}"]) }
            #expect(throws: RuntimeError.self) { try engine.addTokens(place: "inbx", values: ["()"]) }
            #expect(try engine.snapshot().tokens == before)
            #expect(try EventLog.all(store).count == events)
        }
    }

    @Test func unknownPlacesAreNamedWithASuggestion() throws {
        try withEngine("Tests/Fixtures/runtime/priority-dispatch.yaml") { engine, _ in
            do {
                try engine.takeTokens(place: "don", count: 1)
                Issue.record("taking from a place that does not exist succeeded")
            } catch let e as RuntimeError {
                #expect(e.message.contains("no place `don`"))
                #expect(e.details.joined().contains("did you mean `done`?"))
            }
        }
    }

    @Test func orderedPlacesGiveTheBestTokenFirst() throws {
        try withEngine("Tests/Fixtures/runtime/priority-dispatch.yaml") { engine, _ in
            let takes = try engine.snapshot().enabled.filter { $0.transition.hasPrefix("take_") }
            // prio 3 tasks are {id: 2, io} and {id: 3, cpu}: only they may be taken first.
            #expect(!takes.isEmpty)
            for b in takes { #expect(b.variables.first { $0.name == "t" }?.value.contains("prio: 3") == true, "\(b.summary)") }
        }
    }

    @Test func timedTokensWaitForTheNetClockAndAtLeastAsLongOnTheWallClock() throws {
        // job-pipeline: a delivered job is `working` for WORK = 2 time units before `ack` can take it.
        try withEngine("examples/job-pipeline/net.yaml", tick: 50_000) { engine, store in
            var delivered: EventRecord? = nil
            var acked: EventRecord? = nil
            let deadline = RuntimeClock.monotonic() + 5_000_000
            while acked == nil && RuntimeClock.monotonic() < deadline {
                switch try engine.step() {
                case .fired(let fired, _):
                    for e in fired {
                        if e.transition == "deliver" && delivered == nil { delivered = e }
                        if e.transition == "ack", let d = delivered, e.consumed.contains(where: { c in d.produced.contains { $0.id == c.id } }) { acked = e }
                    }
                case .waiting(let facts):
                    RuntimeClock.sleep(micros: max(200, min(20_000, (facts.nextReadyAt ?? facts.now) - facts.now)))
                case .claimed: Issue.record("no handlers here")
                }
            }
            let d = try #require(delivered), a = try #require(acked)
            let working = try #require(d.produced.first { $0.place == "working" })
            #expect(working.readyAt == d.netAt + 100_000, "ready WORK = 2 units after the delivery, on the net's clock")
            #expect(a.netAt >= working.readyAt ?? .max)
            #expect(a.at - d.at >= 100_000, "at least as long on the wall clock")
            #expect(try RuntimeTest.invariantsAlongLog(EventLog.all(store), net: engine.net).isEmpty)
        }
    }

    @Test func aHandlerChoosesTheOutcomeAndItsTokensAreHeldMeanwhile() throws {
        let seen = Box()
        let fetch = Handler(name: "finish", transitions: ["finish_cpu", "finish_io", "bounce"], timeout: 5) { request in
            seen.add(request.offered.joined(separator: " "))
            return ["bounce", "finish_cpu", "finish_io"]
        }
        try withEngine("Tests/Fixtures/runtime/priority-dispatch.yaml", handlers: [fetch]) { engine, store in
            var claims = 0
            var finals = 0
            for _ in 0..<200 {
                switch try engine.step() {
                case .fired: continue
                case .waiting(let facts):
                    if facts.isFinal == true { finals += 1 }
                case .claimed(let claim):
                    claims += 1
                    // While held, nothing else may take these tokens.
                    let held = try engine.snapshot().tokens.filter { claim.tokenIDs.contains($0.id) }
                    #expect(held.allSatisfy { $0.claimedBy == "test" })
                    #expect(try engine.snapshot().enabled.allSatisfy { b in !b.consumed.contains { $0.place == "busy" && held.map(\.value).contains($0.token) } })
                    let answer = try engine.perform(claim).get()
                    guard case .fired(let event, _) = try engine.complete(claim, answer: answer) else { Issue.record("the outcome did not fire"); return }
                    #expect(event.handler == "finish")
                    #expect(Set(event.consumed.map(\.id)) == Set(claim.tokenIDs))
                }
                if finals > 0 { break }
            }
            #expect(finals > 0, "the net reached its final marking")
            #expect(claims >= 5)
            // The guard decides what is offered: an io task can only finish.
            #expect(seen.values.contains("finish_io"))
            #expect(seen.values.contains("finish_cpu bounce"))
            #expect(try RuntimeTest.invariantsAlongLog(EventLog.all(store), net: engine.net).isEmpty)
        }
    }

    @Test func anAnswerThatIsNotOfferedIsRefused() throws {
        let wrong = Handler(name: "finish", transitions: ["finish_cpu", "finish_io", "bounce"], timeout: 5) { _ in ["finish_io"] }
        try withEngine("Tests/Fixtures/runtime/priority-dispatch.yaml", handlers: [wrong]) { engine, _ in
            while true {
                let step = try engine.step()
                guard case .claimed(let claim) = step else { continue }
                guard !claim.request.offered.contains("finish_io") else { _ = try engine.complete(claim, answer: ["finish_io"]); continue }
                #expect(throws: RuntimeError.self) { try engine.complete(claim, answer: ["finish_io"]) }
                try engine.abandon(claim, reason: "test")
                #expect(try engine.snapshot().tokens.allSatisfy { $0.claimedBy == nil }, "abandoning gives the tokens back")
                return
            }
        }
    }

    @Test func handlersMustFitTheNet() throws {
        let net = try RuntimeTest.net("Tests/Fixtures/runtime/priority-dispatch.yaml")
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStore(path: dir.appendingPathComponent("h.db").path)
        let mixed = Handler(name: "x", transitions: ["take_cpu", "finish_cpu"]) { _ in [] }
        #expect(throws: RuntimeError.self) { try Engine(net: net, store: store, worker: "w", handlers: [mixed]) }
        let typo = Handler(name: "x", transitions: ["finsh_cpu"]) { _ in [] }
        do {
            _ = try Engine(net: net, store: store, worker: "w", handlers: [typo])
            Issue.record("a misspelt transition was accepted")
        } catch let e as RuntimeError {
            #expect(e.message.contains("did you mean `finish_cpu`?"))
        }
    }

    @Test func answersAreParsedInThreeForms() throws {
        let h = Handler(name: "fetch", transitions: ["fetch_ok", "fetch_failed", "give_up"]) { _ in [] }
        #expect(try HandlerAnswer.parse(#"{"transition": "fetch_ok"}"#, handler: h).get() == ["fetch_ok"])
        #expect(try HandlerAnswer.parse(#"{"transition": ["fetch_failed", "give_up"]}"#, handler: h).get() == ["fetch_failed", "give_up"])
        #expect(try HandlerAnswer.parse("[\"give_up\"]", handler: h).get() == ["give_up"])
        #expect(try HandlerAnswer.parse("fetch_failed give_up\n", handler: h).get() == ["fetch_failed", "give_up"])
        #expect(throws: HandlerFailure.self) { try HandlerAnswer.parse("", handler: h).get() }
        #expect(throws: HandlerFailure.self) { try HandlerAnswer.parse("fetch_okay", handler: h).get() }
        #expect(throws: HandlerFailure.self) { try HandlerAnswer.parse("{\"transition\": ", handler: h).get() }
        let single = Handler(name: "store", transitions: ["end_store"]) { _ in [] }
        #expect(try HandlerAnswer.parse("  \n", handler: single).get() == ["end_store"])
    }

    @Test func durationsAndJSON() {
        #expect(RuntimeDuration.parse("250ms") == 250_000)
        #expect(RuntimeDuration.parse("1.5s") == 1_500_000)
        #expect(RuntimeDuration.parse("2m") == 120_000_000)
        #expect(RuntimeDuration.parse("3") == 3_000_000)
        #expect(RuntimeDuration.parse("-1s") == nil)
        #expect(RuntimeDuration.parse("soon") == nil)
        let v = JSONValue.parse(#"{"a": [1, 2.5, "x\n\u00e9"], "b": {"c": null, "d": true}}"#)
        #expect(v?["a"]?.array?.count == 3)
        #expect(v?.rendered == #"{"a":[1,2.5,"x\né"],"b":{"c":null,"d":true}}"#)
        #expect(JSONValue.parse(String(repeating: "[", count: 10_000)) == nil)
        #expect(JSONValue.parse("{} x") == nil)
    }
}

final class Box: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.withLock { items.append(s) } }
    var values: [String] { lock.withLock { items } }
}

/// `kind: fault`: explored by verify, never fired by the runtime on its own,
/// fired once by `inject` (Engine.fire), listed by `status`.
@Suite struct FaultTransitionTests {
    @Test func theRuntimeNeverFiresAFaultButInjectDoes() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStore(path: dir.appendingPathComponent("state.db").path)
        defer { store.close() }
        let engine = try Engine(net: try RuntimeTest.net("Tests/Fixtures/runtime/fault-worker.yaml"), store: store, worker: "test")
        try engine.open()
        var sawCrashEnabled = false
        for _ in 0..<300 {
            if try engine.snapshot().enabled.contains(where: { $0.transition == "crash" }) { sawCrashEnabled = true }
            guard case .fired = try engine.step() else { break }
        }
        #expect(sawCrashEnabled, "status lists the fault's bindings")
        #expect(try !EventLog.all(store).contains { $0.transition == "crash" }, "run fired a fault on its own")
        // Inject: run until the worker is busy, then fire `crash` by hand.
        var crashBinding: EnabledBinding?
        for _ in 0..<10 {
            if let b = try engine.snapshot().enabled.first(where: { $0.transition == "crash" }) { crashBinding = b; break }
            _ = try engine.step()
        }
        let binding = try #require(crashBinding)
        let event = try #require(try engine.fire(binding))
        #expect(event.transition == "crash")
        // The budget is spent: the fault is never enabled again, and the runtime restarts the worker.
        for _ in 0..<20 { _ = try engine.step() }
        #expect(try !engine.snapshot().enabled.contains { $0.transition == "crash" })
        #expect(try EventLog.all(store).contains { $0.transition == "restart" })
    }
}
