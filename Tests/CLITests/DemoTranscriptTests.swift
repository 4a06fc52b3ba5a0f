import CPNFakeLLM
import Foundation
import Testing

/// The drafting demo's transcript, `examples/polite-scraper/draft-session.jsonl`: a
/// draft → repair → verified session WRITTEN FOR THE DEMO with a scripted fake model (the
/// fake server on 127.0.0.1), not recorded from a real model, so `make demo` can show the
/// loop offline. The replay test keeps it honest as the checker and the example evolve;
/// `scripts/make-demo-transcript.sh` regenerates it (CPN_REGENERATE_DEMO_TRANSCRIPT=1).
// Serialized, so that when regenerating, the replay test reads the new file.
@Suite(.serialized) struct DemoTranscriptTests {
    static let example = "examples/polite-scraper"
    static let transcript = "\(example)/draft-session.jsonl"
    static let note = "WRITTEN FOR THE DEMO with a scripted fake model (CPNFakeLLM on 127.0.0.1), "
        + "NOT recorded from a real model: round 1 is a plausible net with a real mistake "
        + "(start_fetch never takes the domain's slot), round 2 is examples/polite-scraper/net.yaml; the token counts are scripted too. "
        + "Regenerate with scripts/make-demo-transcript.sh."

    /// The example net as the scripted model writes it: without the editor's schema line,
    /// which points into this repository.
    static func exampleNet() throws -> String {
        let text = try String(contentsOf: CLI.repositoryRoot.appendingPathComponent("\(example)/net.yaml"), encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("# yaml-language-server:") }.joined(separator: "\n")
    }

    /// Round 1: the example with the politeness join left out of start_fetch, the mistake
    /// a model makes when it reads "a free slot" as a comment instead of an input arc.
    static func mistakenNet() throws -> String {
        let net = try exampleNet()
        let join = """
                # The join on t.domain is the politeness rule: no free, cooled-down slot for the
                # target's domain, no request. The proxy is taken for the whole request.
                in:  { targets: t, proxies: p, domain_slots: t.domain }
            """
        let withoutJoin = """
                # The most urgent ready target goes out through a free proxy.
                in:  { targets: t, proxies: p }
            """
        guard net.contains(join) else {
            throw DemoError("examples/polite-scraper/net.yaml no longer has the start_fetch arc this demo removes; update DemoTranscriptTests.mistakenNet")
        }
        return net.replacingOccurrences(of: join, with: withoutJoin)
    }

    struct DemoError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Writes the transcript (only with CPN_REGENERATE_DEMO_TRANSCRIPT=1): the real
    /// `cpn-author draft` against the fake server, scripted with the two replies.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CPN_REGENERATE_DEMO_TRANSCRIPT"] == "1"))
    func regenerateTheDemoTranscript() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        let model = "scripted-fake-model"
        server.enqueue(
            .openAIStream(text: """
                A net for the polite scraper: proxies and per-domain slots are tokens that each \
                request takes and gives back, a cooldown delays the slot's return, retries carry \
                their attempt count (the color caps it), and each pipeline stage is a place with \
                a capacity.

                ```yaml
                \(try Self.mistakenNet())```
                """, model: model, pieceSize: 400, inputTokens: 6_712, outputTokens: 1_688),
            .openAIStream(text: """
                The counterexample shows two requests to `shop` in flight at once: `start_fetch` \
                never took a slot from `domain_slots`, so the per-domain limit was only a comment. \
                It now joins on `t.domain`, taking the slot for the whole request; `fetch_ok`, \
                `fetch_failed` and `give_up` already return it after the cooldown.

                ```yaml
                \(try Self.exampleNet())```
                """, model: model, pieceSize: 400, inputTokens: 10_905, outputTokens: 1_731))

        let directory = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = CLI.repositoryRoot.appendingPathComponent(Self.transcript)
        let fresh = directory.appendingPathComponent("draft-session.jsonl")
        let run = try CLI.run(["draft", "\(Self.example)/requirements.md", "-o", directory.appendingPathComponent("net.yaml").path,
                               "--provider", "openai", "--model", model, "--base-url", server.baseURL + "/v1",
                               "--transcript", fresh.path, "--transcript-note", Self.note],
                              environment: ["CPN_AUTHOR_API_KEY": "", "OPENAI_API_KEY": "", "ANTHROPIC_API_KEY": "",
                                            "XDG_CONFIG_HOME": directory.path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("round 1: verify failed: invariant domain_limit"), "\(run.stderr)")
        guard run.status == 0 else { return }
        // The transcript names the scratch directory as the output; the demo writes elsewhere anyway.
        try Data(contentsOf: fresh).write(to: target, options: .atomic)
        print("wrote \(Self.transcript)")
    }

    @Test func theDemoTranscriptReplaysOfflineToTheExampleNet() throws {
        let path = CLI.repositoryRoot.appendingPathComponent(Self.transcript).path
        guard FileManager.default.fileExists(atPath: path) else {
            Issue.record("\(Self.transcript) is missing; run scripts/make-demo-transcript.sh")
            return
        }
        let firstLine = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").first ?? ""
        #expect(firstLine.hasPrefix(#"{"text":"WRITTEN FOR THE DEMO with a scripted fake model"#), "\(firstLine)")

        let directory = try CLI.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("drafted.yaml").path
        // No key and no server: the replay needs neither.
        let run = try CLI.run(["draft", "\(Self.example)/requirements.md", "--replay", Self.transcript, "-o", output],
                              environment: ["CPN_AUTHOR_API_KEY": "", "OPENAI_API_KEY": "", "ANTHROPIC_API_KEY": "",
                                            "XDG_CONFIG_HOME": directory.path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("note (from the transcript): WRITTEN FOR THE DEMO"), "\(run.stderr)")
        #expect(run.stderr.contains("round 1: verify failed: invariant domain_limit"), "\(run.stderr)")
        #expect(run.stdout.contains("verdict: VERIFIED in round 2 of 4"), "\(run.stdout)")
        #expect(run.stdout.contains("replayed: \(Self.transcript), which says: WRITTEN FOR THE DEMO"), "\(run.stdout)")
        #expect(try String(contentsOfFile: output, encoding: .utf8) == Self.exampleNet())
    }
}
