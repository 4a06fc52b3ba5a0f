import ArgumentParser
import CPNDiagnostics
import CPNLLM
import Foundation
import CPNWorkflow

/// `cpn-author draft`: requirements in plain language → a verified net, with the
/// verifier in the loop.
///
/// ```
/// $ export OPENAI_API_KEY=…
/// $ cpn-author draft requirements.md -o net.yaml --model gpt-4.1
/// draft: openai gpt-4.1 at https://api.openai.com/v1 (key from OPENAI_API_KEY)
/// draft: transcript: net.draft.jsonl (session 1)
/// round 1: asking openai gpt-4.1 …
/// round 1: reply received: 1,873 characters, 640 tokens, 9.8 s
/// round 1: verify failed: invariant polite
/// round 2: asking openai gpt-4.1 …
/// round 2: reply received: 1,910 characters, 655 tokens, 8.1 s
/// round 2: passed: every property holds in all 1,450 reachable states
/// draft: requirements.md → net.yaml
///   round 1  verify failed: invariant polite                       1,204 in, 640 out tokens, 9.8 s
///   round 2  passed: every property holds in all 1,450 reachable states   2,310 in, 655 out tokens, 8.1 s
///   ...
/// verdict: VERIFIED in round 2 of 4; wrote net.yaml
/// ```
struct DraftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draft",
        abstract: "Ask an LLM for a net that meets plain-language requirements; keep it only if it verifies.",
        discussion: """
            Each reply goes through the gate: the YAML is taken from the reply (a fenced block or \
            bare), checked, then verified (exhaustive exploration within --max-states). A failure \
            goes back to the model — the diagnostics with their line numbers, or the violated \
            property with its shortest counterexample — and the model tries again, up to \
            --max-rounds. The net is written to -o (atomically) only when it passes.

            The model: --provider/--model/--base-url, else CPN_AUTHOR_PROVIDER, CPN_AUTHOR_MODEL, \
            CPN_AUTHOR_BASE_URL (or OPENAI_BASE_URL, ANTHROPIC_BASE_URL), else \
            $XDG_CONFIG_HOME/cpn-author/config.yaml (~/.config/cpn-author/config.yaml). The key: \
            CPN_AUTHOR_API_KEY, else OPENAI_API_KEY or ANTHROPIC_API_KEY, else `api_key:` in the \
            config file; a server on localhost needs none. Keys never reach the output or the \
            transcript.

            Replies are asked for as JSON against the net's JSON Schema (OpenAI-compatible: \
            response_format json_schema; Anthropic: a forced tool call) and written as commented, \
            canonical YAML, which the gate checks; a server that refuses the mode is asked again in \
            the same round in the next one (json_object, then fenced YAML) and the session keeps to \
            it. --no-structured asks for fenced YAML from the start.

            Every session appends a JSONL transcript (requests, replies and their reply_mode, \
            verdicts, usage, timings); --replay re-runs a recorded session offline against its \
            recorded replies, each read in the mode it was made in.

            Exit codes: 0 a net passed and was written; 1 no net passed within --max-rounds; \
            2 invalid input, settings or an error talking to the model; 130 interrupted.

            Examples:
              cpn-author draft requirements.md -o net.yaml --model gpt-4.1
              cpn-author draft - -o net.yaml --model claude-sonnet-4-5 < requirements.md
              CPN_AUTHOR_BASE_URL=http://localhost:11434/v1 \\
                cpn-author draft requirements.md -o net.yaml --model qwen2.5-coder
              cpn-author draft examples/polite-scraper/requirements.md -o /tmp/net.yaml \\
                --replay examples/polite-scraper/draft-session.jsonl
            """
    )

    @Argument(help: ArgumentHelp("The requirements in plain language (a text or Markdown file), or - for standard input. With --replay it may be left out: the recorded requirements are used.",
                                 valueName: "requirements-file"))
    var requirements: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the net when it passes.", valueName: "net.yaml"))
    var output: String

    @OptionGroup var session: LLMSessionOptions

    func run() throws {
        let runner = DraftSessionRunner(kind: .draft, options: session.sessionSettings, toolVersion: CPNAuthorVersion.string, outputPath: output)
        let (text, path) = try readRequirements()
        let outcome = try runner.run(extra: ["requirements_path": .string(path), "requirements": .string(text)], observer: { LLMProgress(modelName: $0, replaying: $1) }) { session, model in
            try session.draft(requirements: text, path: path, model: &model)
        }
        try runner.finish(outcome, input: path)
    }

    /// The requirements text and the name the prompt gives it.
    private func readRequirements() throws -> (String, String) {
        guard let requirements else {
            guard let replay = session.replay else {
                throw ValidationFailure("give the requirements file (or - to read them from standard input)")
            }
            let recorded = try ReplayProvider(transcriptPath: replay, session: session.replaySession).session
            guard let text = recorded["requirements"]?.string else {
                throw ValidationFailure("\(replay) does not record the requirements; give the requirements file")
            }
            return (text, recorded["requirements_path"]?.string ?? "requirements")
        }
        let data: Data?
        if requirements == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: requirements, isDirectory: &isDirectory) else {
                throw ValidationFailure("cannot read the requirements: \(requirements) does not exist")
            }
            guard !isDirectory.boolValue else {
                throw ValidationFailure("cannot read the requirements: \(requirements) is a directory")
            }
            // Bounded (a little over the 200 kB allowed, so a larger file gets its message) and non-blocking.
            switch InputFile.read(requirements, limit: 1 << 20) {
            case .success(let contents): data = contents.data
            case .failure(let f): throw ValidationFailure("cannot read the requirements: \(f.message)")
            }
        }
        let name = requirements == "-" ? "standard input" : requirements
        guard let data, let text = String(data: data, encoding: .utf8) else {
            throw ValidationFailure("cannot read the requirements from \(name) as UTF-8 text")
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationFailure("the requirements in \(name) are empty; describe what the coordination must do")
        }
        guard text.utf8.count <= 200_000 else {
            throw ValidationFailure("the requirements in \(name) are \(text.utf8.count / 1000) kB; keep them under 200 kB (they go into every request)")
        }
        return (text, name)
    }
}
