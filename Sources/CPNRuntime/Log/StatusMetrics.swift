/// `cpn-author status --format prometheus`: the status as Prometheus text
/// exposition (version 0.0.4), for a scraper (node_exporter's textfile
/// collector, or any HTTP server that serves the file) or a script.
///
/// ```text
/// # HELP cpn_firings_total Firings per transition in the event log.
/// # TYPE cpn_firings_total counter
/// cpn_firings_total{net="job-pipeline",transition="ack"} 3
/// # HELP cpn_tokens Tokens per place and state.
/// # TYPE cpn_tokens gauge
/// cpn_tokens{net="job-pipeline",place="queue",state="ready"} 2
/// ```
///
/// Counters are read from the log, so they never go down while the store
/// lives, whichever worker or machine fired; rates are over `--window`.
extension StatusReport {
    public var prometheus: String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: [(String, String)], value: String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for s in samples {
                let labels = ([("net", net)] + s.labels).map { "\($0.0)=\"\(Self.escapeLabel($0.1))\"" }.joined(separator: ",")
                out += "\(name){\(labels)} \(s.value)\n"
            }
        }
        let windowSeconds = Double(max(1, windowMicros)) / 1e6
        family("cpn_events_total", "counter", "Events in the store's event log.", [([], "\(summary.events)")])
        family("cpn_firings_total", "counter", "Firings per transition in the event log.",
               summary.firings.sorted { $0.transition < $1.transition }.map { ([("transition", $0.transition)], "\($0.total)") })
        family("cpn_firing_rate", "gauge", "Firings per second per transition over the status window.",
               summary.firings.sorted { $0.transition < $1.transition }.map { ([("transition", $0.transition)], Self.number(Double($0.recent) / windowSeconds)) })
        var tokens: [(labels: [(String, String)], value: String)] = []
        for line in places {
            let ready = line.entries.reduce(0) { $0 + $1.ready }, waiting = line.entries.reduce(0) { $0 + $1.waiting }
            let held = line.entries.reduce(0) { $0 + $1.held }
            tokens += [([("place", line.place), ("state", "ready")], "\(ready)"), ([("place", line.place), ("state", "waiting")], "\(waiting)"),
                       ([("place", line.place), ("state", "held")], "\(held)")]
        }
        family("cpn_tokens", "gauge", "Tokens per place: ready, waiting for their ready time, or held by a handler.", tokens)
        var enabled: [String: Int] = [:]
        for b in snapshot.enabled { enabled[b.transition, default: 0] += 1 }
        family("cpn_enabled_bindings", "gauge", "Bindings enabled now, per transition.",
               enabled.keys.sorted().map { ([("transition", $0)], "\(enabled[$0]!)") })
        family("cpn_final", "gauge", "1 when the net's final marking holds, 0 when not (absent: the net has no final).",
               snapshot.isFinal.map { [([], $0 ? "1" : "0")] } ?? [])
        family("cpn_broken_invariants", "gauge", "Invariants the stored marking breaks (0 in a healthy store).",
               [([], "\(snapshot.brokenInvariants.count)")])
        family("cpn_clock_running", "gauge", "1 while the net's clock runs (the net is idle), 0 while it stands still.",
               [([], snapshot.clockRunning ? "1" : "0")])
        family("cpn_net_time_seconds", "gauge", "The net's clock.", [([], Self.number(Double(snapshot.now) / 1e6))])
        family("cpn_seconds_since_last_event", "gauge", "Wall-clock seconds since the newest event was committed.",
               summary.lastEventAt.map { [([], Self.number(Double(max(0, snapshot.real - $0)) / 1e6))] } ?? [])
        family("cpn_workers_active", "gauge", "Workers with events in the status window.", [([], "\(summary.workers.count)")])
        family("cpn_handler_failures_recent", "gauge", "Handler failures and lost claims in the status window.", [([], "\(summary.recentFailures)")])
        // A summary without quantiles: _sum / _count is the mean work time, rate(_sum) / rate(_count) over any range.
        out += "# HELP cpn_handler_work_seconds Work time of handled firings, from the claim to the completion.\n# TYPE cpn_handler_work_seconds summary\n"
        for h in summary.handlers {
            let labels = "net=\"\(Self.escapeLabel(net))\",handler=\"\(Self.escapeLabel(h.handler))\""
            out += "cpn_handler_work_seconds_sum{\(labels)} \(Self.number(Double(h.workMicros) / 1e6))\n"
            out += "cpn_handler_work_seconds_count{\(labels)} \(h.firings)\n"
        }
        return out
    }

    /// Label values escape backslash, double quote and line feed (the exposition format's rule).
    static func escapeLabel(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    /// A sample value: integers without a fraction, others with up to 6 decimals.
    static func number(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : (x > 0 ? "+Inf" : "-Inf") }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        let r = (x * 1e6).rounded() / 1e6
        return String(r)
    }
}
