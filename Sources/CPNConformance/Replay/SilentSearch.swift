import CPNExplore

/// The silent transitions' bounded search: the shortest sequence (at most
/// `depth` firings, at most `states` markings visited) of silent transitions,
/// fired by `FiringRule`, after which `goal` holds. PM4Py does the same with
/// a heuristic (shortest paths of invisible transitions towards the places
/// that lack tokens); on nets where the shortest enabling sequence is unique
/// the two agree.
struct SilentSearch {
    let rule: FiringRule
    let silent: [Int]
    let depth: Int
    let states: Int

    /// The firings to make and the marking after them, or nil when no sequence within the bounds reaches the goal.
    func search(from start: ReplayMarking, goal: (ReplayMarking) -> Bool) -> (path: [FiringRule.Firing], marking: ReplayMarking)? {
        guard !silent.isEmpty, depth > 0 else { return nil }
        var frontier: [(ReplayMarking, [FiringRule.Firing])] = [(start, [])]
        var seen: Set<ReplayMarking> = [start]
        for _ in 0..<depth {
            var next: [(ReplayMarking, [FiringRule.Firing])] = []
            for (m, path) in frontier {
                guard let firings = try? rule.enabled(in: m.places, transitions: silent) else { continue }
                for f in firings {
                    let after = Replayer.apply(f, to: m)
                    guard seen.insert(after).inserted else { continue }
                    if goal(after) { return (path + [f], after) }
                    if seen.count >= states { return nil }
                    next.append((after, path + [f]))
                }
            }
            if next.isEmpty { return nil }
            frontier = next
        }
        return nil
    }
}
