import CPNDiagnostics
import CPNExpressions
import CPNModel

/// Reads the YAML tree into a `Net`: the document's shape (keys, kinds of
/// values, integers) and the syntax of every expression. Names are resolved
/// and types checked later, by `NetChecker`; both passes report everything
/// they find rather than stopping at the first problem.
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
    static let transitionKeys = ["in", "out", "guard", "expect", "description"]
    static let colorKinds = ["enum", "int", "record", "tuple"]
    static let inscriptionKeys = ["token", "count"]
    static let invariantKeys = ["expr", "description"]
    static let leadsToKeys = ["from", "to", "description"]
    static let orderKeys = ["highest", "lowest"]
    static let supportedVersion = 1

    mutating func decode(_ root: YAMLNode) -> Net? {
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

    private var defaultName: String {
        let file = source.path.split(separator: "/").last.map(String.init) ?? source.path
        return file.hasSuffix(".yaml") ? String(file.dropLast(5)) : file.hasSuffix(".yml") ? String(file.dropLast(4)) : file
    }

    // MARK: - Sections

    private mutating func constants(_ node: YAMLNode) -> [Constant] {
        entries(node, what: "`constants`").compactMap { key, value in
            guard let name = declaredName(key, what: "constant") else { return nil }
            guard let e = expression(value, what: "constant `\(name)`") else {
                undecodedNames.insert(name)
                return nil
            }
            return Constant(name: name, value: e, span: key.span)
        }
    }

    private mutating func colors(_ node: YAMLNode) -> [ColorDeclaration] {
        entries(node, what: "`colors`").compactMap { key, value in
            guard let name = declaredName(key, what: "color") else { return nil }
            guard let syntax = colorSyntax(value) else {
                undecodedNames.insert(name)
                return nil
            }
            return ColorDeclaration(name: name, syntax: syntax, span: key.span)
        }
    }

    mutating func colorSyntax(_ node: YAMLNode) -> ColorSyntax? {
        switch node {
        case .scalar(let s):
            guard !s.isNull else {
                diagnostics.add(.wrongYAMLType, "expected a color, found nothing", at: s.span,
                                help: "name a color (`Proxy`) or define one: `{ enum: [a, b] }`")
                return nil
            }
            let src = ScalarPositions.expressionSource(for: s, in: source)
            switch ExpressionParser.parse(src) {
            case .failure(let d):
                diagnostics.add(d)
                return nil
            case .success(let e):
                return colorSyntax(fromExpression: e)
            }
        case .sequence:
            diagnostics.add(.wrongYAMLType, "expected a color, found a list", at: node.span,
                            help: "for an enum write `{ enum: [a, b] }`; for a tuple `\"(A, B)\"` or `{ tuple: [A, B] }`")
            return nil
        case .mapping(let pairs, let span):
            let allowed = Self.colorKinds + ["description"]
            let m = keyed(pairs, allowed: allowed, required: [], in: "a color", span: span)
            let kinds = Self.colorKinds.filter { m[$0] != nil }
            guard kinds.count == 1 else {
                if kinds.isEmpty {
                    diagnostics.add(.missingKey, "a color definition needs one of `enum`, `int`, `record`, `tuple`", at: span,
                                    help: "e.g. `{ enum: [shop, news] }` or `{ int: [0, 3] }`")
                } else {
                    diagnostics.add(.wrongYAMLType, "a color definition has exactly one of " + kinds.map { "`\($0)`" }.joined(separator: ", "),
                                    at: span, help: "split it into several colors")
                }
                return nil
            }
            let value = m[kinds[0]]!
            switch kinds[0] {
            case "enum":
                guard case .sequence(let items, let s) = value else {
                    diagnostics.add(.wrongYAMLType, "`enum` takes a list of case names, found \(value.kindName)", at: value.span,
                                    help: "write `{ enum: [a, b, c] }`")
                    return nil
                }
                var cases: [(String, SourceSpan)] = []
                for item in items {
                    guard case .scalar(let c) = item, let name = declaredName(c, what: "enum case") else {
                        if case .scalar = item {} else {
                            diagnostics.add(.wrongYAMLType, "an enum case is a name, found \(item.kindName)", at: item.span)
                        }
                        continue
                    }
                    cases.append((name, c.span))
                }
                return .enumeration(cases, s)
            case "int":
                guard case .sequence(let bounds, let s) = value, bounds.count == 2 else {
                    diagnostics.add(.wrongYAMLType, "`int` takes a range `[low, high]`, found \(value.kindName)", at: value.span,
                                    help: "write `{ int: [0, 3] }` for the integers 0, 1, 2, 3")
                    return nil
                }
                guard let low = expression(bounds[0], what: "the low end of the range"),
                      let high = expression(bounds[1], what: "the high end of the range") else { return nil }
                return .int(low: low, high: high, s)
            case "record":
                guard case .mapping(let fields, let s) = value else {
                    diagnostics.add(.wrongYAMLType, "`record` takes a mapping of fields to colors, found \(value.kindName)",
                                    at: value.span, help: "write `{ record: { domain: Domain, prio: { int: [0, 2] } } }`")
                    return nil
                }
                var result: [(String, SourceSpan, ColorSyntax)] = []
                for (k, v) in fields {
                    guard let name = declaredName(k, what: "field"), let c = colorSyntax(v) else { continue }
                    result.append((name, k.span, c))
                }
                return .record(result, s)
            default:
                guard case .sequence(let parts, let s) = value else {
                    diagnostics.add(.wrongYAMLType, "`tuple` takes a list of colors, found \(value.kindName)", at: value.span,
                                    help: "write `{ tuple: [Proxy, Target] }`")
                    return nil
                }
                let colors = parts.compactMap { colorSyntax($0) }
                guard colors.count == parts.count else { return nil }
                return .tuple(colors, s)
            }
        }
    }

    /// `Proxy`, `(Proxy, Target)`, `((A, B), C)` written as an expression string.
    private mutating func colorSyntax(fromExpression e: Expr) -> ColorSyntax? {
        switch e.kind {
        case .name(let n):
            if n == "Int" { return .unboundedInt(e.span) }
            return .reference(n, e.span)
        case .unit: return .unit(e.span)
        case .tuple(let parts):
            let colors = parts.compactMap { colorSyntax(fromExpression: $0) }
            return colors.count == parts.count ? .tuple(colors, e.span) : nil
        default:
            diagnostics.add(.wrongYAMLType, "expected a color name or a tuple of colors like `(Proxy, Target)`", at: e.span,
                            help: "define structured colors under `colors:` with `{ enum: ... }`, `{ int: ... }`, `{ record: ... }`")
            return nil
        }
    }

    private mutating func places(_ node: YAMLNode) -> [Place] {
        entries(node, what: "`places`").compactMap { key, value in
            guard let name = declaredName(key, what: "place") else { return nil }
            let place = place(named: name, key, value)
            if place == nil { undecodedNames.insert(name) }
            return place
        }
    }

    private mutating func place(named name: String, _ key: YAMLScalar, _ value: YAMLNode) -> Place? {
        // `name: Color` is short for `name: { color: Color }`.
        if case .scalar = value {
            guard let color = colorSyntax(value) else { return nil }
            return Place(name: name, color: color, span: key.span)
        }
        guard case .mapping(let pairs, let span) = value else {
            diagnostics.add(.wrongYAMLType, "place `\(name)` must be a mapping, found \(value.kindName)", at: value.span,
                            help: "write `\(name): { color: SomeColor, initial: [...] }`")
            return nil
        }
        let m = keyed(pairs, allowed: Self.placeKeys, required: ["color"], in: "place `\(name)`", span: span)
        guard let colorNode = m["color"], let color = colorSyntax(colorNode) else { return nil }
        var place = Place(name: name, color: color, span: key.span)
        if let v = m["initial"] { place.initial = inscriptions(v, what: "initial marking of `\(name)`", allowDelay: true) }
        if let v = m["capacity"] {
            place.capacity = integer(v, what: "`capacity`")
            place.capacitySpan = v.span
        }
        if let v = m["order"] { place.order = order(v) }
        if let v = m["description"] { place.description = text(v, what: "`description`") }
        return place
    }

    private mutating func order(_ node: YAMLNode) -> PlaceOrder? {
        guard case .mapping(let pairs, let span) = node else {
            diagnostics.add(.wrongYAMLType, "`order` must be a mapping, found \(node.kindName)", at: node.span,
                            help: "write `order: { highest: \"t => t.prio\" }`")
            return nil
        }
        let m = keyed(pairs, allowed: Self.orderKeys, required: [], in: "`order`", span: span)
        let given = Self.orderKeys.filter { m[$0] != nil }
        guard given.count == 1, let v = m[given[0]] else {
            diagnostics.add(given.isEmpty ? .missingKey : .wrongYAMLType, "`order` takes exactly one of `highest` or `lowest`", at: span,
                            help: "write `order: { highest: \"t => t.prio\" }`")
            return nil
        }
        guard case .scalar(let s) = v, !s.isNull else {
            diagnostics.add(.wrongYAMLType, "expected a key function like \"t => t.prio\", found \(v.kindName)", at: v.span)
            return nil
        }
        switch ExpressionParser.parseLambda(ScalarPositions.expressionSource(for: s, in: source)) {
        case .failure(let d):
            diagnostics.add(d)
            return nil
        case .success(let e):
            return PlaceOrder(highest: given[0] == "highest", key: e, span: v.span)
        }
    }

    private mutating func transitions(_ node: YAMLNode) -> [Transition] {
        entries(node, what: "`transitions`").compactMap { key, value in
            guard let name = declaredName(key, what: "transition") else { return nil }
            guard case .mapping(let pairs, let span) = value else {
                diagnostics.add(.wrongYAMLType, "transition `\(name)` must be a mapping, found \(value.kindName)", at: value.span,
                                help: "write `\(name): { in: { place: pattern }, out: { place: expression } }`")
                return nil
            }
            let errorsBefore = diagnostics.errorCount
            defer { if diagnostics.errorCount > errorsBefore { incompleteTransitions.insert(name) } }
            let m = keyed(pairs, allowed: Self.transitionKeys, required: [], in: "transition `\(name)`", span: span)
            var t = Transition(name: name, span: key.span)
            if let v = m["in"] { t.inputs = arcs(v, input: true) }
            if let v = m["out"] { t.outputs = arcs(v, input: false) }
            if let v = m["guard"] { t.guardExpr = expression(v, what: "the guard of `\(name)`") }
            if let v = m["description"] { t.description = text(v, what: "`description`") }
            if let v = m["expect"], let word = text(v, what: "`expect`") {
                if word == "dead" { t.expectDead = true } else {
                    diagnostics.add(.wrongYAMLType, "`expect` of transition `\(name)` must be `dead`, found `\(word)`", at: v.span,
                                    help: "write `expect: dead` for a transition that must never be enabled, or remove the key")
                }
            }
            return t
        }
    }

    private mutating func arcs(_ node: YAMLNode, input: Bool) -> [Arc] {
        let what = input ? "`in`" : "`out`"
        return entries(node, what: what).compactMap { key, value in
            guard let place = declaredName(key, what: "place") else { return nil }
            let list = inscriptions(value, what: "arc \(input ? "from" : "to") `\(place)`", allowDelay: !input)
            return Arc(place: place, placeSpan: key.span, inscriptions: list)
        }
    }

    private mutating func invariants(_ node: YAMLNode) -> [Invariant] {
        entries(node, what: "`invariants`").compactMap { key, value in
            guard let name = declaredName(key, what: "invariant") else { return nil }
            if case .mapping(let pairs, let span) = value {
                let m = keyed(pairs, allowed: Self.invariantKeys, required: ["expr"], in: "invariant `\(name)`", span: span)
                guard let v = m["expr"], let e = expression(v, what: "invariant `\(name)`") else { return nil }
                return Invariant(name: name, expr: e, description: m["description"].flatMap { text($0, what: "`description`") },
                                 span: key.span)
            }
            guard let e = expression(value, what: "invariant `\(name)`") else { return nil }
            return Invariant(name: name, expr: e, span: key.span)
        }
    }

    /// `name: { from: p, to: q, description: ... }`.
    private mutating func leadsTo(_ node: YAMLNode) -> [LeadsTo] {
        entries(node, what: "`leads_to`").compactMap { key, value in
            guard let name = declaredName(key, what: "leads-to property") else { return nil }
            guard case .mapping(let pairs, let span) = value else {
                diagnostics.add(.wrongYAMLType, "leads-to property `\(name)` must be a mapping", at: value.span,
                                help: "write `\(name): { from: \"condition\", to: \"what must follow\" }`")
                return nil
            }
            let m = keyed(pairs, allowed: Self.leadsToKeys, required: ["from", "to"], in: "leads-to property `\(name)`", span: span)
            guard let f = m["from"], let from = expression(f, what: "`from` of `\(name)`"),
                  let t = m["to"], let to = expression(t, what: "`to` of `\(name)`") else { return nil }
            return LeadsTo(name: name, from: from, to: to, description: m["description"].flatMap { text($0, what: "`description`") },
                           span: key.span)
        }
    }

    // MARK: - Tokens

    /// One token term, a list of them, or `{ token: ..., count: n }`.
    private mutating func inscriptions(_ node: YAMLNode, what: String, allowDelay: Bool) -> [Inscription] {
        switch node {
        case .sequence(let items, _):
            return items.compactMap { inscription($0, what: what, allowDelay: allowDelay) }
        default:
            return inscription(node, what: what, allowDelay: allowDelay).map { [$0] } ?? []
        }
    }

    private mutating func inscription(_ node: YAMLNode, what: String, allowDelay: Bool) -> Inscription? {
        switch node {
        case .scalar(let s):
            guard !s.isNull else {
                diagnostics.add(.wrongYAMLType, "expected a token for the \(what), found nothing", at: s.span,
                                help: "write a token expression, e.g. `p` or `\"(p, t)\"`; for a Unit token write `\"()\"`")
                return nil
            }
            guard let (e, delay) = parseInscription(s, allowDelay: allowDelay) else { return nil }
            return Inscription(expr: e, delay: delay, span: s.span, isBareInteger: s.style == .plain && s.resolved == .int)
        case .mapping(let pairs, let span):
            // `{attempt: 0}` unquoted is a YAML mapping, not a record token:
            // say so once instead of "no `token`" plus an unknown key per field.
            guard pairs.contains(where: { Self.inscriptionKeys.contains($0.key.string) }) else {
                diagnostics.add(.wrongYAMLType, "expected a token for the \(what), found a YAML mapping", at: span,
                                help: pairs.isEmpty ? "for no tokens write `[]`, or leave the key out"
                                    : "quote the token: unquoted, `{...}` is a YAML mapping, not a record (write \"{field: value}\")")
                return nil
            }
            let m = keyed(pairs, allowed: Self.inscriptionKeys, required: ["token"], in: "a token", span: span)
            guard let tokenNode = m["token"] else { return nil }
            guard case .scalar(let s) = tokenNode, !s.isNull else {
                diagnostics.add(.wrongYAMLType, "`token` takes an expression, found \(tokenNode.kindName)", at: tokenNode.span)
                return nil
            }
            var count = 1
            if let c = m["count"] {
                guard let n = integer(c, what: "`count`") else { return nil }
                guard n >= 1 else {
                    diagnostics.add(.badInteger, "`count` must be at least 1, found \(n)", at: c.span,
                                    help: "`count` is how many copies of the token there are; remove the token to have none")
                    return nil
                }
                guard n <= NetLimits.maximumTokensPerPlace else {
                    diagnostics.add(.badInteger, "`count` must be at most \(NetLimits.maximumTokensPerPlace), found \(n)", at: c.span,
                                    help: "a place holds at most \(NetLimits.maximumTokensPerPlace) tokens")
                    return nil
                }
                count = n
            }
            guard let (e, delay) = parseInscription(s, allowDelay: allowDelay) else { return nil }
            return Inscription(expr: e, count: count, delay: delay, span: s.span)
        case .sequence:
            diagnostics.add(.wrongYAMLType, "a token cannot be a list; lists of tokens do not nest", at: node.span,
                            help: "for a tuple token write `\"(a, b)\"`")
            return nil
        }
    }

    private mutating func parseInscription(_ s: YAMLScalar, allowDelay: Bool) -> (Expr, Expr?)? {
        switch ExpressionParser.parseInscription(ScalarPositions.expressionSource(for: s, in: source)) {
        case .failure(let d):
            diagnostics.add(d)
            return nil
        case .success(let (e, delay)):
            if let delay, !allowDelay {
                diagnostics.add(.notAllowedHere, "an input arc cannot delay a token", at: delay.span,
                                help: "delays (`@+ n`) belong on output arcs: they say when a produced token becomes ready")
                // Keep the pattern: dropping it made its variables "unbound" further on.
                return (e, nil)
            }
            return (e, delay)
        }
    }

    // MARK: - Scalars

    private mutating func expression(_ node: YAMLNode, what: String) -> Expr? {
        guard case .scalar(let s) = node, !s.isNull else {
            diagnostics.add(.wrongYAMLType, "expected an expression for \(what), found \(node.kindName)", at: node.span,
                            help: node.kindName == "a mapping" ? "quote the expression: `{` starts a YAML mapping (write \"{...}\")"
                                : node.kindName == "a list" ? "quote the expression: `[` starts a YAML list" : nil)
            return nil
        }
        switch ExpressionParser.parse(ScalarPositions.expressionSource(for: s, in: source)) {
        case .failure(let d):
            diagnostics.add(d)
            return nil
        case .success(let e):
            return e
        }
    }

    private mutating func integer(_ node: YAMLNode, what: String) -> Int? {
        guard case .scalar(let s) = node, s.resolved == .int || s.resolved == .string else {
            diagnostics.add(.wrongYAMLType, "\(what) must be an integer, found \(node.kindName)", at: node.span)
            return nil
        }
        let digits = s.string.replacingOccurrences(of: "_", with: "")
        if let n = Int(digits) { return n }
        let looksNumeric = !digits.isEmpty && digits.drop(while: { $0 == "-" || $0 == "+" }).allSatisfy(\.isNumber)
        if looksNumeric {
            diagnostics.add(.badInteger, "`\(s.string)` does not fit in a 64-bit integer", at: s.span,
                            help: "integers range from -9223372036854775808 to 9223372036854775807")
        } else {
            diagnostics.add(.wrongYAMLType, "\(what) must be an integer, found \(s.style == .plain ? "`\(s.string)`" : "text \"\(s.string)\"")",
                            at: s.span, help: "write a number without quotes, e.g. `2`")
        }
        return nil
    }

    private mutating func text(_ node: YAMLNode, what: String) -> String? {
        guard case .scalar(let s) = node, !s.isNull else {
            diagnostics.add(.wrongYAMLType, "\(what) must be text, found \(node.kindName)", at: node.span)
            return nil
        }
        return s.string
    }

    private mutating func declaredName(_ key: YAMLScalar, what: String) -> String? {
        guard isValidIdentifier(key.string) else {
            diagnostics.add(.invalidName, "`\(key.string)` is not a valid \(what) name", at: key.span,
                            help: "names start with a letter or `_`, continue with letters, digits or `_`, and are not keywords")
            return nil
        }
        return key.string
    }

    // MARK: - Mappings

    /// The entries of a section such as `places:` (an empty section is fine).
    private mutating func entries(_ node: YAMLNode, what: String) -> [(YAMLScalar, YAMLNode)] {
        switch node {
        case .mapping(let pairs, _): return pairs.map { ($0.key, $0.value) }
        case .scalar(let s) where s.isNull: return []
        default:
            diagnostics.add(.wrongYAMLType, "\(what) must be a mapping of names to definitions, found \(node.kindName)",
                            at: node.span, help: node.kindName == "a list" ? "drop the `- ` list markers: each entry is `name: definition`" : nil)
            return []
        }
    }

    /// Checks keys against the format and returns the mapping by key.
    private mutating func keyed(_ pairs: [(key: YAMLScalar, value: YAMLNode)], allowed: [String], required: [String],
                                in context: String, span: SourceSpan) -> [String: YAMLNode] {
        var result: [String: YAMLNode] = [:]
        for (k, v) in pairs {
            guard allowed.contains(k.string) else {
                diagnostics.add(.unknownKey, "unknown key `\(k.string)` in \(context)", at: k.span,
                                help: NameSuggestion.help(for: k.string, among: allowed)
                                    ?? "the keys here are " + allowed.map { "`\($0)`" }.joined(separator: ", "))
                continue
            }
            result[k.string] = v
        }
        for key in required where result[key] == nil {
            diagnostics.add(.missingKey, "\(context) has no `\(key)`", at: span, help: Self.missingKeyHelp[key])
        }
        return result
    }

    private static let missingKeyHelp = [
        "cpn": "add `cpn: 1` at the top: it names the version of the net format",
        "places": "declare the places: `places: { ready: { color: Job, initial: [...] } }`",
        "color": "say what tokens the place holds: `color: SomeColor`",
        "token": "write `{ token: expression, count: n }`",
        "expr": "write `{ expr: \"condition\", description: \"why\" }`",
    ]
}
