import Foundation
import CPNJSON

/// Writes a session's transcript: JSON Lines, one object per line, appended and
/// written through to the file as each line is complete, so a crash loses nothing.
///
/// Every line has `type` and `time` (ISO 8601). The types:
///
/// ```
/// {"text":"…","type":"note"}                                         ← optional, before the session
/// {"type":"session","provider":"openai","model":"gpt-4.1","base_url":"https://api.openai.com/v1",…}
/// {"type":"request","round":1,"reply_mode":"json_schema","url":"…/chat/completions","headers":{"Authorization":"[redacted]",…},"body":{…}}
/// {"type":"error","round":1,"kind":"http","status":500,"refused_reply_mode":"json_schema","message":"…"}
/// {"type":"request","round":1,"reply_mode":"json_object",…}               ← the same round, asked again
/// {"type":"response","round":1,"reply_mode":"json_object","text":"{\"cpn\":1,…}","usage":{"input":812,"output":230},"seconds":4.2,"status":200,…}
/// {"type":"error","round":2,"kind":"http","status":500,"message":"…"}
/// {"type":"event","name":"verdict","round":1,"passed":false,…}      ← added by the caller
/// ```
///
/// Redaction: credential headers are always written as `[redacted]`, and every string
/// in every line has each of `secrets` (the API key) replaced by `[redacted]` before it
/// is written. `ReplayProvider` reads the `response` lines back.
///
/// `reply_mode` says how each request constrained the reply and so how its `text` is
/// read (`StructuredReplyMode`: `json_schema`, `json_object`, `tool` — the text is a JSON
/// net — or `fenced_yaml`; a line without it, from before structured replies, is
/// `fenced_yaml`). An `error` line with `refused_reply_mode` is a server refusing that
/// mode: the next request asks again in the next mode and keeps the round's number.
public final class TranscriptWriter: @unchecked Sendable {
    public let path: String
    private let handle: FileHandle
    private let secrets: [String]
    // Guards the file and `round`: lines from several threads never interleave.
    private let lock = NSLock()
    private var round = 0
    /// The last failure was a refused reply mode: the next request repeats the round.
    private var repeatRound = false

    /// Opens `path` for appending, creating it (mode 0600) and its directory if needed.
    /// `secrets` are the strings that must never reach the file.
    ///
    /// The file is opened without following a symbolic link (a link planted at the
    /// transcript's path, beside a net in a shared directory, must not make the
    /// session append to another file) and must be a regular file.
    public init(path: String, secrets: [String?] = []) throws {
        self.path = path
        self.secrets = secrets.compactMap { $0 }.filter { !$0.isEmpty }
        let manager = FileManager.default
        let directory = (path as NSString).deletingLastPathComponent
        do {
            if !directory.isEmpty { try manager.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        } catch {
            throw LLMError(.transcript, "cannot create the directory for the transcript \(path): \(error.localizedDescription)")
        }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = errno == ELOOP ? "it is a symbolic link; give the path of a regular file" : String(cString: strerror(errno))
            throw LLMError(.transcript, "cannot open the transcript \(path) for writing: \(reason)")
        }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw LLMError(.transcript, "cannot use \(path) as the transcript: it is not a regular file")
        }
        // Non-blocking only for the open (a FIFO must not hang it); writes block as usual.
        _ = fcntl(fd, F_SETFL, O_WRONLY | O_APPEND)
        self.handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }


    /// The session line: which provider and model, where (never the key), plus `extra`.
    public func sessionStart(_ configuration: LLMConfiguration, extra: [String: JSONValue] = [:]) throws {
        try sessionStart(provider: configuration.provider.rawValue, model: configuration.model,
                         baseURL: configuration.baseURL, extra: extra)
    }

    public func sessionStart(provider: String, model: String, baseURL: String, extra: [String: JSONValue] = [:]) throws {
        var fields = extra
        fields["provider"] = .string(provider)
        fields["model"] = .string(model)
        fields["base_url"] = .string(baseURL)
        try write(type: "session", fields)
    }

    /// A line of prose for whoever reads or replays the transcript, such as where it came
    /// from. Written before `sessionStart`, it belongs to the session that follows;
    /// `ReplayProvider.notes` reads it back and `draft --replay` prints it.
    public func note(_ text: String) throws {
        try write(type: "note", ["text": .string(text)])
    }

    /// A request about to be sent; starts a new round unless `round` is given.
    public func request(url: String, headers: [HTTPHeader], body: Data, round: Int? = nil,
                        replyMode: StructuredReplyMode = .fencedYAML) throws {
        let number = nextRound(round)
        var headerFields: JSONValue = [:]
        for header in headers {
            headerFields[header.name] = .string(Redactor.isCredentialHeader(header.name) ? Redactor.placeholder : header.value)
        }
        let parsedBody = JSONValue.parse(body) ?? .string(String(decoding: body, as: UTF8.self))
        try write(type: "request", ["round": .int(number), "url": .string(url), "headers": headerFields,
                                    "body": parsedBody, "reply_mode": .string(replyMode.rawValue)])
    }

    /// The reply to the current round's request.
    public func response(_ completion: Completion, round: Int? = nil) throws {
        var fields: [String: JSONValue] = [
            "round": .int(round ?? currentRound),
            "text": .string(completion.text),
            "status": .int(completion.status),
            "seconds": .double((completion.seconds * 1000).rounded() / 1000),
            "attempts": .int(completion.attempts),
            "streamed": .bool(completion.streamed),
            "usage": ["input": completion.usage.input.map(JSONValue.int) ?? .null,
                      "output": completion.usage.output.map(JSONValue.int) ?? .null],
            "body": .string(String(decoding: completion.responseBody, as: UTF8.self)),
            "reply_mode": .string(completion.replyMode.rawValue),
        ]
        fields["model"] = completion.model.map(JSONValue.string)
        fields["stop_reason"] = completion.stopReason.map(JSONValue.string)
        try write(type: "response", fields)
    }

    /// The current round's request failed.
    public func failure(_ error: LLMError, round: Int? = nil) throws {
        var fields: [String: JSONValue] = [
            "round": .int(round ?? currentRound),
            "kind": .string(Self.kindName(error.kind)),
            "message": .string(error.description),
            "attempts": .int(error.attempts),
        ]
        if case let .http(status) = error.kind { fields["status"] = .int(status) }
        fields["provider_message"] = error.providerMessage.map(JSONValue.string)
        fields["refused_reply_mode"] = error.refusedReplyMode.map { JSONValue.string($0.rawValue) }
        if error.refusedReplyMode != nil {
            lock.lock()
            repeatRound = true
            lock.unlock()
        }
        try write(type: "error", fields)
    }

    /// Anything the caller wants on record, such as a round's verdict. `fields` may not
    /// replace `type`, `name` or `time`.
    public func event(_ name: String, _ fields: [String: JSONValue] = [:]) throws {
        var merged = fields
        merged["name"] = .string(name)
        try write(type: "event", merged)
    }

    /// The number of the last request written (0 before the first).
    public var currentRound: Int {
        lock.lock()
        defer { lock.unlock() }
        return round
    }

    private func nextRound(_ explicit: Int?) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if let explicit {
            round = explicit
        } else if repeatRound {
            repeatRound = false
        } else {
            round += 1
        }
        return round
    }

    private func write(type: String, _ fields: [String: JSONValue]) throws {
        var record = fields
        record["type"] = .string(type)
        record["time"] = .string(Date().formatted(.iso8601))
        // Keys sorted at every depth: one stable line per record, as transcripts have always been written.
        let redacted = JSONValue.object(record.map { ($0.key, $0.value) }).sortingKeys().mapStrings { Redactor.redact($0, secrets: secrets) }
        // The encoded line is checked again, in case escaping made a secret appear whole.
        let line = Redactor.redact(redacted.rendered, secrets: secrets) + "\n"
        lock.lock()
        defer { lock.unlock() }
        do {
            try handle.write(contentsOf: Data(line.utf8))
        } catch {
            throw LLMError(.transcript, "cannot write to the transcript \(path): \(error.localizedDescription)")
        }
    }

    static func kindName(_ kind: LLMError.Kind) -> String {
        switch kind {
        case .configuration: "configuration"
        case .cancelled: "cancelled"
        case .connectionFailed: "connection_failed"
        case .connectionLost: "connection_lost"
        case .timedOut: "timed_out"
        case .tls: "tls"
        case .http: "http"
        case .providerError: "provider_error"
        case .invalidResponse: "invalid_response"
        case .truncatedStream: "truncated_stream"
        case .replay: "replay"
        case .transcript: "transcript"
        }
    }
}
