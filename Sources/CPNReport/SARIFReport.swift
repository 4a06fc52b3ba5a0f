import CPNDiagnostics
import CPNExplore
import CPNJSON

/// SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
///
/// One run, one rule per kind of finding (invariant, deadlock, final-reachable,
/// expression-error, dead-transition, exploration-bound, and each diagnostic code
/// that occurs), one result per finding, located at the YAML line of the violated
/// invariant, the transition, or the diagnostic. A counterexample becomes a
/// `codeFlow` whose thread-flow locations walk through the net file step by step:
/// each firing points at its transition, each clock tick at the place whose token
/// becomes ready, and the last location at the violation itself.
///
/// Paths are relative URIs against `%SRCROOT%` (the directory the command ran
/// in, or the repository root for `review`), columns count Unicode code points.
/// No timestamps: the same nets give the same bytes.
///
/// ```
/// $ cpn-author verify nets/ --format sarif --output cpn.sarif
/// ```
public struct SARIFReport: Sendable {
    public var options: ReportOptions
    /// For `review`: the SARIF `baselineState` of a finding (`new`, `unchanged`), or nil.
    public var baselineState: @Sendable (NetReport, Finding) -> String?

    public static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    public static let sourceRoot = "%SRCROOT%"

    public init(options: ReportOptions = ReportOptions(),
                baselineState: @escaping @Sendable (NetReport, Finding) -> String? = { _, _ in nil }) {
        self.options = options
        self.baselineState = baselineState
    }

    public func render(_ reports: [NetReport]) -> String {
        let findings = reports.map(Finding.of)
        let rules = SARIFRules.rules(for: findings.flatMap { $0 })
        let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
        var artifactIndex: [String: Int] = [:]
        for r in reports where artifactIndex[r.path] == nil { artifactIndex[r.path] = artifactIndex.count }
        var artifactPaths = Array(repeating: "", count: artifactIndex.count)
        for (path, i) in artifactIndex { artifactPaths[i] = path }

        var results: [JSONValue] = []
        for (report, found) in zip(reports, findings) {
            let locations = NetLocations(report.net)
            for f in found {
                results.append(result(f, report: report, locations: locations,
                                      ruleIndex: ruleIndex[f.ruleID] ?? 0, artifactIndex: artifactIndex))
            }
        }
        let exit = options.exitCode ?? reports.worstExitCode(acceptBounded: options.acceptBounded)
        let run = JSONValue.members(
            ("tool", JSONValue.members(("driver", JSONValue.members(
                ("name", "cpn-author"),
                ("semanticVersion", .string(options.toolVersion)),
                ("shortDescription", JSONValue.members(("text", "Colored Petri net checker: schema and type checks, exhaustive state-space exploration, shortest counterexamples."))),
                ("rules", .array(rules.map(\.json))))))),
            ("invocations", [JSONValue.members(
                // The tool ran to the end; invalid nets and violations are results, not tool failures.
                ("executionSuccessful", true),
                ("exitCode", .int(Int(exit))))]),
            ("columnKind", "unicodeCodePoints"),
            ("artifacts", .array(artifactPaths.map { path in
                JSONValue.members(("location", Self.artifactLocation(path, index: nil)),
                       ("roles", ["analysisTarget"]),
                       ("sourceLanguage", "yaml"))
            })),
            ("results", .array(results)),
            ("properties", JSONValue.members(("nets", .array(reports.map(summary)))))
        )
        return JSONValue.members(("$schema", .string(Self.schemaURI)), ("version", "2.1.0"), ("runs", [run])).pretty + "\n"
    }

    // MARK: - Results

    private func result(_ f: Finding, report: NetReport, locations: NetLocations, ruleIndex: Int,
                        artifactIndex: [String: Int]) -> JSONValue {
        let text = ([f.message] + f.details + (f.property?.trace.map(TraceNarration.lines) ?? [])).joined(separator: "\n")
        let primary = f.region.map { location($0, message: nil, artifactIndex: artifactIndex) }
            ?? JSONValue.members(("physicalLocation", JSONValue.members(("artifactLocation", Self.artifactLocation(report.path, index: artifactIndex[report.path])))))
        var related: [JSONValue] = []
        if f.rule == .deadlock, let final = locations.final {
            related.append(location(SourceRegion(final), message: "`final` does not hold in the dead marking", artifactIndex: artifactIndex, id: 1))
        }
        if let p = f.property, p.kind != .deadlock, p.kind != .expressionError, let own = locations.region(of: p, in: report.path),
           own != f.region {
            related.append(location(own, message: "the property", artifactIndex: artifactIndex, id: related.count + 1))
        }
        // Every transition the counterexample fires, once each, in the order they first fire.
        var seen = Set<String>()
        for step in f.property?.trace?.steps ?? [] where step.kind == .fire {
            guard let name = step.transition, seen.insert(name).inserted, let r = locations.transition(name) else { continue }
            related.append(location(r, message: "`\(name)` fires in the counterexample (step \(step.index))",
                                    artifactIndex: artifactIndex, id: related.count + 1))
        }
        return JSONValue.members(
            ("ruleId", .string(f.ruleID)),
            ("ruleIndex", .int(ruleIndex)),
            ("level", .string(f.level.rawValue)),
            ("message", JSONValue.members(("text", .string(text)))),
            ("locations", [primary]),
            ("partialFingerprints", JSONValue.members(("cpnFinding/v1", .string(f.fingerprint)))),
            ("codeFlows", f.property?.trace.map { [codeFlow($0, property: f.property!, finding: f, locations: locations, artifactIndex: artifactIndex)] }),
            ("relatedLocations", related.isEmpty ? nil : .array(related)),
            ("baselineState", baselineState(report, f).map(JSONValue.string)),
            ("properties", JSONValue.members(("net", .string(report.displayName)), ("property", f.property.map { .string($0.name) })))
        )
    }

    private func codeFlow(_ trace: Trace, property: PropertyResult, finding: Finding, locations: NetLocations,
                          artifactIndex: [String: Int]) -> JSONValue {
        var steps: [JSONValue] = []
        let file = finding.region?.file ?? property.location?.file ?? ""
        let start = locations.placeOrder.first.flatMap(locations.place) ?? .start(of: file)
        steps.append(threadFlowLocation(start, message: "initial marking: " + TraceNarration.marking(trace.initial),
                                        marking: trace.initial, order: 0, artifactIndex: artifactIndex))
        for step in trace.steps {
            let region = locations.region(of: step, in: trace) ?? start
            steps.append(threadFlowLocation(region, message: "\(step.index). " + TraceNarration.summary(of: step, in: trace),
                                            marking: step.marking, order: step.index, artifactIndex: artifactIndex))
        }
        let end = finding.region ?? start
        let last = trace.steps.last?.marking ?? trace.initial
        let verdict: String
        if let f = trace.failure {
            verdict = "\(trace.steps.count + 1). \(f.transition)"
                + (f.binding.isEmpty ? "" : " (\(TraceNarration.binding(f.binding)))") + " fails: \(f.message)"
        } else {
            verdict = switch property.kind {
            case .invariant: "invariant `\(property.name)` is false in this marking"
            case .deadlock: "nothing can fire and no token is waiting; the marking is not final"
            case .finalReachable: "from this marking no final or dead marking can be reached"
            case .leadsTo: "from here the net can run forever without reaching what must follow"
            case .expectedDead: "`\(property.name)` can fire in this marking"
            case .boundedness: "the steps since step \(trace.loop?.start ?? 0) can repeat forever, each time adding tokens"
            case .expressionError: property.message ?? "evaluation error"
            }
        }
        steps.append(threadFlowLocation(end, message: verdict, marking: last, order: trace.steps.count + 1,
                                        artifactIndex: artifactIndex, essential: true))
        let n = trace.steps.count
        return JSONValue.members(
            ("message", JSONValue.members(("text", .string("Shortest counterexample: \(n) step\(n == 1 ? "" : "s") from the initial marking")))),
            ("threadFlows", [JSONValue.members(("locations", .array(steps)))]))
    }

    private func threadFlowLocation(_ region: SourceRegion, message: String, marking: [PlaceMarking], order: Int,
                                    artifactIndex: [String: Int], essential: Bool = false) -> JSONValue {
        let state: [(String, JSONValue)] = marking.filter { !$0.tokens.isEmpty }.map {
            ($0.place, JSONValue.members(("text", .string(TraceNarration.tokens($0)))))
        }
        return JSONValue.members(
            ("location", location(region, message: message, artifactIndex: artifactIndex)),
            ("state", .object(state)),
            ("executionOrder", .int(order)),
            ("importance", essential ? "essential" : nil))
    }

    private func location(_ region: SourceRegion, message: String?, artifactIndex: [String: Int], id: Int? = nil) -> JSONValue {
        JSONValue.members(
            ("id", id.map(JSONValue.int)),
            ("physicalLocation", JSONValue.members(
                ("artifactLocation", Self.artifactLocation(region.file, index: artifactIndex[region.file])),
                ("region", JSONValue.members(
                    ("startLine", .int(region.line)),
                    ("startColumn", .int(region.column)),
                    ("endColumn", region.length.map { .int(region.column + $0) }))))),
            ("message", message.map { JSONValue.members(("text", .string($0))) }))
    }

    private func summary(_ r: NetReport) -> JSONValue {
        var members: [(String, JSONValue?)] = [
            ("file", .string(r.path)), ("net", .string(r.displayName)), ("outcome", .string(r.outcome.rawValue)),
        ]
        if let res = r.result {
            members += [("states", .int(res.states)), ("edges", .int(res.edges)), ("depth", .int(res.depth)),
                        ("complete", .bool(res.complete))]
            if options.includeTiming { members.append(("elapsedMs", .int(res.elapsedMs))) }
        }
        return .object(members.compactMap { k, v in v.map { (k, $0) } })
    }

    // MARK: - URIs

    /// A file path as a SARIF artifact location: relative paths become relative
    /// URIs against `%SRCROOT%`, absolute ones `file://` URIs.
    public static func artifactLocation(_ path: String, index: Int?) -> JSONValue {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        if p.hasPrefix("/") {
            return JSONValue.members(("uri", .string("file://" + percentEncoded(p))), ("index", index.map(JSONValue.int)))
        }
        return JSONValue.members(("uri", .string(percentEncoded(p))), ("uriBaseId", .string(sourceRoot)), ("index", index.map(JSONValue.int)))
    }

    /// RFC 3986 percent-encoding of a path: unreserved characters and `/` stay.
    static func percentEncoded(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }
}
