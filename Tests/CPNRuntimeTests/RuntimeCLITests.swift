import CPNRuntime
import Foundation
import Testing
import CPNJSON

/// The runtime's commands as a user meets them: refusals with their exit
/// codes and messages, tokens in and out, status and the log as JSON.
@Suite struct RuntimeCLITests {
    @Test func aNetThatDoesNotVerifyIsNotRun() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bug = RuntimeTest.path("examples/polite-scraper/bugs/domain-slot-off-by-one.yaml")
        let refused = try RuntimeTest.run(["run", bug, "--store", "sqlite:s.db"], in: dir)
        #expect(refused.status == 1)
        #expect(refused.output.contains("does not verify: domain_limit, domain_slots_conserved violated; not run"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("s.db").path), "nothing was created")
        // Unverified, the runtime's own check refuses to start from a marking that breaks an invariant.
        let unverified = try RuntimeTest.run(["run", bug, "--store", "sqlite:s.db", "--no-verify"], in: dir)
        #expect(unverified.status == 1)
        #expect(unverified.output.contains("the initial marking of net `polite-scraper` breaks invariant `domain_slots_conserved`"))
    }

    @Test func aDeadlockStopsTheRunWithItsMarking() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let net = RuntimeTest.path("Tests/Fixtures/runtime/lock-order.yaml")
        let verified = try RuntimeTest.run(["run", net, "--store", "sqlite:v.db"], in: dir)
        #expect(verified.status == 1 && verified.output.contains("deadlock violated"))
        var outcomes: Set<Int32> = []
        for seed in 1...12 {
            let r = try RuntimeTest.run(["run", net, "--store", "sqlite:s\(seed).db", "--no-verify", "--seed", "\(seed)"], in: dir)
            outcomes.insert(r.status)
            if r.status == 1 {
                #expect(r.output.contains("deadlock: no transition is enabled, no token is waiting and no handler is working, but the marking is not final"))
                #expect(r.output.contains("p_has_a: ()") && r.output.contains("q_has_b: ()"))
            } else {
                #expect(r.status == 0 && r.output.contains("stopped: final marking reached"), "\(r.output)")
            }
        }
        #expect(outcomes == [0, 1], "some seeds finish, some deadlock")
    }

    @Test func handlersFileErrorsPointAtTheLine() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
            handlers:
              fetch:
                transitions: [fetch_ok, fetch_faild]
                command: ./fetch.sh
                timout: 5s
            """.write(to: dir.appendingPathComponent("h.yaml"), atomically: true, encoding: .utf8)
        let r = try RuntimeTest.run(["run", RuntimeTest.path("examples/polite-scraper/net.yaml"), "--store", "sqlite:s.db", "--handlers", "h.yaml", "--no-verify"], in: dir)
        #expect(r.status == 2)
        #expect(r.output.contains("net `polite-scraper` has no transition `fetch_faild`"))
        #expect(r.output.contains("h.yaml:3:29"))
        #expect(r.output.contains("did you mean `fetch_failed`?"))
        #expect(r.output.contains("unknown key `timout`") && r.output.contains("did you mean `timeout`?"))
    }

    @Test func untilFinalNeedsAFinal() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try RuntimeTest.run(["run", RuntimeTest.path("examples/dining-philosophers/net.yaml"), "--until", "final", "--no-verify"], in: dir)
        #expect(r.status == 2)
        #expect(r.output.contains("has no `final`"))
        let bad = try RuntimeTest.run(["run", RuntimeTest.path("examples/dining-philosophers/net.yaml"), "--until", "soonish"], in: dir)
        #expect(bad.status == 2 && bad.output.contains("--until takes final, idle or a duration"))
    }

    @Test func tokensGoInAndOutAndTheLogSaysSo() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let net = RuntimeTest.path("Tests/Fixtures/runtime/priority-dispatch.yaml")
        let missing = try RuntimeTest.run(["status", "--store", "sqlite:nothing.db"], in: dir)
        #expect(missing.status == 2 && missing.output.contains("there is no store at nothing.db"))
        let run = try RuntimeTest.run(["run", net, "--store", "sqlite:s.db", "--no-verify"], in: dir)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("stopped: final marking reached"))

        let took = try RuntimeTest.run(["tokens", "take", "done", "--count", "2", "--store", "sqlite:s.db"], in: dir)
        // Taking finished tasks breaks `tasks_conserved`: refused, nothing changes.
        #expect(took.status == 1 && took.output.contains("would break invariant `tasks_conserved`; nothing was changed"))
        let list = try RuntimeTest.run(["tokens", "list", "done", "--store", "sqlite:s.db", "--format", "json"], in: dir)
        #expect(list.status == 0)
        #expect(JSONValue.parse(list.output)?.array?.count == 5)
        let typo = try RuntimeTest.run(["tokens", "add", "inbx", "{id: 1, kind: io, prio: 0}", "--store", "sqlite:s.db"], in: dir)
        #expect(typo.status == 2 && typo.output.contains("did you mean `inbox`?"))

        let status = try RuntimeTest.run(["status", "--store", "sqlite:s.db", "--format", "json"], in: dir)
        #expect(status.status == 0)
        let doc = try #require(JSONValue.parse(status.output))
        #expect(doc["final"] == .bool(true))
        #expect(doc["net"]?.string == "priority-dispatch")

        let log = try RuntimeTest.run(["log", "export", "--store", "sqlite:s.db"], in: dir)
        #expect(log.status == 0)
        let lines = log.output.split(separator: "\n").compactMap { JSONValue.parse(String($0)) }
        #expect(lines.first?["kind"]?.string == "init")
        #expect(lines.dropFirst().allSatisfy { $0["kind"]?.string == "fire" && $0["transition"] != nil && $0["worker"] != nil })
        #expect(lines.filter { $0["transition"]?.string?.hasPrefix("finish") == true }.count == 5)
    }
}

/// With `--handlers`, every transition the runtime fires is handled or `automatic`.
@Suite struct HandlersAccountForEveryTransitionTests {
    @Test func anUnboundTransitionIsNamedAndTheRunRefused() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
            handlers:
              fetch:
                transitions: [fetch_ok, fetch_failed, give_up]
                command: ./fetch.sh
            automatic: [start_fetch, start_parse, end_parse, start_validate, start_store]
            """.write(to: dir.appendingPathComponent("h.yaml"), atomically: true, encoding: .utf8)
        let r = try RuntimeTest.run(["run", RuntimeTest.path("examples/polite-scraper/net.yaml"), "--store", "sqlite:s.db", "--handlers", "h.yaml", "--no-verify"], in: dir)
        #expect(r.status == 2, "\(r.output)")
        #expect(r.output.contains("transitions `accept`, `reject`, `end_store` have no handler and are not listed under `automatic`"), "\(r.output)")
        #expect(r.output.contains("h.yaml:5:12"), "\(r.output)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("s.db").path), "the store was created before the refusal")
    }

    @Test func aFaultCannotBeAutomatic() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "handlers: {}\nautomatic: [start, crash, restart]\n".write(to: dir.appendingPathComponent("h.yaml"), atomically: true, encoding: .utf8)
        try InjectCommandTests.net.write(to: dir.appendingPathComponent("w.yaml"), atomically: true, encoding: .utf8)
        let r = try RuntimeTest.run(["run", "w.yaml", "--store", "sqlite:w.db", "--handlers", "h.yaml", "--no-verify"], in: dir)
        #expect(r.status == 2 && r.output.contains("transition `crash` is a `fault` transition"), "\(r.output)")
    }
}
