import CPNDiagnostics
import CPNModel

/// Tokens that come from outside the net (new scrape targets, jobs) and
/// tokens that leave it (results a consumer drains). Each is one transaction
/// with its event, checked against capacities and invariants like a firing.
extension Engine {
    /// Adds tokens to `place`, ready `delay` time units from now. The values
    /// are written as in a net file: `{domain: shop, prio: 2, attempt: 0}`.
    @discardableResult
    public func addTokens(place name: String, values: [String], delay: Int = 0) throws -> EventRecord {
        let p = try place(named: name)
        guard delay >= 0 else { throw RuntimeError(.invalidInput, "a delay cannot be negative (found \(delay))") }
        var texts: [String] = []
        for v in values {
            switch text.parse(v, place: p) {
            case .success(let value):
                if let shard = options.shard, case let owner = shard.plan.shard(place: p, value: value), owner != shard.index {
                    throw RuntimeError(.invalidInput, "token \(text.format(value, place: p)) has `\(shard.plan.key)` \(shard.plan.keyText(place: p, value: value) ?? "?"), which belongs to shard \(owner + 1) of \(shard.plan.count); \(store.location) holds shard \(shard.index + 1)",
                                       details: ["help: add it to shard \(owner + 1)'s store: the --store given in place \(owner + 1) when the run was started"])
                }
                texts.append(text.format(value, place: p))
            case .failure(let e): throw RuntimeError(.invalidInput, e.description, details: ["help: write the token as in the net file's `initial:` list"])
            }
        }
        return try clockedTransaction { tx in
            if !tx.isExclusive { try tx.lockPlaces([name]) }
            let (real, now) = try stopClock(tx)
            let groups = try tx.tokenGroups(floor: now, now: real, worker: worker)
            if let cap = net.checked.places[p].capacity {
                let present = groups.filter { $0.place == name }.reduce(0) { $0 + $1.count }
                guard present + texts.count <= cap else {
                    throw RuntimeError(.invalidInput, "place `\(name)` holds \(present) token\(present == 1 ? "" : "s") and its capacity is \(cap): \(texts.count) more do not fit",
                                       details: ["help: wait until the net takes some (backpressure), or add fewer"])
                }
            }
            let readyAt = try Self.readyTime(now: now, delay: delay, tickMicros: tickMicros)
            let new = texts.map { NewToken(place: name, value: $0, readyAt: readyAt) }
            let ids = try tx.insertTokens(new)
            let produced = zip(ids, new).map { TokenRef(id: $0, place: name, value: $1.value, readyAt: readyAt) }
            var event = EventRecord(kind: .add, produced: produced, worker: worker, at: real, netAt: now)
            event.id = try tx.appendEvent(event)
            try checkInvariantsAfterExternal(TokenGroup.applying(groups, taking: [], from: .none, now: now, adding: new), now: now, what: "adding \(texts.count) token\(texts.count == 1 ? "" : "s") to `\(name)`")
            return event
        }
    }

    /// Takes up to `count` ready tokens (all of them when nil) out of `place`,
    /// oldest first, optionally only copies of `value`. Returns the event
    /// (its `consumed` are the tokens taken; empty when none was ready).
    ///
    /// `deliver` gets the event inside the transaction, before it commits: a
    /// consumer writes the tokens out there, and when that fails (it throws)
    /// nothing is taken. Tokens are never lost: at worst, when the commit
    /// itself fails after a successful delivery, they were delivered and are
    /// still in the store (at least once, never zero times).
    @discardableResult
    public func takeTokens(place name: String, count: Int?, value: String? = nil,
                           deliver: (EventRecord) throws -> Void = { _ in }) throws -> EventRecord {
        let p = try place(named: name)
        if let count, count < 1 { throw RuntimeError(.invalidInput, "--count must be at least 1 (found \(count))") }
        var only: String? = nil
        if let value {
            switch text.parse(value, place: p) {
            case .success(let v): only = text.format(v, place: p)
            case .failure(let e): throw RuntimeError(.invalidInput, e.description)
            }
        }
        return try clockedTransaction { tx in
            let (real, now) = try stopClock(tx)
            let groups = try tx.tokenGroups(floor: now, now: real, worker: worker)
            var wanted: [(value: String, count: Int)] = []
            var total = 0
            for g in groups where g.place == name && g.readyAt <= now && g.holder == .none && (only == nil || g.value == only) {
                let n = count.map { min(g.count, $0 - total) } ?? g.count
                guard n > 0 else { break }
                wanted.append((g.value, n))
                total += n
            }
            var consumed: [TokenRef] = []
            for w in wanted {
                consumed += try tx.lockTokens(place: name, value: w.value, count: w.count, readyBy: now, now: real).map { TokenRef(id: $0, place: name, value: w.value) }
            }
            _ = try tx.deleteTokens(consumed.map(\.id))
            var event = EventRecord(kind: .take, consumed: consumed, worker: worker, at: real, netAt: now)
            guard !consumed.isEmpty else { return event }
            event.id = try tx.appendEvent(event)
            try checkInvariantsAfterExternal(TokenGroup.applying(groups, taking: consumed, from: .none, now: now, adding: []), now: now,
                                             what: "taking \(consumed.count) token\(consumed.count == 1 ? "" : "s") from `\(name)`")
            do {
                try deliver(event)
            } catch let e as RuntimeError {
                throw e
            } catch {
                throw RuntimeError(.output, "\(error); the \(consumed.count) token\(consumed.count == 1 ? "" : "s") stay in `\(name)`")
            }
            return event
        }
    }

    /// The index of place `name`, or an error that suggests the nearest name.
    public func place(named name: String) throws -> Int {
        guard let p = net.placeIndex(name) else {
            let names = net.checked.places.map(\.name)
            let hint = NameSuggestion.closest(to: name, among: names).map { "did you mean `\($0)`?" } ?? "places: " + names.joined(separator: ", ")
            throw RuntimeError(.invalidInput, "net `\(net.name)` has no place `\(name)`", details: ["help: \(hint)"])
        }
        return p
    }

    private func checkInvariantsAfterExternal(_ groups: [TokenGroup], now: Int64, what: String) throws {
        guard options.checkInvariants else { return }
        let after = try RuntimeMarking(groups: groups, net: net, text: text, now: now)
        let broken = brokenInvariants(after)
        guard broken.isEmpty else {
            throw RuntimeError(.invariantBroken, "\(what) would break invariant \(broken.map { "`\($0.name)`" }.joined(separator: ", ")); nothing was changed",
                               details: ["marking it would have made:"] + MarkingText.lines(after.values, net: net))
        }
    }
}
