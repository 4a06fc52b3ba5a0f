import CPNDiagnostics

/// A Mermaid flowchart of a net, which GitHub renders inside Markdown
/// (```` ```mermaid ```` blocks): places as circles, transitions as boxes, arc
/// inscriptions on the arrows (`read:` arcs dotted, `unless:` arcs ending in a
/// circle), the transitions of a trace in red with their
/// step numbers.
public enum MermaidGraph {
    public static func render(_ graph: NetGraph) -> String {
        var out = "flowchart LR\n"
        for node in graph.nodes {
            var lines = [node.name] + node.details
            if node.onTrace { lines.append(NetGraph.stepsLabel(node.steps)) }
            let label = "\"" + lines.map(escape).joined(separator: "<br/>") + "\""
            switch node.kind {
            case .place: out += "  \(node.id)((\(label)))\n"
            case .transition: out += "  \(node.id)[\(label)]\n"
            }
        }
        var traceEdges: [Int] = []
        for (i, edge) in graph.edges.enumerated() {
            // Flow `-->`, read `-.-` (dotted, no arrowhead), inhibitor `--o` (a circle), cancel `-.->`.
            let arrow = switch edge.kind { case .flow: "-->"; case .read: "-.-"; case .inhibitor: "--o"; case .cancel: "-.->" }
            out += "  \(edge.from) \(arrow)" + (edge.label.isEmpty ? "" : "|\"\(escape(edge.label))\"|") + " \(edge.to)\n"
            if edge.onTrace { traceEdges.append(i) }
        }
        let external = graph.nodes.filter(\.external).map(\.id)
        if !external.isEmpty {
            // Fault and environment transitions: dashed, as the runtime never fires them on its own.
            out += "  classDef external stroke-dasharray:5 5\n"
            out += "  class \(external.joined(separator: ",")) external\n"
        }
        let fired = graph.nodes.filter(\.onTrace).map(\.id)
        if !fired.isEmpty {
            out += "  classDef trace fill:#fdd,stroke:#c00,stroke-width:3px,color:#900\n"
            out += "  class \(fired.joined(separator: ",")) trace\n"
        }
        if !traceEdges.isEmpty {
            out += "  linkStyle \(traceEdges.map(String.init).joined(separator: ",")) stroke:#c00,stroke-width:2px\n"
        }
        return out
    }

    /// Mermaid entity codes for the characters that would end a quoted label
    /// or be read as HTML, as an edge label's end or as a Markdown string:
    /// `"`, `<`, `>`, `&`, `|`, `` ` ``, `#` (which starts an entity). Line breaks
    /// become spaces (a label is one line, and a ```` ``` ```` at a line's start
    /// would end the diagram's block), other control and bidi characters U+FFFD.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "#": out += "#35;"
            case "\"": out += "#quot;"
            case "<": out += "#lt;"
            case ">": out += "#gt;"
            case "&": out += "#amp;"
            case "|": out += "#124;"
            case "`": out += "#96;"
            case "\n", "\r": out += " "
            case _ where VisibleText.isUnsafe(c): out += "\u{FFFD}"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
