import CPNExplore
import CPNLoad
import Testing

/// Constants wherever a number goes: the net written with names explores
/// exactly like the one written with the numbers.
@Suite struct ConstantCountTests {
    static func net(_ permits: String, _ capacity: String, _ batch: String, _ delay: String) -> String {
        """
        cpn: 1
        constants:
          PERMITS: 3
          BATCH: 2
          WAIT: 1
        colors:
          Level: { int: [0, PERMITS] }
        places:
          permits: { color: Unit, initial: \(permits) }
          held:    { color: Unit, capacity: \(capacity) }
          levels:  { color: Level, initial: [{ token: 0, count: \(batch) }] }
          later:   Unit
        transitions:
          take: { in: { permits: \(batch) }, out: { held: \(batch) } }
          give: { in: { held: 1 }, out: { later: "() @+ \(delay)" } }
          bump: { in: { levels: l }, guard: "l < PERMITS", out: { levels: "l + 1" } }
        """
    }

    /// Three permits taken two at a time (once), each given up into `later`
    /// with a delay, beside two level tokens counting up to PERMITS: the two
    /// spellings must give the same state space.
    @Test func namedAndLiteralNumbersGiveTheSameStateSpace() throws {
        let named = try #require(explore(Self.net("PERMITS", "PERMITS", "BATCH", "WAIT"), maxStates: 100_000))
        let literal = try #require(explore(Self.net("3", "3", "2", "1"), maxStates: 100_000))
        #expect(named.states == literal.states)
        #expect(named.edges == literal.edges)
        #expect(named.complete)
        #expect(named.placeBounds.first { $0.place == "held" }?.max == 2)
        #expect(named.placeBounds.first { $0.place == "permits" }?.max == 3)
    }

    /// A capacity from an expression bounds the place: `capacity: PERMITS - 2` lets one
    /// token through at a time. budget 2 → (2,0), (1,1), then `move` from (1,1) is blocked
    /// until `drain`: (1,0), (0,1), (0,0): five states.
    @Test func aCapacityExpressionBoundsThePlace() throws {
        let r = try #require(explore("""
            cpn: 1
            constants:
              PERMITS: 3
            places:
              budget: { color: Unit, initial: "PERMITS - 1" }
              slot:   { color: Unit, capacity: PERMITS - 2 }
              done:   Unit
            transitions:
              move:  { in: { budget: 1 }, out: { slot: 1 } }
              drain: { in: { slot: 1 }, out: { done: 1 } }
            """))
        #expect(r.states == 5)
        #expect(r.placeBounds.first { $0.place == "slot" }?.max == 1)
    }
}
