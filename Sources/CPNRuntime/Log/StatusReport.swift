import CPNJSON
/// What `cpn-author status` shows: the marking (ready, waiting, held), what
/// is enabled, the work in progress, and how fast transitions fire.
public struct StatusReport: Sendable {
    public var net: String
    public var store: String
    public var tickMicros: Int64
    public var snapshot: RuntimeSnapshot
    public var summary: EventSummary
    /// The window `recent` counts cover, in microseconds.
    public var windowMicros: Int64
    public var placeNames: [String]
    /// The shard of a partitioned run the store holds (nil: the whole net).
    public var shard: ShardLabel?

    public init(engine: Engine, windowMicros: Int64) throws {
        snapshot = try engine.snapshot()
        summary = try engine.summary(since: snapshot.real - windowMicros)
        net = engine.net.name
        store = engine.store.location
        tickMicros = engine.tickMicros
        self.windowMicros = windowMicros
        placeNames = engine.net.checked.places.map(\.name)
        shard = engine.options.shard?.label
    }

    /// Per place: each value with how many copies are ready, waiting (with the
    /// earliest ready time) and held for a handler.
    struct PlaceLine {
        var place: String
        var entries: [(value: String, ready: Int, waiting: Int, held: Int, nextReadyAt: Int64?)]
    }

    var places: [PlaceLine] {
        placeNames.map { name in
            var entries: [(value: String, ready: Int, waiting: Int, held: Int, nextReadyAt: Int64?)] = []
            for t in snapshot.tokens where t.place == name {
                let i: Int
                if let j = entries.firstIndex(where: { $0.value == t.value }) { i = j } else {
                    entries.append((t.value, 0, 0, 0, nil))
                    i = entries.count - 1
                }
                if t.isHeld(at: snapshot.real) { entries[i].held += 1 }
                else if t.readyAt > snapshot.now {
                    entries[i].waiting += 1
                    entries[i].nextReadyAt = min(entries[i].nextReadyAt ?? t.readyAt, t.readyAt)
                } else { entries[i].ready += 1 }
            }
            return PlaceLine(place: name, entries: entries)
        }
    }

    public var text: String {
        var out = "net `\(net)` in \(store) (time unit \(RuntimeDuration.format(micros: tickMicros)))\n"
        if let shard {
            out += "\(shard.summary) (a partitioned run): `final` and the invariants below are this shard's alone; it checks "
                + (shard.invariants.isEmpty ? "no invariant" : shard.invariants.map { "`\($0)`" }.joined(separator: ", ")) + "\n"
        }
        out += activityLine + "\n"
        let tokens = snapshot.tokens
        let held = tokens.filter { $0.isHeld(at: snapshot.real) }
        let waiting = tokens.filter { !$0.isHeld(at: snapshot.real) && $0.readyAt > snapshot.now }
        out += "marking: \(tokens.count) token\(tokens.count == 1 ? "" : "s") (\(tokens.count - held.count - waiting.count) ready, \(waiting.count) waiting, \(held.count) held by handlers)"
        if let f = snapshot.isFinal { out += f ? ", final" : ", not final" }
        out += "\n"
        let width = placeNames.map(\.count).max() ?? 0
        for line in places {
            let items = line.entries.map { e -> String in
                var parts: [String] = []
                if e.ready > 0 { parts.append(e.ready == 1 ? e.value : "\(e.ready)×\(e.value)") }
                if e.waiting > 0, let at = e.nextReadyAt {
                    // A stopped clock does not run down: the wait is net time, counted once a run is idle again.
                    let wait = RuntimeDuration.format(micros: at - snapshot.now)
                    parts.append((e.waiting == 1 ? e.value : "\(e.waiting)×\(e.value)")
                                 + (snapshot.clockRunning ? " (ready in \(wait))" : " (ready \(wait) after the net's clock resumes)"))
                }
                if e.held > 0 { parts.append((e.held == 1 ? e.value : "\(e.held)×\(e.value)") + " (held)") }
                return parts.joined(separator: ", ")
            }
            out += "  " + line.place.padded(to: width) + "  " + (items.isEmpty ? "(empty)" : items.joined(separator: ", ")) + "\n"
        }
        if !snapshot.brokenInvariants.isEmpty {
            out += "BROKEN invariants: " + snapshot.brokenInvariants.map { "`\($0)`" }.joined(separator: ", ") + "\n"
        }
        var perTransition: [String: Int] = [:]
        for b in snapshot.enabled { perTransition[b.transition, default: 0] += 1 }
        out += "enabled: " + (snapshot.enabled.isEmpty ? "nothing" : perTransition.keys.sorted().map {
            perTransition[$0]! == 1 ? $0 : "\($0) (\(perTransition[$0]!) bindings)" }.joined(separator: ", ")) + "\n"
        var holders: [String: Int] = [:]
        for t in held { holders[t.claimedBy ?? "?", default: 0] += 1 }
        if !holders.isEmpty {
            out += "working: " + holders.keys.sorted().map { "\($0) holds \(holders[$0]!)" }.joined(separator: ", ") + "\n"
        }
        let window = RuntimeDuration.format(micros: windowMicros)
        let total = summary.firings.reduce(0) { $0 + $1.total }
        let recent = summary.firings.reduce(0) { $0 + $1.recent }
        out += "firings: \(total) in all, \(recent) in the last \(window) (\(rate(recent))/s)\n"
        let tWidth = summary.firings.map(\.transition.count).max() ?? 0
        for f in summary.firings.sorted(by: { $0.transition < $1.transition }) {
            out += "  " + f.transition.padded(to: tWidth) + "  \(f.total) in all, \(rate(f.recent))/s lately, last \(RuntimeDuration.format(micros: max(0, snapshot.real - f.lastAt))) ago\n"
        }
        if !summary.workers.isEmpty {
            out += "workers in the last \(window): " + summary.workers.map { "\($0.worker) (\($0.recent))" }.joined(separator: ", ") + "\n"
        }
        if summary.recentFailures > 0 { out += "handler failures in the last \(window): \(summary.recentFailures)\n" }
        return out
    }

    /// How long ago the last event was committed, wall clock, and whether the
    /// net's clock runs: a clock that stands still is a busy net, or a store no
    /// run works on now (its last event then says since when).
    var activityLine: String {
        var line = "last event: "
        if let last = summary.lastEventAt {
            line += "\(RuntimeDuration.format(micros: max(0, snapshot.real - last))) ago (\(EventLog.timestamp(last)))"
        } else {
            line += "none"
        }
        line += snapshot.clockRunning ? "; the net's clock runs (the net is idle)"
            : "; the net's clock is stopped (the net is busy, or no run is working on it)"
        return line
    }

    private func rate(_ n: Int) -> String {
        let r = Double(n) * 1e6 / Double(max(1, windowMicros))
        return r >= 10 ? String(Int(r.rounded())) : String((r * 100).rounded() / 100)
    }

    public var json: JSONValue {
        .object([
            ("net", .string(net)),
            ("store", .string(store)),
            ("tick_us", .int(Int(tickMicros))),
            ("shard", shard.map { .object([("key", .string($0.key)), ("shard", .int($0.index + 1)), ("of", .int($0.count)),
                                           ("invariants_checked", .array($0.invariants.map(JSONValue.string)))]) } ?? .null),
            ("now", .string(EventLog.timestamp(snapshot.real))),
            ("net_time_us", .int(Int(snapshot.now))),
            ("clock_running", .bool(snapshot.clockRunning)),
            ("final", snapshot.isFinal.map(JSONValue.bool) ?? .null),
            ("broken_invariants", .array(snapshot.brokenInvariants.map(JSONValue.string))),
            ("marking", .array(places.map { line in
                .object([("place", .string(line.place)), ("tokens", .array(line.entries.map { e in
                    var m: [(String, JSONValue)] = [("token", .string(e.value)), ("ready", .int(e.ready)), ("waiting", .int(e.waiting)), ("held", .int(e.held))]
                    if let at = e.nextReadyAt { m.append(("next_ready_at", .string(EventLog.timestamp(at)))) }
                    return .object(m)
                }))])
            })),
            ("enabled", .array(snapshot.enabled.map { b in
                .object([("transition", .string(b.transition)),
                         ("binding", .object(b.variables.map { ($0.name, .string($0.value)) })),
                         ("handler", b.handler.map(JSONValue.string) ?? .null)])
            })),
            ("window_us", .int(Int(windowMicros))),
            ("events", .int(summary.events)),
            ("firings", .array(summary.firings.map { f in
                .object([("transition", .string(f.transition)), ("total", .int(f.total)), ("recent", .int(f.recent)),
                         ("per_second", .double(Double(f.recent) * 1e6 / Double(max(1, windowMicros)))),
                         ("last_at", .string(EventLog.timestamp(f.lastAt)))])
            })),
            ("workers", .array(summary.workers.map { .object([("worker", .string($0.worker)), ("events", .int($0.recent)), ("last_at", .string(EventLog.timestamp($0.lastAt)))]) })),
            ("recent_failures", .int(summary.recentFailures)),
            ("last_event_at", summary.lastEventAt.map { .string(EventLog.timestamp($0)) } ?? .null),
            ("since_last_event_us", summary.lastEventAt.map { .int(Int(max(0, snapshot.real - $0))) } ?? .null),
            ("handlers", .array(summary.handlers.map { h in
                .object([("handler", .string(h.handler)), ("firings", .int(h.firings)), ("work_us", .int(Int(h.workMicros)))])
            })),
        ])
    }
}

extension String {
    func padded(to n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
