import CPNDiagnostics
import CPNLoad
import CPNModel

/// Whether a net can run as independent shards, one per value of a key
/// (`cpn-author partition net.yaml --by domain`), decided statically.
///
/// The key is a record field (`--by domain`: the `domain` of every token
/// whose color has one, and, when those fields share a named color such as
/// `Domain`, every token or component of that color) or a color (`--by Job`).
/// A place whose color holds the key at exactly one position is **keyed**;
/// one that holds it nowhere is **global** (its tokens belong to no shard), as
/// is a place named with `--global`.
///
/// The net is partitionable when every transition either touches only global
/// places, or touches only keyed places and every token it takes and makes
/// provably has the same key. "Provably" is by the structure of the arcs: a
/// variable joins the patterns it appears in (`in: {a: (k, x), b: (k, y)}`), a
/// pattern that is an expression equates its token with it (`domain_slots:
/// t.domain`), an output's key is read through tuples, records and `with`
/// (`(p, {t with attempt: 1})` has the key of `t`), and the guard's
/// top-level equalities (`a.domain == b.domain && ...`) join their sides.
/// Keyed places must not have a capacity nor an order: both compare tokens of
/// every key (a capacity counts them together, an order picks the best of
/// all), which separate shards cannot do; for the same reason a net with
/// priorities is not partitionable (a firing waits for higher-priority
/// bindings of every key).
///
/// Then each shard is a part of the net on its own places, closed under
/// firing: what the global net does with the tokens of one key is what that
/// shard does alone, and no firing ever needs two shards.
public struct PartitionAnalysis: Sendable {
    public let net: CheckedNet
    public let key: String
    public let declaredGlobal: Set<String>

    public init(net: CheckedNet, key: String, global: [String] = []) {
        self.net = net
        self.key = key
        self.declaredGlobal = Set(global)
    }

    /// The analysis; throws `PartitionError` when the key or a `--global` place names nothing in the net.
    public func run() throws -> PartitionProof {
        for g in declaredGlobal.sorted() where net.placeIndex(named: g) == nil {
            throw PartitionError("`--global \(g)`: net `\(net.net.name)` has no place `\(g)`",
                                 hint: NameSuggestion.closest(to: g, among: net.places.map(\.name)).map { "did you mean `\($0)`?" })
        }
        let keyColor = try self.keyColor()
        let places = net.places.map { p -> PartitionProof.PlaceEntry in
            let paths = Self.keyPaths(in: p.color, field: key, color: keyColor, at: [])
            let role: PartitionProof.PlaceRole
            if declaredGlobal.contains(p.name) { role = .global(declared: true) }
            else if paths.isEmpty { role = .global(declared: false) }
            else if paths.count > 1 { role = .ambiguous(paths.map(KeyStep.render)) }
            else { role = .keyed(KeyStep.render(paths[0])) }
            return .init(name: p.name, role: role, capacity: p.capacity, ordered: p.order != nil, span: p.span, paths: paths)
        }
        let constants = Set(net.net.constants.map(\.name) + net.places.flatMap { Self.enumCases($0.color) }
                            + net.net.colors.map(\.name))
        var transitions: [PartitionProof.TransitionEntry] = []
        for t in net.net.transitions {
            transitions.append(TransitionKeys(transition: t, places: places, constants: constants, placeIndex: net.placeIndex(named:)).verdict())
        }
        // Priorities compare the enabled transitions of the whole marking: a firing of one
        // key waits while a higher-priority binding of any key is enabled, which no shard sees.
        if net.hasPriorities {
            let levels = Set(net.transitions.map(\.priority)).sorted().map(String.init).joined(separator: ", ")
            for (i, t) in transitions.enumerated() {
                guard case .keyed = t.verdict else { continue }
                transitions[i].verdict = .crosses("the net has priorities (\(levels)): whether `\(t.name)` may fire depends on the enabled transitions of every key, which no single shard sees", [])
            }
        }
        let invariants = net.net.invariants.map { inv -> PartitionProof.InvariantEntry in
            let touched = Self.placesNamed(in: inv.expr, places: Set(net.places.map(\.name)))
            let keyedOnes = touched.filter { name in places.first { $0.name == name }.map { if case .keyed = $0.role { true } else { false } } ?? false }
            return .init(name: inv.name, keyedPlaces: keyedOnes.sorted(), span: inv.span)
        }
        return PartitionProof(net: net.net.name, key: key, keyColor: keyColor, places: places, transitions: transitions,
                              invariants: invariants, timed: net.places.contains { $0.initial.contains { $0.delay > 0 } }
                                || net.net.transitions.contains { $0.outputs.contains { $0.inscriptions.contains { $0.delay != nil } } })
    }

    /// The named color that the key's values have, if any: `--by Job` names
    /// one; for `--by domain`, the color of the `domain` fields when they all
    /// have the same named one.
    func keyColor() throws -> String? {
        var all: [Color] = []
        for p in net.places { Self.colors(in: p.color, into: &all) }
        if all.contains(where: { $0.name == key }) { return key }
        let fieldColors = all.compactMap(\.fields).flatMap { $0 }.filter { $0.name == key }.map(\.color)
        guard !fieldColors.isEmpty else {
            let fields = Set(all.compactMap(\.fields).flatMap { $0 }.map(\.name)).sorted()
            let names = Set(all.compactMap(\.name)).sorted()
            throw PartitionError("no place of net `\(net.net.name)` holds a field or a color named `\(key)`",
                                 hint: (NameSuggestion.closest(to: key, among: fields + names).map { "did you mean `\($0)`? " } ?? "")
                                    + "fields: " + (fields.isEmpty ? "(none)" : fields.joined(separator: ", "))
                                    + "; colors: " + (names.isEmpty ? "(none)" : names.joined(separator: ", ")))
        }
        let named = Set(fieldColors.map(\.name))
        if named.count == 1, let name = named.first ?? nil { return name }
        return nil
    }

    static func colors(in c: Color, into out: inout [Color]) {
        out.append(c)
        if let fields = c.fields { for f in fields { colors(in: f.color, into: &out) } }
        if let parts = c.components { for p in parts { colors(in: p, into: &out) } }
    }

    static func enumCases(_ c: Color) -> [String] {
        var all: [Color] = []
        colors(in: c, into: &all)
        return all.compactMap(\.cases).flatMap { $0 }
    }

    /// Where in a color the key is: every path to a field named `field` or a
    /// part of color `color`, not looking inside a key.
    static func keyPaths(in c: Color, field: String, color: String?, at path: [KeyStep]) -> [[KeyStep]] {
        if let color, c.name == color { return [path] }
        if let fields = c.fields {
            return fields.flatMap { f in
                f.name == field ? [path + [.field(f.name)]] : keyPaths(in: f.color, field: field, color: color, at: path + [.field(f.name)])
            }
        }
        if let parts = c.components {
            return parts.enumerated().flatMap { keyPaths(in: $0.element, field: field, color: color, at: path + [.component($0.offset)]) }
        }
        return []
    }

    /// The places an expression reads: arguments of `size`, `count`, `sum` and
    /// the domains of quantifiers that are places.
    static func placesNamed(in e: Expr, places: Set<String>) -> Set<String> {
        var out = Set<String>()
        e.visit { node in
            switch node.kind {
            case .name(let n) where places.contains(n): out.insert(n)
            case .quantifier(_, _, let domain, _, _) where places.contains(domain): out.insert(domain)
            default: break
            }
        }
        return out
    }
}

/// One step into a token: a record field or a tuple component.
public enum KeyStep: Hashable, Sendable {
    case field(String)
    case component(Int)

    var text: String {
        switch self {
        case .field(let f): return "." + f
        case .component(let i): return "." + String(i)
        }
    }

    /// `.1.domain`, or `(the token)` for the whole token.
    static func render(_ path: [KeyStep]) -> String { path.isEmpty ? "(the token)" : path.map(\.text).joined() }
}

/// A key, or a bad `--global`, that names nothing in the net.
public struct PartitionError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var hint: String?
    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }
    public var description: String { message }
}
