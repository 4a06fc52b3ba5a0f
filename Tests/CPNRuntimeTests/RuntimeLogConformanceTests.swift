import CPNJSON
import Foundation
import Testing

/// The runtime's own event log conforms to its net (`cpn-author conform NET <(log export)`),
/// and a log edited by hand (an event dropped, two swapped, a field changed) deviates
/// where the edit is.
@Suite struct RuntimeLogConformanceTests {
    static let examples = ["job-pipeline", "lease-manager", "polite-scraper", "rate-limiter", "retry-circuit-breaker", "saga"]

    func conform(_ net: String, _ log: URL, in dir: URL) throws -> (status: Int32, report: JSONValue?) {
        let r = try RuntimeTest.runCapturing(["conform", net, log.path, "--format", "json", "--no-timing"], in: dir)
        return (r.status, JSONValue.parse(r.stdout))
    }

    func exportedLog(_ example: String, in dir: URL) throws -> (net: String, lines: [String]) {
        let net = RuntimeTest.path("examples/\(example)/net.yaml")
        let run = try RuntimeTest.run(["run", net, "--store", "sqlite:\(example).db", "--no-verify", "--tick", "2ms", "--until", "final"], in: dir)
        #expect(run.status == 0, "\(example): \(run.output)")
        let out = dir.appendingPathComponent("\(example).jsonl")
        let export = try RuntimeTest.run(["log", "export", "--store", "sqlite:\(example).db", "-o", out.path], in: dir)
        #expect(export.status == 0, "\(export.output)")
        let text = try String(contentsOf: out, encoding: .utf8)
        return (net, text.split(separator: "\n").map(String.init))
    }

    @Test(arguments: examples) func everyExampleRunConforms(_ example: String) throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (net, lines) = try exportedLog(example, in: dir)
        let fires = lines.filter { $0.contains("\"kind\":\"fire\"") }
        #expect(!fires.isEmpty)
        let (status, report) = try conform(net, dir.appendingPathComponent("\(example).jsonl"), in: dir)
        #expect(status == 0, "\(example): \(report?.pretty ?? "no report")")
        #expect(report?["fitness"] == .double(1))
        #expect(report?["events"] == .int(fires.count))
        #expect(report?["deviations"]?.array?.isEmpty == true)
    }

    @Test func editedLogsDeviateWhereTheyWereEdited() throws {
        let dir = try RuntimeTest.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (net, lines) = try exportedLog("job-pipeline", in: dir)
        let fireIndices = lines.indices.filter { lines[$0].contains("\"kind\":\"fire\"") }
        #expect(fireIndices.count >= 3)
        func write(_ name: String, _ edited: [String]) throws -> URL {
            let url = dir.appendingPathComponent(name)
            try (edited.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
            return url
        }
        // An event dropped: the one after it lacks the tokens the dropped one made.
        var dropped = lines
        let gone = fireIndices[0]
        dropped.remove(at: gone)
        let d = try conform(net, write("dropped.jsonl", dropped), in: dir)
        #expect(d.status == 1)
        let fitness = try #require(d.report?["fitness"]?.double)
        #expect(fitness < 1)
        #expect(d.report?["deviation_counts"]?["missing_tokens"] != nil)

        // Two swapped: the first firing and the first one that takes a token it made.
        func ids(_ line: String, _ key: String) -> Set<Int> {
            Set((JSONValue.parse(line)?[key]?.array ?? []).compactMap { $0["id"]?.int })
        }
        let made = ids(lines[fireIndices[0]], "produced")
        let consumer = try #require(fireIndices.dropFirst().first { !ids(lines[$0], "consumed").isDisjoint(with: made) })
        var swapped = lines
        swapped.swapAt(fireIndices[0], consumer)
        let s = try conform(net, write("swapped.jsonl", swapped), in: dir)
        let first = s.report?["deviations"]?[0]
        #expect(s.status == 1)
        #expect(first?["kind"] == .string("missing_tokens"))
        #expect(first?["line"] == .int(fireIndices[0] + 1), "\(s.report?.pretty ?? "")")

        // A field changed: the transition's name becomes one the net does not have.
        var changed = lines
        let k = fireIndices[1]
        changed[k] = changed[k].replacingOccurrences(of: "\"transition\":\"", with: "\"transition\":\"x_")
        let c = try conform(net, write("changed.jsonl", changed), in: dir)
        #expect(c.status == 1)
        #expect(c.report?["deviations"]?[0]?["kind"] == .string("unknown_event"))
        #expect(c.report?["deviations"]?[0]?["line"] == .int(k + 1))
    }
}
