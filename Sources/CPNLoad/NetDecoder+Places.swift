import CPNDiagnostics
import CPNExpressions
import CPNModel

/// `places:`: colors, initial markings, capacities and orders.
extension NetDecoder {
    mutating func places(_ node: YAMLNode) -> [Place] {
        entries(node, what: "`places`").compactMap { key, value in
            guard let name = declaredName(key, what: "place") else { return nil }
            let place = place(named: name, key, value)
            if place == nil { undecodedNames.insert(name) }
            return place
        }
    }

    mutating func place(named name: String, _ key: YAMLScalar, _ value: YAMLNode) -> Place? {
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
            let number = integerOrConstant(v, what: "`capacity`")
            place.capacity = number?.literal
            place.capacityExpr = number?.expr
            place.capacitySpan = v.span
        }
        if let v = m["order"] { place.order = order(v) }
        if let v = m["description"] { place.description = text(v, what: "`description`") }
        return place
    }

    mutating func order(_ node: YAMLNode) -> PlaceOrder? {
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
}
