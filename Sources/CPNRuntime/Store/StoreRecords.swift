/// Rows of the runtime's tables, as every store reads and writes them.
/// Times are microseconds since 1970-01-01 UTC on the store's clock.

/// One copy of a token: a value in a place, ready from `readyAt` on, possibly
/// held by a worker that is running a handler on it.
public struct StoredToken: Hashable, Sendable {
    public var id: Int64
    public var place: String
    /// The value as a net file writes it (`TokenText`).
    public var value: String
    /// When it becomes ready, on the net's clock (`NetClock`).
    public var readyAt: Int64
    /// The worker holding it for a handler, while `claimUntil` has not passed.
    public var claimedBy: String?
    public var claimUntil: Int64?

    public init(id: Int64, place: String, value: String, readyAt: Int64, claimedBy: String? = nil, claimUntil: Int64? = nil) {
        self.id = id
        self.place = place
        self.value = value
        self.readyAt = readyAt
        self.claimedBy = claimedBy
        self.claimUntil = claimUntil
    }

    /// Whether a worker holds it for a handler at wall-clock time `now` (its lease has not run out).
    public func isHeld(at now: Int64) -> Bool {
        guard claimedBy != nil, let until = claimUntil else { return false }
        return until > now
    }
}

/// Copies of a token that are alike for the firing rule: same place, value,
/// ready time (times at or before the query's floor count as the floor) and
/// holder. A marking read as groups costs one row per distinct token, not
/// one per copy: a queue of a thousand identical jobs is one group.
public struct TokenGroup: Hashable, Sendable {
    public enum Holder: Int, Sendable {
        case none = 0
        /// Held for a handler by the worker that asked.
        case me = 1
        /// Held for a handler by another worker.
        case other = 2
    }

    public var place: String
    public var value: String
    public var readyAt: Int64
    public var holder: Holder
    public var count: Int

    public init(place: String, value: String, readyAt: Int64, holder: Holder, count: Int) {
        self.place = place
        self.value = value
        self.readyAt = readyAt
        self.holder = holder
        self.count = count
    }
}

/// A token about to be inserted.
public struct NewToken: Hashable, Sendable {
    public var place: String
    public var value: String
    public var readyAt: Int64

    public init(place: String, value: String, readyAt: Int64) {
        self.place = place
        self.value = value
        self.readyAt = readyAt
    }
}

/// The net a store runs: one per store.
public struct NetRecord: Hashable, Sendable {
    public var name: String
    public var signature: String
    public var source: String
    public var path: String
    /// The length of one time unit of the net (`@+ 1`), in microseconds.
    public var tickMicros: Int64
    public var createdAt: Int64
    /// Which shard of a partitioned run this store holds (`ShardLabel`, as
    /// JSON); nil for a store that holds the whole net.
    public var shard: String?

    public init(name: String, signature: String, source: String, path: String, tickMicros: Int64, createdAt: Int64, shard: String? = nil) {
        self.name = name
        self.signature = signature
        self.source = source
        self.path = path
        self.tickMicros = tickMicros
        self.createdAt = createdAt
        self.shard = shard
    }
}

/// The net's clock (`specs/runtime.md`, "Time"). It follows the wall clock
/// while the net is idle and stands still while any binding is enabled or any
/// handler works, as the model's clock does (firing is urgent), so every run
/// is a run of the verified model; a delay of d is at least d on the wall clock.
public struct NetClock: Hashable, Sendable {
    /// The net's time when the clock last stopped or started, in microseconds.
    public var netMicros: Int64
    /// The wall-clock time it started, while running.
    public var anchorMicros: Int64
    public var running: Bool

    public init(netMicros: Int64, anchorMicros: Int64, running: Bool) {
        self.netMicros = netMicros
        self.anchorMicros = anchorMicros
        self.running = running
    }

    /// The net's time at wall-clock time `real`. Throws when the clock row is
    /// damaged (negative, or so large that the time does not fit): a store
    /// edited by hand must give an error, not a trap.
    public func time(at real: Int64) throws -> Int64 {
        guard netMicros >= 0, anchorMicros >= 0 else { throw Self.outOfRange(self) }
        guard running else { return netMicros }
        let (elapsed, o1) = real.subtractingReportingOverflow(anchorMicros)
        let (t, o2) = netMicros.addingReportingOverflow(max(0, elapsed))
        guard !o1, !o2 else { throw Self.outOfRange(self) }
        return t
    }

    private static func outOfRange(_ c: NetClock) -> RuntimeError {
        RuntimeError(.store, "damaged store: the clock row is out of range (net_us \(c.netMicros), anchor_us \(c.anchorMicros), running \(c.running))",
                     details: ["help: the runtime writes only times after 1970 that fit 64 bits; restore the store from a backup or start a new one"])
    }
}

/// What an event did to the marking.
public enum EventKind: String, Sendable, CaseIterable {
    /// The initial marking was put in the store.
    case initial = "init"
    /// A transition fired.
    case fire
    /// Tokens were added from outside (`tokens add`).
    case add
    /// Tokens were taken out by a consumer (`tokens take`).
    case take
    /// A handler failed or lost its claim: nothing moved, the claim was released.
    case failed
}

/// A token an event took or produced.
public struct TokenRef: Hashable, Sendable {
    public var id: Int64
    public var place: String
    public var value: String
    /// For produced tokens: when they become ready, on the net's clock.
    public var readyAt: Int64?

    public init(id: Int64, place: String, value: String, readyAt: Int64? = nil) {
        self.id = id
        self.place = place
        self.value = value
        self.readyAt = readyAt
    }
}

/// One variable of a firing's binding, as a net file writes its value.
public struct BoundVariable: Hashable, Sendable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// An entry of the event log.
public struct EventRecord: Hashable, Sendable {
    public var id: Int64
    public var kind: EventKind
    public var transition: String?
    public var binding: [BoundVariable]
    public var consumed: [TokenRef]
    public var produced: [TokenRef]
    public var worker: String
    /// When the work began: the claim time for a handled firing, else `at`.
    public var startedAt: Int64?
    /// When the event was committed (wall clock).
    public var at: Int64
    /// The net's time of the event (its clock; ready times are on this clock).
    public var netAt: Int64
    public var handler: String?
    public var message: String?

    public init(id: Int64 = 0, kind: EventKind, transition: String? = nil, binding: [BoundVariable] = [], consumed: [TokenRef] = [],
                produced: [TokenRef] = [], worker: String, startedAt: Int64? = nil, at: Int64, netAt: Int64? = nil,
                handler: String? = nil, message: String? = nil) {
        self.id = id
        self.kind = kind
        self.transition = transition
        self.binding = binding
        self.consumed = consumed
        self.produced = produced
        self.worker = worker
        self.startedAt = startedAt
        self.at = at
        self.netAt = netAt ?? at
        self.handler = handler
        self.message = message
    }
}
