import Foundation

/// A scripted OpenAI/Anthropic-compatible HTTP server on 127.0.0.1, for tests.
///
/// It listens on a port the kernel picks, serves each connection on its own thread,
/// answers each request with the next queued `FakeReply` (a JSON body, an SSE stream
/// with optional pauses, a dropped connection, a hang) and records every request. It
/// speaks just enough HTTP/1.1 for libcurl: `Content-Length` request bodies,
/// `Expect: 100-continue`, one request per connection (`Connection: close`), chunked
/// streaming responses. With no reply queued it answers 500 with a JSON error that says so.
///
/// ```swift
/// let server = try FakeLLMServer()
/// defer { server.stop() }
/// server.enqueue(.openAIChat(text: "hello"))
/// // POST \(server.baseURL)/v1/chat/completions → {"choices":[{"message":{"content":"hello"}}], …}
/// #expect(server.requests.first?.path == "/v1/chat/completions")
/// ```
public final class FakeLLMServer: @unchecked Sendable {
    /// The port the server listens on.
    public let port: UInt16
    private let listener: Socket
    // `state` guards everything below it and wakes pauses on stop().
    private let state = NSCondition()
    private var replies: [FakeReply] = []
    private var recorded: [RecordedRequest] = []
    private var connections: [Int32: Socket] = [:]
    private var stopped = false
    private let running = DispatchGroup()

    /// Starts listening on 127.0.0.1 at a free port.
    public init() throws {
        (listener, port) = try Socket.listenOnLoopback()
        running.enter()
        // The loop holds the server only weakly, so dropping the last reference ends it.
        Thread.detachNewThread { [weak self, listener, running] in
            while let server = self, server.acceptOne() {}
            listener.closeDescriptor()
            running.leave()
        }
    }

    deinit {
        signalStop()
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Queues replies; each request takes the next one.
    public func enqueue(_ replies: FakeReply...) {
        enqueue(contentsOf: replies)
    }

    public func enqueue(contentsOf newReplies: [FakeReply]) {
        state.lock()
        replies.append(contentsOf: newReplies)
        state.unlock()
    }

    /// Every request received so far, in order of arrival.
    public var requests: [RecordedRequest] {
        state.lock()
        defer { state.unlock() }
        return recorded
    }

    /// How many queued replies no request has taken yet.
    public var pendingReplies: Int {
        state.lock()
        defer { state.unlock() }
        return replies.count
    }

    /// Stops accepting, wakes hanging replies, breaks open connections and waits for
    /// every server thread to finish. Safe to call more than once.
    public func stop() {
        signalStop()
        running.wait()
    }

    private func signalStop() {
        state.lock()
        stopped = true
        for connection in connections.values { connection.shutdownBoth() }
        state.broadcast()
        state.unlock()
    }

    private var isStopped: Bool {
        state.lock()
        defer { state.unlock() }
        return stopped
    }

    /// One turn of the accept loop; false once the server is stopped.
    private func acceptOne() -> Bool {
        if isStopped { return false }
        guard let connection = listener.accept(waitingUpTo: 50) else { return true }
        state.lock()
        if stopped {
            state.unlock()
            connection.closeDescriptor()
            return false
        }
        connections[connection.fd] = connection
        running.enter()
        state.unlock()
        Thread.detachNewThread { [self] in
            serve(connection)
            state.lock()
            connections[connection.fd] = nil
            state.unlock()
            running.leave()
        }
        return true
    }

    /// Sleeps up to `seconds`; false when the server was stopped meanwhile.
    private func pause(_ seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        state.lock()
        defer { state.unlock() }
        while !stopped && state.wait(until: deadline) {}
        return !stopped
    }

    private func serve(_ connection: Socket) {
        guard let request = HTTPRequestReader.read(from: connection) else {
            connection.resetAndClose()
            return
        }
        state.lock()
        recorded.append(request)
        let number = recorded.count
        let reply = replies.isEmpty ? nil : replies.removeFirst()
        state.unlock()

        switch reply ?? .json(status: 500, ["error": ["message": "fake LLM server: no reply scripted for request \(number)",
                                                       "type": "fake_server_error"]]) {
        case let .response(status, headers, body):
            connection.send(Self.head(status: status, headers: headers.merging(["Content-Length": "\(body.count)"]) { a, _ in a }))
            connection.send(body)
            connection.finishAndClose()
        case let .stream(status, headers, chunks, ending):
            guard connection.send(Self.head(status: status, headers: headers.merging(["Transfer-Encoding": "chunked"]) { a, _ in a })) else {
                return connection.closeDescriptor()
            }
            for chunk in chunks where !chunk.bytes.isEmpty {
                // An empty chunk would end the body, so empty pieces are skipped.
                guard chunk.delay <= 0 || pause(chunk.delay),
                      connection.send(String(chunk.bytes.count, radix: 16) + "\r\n"),
                      connection.send(chunk.bytes), connection.send("\r\n")
                else { return connection.resetAndClose() }
            }
            switch ending {
            case .complete:
                connection.send("0\r\n\r\n")
                connection.finishAndClose()
            case .abrupt:
                connection.resetAndClose()
            }
        case .dropConnection:
            connection.resetAndClose()
        case let .hang(seconds):
            _ = pause(seconds)
            connection.resetAndClose()
        }
    }

    private static func head(status: Int, headers: [String: String]) -> String {
        var text = "HTTP/1.1 \(status) \(reason(status))\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            text += "\(name): \(value)\r\n"
        }
        return text + "Connection: close\r\n\r\n"
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 529: "Overloaded"
        default: "Status"
        }
    }
}
