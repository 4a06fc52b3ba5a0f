/// What the PNML importer reads, and the reasons it gives for what it refuses.
///
/// The rule is a whitelist: an element or attribute of the ISO/IEC 15909-2
/// P/T-net grammar is read; `<graphics>` is skipped (it only draws); a
/// `<toolspecific>` block is skipped unless it holds something known to change
/// the firing rule (see `semanticToolData`); anything else is refused, with
/// the element's line. Ignoring an element we do not implement would verify
/// another net than the one in the file, which is worse than no answer.
enum PNMLGrammar {
    /// The one net type read: ISO/IEC 15909-2 place/transition nets.
    static let ptNetType = "http://www.pnml.org/version-2009/grammar/ptnet"

    /// Where an element stands in the grammar.
    enum Kind: Equatable {
        case pnml, net, page, place, transition, referencePlace, referenceTransition, arc
        /// `<name>`, `<initialMarking>`, `<inscription>`: a label holding a `<text>`.
        case label(String)
        case text
        /// `<type value="normal"/>` inside an arc (TAPAAL and other editors write it).
        case arcType
        /// Inside `<graphics>`: presentation only, never read.
        case graphics
        /// Inside `<toolspecific>`: read only to find data that changes the firing rule.
        case toolData
    }

    /// The kind of a child element `name` of an element of kind `parent`, or nil when
    /// the grammar has no such child there.
    static func child(_ name: String, of parent: Kind) -> Kind? {
        switch (parent, name) {
        case (.graphics, _): return .graphics
        case (.toolData, _): return .toolData
        case (_, "graphics"): return parent == .text || parent == .arcType || parent == .pnml ? nil : .graphics
        case (_, "toolspecific"): return parent == .text || parent == .arcType ? nil : .toolData
        case (.pnml, "net"): return .net
        // ProM's and PM4Py's final markings: not part of the firing rule (conformance
        // takes a final marking from its mapping file), so skipped like graphics.
        case (.net, "finalmarkings"): return .graphics
        case (.net, "page"), (.page, "page"): return .page
        // Nodes directly under <net> are not ISO (they belong on a page), but harmless.
        case (.net, "place"), (.page, "place"): return .place
        case (.net, "transition"), (.page, "transition"): return .transition
        case (.net, "arc"), (.page, "arc"): return .arc
        case (.net, "referencePlace"), (.page, "referencePlace"): return .referencePlace
        case (.net, "referenceTransition"), (.page, "referenceTransition"): return .referenceTransition
        case (.net, "name"), (.page, "name"), (.place, "name"), (.transition, "name"), (.arc, "name"),
             (.referencePlace, "name"), (.referenceTransition, "name"):
            return .label("name")
        case (.place, "initialMarking"): return .label("initialMarking")
        case (.arc, "inscription"): return .label("inscription")
        case (.arc, "type"): return .arcType
        case (.label, "text"): return .text
        default: return nil
        }
    }

    /// The attributes each kind may carry. Namespace declarations (`xmlns`,
    /// `xmlns:*`, `xml:*`) are allowed everywhere.
    static func allows(attribute: String, on kind: Kind) -> Bool {
        if attribute == "xmlns" || attribute.hasPrefix("xmlns:") || attribute.hasPrefix("xml:") { return true }
        switch kind {
        case .graphics: return true
        case .toolData: return true
        case .pnml, .label, .text: return false
        case .net: return ["id", "type"].contains(attribute)
        case .page, .place, .transition: return attribute == "id"
        case .referencePlace, .referenceTransition: return ["id", "ref"].contains(attribute)
        // `weight` is how TAPAAL writes an arc's weight as an attribute.
        case .arc: return ["id", "source", "target", "type", "weight"].contains(attribute)
        case .arcType: return attribute == "value"
        }
    }

    /// Why an element outside the grammar is refused: a message and a hint.
    static func refusal(element name: String, in parent: String) -> (message: String, help: String) {
        let highLevel: Set<String> = [
            "declaration", "declarations", "namedsort", "variabledecl", "partition", "hlinitialMarking",
            "hlinscription", "condition", "structure", "type", "usersort", "productsort", "finiteintrange",
        ]
        let timed: Set<String> = ["inputArc", "outputArc", "transportArc", "inhibitorArc", "shared-place",
                                  "shared-transition", "constant", "query", "k-bound", "feature", "invariant"]
        if highLevel.contains(name) {
            return ("<\(name)> in <\(parent)> is a label of high-level (colored) PNML; this is not a place/transition net",
                    "cpn-author reads PNML P/T nets only: write the colored net in the YAML format, or unfold it to a P/T net first")
        }
        if timed.contains(name) {
            return ("<\(name)> in <\(parent)> belongs to TAPAAL's timed-arc format, not to PNML P/T nets",
                    "export the net from TAPAAL as an untimed PNML P/T net; timed-arc nets are not read")
        }
        switch name {
        case "player":
            return ("<player> in <\(parent)> makes the net a two-player game (TAPAAL); games are not read",
                    "remove the <player> labels to verify the net as a plain P/T net")
        case "capacity", "priority":
            return ("<\(name)> in <\(parent)> changes which transitions may fire; PNML P/T nets have no \(name) and cpn-author does not read it",
                    "write the net in the YAML format, which has capacities, or remove the label")
        default:
            return ("<\(name)> in <\(parent)> is not part of a PNML place/transition net (ISO/IEC 15909-2)",
                    "cpn-author refuses what it does not implement rather than ignore it: remove the element if it means nothing to the net")
        }
    }

    /// Why an arc kind other than `normal` is refused.
    /// The arc kinds read: ordinary arcs, inhibitor arcs (TAPAAL's
    /// `inhibitor`, `tapnInhibitor`: enabled while the place holds fewer
    /// tokens than the weight) and read/test arcs (enabled while it holds at
    /// least the weight, taking none).
    enum ArcKind: Equatable {
        case normal, inhibitor, read

        init?(_ type: String) {
            switch type.lowercased() {
            case "normal": self = .normal
            case "inhibitor", "tapninhibitor": self = .inhibitor
            case "read", "test": self = .read
            default: return nil
            }
        }
    }

    static func refusal(arcType: String, arc id: String) -> (message: String, help: String) {
        switch arcType.lowercased() {
        case "inhibitor", "tapninhibitor":
            return ("arc `\(id)` is an inhibitor arc (it lets the transition fire only while the place holds fewer tokens than its weight, and takes none)",
                    "cpn-author has no inhibitor arcs yet; reading it as an ordinary arc would verify another net. Model the test with a complement place, or remove the arc")
        case "reset":
            return ("arc `\(id)` is a reset arc (it empties the place)",
                    "cpn-author has no reset arcs; reading it as an ordinary arc would verify another net")
        case "transport":
            return ("arc `\(id)` is a transport arc (timed-arc nets: it moves a token and keeps its age)",
                    "timed-arc nets are not read; export an untimed P/T net")
        case "read", "test":
            return ("arc `\(id)` is a \(arcType.lowercased()) arc (it tests the place without taking tokens)",
                    "write it as an input arc and an output arc of the same weight, which has the same reachable markings")
        case "timed":
            return ("arc `\(id)` is a timed arc", "timed-arc nets are not read; export an untimed P/T net")
        default:
            return ("arc `\(id)` has type `\(arcType)`; only `normal` arcs are read",
                    "remove the type, or write the net in the YAML format")
        }
    }

    // MARK: - Tool data

    /// Names (of elements or attributes, compared lowercased) that, inside a
    /// `<toolspecific>` block, mean the block changes the firing rule: arc
    /// kinds other than normal, priorities and immediate transitions (which
    /// take priority over timed ones), capacities, guards, time intervals and
    /// invariants, urgency.
    static let semanticToolNames: Set<String> = [
        "inhibitor", "inhibitorarc", "reset", "resetarc", "transportarc", "readarc", "testarc",
        "priority", "capacity", "guard", "invariant", "interval", "urgent", "immediate",
    ]

    /// Element or attribute names whose value is an arc kind.
    static let arcKindNames: Set<String> = ["type", "kind", "arctype", "arckind"]
    static let nonNormalArcKinds: Set<String> = ["inhibitor", "reset", "transport", "read", "test", "timed"]

    /// Whether an element `name` with `attributes` inside a `<toolspecific>`
    /// block changes the firing rule; returns the name or `name="value"` that shows it.
    static func semanticToolData(element name: String, attributes: [String: String]) -> String? {
        if semanticToolNames.contains(name.lowercased()) { return "<\(name)>" }
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) {
            let k = key.lowercased(), v = value.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            if semanticToolNames.contains(k) { return "\(key)=\"\(value)\"" }
            if arcKindNames.contains(k), nonNormalArcKinds.contains(v) { return "\(key)=\"\(value)\"" }
        }
        return nil
    }

    /// Whether the text of a tool-data element `name` names a non-normal arc kind.
    static func semanticToolText(element name: String, text: String) -> Bool {
        arcKindNames.contains(name.lowercased())
            && nonNormalArcKinds.contains(text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased())
    }

    /// Why a net type other than P/T is refused.
    static func refusal(netType type: String) -> (message: String, help: String) {
        let base = type == "P/T net" ? type : type.split(separator: "/").last.map(String.init) ?? type
        switch base {
        case "symmetricnet", "pt-hlpng", "highlevelnet", "hlcorestructure":
            return ("net type `\(type)` is high-level (colored) PNML, not a place/transition net",
                    "cpn-author reads PNML P/T nets (type \(ptNetType)) only: write the colored net in the YAML format, or unfold it to a P/T net first")
        case "P/T net":
            return ("net type `P/T net` is TAPAAL's own format (timed-arc nets), not ISO PNML",
                    "export the net from TAPAAL as a PNML P/T net (type \(ptNetType))")
        default:
            return ("net type `\(type)` is not one cpn-author reads",
                    "only PNML P/T nets (type \(ptNetType)) are read; write other nets in the YAML format")
        }
    }
}
