/// The properties of a marking spread over several stores (the shards of a
/// partitioned run, once they stopped): `final` and every invariant, the ones
/// no single shard can check included.
extension Engine {
    /// The union of these tokens, all of this engine's net, as `final` and the invariants see it.
    public func judge(union rows: [StoredToken]) throws -> (isFinal: Bool?, brokenInvariants: [String]) {
        let groups = TokenGroup.of(rows, real: 0, worker: worker)
        let marking = try RuntimeMarking(groups: groups, net: net, text: text, now: Int64.max)
        return (isFinal(marking), brokenInvariants(marking, everyOne: true).map(\.name))
    }
}
