import CPNExplore
import CPNLoad
import CPNExpressions
import CPNModel

/// One case's marking during replay, in the shape `FiringRule` takes: per
/// place, distinct values with their counts, kept sorted by value so equal
/// markings are equal arrays (the silent search hashes them). Every token is
/// ready: replay checks the order of events, not their times.
public struct ReplayMarking: Hashable, Sendable, MarkingReader {
    public private(set) var places: [[FiringRule.Token]]

    public init(placeCount: Int) { places = Array(repeating: [], count: placeCount) }

    public init(initialOf net: CheckedNet) {
        self.init(placeCount: net.places.count)
        for (p, place) in net.places.enumerated() {
            for t in place.initial { add(t.value, count: t.count, to: p) }
        }
    }

    public var size: Int { places.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } } }

    public func count(of value: Value, in place: Int) -> Int {
        places[place].first { $0.value == value }?.count ?? 0
    }

    public mutating func add(_ value: Value, count: Int, to place: Int) {
        guard count > 0 else { return }
        var list = places[place]
        var lo = 0, hi = list.count
        while lo < hi { let mid = (lo + hi) / 2; if list[mid].value < value { lo = mid + 1 } else { hi = mid } }
        if lo < list.count, list[lo].value == value { list[lo].count += count }
        else { list.insert(FiringRule.Token(value: value, ready: true, count: count), at: lo) }
        places[place] = list
    }

    /// Takes up to `count` copies; returns how many were missing.
    @discardableResult
    public mutating func remove(_ value: Value, count: Int, from place: Int) -> Int {
        guard count > 0, let i = places[place].firstIndex(where: { $0.value == value }) else { return max(0, count) }
        let have = places[place][i].count
        if have > count { places[place][i].count -= count; return 0 }
        places[place].remove(at: i)
        return count - have
    }

    public func tokens(inPlace index: Int) -> [(value: Value, count: Int)] { places[index].map { ($0.value, $0.count) } }

    /// `proxies: p1, 2×p2; in_flight: (p1, {…})`, empty places left out.
    public func text(_ net: CheckedNet) -> String {
        let parts = places.enumerated().compactMap { p, tokens -> String? in
            guard !tokens.isEmpty else { return nil }
            let color = net.places[p].color
            return "\(net.places[p].name): " + tokens.map { ($0.count == 1 ? "" : "\($0.count)×") + color.format($0.value) }.joined(separator: ", ")
        }
        return parts.isEmpty ? "(empty)" : parts.joined(separator: "; ")
    }
}
