import CPNDiagnostics
import CPNExpressions
import CPNModel

/// `constants:` and `colors:`, and a color wherever one is written (a place's `color`).
extension NetDecoder {
    mutating func constants(_ node: YAMLNode) -> [Constant] {
        entries(node, what: "`constants`").compactMap { key, value in
            guard let name = declaredName(key, what: "constant") else { return nil }
            guard let e = expression(value, what: "constant `\(name)`") else {
                undecodedNames.insert(name)
                return nil
            }
            return Constant(name: name, value: e, span: key.span)
        }
    }

    mutating func colors(_ node: YAMLNode) -> [ColorDeclaration] {
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
    mutating func colorSyntax(fromExpression e: Expr) -> ColorSyntax? {
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
}
