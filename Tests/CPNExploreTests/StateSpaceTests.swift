import CPNExplore
import Testing

/// State spaces small enough to count by hand.
@Suite struct StateSpaceTests {
    /// budget + buffer + done always sum to 3, and the buffer holds at most 2:
    /// (b, k) ∈ {(3,0), (2,0), (2,1), (1,0), (1,1), (1,2), (0,0), (0,1), (0,2)}.
    static let producerConsumer = """
        cpn: 1
        places:
          budget: { color: Unit, initial: 3 }
          buffer: { color: Unit, capacity: 2 }
          done:   Unit
        transitions:
          produce: { in: { budget: "()" }, out: { buffer: "()" } }
          consume: { in: { buffer: "()" }, out: { done: "()" } }
        """

    @Test func capacityBoundsTheStateSpace() throws {
        let r = try #require(explore(Self.producerConsumer))
        #expect(r.states == 9)
        // Edges per state (b,k): (3,0) 1, (2,0) 1, (2,1) 2, (1,0) 1, (1,1) 2,
        // (1,2) 1 (produce blocked by the capacity), (0,0) 0, (0,1) 1, (0,2) 1.
        #expect(r.edges == 10)
        #expect(r.complete)
        #expect(r.placeBounds.first { $0.place == "buffer" }?.max == 2)
        // Without `final`, the end state (everything done) is a deadlock.
        #expect(r.property("deadlock")?.status == .violated)
        #expect(r.deadlocks == 1)
        #expect(r.property("deadlock")?.trace?.steps.count == 6)
    }

    @Test func finalMarkingIsNotADeadlock() throws {
        let r = try #require(explore(Self.producerConsumer + "\nfinal: \"size(done) == 3\"\n"))
        #expect(r.verdict == .pass)
        #expect(r.property("deadlock")?.status == .holds)
        #expect(r.property("final-reachable")?.status == .holds)
        #expect(r.finalMarkings == 1)
    }

    @Test func invariantViolationHasTheShortestTrace() throws {
        // `bad` is reachable in 2 steps through a and in 3 through b.
        let r = try #require(explore("""
            cpn: 1
            places:
              s: { color: Unit, initial: 1 }
              a: Unit
              b: Unit
              b2: Unit
              bad: Unit
            transitions:
              toA: { in: { s: 1 }, out: { a: 1 } }
              toB: { in: { s: 1 }, out: { b: 1 } }
              b2: { in: { b: 1 }, out: { b2: 1 } }
              fromB: { in: { b2: 1 }, out: { bad: 1 } }
              fromA: { in: { a: 1 }, out: { bad: 1 } }
            invariants:
              never_bad: "size(bad) == 0"
            final: "size(bad) == 1"
            """))
        let p = try #require(r.property("never_bad"))
        #expect(p.status == .violated)
        #expect(p.trace?.steps.map(\.transition) == ["toA", "fromA"])
        #expect(r.verdict == .violated)
        #expect(r.verdict.exitCode == 1)
    }

    @Test func theClockAdvancesToTheNextReadyToken() throws {
        let r = try #require(explore("""
            cpn: 1
            places:
              a: { color: Unit, initial: 1 }
              b: Unit
              c: Unit
            transitions:
              wait: { in: { a: 1 }, out: { b: "() @+ 3" } }
              go:   { in: { b: 1 }, out: { c: 1 } }
            final: "size(c) == 1"
            """))
        #expect(r.timed)
        #expect(r.states == 4)  // a; b not ready; b ready (clock 3); c
        #expect(r.verdict == .pass)
    }

    @Test func timedTraceShowsTheClock() throws {
        let r = try #require(explore("""
            cpn: 1
            places:
              a: { color: Unit, initial: 1 }
              b: Unit
              c: Unit
            transitions:
              wait: { in: { a: 1 }, out: { b: "() @+ 3" } }
              go:   { in: { b: 1 }, out: { c: 1 } }
            invariants:
              never_c: "size(c) == 0"
            """))
        let steps = try #require(r.property("never_c")?.trace?.steps)
        #expect(steps.map(\.kind) == [.fire, .tick, .fire])
        #expect(steps.map(\.clock) == [0, 3, 3])
        #expect(steps[0].produced.first?.delay == 3)
    }

    @Test func overflowIsAViolationWithItsTrace() throws {
        // attempt is Int[0..2]; retry has no cap, so the third retry leaves the color.
        let r = try #require(explore("""
            cpn: 1
            colors:
              Attempt: { int: [0, 2] }
            places:
              job: { color: Attempt, initial: [0] }
            transitions:
              retry: { in: { job: a }, out: { job: "a + 1" } }
            """))
        let p = try #require(r.property("expression-errors"))
        #expect(p.status == .violated)
        #expect(p.trace?.steps.count == 2)
        #expect(p.trace?.failure?.transition == "retry")
        #expect(p.trace?.failure?.binding == [Binding(variable: "a", value: "2")])
        #expect(p.message?.contains("outside") == true)
    }

    /// Token counts are 32-bit: a firing that would go past that is an error with
    /// its trace, on the colored path and on the place/transition fast path,
    /// never a trap and never a transition silently disabled (a false deadlock).
    @Test(arguments: [
        ("colors: { N: { int: [0, 3] } }\nplaces:\n  c: { color: N, initial: [{ token: 1, count: 2147483647 }] }\n"
            + "transitions:\n  u: { in: { c: n }, out: { c: [n, n] } }\n", 0),
        ("places:\n  c: { color: Unit, initial: 2147483646 }\n"
            + "transitions:\n  u: { in: { c: \"()\" }, out: { c: [\"()\", \"()\"] } }\n", 1),
    ])
    func tokenCountOverflowIsAnErrorWithItsTrace(_ body: String, _ steps: Int) throws {
        let r = try #require(explore("cpn: 1\n" + body))
        let p = try #require(r.property("expression-errors"))
        #expect(p.status == .violated)
        #expect(p.trace?.steps.count == steps)
        #expect(p.trace?.failure?.transition == "u")
        #expect(p.message?.contains("would hold more than 2147483647 tokens") == true)
        #expect(r.property("deadlock")?.status != .violated)
    }

    @Test func orderedPlaceServesTheHighestKeyFirst() throws {
        let net = { (order: String) in """
            cpn: 1
            colors:
              Prio: { int: [0, 2] }
            places:
              worker: { color: Unit, initial: 1 }
              targets: { color: Prio, initial: [0, 1, 2] \(order) }
              done: Prio
            transitions:
              take: { in: { worker: 1, targets: t }, out: { worker: 1, done: t } }
            final: "size(targets) == 0"
            """ }
        let ordered = try #require(explore(net(", order: { highest: \"t => t\" }")))
        #expect(ordered.states == 4)  // 2, then 1, then 0: one order only
        let unordered = try #require(explore(net("")))
        #expect(unordered.states == 8)  // every subset of {0, 1, 2} taken
        let lowest = try #require(explore(net(", order: { lowest: \"t => t\" }")))
        #expect(lowest.states == 4)
    }

    @Test func sameVariableOnTwoArcsIsAJoin() throws {
        let r = try #require(explore("""
            cpn: 1
            colors:
              Id: { enum: [a, b] }
            places:
              left:  { color: Id, initial: [a, b] }
              right: { color: Id, initial: [b] }
              pair:  Id
            transitions:
              join: { in: { left: x, right: x }, out: { pair: x } }
            """))
        // Only x = b matches on both sides: initial, then one join.
        #expect(r.states == 2)
    }

    @Test func livelockMakesFinalUnreachable() throws {
        let r = try #require(explore("""
            cpn: 1
            places:
              s: { color: Unit, initial: 1 }
              loop: Unit
              loop2: Unit
              done: Unit
            transitions:
              enter: { in: { s: 1 }, out: { loop: 1 } }
              spin:  { in: { loop: 1 }, out: { loop2: 1 } }
              back:  { in: { loop2: 1 }, out: { loop: 1 } }
              finish: { in: { s: 1 }, out: { done: 1 } }
            final: "size(done) == 1"
            """))
        let p = try #require(r.property("final-reachable"))
        #expect(p.status == .violated)
        // A lasso: into the trap, then round its cycle back to the marking after `enter`.
        #expect(p.trace?.steps.map(\.transition) == ["enter", "spin", "back"])
        #expect(p.trace?.loop == Trace.Loop(start: 1, kind: .cycle))
        #expect(r.property("deadlock")?.status == .holds)
    }

    @Test func boundsMakeTheVerdictBounded() throws {
        let r = try #require(explore(philosophers(5), maxStates: 10))
        #expect(!r.complete)
        #expect(r.states <= 10)
        // The deadlock is 5 steps deep: not reached in 10 states.
        #expect(r.verdict == .bounded)
        #expect(r.verdict.exitCode == 3)
        #expect(r.property("deadlock")?.status == .unknown)
    }
}

/// The dining philosophers, against the known figures.
@Suite struct PhilosophersTests {
    @Test func fivePhilosophersHave82MarkingsAndOneDeadlock() throws {
        let r = try #require(explore(philosophers(5)))
        #expect(r.states == 82)
        #expect(r.deadlocks == 1)
        #expect(r.property("deadlock")?.trace?.steps.map(\.transition) == (0..<5).map { "takeLeft\($0)" })
    }

    @Test func tenPhilosophersHave6726Markings() throws {
        let r = try #require(explore(philosophers(10)))
        #expect(r.states == 6_726)
        #expect(r.deadlocks == 1)
    }

    @Test func eitherForkFirstGives3ToTheNAndTwoDeadlocks() throws {
        for n in [3, 5, 6] {
            let r = try #require(explore(philosophers(n, eitherFirst: true)))
            #expect(r.states == Int(pow(3.0, Double(n))), "N=\(n)")
            #expect(r.deadlocks == 2, "N=\(n)")
        }
    }
}

import Foundation
