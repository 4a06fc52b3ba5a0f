import CPNJSON

/// The JSON report (`specs/conformance.schema.json`): the verdict, the token
/// counts and fitness overall and per case, each case's first deviation, the
/// deviations kept, invariants broken on the replayed run, per-transition counts.
public struct ConformanceJSONReport {
    public var showTiming: Bool

    public init(showTiming: Bool = true) { self.showTiming = showTiming }

    public func render(_ r: ConformanceResult) -> String { value(r).pretty + "\n" }

    public func value(_ r: ConformanceResult) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("format", "cpn-author-conformance"),
            ("version", 1),
            ("verdict", .string(r.passed ? "conforms" : "deviates")),
            ("net", .string(r.net)),
            ("net_file", .string(r.netFile)),
            ("log", .string(r.log)),
            ("log_format", .string(r.format.rawValue)),
            ("map", r.mapFile.map { .string($0) } ?? .null),
            ("fitness", .double(r.fitness)),
            ("min_fitness", .double(r.minimumFitness)),
            ("average_case_fitness", .double(r.averageCaseFitness)),
            ("tokens", tokens(r.tokens)),
            ("final", .string(r.final.rawValue)),
            ("events", .int(r.events)),
            ("ignored_events", .int(r.ignoredEvents)),
            ("external_events", .int(r.externalEvents)),
            ("skipped_lines", .int(r.skippedLineCount)),
            ("cases", .int(r.cases.count)),
            ("fitting_cases", .int(r.fittingCases)),
            ("deviation_counts", .object(r.deviationCounts.sorted { $0.key < $1.key }.map { ($0.key.rawValue, .int($0.value)) })),
            ("deviations", .array(r.deviations.map(deviation))),
            ("invariants_checked", .array(r.invariantsChecked.map { .string($0) })),
            ("invariants_violated", .array(r.invariants.map { v in
                .object([("name", .string(v.name)), ("case", .string(v.caseID)), ("line", .int(v.line)),
                         ("event", v.event.map { .string($0) } ?? .null), ("marking", .string(v.marking)), ("cases", .int(v.cases))])
            })),
            ("transitions", .array(r.transitions.map { t in
                .object([("name", .string(t.name)), ("fired", .int(t.fired)), ("forced", .int(t.forced)), ("silent", .int(t.silent))])
            })),
            ("per_case", .array(r.cases.map { c in
                .object([("case", .string(c.id)), ("events", .int(c.events)), ("fitness", .double(c.tokens.fitness)), ("fits", .bool(c.fits)),
                         ("tokens", tokens(c.tokens)), ("deviations", .int(c.deviations)),
                         ("first_deviation", c.firstDeviation.map(deviation) ?? .null)])
            })),
        ]
        if !r.skippedLines.isEmpty { members.append(("skipped", .array(r.skippedLines.map { .string($0) }))) }
        if showTiming {
            members.append(("elapsed_ms", .int(Int((r.elapsedSeconds * 1000).rounded()))))
            members.append(("events_per_second", .int(Int(r.eventsPerSecond.rounded()))))
        }
        return .object(members)
    }

    func tokens(_ t: ConformanceResult.Tokens) -> JSONValue {
        .object([("missing", .int(t.missing)), ("consumed", .int(t.consumed)), ("remaining", .int(t.remaining)), ("produced", .int(t.produced))])
    }

    func deviation(_ d: ConformanceResult.Deviation) -> JSONValue {
        .object([("kind", .string(d.kind.rawValue)), ("case", .string(d.caseID)), ("line", .int(d.line)), ("index", .int(d.index)),
                 ("event", d.event.map { .string($0) } ?? .null), ("transition", d.transition.map { .string($0) } ?? .null),
                 ("binding", .string(d.binding)), ("message", .string(d.message)),
                 ("needed", .array(d.needed.map { .string($0) })), ("marking", .string(d.marking))])
    }
}
