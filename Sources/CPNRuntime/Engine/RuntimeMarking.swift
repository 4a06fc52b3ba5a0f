import CPNExplore
import CPNExpressions
import CPNModel

/// The store's tokens seen as a marking at one moment of the net's clock: a
/// token can be taken when it is ready and no worker holds it (or, when a
/// worker completes its own claim, when that worker holds it). Tokens that
/// cannot be taken still count, for capacities and invariants.
struct RuntimeMarking {
    /// Per place, the copies of each (value, takeable) pair.
    let tokens: [[FiringRule.Token]]
    /// Per place, the values with their total counts (for invariants and `final`).
    let values: [[(value: Value, count: Int)]]
    /// The earliest ready time after `now` (net time) among waiting tokens.
    let nextReadyAt: Int64?
    /// Tokens workers hold for their handlers.
    let held: Int

    /// `now` is the net's time; `mineTakeable`: the asking worker's own held tokens can be taken.
    init(groups: [TokenGroup], net: RuntimeNet, text: TokenText, now: Int64, mineTakeable: Bool = false) throws {
        var counts = Array(repeating: [FiringRule.Token: Int](), count: net.checked.places.count)
        var next: Int64? = nil
        var held = 0
        for g in groups where g.count > 0 {
            guard let p = net.placeIndex(g.place) else {
                throw StoreError("the store holds a token in place `\(g.place)`, which net `\(net.name)` does not have")
            }
            let value: Value
            switch text.parse(g.value, place: p) {
            case .success(let v): value = v
            case .failure(let e): throw StoreError("the store holds a token that does not fit the net: \(e)")
            }
            if g.holder != .none { held += g.count }
            if g.readyAt > now { next = min(next ?? g.readyAt, g.readyAt) }
            let takeable = (g.holder == .none && g.readyAt <= now) || (g.holder == .me && mineTakeable)
            counts[p][FiringRule.Token(value: value, ready: takeable, count: 0), default: 0] += g.count
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
}

extension TokenGroup {
    /// Rows as groups of one, holders judged at wall-clock time `real` from `worker`'s side.
    static func of(_ rows: [StoredToken], real: Int64, worker: String) -> [TokenGroup] {
        rows.map { r in
            let holder: Holder = !r.isHeld(at: real) ? .none : r.claimedBy == worker ? .me : .other
            return TokenGroup(place: r.place, value: r.value, readyAt: r.readyAt, holder: holder, count: 1)
        }
    }

    /// The marking after `taken` leave (from groups of `holder`, ready by `now`) and `added` arrive.
    static func applying(_ groups: [TokenGroup], taking taken: [TokenRef], from holder: Holder, now: Int64, adding added: [NewToken]) -> [TokenGroup] {
        var out = groups
        for t in taken {
            let i = out.firstIndex { $0.place == t.place && $0.value == t.value && $0.holder == holder && $0.readyAt <= now && $0.count > 0 }
                ?? out.firstIndex { $0.place == t.place && $0.value == t.value && $0.count > 0 }
            if let i { out[i].count -= 1 }
        }
        return out + added.map { TokenGroup(place: $0.place, value: $0.value, readyAt: $0.readyAt, holder: .none, count: 1) }
    }
}

/// A marking as invariants and `final` read it: every token, ready or not.
struct RuntimeMarkingReader: MarkingReader {
    let values: [[(value: Value, count: Int)]]
    func tokens(inPlace index: Int) -> [(value: Value, count: Int)] { index < values.count ? values[index] : [] }
}
