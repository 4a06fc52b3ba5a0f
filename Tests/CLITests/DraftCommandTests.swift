import CPNFakeLLM
import Foundation
import Testing

/// `cpn-author draft` and `revise` against the fake LLM server on 127.0.0.1, never a real
/// model: repair rounds, every failure of the wire, transcripts and replay. Every run
/// is scanned for the API key: stdout, stderr and every file the command wrote.
@Suite struct DraftCommandTests {
    /// The key handed to the CLI; no byte of output may contain it.
    static let key = "sk-cli-draft-3b9e61f04c7a25d8"

    static let goodNet = """
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

    /// Acquire does not take the lock: two clients can hold it at once.
    static let unsafeNet = goodNet.replacingOccurrences(of: "in: { lock: 1, waiting: 1 }", with: "in: { waiting: 1 }")

    /// An undeclared color on line 3 (E-code diagnostics with a line number).
    static let brokenNet = "cpn: 1\nplaces:\n  lock: { color: Lock, initial: 1 }\n"

    static func fenced(_ net: String, prose: String = "Here is the net.") -> String {
        "\(prose)\n\n```yaml\n\(net)```\n"
    }

    /// One run of the CLI against a fresh fake server, in a fresh directory.
    struct Session {
        var run: CLIRun
        var directory: URL
        var server: FakeLLMServer
        var output: URL { directory.appendingPathComponent("net.yaml") }
        var transcript: URL { directory.appendingPathComponent("net.draft.jsonl") }
        var outputText: String? { try? String(contentsOf: output, encoding: .utf8) }
        var transcriptText: String { (try? String(contentsOf: transcript, encoding: .utf8)) ?? "" }
        var all: String { run.stdout + run.stderr }

        /// The last user message of the request number `index` (from 0).
        func lastUserMessage(_ index: Int) -> String {
            guard server.requests.indices.contains(index),
                  let messages = server.requests[index].bodyJSON()?["messages"] as? [[String: Any]] else { return "" }
            return messages.last { $0["role"] as? String == "user" }?["content"] as? String ?? ""
        }

        /// Each line of the transcript, parsed.
        var records: [[String: Any]] {
            transcriptText.split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
            }
        }
    }

    /// Runs `cpn-author draft` with `replies` queued on a new fake server, then checks that
    /// the key is nowhere: not in stdout or stderr, not in any file under the directory.
    static func draft(_ replies: [FakeReply], provider: String = "openai", stream: Bool = true,
                      arguments: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) throws -> Session {
        let server = try FakeLLMServer()
        server.enqueue(contentsOf: replies)
        let directory = try CLI.scratchDirectory()
        try "One lock, two clients; never two holders at once; done when both have used it.\n"
            .write(to: directory.appendingPathComponent("requirements.md"), atomically: true, encoding: .utf8)
        let base = provider == "openai" ? server.baseURL + "/v1" : server.baseURL
        var args = ["draft", "requirements.md", "-o", "net.yaml", "--provider", provider, "--model", "fake-model",
                    "--base-url", base, "--retry-base-delay", "0.01", "--timeout", "20"]
        if !stream { args.append("--no-stream") }
        let run = try CLI.run(args + arguments, in: directory, environment: environment(directory))
        let session = Session(run: run, directory: directory, server: server)
        expectNoKey(session, sourceLocation: sourceLocation)
        return session
    }

    /// The key in CPN_AUTHOR_API_KEY (it wins over OPENAI_API_KEY/ANTHROPIC_API_KEY), and
    /// no user config file.
    static func environment(_ directory: URL, key: String = DraftCommandTests.key) -> [String: String] {
        ["CPN_AUTHOR_API_KEY": key, "XDG_CONFIG_HOME": directory.appendingPathComponent("config").path,
         "CPN_AUTHOR_PROVIDER": "", "CPN_AUTHOR_MODEL": "", "CPN_AUTHOR_BASE_URL": ""]
    }

    static func expectNoKey(_ session: Session, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!session.run.stdout.contains(key), "the key is in stdout", sourceLocation: sourceLocation)
        #expect(!session.run.stderr.contains(key), "the key is in stderr", sourceLocation: sourceLocation)
        let walker = FileManager.default.enumerator(atPath: session.directory.path)
        while let relative = walker?.nextObject() as? String {
            let data = FileManager.default.contents(atPath: session.directory.appendingPathComponent(relative).path) ?? Data()
            #expect(!String(decoding: data, as: UTF8.self).contains(key), "the key is in \(relative)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - Repair rounds

    @Test func brokenYAMLIsRepairedInRoundTwoAndTheRepairQuotesTheError() throws {
        let s = try Self.draft([.openAIStream(text: Self.fenced(Self.brokenNet)), .openAIStream(text: Self.fenced(Self.goodNet))])
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 0, "\(s.all)")
        #expect(s.outputText == Self.goodNet)
        #expect(s.server.requests.count == 2)
        let repair = s.lastUserMessage(1)
        #expect(repair.contains("error[E"), "\(repair)")
        #expect(repair.contains("round-1.yaml:3:"), "\(repair)")
        #expect(repair.contains("3 |   lock: { color: Lock, initial: 1 }"), "\(repair)")
        #expect(s.run.stderr.contains("round 1: check failed: 1 error"))
        #expect(s.run.stdout.contains("verdict: VERIFIED in round 2 of 4; wrote net.yaml"), "\(s.run.stdout)")
        #expect(s.run.stdout.contains("transcript: \(s.transcript.lastPathComponent)"), "\(s.run.stdout)")
        // The fake server's usage, 12 in and 34 out per reply, summed.
        #expect(s.run.stdout.contains("tokens   24 in, 68 out"), "\(s.run.stdout)")
        let types = s.records.map { ($0["type"] as? String ?? "?") + (($0["name"] as? String).map { ":" + $0 } ?? "") }
        #expect(types == ["session", "request", "response", "event:verdict", "request", "response", "event:verdict", "event:result"])
        #expect(s.records.first?["requirements"] as? String == "One lock, two clients; never two holders at once; done when both have used it.\n")
    }

    @Test func aViolatedInvariantIsRepairedAndTheRepairQuotesTheCounterexample() throws {
        let s = try Self.draft([.anthropicMessage(text: Self.fenced(Self.unsafeNet)), .anthropicMessage(text: Self.fenced(Self.goodNet))],
                               provider: "anthropic", stream: false)
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 0, "\(s.all)")
        #expect(s.outputText == Self.goodNet)
        let repair = s.lastUserMessage(1)
        #expect(repair.contains("mutual_exclusion"), "\(repair)")
        #expect(repair.contains("shortest"), "\(repair)")
        #expect(repair.contains("acquire"), "\(repair)")
        #expect(s.server.requests.allSatisfy { $0.path == "/v1/messages" && $0.header("x-api-key") == Self.key })
        #expect(s.run.stdout.contains("round 1  verify failed: invariant mutual_exclusion"), "\(s.run.stdout)")
    }

    @Test func aModelThatNeverGetsItRightExitsOneAndWritesNothing() throws {
        let s = try Self.draft(Array(repeating: .openAIChat(text: Self.fenced(Self.unsafeNet)), count: 3), stream: false,
                               arguments: ["--max-rounds", "3", "--report", "report.json"])
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 1, "\(s.all)")
        #expect(!FileManager.default.fileExists(atPath: s.output.path))
        #expect(s.server.requests.count == 3)
        #expect(s.run.stdout.contains("verdict: NOT VERIFIED after 3 rounds (last: verify failed: invariant mutual_exclusion); nothing written to net.yaml"),
                "\(s.run.stdout)")
        // The last counterexample is shown, and where the whole story is.
        #expect(s.run.stdout.contains("the last net was rejected (round-3.yaml below is round 3's reply, kept in the transcript):"))
        #expect(s.run.stdout.contains("shortest trace"), "\(s.run.stdout)")
        #expect(s.run.stdout.contains("transcript: net.draft.jsonl"))
        #expect(FileManager.default.fileExists(atPath: s.transcript.path))
        // The report of the last exploration says what was violated.
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: s.directory.appendingPathComponent("report.json"))) as? [String: Any])
        let result = try #require((report["results"] as? [[String: Any]])?.first)
        #expect(result["verdict"] as? String == "violated")
    }

    @Test func aReplyWithNoYAMLIsAskedForAgain() throws {
        let s = try Self.draft([.openAIChat(text: "I would model this with a lock place."), .openAIChat(text: Self.fenced(Self.goodNet))],
                               stream: false)
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 0, "\(s.all)")
        #expect(s.run.stderr.contains("round 1: no YAML net in the reply"))
        #expect(s.lastUserMessage(1).contains("Your reply contained no YAML net"))
    }

    // MARK: - Both wire formats, streaming and not

    @Test(arguments: [("openai", true), ("openai", false), ("anthropic", true), ("anthropic", false)])
    func bothWireFormatsStreamingAndNot(provider: String, stream: Bool) throws {
        let text = Self.fenced(Self.goodNet)
        let reply: FakeReply = switch (provider, stream) {
        case ("openai", true): .openAIStream(text: text)
        case ("openai", false): .openAIChat(text: text)
        case (_, true): .anthropicStream(text: text)
        default: .anthropicMessage(text: text)
        }
        let s = try Self.draft([reply], provider: provider, stream: stream, arguments: ["--report", "report.json"])
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 0, "\(s.all)")
        #expect(s.outputText == Self.goodNet)
        let request = try #require(s.server.requests.first)
        #expect(request.path == (provider == "openai" ? "/v1/chat/completions" : "/v1/messages"))
        #expect((request.bodyJSON()?["stream"] as? Bool ?? false) == stream)
        let tokens = provider == "openai" ? "12 in, 34 out" : "21 in, 43 out"
        #expect(s.run.stdout.contains("tokens   \(tokens)"), "\(s.run.stdout)")
        #expect(s.run.stdout.contains("verdict: VERIFIED in round 1 of 4"))
        // The report is the passing net's, explored under its real path.
        let report = try String(contentsOf: s.directory.appendingPathComponent("report.json"), encoding: .utf8)
        #expect(report.contains(#""verdict" : "pass""#), "\(report)")
        #expect(report.contains(#""file" : "net.yaml""#), "\(report)")
        #expect(s.records.first { $0["type"] as? String == "response" }?["streamed"] as? Bool == stream)
    }

    // MARK: - Failures of the wire

    @Test func rateLimitedWithRetryAfterThenServed() throws {
        let s = try Self.draft([.openAIError(status: 429, message: "Rate limit reached", type: "rate_limit_error", headers: ["Retry-After": "1"]),
                                .openAIStream(text: Self.fenced(Self.goodNet))])
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 0, "\(s.all)")
        #expect(s.run.stderr.contains("HTTP 429"), "\(s.run.stderr)")
        #expect(s.run.stderr.contains("\"Rate limit reached\""))
        #expect(s.run.stderr.contains("trying again in 1.0 s (attempt 2 of 4)"), "\(s.run.stderr)")
        #expect(s.server.requests.count == 2)
    }

    @Test func serverErrorThenServed() throws {
        let s = try Self.draft([.openAIError(status: 500, message: "The server had an error", type: "server_error"),
                                .openAIChat(text: Self.fenced(Self.goodNet))], stream: false)
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 0, "\(s.all)")
        #expect(s.run.stderr.contains("HTTP 500"))
        #expect(s.run.stderr.contains("2 attempts"), "\(s.run.stderr)")
        #expect(s.records.first { $0["type"] as? String == "response" }?["attempts"] as? Int == 2)
    }

    @Test func aResetConnectionIsRetried() throws {
        let s = try Self.draft([.dropConnection, .anthropicStream(text: Self.fenced(Self.goodNet))], provider: "anthropic")
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 0, "\(s.all)")
        #expect(s.server.requests.count == 2)
        #expect(s.run.stderr.contains("trying again"), "\(s.run.stderr)")
    }

    @Test func aStreamCutMidEventIsRetriedThenAClearErrorWhenItKeepsHappening() throws {
        var events = FakeReply.openAIStreamEvents(text: Self.fenced(Self.goodNet), done: false)
        events[events.count - 1] = String(events[events.count - 1].prefix(30))   // half an event, then the reset
        let cut = FakeReply.eventStream(events, ending: .abrupt)

        let recovered = try Self.draft([cut, .openAIStream(text: Self.fenced(Self.goodNet))])
        defer { try? FileManager.default.removeItem(at: recovered.directory) }
        #expect(recovered.run.status == 0, "\(recovered.all)")
        #expect(recovered.server.requests.count == 2)

        let failed = try Self.draft([cut, cut], arguments: ["--retries", "1"])
        defer { try? FileManager.default.removeItem(at: failed.directory) }
        #expect(failed.run.status == 2, "\(failed.all)")
        #expect(!FileManager.default.fileExists(atPath: failed.output.path))
        #expect(failed.run.stderr.contains("error: "), "\(failed.run.stderr)")
        #expect(failed.run.stderr.contains("gave up after 2 attempts"), "\(failed.run.stderr)")
        #expect(failed.run.stdout.contains("verdict: STOPPED in round 1 of 4 by the error above; nothing written to net.yaml"))
        #expect(failed.records.contains { $0["type"] as? String == "error" })
    }

    @Test func invalidJSONIsAClearErrorAndNoFile() throws {
        let s = try Self.draft([.text(#"{"choices": [ {"message": "#, contentType: "application/json")], stream: false)
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 2, "\(s.all)")
        #expect(s.run.stderr.contains("not JSON"), "\(s.run.stderr)")
        #expect(s.run.stderr.contains("help: "))
        #expect(!FileManager.default.fileExists(atPath: s.output.path))
    }

    /// The server hangs for 30 s; the 1 s timeout, not the server, ends the request
    /// (the message says which timeout fired; `CLI.run` fails the test if it hangs).
    @Test func aSlowServerHitsTheTimeout() throws {
        let s = try Self.draft([.hang(seconds: 30)], arguments: ["--timeout", "1", "--retries", "0"])
        defer { try? FileManager.default.removeItem(at: s.directory) }
        s.server.stop()
        #expect(s.run.status == 2, "\(s.all)")
        #expect(s.run.stderr.contains("no complete answer within 1 s"), "\(s.run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: s.output.path))
    }

    @Test func anUnknownModelExitsWithTheProvidersMessage() throws {
        let s = try Self.draft([.openAIError(status: 404, message: "The model `fake-model` does not exist or you do not have access to it.",
                                             code: "model_not_found")])
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 2, "\(s.all)")
        #expect(s.run.stderr.contains("The model `fake-model` does not exist or you do not have access to it."), "\(s.run.stderr)")
        #expect(s.run.stderr.contains("help: check the model name"), "\(s.run.stderr)")
        #expect(s.server.requests.count == 1)   // not retried
        #expect(!FileManager.default.fileExists(atPath: s.output.path))
    }

    @Test func aKeyEchoedByTheServerIsRedactedEverywhere() throws {
        let s = try Self.draft([.openAIError(status: 401, message: "Incorrect API key provided: \(Self.key). You can find your API key at https://platform.openai.com/account/api-keys.")])
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 2)
        #expect(s.run.stderr.contains("Incorrect API key provided: [redacted]"), "\(s.run.stderr)")
        #expect(s.transcriptText.contains("[redacted]"))
        // What went over the wire carried it in the header only.
        #expect(s.server.requests.allSatisfy { $0.header("Authorization") == "Bearer \(Self.key)" && !$0.bodyText.contains(Self.key) })
    }

    // MARK: - Settings

    @Test func aMissingKeyIsOneLineNamingTheVariable() throws {
        let directory = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "a lock".write(to: directory.appendingPathComponent("r.md"), atomically: true, encoding: .utf8)
        var environment = Self.environment(directory, key: "")
        environment["OPENAI_API_KEY"] = ""
        environment["ANTHROPIC_API_KEY"] = ""
        let run = try CLI.run(["draft", "r.md", "-o", "net.yaml", "--model", "gpt-x", "--provider", "openai",
                               "--base-url", "https://api.example.com/v1"], in: directory, environment: environment)
        #expect(run.status == 2)
        #expect(run.stderr.trimmingCharacters(in: .newlines).split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(run.stderr.contains("set CPN_AUTHOR_API_KEY or OPENAI_API_KEY"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("net.draft.jsonl").path))
    }

    @Test func requirementsFromStandardInputAndMissingFiles() throws {
        let server = try FakeLLMServer()
        server.enqueue(.openAIChat(text: Self.fenced(Self.goodNet)))
        let directory = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try CLI.run(["draft", "-", "-o", "out/lock.yaml", "--model", "m", "--base-url", server.baseURL + "/v1", "--no-stream",
                               "--transcript", "log/t.jsonl", "--report", "reports/lock.json"],
                              in: directory, stdin: "one lock, two clients", environment: Self.environment(directory))
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("draft: standard input → out/lock.yaml"), "\(run.stdout)")
        // Missing directories are made: the output's (written last), the transcript's, the report's.
        for path in ["out/lock.yaml", "log/t.jsonl", "reports/lock.json"] {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(path).path), "\(path)")
        }
        #expect(server.requests.first?.bodyText.contains("one lock, two clients") == true)

        let missing = try CLI.run(["draft", "nope.md", "-o", "x.yaml", "--model", "m", "--base-url", server.baseURL + "/v1"],
                                  in: directory, environment: Self.environment(directory))
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read the requirements: nope.md does not exist"), "\(missing.stderr)")
    }

    // MARK: - revise

    /// `revise net.yaml CHANGE` in a directory holding `goodNet` as net.yaml.
    static func revise(_ replies: [FakeReply], net: String = goodNet, arguments: [String] = [],
                       sourceLocation: SourceLocation = #_sourceLocation) throws -> Session {
        let server = try FakeLLMServer()
        server.enqueue(contentsOf: replies)
        let directory = try CLI.scratchDirectory()
        try net.write(to: directory.appendingPathComponent("net.yaml"), atomically: true, encoding: .utf8)
        let run = try CLI.run(["revise", "net.yaml", "a third client", "--model", "fake-model", "--base-url", server.baseURL + "/v1",
                               "--no-stream", "--retry-base-delay", "0.01"] + arguments,
                              in: directory, environment: environment(directory))
        let session = Session(run: run, directory: directory, server: server)
        expectNoKey(session, sourceLocation: sourceLocation)
        return session
    }

    /// A third client: one more waiting token, and done means three.
    static let threeClients = goodNet.replacingOccurrences(of: "waiting: { color: Unit, initial: 2 }", with: "waiting: { color: Unit, initial: 3 }")
        .replacingOccurrences(of: #"final: "size(done) == 2""#, with: #"final: "size(done) == 3""#)

    @Test func reviseWritesThePassingRevisionInPlaceAndShowsTheStructuralDiff() throws {
        let s = try Self.revise([.openAIChat(text: Self.fenced(Self.unsafeNet)), .openAIChat(text: Self.fenced(Self.threeClients))])
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 0, "\(s.all)")
        #expect(s.outputText == Self.threeClients)
        let opening = s.lastUserMessage(0)
        #expect(opening.contains("a third client") && opening.contains("mutual_exclusion: \"size(holding) <= 1\""), "\(opening)")
        #expect(s.lastUserMessage(1).contains("shortest"))
        #expect(s.run.stdout.contains("revise: net.yaml + change request → net.yaml"), "\(s.run.stdout)")
        #expect(s.run.stdout.contains("what the model changed (2 changed):"), "\(s.run.stdout)")
        #expect(s.run.stdout.contains("~ place waiting"), "\(s.run.stdout)")
        #expect(s.run.stdout.contains("~ final"), "\(s.run.stdout)")
        #expect(s.run.stdout.contains("`size(done) == 2` → `size(done) == 3`"), "\(s.run.stdout)")
        #expect(FileManager.default.fileExists(atPath: s.directory.appendingPathComponent("net.revise.jsonl").path))
    }

    @Test func aRevisionThatNeverPassesLeavesTheNetAlone() throws {
        let s = try Self.revise([.openAIChat(text: Self.fenced(Self.unsafeNet)), .openAIChat(text: Self.fenced(Self.unsafeNet))],
                                arguments: ["--max-rounds", "2", "-o", "out.yaml"])
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 1, "\(s.all)")
        #expect(s.outputText == Self.goodNet)
        #expect(!FileManager.default.fileExists(atPath: s.directory.appendingPathComponent("out.yaml").path))
        #expect(s.run.stdout.contains("nothing written to out.yaml"))
        #expect(FileManager.default.fileExists(atPath: s.directory.appendingPathComponent("out.revise.jsonl").path))
    }

    @Test func anInvalidNetIsNotSentToTheModel() throws {
        let s = try Self.revise([], net: Self.brokenNet)
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 2, "\(s.all)")
        #expect(s.run.stderr.contains("net.yaml:3:"), "\(s.run.stderr)")
        #expect(s.run.stderr.contains("fix the net (or draft a new one) before revising it"))
        #expect(s.server.requests.isEmpty)
    }

    // MARK: - Transcripts and replay

    @Test func aRecordedSessionReplaysOfflineWithTheSameGate() throws {
        let s = try Self.draft([.openAIStream(text: Self.fenced(Self.unsafeNet)), .openAIStream(text: Self.fenced(Self.goodNet))])
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 0, "\(s.all)")
        s.server.stop()

        // No server, no key: the replay needs neither.
        var environment = Self.environment(s.directory, key: "")
        environment["OPENAI_API_KEY"] = ""
        let replay = try CLI.run(["draft", "requirements.md", "--replay", "net.draft.jsonl", "-o", "replayed.yaml"],
                                 in: s.directory, environment: environment)
        #expect(replay.status == 0, "\(replay.stdout)\(replay.stderr)")
        #expect(try String(contentsOf: s.directory.appendingPathComponent("replayed.yaml"), encoding: .utf8) == Self.goodNet)
        #expect(replay.stderr.contains("draft: replaying session 1 of 1 from net.draft.jsonl: 2 recorded replies of openai fake-model"),
                "\(replay.stderr)")
        #expect(replay.stderr.contains("round 1: verify failed: invariant mutual_exclusion"))
        #expect(replay.stdout.contains("verdict: VERIFIED in round 2 of 4"))
        // Replays write no transcript of their own unless asked to.
        #expect(!FileManager.default.fileExists(atPath: s.directory.appendingPathComponent("replayed.draft.jsonl").path))

        // The requirements can come from the transcript itself.
        let bare = try CLI.run(["draft", "--replay", "net.draft.jsonl", "-o", "again.yaml"], in: s.directory, environment: environment)
        #expect(bare.status == 0, "\(bare.stdout)\(bare.stderr)")

        // Bad options are usage errors before anything is replayed.
        let badPrompts = try CLI.run(["draft", "--replay", "net.draft.jsonl", "-o", "short.yaml", "--prompts", "nowhere"],
                                in: s.directory, environment: environment)
        #expect(badPrompts.status == 2)
        #expect(badPrompts.stderr.contains("--prompts: prompt directory `nowhere` does not exist"), "\(badPrompts.stderr)")
        #expect(try CLI.run(["draft", "--replay", "net.draft.jsonl", "-o", "x.yaml", "--model", "m"],
                            in: s.directory, environment: environment).status == 2)
    }

    @Test func aReplayThatRunsOutOfRepliesSaysSo() throws {
        let s = try Self.draft([.openAIChat(text: Self.fenced(Self.unsafeNet))], stream: false, arguments: ["--max-rounds", "1"])
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 1)
        let replay = try CLI.run(["draft", "--replay", "net.draft.jsonl", "-o", "x.yaml", "--max-rounds", "2"],
                                 in: s.directory, environment: Self.environment(s.directory))
        #expect(replay.status == 2)
        #expect(replay.stderr.contains("recorded 1 response(s); the session asks for response 2"), "\(replay.stderr)")
    }
}
