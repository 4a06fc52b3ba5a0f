/// Opening an existing store without the net file: the store keeps the text
/// of the net it runs, so `tokens`, `status` and `log export` need only `--store`.
extension Engine {
    /// An engine on the net `store` holds; an error when the store holds none yet.
    public static func attach(store: any TokenStore, worker: String, options: EngineOptions = EngineOptions()) throws -> Engine {
        do { try store.migrate() } catch { throw storeError(error, store) }
        let record: NetRecord?
        do { record = try store.transaction { try $0.net() } } catch { throw storeError(error, store) }
        guard let record else {
            throw RuntimeError(.store, "\(store.location) holds no net yet",
                               details: ["help: start it with `cpn-author run NET.yaml --store \(store.location)` (or `tokens add --net NET.yaml`)"])
        }
        let net: RuntimeNet
        switch RuntimeNet.load(text: record.source, path: record.path) {
        case .success(let n): net = n
        case .failure(let f):
            throw RuntimeError(.store, "the net stored in \(store.location) no longer checks with this cpn-author (\(f.result.errorCount) errors)",
                               details: ["help: run it with its file: `cpn-author run \(record.path) --store \(store.location)`"])
        }
        var options = options
        // A shard's store is read as that shard: its global transitions, its invariants.
        if let text = record.shard, let label = ShardLabel(json: text) {
            do {
                let proof = try PartitionAnalysis(net: net.checked, key: label.key, global: label.declaredGlobal).run()
                let plan = try ShardPlan(proof: proof, net: net.checked, count: label.count)
                options.shard = ShardAssignment(plan: plan, index: label.index, invariants: Set(label.invariants))
            } catch let e as PartitionError {
                throw RuntimeError(.store, "\(store.location) holds \(label.summary) of net `\(net.name)`, but the net stored there no longer partitions: \(e.message)")
            }
        }
        let engine = try Engine(net: net, store: store, worker: worker, options: options)
        try engine.open()
        return engine
    }

    /// Counts over the event log; `since` is a time in microseconds.
    public func summary(since: Int64) throws -> EventSummary {
        try transaction { try $0.summary(since: since) }
    }
}
