import CPNExplore
import CPNLoad
import Testing

/// `priority:`: among the enabled transitions of a marking, only those of the
/// highest priority fire. Counted by hand.
@Suite struct PriorityTests {
    static func pool(_ priority: String) -> String {
        """
        cpn: 1
        constants:
          PREFERRED: 1
        places:
          pool:     { color: Unit, initial: 1 }   # an idle connection
          requests: { color: Unit, initial: 2 }
          served:   Unit
          opened:   Unit
        transitions:
          borrow:   { in: { requests: 1, pool: 1 }, out: { served: 1, pool: 1 }\(priority) }
          open_new: { in: { requests: 1 }, out: { served: 1, opened: 1 } }
        invariants:
          reuses: "size(opened) == 0"
        """
    }

    /// Borrowing wins whenever a connection is idle: (requests, opened) goes
    /// (2,0) → (1,0) → (0,0). Three states, two edges, nothing ever opened.
    @Test func theHigherPriorityTransitionWins() throws {
        let r = try #require(explore(Self.pool(", priority: PREFERRED")))
        #expect(r.states == 3)
        #expect(r.edges == 2)
        #expect(r.property("reuses")?.status == .holds)
        #expect(r.engine == "dynamic")
    }

    /// Without it both race: (2,0) (1,0) (1,1) (0,0) (0,1) (0,2), two edges from
    /// each state with a request left: six states, six edges.
    @Test func withoutPrioritiesBothFire() throws {
        let r = try #require(explore(Self.pool("")))
        #expect(r.states == 6)
        #expect(r.edges == 6)
        #expect(r.property("reuses")?.status == .violated)
    }

    /// A lower priority still fires when nothing above it is enabled: with no
    /// idle connection, `open_new` serves both requests.
    @Test func aLowerPriorityFiresWhenNothingAboveIsEnabled() throws {
        let r = try #require(explore(Self.pool(", priority: 1").replacingOccurrences(of: "initial: 1 }   # an idle", with: "initial: 0 }   # no idle")))
        #expect(r.states == 3)
        #expect(r.property("reuses")?.status == .violated)
    }

    /// The runtime's rule applies the same filter.
    @Test func theFiringRuleOffersOnlyTheHighestPriority() throws {
        let net = try #require(checked(Self.pool(", priority: 1")))
        let unit = FiringRule.Token(value: .unit, ready: true, count: 1)
        let firings = try FiringRule(net: net).enabled(in: [[unit], [.init(value: .unit, ready: true, count: 2)], [], []])
        #expect(firings.map(\.transition) == [0])
    }
}
