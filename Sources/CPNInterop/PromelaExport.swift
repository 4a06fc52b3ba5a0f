import CPNLoad
import CPNModel

/// Writes a net as a Promela model for SPIN, to cross-check state counts.
///
/// The net is unfolded (see `Unfolding`): every (place, value) pair becomes a
/// global `byte` counter and every binding one `d_step` alternative of a
/// single `do` loop, guarded by its token requirements and the output
/// capacities (and by its `read:` and `unless:` arcs, as counter tests
/// that change nothing). A `d_step` is one atomic, invisible-inside step, and the loop
/// has one control location, so SPIN's reachable states are exactly the
/// net's reachable markings (run pan with `-DNOREDUCE`; `-E` ignores
/// "invalid end states", which are our deadlocks).
///
/// Invariants are not translated: the export is for counting states, and the
/// verdicts come from `cpn-author verify`.
public enum PromelaExport {
    public static func promela(_ net: CheckedNet, sourcePath: String) throws(InteropError) -> String {
        let u = try Unfolding(net)
        var names: [Unfolding.Cell: String] = [:]
        for cell in u.cells {
            let place = net.places[cell.place]
            names[cell] = place.color.cardinality == 1 ? sanitize(place.name) : "\(sanitize(place.name))_\(cell.valueIndex)"
        }
        // Readable names can collide (`a_1` the place, `a` value 1); numbered ones cannot.
        if Set(names.values).count != names.count {
            for cell in u.cells { names[cell] = "c\(cell.place)_\(cell.valueIndex)" }
        }
        var out = "/* Promela model of net `\(comment(net.net.name))` (\(comment(sourcePath))), written by cpn-author export --to promela.\n"
        out += " * \(u.cells.count) counters (place × color value), \(u.steps.count) atomic steps (one per binding).\n"
        out += " * Counters are bytes: markings with more than 255 tokens of one value are not represented.\n"
        out += " * Check:  spin -a net.pml && gcc -O2 -DBFS -DSAFETY -DNOREDUCE -o pan pan.c && ./pan -E\n */\n\n"
        for cell in u.cells {
            let place = net.places[cell.place]
            var line = "byte \(names[cell]!) = \(u.initial[cell] ?? 0);"
            if place.color.cardinality != 1, let v = place.color.value(at: cell.valueIndex) {
                line += " /* \(comment(place.name)): \(comment(place.color.format(v))) */"
            }
            out += line + "\n"
        }
        out += "\nactive proctype net() {\n  do\n"
        for step in u.steps {
            let t = net.transitions[step.transition]
            var conditions: [String] = []
            // Read copies are needed besides the taken ones, and stay.
            let needed = step.consumed.merging(step.read, uniquingKeysWith: +)
            for (cell, n) in needed.sorted(by: { order($0.key, $1.key) }) {
                conditions.append("\(names[cell]!) >= \(n)")
            }
            for inhibitor in step.inhibitors {
                conditions.append("(\(inhibitor.cells.map { names[$0]! }.joined(separator: " + "))) < \(inhibitor.limit)")
            }
            // Capacity is checked after firing, on output places only (the firing rule).
            let outputPlaces = Set(step.produced.keys.map(\.place))
            for p in outputPlaces.sorted() {
                guard let cap = net.places[p].capacity else { continue }
                let delta = step.produced.filter { $0.key.place == p }.values.reduce(0, +)
                    - step.consumed.filter { $0.key.place == p }.values.reduce(0, +)
                let sum = u.cells.filter { $0.place == p }.map { names[$0]! }.joined(separator: " + ")
                conditions.append("(\(sum)) + \(delta) <= \(cap)")
            }
            var effects: [String] = []
            var net_: [Unfolding.Cell: Int] = [:]
            for (cell, n) in step.consumed { net_[cell, default: 0] -= n }
            for (cell, n) in step.produced { net_[cell, default: 0] += n }
            for (cell, n) in net_.sorted(by: { order($0.key, $1.key) }) where n != 0 {
                effects.append(n > 0 ? "\(names[cell]!) = \(names[cell]!) + \(n)" : "\(names[cell]!) = \(names[cell]!) - \(-n)")
            }
            let guardText = conditions.isEmpty ? "true" : conditions.joined(separator: " && ")
            let body = effects.isEmpty ? "skip" : effects.joined(separator: "; ")
            let comment = step.binding.isEmpty ? t.name : "\(t.name): \(step.binding)"
            out += "  :: d_step { \(guardText) -> \(body) } /* \(Self.comment(comment)) */\n"
        }
        out += "  od\n}\n"
        return out
    }

    private static func order(_ a: Unfolding.Cell, _ b: Unfolding.Cell) -> Bool {
        (a.place, a.valueIndex) < (b.place, b.valueIndex)
    }

    /// Promela identifiers: ASCII letters, digits, underscore; prefixed to avoid keywords.
    static func sanitize(_ name: String) -> String {
        "p_" + String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber) || $0 == "_" ? $0 : "_" })
    }

    /// Text for a `/* … */` comment. The model is fed to the C preprocessor and
    /// compiled (`spin -a`, `gcc`), and a net's name or its file's path is
    /// untrusted: a `*/` in it would end the comment and let what follows run as
    /// Promela (`c_code { system(…) }`). So a comment holds printable ASCII without
    /// `*`, backslash or `?` (no `*/`, no line splice, no trigraph), on one
    /// line; anything else becomes `_`.
    static func comment(_ text: String) -> String {
        String(text.unicodeScalars.map { s -> Character in
            guard s.value >= 0x20 && s.value < 0x7F, s != "*", s != "\\", s != "?" else { return "_" }
            return Character(s)
        })
    }
}
