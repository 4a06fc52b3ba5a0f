#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPNJSON

/// Reading the event log out of a store: all of it (in pages, so a long log
/// does not need one huge query), or as JSON lines.
public enum EventLog {
    /// Every event in id order (the order of commits for any two events that
    /// touch the same token).
    public static func all(_ store: any TokenStore, after: Int64 = 0) throws -> [EventRecord] {
        var out: [EventRecord] = []
        var last = after
        while true {
            let page = try store.transaction { try $0.events(after: last, limit: 5_000) }
            out += page
            guard let end = page.last, page.count == 5_000 else { return out }
            last = end.id
        }
    }

    /// One event as one line of JSON:
    ///
    /// ```json
    /// {"id":7,"kind":"fire","transition":"start_fetch","binding":{"p":"p1","t":"{domain: shop, prio: 2, attempt: 0}"},
    ///  "consumed":[{"id":1,"place":"proxies","token":"p1"},…],"produced":[…],"worker":"host:4242:0",
    ///  "at":"2026-11-26T03:22:00.123456Z","at_us":1795663320123456}
    /// ```
    public static func jsonLine(_ e: EventRecord) -> String {
        var members: [(String, JSONValue)] = [("id", .int(Int(e.id))), ("kind", .string(e.kind.rawValue))]
        if let t = e.transition { members.append(("transition", .string(t))) }
        if e.kind == .fire { members.append(("binding", .object(e.binding.map { ($0.name, .string($0.value)) }))) }
        func refs(_ list: [TokenRef]) -> JSONValue {
            .array(list.map { r in
                var m: [(String, JSONValue)] = [("id", .int(Int(r.id))), ("place", .string(r.place)), ("token", .string(r.value))]
                if let ready = r.readyAt, ready > e.netAt { m.append(("ready_in_us", .int(Int(ready - e.netAt)))) }
                return .object(m)
            })
        }
        members.append(("consumed", refs(e.consumed)))
        members.append(("produced", refs(e.produced)))
        members.append(("worker", .string(e.worker)))
        if let h = e.handler { members.append(("handler", .string(h))) }
        if let started = e.startedAt, started != e.at {
            members.append(("started_at", .string(timestamp(started))))
            members.append(("started_at_us", .int(Int(started))))
        }
        members.append(("at", .string(timestamp(e.at))))
        members.append(("at_us", .int(Int(e.at))))
        // The net's clock stands still while the net is busy (specs/runtime.md, "Time").
        members.append(("net_time_us", .int(Int(e.netAt))))
        if let m = e.message { members.append(("message", .string(m))) }
        return JSONValue.object(members).rendered
    }

    /// `2026-11-26T03:22:00.123456Z`
    public static func timestamp(_ micros: Int64) -> String {
        var seconds = time_t(micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000)
        let fraction = Int(micros - Int64(seconds) * 1_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ n: Int32, _ width: Int) -> String { let s = String(n); return String(repeating: "0", count: max(0, width - s.count)) + s }
        let f = String(fraction)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + String(repeating: "0", count: 6 - f.count) + f + "Z"
    }
}
