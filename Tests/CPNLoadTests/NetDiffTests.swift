import CPNLoad
import CPNModel
import Testing

/// `NetDiff` reports meaning, not layout: what `revise` and `review` show a reviewer.
@Suite struct NetDiffTests {
    private func net(_ text: String) throws -> Net {
        try #require(NetLoader.load(text: text).net)
    }

    @Test func identicalNetsAndReformattedExpressionsAreNoChange() throws {
        let a = try net(SampleNets.scraper)
        let reformatted = SampleNets.scraper.replacingOccurrences(of: "guard: t.attempt < MAX_ATTEMPT",
                                                                  with: "guard: \"(t.attempt)  <  MAX_ATTEMPT\"")
        #expect(reformatted != SampleNets.scraper)
        let diff = NetDiff(from: a, to: try net(reformatted))
        #expect(diff.isEmpty)
        #expect(diff.summary == "no structural change")
        #expect(NetDiff(from: a, to: a).rendered() == "")
    }

    @Test func reportsGuardCapacityArcsAndElementsByName() throws {
        let old = try net(SampleNets.scraper)
        var text = SampleNets.scraper
        text = text.replacingOccurrences(of: "guard: t.attempt < MAX_ATTEMPT", with: "guard: t.attempt <= MAX_ATTEMPT")
        text = text.replacingOccurrences(of: "raw_html:    { color: Target, capacity: 4 }",
                                         with: "raw_html:    { color: Target, capacity: 5 }\n  parked:      { color: Target }")
        text = text.replacingOccurrences(of: "out: { proxies: p, domain_free: t.domain, given_up: t }",
                                         with: "out: { proxies: p, given_up: t }")
        let new = try net(text)
        let diff = NetDiff(from: old, to: new)
        let lines = diff.rendered().split(separator: "\n").map(String.init)
        #expect(lines.contains("~ place raw_html"))
        #expect(lines.contains("    capacity: `4` → `5`"))
        #expect(lines.contains("+ place parked: Target"))
        #expect(lines.contains("~ transition fetch_failed"))
        #expect(lines.contains("    guard: `t.attempt < MAX_ATTEMPT` → `t.attempt <= MAX_ATTEMPT`"))
        #expect(lines.contains("~ transition give_up"))
        #expect(lines.contains("    output to domain_free removed (was `t.domain`)"))
        #expect(diff.summary == "1 added, 3 changed")
        let added = try #require(diff.changes.first { $0.kind == .added })
        #expect(added.newSpan?.start.line ?? 0 > 0)
        #expect(added.oldSpan == nil)
    }

    @Test func removalsAndFinal() throws {
        let old = try net(SampleNets.scraper)
        let new = try net(SampleNets.scraper.replacingOccurrences(of: "  given_up:    { color: Target }\n", with: "")
            .replacingOccurrences(of: ", given_up: t", with: ""))
        let diff = NetDiff(from: old, to: new)
        #expect(diff.changes.contains { $0.kind == .removed && $0.element == .place && $0.name == "given_up" && $0.oldSpan != nil })
        #expect(diff.changes.contains { $0.kind == .changed && $0.name == "give_up" })
    }

    @Test func changedFinalReadsOnce() throws {
        let old = try net(SampleNets.scraper)
        let new = try net(SampleNets.scraper.replacingOccurrences(of: "final: \"size(targets) == 0 && size(in_flight) == 0\"",
                                                                  with: "final: \"size(targets) == 0\""))
        #expect(NetDiff(from: old, to: new).rendered()
            == "~ final\n    `size(targets) == 0 && size(in_flight) == 0` → `size(targets) == 0`")
    }
}
