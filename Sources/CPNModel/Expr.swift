import CPNDiagnostics

/// An expression as written: the syntax tree the parser builds, with the span
/// of each node in the net file, before any name is resolved or type checked.
public struct Expr: Hashable, Sendable {
    public var kind: Kind
    public var span: SourceSpan

    public init(_ kind: Kind, _ span: SourceSpan) {
        self.kind = kind
        self.span = span
    }

    public indirect enum Kind: Hashable, Sendable {
        case int(Int)
        case bool(Bool)
        case unit
        /// A variable, constant, enum case or (in properties) place.
        case name(String)
        /// `_`: matches anything in a pattern.
        case wildcard
        case unary(UnaryOperator, Expr)
        case binary(BinaryOperator, Expr, Expr)
        /// `e.field`, `Color.case`, or `e.0` for tuple components.
        case member(Expr, String)
        case tuple([Expr])
        /// `{a: e, b: f}`; `open` is `...` at the end, allowed in patterns only.
        case record([FieldInit], open: Bool)
        /// `{base with a: e}`
        case with(Expr, [FieldInit])
        case conditional(Expr, then: Expr, else: Expr)
        case call(String, [Expr])
        /// `pattern => body`, the predicate argument of `count` and `sum`.
        case lambda(Expr, Expr)
        /// `forall x in D: body` / `exists x in D: body`; D is a color or a place.
        case quantifier(Quantifier, variable: Expr, domain: String, domainSpan: SourceSpan, body: Expr)
    }

    public struct FieldInit: Hashable, Sendable {
        public var name: String
        public var nameSpan: SourceSpan
        public var value: Expr
        public init(name: String, nameSpan: SourceSpan, value: Expr) {
            self.name = name
            self.nameSpan = nameSpan
            self.value = value
        }
    }
}

public enum Quantifier: String, Hashable, Sendable {
    case forall, exists
}

public enum UnaryOperator: String, Hashable, Sendable {
    case negate = "-"
    case not = "!"
}

public enum BinaryOperator: String, Hashable, Sendable, CaseIterable {
    case or = "||", and = "&&"
    case equal = "==", notEqual = "!="
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%", power = "**"
}

extension Expr {
    /// Names this expression reads (free or not), in source order, with spans.
    public var names: [(String, SourceSpan)] {
        var out: [(String, SourceSpan)] = []
        visit { e in if case .name(let n) = e.kind { out.append((n, e.span)) } }
        return out
    }

    /// Calls `body` on this node and every node below it, parents first.
    public func visit(_ body: (Expr) -> Void) {
        body(self)
        switch kind {
        case .int, .bool, .unit, .name, .wildcard: break
        case .unary(_, let e), .member(let e, _): e.visit(body)
        case .binary(_, let a, let b), .lambda(let a, let b): a.visit(body); b.visit(body)
        case .tuple(let es), .call(_, let es): es.forEach { $0.visit(body) }
        case .record(let fs, _): fs.forEach { $0.value.visit(body) }
        case .with(let e, let fs): e.visit(body); fs.forEach { $0.value.visit(body) }
        case .conditional(let c, let t, let f): c.visit(body); t.visit(body); f.visit(body)
        case .quantifier(_, let v, _, _, let b): v.visit(body); b.visit(body)
        }
    }
}
