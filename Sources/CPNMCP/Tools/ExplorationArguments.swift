import CPNExplore

/// The bounds of an exploration, as tool arguments. Every call is bounded by
/// default, so an agent's call cannot run away with the machine: at most
/// 1,000,000 states and 60 seconds unless it asks for more, and never more
/// than 50,000,000 states or 600 seconds.
enum ExplorationArguments {
    static let names: Set<String> = ["max_states", "max_depth", "max_seconds", "max_memory_mb", "fail_fast", "accept_bounded"]
    static let defaultMaxStates = 1_000_000
    static let defaultSeconds = 60

    static let schema: [(String, JSONSchemaText)] = [
        ("max_states", .init(##"{"type": "integer", "minimum": 1, "maximum": 50000000, "default": 1000000, "description": "Stop after discovering this many markings (the verdict is then `bounded`, never `pass`)."}"##)),
        ("max_depth", .init(##"{"type": "integer", "minimum": 0, "maximum": 100000000, "description": "Do not expand markings deeper than this many steps from the initial one."}"##)),
        ("max_seconds", .init(##"{"type": "integer", "minimum": 1, "maximum": 600, "default": 60, "description": "Wall-clock bound of the exploration."}"##)),
        ("max_memory_mb", .init(##"{"type": "integer", "minimum": 16, "maximum": 65536, "default": 2048, "description": "Memory bound of the state store, in MiB."}"##)),
        ("fail_fast", .init(##"{"type": "boolean", "default": false, "description": "Stop at the first violated property."}"##)),
        ("accept_bounded", .init(##"{"type": "boolean", "default": false, "description": "Count a bounded exploration without violation as passing (exit_code 0 instead of 3); the verdict stays `bounded`."}"##)),
    ]

    static func options(_ a: ToolArguments) throws(ToolMisuse) -> ExplorationOptions {
        var o = ExplorationOptions()
        o.maxStates = try a.int("max_states", default: defaultMaxStates, in: 1...50_000_000)!
        o.maxDepth = try a.int("max_depth", in: 0...100_000_000)
        o.timeLimit = Double(try a.int("max_seconds", default: defaultSeconds, in: 1...600)!)
        o.maxMemory = min(o.maxMemory, try a.int("max_memory_mb", default: 2048, in: 16...65536)! << 20)
        o.failFast = try a.bool("fail_fast")
        return o
    }
}
