import CPNExplore
import CPNModel
import Foundation

/// Reads a trace file (`verify --trace-out`, `simulate --trace-out`) and checks
/// that it belongs to a given net, with messages that say which step does not fit.
enum TraceFile {
    static func load(_ path: String) throws -> Trace {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationFailure("cannot read \(path): no such file or not readable")
        }
        let trace: Trace
        do {
            trace = try JSONDecoder().decode(Trace.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw ValidationFailure("\(path) is not valid JSON: \(context.debugDescription)")
        } catch let DecodingError.keyNotFound(key, context) {
            let where_ = (context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")
            throw ValidationFailure("\(path) is not a cpn-author trace: `\(where_)` is missing")
        } catch {
            throw ValidationFailure("\(path) is not a cpn-author trace (\(error))")
        }
        try checkCounts(trace, path: path)
        return trace
    }

    /// Token counts in a trace are positive; ready offsets are not negative.
    /// A file edited by hand (or by another tool) is refused with the step that is wrong.
    static func checkCounts(_ trace: Trace, path: String) throws {
        func check(_ marking: [PlaceMarking], _ at: String) throws {
            for place in marking {
                for t in place.tokens where t.count < 1 || (t.ready ?? 0) < 0 {
                    throw ValidationFailure("\(path): \(at) has \(t.count) of `\(t.token)` in `\(place.place)`"
                        + ((t.ready ?? 0) < 0 ? " ready in \(t.ready ?? 0)" : "") + "; counts must be at least 1 and ready times not negative")
                }
            }
        }
        try check(trace.initial, "the initial marking")
        for step in trace.steps {
            try check(step.marking, "the marking after step \(step.index)")
            for move in step.consumed + step.produced where move.count < 1 {
                throw ValidationFailure("\(path): step \(step.index) moves \(move.count) of `\(move.token)` in `\(move.place)`; counts must be at least 1")
            }
        }
    }

    /// Steps of a runtime log that come from outside the net (`tokens add`/`take`):
    /// they fire no transition of the net.
    static func isExternal(_ step: TraceStep) -> Bool {
        step.transition == "(tokens add)" || step.transition == "(tokens take)"
    }

    /// Every fired transition and every place of the trace must exist in the net.
    static func check(_ trace: Trace, fits net: Net, tracePath: String, netPath: String) throws {
        let transitions = Set(net.transitions.map(\.name))
        let places = Set(net.places.map(\.name))
        for step in trace.steps {
            if step.kind == "fire", let t = step.transition, !transitions.contains(t), !isExternal(step) {
                throw ValidationFailure("\(tracePath): step \(step.index) fires `\(t)`, which \(netPath) does not have; is the trace from another net (`\(trace.net)`)?")
            }
            for place in (step.consumed + step.produced).map(\.place) where !places.contains(place) {
                throw ValidationFailure("\(tracePath): step \(step.index) moves tokens of place `\(place)`, which \(netPath) does not have")
            }
        }
        for p in trace.initial.map(\.place) where !places.contains(p) {
            throw ValidationFailure("\(tracePath): the initial marking has place `\(p)`, which \(netPath) does not have")
        }
    }
}
