@testable import CPNLLM
import Testing

@Suite struct SSEParserTests {
    func parse(_ chunks: [[UInt8]]) -> [ServerSentEvent] {
        var parser = SSEParser()
        var events: [ServerSentEvent] = []
        for chunk in chunks { events += parser.feed(chunk) }
        return events + parser.finish()
    }

    func parse(_ text: String) -> [ServerSentEvent] { parse([Array(text.utf8)]) }

    @Test func eventsWithNamesAndData() {
        let events = parse("event: message_start\ndata: {\"a\":1}\n\ndata: plain\n\n")
        #expect(events == [ServerSentEvent(event: "message_start", data: "{\"a\":1}"), ServerSentEvent(data: "plain")])
    }

    @Test func lineEndingsCRLFAndCR() {
        #expect(parse("data: one\r\n\r\ndata: two\r\rdata: three\n\n").map(\.data) == ["one", "two", "three"])
    }

    @Test func commentsAreSkippedAndDataLinesJoin() {
        let events = parse(": keep-alive\ndata: first\n: in between\ndata: second\ndata:\n\n")
        #expect(events == [ServerSentEvent(data: "first\nsecond\n")])
    }

    @Test func oneSpaceAfterTheColonIsDroppedOnlyOne() {
        #expect(parse("data:tight\n\ndata:  two spaces\n\n").map(\.data) == ["tight", " two spaces"])
    }

    @Test func fieldWithoutColonAndUnknownFields() {
        // "data" alone is a data line with an empty value; retry/unknown fields are ignored.
        let events = parse("retry: 100\nfoo: bar\ndata\ndata: x\n\n")
        #expect(events == [ServerSentEvent(data: "\nx")])
    }

    @Test func eventWithoutDataIsDropped() {
        #expect(parse("event: ping\n\ndata: kept\n\n") == [ServerSentEvent(data: "kept")])
    }

    @Test func byteOrderMarkAtTheStart() {
        #expect(parse([[0xEF, 0xBB, 0xBF] + Array("data: x\n\n".utf8)]) == [ServerSentEvent(data: "x")])
    }

    @Test func finishDispatchesCompleteLinesButDropsAPartialLine() {
        var parser = SSEParser()
        #expect(parser.feed(Array("data: [DONE]\n".utf8)).isEmpty)
        #expect(parser.hasPendingEvent)
        #expect(parser.finish() == [ServerSentEvent(data: "[DONE]")])

        var cut = SSEParser()
        #expect(cut.feed(Array("data: {\"choices\":[{\"del".utf8)).isEmpty)
        #expect(cut.hasPendingEvent)
        #expect(cut.finish().isEmpty)
    }

    /// The same stream, cut in two at every byte (inside `\r\n`, inside a multi-byte
    /// character, inside a field name), and fed one byte at a time, gives the same events.
    @Test func splitAtEveryByteBoundary() {
        let stream = "event: content_block_delta\r\ndata: {\"text\":\"ünï “q” 🙂\"}\r\n\r\n"
            + ": comment\r\ndata: line one\r\ndata: line two\r\n\r\n"
            + "event: message_stop\ndata: {}\n\n"
        let bytes = Array(stream.utf8)
        let whole = parse([bytes])
        #expect(whole.count == 3)
        #expect(whole[0].data == "{\"text\":\"ünï “q” 🙂\"}")
        #expect(whole[1].data == "line one\nline two")
        for cut in 0...bytes.count {
            let events = parse([Array(bytes[..<cut]), Array(bytes[cut...])])
            #expect(events == whole, "cut at byte \(cut)")
        }
        #expect(parse(bytes.map { [$0] }) == whole)
    }
}
