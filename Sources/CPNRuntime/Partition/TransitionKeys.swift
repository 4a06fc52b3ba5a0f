import CPNDiagnostics
import CPNModel

/// The keys of one transition's tokens, as terms over its variables, and
/// whether they are provably one key (`PartitionAnalysis`).
///
/// Every input token is a term of its own (`token k`); a pattern makes its
/// variables equal to parts of it (`(p, t)`: `p` is part 0 of the token, `t`
/// part 1); an expression in a pattern, an output or a guard equality makes
/// two terms equal. Equal terms are merged (a union-find, closed under taking
/// the same part of equal terms), and the keys agree when the key terms of all
/// keyed arcs end in one class.
struct TransitionKeys {
    let transition: Transition
    let places: [PartitionProof.PlaceEntry]
    /// Constants, enum cases and color names: names that bind nothing.
    let constants: Set<String>
    let placeIndex: (String) -> Int?

    indirect enum Term: Hashable {
        /// The token taken by input arc `arc`, inscription `copy`.
        case token(arc: Int, copy: Int)
        case variable(String)
        case constant(String)
        case part(Term, KeyStep)
        /// Something the analysis does not follow (arithmetic, a call): equal only to itself.
        case opaque(String)
    }

    /// The arcs whose tokens the binding matches: `in:`, `cancel:` (taken
    /// whatever their ready time) and `read:` (left in place, but the token must
    /// be in the same shard all the same).
    var takenOrRead: [Arc] { transition.inputs + transition.cancels + transition.reads }

    func verdict() -> PartitionProof.TransitionEntry {
        var classes = TermClasses()
        var arcs: [(arc: PartitionProof.ArcKey, term: Term?)] = []
        // Inputs: each copy is a token term; the pattern equates its parts with variables or expressions.
        for (a, arc) in takenOrRead.enumerated() {
            let entry = place(arc.place)
            for (c, inscription) in arc.inscriptions.enumerated() {
                let token = Term.token(arc: a, copy: c)
                bind(inscription.expr, to: token, &classes)
                var term: Term?
                var shown = "-"
                if case .keyed = entry?.role, let path = entry?.paths.first {
                    let t = path.reduce(token) { .part($0, $1) }
                    term = t
                    shown = render(project(inscription.expr, path) ?? t)
                }
                arcs.append((.init(direction: .input, place: arc.place, inscription: inscription.expr.rendered, key: shown, span: inscription.span), term))
            }
        }
        if let g = transition.guardExpr { for (l, r) in Self.equalities(g) { classes.union(term(l), term(r)) } }
        for arc in transition.outputs {
            let entry = place(arc.place)
            for inscription in arc.inscriptions {
                var term: Term?
                var shown = "-"
                if case .keyed = entry?.role, let path = entry?.paths.first {
                    let t = project(inscription.expr, path) ?? path.reduce(Term.opaque(inscription.expr.rendered)) { .part($0, $1) }
                    term = t
                    shown = render(t)
                }
                arcs.append((.init(direction: .output, place: arc.place, inscription: inscription.expr.rendered, key: shown, span: inscription.span), term))
            }
        }
        let entry = { (verdict: PartitionProof.TransitionVerdict) in
            PartitionProof.TransitionEntry(name: transition.name, span: transition.span, arcs: arcs.map(\.arc), verdict: verdict)
        }
        // Places that refute whatever the keys are.
        for a in arcs {
            guard let p = place(a.arc.place) else { continue }
            if case .ambiguous(let paths) = p.role {
                return entry(.crosses("`\(p.name)` holds the key at \(paths.count) positions (\(paths.joined(separator: ", "))), so its tokens belong to no single shard", [a.arc]))
            }
        }
        // An `unless:` arc tests that no matching token exists anywhere in its place: for a
        // keyed place that is a question about every shard at once.
        for arc in transition.inhibitors {
            guard let p = place(arc.place), case .keyed = p.role else { continue }
            let a = PartitionProof.ArcKey(direction: .input, place: arc.place, inscription: arc.inscriptions.first?.expr.rendered ?? "_",
                                          key: "-", span: arc.inscriptions.first?.span ?? transition.span)
            return entry(.crosses("its `unless:` arc on keyed place `\(p.name)` tests for tokens of every key, which no single shard holds", [a]))
        }
        let keyed = arcs.filter { $0.term != nil }
        let global = arcs.filter { $0.term == nil }
        if keyed.isEmpty { return entry(.global) }
        if !global.isEmpty {
            let names = Array(Set(global.map(\.arc.place))).sorted()
            return entry(.crosses("it moves tokens of keyed places and of global \(names.count == 1 ? "place" : "places") \(names.map { "`\($0)`" }.joined(separator: ", ")), which every shard shares",
                                  global.map(\.arc) + keyed.map(\.arc)))
        }
        for a in keyed {
            guard let p = place(a.arc.place) else { continue }
            if let capacity = p.capacity {
                return entry(.crosses("`\(p.name)` has a capacity (\(capacity)), which bounds the tokens of every key together: shards cannot count each other's", [a.arc]))
            }
            if p.ordered, a.arc.direction == .input {
                return entry(.crosses("`\(p.name)` is ordered, so `\(transition.name)` takes the best token of every key: shards cannot compare each other's", [a.arc]))
            }
        }
        classes.close()
        let first = classes.find(keyed[0].term!)
        let odd = keyed.filter { classes.find($0.term!) != first }
        if odd.isEmpty, !classes.isOpaque(first) { return entry(.keyed(keyed[0].arc.key)) }
        let differing = odd.isEmpty ? keyed.map(\.arc) : [keyed[0].arc] + odd.map(\.arc)
        return entry(.crosses(odd.isEmpty ? "its key `\(keyed[0].arc.key)` is computed, and the analysis cannot tell that it stays in one shard"
                                          : "the keys of its tokens are not provably equal: " + differing.map { "\($0.key) (\($0.direction == .input ? "in" : "out") \($0.place))" }.joined(separator: " vs "),
                              differing))
    }

    func place(_ name: String) -> PartitionProof.PlaceEntry? { places.first { $0.name == name } }

    /// Equates the parts of `token` with the variables and expressions of `pattern`.
    func bind(_ pattern: Expr, to token: Term, _ classes: inout TermClasses) {
        switch pattern.kind {
        case .wildcard: break
        case .name(let n):
            classes.union(token, constants.contains(n) ? .constant(n) : .variable(n))
        case .tuple(let parts):
            for (i, p) in parts.enumerated() { bind(p, to: .part(token, .component(i)), &classes) }
        case .record(let fields, _):
            for f in fields { bind(f.value, to: .part(token, .field(f.name)), &classes) }
        default:
            // An expression part (`t.domain`, `3`): the token equals its value.
            classes.union(token, term(pattern))
        }
    }

    /// The term of an expression (no structure looked into).
    func term(_ e: Expr) -> Term {
        switch e.kind {
        case .name(let n): return constants.contains(n) ? .constant(n) : .variable(n)
        case .int, .bool, .unit: return .constant(e.rendered)
        case .member(let base, let f):
            if case .name(let n) = base.kind, constants.contains(n) { return .constant(e.rendered) }  // Color.case
            if let i = Int(f) { return .part(term(base), .component(i)) }
            return .part(term(base), .field(f))
        default:
            if let p = project(e, []) { return p }
            return .opaque(e.rendered)
        }
    }

    /// The term of the part of `e` at `path`, reading through tuples, records and
    /// `with`; nil when `e` is built in a way the analysis does not follow.
    func project(_ e: Expr, _ path: [KeyStep]) -> Term? {
        guard let step = path.first else {
            switch e.kind {
            case .tuple, .record, .with, .conditional, .binary, .unary, .call, .lambda, .quantifier, .wildcard: return nil
            default: return term(e)
            }
        }
        let rest = Array(path.dropFirst())
        switch (e.kind, step) {
        case (.tuple(let parts), .component(let i)) where i < parts.count: return project(parts[i], rest)
        case (.record(let fields, _), .field(let f)):
            guard let v = fields.first(where: { $0.name == f }) else { return nil }
            return project(v.value, rest)
        case (.with(let base, let fields), .field(let f)):
            if let v = fields.first(where: { $0.name == f }) { return project(v.value, rest) }
            return project(base, path)
        case (.name, _), (.member, _):
            return path.reduce(term(e)) { .part($0, $1) }
        default:
            return nil
        }
    }

    /// `a == b` conjuncts at the top of a guard.
    static func equalities(_ e: Expr) -> [(Expr, Expr)] {
        switch e.kind {
        case .binary(.and, let a, let b): return equalities(a) + equalities(b)
        case .binary(.equal, let a, let b): return [(a, b)]
        default: return []
        }
    }

    func render(_ t: Term) -> String {
        switch t {
        case .token(let a, _): return "the token from `\(takenOrRead[a].place)`"
        case .variable(let n), .constant(let n), .opaque(let n): return n
        case .part(let base, let step): return render(base) + step.text
        }
    }
}

/// Classes of equal terms: a union-find that is closed under parts (when
/// `a` and `b` are equal, so are `a.f` and `b.f`).
struct TermClasses {
    typealias Term = TransitionKeys.Term
    private var parent: [Term: Term] = [:]

    mutating func find(_ t: Term) -> Term {
        let c = canonical(t)
        var root = c
        while let p = parent[root], p != root { root = p }
        return root
    }

    /// The term with its base replaced by its class's representative.
    private mutating func canonical(_ t: Term) -> Term {
        if case .part(let base, let step) = t { return .part(find(base), step) }
        return t
    }

    mutating func union(_ a: Term, _ b: Term) {
        let ra = find(a), rb = find(b)
        guard ra != rb else { return }
        // A constant or a variable represents its class, for readable keys.
        if Self.rank(ra) >= Self.rank(rb) { parent[rb] = ra; parent[ra] = ra } else { parent[ra] = rb; parent[rb] = rb }
        pending.append((a, b))
    }

    private var pending: [(Term, Term)] = []

    /// Unions again until nothing changes: once two terms are merged, parts
    /// of them (`a.f`, `b.f`) have one canonical form, and the unions recorded
    /// on those parts must be made again between the classes as they are now.
    mutating func close() {
        var changed = true
        while changed {
            changed = false
            for (a, b) in pending {
                if find(a) != find(b) {
                    union(a, b)
                    changed = true
                }
            }
        }
    }

    func isOpaque(_ t: Term) -> Bool {
        switch t {
        case .opaque: return true
        case .part(let base, _): return isOpaque(base)
        default: return false
        }
    }

    private static func rank(_ t: Term) -> Int {
        switch t {
        case .constant: return 3
        case .variable: return 2
        case .part: return 1
        case .token, .opaque: return 0
        }
    }
}
