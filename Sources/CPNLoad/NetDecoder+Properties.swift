import CPNDiagnostics
import CPNExpressions
import CPNModel

/// `invariants:` and `leads_to:` (`final` is a single expression).
extension NetDecoder {
    mutating func invariants(_ node: YAMLNode) -> [Invariant] {
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
    mutating func leadsTo(_ node: YAMLNode) -> [LeadsTo] {
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
}
