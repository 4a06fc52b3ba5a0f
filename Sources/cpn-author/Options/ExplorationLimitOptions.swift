import ArgumentParser
import CPNExplore

/// The bounds of an exploration, shared by `verify` and `review`: a run that
/// reaches one stops with a partial report (`unknown`, exit 3).
struct ExplorationLimitOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Stop each exploration after this many states.")
    var maxStates: Int = 5_000_000

    @Option(parsing: .unconditional, help: "Do not explore beyond this depth (number of steps from the initial marking).")
    var maxDepth: Int?

    @Option(parsing: .unconditional, help: "Stop each exploration after this many seconds.")
    var timeLimit: Double?

    @Option(help: ArgumentHelp("Stop (unknown, exit 3) when the process's resident memory reaches this size: bytes, or with K, M, G (default: three quarters of the machine's memory).",
                               valueName: "size"))
    var maxMemory: MemorySize?

    func validate() throws {
        guard maxStates >= 1 else { throw ValidationError("--max-states must be at least 1") }
        if let d = maxDepth, d < 0 { throw ValidationError("--max-depth cannot be negative") }
        if let t = timeLimit, !(t > 0) { throw ValidationError("--time-limit must be a positive number of seconds") }
    }

    /// These limits applied to `options`, with Ctrl-C stopping the exploration cleanly.
    func apply(to options: inout ExplorationOptions) {
        options.maxStates = maxStates
        options.maxDepth = maxDepth
        options.timeLimit = timeLimit
        if let maxMemory { options.maxMemory = maxMemory.bytes }
        let interrupt = InterruptFlag.install()
        options.isCancelled = { interrupt.isSet }
    }
}
