import CPNDiagnostics
import Dispatch

/// Bounds the work one step of an exploration may do inside a single
/// expression or a single marking's binding enumeration.
///
/// A marking can hide an unbounded amount of work: 20 input patterns on a
/// 40-token place have 40^20 partial bindings, and a nested `forall` over a
/// 100,000-value enum is 10^10 evaluations. Checking deadlines between states
/// is then useless, so the evaluator and the binding enumerator spend units
/// here as they go, and every `interval` units `shouldStop` is asked (time
/// limit, Ctrl-C, memory). Once it answers, every further `spend` throws an
/// interruption: an `EvaluationError` with `isInterruption` set, which callers
/// turn into an incomplete exploration, never into a property violation.
///
/// One budget per thread: the countdown is not synchronised (`shouldStop`
/// must be thread-safe when copies share it).
public final class WorkBudget: @unchecked Sendable {
    private var countdown: Int
    private let interval: Int
    private let shouldStop: @Sendable () -> String?
    /// Why work stopped, once it has.
    public private(set) var stopReason: String?

    /// - Parameters:
    ///   - interval: units spent between two calls of `shouldStop`.
    ///   - shouldStop: nil to go on, or the reason to stop ("time limit 5 s reached").
    public init(interval: Int = 4096, shouldStop: @escaping @Sendable () -> String?) {
        self.interval = max(1, interval)
        self.countdown = max(1, interval)
        self.shouldStop = shouldStop
    }

    /// A fresh budget with the same rule, for another thread.
    public func copy() -> WorkBudget { WorkBudget(interval: interval, shouldStop: shouldStop) }

    /// Spends `units`; throws an interruption once `shouldStop` has answered.
    @inline(__always)
    public func spend(_ units: Int = 1) throws(EvaluationError) {
        countdown -= units
        if countdown <= 0 { try poll() }
    }

    /// Asks `shouldStop` now (and resets the countdown); throws when it answers.
    public func poll() throws(EvaluationError) {
        countdown = interval
        if stopReason == nil { stopReason = shouldStop() }
        if let stopReason { throw EvaluationError.interruption(stopReason) }
    }

    /// Whether work has stopped, asking `shouldStop` if the countdown has run out.
    public var isExhausted: Bool {
        (try? spend(0)) == nil
    }
}

extension EvaluationError {
    /// Work stopped by a bound (time, memory, Ctrl-C), not a failure of the expression.
    public static func interruption(_ reason: String) -> EvaluationError {
        var e = EvaluationError(reason, at: SourceSpan(file: "", line: 0, column: 0))
        e.isInterruption = true
        return e
    }
}
