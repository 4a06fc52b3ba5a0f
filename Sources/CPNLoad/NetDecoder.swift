import CPNDiagnostics
import CPNExpressions
import CPNModel

/// Reads the YAML tree into a `Net`: the document's shape (keys, kinds of
/// values, integers) and the syntax of every expression. Names are resolved
/// and types checked later, by `NetChecker`; both passes report everything
/// they find rather than stopping at the first problem.
///
/// The result is a `DecodedNet`, which the checker takes whole.
struct NetDecoder {
    let source: SourceFile
    var diagnostics = DiagnosticBag()
    /// Transitions with a problem in their own text: parts of them are
    /// missing from the decoded net, so the checker does not guess which of
    /// their variables are unused.
    var incompleteTransitions: Set<String> = []
    /// Constants, colors and places that are declared but could not be
    /// decoded: their uses are not "unknown", and the checker keeps quiet
    /// about them (each was reported once, where it is declared).
    var undecodedNames: Set<String> = []

    init(source: SourceFile) { self.source = source }

    static let topKeys = ["cpn", "name", "description", "constants", "colors", "places", "transitions", "invariants", "leads_to", "final"]
    static let placeKeys = ["color", "initial", "capacity", "order", "description"]
    static let transitionKeys = ["in", "read", "unless", "cancel", "out", "guard", "priority", "weight", "expect", "kind", "description"]
    static let colorKinds = ["enum", "int", "record", "tuple"]
    static let inscriptionKeys = ["token", "count"]
    static let invariantKeys = ["expr", "description"]
    static let leadsToKeys = ["from", "to", "description"]
    static let orderKeys = ["highest", "lowest"]
    static let supportedVersion = 1

    /// Decodes `root`; nil when it is not a mapping (then `diagnostics` says so).
    mutating func decode(_ root: YAMLNode) -> DecodedNet? {
        guard let net = decodeNet(root) else { return nil }
        return DecodedNet(net: net, decodingFailed: diagnostics.hasErrors, incompleteTransitions: incompleteTransitions,
                          undecodedNames: undecodedNames)
    }

    private mutating func decodeNet(_ root: YAMLNode) -> Net? {
        guard case .mapping(let pairs, let span) = root else {
            diagnostics.add(.notAMapping, "a net file must be a mapping, found \(root.kindName)", at: root.span,
                            help: "start the file with `cpn: 1`, then `colors:`, `places:` and `transitions:`")
            return nil
        }
        let top = keyed(pairs, allowed: Self.topKeys, required: ["cpn", "places"], in: "the net", span: span)
        var net = Net(name: defaultName)
        if let v = top["cpn"] {
            if let version = integer(v, what: "`cpn`"), version != Self.supportedVersion {
                diagnostics.add(.unsupportedVersion, "unsupported net format version \(version)", at: v.span,
                                help: "this cpn-author reads `cpn: \(Self.supportedVersion)`")
            }
        }
        if let v = top["name"], let s = text(v, what: "`name`") { net.name = s }
        if let v = top["description"] { net.description = text(v, what: "`description`") }
        if let v = top["constants"] { net.constants = constants(v) }
        if let v = top["colors"] { net.colors = colors(v) }
        if let v = top["places"] { net.places = places(v) }
        if let v = top["transitions"] { net.transitions = transitions(v) }
        if let v = top["invariants"] { net.invariants = invariants(v) }
        if let v = top["leads_to"] { net.leadsTo = leadsTo(v) }
        if let v = top["final"], let e = expression(v, what: "`final`") { net.final = e }
        return net
    }

    var defaultName: String {
        let file = source.path.split(separator: "/").last.map(String.init) ?? source.path
        return file.hasSuffix(".yaml") ? String(file.dropLast(5)) : file.hasSuffix(".yml") ? String(file.dropLast(4)) : file
    }
}
