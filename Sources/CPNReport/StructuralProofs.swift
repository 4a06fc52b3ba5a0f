import CPNExplore
import CPNStructure

extension ExplorationResult {
    /// The result with every declared invariant that the structural analysis
    /// proves shown as `holds`, `proved (structural, ...)`: a P-invariant
    /// implies it for every initial marking with the same weighted sums, so it
    /// holds even where the exploration was incomplete.
    ///
    /// A violation found by exploration is never overridden (that would be a
    /// contradiction, and the violation has a trace); neither is an invariant
    /// that failed to evaluate somewhere (its expression is then more than
    /// its linear form). The verdict is recomputed from the statuses.
    public func provingStructurally(_ structure: StructuralReport?) -> ExplorationResult {
        guard let structure else { return self }
        var r = self
        for i in r.properties.indices where r.properties[i].kind == .invariant && r.properties[i].status != .violated {
            let p = r.properties[i]
            guard let proof = structure.declared(named: p.name), proof.status == .proved else { continue }
            if p.status == .unknown, p.undecidedBecause?.hasPrefix("exploration was incomplete") != true { continue }
            r.properties[i].status = .holds
            r.properties[i].proof = .structural(proof.detail)
            r.properties[i].undecidedBecause = nil
        }
        if r.verdict == .bounded, r.properties.allSatisfy({ $0.status == .holds }) { r.verdict = .pass }
        return r
    }
}
