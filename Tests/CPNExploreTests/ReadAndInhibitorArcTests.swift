import CPNExplore
import CPNLoad
import Testing

/// `read:` and `unless:` arcs on state spaces small enough to count by hand,
/// each explored by both engines.
@Suite struct ReadAndInhibitorArcTests {
    /// The result of each engine; the test fails if they disagree on the counts.
    private func both(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ExplorationResult {
        let net = try #require(checked(yaml, sourceLocation: sourceLocation), sourceLocation: sourceLocation)
        var results: [ExplorationResult] = []
        for engine in [ExplorationEngine.dynamic, .unfolded] {
            var options = ExplorationOptions()
            options.engine = engine
            results.append(Explorer(net: net, options: options).run(file: "test.yaml"))
        }
        #expect(results[1].engine.hasPrefix("unfolded: "), "ran on \(results[1].engine)", sourceLocation: sourceLocation)
        #expect(results[0].states == results[1].states && results[0].edges == results[1].edges,
                "dynamic \(results[0].states)/\(results[0].edges), unfolded \(results[1].states)/\(results[1].edges)",
                sourceLocation: sourceLocation)
        return results[0]
    }

    /// The lock is read, never moved: its place stays full (capacity 1) and
    /// `work` is still enabled. todo 2 → 1 → 0: three states, two edges.
    @Test func aReadTokenStaysAndIgnoresCapacity() throws {
        let r = try both("""
            cpn: 1
            places:
              lock: { color: Unit, initial: 1, capacity: 1 }
              todo: { color: Unit, initial: 2 }
              done: Unit
            transitions:
              work: { in: { todo: 1 }, read: { lock: 1 }, out: { done: 1 } }
            invariants:
              lock_kept: "size(lock) == 1"
            final: "size(done) == 2"
            """)
        #expect(r.states == 3)
        #expect(r.edges == 2)
        #expect(r.verdict == .pass)
    }

    /// A read copy is distinct from the copies the binding takes: with one
    /// token in `p` the transition needs two and is dead; with two it fires
    /// once (2 → 1) and stops.
    @Test func readAndTakenCopiesAreDistinct() throws {
        let net = { (n: Int) in """
            cpn: 1
            places:
              p: { color: Unit, initial: \(n) }
              q: Unit
            transitions:
              t: { in: { p: 1 }, read: { p: 1 }, out: { q: 1 } }
            """ }
        let one = try both(net(1))
        #expect(one.states == 1 && one.edges == 0)
        let two = try both(net(2))
        #expect(two.states == 2 && two.edges == 1)
    }

    /// A read arc binds a variable that later arcs join on: only the job
    /// whose kind the config names is served. jobs {a, b}, config a: one
    /// firing, then a dead marking.
    @Test func aReadArcBindsVariables() throws {
        let r = try both("""
            cpn: 1
            colors:
              K: { enum: [a, b] }
            places:
              config: { color: K, initial: [a] }
              jobs: { color: K, initial: [a, b] }
              served: K
            transitions:
              serve: { read: { config: k }, in: { jobs: k }, out: { served: k } }
            invariants:
              b_waits: "count(served, b) == 0"
            """)
        #expect(r.states == 2)
        #expect(r.edges == 1)
        #expect(r.property("b_waits")?.status == .holds)
    }

    /// A read arc needs a ready token: the config only becomes ready at time
    /// 2, so the clock ticks first. States: start, after the tick, after serve.
    @Test func aReadArcWaitsForReadyTokens() throws {
        let r = try both("""
            cpn: 1
            places:
              config: { color: Unit, initial: ["() @+ 2"] }
              job: { color: Unit, initial: 1 }
              done: Unit
            transitions:
              serve: { read: { config: 1 }, in: { job: 1 }, out: { done: 1 } }
            final: "size(done) == 1"
            """)
        #expect(r.states == 3)
        #expect(r.edges == 2)
    }

    /// `sleep` only with the queue empty. Reachable: ({0,1}, idle), ({1}, idle),
    /// ({0}, idle), ({}, idle), ({}, slept); edges 2 + 1 + 1 + 1 + 0.
    @Test func unlessWaitsForAnEmptyPlace() throws {
        let r = try both(Self.queue("unless: { queue: _ }"))
        #expect(r.states == 5)
        #expect(r.edges == 5)
        #expect(r.deadlocks == 1)
    }

    /// With `count: 2`, `sleep` is enabled while the queue holds fewer than two:
    /// ({0,1}, idle) 2 edges; ({1}, idle) and ({0}, idle) 2 each; ({}, idle) 1;
    /// ({1}, slept) and ({0}, slept) 1 each; ({}, slept) 0. Seven states, nine edges.
    @Test func unlessWithACountAllowsFewer() throws {
        let r = try both(Self.queue("unless: { queue: { token: _, count: 2 } }"))
        #expect(r.states == 7)
        #expect(r.edges == 9)
    }

    /// Waiting tokens do not inhibit: the queue's token is ready only at 5,
    /// so `sleep` fires at once; with a ready token it could not.
    @Test func waitingTokensDoNotInhibit() throws {
        let r = try both("""
            cpn: 1
            places:
              queue: { color: Unit, initial: ["() @+ 5"] }
              idle: { color: Unit, initial: 1 }
              slept: Unit
            transitions:
              sleep: { in: { idle: 1 }, unless: { queue: _ }, out: { slept: 1 } }
            invariants:
              never_slept: "size(slept) == 0"
            """)
        #expect(r.property("never_slept")?.status == .violated)
        #expect(r.property("never_slept")?.trace?.steps.count == 1)
    }

    /// `unless: { done: j }` forbids a token equal to the bound `j`, and a
    /// read arc drops a duplicate once its twin is done. incoming {0, 0, 1}:
    /// S0 (in {0,0,1}, done {}) → accept 0 → S1 (in {0,1}, done {0}), accept 1 → S2 (in {0,0}, done {1});
    /// S1 → accept 1 → S3 (in {0}, done {0,1}), drop 0 → S4 (in {1}, done {0});
    /// S2 → accept 0 → S3; S3 → drop 0 → S5 (in {}, done {0,1}); S4 → accept 1 → S5.
    /// Six states, seven edges, and never two equal tokens in `done`.
    @Test func unlessJoinsOnBoundVariables() throws {
        let r = try both("""
            cpn: 1
            colors:
              J: { int: [0, 1] }
            places:
              incoming: { color: J, initial: [0, 0, 1] }
              done: J
            transitions:
              accept: { in: { incoming: j }, unless: { done: j }, out: { done: j } }
              drop: { in: { incoming: j }, read: { done: j } }
            invariants:
              once: "forall v in J: count(done, v) <= 1"
            final: "size(incoming) == 0"
            """)
        #expect(r.states == 6)
        #expect(r.edges == 7)
        #expect(r.verdict == .pass)
    }

    /// The firing rule the runtime uses reports read tokens apart from the
    /// consumed ones, and an inhibitor's place as what it tests.
    @Test func theFiringRuleListsReadTokensApart() throws {
        let net = try #require(checked("""
            cpn: 1
            places:
              lock: { color: Unit, initial: 1 }
              todo: { color: Unit, initial: 1 }
              busy: Unit
              done: Unit
            transitions:
              work: { in: { todo: 1 }, read: { lock: 1 }, unless: { busy: _ }, out: { done: 1 } }
            """))
        let rule = FiringRule(net: net)
        let unit = FiringRule.Token(value: .unit, ready: true, count: 1)
        let firings = try rule.enabled(in: [[unit], [unit], [], []])
        #expect(firings.count == 1)
        #expect(firings.first?.consumed.map(\.place) == [1])
        #expect(firings.first?.read.map(\.place) == [0])
        #expect(try rule.enabled(in: [[unit], [unit], [unit], []]).isEmpty)
    }

    static func queue(_ unless: String) -> String {
        """
        cpn: 1
        colors:
          J: { int: [0, 2] }
        places:
          queue: { color: J, initial: [0, 1] }
          idle: { color: Unit, initial: 1 }
          served: J
          slept: Unit
        transitions:
          serve: { in: { queue: j }, out: { served: j } }
          sleep: { in: { idle: 1 }, \(unless), out: { slept: 1 } }
        """
    }
}
