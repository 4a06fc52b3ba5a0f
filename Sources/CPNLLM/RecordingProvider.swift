import Foundation

/// A provider that writes every exchange of another one to a transcript: the request
/// line before it is sent, then the response line or the error line.
///
/// ```swift
/// let transcript = try TranscriptWriter(path: "draft.jsonl", secrets: [configuration.apiKey])
/// try transcript.sessionStart(configuration)
/// let provider = RecordingProvider(configuration.makeProvider(), transcript: transcript)
/// ```
public struct RecordingProvider: LLMProvider {
    public let inner: any LLMProvider
    public let transcript: TranscriptWriter

    public init(_ inner: any LLMProvider, transcript: TranscriptWriter) {
        self.inner = inner
        self.transcript = transcript
    }

    public var name: String { inner.name }
    public var model: String { inner.model }
    public var structuredReplyModes: [StructuredReplyMode] { inner.structuredReplyModes }

    /// Forwards to the wrapped provider. A transcript that cannot be written fails the
    /// call (after the exchange), since a session without its record cannot be audited.
    public func complete(_ request: ChatRequest, cancellation: CancellationFlag?,
                         observe: (CompletionEvent) -> Void) throws -> Completion {
        var transcriptError: (any Error)?
        var requestWritten = false
        let completion: Completion
        // What reached the wire (a replayed session: what was recorded, told by the completion).
        let mode = request.effectiveReplyMode
        do {
            completion = try inner.complete(request, cancellation: cancellation) { event in
                if case let .sending(url, headers, body) = event, !requestWritten {
                    requestWritten = true
                    do { try transcript.request(url: url, headers: headers, body: body, replyMode: mode) } catch { transcriptError = error }
                }
                observe(event)
            }
        } catch let error as LLMError {
            try? transcript.failure(error)
            throw error
        }
        if !requestWritten { try transcript.request(url: "", headers: [], body: completion.requestBody, replyMode: completion.replyMode) }
        if let transcriptError { throw transcriptError }
        try transcript.response(completion)
        return completion
    }
}
