import CPNFakeLLM
import Foundation
import Testing

/// `draft` and `revise` against replies and settings that try to do harm:
/// a net larger than a net file may be, a reply larger than the cap, a base
/// URL with credentials, a file to revise that belongs to someone else.
@Suite struct DraftHostileReplyTests {
    /// A passing net padded with a comment to `bytes` (a model that rambles).
    static func padded(to bytes: Int) -> String {
        let line = "# " + String(repeating: "filler ", count: 20) + "\n"
        return DraftCommandTests.goodNet + String(repeating: line, count: bytes / line.utf8.count + 1)
    }

    /// 9 MB of net under a 16 MiB cap arrives, and the gate refuses it as `check`
    /// refuses the file (E0002): nothing is written.
    @Test func aNetOverTheFileLimitIsRefusedByTheGate() throws {
        let s = try DraftCommandTests.draft([.openAIChat(text: DraftCommandTests.fenced(Self.padded(to: 9_000_000)))], stream: false,
                                            arguments: ["--max-rounds", "1", "--max-reply-size", "16MiB"])
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status != 0, "\(s.all.prefix(2_000))")
        #expect(s.all.contains("E0002") && s.all.contains("net files are limited to 8.0 MiB"), "\(s.all.prefix(3_000))")
        #expect(!FileManager.default.fileExists(atPath: s.output.path))
        let transcript = (try? FileManager.default.attributesOfItem(atPath: s.transcript.path)[.size] as? Int) ?? 0
        #expect(transcript < 40 << 20, "the transcript holds \(transcript) bytes")
    }

    /// The default cap (8 MiB) cuts a 12 MB reply off: the round fails, nothing is written.
    @Test func aReplyOverTheDefaultCapIsCutOff() throws {
        let s = try DraftCommandTests.draft([.openAIChat(text: String(repeating: "z", count: 12_000_000))], stream: false,
                                            arguments: ["--max-rounds", "1", "--retries", "0"])
        defer { try? FileManager.default.removeItem(at: s.directory) }
        #expect(s.run.status == 2, "\(s.all.prefix(2_000))")
        #expect(s.run.stderr.contains("is larger than 8 MiB"), "\(s.run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: s.output.path))
    }

    @Test func aBadMaxReplySizeIsAUsageError() throws {
        let run = try CLI.run(["draft", "r.md", "-o", "net.yaml", "--max-reply-size", "huge"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--max-reply-size must be a size such as 8MiB"), "\(run.stderr)")
    }

    /// `--base-url http://user:PASS@host/v1?api-key=…`: the password and the query's
    /// key appear nowhere (stderr, stdout, the transcript), and the request goes to
    /// `/v1/chat/completions?api-key=…` — the query after the path.
    @Test func baseURLSecretsAreNeverShownAndTheQueryStaysLast() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.openAIChat(text: DraftCommandTests.fenced(DraftCommandTests.goodNet)))
        let directory = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "One lock, two clients.\n".write(to: directory.appendingPathComponent("requirements.md"), atomically: true, encoding: .utf8)
        let base = server.baseURL.replacingOccurrences(of: "http://", with: "http://agent:HUNTER2PASS@") + "/v1?api-key=QUERYSECRET9&api-version=7"
        let run = try CLI.run(["draft", "requirements.md", "-o", "net.yaml", "--provider", "openai", "--model", "fake-model",
                               "--base-url", base, "--no-stream"], in: directory, environment: DraftCommandTests.environment(directory))
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(server.requests.first?.path == "/v1/chat/completions?api-key=QUERYSECRET9&api-version=7", "\(server.requests.map(\.path))")
        let transcript = (try? String(contentsOf: directory.appendingPathComponent("net.draft.jsonl"), encoding: .utf8)) ?? ""
        for (place, text) in [("stdout", run.stdout), ("stderr", run.stderr), ("transcript", transcript)] {
            #expect(!text.contains("HUNTER2PASS") && !text.contains("QUERYSECRET9"), "a secret in \(place):\n\(text.prefix(2_000))")
        }
        #expect(run.stderr.contains("[redacted]@127.0.0.1"), "\(run.stderr)")
        #expect(transcript.contains("api-version=7"), "harmless query values stay readable")
    }

    @Test func aKeyWithALineBreakIsRefusedBeforeAnyRequest() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.openAIChat(text: DraftCommandTests.fenced(DraftCommandTests.goodNet)))
        let directory = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "One lock.\n".write(to: directory.appendingPathComponent("requirements.md"), atomically: true, encoding: .utf8)
        var environment = DraftCommandTests.environment(directory)
        environment["CPN_AUTHOR_API_KEY"] = "sk-abc\r\nX-Injected: evil"
        let run = try CLI.run(["draft", "requirements.md", "-o", "net.yaml", "--model", "fake-model", "--base-url", server.baseURL + "/v1"],
                              in: directory, environment: environment)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("holds a line break"), "\(run.stderr)")
        #expect(server.requests.isEmpty, "a request reached the server: \(server.requests.map(\.rawText))")
    }

    /// `revise` in place replaces the file by a new one (atomically): it keeps the
    /// old file's mode, and its owner and group (root can set them; others keep theirs).
    @Test func reviseInPlaceKeepsModeAndOwner() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.openAIChat(text: DraftCommandTests.fenced(DraftCommandTests.threeClients)))
        let directory = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let net = directory.appendingPathComponent("net.yaml")
        try DraftCommandTests.goodNet.write(to: net, atomically: true, encoding: .utf8)
        chmod(net.path, 0o600)
        let owner: (uid_t, gid_t) = getuid() == 0 ? (4242, 4343) : (getuid(), getgid())
        if getuid() == 0 { #expect(chown(net.path, owner.0, owner.1) == 0) }
        let run = try CLI.run(["revise", "net.yaml", "a third client", "--model", "fake-model", "--base-url", server.baseURL + "/v1",
                               "--no-stream", "--retry-base-delay", "0.01"], in: directory, environment: DraftCommandTests.environment(directory))
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        var info = stat()
        #expect(stat(net.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600, "mode \(String(info.st_mode & 0o777, radix: 8))")
        #expect(info.st_uid == owner.0 && info.st_gid == owner.1, "owner \(info.st_uid):\(info.st_gid)")
        #expect(try String(contentsOf: net, encoding: .utf8).contains("initial: 3"))
    }
}
