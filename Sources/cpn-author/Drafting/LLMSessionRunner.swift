import ArgumentParser
import CPNDraft
import CPNExplore
import CPNLLM
import CPNReport
import Foundation
import CPNDiagnostics
import CPNWorkflow
import CPNJSON

/// Runs one drafting session for `draft` or `revise`: picks the model (live from the
/// user's settings, or a transcript with `--replay`), records the session in a JSONL
/// transcript, drives `DraftSession` through the gate round by round with progress on
/// stderr, and returns what happened. Writing the net and the summary are the caller's.
struct LLMSessionRunner {
    enum Kind: String {
        case draft, revise
    }

    let kind: Kind
    let options: LLMSessionOptions
    /// Where the net goes when it passes: names the default transcript and goes on record.
    let outputPath: String

    /// Starts the session and runs it to its end. Throws only for problems found before
    /// the first request (prompts, settings, transcript); a failure during the session
    /// (network, provider, replay running out) ends up in the outcome's `error`.
    func run(extra: [String: JSONValue],
             session body: (DraftSession, inout DraftModelAdapter) throws -> DraftResult) throws -> LLMSessionOutcome {
        let started = Date()
        // Before any request: a session can cost minutes of a paid model, so an
        // output or report that could not be written is refused now, not at the end.
        try Self.createDirectory(containing: outputPath)
        if let reportPath = options.report { try Self.createDirectory(containing: reportPath) }
        let prompts = try loadPrompts()
        var outcome = LLMSessionOutcome(kind: kind, outputPath: outputPath, maxRounds: options.maxRounds)
        let provider: any LLMProvider
        var transcriptPath = options.transcript
        var settings: [String: JSONValue] = extra
        settings["command"] = .string(kind.rawValue)
        settings["cpn_author_version"] = .string(CPNAuthorVersion.string)
        settings["prompt_versions"] = .object(PromptLibrary.names.map { ($0, JSONValue.string(prompts.version(of: $0))) })
        settings["max_rounds"] = .int(options.maxRounds)
        settings["stream"] = .bool(!options.noStream)
        settings["output"] = .string(outputPath)

        let providerName: String, model: String, baseURL: String
        var secrets: [String?] = []
        if let replayPath = options.replay {
            let replay = try ReplayProvider(transcriptPath: replayPath, session: options.replaySession)
            provider = replay
            outcome.replay = replay
            providerName = replay.session["provider"]?.string ?? "unknown"
            model = replay.model
            baseURL = replay.session["base_url"]?.string ?? "unknown"
            settings["replay_of"] = .string(replayPath)
        } else {
            let configuration = try LLMConfiguration.resolve(flags: options.settings,
                                                             file: ConfigFile.loadDefault(environment: ProcessInfo.processInfo.environment))
            provider = configuration.makeProvider(retry: options.retryPolicy)
            providerName = configuration.provider.rawValue
            model = configuration.model
            // Never the credentials a base URL may carry (user:password@, ?api-key=).
            baseURL = configuration.shownBaseURL
            secrets = configuration.secrets
            outcome.configuration = configuration.description
            transcriptPath = transcriptPath ?? defaultTranscriptPath
        }

        var recorded: any LLMProvider = provider
        var transcript: TranscriptWriter?
        if let transcriptPath {
            let writer = try TranscriptWriter(path: transcriptPath, secrets: secrets)
            if let note = options.transcriptNote { try writer.note(note) }
            try writer.sessionStart(provider: providerName, model: model, baseURL: baseURL, extra: settings)
            recorded = RecordingProvider(provider, transcript: writer)
            transcript = writer
            outcome.transcriptPath = transcriptPath
            outcome.transcriptSession = Self.sessionCount(in: transcriptPath)
        }

        let progress = LLMProgress(modelName: "\(providerName) \(model)", replaying: options.replay != nil)
        announce(outcome, progress: progress, providerName: providerName, model: model, baseURL: baseURL)

        let cancellation = CancellationFlag()
        if options.replay == nil { cancellation.cancelOnInterrupt() }
        let log = RoundLog()
        let session = DraftSession(prompts: prompts, gate: gate, maxRounds: options.maxRounds) { event in
            guard case .verdict(let round) = event else { return }
            log.rounds.append(round)
            progress.verdict(round)
            do {
                try transcript?.event("verdict", [
                    "round": .int(round.round), "passed": .bool(round.outcome.passed),
                    "summary": .string(round.outcome.summary),
                    "failure": round.outcome.passed ? .null : .string(round.outcome.failureText),
                ])
            } catch {
                log.transcriptError = error
            }
        }
        var adapter = DraftModelAdapter(provider: recorded, stream: !options.noStream, maxTokens: options.maxTokens,
                                      cancellation: cancellation, progress: progress)
        do {
            outcome.result = try body(session, &adapter)
        } catch {
            outcome.error = error
            outcome.cancelled = cancellation.isCancelled
        }
        outcome.rounds = log.rounds
        outcome.seconds = Date().timeIntervalSince(started)
        if outcome.error == nil, let transcriptError = log.transcriptError { outcome.error = transcriptError }
        if let transcript {
            try? transcript.event("result", [
                "passed": .bool(outcome.passed), "rounds": .int(outcome.rounds.count),
                "input_tokens": .int(outcome.inputTokens), "output_tokens": .int(outcome.outputTokens),
                "seconds": .double((outcome.seconds * 1000).rounded() / 1000),
                "error": outcome.error.map { .string("\($0)") } ?? .null,
            ])
        }
        return outcome
    }

    /// The gate every reply goes through, with the command's bounds.
    var gate: NetGate {
        NetGate(maxStates: options.maxStates, acceptBounded: options.acceptBounded)
    }

    /// `net.yaml` → `net.draft.jsonl` beside it (`net.revise.jsonl` for revise).
    var defaultTranscriptPath: String {
        let url = URL(fileURLWithPath: outputPath)
        let stem = url.deletingPathExtension().lastPathComponent
        let name = (stem.isEmpty ? "cpn-author" : stem) + ".\(kind.rawValue).jsonl"
        let directory = (outputPath as NSString).deletingLastPathComponent
        return directory.isEmpty ? name : (directory as NSString).appendingPathComponent(name)
    }

    private func loadPrompts() throws -> PromptLibrary {
        guard let directory = options.prompts else { return .embedded }
        do {
            return try PromptLibrary.overridden(by: directory)
        } catch {
            throw ValidationFailure("--prompts: \(error.description)")
        }
    }

    private func announce(_ outcome: LLMSessionOutcome, progress: LLMProgress, providerName: String, model: String, baseURL: String) {
        if let replay = outcome.replay {
            let recorded = replay.session["time"]?.string.map { " on \($0)" } ?? ""
            progress.say("\(kind.rawValue): replaying session \(replay.sessionNumber) of \(replay.sessionCount) from \(replay.path): "
                + "\(replay.recordedCount) recorded repl\(replay.recordedCount == 1 ? "y" : "ies") of \(providerName) \(model) at \(baseURL)\(recorded)")
            for note in replay.notes { progress.say("note (from the transcript): \(note)") }
            progress.say("\(kind.rawValue): offline: no network, no key; the gate checks each recorded net again now")
        } else if let configuration = outcome.configuration {
            progress.say("\(kind.rawValue): \(configuration)")
        }
        if let path = outcome.transcriptPath {
            progress.say("\(kind.rawValue): transcript: \(path) (session \(outcome.transcriptSession))")
        }
    }

    /// How many session lines the transcript holds (the one just written is the last).
    private static func sessionCount(in path: String) -> Int {
        guard let data = FileManager.default.contents(atPath: path) else { return 1 }
        let text = String(decoding: data, as: UTF8.self)
        return max(1, text.split(separator: "\n").filter { $0.contains(#""type":"session""#) }.count)
    }
}

/// The rounds seen so far, filled in by the session's observer (an escaping closure).
private final class RoundLog {
    var rounds: [DraftRound] = []
    var transcriptError: (any Error)?
}

extension LLMSessionRunner {
    /// Ends a session the same way for every command: the net written atomically to the
    /// output only when it passed, the `--report`, the error on stderr, the summary on
    /// stdout, and the exit status. `passedLines` adds lines to the summary of a passing
    /// session (revise's structural diff).
    func finish(_ outcome: LLMSessionOutcome, input: String, passedLines: (String) -> [String] = { _ in [] }) throws {
        var err = StandardError()
        if let error = outcome.error {
            print("error: \(error)", to: &err)
        }
        var extra: [String] = []
        if let net = outcome.net {
            try Self.createDirectory(containing: outputPath)
            try AtomicFile.write(net, to: outputPath)
            extra = passedLines(net)
        }
        if let reportPath = options.report {
            // A passing net is explored again under its real path, so the report points into it.
            let passing = outcome.net.flatMap { net -> ExplorationResult? in
                switch gate.evaluate(yaml: net, path: outputPath) {
                case .passed(let result, _, _): result
                default: nil
                }
            }
            if let result = passing ?? outcome.lastExploration {
                try Self.createDirectory(containing: reportPath)
                try AtomicFile.write(JSONReport.render([result]) + "\n", to: reportPath)
                extra.append("  report   \(reportPath)")
            } else {
                extra.append("  report   none written: no net was explored")
            }
        }
        print(outcome.summary(input: input, extraLines: extra))
        if outcome.exitStatus != ExitStatus.success { throw ExitCode(outcome.exitStatus) }
    }

    /// The session may have cost minutes of a model's time: a missing directory for the
    /// output is made rather than failing at the last step.
    private static func createDirectory(containing path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        guard !directory.isEmpty else { return }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ValidationFailure("cannot create the directory \(directory) for \(path): \(error.localizedDescription)")
        }
    }
}
