import CPNDraft
import CPNExplore
import CPNLLM
import CPNReport
import Foundation
import CPNDiagnostics
import CPNWorkflow
import CPNJSON

/// Which command a drafting session serves.
public enum DraftSessionKind: String, Sendable {
    case draft, revise
}

/// Runs one drafting session for `draft` or `revise` (and any front end that drafts):
/// picks the model (live from the user's settings, or a transcript to replay), records
/// the session in a JSONL transcript, drives `DraftSession` through the gate round by
/// round, telling `observer` what happens, and returns what happened. Writing the net
/// and printing the summary are the caller's.
public struct DraftSessionRunner {
    public let kind: DraftSessionKind
    public let options: DraftSessionSettings
    /// Where the net goes when it passes: names the default transcript and goes on record.
    public let outputPath: String
    /// The version written into the transcript's session line.
    public let toolVersion: String

    public init(kind: DraftSessionKind, options: DraftSessionSettings, toolVersion: String, outputPath: String) {
        self.kind = kind
        self.options = options
        self.outputPath = outputPath
        self.toolVersion = toolVersion
    }

    /// Starts the session and runs it to its end. Throws only for problems found before
    /// the first request (prompts, settings, transcript); a failure during the session
    /// (network, provider, replay running out) ends up in the outcome's `error`.
    /// `observer` is made once the model is known (its name and whether it replays).
    public func run(extra: [String: JSONValue],
                    observer makeObserver: (_ modelName: String, _ replaying: Bool) -> any DraftSessionObserver,
                    session body: (DraftSession, inout DraftModelAdapter) throws -> DraftResult) throws -> DraftSessionOutcome {
        let started = Date()
        // Before any request: a session can cost minutes of a paid model, so an
        // output or report that could not be written is refused now, not at the end.
        try Self.createDirectory(containing: outputPath)
        if let reportPath = options.report { try Self.createDirectory(containing: reportPath) }
        let prompts = try loadPrompts()
        var outcome = DraftSessionOutcome(kind: kind, outputPath: outputPath, maxRounds: options.maxRounds)
        let provider: any LLMProvider
        var transcriptPath = options.transcript
        var settings: [String: JSONValue] = extra
        settings["command"] = .string(kind.rawValue)
        settings["cpn_author_version"] = .string(toolVersion)
        settings["prompt_versions"] = .object(PromptLibrary.names.map { ($0, JSONValue.string(prompts.version(of: $0))) })
        settings["max_rounds"] = .int(options.maxRounds)
        settings["stream"] = .bool(!options.noStream)
        settings["structured"] = .bool(!options.noStructured)
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
                                                             file: ConfigFile.loadDefault(environment: options.environment))
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

        let progress = makeObserver("\(providerName) \(model)", options.replay != nil)
        announce(outcome, progress: progress, providerName: providerName, model: model, baseURL: baseURL)

        let cancellation = CancellationFlag()
        if options.replay == nil, options.cancelOnInterrupt { cancellation.cancelOnInterrupt() }
        let log = RoundLog()
        let session = DraftSession(prompts: prompts, gate: gate, maxRounds: options.maxRounds) { event in
            guard case .verdict(let round) = event else { return }
            log.rounds.append(round)
            progress.verdict(round)
            do {
                var fields: [String: JSONValue] = [
                    "round": .int(round.round), "passed": .bool(round.outcome.passed),
                    "summary": .string(round.outcome.summary),
                    "failure": round.outcome.passed ? .null : .string(round.outcome.failureText),
                    "reply_mode": round.replyMode.map(JSONValue.string) ?? .null,
                ]
                // A JSON reply was checked as the YAML written from it: keep that text, which
                // the diagnostics' line:column point into.
                if round.replyFormat == .json, let yaml = round.yaml { fields["net"] = .string(yaml) }
                try transcript?.event("verdict", fields)
            } catch {
                log.transcriptError = error
            }
        }
        let structured: StructuredReplySetup? = try options.noStructured ? nil : StructuredReplySetup(prompts: prompts)
        var adapter = DraftModelAdapter(provider: recorded, stream: !options.noStream, maxTokens: options.maxTokens,
                                        cancellation: cancellation, progress: progress, structured: structured,
                                        replay: outcome.replay)
        do {
            outcome.result = try body(session, &adapter)
        } catch {
            outcome.error = error
            outcome.cancelled = cancellation.isCancelled
        }
        outcome.rounds = log.rounds
        outcome.refusedReplyModes = (outcome.replay?.refusals.map(\.mode) ?? []) + adapter.negotiation.refusals.map(\.mode)
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
    public var gate: NetGate {
        NetGate(maxStates: options.maxStates, acceptBounded: options.acceptBounded)
    }

    /// `net.yaml` → `net.draft.jsonl` beside it (`net.revise.jsonl` for revise).
    public var defaultTranscriptPath: String {
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

    private func announce(_ outcome: DraftSessionOutcome, progress: any DraftSessionObserver, providerName: String, model: String, baseURL: String) {
        if let replay = outcome.replay {
            let recorded = replay.session["time"]?.string.map { " on \($0)" } ?? ""
            progress.say("\(kind.rawValue): replaying session \(replay.sessionNumber) of \(replay.sessionCount) from \(replay.path): "
                + "\(replay.recordedCount) recorded repl\(replay.recordedCount == 1 ? "y" : "ies") of \(providerName) \(model) at \(baseURL)\(recorded)")
            for note in replay.notes { progress.say("note (from the transcript): \(note)") }
            for refusal in replay.refusals {
                progress.say("\(kind.rawValue): recorded: round \(refusal.round)'s server refused \(refusal.mode.rawValue) replies; "
                    + "the next reply was asked for in the next mode")
            }
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

extension DraftSessionRunner {
    /// The session may have cost minutes of a model's time: a missing directory for the
    /// output is made rather than failing at the last step.
    public static func createDirectory(containing path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        guard !directory.isEmpty else { return }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ValidationFailure("cannot create the directory \(directory) for \(path): \(error.localizedDescription)")
        }
    }
}
