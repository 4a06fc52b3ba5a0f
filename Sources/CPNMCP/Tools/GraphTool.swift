import CPNExplore
import CPNJSON
import CPNReport
import CPNWorkflow
import Foundation

/// `graph`: the net as a Mermaid flowchart or Graphviz DOT.
struct GraphTool: CPNTool {
    let name = "graph"
    let title = "Draw a net"
    let description = """
        The net as a Mermaid flowchart (renders in Markdown inside a ```mermaid block) or Graphviz DOT: \
        places with their color, initial tokens and capacity, transitions with their guard, arcs with \
        their inscriptions. With a trace, the transitions it fires are highlighted with their step numbers. \
        Writes the picture to `output` (atomically, inside the roots) only when asked.
        """
    var arguments: [(String, JSONSchemaText)] {
        NetArgument.single.schemaProperties + [
            ("format", .init(##"{"enum": ["mermaid", "dot"], "default": "mermaid"}"##)),
            ("trace", .init(##"{"type": ["object", "string"], "description": "A trace to highlight (JSON, as in verify's report)."}"##)),
            ("output", .init(##"{"type": "string", "description": "Also write the picture to this file inside the roots (atomically)."}"##)),
        ]
    }
    let output = OutputSchema([
        ("format", .init(##"{"enum": ["mermaid", "dot"]}"##)),
        ("graph", .init(##"{"type": "string"}"##)),
        ("written", .init(##"{"type": "string", "description": "The file written, when `output` was given."}"##)),
    ], required: ["format", "graph"])
    let readOnly = false

    func call(_ a: ToolArguments, _ context: ToolContext) async throws -> ToolOutcome {
        let source = try NetArgument.single.source(a, roots: context.roots)
        let format = try a.oneOf("format", ["mermaid", "dot"], default: "mermaid")
        let loaded = NetInput.load(source)
        guard loaded.checked != nil, let net = loaded.net else {
            throw ToolMisuse("the net does not check (\(loaded.errorCount) error\(loaded.errorCount == 1 ? "" : "s")); call `check` for the diagnostics")
        }
        var trace: CPNExplore.Trace?
        if let value = a.values["trace"], !value.isNull {
            do {
                let t = try TraceFile.decode(argument: value)
                try TraceFile.check(t, fits: net, tracePath: "trace", netPath: source.path)
                trace = t
            } catch { throw ToolMisuse("\(error)") }
        }
        let graph = NetGraph(net: net, trace: trace)
        let text = format == "dot" ? DOTGraph.render(graph) : MermaidGraph.render(graph)
        var written: String?
        if let output = try a.string("output") {
            do {
                let target = try context.roots.writable(output)
                try AtomicFile.write(text, to: target)
                written = output
            } catch let refusal as PathRefusal {
                throw ToolMisuse(refusal.description)
            } catch {
                throw ToolMisuse("cannot write \(output): \(error)")
            }
        }
        return ToolOutcome(text: text, structured: .members(("format", .string(format)), ("graph", .string(text)),
                                                            ("written", written.map(JSONValue.string))))
    }
}
