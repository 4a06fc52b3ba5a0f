import CPNExplore
import CPNLoad
import CPNExpressions
import CPNModel

/// One case's marking during replay, in the shape `FiringRule` takes: per
/// place, distinct (value, ready) entries with their counts, kept sorted so
/// equal markings are equal arrays (the silent search hashes them).
///
/// Tokens are ready unless the log says when they become ready: the runtime's
/// own log gives each produced token's `ready_in_us` and each event's
/// `net_time_us`, and such a token waits (it counts for capacities, it cannot
/// be taken) until the clock of a later event reaches its time. Logs without
/// those fields are replayed untimed: every token is ready.
public struct ReplayMarking: Hashable, Sendable, MarkingReader {
    public private(set) var places: [[FiringRule.Token]]
    /// Copies that wait: place, value and the net time (µs) they become ready.
    private var waiting: [Waiting] = []

    private struct Waiting: Hashable, Sendable { var place: Int; var value: Value; var at: Int64 }

    public init(placeCount: Int) { places = Array(repeating: [], count: placeCount) }

    public init(initialOf net: CheckedNet) {
        self.init(placeCount: net.places.count)
        for (p, place) in net.places.enumerated() {
            for t in place.initial { add(t.value, count: t.count, to: p) }
        }
    }

    public var size: Int { places.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } } }

    /// Ready copies of `value` in `place`.
    public func count(of value: Value, in place: Int) -> Int {
        places[place].first { $0.value == value && $0.ready }?.count ?? 0
    }

    /// Copies of `value` in `place`, ready or waiting.
    public func total(of value: Value, in place: Int) -> Int {
        places[place].reduce(0) { $0 + ($1.value == value ? $1.count : 0) }
    }

    private static func before(_ a: FiringRule.Token, _ value: Value, _ ready: Bool) -> Bool {
        a.value < value || (a.value == value && a.ready && !ready)
    }

    public mutating func add(_ value: Value, count: Int, to place: Int, ready: Bool = true) {
        guard count > 0 else { return }
        var list = places[place]
        var lo = 0, hi = list.count
        while lo < hi { let mid = (lo + hi) / 2; if Self.before(list[mid], value, ready) { lo = mid + 1 } else { hi = mid } }
        if lo < list.count, list[lo].value == value, list[lo].ready == ready { list[lo].count += count }
        else { list.insert(FiringRule.Token(value: value, ready: ready, count: count), at: lo) }
        places[place] = list
    }

    /// Takes up to `count` copies, ready ones first (a `cancel:` arc may take waiting
    /// ones); returns how many were missing.
    @discardableResult
    public mutating func remove(_ value: Value, count: Int, from place: Int) -> Int {
        var left = max(0, count)
        for ready in [true, false] where left > 0 {
            guard let i = places[place].firstIndex(where: { $0.value == value && $0.ready == ready }) else { continue }
            let take = min(left, places[place][i].count)
            places[place][i].count -= take
            left -= take
            if places[place][i].count == 0 { places[place].remove(at: i) }
            if !ready {
                for _ in 0..<take {
                    if let w = waiting.firstIndex(where: { $0.place == place && $0.value == value }) { waiting.remove(at: w) }
                }
            }
        }
        return left
    }

    /// One ready copy of `value` in `place` waits until net time `at`.
    public mutating func delay(_ value: Value, in place: Int, until at: Int64) {
        guard count(of: value, in: place) > 0 else { return }
        remove(value, count: 1, from: place)
        add(value, count: 1, to: place, ready: false)
        waiting.append(Waiting(place: place, value: value, at: at))
    }

    /// The clock reached `now`: copies whose time has come are ready.
    public mutating func advance(to now: Int64) {
        guard waiting.contains(where: { $0.at <= now }) else { return }
        let due = waiting.filter { $0.at <= now }
        waiting.removeAll { $0.at <= now }
        for w in due {
            if let i = places[w.place].firstIndex(where: { $0.value == w.value && !$0.ready }) {
                places[w.place][i].count -= 1
                if places[w.place][i].count == 0 { places[w.place].remove(at: i) }
                add(w.value, count: 1, to: w.place)
            }
        }
    }

    public func tokens(inPlace index: Int) -> [(value: Value, count: Int)] {
        var out: [(value: Value, count: Int)] = []
        for t in places[index] {
            if let last = out.last, last.value == t.value { out[out.count - 1].count += t.count } else { out.append((t.value, t.count)) }
        }
        return out
    }

    /// `proxies: p1, 2×p2; in_flight: (p1, {…})`, empty places left out.
    public func text(_ net: CheckedNet) -> String {
        let parts = places.enumerated().compactMap { p, tokens -> String? in
            guard !tokens.isEmpty else { return nil }
            let color = net.places[p].color
            return "\(net.places[p].name): " + tokens.map { ($0.count == 1 ? "" : "\($0.count)×") + color.format($0.value) + ($0.ready ? "" : " (waiting)") }
                .joined(separator: ", ")
        }
        return parts.isEmpty ? "(empty)" : parts.joined(separator: "; ")
    }
}
