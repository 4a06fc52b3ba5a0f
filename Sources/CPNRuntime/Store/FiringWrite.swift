/// Everything one firing writes, handed to the store in one call so that a
/// store can do it in one round trip (PostgreSQL: one call of a server-side
/// function, which is its own transaction when the firing commits alone).
///
/// The engine has already chosen the binding, evaluated its outputs and
/// checked the invariants on the marking it makes; the store locks the
/// places the firing's enabling depends on, locks its input tokens (skipping
/// rows other transactions hold), checks the capacities of its output places
/// now that they are locked, and then deletes, inserts and appends the event,
/// all or nothing. When an input or a capacity no longer allows the firing
/// (another worker was faster) nothing is written and the result is nil.
public struct FiringWrite: Sendable {
    /// Copies of one value that the firing takes from one place.
    public struct Input: Sendable, Hashable {
        public var place: String
        public var value: String
        public var count: Int
        public init(place: String, value: String, count: Int) {
            self.place = place
            self.value = value
            self.count = count
        }
    }

    /// A capacity to check once the place is locked: the place may hold at
    /// most `atMost` tokens (ready, waiting or held, the firing's own inputs
    /// included) before the firing; that is its capacity, plus what the firing
    /// takes from it, minus what it adds.
    public struct CapacityCheck: Sendable, Hashable {
        public var place: String
        public var atMost: Int
        public init(place: String, atMost: Int) {
            self.place = place
            self.atMost = atMost
        }
    }

    /// Places to lock first, sorted (`StoreTransaction.lockPlaces`).
    public var lockPlaces: [String]
    /// Distinct (place, value) pairs, with every copy of the firing.
    public var inputs: [Input]
    /// Inputs must be ready by this net time, and not held at wall-clock time `now`.
    public var readyBy: Int64
    public var now: Int64
    public var capacities: [CapacityCheck]
    public var outputs: [NewToken]
    /// The event, without its token lists: the store fills in the ids it took and made.
    public var event: EventRecord
    /// True when nothing else is written in this transaction before or after
    /// (a batch of one): a store may then commit the firing on its own.
    public var commitsAlone: Bool
    /// Fault injection for crash tests: pause this long after the inputs are
    /// deleted and before the outputs exist, inside the transaction.
    public var pauseMicros: Int64

    public init(lockPlaces: [String], inputs: [Input], readyBy: Int64, now: Int64, capacities: [CapacityCheck], outputs: [NewToken],
                event: EventRecord, commitsAlone: Bool, pauseMicros: Int64 = 0) {
        self.lockPlaces = lockPlaces
        self.inputs = inputs
        self.readyBy = readyBy
        self.now = now
        self.capacities = capacities
        self.outputs = outputs
        self.event = event
        self.commitsAlone = commitsAlone
        self.pauseMicros = pauseMicros
    }
}

/// What a firing took and made.
public struct FiringWritten: Sendable, Hashable {
    /// The input tokens, in the order of `FiringWrite.inputs`, oldest first within each.
    public var consumed: [TokenRef]
    /// The ids of `FiringWrite.outputs`, in order.
    public var produced: [Int64]
    public var eventID: Int64

    public init(consumed: [TokenRef], produced: [Int64], eventID: Int64) {
        self.consumed = consumed
        self.produced = produced
        self.eventID = eventID
    }
}

/// What the engine reads at the start of every transaction: the wall clock,
/// the net's clock and the marking grouped with the clock's last stop as floor.
public struct MomentRead: Sendable {
    public var now: Int64
    public var clock: NetClock
    public var groups: [TokenGroup]

    public init(now: Int64, clock: NetClock, groups: [TokenGroup]) {
        self.now = now
        self.clock = clock
        self.groups = groups
    }
}

extension StoreTransaction {
    /// The three reads in turn; a store that can do them in one round trip overrides this.
    public func readMoment(worker: String) throws -> MomentRead {
        let now = try self.now()
        let clock = try self.clock()
        return MomentRead(now: now, clock: clock, groups: try tokenGroups(floor: clock.netMicros, now: now, worker: worker))
    }

    /// The firing with the primitive operations, one statement each. Correct
    /// for every store: on a store that is not exclusive the capacities are
    /// counted again once their places are locked.
    public func fire(_ w: FiringWrite, onPause: (() -> Void)?) throws -> FiringWritten? {
        if !isExclusive { try lockPlaces(w.lockPlaces) }
        var consumed: [TokenRef] = []
        for input in w.inputs {
            let got = try lockTokens(place: input.place, value: input.value, count: input.count, readyBy: w.readyBy, now: w.now)
            guard got.count == input.count else { return nil }
            consumed += got.map { TokenRef(id: $0, place: input.place, value: input.value) }
        }
        if !isExclusive && !w.capacities.isEmpty {
            var size: [String: Int] = [:]
            for g in try tokenGroups(floor: w.readyBy, now: w.now, worker: w.event.worker) { size[g.place, default: 0] += g.count }
            for c in w.capacities where size[c.place, default: 0] > c.atMost { return nil }
        }
        let deleted = try deleteTokens(consumed.map(\.id))
        guard deleted == consumed.count else {
            throw StoreError("tokens \(consumed.map(\.id)) vanished while locked by \(w.event.worker); the transaction was rolled back")
        }
        if w.pauseMicros > 0 {
            onPause?()
            RuntimeClock.sleep(micros: w.pauseMicros)
        }
        let ids = try insertTokens(w.outputs)
        var event = w.event
        event.consumed = consumed
        event.produced = zip(ids, w.outputs).map { TokenRef(id: $0, place: $1.place, value: $1.value, readyAt: $1.readyAt) }
        let id = try appendEvent(event)
        return FiringWritten(consumed: consumed, produced: ids, eventID: id)
    }
}
