import CPNDiagnostics
import CPNExplore
import CPNExpressions
import CPNLoad
import CPNModel

/// Runs a checked net against a store: lists the enabled bindings and fires
/// them, each firing one transaction that takes the input tokens, adds the
/// output tokens and appends the event, so a firing happens entirely or not
/// at all. The firing rule is the explorer's (`FiringRule`), so a binding is
/// enabled here exactly when `verify` would follow it.
///
/// ```swift
/// let engine = try Engine(net: net, store: SQLiteStore(path: "state.db"), worker: "w1")
/// try engine.open()
/// while case .fired(let events, _) = try engine.step() { print(events.map { $0.transition! }) }
/// ```
///
/// One engine per thread: it owns its store connection and caches.
public final class Engine {
    public let net: RuntimeNet
    public let store: any TokenStore
    /// Who fires: written in every event and in every claim.
    public let worker: String
    public let options: EngineOptions
    public let handlers: [Handler]
    /// Microseconds per time unit of the net, as recorded in the store.
    public private(set) var tickMicros: Int64

    let rule: FiringRule
    let text: TokenText
    /// Transition index → index in `handlers`.
    let handlerOfTransition: [Int: Int]
    /// The transitions the runtime fires on its own: all but the `fault` and
    /// `environment` ones no handler is bound to (nil: all of them).
    let automatic: [Int]?
    /// With several priority levels: the places whose tokens decide whether a
    /// transition above the lowest level is enabled (its `in:`, `read:`,
    /// `cancel:` and `unless:` places). A lower-priority firing depends on
    /// them staying that way, so it locks them, and every firing that changes
    /// one locks it too; empty when the net has one level.
    let priorityWatched: Set<Int>
    /// The highest `priority:` of the net (0 when none is given).
    let highestPriority: Int
    /// Places some transition has an `unless:` arc on.
    let inhibitedPlaces: Set<Int>
    var random: SplitMix64

    public init(net: RuntimeNet, store: any TokenStore, worker: String, handlers: [Handler] = [],
                options: EngineOptions = EngineOptions()) throws {
        self.net = net
        self.store = store
        self.worker = worker
        self.options = options
        self.handlers = handlers
        self.tickMicros = options.tickMicros
        self.rule = FiringRule(net: net.checked)
        self.text = TokenText(net: net.checked)
        self.random = SplitMix64(seed: options.seed)
        let handlerOfTransition = try HandlerValidation.index(handlers, net: net)
        self.handlerOfTransition = handlerOfTransition
        let transitions = net.checked.transitions
        var automatic: [Int]? = transitions.allSatisfy(\.kind.firedByRuntime) ? nil
            : transitions.indices.filter { transitions[$0].kind.firedByRuntime || handlerOfTransition[$0] != nil }
        // A shard fires its keyed transitions; the global ones are shard 0's alone.
        if let shard = options.shard {
            automatic = (automatic ?? Array(transitions.indices)).filter { shard.plan.fires($0, in: shard.index) }
        }
        self.automatic = automatic
        let lowest = transitions.map(\.priority).min() ?? 0
        self.priorityWatched = Set(transitions.filter { $0.priority > lowest }.flatMap { t in t.inputs.map(\.place) + t.inhibitors.map(\.place) })
        self.highestPriority = transitions.map(\.priority).max() ?? 0
        // Derived once: every firing asks (needsLockingPath, placesToLock).
        self.inhibitedPlaces = Set(transitions.flatMap { $0.inhibitors.map(\.place) })
    }

    // MARK: - Opening a store

    /// Creates or migrates the tables; on an empty store, records the net and
    /// puts its initial marking in (one event, `init`). On a store that already
    /// runs this net, carries on from its tokens. Refuses a store that holds
    /// another net, or this net with places that changed.
    @discardableResult
    public func open() throws -> NetRecord {
        do { try store.migrate() } catch { throw Self.storeError(error, store) }
        let record: NetRecord = try transaction { tx in
            if let existing = try tx.net() { return existing }
            let now = try tx.now()
            let record = NetRecord(name: net.name, signature: net.signature, source: net.source, path: net.path,
                                   tickMicros: options.tickMicros, createdAt: now, shard: options.shard?.label.json)
            guard try tx.insertNet(record, clock: now) else { return try tx.net() ?? record }
            var tokens: [NewToken] = []
            for (p, place) in net.checked.places.enumerated() {
                // A shard's store starts with the initial tokens of its own keys only.
                for t in place.initial where options.shard.map({ $0.plan.shard(place: p, value: t.value) == $0.index }) ?? true {
                    let readyAt = try Self.readyTime(now: now, delay: t.delay, tickMicros: options.tickMicros)
                    for _ in 0..<t.count { tokens.append(NewToken(place: place.name, value: text.format(t.value, place: p), readyAt: readyAt)) }
                }
            }
            let ids = try tx.insertTokens(tokens)
            if options.checkInvariants {
                let rows = zip(ids, tokens).map { StoredToken(id: $0, place: $1.place, value: $1.value, readyAt: $1.readyAt) }
                let initial = try RuntimeMarking(groups: TokenGroup.of(rows, real: now, worker: worker), net: net, text: text, now: now)
                let broken = brokenInvariants(initial)
                guard broken.isEmpty else {
                    throw RuntimeError(.invariantBroken, "the initial marking of net `\(net.name)` breaks invariant \(broken.map { "`\($0.name)`" }.joined(separator: ", ")); the store was left empty",
                                       details: ["marking:"] + MarkingText.lines(initial.values, net: net))
                }
            }
            let produced = zip(ids, tokens).map { TokenRef(id: $0, place: $1.place, value: $1.value, readyAt: $1.readyAt) }
            _ = try tx.appendEvent(EventRecord(kind: .initial, produced: produced, worker: worker, at: now, netAt: now,
                                               message: "net \(net.name) from \(net.path)"))
            return record
        }
        guard record.name == net.name else {
            throw RuntimeError(.store, "\(store.location) runs net `\(record.name)`, not `\(net.name)`",
                               details: ["help: use another store for this net, or remove this one to start over"])
        }
        guard record.signature == net.signature else {
            throw RuntimeError(.store, "the places of net `\(net.name)` changed since \(store.location) was created, so its tokens no longer fit",
                               details: ["  stored:  \(record.signature)", "  now:     \(net.signature)",
                                         "help: keep place names and colors, or start a new store"])
        }
        try checkShard(of: record)
        tickMicros = record.tickMicros
        return record
    }

    /// Refuses a store that holds another part of the net than this engine runs:
    /// the whole net where a shard is run, a shard where the whole net is run,
    /// or another shard (the stores were given in another order, or a store was
    /// added or dropped: the keys would land elsewhere).
    func checkShard(of record: NetRecord) throws {
        let stored = try record.shard.map { text -> ShardLabel in
            guard let label = ShardLabel(json: text) else {
                throw RuntimeError(.store, "\(store.location): the shard this store holds is recorded as `\(VisibleText.escaped(String(text.prefix(200))))`, which is not a shard label",
                                   details: ["help: the store is damaged; start a new one"])
            }
            return label
        }
        switch (stored, options.shard?.label) {
        case (nil, nil): return
        case (nil, let wanted?):
            throw RuntimeError(.store, "\(store.location) holds the whole of net `\(net.name)`, not \(wanted.summary)",
                               details: ["help: give every shard a store of its own (a new database or file)"])
        case (let held?, nil):
            throw RuntimeError(.store, "\(store.location) holds \(held.summary) of net `\(net.name)`, not the whole net",
                               details: ["help: run it with --partition \(held.key) and all \(held.count) stores, in the order it was started with"])
        case (let held?, let wanted?):
            guard held.isSamePlace(as: wanted) else {
                throw RuntimeError(.store, "\(store.location) holds \(held.summary) of net `\(net.name)`; this run gives it \(wanted.summary)",
                                   details: ["help: give the stores in the order the run was started with; a different number of stores or another key needs new stores"])
            }
        }
    }

    // MARK: - Looking

    /// The tokens, the marking they make now, and the bindings enabled in it.
    public func snapshot() throws -> RuntimeSnapshot {
        try transaction { tx in
            let rows = try tx.tokens()
            let m = try moment(tx, settle: false)
            // Fault and environment bindings are listed too: `inject` can fire them.
            let enabled = automatic == nil ? m.candidates : try enabledFirings(m.marking, transitions: Array(net.checked.transitions.indices))
            return RuntimeSnapshot(now: m.net, real: m.real, clockRunning: m.clock.running, tokens: rows, enabled: enabled.map(describe),
                                   isFinal: isFinal(m.marking), brokenInvariants: brokenInvariants(m.marking).map(\.name))
        }
    }

    // MARK: - Firing

    /// Fires an enabled binding, chosen at random among all enabled ones, then
    /// (up to `options.batch` firings) another one enabled in the marking it
    /// made, all in one transaction: each firing is checked and logged as if
    /// alone, and the commit makes them durable together (one commit, one
    /// sync). A binding of a handled transition is claimed instead (its tokens
    /// held for this worker), and the caller runs the work and calls `complete`.
    public func step() throws -> StepResult {
        try clockedTransaction { tx in
            var m = try moment(tx, settle: true)
            var events: [EventRecord] = []
            batch: while events.count < max(1, options.batch) {
                var candidates = m.candidates
                // A random order spreads concurrent workers over different bindings.
                for i in stride(from: candidates.count - 1, to: 0, by: -1) { candidates.swapAt(i, random.below(i + 1)) }
                for firing in candidates.prefix(8) {
                    if let h = handlerOfTransition[firing.transition] {
                        // Work starts only as a step's first action; a batch leaves it to the next step.
                        if events.isEmpty, let claim = try claim(firing, handler: h, tx: tx, at: m) { return .claimed(claim) }
                    } else if let (event, after, groups) = try commit(firing, tx: tx, at: m, held: nil, claim: nil) {
                        events.append(event)
                        m.groups = groups
                        m.marking = after
                        // `--until final` stops as soon as `final` holds: do not fire past it.
                        if isFinal(after) == true || events.count >= max(1, options.batch) { break batch }
                        m.candidates = try enabledFirings(after)
                        continue batch
                    }
                }
                break
            }
            if events.isEmpty { return .waiting(facts(m.marking, now: m.net, real: m.real, contended: !m.candidates.isEmpty)) }
            return .fired(events, facts(m.marking, now: m.net, real: m.real, contended: false))
        }
    }

    /// Fires this binding if it is still enabled (handlers are not run: the
    /// caller chose the outcome), a `fault` or `environment` one included
    /// (`cpn-author inject`). Nil when it is no longer enabled.
    public func fire(_ binding: EnabledBinding) throws -> EventRecord? {
        try clockedTransaction { tx in
            let m = try moment(tx, settle: true)
            guard try enabledFirings(m.marking, transitions: [binding.firing.transition]).contains(binding.firing) else { return nil }
            return try commit(binding.firing, tx: tx, at: m, held: nil, claim: nil, respectingPriorities: false)?.event
        }
    }

    /// Commits `firing`: takes its input tokens (the `held` ones when a claim
    /// is completed), adds its outputs, appends the event. Nil when another
    /// worker took the tokens first. Throws, rolling the transaction back,
    /// when an invariant would break.
    /// `respectingPriorities`: the firing must still be of the highest enabled
    /// priority when its places are locked (false for `inject`, which fires
    /// whatever the priorities).
    func commit(_ firing: FiringRule.Firing, tx: any StoreTransaction, at m: Moment,
                held: [TokenRef]?, claim: Claim?, respectingPriorities: Bool = true) throws -> (event: EventRecord, after: RuntimeMarking, groups: [TokenGroup])? {
        if held == nil && !needsLockingPath(firing) { return try commitInOneCall(firing, tx: tx, at: m, claim: claim) }
        let now = m.net
        var base = m.groups
        let taken: [TokenRef]
        if let held {
            taken = held
        } else {
            if !tx.isExclusive { try tx.lockPlaces(placesToLock(firing.transition)) }
            guard let refs = try lockInputs(firing, tx: tx, at: m) else { return nil }
            // Read tokens stay, but locked until the commit: no one takes them meanwhile.
            guard try lockInputs(firing.read, tx: tx, at: m) != nil else { return nil }
            taken = refs
            if !tx.isExclusive {
                // Others may have fired since the marking was read: read again, now
                // that the inputs and the places the rule depends on are locked.
                base = try tx.tokenGroups(floor: m.clock.netMicros, now: m.real, worker: worker)
                let fresh = try RuntimeMarking(groups: base, net: net, text: text, now: now)
                // With priorities, against every transition: one of a higher level may have become enabled.
                let rivals = respectingPriorities && !priorityWatched.isEmpty ? nil : [firing.transition]
                guard try enabledFirings(fresh, transitions: rivals).contains(firing) else { return nil }
            }
        }
        let deleted = try tx.deleteTokens(taken.map(\.id))
        guard deleted == taken.count else {
            throw RuntimeError(.store, "tokens \(taken.map(\.id)) vanished while locked by \(worker); the transaction was rolled back")
        }
        if options.pauseMidFiringMicros > 0 {
            options.onPauseMidFiring?(net.checked.transitions[firing.transition].name)
            RuntimeClock.sleep(micros: options.pauseMidFiringMicros)
        }
        let newTokens = try outputTokens(firing, now: now)
        let ids = try tx.insertTokens(newTokens)
        let produced = zip(ids, newTokens).map { TokenRef(id: $0, place: $1.place, value: $1.value, readyAt: $1.readyAt) }
        var event = EventRecord(kind: .fire, transition: net.checked.transitions[firing.transition].name,
                                binding: boundVariables(firing), consumed: taken, produced: produced, worker: worker,
                                startedAt: claim?.claimedAt ?? m.real, at: m.real, netAt: now, handler: claim.map { handlers[$0.handler].name })
        event.id = try tx.appendEvent(event)
        let afterGroups = TokenGroup.applying(base, taking: taken, from: held == nil ? .none : .me, now: now, adding: newTokens)
        let after = try RuntimeMarking(groups: afterGroups, net: net, text: text, now: now)
        if options.checkInvariants { try checkInvariants(after, firing) }
        return (event, after, afterGroups)
    }

    /// Commits a firing whose enabling depends only on its own input tokens
    /// and on the sizes of its output places (no ordered input place), as one
    /// `FiringWrite`: one round trip on PostgreSQL. The marking it makes is
    /// the one read at the start of the transaction with the firing applied;
    /// the invariants are checked on it before anything is written, so a
    /// firing that would break one writes nothing.
    func commitInOneCall(_ firing: FiringRule.Firing, tx: any StoreTransaction, at m: Moment,
                         claim: Claim?) throws -> (event: EventRecord, after: RuntimeMarking, groups: [TokenGroup])? {
        let now = m.net
        let inputs = wantedInputs(firing)
        let newTokens = try outputTokens(firing, now: now)
        let taking = inputs.flatMap { i in repeatElement(TokenRef(id: 0, place: i.place, value: i.value), count: i.count) }
        let afterGroups = TokenGroup.applying(m.groups, taking: taking, from: .none, now: now, adding: newTokens)
        let after = try RuntimeMarking(groups: afterGroups, net: net, text: text, now: now)
        if options.checkInvariants { try checkInvariants(after, firing) }
        var capacities: [FiringWrite.CapacityCheck] = []
        if !tx.isExclusive {
            // Capacity is checked after consumption (specs/semantics.md §4.2): what the
            // firing takes from a place makes room for what it adds.
            for p in Set(firing.produced.map(\.place)).sorted() {
                guard let capacity = net.checked.places[p].capacity else { continue }
                let added = firing.produced.filter { $0.place == p }.reduce(0) { $0 + $1.count }
                let taken = firing.consumed.filter { $0.place == p }.reduce(0) { $0 + $1.count }
                capacities.append(.init(place: net.checked.places[p].name, atMost: capacity + taken - added))
            }
        }
        var event = EventRecord(kind: .fire, transition: net.checked.transitions[firing.transition].name,
                                binding: boundVariables(firing), worker: worker,
                                startedAt: claim?.claimedAt ?? m.real, at: m.real, netAt: now, handler: claim.map { handlers[$0.handler].name })
        let write = FiringWrite(lockPlaces: tx.isExclusive ? [] : placesToLock(firing.transition), inputs: inputs, readyBy: now, now: m.real,
                                capacities: capacities, outputs: newTokens, event: event, commitsAlone: options.batch <= 1,
                                pauseMicros: options.pauseMidFiringMicros)
        let name = net.checked.transitions[firing.transition].name
        let onPause = options.onPauseMidFiring
        guard let written = try tx.fire(write, onPause: { onPause?(name) }) else { return nil }
        event.id = written.eventID
        event.consumed = written.consumed
        event.produced = zip(written.produced, newTokens).map { TokenRef(id: $0, place: $1.place, value: $1.value, readyAt: $1.readyAt) }
        return (event, after, afterGroups)
    }

    /// Whether a transition takes from an ordered place: its enabling then
    /// depends on the best token there, which only the rule can judge, so its
    /// firing reads the marking again once the place is locked.
    func hasOrderedInputs(_ transition: Int) -> Bool {
        net.checked.transitions[transition].inputs.contains { !$0.reads && net.checked.places[$0.place].order != nil }
    }

    /// Whether a firing must lock and read the marking again before writing
    /// (the general path) rather than go as one `FiringWrite`: an ordered input
    /// place; `read:` tokens, locked but kept; `cancel:` inputs, taken while
    /// still waiting; or places its enabling depends on beyond its own inputs
    /// (`unless:` arcs, outputs that another transition tests empty).
    func needsLockingPath(_ firing: FiringRule.Firing) -> Bool {
        hasOrderedInputs(firing.transition) || !firing.read.isEmpty || firing.consumed.contains(where: \.anyReadyTime)
            || !net.checked.transitions[firing.transition].inhibitors.isEmpty
            || net.checked.transitions[firing.transition].outputs.contains { inhibitedPlaces.contains($0.place) }
            || !priorityWatchedPlaces(firing.transition).isEmpty
    }

    /// The places of `priorityWatched` a firing of `transition` must lock: all
    /// of them below the highest level (its enabling depends on them), and
    /// those it takes from or adds to (it changes them).
    func priorityWatchedPlaces(_ transition: Int) -> Set<Int> {
        guard !priorityWatched.isEmpty else { return [] }
        let t = net.checked.transitions[transition]
        if t.priority < highestPriority { return priorityWatched }
        return priorityWatched.intersection(t.inputs.map(\.place) + t.outputs.map(\.place))
    }

    /// The output tokens of a firing at net time `now`, in the order of `out`.
    func outputTokens(_ firing: FiringRule.Firing, now: Int64) throws -> [NewToken] {
        var newTokens: [NewToken] = []
        for move in firing.produced {
            if let shard = options.shard, shard.plan.shard(place: move.place, value: move.value) != shard.index {
                // The partition proof rules this out; a store must never receive another shard's token.
                throw RuntimeError(.evaluation, "firing \(describe(firing).summary) would make a token of `\(shard.plan.key)` \(shard.plan.keyText(place: move.place, value: move.value) ?? "?") in \(store.location), which holds shard \(shard.index + 1) of \(shard.plan.count); nothing was committed",
                                   details: ["help: this is a bug in the partition analysis; run the net unpartitioned and report it"])
            }
            let value = text.format(move.value, place: move.place)
            let readyAt = try Self.readyTime(now: now, delay: move.delay, tickMicros: tickMicros)
            for _ in 0..<move.count { newTokens.append(NewToken(place: net.checked.places[move.place].name, value: value, readyAt: readyAt)) }
        }
        return newTokens
    }

    func checkInvariants(_ after: RuntimeMarking, _ firing: FiringRule.Firing) throws {
        let broken = brokenInvariants(after)
        if !broken.isEmpty {
            throw RuntimeError(.invariantBroken, "firing \(describe(firing).summary) would break invariant \(broken.map { "`\($0.name)`" }.joined(separator: ", ")); it was not committed",
                               details: broken.compactMap { b in b.error.map { "  evaluating `\(b.name)` failed: \($0)" } } + ["marking it would have made:"] + MarkingText.lines(after.values, net: net))
        }
    }

    /// The input moves as distinct (place, value) pairs with their counts, for
    /// the one-call firing (which never has `cancel:` or `read:` arcs).
    func wantedInputs(_ firing: FiringRule.Firing) -> [FiringWrite.Input] {
        var wanted: [FiringWrite.Input] = []
        for move in firing.consumed {
            let place = net.checked.places[move.place].name, value = text.format(move.value, place: move.place)
            if let i = wanted.firstIndex(where: { $0.place == place && $0.value == value }) { wanted[i].count += move.count }
            else { wanted.append(.init(place: place, value: value, count: move.count)) }
        }
        return wanted
    }

    /// Locks rows for every input move; nil when some are already taken.
    /// Moves on the same value are locked together: a transaction does not
    /// skip rows it has locked itself.
    func lockInputs(_ firing: FiringRule.Firing, tx: any StoreTransaction, at m: Moment) throws -> [TokenRef]? {
        try lockInputs(firing.consumed, tx: tx, at: m)
    }

    func lockInputs(_ moves: [FiringRule.Move], tx: any StoreTransaction, at m: Moment) throws -> [TokenRef]? {
        var wanted: [(place: String, value: String, count: Int, anyReadyTime: Bool)] = []
        for move in moves {
            let place = net.checked.places[move.place].name, value = text.format(move.value, place: move.place)
            if let i = wanted.firstIndex(where: { $0.place == place && $0.value == value }) { wanted[i].count += move.count }
            else { wanted.append((place, value, move.count, move.anyReadyTime)) }
        }
        var refs: [TokenRef] = []
        for w in wanted {
            // A `cancel:` arc takes a copy that is still waiting too.
            let got = try tx.lockTokens(place: w.place, value: w.value, count: w.count, readyBy: w.anyReadyTime ? Int64.max : m.net, now: m.real)
            guard got.count == w.count else { return nil }
            refs += got.map { TokenRef(id: $0, place: w.place, value: w.value) }
        }
        return refs
    }

    /// Places whose state decides whether a firing of `transition` is enabled
    /// beyond its own input tokens: output places with a capacity (their size)
    /// and ordered input places (their best token); places it has `unless:`
    /// arcs on (their absence of tokens), and output places some transition
    /// has an `unless:` arc on (so that filling one waits for, or is seen by,
    /// a firing that tests it empty); with several priority levels, the
    /// places of `priorityWatchedPlaces`. Sorted, so that workers always lock
    /// in the same order and cannot deadlock each other.
    func placesToLock(_ transition: Int) -> [String] {
        let t = net.checked.transitions[transition]
        var names = Set<String>()
        for o in t.outputs where net.checked.places[o.place].capacity != nil || inhibitedPlaces.contains(o.place) {
            names.insert(net.checked.places[o.place].name)
        }
        for i in t.inputs where !i.reads && net.checked.places[i.place].order != nil { names.insert(net.checked.places[i.place].name) }
        for i in t.inhibitors { names.insert(net.checked.places[i.place].name) }
        for p in priorityWatchedPlaces(transition) { names.insert(net.checked.places[p].name) }
        return names.sorted()
    }


    // MARK: - The rule, invariants, `final`

    func enabledFirings(_ marking: RuntimeMarking, transitions: [Int]? = nil) throws -> [FiringRule.Firing] {
        do {
            return try rule.enabled(in: marking.tokens, transitions: transitions ?? automatic)
        } catch {
            let t = net.checked.transitions[error.transition]
            let vars = t.variables.compactMap { v in v.slot < error.variables.count ? "\(v.name) = \(v.color.format(error.variables[v.slot]))" : nil }
            let span = error.error.span
            throw RuntimeError(.evaluation, "evaluating transition `\(t.name)` failed: \(error.error.message)",
                               details: ["  --> \(span.file):\(span.start.line):\(span.start.column)",
                                         "  binding: " + (vars.isEmpty ? "(none)" : vars.joined(separator: ", "))])
        }
    }

    /// The invariants broken in `marking` (an error counts as broken); a shard
    /// asks only those that hold for its own tokens alone (`ShardAssignment`),
    /// unless `everyOne` (the union of every shard's marking).
    func brokenInvariants(_ marking: RuntimeMarking, everyOne: Bool = false) -> [(name: String, error: String?)] {
        var broken: [(String, String?)] = []
        for inv in net.checked.invariants where everyOne || options.shard.map({ $0.invariants.contains(inv.name) }) ?? true {
            do {
                if try !inv.holds(on: RuntimeMarkingReader(values: marking.values)) { broken.append((inv.name, nil)) }
            } catch {
                broken.append((inv.name, error.message))
            }
        }
        return broken
    }

    /// Whether `final` holds; nil when the net has none. A `final` that fails to evaluate is false.
    func isFinal(_ marking: RuntimeMarking) -> Bool? {
        guard let f = net.checked.final else { return nil }
        return (try? f.holds(on: RuntimeMarkingReader(values: marking.values))) ?? false
    }

    func facts(_ marking: RuntimeMarking, now: Int64, real: Int64, contended: Bool) -> MarkingFacts {
        MarkingFacts(now: now, real: real, isFinal: isFinal(marking), nextReadyAt: marking.nextReadyAt,
                     held: marking.held, contended: contended)
    }

    // MARK: - Describing

    func boundVariables(_ firing: FiringRule.Firing) -> [BoundVariable] {
        net.checked.transitions[firing.transition].variables.compactMap { v in
            v.slot < firing.variables.count ? BoundVariable(name: v.name, value: v.color.format(firing.variables[v.slot])) : nil
        }
    }

    func describe(_ firing: FiringRule.Firing) -> EnabledBinding {
        let places = net.checked.places
        return EnabledBinding(
            transition: net.checked.transitions[firing.transition].name,
            variables: boundVariables(firing),
            consumed: firing.consumed.map { .init(place: places[$0.place].name, token: text.format($0.value, place: $0.place), count: $0.count, delay: 0) },
            produced: firing.produced.map { .init(place: places[$0.place].name, token: text.format($0.value, place: $0.place), count: $0.count, delay: $0.delay) },
            handler: handlerOfTransition[firing.transition].map { handlers[$0].name },
            firing: firing)
    }

    // MARK: - Transactions

    func transaction<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        do {
            return try store.transaction(body)
        } catch let e as RuntimeError {
            throw e
        } catch let race as ClockRace {
            throw race
        } catch {
            throw Self.storeError(error, store)
        }
    }

    static func storeError(_ error: any Error, _ store: any TokenStore) -> RuntimeError {
        if let e = error as? RuntimeError { return e }
        if let e = error as? StoreError { return RuntimeError(.store, e.message) }
        return RuntimeError(.store, "\(store.location): \(error)")
    }
}

/// How an engine behaves.
public struct EngineOptions: Sendable {
    /// Evaluate the invariants on the marking each firing makes, before committing it.
    public var checkInvariants = true
    /// The length of one time unit (`@+ 1`) for a store created now, in microseconds.
    public var tickMicros: Int64 = 1_000_000
    /// Seeds the choice among enabled bindings.
    public var seed: UInt64 = 1
    /// Fault injection for crash tests: sleep this long inside the firing's
    /// transaction, after the inputs are deleted and before the outputs exist.
    public var pauseMidFiringMicros: Int64 = 0
    /// Firings per transaction in `step()`: more amortize the commit (a disk
    /// sync for SQLite, round trips for PostgreSQL); each is still checked and
    /// logged on its own, and a crash loses the uncommitted ones together.
    public var batch = 1
    /// Told the transition's name when such a pause begins.
    public var onPauseMidFiring: (@Sendable (String) -> Void)?
    /// The shard of a partitioned run this engine fires (nil: the whole net).
    public var shard: ShardAssignment?

    public init() {}
}

/// A binding enabled now, as people and JSON read it.
public struct EnabledBinding: Sendable {
    public struct Move: Sendable, Hashable {
        public var place: String
        public var token: String
        public var count: Int
        /// Time units until a produced token is ready.
        public var delay: Int
    }

    public var transition: String
    public var variables: [BoundVariable]
    public var consumed: [Move]
    public var produced: [Move]
    /// The handler whose work decides this firing, if the transition has one.
    public var handler: String?
    let firing: FiringRule.Firing

    /// `start_fetch (p = p1, t = {domain: shop, prio: 2, attempt: 0})`
    public var summary: String {
        variables.isEmpty ? transition : "\(transition) (" + variables.map { "\($0.name) = \($0.value)" }.joined(separator: ", ") + ")"
    }
}

/// The store at one moment: every token, what is enabled, what holds.
public struct RuntimeSnapshot: Sendable {
    /// The net's time (ready times are on this clock).
    public var now: Int64
    /// The wall clock (leases are on this clock).
    public var real: Int64
    /// Whether the net's clock runs (the net is idle).
    public var clockRunning: Bool
    public var tokens: [StoredToken]
    public var enabled: [EnabledBinding]
    public var isFinal: Bool?
    public var brokenInvariants: [String]
}

/// What a worker needs to know about the marking after a step.
public struct MarkingFacts: Sendable {
    /// The net's time.
    public var now: Int64
    /// The wall clock.
    public var real: Int64
    /// Whether `final` holds (nil: the net has no `final`).
    public var isFinal: Bool?
    /// The earliest net time a waiting token becomes ready.
    public var nextReadyAt: Int64?
    /// Tokens workers hold for their handlers (work in progress).
    public var held: Int
    /// Bindings were enabled but other workers took their tokens first.
    public var contended: Bool
}

/// What one call of `Engine.step()` did.
public enum StepResult: Sendable {
    /// Transitions fired (one, or up to `EngineOptions.batch` in one
    /// transaction); the facts describe the marking after them.
    case fired([EventRecord], MarkingFacts)
    /// A handled binding's tokens are now held for this worker: run the work, then `complete`.
    case claimed(Claim)
    /// Nothing this worker can fire now.
    case waiting(MarkingFacts)
}
