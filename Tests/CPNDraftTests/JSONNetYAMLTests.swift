import CPNDiagnostics
import CPNDraft
import CPNJSON
import CPNLoad
import CPNModel
import Foundation
import Testing

/// A JSON net (a structured reply) written as YAML: canonical order and layout, quoting,
/// and the round trip of every example net and seeded bug through JSON.
@Suite struct JSONNetYAMLTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The YAML tree as JSON, keys in order: what a model writing the net as JSON sends.
    static func json(_ node: YAMLNode) -> JSONValue {
        switch node {
        case .mapping(let pairs, _): return .object(pairs.map { ($0.key.string, json($0.value)) })
        case .sequence(let items, _): return .array(items.map(json))
        case .scalar(let s):
            switch s.resolved {
            case .null: return .null
            case .bool: return .bool(["true", "True", "TRUE"].contains(s.string))
            case .int: return Int(s.string).map(JSONValue.int) ?? .string(s.string)
            case .float, .string: return .string(s.string)
            }
        }
    }

    static func nets() throws -> [URL] {
        let examples = repository.appendingPathComponent("examples")
        var found: [URL] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: examples.path).sorted() {
            let net = examples.appendingPathComponent("\(name)/net.yaml")
            if FileManager.default.fileExists(atPath: net.path) { found.append(net) }
            let bugs = examples.appendingPathComponent("\(name)/bugs")
            for bug in (try? FileManager.default.contentsOfDirectory(atPath: bugs.path))?.sorted() ?? [] where bug.hasSuffix(".yaml") {
                found.append(bugs.appendingPathComponent(bug))
            }
        }
        return found
    }

    /// Every example and bug, as JSON and back: the same net, the same diagnostics.
    @Test func everyExampleSurvivesTheRoundTripThroughJSON() throws {
        let files = try Self.nets()
        #expect(files.count >= 8)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            let original = NetLoader.load(text: text, path: file.lastPathComponent)
            guard case .success(let tree) = YAMLComposer.compose(SourceFile(path: file.path, text: text)) else {
                Issue.record("\(file.path) does not compose")
                continue
            }
            let yaml = JSONNetYAML.yaml(from: Self.json(tree), header: ["from \(file.lastPathComponent)"])
            let again = NetLoader.load(text: yaml, path: file.lastPathComponent)
            // Sorted: the diagnostics are in the order of their lines, which the layout may change.
            #expect(again.diagnostics.map { "\($0.code)" }.sorted() == original.diagnostics.map { "\($0.code)" }.sorted(), "\(file.path)\n\(yaml)")
            if let a = original.net, let b = again.net {
                let diff = NetDiff(from: a, to: b)
                #expect(diff.isEmpty, "\(file.path): \(diff.rendered())\n\(yaml)")
            } else {
                Issue.record("\(file.path): no net after the round trip\n\(yaml)")
            }
            // Written once more, the YAML is the same: the layout is canonical.
            if case .success(let tree2) = YAMLComposer.compose(SourceFile(path: "again.yaml", text: yaml)) {
                #expect(JSONNetYAML.yaml(from: Self.json(tree2), header: ["from \(file.lastPathComponent)"]) == yaml, "\(file.path)")
            }
        }
    }

    @Test func keysInTheFormatsOrderAndLongValuesAsBlocks() throws {
        let json = try #require(JSONValue.parse("""
        {"final": "size(targets) == 0", "transitions": {"fetch": {"out": {"done": "t"}, "guard": "t.attempt < 3",
          "in": {"targets": "t", "proxies": "p"}, "description": "Fetch one target through a free proxy, if it has attempts left."}},
         "places": {"targets": {"initial": ["{domain: shop, prio: 2, attempt: 0}", {"count": 2, "token": "{domain: news, prio: 1, attempt: 0}"}],
           "color": "Target"}, "done": "Target", "proxies": {"color": "Proxy", "initial": ["p1", "p2"]}},
         "colors": {"Proxy": {"enum": ["p1", "p2"]}, "Pair": "(Proxy, Target)"}, "name": "scraper", "cpn": 1, "extra": true}
        """))
        let yaml = JSONNetYAML.yaml(from: json, header: ["a header", "second line\nwith a break"])
        #expect(yaml == """
        # a header
        # second line with a break
        cpn: 1
        name: scraper

        colors:
          Proxy: { enum: [p1, p2] }
          Pair: "(Proxy, Target)"

        places:
          targets:
            color: Target
            initial:
              - "{domain: shop, prio: 2, attempt: 0}"
              - { token: "{domain: news, prio: 1, attempt: 0}", count: 2 }
          done: Target
          proxies: { color: Proxy, initial: [p1, p2] }

        transitions:
          fetch:
            description: "Fetch one target through a free proxy, if it has attempts left."
            in: { targets: t, proxies: p }
            guard: "t.attempt < 3"
            out: { done: t }
        final: "size(targets) == 0"
        extra: true

        """)
    }

    @Test func stringsAreQuotedUnlessTheyArePlainNames() {
        let net: JSONValue = ["cpn": 1, "places": ["p": ["color": "Unit"]],
                              "constants": ["A": "yes", "B": "3", "C": "Off", "D": "name_1", "E": "a: b # c",
                                            "F": "bidi \u{202E} tab\t bell\u{7} \"q\" \\", "G": "", "H": "ümlaut"]]
        let yaml = JSONNetYAML.yaml(from: net)
        #expect(yaml.contains("  A: \"yes\"\n"))
        #expect(yaml.contains("  B: \"3\"\n"))
        #expect(yaml.contains("  C: \"Off\"\n"))
        #expect(yaml.contains("  D: name_1\n"))
        #expect(yaml.contains("  E: \"a: b # c\"\n"))
        #expect(yaml.contains(#"  F: "bidi \u202E tab\t bell\u0007 \"q\" \\""#))
        #expect(yaml.contains("  G: \"\"\n"))
        #expect(yaml.contains("  H: \"ümlaut\"\n"))
        // YAML reads each back as the string it was.
        guard case .success(let tree) = YAMLComposer.compose(SourceFile(path: "q.yaml", text: yaml)),
              case .mapping(let top, _) = tree,
              case .mapping(let constants, _)? = top.first(where: { $0.key.string == "constants" })?.value else {
            Issue.record("the YAML does not compose:\n\(yaml)")
            return
        }
        let values = constants.compactMap { pair -> String? in if case .scalar(let s) = pair.value { s.string } else { nil } }
        #expect(values == ["yes", "3", "Off", "name_1", "a: b # c", "bidi \u{202E} tab\t bell\u{7} \"q\" \\", "", "ümlaut"])
    }

    @Test func aValueThatIsNotAnObjectIsWrittenForTheCheckerToRefuse() {
        let yaml = JSONNetYAML.yaml(from: [1, "two"], header: ["h"])
        #expect(yaml == "# h\n- 1\n- two\n")
        let loaded = NetLoader.load(text: yaml, path: "round-1.yaml")
        #expect(loaded.checked == nil && loaded.errorCount >= 1)
        #expect(loaded.diagnostics.first?.span?.start.line == 2)
    }
}

@Suite struct NetReplyTests {
    static let json = #"{"cpn": 1, "places": {"p": "Unit"}}"#

    @Test func howEachFormOfReplyIsRead() throws {
        let plain = try #require(NetReply.net(in: ModelReply(text: Self.json, format: .json, mode: "json_schema"), round: 3))
        #expect(plain == "# Written by cpn-author from the model's JSON reply (reply mode json_schema, round 3), as canonical YAML.\ncpn: 1\n\nplaces:\n  p: Unit\n")
        // Fenced JSON (a server under json_object that still fences), and prose with fenced YAML.
        let fenced = NetReply.net(in: ModelReply(text: "Here:\n```json\n\(Self.json)\n```\n", format: .json, mode: "json_object"), round: 1)
        #expect(fenced?.contains("places:\n  p: Unit\n") == true)
        let yaml = NetReply.net(in: ModelReply(text: "Here:\n```yaml\ncpn: 1\nplaces: {}\n```\n", format: .json, mode: "json_schema"), round: 1)
        #expect(yaml == "cpn: 1\nplaces: {}\n")
        // JSON cut short goes to the checker as it is, which says where it breaks.
        let cut = try #require(NetReply.net(in: ModelReply(text: #"{"cpn": 1, "places": {"p": "Un"#, format: .json), round: 1))
        #expect(cut == "{\"cpn\": 1, \"places\": {\"p\": \"Un\n")
        if case .invalid = NetGate().evaluate(yaml: cut, path: "round-1.yaml") {} else { Issue.record("a cut JSON reply passed the gate") }
        #expect(NetReply.net(in: ModelReply(text: "I cannot do that.", format: .json), round: 1) == nil)
        // A YAML-format reply is read as before, JSON or not.
        #expect(NetReply.net(in: ModelReply(text: "```yaml\ncpn: 1\n```\n"), round: 1) == "cpn: 1\n")
    }

    /// A model answering in JSON: the repair quotes the YAML written from round 1, with
    /// that YAML's line numbers, and the net that passes is YAML.
    @Test func aJSONSessionRepairsFromTheYAMLItWasWrittenAs() throws {
        struct JSONModel: DraftModel {
            var replies: [String]
            var asked: [[ChatTurn]] = []
            mutating func reply(system: String, conversation: [ChatTurn]) throws -> ModelReply {
                asked.append(conversation)
                return ModelReply(text: replies.removeFirst(), format: .json, mode: "tool")
            }
        }
        let broken = #"{"cpn": 1, "name": "one-lock", "places": {"lock": {"color": "Lock", "initial": 1}}}"#
        let good = #"{"cpn": 1, "name": "one-lock", "places": {"lock": {"color": "Unit", "initial": 1}, "waiting": {"color": "Unit", "initial": 2}, "holding": "Unit", "done": "Unit"}, "transitions": {"acquire": {"in": {"lock": 1, "waiting": 1}, "out": {"holding": 1}}, "release": {"in": {"holding": 1}, "out": {"lock": 1, "done": 1}}}, "invariants": {"mutual_exclusion": "size(holding) <= 1"}, "final": "size(done) == 2"}"#
        var model = JSONModel(replies: [broken, good])
        let result = try DraftSession().draft(requirements: "one lock", path: "r.md", model: &model)
        #expect(result.passed)
        #expect(result.rounds.map(\.replyMode) == ["tool", "tool"])
        let repair = model.asked[1].last?.content ?? ""
        #expect(repair.contains("round-1.yaml:6:"), "\(repair)")
        #expect(repair.contains("6 |   lock: { color: Lock, initial: 1 }"), "\(repair)")
        let net = try #require(result.net)
        #expect(net.hasPrefix("# Written by cpn-author from the model's JSON reply (reply mode tool, round 2)"))
        #expect(NetLoader.load(text: net, path: "net.yaml").checked != nil)
    }
}
