import CPNDiagnostics
import Foundation
import CPNJSON

/// Serves the responses recorded in a transcript, in order: an offline re-run of a
/// session, for demos without network and for auditing what the model said.
///
/// It reads the `response` lines of one session of the file (the first by default, the
/// last with `session: -1`; a file appended to by several runs holds several). Requests are not compared with the
/// recorded ones: the n-th call gets the n-th recorded response. A call past the last
/// one is an `LLMError(.replay)` that says how many were recorded.
///
/// ```swift
/// let replay = try ReplayProvider(transcriptPath: "examples/draft-lease.jsonl")
/// let first = try replay.complete(request)    // the text the model sent in round 1
/// ```
public final class ReplayProvider: LLMProvider, @unchecked Sendable {
    public let name = "replay"
    /// The model named by the session line.
    public let model: String
    public let path: String
    /// The session line as recorded (provider, model, base URL, the caller's extras).
    public let session: JSONValue
    /// Which session of the file is replayed (from 1), and how many the file holds.
    public let sessionNumber: Int
    public let sessionCount: Int
    /// The `note` lines written before the session line (see `TranscriptWriter.note`).
    public let notes: [String]
    /// The reply modes the recorded server refused (`error` lines with
    /// `refused_reply_mode`), in order, with their round: what a replay tells, since it
    /// serves only the replies.
    public let refusals: [(round: Int, mode: StructuredReplyMode)]
    private let responses: [Completion]
    // Guards `served`: calls may come from any thread.
    private let lock = NSLock()
    private var served = 0

    /// Reads session number `session` of the transcript at `transcriptPath`: from 1
    /// counting from the start, or from -1 counting back from the end (-1 is the last).
    public convenience init(transcriptPath: String, session: Int = 1) throws {
        switch InputFile.read(transcriptPath, limit: 256 << 20) {
        case .success(let contents):
            try self.init(transcript: String(decoding: contents.data, as: UTF8.self), path: transcriptPath, session: session)
        case .failure(let f):
            throw LLMError(.replay, "cannot read the transcript: \(f.message)")
        }
    }

    /// Reads session number `session` of transcript text; `path` names it in messages.
    public init(transcript: String, path: String, session: Int = 1) throws {
        self.path = path
        var sessions: [(header: JSONValue, notes: [String], requests: [Data], responses: [Completion],
                        refusals: [(round: Int, mode: StructuredReplyMode)])] = []
        var pendingNotes: [String] = []
        for (index, line) in transcript.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            guard let record = JSONValue.parse(Data(line.utf8)), record.object != nil else {
                throw LLMError(.replay, "\(path):\(index + 1): the line is not a JSON object",
                               hint: "a transcript is written by cpn-author, one JSON object per line")
            }
            switch record["type"]?.string {
            case "note":
                // Writers put notes before the session line they introduce.
                if let text = record["text"]?.string { pendingNotes.append(text) }
            case "session":
                sessions.append((record, pendingNotes, [], [], []))
                pendingNotes = []
            case "request" where !sessions.isEmpty:
                sessions[sessions.count - 1].requests.append((record["body"] ?? .null).isNull ? Data() : Data((record["body"] ?? .null).rendered.utf8))
            case "error" where !sessions.isEmpty:
                if let mode = record["refused_reply_mode"]?.string.flatMap(StructuredReplyMode.init(rawValue:)) {
                    sessions[sessions.count - 1].refusals.append((record["round"]?.int ?? 0, mode))
                }
            case "response" where !sessions.isEmpty:
                let requests = sessions[sessions.count - 1].requests
                sessions[sessions.count - 1].responses.append(Self.completion(from: record, requestBody: requests.last ?? Data()))
            default:
                continue
            }
        }
        // Notes after the last session line (none is written so by cpn-author) still belong to it.
        if !pendingNotes.isEmpty, !sessions.isEmpty { sessions[sessions.count - 1].notes += pendingNotes }
        let index = session < 0 ? sessions.count + session : session - 1
        guard session != 0, sessions.indices.contains(index) else {
            if sessions.isEmpty {
                throw LLMError(.replay, "the transcript \(path) holds no session line",
                               hint: "a transcript is written by cpn-author draft or revise; is this the right file?")
            }
            throw LLMError(.replay, "the transcript \(path) holds \(sessions.count) session(s); there is no session \(session)")
        }
        let chosen = sessions[index]
        self.session = chosen.header
        sessionNumber = index + 1
        sessionCount = sessions.count
        notes = chosen.notes
        refusals = chosen.refusals
        model = chosen.header["model"]?.string ?? "unknown"
        responses = chosen.responses
    }

    /// How many responses the session recorded.
    public var recordedCount: Int { responses.count }

    /// The reply mode of the next response to be served (nil when none is left): a
    /// replayed session asks in the mode the recorded one used.
    public var upcomingReplyMode: StructuredReplyMode? {
        lock.lock()
        defer { lock.unlock() }
        return served < responses.count ? responses[served].replyMode : nil
    }

    /// How many have been served so far.
    public var servedCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return served
    }

    public func complete(_ request: ChatRequest, cancellation: CancellationFlag?,
                         observe: (CompletionEvent) -> Void) throws -> Completion {
        if cancellation?.isCancelled == true {
            throw LLMError(.cancelled, "cancelled before replaying a response")
        }
        lock.lock()
        let index = served
        if index < responses.count { served += 1 }
        lock.unlock()
        guard index < responses.count else {
            throw LLMError(.replay, "the transcript \(path) recorded \(responses.count) response(s); the session asks for response \(index + 1)",
                           hint: "the replayed session went further than the recorded one (did the recording end in an error, or do the prompts or the checker differ now?); run without --replay to ask the model")
        }
        let completion = responses[index]
        observe(.sending(url: "replay:\(path)#\(index + 1)", headers: [], body: completion.requestBody))
        if request.stream {
            observe(.progress(StreamProgress(characters: completion.text.count, deltas: 1,
                                             outputTokens: completion.usage.output, elapsed: 0, attempt: 1)))
        }
        return completion
    }

    private static func completion(from record: JSONValue, requestBody: Data) -> Completion {
        var completion = Completion(text: record["text"]?.string ?? "", model: record["model"]?.string,
                                    stopReason: record["stop_reason"]?.string,
                                    usage: TokenUsage(input: record["usage"]?["input"]?.int, output: record["usage"]?["output"]?.int),
                                    status: record["status"]?.int ?? 200, seconds: record["seconds"]?.double ?? 0,
                                    attempts: record["attempts"]?.int ?? 1, streamed: record["streamed"]?.bool ?? false,
                                    requestBody: requestBody, responseBody: Data((record["body"]?.string ?? "").utf8))
        // Lines written before structured replies have no mode: their text is fenced YAML.
        completion.replyMode = record["reply_mode"]?.string.flatMap(StructuredReplyMode.init(rawValue:)) ?? .fencedYAML
        return completion
    }
}
