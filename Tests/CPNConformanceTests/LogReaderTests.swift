import CPNConformance
import CPNJSON
import Foundation
import Testing

/// The log readers: every format's events and attributes, and their refusals.
@Suite struct LogReaderTests {
    func file(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cpn-logs-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func all(_ source: any LogEventSource) throws -> [LogEvent] {
        var out: [LogEvent] = []
        while let e = try source.next() { out.append(e) }
        return out
    }

    @Test func csvQuotesDelimitersAndLineBreaks() throws {
        let path = try file("log.csv", "case_id,activity,note\n1,a,\"x, y\"\n1,b,\"two\nlines \"\"quoted\"\"\"\n\n2,a,\n")
        let events = try all(CSVLog(path: path))
        #expect(events.map(\.name) == ["a", "b", "a"])
        #expect(events[0].attributes["note"] == .string("x, y"))
        #expect(events[1].attributes["note"] == .string("two\nlines \"quoted\""))
        #expect(events.map(\.line) == [2, 3, 6])
    }

    @Test func csvRowsWithTheWrongWidthSayWhere() throws {
        let path = try file("log.csv", "event,x\na,1\nb,2,3\n")
        let log = try CSVLog(path: path)
        _ = try log.next()
        #expect(throws: LogReadError.self) { _ = try log.next() }
    }

    @Test func xesTracesEventsAndTypedAttributes() throws {
        let path = try file("log.xes", """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment -->
            <log xes.version="1.0">
              <string key="concept:name" value="the log"/>
              <trace>
                <string key="concept:name" value="c&amp;1"/>
                <event>
                  <string key="concept:name" value="a &lt;b&gt;"/>
                  <int key="n" value="3"/><float key="x" value="1.5"/><boolean key="ok" value="true"/>
                  <list key="items"><string key="i" value="ignored"/></list>
                </event>
                <event><string key="concept:name" value="b"/></event>
              </trace>
              <trace><string key="concept:name" value="empty"/></trace>
            </log>
            """)
        let events = try all(XESLog(path: path))
        #expect(events.count == 4)
        #expect(events[0].name == "a <b>" && events[0].cases == ["c&1"])
        #expect(events[0].attributes["n"] == .int(3) && events[0].attributes["x"] == .double(1.5) && events[0].attributes["ok"] == .bool(true))
        #expect(events[0].attributes["i"] == nil)
        #expect(events[0].attributes["case:concept:name"] == .string("c&1"))
        #expect(events[2].isCaseEnd && events[3].isCaseEnd && events[3].cases == ["empty"])
    }

    @Test func xesRefusesADTDAndUndefinedEntities() throws {
        let bomb = try file("bomb.xes", """
            <?xml version="1.0"?>
            <!DOCTYPE log [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
            <log><trace><event><string key="concept:name" value="&b;"/></event></trace></log>
            """)
        #expect(throws: LogReadError.self) { _ = try all(XESLog(path: bomb)) }
        let entity = try file("entity.xes", "<log><trace><event><string key=\"concept:name\" value=\"&b;\"/></event></trace></log>")
        #expect(throws: LogReadError.self) { _ = try all(XESLog(path: entity)) }
        let deep = try file("deep.xes", "<log>" + String(repeating: "<container key=\"k\">", count: 100) + "</log>")
        #expect(throws: LogReadError.self) { _ = try all(XESLog(path: deep)) }
        let cut = try file("cut.xes", "<log><trace><event><string key=\"concept:name\" value=\"a\"/>")
        #expect(throws: LogReadError.self) { _ = try all(XESLog(path: cut)) }
    }

    @Test func ocelEventsSortedByTimeWithTheirObjects() throws {
        let path = try file("log.jsonocel", """
            {"objectTypes": [{"name": "order", "attributes": []}, {"name": "item", "attributes": []}],
             "eventTypes": [{"name": "place", "attributes": []}, {"name": "ship", "attributes": []}],
             "objects": [{"id": "o1", "type": "order"}, {"id": "o2", "type": "order"}, {"id": "i1", "type": "item"}],
             "events": [
               {"id": "e2", "type": "ship", "time": "2026-01-01T10:00:00Z", "attributes": [{"name": "carrier", "value": "dhl"}],
                "relationships": [{"objectId": "o1", "qualifier": "order"}, {"objectId": "o2", "qualifier": "other"}]},
               {"id": "e1", "type": "place", "time": "2026-01-01T09:00:00Z", "attributes": [],
                "relationships": [{"objectId": "o1", "qualifier": "order"}, {"objectId": "i1", "qualifier": "item"}]},
               {"id": "e3", "type": "place", "time": "2026-01-01T11:00:00Z", "attributes": [], "relationships": [{"objectId": "i1", "qualifier": "item"}]}
             ]}
            """)
        let events = try all(OCELLog(path: path, caseObjectType: "order"))
        #expect(events.map(\.name) == ["place", "ship"])
        #expect(events[0].attributes["objects"]?["item"] == .string("i1"))
        #expect(events[1].cases == ["o1", "o2"])
        #expect(events[1].attributes["carrier"] == .string("dhl"))
        #expect(throws: LogReadError.self) { _ = try OCELLog(path: path, caseObjectType: "parcel") }
    }

    @Test func attributePaths() {
        #expect(AttributePath("$.a.b")?.segments == ["a", "b"])
        #expect(AttributePath("$['a.b'].c")?.segments == ["a.b", "c"])
        #expect(AttributePath("a.b") == nil)
        #expect(AttributePath("$.") == nil)
        let attrs: [String: JSONValue] = ["a": .object([("b", .array([.int(1), .int(2)]))])]
        #expect(AttributePath("$.a.b.1")?.lookup(in: attrs) == .int(2))
    }
}
