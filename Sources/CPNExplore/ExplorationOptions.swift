import Foundation

/// Limits on an exploration. A limit that stops it makes the verdict
/// `bounded` (exit 3) unless a violation was found first.
public struct ExplorationOptions: Sendable {
    public var maxStates: Int = 5_000_000
    public var maxDepth: Int? = nil
    public var timeLimit: Double? = nil
    /// Resident memory of the whole process, in bytes, at which exploration
    /// stops (`unknown`, exit 3) instead of being killed by the system.
    public var maxMemory: Int = ExplorationOptions.defaultMaxMemory
    /// Stop at the first violated property (TLC's default). Exploration is then
    /// incomplete and the properties not yet violated are `unknown`.
    public var failFast = false
    /// Called about once a second with the running figures.
    public var progress: (@Sendable (Progress) -> Void)? = nil
    /// Polled during exploration, also inside one marking's binding
    /// enumeration and inside long expressions; returning true stops it (Ctrl-C).
    public var isCancelled: @Sendable () -> Bool = { false }
    /// Threads that expand and store states at once on the place/transition fast path
    /// and the unfolded engine (the dynamic colored path is serial). Results
    /// do not depend on it: states are numbered, and traces chosen, exactly as
    /// with one thread.
    public var workers: Int = min(ProcessInfo.processInfo.activeProcessorCount, 8)
    /// Which successor engine runs; every engine gives the same result
    /// (tests and `verify --engine` compare them).
    public var engine: ExplorationEngine = .automatic
    /// Levels narrower than this are expanded on the calling thread alone
    /// (tests lower it to run the parallel path on small nets).
    var parallelThreshold = 512
    /// States expanded in parallel before their successors are inserted.
    var parallelRun = 16_384
    /// A run with more successors than this is inserted one state at a time
    /// (at most `StateStore.maximumRun`; tests lower it to run that path too).
    var maximumProvisionalRun = StateStore.maximumRun
    /// The largest color whose places are stored as a count per value
    /// (tests lower it to run the entry layouts, and mixes of both, too).
    var maximumCells = StateCodec.maximumCells

    public init() {}

    /// The stop reason of a search stopped by Ctrl-C (`isCancelled`).
    public static let interrupted = "interrupted"

    /// Three quarters of the machine's physical memory: room for the rest of
    /// the system, and a clean `unknown` long before the kernel's OOM killer.
    public static var defaultMaxMemory: Int {
        Int(clamping: ProcessInfo.processInfo.physicalMemory / 4 * 3)
    }

    public struct Progress: Sendable {
        /// Distinct markings stored.
        public var states: Int
        /// Successors computed so far (steps to known markings included).
        public var generated: Int
        /// Markings stored but not yet expanded.
        public var queue: Int
        public var depth: Int
        public var elapsed: Double
        /// Memory of the state store.
        public var memoryBytes: Int
        /// Resident memory of the process (0 where it cannot be read).
        public var residentBytes: Int

        public var statesPerSecond: Double { elapsed > 0 ? Double(states) / elapsed : 0 }
    }

    /// Why work must stop now, if it must: time limit, Ctrl-C, memory.
    /// Thread-safe; called every few thousand units of work.
    func stopReason(startedAt start: UInt64) -> String? {
        if let limit = timeLimit, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 >= limit {
            return "time limit \(formatSeconds(limit)) reached"
        }
        if isCancelled() { return Self.interrupted }
        if let rss = ResidentMemory.bytes(), rss >= maxMemory {
            return "memory limit \(formatBytes(maxMemory)) reached"
        }
        return nil
    }
}

/// How successors are computed (`specs/semantics.md` §8).
public enum ExplorationEngine: String, Sendable, CaseIterable {
    /// Place/transition counters for plain nets, else the unfolded engine
    /// when the unfolding fits its limits, else the dynamic one.
    case automatic = "auto"
    /// Bindings enumerated over the tokens of each marking, expressions
    /// evaluated as they are met (works for every net).
    case dynamic
    /// The unfolded engine whenever the net unfolds within its limits (also
    /// for place/transition nets), the dynamic one otherwise.
    case unfolded
}

func formatSeconds(_ s: Double) -> String {
    s == s.rounded() ? "\(Int(s)) s" : String(format: "%.1f s", s)
}

func formatBytes(_ n: Int) -> String {
    if n >= 1 << 30 { return String(format: "%.1f GiB", Double(n) / Double(1 << 30)) }
    return "\(n >> 20) MiB"
}
