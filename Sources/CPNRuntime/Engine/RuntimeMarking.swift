import CPNExplore
import CPNExpressions
import CPNModel

/// The stored tokens seen as a marking at one moment:
/// a token can be taken when it is ready and no worker holds it. Tokens
/// that cannot be taken still count, for capacities and invariants.
struct RuntimeMarking {
    /// Per place, the copies of each (value, takeable) pair.
    let tokens: [[FiringRule.Token]]
    /// Per place, the values with their total counts (for invariants and `final`).
    let values: [[(value: Value, count: Int)]]
    /// The earliest ready time after `now` (net time) among waiting tokens.
    let nextReadyAt: Int64?
    /// Tokens workers hold for their handlers at wall-clock time `real`.
    let held: Int

    /// `now` is the net's time (readiness), `real` the wall clock (leases).
    init(rows: [StoredToken], net: RuntimeNet, text: TokenText, now: Int64, real: Int64, alsoTakeable: Set<Int64> = []) throws {
        var counts = Array(repeating: [FiringRule.Token: Int](), count: net.checked.places.count)
        var next: Int64? = nil
        var held = 0
        for row in rows {
            guard let p = net.placeIndex(row.place) else {
                throw StoreError("the store holds a token in place `\(row.place)`, which net `\(net.name)` does not have")
            }
            let value: Value
            switch text.parse(row.value, place: p) {
            case .success(let v): value = v
            case .failure(let e): throw StoreError("the store holds a token that does not fit the net: \(e)")
            }
            let isHeld = row.isHeld(at: real)
            if isHeld { held += 1 }
            if row.readyAt > now { next = min(next ?? row.readyAt, row.readyAt) }
            let takeable = alsoTakeable.contains(row.id) || (row.readyAt <= now && !isHeld)
            counts[p][FiringRule.Token(value: value, ready: takeable, count: 0), default: 0] += 1
        }
        var tokens: [[FiringRule.Token]] = []
        var values: [[(value: Value, count: Int)]] = []
        for place in counts {
            let list = place.map { FiringRule.Token(value: $0.key.value, ready: $0.key.ready, count: $0.value) }
                .sorted { ($0.value, $0.ready ? 0 : 1) < ($1.value, $1.ready ? 0 : 1) }
            tokens.append(list)
            var merged: [(value: Value, count: Int)] = []
            for t in list {
                if let last = merged.last, last.value == t.value { merged[merged.count - 1].count += t.count }
                else { merged.append((t.value, t.count)) }
            }
            values.append(merged)
        }
        self.tokens = tokens
        self.values = values
        self.nextReadyAt = next
        self.held = held
    }

    /// Whether any token waits for its ready time.
    var hasWaiting: Bool { nextReadyAt != nil }
}

/// A marking as invariants and `final` read it: every token, ready or not.
struct RuntimeMarkingReader: MarkingReader {
    let values: [[(value: Value, count: Int)]]
    func tokens(inPlace index: Int) -> [(value: Value, count: Int)] { index < values.count ? values[index] : [] }
}
