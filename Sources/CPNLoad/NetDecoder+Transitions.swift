import CPNDiagnostics
import CPNExpressions
import CPNModel

/// `transitions:` and their arcs.
extension NetDecoder {
    mutating func transitions(_ node: YAMLNode) -> [Transition] {
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
            if let v = m["read"] { t.reads = arcs(v, input: true, key: "read") }
            if let v = m["unless"] { t.inhibitors = arcs(v, input: true, key: "unless") }
            if let v = m["cancel"] { t.cancels = arcs(v, input: true, key: "cancel") }
            if let v = m["weight"], let number = integerOrConstant(v, what: "`weight`") {
                t.weight = number.literal
                t.weightExpr = number.expr
                t.weightSpan = v.span
            }
            if let v = m["priority"], let number = integerOrConstant(v, what: "`priority`") {
                t.priority = number.literal
                t.priorityExpr = number.expr
            }
            if let v = m["out"] { t.outputs = arcs(v, input: false) }
            if let v = m["guard"] { t.guardExpr = expression(v, what: "the guard of `\(name)`") }
            if let v = m["description"] { t.description = text(v, what: "`description`") }
            if let v = m["expect"], let word = text(v, what: "`expect`") {
                if word == "dead" { t.expectDead = true } else {
                    diagnostics.add(.wrongYAMLType, "`expect` of transition `\(name)` must be `dead`, found `\(word)`", at: v.span,
                                    help: "write `expect: dead` for a transition that must never be enabled, or remove the key")
                }
            }
            if let v = m["kind"], let word = text(v, what: "`kind`") {
                if let kind = TransitionKind(rawValue: word) { t.kind = kind } else {
                    let near = NameSuggestion.closest(to: word, among: TransitionKind.allCases.map(\.rawValue))
                    diagnostics.add(.wrongYAMLType, "`kind` of transition `\(name)` must be `system`, `fault` or `environment`, found `\(word)`",
                                    at: v.span,
                                    help: near.map { "did you mean `\($0)`?" }
                                        ?? "`fault` and `environment` transitions are verified like any other, but `run` never fires them on its own")
                }
            }
            return t
        }
    }

    /// The arcs under `in`, `out`, `read` or `unless` (`key`): every kind but
    /// `out` is a pattern on the marking before the firing, with no delay.
    mutating func arcs(_ node: YAMLNode, input: Bool, key arcKey: String? = nil) -> [Arc] {
        let what = "`\(arcKey ?? (input ? "in" : "out"))`"
        return entries(node, what: what).compactMap { key, value in
            guard let place = declaredName(key, what: "place") else { return nil }
            let kind = arcKey.map { "`\($0)` arc on" } ?? "arc \(input ? "from" : "to")"
            let list = inscriptions(value, what: "\(kind) `\(place)`", allowDelay: !input)
            return Arc(place: place, placeSpan: key.span, inscriptions: list)
        }
    }
}
