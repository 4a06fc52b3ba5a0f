import CPNJSON
extension RunReport {
    /// The report `cpn-author run` prints when it stops.
    ///
    /// ```text
    /// stopped: final marking reached after 1.2s
    ///   firings: 21 (17.5/s) by 4 workers
    ///     start_fetch    6
    ///     fetch_ok       4
    ///   handler runs: 6, conflicts: 2
    /// ```
    public func text(finalMarking: [String]) -> String {
        var out = "stopped: \(reason.rawValue) after \(RuntimeDuration.format(micros: elapsedMicros))\n"
        if let error {
            out += "error: \(error.message)\n"
            for line in error.details { out += "  \(line)\n" }
        }
        let rateText = firingsPerSecond >= 10 ? String(Int(firingsPerSecond.rounded())) : String((firingsPerSecond * 10).rounded() / 10)
        out += "  firings: \(totalFirings) (\(rateText)/s) by \(workers) worker\(workers == 1 ? "" : "s")\n"
        let width = firings.map(\.transition.count).max() ?? 0
        for f in firings { out += "    " + f.transition.padded(to: width) + "  \(f.count)\n" }
        var extras: [String] = []
        if handlerRuns > 0 { extras.append("handler runs: \(handlerRuns)") }
        if conflicts > 0 { extras.append("conflicts: \(conflicts)") }
        if lostClaims > 0 { extras.append("claims lost to expired leases: \(lostClaims)") }
        if !extras.isEmpty { out += "  " + extras.joined(separator: ", ") + "\n" }
        if let p50 = latency.percentile(0.5), let p99 = latency.percentile(0.99) {
            out += "  latency per firing: p50 \(RuntimeDuration.format(micros: p50)), p99 \(RuntimeDuration.format(micros: p99)) (read to commit)\n"
        }
        if !finalMarking.isEmpty { out += "marking:\n" + finalMarking.joined(separator: "\n") + "\n" }
        return out
    }

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("stopped", .string(reason.rawValue)),
            ("elapsed_ms", .int(Int(elapsedMicros / 1_000))),
            ("workers", .int(workers)),
            ("firings", .int(totalFirings)),
            ("firings_per_second", .double((firingsPerSecond * 10).rounded() / 10)),
            ("per_transition", .object(firings.map { ($0.transition, .int($0.count)) })),
            ("handler_runs", .int(handlerRuns)),
            ("conflicts", .int(conflicts)),
            ("lost_claims", .int(lostClaims)),
            ("latency_us", .object([
                ("p50", latency.percentile(0.5).map { .int(Int($0)) } ?? .null),
                ("p99", latency.percentile(0.99).map { .int(Int($0)) } ?? .null),
                // Upper bound and count of each bucket that holds firings: histograms of several runs add up.
                ("buckets", .array(latency.nonEmptyBuckets.map { .array([.int(Int($0.upperMicros)), .int($0.count)]) })),
            ])),
        ]
        if let error { members.append(("error", .object([("message", .string(error.message)), ("details", .array(error.details.map(JSONValue.string)))]))) }
        return .object(members)
    }
}

extension Engine {
    /// The marking now, one line per place, for reports.
    public func markingLines() throws -> [String] {
        MarkingText.lines(rows: try snapshot().tokens, engine: self)
    }
}
