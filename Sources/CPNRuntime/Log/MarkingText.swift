import CPNModel

/// A marking as report lines, one per place: `  proxies: p1, 2×p2`.
enum MarkingText {
    static func lines(_ values: [[(value: Value, count: Int)]], net: RuntimeNet) -> [String] {
        net.checked.places.indices.map { p in
            let place = net.checked.places[p]
            let tokens = p < values.count ? values[p] : []
            let listed = tokens.map { ($0.count == 1 ? "" : "\($0.count)×") + place.color.format($0.value) }
            return "  \(place.name): " + (listed.isEmpty ? "(empty)" : listed.joined(separator: ", "))
        }
    }
}

extension MarkingText {
    /// The marking stored tokens make, one line per place.
    static func lines(rows: [StoredToken], engine: Engine) -> [String] {
        guard let m = try? RuntimeMarking(groups: TokenGroup.of(rows, real: 0, worker: ""), net: engine.net, text: engine.text, now: 0) else {
            return rows.map { "  \($0.place): \($0.value)" }
        }
        return lines(m.values, net: engine.net)
    }
}
