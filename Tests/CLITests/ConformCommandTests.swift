import CPNJSON
import Foundation
import Testing

/// `cpn-author conform` end to end: the worked example, every log format, every report
/// format, and bad input (exit 2 with file:line:column).
@Suite struct ConformCommandTests {
    static let example = CLI.repositoryRoot.appendingPathComponent("examples/polite-scraper/conformance")
    static let fixtures = "Tests/Fixtures/conformance"

    @Test func theScraperExampleFindsThePolitenessBreach() throws {
        let r = try CLI.run(["conform", "../net.yaml", "scraper.jsonl", "--map", "map.yml", "--no-timing"], in: Self.example)
        #expect(r.status == 1, "\(r.stderr)")
        let committed = try String(contentsOf: Self.example.appendingPathComponent("report.txt"), encoding: .utf8)
        #expect(r.stdout == committed, "examples/polite-scraper/conformance/report.txt is stale: regenerate it (see its README)")
        #expect(r.stdout.contains("missing_tokens: `start_fetch` is not enabled: the marking lacks `domain_slots: shop`"))
        #expect(r.stdout.contains("domain_limit: in 1 case, first in case (log) after line 3"))
        let json = try CLI.run(["conform", "../net.yaml", "scraper.jsonl", "--map", "map.yml", "--no-timing", "--format", "json"], in: Self.example)
        let committedJSON = try String(contentsOf: Self.example.appendingPathComponent("report.json"), encoding: .utf8)
        #expect(json.stdout == committedJSON)
    }

    @Test func xesAndPNMLGiveTheCrossCheckedFitness() throws {
        // 0.75 is PM4Py's log fitness for this pair (scripts/pm4py-crosscheck.sh compares every pair).
        let r = try CLI.run(["conform", "\(Self.fixtures)/sequence.pnml", "\(Self.fixtures)/sequence.xes", "--map", "\(Self.fixtures)/sequence.map.yaml",
                             "--format", "json", "--no-timing"], in: CLI.repositoryRoot)
        #expect(r.status == 1)
        let doc = try #require(JSONValue.parse(r.stdout))
        #expect(doc["fitness"]?.double.map { abs($0 - 0.75) < 1e-12 } == true)
        #expect(doc["cases"] == .int(6))
        #expect(doc["log_format"] == .string("xes"))
        let pass = try CLI.run(["conform", "\(Self.fixtures)/sequence.pnml", "\(Self.fixtures)/sequence.xes", "--map", "\(Self.fixtures)/sequence.map.yaml",
                                "--min-fitness", "0.7"], in: CLI.repositoryRoot)
        #expect(pass.status == 0)
    }

    @Test func ocelObjectsAreCases() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
            cpn: 1
            name: orders
            places:
              new: { color: Unit, initial: 1 }
              paid: Unit
              shipped: Unit
            transitions:
              pay: { in: { new: () }, out: { paid: () } }
              ship: { in: { paid: () }, out: { shipped: () } }
            final: "size(shipped) == 1"
            """.write(to: dir.appendingPathComponent("net.yaml"), atomically: true, encoding: .utf8)
        try """
            {"objectTypes": [{"name": "order", "attributes": []}], "eventTypes": [{"name": "pay", "attributes": []}, {"name": "ship", "attributes": []}],
             "objects": [{"id": "o1", "type": "order"}, {"id": "o2", "type": "order"}],
             "events": [
               {"id": "e3", "type": "ship", "time": "2026-01-01T12:00:00Z", "relationships": [{"objectId": "o1", "qualifier": ""}, {"objectId": "o2", "qualifier": ""}]},
               {"id": "e1", "type": "pay", "time": "2026-01-01T10:00:00Z", "relationships": [{"objectId": "o1", "qualifier": ""}]}
             ]}
            """.write(to: dir.appendingPathComponent("log.jsonocel"), atomically: true, encoding: .utf8)
        try "conform: 1\ncase: { object_type: order }\n".write(to: dir.appendingPathComponent("map.yaml"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["conform", "net.yaml", "log.jsonocel", "--map", "map.yaml", "--format", "json", "--no-timing"], in: dir)
        let doc = try #require(JSONValue.parse(r.stdout), "\(r.stderr)")
        // o1 pays then ships; o2 ships unpaid: one missing token.
        #expect(doc["per_case"]?[0]?["case"] == .string("o1") && doc["per_case"]?[0]?["fits"] == .bool(true))
        #expect(doc["per_case"]?[1]?["case"] == .string("o2") && doc["per_case"]?[1]?["tokens"]?["missing"] == .int(1))
        #expect(r.status == 1)
    }

    @Test func everyReportFormat() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["conform", Self.example.appendingPathComponent("../net.yaml").path, Self.example.appendingPathComponent("scraper.jsonl").path,
                    "--map", Self.example.appendingPathComponent("map.yml").path, "--no-timing",
                    "--format", "sarif", "-o", "r.sarif", "--format", "junit", "-o", "r.xml", "--format", "markdown", "-o", "r.md", "--format", "text"]
        let r = try CLI.run(args, in: dir)
        #expect(r.status == 1)
        let sarif = try #require(JSONValue.parse(String(contentsOf: dir.appendingPathComponent("r.sarif"), encoding: .utf8)))
        let results = sarif["runs"]?[0]?["results"]?.array ?? []
        #expect(results.map { $0["ruleId"]?.string } == ["conformance/missing_tokens", "conformance/invariant", "conformance/invariant"])
        #expect(results.first?["locations"]?[0]?["physicalLocation"]?["region"]?["startLine"] == .int(3))
        let junit = try String(contentsOf: dir.appendingPathComponent("r.xml"), encoding: .utf8)
        #expect(junit.contains("<testcase name=\"invariant domain_limit\"") && junit.contains("failures=\"4\""))
        let md = try String(contentsOf: dir.appendingPathComponent("r.md"), encoding: .utf8)
        #expect(md.hasPrefix("### ❌ Conformance of `polite-scraper`"))
        #expect(r.stdout.contains("DEVIATES"))
    }

    @Test func badInputIsExitTwoWithItsPosition() throws {
        let dir = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let net = Self.example.appendingPathComponent("../net.yaml").path
        try "conform: 1\nevents:\n  fetch_start: { transition: start_fetsh }\n".write(to: dir.appendingPathComponent("map.yaml"), atomically: true, encoding: .utf8)
        try "{\"event\": \"start_fetch\"}\nnot json\n".write(to: dir.appendingPathComponent("log.jsonl"), atomically: true, encoding: .utf8)
        let badMap = try CLI.run(["conform", net, "log.jsonl", "--map", "map.yaml"], in: dir)
        #expect(badMap.status == 2)
        #expect(badMap.stderr.contains("map.yaml:3:30"), "\(badMap.stderr)")
        #expect(badMap.stderr.contains("did you mean `start_fetch`?"))
        let badLine = try CLI.run(["conform", net, "log.jsonl"], in: dir)
        #expect(badLine.status == 2)
        #expect(badLine.stderr.contains("log.jsonl:2:1: the line is not valid JSON"))
        let skipped = try CLI.run(["conform", net, "log.jsonl", "--on-bad-line", "skip", "--format", "json"], in: dir)
        #expect(JSONValue.parse(skipped.stdout)?["skipped_lines"] == .int(1))
        let missing = try CLI.run(["conform", net, "nothing.jsonl"], in: dir)
        #expect(missing.status == 2 && missing.stderr.contains("nothing.jsonl:1:1: cannot open the log"))
    }

    @Test(arguments: [false, true]) func theJSONReportFollowsItsSchema(noTiming: Bool) throws {
        let schemaText = try String(contentsOf: CLI.repositoryRoot.appendingPathComponent("specs/conformance.schema.json"), encoding: .utf8)
        let schema = try #require(JSONValue.parse(schemaText))
        var args = ["conform", "../net.yaml", "scraper.jsonl", "--map", "map.yml", "--format", "json"]
        if noTiming { args.append("--no-timing") }
        let doc = try #require(JSONValue.parse(try CLI.run(args, in: Self.example).stdout))
        func check(_ value: JSONValue?, _ def: JSONValue?, _ at: String) {
            guard let members = value?.object, let def else { return }
            let properties = def["properties"]?.object?.map(\.0) ?? []
            for key in def["required"]?.array?.compactMap(\.string) ?? [] { #expect(members.contains { $0.0 == key }, "\(at): no `\(key)`") }
            for (key, _) in members { #expect(properties.contains(key), "\(at): `\(key)` is not in the schema") }
        }
        check(doc, schema, "report")
        #expect((doc["elapsed_ms"] == nil) == noTiming)
        let defs = schema["$defs"]
        let perCase = schema["properties"]?["per_case"]?["items"]
        check(doc["per_case"]?[0], perCase, "per_case[0]")
        check(doc["per_case"]?[0]?["first_deviation"], defs?["deviation"], "first_deviation")
        check(doc["tokens"], defs?["tokens"], "tokens")
        check(doc["invariants_violated"]?[0], schema["properties"]?["invariants_violated"]?["items"], "invariants_violated[0]")
        check(doc["transitions"]?[0], schema["properties"]?["transitions"]?["items"], "transitions[0]")
        let kinds = defs?["deviationKind"]?["enum"]?.array?.compactMap(\.string) ?? []
        for (k, _) in doc["deviation_counts"]?.object ?? [] { #expect(kinds.contains(k)) }
    }
}
