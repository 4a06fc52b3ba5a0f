import CPNDiagnostics
import CPNLoad
import CPNModel

/// A mapping checked against a net: transitions, variables, fields, silent
/// transitions and final tokens exist, and literals are values of their
/// colors. Every name that does not resolve is a diagnostic at its span in
/// the mapping file, with a "did you mean".
struct ResolvedMap {
    enum FinalNotion {
        /// A final marking (the mapping's `final:`): PM4Py's rule, remaining = tokens beyond it.
        case marking(ReplayMarking)
        /// The net's `final:` predicate: an end marking that satisfies it leaves no remaining tokens.
        case predicate
        /// Neither: the end marking is taken as final.
        case none
    }

    var map: ConformanceMap
    var rules: [String: ResolvedRule?] = [:]   // nil value: ignore
    var defaults: [Int: ResolvedRule] = [:]
    var silent: [Int] = []
    var final: FinalNotion = .none
    var literalValues: [String: Value] = [:]

    static func resolve(_ map: ConformanceMap, net: CheckedNet, values: AttributeValues) -> Result<ResolvedMap, MapDiagnostics> {
        var bag = DiagnosticBag()
        var out = ResolvedMap(map: map)
        let names = net.transitions.map(\.name)
        func transition(_ name: String, _ span: SourceSpan?) -> Int? {
            if let i = net.transitionIndex(named: name) { return i }
            bag.add(Diagnostic(.unknownName, "the net has no transition `\(name)`", at: span,
                               help: NameSuggestion.help(for: name, among: names)))
            return nil
        }
        for (event, rule) in map.events {
            switch rule {
            case .ignore: out.rules[event] = .some(nil)
            case .transition(let r):
                guard let t = transition(r.transition, r.span) else { continue }
                var targets: [ResolvedRule.Target] = []
                for b in r.bindings {
                    if let target = resolveTarget(b, net.transitions[t], &bag) {
                        if case .literal(let text) = b.source {
                            switch values.text(text, target.color) {
                            case .success(let v): out.literalValues[event + "\u{0}" + b.target] = v
                            case .failure(let why): bag.add(Diagnostic(.typeMismatch, why.description, at: b.span)); continue
                            }
                        }
                        targets.append(target)
                    }
                }
                out.rules[event] = .some(ResolvedRule(transition: t, targets: targets))
            }
        }
        for (i, t) in net.transitions.enumerated() {
            // Without a rule, attributes named like the variables bind them (also inside
            // a `binding` object: the runtime's `log export` lines).
            out.defaults[i] = ResolvedRule(transition: i, targets: t.variables.map { v in
                .init(slot: v.slot, path: [], color: v.color, name: v.name, source: .attribute(AttributePath(segments: [v.name])), explicit: false)
            })
        }
        for (name, span) in map.silent { if let t = transition(name, span) { out.silent.append(t) } }
        if let final = map.finalMarking {
            var m = ReplayMarking(placeCount: net.places.count)
            for f in final {
                guard let p = net.placeIndex(named: f.place) else {
                    bag.add(Diagnostic(.unknownName, "the net has no place `\(f.place)`", at: f.span,
                                       help: NameSuggestion.help(for: f.place, among: net.places.map(\.name))))
                    continue
                }
                for (text, count) in f.tokens {
                    switch values.text(text, net.places[p].color) {
                    case .success(let v): m.add(v, count: count, to: p)
                    case .failure(let why): bag.add(Diagnostic(.typeMismatch, "a final token of `\(f.place)`: \(why)", at: f.span))
                    }
                }
            }
            out.final = .marking(m)
        } else if net.final != nil {
            out.final = .predicate
        }
        return bag.hasErrors ? .failure(MapDiagnostics(bag.sorted)) : .success(out)
    }

    private static func resolveTarget(_ b: ConformanceMap.VariableBinding, _ t: CheckedTransition, _ bag: inout DiagnosticBag) -> ResolvedRule.Target? {
        guard let v = t.variables.first(where: { $0.name == b.variable }) else {
            bag.add(Diagnostic(.unknownName, "transition `\(t.name)` has no variable `\(b.variable)`", at: b.span,
                               help: NameSuggestion.help(for: b.variable, among: t.variables.map(\.name))
                                   ?? (t.variables.isEmpty ? "it binds no variables" : "its variables: " + t.variables.map(\.name).joined(separator: ", "))))
            return nil
        }
        var color = v.color
        var path: [Int] = []
        for f in b.fields {
            if let fields = color.fields, let i = fields.firstIndex(where: { $0.name == f }) {
                path.append(i); color = fields[i].color
            } else if let parts = color.components, let i = Int(f), i >= 0, i < parts.count {
                path.append(i); color = parts[i]
            } else {
                bag.add(Diagnostic(.unknownField, "`\(color)` has no field `\(f)`", at: b.span,
                                   help: color.fields.flatMap { NameSuggestion.help(for: f, among: $0.map(\.name)) }
                                       ?? (color.components != nil ? "a tuple's components are numbered from 0" : nil)))
                return nil
            }
        }
        return .init(slot: v.slot, path: path, color: color, name: b.target, source: b.source, explicit: true)
    }
}
