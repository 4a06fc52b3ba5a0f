import CPNDiagnostics
import CPNModel

extension NetLoader {
    /// Loads a net written in the YAML format by a converter (PNML import),
    /// reporting every position in the file it was converted from.
    ///
    /// `mapSpan` takes a span of `converted` to the span of the original
    /// element it was written from. Every span of the model is mapped before
    /// the checker runs, so its diagnostics, the explorer's locations and the
    /// reports all point into `original`; the decoder's diagnostics are mapped
    /// after. Without this a converted net's errors pointed at lines of a YAML
    /// text nobody sees.
    public static func load(converted: String, original: SourceFile,
                            mapSpan: (SourceSpan) -> SourceSpan) -> LoadResult {
        let source = SourceFile(path: original.path, text: converted)
        func mapped(_ d: Diagnostic) -> Diagnostic {
            var d = d
            d.span = d.span.map(mapSpan)
            d.notes = d.notes.map { Diagnostic.Note($0.message, at: $0.span.map(mapSpan)) }
            return d
        }
        let root: YAMLNode
        switch YAMLComposer.compose(source) {
        case .failure(let d): return LoadResult(path: original.path, source: original, net: nil, checked: nil, diagnostics: [mapped(d)])
        case .success(let r): root = r
        }
        var decoder = NetDecoder(source: source)
        let decoded = decoder.decode(root).map { d in
            var mapped = d
            mapped.net = d.net.mappingSpans(mapSpan)
            return mapped
        }
        var diagnostics = DiagnosticBag()
        for d in decoder.diagnostics.items { diagnostics.add(mapped(d)) }
        var checked: CheckedNet? = nil
        if let decoded {
            var checker = NetChecker(decoded)
            checked = checker.check()
            for d in checker.diagnostics.items { diagnostics.add(d) }
        }
        if diagnostics.hasErrors { checked = nil }
        return LoadResult(path: original.path, source: original, net: decoded?.net, checked: checked, diagnostics: diagnostics.sorted)
    }
}

extension Net {
    /// The same net with every source span passed through `f`.
    func mappingSpans(_ f: (SourceSpan) -> SourceSpan) -> Net {
        var n = self
        n.constants = constants.map { Constant(name: $0.name, value: $0.value.mappingSpans(f), span: f($0.span)) }
        n.colors = colors.map { ColorDeclaration(name: $0.name, syntax: $0.syntax.mappingSpans(f), span: f($0.span)) }
        n.places = places.map { p in
            var mapped = Place(name: p.name, color: p.color.mappingSpans(f), initial: p.initial.map { $0.mappingSpans(f) },
                               capacity: p.capacity, capacitySpan: p.capacitySpan.map(f),
                               order: p.order.map { PlaceOrder(highest: $0.highest, key: $0.key.mappingSpans(f), span: f($0.span)) },
                               description: p.description, span: f(p.span))
            mapped.capacityExpr = p.capacityExpr?.mappingSpans(f)
            return mapped
        }
        n.transitions = transitions.map { t in
            func arcs(_ list: [Arc]) -> [Arc] {
                list.map { Arc(place: $0.place, placeSpan: f($0.placeSpan), inscriptions: $0.inscriptions.map { $0.mappingSpans(f) }) }
            }
            // A copy, so that every other key of the transition is kept as it is.
            var mapped = t
            mapped.inputs = arcs(t.inputs)
            mapped.outputs = arcs(t.outputs)
            mapped.reads = arcs(t.reads)
            mapped.inhibitors = arcs(t.inhibitors)
            mapped.cancels = arcs(t.cancels)
            mapped.priorityExpr = t.priorityExpr?.mappingSpans(f)
            mapped.weightExpr = t.weightExpr?.mappingSpans(f)
            mapped.weightSpan = t.weightSpan.map(f)
            mapped.guardExpr = t.guardExpr?.mappingSpans(f)
            mapped.span = f(t.span)
            return mapped
        }
        n.invariants = invariants.map { Invariant(name: $0.name, expr: $0.expr.mappingSpans(f), description: $0.description, span: f($0.span)) }
        n.final = final?.mappingSpans(f)
        return n
    }
}

extension Inscription {
    func mappingSpans(_ f: (SourceSpan) -> SourceSpan) -> Inscription {
        var mapped = Inscription(expr: expr.mappingSpans(f), count: count, delay: delay?.mappingSpans(f), span: f(span), isBareInteger: isBareInteger)
        mapped.countExpr = countExpr?.mappingSpans(f)
        return mapped
    }
}

extension ColorSyntax {
    func mappingSpans(_ f: (SourceSpan) -> SourceSpan) -> ColorSyntax {
        switch self {
        case .reference(let name, let s): .reference(name, f(s))
        case .unit(let s): .unit(f(s))
        case .bool(let s): .bool(f(s))
        case .int(let low, let high, let s): .int(low: low.mappingSpans(f), high: high.mappingSpans(f), f(s))
        case .unboundedInt(let s): .unboundedInt(f(s))
        case .enumeration(let cases, let s): .enumeration(cases.map { ($0.0, f($0.1)) }, f(s))
        case .record(let fields, let s): .record(fields.map { ($0.0, f($0.1), $0.2.mappingSpans(f)) }, f(s))
        case .tuple(let parts, let s): .tuple(parts.map { $0.mappingSpans(f) }, f(s))
        }
    }
}

extension Expr {
    func mappingSpans(_ f: (SourceSpan) -> SourceSpan) -> Expr {
        func m(_ e: Expr) -> Expr { e.mappingSpans(f) }
        func fields(_ list: [FieldInit]) -> [FieldInit] {
            list.map { FieldInit(name: $0.name, nameSpan: f($0.nameSpan), value: m($0.value)) }
        }
        let kind: Kind
        switch self.kind {
        case .int, .bool, .unit, .name, .wildcard: kind = self.kind
        case .unary(let op, let e): kind = .unary(op, m(e))
        case .binary(let op, let a, let b): kind = .binary(op, m(a), m(b))
        case .member(let e, let name): kind = .member(m(e), name)
        case .tuple(let es): kind = .tuple(es.map(m))
        case .record(let fs, let open): kind = .record(fields(fs), open: open)
        case .with(let e, let fs): kind = .with(m(e), fields(fs))
        case .conditional(let c, let t, let e): kind = .conditional(m(c), then: m(t), else: m(e))
        case .call(let name, let args): kind = .call(name, args.map(m))
        case .lambda(let p, let b): kind = .lambda(m(p), m(b))
        case .quantifier(let q, let v, let domain, let domainSpan, let body):
            kind = .quantifier(q, variable: m(v), domain: domain, domainSpan: f(domainSpan), body: m(body))
        }
        return Expr(kind, f(span))
    }
}
