import CPNLoad
import CPNModel

/// Writes a weighting of the unfolded places in the net's own terms: place
/// names with patterns of their colors, `proxies + in_flight(p1, _)`, and
/// families of such sums over a color as one line, `for each p in Proxy:
/// proxies(p) + in_flight(p, _)`.
///
/// `place(pattern)` stands for the tokens of `place` that match `pattern`
/// (what `count(place, pattern => true)` counts); a place alone stands for
/// all its tokens; `2*place` weighs each token twice.
struct PlaceTerms {
    /// Tokens of one place that a product of per-leaf choices covers, all with one weight.
    struct Cube: Hashable {
        var place: Int
        var weight: Int
        /// One entry per leaf of the place's color (its scalar parts, in order); nil is `_`.
        var leaves: [Value?]
        /// The smallest value index it covers, for a stable order.
        var first: Int
    }

    let net: CheckedNet
    /// Place and value index of each unfolded place.
    let cells: [(place: Int, valueIndex: Int)]
    let placeValues: [[Value]]
    /// The scalar parts of each place's color: their colors, and the record field each sits in.
    let leafColors: [[(color: Color, field: String?)]]

    init(net: CheckedNet, cells: [(place: Int, valueIndex: Int)], placeValues: [[Value]]) {
        self.net = net
        self.cells = cells
        self.placeValues = placeValues
        self.leafColors = net.places.map { Self.leaves(of: $0.color, field: nil) }
    }

    static func leaves(of color: Color, field: String?) -> [(color: Color, field: String?)] {
        switch color.kind {
        case .unit: return []
        case .record(let fields): return fields.flatMap { leaves(of: $0.color, field: $0.name) }
        case .tuple(let parts): return parts.flatMap { leaves(of: $0, field: nil) }
        default: return [(color, field)]
        }
    }

    static func leafValues(_ value: Value, _ color: Color) -> [Value] {
        switch (color.kind, value) {
        case (.unit, _): return []
        case let (.record(fields), .record(parts)): return zip(fields, parts).flatMap { leafValues($1, $0.color) }
        case let (.tuple(colors), .tuple(parts)): return zip(colors, parts).flatMap { leafValues($1, $0) }
        default: return [value]
        }
    }

    // MARK: Cubes

    /// The weighting as cubes: per place and weight, the largest patterns
    /// (most wildcards first) whose every token carries that weight.
    func cubes(_ weights: [Int: Int]) -> [Cube] {
        var groups: [Int: [Int: [Int]]] = [:]  // place → weight → value indices
        for (cell, w) in weights where w != 0 {
            groups[cells[cell].place, default: [:]][w, default: []].append(cells[cell].valueIndex)
        }
        var out: [Cube] = []
        for (place, byWeight) in groups {
            for (weight, indices) in byWeight { out += cover(place: place, weight: weight, indices: indices) }
        }
        return out.sorted { ($0.place, $0.first) < ($1.place, $1.first) }
    }

    private func cover(place: Int, weight: Int, indices: [Int]) -> [Cube] {
        let colors = leafColors[place]
        let color = net.places[place].color
        if colors.isEmpty { return [Cube(place: place, weight: weight, leaves: [], first: indices.min() ?? 0)] }
        var remaining: [[Value]: Int] = [:]
        for i in indices { remaining[Self.leafValues(placeValues[place][i], color)] = i }
        let cards = colors.map { $0.color.cardinality ?? Int.max }
        let n = colors.count
        // Every mask of wildcard leaves when there are few leaves; else only none and all.
        var masks: [Int] = n <= 12 ? Array(0..<(1 << n)) : [0, (1 << n) - 1]
        func size(_ mask: Int) -> Int? {
            var s = 1
            for l in 0..<n where mask & (1 << l) != 0 {
                let (p, o) = s.multipliedReportingOverflow(by: cards[l])
                if o { return nil }
                s = p
            }
            return s
        }
        masks.sort { (size($0) ?? Int.max, $1) > (size($1) ?? Int.max, $0) }
        var out: [Cube] = []
        for mask in masks where !remaining.isEmpty {
            guard let s = size(mask), s <= remaining.count else { continue }
            var byKey: [[Value?]: [[Value]]] = [:]
            for key in remaining.keys {
                let projected = key.enumerated().map { mask & (1 << $0.offset) != 0 ? nil : $0.element }
                byKey[projected, default: []].append(key)
            }
            for (projected, members) in byKey where members.count == s {
                out.append(Cube(place: place, weight: weight, leaves: projected,
                                first: members.compactMap { remaining[$0] }.min() ?? 0))
                for m in members { remaining[m] = nil }
            }
        }
        return out
    }

    // MARK: Text

    /// `2*in_flight(p1, _)`; `name(leaf)` renders a leaf (its value or `_` by default).
    func text(_ cube: Cube, leaf: ((Int, Color, Value?) -> String)? = nil) -> String {
        let weight = cube.weight == 1 ? "" : cube.weight == -1 ? "-" : "\(cube.weight)*"
        guard let pattern = self.pattern(cube, leaf: leaf) else { return weight + net.places[cube.place].name }
        return weight + net.places[cube.place].name + (pattern.hasPrefix("(") ? pattern : "(\(pattern))")
    }

    /// The cube's pattern, or nil when it covers every token of its place.
    func pattern(_ cube: Cube, leaf: ((Int, Color, Value?) -> String)? = nil) -> String? {
        let render = leaf ?? { _, color, value in value.map { color.format($0) } ?? "_" }
        var i = 0
        let p = pattern(net.places[cube.place].color, cube.leaves, &i, render)
        return p == "_" || cube.leaves.isEmpty ? nil : p
    }

    private func pattern(_ color: Color, _ leaves: [Value?], _ i: inout Int,
                         _ render: (Int, Color, Value?) -> String) -> String {
        switch color.kind {
        case .unit: return "()"
        case .tuple(let parts):
            let ps = parts.map { pattern($0, leaves, &i, render) }
            return ps.allSatisfy { $0 == "_" } ? "_" : "(" + ps.joined(separator: ", ") + ")"
        case .record(let fields):
            let ps = fields.map { ($0.name, pattern($0.color, leaves, &i, render)) }
            if ps.allSatisfy({ $0.1 == "_" }) { return "_" }
            let shown = ps.filter { $0.1 != "_" }.map { "\($0.0): \($0.1)" }
            return "{" + shown.joined(separator: ", ") + (shown.count < ps.count ? ", ...}" : "}")
        default:
            defer { i += 1 }
            return render(i, color, leaves[i])
        }
    }

    func sum(_ cubes: [Cube], leaf: ((Int, Color, Value?) -> String)? = nil) -> String {
        var out = ""
        for (k, c) in cubes.enumerated() {
            let t = text(c, leaf: leaf)
            if k == 0 { out = t } else if t.hasPrefix("-") { out += " - " + t.dropFirst() } else { out += " + " + t }
        }
        return out.isEmpty ? "0" : out
    }

    func terms(_ cubes: [Cube], leaf: ((Int, Color, Value?) -> String)? = nil) -> [PlaceInvariant.Term] {
        cubes.map { PlaceInvariant.Term(place: net.places[$0.place].name, pattern: pattern($0, leaf: leaf), weight: $0.weight) }
    }

    // MARK: Families

    /// Invariants that differ only in the value of one or more colors, and
    /// together cover every value, become one line `for each x in Color: ...`.
    ///
    /// A color can be a family's parameter when every fixed leaf of that color
    /// in the invariant has one same value. Larger sets of parameters are tried
    /// first; an invariant joins at most one family, and a family must cover
    /// every combination of its parameters' values, once each.
    func placeInvariants(_ list: [(cubes: [Cube], initial: Int)]) -> [PlaceInvariant] {
        // Per invariant: its candidate parameters (first-seen order) and their values.
        let candidates: [(colors: [Color], values: [Color: Value])] = list.map { inv in
            var seen: [Color: Set<Value>] = [:]
            var firstSeen: [Color] = []
            for c in inv.cubes {
                for (l, v) in c.leaves.enumerated() {
                    guard let v else { continue }
                    let color = leafColors[c.place][l].color
                    if seen[color] == nil { firstSeen.append(color) }
                    seen[color, default: []].insert(v)
                }
            }
            let colors = firstSeen.filter { seen[$0]!.count == 1 && ($0.cardinality ?? 0) > 1 }.prefix(6)
            return (Array(colors), Dictionary(uniqueKeysWithValues: colors.map { ($0, seen[$0]!.first!) }))
        }
        var assigned = [Bool](repeating: false, count: list.count)
        var out: [(first: Int, invariant: PlaceInvariant)] = []
        let widest = candidates.map(\.colors.count).max() ?? 0
        for k in stride(from: widest, through: 1, by: -1) {
            var groups: [String: (colors: [Color], members: [Int])] = [:]
            var order: [String] = []
            for (index, inv) in list.enumerated() where !assigned[index] {
                for subset in Self.combinations(candidates[index].colors, k) {
                    let key = sum(inv.cubes) { _, color, value in
                        guard let value else { return "_" }
                        if let i = subset.firstIndex(of: color) { return "⟨\(i)⟩" }
                        return color.format(value)
                    } + " | " + subset.map { $0.name ?? $0.structure }.joined(separator: ",")
                    if groups[key] == nil { order.append(key); groups[key] = (subset, []) }
                    groups[key]!.members.append(index)
                }
            }
            for key in order {
                let (colors, members) = groups[key]!
                guard members.count >= 2, members.allSatisfy({ !assigned[$0] }) else { continue }
                let product = colors.reduce(1) { p, c in p.multipliedReportingOverflow(by: c.cardinality ?? 0).partialValue }
                let parameters = members.map { m in colors.map { candidates[m].values[$0]! } }
                guard members.count == product, Set(parameters).count == members.count else { continue }
                for m in members { assigned[m] = true }
                out.append((members[0], family(colors, members, parameters, list)))
            }
        }
        for (index, inv) in list.enumerated() where !assigned[index] {
            out.append((index, PlaceInvariant(text: sum(inv.cubes), terms: terms(inv.cubes), initialValue: inv.initial, count: 1)))
        }
        return out.sorted { $0.first < $1.first }.map(\.invariant)
    }

    private func family(_ colors: [Color], _ members: [Int], _ parameters: [[Value]],
                        _ list: [(cubes: [Cube], initial: Int)]) -> PlaceInvariant {
        let representative = list[members[0]]
        let names = variableNames(colors, in: representative.cubes)
        let leaf: (Int, Color, Value?) -> String = { _, color, value in
            guard let value else { return "_" }
            if let k = colors.firstIndex(of: color) { return names[k] }
            return color.format(value)
        }
        let header = "for each " + zip(names, colors).map { "\($0) in \($1.name ?? $1.structure)" }.joined(separator: ", ") + ": "
        // The value most instances start with; the others are listed.
        var tally: [Int: Int] = [:]
        for m in members { tally[list[m].initial, default: 0] += 1 }
        let common = tally.max { ($0.value, -$0.key) < ($1.value, -$1.key) }!.key
        let exceptions = zip(members, parameters).filter { list[$0.0].initial != common }.map { m, values in
            PlaceInvariant.Exception(
                instance: zip(names, zip(colors, values)).map { "\($0) = \($1.0.format($1.1))" }.joined(separator: ", "),
                initialValue: list[m].initial)
        }
        return PlaceInvariant(text: header + sum(representative.cubes, leaf: leaf), terms: terms(representative.cubes, leaf: leaf),
                              initialValue: common, count: members.count, exceptions: exceptions.isEmpty ? nil : exceptions)
    }

    /// The k-element subsets of `items`, each in the order of `items`.
    static func combinations<T>(_ items: [T], _ k: Int) -> [[T]] {
        guard k > 0 else { return [[]] }
        guard items.count >= k else { return [] }
        var out: [[T]] = []
        for (i, item) in items.enumerated() {
            for rest in combinations(Array(items[(i + 1)...]), k - 1) { out.append([item] + rest) }
        }
        return out
    }

    /// A variable name per color: the field it fills when it fills one, else
    /// the color's initial, made distinct and distinct from the net's names.
    private func variableNames(_ colors: [Color], in cubes: [Cube]) -> [String] {
        var taken = Set(net.places.map(\.name)).union(net.symbols.constants.keys).union(net.symbols.enumCases.keys)
        var names: [String] = []
        for color in colors {
            var field: String?
            outer: for c in cubes {
                for (l, v) in c.leaves.enumerated() where v != nil && leafColors[c.place][l].color == color {
                    field = leafColors[c.place][l].field
                    break outer
                }
            }
            var base = field ?? color.name.map { String($0.prefix(1)).lowercased() } ?? "x"
            if base.isEmpty || !(base.first!.isLetter || base.first == "_") { base = "x" }
            var name = base, k = 2
            while taken.contains(name) { name = "\(base)\(k)"; k += 1 }
            taken.insert(name)
            names.append(name)
        }
        return names
    }
}
