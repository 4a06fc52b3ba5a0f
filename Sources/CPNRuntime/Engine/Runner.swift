import Foundation

/// When a run stops (`--until`).
public enum RunGoal: Sendable, Equatable {
    /// When `final` holds and no handler is working. A dead marking that is
    /// not final stops the run as a deadlock.
    case final
    /// When nothing is enabled, no token is waiting and no handler is working.
    case idle
    /// After this many microseconds, waiting for tokens when there is nothing to do.
    case duration(Int64)
}

/// Why a run stopped.
public enum StopReason: String, Sendable {
    case final = "final marking reached"
    case idle = "nothing left to do"
    case duration = "time is up"
    case interrupted = "interrupted"
    case failed = "failed"
}

/// What a run did, for the report.
public struct RunReport: Sendable {
    public var reason: StopReason
    public var error: RuntimeError?
    public var elapsedMicros: Int64
    public var workers: Int
    /// Firings per transition by this process's workers, in net order.
    public var firings: [(transition: String, count: Int)]
    public var handlerRuns: Int
    /// Claims whose lease ran out before the work finished.
    public var lostClaims: Int
    /// Times a worker found the tokens it chose taken by another worker.
    public var conflicts: Int
    /// How long the transactions that fired took, from the first read to
    /// the commit, counted once per firing (the firings of a batch share one).
    public var latency = LatencyHistogram()

    public var totalFirings: Int { firings.reduce(0) { $0 + $1.count } }

    /// A run that failed before any worker started (its store would not open).
    public static func failed(_ error: RuntimeError, workers: Int, elapsedMicros: Int64) -> RunReport {
        RunReport(reason: .failed, error: error, elapsedMicros: elapsedMicros, workers: workers, firings: [],
                  handlerRuns: 0, lostClaims: 0, conflicts: 0)
    }
    public var firingsPerSecond: Double { elapsedMicros > 0 ? Double(totalFirings) * 1e6 / Double(elapsedMicros) : 0 }
}

/// Runs `workers` engines on their own threads until the goal is met, an
/// error stops them all, or `isCancelled` says so.
///
/// ```swift
/// let report = Runner.run(workers: 4, goal: .final) { i in
///     try Engine(net: net, store: SQLiteStore(path: "state.db"), worker: "host:\(getpid()):\(i)")
/// }
/// ```
public enum Runner {
    public static func run(workers: Int, goal: RunGoal, isCancelled: @escaping @Sendable () -> Bool = { false },
                           makeEngine: @escaping @Sendable (Int) throws -> Engine) -> RunReport {
        let control = RunControl(isCancelled: isCancelled)
        let start = RuntimeClock.monotonic()
        let results = ResultBox(count: max(1, workers))
        let done = DispatchGroup()
        for i in 0..<max(1, workers) {
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                do {
                    let engine = try makeEngine(i)
                    defer { engine.store.close() }
                    results.set(i, Worker(engine: engine, goal: goal, control: control, start: start).run())
                } catch {
                    control.fail(error as? RuntimeError ?? RuntimeError(.store, "\(error)"))
                }
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
        done.wait()
        let stats = results.all
        var firings: [String: Int] = [:]
        var order: [String] = []
        for s in stats { for (t, n) in s.firings { if firings[t] == nil { order.append(t) }; firings[t, default: 0] += n } }
        // In the net's order of transitions, for a report that reads like the net.
        let declared = stats.first?.transitionOrder ?? order
        let ordered = declared.filter { firings[$0] != nil }.map { ($0, firings[$0]!) } + order.filter { !declared.contains($0) }.map { ($0, firings[$0]!) }
        var latency = LatencyHistogram()
        for s in stats { latency.add(s.latency) }
        return RunReport(reason: control.reason ?? .failed, error: control.error, elapsedMicros: RuntimeClock.monotonic() - start,
                         workers: max(1, workers), firings: ordered,
                         handlerRuns: stats.reduce(0) { $0 + $1.handlerRuns }, lostClaims: stats.reduce(0) { $0 + $1.lostClaims },
                         conflicts: stats.reduce(0) { $0 + $1.conflicts }, latency: latency)
    }
}

/// Shared by the workers of one process: the first reason to stop wins.
final class RunControl: @unchecked Sendable {
    private let lock = NSLock()
    private var _reason: StopReason?
    private var _error: RuntimeError?
    let isCancelled: @Sendable () -> Bool

    init(isCancelled: @escaping @Sendable () -> Bool) { self.isCancelled = isCancelled }

    var isStopped: Bool {
        if lock.withLock({ _reason != nil }) { return true }
        if isCancelled() { stop(.interrupted); return true }
        return false
    }

    var reason: StopReason? { lock.withLock { _reason } }
    var error: RuntimeError? { lock.withLock { _error } }

    func stop(_ reason: StopReason) { lock.withLock { if _reason == nil { _reason = reason } } }

    func fail(_ error: RuntimeError) {
        lock.withLock {
            if _error == nil { _error = error }
            if _reason == nil || _reason == .interrupted { _reason = .failed }
        }
    }
}

private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stats: [WorkerStats?]
    init(count: Int) { stats = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ s: WorkerStats) { lock.withLock { stats[i] = s } }
    var all: [WorkerStats] { lock.withLock { stats.compactMap { $0 } } }
}

struct WorkerStats: Sendable {
    var firings: [String: Int] = [:]
    var transitionOrder: [String] = []
    var handlerRuns = 0
    var lostClaims = 0
    var conflicts = 0
    var latency = LatencyHistogram()
}

/// One worker's loop: step, run handlers, sleep when there is nothing to do.
struct Worker {
    let engine: Engine
    let goal: RunGoal
    let control: RunControl
    let start: Int64
    /// The longest nap between two looks at an idle store.
    static let maximumNapMicros: Int64 = 100_000

    func run() -> WorkerStats {
        var stats = WorkerStats()
        stats.transitionOrder = engine.net.checked.transitions.map(\.name)
        var nap: Int64 = 500
        var jitter = engine.random
        while !control.isStopped {
            if timeIsUp { control.stop(.duration); break }
            do {
                let began = RuntimeClock.monotonic()
                switch try engine.step() {
                case .fired(let events, let facts):
                    stats.latency.record(micros: RuntimeClock.monotonic() - began, count: events.count)
                    for event in events { stats.firings[event.transition ?? "?", default: 0] += 1 }
                    nap = 500
                    if goal == .final, facts.isFinal == true, facts.held == 0 { control.stop(.final) }
                case .claimed(let claim):
                    stats.handlerRuns += 1
                    try work(on: claim, &stats)
                    nap = 500
                case .waiting(let facts):
                    if facts.contended {
                        stats.conflicts += 1
                        RuntimeClock.sleep(micros: 100 + Int64(jitter.below(900)))
                        continue
                    }
                    if try decide(facts) { continue }
                    var wait = nap
                    if let next = facts.nextReadyAt { wait = min(wait, max(200, next - facts.now)) }
                    RuntimeClock.sleep(micros: wait)
                    nap = min(nap * 2, Self.maximumNapMicros)
                }
            } catch let e as RuntimeError {
                control.fail(e)
            } catch {
                control.fail(RuntimeError(.store, "\(error)"))
            }
        }
        return stats
    }

    private var timeIsUp: Bool {
        if case .duration(let d) = goal { return RuntimeClock.monotonic() - start >= d }
        return false
    }

    /// With nothing to fire: whether the goal is met (and the run stopped),
    /// or the net is stuck short of it.
    private func decide(_ facts: MarkingFacts) throws -> Bool {
        let settled = facts.held == 0
        switch goal {
        case .final:
            if facts.isFinal == true && settled { control.stop(.final); return true }
            if facts.nextReadyAt == nil && settled {
                let snapshot = try? engine.snapshot()
                throw RuntimeError(.deadlock, "deadlock: no transition is enabled, no token is waiting and no handler is working, but the marking is not final",
                                   details: ["marking:"] + (snapshot.map { MarkingText.lines(rows: $0.tokens, engine: engine) } ?? []))
            }
        case .idle:
            if facts.nextReadyAt == nil && settled { control.stop(.idle); return true }
        case .duration:
            break
        }
        return false
    }

    private func work(on claim: Claim, _ stats: inout WorkerStats) throws {
        let answer: [String]
        switch engine.perform(claim) {
        case .failure(let f):
            try engine.abandon(claim, reason: f.message)
            throw RuntimeError(.handler, f.description, details: ["the held tokens were given back; nothing fired"])
        case .success(let names):
            answer = names
        }
        var nap: Int64 = 2_000
        while true {
            let completion: Completion
            let began = RuntimeClock.monotonic()
            do {
                completion = try engine.complete(claim, answer: answer)
            } catch let e as RuntimeError where e.kind == .handler {
                try engine.abandon(claim, reason: e.message)
                throw e
            }
            switch completion {
            case .fired(let event, let facts):
                stats.latency.record(micros: RuntimeClock.monotonic() - began)
                stats.firings[event.transition ?? "?", default: 0] += 1
                if goal == .final, facts.isFinal == true, facts.held == 0 { control.stop(.final) }
                return
            case .lost:
                stats.lostClaims += 1
                return
            case .blocked:
                // The outcome waits for room in a full place (backpressure).
                if control.isStopped || timeIsUp {
                    try engine.abandon(claim, reason: "the run stopped while `\(answer.joined(separator: " "))` waited for room; the work's result was dropped")
                    return
                }
                RuntimeClock.sleep(micros: nap)
                nap = min(nap * 2, Self.maximumNapMicros)
            }
        }
    }
}
