import CPNDiagnostics
import CPNExplore
import CPNModel
import Foundation

/// Reads a trace file (`verify --trace-out`, `simulate --trace-out`) and checks
/// that it belongs to a given net, with messages that say which step does not fit.
public enum TraceFile {
    /// Traces are JSON with one marking per step: a long production run's log
    /// exported as a trace is large, but not this large.
    public static let maximumBytes = 256 << 20

    public static func load(_ path: String) throws -> Trace {
        let data: Data
        switch InputFile.read(path, limit: maximumBytes) {
        case .success(let contents): data = contents.data
        case .failure(let f): throw ValidationFailure("cannot read the trace: \(f.message)")
        }
        return try decode(data, path: path)
    }

    /// A trace from bytes already in hand (a request argument), shown as `path` in messages.
    public static func decode(_ data: Data, path: String) throws -> Trace {
        guard data.count <= maximumBytes else { throw ValidationFailure("\(path) is larger than \(maximumBytes >> 20) MiB; traces are limited to that") }
        let trace: Trace
        do {
            trace = try JSONDecoder().decode(Trace.self, from: data)
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw ValidationFailure("\(path) is not a cpn-author trace: `\(field(context.codingPath))` \(wrongValue(context.debugDescription))")
        } catch let DecodingError.dataCorrupted(context) {
            // Foundation says "not valid JSON", without a path, for a number that does not
            // fit the field (1.5 or 1e30 for a count): find it when the JSON itself is valid.
            if let tree = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]), let bad = firstNonInteger(in: tree) {
                throw ValidationFailure("\(path) is not a cpn-author trace: `\(bad.field)` must be a whole number that fits 64 bits (found \(bad.value))")
            }
            throw ValidationFailure("\(path) is not valid JSON: \(VisibleText.escaped(context.debugDescription))")
        } catch let DecodingError.keyNotFound(key, context) {
            throw ValidationFailure("\(path) is not a cpn-author trace: `\(field(context.codingPath + [key]))` is missing")
        } catch let DecodingError.typeMismatch(type, context) {
            throw ValidationFailure("\(path) is not a cpn-author trace: `\(field(context.codingPath))` must be \(typeName(type))")
        } catch let DecodingError.valueNotFound(type, context) {
            throw ValidationFailure("\(path) is not a cpn-author trace: `\(field(context.codingPath))` must be \(typeName(type)), not null")
        } catch {
            throw ValidationFailure("\(path) is not a cpn-author trace (\(VisibleText.escaped("\(error)")))")
        }
        try checkText(trace, path: path)
        try checkCounts(trace, path: path)
        return trace
    }

    /// The fields of a trace that hold whole numbers.
    public static let integerFields: Set<String> = ["count", "ready", "index", "clock", "delay", "line", "column"]

    /// The first whole-number field of a parsed trace that holds another number, and where.
    public static func firstNonInteger(in value: Any, at field: String = "") -> (field: String, value: String)? {
        if let object = value as? [String: Any] {
            for key in object.keys.sorted() {
                let here = field.isEmpty ? key : field + "." + key
                if integerFields.contains(key), let n = object[key] as? NSNumber, Int(exactly: n.doubleValue) == nil || "\(n)".contains(".") {
                    return (here, "\(n)")
                }
                if let inner = firstNonInteger(in: object[key]!, at: here) { return inner }
            }
        } else if let array = value as? [Any] {
            for (i, item) in array.enumerated() {
                if let inner = firstNonInteger(in: item, at: field + "[\(i)]") { return inner }
            }
        }
        return nil
    }

    /// `steps[3].consumed[0].count`: where in the file a decoding error is.
    public static func field(_ codingPath: [any CodingKey]) -> String {
        var out = ""
        for key in codingPath {
            if let i = key.intValue { out += "[\(i)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
        }
        return out.isEmpty ? "(the top level)" : out
    }

    /// Foundation's "Parsed JSON number <1.5> does not fit in Int." as a rule.
    public static func wrongValue(_ description: String) -> String {
        if let open = description.firstIndex(of: "<"), let close = description.firstIndex(of: ">"), open < close,
           description.contains("does not fit") {
            let found = description[description.index(after: open)..<close]
            return "must be a whole number that fits 64 bits (found \(found))"
        }
        return "has a value of the wrong kind (\(VisibleText.escaped(description)))"
    }

    public static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "a whole number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is [Any].Type: "a list"
        default: type == Double.self ? "a number" : "\(type)"
        }
    }

    /// Names and tokens of a trace are printed by `replay` and drawn by `graph`:
    /// one with a control or bidi character (an ANSI escape, U+202E) is refused.
    public static func checkText(_ trace: Trace, path: String) throws {
        func check(_ text: String?, _ at: @autoclosure () -> String) throws {
            guard let text, let bad = text.unicodeScalars.first(where: VisibleText.isUnsafe) else { return }
            throw ValidationFailure("\(path): `\(at())` holds the control character U+\(String(format: "%04X", bad.value)) "
                + "(\(VisibleText.escaped(String(text.prefix(60))))); names and tokens in a trace are plain text")
        }
        func check(_ marking: [PlaceMarking], _ at: String) throws {
            for (i, place) in marking.enumerated() {
                try check(place.place, "\(at)[\(i)].place")
                for (j, t) in place.tokens.enumerated() { try check(t.token, "\(at)[\(i)].tokens[\(j)].token") }
            }
        }
        func check(_ moves: [TokenMove], _ at: String) throws {
            for (i, m) in moves.enumerated() {
                try check(m.place, "\(at)[\(i)].place")
                try check(m.token, "\(at)[\(i)].token")
            }
        }
        func check(_ binding: [Binding], _ at: String) throws {
            for (i, b) in binding.enumerated() {
                try check(b.variable, "\(at)[\(i)].variable")
                try check(b.value, "\(at)[\(i)].value")
            }
        }
        try check(trace.net, "net")
        try check(trace.property, "property")
        try check(trace.initial, "initial")
        for (k, step) in trace.steps.enumerated() {
            try check(step.transition, "steps[\(k)].transition")
            try check(step.binding, "steps[\(k)].binding")
            try check(step.consumed, "steps[\(k)].consumed")
            try check(step.produced, "steps[\(k)].produced")
            try check(step.marking, "steps[\(k)].marking")
        }
        if let f = trace.failure {
            try check(f.transition, "failure.transition")
            try check(f.binding, "failure.binding")
            try check(f.message, "failure.message")
            try check(f.location.file, "failure.location.file")
        }
    }

    /// Token counts in a trace are positive; ready offsets are not negative.
    /// A file edited by hand (or by another tool) is refused with the step that is wrong.
    public static func checkCounts(_ trace: Trace, path: String) throws {
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
    public static func isExternal(_ step: TraceStep) -> Bool {
        step.transition == "(tokens add)" || step.transition == "(tokens take)"
    }

    /// Every fired transition and every place of the trace must exist in the net.
    public static func check(_ trace: Trace, fits net: Net, tracePath: String, netPath: String) throws {
        let transitions = Set(net.transitions.map(\.name))
        let places = Set(net.places.map(\.name))
        for step in trace.steps {
            if step.kind == .fire, let t = step.transition, !transitions.contains(t), !isExternal(step) {
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
