/// One event of a `text/event-stream` body.
public struct ServerSentEvent: Sendable, Equatable {
    /// The `event:` field; nil when the event had none (the spec's default, "message").
    public var event: String?
    /// The `data:` lines joined with "\n".
    public var data: String
    public var id: String?

    public init(event: String? = nil, data: String, id: String? = nil) {
        self.event = event
        self.data = data
        self.id = id
    }
}

/// An incremental parser for server-sent events, fed bytes as they arrive.
///
/// Follows the WHATWG event-stream rules: lines end with `\r\n`, `\n` or `\r` (a `\r\n`
/// split across two chunks counts once); a line starting with `:` is a comment; `field:
/// value` loses one space after the colon; several `data:` lines join with "\n"; a blank
/// line dispatches the event; an event with no `data:` line is dropped. Bytes are split
/// into lines before they are decoded, so a UTF-8 character cut between chunks survives.
///
/// ```swift
/// var parser = SSEParser()
/// parser.feed(Array("data: hel".utf8))          // []
/// parser.feed(Array("lo\n\n".utf8))              // [ServerSentEvent(data: "hello")]
/// ```
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var lastWasCR = false
    private var atStart = true
    private var eventName: String?
    private var dataLines: [String] = []
    private var eventID: String?

    public init() {}

    /// Whether bytes of an event that has not been dispatched yet are waiting: a partial
    /// line or fields without their closing blank line.
    public var hasPendingEvent: Bool { !line.isEmpty || !dataLines.isEmpty || eventName != nil }

    /// Consumes `bytes` and returns the events they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\n"):
                if lastWasCR {
                    lastWasCR = false
                    continue
                }
                endLine(into: &events)
            case UInt8(ascii: "\r"):
                lastWasCR = true
                endLine(into: &events)
            default:
                lastWasCR = false
                line.append(byte)
            }
        }
        return events
    }

    /// Ends the stream. A last event whose lines were complete but that lacked the final
    /// blank line is dispatched (servers often stop right after `data: [DONE]\n`); a
    /// partial line is dropped, since it may be cut anywhere.
    public mutating func finish() -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        line = []
        dispatch(into: &events)
        return events
    }

    private mutating func endLine(into events: inout [ServerSentEvent]) {
        var bytes = line
        line = []
        if atStart {
            // A UTF-8 byte order mark may open the stream; it is not part of a field.
            atStart = false
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        }
        guard !bytes.isEmpty else {
            dispatch(into: &events)
            return
        }
        if bytes.first == UInt8(ascii: ":") { return }
        let text = String(decoding: bytes, as: UTF8.self)
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
        } else {
            field = text[...]
            value = ""
        }
        switch field {
        case "event": eventName = String(value)
        case "data": dataLines.append(String(value))
        case "id": eventID = String(value)
        default: break  // `retry:` and unknown fields do not matter to a one-shot client.
        }
    }

    private mutating func dispatch(into events: inout [ServerSentEvent]) {
        defer {
            eventName = nil
            dataLines = []
        }
        guard !dataLines.isEmpty else { return }
        events.append(ServerSentEvent(event: eventName, data: dataLines.joined(separator: "\n"), id: eventID))
    }
}
