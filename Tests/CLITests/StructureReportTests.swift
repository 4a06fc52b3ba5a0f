import Foundation
import Testing

/// `verify --structure`: the structural section in text and JSON, and nothing
/// changed without the flag (the report goldens check the bytes).
@Suite struct StructureReportTests {
    static let reports = CLI.repositoryRoot.appendingPathComponent("Tests/Fixtures/reports")

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The keys of `value` against the schema node: every required key present,
    /// no key the node does not list (the schema says `additionalProperties: false`).
    func conforms(_ value: Any, _ node: [String: Any], _ defs: [String: Any], _ path: String) -> [String] {
        var node = node
        if let ref = node["$ref"] as? String, let name = ref.split(separator: "/").last.map(String.init) {
            guard let target = defs[name] as? [String: Any] else { return ["\(path): \(ref) is not in $defs"] }
            node = target
        }
        if let options = node["anyOf"] as? [[String: Any]] {
            return options.contains { conforms(value, $0, defs, path).isEmpty } ? [] : ["\(path) matches none of anyOf"]
        }
        var problems: [String] = []
        if let object = value as? [String: Any] {
            let properties = node["properties"] as? [String: Any] ?? [:]
            for key in node["required"] as? [String] ?? [] where object[key] == nil { problems.append("\(path) lacks `\(key)`") }
            for (key, sub) in object {
                guard let p = properties[key] as? [String: Any] else { problems.append("\(path) has unknown key `\(key)`"); continue }
                problems += conforms(sub, p, defs, "\(path).\(key)")
            }
        } else if let array = value as? [Any], let items = node["items"] as? [String: Any] {
            for (i, item) in array.enumerated() { problems += conforms(item, items, defs, "\(path)[\(i)]") }
        }
        return problems
    }

    @Test(arguments: ["passing.yaml", "failing.yaml", "deadlock.yaml", "unbounded.yaml"])
    func jsonStructureFollowsTheSchema(net: String) throws {
        let schema = try json(try String(contentsOf: CLI.repositoryRoot.appendingPathComponent("specs/report.schema.json"), encoding: .utf8))
        let defs = try #require(schema["$defs"] as? [String: Any])
        let run = try CLI.run(["verify", net, "--structure", "--format", "json", "--no-timing", "--max-states", "300"], in: Self.reports)
        let report = try json(run.stdout)
        let results = try #require(report["results"] as? [[String: Any]])
        let structure = try #require(results.first?["structure"], "\(run.stdout)")
        let problems = conforms(structure, ["$ref": "#/$defs/structure"], defs, "structure")
        #expect(problems.isEmpty, "\(problems)")
    }

    /// With the flag, an invariant a P-invariant proves shows that proof
    /// (`structural`) instead of the exhaustive one, or instead of `unknown` at
    /// a bound; nothing else in the result changes, and no exit code.
    @Test func theFlagOnlyAddsStructuralProofs() throws {
        for net in ["passing.yaml", "failing.yaml", "unbounded.yaml"] {
            let plain = try CLI.run(["verify", net, "--format", "json", "--no-timing", "--max-states", "300"], in: Self.reports)
            let structural = try CLI.run(["verify", net, "--structure", "--format", "json", "--no-timing", "--max-states", "300"],
                                         in: Self.reports)
            #expect(plain.status == structural.status, "\(net)")
            var withStructure = try #require((try json(structural.stdout))["results"] as? [[String: Any]])
            #expect(withStructure[0]["structure"] != nil)
            withStructure[0].removeValue(forKey: "structure")
            var without = try #require((try json(plain.stdout))["results"] as? [[String: Any]])
            var a = try #require(withStructure[0]["properties"] as? [[String: Any]])
            var b = try #require(without[0]["properties"] as? [[String: Any]])
            #expect(a.count == b.count)
            for i in a.indices where i < b.count {
                let proof = a[i]["proof"] as? [String: Any]
                if proof?["method"] as? String == "structural" {
                    #expect(["holds", "unknown"].contains(b[i]["status"] as? String), "\(net): a violation turned around")
                    for key in ["proof", "status", "undecided_because"] { a[i].removeValue(forKey: key); b[i].removeValue(forKey: key) }
                }
            }
            withStructure[0]["properties"] = a
            without[0]["properties"] = b
            func canonical(_ v: Any) throws -> String {
                String(decoding: try JSONSerialization.data(withJSONObject: v, options: [.sortedKeys]), as: UTF8.self)
            }
            #expect(try canonical(withStructure[0]) == (try canonical(without[0])), "\(net): the result changed")
        }
        let scraper = try CLI.run(["verify", "examples/polite-scraper/net.yaml", "--structure", "--max-states", "100"])
        #expect(scraper.status == 3, "bounded: deadlock and the rest are still unknown")
        #expect(scraper.stdout.contains("invariant proxies_conserved ......... holds: proved (structural, any initial marking with the same weighted token sums)"))
    }

    @Test func helpDescribesTheFlag() throws {
        let help = try CLI.run(["verify", "--help"])
        #expect(help.stdout.contains("--structure"))
        #expect(help.stdout.contains("P-invariants"))
    }
}
