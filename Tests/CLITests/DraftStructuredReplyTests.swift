import CPNFakeLLM
import CPNLoad
import Foundation
import Testing

/// `cpn-author draft` asking for structured replies (JSON against the net schema) from the
/// fake server: OpenAI's `response_format` modes and their fallbacks when a server refuses
/// one (modelled on llama-cpp-python's HTTP 500), Anthropic's forced tool, `--no-structured`,
/// the repair round of a JSON net that fails the check, and replay. The replies are
/// scripted here, not recorded from a model.
@Suite struct DraftStructuredReplyTests {
    typealias T = DraftCommandTests

    /// `DraftCommandTests.goodNet` as JSON, its sections out of the format's order
    /// (`final` first, transitions before places) to show the YAML puts them back.
    static let goodJSON = """
    {"final": "size(done) == 2", "transitions": {"acquire": {"out": {"holding": 1}, "in": {"lock": 1, "waiting": 1}},
     "release": {"in": {"holding": 1}, "out": {"lock": 1, "done": 1}}}, "cpn": 1, "name": "one-lock",
     "places": {"lock": {"initial": 1, "color": "Unit"}, "waiting": {"color": "Unit", "initial": 2}, "holding": "Unit", "done": "Unit"},
     "invariants": {"mutual_exclusion": "size(holding) <= 1"}}
    """

    /// An undeclared color, `Lock`, on the place `lock`.
    static let brokenJSON = #"{"cpn": 1, "name": "one-lock", "places": {"waiting": "Unit", "lock": {"color": "Lock", "initial": 1}}}"#

    /// The YAML written from `goodJSON` (round 1, json_schema), byte for byte.
    static func goodYAML(mode: String = "json_schema", round: Int = 1) -> String {
        """
        # Written by cpn-author from the model's JSON reply (reply mode \(mode), round \(round)), as canonical YAML.
        cpn: 1
        name: one-lock

        places:
          lock: { color: Unit, initial: 1 }
          waiting: { color: Unit, initial: 2 }
          holding: Unit
          done: Unit

        transitions:
          acquire: { in: { lock: 1, waiting: 1 }, out: { holding: 1 } }
          release: { in: { holding: 1 }, out: { lock: 1, done: 1 } }

        invariants:
          mutual_exclusion: "size(holding) <= 1"
        final: "size(done) == 2"

        """
    }

    static func records(_ s: T.Session, _ type: String) -> [[String: Any]] {
        s.records.filter { $0["type"] as? String == type }
    }

    @Test(arguments: [true, false])
    func jsonSchemaAcceptedIsWrittenAsCanonicalYAML(stream: Bool) throws {
        let s = try T.draft([stream ? .openAIStream(text: Self.goodJSON) : .openAIChat(text: Self.goodJSON)], stream: stream)
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 0, "\(s.all)")
        #expect(s.outputText == Self.goodYAML())
        #expect(NetLoader.load(text: s.outputText ?? "", path: "net.yaml").checked != nil)

        let request = try #require(s.server.requests.first)
        #expect(request.responseFormatType == "json_schema")
        let jsonSchema = try #require(request.responseFormat?["json_schema"] as? [String: Any])
        #expect(jsonSchema["name"] as? String == "cpn_net")
        #expect(jsonSchema["strict"] as? Bool == false)
        let schema = try #require(jsonSchema["schema"] as? [String: Any])
        #expect(schema["$schema"] == nil && schema["$id"] == nil)
        #expect((schema["required"] as? [String]) == ["cpn", "places"])
        #expect((schema["properties"] as? [String: Any])?["transitions"] != nil)
        #expect(request.systemPrompt?.contains("Your replies are constrained to JSON") == true)
        // json_schema carries the schema on the wire, so the prompt does not repeat it.
        #expect(request.systemPrompt?.contains("The JSON Schema of the net") == false)

        #expect(s.run.stderr.contains("json_schema reply"), "\(s.run.stderr)")
        #expect(s.run.stdout.contains("  replies  json_schema\n"), "\(s.run.stdout)")
        #expect(Self.records(s, "request").map { $0["reply_mode"] as? String } == ["json_schema"])
        #expect(Self.records(s, "response").map { $0["reply_mode"] as? String } == ["json_schema"])
        #expect(s.records.first?["structured"] as? Bool == true)
    }

    @Test func jsonSchemaRefusedFallsBackToJSONObjectInTheSameRound() throws {
        let s = try T.draft([.llamaCppJSONSchemaRefusal(), .openAIStream(text: Self.goodJSON)],
                            arguments: ["--retries", "3"])
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 0, "\(s.all)")
        // Refused once, not retried as a server failure: two requests in all.
        #expect(s.server.requests.map(\.responseFormatType) == ["json_schema", "json_object"])
        #expect(s.server.requests[1].responseFormat?["json_schema"] == nil)
        // json_object constrains to "some JSON": the schema travels in the prompt.
        #expect(s.server.requests[1].systemPrompt?.contains("The JSON Schema of the net") == true)
        #expect(s.run.stderr.contains("round 1: the server refused json_schema replies (HTTP 500: \"1 validation error"), "\(s.run.stderr)")
        #expect(s.run.stderr.contains("asking again for a JSON object (json_object), for the rest of the session"), "\(s.run.stderr)")
        #expect(!s.run.stderr.contains("trying again in"), "a refusal is not retried: \(s.run.stderr)")
        #expect(s.run.stdout.contains("verdict: VERIFIED in round 1 of 4"), "\(s.run.stdout)")
        #expect(s.run.stdout.contains("  replies  json_object (refused: json_schema)"), "\(s.run.stdout)")
        #expect(s.outputText == Self.goodYAML(mode: "json_object"))

        // The transcript: the refused request, its error, the same round asked again.
        let lines = s.records.compactMap { r -> String? in
            guard let type = r["type"] as? String, type != "session", type != "event" else { return nil }
            return "\(type) \(r["round"] ?? "?") \(r["reply_mode"] ?? r["refused_reply_mode"] ?? "-")"
        }
        #expect(lines == ["request 1 json_schema", "error 1 json_schema", "request 1 json_object", "response 1 json_object"])
    }

    @Test func jsonObjectRefusedTooFallsBackToFencedYAML() throws {
        let s = try T.draft([.llamaCppJSONSchemaRefusal(), .responseFormatUnsupported(status: 422),
                             .openAIChat(text: T.fenced(T.goodNet))], stream: false)
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 0, "\(s.all)")
        #expect(s.server.requests.map(\.responseFormatType) == ["json_schema", "json_object", nil])
        #expect(s.server.requests[2].systemPrompt?.contains("constrained to JSON") == false)
        #expect(s.outputText == T.goodNet)
        #expect(s.run.stdout.contains("verdict: VERIFIED in round 1 of 4"), "\(s.run.stdout)")
        #expect(s.run.stdout.contains("  replies  fenced_yaml (refused: json_schema, json_object)"), "\(s.run.stdout)")
    }

    @Test func aServerErrorThatNamesNoReplyModeIsRetriedNotTakenForARefusal() throws {
        let s = try T.draft([.openAIError(status: 500, message: "The server had an error while processing your request", type: "server_error"),
                             .openAIStream(text: Self.goodJSON)])
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 0, "\(s.all)")
        #expect(s.server.requests.map(\.responseFormatType) == ["json_schema", "json_schema"])
        #expect(s.run.stderr.contains("trying again in"), "\(s.run.stderr)")
    }

    @Test(arguments: [true, false])
    func anthropicForcedToolCall(stream: Bool) throws {
        let reply: FakeReply = stream ? .anthropicToolStream(input: Self.goodJSON)
                                      : .anthropicToolUse(input: Self.goodJSON, text: "Here is the net.")
        let s = try T.draft([reply], provider: "anthropic", stream: stream)
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 0, "\(s.all)")
        let request = try #require(s.server.requests.first)
        #expect(request.responseFormat == nil)
        let tool = try #require(request.tools?.first)
        #expect(tool["name"] as? String == "cpn_net")
        #expect((tool["input_schema"] as? [String: Any])?["type"] as? String == "object")
        #expect(request.toolChoice?["type"] as? String == "tool")
        #expect(request.toolChoice?["name"] as? String == "cpn_net")
        let yaml = try #require(s.outputText)
        #expect(yaml.hasPrefix("# Written by cpn-author from the model's JSON reply (reply mode tool, round 1)"))
        #expect(NetLoader.load(text: yaml, path: "net.yaml").checked != nil)
        // Non-streamed, the tool input is re-rendered from the parsed block, keys in the
        // model's order: the same YAML either way.
        #expect(yaml.replacingOccurrences(of: "reply mode tool", with: "reply mode json_schema") == Self.goodYAML())
        #expect(s.run.stdout.contains("  replies  tool\n"), "\(s.run.stdout)")
    }

    @Test func anthropicToolRefusedFallsBackToFencedYAML() throws {
        let s = try T.draft([.anthropicError(status: 400, message: "tools: this endpoint does not support tool use"),
                             .anthropicStream(text: T.fenced(T.goodNet))], provider: "anthropic")
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 0, "\(s.all)")
        #expect(s.server.requests.count == 2)
        #expect(s.server.requests[1].tools == nil && s.server.requests[1].toolChoice == nil)
        #expect(s.outputText == T.goodNet)
    }

    @Test func noStructuredAsksForFencedYAML() throws {
        let s = try T.draft([.openAIStream(text: T.fenced(T.goodNet))], arguments: ["--no-structured"])
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 0, "\(s.all)")
        let request = try #require(s.server.requests.first)
        #expect(request.responseFormat == nil)
        #expect(request.systemPrompt?.contains("constrained to JSON") == false)
        #expect(s.outputText == T.goodNet)
        #expect(s.records.first?["structured"] as? Bool == false)
        #expect(Self.records(s, "request").map { $0["reply_mode"] as? String } == ["fenced_yaml"])

        let anthropic = try T.draft([.anthropicStream(text: T.fenced(T.goodNet))], provider: "anthropic", arguments: ["--no-structured"])
        defer { try? FileManager.default.removeItem(at: anthropic.directory) }
        #expect(anthropic.run.status == 0, "\(anthropic.all)")
        #expect(anthropic.server.requests.first?.tools == nil)
    }

    @Test func aServerThatIgnoresTheFormatAndFencesYAMLStillWorks() throws {
        let s = try T.draft([.openAIStream(text: T.fenced(T.goodNet))])
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 0, "\(s.all)")
        #expect(s.server.requests.first?.responseFormatType == "json_schema")
        #expect(s.outputText == T.goodNet)
    }

    @Test func aJSONNetThatFailsTheCheckGetsARepairRoundWithItsYAMLLines() throws {
        let s = try T.draft([.openAIStream(text: Self.brokenJSON), .openAIStream(text: Self.goodJSON)])
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 0, "\(s.all)")
        #expect(s.run.stderr.contains("round 1: check failed: 1 error"), "\(s.run.stderr)")
        let repair = s.lastUserMessage(1)
        // Line 7 of the YAML written from the reply: header, cpn, name, blank, places:, waiting, lock.
        #expect(repair.contains("round-1.yaml:7:"), "\(repair)")
        #expect(repair.contains("7 |   lock: { color: Lock, initial: 1 }"), "\(repair)")
        #expect(s.outputText == Self.goodYAML(round: 2))
        // The verdict event keeps the YAML the diagnostics point into.
        let verdict = try #require(Self.records(s, "event").first { $0["name"] as? String == "verdict" })
        #expect((verdict["net"] as? String)?.contains("  lock: { color: Lock, initial: 1 }") == true)
        #expect(verdict["reply_mode"] as? String == "json_schema")
        #expect(s.run.stdout.contains("verdict: VERIFIED in round 2 of 4"), "\(s.run.stdout)")
    }

    @Test func theModeReachedIsKeptForLaterRounds() throws {
        let s = try T.draft([.llamaCppJSONSchemaRefusal(), .openAIStream(text: Self.brokenJSON), .openAIStream(text: Self.goodJSON)])
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 0, "\(s.all)")
        // Round 2 does not try json_schema again.
        #expect(s.server.requests.map(\.responseFormatType) == ["json_schema", "json_object", "json_object"])
        #expect(s.run.stdout.contains("verdict: VERIFIED in round 2 of 4"), "\(s.run.stdout)")
        #expect(Self.records(s, "request").map { $0["round"] as? Int } == [1, 1, 2])
    }

    @Test func aReplayReadsEachReplyInItsRecordedMode() throws {
        let s = try T.draft([.llamaCppJSONSchemaRefusal(), .openAIStream(text: Self.brokenJSON), .openAIStream(text: Self.goodJSON)])
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 0, "\(s.all)")
        s.server.stop()
        var environment = T.environment(s.directory, key: "")
        environment["OPENAI_API_KEY"] = ""
        let replay = try CLI.run(["draft", "--replay", "net.draft.jsonl", "-o", "replayed.yaml", "--transcript", "again.jsonl"],
                                 in: s.directory, environment: environment)
        #expect(replay.status == 0, "\(replay.stdout)\(replay.stderr)")
        #expect(try String(contentsOf: s.directory.appendingPathComponent("replayed.yaml"), encoding: .utf8) == Self.goodYAML(mode: "json_object", round: 2))
        #expect(replay.stderr.contains("round 1: check failed: 1 error"), "\(replay.stderr)")
        #expect(replay.stdout.contains("  replies  json_object (refused: json_schema)"), "\(replay.stdout)")
        #expect(replay.stderr.contains("draft: recorded: round 1's server refused json_schema replies"), "\(replay.stderr)")
        // The replay's own transcript says the same modes.
        let again = try String(contentsOf: s.directory.appendingPathComponent("again.jsonl"), encoding: .utf8)
        let modes = again.split(separator: "\n").compactMap { line -> String? in
            guard let r = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                  ["request", "response"].contains(r["type"] as? String ?? "") else { return nil }
            return r["reply_mode"] as? String
        }
        #expect(modes == ["json_object", "json_object", "json_object", "json_object"])
    }

    // MARK: - Hostile JSON replies

    /// Nesting past the JSON parser's cap, a reply that is a JSON array, and 3 MB of JSON
    /// (a description that long, on a place of an undeclared color): each is a check
    /// failure with a position, never a crash or a hang, and the next round still passes.
    /// (Not 50,000 places: `check` itself takes minutes on that many, fenced YAML or not.)
    @Test func hostileJSONRepliesAreCheckFailures() throws {
        let deep = #"{"cpn": 1, "places": "# + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "}"
        let huge = #"{"cpn": 1, "places": {"p": {"color": "Nowhere", "description": ""# + String(repeating: "x", count: 3_000_000) + #""}}}"#
        let s = try T.draft([.openAIChat(text: deep), .openAIChat(text: "[1, 2]"), .openAIChat(text: huge), .openAIChat(text: Self.goodJSON)],
                            stream: false)
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 0, "\(s.all.prefix(3_000))")
        let summaries = Self.records(s, "event").filter { $0["name"] as? String == "verdict" }.compactMap { $0["summary"] as? String }
        #expect(summaries.count == 4)
        #expect(summaries.prefix(3).allSatisfy { $0.hasPrefix("check failed") }, "\(summaries)")
        #expect(s.lastUserMessage(1).contains("round-1.yaml:1:"), "\(s.lastUserMessage(1).prefix(1_000))")
        #expect(s.lastUserMessage(2).contains("round-2.yaml:2:"), "\(s.lastUserMessage(2).prefix(1_000))")
        #expect(s.outputText == Self.goodYAML(round: 4))
    }

    // MARK: - revise

    @Test func reviseWithAJSONReplyWritesYAMLAndShowsTheDiff() throws {
        let threeClients = Self.goodJSON.replacingOccurrences(of: #""waiting": {"color": "Unit", "initial": 2}"#,
                                                              with: #""waiting": {"color": "Unit", "initial": 3}"#)
            .replacingOccurrences(of: #""final": "size(done) == 2""#, with: #""final": "size(done) == 3""#)
        let s = try T.revise([.openAIChat(text: threeClients)])
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 0, "\(s.all)")
        #expect(s.server.requests.first?.responseFormatType == "json_schema")
        // The net to change still goes to the model as YAML.
        #expect(s.lastUserMessage(0).contains("```yaml\ncpn: 1\nname: one-lock"), "\(s.lastUserMessage(0))")
        let written = try #require(s.outputText)
        #expect(written.contains("  waiting: { color: Unit, initial: 3 }\n") && written.contains(#"final: "size(done) == 3""#), "\(written)")
        #expect(s.run.stdout.contains("what the model changed (2 changed):"), "\(s.run.stdout)")
        #expect(s.run.stdout.contains("`size(done) == 2` → `size(done) == 3`"), "\(s.run.stdout)")
    }
}
