import CPNJSON
import CPNReport

/// SARIF 2.1.0, as `verify` writes it (`SARIFReport`'s schema and artifact
/// locations): each deviation kept and each invariant broken on the replayed
/// run is a result located at its line of the log; the fitness is a run property.
public struct ConformanceSARIFReport {
    public init() {}

    static func ruleID(_ kind: String) -> String { "conformance/" + kind }

    static let descriptions: [(String, String)] = ConformanceResult.DeviationKind.allCases.map { k in
        (k.rawValue, describe(k))
    } + [("invariant", "An invariant of the net is false on a marking of the replayed run.")]

    static func describe(_ k: ConformanceResult.DeviationKind) -> String {
        switch k {
        case .missingTokens: "An event's transition was not enabled: its input places lacked tokens."
        case .guardFalse: "An event's transition had its tokens, but its guard was false for the event's binding."
        case .wrongColor: "An event's attribute is not a value of the variable's color."
        case .notEnabled: "An event's transition was forbidden by a capacity or an inhibitor arc."
        case .unmatched: "No binding of the event's transition agrees with the event."
        case .unknownEvent: "An event names no transition of the net."
        case .evaluationError: "Evaluating the transition's inscriptions failed for the event's binding."
        case .notFinal: "A case ended in a marking that is not final."
        }
    }

    public func render(_ r: ConformanceResult) -> String {
        let rules: [JSONValue] = Self.descriptions.map { id, text in
            .object([("id", .string(Self.ruleID(id))), ("name", .string(id)), ("shortDescription", .object([("text", .string(text))])),
                     ("defaultConfiguration", .object([("level", "error")]))])
        }
        func location(_ line: Int) -> JSONValue {
            var physical: [(String, JSONValue)] = [("artifactLocation", SARIFReport.artifactLocation(r.log, index: 0))]
            if line > 0 { physical.append(("region", .object([("startLine", .int(line))]))) }
            return .object([("physicalLocation", .object(physical))])
        }
        var results: [JSONValue] = r.deviations.map { d in
            var text = "case \(d.caseID): \(d.message)"
            if !d.binding.isEmpty { text += " (binding \(d.binding))" }
            text += "; marking before: \(d.marking)"
            return .object([("ruleId", .string(Self.ruleID(d.kind.rawValue))), ("level", "error"),
                            ("message", .object([("text", .string(text))])), ("locations", .array([location(d.line)]))])
        }
        results += r.invariants.map { v in
            .object([("ruleId", .string(Self.ruleID("invariant"))), ("level", "error"),
                     ("message", .object([("text", .string("invariant `\(v.name)` is false in case \(v.caseID) (\(v.cases) case(s) in all); marking: \(v.marking)"))])),
                     ("locations", .array([location(v.line)]))])
        }
        let run: JSONValue = .object([
            ("tool", .object([("driver", .object([("name", "cpn-author"), ("rules", .array(rules))]))])),
            ("artifacts", .array([.object([("location", SARIFReport.artifactLocation(r.log, index: nil))])])),
            ("results", .array(results)),
            ("properties", .object([("fitness", .double(r.fitness)), ("min_fitness", .double(r.minimumFitness)),
                                    ("events", .int(r.events)), ("cases", .int(r.cases.count)),
                                    ("deviations", .int(r.deviationTotal)), ("verdict", .string(r.passed ? "conforms" : "deviates"))])),
        ])
        return JSONValue.object([("$schema", .string(SARIFReport.schemaURI)), ("version", "2.1.0"), ("runs", .array([run]))]).pretty + "\n"
    }
}
