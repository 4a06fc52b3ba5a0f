import CPNExplore
import CPNLoad
import Foundation
import Testing

/// What `verify` may say is what it decided: no `holds` for a property not
/// decided on every reachable marking (issue: verdicts you can trust).
@Suite struct TrustTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/trust").standardizedFileURL

    /// A failing binding no longer hides its marking's other successors.
    @Test func failingBindingDoesNotMaskTheOthers() throws {
        let loaded = NetLoader.load(path: Self.fixtures.appendingPathComponent("masked-rw-lock.yaml").path)
        let net = try #require(loaded.checked)
        let r = Explorer(net: net).run(file: "masked-rw-lock.yaml")
        #expect(r.complete)
        let lock = try #require(r.property("lock_state_matches"))
        #expect(lock.status == .violated)
        #expect(lock.trace?.steps.count == 2)
        #expect(r.property("expression-errors")?.status == .violated)
        #expect(r.property("expression-errors")?.trace?.failure?.transition == "reset_count")
        #expect(r.verdict == .violated)
    }

    @Test func holdsSaysHowItWasProved() throws {
        let r = try #require(explore("""
            cpn: 1
            places:
              a: { color: Unit, initial: 1 }
              b: Unit
            transitions:
              go: { in: { a: 1 }, out: { b: 1 } }
            invariants:
              one: "size(a) + size(b) == 1"
            final: "size(b) == 1"
            """))
        let one = try #require(r.property("one"))
        #expect(one.status == .holds)
        #expect(one.proof == .exhaustive(states: 2))
        #expect(one.proof?.summary == "proved (all 2 reachable states)")
        #expect(r.properties.allSatisfy { $0.status == .holds && $0.proof != nil && $0.undecidedBecause == nil })
    }

    /// An invariant that fails to evaluate in some marking is not decided
    /// there: `unknown`, never `holds`.
    @Test func invariantThatFailsToEvaluateIsUnknown() throws {
        let r = try #require(explore("""
            cpn: 1
            places:
              n: { color: { int: [0, 3] }, initial: [0] }
            transitions:
              up: { in: { n: x }, guard: x < 3, out: { n: "x + 1" } }
            invariants:
              ratio: "forall x in n: 6 / (2 - x) >= 0 || true"
            final: "count(n, x => x == 3) == 1"
            """))
        let ratio = try #require(r.property("ratio"))
        #expect(ratio.status == .unknown)
        #expect(ratio.undecidedBecause?.contains("failed to evaluate") == true)
        #expect(r.property("expression-errors")?.status == .violated)
        #expect(r.verdict == .violated)
    }

    @Test func boundsMakeEveryOpenPropertyUnknownWithTheReason() throws {
        let r = try #require(explore(philosophers(5), maxStates: 10))
        #expect(!r.complete)
        for p in r.properties where p.status != .violated {
            #expect(p.status == .unknown)
            #expect(p.undecidedBecause == "exploration was incomplete (state limit 10 reached)")
        }
    }

    /// A place that grows forever is diagnosed with its pump, long before any bound.
    @Test func unboundedPlaceHasACoveringWitness() throws {
        let r = try #require(explore("""
            cpn: 1
            colors:
              P: { enum: [a, b] }
            places:
              ready: { color: P, initial: [a, b] }
              voted: P
              finished: Unit
            transitions:
              vote: { in: { ready: p }, out: { voted: p } }
              finish: { in: { voted: p }, out: { voted: p, finished: 1 } }
            """))
        #expect(!r.complete)
        let bounded = try #require(r.property("bounded"))
        #expect(bounded.status == .violated)
        let trace = try #require(bounded.trace)
        let loop = try #require(trace.loop)
        #expect(loop.kind == .pump)
        #expect(loop.grows == ["finished"])
        #expect(trace.steps.count == 3)
        #expect(loop.start == 2)
        #expect(trace.steps.last?.transition == "finish")
        #expect(r.states < 100_000)
        #expect(r.verdict == .violated)
    }

    /// A place bounded by a capacity is not reported unbounded: more tokens
    /// could disable the steps, so no pump is claimed.
    @Test func capacityIsNotAPump() throws {
        let r = try #require(explore("""
            cpn: 1
            places:
              src: { color: Unit, initial: 1 }
              sink: { color: Unit, capacity: 3 }
            transitions:
              make: { in: { src: 1 }, out: { src: 1, sink: 1 } }
              drain: { in: { sink: 3 }, out: {} }
            """))
        #expect(r.complete)
        #expect(r.property("bounded")?.status == .holds)
    }

    /// `final-reachable` violated: the trace goes into the trap and round its cycle.
    @Test func finalUnreachableIsALasso() throws {
        let r = try #require(explore("""
            cpn: 1
            colors:
              S: { enum: [idle, busy, stuck, stuck2, done] }
            places:
              s: { color: S, initial: [idle] }
            transitions:
              work:   { in: { s: idle }, out: { s: busy } }
              finish: { in: { s: busy }, out: { s: done } }
              fail:   { in: { s: busy }, out: { s: stuck } }
              spin:   { in: { s: stuck }, out: { s: stuck2 } }
              back:   { in: { s: stuck2 }, out: { s: stuck } }
            final: "count(s, x => x == done) == 1"
            """))
        let p = try #require(r.property("final-reachable"))
        #expect(p.status == .violated)
        let trace = try #require(p.trace)
        let loop = try #require(trace.loop)
        #expect(loop.kind == .cycle)
        #expect(trace.steps.map { $0.transition ?? "tick" } == ["work", "fail", "spin", "back"])
        #expect(loop.start == 2)
        #expect(trace.steps[loop.start - 1].marking == trace.steps.last?.marking)
    }

    @Test func leadsToHolds() throws {
        let r = try #require(explore("""
            cpn: 1
            colors:
              S: { enum: [idle, waiting, served] }
            places:
              s: { color: S, initial: [idle] }
            transitions:
              ask:   { in: { s: idle }, out: { s: waiting } }
              serve: { in: { s: waiting }, out: { s: served } }
              again: { in: { s: served }, out: { s: idle } }
            leads_to:
              answered: { from: "count(s, x => x == waiting) == 1", to: "count(s, x => x == served) == 1" }
            """))
        #expect(r.property("answered")?.status == .holds)
        #expect(r.property("answered")?.kind == .leadsTo)
    }

    @Test func leadsToViolatedByACycleThatAvoidsTheGoal() throws {
        let r = try #require(explore("""
            cpn: 1
            colors:
              S: { enum: [idle, waiting, served, lost] }
            places:
              s: { color: S, initial: [idle] }
            transitions:
              ask:   { in: { s: idle }, out: { s: waiting } }
              drop:  { in: { s: waiting }, out: { s: lost } }
              retry: { in: { s: lost }, out: { s: waiting } }
            leads_to:
              answered: { from: "count(s, x => x == waiting) == 1", to: "count(s, x => x == served) == 1" }
            """))
        let p = try #require(r.property("answered"))
        #expect(p.status == .violated)
        let trace = try #require(p.trace)
        #expect(trace.loop?.kind == .cycle)
        #expect(trace.steps.map { $0.transition ?? "tick" } == ["ask", "drop", "retry"])
    }

    /// `expect: dead`: no dead-transition warning while it never fires, a
    /// violation with its trace when it does.
    @Test func expectDeadIsReportedOnlyIfEnabled() throws {
        let net = """
            cpn: 1
            places:
              a: { color: Unit, initial: 1 }
              b: Unit
              oops: Unit
            transitions:
              go: { in: { a: 1 }, out: { b: 1 } }
              recover: { in: { oops: 1 }, out: { a: 1 }, expect: dead }
            final: "size(b) == 1"
            """
        let quiet = try #require(explore(net))
        #expect(quiet.deadTransitions.isEmpty)
        #expect(quiet.property("recover")?.status == .holds)
        #expect(quiet.property("recover")?.kind == .expectedDead)
        let loud = try #require(explore(net.replacingOccurrences(of: "go: { in: { a: 1 }, out: { b: 1 } }",
                                                                 with: "go: { in: { a: 1 }, out: { b: 1, oops: 1 } }")))
        let recover = try #require(loud.property("recover"))
        #expect(recover.status == .violated)
        #expect(recover.trace?.steps.map(\.transition) == ["go"])
    }

    @Test func failFastStopsAtTheFirstViolation() throws {
        guard let net = checked(philosophers(8) + "invariants:\n  nobody_eats: \"size(eat0) == 0\"\n") else { return }
        var options = ExplorationOptions()
        options.failFast = true
        let r = Explorer(net: net, options: options).run(file: "p.yaml")
        #expect(!r.complete)
        #expect(r.stopReason == "stopped at the first violation (--fail-fast)")
        #expect(r.property("nobody_eats")?.status == .violated)
        #expect(r.property("deadlock")?.status == .unknown)
        let full = Explorer(net: net).run(file: "p.yaml")
        #expect(r.states < full.states)
        #expect(r.property("nobody_eats")?.trace?.steps.count == full.property("nobody_eats")?.trace?.steps.count)
    }

    /// 20 input patterns on a 40-token place: 40^20 partial bindings in one
    /// marking. Ctrl-C (here: a cancellation already set) stops inside it.
    @Test func cancellationStopsInsideOneMarkingsBindings() throws {
        var arcs = ""
        for i in 0..<20 { arcs += "x\(i), " }
        let text = """
            cpn: 1
            places:
              p: { color: { int: [0, 39] }, initial: [\((0..<40).map(String.init).joined(separator: ", "))] }
              q: { color: { int: [0, 39] } }
            transitions:
              join: { in: { p: [\(arcs.dropLast(2))] }, guard: "x0 > 100", out: { q: x0 } }
            """
        guard let net = checked(text) else { return }
        var options = ExplorationOptions()
        let polls = Counter()
        options.isCancelled = { polls.increment() > 3 }
        let r = Explorer(net: net, options: options).run(file: "join.yaml")
        #expect(!r.complete)
        #expect(r.stopReason == "interrupted")
        #expect(r.properties.allSatisfy { $0.status != .holds })
    }
}

/// A thread-safe counter for closures the explorer calls.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
