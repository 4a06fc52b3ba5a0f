import CPNExplore
import CPNModel

/// A net as a bipartite graph, ready to draw: places (circles) with their color,
/// initial tokens and capacity; transitions (boxes) with their guard; arcs with
/// their inscriptions. With a trace, the transitions it fires carry the steps at
/// which they fire, and the arcs of those transitions are marked too.
///
/// `DOTGraph` and `MermaidGraph` draw this; they differ only in syntax.
public struct NetGraph: Sendable {
    public enum NodeKind: Sendable { case place, transition }

    public struct Node: Sendable {
        public var id: String
        public var kind: NodeKind
        public var name: String
        /// Label lines after the name: color and marking, or the guard.
        public var details: [String]
        /// Trace steps at which this transition fires (empty: not on the trace).
        public var steps: [Int]
        public var onTrace: Bool { !steps.isEmpty }
        /// A `fault` or `environment` transition: drawn dashed, its kind under its name.
        public var external = false
    }

    /// How an arc is drawn: each kind has its own arrow.
    public enum EdgeKind: Sendable {
        /// `in:` and `out:`: tokens move along the arrow.
        case flow
        /// `read:`: the transition needs the tokens and leaves them (no arrowhead, dashed).
        case read
        /// `unless:`: the transition needs their absence (a circle at the transition).
        case inhibitor
        /// `cancel:`: tokens move along the arrow, waiting ones too (dotted).
        case cancel
    }

    public struct Edge: Sendable {
        public var from: String
        public var to: String
        public var label: String
        public var onTrace: Bool
        public var kind: EdgeKind = .flow
    }

    public var name: String
    public var nodes: [Node] = []
    public var edges: [Edge] = []
    /// The property the trace violates, for a caption.
    public var traceProperty: String?
    public var traceLength: Int?

    /// Labels longer than this are cut with `…`: a picture is for reading at a glance.
    public static let labelLimit = 48

    public init(net: Net, trace: Trace? = nil) {
        name = net.name
        let fired = trace.map(TraceNarration.firedSteps) ?? [:]
        traceProperty = trace?.property
        traceLength = trace?.steps.count
        var placeIDs: [String: String] = [:]
        for p in net.places where placeIDs[p.name] == nil {
            let id = "p_" + p.name
            placeIDs[p.name] = id
            var details = [p.color.rendered]
            if !p.initial.isEmpty { details.append(Self.cut(p.initial.map(\.rendered).joined(separator: ", "))) }
            if let c = p.capacity { details.append("capacity \(c)") } else if let c = p.capacityExpr { details.append("capacity \(c.rendered)") }
            nodes.append(Node(id: id, kind: .place, name: p.name, details: details, steps: []))
        }
        var seenTransitions: Set<String> = []
        for t in net.transitions where seenTransitions.insert(t.name).inserted {
            let id = "t_" + t.name
            let steps = fired[t.name] ?? []
            var details = t.guardExpr.map { ["[" + Self.cut($0.rendered) + "]"] } ?? []
            if !t.kind.firedByRuntime { details.insert("«\(t.kind.rawValue)»", at: 0) }
            var node = Node(id: id, kind: .transition, name: t.name, details: details, steps: steps)
            node.external = !t.kind.firedByRuntime
            nodes.append(node)
            for arc in t.inputs {
                // An arc to an undeclared place still shows, as a place of its own.
                let place = placeIDs[arc.place] ?? "p_" + arc.place
                edges.append(Edge(from: place, to: id, label: Self.cut(arc.inscriptions.map(\.rendered).joined(separator: ", ")),
                                  onTrace: !steps.isEmpty))
            }
            for (arcs, kind) in [(t.reads, EdgeKind.read), (t.inhibitors, .inhibitor), (t.cancels, .cancel)] {
                for arc in arcs {
                    let place = placeIDs[arc.place] ?? "p_" + arc.place
                    edges.append(Edge(from: place, to: id, label: Self.cut(arc.inscriptions.map(\.rendered).joined(separator: ", ")),
                                      onTrace: !steps.isEmpty && kind != .inhibitor, kind: kind))
                }
            }
            for arc in t.outputs {
                let place = placeIDs[arc.place] ?? "p_" + arc.place
                edges.append(Edge(from: id, to: place, label: Self.cut(arc.inscriptions.map(\.rendered).joined(separator: ", ")),
                                  onTrace: !steps.isEmpty))
            }
        }
    }

    static func cut(_ s: String) -> String {
        s.count <= labelLimit ? s : String(s.prefix(labelLimit - 1)) + "…"
    }

    /// "steps 1, 3" for a transition on the trace.
    public static func stepsLabel(_ steps: [Int]) -> String {
        (steps.count == 1 ? "step " : "steps ") + steps.map(String.init).joined(separator: ", ")
    }
}
