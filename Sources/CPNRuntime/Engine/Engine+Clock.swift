import CPNExplore

/// The net's clock as the model's urgency requires (`specs/semantics.md` §3:
/// time never passes while a transition can fire).
///
/// The clock runs with the wall clock only while the net is idle: nothing
/// enabled, no handler working. The first worker that finds the net idle
/// starts it; the first that finds something enabled while it runs stops it,
/// at the earliest moment something became enabled (the model's tick lands
/// exactly on the next ready time, never past it). Ready times are on this
/// clock. So a delay of d is at least d of wall-clock time, and every run of
/// the runtime is a run of the timed model that `verify` explored.
///
/// Two workers may race to start and stop the clock; a start that raced
/// with a firing is undone by the next worker, which stops the clock at the
/// time it was started (something was enabled then), so no firing ever
/// happens at a later time than the model allows.
extension Engine {
    /// The marking at the net's time now, with the clock settled.
    struct Moment {
        var real: Int64
        var net: Int64
        /// The tokens, grouped, with ready times floored at the clock's last stop.
        var groups: [TokenGroup]
        var marking: RuntimeMarking
        var candidates: [FiringRule.Firing]
        var clock: NetClock
    }

    /// Another worker changed the clock between our read and our write: start over.
    struct ClockRace: Error {}

    /// Reads the clock and the marking and, when `settle`, stops or starts the
    /// clock as the marking requires. `mine`: this worker's held tokens can be taken.
    func moment(_ tx: any StoreTransaction, settle: Bool, mine: Bool = false) throws -> Moment {
        let read = try tx.readMoment(worker: worker)
        let real = read.now
        var clock = read.clock
        let t = try clock.time(at: real)
        let groups = read.groups
        if clock.running {
            // The clock ran since it last stopped: find the first moment something could
            // fire, in order, and never look past it (a binding enabled only later, in a
            // marking the model never reaches, is not even evaluated).
            var times = Set(groups.map(\.readyAt).filter { $0 > clock.netMicros && $0 < t })
            times.insert(clock.netMicros)
            times.insert(t)
            for tau in times.sorted() {
                let m = try RuntimeMarking(groups: groups, net: net, text: text, now: tau, mineTakeable: mine)
                let c = try enabledFirings(m)
                guard c.isEmpty && m.held == 0 else {
                    var stopped = clock
                    if settle {
                        stopped = NetClock(netMicros: tau, anchorMicros: real, running: false)
                        guard try tx.setClock(stopped, expected: clock) else { throw ClockRace() }
                    }
                    return Moment(real: real, net: tau, groups: groups, marking: m, candidates: c, clock: stopped)
                }
                if tau == t { return Moment(real: real, net: t, groups: groups, marking: m, candidates: [], clock: clock) }
            }
        }
        let marking = try RuntimeMarking(groups: groups, net: net, text: text, now: t, mineTakeable: mine)
        let candidates = try enabledFirings(marking)
        if settle && !clock.running && candidates.isEmpty && marking.held == 0 {
            // Idle: let time pass.
            let started = NetClock(netMicros: t, anchorMicros: real, running: true)
            guard try tx.setClock(started, expected: clock) else { throw ClockRace() }
            clock = started
        }
        return Moment(real: real, net: t, groups: groups, marking: marking, candidates: candidates, clock: clock)
    }

    /// Stops the clock before an external change (tokens added or taken): the
    /// change may enable something, and time must not pass past it.
    func stopClock(_ tx: any StoreTransaction) throws -> (real: Int64, net: Int64) {
        let real = try tx.now()
        let clock = try tx.clock()
        let t = try clock.time(at: real)
        if clock.running {
            guard try tx.setClock(NetClock(netMicros: t, anchorMicros: real, running: false), expected: clock) else { throw ClockRace() }
        }
        return (real, t)
    }

    /// The net time `delay` time units after `now`. Checked: a delay is at most
    /// `Int32.max` units (specs/semantics.md) and `run` bounds the unit, but a
    /// store's recorded unit or clock may be anything, and a time past the end
    /// of the clock must be an error, not a trap.
    static func readyTime(now: Int64, delay: Int, tickMicros: Int64) throws -> Int64 {
        let (span, overflowed) = Int64(clamping: delay).multipliedReportingOverflow(by: tickMicros)
        let (at, past) = now.addingReportingOverflow(span)
        guard delay >= 0, !overflowed, !past else {
            throw RuntimeError(.invalidInput, "a delay of \(delay) time unit\(delay == 1 ? "" : "s") of \(RuntimeDuration.format(micros: tickMicros)) is past the end of the clock (net time \(now)µs, at most \(Int64.max)µs)",
                               details: ["help: use a shorter delay or a shorter time unit (--tick when the store is created)"])
        }
        return at
    }

    /// Runs a transaction, starting over when it lost a race for the clock.
    func clockedTransaction<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try transaction(body)
            } catch is ClockRace where attempt < 50 {
                attempt += 1
                RuntimeClock.sleep(micros: Int64(random.below(500) + 50))
            }
        }
    }
}
