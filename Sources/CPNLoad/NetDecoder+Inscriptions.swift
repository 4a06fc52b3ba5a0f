import CPNDiagnostics
import CPNExpressions
import CPNModel

/// Token terms on arcs and in initial markings.
extension NetDecoder {
    // MARK: - Tokens

    /// One token term, a list of them, or `{ token: ..., count: n }`.
    mutating func inscriptions(_ node: YAMLNode, what: String, allowDelay: Bool) -> [Inscription] {
        switch node {
        case .sequence(let items, _):
            return items.compactMap { inscription($0, what: what, allowDelay: allowDelay) }
        default:
            return inscription(node, what: what, allowDelay: allowDelay).map { [$0] } ?? []
        }
    }

    mutating func inscription(_ node: YAMLNode, what: String, allowDelay: Bool) -> Inscription? {
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
            var countExpr: Expr? = nil
            // `count: N` (a constant) is range-checked by the checker, once it knows N.
            let number = m["count"].map { integerOrConstant($0, what: "`count`") }
            if let number, number == nil { return nil }
            countExpr = number??.expr
            if let c = m["count"], let n = number??.literal {
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
            var inscription = Inscription(expr: e, count: count, delay: delay, span: s.span)
            inscription.countExpr = countExpr
            return inscription
        case .sequence:
            diagnostics.add(.wrongYAMLType, "a token cannot be a list; lists of tokens do not nest", at: node.span,
                            help: "for a tuple token write `\"(a, b)\"`")
            return nil
        }
    }

    mutating func parseInscription(_ s: YAMLScalar, allowDelay: Bool) -> (Expr, Expr?)? {
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
}
