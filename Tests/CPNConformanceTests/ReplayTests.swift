import CPNConformance
import CPNLoad
import Foundation
import Testing

/// Token-based replay on small nets whose counts are worked out by hand in each test.
@Suite struct ReplayTests {
    static let sequence = """
        cpn: 1
        name: sequence
        places:
          p0: { color: Unit, initial: 1 }
          p1: Unit
          p2: Unit
          p3: Unit
        transitions:
          a: { in: { p0: () }, out: { p1: () } }
          b: { in: { p1: () }, out: { p2: () } }
          c: { in: { p2: () }, out: { p3: () } }
        """

    static let scraper = """
        cpn: 1
        name: mini-scraper
        colors:
          Proxy: { enum: [p1, p2] }
          Domain: { enum: [shop, news] }
          Job: { record: { id: { int: [1, 3] }, domain: Domain } }
        places:
          proxies: { color: Proxy, initial: [p1, p2] }
          slots: { color: Domain, initial: [shop, news] }
          jobs: { color: Job, initial: ["{id: 1, domain: shop}", "{id: 2, domain: shop}", "{id: 3, domain: news}"] }
          flying: { color: "(Proxy, Job)" }
          done: Job
        transitions:
          start: { in: { jobs: j, proxies: p, slots: j.domain }, out: { flying: "(p, j)" } }
          finish: { in: { flying: "(p, j)" }, guard: "j.id != 3 || p == p2", out: { proxies: p, slots: j.domain, done: j } }
        invariants:
          polite: "forall d in Domain: count(flying, (_p, j) => j.domain == d) <= 1"
        final: "size(done) == 3"
        """

    func net(_ text: String) throws -> CheckedNet {
        let loaded = NetLoader.load(text: text, path: "net.yaml")
        return try #require(loaded.checked, "\(loaded.diagnostics)")
    }

    func file(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cpn-conform-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func map(_ text: String) throws -> ConformanceMap {
        let path = try file("map.yaml", text)
        switch ConformanceMapLoader.load(path: path) {
        case .success(let (m, _)): return m
        case .failure(let d): Issue.record("\(d)"); return ConformanceMap()
        }
    }

    @Test func aFittingLogHasFitnessOne() throws {
        let log = try file("log.jsonl", """
            {"case": "1", "event": "a"}
            {"case": "2", "event": "a"}
            {"case": "1", "event": "b"}
            {"case": "2", "event": "b"}
            {"case": "1", "event": "c"}
            {"case": "2", "event": "c"}
            """)
        let r = try ConformanceCheck.run(net: net(Self.sequence), netFile: "net.yaml", log: log, map: ConformanceMap())
        #expect(r.cases.map(\.id) == ["1", "2"])
        #expect(r.fitness == 1)
        #expect(r.passed)
        // produced: 1 initial + 3 firings; consumed: 3 firings + the end marking (no final given).
        #expect(r.cases[0].tokens == tokens(0, 4, 0, 4))
        #expect(r.transitions.map(\.fired) == [2, 2, 2])
    }

    @Test func aSkippedEventCountsPM4PysTokens() throws {
        // a, c against a → b → c with final marking p3: c lacks p1→p2's token (missing 1),
        // p1 keeps a token (remaining 1); produced 1 + 1 + 1, consumed 1 + 1 + 1 (final).
        let log = try file("log.jsonl", "{\"event\": \"a\"}\n{\"event\": \"c\"}\n")
        let m = try map("conform: 1\nfinal: { p3: 1 }\n")
        let r = try ConformanceCheck.run(net: net(Self.sequence), netFile: "net.yaml", log: log, map: m)
        #expect(r.tokens == tokens(1, 3, 1, 3))
        #expect(abs(r.fitness - 2.0 / 3.0) < 1e-12)
        let d = try #require(r.cases.first?.firstDeviation)
        #expect(d.kind == .missingTokens)
        #expect(d.index == 2 && d.line == 2)
        #expect(d.needed == ["p2: ()"])
        #expect(d.marking == "p1: ()")
        #expect(!r.passed)
    }

    @Test func silentTransitionsFillTheGap() throws {
        let log = try file("log.jsonl", "{\"event\": \"a\"}\n{\"event\": \"c\"}\n")
        let m = try map("conform: 1\nsilent: [b]\nfinal: { p3: 1 }\n")
        let r = try ConformanceCheck.run(net: net(Self.sequence), netFile: "net.yaml", log: log, map: m)
        #expect(r.fitness == 1)
        #expect(r.transitions[1].silent == 1)
        #expect(r.tokens == tokens(0, 4, 0, 4))
    }

    @Test func coloredEventsBindVariablesAndFields() throws {
        // Job 1 and job 2 are both on shop: starting job 2 while job 1 flies breaks politeness.
        let log = try file("log.csv", """
            ts,event,job,host,proxy
            1,job_started,1,shop,p1
            2,job_started,2,shop,p2
            3,job_done,1,shop,p1
            4,job_done,2,shop,p2
            5,job_started,3,news,p1
            6,job_done,3,news,p1
            """)
        let m = try map("""
            conform: 1
            case: shared
            events:
              job_started: { transition: start, bind: { j.id: $.job, j.domain: $.host, p: $.proxy } }
              job_done: { transition: finish, bind: { j.id: $.job, p: $.proxy } }
            """)
        let r = try ConformanceCheck.run(net: net(Self.scraper), netFile: "net.yaml", log: log, map: m)
        #expect(r.cases.count == 1)
        #expect(r.deviationCounts[.missingTokens] == 1)
        #expect(r.deviationCounts[.guardFalse] == 1)  // job 3 finished on p1: the guard wants p2
        let first = try #require(r.cases[0].firstDeviation)
        #expect(first.kind == .missingTokens && first.line == 3)
        #expect(first.needed == ["slots: shop"])
        #expect(r.invariants.map(\.name) == ["polite"])
        #expect(r.invariants.first?.line == 3)
        #expect(r.tokens.missing == 1)
        #expect(!r.passed)
    }

    @Test func aValueOutsideTheColorIsWrongColor() throws {
        let log = try file("log.jsonl", "{\"event\": \"start\", \"j\": \"{id: 1, domain: blog}\"}\n")
        let r = try ConformanceCheck.run(net: net(Self.scraper), netFile: "net.yaml", log: log, map: ConformanceMap())
        #expect(r.deviationCounts[.wrongColor] == 1)
        #expect(r.cases[0].firstDeviation?.message.contains("blog") == true)
    }

    @Test func unknownEventsAreDeviationsWithoutTokens() throws {
        let log = try file("log.jsonl", "{\"event\": \"a\"}\n{\"event\": \"zzz\"}\n{\"event\": \"b\"}\n{\"event\": \"c\"}\n")
        let r = try ConformanceCheck.run(net: net(Self.sequence), netFile: "net.yaml", log: log, map: ConformanceMap())
        #expect(r.deviationCounts[.unknownEvent] == 1)
        #expect(r.tokens.missing == 0 && r.fitness == 1)
        let ignoring = try map("conform: 1\nunmapped: ignore\n")
        let r2 = try ConformanceCheck.run(net: net(Self.sequence), netFile: "net.yaml", log: log, map: ignoring)
        #expect(r2.deviationTotal == 0 && r2.ignoredEvents == 1)
    }

    @Test func theFinalPredicateDecidesRemainingTokens() throws {
        let log = try file("log.jsonl", "{\"event\": \"start\", \"j\": \"{id: 3, domain: news}\", \"p\": \"p2\"}\n")
        let r = try ConformanceCheck.run(net: net(Self.scraper), netFile: "net.yaml", log: log, map: ConformanceMap())
        #expect(r.final == .predicate)
        #expect(r.deviationCounts[.notFinal] == 1)
        // Everything left remains: 1 proxy, 1 slot, 2 jobs and the request in flight.
        #expect(r.tokens.remaining == 5)
    }

    @Test func badLinesStopOrAreSkipped() throws {
        let log = try file("log.jsonl", "{\"event\": \"a\"}\n{not json\n{\"event\": \"b\"}\n")
        guard case .failure(.log(let e)) = try ConformanceCheck.attempt(net: net(Self.sequence), netFile: "net.yaml", log: log, map: ConformanceMap()) else {
            Issue.record("the bad line was accepted"); return
        }
        #expect(e.line == 2)
        #expect(e.description.hasPrefix(log + ":2:1: "))
        var options = ConformanceOptions()
        options.onBadLine = .skip
        let r = try ConformanceCheck.run(net: net(Self.sequence), netFile: "net.yaml", log: log, map: ConformanceMap(), options: options)
        #expect(r.skippedLineCount == 1 && r.events == 2)
    }

    func tokens(_ m: Int, _ c: Int, _ r: Int, _ p: Int) -> ConformanceResult.Tokens {
        var t = ConformanceResult.Tokens()
        t.missing = m; t.consumed = c; t.remaining = r; t.produced = p
        return t
    }
}
