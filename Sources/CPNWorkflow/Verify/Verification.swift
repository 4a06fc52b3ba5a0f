import CPNExplore
import CPNLoad
import CPNReport
import CPNStructure

/// One net verified: loaded and checked, explored when valid, and with
/// structural analysis when asked. The unit of work of `verify`, `review` and
/// every front end that gates a net (the MCP server, the drafting loop).
public enum Verification {
    /// Loads `source` and, when it checks, explores it with `options`.
    /// `structure` adds P-/T-invariants and upgrades the declared invariants
    /// they prove (specs/semantics.md §10); it never changes a violation.
    public static func verify(_ source: NetSource, options: ExplorationOptions, structure: Bool = false) -> NetReport {
        let loaded = NetInput.load(source)
        guard let net = loaded.checked else { return NetReport(loaded: loaded, result: nil) }
        let result = Explorer(net: net, options: options).run(file: source.path)
        guard structure else { return NetReport(loaded: loaded, result: result) }
        var limits = StructuralLimits()
        limits.isCancelled = options.isCancelled
        let analysis = StructuralAnalysis(net: net).run(limits)
        return NetReport(loaded: loaded, result: result.provingStructurally(analysis), structure: analysis)
    }

    /// Verifies every source, one per processor, and returns the reports in
    /// the order of `sources`; `deliver` sees each report as soon as it and all
    /// reports before it are done (for streaming text), on the calling thread.
    public static func verify(_ sources: [NetSource], options: ExplorationOptions, structure: Bool = false,
                              deliver: (Int, NetReport) -> Void = { _, _ in }) -> [NetReport] {
        OrderedParallelMap.run(sources, work: { source in
            verify(source, options: options, structure: structure)
        }, deliver: deliver)
    }
}
