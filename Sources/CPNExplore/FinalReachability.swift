/// "Final is always reachable": every reachable state can reach a target
/// state (final, or a dead marking already reported as a deadlock).
///
/// Computed by one backward breadth-first search from all targets over the
/// reversed edge list (compressed sparse rows): O(states + edges).
enum FinalReachability {
    /// The first state (in BFS order, so with the shortest trace) that cannot
    /// reach a target, or nil when every state can.
    static func firstTrapped(states: Int, from: [UInt32], to: [UInt32], isTarget: (Int) -> Bool) -> Int? {
        // Reverse adjacency: for each state, the states with an edge into it.
        var start = [Int](repeating: 0, count: states + 1)
        for t in to { start[Int(t) + 1] += 1 }
        for i in 0..<states { start[i + 1] += start[i] }
        var fill = start
        var predecessors = [UInt32](repeating: 0, count: to.count)
        for (f, t) in zip(from, to) {
            predecessors[fill[Int(t)]] = f
            fill[Int(t)] += 1
        }
        var reaches = [Bool](repeating: false, count: states)
        var queue: [Int] = []
        for s in 0..<states where isTarget(s) {
            reaches[s] = true
            queue.append(s)
        }
        var head = 0
        while head < queue.count {
            let s = queue[head]
            head += 1
            for k in start[s]..<start[s + 1] {
                let p = Int(predecessors[k])
                if !reaches[p] {
                    reaches[p] = true
                    queue.append(p)
                }
            }
        }
        return reaches.firstIndex(of: false)
    }
}
