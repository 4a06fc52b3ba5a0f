import CPNDiagnostics
import CPNExpressions
import CPNModel

/// Resolves a decoded `Net` into a `CheckedNet`: colors, constants, places,
/// transitions and properties, in that order, since each may refer to the
/// ones before. Reports every problem it finds; returns nil if any is an error.
struct NetChecker {
    let net: Net
    var diagnostics = DiagnosticBag()
    var symbols = SymbolTable()
    private var declarations: [String: ColorDeclaration] = [:]
    private var resolving: Set<String> = []
    /// How deep `resolve` is in a color's structure, references followed.
    private var colorDepth = 0
    /// Deepest color structure accepted. Resolving recurses once per level
    /// (and so do hashing, formatting and enumerating values later): a chain
    /// of 1,000 colors, each a tuple of the next, overflowed the stack.
    static let maximumColorDepth = 64
    /// Simulation weights stay small enough that any sum of them fits.
    static let maximumWeight = 1_000_000
    /// Where terms on Unit places are written: a type mismatch there gets a
    /// help line saying that a number is a count (see `unitCountHelp`).
    var unitTermSpans: Set<SourceSpan> = []
    /// What the decoder could not read (see `DecodedNet`).
    let decodingFailed: Bool
    let incompleteTransitions: Set<String>
    let undecodedNames: Set<String>

    init(_ decoded: DecodedNet) {
        net = decoded.net
        decodingFailed = decoded.decodingFailed
        incompleteTransitions = decoded.incompleteTransitions
        undecodedNames = decoded.undecodedNames
    }

    /// A net built in code, with nothing left undecoded.
    init(net: Net) { self.init(DecodedNet(net: net)) }

    mutating func check() -> CheckedNet? {
        symbols.failed.formUnion(undecodedNames)
        for d in net.colors { declarations[d.name] = d }
        collectEnumerations()
        evaluateConstants()
        for d in net.colors where symbols.colors[d.name] == nil { _ = resolveNamed(d.name, at: d.span) }
        let places = checkPlaces()
        let transitions = net.transitions.compactMap { checkTransition($0) }
        let invariants = net.invariants.compactMap { property($0.name, $0.expr, what: "invariant `\($0.name)`", $0.description, $0.span) }
        let leadsTo = net.leadsTo.compactMap { l -> CheckedLeadsTo? in
            let from = property(l.name, l.from, what: "`from` of `\(l.name)`", nil, l.from.span)
            let to = property(l.name, l.to, what: "`to` of `\(l.name)`", nil, l.to.span)
            guard let from, let to else { return nil }
            return CheckedLeadsTo(name: l.name, from: from, to: to, description: l.description, span: l.span)
        }
        let final = net.final.flatMap { property("final", $0, what: "`final`", nil, $0.span) }
        if !diagnostics.hasErrors && !decodingFailed {
            warnAboutStructure(places: places)
        }
        var helped = DiagnosticBag()
        for d in diagnostics.items { helped.add(Self.unitCountHelp(d, spans: unitTermSpans)) }
        diagnostics = helped
        guard !diagnostics.hasErrors, places.count == net.places.count, transitions.count == net.transitions.count else { return nil }
        return CheckedNet(net: net, places: places, transitions: transitions, invariants: invariants, leadsTo: leadsTo,
                          final: final, symbols: symbols)
    }

    // MARK: - Colors

    /// Enum cases are names in every expression, and constants may use them,
    /// so enums are known before anything else is resolved.
    private mutating func collectEnumerations() {
        func walk(_ syntax: ColorSyntax, name: String?) {
            switch syntax {
            case .enumeration(let cases, _):
                let names = cases.map(\.0)
                if !names.isEmpty, Set(names).count == names.count { symbols.declare(enumColor: Color(name: name, .enumeration(names))) }
            case .record(let fields, _): fields.forEach { walk($0.2, name: nil) }
            case .tuple(let parts, _): parts.forEach { walk($0, name: nil) }
            default: break
            }
        }
        for d in net.colors { walk(d.syntax, name: d.name) }
        for p in net.places { walk(p.color, name: nil) }
    }

    private mutating func resolveNamed(_ name: String, at span: SourceSpan) -> Color? {
        if let c = symbols.colors[name] { return c }
        if symbols.failed.contains(name) { return nil }
        guard let declaration = declarations[name] else {
            let candidates = Array(symbols.colors.keys) + declarations.keys
            diagnostics.add(.unknownColor, "unknown color `\(name)`", at: span,
                            help: NameSuggestion.help(for: name, among: candidates) ?? builtinHelp(name)
                                ?? "declare it under `colors:`, e.g. `\(name): { enum: [a, b] }`")
            return nil
        }
        guard !resolving.contains(name) else {
            diagnostics.add(.recursiveColor, "color `\(name)` is defined in terms of itself", at: declaration.span,
                            help: "colors must be finite: replace the self-reference with a bounded color")
            return nil
        }
        resolving.insert(name)
        defer { resolving.remove(name) }
        guard var color = resolve(declaration.syntax, name: name) else {
            symbols.failed.insert(name)
            return nil
        }
        color.name = name
        symbols.colors[name] = color
        return color
    }

    private func builtinHelp(_ name: String) -> String? {
        switch name.lowercased() {
        case "int", "integer": return "every color must be finite: write `{ int: [0, 10] }`"
        case "bool", "boolean": return "the built-in color is `Bool`"
        case "unit", "void": return "the built-in color is `Unit`"
        case "string", "str", "text": return "colors must be finite: use an enum `{ enum: [a, b, c] }`"
        default: return nil
        }
    }

    mutating func resolve(_ syntax: ColorSyntax, name: String?) -> Color? {
        colorDepth += 1
        defer { colorDepth -= 1 }
        guard colorDepth <= Self.maximumColorDepth else {
            diagnostics.add(.nestingTooDeep, "colors nest deeper than \(Self.maximumColorDepth) levels here", at: syntax.span,
                            help: "no net needs colors this deep; check how this file was generated")
            return nil
        }
        switch syntax {
        case .reference(let n, let span): return resolveNamed(n, at: span)
        case .unit: return .unit
        case .bool: return .bool
        case .unboundedInt(let span):
            diagnostics.add(.invalidColor, "`Int` has no bounds, but every color must be finite", at: span,
                            help: "give it a range: `{ int: [0, 10] }`")
            return nil
        case .int(let low, let high, let span):
            let lo = constantInt(low, what: "the low end of the range"), hi = constantInt(high, what: "the high end of the range")
            guard let lo, let hi else { return nil }
            guard lo <= hi else {
                diagnostics.add(.invalidColor, "empty range: \(lo) is above \(hi)", at: span, help: "write `[\(hi), \(lo)]`")
                return nil
            }
            return Color(name: name, .int(lo...hi))
        case .enumeration(let cases, let span):
            guard !cases.isEmpty else {
                diagnostics.add(.invalidColor, "an enum needs at least one case", at: span, help: "write `{ enum: [a, b] }`")
                return nil
            }
            var seen: [String: SourceSpan] = [:]
            var ok = true
            for (c, s) in cases {
                if let first = seen[c] {
                    diagnostics.add(.invalidColor, "enum case `\(c)` is listed twice", at: s, help: "remove one",
                                    notes: [.init("first listed here", at: first)])
                    ok = false
                }
                seen[c] = s
                if let constant = net.constants.first(where: { $0.name == c }) {
                    diagnostics.add(.nameClash, "`\(c)` is both an enum case and a constant", at: s,
                                    help: "rename one of them", notes: [.init("constant declared here", at: constant.span)])
                    ok = false
                }
            }
            return ok ? Color(name: name, .enumeration(cases.map(\.0))) : nil
        case .record(let fields, let span):
            guard !fields.isEmpty else {
                diagnostics.add(.invalidColor, "a record needs at least one field", at: span)
                return nil
            }
            var resolved: [Color.Field] = []
            for (n, _, s) in fields {
                guard let c = resolve(s, name: nil) else { return nil }
                resolved.append(.init(name: n, color: c))
            }
            return Color(name: name, .record(resolved))
        case .tuple(let parts, let span):
            guard parts.count >= 2 else {
                diagnostics.add(.invalidColor, "a tuple needs at least two components", at: span,
                                help: parts.count == 1 ? "use the component's color directly" : nil)
                return nil
            }
            var resolved: [Color] = []
            for p in parts {
                guard let c = resolve(p, name: nil) else { return nil }
                resolved.append(c)
            }
            return Color(name: name, .tuple(resolved))
        }
    }

    // MARK: - Constants

    private mutating func evaluateConstants() {
        for c in net.constants {
            if symbols.enumCases[c.name] != nil { continue }  // reported as a clash with the case
            let compiler = ExpressionCompiler(symbols: symbols, context: .constant)
            let result = compiler.compile(c.value)
            diagnostics.append(contentsOf: compiler.diagnostics.items)
            // A constant that failed is reported once, here; its uses stay silent.
            guard let result else {
                symbols.failed.insert(c.name)
                continue
            }
            guard let value = result.constant else {
                diagnostics.add(.constantEvaluation, "constant `\(c.name)` must be computable when the net is loaded", at: c.value.span)
                symbols.failed.insert(c.name)
                continue
            }
            symbols.constants[c.name] = (result.color, value)
        }
    }

    private mutating func constantInt(_ e: Expr, what: String) -> Int? {
        constantValue(e, color: .anyInt, what: what)?.asInt
    }

    mutating func constantValue(_ e: Expr, color: Color, what: String) -> Value? {
        let compiler = ExpressionCompiler(symbols: symbols, context: .constant)
        let result = compiler.compile(e, expected: color)
        diagnostics.append(contentsOf: compiler.diagnostics.items)
        guard let result else { return nil }
        guard let value = result.constant else {
            diagnostics.add(.constantEvaluation, "\(what) must be computable when the net is loaded", at: e.span)
            return nil
        }
        return value
    }

    // MARK: - Places

    private mutating func checkPlaces() -> [CheckedPlace] {
        var result: [CheckedPlace] = []
        for (index, p) in net.places.enumerated() {
            if let d = declarations[p.name] {
                diagnostics.add(.nameClash, "`\(p.name)` names both a place and a color", at: p.span,
                                help: "rename one: quantifiers (`forall x in \(p.name)`) could not tell them apart",
                                notes: [.init("color declared here", at: d.span)])
            }
            guard let color = resolve(p.color, name: nil) else {
                symbols.failed.insert(p.name)
                continue
            }
            symbols.places[p.name] = (index, color)
        }
        for p in net.places {
            guard let (_, color) = symbols.places[p.name] else { continue }
            var initial: [InitialToken] = []
            for i in p.initial {
                if color.kind == .unit { unitTermSpans.insert(i.expr.span) }
                if color.kind == .unit, let n = unitCount(i) {
                    guard n >= 0 else {
                        diagnostics.add(.badInteger, "a place cannot start with \(n) tokens", at: i.span,
                                        help: "on a Unit place a number is how many `()` tokens it starts with: 0 or more")
                        continue
                    }
                    guard n <= NetLimits.maximumTokensPerPlace else {
                        diagnostics.add(.badInteger, "a place can start with at most \(NetLimits.maximumTokensPerPlace) tokens, found \(n)",
                                        at: i.span, help: "token counts are 32-bit: model large quantities with an Int token instead")
                        continue
                    }
                    if n > 0 { initial.append(InitialToken(value: .unit, count: n, delay: 0)) }
                    continue
                }
                guard let v = constantValue(i.expr, color: color, what: "an initial token") else { continue }
                var delay = 0
                if let d = i.delay {
                    guard let t = constantInt(d, what: "an initial delay") else { continue }
                    guard t >= 0 else {
                        diagnostics.add(.constantEvaluation, "a delay cannot be negative, found \(t)", at: d.span)
                        continue
                    }
                    guard t <= NetLimits.maximumDelay else {
                        diagnostics.add(.constantEvaluation, "a delay must be at most \(NetLimits.maximumDelay), found \(t)", at: d.span,
                                        help: "ready times are 32-bit offsets from the clock; use a coarser time unit")
                        continue
                    }
                    delay = t
                }
                guard let count = resolvedCount(i) else { continue }
                initial.append(InitialToken(value: v, count: count, delay: delay))
            }
            var startTotal = 0, startOverflow = false
            for t in initial { (startTotal, startOverflow) = startTotal.addingReportingOverflow(t.count); if startOverflow { break } }
            if startOverflow || startTotal > NetLimits.maximumTokensPerPlace {
                diagnostics.add(.badInteger, "place `\(p.name)` starts with more than \(NetLimits.maximumTokensPerPlace) tokens",
                                at: p.span, help: "token counts are 32-bit: model large quantities with an Int token instead")
            }
            let capacity = p.capacity ?? p.capacityExpr.flatMap { constantInt($0, what: "a capacity") }
            if let capacity {
                let span = p.capacitySpan ?? p.span
                if capacity < 0 {
                    diagnostics.add(.invalidCapacity, "capacity cannot be negative, found \(capacity)", at: span,
                                    help: "a capacity is the most tokens the place may hold; remove it for no limit")
                } else {
                    var total = 0, overflow = false
                    for t in initial { (total, overflow) = total.addingReportingOverflow(t.count); if overflow { break } }
                    if overflow || total > capacity {
                        diagnostics.add(.overCapacity, "place `\(p.name)` starts with \(overflow ? "too many" : String(total)) tokens but its capacity is \(capacity)",
                                        at: span, help: "raise the capacity or start with fewer tokens")
                    }
                }
            }
            var order: CheckedOrder? = nil
            if let o = p.order, case .lambda(let parameter, let body) = o.key.kind {
                let compiler = ExpressionCompiler(symbols: symbols, context: .constant)
                compiler.beginScope()
                let pattern = compiler.compilePattern(parameter, color: color, fresh: true)
                let key = compiler.compile(body, expected: .anyInt)
                diagnostics.append(contentsOf: compiler.diagnostics.items)
                if let pattern, let key {
                    order = CheckedOrder(highest: o.highest, pattern: pattern, key: key.evaluate, slotCount: compiler.slotCount, span: o.span)
                }
            }
            result.append(CheckedPlace(name: p.name, color: color, capacity: capacity, initial: initial, order: order, span: p.span))
        }
        return result
    }

    // MARK: - Properties

    private mutating func property(_ name: String, _ e: Expr, what: String, _ description: String?, _ span: SourceSpan) -> CheckedProperty? {
        let compiler = ExpressionCompiler(symbols: symbols, context: .property)
        let result = compiler.compileCondition(e, what: what)
        diagnostics.append(contentsOf: compiler.diagnostics.items)
        guard let result else { return nil }
        return CheckedProperty(name: name, expr: result, slotCount: compiler.slotCount, description: description, span: span)
    }
}

extension Inscription {
    /// The number of a bare integer on a Unit place or arc (`initial: 3`,
    /// `in: { ready: 2 }`), negative ones included: `-1` parses as a negation,
    /// and without this it was type-checked as an Int token ("expected `Unit`,
    /// found `Int`") instead of being called a bad count.
    var bareCount: Int? {
        guard isBareInteger else { return nil }
        switch expr.kind {
        case .int(let n): return n
        case .unary(.negate, let operand): if case .int(let n) = operand.kind { return -n } else { return nil }
        default: return nil
        }
    }
}
