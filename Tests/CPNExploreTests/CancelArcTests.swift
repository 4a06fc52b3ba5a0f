import CPNExplore
import CPNLoad
import Testing

/// `cancel:` arcs take a token whatever its ready time: a timeout is
/// cancelled in one step. Counted by hand.
@Suite struct CancelArcTests {
    static func net(_ replyTakes: String) -> String {
        """
        cpn: 1
        places:
          waiting:  { color: Unit, initial: 1 }
          timeout:  { color: Unit, initial: ["() @+ 3"] }
          answered: Unit
          failed:   Unit
        transitions:
          reply:    { \(replyTakes), out: { answered: 1 } }
          time_out: { in: { waiting: 1, timeout: 1 }, out: { failed: 1 } }
        invariants:
          never_failed: "size(failed) == 0"
        final: "size(answered) == 1"
        """
    }

    /// The reply cancels the waiting timer at once, so time never passes:
    /// S0 → reply → S1 (dead, final). Two states, one edge, never a failure.
    @Test func aCancelTakesAWaitingTimer() throws {
        let r = try #require(explore(Self.net("in: { waiting: 1 }, cancel: { timeout: 1 }")))
        #expect(r.states == 2)
        #expect(r.edges == 1)
        #expect(r.verdict == .pass)
        #expect(r.engine == "dynamic")
    }

    /// With an ordinary arc the reply waits for the timer: S0 → tick 3 → S1,
    /// where reply and time_out race: S2 (answered), S3 (failed). Four states,
    /// three edges, and `never_failed` is violated in two steps.
    @Test func anInputArcWaitsForTheTimer() throws {
        let r = try #require(explore(Self.net("in: { waiting: 1, timeout: 1 }")))
        #expect(r.states == 4)
        #expect(r.edges == 3)
        #expect(r.property("never_failed")?.trace?.steps.count == 2)
    }

    /// The runtime's rule marks the move as taking a waiting copy, so the
    /// store locks it whatever its ready time.
    @Test func theFiringRuleMarksCancelledMoves() throws {
        let net = try #require(checked(Self.net("in: { waiting: 1 }, cancel: { timeout: 1 }")))
        let rule = FiringRule(net: net)
        let firings = try rule.enabled(in: [[.init(value: .unit, ready: true, count: 1)], [.init(value: .unit, ready: false, count: 1)], [], []])
        #expect(firings.count == 1)
        #expect(firings.first?.consumed.map(\.anyReadyTime) == [false, true])
    }
}
