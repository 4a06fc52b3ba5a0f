import CPNDiagnostics
import CPNExpressions
import CPNModel

/// A marking while it is being worked on: per place, the tokens present as
/// entries (token number, ready offset, count), sorted by token then ready
/// offset, with no zero counts. Ready offsets are relative to the clock, so a
/// token that is ready now has offset 0.
struct Marking: Hashable {
    struct Entry: Hashable {
        var token: Int32
        var ready: Int32
        var count: Int32
    }

    var places: [[Entry]]

    init(placeCount: Int) { places = Array(repeating: [], count: placeCount) }

    func size(of place: Int) -> Int { places[place].reduce(0) { $0 + Int($1.count) } }

    /// Tokens of `token` in `place` that are ready now.
    func readyCount(_ token: Int32, in place: Int) -> Int {
        var n = 0
        for e in places[place] where e.token == token && e.ready <= 0 { n += Int(e.count) }
        return n
    }

    /// The error for a firing that would put more than `NetLimits.maximumTokensPerPlace` tokens in a place.
    static func tooManyTokens(in place: String, at span: SourceSpan) -> EvaluationError {
        EvaluationError("place `\(place)` would hold more than \(NetLimits.maximumTokensPerPlace) tokens, the most a place can count",
                        at: span)
    }

    /// Adds tokens; the caller keeps the place's size within `NetLimits.maximumTokensPerPlace`
    /// (so no entry count can overflow).
    mutating func add(_ token: Int32, ready: Int32, count: Int32, to place: Int) {
        var entries = places[place]
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let e = entries[mid]
            if (e.token, e.ready) < (token, ready) { lo = mid + 1 } else { hi = mid }
        }
        if lo < entries.count, entries[lo].token == token, entries[lo].ready == ready {
            entries[lo].count += count
        } else {
            entries.insert(Entry(token: token, ready: ready, count: count), at: lo)
        }
        places[place] = entries
    }

    /// Removes `count` ready tokens of `token`, earliest-ready first. The
    /// caller has checked that enough are ready.
    mutating func removeReady(_ token: Int32, count: Int, from place: Int) {
        var remaining = Int32(count)
        var entries = places[place]
        var i = 0
        while remaining > 0, i < entries.count {
            if entries[i].token == token, entries[i].ready <= 0 {
                let take = min(remaining, entries[i].count)
                entries[i].count -= take
                remaining -= take
                if entries[i].count == 0 { entries.remove(at: i); continue }
            }
            i += 1
        }
        places[place] = entries
    }

    /// Tokens of `token` in `place`, ready or waiting (`cancel:` arcs take either).
    func totalCount(_ token: Int32, in place: Int) -> Int {
        var n = 0
        for e in places[place] where e.token == token { n += Int(e.count) }
        return n
    }

    /// Removes `count` tokens of `token` whatever their ready time, earliest-ready
    /// first (entries are sorted by ready offset). The caller has checked that enough are there.
    mutating func removeAny(_ token: Int32, count: Int, from place: Int) {
        var remaining = Int32(count)
        var entries = places[place]
        var i = 0
        while remaining > 0, i < entries.count {
            if entries[i].token == token {
                let take = min(remaining, entries[i].count)
                entries[i].count -= take
                remaining -= take
                if entries[i].count == 0 { entries.remove(at: i); continue }
            }
            i += 1
        }
        places[place] = entries
    }

    /// The smallest ready offset above zero, if any token waits.
    var nextReadyOffset: Int32? {
        var best: Int32? = nil
        for entries in places {
            for e in entries where e.ready > 0 { best = min(best ?? e.ready, e.ready) }
        }
        return best
    }

    /// The marking after the clock advances by `delta`.
    func advanced(by delta: Int32) -> Marking {
        var m = self
        for p in m.places.indices where !m.places[p].isEmpty {
            var merged: [Entry] = []
            for var e in m.places[p] {
                e.ready = max(0, e.ready - delta)
                if let last = merged.last, last.token == e.token, last.ready == e.ready {
                    merged[merged.count - 1].count += e.count
                } else {
                    merged.append(e)
                }
            }
            m.places[p] = merged
        }
        return m
    }
}

/// A marking as invariants see it: values with multiplicities, ready or not.
struct MarkingView: MarkingReader {
    let marking: Marking
    let interners: [TokenInterner]

    func tokens(inPlace index: Int) -> [(value: Value, count: Int)] {
        var out: [(value: Value, count: Int)] = []
        for e in marking.places[index] {
            let v = interners[index].value(Int(e.token))
            if let last = out.last, last.value == v { out[out.count - 1].count += Int(e.count) }
            else { out.append((v, Int(e.count))) }
        }
        return out
    }
}
