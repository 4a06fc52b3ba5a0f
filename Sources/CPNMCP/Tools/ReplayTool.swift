import CPNExplore
import CPNJSON
import CPNReport
import CPNWorkflow
import Foundation

/// `replay`: the marking at step k of a trace, and the step that led there.
struct ReplayTool: CPNTool {
    let name = "replay"
    let title = "Replay a trace"
    let description = """
        Step through a trace (a counterexample from `verify`'s report, `simulate`'s `trace`, or a file \
        written by `cpn-author verify --trace-out`): the marking and clock after step `step` (0 is the \
        initial marking) and the step that led there: transition, variable bindings, tokens consumed and \
        produced. With a net, first checks that the trace belongs to it.
        """
    var arguments: [(String, JSONSchemaText)] {
        [
            ("trace", .init(##"{"description": "The trace inline: a JSON object (report.results[].properties[].trace) or its JSON text.", "type": ["object", "string"]}"##)),
            ("trace_path", .init(##"{"type": "string", "description": "A trace file (JSON) inside the roots."}"##)),
            ("step", .init(##"{"type": "integer", "minimum": 0, "default": 0, "description": "The step to show; 0 is the initial marking, the trace's length its last step."}"##)),
        ] + NetArgument.single.schemaProperties
    }
    let output = OutputSchema([
        ("step", .init(##"{"type": "integer", "minimum": 0}"##)),
        ("steps", .init(##"{"type": "integer", "minimum": 0, "description": "The trace's length."}"##)),
        ("property", .init(##"{"type": "string", "description": "The property the trace is a counterexample of."}"##)),
        ("clock", .init(##"{"type": "integer", "minimum": 0}"##)),
        ("marking", .init(##"{"type": "array", "items": {"$ref": "#/$defs/placeMarking"}, "description": "The marking after the step."}"##)),
        ("fired", .init(##"{"$ref": "#/$defs/traceStep", "description": "The step that led here (absent at step 0)."}"##)),
        ("failure", .init(##"{"type": "object", "description": "At the last step of an evaluation-error trace: what then fails."}"##)),
    ], required: ["step", "steps", "clock", "marking"])

    func call(_ a: ToolArguments, _ context: ToolContext) async throws -> ToolOutcome {
        let trace = try loadTrace(a, context)
        let step = try a.int("step", default: 0, in: 0...Int.max)!
        guard step <= trace.steps.count else { throw ToolMisuse("`step` must be between 0 and \(trace.steps.count), the trace's length") }
        if a.has("net") || a.has("path") {
            let source = try NetArgument.single.source(a, roots: context.roots)
            let loaded = NetInput.load(source)
            guard let net = loaded.net, !loaded.hasErrors else { throw ToolMisuse("the net does not check; call `check` on it first") }
            do { try TraceFile.check(trace, fits: net, tracePath: "trace", netPath: source.path) } catch { throw ToolMisuse("\(error)") }
        }
        let marking = TraceReplay.marking(trace, at: step)
        let structured = JSONValue.members(
            ("step", .int(step)), ("steps", .int(trace.steps.count)), ("property", trace.property.map(JSONValue.string)),
            ("clock", .int(TraceReplay.clock(trace, at: step))),
            ("marking", JSONValue.parse(JSONReport.encode(marking))),
            ("fired", step == 0 ? nil : JSONValue.parse(JSONReport.encode(trace.steps[step - 1]))),
            ("failure", step == trace.steps.count ? trace.failure.flatMap { JSONValue.parse(JSONReport.encode($0)) } : nil))
        return ToolOutcome(text: TraceReplay.describe(trace, at: step), structured: structured)
    }

    private func loadTrace(_ a: ToolArguments, _ context: ToolContext) throws(ToolMisuse) -> Trace {
        let inline = a.values["trace"].flatMap { $0.isNull ? nil : $0 }
        let file = try a.string("trace_path")
        do {
            switch (inline, file) {
            case (nil, nil): throw ToolMisuse("`replay` needs a trace: `trace` (JSON) or `trace_path` (a file)")
            case (.some, .some): throw ToolMisuse("give `trace` or `trace_path`, not both")
            case (let value?, nil):
                return try TraceFile.decode(argument: value)
            case (nil, let path?):
                let resolved: String
                do { resolved = try context.roots.readable(path) } catch { throw ToolMisuse(error.description) }
                return try TraceFile.load(resolved)
            }
        } catch let misuse as ToolMisuse {
            throw misuse
        } catch {
            throw ToolMisuse("\(error)")
        }
    }
}

extension TraceFile {
    /// A trace given as a tool argument: a JSON object, or its JSON text.
    static func decode(argument value: JSONValue) throws -> Trace {
        try decode(Data((value.string ?? value.rendered).utf8), path: "trace")
    }
}
