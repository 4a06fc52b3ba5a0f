import CPNDiagnostics
import CPNExpressions
import CPNModel

/// Scalars (expressions, integers, text, names) and the mappings every section is made of.
extension NetDecoder {
    // MARK: - Scalars

    mutating func expression(_ node: YAMLNode, what: String) -> Expr? {
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

    mutating func integer(_ node: YAMLNode, what: String) -> Int? {
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
                            at: s.span, help: "write a number or a constant without quotes, e.g. `2` or `MAX`")
        }
        return nil
    }

    /// An integer, or an unquoted constant expression (`MAX`, `MAX - 1`)
    /// that the checker evaluates: a number can be named wherever one goes.
    mutating func integerOrConstant(_ node: YAMLNode, what: String) -> (literal: Int?, expr: Expr?)? {
        if case .scalar(let s) = node, s.style == .plain, !s.isNull, s.resolved != .int,
           Int(s.string.replacingOccurrences(of: "_", with: "")) == nil {
            guard let e = expression(node, what: what) else { return nil }
            return (nil, e)
        }
        guard let n = integer(node, what: what) else { return nil }
        return (n, nil)
    }

    mutating func text(_ node: YAMLNode, what: String) -> String? {
        guard case .scalar(let s) = node, !s.isNull else {
            diagnostics.add(.wrongYAMLType, "\(what) must be text, found \(node.kindName)", at: node.span)
            return nil
        }
        return s.string
    }

    mutating func declaredName(_ key: YAMLScalar, what: String) -> String? {
        guard isValidIdentifier(key.string) else {
            diagnostics.add(.invalidName, "`\(key.string)` is not a valid \(what) name", at: key.span,
                            help: "names start with a letter or `_`, continue with letters, digits or `_`, and are not keywords")
            return nil
        }
        return key.string
    }

    // MARK: - Mappings

    /// The entries of a section such as `places:` (an empty section is fine).
    mutating func entries(_ node: YAMLNode, what: String) -> [(YAMLScalar, YAMLNode)] {
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
    mutating func keyed(_ pairs: [(key: YAMLScalar, value: YAMLNode)], allowed: [String], required: [String],
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

    static let missingKeyHelp = [
        "cpn": "add `cpn: 1` at the top: it names the version of the net format",
        "places": "declare the places: `places: { ready: { color: Job, initial: [...] } }`",
        "color": "say what tokens the place holds: `color: SomeColor`",
        "token": "write `{ token: expression, count: n }`",
        "expr": "write `{ expr: \"condition\", description: \"why\" }`",
    ]
}
