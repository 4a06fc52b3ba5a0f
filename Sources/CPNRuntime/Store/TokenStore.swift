/// Where a net's tokens and event log live. A store hands out transactions;
/// the engine does one firing per transaction, so a firing is all or nothing
/// whatever happens to the process.
///
/// Each worker opens its own store (its own connection): a store is used by
/// one thread at a time.
public protocol TokenStore: AnyObject {
    /// `sqlite:state.db`, `postgres://user@host:port/db` (no password).
    var location: String { get }

    /// Creates the tables, or brings them to the current schema version.
    func migrate() throws

    /// Runs `body` in one transaction: committed when it returns, rolled back
    /// when it throws. Transient conflicts with other workers (a busy
    /// database, a serialization failure, a deadlock) are retried with a fresh
    /// transaction, so `body` must not have effects outside the transaction.
    func transaction<T>(_ body: (any StoreTransaction) throws -> T) throws -> T

    func close()
}

/// What the engine can do inside one transaction.
public protocol StoreTransaction {
    /// True when nothing else can change the store until this transaction
    /// ends (SQLite's write lock): what was read is what will be written over.
    /// False where workers run concurrently (PostgreSQL): the engine then
    /// locks what it relies on and reads the marking again before writing.
    var isExclusive: Bool { get }

    /// The wall clock, in microseconds since 1970: the database server's for
    /// PostgreSQL, so that workers on several machines agree on time.
    func now() throws -> Int64

    /// The net's clock (created with the net).
    func clock() throws -> NetClock

    /// Sets the net's clock if it still reads `expected`; false when another
    /// worker changed it first.
    func setClock(_ clock: NetClock, expected: NetClock) throws -> Bool

    func net() throws -> NetRecord?
    /// Records the net and starts its clock, stopped at `clock`; false when
    /// another worker recorded one first.
    func insertNet(_ record: NetRecord, clock: Int64) throws -> Bool

    /// Every token, in id order.
    func tokens() throws -> [StoredToken]

    /// The marking as groups of alike copies (`TokenGroup`): ready times at or
    /// before `floor` (net time) read as `floor`; holders judged at wall-clock
    /// time `now` from `worker`'s side.
    func tokenGroups(floor: Int64, now: Int64, worker: String) throws -> [TokenGroup]

    /// Serializes this transaction with every other one that locks any of
    /// these places, until it ends (places whose size or best token the
    /// firing depends on). Must be called with the names sorted.
    func lockPlaces(_ names: [String]) throws

    /// Locks up to `count` copies of `value` in `place` that are ready at net
    /// time `readyBy` and not held for a handler at wall-clock time `now`,
    /// skipping copies that other transactions have locked. Returns their
    /// ids, oldest first (fewer when there are not enough).
    func lockTokens(place: String, value: String, count: Int, readyBy: Int64, now: Int64) throws -> [Int64]

    /// Locks the tokens with these ids that `worker` holds; returns those it still holds.
    func lockHeldTokens(_ ids: [Int64], worker: String) throws -> [Int64]

    /// Deletes these tokens; returns how many existed.
    func deleteTokens(_ ids: [Int64]) throws -> Int

    /// Inserts tokens; returns their ids in order.
    func insertTokens(_ tokens: [NewToken]) throws -> [Int64]

    /// Marks tokens as held by `worker` until `until` (nil releases them).
    func hold(_ ids: [Int64], worker: String?, until: Int64?) throws

    /// Appends to the event log; returns the event's id.
    func appendEvent(_ event: EventRecord) throws -> Int64

    /// Events with ids above `after`, in id order, at most `limit` of them.
    func events(after: Int64, limit: Int) throws -> [EventRecord]

    /// Firings per transition (in all, and since `since`), and the workers seen since `since`.
    func summary(since: Int64) throws -> EventSummary

    /// The wall clock, the net's clock and the marking grouped from the
    /// clock's last stop (`now`, `clock`, `tokenGroups`), in one round trip
    /// where the store can (`MomentRead`; the default reads them in turn).
    func readMoment(worker: String) throws -> MomentRead

    /// Everything a firing writes, in one call (`FiringWrite`): one round
    /// trip where the store can; the default uses the operations above. Nil
    /// when its tokens or a capacity no longer allow it. `onPause` is told
    /// when fault injection pauses inside it.
    func fire(_ write: FiringWrite, onPause: (() -> Void)?) throws -> FiringWritten?
}

/// A store that could not do what was asked, with a message for the user.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Counts over the event log, for `status`.
public struct EventSummary: Sendable {
    public struct PerTransition: Sendable {
        public var transition: String
        public var total: Int
        /// Firings at or after the `since` time asked for.
        public var recent: Int
        public var lastAt: Int64

        public init(transition: String, total: Int, recent: Int, lastAt: Int64) {
            self.transition = transition
            self.total = total
            self.recent = recent
            self.lastAt = lastAt
        }
    }

    public struct PerWorker: Sendable {
        public var worker: String
        public var recent: Int
        public var lastAt: Int64

        public init(worker: String, recent: Int, lastAt: Int64) {
            self.worker = worker
            self.recent = recent
            self.lastAt = lastAt
        }
    }

    /// Firings a handler's work decided, in all: how many, and their work's
    /// time (claim to completion) added up, for an average and a rate.
    public struct PerHandler: Sendable {
        public var handler: String
        public var firings: Int
        public var workMicros: Int64

        public init(handler: String, firings: Int, workMicros: Int64) {
            self.handler = handler
            self.firings = firings
            self.workMicros = workMicros
        }
    }

    public var events: Int
    public var firings: [PerTransition]
    /// Workers with events since the `since` time.
    public var workers: [PerWorker]
    /// Handler failures and lost claims since the `since` time.
    public var recentFailures: Int
    /// The wall-clock time of the newest event (nil: an empty log).
    public var lastEventAt: Int64?
    public var handlers: [PerHandler]

    public init(events: Int, firings: [PerTransition], workers: [PerWorker], recentFailures: Int,
                lastEventAt: Int64? = nil, handlers: [PerHandler] = []) {
        self.events = events
        self.firings = firings
        self.workers = workers
        self.recentFailures = recentFailures
        self.lastEventAt = lastEventAt
        self.handlers = handlers
    }
}
