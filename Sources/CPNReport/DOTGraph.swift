import CPNDiagnostics

/// Graphviz DOT of a net: `cpn-author graph net.yaml --format dot | dot -Tsvg > net.svg`.
///
/// Places are ellipses labelled with name, color, initial tokens and capacity;
/// transitions are boxes with their guard; arcs carry their inscriptions
/// (`read:` arcs dashed without an arrowhead, `unless:` arcs ending in a
/// circle at the transition, `cancel:` arcs dotted). The
/// transitions a trace fires, and their arcs, are drawn red and bold, labelled
/// with the steps at which they fire.
public enum DOTGraph {
    public static func render(_ graph: NetGraph) -> String {
        var out = "digraph \(quote(graph.name)) {\n"
        out += "  rankdir=LR;\n"
        out += "  graph [fontname=\"Helvetica\", fontsize=12];\n"
        out += "  node [fontname=\"Helvetica\", fontsize=11];\n"
        out += "  edge [fontname=\"Helvetica\", fontsize=10];\n"
        if let property = graph.traceProperty, let n = graph.traceLength {
            out += "  label=\(quote("counterexample for \(property): \(n) step\(n == 1 ? "" : "s")"));\n"
            out += "  labelloc=t;\n"
        }
        for node in graph.nodes {
            var lines = [node.name] + node.details
            var attributes: [String]
            switch node.kind {
            case .place: attributes = ["shape=ellipse"]
            case .transition: attributes = node.external ? ["shape=box", "style=dashed"] : ["shape=box"]
            }
            if node.onTrace {
                lines.append(NetGraph.stepsLabel(node.steps))
                attributes += ["color=red", "fontcolor=red", "penwidth=2"]
            }
            attributes.insert("label=" + quote(lines.joined(separator: "\n")), at: 1)
            out += "  \(quote(node.id)) [\(attributes.joined(separator: ", "))];\n"
        }
        for edge in graph.edges {
            var attributes = edge.label.isEmpty ? [] : ["label=" + quote(edge.label)]
            switch edge.kind {
            case .flow: break
            case .read: attributes += ["style=dashed", "arrowhead=none"]
            case .inhibitor: attributes += ["arrowhead=odot"]
            case .cancel: attributes += ["style=dotted"]
            }
            if edge.onTrace { attributes += ["color=red", "penwidth=2"] }
            out += "  \(quote(edge.from)) -> \(quote(edge.to))"
                + (attributes.isEmpty ? "" : " [\(attributes.joined(separator: ", "))]") + ";\n"
        }
        return out + "}\n"
    }

    /// A DOT quoted string; `\n` inside it is a centred line break. Control and
    /// bidi characters (from an untrusted net's name) become U+FFFD.
    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": break
            case _ where VisibleText.isUnsafe(c): out += "\u{FFFD}"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }
}
