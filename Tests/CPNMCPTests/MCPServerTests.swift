import CPNJSON
import Foundation
import MCP
import Testing

@testable import CPNMCP

/// The server's own pieces, without a client process: the bounded transport,
/// root confinement, argument checks, and calls through the SDK's in-memory
/// transport. `scripts/mcp-client-check.sh` drives the binary with the official
/// Python SDK on top of these.
@Suite struct LineTransportTests {
    /// Writes `bytes` into a pipe read by a transport whose other end is another pipe.
    /// With `reply`, waits (blocking, however long it takes) for one line the transport writes back.
    private func exchange(_ bytes: Data, limit: Int, reply: Bool = false) async throws -> (messages: [String], replies: String) {
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0]
        #expect(pipe(&input) == 0 && pipe(&output) == 0)
        let transport = LineTransport(input: input[0], output: output[1], maximumMessageBytes: limit)
        try await transport.connect()
        let writeEnd = input[1]
        let writer = Thread {
            bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count { offset += max(0, write(writeEnd, raw.baseAddress! + offset, raw.count - offset)) }
            }
            close(writeEnd)
        }
        writer.start()
        var messages: [String] = []
        for try await message in await transport.receive() { messages.append(String(decoding: message, as: UTF8.self)) }
        // The refusal is sent from a task of its own: read until its line is complete.
        if !reply { close(output[1]) }
        var replies = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !(reply && replies.contains(UInt8(ascii: "\n"))) {
            let n = read(output[0], &buffer, buffer.count)
            if n <= 0 { break }
            replies.append(contentsOf: buffer[0..<n])
        }
        if reply { close(output[1]) }
        close(output[0]); close(input[0])
        return (messages, String(decoding: replies, as: UTF8.self))
    }

    @Test func splitsAtNewlinesAndDropsBlankLines() async throws {
        let (messages, replies) = try await exchange(Data("{\"a\":1}\n\n  \n{\"b\":2}\r\n{\"c\":3}".utf8), limit: 1024)
        // A message cut off by the end of input is not a message.
        #expect(messages == ["{\"a\":1}", "{\"b\":2}\r"])
        #expect(replies.isEmpty)
    }

    @Test func anOversizedMessageIsAnsweredAndTheNextOneStillArrives() async throws {
        let big = "{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"tools/call\",\"params\":{\"x\":\"" + String(repeating: "y", count: 200_000) + "\"}}"
        let (messages, replies) = try await exchange(Data((big + "\n{\"ok\":true}\n").utf8), limit: 1000, reply: true)
        #expect(messages == ["{\"ok\":true}"])
        let reply = try #require(JSONValue.parse(replies.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(reply["id"] == .int(42))
        #expect(reply["error"]?["code"] == .int(-32600))
        #expect(reply["error"]?["message"]?.string?.contains("larger than") == true)
    }

    @Test func readsTheIDOfACutMessage() {
        #expect(LineTransport.requestID(in: Data(#"{"jsonrpc":"2.0","id": "r-7","method""#.utf8)) == .string("r-7"))
        #expect(LineTransport.requestID(in: Data(#"{"id":-3,"#.utf8)) == .int(-3))
        #expect(LineTransport.requestID(in: Data(#"{"method":"x"#.utf8)) == nil)
        #expect(LineTransport.requestID(in: Data(#"{"id":"a\"b"}"#.utf8)) == nil)
    }
}

@Suite struct RootConfinementTests {
    let root: String
    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("cpn-mcp-roots-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/nets", withIntermediateDirectories: true)
        try "cpn: 1\n".write(toFile: root + "/nets/a.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: root + "/out", withDestinationPath: "/etc")
    }

    @Test func insideIsReadableOutsideIsNot() throws {
        let c = RootConfinement(rootURIs: [URL(fileURLWithPath: root).absoluteString], workingDirectory: "/")
        #expect(try c.readable("nets/a.yaml").hasSuffix("/nets/a.yaml"))
        #expect(try c.readable(root + "/nets/../nets/a.yaml").hasSuffix("/nets/a.yaml"))
        #expect(throws: PathRefusal.self) { try c.readable("../../../../etc/passwd") }
        #expect(throws: PathRefusal.self) { try c.readable("/etc/passwd") }
        #expect(throws: PathRefusal.self) { try c.readable("out/passwd") }  // through a link
        #expect(throws: PathRefusal.self) { try c.readable("nets/missing.yaml") }
        #expect(throws: PathRefusal.self) { try c.readable("") }
        // A root that is a prefix of another directory's name does not admit it.
        #expect(!RootConfinement.contains("/tmp/a", "/tmp/ab/x"))
    }

    @Test func writesOnlyInsideAndNeverThroughALink() throws {
        let c = RootConfinement(roots: [root], workingDirectory: root, origin: "the working directory")
        #expect(try c.writable("nets/new.yaml").hasSuffix("/nets/new.yaml"))
        #expect(throws: PathRefusal.self) { try c.writable("out/hosts") }
        #expect(throws: PathRefusal.self) { try c.writable("missing-dir/x.yaml") }
        try FileManager.default.createSymbolicLink(atPath: root + "/nets/link.yaml", withDestinationPath: "/tmp/elsewhere.yaml")
        #expect(throws: PathRefusal.self) { try c.writable("nets/link.yaml") }
    }

    @Test func noRootsAdmitNothing() {
        let c = RootConfinement(roots: [], workingDirectory: root, origin: "the client's roots")
        #expect(throws: PathRefusal.self) { try c.readable(root + "/nets/a.yaml") }
        #expect(throws: PathRefusal.self) { try c.readable("nets/a.yaml") }
    }
}

@Suite struct ToolArgumentsTests {
    @Test func refusesUnknownArgumentsAndWrongTypes() throws {
        #expect(throws: ToolMisuse.self) { try ToolArguments(tool: "verify", values: ["bogus": 1], known: ["path"]) }
        let a = try ToolArguments(tool: "verify", values: ["n": "lots", "m": 3.0, "k": 2.5, "b": 1, "big": 99], known: ["n", "m", "k", "b", "big"])
        #expect(throws: ToolMisuse.self) { try a.int("n", in: 1...10) }
        #expect(try a.int("m", in: 1...10) == 3)
        #expect(throws: ToolMisuse.self) { try a.int("k", in: 1...10) }
        #expect(throws: ToolMisuse.self) { try a.bool("b") }
        #expect(throws: ToolMisuse.self) { try a.int("big", in: 1...10) }
        #expect(try a.int("absent", default: 5, in: 1...10) == 5)
    }
}

@Suite struct ServerOverInMemoryTransportTests {
    static let violated = """
        cpn: 1
        name: two-takes
        places:
          free: { color: Unit, initial: 1 }
          held: { color: Unit }
        transitions:
          take: { in: { free: 1 }, out: { held: 2 } }
          give: { in: { held: 1 }, out: { free: 1 } }
        invariants:
          one: "size(free) + size(held) == 1"
        """

    @Test func listsToolsWithSchemasAndVerifiesInline() async throws {
        let (clientSide, serverSide) = await InMemoryTransport.createConnectedPair()
        let server = try await CPNMCPServer(toolVersion: "test", log: { _ in }).start(transport: serverSide)
        let client = Client(name: "swift-test", version: "1")
        _ = try await client.connect(transport: clientSide)
        let tools = try await client.listTools().tools
        // No sampling offered: no draft tool.
        #expect(Set(tools.map(\.name)) == ["check", "verify", "simulate", "replay", "conform", "explain", "graph", "diff", "review", "schema"])
        for tool in tools {
            let schema = JSONValue(try #require(tool.outputSchema))
            #expect(schema["$defs"]?["report"] != nil && schema["$defs"]?["diagnostic"] != nil, "\(tool.name)")
        }
        let request = CallTool.request(.init(name: "verify", arguments: ["net": .string(Self.violated), "max_states": 100]))
        let result = try await client.send(request).value
        let structured = JSONValue(try #require(result.structuredContent))
        #expect(structured["verdict"] == .string("violated"))
        #expect(structured["exit_code"] == .int(1))
        let properties = try #require(structured["report"]?["results"]?[0]?["properties"]?.array)
        let one = try #require(properties.first { $0["name"] == .string("one") })
        #expect(one["trace"]?["steps"]?[0]?["transition"] == JSONValue.string("take"))
        await client.disconnect()
        await server.stop()
    }
}

@Suite struct OpenChoicesTests {
    @Test func asksOnlyWhatTheRequirementsLeaveOpen() {
        #expect(OpenChoices.find(in: "A failed job is retried. Every job is eventually done.").map(\.key) == ["max_retries", "eventually"])
        // A number, a bound or a word for one settles the retries; "from any state" settles "eventually".
        #expect(OpenChoices.find(in: "A failed fetch is retried at most 3 times.").isEmpty)
        #expect(OpenChoices.find(in: "Retry twice, then give up.").isEmpty)
        #expect(OpenChoices.find(in: "After MAX_ATTEMPT retries the call fails.").isEmpty)
        #expect(OpenChoices.find(in: "Every target eventually ends stored, from any state the system can reach.").isEmpty)
        #expect(OpenChoices.find(in: "Two workers share one lock.").isEmpty)
    }

    @Test func answersBecomeAParagraphOfTheRequirements() {
        let choices = OpenChoices.find(in: "A failed job is retried.")
        let text = OpenChoices.clarification(choices, answers: ["max_retries": .int(3)])
        #expect(text?.contains("retried before it is given up? 3") == true)
        #expect(OpenChoices.clarification(choices, answers: [:]) == nil)
    }
}
