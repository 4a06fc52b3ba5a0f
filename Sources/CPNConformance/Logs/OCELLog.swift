import CPNDiagnostics
import CPNJSON
import Foundation

/// OCEL 2.0 JSON (the object-centric event log standard): `objectTypes`,
/// `eventTypes`, `objects` and `events`, each event with an `id`, a `type`
/// (its name), a `time`, `attributes` (`[{name, value}]`) and
/// `relationships` (`[{objectId, qualifier}]`).
///
/// Not streamed: the standard does not order events, so they are sorted by
/// time (stably, ties in file order) before replay, and the file is read
/// whole, up to `maximumBytes`; memory is about ten times the file's size.
/// Each event's attributes are its OCEL attributes plus `id`, `type`, `time`,
/// `objects.<type>` (the id of its first related object of that type) and
/// `qualifiers.<qualifier>` (the related object's id). The events of one
/// object type are the cases when the mapping says `case: {object_type: T}`
/// (flattening: an event related to two orders replays in both).
public final class OCELLog: LogEventSource {
    public static let maximumBytes = 256 << 20

    private var events: [LogEvent] = []
    private var index = 0

    public init(path: String, caseObjectType: String?) throws(LogReadError) {
        let data: Data
        switch InputFile.read(path, limit: Self.maximumBytes) {
        case .success(let contents): data = contents.data
        case .failure(let f): throw LogReadError(file: path, line: 1, "cannot read the OCEL log: \(f.message)", recoverable: false)
        }
        guard let root = JSONValue.parse(data), root.object != nil else {
            throw LogReadError(file: path, line: 1, "the OCEL log is not a JSON object", help: "OCEL 2.0 JSON has objectTypes, eventTypes, objects, events",
                               recoverable: false)
        }
        guard let list = root["events"]?.array else {
            throw LogReadError(file: path, line: 1, "the OCEL log has no `events` list", recoverable: false)
        }
        var typeOf: [String: String] = [:]
        for o in root["objects"]?.array ?? [] {
            if let id = o["id"]?.string, let type = o["type"]?.string { typeOf[id] = type }
        }
        if let t = caseObjectType, !(root["objectTypes"]?.array ?? []).contains(where: { $0["name"]?.string == t }),
           !typeOf.values.contains(t) {
            throw LogReadError(file: path, line: 1, "the OCEL log has no object type `\(t)`", help: "the mapping's case: {object_type: …} names one",
                               recoverable: false)
        }
        var timed: [(time: String, order: Int, event: LogEvent)] = []
        for (k, e) in list.enumerated() {
            let at = "events[\(k)]"
            guard let type = e["type"]?.string else {
                throw LogReadError(file: path, line: 1, "\(at) has no `type` string", help: "an OCEL 2.0 event is {id, type, time, attributes, relationships}",
                                   recoverable: false)
            }
            var attributes: [String: JSONValue] = ["type": .string(type)]
            if let id = e["id"] { attributes["id"] = id }
            let time = e["time"]?.string ?? ""
            attributes["time"] = .string(time)
            for a in e["attributes"]?.array ?? [] {
                if let name = a["name"]?.string, let value = a["value"], attributes[name] == nil { attributes[name] = value }
            }
            var objects: [(String, JSONValue)] = [], qualifiers: [(String, JSONValue)] = []
            var cases: [String] = []
            for r in e["relationships"]?.array ?? [] {
                guard let oid = r["objectId"]?.string else { continue }
                let type = typeOf[oid] ?? ""
                if !objects.contains(where: { $0.0 == type }) { objects.append((type, .string(oid))) }
                if let q = r["qualifier"]?.string, !q.isEmpty, !qualifiers.contains(where: { $0.0 == q }) { qualifiers.append((q, .string(oid))) }
                if let t = caseObjectType, type == t, !cases.contains(oid) { cases.append(oid) }
            }
            attributes["objects"] = .object(objects)
            attributes["qualifiers"] = .object(qualifiers)
            // Without an object type for cases the replay shares one marking; with one,
            // an event related to no object of that type belongs to no case and is skipped.
            if caseObjectType != nil && cases.isEmpty { continue }
            timed.append((time, k, LogEvent(name: type, cases: caseObjectType == nil ? nil : cases, attributes: attributes, line: k + 1)))
        }
        // ISO 8601 times of one offset compare as text; mixed offsets are normalised first.
        timed.sort { (Self.sortKey($0.time), $0.order) < (Self.sortKey($1.time), $1.order) }
        events = timed.map(\.event)
    }

    public func next() throws(LogReadError) -> LogEvent? {
        guard index < events.count else { return nil }
        defer { index += 1 }
        return events[index]
    }

    /// A time as microseconds since 1970 when it parses as ISO 8601, else its text.
    static func sortKey(_ time: String) -> String {
        if let d = Self.parse(time) { return String(format: "%020.0f", d.timeIntervalSince1970 * 1e6 + 1e15) }
        return time
    }

    nonisolated(unsafe) private static let iso: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }()
    nonisolated(unsafe) private static let isoWhole = ISO8601DateFormatter()

    static func parse(_ time: String) -> Date? { iso.date(from: time) ?? isoWhole.date(from: time) }
}
