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
        do {
            return try JSONDecoder().decode(Trace.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw ValidationFailure("\(path) is not valid JSON: \(context.debugDescription)")
        } catch let DecodingError.keyNotFound(key, context) {
            let where_ = (context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")
            throw ValidationFailure("\(path) is not a cpn-author trace: `\(where_)` is missing")
        } catch {
            throw ValidationFailure("\(path) is not a cpn-author trace (\(error))")
        }
    }

    /// Every fired transition and every place of the trace must exist in the net.
    static func check(_ trace: Trace, fits net: Net, tracePath: String, netPath: String) throws {
        let transitions = Set(net.transitions.map(\.name))
        let places = Set(net.places.map(\.name))
        for step in trace.steps {
            if step.kind == "fire", let t = step.transition, !transitions.contains(t) {
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
